"""Violations (违规) and their follow-up (督查跟踪), and the monthly supervision bulletin (督查通报).

Follow-up is recorded as acts in the ledger: ``POST /violations/{id}/acknowledge|justify|
remediate|reopen`` records a ``followup`` act (case id = violation id) by the token's
person, and the violation's ``status`` is folded from those acts::

    open ──acknowledge──▶ acknowledged ──justify(basis)──▶ justified
      ▲                        │        ──remediate─────▶ remediated
      └──────────reopen────────┴───────────────────────────────┘
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Body, Depends, Path, Query

from api.access import list_filter, may_read_violation
from api.auth import FOLLOWERS, READERS, Principal, require
from api.errors import (
    COMMON,
    R404,
    R409,
    ApiError,
    Responses,
    forbidden,
    from_act_error,
    invalid,
    not_found,
    parse_time,
)
from api.jsonbody import json_body
from api.models import BulletinOut, FollowupIn, FollowupOut, JustifyIn, UnjudgedOut, ViolationDetail, ViolationsPage
from api.queries import month_bulletin
from api.routing import OneHopRoute
from api.services import STATUS_AFTER, Services, act_out, decode_cursor, encode_cursor, refuse_nul, services
from domain.bulletin import month_bounds
from domain.errors import ActError
from domain.org import OrgChart
from domain.rules.base import FAMILIES
from domain.rules.custom import pack_status
from domain.rules.packs import PACKS
from domain.timeutil import format_datetime
from ledger.validation import BatchValidator
from projections import unjudged as unjudged_view
from projections.queries import query_violations

router = APIRouter(route_class=OneHopRoute, tags=["violations"], responses=COMMON)

Status = Literal["open", "acknowledged", "justified", "remediated"]
VID = Annotated[str, Path(description="Violation id (v-…)")]
#: Response header naming the jurisdictions in scope whose cases are not judged (``j=failed, k=none``;
#: ids percent-encoded).
UNJUDGED_HEADER = "Ledger-Unjudged"


def _strip(v: dict[str, Any], status: str | None) -> dict[str, Any]:
    v = {k: val for k, val in v.items() if k != "at_us"}
    v["status"] = status
    return v


@router.get(
    "/violations", summary="Violations by filter, ordered by business time (paged)", response_model=ViolationsPage
)
def list_violations(
    rule: str | None = None,
    family: str | None = None,
    pack: str | None = None,
    unit: str | None = None,
    case: str | None = None,
    severity: Literal["high", "medium", "low"] | None = None,
    state: Annotated[
        Literal["breach", "late", "missing"] | None,
        Query(description="breach (a wrong act), late (after its deadline) or missing (never came)"),
    ] = None,
    status: Status | None = None,
    since: Annotated[str | None, Query(description="From this business time (RFC 3339 or YYYY-MM-DD)")] = None,
    until: Annotated[str | None, Query(description="Up to this business time (RFC 3339 or YYYY-MM-DD)")] = None,
    jurisdiction: str | None = None,
    sort: Literal["asc", "desc"] = "asc",
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    p: Principal = Depends(require(*READERS)),
    s: Services = Depends(services),
) -> Any:
    j = p.jurisdiction_scope(jurisdiction)
    if family is not None:
        family = family.upper()
        if family not in FAMILIES:
            raise invalid(
                "family",
                f"未知规则类别 {family}",
                f"unknown family '{family}' (one of {', '.join(FAMILIES)})",
                "unknown_family",
            )
    if pack is not None and pack not in PACKS:
        raise invalid(
            "pack", f"未知规则包 {pack}", f"unknown pack '{pack}' (one of {', '.join(PACKS)})", "unknown_pack"
        )
    p.check_unit_filter(unit)
    t0 = parse_time(since, "since", end=False)
    t1 = parse_time(until, "until")
    desc = sort == "desc"
    parts = decode_cursor(cursor, (int, str, str))
    if parts is not None and parts[2] != sort:
        raise invalid("cursor", "分页游标与排序方向不符", "the cursor was made for the other sort order", "bad_cursor")
    after = (parts[0], parts[1]) if parts else None
    proj = s.projection()
    # every follow-up's status when filtering by it; else only the page's (read after it)
    statuses = s.statuses() if status is not None else {}
    ids: list[str] | None = None
    if status is not None and status != "open":
        ids = sorted(v for v, st in statuses.items() if st == status)
    filters: dict[str, Any] = {
        "jurisdiction": j,
        "rule": rule,
        "family": family,
        "pack": pack,
        "unit": unit,
        "restrict": list_filter(s, p, proj.t_v, unit_col="unit"),
        "case": case,
        "severity": severity,
        "state": state,
        "since": t0,
        "until": t1,
        "ids": ids,
        "descending": desc,
    }
    batch = max(limit + 1, 200) if status == "open" else limit + 1
    items: list[tuple[dict[str, Any], str]] = []
    while True:
        page = query_violations(proj, **filters, after=after, limit=batch)
        for v in page:
            after = (int(v["at_us"]), str(v["id"]))
            st = statuses.get(v["id"], "open")
            if status is None or st == status:
                items.append((v, st))
                if len(items) > limit:
                    break
        if len(items) > limit or len(page) < batch:
            break
    more = len(items) > limit
    items = items[:limit]
    if status is None:
        found = s.statuses([v["id"] for v, _st in items])
        items = [(v, found.get(v["id"], "open")) for v, _st in items]
    s.log_access(
        p,
        "/violations",
        {
            "rule": rule,
            "family": family,
            "pack": pack,
            "unit": unit,
            "case": case,
            "severity": severity,
            "state": state,
            "status": status,
            "since": since,
            "until": until,
            "jurisdiction": jurisdiction,
            "sort": sort,
            "cursor": cursor,
        },
        [j] if j else None,
    )
    nxt = None
    if more and items:
        last = items[-1][0]
        nxt = encode_cursor(int(last["at_us"]), str(last["id"]), sort)
    counted = {k: v for k, v in filters.items() if k not in ("ids", "descending", "state", "restrict")}
    counted["restrict"] = list_filter(s, p, proj.t_u, unit_col="unit")
    unjudged = [
        st
        for st in (pack_status(s.ledger.org(x), s.now()) for x in ([j] if j else s.ledger.jurisdictions()))
        if not st.judged
    ]
    headers: dict[str, str] = {}
    if unjudged:
        headers[UNJUDGED_HEADER] = ", ".join(f"{quote(st.jurisdiction, safe='')}={st.state}" for st in unjudged)
    return json_body(
        {
            "items": [_strip(v, st) for v, st in items],
            "next_cursor": nxt,
            "unjudged": [st.as_dict() for st in unjudged],
            "unjudged_acts": unjudged_view.counts(proj, **counted) if status is None and state is None else {},
        },
        headers,
    )


@router.get(
    "/unjudged",
    summary="Acts a rule could not judge (a value outside what it reads), with the field, value and why",
    response_model=list[UnjudgedOut],
)
def list_unjudged(
    rule: str | None = None,
    family: str | None = None,
    pack: str | None = None,
    unit: str | None = None,
    case: str | None = None,
    jurisdiction: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    p: Principal = Depends(require(*READERS)),
    s: Services = Depends(services),
) -> Any:
    j = p.jurisdiction_scope(jurisdiction)
    p.check_unit_filter(unit)
    rows = unjudged_view.query(
        s.projection(),
        jurisdiction=j,
        rule=rule,
        family=family.upper() if family else None,
        pack=pack,
        unit=unit,
        case=case,
        restrict=list_filter(s, p, s.projection().t_u, unit_col="unit"),
    )
    s.log_access(
        p, "/unjudged", {"rule": rule, "family": family, "pack": pack, "unit": unit, "case": case}, [j] if j else None
    )
    return rows[:limit]


def _violation(s: Services, p: Principal, vid: str) -> dict[str, Any]:
    rows = query_violations(s.projection(), ids=[vid])
    if not rows:
        raise not_found("violation", vid, "违规记录")
    v = rows[0]
    if not may_read_violation(s, p, v):
        raise forbidden(
            f"无权查看单位 {v['unit'] or '（全辖区）'} 的违规记录",
            f"this token may not read violations of unit '{v['unit']}'",
        )
    return v


@router.get(
    "/violations/{violation_id}",
    summary="One violation with its evidence acts and follow-up history",
    response_model=ViolationDetail,
    responses=R404,
)
def get_violation(violation_id: VID, p: Principal = Depends(require(*READERS)), s: Services = Depends(services)) -> Any:
    v = _violation(s, p, violation_id)
    j = v["jurisdiction"]
    hist, status, version = s.followup(j, violation_id)
    evidence = s.acts_by_ids(j, v["evidence"])
    s.log_access(p, f"/violations/{violation_id}", {}, [j])
    return {
        **_strip(v, status),
        "evidence_acts": [act_out(a) for a in evidence],
        "followup": [act_out(a) for a in hist],
        "followup_version": version,
    }


# ---- follow-up -----------------------------------------------------------------------------
#: action → (act recorded, statuses it may follow)
TRANSITIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "acknowledge": ("acknowledged", ("open",)),
    "justify": ("justified", ("acknowledged",)),
    "remediate": ("remediated", ("acknowledged",)),
    "reopen": ("reopened", ("acknowledged", "justified", "remediated")),
}
STATUS_ZH = {"open": "待处理", "acknowledged": "已确认", "justified": "已说明依据", "remediated": "已整改"}


def _follow(s: Services, p: Principal, vid: str, action: str, body: FollowupIn | None) -> dict[str, Any]:
    v = _violation(s, p, vid)
    j = v["jurisdiction"]
    act_name, allowed_from = TRANSITIONS[action]
    if not p.person:
        raise forbidden(
            "督查跟踪须由具体人员记录：该令牌未绑定人员（--person）",
            "follow-up is recorded by a person: this token has no person (--person)",
        )
    _hist, status, version = s.followup(j, vid)
    if body is not None and body.expected_version is not None and body.expected_version != version:
        raise ApiError(
            409,
            "write_conflict",
            f"该违规的跟踪记录已更新（当前版本 {version}），本次未保存",
            f"the follow-up of '{vid}' is at version {version}, not {body.expected_version}; nothing was stored",
            field="expected_version",
        )
    if status not in allowed_from:
        raise ApiError(
            409,
            "invalid_transition",
            f"当前状态为“{STATUS_ZH[status]}”，不能{action}",
            f"cannot {action} a violation whose status is '{status}' (allowed from: {', '.join(allowed_from)})",
            field="status",
        )
    if body is not None:
        refuse_nul(body.model_dump())
    data: dict[str, Any] = {}
    if body is not None and body.note:
        data["note"] = body.note
    if isinstance(body, JustifyIn):
        data["basis"] = body.basis
    raw = {
        "id": f"fu-{uuid.uuid4().hex}",
        "jurisdiction": j,
        "case": vid,
        "kind": "followup",
        "act": act_name,
        "at": format_datetime(s.now()),
        "by": p.person,
        "unit": s.actor_unit(p, j, fallback=v["unit"]),
        "data": {**data, "role": p.role, "token": p.token.id},
    }
    try:
        a = BatchValidator(s.ledger, jurisdiction=j).validate(raw)
    except ActError as e:
        raise from_act_error(e) from e
    # appended on the version we read: a concurrent follow-up of the same violation is a 409
    [r] = s.ledger.append([a], on_conflict="raise", expected={vid: version})
    s.caught_up()  # in the views before the answer: a reader after it sees the new status
    return {"violation": vid, "status": STATUS_AFTER[act_name], "followup_version": version + 1, "act": act_out(r.act)}


FOLLOW_RESPONSES: Responses = {**R404, **R409}


@router.post(
    "/violations/{violation_id}/acknowledge",
    summary="Acknowledge a violation (open → acknowledged)",
    response_model=FollowupOut,
    status_code=201,
    responses=FOLLOW_RESPONSES,
)
def acknowledge(
    violation_id: VID,
    body: Annotated[FollowupIn | None, Body()] = None,
    p: Principal = Depends(require(*FOLLOWERS)),
    s: Services = Depends(services),
) -> Any:
    return _follow(s, p, violation_id, "acknowledge", body)


@router.post(
    "/violations/{violation_id}/justify",
    summary="Justify a violation with its legal basis (acknowledged → justified)",
    response_model=FollowupOut,
    status_code=201,
    responses=FOLLOW_RESPONSES,
)
def justify(
    violation_id: VID,
    body: Annotated[JustifyIn, Body()],
    p: Principal = Depends(require(*FOLLOWERS)),
    s: Services = Depends(services),
) -> Any:
    return _follow(s, p, violation_id, "justify", body)


@router.post(
    "/violations/{violation_id}/remediate",
    summary="Record the remediation (acknowledged → remediated)",
    response_model=FollowupOut,
    status_code=201,
    responses=FOLLOW_RESPONSES,
)
def remediate(
    violation_id: VID,
    body: Annotated[FollowupIn | None, Body()] = None,
    p: Principal = Depends(require(*FOLLOWERS)),
    s: Services = Depends(services),
) -> Any:
    return _follow(s, p, violation_id, "remediate", body)


@router.post(
    "/violations/{violation_id}/reopen",
    summary="Reopen a violation (→ open)",
    response_model=FollowupOut,
    status_code=201,
    responses=FOLLOW_RESPONSES,
)
def reopen(
    violation_id: VID,
    body: Annotated[FollowupIn | None, Body()] = None,
    p: Principal = Depends(require(*FOLLOWERS)),
    s: Services = Depends(services),
) -> Any:
    return _follow(s, p, violation_id, "reopen", body)


# ---- the bulletin ----------------------------------------------------------------------------
@router.get(
    "/bulletin",
    summary="The monthly supervision bulletin (督查通报): overdue and poor-quality items per unit",
    response_model=BulletinOut,
)
def get_bulletin(
    month: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")],
    jurisdiction: str | None = None,
    p: Principal = Depends(require(*READERS)),
    s: Services = Depends(services),
) -> Any:
    j = p.jurisdiction_scope(jurisdiction)
    js = [j] if j else s.ledger.jurisdictions()
    try:
        month_bounds(month, OrgChart())
    except (ValueError, OverflowError) as e:
        raise invalid("month", f"月份格式错误: {month!r}（须为 YYYY-MM）", str(e), "bad_month") from e
    now = s.now()
    rows = [
        {"jurisdiction": jj, **r.to_dict()}
        for jj in js
        for r in month_bulletin(s.views, s, jj, month, now)
        if p.may_read_unit(r.unit)
    ]
    s.log_access(p, "/bulletin", {"month": month, "jurisdiction": jurisdiction}, [j] if j else None)
    return {"month": month, "rows": rows}

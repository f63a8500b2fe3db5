"""Cases (案件): list by kind/unit/open, one case's state as of any moment, its timeline.

``as_of`` cuts by business time (what had happened by then), ``recorded_as_of`` by recorded
time (what the ledger held then); both together: what the ledger then knew had happened by
the business moment. A case id found in several jurisdictions needs ``?jurisdiction=``.

Case ids may hold ``/`` (document numbers such as ``2024/017``): the routes take the rest of
the path, the timeline's route first — a case whose id itself ends in ``/timeline`` is read
through its timeline only.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from api.access import check_case_read, list_filter
from api.auth import READERS, Principal, require
from api.errors import COMMON, R404, invalid, parse_time
from api.jsonbody import json_body
from api.models import CasesPage, CaseView, TimelineOut
from api.routing import OneHopRoute
from api.services import Services, act_out, decode_cursor, encode_cursor, services
from domain.kinds import KINDS
from domain.timeutil import format_datetime
from ledger.replay import replay
from projections.queries import query_cases

router = APIRouter(route_class=OneHopRoute, tags=["cases"], responses=COMMON)

AsOf = Annotated[str | None, Query(description="Business time: what had happened by then (RFC 3339 or YYYY-MM-DD)")]
RecordedAsOf = Annotated[
    str | None, Query(description="Recorded time: what the ledger held then (RFC 3339 or YYYY-MM-DD)")
]
Jurisdiction = Annotated[str | None, Query(description="The case's jurisdiction, when its id is not unique")]
CaseId = Annotated[str, Path(description="Case id")]


@router.get("/cases", summary="Cases by kind, unit and open/closed (paged)", response_model=CasesPage)
def list_cases(
    kind: str | None = None,
    unit: str | None = None,
    open: bool | None = None,
    jurisdiction: str | None = None,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    p: Principal = Depends(require(*READERS)),
    s: Services = Depends(services),
) -> Any:
    j = p.jurisdiction_scope(jurisdiction)
    if kind is not None and kind not in KINDS:
        raise invalid("kind", f"未知的案件类型 {kind}", f"unknown case kind '{kind}'", "unknown_kind")
    p.check_unit_filter(unit)
    after = decode_cursor(cursor, (str, str))
    proj = s.projection()
    rows = query_cases(
        proj,
        jurisdiction=j,
        kind=kind,
        unit=unit,
        restrict=list_filter(s, p, proj.t_c),
        open=open,
        after=(after[0], after[1]) if after else None,
        limit=limit + 1,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    s.log_access(
        p,
        "/cases",
        {"kind": kind, "unit": unit, "open": open, "jurisdiction": jurisdiction, "cursor": cursor},
        [j] if j else None,
    )
    return json_body(
        {
            "items": rows,
            "next_cursor": encode_cursor(rows[-1]["jurisdiction"], rows[-1]["case"]) if more and rows else None,
        }
    )


def _open_case(s: Services, p: Principal, case: str, jurisdiction: str | None) -> tuple[str, str]:
    """The case's jurisdiction and kind, after checking the caller may read it."""
    j, kind = s.find_case(case, jurisdiction, p)
    check_case_read(s, p, j, case)
    return j, kind


@router.get(
    "/cases/{case_id:path}/timeline",
    summary="Every stored act of a case (corrections included), as of a moment (either clock)",
    response_model=TimelineOut,
    responses=R404,
)
def get_timeline(
    case_id: CaseId,
    as_of: AsOf = None,
    recorded_as_of: RecordedAsOf = None,
    jurisdiction: Jurisdiction = None,
    p: Principal = Depends(require(*READERS)),
    s: Services = Depends(services),
) -> Any:
    t_as_of = parse_time(as_of, "as_of")
    t_rec = parse_time(recorded_as_of, "recorded_as_of")
    j, kind = _open_case(s, p, case_id, jurisdiction)
    acts = s.ledger.case_history(j, case_id, as_of=t_as_of, recorded_as_of=t_rec)
    s.log_access(
        p, f"/cases/{case_id}/timeline", {"jurisdiction": j, "as_of": as_of, "recorded_as_of": recorded_as_of}, [j]
    )
    return json_body(
        {
            "jurisdiction": j,
            "case": case_id,
            "kind": kind,
            "as_of": format_datetime(t_as_of) if t_as_of else None,
            "recorded_as_of": format_datetime(t_rec) if t_rec else None,
            "timeline": [act_out(a) for a in acts],
        }
    )


@router.get(
    "/cases/{case_id:path}",
    summary="A case's state and violations, now or as of a moment (either clock)",
    response_model=CaseView,
    responses=R404,
)
def get_case(
    case_id: CaseId,
    as_of: AsOf = None,
    recorded_as_of: RecordedAsOf = None,
    jurisdiction: Jurisdiction = None,
    p: Principal = Depends(require(*READERS)),
    s: Services = Depends(services),
) -> Any:
    t_as_of = parse_time(as_of, "as_of")
    t_rec = parse_time(recorded_as_of, "recorded_as_of")
    j, kind = _open_case(s, p, case_id, jurisdiction)
    r = replay(s.ledger, j, case_id, as_of=t_as_of, recorded_as_of=t_rec)
    s.log_access(p, f"/cases/{case_id}", {"jurisdiction": j, "as_of": as_of, "recorded_as_of": recorded_as_of}, [j])
    return json_body(
        {
            "jurisdiction": j,
            "case": case_id,
            "kind": kind,
            "version": s.case_version(j, case_id),
            "as_of": r["as_of"],
            "recorded_as_of": r["recorded_as_of"],
            "state": r["state"],
            # (as the model documents them: a follow-up status, not read here)
            "violations": [{**v, "status": v.get("status")} for v in r["violations"]],
        }
    )

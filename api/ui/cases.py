"""``/ui/cases/{id}`` — one case (案件): its timeline with corrections shown, its state as of a
chosen moment (by business time 业务时间 or by recorded time 记录时间), and its violations
with the supervision office's follow-up acts on them.

Who may read the case is the API's decision (:func:`api.access.check_case_read`); the state
and violations as of the moment are the auditor's replay (:func:`ledger.replay.replay`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response

from api.access import check_case_read
from api.auth import READERS, Principal, check_role
from api.errors import invalid, parse_time
from api.routing import OneHopRoute
from api.services import Services, act_out, services
from api.ui.render import render
from api.ui.session import viewer
from domain.timeutil import parse_datetime
from ledger.replay import replay

router = APIRouter(route_class=OneHopRoute)
CLOCKS = ("business", "recorded")


def mark_corrections(timeline: list[dict[str, Any]]) -> None:
    """Mark each act a later ``corrected``/``retracted`` act points at (the old act stays)."""
    by_id = {a["id"]: a for a in timeline}
    for a in timeline:
        target = by_id.get((a.get("data") or {}).get("of", "")) if a["act"] in ("corrected", "retracted") else None
        if target is not None:
            target.setdefault("amended_by", []).append(a)


@router.get("/cases/{case_id:path}")
def case_page(
    request: Request,
    case_id: Annotated[str, Path()],
    jurisdiction: Annotated[str | None, Query()] = None,
    at: Annotated[str | None, Query(description="The moment (YYYY-MM-DD or YYYY-MM-DDTHH:MM), Beijing time")] = None,
    clock: Annotated[str, Query()] = "business",
    p: Principal = Depends(viewer),
    s: Services = Depends(services),
) -> Response:
    check_role(p, *READERS)
    if clock not in CLOCKS:
        raise invalid("clock", f"未知的时间口径：{clock}", f"unknown clock '{clock}' (business or recorded)")
    moment = parse_time(at.strip() if at and at.strip() else None, "at")
    j, kind = s.find_case(case_id, jurisdiction, p)
    check_case_read(s, p, j, case_id)  # who may read which case: the API's one rule
    as_of, rec = (moment, None) if clock == "business" else (None, moment)
    r = replay(s.ledger, j, case_id, as_of=as_of, recorded_as_of=rec)
    timeline: list[dict[str, Any]] = r["timeline"]
    mark_corrections(timeline)
    statuses = s.statuses()
    violations = r["violations"]
    for v in violations:
        v["status"] = statuses.get(v["id"], "open")
        for a in s.ledger.case_history(j, v["id"], as_of=as_of, recorded_as_of=rec):
            if a.kind == "followup":
                timeline.append({**act_out(a), "followup_of": v["id"], "rule": v["rule"]})
    timeline.sort(key=lambda a: (parse_datetime(a["at"]), a.get("seq") or 0))
    s.log_access(p, f"/ui/cases/{case_id}", {"jurisdiction": j, "at": at, "clock": clock}, [j])
    return render(
        request,
        "case.html",
        j=j,
        case=case_id,
        kind=kind,
        state=r["state"],
        timeline=timeline,
        violations=violations,
        at=at or "",
        clock=clock,
        moment=moment,
        now=s.now(),
    )

"""Replay (回放): a case's timeline, state and violations as of any moment.

Two clocks: ``as_of`` cuts by business time (what had happened by then); ``recorded_as_of``
cuts by recorded time (what the ledger held then — "what did the ledger say on 2024-05-01?").
Both together: what the ledger then knew had happened by the business moment.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.calendar import WorkCalendar
from domain.org import OrgChart
from domain.rules.base import Case
from domain.rules.engine import Evaluator
from domain.state import case_state
from domain.timeutil import format_datetime
from ledger.store import Ledger, org_case


def org_as_of(ledger: Ledger, jurisdiction: str, recorded_as_of: datetime | None) -> OrgChart:
    """The org chart as the ledger knew it at a recorded time (or now)."""
    if recorded_as_of is None:
        return ledger.org(jurisdiction)
    acts = ledger.case_history(jurisdiction, org_case(jurisdiction), recorded_as_of=recorded_as_of)
    return OrgChart.from_acts(acts, jurisdiction)


def replay(
    ledger: Ledger,
    jurisdiction: str,
    case: str,
    *,
    as_of: datetime | None = None,
    recorded_as_of: datetime | None = None,
) -> dict[str, Any]:
    """Timeline (every stored act, corrections included), state and violations of one case."""
    acts = ledger.case_history(jurisdiction, case, as_of=as_of, recorded_as_of=recorded_as_of)
    result: dict[str, Any] = {
        "jurisdiction": jurisdiction,
        "case": case,
        "as_of": format_datetime(as_of) if as_of else None,
        "recorded_as_of": format_datetime(recorded_as_of) if recorded_as_of else None,
        "timeline": [],
        "state": None,
        "violations": [],
    }
    if not acts:
        return result
    result["timeline"] = [
        {**a.to_contract(), "recorded_at": format_datetime(a.recorded_at) if a.recorded_at else None, "seq": a.seq}
        for a in acts
    ]
    c = Case.of(acts)
    result["state"] = case_state(c).as_dict()
    if c.kind != "org":
        org = org_as_of(ledger, jurisdiction, recorded_as_of)
        ev = Evaluator(org, WorkCalendar.of(org))
        result["violations"] = [v.to_dict() for v in ev.case_violations(c)]
    return result

"""A case's current state (案件状态), folded from its acts.

What the supervision office asks of a case: is it open, at which stage, since when, who
holds it now (待办), and the data it was opened with. Used for replay as of any moment and by
the cases projection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.acts import Act, dump_data
from domain.rules.base import Case
from domain.timeutil import format_datetime

#: Acts after which a case is closed (办结), by kind.
CLOSING_ACTS: dict[str, tuple[str, ...]] = {
    "request": ("answered",),
    "incoming_document": ("completed", "archived", "destroyed"),
    "outgoing_document": ("distributed", "archived", "destroyed"),
    "meeting": ("minutes_issued",),
    "leave": ("return_reported",),
    "incident": ("response_ended",),
    "supervision": ("completed", "terminated"),
    "service_request": ("completed", "refused"),
    "decision": ("decided",),
    "discipline": ("sanction_recorded", "rating_recorded", "veto_condition", "rated"),
    "research": ("report_submitted",),
}

#: Acts that put a case in someone's hands (待办): the leader addressed or the approver due.
HOLDING_ACTS: dict[str, tuple[str, ...]] = {
    "request": ("forwarded",),
    "incoming_document": ("submitted_for_signoff", "transferred"),
    "outgoing_document": ("submitted_to_office",),
    "leave": ("requested", "agreed", "reviewed"),
    "supervision": ("assigned",),
    "service_request": ("received", "referred"),
}


@dataclass
class CaseState:
    """The state of one case as folded from its acts (案件当前状态)."""

    jurisdiction: str
    case: str
    kind: str
    unit: str | None
    opened_at: datetime
    last_act: str
    last_at: datetime
    acts: int
    open: bool
    stage: str
    holder: str | None
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "jurisdiction": self.jurisdiction,
            "case": self.case,
            "kind": self.kind,
            "unit": self.unit,
            "opened_at": format_datetime(self.opened_at),
            "last_act": self.last_act,
            "last_at": format_datetime(self.last_at),
            "acts": self.acts,
            "open": self.open,
            "stage": self.stage,
            "holder": self.holder,
            "data": self.data,
        }


def case_state(case: Case) -> CaseState:
    """Fold a case's (effective) acts into its state."""
    acts: list[Act] = [a for a in case.acts if a.act != "deadline_missed"] or case.acts or case.history
    first, last = acts[0], acts[-1]
    closing = CLOSING_ACTS.get(case.kind, ())
    closed = any(a.act in closing for a in acts)
    holder = None
    if not closed:
        for a in reversed(acts):
            if a.act in HOLDING_ACTS.get(case.kind, ()):
                holder = a.get("to") or a.get("to_unit") or a.by
                if isinstance(holder, (list, tuple)):
                    holder = ",".join(holder)
                break
    data: dict[str, Any] = {}
    for a in acts:  # each field's first value (only the fields not yet met are converted)
        data.update(dump_data(a.kind, a.act, a.data, skip=data))
    return CaseState(
        jurisdiction=case.jurisdiction,
        case=case.id,
        kind=case.kind,
        unit=case.unit,
        opened_at=first.at,
        last_act=last.act,
        last_at=last.at,
        acts=len(case.history),
        open=not closed and case.kind != "org",
        stage=last.act,
        holder=str(holder) if holder else None,
        data=data,
    )

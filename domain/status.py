"""What stands now (现状): open cases, who holds what, who is away, which items are overdue.

The supervision office's morning view, folded from the cases as they stand at ``now``
(passed in, never read from the wall clock): open cases by kind and unit, pending
approvals by holder (待办), people on leave now (在外人员), and supervision items past their
deadline in force (超期督办事项).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.org import OrgChart
from domain.rules.base import Case
from domain.rules.lev import is_taken, leave_of, period
from domain.rules.sup import closure, deadline_state, responsible_unit
from domain.state import case_state
from domain.timeutil import format_datetime


@dataclass
class StatusReport:
    """The state of a jurisdiction at ``now`` (现状报告)."""

    now: datetime
    open_cases: Counter[tuple[str, str]] = field(default_factory=Counter)
    pending: list[dict[str, Any]] = field(default_factory=list)
    on_leave: list[dict[str, Any]] = field(default_factory=list)
    overdue: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "now": format_datetime(self.now),
            "open_cases": [{"kind": k, "unit": u, "open": n} for (k, u), n in sorted(self.open_cases.items())],
            "pending": self.pending,
            "on_leave": self.on_leave,
            "overdue": self.overdue,
        }


def status(cases: Iterable[Case], org: OrgChart, now: datetime) -> StatusReport:
    """Fold cases (their acts up to ``now``) into the report."""
    rep = StatusReport(now)
    for full in cases:
        acts = [a for a in full.history if a.at <= now]
        if not acts or full.kind in ("org", "access", "followup"):
            continue
        c = Case.of(acts)
        st = case_state(c)
        if not st.open:
            continue
        rep.open_cases[(c.kind, c.unit or "")] += 1
        if st.holder:
            rep.pending.append(
                {
                    "case": c.id,
                    "kind": c.kind,
                    "holder": st.holder,
                    "since": format_datetime(st.last_at),
                    "stage": st.stage,
                }
            )
        if c.kind == "leave":
            lv = leave_of(c, org)
            if lv is not None and is_taken(c):
                start, end = period(c, lv)
                back = c.last("returned")
                if start <= now and (back is None or back.at > now) and (c.first("departed") or now <= end):
                    rep.on_leave.append(
                        {
                            "case": c.id,
                            "person": lv.person,
                            "name": org.label(lv.person, now),
                            "since": format_datetime(start),
                            "until": format_datetime(lv.end),
                            "overstayed": now > lv.end,
                        }
                    )
        if c.kind == "supervision" and closure(c) is None:
            due = deadline_state(c).due
            if due is not None and due < now:
                rep.overdue.append(
                    {
                        "case": c.id,
                        "unit": responsible_unit(c),
                        "due": format_datetime(due),
                        "days_overdue": (now - due).days,
                    }
                )
    rep.pending.sort(key=lambda r: (r["holder"], r["since"]))
    rep.on_leave.sort(key=lambda r: r["since"])
    rep.overdue.sort(key=lambda r: (-r["days_overdue"], r["case"]))
    return rep

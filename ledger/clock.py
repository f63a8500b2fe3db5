"""The ledger's clock (时钟): records ``deadline_missed`` for obligations past due.

``tick(now)`` asks every rule with a deadline which acts each case still owes, and for each
one whose due time passed by ``now`` records a ``deadline_missed`` act (rule, due, case).
The act id is derived from (jurisdiction, case, rule, key, due), so re-running ``tick`` with
the same or an earlier ``now`` records nothing new. An act that arrives after its deadline
still counts as late: the rules compare its business time with the due time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from domain.calendar import WorkCalendar
from domain.rules.engine import Evaluator, deadline_missed_act, due_obligations, group_cases
from ledger.importer import Importer, ImportResult
from ledger.store import Ledger


@dataclass
class TickResult:
    now: datetime
    recorded: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)


def tick(
    ledger: Ledger,
    now: datetime,
    *,
    jurisdiction: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> TickResult:
    """Record a ``deadline_missed`` act for every obligation due by ``now`` and still unmet."""
    result = TickResult(now=now)
    for j in [jurisdiction] if jurisdiction else ledger.jurisdictions():
        org = ledger.org(j)
        ev = Evaluator(org, WorkCalendar.of(org))
        cases = group_cases(a for a in ledger.iter_acts(j) if a.kind != "org")
        owed = due_obligations(ev, cases, now)
        raws = [deadline_missed_act(ob, j) | {"jurisdiction": j} for ob in owed]
        for ob in owed:
            result.by_rule[ob.rule] = result.by_rule.get(ob.rule, 0) + 1
        res: ImportResult = Importer(ledger, jurisdiction=j, allow_clock_acts=True).import_raws(raws, source="clock")
        result.recorded += res.imported
        if res.rejected:
            raise RuntimeError(f"clock produced invalid acts: {res.rejected[0]}")
        if progress:
            progress(len(cases))
    return result

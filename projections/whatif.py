"""What a draft pack would change (规则包试算): its violations over the stored history beside
the pack in force, per rule — before anyone adopts it, storing nothing.

:func:`diff_pack` reads a jurisdiction's cases from the store a batch at a time and runs two
engine :class:`~domain.rules.engine.Evaluator` s over each: one with the org chart as it is,
one with the draft defined and adopted in place of the pack in force (or, when the draft's id
is a pack the jurisdiction already defined, as that pack's new text). The clock is run in
memory at ``now`` for both, so a response the draft owes shows up as ``missing`` just as one
the pack in force owes. Violations are compared by id (jurisdiction, rule, case, key): those
only the draft finds are *added*, those only the pack in force finds are *removed*, those
both find are *kept* (or *changed*, when their state, severity, article or time differ).

Nothing is written: no act, no view row. (A pack's identity — its ``effective_from`` — lives
in the process-wide registry of :mod:`domain.rules.packs`; the draft's entry is swapped in
only while the draft side evaluates, and the registry is restored at the end.)
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.acts import Act
from domain.calendar import WorkCalendar
from domain.errors import LedgerError
from domain.org import OrgChart, PackAdoption
from domain.rules.base import Case, Violation
from domain.rules.custom import restoring_packs, run_clock
from domain.rules.engine import Evaluator
from domain.rules.packs import PACKS, Pack, pack_in_force
from domain.rules.yamlpack import load_pack
from domain.timeutil import format_datetime, start_of_day
from ledger import codec
from ledger.store import Ledger, _col

#: Kinds no rule reads (the access log) and the org chart itself.
_SKIPPED_KINDS = ("org", "access")
#: Cases read from the store per query.
CASE_BATCH = 500


@dataclass
class RuleDiff:
    """What the draft changes for one rule (按规则的差异)."""

    rule: str
    added: list[Violation] = field(default_factory=list)
    removed: list[Violation] = field(default_factory=list)
    changed: list[tuple[Violation, Violation]] = field(default_factory=list)
    kept: int = 0

    def as_dict(self, limit: int | None = None) -> dict[str, Any]:
        cut = slice(None, limit)
        return {
            "rule": self.rule,
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
            "kept": self.kept,
            "added_violations": [v.to_dict() for v in self.added[cut]],
            "removed_violations": [v.to_dict() for v in self.removed[cut]],
            "changed_violations": [{"before": a.to_dict(), "after": b.to_dict()} for a, b in self.changed[cut]],
        }


@dataclass
class PackDiff:
    """A draft pack against the pack in force over one jurisdiction's history (试算结果)."""

    jurisdiction: str
    draft: str
    in_force: str | None
    now: datetime
    cases: int = 0
    rules: list[RuleDiff] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(len(r.added) for r in self.rules)

    @property
    def removed(self) -> int:
        return sum(len(r.removed) for r in self.rules)

    @property
    def changed(self) -> int:
        return sum(len(r.changed) for r in self.rules)

    def as_dict(self, limit: int | None = None) -> dict[str, Any]:
        """The diff; ``limit`` caps the violations listed per rule and kind (the counts are whole)."""
        return {
            "jurisdiction": self.jurisdiction,
            "draft": self.draft,
            "in_force": self.in_force,
            "now": format_datetime(self.now),
            "cases": self.cases,
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "rules": [r.as_dict(limit) for r in self.rules],
        }


# ---- the two sides --------------------------------------------------------------------------------
class _Side:
    """One way of judging: an org chart (with its packs), its evaluator, and its pack registrations."""

    def __init__(self, org: OrgChart) -> None:
        self.org = org
        self.ev = Evaluator(org, WorkCalendar(org.tz))  # compiles (and registers) the org's own packs
        self.packs: dict[str, Pack] = {p: PACKS[p] for p in org.custom_packs if p in PACKS}
        self.jur_cases: list[Case] = []

    @contextmanager
    def registered(self) -> Iterator[None]:
        PACKS.update(self.packs)
        yield

    def case_violations(self, case: Case, now: datetime) -> list[Violation]:
        with self.registered():
            return self.ev.case_violations(run_clock(self.ev, case, now))

    def jurisdiction_violations(self, now: datetime) -> list[Violation]:
        with self.registered():
            return self.ev.jurisdiction_violations([run_clock(self.ev, c, now) for c in self.jur_cases])


def draft_org(org: OrgChart, source: str, now: datetime, adopt_from: date | None = None) -> tuple[OrgChart, str]:
    """``org`` with the draft defined and adopted: in place of the pack in force at ``now`` (from
    that adoption's date), from ``adopt_from`` if given, as the new text of a pack of the same id
    the jurisdiction defined, or — nothing adopted yet — from the start. Returns (chart, draft id)."""
    compiled = load_pack(source)  # raises PackError, naming the line
    pid = compiled.id
    out = copy.deepcopy(org)
    out.custom_packs[pid] = source
    if adopt_from is not None:
        out.packs.append(PackAdoption(pid, start_of_day(adopt_from, org.tz)))
    elif pid not in org.custom_packs:
        current = [i for i, ad in enumerate(out.packs) if ad.since <= now]
        if current:
            i = current[-1]
            out.packs[i] = PackAdoption(pid, out.packs[i].since)
        else:
            out.packs.append(PackAdoption(pid, start_of_day(date(1900, 1, 1), org.tz)))
    out.packs.sort(key=lambda ad: ad.since)
    return out, pid


# ---- reading the history ---------------------------------------------------------------------------
def _case_ids(ledger: Ledger, j: str) -> list[str]:
    rows = ledger.query(
        f"SELECT DISTINCT case_id FROM {ledger.t_chain} WHERE jurisdiction=? "
        f"AND kind NOT IN ({','.join('?' * len(_SKIPPED_KINDS))}) ORDER BY case_id",
        [j, *_SKIPPED_KINDS],
    )
    return [str(_col(r, "case_id", 0)) for r in rows]


def _cases(ledger: Ledger, j: str, ids: Sequence[str]) -> list[Case]:
    """The cases ``ids`` of jurisdiction ``j``, each with its whole stored history (one query)."""
    marks = ",".join("?" * len(ids))
    rows = ledger.query(
        f"SELECT e.state AS state FROM {ledger.t_chain} c JOIN {ledger.t_events} e "
        "ON e.originator_id=c.originator_id AND e.originator_version=c.originator_version "
        f"WHERE c.jurisdiction=? AND c.case_id IN ({marks}) ORDER BY c.seq",
        [j, *ids],
    )
    by_case: dict[str, list[Act]] = {}
    for r in rows:
        a = codec.decode(bytes(_col(r, "state", 0)))
        by_case.setdefault(a.case, []).append(a)
    return [Case.of(by_case[c]) for c in ids if c in by_case]


def case_count(ledger: Ledger, jurisdiction: str) -> int:
    """How many cases :func:`diff_pack` reads (for a progress bar)."""
    return len(_case_ids(ledger, jurisdiction))


# ---- the diff ---------------------------------------------------------------------------------------
def _compare(out: dict[str, RuleDiff], before: list[Violation], after: list[Violation]) -> None:
    old = {v.id: v for v in before}
    new = {v.id: v for v in after}
    for vid, v in new.items():
        d = out.setdefault(v.rule, RuleDiff(v.rule))
        w = old.get(vid)
        if w is None:
            d.added.append(v)
        elif (w.state, w.severity, w.article, w.at) != (v.state, v.severity, v.article, v.at):
            d.changed.append((w, v))
        else:
            d.kept += 1
    for vid, w in old.items():
        if vid not in new:
            out.setdefault(w.rule, RuleDiff(w.rule)).removed.append(w)


def diff_pack(
    ledger: Ledger,
    source: str,
    jurisdiction: str,
    now: datetime,
    *,
    adopt_from: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> PackDiff:
    """The violations the draft pack ``source`` would add, remove or change in ``jurisdiction``'s
    stored history against the pack in force, per rule; reads only. Raises
    :class:`~domain.rules.yamlpack.PackError` (a draft that does not compile) or
    :class:`~domain.errors.LedgerError` (an unknown jurisdiction). ``progress(n)`` is called with
    the number of cases read since the last call."""
    org = ledger.org(jurisdiction)
    if not org.units:
        known = ", ".join(ledger.jurisdictions())
        raise LedgerError(
            f"未知辖区 {jurisdiction}（已有：{known}）",
            f"unknown jurisdiction '{jurisdiction}' (known: {known})",
            code="unknown_jurisdiction",
        )
    with restoring_packs():
        current = _Side(org)
        in_force = pack_in_force(org, now)
        chart, pid = draft_org(org, source, now, adopt_from)
        draft = _Side(chart)
        result = PackDiff(jurisdiction, pid, in_force, now)
        jur_kinds = current.ev.jurisdiction_kinds() | draft.ev.jurisdiction_kinds()
        per_rule: dict[str, RuleDiff] = {}
        ids = _case_ids(ledger, jurisdiction)
        for i in range(0, len(ids), CASE_BATCH):
            cases = _cases(ledger, jurisdiction, ids[i : i + CASE_BATCH])
            for c in cases:
                _compare(per_rule, current.case_violations(c, now), draft.case_violations(c, now))
                if c.kind in jur_kinds:
                    current.jur_cases.append(c)
                    draft.jur_cases.append(c)
            result.cases += len(cases)
            if progress is not None:
                progress(len(cases))
        for side in (current, draft):
            side.jur_cases.sort(key=lambda c: (c.opened_at, c.id))
        _compare(per_rule, current.jurisdiction_violations(now), draft.jurisdiction_violations(now))
    result.rules = [per_rule[r] for r in sorted(per_rule)]
    return result

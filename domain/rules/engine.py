"""Rule evaluation (规则评估): cases in, cited violations and owed obligations out.

Pure and deterministic: the same acts and org chart always give the same violations, in
the same order, with the same ids — which is what lets the violations projection rebuild
from scratch to the identical table it keeps incrementally.

Beside the violations, a :class:`Judgement` carries the acts each rule could not judge
(:class:`~domain.rules.base.Unjudged`: a value outside the rule's vocabulary), so that no
check is switched off without a word.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

from domain.acts import SYSTEM_ACTOR, Act
from domain.calendar import WorkCalendar
from domain.org import OrgChart
from domain.rules.base import CannotJudge, Case, Context, Finding, Obligation, Rule, Unjudged, Violation
from domain.rules.packs import citing_pack, pack_chain, pack_in_force
from domain.timeutil import format_datetime

if TYPE_CHECKING:
    from domain.rules.yamlpack import PackError


_NO_PARAMS: Mapping[str, Any] = MappingProxyType({})


@dataclass
class Judgement:
    """What evaluation found: violations, and the acts rules could not judge (判断结果)."""

    violations: list[Violation] = field(default_factory=list)
    unjudged: list[Unjudged] = field(default_factory=list)

    def extend(self, other: Judgement) -> None:
        self.violations.extend(other.violations)
        self.unjudged.extend(other.unjudged)


class CaseSource(Protocol):
    """The cases jurisdiction-wide rules read (案件来源): those of some kinds, ordered by opening
    time and id, and the kind of a case by its id."""

    def cases(self, kinds: Sequence[str]) -> Sequence[Case]: ...

    def kind_of(self, case: str) -> str | None: ...


class CasesInMemory:
    """A :class:`CaseSource` over cases held in memory."""

    def __init__(self, cases: Iterable[Case]) -> None:
        self._by_kind: dict[str, list[Case]] = defaultdict(list)
        for c in cases:
            self._by_kind[c.kind].append(c)
        self._kinds = {c.id: c.kind for cs in self._by_kind.values() for c in cs}

    def cases(self, kinds: Sequence[str]) -> Sequence[Case]:
        return sorted((c for k in kinds for c in self._by_kind.get(k, ())), key=lambda c: (c.opened_at, c.id))

    def kind_of(self, case: str) -> str | None:
        return self._kinds.get(case)


@dataclass
class Evaluator:
    """Evaluates the catalog over one jurisdiction's cases with its org chart."""

    org: OrgChart
    #: The jurisdiction's working-day calendar; by default the one its org chart chose.
    cal: WorkCalendar = None  # type: ignore[assignment]
    rules: Sequence[Rule] | None = None

    def __post_init__(self) -> None:
        if self.cal is None:
            self.cal = WorkCalendar.of(self.org)
        #: The jurisdiction's own packs that do not compile (pack id → error): their cases go unjudged.
        self.pack_errors: dict[str, PackError] = {}
        if self.rules is None:
            from domain.rules.registry import RULES

            custom: list[Rule] = []
            if self.org.custom_packs:  # (the YAML compiler loaded only for a jurisdiction that has packs of its own)
                from domain.rules.custom import compile_custom

                custom, self.pack_errors = compile_custom(self.org.custom_packs)
            self.rules = (*RULES, *custom)
        self._by_kind: dict[str, list[Rule]] = defaultdict(list)
        self._jur_rules: list[Rule] = []
        # Only the rules some pack the jurisdiction ever adopted cites (with the packs each
        # extends): another regulation's rules can never judge its acts, so their cases are
        # never read for them (a county under one regulation reads no other's cases)
        citable = {pid for p in self.org.packs for pid in pack_chain(p.pack)}
        for r in self.rules:
            if citable.isdisjoint(r.citations):
                continue
            if r.scope == "jurisdiction":
                self._jur_rules.append(r)
            else:
                for k in r.kinds:
                    self._by_kind[k].append(r)

    @property
    def jurisdiction_rules(self) -> list[Rule]:
        return self._jur_rules

    def jurisdiction_kinds(self) -> set[str]:
        """Case kinds that jurisdiction-wide rules read (a change in them re-runs those rules)."""
        return {k for r in self._jur_rules for k in r.kinds}

    def _ctx(self, r: Rule, case: Case | None = None, cases: Sequence[Case] = ()) -> Context:
        return Context(r, self.org, self.cal, self.org.jurisdiction, "", _NO_PARAMS, case, cases, [])

    def case_violations(self, case: Case) -> list[Violation]:
        """Violations of case-scoped rules in one case."""
        return self.judge_case(case).violations

    def judge_case(self, case: Case) -> Judgement:
        """Violations of case-scoped rules in one case, and the acts they could not judge."""
        out = Judgement()
        if case.kind == "org" or not case.acts:
            return out
        pack = pack_in_force(self.org, case.opened_at)
        if pack is None:
            return out
        chain = pack_chain(pack)  # once per case, not per rule
        for r in self._by_kind.get(case.kind, ()):
            cited = next((p for p in chain if p in r.citations), None)
            if cited is None:
                continue
            ctx = self._ctx(r, case)
            ctx.pack, ctx.params = cited, r.params_for(cited)
            for f in r.check(ctx):
                out.violations.append(self._stamp(r, cited, f, case.kind))
            for n in ctx.unjudged:
                out.unjudged.append(self._unjudged(r, cited, n, case.kind))
        out.violations = _dedupe(out.violations)
        return out

    def jurisdiction_violations(self, cases: Iterable[Case]) -> list[Violation]:
        """Violations of jurisdiction-wide rules (cover conflicts, annual caps, quotas …)."""
        return self.judge_jurisdiction(cases).violations

    def judge_jurisdiction(self, cases: Iterable[Case]) -> Judgement:
        """Violations of jurisdiction-wide rules, and the acts they could not judge."""
        return self.judge_jurisdiction_from(CasesInMemory(cases))

    def judge_jurisdiction_from(self, source: CaseSource) -> Judgement:
        """Jurisdiction-wide rules over the cases a :class:`CaseSource` gives (in memory, or
        streamed from a spool so that a large jurisdiction is never all in memory)."""
        out = Judgement()
        for r in self._jur_rules:
            rcases = source.cases(r.kinds)
            if not rcases:
                continue
            ctx = self._ctx(r, cases=rcases)
            for f in r.check(ctx):
                cited = citing_pack(pack_in_force(self.org, f.at), r.citations)
                if cited is None:
                    continue
                out.violations.append(self._stamp(r, cited, f, source.kind_of(f.case) or r.kinds[0]))
            for n in ctx.unjudged:
                cited = citing_pack(pack_in_force(self.org, n.act.at), r.citations)
                if cited is not None:
                    out.unjudged.append(self._unjudged(r, cited, n, source.kind_of(n.case) or n.act.kind))
        out.violations = _dedupe(out.violations)
        return out

    def obligations(self, case: Case) -> list[Obligation]:
        """Acts this case still owes, with their due times (for the clock)."""
        if case.kind == "org" or not case.acts:
            return []
        pack = pack_in_force(self.org, case.opened_at)
        if pack is None:
            return []
        out: list[Obligation] = []
        for r in self._by_kind.get(case.kind, ()):
            cited = citing_pack(pack, r.citations)
            if r.obligations is None or cited is None:
                continue
            ctx = self._ctx(r, case)
            ctx.pack, ctx.params = cited, r.params_for(cited)
            out.extend(r.obligations(ctx))
        return out

    def _stamp(self, r: Rule, pack: str, f: Finding, kind: str) -> Violation:
        return Violation(
            id=Violation.make_id(self.org.jurisdiction, r.id, f.case, f.key),
            rule=r.id,
            family=r.family,
            pack=pack,
            article=r.article(pack),
            severity=f.severity or r.severity,
            jurisdiction=self.org.jurisdiction,
            case=f.case,
            kind=kind,
            unit=f.unit,
            person=f.person,
            post=f.post,
            at=f.at,
            evidence=f.evidence,
            message_zh=f.message_zh,
            message_en=f.message_en,
            detail=f.detail,
            state=f.state,
        )

    def _unjudged(self, r: Rule, pack: str, n: CannotJudge, kind: str) -> Unjudged:
        return Unjudged(
            rule=r.id,
            family=r.family,
            pack=pack,
            severity=r.severity,
            jurisdiction=self.org.jurisdiction,
            case=n.case,
            kind=kind,
            unit=n.unit,
            act=n.act.id,
            field=n.field,
            value=n.value,
            at=n.act.at,
            reason_zh=n.reason_zh,
            reason_en=n.reason_en,
        )


def _dedupe(vs: list[Violation]) -> list[Violation]:
    """Several findings with one key get distinct, still deterministic ids."""
    if len({v.id for v in vs}) == len(vs):  # the usual case: every id distinct
        return vs
    seen: dict[str, int] = {}
    out: list[Violation] = []
    for v in vs:
        n = seen.get(v.id, 0)
        seen[v.id] = n + 1
        if n:
            from dataclasses import replace

            v = replace(v, id=f"{v.id}-{n}")
        out.append(v)
    return out


def group_cases(acts: Iterable[Act]) -> list[Case]:
    """Group acts into cases (by jurisdiction and case id), in a stable order."""
    groups: dict[tuple[str, str], list[Act]] = defaultdict(list)
    for a in acts:
        groups[(a.jurisdiction, a.case)].append(a)
    return [Case.of(v) for _, v in sorted(groups.items())]


def judge(acts: Iterable[Act], org: OrgChart | None = None, cal: WorkCalendar | None = None) -> Judgement:
    """Every violation in one jurisdiction's acts (in memory), sorted by time, rule, id; and
    every act a rule could not judge, sorted by time, rule, act."""
    acts = list(acts)
    if org is None:
        org = OrgChart.from_acts(a for a in acts if a.kind == "org")
    ev = Evaluator(org, cal or WorkCalendar.of(org))
    cases = [c for c in group_cases(a for a in acts if a.kind != "org")]
    out = Judgement()
    for c in cases:
        out.extend(ev.judge_case(c))
    out.extend(ev.judge_jurisdiction(cases))
    out.violations.sort(key=lambda v: (v.at, v.rule, v.id))
    out.unjudged.sort(key=lambda u: (u.at, u.rule, u.act, u.field))
    return out


def evaluate(acts: Iterable[Act], org: OrgChart | None = None, cal: WorkCalendar | None = None) -> list[Violation]:
    """Every violation in one jurisdiction's acts (in memory). Sorted by time, rule, id."""
    return judge(acts, org, cal).violations


def deadline_missed_act(ob: Obligation, jurisdiction: str) -> dict[str, object]:
    """The contract object the clock records for a missed obligation (逾期未办)."""
    due = format_datetime(ob.due)
    h = hashlib.sha256(f"{jurisdiction}\x1f{ob.case}\x1f{ob.rule}\x1f{ob.key}\x1f{due}".encode()).hexdigest()[:20]
    return {
        "id": f"dm-{h}",
        "case": ob.case,
        "kind": ob.kind,
        "act": "deadline_missed",
        "at": due,
        "by": SYSTEM_ACTOR,
        "unit": ob.unit,
        "data": {"rule": ob.rule, "due": due, "missing": ob.missing, "key": ob.key},
    }


def due_obligations(ev: Evaluator, cases: Iterable[Case], now: datetime) -> list[Obligation]:
    """Obligations whose deadline passed by ``now`` and that the clock has not yet recorded."""
    out: list[Obligation] = []
    for c in cases:
        recorded = {
            (
                a.get("rule"),
                format_datetime(a.get("due")) if isinstance(a.get("due"), datetime) else a.get("due"),
                a.get("key", ""),
            )
            for a in c.history
            if a.act == "deadline_missed"
        }
        for ob in ev.obligations(c):
            if ob.due <= now and (ob.rule, format_datetime(ob.due), ob.key) not in recorded:
                out.append(ob)
    return out

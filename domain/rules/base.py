"""The shape of a rule (规则) and of what it finds.

A rule has a stable ID (``ESC-SKIP-LEVEL``), a family, a default severity, the case kinds
it reads, and for every pack that cites it a :class:`Citation` — the article and that
pack's parameters. Its ``check`` turns a case (or, for jurisdiction-wide rules, all cases
of its kinds) into :class:`Finding` s; its optional ``obligations`` says what act is still
owed by when, so the ledger's clock can record ``deadline_missed`` 逾期未办.

Define a rule next to its check with :func:`rule`, in the family module named after it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Literal, TypeVar, cast

from domain.acts import Act
from domain.calendar import WorkCalendar
from domain.org import OrgChart
from domain.ownership import owner_of
from domain.system_cases import violation_id

Severity = Literal["high", "medium", "low"]
SEVERITY_ZH: Mapping[str, str] = {"high": "严重", "medium": "一般", "low": "提示"}
#: What a violation is (违规性质), set by the rule that finds it: ``breach`` — an act that happened
#: is wrong (违规办理: wrong person, order, content, count); ``late`` — the owed act came after its
#: deadline (逾期办理); ``missing`` — the owed act never came by the time it was owed (逾期未办: the
#: clock recorded ``deadline_missed``, or a later act showed the time had passed).
ViolationState = Literal["breach", "late", "missing"]
STATES: tuple[ViolationState, ...] = ("breach", "late", "missing")
STATE_ZH: Mapping[str, str] = {"breach": "违规办理", "late": "逾期办理", "missing": "逾期未办"}
FAMILIES: Mapping[str, tuple[str, str]] = {
    "ESC": ("请示报告", "requests and reports"),
    "DOC": ("公文处理", "documents"),
    "MTG": ("会议", "meetings"),
    "LEV": ("请销假", "leave"),
    "INC": ("突发事件信息报送", "incident reports"),
    "SUP": ("督查督办", "supervision"),
    "SVC": ("首问负责/限时办结", "public service"),
    "DEC": ("重大决策", "major decisions"),
    "DIS": ("纪律与奖惩", "discipline"),
    "RES": ("调研", "field research"),
}


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a pack states the rule (条款) and the parameters it gives it."""

    article: str
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    note: str = ""


def cite(article: str, note: str = "", **params: Any) -> Citation:
    """A citation with its parameters, e.g. ``cite("第八十七条", pass_minutes=30)``."""
    return Citation(article, MappingProxyType(dict(params)), note)


@dataclass(frozen=True, slots=True)
class Finding:
    """One breach found by a rule, before the engine stamps pack/article/severity on it."""

    at: datetime
    evidence: tuple[str, ...]
    message_zh: str
    message_en: str
    case: str = ""
    key: str = ""
    unit: str | None = None
    person: str | None = None
    post: str | None = None
    severity: Severity | None = None
    detail: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    state: ViolationState = "breach"


@dataclass(frozen=True, slots=True)
class Obligation:
    """An act still owed by ``due`` (应办事项); the clock records ``deadline_missed`` when it passes."""

    rule: str
    case: str
    kind: str
    due: datetime
    missing: str
    unit: str
    key: str = ""


@dataclass(frozen=True, slots=True)
class Violation:
    """A finding stamped with its rule's identity (违规记录), as the violations view stores it."""

    id: str
    rule: str
    family: str
    pack: str
    article: str
    severity: Severity
    jurisdiction: str
    case: str
    kind: str
    unit: str | None
    person: str | None
    post: str | None
    at: datetime
    evidence: tuple[str, ...]
    message_zh: str
    message_en: str
    detail: Mapping[str, Any]
    state: ViolationState = "breach"

    @staticmethod
    def make_id(jurisdiction: str, rule: str, case: str, key: str) -> str:
        h = hashlib.sha256(f"{jurisdiction}\x1f{rule}\x1f{case}\x1f{key}".encode()).hexdigest()[:16]
        return violation_id(h)

    def to_dict(self) -> dict[str, Any]:
        from domain.timeutil import format_datetime

        return {
            "id": self.id,
            "rule": self.rule,
            "family": self.family,
            "pack": self.pack,
            "article": self.article,
            "severity": self.severity,
            "state": self.state,
            "jurisdiction": self.jurisdiction,
            "case": self.case,
            "kind": self.kind,
            "unit": self.unit,
            "person": self.person,
            "post": self.post,
            "at": format_datetime(self.at),
            "evidence": list(self.evidence),
            "message": self.message_zh,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "detail": dict(self.detail),
        }


@dataclass(frozen=True, slots=True)
class Unjudged:
    """An act a rule could not judge (无法判断), and why — beside the violations, never silent.

    A rule that meets a value outside its vocabulary (an ``issuer`` it cannot read, a
    ``doc_type`` outside its table, a leave ``reason`` that says neither personal nor official)
    first resolves what it can; what is left it reports here instead of skipping the act.
    ``field`` names the value as the importer does (``data.issuer``).
    """

    rule: str
    family: str
    pack: str
    severity: Severity
    jurisdiction: str
    case: str
    kind: str
    unit: str | None
    act: str
    field: str
    value: str
    at: datetime
    reason_zh: str
    reason_en: str

    def to_dict(self) -> dict[str, Any]:
        from domain.timeutil import format_datetime

        return {
            "rule": self.rule,
            "family": self.family,
            "pack": self.pack,
            "severity": self.severity,
            "jurisdiction": self.jurisdiction,
            "case": self.case,
            "kind": self.kind,
            "unit": self.unit,
            "act": self.act,
            "field": self.field,
            "value": self.value,
            "at": format_datetime(self.at),
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
        }


@dataclass(frozen=True, slots=True)
class CannotJudge:
    """What a check notes when it cannot judge an act (the engine stamps it into :class:`Unjudged`)."""

    act: Act
    field: str
    value: str
    reason_zh: str
    reason_en: str
    case: str
    unit: str | None


_T = TypeVar("_T")


@dataclass
class Case:
    """One case's acts in business order (案件), with corrections applied.

    ``history`` keeps every act as stored; ``acts`` is what the rules read: retracted acts
    (撤回) are dropped and corrected acts (更正) carry their corrected fields.
    """

    jurisdiction: str
    id: str
    kind: str
    history: list[Act]
    acts: list[Act] = field(default_factory=list)
    #: Readings several rules make of the case (its deadline in force, its responsible unit),
    #: made once per case: :meth:`reading`.
    _readings: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def reading(self, key: str, make: Callable[[], _T]) -> _T:
        """What ``make`` reads of this case, made on first asking (the acts never change)."""
        try:
            return cast("_T", self._readings[key])
        except KeyError:
            value = self._readings[key] = make()
            return value

    @classmethod
    def of(cls, acts: Sequence[Act]) -> Case:
        from domain.rules.corrections import effective_acts

        ordered = list(acts)
        prev: Act | None = None
        for a in ordered:  # stored acts mostly come in business order already: sorted only when not
            if prev is not None and (a.at < prev.at or (a.at == prev.at and (a.seq or 0) < (prev.seq or 0))):
                ordered.sort(key=lambda a: (a.at, a.seq if a.seq is not None else 0))
                break
            prev = a
        first = ordered[0]
        return cls(first.jurisdiction, first.case, first.kind, ordered, effective_acts(ordered))

    @property
    def unit(self) -> str | None:
        """The unit the case belongs to: the unit of its first act recorded (案件归属,
        :func:`domain.ownership.owner_of` — an act backdated later does not move it); read once."""
        return self.reading("unit", lambda: owner_of(self.history))

    @property
    def opened_at(self) -> datetime:
        return (self.acts or self.history)[0].at

    def all(self, *names: str) -> list[Act]:
        return [a for a in self.acts if a.act in names]

    def first(self, *names: str) -> Act | None:
        for a in self.acts:
            if a.act in names:
                return a
        return None

    def last(self, *names: str) -> Act | None:
        for a in reversed(self.acts):
            if a.act in names:
                return a
        return None

    def has(self, *names: str) -> bool:
        return any(a.act in names for a in self.acts)

    def missed(self, rule: str) -> list[Act]:
        """``deadline_missed`` acts the clock recorded for ``rule`` in this case."""
        return [a for a in self.acts if a.act == "deadline_missed" and a.get("rule") == rule]


@dataclass
class Context:
    """What a check sees: the rule, its pack and parameters, the org chart and the calendar."""

    rule: Rule
    org: OrgChart
    cal: WorkCalendar
    jurisdiction: str
    pack: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    case: Case | None = None
    cases: Sequence[Case] = ()
    #: Acts this check could not judge, in the order met (see :meth:`cannot_judge`).
    unjudged: list[CannotJudge] = field(default_factory=list)

    @property
    def c(self) -> Case:
        assert self.case is not None
        return self.case

    def params_at(self, at: datetime) -> Mapping[str, Any] | None:
        """This rule's parameters under the pack in force at ``at``, or None if not in force."""
        from domain.rules.packs import citing_pack, pack_in_force

        cited = citing_pack(pack_in_force(self.org, at), self.rule.citations)
        return None if cited is None else self.rule.params_for(cited)

    def pack_at(self, at: datetime) -> str | None:
        from domain.rules.packs import citing_pack, pack_in_force

        return citing_pack(pack_in_force(self.org, at), self.rule.citations)

    def finding(
        self,
        at: datetime,
        evidence: Iterable[Act | str],
        zh: str,
        en: str,
        *,
        key: str = "",
        case: str | None = None,
        unit: str | None = None,
        person: str | None = None,
        post: str | None = None,
        severity: Severity | None = None,
        state: ViolationState = "breach",
        **detail: Any,
    ) -> Finding:
        """A finding on the current case; ``unit`` defaults to the case's unit; ``state`` says
        whether a wrong act happened (``breach``), the owed act came ``late``, or is ``missing``."""
        ev = tuple(e.id if isinstance(e, Act) else e for e in evidence)
        if case is None and self.case is not None:
            case = self.case.id
        if unit is None and self.case is not None:
            unit = self.case.unit
        note = self.cal.fallback_note(*(e.at.date() for e in evidence if isinstance(e, Act)))
        if note:
            detail = {**detail, "calendar": note}
        return Finding(
            at=at,
            evidence=ev,
            message_zh=zh,
            message_en=en,
            case=case or "",
            key=key,
            unit=unit,
            person=person,
            post=post,
            severity=severity,
            detail=MappingProxyType(detail),
            state=state,
        )

    def cannot_judge(
        self, act: Act, field: str, zh: str, en: str, *, value: Any = None, case: Case | None = None
    ) -> None:
        """Note that this rule cannot judge ``act``: the value of ``field`` (``data.x``) is outside
        what the rule reads (or absent); ``zh``/``en`` say why. Noted once per act and field."""
        if value is None and field.startswith("data."):
            value = act.get(field.removeprefix("data."))
        c = case or self.case
        note = CannotJudge(
            act,
            field,
            "" if value is None else str(value),
            zh,
            en,
            c.id if c is not None else act.case,
            (c.unit if c is not None else None) or act.unit,
        )
        if not any(n.act.id == act.id and n.field == field for n in self.unjudged):
            self.unjudged.append(note)

    def owe(self, due: datetime, missing: str, *, key: str = "", case: Case | None = None) -> Obligation:
        """An obligation on the current case (an act still owed by ``due``)."""
        c = case or self.c
        return Obligation(self.rule.id, c.id, c.kind, due, missing, c.unit or "", key)


CheckFn = Callable[[Context], Iterable[Finding]]
ObligationFn = Callable[[Context], Iterable[Obligation]]


@dataclass(frozen=True)
class Rule:
    """A catalog rule: identity, citations per pack (with parameters) and its check."""

    id: str
    family: str
    severity: Severity
    title_zh: str
    title_en: str
    kinds: tuple[str, ...]
    citations: Mapping[str, Citation]
    check: CheckFn
    obligations: ObligationFn | None = None
    scope: Literal["case", "jurisdiction"] = "case"
    doc: str = ""
    #: The data fields read through a vocabulary (``kind.act.field``) whose values outside it
    #: leave this rule unable to judge the act — the importer names the rule in its warnings.
    reads: tuple[str, ...] = ()

    def params_for(self, pack: str) -> Mapping[str, Any]:
        c = self.citations.get(pack)
        return c.params if c else MappingProxyType({})

    def article(self, pack: str) -> str:
        c = self.citations.get(pack)
        return f"{pack}:{c.article}" if c else ""

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "family": self.family,
            "severity": self.severity,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "kinds": list(self.kinds),
            "scope": self.scope,
            "reads": list(self.reads),
            "packs": {
                p: {"article": f"{p}:{c.article}", "params": dict(c.params), "note": c.note}
                for p, c in self.citations.items()
            },
        }


def rule(
    id: str,
    *,
    severity: Severity,
    zh: str,
    en: str,
    kinds: Sequence[str],
    cites: Mapping[str, Citation | str],
    scope: Literal["case", "jurisdiction"] = "case",
    reads: Sequence[str] = (),
) -> Callable[[CheckFn], Rule]:
    """Declare a rule beside its check::

        @rule("INC-PHONE-DEADLINE", severity="high", zh="电话报告超时", en="Phone report late",
              kinds=("incident",), cites={"dongqu-2012": cite("第一百二十四条(二)", minutes=30)})
        def inc_phone_deadline(ctx: Context) -> Iterator[Finding]: ...

    Add obligations (for the clock) with ``@inc_phone_deadline.obligations_fn``-style
    :func:`with_obligations`.
    """

    def deco(fn: CheckFn) -> Rule:
        citations = {p: (c if isinstance(c, Citation) else cite(c)) for p, c in cites.items()}
        return Rule(
            id=id,
            family=id.split("-", 1)[0],
            severity=severity,
            title_zh=zh,
            title_en=en,
            kinds=tuple(kinds),
            citations=MappingProxyType(citations),
            check=fn,
            scope=scope,
            doc=(fn.__doc__ or "").strip(),
            reads=tuple(reads),
        )

    return deco


def with_obligations(r: Rule) -> Callable[[ObligationFn], Rule]:
    """Attach an obligations function to a rule and return the new rule::

    @with_obligations(INC_UNREPORTED_BASE)
    def inc_unreported_due(ctx): ...
    """

    def deco(fn: ObligationFn) -> Rule:
        return Rule(**{**r.__dict__, "obligations": fn})

    return deco


def no_findings() -> Iterator[Finding]:
    return iter(())

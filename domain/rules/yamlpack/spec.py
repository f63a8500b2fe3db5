"""One compiled rule of a pack (:class:`RuleSpec`) and what every template builder shares:
the order it reads a case in, correlation keys, messages with placeholders, findings,
declaring the engine rule."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from domain.acts import Act
from domain.rules.base import Context, Finding, Rule, Severity, cite, rule
from domain.rules.conditions import MISSING, Condition, as_number, lookup
from domain.rules.yamlpack.selectors import Selector
from domain.rules.yamlpack.timeline import Bound, Timeline
from domain.timeutil import start_of_day

TEMPLATE_ZH = {
    "precedence": "先后顺序",
    "response": "限时响应",
    "deadline": "期限办结",
    "absence": "禁止/限次",
    "chain": "审批链",
    "four_eyes": "不相容职责分离",
    "escalation": "累计升级",
    "quorum": "法定人数",
}
#: Placeholders a message may use (each template fills those that mean something for it).
PLACEHOLDERS = frozenset({"act", "required", "limit", "delay", "case", "due", "count", "by"})


@dataclass(frozen=True)
class RuleSpec:
    """One rule of a pack, checked and compiled (what the template builders read)."""

    pack: str
    id: str
    family: str
    template: str
    kinds: tuple[str, ...]
    citation: str
    severity: Severity
    title_zh: str
    title_en: str
    msg_zh: str | None
    msg_en: str | None
    effective_from: date | None
    condition: Condition | None
    line: int
    description: str
    raw: Mapping[str, Any]
    sel: Mapping[str, Selector]
    #: ``granularity`` and the pack's tie ``order`` (:mod:`~domain.rules.yamlpack.timeline`).
    timeline: Timeline = field(default_factory=Timeline)
    #: ``correlate``: the data field that pairs the acts the rule relates (None: pair by time only).
    correlate: str | None = None

    def in_force(self, ctx: Context, a: Act) -> bool:
        """Rule-level ``effective_from``: acts before it are not judged."""
        return self.effective_from is None or a.at >= start_of_day(self.effective_from, ctx.org.tz)

    def triggers(self, ctx: Context, sel: Selector, a: Act, case: Sequence[Act] | None = None) -> bool:
        """``a`` matches ``sel``, the rule's ``condition`` holds on it, and the rule is in force."""
        return (
            sel.matches(a, ctx.org, case)
            and (self.condition is None or self.condition.evaluate(a.data, a, case))
            and self.in_force(ctx, a)
        )

    def ordered(self, ctx: Context, acts: Iterable[Act] | None = None) -> tuple[Bound, list[Act]]:
        """The case's acts (or ``acts``) in this rule's order, and the bound timeline that ordered them."""
        tl = self.timeline.bind(ctx.org.tz)
        return tl, tl.sort(ctx.c.acts if acts is None else acts)

    def key(self, a: Act) -> tuple[str, Any] | None:
        """The correlation key of ``a`` (None when it lacks the field: then it pairs with nothing)."""
        if self.correlate is None:
            return None
        v = lookup(a.data, self.correlate)
        if v is MISSING or v == "":
            return None
        n = as_number(v)
        return ("n", n) if n is not None else ("s", str(v))

    def paired(self, a: Act, b: Act) -> bool:
        """Whether ``a`` and ``b`` may be related: same correlation key (always, without ``correlate``)."""
        if self.correlate is None:
            return True
        k = self.key(a)
        return k is not None and k == self.key(b)


Values = Mapping[str, str | tuple[str, str]]


class _Fill(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return ""


def _fill(tpl: str, values: Values, lang: int) -> str:
    vals = _Fill({k: (v[lang] if isinstance(v, tuple) else v) for k, v in values.items()})
    return tpl.format_map(vals)


def message(spec: RuleSpec, default_zh: str, default_en: str, values: Values) -> tuple[str, str]:
    """The rule's own message (placeholders filled) in both languages, or the defaults."""
    zh = _fill(spec.msg_zh, values, 0) if spec.msg_zh is not None else default_zh
    en = _fill(spec.msg_en, values, 1) if spec.msg_en is not None else default_en
    return zh, en


def finding(
    ctx: Context,
    spec: RuleSpec,
    at: datetime,
    evidence: Iterable[Act],
    default: tuple[str, str],
    values: dict[str, str | tuple[str, str]],
    *,
    key: str,
    person: str | None,
    case: str | None = None,
    unit: str | None = None,
    **detail: Any,
) -> Finding:
    """A finding with the rule's message (``{case}`` and ``{by}`` filled here)."""
    values.setdefault("case", case or (ctx.case.id if ctx.case is not None else ""))
    values.setdefault("by", person or "")
    zh, en = message(spec, default[0], default[1], values)
    return ctx.finding(
        at, list(evidence), zh, en, key=key, person=person, case=case, unit=unit, template=spec.template, **detail
    )


Builder = Callable[[RuleSpec], Rule]


def identity(spec: RuleSpec) -> dict[str, Any]:
    """The keyword arguments that declare ``spec`` as an engine rule (severity, titles, kinds, citation)."""
    return {
        "severity": spec.severity,
        "zh": spec.title_zh,
        "en": spec.title_en,
        "kinds": spec.kinds,
        "cites": {spec.pack: cite(spec.citation, template=spec.template)},
    }


def declare(spec: RuleSpec, check: Callable[[Context], Iterator[Finding]], scope: str = "case") -> Rule:
    """The engine :class:`Rule` for ``spec`` with ``check``, citing the pack's article."""
    r = rule(spec.id, scope=scope, **identity(spec))(check)  # type: ignore[arg-type]
    return replace(r, family=spec.family, doc=spec.description)

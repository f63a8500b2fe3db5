"""One compiled rule of a pack (:class:`RuleSpec`) and what every template builder shares:
messages with placeholders, findings, durations, declaring the engine rule."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from domain.acts import Act
from domain.rules.base import Context, Finding, Rule, Severity, cite, rule
from domain.rules.conditions import Condition
from domain.rules.yamlpack.selectors import Selector
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

_DURATION_TEXT = {
    "minutes": ("分钟", "min"),
    "hours": ("小时", "h"),
    "days": ("天", "days"),
    "working_days": ("个工作日", "working days"),
}


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

    def in_force(self, ctx: Context, a: Act) -> bool:
        """Rule-level ``effective_from``: acts before it are not judged."""
        return self.effective_from is None or a.at >= start_of_day(self.effective_from, ctx.org.tz)

    def triggers(self, ctx: Context, sel: Selector, a: Act) -> bool:
        """``a`` matches ``sel``, the rule's ``condition`` holds on it, and the rule is in force."""
        return (
            sel.matches(a, ctx.org)
            and (self.condition is None or self.condition.evaluate(a.data))
            and self.in_force(ctx, a)
        )


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


def duration(d: Mapping[str, Any]) -> tuple[str, float]:
    unit, n = next(iter(d.items()))
    return unit, float(n)


def duration_text(d: Mapping[str, Any]) -> tuple[str, str]:
    unit, n = duration(d)
    zh, en = _DURATION_TEXT[unit]
    return f"{n:g} {zh}", f"{n:g} {en}"


def add_duration(ctx: Context, at: datetime, d: Mapping[str, Any]) -> datetime:
    unit, n = duration(d)
    if unit == "working_days":
        return ctx.cal.deadline_after(at, int(n))
    if unit == "days":  # calendar days on the jurisdiction's clock (a DST change is not an hour late)
        return at.astimezone(ctx.org.tz) + timedelta(days=n)
    return at + timedelta(**{unit: n})


def first_after(ctx: Context, sel: Selector, trigger: Act) -> Act | None:
    """The first act matching ``sel`` at or after ``trigger`` (not the trigger itself)."""
    for b in ctx.c.acts:
        if b is not trigger and b.at >= trigger.at and sel.matches(b, ctx.org):
            return b
    return None


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

"""Rule templates (规则模板): the shapes most procedural rules share.

A family module declares a rule with :func:`domain.rules.base.rule` and writes its check
with these helpers, so that the same engine can later run jurisdictions' own rules written
in YAML (issue: user-defined packs):

- :func:`deadline_rule` — *response within a limit* (时限): an act B is due within a limit
  after an act A; a late B is flagged, and a missing B is owed to the clock, which records
  ``deadline_missed`` once the limit passes (the missing act is then flagged too).
- :func:`precedence` — *B only after A* (先…后…).
- :func:`chain_gaps` — *approval chain* (审批链): required steps, in order.
- :func:`has_quorum` — *quorum* (法定人数), strict "more than" a fraction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any, Literal

from domain.acts import Act
from domain.rules.base import Citation, Context, Finding, Obligation, Rule, Severity, rule
from domain.terms import Term
from domain.timeutil import format_datetime


@dataclass(frozen=True, slots=True)
class Due:
    """One timed obligation found in a case: ``trigger`` starts it, ``response`` answers it.

    ``key`` tells several obligations of one rule in one case apart (e.g. the phone and the
    written report); ``what_zh``/``what_en`` name the owed act for messages.
    """

    trigger: Act
    due: datetime
    response: Act | None
    what_zh: str
    what_en: str
    key: str = ""
    person: str | None = None
    extra: Mapping[str, Any] | None = None
    #: The unit the finding names (e.g. the responsible unit); the case's unit when None.
    unit: str | None = None
    #: The term's clock when extensions or suspensions moved the due (:class:`~domain.terms.Term`):
    #: its :meth:`~domain.terms.Term.detail` goes in the violation, and a ``deadline_missed``
    #: the clock recorded for an earlier due (one an extension moved later) no longer counts.
    term: Term | None = None


def _fmt_delay(delta: timedelta) -> tuple[str, str]:
    mins = int(delta.total_seconds() // 60)
    if mins < 120:
        return f"{mins} 分钟", f"{mins} min"
    hours = mins / 60
    if hours < 72:
        return f"{hours:.1f} 小时", f"{hours:.1f} h"
    return f"{hours / 24:.1f} 天", f"{hours / 24:.1f} days"


def deadline_findings(ctx: Context, dues: Iterable[Due]) -> Iterator[Finding]:
    """Findings for late responses, and for missing ones the clock has recorded as missed."""
    missed: list[Act] | None = None  # read when a due has no response
    for d in dues:
        if d.response is not None:
            if d.response.at > d.due:
                extra = {**(d.extra or {}), **(d.term.detail() if d.term is not None else {})}
                zh_late, en_late = _fmt_delay(d.response.at - d.due)
                yield ctx.finding(
                    d.response.at,
                    [d.trigger, d.response],
                    f"{d.what_zh}超过时限 {zh_late}（应于 {format_datetime(d.due)} 前）",
                    f"{d.what_en} {en_late} late (due {format_datetime(d.due)})",
                    key=d.key,
                    unit=d.unit,
                    person=d.person or d.response.by,
                    state="late",
                    **{"due": format_datetime(d.due), **extra},
                )
            continue
        if missed is None:
            missed = ctx.c.missed(ctx.rule.id)
        if not missed:
            continue
        extra = {**(d.extra or {}), **(d.term.detail() if d.term is not None else {})}
        for m in missed:
            if d.term is not None and m.at < d.due:
                continue  # recorded for a due that an extension or a suspension has since moved
            if (m.get("key") or "") == d.key:
                yield ctx.finding(
                    m.at,
                    [d.trigger, m],
                    f"{d.what_zh}逾期未办（期限 {format_datetime(d.due)}）",
                    f"{d.what_en} missing at the deadline ({format_datetime(d.due)})",
                    key=d.key,
                    unit=d.unit,
                    person=d.person,
                    state="missing",
                    **{"due": format_datetime(d.due), **extra},
                )
                break


def deadline_obligations(ctx: Context, dues: Iterable[Due]) -> Iterator[Obligation]:
    """What the clock should watch: every due response that has not arrived."""
    for d in dues:
        if d.response is None:
            yield ctx.owe(d.due, d.what_en, key=d.key)


def deadline_rule(
    id: str,
    *,
    severity: Severity,
    zh: str,
    en: str,
    kinds: Sequence[str],
    cites: Mapping[str, Citation | str],
    doc: str = "",
    reads: Sequence[str] = (),
) -> Callable[[Callable[[Context], Iterable[Due]]], Rule]:
    """Declare a *response within a limit* rule from one function that lists its :class:`Due` s.

    The same function serves the check (late or missed) and the clock (still owed)::

        @deadline_rule("DOC-SIGNOFF-TIMING", severity="medium", zh=..., en=..., kinds=(...), cites=...)
        def doc_signoff_timing(ctx: Context) -> Iterator[Due]:
            ...
    """

    def deco(fn: Callable[[Context], Iterable[Due]]) -> Rule:
        def check(ctx: Context) -> Iterator[Finding]:
            return deadline_findings(ctx, list(fn(ctx)))

        def owed(ctx: Context) -> Iterator[Obligation]:
            return deadline_obligations(ctx, list(fn(ctx)))

        check.__doc__ = doc or fn.__doc__
        r = rule(id, severity=severity, zh=zh, en=en, kinds=kinds, cites=cites, reads=reads)(check)
        from dataclasses import replace

        return replace(r, obligations=owed)

    return deco


def first_after(acts: Iterable[Act], after: Act, *names: str, where: Callable[[Act], bool] | None = None) -> Act | None:
    """The first act named ``names`` at or after ``after`` in business order."""
    for a in acts:
        if a.act in names and a.at >= after.at and a is not after and (where is None or where(a)):
            return a
    return None


def precedence(acts: Sequence[Act], required: str, then: str) -> list[Act]:
    """Acts ``then`` that came with no ``required`` act before them (B only after A)."""
    seen = False
    out = []
    for a in acts:
        if a.act == required:
            seen = True
        elif a.act == then and not seen:
            out.append(a)
    return out


def chain_gaps(acts: Sequence[Act], steps: Sequence[str | tuple[str, ...]], *, until: str | None = None) -> list[str]:
    """Required steps missing or out of order before ``until`` (an approval chain).

    ``steps`` lists act names in the order they must come; a tuple is a set of
    alternatives that fill one step. Returns a description of each problem (empty = fine).
    """
    stop = next((i for i, a in enumerate(acts) if until and a.act == until), len(acts))
    names = [a.act for a in acts[:stop]]
    problems: list[str] = []
    pos = -1
    for step in steps:
        alts = (step,) if isinstance(step, str) else step
        idx = [i for i, n in enumerate(names) if n in alts]
        if not idx:
            problems.append(f"missing {'/'.join(alts)}")
            continue
        first = idx[0]
        if first < pos:
            problems.append(f"{'/'.join(alts)} out of order")
        pos = max(pos, first)
    return problems


def has_quorum(present: int, members: int, fraction: Fraction | float | str, *, strict: bool = True) -> bool:
    """Whether ``present`` of ``members`` is more than (``strict``) or at least ``fraction``."""
    frac = Fraction(fraction) if not isinstance(fraction, Fraction) else fraction
    if members <= 0:
        return False
    ratio = Fraction(present, members)
    return ratio > frac if strict else ratio >= frac


Comparison = Literal["late", "missing"]

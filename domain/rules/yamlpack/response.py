"""``response`` (B within a limit after A) and ``deadline`` (B by a due time read from the data).

Both are the engine's :func:`~domain.rules.templates.deadline_rule`: a late B is flagged,
a missing one is owed to the ledger's clock, which records ``deadline_missed`` when the
limit passes (that act is then flagged).

The term runs on the shared clock of terms (:class:`~domain.terms.Term`): ``within`` is a
:class:`~domain.terms.Duration` from the trigger (``ends`` says where it ends), or the
trigger's own ``due: {field}``; ``extend`` moves it (by a duration or to a date an act
carries, at most ``max`` times, only when granted in time) and ``suspend`` stops it from
one act to another. A violation's detail shows the due as moved (``due``,
``initial_due``, ``extensions``, ``days_suspended``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, tzinfo
from typing import Any

from domain.acts import Act
from domain.rules.base import Context, Finding, Rule
from domain.rules.conditions import MISSING, lookup
from domain.rules.templates import Due, _fmt_delay, deadline_findings, deadline_rule
from domain.rules.yamlpack.selectors import Selector
from domain.rules.yamlpack.spec import RuleSpec, identity, message
from domain.rules.yamlpack.timeline import Bound
from domain.terms import Duration, Term
from domain.timeutil import end_of_day, format_datetime, local_date, parse_datetime

CLOCK_SELECTORS = ("extend.on", "suspend.from", "suspend.until")
RESPONSE_SELECTORS = ("after", "expect", *CLOCK_SELECTORS)
DEADLINE_SELECTORS = ("expect", "due.of", *CLOCK_SELECTORS)


@dataclass(frozen=True)
class Clock:
    """How a rule's term runs: its length or due field, where it ends, extensions, suspensions."""

    within: Duration | None = None
    due_field: str | None = None
    ends: str | None = None
    extend_by: Duration | None = None
    extend_to: str | None = None
    extend_max: int | None = None
    extend_on: Selector | None = None
    suspend_from: Selector | None = None
    suspend_until: Selector | None = None

    @classmethod
    def of(cls, spec: RuleSpec) -> Clock:
        raw = spec.raw
        ext = raw.get("extend") or {}
        due = raw.get("due") or {}
        return cls(
            within=Duration.parse(raw["within"]) if "within" in raw else None,
            due_field=due.get("field"),
            ends=raw.get("ends"),
            extend_by=Duration.parse(ext["by"]) if "by" in ext else None,
            extend_to=(ext.get("to") or {}).get("field"),
            extend_max=int(ext.get("max", 1)) if ext else None,
            extend_on=spec.sel.get("extend.on"),
            suspend_from=spec.sel.get("suspend.from"),
            suspend_until=spec.sel.get("suspend.until"),
        )

    @property
    def moves(self) -> bool:
        """Whether anything can move the due (then the violation shows how it moved)."""
        return self.extend_on is not None or self.suspend_from is not None

    def term(self, ctx: Context, start: datetime, due: datetime | None = None) -> Term:
        """The term from ``start``: ``within`` it, or until ``due`` (a due read from the data)."""
        if due is None:
            assert self.within is not None
            return Term.of(start, self.within, ctx.cal, self.ends, max_extensions=self.extend_max)
        loc = due.astimezone(ctx.org.tz)
        ends = self.ends or ("end_of_day" if loc == end_of_day(loc.date(), ctx.org.tz) else "exact")
        return Term(start, due, ctx.cal, ends, "days", max_extensions=self.extend_max)

    def run(
        self, ctx: Context, spec: RuleSpec, tl: Bound, acts: Sequence[Act], trigger: Act, expect: Selector, term: Term
    ) -> Act | None:
        """Feed the term the acts after ``trigger`` until the first ``expect`` act (returned), if any.

        Every act it relates to the trigger — the answer, an extension, a suspension — is at
        or after the trigger in the rule's order and, with ``correlate``, has its key.
        """
        for b in acts:
            if b is trigger or tl.before(b, trigger) or not spec.paired(trigger, b):
                continue
            if expect.matches(b, ctx.org, acts):
                term.answered(b.at)
                return b
            if self.extend_on is not None and self.extend_on.matches(b, ctx.org, acts):
                if self.extend_by is not None:
                    term.extend_by(b.id, b.at, self.extend_by)
                elif self.extend_to is not None:
                    new = due_time(lookup(b.data, self.extend_to), ctx.org.tz)
                    if new is not None:
                        term.extend_to(b.id, b.at, new)
            if self.suspend_from is not None and self.suspend_from.matches(b, ctx.org, acts):
                term.suspend(b.id, b.at)
            elif self.suspend_until is not None and self.suspend_until.matches(b, ctx.org, acts):
                term.resume(b.id, b.at)
        return None

    def due(
        self, ctx: Context, spec: RuleSpec, trigger: Act, response: Act | None, term: Term, **kw: Any
    ) -> Due | None:
        """The :class:`Due` of one obligation (None while its clock is stopped: nothing is owed then)."""
        if term.due is None:
            return None
        due = term.due
        if spec.timeline.granularity == "day":  # compared by day: due at the end of its day
            due = end_of_day(local_date(due, ctx.org.tz), ctx.org.tz)
        return Due(trigger, due, response, term=term if self.moves else None, **kw)


def _deadline_like(spec: RuleSpec, dues: Callable[[Context], Iterator[Due]], limit: tuple[str, str] | None) -> Rule:
    """``response``/``deadline``: a :func:`deadline_rule` (late → flagged; missing → the clock)."""
    base = deadline_rule(spec.id, doc=spec.description, **identity(spec))(dues)

    def check(ctx: Context) -> Iterator[Finding]:
        ds = list(dues(ctx))
        by_key = {d.key: d for d in ds}
        for f in deadline_findings(ctx, ds):
            d = by_key.get(f.key)
            if d is None or (spec.msg_zh is None and spec.msg_en is None):
                yield f
                continue
            if d.response is not None:
                dz, de = _fmt_delay(d.response.at - d.due)
                delay = (f"晚 {dz}", f"{de} late")
                required = d.response.act
            else:
                delay = ("逾期未办", "missing")
                required = (d.extra or {}).get("expect", "")
            values: dict[str, str | tuple[str, str]] = {
                "act": d.trigger.act,
                "required": required,
                "delay": delay,
                "due": format_datetime(d.due),
                "case": f.case,
                "by": f.person or "",
            }
            if limit is not None:
                values["limit"] = limit
            zh, en = message(spec, f.message_zh, f.message_en, values)
            yield replace(f, message_zh=zh, message_en=en)

    return replace(base, check=check, family=spec.family, doc=spec.description)


def build_response(spec: RuleSpec) -> Rule:
    after, expect = spec.sel["after"], spec.sel["expect"]
    clock = Clock.of(spec)
    limit = clock.within.text() if clock.within is not None else None
    fld = clock.due_field

    def dues(ctx: Context) -> Iterator[Due]:
        tl, acts = spec.ordered(ctx)
        for a in acts:
            if not spec.triggers(ctx, after, a, acts):
                continue
            if limit is not None:
                term = clock.term(ctx, a.at)
                what = (
                    f"「{expect.text}」（「{a.act}」后 {limit[0]}内）",
                    f"'{expect.text}' within {limit[1]} of '{a.act}'",
                )
            else:
                assert fld is not None
                own = due_time(lookup(a.data, fld), ctx.org.tz)
                if own is None:
                    continue  # an act without its due date owes nothing by it
                term = clock.term(ctx, a.at, own)
                what = (
                    f"「{expect.text}」（期限取自「{a.act}」的 {fld}）",
                    f"'{expect.text}' (due by {fld} of '{a.act}')",
                )
            response = clock.run(ctx, spec, tl, acts, a, expect, term)
            d = clock.due(
                ctx, spec, a, response, term, what_zh=what[0], what_en=what[1], key=a.id,
                extra={"template": "response", "expect": expect.text},
            )  # fmt: skip
            if d is not None:
                yield d

    return _deadline_like(spec, dues, limit)


def due_time(v: Any, tz: tzinfo) -> datetime | None:
    """A due time read from a data field; a bare date (or 00:00 local) is the end of that day."""
    if v is MISSING or v is None:
        return None
    dt: datetime
    if isinstance(v, datetime):
        dt = v if v.tzinfo is not None else v.replace(tzinfo=tz)
    elif isinstance(v, date):
        return end_of_day(v, tz)
    elif isinstance(v, str):
        s = v.strip()
        try:
            if len(s) == 10:
                return end_of_day(date.fromisoformat(s), tz)
            dt = parse_datetime(s, default_tz=tz)
        except (ValueError, TypeError):
            return None
    else:
        return None
    if dt.astimezone(tz).time() == time(0, 0):
        return end_of_day(local_date(dt, tz), tz)
    return dt


def build_deadline(spec: RuleSpec) -> Rule:
    expect = spec.sel["expect"]
    of = spec.sel.get("due.of")
    clock = Clock.of(spec)
    fld = spec.raw["due"]["field"]

    def dues(ctx: Context) -> Iterator[Due]:
        tl, acts = spec.ordered(ctx)
        for a in acts:
            if of is not None and not of.matches(a, ctx.org, acts):
                continue
            raw = lookup(a.data, fld)
            if raw is MISSING:
                continue
            if (spec.condition is not None and not spec.condition.evaluate(a.data, a, acts)) or not spec.in_force(
                ctx, a
            ):
                return
            due = due_time(raw, ctx.org.tz)
            if due is None:
                if raw is not None:
                    ctx.cannot_judge(
                        a,
                        f"data.{fld}",
                        f"期限字段 {fld} 的值“{raw}”无法识别为日期或时间，无法判断是否逾期",
                        f"due field {fld} holds {raw!r}, which is not a date or time: cannot tell the deadline",
                        value=raw,
                    )
                return
            term = clock.term(ctx, a.at, due)
            response = clock.run(ctx, spec, tl, acts, a, expect, term)
            d = clock.due(
                ctx, spec, a, response, term, what_zh=f"「{expect.text}」（期限取自 {fld}）",
                what_en=f"'{expect.text}' (due by {fld})", key=f"{a.id}@{format_datetime(due)}",
                extra={"template": "deadline", "expect": expect.text, "due_field": fld},
            )  # fmt: skip
            if d is not None:
                yield d
            return

    return _deadline_like(spec, dues, None)

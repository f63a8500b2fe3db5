"""``response`` (B within a limit after A) and ``deadline`` (B by a due time read from the data).

Both are the engine's :func:`~domain.rules.templates.deadline_rule`: a late B is flagged,
a missing one is owed to the ledger's clock, which records ``deadline_missed`` when the
limit passes (that act is then flagged).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, time, tzinfo
from typing import Any

from domain.rules.base import Context, Finding, Rule
from domain.rules.conditions import MISSING, lookup
from domain.rules.templates import Due, _fmt_delay, deadline_findings, deadline_rule
from domain.rules.yamlpack.spec import RuleSpec, add_duration, duration_text, first_after, identity, message
from domain.timeutil import end_of_day, format_datetime, local_date, parse_datetime

RESPONSE_SELECTORS = ("after", "expect")
DEADLINE_SELECTORS = ("expect", "due.of")


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
    within = spec.raw["within"]
    limit = duration_text(within)

    def dues(ctx: Context) -> Iterator[Due]:
        for a in ctx.c.acts:
            if not spec.triggers(ctx, after, a):
                continue
            due = add_duration(ctx, a.at, within)
            yield Due(
                a,
                due,
                first_after(ctx, expect, a),
                f"「{expect.text}」（「{a.act}」后 {limit[0]}内）",
                f"'{expect.text}' within {limit[1]} of '{a.act}'",
                key=a.id,
                extra={"template": "response", "expect": expect.text},
            )

    return _deadline_like(spec, dues, limit)


def _due_time(v: Any, tz: tzinfo) -> datetime | None:
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
    fld = spec.raw["due"]["field"]

    def dues(ctx: Context) -> Iterator[Due]:
        for a in ctx.c.acts:
            if of is not None and not of.matches(a, ctx.org):
                continue
            raw = lookup(a.data, fld)
            if raw is MISSING:
                continue
            if (spec.condition is not None and not spec.condition.evaluate(a.data)) or not spec.in_force(ctx, a):
                return
            due = _due_time(raw, ctx.org.tz)
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
            yield Due(
                a,
                due,
                first_after(ctx, expect, a),
                f"「{expect.text}」（期限取自 {fld}）",
                f"'{expect.text}' (due by {fld})",
                key=f"{a.id}@{format_datetime(due)}",
                extra={"template": "deadline", "expect": expect.text, "due_field": fld},
            )
            return

    return _deadline_like(spec, dues, None)

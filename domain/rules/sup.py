"""SUP — 督查督办 (supervision of assigned matters).

Sources: dongqu-2012:第一百零七条–第一百一十一条, 第六十四条; yiyuan:第十二条.

A supervision case (督查事项) is ``registered`` (立项) by the government office, ``assigned``
(交办) to the responsible unit with a deadline, reported on (``progress_reported``), maybe
extended (``extension_requested`` / ``extension_approved``), and closed by ``completed``
(办结, with a report) or ``terminated`` (终止, with a note signed by a government leader).

Shared readings (used by every rule here and by :mod:`domain.bulletin`):

- **The deadline** (办结时限) is the ``registered.deadline``, replaced by the first
  ``assigned.deadline`` when the assignment carries one (交办 sets the 限期 the unit works
  to). Later ``assigned`` acts do not move it: only an approved extension does.
- **An extension moves the deadline** only when it was approved (``extension_approved``)
  at or before the deadline then in force; one approved after the deadline passed does not
  (SUP-EXTENSION flags it). Who approved it is SUP-EXTENSION's concern, not SUP-DEADLINE's,
  so that one fault is flagged once.
- **A deadline at 00:00 local time** is read as a date-only deadline (``"2024-03-31"``
  parses to midnight): the item is due by the end of that day.
- **The responsible unit** (责任单位) is the last ``assigned.to_unit``, else
  ``registered.responsible_unit``, else the case's unit. Findings about the work (late,
  no report, unsigned report) name it; findings about the office's own steps (立项, 交办)
  name the case's unit (the office that registered the item).
- **Closure** is the first ``completed`` or ``terminated`` act.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.acts import Act
from domain.org import OrgChart
from domain.rules.base import Case, Context, Finding, Rule, cite, rule
from domain.rules.templates import Due, deadline_rule
from domain.terms import Term
from domain.timeutil import CHINA_TZ, deadline_end, end_of_day, format_datetime, local_date

#: Ranks of government leaders (区政府领导) who may approve an extension or sign a termination.

#: Weekly windows are generated at most this far (an implementation bound, not a parameter
#: of the regulation: an open item's obligations must be a finite list).
MAX_WEEKS = 104


# ---- shared readings -------------------------------------------------------------------
def responsible_unit(c: Case, until: datetime | None = None) -> str | None:
    """The unit that must do the work (责任单位)."""
    if until is None:
        return c.reading("sup.responsible_unit", lambda: _responsible_unit(c, None))
    return _responsible_unit(c, until)


def _responsible_unit(c: Case, until: datetime | None) -> str | None:
    acts = [a for a in c.acts if until is None or a.at <= until]
    for a in reversed(acts):
        if a.act == "assigned" and a.get("to_unit"):
            return str(a.get("to_unit"))
    for a in acts:
        if a.act == "registered" and a.get("responsible_unit"):
            return str(a.get("responsible_unit"))
    return c.unit


def closure(c: Case, until: datetime | None = None) -> Act | None:
    """The act that closed the item (办结 or 终止), if any (up to ``until``)."""
    for a in c.acts:
        if until is not None and a.at > until:
            break
        if a.act in ("completed", "terminated"):
            return a
    return None


@dataclass
class DeadlineState:
    """The item's deadline in force, the act that set it, and the extensions that came too late."""

    due: datetime | None = None
    set_by: Act | None = None
    base: Act | None = None
    initial_due: datetime | None = None
    applied: list[tuple[Act, datetime]] = field(default_factory=list)  # (extension, deadline it replaced)
    late: list[tuple[Act, datetime, Act | None]] = field(default_factory=list)  # (extension, deadline passed, its act)


def deadline_state(c: Case, until: datetime | None = None) -> DeadlineState:
    """Follow the item's deadline through assignment and extensions (see the module docstring);
    read once per case by the rules that ask (a reader must not change it)."""
    if until is None:
        return c.reading("sup.deadline_state", lambda: _deadline_state(c, None))
    return _deadline_state(c, until)


def _deadline_state(c: Case, until: datetime | None) -> DeadlineState:
    st = DeadlineState()
    reg = c.first("registered")
    if reg is not None and (until is None or reg.at <= until):
        d = deadline_end(reg.get("deadline"))
        if d is not None:
            st.due, st.set_by, st.base = d, reg, reg
    asg = next((a for a in c.all("assigned") if a.get("deadline") is not None), None)
    if asg is not None and (until is None or asg.at <= until):
        d = deadline_end(asg.get("deadline"))
        if d is not None:
            st.due, st.set_by, st.base = d, asg, asg
    st.initial_due = st.due
    if st.due is None or st.base is None:
        return st
    term = Term(st.base.at, st.due)  # the shared clock of terms: an extension counts only in time
    for ext in c.all("extension_approved"):
        if until is not None and ext.at > until:
            break
        new = deadline_end(ext.get("new_deadline"))
        if new is None:
            continue
        replaced = term.current
        assert replaced is not None
        if term.extend_to(ext.id, ext.at, new):
            st.applied.append((ext, replaced))
            st.set_by = ext
        else:
            st.late.append((ext, replaced, st.set_by))
    st.due = term.current
    return st


def report_problems(a: Act) -> list[tuple[str, str, str]]:
    """What a progress/completion report lacks under yiyuan:第十二条 (code, zh, en)."""
    out = []
    if a.get("signed_by_head") is not True:
        out.append(("not_signed", "未经单位主要领导审签", "not signed by the unit's principal leader"))
    if a.get("sealed") is not True:
        out.append(("not_sealed", "未加盖公章", "not sealed"))
    m = a.get("matters")
    if isinstance(m, int) and not isinstance(m, bool) and m > 1:
        out.append(
            ("several_matters", f"一文报送 {m} 个事项（应一事一文）", f"{m} matters in one report (one per report)")
        )
    return out


def termination_problems(org: OrgChart, a: Act) -> list[tuple[str, str, str]]:
    """What a termination lacks under dongqu-2012:第一百一十一条(二) (code, zh, en)."""
    out = []
    note = a.get("note")
    if not (isinstance(note, str) and note.strip()):
        out.append(("no_note", "无终止情况说明", "no termination note"))
    signer = a.get("signed_by") or a.by
    if not (signer and org.is_gov_leader(signer, a.at)):
        out.append(
            (
                "not_leader_signed",
                f"情况说明未经区政府领导签字同意（签字人 {signer}）",
                f"not signed by a government leader ({signer})",
            )
        )
    return out


def _unit_name(org: OrgChart, unit: str | None) -> str:
    u = org.units.get(unit or "")
    return u.name if u else (unit or "?")


def _title(c: Case) -> str:
    reg = c.first("registered")
    t = reg.get("title") if reg is not None else None
    return str(t) if t else c.id


def _fmt(dt: datetime) -> str:
    """A time for messages: local ``YYYY-MM-DD HH:MM`` (an end of day shows as 24:00)."""
    loc = dt.astimezone(CHINA_TZ)
    if loc == end_of_day(loc.date()):
        return f"{loc.date().isoformat()} 24:00"
    return loc.strftime("%Y-%m-%d %H:%M")


# ---- SUP-REGISTERED ----------------------------------------------------------------------
@rule(
    "SUP-REGISTERED",
    severity="low",
    zh="督查事项未在会议结束或领导批示后及时立项",
    en="Supervision item not registered right after the meeting or instruction",
    kinds=("supervision",),
    cites={"dongqu-2012": cite("第一百零七条", working_days=1)},
)
def sup_registered(ctx: Context) -> Iterator[Finding]:
    """立项：区政府办公室在会议结束或接到领导批示后立即提出拟办意见，列入专项政务督查范围。

    dongqu-2012 第一百零七条: the office registers matters decided at government meetings, at
    leaders' research visits, and leaders' instructions "at once" after the meeting ends or the
    instruction arrives. "At once" (立即) is read as the pack's ``working_days`` (1): the
    registration (``registered.at``) must be no later than the end of the first working day
    after ``registered.source_at`` (the end of the meeting / the instruction's arrival). Every
    source (meeting, instruction, research) is covered, as in the seed.

    Not checkable here: an item missing ``source_at`` (skipped), and a meeting decision never
    registered at all — that needs a jurisdiction-wide check from ``meeting.decided`` to
    ``registered.source_case`` with a clock, which jurisdiction-scope rules do not have yet.
    """
    reg = ctx.c.first("registered")
    if reg is None:
        return
    src = reg.get("source_at")
    if not isinstance(src, datetime):
        return
    n = int(ctx.params.get("working_days", 1))
    due = ctx.cal.deadline_after(src, n)
    if reg.at > due:
        days = ctx.cal.working_days_between(local_date(src), local_date(reg.at))
        yield ctx.finding(
            reg.at,
            [reg],
            f"督查事项“{_title(ctx.c)}”于 {_fmt(reg.at)} 立项，距来源（{_fmt(src)}）{days} 个工作日，"
            f"超过 {n} 个工作日（应于 {_fmt(due)} 前立项）",
            f"Item '{_title(ctx.c)}' registered at {_fmt(reg.at)}, {days} working days after its source "
            f"({_fmt(src)}); due within {n} working day(s), by {_fmt(due)}",
            key=reg.id,
            person=reg.by,
            state="late",
            due=format_datetime(due),
        )


# ---- SUP-ASSIGNED-SAMEDAY ----------------------------------------------------------------
@deadline_rule(
    "SUP-ASSIGNED-SAMEDAY",
    severity="medium",
    zh="督查事项未在立项当日交办责任单位",
    en="Responsible unit not notified the day the item was registered",
    kinds=("supervision",),
    cites={"dongqu-2012": cite("第一百零八条", days=0)},
)
def sup_assigned_sameday(ctx: Context) -> Iterator[Due]:
    """交办：区政府办公室将督查事项在当日向责任单位发出通知，转交责任单位限期办理。

    dongqu-2012 第一百零八条: the notice to the responsible unit (``assigned``) goes out the
    day the item is registered. Due at the end of the registration day plus the pack's
    ``days`` (0 = the same calendar day, 当日, weekends included). A later ``assigned`` is
    flagged as late; none at all is owed to the clock, which records ``deadline_missed``.
    The finding names the office (the case's unit), whose step it is.
    """
    reg = ctx.c.first("registered")
    if reg is None:
        return
    days = int(ctx.params.get("days", 0))
    due = end_of_day(local_date(reg.at) + timedelta(days=days))
    asg = next((a for a in ctx.c.acts if a.act == "assigned"), None)
    yield Due(reg, due, asg, f"督查事项“{_title(ctx.c)}”交办通知", f"assignment notice of '{_title(ctx.c)}'")


# ---- SUP-DEADLINE ------------------------------------------------------------------------
@deadline_rule(
    "SUP-DEADLINE",
    severity="high",
    zh="督查事项未在规定期限内办结",
    en="Supervision item not completed by its deadline",
    kinds=("supervision",),
    cites={"dongqu-2012": cite("第一百零九条"), "yiyuan": cite("第十二条")},
)
def sup_deadline(ctx: Context) -> Iterator[Due]:
    """办理：责任单位必须在规定期限内办结；确需延期的，经区政府领导同意后方可延期。

    dongqu-2012 第一百零九条 (必须在规定期限内办结) and yiyuan 第十二条 (按时限将落实情况报告县委县政府):
    the item closes by its deadline. The deadline in force is the assignment's (or the
    registration's), moved by each extension approved at or before the deadline then in
    force (see the module docstring). Closing by termination (终止) counts as closing: a
    termination after the deadline is a late closure. A closure after the deadline is
    flagged with how late it was; an item still open at the deadline is owed to the clock,
    and the ``deadline_missed`` it records is flagged. The key carries the deadline, so a
    miss recorded for a deadline that an in-time extension later moved is not flagged.
    """
    st = deadline_state(ctx.c)
    if st.due is None or st.set_by is None:
        return
    done = closure(ctx.c)
    title = _title(ctx.c)
    unit = _unit_name(ctx.org, responsible_unit(ctx.c))
    yield Due(
        st.set_by,
        st.due,
        done,
        f"{unit}办结督查事项“{title}”",
        f"closure of item '{title}' by {responsible_unit(ctx.c)}",
        key=f"due-{format_datetime(st.due)}",
        extra={"extensions": [e.id for e, _ in st.applied]} if st.applied else None,
        unit=responsible_unit(ctx.c),
    )


# ---- SUP-WEEKLY-PROGRESS -----------------------------------------------------------------
def weekly_windows(ctx: Context) -> Iterator[tuple[int, datetime, datetime, Act]]:
    """The weekly reporting windows owed by a long item: (n, start, end, the act that started it)."""
    c = ctx.c
    start = c.first("assigned") or c.first("registered")
    if start is None:
        return
    st = deadline_state(c)
    if st.due is None:
        return
    period = int(ctx.params.get("days", 7))
    long_days = int(ctx.params.get("long_deadline_days", 14))
    if period <= 0:
        return
    # When did the item become "long" (办理期限较长)? At the start if its first deadline
    # was, else when an extension in time made it so.
    d0 = local_date(start.at)

    def is_long(due: datetime | None) -> bool:
        return due is not None and (local_date(due) - d0).days > long_days

    long_since: datetime | None = None
    if is_long(st.initial_due):
        long_since = start.at
    else:
        for ext, _ in st.applied:
            if is_long(deadline_end(ext.get("new_deadline"))):
                long_since = ext.at
                break
    if long_since is None:
        return
    done = closure(c)
    prev_end = start.at
    for k in range(1, MAX_WEEKS + 1):
        end = end_of_day(d0 + timedelta(days=period * k))
        if done is not None and done.at <= end:
            return  # the closure report stands in for the window it falls in
        if end > long_since:
            yield k, prev_end, end, start
        prev_end = end


@deadline_rule(
    "SUP-WEEKLY-PROGRESS",
    severity="low",
    zh="办理期限较长的督查事项未每周报告进度",
    en="Long-running supervision item without a weekly progress report",
    kinds=("supervision",),
    cites={"dongqu-2012": cite("第一百零九条", days=7, long_deadline_days=14)},
)
def sup_weekly_progress(ctx: Context) -> Iterator[Due]:
    """对办理期限较长的事项，每周向区政府办公室报告工作进度。

    dongqu-2012 第一百零九条. "Long" (较长) is read as a deadline more than the pack's
    ``long_deadline_days`` (14) after the assignment (or, with no assignment, the
    registration); an item that an in-time extension made long owes reports from the
    extension on. "Every week" is read as consecutive windows of the pack's ``days`` (7)
    calendar days from the assignment day: window n ends at the end of the n-th multiple of
    ``days`` after it. Each window needs a ``progress_reported`` inside it; windows run until
    the item is completed or terminated (also past an overdue deadline — the matter is still
    being handled), and the window in which it closes is covered by the closure. A missing
    report is owed to the clock, keyed by the window's last day, so each missed week is
    recorded and flagged once. (Windows are generated up to two years out.)
    """
    c = ctx.c
    reports = c.all("progress_reported")
    for k, ws, we, start in weekly_windows(ctx):
        rep = next((r for r in reports if ws <= r.at <= we), None)
        first = local_date(ws if k == 1 else ws + timedelta(microseconds=1)).isoformat()
        last = local_date(we).isoformat()
        yield Due(
            start,
            we,
            rep,
            f"第 {k} 周（{first} 至 {last}）进度报告",
            f"progress report for week {k} ({first}–{last})",
            key=f"week-{local_date(we).isoformat()}",
            unit=responsible_unit(c),
        )


# ---- SUP-EXTENSION -----------------------------------------------------------------------
@rule(
    "SUP-EXTENSION",
    severity="medium",
    zh="督查事项延期未在期限届满前经区政府领导同意",
    en="Extension not approved by a government leader before the deadline passed",
    kinds=("supervision",),
    cites={"dongqu-2012": cite("第一百零九条, 第六十四条")},
)
def sup_extension(ctx: Context) -> Iterator[Finding]:
    """确因特殊情况需延期办理的，经区政府领导同意后，方可延期办理（第一百零九条）；应提前向区政府报告（第六十四条）。

    dongqu-2012 第一百零九条 and 第六十四条: an extension needs a government leader's consent
    (区政府领导: a holder of a ``head``, ``exec_vice_head`` or ``vice_head`` post when
    approving — the approver is the ``extension_approved`` act's ``by``), given in advance
    (提前), i.e. at or before the deadline then in force. Each ``extension_approved`` that
    came after the deadline had passed, or was given by someone who was not a government
    leader at the time, is flagged once (both reasons in one finding). A late approval does
    not move the deadline (SUP-DEADLINE).
    """
    c = ctx.c
    st = deadline_state(c)
    late = {e.id: (due, setter) for e, due, setter in st.late}
    before = {e.id: due for e, due in st.applied}
    unit = responsible_unit(c)
    for ext in c.all("extension_approved"):
        zh: list[str] = []
        en: list[str] = []
        evidence: list[Act] = []
        if ext.id in late:
            due, setter = late[ext.id]
            if setter is not None:
                evidence.append(setter)
            zh.append(f"于期限（{_fmt(due)}）届满后才批准延期")
            en.append(f"approved after the deadline ({_fmt(due)}) had passed")
        if not ctx.org.is_gov_leader(ext.by, ext.at):
            p = ctx.org.post_of(ext.by, ext.at)
            who = f"{ctx.org.people.get(ext.by, ext.by)}（{p.title if p else '无职务'}）"
            zh.append(f"批准人 {who} 不是区政府领导")
            en.append(f"approved by {ext.by} ({p.rank if p else 'no post'}), not a government leader")
        if not zh:
            continue
        evidence.append(ext)
        new = deadline_end(ext.get("new_deadline"))
        yield ctx.finding(
            ext.at,
            evidence,
            f"督查事项“{_title(c)}”延期至 {_fmt(new) if new is not None else '?'}：" + "；".join(zh),
            f"Extension of item '{_title(c)}': " + "; ".join(en),
            key=ext.id,
            unit=unit,
            person=ext.by,
            in_time=ext.id in before,
        )


# ---- SUP-CLOSURE -------------------------------------------------------------------------
@rule(
    "SUP-CLOSURE",
    severity="medium",
    zh="督查事项销案缺少办结报告或经区政府领导签字的终止说明",
    en="Item closed without a completion report, or terminated without a note signed by a government leader",
    kinds=("supervision",),
    cites={"dongqu-2012": cite("第一百一十一条")},
)
def sup_closure(ctx: Context) -> Iterator[Finding]:
    """销案：按期办结的，由责任单位报送办结报告；因特殊情况需终止办理的，形成情况说明，送请区政府领导签字同意。

    dongqu-2012 第一百一十一条: (一) a completed item is closed by the responsible unit's
    completion report — a ``completed`` act whose ``report`` is not true (false or not
    recorded) is flagged; (二) a terminated item needs a written explanation (``note``)
    signed by a government leader (head / exec_vice_head / vice_head at the time). The
    signer is ``terminated.signed_by`` (an optional field added for this rule), else the
    act's ``by``. Each faulty closure act is flagged once, with all its faults.
    """
    c = ctx.c
    unit = responsible_unit(c)
    for a in c.all("completed"):
        if a.get("report") is True:
            continue
        yield ctx.finding(
            a.at,
            [a],
            f"督查事项“{_title(c)}”办结时未报送办结报告",
            f"Item '{_title(c)}' completed without a completion report",
            key=a.id,
            unit=unit,
            person=a.by,
            problems=["no_report"],
        )
    for a in c.all("terminated"):
        probs = termination_problems(ctx.org, a)
        if not probs:
            continue
        yield ctx.finding(
            a.at,
            [a],
            f"督查事项“{_title(c)}”终止办理：" + "；".join(p[1] for p in probs),
            f"Item '{_title(c)}' terminated: " + "; ".join(p[2] for p in probs),
            key=a.id,
            unit=unit,
            person=a.get("signed_by") or a.by,
            problems=[p[0] for p in probs],
        )


# ---- SUP-REPORT-SIGNED -------------------------------------------------------------------
@rule(
    "SUP-REPORT-SIGNED",
    severity="low",
    zh="督查落实情况报告未经主要领导审签、未加盖公章或未一事一文",
    en="Progress/completion report not signed by the principal leader, not sealed, or several matters in one",
    kinds=("supervision",),
    cites={"yiyuan": cite("第十二条")},
)
def sup_report_signed(ctx: Context) -> Iterator[Finding]:
    """报告内容要真实、准确、具体、简明，一事一文，经主要领导审签并加盖公章后报送。

    yiyuan 第十二条: every report on an item — each ``progress_reported`` and each
    ``completed`` that carries a report (``report`` not false) — must be signed by the
    unit's principal leader (``signed_by_head`` true), sealed (``sealed`` true) and cover one
    matter (``matters`` ≤ 1; not recorded = one). ``signed_by_head``/``sealed`` not recorded
    count as not done. Each faulty report is flagged once with all its faults.
    """
    c = ctx.c
    unit = responsible_unit(c)
    for a in c.acts:
        if a.act not in ("progress_reported", "completed"):
            continue
        if a.act == "completed" and a.get("report") is False:
            continue
        probs = report_problems(a)
        if not probs:
            continue
        what_zh = "进度报告" if a.act == "progress_reported" else "办结报告"
        what_en = "progress report" if a.act == "progress_reported" else "completion report"
        yield ctx.finding(
            a.at,
            [a],
            f"督查事项“{_title(c)}”的{what_zh}（{_fmt(a.at)}）：" + "；".join(p[1] for p in probs),
            f"{what_en.capitalize()} on item '{_title(c)}' ({_fmt(a.at)}): " + "; ".join(p[2] for p in probs),
            key=a.id,
            unit=unit,
            person=a.by,
            problems=[p[0] for p in probs],
        )


RULES: list[Rule] = [
    sup_registered,
    sup_assigned_sameday,
    sup_deadline,
    sup_weekly_progress,
    sup_extension,
    sup_closure,
    sup_report_signed,
]

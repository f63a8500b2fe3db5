"""INC — 突发事件信息报送 (emergency incident reports).

Sources: dongqu-2012:第一百二十四条(二); standardization:篇四(三)8.

How the deadline rules share the work (no double counting):

- **INC-UNREPORTED** (瞒报/漏报) — *no report of any kind* above the unit (to the local
  government, the city or the line ministry; any channel) by the first deadline, i.e. the
  phone deadline to the first government level. It is owed to the ledger's clock while no
  such report exists; the clock's ``deadline_missed`` act is the violation, and it stays a
  violation even if a report never arrives (or arrives later).
- **INC-PHONE-DEADLINE** / **INC-WRITTEN-DEADLINE** — a *specific channel* (phone / written)
  to a specific level late or missing. While the incident has no upward report at all, they
  owe nothing (that is UNREPORTED's); once some report exists they judge every level and
  channel — except the first level's phone report when the clock has already recorded
  INC-UNREPORTED for the case (the same lateness, counted once).

So an incident never reported gives one violation (UNREPORTED); a phone report 10 minutes
late gives one (PHONE if it arrived before the clock ran, else UNREPORTED); a phone report
on time with the written report missing gives one (WRITTEN).

Levels (``to_level``): ``local_gov`` is the district/county government, ``city_gov`` the
city's. standardization's "向市委、市政府报告" is read as either (its author is a
county-level city whose own government is 市政府; the seed has no county level).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from domain.acts import Act
from domain.rules.base import Case, Context, Finding, Obligation, Rule, cite, rule, with_obligations
from domain.rules.templates import Due, deadline_rule, first_after
from domain.timeutil import format_datetime

GRADE_ZH = {"general": "一般", "larger": "较大", "major": "重大", "especially_major": "特别重大"}
LEVEL_ZH = {
    "unit_head": "单位负责人",
    "local_gov": "区（县）政府",
    "city_gov": "市政府",
    "line_ministry": "上级主管部门",
}
CHANNEL_ZH = {"phone": "电话", "written": "书面"}
GOV_LEVELS = ("local_gov", "city_gov")

# --- pack parameters (shared by the rules that cite the same clause) -----------------------
DONGQU_PHONE = {"local_gov": 30, "city_gov": 60}
DONGQU_WRITTEN = {"local_gov": 60, "city_gov": 120}
STD_PHONE = {"larger": 40, "major": 20, "especially_major": 20}
STD_WRITTEN = {"larger": 60, "major": 30, "especially_major": 30}
STD_LEVELS = GOV_LEVELS
#: "即接即报" read like INC-FIRST-REPORT's "立即": 15 minutes.
STD_SENSITIVE_PHONE = 15
#: The seed gives sensitive incidents no written limit of their own; they get the strictest
#: graded one (重大及以上, 30 min) — a judgment, see INC-WRITTEN-DEADLINE.
STD_SENSITIVE_WRITTEN = 30
#: FOLLOWUP-24H stops adding 24 h windows this many windows after the last report when no
#: ``response_ended`` is ever recorded (a data gap, not 60 more violations).
FOLLOWUP_MAX_WINDOWS = 60


# ---- helpers -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Leg:
    """One report owed on one channel: to ``levels`` within ``minutes`` of the occurrence."""

    key: str
    levels: tuple[str, ...]
    minutes: float
    label_zh: str
    label_en: str


def _is_upward(a: Act) -> bool:
    return a.act == "reported" and a.get("to_level") not in (None, "unit_head")


def _first_upward(c: Case) -> Act | None:
    return next((a for a in c.acts if _is_upward(a)), None)


def _first_report(c: Case, channel: str, levels: tuple[str, ...], after: Act | None = None) -> Act | None:
    """The earliest report on ``channel`` to one of ``levels`` (at or after ``after`` if given)."""
    for a in c.acts:
        if a.act != "reported" or a.get("channel") != channel or a.get("to_level") not in levels:
            continue
        if after is not None and (a.at < after.at or a is after):
            continue
        return a
    return None


def _grade_limit(params: Mapping[str, Any], occ: Act) -> float | None:
    """standardization: the graded limit, tightened to ``sensitive_minutes`` for sensitive ones."""
    limits: list[float] = []
    by_grade = params.get("minutes_by_grade") or {}
    g = by_grade.get(occ.get("grade"))
    if g is not None:
        limits.append(g)
    if occ.get("sensitive") and params.get("sensitive_minutes") is not None:
        limits.append(params["sensitive_minutes"])
    return min(limits) if limits else None


def _legs(ctx: Context, occ: Act, channel: str) -> list[Leg]:
    """The reports owed on ``channel`` by this pack, first level first."""
    p = ctx.params
    ch_zh = CHANNEL_ZH[channel]
    if "minutes_by_level" in p:  # dongqu: unit → district, district → city
        gov = ctx.org.units.get(ctx.c.unit or "")
        legs = []
        for level, minutes in p["minutes_by_level"].items():
            if level == "local_gov" and gov is not None and gov.type == "government":
                continue  # the case is the district government's own: it reports to the city only
            legs.append(
                Leg(
                    f"{channel}:{level}",
                    (level,),
                    minutes,
                    f"向{LEVEL_ZH.get(level, level)}{ch_zh}报告",
                    f"{channel} report to {level}",
                )
            )
        return legs
    limit = _grade_limit(p, occ)
    if limit is None:
        return []  # standardization sets no limit for a general, non-sensitive incident
    levels = tuple(p.get("to_levels") or GOV_LEVELS)
    return [Leg(f"{channel}:gov", levels, limit, f"向市委、市政府{ch_zh}报告", f"{channel} report to the government")]


def _grade_note(occ: Act) -> tuple[str, str]:
    g = occ.get("grade")
    zh = f"{GRADE_ZH.get(g, g or '未定级')}突发事件"
    en = f"{g or 'ungraded'} incident"
    if occ.get("sensitive"):
        zh += "（敏感，即接即报）"
        en += " (sensitive: report at once)"
    return zh, en


def _report_dues(ctx: Context, channel: str) -> Iterator[Due]:
    occ = ctx.c.first("occurred")
    if occ is None or _first_upward(ctx.c) is None:
        return  # nothing reported at all: INC-UNREPORTED's, not a channel's
    unreported_recorded = bool(ctx.c.missed("INC-UNREPORTED"))
    g_zh, g_en = _grade_note(occ)
    for i, leg in enumerate(_legs(ctx, occ, channel)):
        if i == 0 and channel == "phone" and unreported_recorded:
            continue  # the first phone report's lateness is already INC-UNREPORTED
        due = occ.at + timedelta(minutes=leg.minutes)
        rep = _first_report(ctx.c, channel, leg.levels)
        yield Due(
            occ,
            due,
            rep,
            f"{g_zh}{leg.label_zh}（时限 {leg.minutes:g} 分钟）",
            f"{leg.label_en} for a {g_en} (limit {leg.minutes:g} min)",
            key=leg.key,
            extra={"limit_minutes": leg.minutes, "to_levels": list(leg.levels)},
        )


# ---- INC-FIRST-REPORT (worked example) -----------------------------------------------------
@deadline_rule(
    "INC-FIRST-REPORT",
    severity="high",
    zh="现场人员未立即向本单位负责人报告",
    en="Staff at the scene did not report to the unit head at once",
    kinds=("incident",),
    cites={"dongqu-2012": cite("第一百二十四条(二)", minutes=15)},
)
def inc_first_report(ctx: Context) -> Iterator[Due]:
    """事发后现场人员须立即（默认 15 分钟内）向本单位负责人报告。

    "At once" (立即) is read as the pack's ``minutes`` (default 15). A first report to the
    unit head later than that is flagged; none at all is owed to the clock, and the
    ``deadline_missed`` act it records is flagged.
    """
    occ = ctx.c.first("occurred")
    if occ is None:
        return
    due = occ.at + timedelta(minutes=ctx.params.get("minutes", 15))
    rep = first_after(ctx.c.acts, occ, "reported", where=lambda a: a.get("to_level") == "unit_head")
    yield Due(occ, due, rep, "向单位负责人报告", "report to the unit head")


# ---- INC-PHONE-DEADLINE ----------------------------------------------------------------------
@deadline_rule(
    "INC-PHONE-DEADLINE",
    severity="high",
    zh="突发事件电话报告超过时限",
    en="Incident phone report late or missing",
    kinds=("incident",),
    cites={
        "dongqu-2012": cite("第一百二十四条(二)", minutes_by_level=DONGQU_PHONE),
        "standardization": cite(
            "篇四(三)8",
            minutes_by_grade=STD_PHONE,
            sensitive_minutes=STD_SENSITIVE_PHONE,
            to_levels=STD_LEVELS,
        ),
    },
)
def inc_phone_deadline(ctx: Context) -> Iterator[Due]:
    """电话报告时限。

    dongqu-2012 第一百二十四条(二)：单位负责人必须于半小时内向区政府电话报告……区政府最迟于
    1小时内向市政府电话报告。 — The unit head phones the district government within 30 min;
    the district government phones the city within 1 h. Both limits run from the occurrence
    (事发, the ``occurred`` act): the clause opens with "突发公共事件发生后" and the data has no
    "unit head learned of it" time. dongqu grades nothing: every incident. Both legs live in
    the incident's case (the district's own ``reported`` act to ``city_gov`` included); when
    the case is opened by the government unit itself, only the city leg is owed.

    standardization 篇四(三)8：首报较大突发事件，要在事发40分钟内通过电话形式……；重大及以上
    突发事件，事发20分钟内通过电话形式……向市委、市政府报告。发生在敏感时段、敏感地区或涉恐、
    涉爆、涉枪、涉外等突发紧急事件信息，不受分级限制，即接即报。 — 较大 40 min, 重大 and
    特别重大 20 min; a ``sensitive`` incident, whatever its grade, "at once", read as
    ``sensitive_minutes`` (15, as INC-FIRST-REPORT reads 立即), and the tighter of the two
    when both apply. **``general`` incidents that are not sensitive have no limit** under
    standardization: the clause fixes limits only for 较大 and above (its title is
    "重大突发事件信息报告制度"), so nothing is owed for them.

    Only a ``reported`` act with ``channel: phone`` to the level counts (a written report does
    not stand in for the phone call). Split with INC-UNREPORTED: see the module docstring.
    """
    return _report_dues(ctx, "phone")


# ---- INC-WRITTEN-DEADLINE --------------------------------------------------------------------
@deadline_rule(
    "INC-WRITTEN-DEADLINE",
    severity="high",
    zh="突发事件书面报告超过时限",
    en="Incident written report late or missing",
    kinds=("incident",),
    cites={
        "dongqu-2012": cite("第一百二十四条(二)", minutes_by_level=DONGQU_WRITTEN),
        "standardization": cite(
            "篇四(三)8",
            minutes_by_grade=STD_WRITTEN,
            sensitive_minutes=STD_SENSITIVE_WRITTEN,
            to_levels=STD_LEVELS,
        ),
    },
)
def inc_written_deadline(ctx: Context) -> Iterator[Due]:
    """书面报告时限。

    dongqu-2012 第一百二十四条(二)：……1小时内向区政府书面报告；区政府……2小时内向市政府书面
    报告。 — unit → district 1 h, district → city 2 h, from the occurrence.

    standardization 篇四(三)8：较大……1小时内通过书面形式；重大及以上……30分钟内通过书面形式。
    — 较大 1 h, 重大+ 30 min; ``general`` non-sensitive: no limit (as for the phone report).
    Judgment: the seed's "即接即报" for sensitive incidents names no written limit; a sensitive
    incident is held to the strictest graded written limit (``sensitive_minutes`` = 30, the
    重大+ value), whatever its grade — change the parameter if a jurisdiction reads it
    otherwise.

    Only ``channel: written`` counts. Owed only once the incident has some upward report
    (before that, INC-UNREPORTED holds the case); then it is judged even if INC-UNREPORTED
    was recorded, since the written report is a separate obligation with its own limit.
    """
    return _report_dues(ctx, "written")


# ---- INC-VERIFY-REQUEST ----------------------------------------------------------------------
@deadline_rule(
    "INC-VERIFY-REQUEST",
    severity="high",
    zh="核报突发事件信息超过时限",
    en="Verification requested by the government answered late",
    kinds=("incident",),
    cites={"standardization": cite("篇四(三)8", phone_minutes=10, written_minutes=20, to_levels=STD_LEVELS)},
)
def inc_verify_request(ctx: Context) -> Iterator[Due]:
    """核报时限。

    standardization 篇四(三)8：对市委要求核报的突发事件信息，电话反馈时间不得超过10分钟，书面
    报告不得超过20分钟。 — Each ``verification_requested`` act owes a phone answer within
    ``phone_minutes`` (10) and a written one within ``written_minutes`` (20), counted from
    the request. An answer is the first ``reported`` act on that channel to the government
    (``to_levels``) at or after the request, whatever its ``report`` type (a unit that had
    not reported yet answers with its first report). Applies to every grade: the request
    itself says the government wants it. Keys: ``<request id>:phone`` / ``:written``.
    """
    for req in ctx.c.all("verification_requested"):
        levels = tuple(ctx.params.get("to_levels") or GOV_LEVELS)
        for channel, name in (("phone", "phone_minutes"), ("written", "written_minutes")):
            minutes = ctx.params.get(name)
            if minutes is None:
                continue
            rep = _first_report(ctx.c, channel, levels, after=req)
            yield Due(
                req,
                req.at + timedelta(minutes=minutes),
                rep,
                f"核报{CHANNEL_ZH[channel]}反馈（时限 {minutes:g} 分钟）",
                f"{channel} answer to the verification request (limit {minutes:g} min)",
                key=f"{req.id}:{channel}",
            )


# ---- INC-FOLLOWUP-24H ------------------------------------------------------------------------
def _is_followup(a: Act, first_on_channel: set[str]) -> bool:
    t = a.get("report")
    if t is not None:
        return t == "followup"
    # no type given: the first report per channel is the initial one, later ones follow up
    return a.id not in first_on_channel


@deadline_rule(
    "INC-FOLLOWUP-24H",
    severity="medium",
    zh="未按时续报突发事件进展",
    en="Follow-up report not made within 24 h",
    kinds=("incident",),
    cites={
        "standardization": cite(
            "篇四(三)8",
            hours=24,
            grades=("larger", "major", "especially_major"),
            to_levels=STD_LEVELS,
        )
    },
)
def inc_followup_24h(ctx: Context) -> Iterator[Due]:
    """续报：一般进展情况，须每24小时续报一次，直至主要处置工作结束。

    standardization 篇四(三)8. The first report to the government (``to_levels``) starts the
    clock; after it, a follow-up (``report: followup``, or an untyped report that is not the
    first on its channel) is owed within ``hours`` (24) of the previous report, window after
    window, until ``response_ended``: a window that closes after the response ended is not
    owed. Each window is one obligation keyed ``window:<n>``, so the clock records every
    missed 24 h window; a missed window's successor runs from its close. A follow-up that
    arrives late but within the next window is flagged as late (and the chain restarts from
    it); one more than a window late leaves the windows in between missed.

    Scope: the clause is the "重大突发事件信息报告制度" of incidents of ``grades`` (较大 and
    above) and sensitive ones (即接即报); a general, non-sensitive incident owes no follow-ups
    (as it owes no first report under this pack). An incident never reported owes none
    either (INC-UNREPORTED). Windows stop ``FOLLOWUP_MAX_WINDOWS`` (60) after the last report
    when no ``response_ended`` is recorded — that is a data gap to fix, not 60 violations.
    """
    occ = ctx.c.first("occurred")
    if occ is None:
        return
    grades = tuple(ctx.params.get("grades") or ())
    if occ.get("grade") not in grades and not occ.get("sensitive"):
        return
    levels = tuple(ctx.params.get("to_levels") or GOV_LEVELS)
    reports = [a for a in ctx.c.acts if a.act == "reported" and a.get("to_level") in levels]
    if not reports:
        return
    anchor = reports[0]
    firsts: set[str] = set()
    for ch in ("phone", "written"):
        f = next((a for a in reports if a.get("channel") == ch), None)
        if f is not None:
            firsts.add(f.id)
    followups = [a for a in reports[1:] if _is_followup(a, firsts) and a.at > anchor.at]
    ended = ctx.c.first("response_ended")
    window = timedelta(hours=ctx.params.get("hours", 24))
    trigger, last_at, i, k, misses = anchor, anchor.at, 0, 1, 0
    while misses < FOLLOWUP_MAX_WINDOWS:
        due = last_at + window
        if ended is not None and ended.at <= due:
            return
        while i < len(followups) and followups[i].at <= last_at:
            i += 1
        nxt = followups[i] if i < len(followups) else None
        what_zh, what_en = f"第 {k} 个24小时续报", f"follow-up report for 24 h window {k}"
        if nxt is not None and nxt.at <= due + window:
            yield Due(trigger, due, nxt, what_zh, what_en, key=f"window:{k}")
            trigger, last_at, misses = nxt, nxt.at, 0
            i += 1
        else:
            yield Due(trigger, due, None, what_zh, what_en, key=f"window:{k}")
            last_at, misses = due, misses + 1
        k += 1


# ---- INC-UNREPORTED --------------------------------------------------------------------------
def _unreported_due(ctx: Context) -> tuple[Act, datetime, Leg] | None:
    occ = ctx.c.first("occurred")
    if occ is None:
        return None
    legs = _legs(ctx, occ, "phone")
    if not legs:
        return None
    return occ, occ.at + timedelta(minutes=legs[0].minutes), legs[0]


@rule(
    "INC-UNREPORTED",
    severity="high",
    zh="突发事件逾期未报（瞒报、漏报）",
    en="Incident not reported at all by the deadline",
    kinds=("incident",),
    cites={
        "dongqu-2012": cite("第一百二十四条", minutes_by_level=DONGQU_PHONE),
        "standardization": cite(
            "篇四(三)8",
            minutes_by_grade=STD_PHONE,
            sensitive_minutes=STD_SENSITIVE_PHONE,
            to_levels=STD_LEVELS,
        ),
    },
)
def _inc_unreported(ctx: Context) -> Iterator[Finding]:
    """逾期未报（瞒报、漏报）。

    standardization 篇四(三)8：严禁一切形式的迟报、漏报、瞒报、误报; dongqu-2012 第一百二十四条
    (二) 的报告时限. — An incident with no report of any kind above the unit (any channel,
    to ``local_gov``, ``city_gov`` or ``line_ministry``) by the first deadline: the phone
    limit to the first government level (dongqu: 30 min to the district, or 1 h to the city
    for the government's own case; standardization: by grade, sensitive at once; a
    standardization ``general`` non-sensitive incident has no deadline, so none is owed).

    Recorded by the clock: owed while no upward report exists; the ``deadline_missed`` act
    the clock records is the violation (evidence: the occurrence and that act, plus the
    late report if one came), and stays one even if a report never arrives or arrives later.
    A late report that arrives *before* the clock ran is INC-PHONE-DEADLINE's (late phone).
    See the module docstring for the split with PHONE/WRITTEN.
    """
    found = _unreported_due(ctx)
    missed = ctx.c.missed(ctx.rule.id)
    if found is None or not missed:
        return
    occ, _, leg = found
    m = missed[0]
    late = _first_upward(ctx.c)
    g_zh, g_en = _grade_note(occ)
    ev: list[Act] = [occ, m] + ([late] if late is not None else [])
    if late is not None and late.at > m.at:
        tail_zh = f"；首次报告迟至 {format_datetime(late.at)}"
        tail_en = f"; first report only at {format_datetime(late.at)}"
    else:
        tail_zh, tail_en = "；至今未见任何报告", "; no report on record"
    yield ctx.finding(
        m.at,
        ev,
        f"{g_zh}在时限（{leg.minutes:g} 分钟，{format_datetime(m.at)}）内未向上级作任何报告{tail_zh}",
        f"{g_en} not reported to any level above the unit within {leg.minutes:g} min (by {format_datetime(m.at)}){tail_en}",
        key="unreported",
        state="missing",
        due=format_datetime(m.at),
    )


@with_obligations(_inc_unreported)
def inc_unreported(ctx: Context) -> Iterator[Obligation]:
    found = _unreported_due(ctx)
    if found is None or _first_upward(ctx.c) is not None:
        return
    _, due, _ = found
    yield ctx.owe(due, "any report above the unit", key="unreported")


# ---- INC-LOCAL-FIRST -------------------------------------------------------------------------
@rule(
    "INC-LOCAL-FIRST",
    severity="medium",
    zh="向上级主管部门报告前未先向地方党委政府报告",
    en="Reported to the line ministry before the local government",
    kinds=("incident",),
    cites={"standardization": cite("篇四(三)8", to_levels=STD_LEVELS)},
)
def inc_local_first(ctx: Context) -> Iterator[Finding]:
    """先行向市委、市政府报告。

    standardization 篇四(三)8：情况紧急的，各有关职能部门需向上级主管部门报告，必须先行向市委、
    市政府报告，统一口径。 — Every ``reported`` act to ``line_ministry`` that has no report
    to the government (``to_levels``) at or before it is flagged (a report in the same minute
    is taken as "first"; business time cannot tell them apart). Evidence: the occurrence
    and the ministry report. Any grade: the clause is about the order, not the limit.
    """
    levels = tuple(ctx.params.get("to_levels") or GOV_LEVELS)
    occ = ctx.c.first("occurred")
    local = [a for a in ctx.c.acts if a.act == "reported" and a.get("to_level") in levels]
    for a in ctx.c.all("reported"):
        if a.get("to_level") != "line_ministry":
            continue
        if any(x.at <= a.at for x in local):
            continue
        later = next((x for x in local if x.at > a.at), None)
        tail_zh = f"，{format_datetime(later.at)} 才向市委、市政府报告" if later else "，且未向市委、市政府报告"
        tail_en = f"; the government only at {format_datetime(later.at)}" if later else "; the government never"
        yield ctx.finding(
            a.at,
            [x for x in (occ, a) if x is not None],
            f"{format_datetime(a.at)} 向上级主管部门报告前未先行向市委、市政府报告{tail_zh}",
            f"reported to the line ministry at {format_datetime(a.at)} before the local government{tail_en}",
            key=a.id,
            person=a.by,
        )


RULES: list[Rule] = [
    inc_first_report,
    inc_phone_deadline,
    inc_written_deadline,
    inc_verify_request,
    inc_followup_24h,
    inc_unreported,
    inc_local_first,
]

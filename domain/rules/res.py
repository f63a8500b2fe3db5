"""RES — 调研 (field research by county leaders).

Source: changle-2022:九十二 — 县政府组成人员每年到基层调研时间不少于2个月，"四不两直"比例不低于
50%，每人每年完成不少于1篇调研报告；县长的调研活动，镇（街、区）党政主要负责同志陪同时最多一人。
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime, tzinfo
from fractions import Fraction

from domain.acts import Act
from domain.org import GOV_LEADER_RANKS as LEADER_RANKS
from domain.org import OrgChart
from domain.rules.base import Context, Finding, Rule, cite, rule
from domain.system_cases import quota_case
from domain.timeutil import end_of_day, local_date, start_of_day

#: Posts whose holders are judged by RES-ANNUAL-QUOTA (县政府领导: 县长、常务副县长、副县长).
#: Ranks of a town's principal (党政主要负责同志) posts.
TOWN_PRINCIPAL_RANKS = ("head", "dept_head")


def _leader(a: Act) -> str:
    return str(a.get("leader") or a.by)


def _days(a: Act) -> Fraction:
    """A visit's length in days; a visit that records none counts as one day."""
    v = a.get("days")
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return Fraction(1)
    return Fraction(v).limit_denominator(1000) if v > 0 else Fraction(0)


def _year_of(a: Act, tz: tzinfo) -> int:
    return local_date(a.at, tz).year


def _leaders_all_year(org: OrgChart, year: int) -> list[str]:
    """People who held a county-government leader post both at the year's start and its end."""
    tz = org.tz
    start, end = start_of_day(datetime(year, 1, 1).date(), tz), end_of_day(datetime(year, 12, 31).date(), tz)
    gov = org.government_unit()

    def leaders(at: datetime) -> set[str]:
        out = set()
        for p in org.posts.values():
            if p.rank in LEADER_RANKS and (gov is None or p.unit == gov.id):
                h = org.holder(p.id, at)
                if h:
                    out.add(h)
        return out

    return sorted(leaders(start) & leaders(end))


def _fmt(x: Fraction) -> str:
    return f"{float(x):g}"


# ---- RES-ANNUAL-QUOTA ---------------------------------------------------------------------
@rule(
    "RES-ANNUAL-QUOTA",
    severity="low",
    zh="县政府领导年度调研时间、四不两直比例或调研报告不足",
    en="County leader's annual field research below quota",
    kinds=("research",),
    cites={"changle-2022": cite("九十二", days=60, unannounced_share="1/2", reports=1)},
    scope="jurisdiction",
)
def res_annual_quota(ctx: Context) -> Iterator[Finding]:
    """县政府组成人员每年到基层调研时间不少于2个月，"四不两直"比例不低于50%，每人每年完成不少于
    1篇调研报告（昌乐九十二）。

    Per leader per calendar year: the ``days`` of their ``visit`` acts (``leader``, else the
    act's ``by``; a visit without ``days`` counts one day; a visit belongs to the year of its
    date) sum to at least ``days`` (2 months = 60 days); the ``unannounced`` days are at least
    ``unannounced_share`` of those days (the share is of days, not of visits — 调研时间 is
    measured in time); and at least ``reports`` ``report_submitted`` acts name the year
    (``year``, else the act's year) and the leader (``leader``, an optional field added for
    this rule, else ``by``). Each shortfall is its own finding (keys ``<person>:<year>:days``,
    ``…:unannounced``, ``…:reports``), dated at the year's last instant, on the synthetic case
    ``RES-QUOTA-<year>-<person>`` (there is no single case for a year's research).

    Who is judged (judgment): 县政府组成人员 is read as the county government's leaders — the
    holders of government-unit posts ranked head, exec_vice_head or vice_head — who held such a
    post both at the start and at the end of the year (someone appointed or relieved mid-year
    has no full-year quota). Department heads (also 组成人员 in law) are not judged: the ledger
    has no record of their full-year tenure as members.

    When a year is judged (judgment): only a completed year, and only once the ledger shows it
    is over — some research act is dated in a later year (jurisdiction rules get no clock);
    and only a year the pack was in force for from its first to its last day (changle-2022
    starts 2022-10-12, so 2022 is not judged: a year's quota cannot be met in 11 weeks).
    """
    org = ctx.org
    tz = org.tz
    acts = [a for c in ctx.cases for a in c.acts]
    if not acts:
        return
    last_year = max(_year_of(a, tz) for a in acts)
    visits: dict[tuple[str, int], list[Act]] = defaultdict(list)
    reports: dict[tuple[str, int], list[Act]] = defaultdict(list)
    for a in acts:
        if a.act == "visit":
            visits[(_leader(a), _year_of(a, tz))].append(a)
        elif a.act == "report_submitted":
            y = a.get("year")
            year = y if isinstance(y, int) and not isinstance(y, bool) else _year_of(a, tz)
            reports[(_leader(a), year)].append(a)
    first_year = min(_year_of(a, tz) for a in acts)
    for year in range(first_year, last_year):
        y_start = start_of_day(datetime(year, 1, 1).date(), tz)
        y_end = end_of_day(datetime(year, 12, 31).date(), tz)
        params = ctx.params_at(y_end)
        if params is None or ctx.pack_at(y_start) != ctx.pack_at(y_end):
            continue
        art = ctx.rule.article(ctx.pack_at(y_end) or "")
        proof = next(a for a in sorted(acts, key=lambda a: (a.at, a.id)) if _year_of(a, tz) > year)
        min_days = Fraction(str(params.get("days", 60)))
        share = Fraction(str(params.get("unannounced_share", "1/2")))
        min_reports = int(params.get("reports", 1))
        gov = org.government_unit()
        for person in _leaders_all_year(org, year):
            vs = sorted(visits.get((person, year), []), key=lambda a: (a.at, a.id))
            rs = reports.get((person, year), [])
            total = sum((_days(v) for v in vs), Fraction(0))
            unannounced = sum((_days(v) for v in vs if v.get("unannounced")), Fraction(0))
            ev: Sequence[Act] = vs or [proof]
            case = quota_case(year, person)
            who = org.label(person, y_end)
            unit = org.unit_of(person, y_end) or (gov.id if gov else None)
            post = org.post_of(person, y_end)
            post_id = post.id if post else None
            if total < min_days:
                yield ctx.finding(
                    y_end,
                    ev,
                    f"{who} {year} 年到基层调研 {_fmt(total)} 天，少于 {_fmt(min_days)} 天（{art}）",
                    f"{person} did {_fmt(total)} days of field research in {year}, fewer than {_fmt(min_days)} ({art})",
                    key=f"{person}:{year}:days",
                    state="missing",
                    year=year,
                    days=float(total),
                    case=case,
                    unit=unit,
                    person=person,
                    post=post_id,
                )
            if total > 0 and unannounced / total < share:
                yield ctx.finding(
                    y_end,
                    ev,
                    f"{who} {year} 年“四不两直”调研 {_fmt(unannounced)} 天，占 {float(unannounced / total):.0%}，"
                    f"低于 {float(share):.0%}（{art}）",
                    f"{person}'s unannounced research in {year}: {_fmt(unannounced)} of {_fmt(total)} days, "
                    f"below {float(share):.0%} ({art})",
                    key=f"{person}:{year}:unannounced",
                    year=year,
                    share=float(unannounced / total),
                    case=case,
                    unit=unit,
                    person=person,
                    post=post_id,
                )
            if len(rs) < min_reports:
                yield ctx.finding(
                    y_end,
                    [*ev, *rs],
                    f"{who} {year} 年提交调研报告 {len(rs)} 篇，少于 {min_reports} 篇（{art}）",
                    f"{person} submitted {len(rs)} research report(s) for {year}, fewer than {min_reports} ({art})",
                    key=f"{person}:{year}:reports",
                    state="missing",
                    year=year,
                    reports=len(rs),
                    case=case,
                    unit=unit,
                    person=person,
                    post=post_id,
                )


# ---- RES-ESCORT-LIMIT ---------------------------------------------------------------------
def _town_of_visit(org: OrgChart, a: Act) -> str | None:
    """The visited town's unit id, from ``town`` given as a unit id or a unit name."""
    t = str(a.get("town") or "").strip()
    if not t:
        return None
    if t in org.units:
        return t
    return next((u.id for u in org.units.values() if u.name == t), None)


@rule(
    "RES-ESCORT-LIMIT",
    severity="low",
    zh="县长调研时乡镇党政主要负责同志陪同超过一人",
    en="More than one town principal escorted the county head",
    kinds=("research",),
    cites={"changle-2022": cite("九十二", max_principal_escorts=1)},
)
def res_escort_limit(ctx: Context) -> Iterator[Finding]:
    """县政府领导同志到镇（街、区）调研，要轻车简从，不搞层层陪同。确需陪同的，县长的调研活动，
    镇（街、区）可安排分管负责同志陪同，党政主要负责同志陪同时最多一人（昌乐九十二）。

    For each ``visit`` whose leader (``leader``, else ``by``) holds the head's post at the
    visit, the ``escorts`` who hold a principal post (rank head or dept_head: 党委书记, 镇长) of
    a town unit at the visit's time are counted per town; more than
    ``max_principal_escorts`` from one town is flagged (on the town). When ``town`` names a
    town (unit id or name), only that town's principals count. Deputies and the leaders in
    charge (分管负责同志) are not limited. Vice heads' visits (一般安排分管负责同志陪同, "一般") are
    not checked.
    """
    org = ctx.org
    limit = int(ctx.params.get("max_principal_escorts", 1))
    for v in ctx.c.all("visit"):
        leader = _leader(v)
        if not org.is_principal_leader(leader, v.at):
            continue
        visited = _town_of_visit(org, v)
        by_town: dict[str, list[str]] = defaultdict(list)
        for e in dict.fromkeys(v.get("escorts") or ()):
            for p in org.posts_of(e, v.at):
                u = org.units.get(p.unit)
                if u is None or u.type != "town" or p.rank not in TOWN_PRINCIPAL_RANKS:
                    continue
                if visited is not None and u.id != visited:
                    continue
                if e not in by_town[u.id]:
                    by_town[u.id].append(e)
        for town, people in by_town.items():
            if len(people) <= limit:
                continue
            names = "、".join(org.label(p, v.at) for p in people)
            tname = org.units[town].name
            art = ctx.rule.article(ctx.pack)
            yield ctx.finding(
                v.at,
                [v],
                f"{org.label(leader, v.at)}到{tname}调研，党政主要负责同志 {len(people)} 人陪同（{names}），"
                f"超过 {limit} 人（{art}）",
                f"the county head's visit to {town} was escorted by {len(people)} of its principal leaders "
                f"({', '.join(people)}), more than {limit} ({art})",
                key=f"{v.id}:{town}",
                unit=town,
                person=leader,
                escorts=people,
            )


RULES: list[Rule] = [res_annual_quota, res_escort_limit]

__all__ = ["RULES"]

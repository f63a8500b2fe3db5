"""DIS — 纪律与奖惩 (discipline, evaluation, sanctions).

Source: yiyuan:第二十一条 (五条禁令), 第二十二条 (一票否决), 第二十五条 (严格奖惩).

All three rules are jurisdiction-wide: they read every ``discipline`` case at once and judge
per subject (a person or a unit) and per year. Shared readings:

- **Subject** (当事人/当事单位) of an act: ``subject_person`` if given (an individual), else
  ``subject_unit``; ratings, veto conditions and ``rated`` without either fall back to the
  act's ``unit`` (the contract's original fields name no subject).
- **A unit's principal heads** (党政主要负责人) are the holders, at the time asked, of the
  unit's posts with a principal-head rank (``head``, ``dept_head``, ``office_director``,
  ``division_head``) — so a town's 镇长 and 党委书记 both count. A sanction names them by
  ``subject_person``, or names the unit itself by ``subject_unit``.
- **"None recorded"**: jurisdiction-wide rules get no clock (the engine asks only
  case-scoped rules for obligations), so a sanction that is owed and never recorded is
  flagged when a *later act* shows the moment for it has passed: for a breach, the
  subject's next breach or the jurisdiction's annual evaluation of the breach's year (the
  first ``rating_recorded``/``rated`` act for that year or later, recorded after the
  breach); for the bottom-three talk and the resignation, the next year's evaluation (the
  first ``rating_recorded`` of a later year). With an engine clock for jurisdiction rules
  these would become obligations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from domain.acts import Act
from domain.kinds.discipline import RATING
from domain.org import UNIT_HEAD_RANKS, OrgChart
from domain.rules.base import Case, Context, Finding, Rule, cite, rule

SANCTION_ZH: Mapping[str, str] = {
    "criticism": "通报批评",
    "media_exposure": "新闻媒体曝光",
    "transfer": "调离原工作岗位",
    "admonition": "对单位主要负责人实行诫勉",
    "admonishing_talk": "诫勉谈话",
    "yellow_card": "黄牌警告",
    "resignation_offered": "提出辞职",
}

#: The escalation ladder of 第二十一条 (higher = heavier). ``admonishing_talk`` is 诫勉 too.
#: ``yellow_card`` and ``resignation_offered`` (第二十五条) are not on this ladder and do
#: not count as a five-bans sanction.
LADDER: Mapping[str, int] = {
    "criticism": 1,
    "media_exposure": 2,
    "admonition": 3,
    "admonishing_talk": 3,
    "transfer": 4,
}

#: Sanctions that are the admonishing talk of 第二十五条 (诫免谈话).
TALK = ("admonishing_talk", "admonition")


# ---- shared helpers ---------------------------------------------------------------------
def subject_of(a: Act, *, fallback_unit: bool = False) -> tuple[str, str] | None:
    """("person", id) or ("unit", id) that an act concerns."""
    p = a.get("subject_person")
    if isinstance(p, str) and p:
        return ("person", p)
    u = a.get("subject_unit")
    if isinstance(u, str) and u:
        return ("unit", u)
    return ("unit", a.unit) if fallback_unit else None


def unit_of_act(a: Act) -> str:
    """The unit a rating / veto / rated act concerns (``subject_unit``, else the act's unit)."""
    u = a.get("subject_unit")
    return u if isinstance(u, str) and u else a.unit


def unit_heads(org: OrgChart, unit: str, at: datetime) -> set[str]:
    """Holders of the unit's principal-head posts (党政主要负责人) at ``at``."""
    out = set()
    for p in org.posts.values():
        if p.unit == unit and p.rank in UNIT_HEAD_RANKS:
            h = org.holder(p.id, at)
            if h:
                out.add(h)
    return out


def _year(a: Act) -> int | None:
    y = a.get("year")
    return y if isinstance(y, int) and not isinstance(y, bool) else None


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _name(org: OrgChart, subj: tuple[str, str]) -> str:
    kind, sid = subj
    if kind == "person":
        return org.people.get(sid, sid)
    u = org.units.get(sid)
    return u.name if u else sid


def _all(cases: list[Case] | tuple[Case, ...] | Any, *names: str) -> list[Act]:
    acts = [a for c in cases for a in c.acts if a.act in names]
    return sorted(acts, key=lambda a: (a.at, a.seq if a.seq is not None else 0, a.id))


def _is_good(rating: Any) -> bool | None:
    """Whether a rating is advanced/excellent (先进/优秀), by the vocabulary
    :data:`domain.kinds.discipline.RATING`; None when it says neither that nor another rating."""
    code = RATING.resolve(rating)
    return None if code is None else code == "good"


def _names_unit_or_head(org: OrgChart, s: Act, unit: str) -> bool:
    """Whether a sanction names ``unit`` or one of its principal heads (at the sanction's time)."""
    subj = subject_of(s)
    if subj is None:
        return s.unit == unit
    if subj == ("unit", unit):
        return True
    return subj[0] == "person" and subj[1] in unit_heads(org, unit, s.at)


# ---- DIS-FIVE-BANS-ESCALATION ------------------------------------------------------------
def _required(subj_kind: str, n: int, p: Mapping[str, Any]) -> str | None:
    if n >= int(p.get("transfer_from", 3)):
        return "transfer" if subj_kind == "person" else "admonition"
    if n >= int(p.get("media_exposure_from", 2)):
        return "media_exposure"
    if n >= int(p.get("criticism_from", 1)):
        return "criticism"
    return None


def _assign_sanctions(org: OrgChart, cases: Any, breaches: list[Act], subj_of: dict[str, tuple[str, str]]):
    """Which breach each sanction answers: the latest earlier breach in its own case, else the
    latest earlier breach of the subject it names (a unit's, when it names the unit's head)."""
    by_case: dict[str, list[Act]] = defaultdict(list)
    for b in breaches:
        by_case[b.case].append(b)
    out: dict[str, list[Act]] = defaultdict(list)
    for s in _all(cases, "sanction_recorded"):
        target = None
        same = [b for b in by_case.get(s.case, ()) if b.at <= s.at]
        if same:
            target = same[-1]
        else:
            subj = subject_of(s)
            if subj is not None:
                cands = [b for b in breaches if b.at <= s.at and subj_of[b.id] == subj]
                if not cands and subj[0] == "person":
                    cands = [
                        b
                        for b in breaches
                        if b.at <= s.at
                        and subj_of[b.id][0] == "unit"
                        and subj[1] in unit_heads(org, subj_of[b.id][1], s.at)
                    ]
                if cands:
                    target = cands[-1]
        if target is not None:
            out[target.id].append(s)
    return out


@rule(
    "DIS-FIVE-BANS-ESCALATION",
    severity="high",
    zh="违反“五条禁令”的处理未按次数升级",
    en="Five-bans breach not sanctioned as its count requires",
    kinds=("discipline",),
    cites={"yiyuan": cite("第二十一条", criticism_from=1, media_exposure_from=2, transfer_from=3)},
    scope="jurisdiction",
)
def dis_five_bans_escalation(ctx: Context) -> Iterator[Finding]:
    """对违反五条禁令之一者，无论属单位行为或个人行为，发现一次进行通报批评，发现两次在新闻媒体曝光；
    属个人行为者，发现三次坚决调离原工作岗位；属单位行为者，对单位主要负责人实行诫勉。

    yiyuan 第二十一条. Breaches (``breach_found``) are counted per subject in business order,
    over all time (the seed names no period). The n-th breach requires: from
    ``criticism_from`` (1) 通报批评, from ``media_exposure_from`` (2) 媒体曝光, from
    ``transfer_from`` (3) 调离岗位 for an individual.

    Catalog vs seed: the catalog says "a unit's breach → 诫勉 of its principal head". The
    seed applies 通报批评 and 媒体曝光 to unit and individual alike (无论属单位行为或个人行为) and
    sets 诫勉 of the unit's principal head in parallel with the individual's third-time
    transfer; so a unit's 1st/2nd breach requires criticism/exposure and its 3rd (and later)
    requires ``admonition`` (or ``admonishing_talk``) of its principal head. Sanctions are
    ordered criticism < media_exposure < admonition < transfer; a heavier one satisfies a
    lighter requirement.

    A sanction answers the latest earlier breach in its own case, else the latest earlier
    breach of the subject it names (a sanction naming a unit's principal head answers that
    unit's breach). Flagged: the heaviest sanction answering the n-th breach is lighter than
    required; or none answers it by the time the subject's next breach is found or the
    annual evaluation of its year is recorded (see the module docstring). A breach with no
    subject is skipped.
    """
    breaches: list[Act] = []
    subj_of: dict[str, tuple[str, str]] = {}
    for b in _all(ctx.cases, "breach_found"):
        sj = subject_of(b)
        if sj is not None:
            breaches.append(b)
            subj_of[b.id] = sj
    sanctions = _assign_sanctions(ctx.org, ctx.cases, breaches, subj_of)
    evaluations = _all(ctx.cases, "rating_recorded", "rated")
    by_subject: dict[tuple[str, str], list[Act]] = defaultdict(list)
    for b in breaches:
        by_subject[subj_of[b.id]].append(b)
    for subj, bs in by_subject.items():
        kind, sid = subj
        for i, b in enumerate(bs):
            n = i + 1
            p = ctx.params_at(b.at)
            if p is None:
                continue
            req = _required(kind, n, p)
            if req is None:
                continue
            ss = sanctions.get(b.id, [])
            who = _name(ctx.org, subj)
            unit = sid if kind == "unit" else ctx.org.unit_of(sid, b.at)
            # a unit's third breach falls on its principal head (诫勉), whom the finding names
            person = sid if kind == "person" else (ctx.org.principal_head(sid, b.at) if req == "admonition" else None)
            ban = b.get("ban")
            ban_zh = f"第{ban}条" if ban is not None else ""
            req_zh = SANCTION_ZH[req]
            if ss:
                best = max(ss, key=lambda s: LADDER.get(s.get("sanction"), 0))
                if LADDER.get(best.get("sanction"), 0) >= LADDER[req]:
                    continue
                got = "、".join(SANCTION_ZH.get(s.get("sanction"), str(s.get("sanction"))) for s in ss)
                yield ctx.finding(
                    max(s.at for s in ss),
                    [*bs[:n], *ss],
                    f"{who}第 {n} 次违反“五条禁令”{ban_zh}，应{req_zh}，实际仅{got}（处理轻于规定）",
                    f"{sid}: breach no. {n} of the five bans requires {req}, "
                    f"but only {', '.join(str(s.get('sanction')) for s in ss)} was recorded",
                    key=b.id,
                    case=b.case,
                    unit=unit,
                    person=person,
                    count=n,
                    required=req,
                    recorded=[s.get("sanction") for s in ss],
                )
                continue
            nxt = bs[i + 1] if i + 1 < len(bs) else None
            year = b.at.astimezone(ctx.org.tz).year
            ev = next((e for e in evaluations if e.at > b.at and (_year(e) or 0) >= year), None)
            later = min((x for x in (nxt, ev) if x is not None), key=lambda x: x.at, default=None)
            if later is None:
                continue
            why_zh = "再次被查实违反禁令时" if later is nxt else f"{year} 年度评议时"
            why_en = "by the next breach" if later is nxt else f"by the {year} annual evaluation"
            yield ctx.finding(
                later.at,
                [*bs[:n], later],
                f"{who}第 {n} 次违反“五条禁令”{ban_zh}，应{req_zh}，至{why_zh}仍未作出处理",
                f"{sid}: breach no. {n} of the five bans requires {req}; no sanction recorded {why_en}",
                key=b.id,
                case=b.case,
                unit=unit,
                person=person,
                count=n,
                required=req,
                recorded=[],
                state="missing",
            )


# ---- DIS-RATING-VETO ---------------------------------------------------------------------
@rule(
    "DIS-RATING-VETO",
    severity="high",
    zh="有一票否决情形的单位或其负责人被评为先进、优秀",
    en="Unit with a one-vote-veto condition (or its heads) rated advanced/excellent",
    kinds=("discipline",),
    reads=("discipline.rated.rating",),
    cites={"yiyuan": cite("第二十二条", min_score=80)},
    scope="jurisdiction",
)
def dis_rating_veto(ctx: Context) -> Iterator[Finding]:
    """实行一票否决制度……在行风评议中得分低于80分的……被否决的部门在年度工作考核中不能被评为先进单位，
    领导班子不能被评为优秀班子，部门党政主要负责人和分管负责人不能被评为优秀等次。

    yiyuan 第二十二条. A unit is vetoed for a year when a ``veto_condition`` of that year
    names it (any of the listed conditions, e.g. 领导班子成员受严重警告以上处分, recorded as the
    ``condition`` text), or its 行风评议 score that year (``rating_recorded.score``, the latest
    one recorded) is below the pack's ``min_score`` (80, strictly 低于). Then a ``rated`` act
    of the same year with a good rating (``advanced``/``excellent``/``outstanding`` or any
    text containing 先进/优秀) is flagged when it rates the unit itself (先进单位 / 优秀班子),
    one of its principal heads (held a principal-head post of the unit at the rating), or
    the deputy in charge of the vetoed work (分管负责人) — named by the optional
    ``veto_condition.leader_in_charge`` added for this rule, since the org chart cannot tell
    which deputy was in charge of the vetoed work. A rating that says neither 先进/优秀 nor
    another known rating (称职, 合格, 良好, 一般 …: :data:`domain.kinds.discipline.RATING`) of a
    vetoed unit or person is reported as not judged.
    """
    vetoes: dict[tuple[str, int], list[Act]] = defaultdict(list)
    in_charge: dict[tuple[str, int], set[str]] = defaultdict(set)
    for v in _all(ctx.cases, "veto_condition"):
        y = _year(v)
        if y is not None:
            vetoes[(unit_of_act(v), y)].append(v)
            lic = v.get("leader_in_charge")
            if isinstance(lic, str) and lic:
                in_charge[(unit_of_act(v), y)].add(lic)
    latest_rating: dict[tuple[str, int], Act] = {}
    for r in _all(ctx.cases, "rating_recorded"):
        y = _year(r)
        if y is not None and _num(r.get("score")) is not None:
            latest_rating[(unit_of_act(r), y)] = r
    for rated in _all(ctx.cases, "rated"):
        y = _year(rated)
        good = _is_good(rated.get("rating"))
        p = ctx.params_at(rated.at)
        if y is None or good is False or p is None:
            continue
        min_score = float(p.get("min_score", 80))
        person = rated.get("subject_person") if isinstance(rated.get("subject_person"), str) else None
        if person:
            # the units of that year whose principal head or deputy in charge the person was
            candidates = sorted({u for (u, yy) in (*vetoes, *latest_rating) if yy == y})
            units = [
                u
                for u in candidates
                if person in unit_heads(ctx.org, u, rated.at) or person in in_charge.get((u, y), ())
            ]
        else:
            units = [unit_of_act(rated)]
        for u in units:
            reasons: list[Act] = list(vetoes.get((u, y), []))
            zh: list[str] = [f"“{v.get('condition') or '一票否决情形'}”" for v in reasons]
            en: list[str] = [str(v.get("condition") or "veto condition") for v in reasons]
            low = latest_rating.get((u, y))
            if low is not None and (_num(low.get("score")) or 0.0) < min_score:
                reasons.append(low)
                zh.append(f"行风评议得分 {low.get('score')} 低于 {p.get('min_score', 80)} 分")
                en.append(f"conduct-rating score {low.get('score')} < {p.get('min_score', 80)}")
            if not reasons:
                continue
            if good is None:
                ctx.cannot_judge(
                    rated,
                    "data.rating",
                    f"等次“{rated.get('rating')}”不在词表中，无法判断是否评为先进、优秀（该单位 {y} 年度有一票否决情形）",
                    f"rating {rated.get('rating')!r} is outside the vocabulary: cannot tell whether it is "
                    f"advanced/excellent ({u} had a veto condition in {y})",
                )
                continue
            uname = _name(ctx.org, ("unit", u))
            who = f"{uname}负责人 {ctx.org.people.get(person, person)}" if person else uname
            yield ctx.finding(
                max(rated.at, *(a.at for a in reasons)),
                [*reasons, rated],
                f"{uname} {y} 年度有一票否决情形（{'；'.join(zh)}），{who}仍被评为“{rated.get('rating')}”",
                f"{u} had a veto condition in {y} ({'; '.join(en)}) yet "
                f"{person or u} was rated '{rated.get('rating')}'",
                key=f"{rated.id}:{u}",
                case=rated.case,
                unit=u,
                person=person,
                year=y,
            )


# ---- DIS-BOTTOM-THREE --------------------------------------------------------------------
def _positions(ratings: dict[tuple[str, int], Act]) -> dict[tuple[str, int], int]:
    """Each unit's place from the bottom (1 = worst) in its year's 行风评议.

    ``of - rank + 1`` when both are recorded; else derived from the scores of the units rated
    that year (1 + the number of units with a strictly lower score).
    """
    by_year: dict[int, list[tuple[str, Act]]] = defaultdict(list)
    for (u, y), a in ratings.items():
        by_year[y].append((u, a))
    out: dict[tuple[str, int], int] = {}
    for y, rows in by_year.items():
        for u, a in rows:
            rank, of = a.get("rank"), a.get("of")
            if isinstance(rank, int) and isinstance(of, int) and 1 <= rank <= of:
                out[(u, y)] = of - rank + 1
                continue
            s = _num(a.get("score"))
            if s is None:
                continue
            scores = [_num(b.get("score")) for _, b in rows]
            out[(u, y)] = 1 + sum(1 for x in scores if x is not None and x < s)
    return out


@rule(
    "DIS-BOTTOM-THREE",
    severity="medium",
    zh="行风评议后三位且低于80分的单位负责人未被诫勉谈话，或连续两年最差未提出辞职",
    en="Bottom-three unit's heads not admonished, or worst unit two years running whose head did not offer resignation",
    kinds=("discipline",),
    cites={"yiyuan": cite("第二十五条", bottom=3, min_score=80, years=2)},
    scope="jurisdiction",
)
def dis_bottom_three(ctx: Context) -> Iterator[Finding]:
    """得分列后3位且低于80分的单位党政主要负责人，进行诫免谈话、黄牌警告。连续两年被评为最差部门的，其主要负责人应提出辞职。

    yiyuan 第二十五条. Per year, each unit's 行风评议 is its latest ``rating_recorded``; its
    place from the bottom comes from ``rank``/``of`` or, when they are missing, from the
    scores of all units rated that year.

    (1) A unit in the bottom ``bottom`` (3) with ``score`` below ``min_score`` (80) owes an
    admonishing talk to its principal heads: a ``sanction_recorded`` with sanction
    ``admonishing_talk`` (value added for this rule) or ``admonition`` (诫勉), naming the
    unit (``subject_unit``) or one of its principal heads (``subject_person``), recorded
    after the rating. One such act for the unit suffices (the data cannot say whether both
    the Party and the government head were talked to). The yellow card (黄牌警告, value
    ``yellow_card``) can be recorded but is not required: the catalog asks for the talk.
    (2) A unit that was the worst (place 1 from the bottom) in ``years`` (2) consecutive
    years owes its principal head's offer to resign: ``sanction_recorded`` with sanction
    ``resignation_offered`` (value added), naming the unit or its head, recorded after the
    last of those ratings. "最差部门" is read as the last place, whatever the score.

    Either is flagged when it is still missing at the next annual evaluation (the first
    ``rating_recorded`` of a later year — see the module docstring). Not checked: the
    vertical-management departments' notice to their higher authority, and the 免职 itself.
    """
    ratings: dict[tuple[str, int], Act] = {}
    for r in _all(ctx.cases, "rating_recorded"):
        y = _year(r)
        if y is not None:
            ratings[(unit_of_act(r), y)] = r
    if not ratings:
        return
    pos = _positions(ratings)
    sanctions = _all(ctx.cases, "sanction_recorded")
    all_ratings = _all(ctx.cases, "rating_recorded")
    for (u, y), r in sorted(ratings.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        p = ctx.params_at(r.at)
        if p is None or (u, y) not in pos:
            continue
        place = pos[(u, y)]
        nxt = next((a for a in all_ratings if (_year(a) or 0) > y and a.at > r.at), None)
        uname = _name(ctx.org, ("unit", u))
        score = _num(r.get("score"))
        bottom = int(p.get("bottom", 3))
        min_score = float(p.get("min_score", 80))
        if place <= bottom and score is not None and score < min_score and nxt is not None:
            talk = [
                s
                for s in sanctions
                if s.get("sanction") in TALK and s.at >= r.at and _names_unit_or_head(ctx.org, s, u)
            ]
            if not talk:
                yield ctx.finding(
                    nxt.at,
                    [r, nxt],
                    f"{uname} {y} 年度行风评议列倒数第 {place} 位、得分 {r.get('score')}（低于 {p.get('min_score', 80)} 分），"
                    f"至下一年度评议仍未对其党政主要负责人进行诫勉谈话",
                    f"{u} was no. {place} from the bottom in the {y} conduct rating with {r.get('score')} "
                    f"(< {p.get('min_score', 80)}); no admonishing talk with its heads recorded by the next evaluation",
                    key=f"talk:{u}:{y}",
                    case=r.case,
                    unit=u,
                    person=ctx.org.principal_head(u, r.at),
                    year=y,
                    place_from_bottom=place,
                    state="missing",
                )
        years = int(p.get("years", 2))
        run = [ratings.get((u, y - k)) for k in range(years)]
        if (
            years >= 1
            and all(a is not None and pos.get((u, y - k)) == 1 for k, a in enumerate(run))
            and nxt is not None
        ):
            resign = [
                s
                for s in sanctions
                if s.get("sanction") == "resignation_offered" and s.at >= r.at and _names_unit_or_head(ctx.org, s, u)
            ]
            if not resign:
                first = y - years + 1
                yield ctx.finding(
                    nxt.at,
                    [*(a for a in reversed(run) if a is not None), nxt],
                    f"{uname} {first}—{y} 年连续 {years} 年行风评议最差，其主要负责人未提出辞职",
                    f"{u} was the worst in the conduct rating {years} years running ({first}–{y}); "
                    f"its principal head did not offer to resign",
                    key=f"resign:{u}:{y}",
                    case=r.case,
                    unit=u,
                    person=ctx.org.principal_head(u, r.at),
                    year=y,
                    state="missing",
                )


RULES: list[Rule] = [dis_five_bans_escalation, dis_rating_veto, dis_bottom_three]

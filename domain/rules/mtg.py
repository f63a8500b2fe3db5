"""MTG — 会议 (meetings).

Sources: changle-2022:二十六, 四十六, 四十八, 四十九, 五十, 五十一; dongqu-2012:第十五至二十一条,
第四十二条, 第四十五条, 第四十九至五十五条, 第五十八条, 第六十二条, 第六十四条, 第七十二条, 第八十一条;
yiyuan:第十条.

How a meeting case (会议案件) is read by every rule here:

- the meeting's type, members (应到会人员), start and end come from the LAST ``scheduled`` act
  (a meeting moved or re-planned is re-scheduled); no ``scheduled`` act → the type is unknown
  and type-specific rules skip the case;
- the meeting was held when there is a ``convened`` act: its ``chair`` (主持人) counts as
  present, ``present`` lists who attended, ``substitutes`` who attended in someone's place;
- "before the meeting" (会前, 提前) means earlier in business order than the ``convened`` act
  (or, when a topic is discussed with no ``convened`` act, than the ``topic_discussed`` act);
- topics are matched by their ``topic`` string.

Topic steps (``topic_step_done.step``) read by MTG-TOPIC-APPROVAL, MTG-PREREQUISITES and
MTG-CONSULTATION-TIMING — see :data:`TOPIC_STEPS_ZH`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, tzinfo
from fractions import Fraction
from typing import Any

from domain.acts import Act
from domain.kinds.meeting import TOPIC_STEP
from domain.org import GOV_LEADER_RANKS as LEADER_RANKS
from domain.org import OrgChart
from domain.rules.base import Case, Context, Finding, Obligation, Rule, cite, rule, with_obligations
from domain.rules.templates import Due, deadline_findings, deadline_obligations, deadline_rule, first_after, has_quorum
from domain.timeutil import deadline_end, format_datetime, local_date

TYPE_ZH: Mapping[str, str] = {
    "executive": "常务会议",
    "plenary": "全体会议",
    "head_office": "县（区）长办公会议",
    "thematic": "专题会议",
    "county_work": "全县性工作会议",
}
VICE_RANKS = ("exec_vice_head", "vice_head")

#: Step names of ``topic_step_done`` (议题程序), in Chinese (the vocabulary is the meeting
#: kind's :data:`~domain.kinds.meeting.TOPIC_STEP`, with the other spellings OA systems use).
TOPIC_STEPS_ZH: Mapping[str, str] = {t.code: t.zh for t in TOPIC_STEP.terms}


# ---- private helpers (candidates for shared code) ------------------------------------------
def _step(a: Act) -> str:
    """The step a ``topic_step_done`` names (its code), or "" when outside the vocabulary."""
    return TOPIC_STEP.resolve(a.get("step")) or ""


def _unread_steps(topic: str, acts: Sequence[Act]) -> list[Act]:
    """The topic's ``topic_step_done`` acts whose step is outside the vocabulary."""
    return [a for a in acts if a.act == "topic_step_done" and _topic(a) == topic and not _step(a)]


def _note_unread(ctx: Context, acts: Sequence[Act], what_zh: str, what_en: str) -> None:
    for a in acts:
        ctx.cannot_judge(
            a,
            "data.step",
            f"议题程序“{a.get('step')}”不在词表中，可能即{what_zh}，无法判断",
            f"topic step {a.get('step')!r} is outside the vocabulary and may be {what_en}: cannot judge",
        )


def _topic(a: Act) -> str:
    return str(a.get("topic") or "").strip()


def _first_by_topic(c: Case, act: str) -> Iterator[tuple[Act, str]]:
    """The first ``act`` of each topic in the case (议题), with the topic."""
    seen: set[str] = set()
    for a in c.all(act):
        topic = _topic(a)
        if topic and topic not in seen:
            seen.add(topic)
            yield a, topic


def _art(ctx: Context, at: datetime | None = None) -> str:
    """The article the finding cites, e.g. ``dongqu-2012:第五十五条``."""
    pack = ctx.pack or (ctx.pack_at(at) if at is not None else None)
    return ctx.rule.article(pack) if pack else ""


def _schedule(c: Case) -> Act | None:
    return c.last("scheduled")


def _type(c: Case) -> str | None:
    s = _schedule(c)
    return s.get("type") if s is not None else None


def _start(c: Case) -> datetime | None:
    """When the meeting starts: the schedule's ``start``, else when it was convened."""
    s = _schedule(c)
    if s is not None and isinstance(s.get("start"), datetime):
        return s.get("start")
    conv = c.first("convened")
    return conv.at if conv is not None else None


def _index(c: Case, a: Act) -> int:
    for i, x in enumerate(c.acts):
        if x is a:
            return i
    return len(c.acts)


def _cutoff(c: Case, discussed: Act) -> int:
    """Index in ``c.acts`` before which an act counts as done before the meeting."""
    i = _index(c, discussed)
    conv = c.first("convened")
    return min(i, _index(c, conv)) if conv is not None else i


def _ranks(org: OrgChart, person: str, at: datetime) -> set[str]:
    return {p.rank for p in org.posts_of(person, at)}


def _is_head_or_delegate(org: OrgChart, person: str, at: datetime, scope: str) -> bool:
    """The principal leader, or the holder of a post the head delegated ``scope`` to at ``at``."""
    if org.is_principal_leader(person, at):
        return True
    head = org.head_post()
    if head is None:
        return False
    return any(org.delegated(head.id, p.id, scope, at) for p in org.posts_of(person, at))


def _vice_in_charge_ok(org: OrgChart, person: str, at: datetime, unit: str | None) -> bool:
    """A vice head in charge of ``unit`` (or that leader's AB角 partner or delegate); any vice
    head when the org chart records nobody in charge of the unit."""
    return _acts_for(org, person, _step_posts(org, "vice_head_approved", at, unit), at, "convene")


def _walk_chain(chain: Sequence[str], hits: Mapping[str, Sequence[int]]) -> list[tuple[str, str]]:
    """Walk an ordered chain: ``hits`` gives, per step, the positions of the acts that fill it.

    Returns ``(step, "missing" | "order")`` problems. One act may fill consecutive steps (e.g.
    the executive vice head who also chairs)."""
    pos = -1
    out: list[tuple[str, str]] = []
    for step in chain:
        idx = sorted(hits.get(step, ()))
        if not idx:
            out.append((step, "missing"))
            continue
        later = [i for i in idx if i >= pos]
        if later:
            pos = later[0]
        else:
            out.append((step, "order"))
    return out


def _frac(v: object) -> Fraction | None:
    try:
        return Fraction(str(v))
    except (ValueError, ZeroDivisionError):
        return None


# ---- MTG-QUORUM -----------------------------------------------------------------------------
@rule(
    "MTG-QUORUM",
    severity="high",
    zh="会议出席人数未达法定比例",
    en="Meeting held without its quorum",
    kinds=("meeting",),
    cites={
        "changle-2022": cite("四十六", executive_more_than="1/2"),
        "dongqu-2012": cite("第四十二条, 第五十五条", plenary_more_than="2/3", executive_more_than="1/2"),
    },
)
def mtg_quorum(ctx: Context) -> Iterator[Finding]:
    """常务会议出席人数须超过应到会人数的二分之一（昌乐四十六；东区第五十五条"过半数"）；
    区政府全体会议必须有超过三分之二的会议组成人员出席方可召开（东区第四十二条）。

    An executive meeting needs MORE than half of its members present; a dongqu plenary more
    than two thirds. The fraction for the meeting's type is the pack's ``<type>_more_than``
    (a string fraction); a type the pack gives none for is not checked (changle's 四十五 sets no
    quorum for the plenary, so only dongqu checks plenaries). Exactly the fraction is NOT
    enough ("超过"/"过半数": 4 of 8, 6 of 9 fail).

    Members = the schedule's ``members`` (应到会人数); present = those members listed in
    ``convened.present`` plus the chair. Substitutes (代会) and non-members (列席) do not count.
    A meeting with no member list or not convened is not judged (no data).
    """
    c = ctx.c
    conv, sch = c.first("convened"), _schedule(c)
    if conv is None or sch is None:
        return
    typ = sch.get("type")
    frac = _frac(ctx.params.get(f"{typ}_more_than"))
    members = list(dict.fromkeys(sch.get("members") or ()))
    if frac is None or not members:
        return
    present_ids = set(conv.get("present") or ())
    if conv.get("chair"):
        present_ids.add(conv.get("chair"))
    present = [m for m in members if m in present_ids]
    if has_quorum(len(present), len(members), frac):
        return
    tz, te = TYPE_ZH.get(typ, typ), typ
    yield ctx.finding(
        conv.at,
        [sch, conv],
        f"{tz}应到会 {len(members)} 人、实到 {len(present)} 人，未超过 {frac}，不得召开（{_art(ctx)}）",
        f"{te} meeting held with {len(present)} of {len(members)} members present, not more than {frac} ({_art(ctx)})",
        key="quorum",
        person=conv.get("chair"),
        members=len(members),
        present=len(present),
        required_more_than=str(frac),
    )


# ---- MTG-CONVENER ---------------------------------------------------------------------------
@rule(
    "MTG-CONVENER",
    severity="medium",
    zh="常务会议召集主持人不符",
    en="Executive meeting convened by the wrong person",
    kinds=("meeting",),
    cites={
        "changle-2022": cite("四十六", delegation_scope="convene"),
        "dongqu-2012": cite("第五十四条", delegation_scope="convene"),
    },
)
def mtg_convener(ctx: Context) -> Iterator[Finding]:
    """常务会议由县（区）长召集并主持；县长不能出席时，可委托负责常务工作的副县长召集并主持
    （昌乐四十六）；必要时，区长可委托常务副区长召集并主持（东区第五十四条）。

    An executive meeting's ``convened.chair`` must hold the head's post at the meeting, or the
    executive vice head's post with a written delegation from the head (``delegated`` with
    scope ``convene`` or ``all``) covering the meeting's moment — the org chart as it was then.
    Judgment: when the head's post is vacant at the time, the executive vice head presiding
    (主持工作) is accepted without a delegation. Other meeting types are not covered by these
    articles and are not checked.
    """
    c = ctx.c
    conv, sch = c.first("convened"), _schedule(c)
    if conv is None or sch is None or sch.get("type") != "executive":
        return
    org, at = ctx.org, conv.at
    head = org.head_post()
    if head is None:
        return
    chair = conv.get("chair") or ""
    posts = org.posts_of(chair, at) if chair else []
    ids = {p.id for p in posts}
    if head.id in ids:
        return
    evh = org.exec_vice_head_post()
    scope = ctx.params.get("delegation_scope", "convene")
    if evh is not None and evh.id in ids:
        if org.delegated(head.id, evh.id, scope, at) or org.holder(head.id, at) is None:
            return
        zh = f"常务会议由常务副职 {org.label(chair, at)} 主持，但无县（区）长在会议当日的委托（{_art(ctx)}）"
        en = f"executive meeting chaired by the executive vice head {chair} without the head's delegation covering {local_date(at)} ({_art(ctx)})"
    else:
        zh = f"常务会议由 {org.label(chair, at)} 主持，应由县（区）长或受委托的常务副职召集主持（{_art(ctx)}）"
        en = f"executive meeting chaired by {chair or '(nobody recorded)'}, neither the head nor the delegated executive vice head ({_art(ctx)})"
    yield ctx.finding(at, [conv], zh, en, key="convener", person=chair or None, post=posts[0].id if posts else None)


# ---- MTG-TOPIC-APPROVAL ---------------------------------------------------------------------
#: The rank that fills each office step of the topic chain (议题初审、审核).
TOPIC_STEP_RANKS: Mapping[str, str] = {
    "secretary_reviewed": "secretary",
    "deputy_director_reviewed": "office_deputy",
    "director_reviewed": "office_director",
    "exec_vice_head_reviewed": "exec_vice_head",
}
TOPIC_CHAIN_STEPS = ("vice_head_approved", *TOPIC_STEP_RANKS, "head_approved")


def _step_posts(org: OrgChart, step: str, at: datetime, lead_unit: str | None) -> list[str]:
    """The posts that fill one step of the topic chain at ``at`` (before covers and delegations)."""
    if step == "head_approved":
        head = org.head_post()
        return [head.id] if head is not None else []
    if step == "vice_head_approved":
        vices = [p.id for p in org.posts.values() if p.rank in VICE_RANKS]
        charged = [p for p in (org.in_charge(at, unit=lead_unit) if lead_unit else []) if p in vices]
        return charged or vices  # nobody on record in charge: any vice head
    rank = TOPIC_STEP_RANKS.get(step)
    return [p.id for p in org.posts.values() if p.rank == rank] if rank else []


def _acts_for(org: OrgChart, person: str, posts: Sequence[str], at: datetime, scope: str) -> bool:
    """Whether ``person`` holds one of ``posts`` at ``at``, or stands in for one: its AB角 partner
    (补位) or the holder of a written delegation (授权, ``scope`` or ``all``) from it."""
    held = {p.id for p in org.posts_of(person, at)}
    if held & set(posts):
        return True
    return any(
        held & set(org.cover_partners(p, at)) or any(org.delegated(p, q, scope, at) for q in held) for p in posts
    )


def _topic_steps_of(
    org: OrgChart, a: Act, lead_unit: str | None, could_be: Sequence[str] = TOPIC_CHAIN_STEPS
) -> set[str]:
    """The steps of the topic chain one approval act fills, from its approver's post at its time.

    ``topic_step_done(step=…)`` fills the step it names if its author can fill that step;
    ``topic_approved`` fills every step its author's post fills (the contract's own act); a
    step outside the vocabulary could be any of ``could_be`` its author can fill."""
    steps = (_step(a),) if a.act == "topic_step_done" and _step(a) else tuple(could_be)
    return {
        s
        for s in steps
        if s in TOPIC_CHAIN_STEPS and _acts_for(org, a.by, _step_posts(org, s, a.at, lead_unit), a.at, "convene")
    }


def _why_not_counted(org: OrgChart, a: Act, lead_unit: str | None) -> tuple[str, str]:
    """Why an approval fills no step of the chain (the finding names the approver and this)."""
    posts = org.posts_of(a.by, a.at)
    if not posts:
        return "时任无职务记录", "held no post at the time"
    if any(p.rank in VICE_RANKS for p in posts):
        unit = org.units[lead_unit].name if lead_unit in org.units else (lead_unit or "牵头单位")
        return (
            f"非{unit}的分管副职，亦非其AB角或受托人",
            f"not the vice head in charge of {lead_unit or 'the lead unit'}, nor that leader's cover or delegate",
        )
    if a.act == "topic_step_done" and _step(a) in TOPIC_CHAIN_STEPS:
        return f"所任职务（{posts[0].title}）不能办理该环节", f"post {posts[0].id} does not fill step {_step(a)}"
    return f"所任职务（{posts[0].title}）不在议题审批链中", f"post {posts[0].id} is not in the approval chain"


def _pre_meeting(c: Case, topic: str, cutoff: int, *names: str) -> list[tuple[int, Act]]:
    return [(i, a) for i, a in enumerate(c.acts[:cutoff]) if a.act in names and _topic(a) == topic]


@rule(
    "MTG-TOPIC-APPROVAL",
    severity="high",
    zh="议题未经规定审批程序上会",
    en="Topic reached the agenda without its approval chain",
    kinds=("meeting",),
    reads=("meeting.topic_step_done.step",),
    cites={
        "changle-2022": cite(
            "四十八",
            chain=("vice_head_approved", "head_approved"),
            leader_proposed_skips=("vice_head_approved",),
        ),
        "dongqu-2012": cite(
            "第四十九条, 第五十一条",
            chain=(
                "secretary_reviewed",
                "deputy_director_reviewed",
                "director_reviewed",
                "exec_vice_head_reviewed",
                "head_approved",
            ),
            also_counts=("vice_head_approved",),
        ),
    },
)
def mtg_topic_approval(ctx: Context) -> Iterator[Finding]:
    """议题审批链。昌乐四十八：议题由县长、副县长提出，或由镇（街、区）、部门提出，报分管副县长、
    县长同意。东区第四十九条：区长、副区长决定提出，或各部门报分管副区长审核同意后提出；第五十一条：
    由常务会议秘书、办公室副主任、主任依次初审，初审通过后报常务副区长审核、区长批准，列入当次常务会议。

    A topic discussed at an executive meeting must have passed the pack's ``chain`` of steps,
    in order, before the meeting. Each step is filled by the approver's post at the act's time:

    - ``vice_head_approved`` 分管副职审核同意 — a vice head (or the executive vice head) in
      charge of the topic's ``lead_unit`` (else of the proposing unit); any vice head when the
      org chart records nobody in charge;
    - ``secretary_reviewed`` 常务会议秘书初审 — a ``secretary`` (dongqu);
    - ``deputy_director_reviewed`` 办公室副主任初审 — an ``office_deputy`` (dongqu);
    - ``director_reviewed`` 办公室主任初审 — the ``office_director`` (dongqu);
    - ``exec_vice_head_reviewed`` 常务副职审核 — the ``exec_vice_head`` (dongqu);
    - ``head_approved`` 主要领导批准 — the head.

    Someone who stands in for such a post also fills its step: its AB角 partner (补位) or the
    holder of a written delegation (授权, scope ``convene`` or ``all``) from it, both as of the
    act's time.

    How the acts are read (the contract's act is ``topic_approved (topic)``): every
    ``topic_approved`` fills the step(s) its approver's post fills — changle's vice head in
    charge then head, dongqu's whole chain, each recorded as ``topic_approved`` by the
    secretary, deputy director, director, executive vice head and head — exactly as
    ``minutes_reviewed`` is read by MTG-MINUTES. ``topic_step_done(topic, step)`` naming one
    of the steps above is also accepted and fills that step when its author can fill it.
    An approval by someone whose post fills no step of the chain (a vice head not in charge
    of the lead unit, a department head, nobody on record) does not count; when the chain is
    incomplete the finding names each such approver and why their approval does not count.
    A ``topic_step_done`` whose step is outside the vocabulary, by someone who could fill a
    missing step, may be that step: when such acts could account for every gap the topic is
    reported as not judged instead of flagged.

    A topic proposed by the head or a vice head (their rank at ``topic_proposed``) skips
    ``vice_head_approved`` (领导提出的议题, ``leader_proposed_skips``).

    The chains, from the seeds: changle 四十八 — ``vice_head_approved`` then ``head_approved``
    (报分管副县长、县长同意). dongqu — the five steps of 第五十一条 (会前审查: secretary, deputy
    director, director, executive vice head, head). Judgment (catalog and seed): the catalog
    puts 第四十九条's 分管副区长审核同意 first in dongqu's chain, but in the seed that agreement is
    how a department comes to *propose* a topic (议题提出: "报分管副区长审核同意后提出"), before
    the chain of 第五十一条 starts; the act log has no act for it but the proposal itself. So
    dongqu's chain is 第五十一条's five steps; a recorded approval by the vice head in charge
    (``also_counts``) is recognised as that agreement — never reported as an approval that
    does not count — but its absence is not flagged.

    Judgment (division of labour with MTG-AD-HOC-TOPIC): this rule judges topics that entered
    the procedure before the meeting (a ``topic_proposed``/``topic_step_done``/``topic_approved``
    for the topic before the meeting). A topic with none of these is a 临时动议 and is judged by
    MTG-AD-HOC-TOPIC only, so one failing is flagged once. Only executive meetings are covered
    (the articles are in the 常务会议 sections).

    """
    c = ctx.c
    if _type(c) != "executive":
        return
    org = ctx.org
    chain = tuple(ctx.params.get("chain") or ())
    known = set(chain) | set(ctx.params.get("also_counts") or ())
    skips = set(ctx.params.get("leader_proposed_skips") or ())
    for d, topic in _first_by_topic(c, "topic_discussed"):
        cut = _cutoff(c, d)
        pre = _pre_meeting(c, topic, cut, "topic_proposed", "topic_step_done", "topic_approved")
        if not pre:
            continue  # 临时动议: MTG-AD-HOC-TOPIC
        proposed = next((a for _, a in pre if a.act == "topic_proposed"), None)
        lead = (proposed.get("lead_unit") or proposed.unit) if proposed is not None else None
        need = list(chain)
        if proposed is not None and _ranks(org, proposed.by, proposed.at) & set(LEADER_RANKS):
            need = [s for s in need if s not in skips]
        hits: dict[str, list[int]] = {}
        wrong: list[Act] = []
        for i, a in pre:
            if a.act == "topic_proposed":
                continue
            if a.act == "topic_step_done" and _step(a) not in TOPIC_CHAIN_STEPS:
                continue  # another procedure's step, or one outside the vocabulary (below)
            filled = _topic_steps_of(org, a, lead)
            for s in filled & set(need):
                hits.setdefault(s, []).append(i)
            if not filled & known:
                wrong.append(a)
        problems = _walk_chain(need, hits)
        if not problems:
            continue
        missing = [s for s, k in problems if k == "missing"]
        unread = [u for u in _unread_steps(topic, [a for _, a in pre]) if _topic_steps_of(org, u, lead, missing)]
        if unread and len(missing) == len(problems) and len(unread) >= len(missing):
            _note_unread(ctx, unread, "缺少的审批环节", "the missing approval step")
            continue  # every gap may be filled by a step the rule cannot read
        zh_parts, en_parts, ev = [], [], [d]
        for s, kind in problems:
            name = TOPIC_STEPS_ZH.get(s, s)
            if kind == "order":
                zh_parts.append(f"{name}顺序错误")
                en_parts.append(f"{s} out of order")
            else:
                zh_parts.append(f"缺少{name}")
                en_parts.append(f"missing {s}")
        not_counted = []
        for w in wrong:
            why_zh, why_en = _why_not_counted(org, w, lead)
            what = TOPIC_STEPS_ZH.get(_step(w), _step(w)) if w.act == "topic_step_done" else "议题审定"
            zh_parts.append(f"{org.label(w.by, w.at)} 的{what}不计入（{why_zh}，审批人职务不符）")
            en_parts.append(f"{w.act} by {w.by} does not count ({why_en})")
            post = org.post_of(w.by, w.at)
            not_counted.append({"act": w.id, "by": w.by, "post": post.id if post else None, "why": why_en})
            ev.append(w)
        ev.extend(a for i, a in pre if a.act != "topic_proposed" and any(i in v for v in hits.values()))
        extra: dict[str, Any] = {"not_counted": not_counted} if not_counted else {}
        if proposed is not None:
            ev.insert(0, proposed)
        yield ctx.finding(
            d.at,
            ev,
            f"议题“{topic}”上会前审批程序不全：{'；'.join(zh_parts)}（{_art(ctx)}）",
            f"topic '{topic}' reached the executive meeting with an incomplete approval chain: {'; '.join(en_parts)} ({_art(ctx)})",
            key=f"topic:{topic}",
            unit=lead,
            problems=[f"{s}:{k}" for s, k in problems],
            **extra,
        )


# ---- MTG-PREREQUISITES ----------------------------------------------------------------------
@rule(
    "MTG-PREREQUISITES",
    severity="high",
    zh="重大决策议题上会前未完成法定程序",
    en="Major-decision topic discussed before its statutory steps",
    kinds=("meeting",),
    reads=("meeting.topic_step_done.step",),
    cites={
        "changle-2022": cite(
            "二十六, 四十八",
            note="fair-competition review for market-related topics: 二十八",
            steps=("public_participation", "expert_review", "risk_assessment", "legality_review"),
            market_steps=("fair_competition_review",),
        ),
        "dongqu-2012": cite(
            "第十五至二十一条, 第五十条",
            steps=("public_participation", "expert_review", "risk_assessment", "legality_review"),
            market_steps=(),
        ),
    },
)
def mtg_prerequisites(ctx: Context) -> Iterator[Finding]:
    """重大行政决策事项须履行公众参与、专家论证、风险评估、合法性审查等程序后方可提交会议
    （昌乐二十六、四十八："按要求完成公众参与、专家论证、风险评估、合法性审查……程序"；
    东区第十五至二十一条：公众参与、专家咨询、风险评估、专业审查；第五十条：咨询论证）。

    A topic proposed with ``major_decision`` true that is discussed at a meeting (any type) must
    have, BEFORE the meeting, a ``topic_step_done`` for each of the pack's ``steps``
    (public_participation, expert_review — dongqu's 专家咨询 — risk_assessment,
    legality_review), plus ``market_steps`` when the topic is ``market_related``. Judgment:
    fair-competition review (公平竞争审查) comes from changle 二十八, which the catalog's check text
    asks for though its source column cites 二十六, 四十八; the 2012 dongqu rules predate the
    review and do not require it. A step recorded after the meeting is reported as late.
    Steps outside the vocabulary (:data:`~domain.kinds.meeting.TOPIC_STEP`) recorded before the
    meeting may be missing ones: when there are at least as many of them as missing steps,
    the topic is reported as not judged; with fewer, some step is missing for certain and the
    topic is flagged.

    Data: only steps recorded in the meeting case are seen. Steps recorded in a linked
    ``decision`` case (``decision.decided.meeting_case``) would need a jurisdiction-scope read
    (DEC-STATUTORY-STEPS checks those cases).
    """
    c = ctx.c
    required = tuple(ctx.params.get("steps") or ())
    market = tuple(ctx.params.get("market_steps") or ())
    for d, topic in _first_by_topic(c, "topic_discussed"):
        proposed = next((a for a in c.all("topic_proposed") if _topic(a) == topic), None)
        if proposed is None or not proposed.get("major_decision"):
            continue
        need = list(required) + (list(market) if proposed.get("market_related") else [])
        cut = _cutoff(c, d)
        done_before = {_step(a) for _, a in _pre_meeting(c, topic, cut, "topic_step_done")}
        missing = [s for s in need if s not in done_before]
        if not missing:
            continue
        unread = _unread_steps(topic, c.acts[:cut])
        if len(unread) >= len(missing):
            _note_unread(ctx, unread, "缺少的法定程序", "a missing statutory step")
            continue
        late = [a for a in c.acts[cut:] if a.act == "topic_step_done" and _topic(a) == topic and _step(a) in missing]
        late_steps = {_step(a) for a in late}
        zh_missing = "、".join(TOPIC_STEPS_ZH.get(s, s) + ("（会后补办）" if s in late_steps else "") for s in missing)
        yield ctx.finding(
            d.at,
            [proposed, d, *late],
            f"重大决策议题“{topic}”上会前未完成：{zh_missing}（{_art(ctx)}）",
            f"major-decision topic '{topic}' discussed without, beforehand: {', '.join(missing)} ({_art(ctx)})",
            key=f"prereq:{topic}",
            unit=proposed.get("lead_unit") or proposed.unit,
            missing=missing,
        )


# ---- MTG-CONSULTATION-TIMING ----------------------------------------------------------------
@deadline_rule(
    "MTG-CONSULTATION-TIMING",
    severity="low",
    zh="议题咨询论证未在规定工作日内完成",
    en="Topic consultation not finished within the limit",
    kinds=("meeting",),
    reads=("meeting.topic_step_done.step",),
    cites={"dongqu-2012": cite("第五十条", working_days=3)},
)
def mtg_consultation_timing(ctx: Context) -> Iterator[Due]:
    """议题牵头单位应事先做好咨询论证工作，一般应在议题提出后3个工作日内完成；所有议题必须征求
    相关部门（单位）的意见（东区第五十条）。

    For each ``topic_proposed`` that names ``concerned_units``, the lead unit records
    ``topic_step_done(topic, step="consultation")`` (咨询论证完成) by the end of the
    ``working_days``-th working day after the proposal (official calendar, holidays and 调休
    included). Late → flagged; missing → owed to the clock, which records ``deadline_missed``.
    A step outside the vocabulary recorded for the topic before the consultation (or with none)
    may be it: the topic is then reported as not judged, and nothing is owed to the clock.
    Judgment: a topic that names no concerned units has no unit to consult and owes nothing;
    a meeting whose type is known and is not executive is not covered (第五十条 is in the
    常务会议 section).
    """
    c = ctx.c
    typ = _type(c)
    if typ not in (None, "executive"):
        return
    n = int(ctx.params.get("working_days", 3))
    seen: set[str] = set()
    for p in c.all("topic_proposed"):
        topic = _topic(p)
        if not topic or topic in seen or not p.get("concerned_units"):
            continue
        seen.add(topic)

        def is_consultation(a: Act, t: str = topic) -> bool:
            return _topic(a) == t and _step(a) == "consultation"

        resp = first_after(c.acts, p, "topic_step_done", where=is_consultation)
        due = ctx.cal.deadline_after(p.at, n)
        if resp is None or resp.at > due:
            before = [a for a in _unread_steps(topic, c.acts) if a.at >= p.at and (resp is None or a.at < resp.at)]
            if before:
                _note_unread(ctx, before, "咨询论证完成", "the consultation")
                continue
        yield Due(
            p,
            due,
            resp,
            f"议题“{topic}”咨询论证（{n} 个工作日内，{_art(ctx)}）",
            f"consultation on topic '{topic}' ({n} working days, {_art(ctx)})",
            key=f"consult:{topic}",
            person=p.by,
        )


# ---- MTG-MATERIALS-TIMING -------------------------------------------------------------------
@deadline_rule(
    "MTG-MATERIALS-TIMING",
    severity="medium",
    zh="会议材料报送或分送不及时",
    en="Meeting materials submitted or distributed late",
    kinds=("meeting",),
    cites={"dongqu-2012": cite("第五十二条, 第五十三条", submit_working_days=2, distribute_working_days=1)},
)
def mtg_materials_timing(ctx: Context) -> Iterator[Due]:
    """经批准提交常务会议审议的议题，申报单位应在会前2个工作日报送材料（东区第五十二条）；
    办公室至少在会议召开前1个工作日将议题及资料呈送会议组成人员（第五十三条）。

    For an executive meeting, with its start from the last ``scheduled`` act (else the
    ``convened`` time):

    - every topic approved for it (``topic_approved``) owes ``materials_submitted(topic)`` (a
      submission without ``topic`` counts for all topics) by ``submit_working_days`` working
      days before the meeting's date;
    - the meeting owes ``materials_distributed`` by ``distribute_working_days`` working days
      before.

    "N working days before" uses the shared calendar reading (``WorkCalendar.deadline_before``):
    N whole working days must lie between the act's day and the meeting's day — e.g. for a
    Friday meeting, submission by the end of Tuesday, distribution by the end of Wednesday.
    Late → flagged; missing → owed to the clock. Topics taken ad hoc (no ``topic_approved``)
    owe nothing here (MTG-AD-HOC-TOPIC judges them).
    """
    c = ctx.c
    sch = _schedule(c)
    start = _start(c)
    if sch is None or sch.get("type") != "executive" or start is None:
        return
    n_sub = int(ctx.params.get("submit_working_days", 2))
    n_dist = int(ctx.params.get("distribute_working_days", 1))
    due_sub = ctx.cal.deadline_before(start, n_sub)
    for ap, topic in _first_by_topic(c, "topic_approved"):
        resp = next((a for a in c.all("materials_submitted") if _topic(a) in ("", topic)), None)
        yield Due(
            ap,
            due_sub,
            resp,
            f"议题“{topic}”材料报送（会前 {n_sub} 个工作日，{_art(ctx)}）",
            f"materials for topic '{topic}' ({n_sub} working days before the meeting, {_art(ctx)})",
            key=f"submit:{topic}",
        )
    yield Due(
        sch,
        ctx.cal.deadline_before(start, n_dist),
        c.first("materials_distributed"),
        f"会议材料呈送组成人员（会前 {n_dist} 个工作日，{_art(ctx)}）",
        f"materials to the members ({n_dist} working day(s) before the meeting, {_art(ctx)})",
        key="distribute",
    )


# ---- MTG-AD-HOC-TOPIC -----------------------------------------------------------------------
@rule(
    "MTG-AD-HOC-TOPIC",
    severity="medium",
    zh="临时动议议题上会",
    en="Ad-hoc topic taken at the meeting",
    kinds=("meeting",),
    cites={
        "changle-2022": cite("四十八", urgent_exempt=True),
        "dongqu-2012": cite("第五十八条", urgent_exempt=False),
    },
)
def mtg_ad_hoc_topic(ctx: Context) -> Iterator[Finding]:
    """除特别重大或紧急事项，临时动议议题一般不予受理（昌乐四十八）；常务会议实行一事一议，
    未按程序审定的议题一律不得临时动议提交上会（东区第五十八条）。

    A topic discussed at an executive meeting (``topic_discussed``) for which nothing was
    recorded before the meeting — no ``topic_proposed``, ``topic_step_done`` or
    ``topic_approved`` — is a 临时动议 and is flagged. Exemption: ``topic_discussed.urgent``
    (特别重大或紧急) where the pack's ``urgent_exempt`` is true. Judgment: the seed for dongqu
    (第五十八条 "一律不得") has no exemption, unlike the catalog's wording, so dongqu flags urgent
    ad-hoc topics too. A topic that entered the procedure but lacks approvals is judged by
    MTG-TOPIC-APPROVAL.
    """
    c = ctx.c
    if _type(c) != "executive":
        return
    exempt = bool(ctx.params.get("urgent_exempt"))
    conv = c.first("convened")
    for d, topic in _first_by_topic(c, "topic_discussed"):
        if _pre_meeting(c, topic, _cutoff(c, d), "topic_proposed", "topic_step_done", "topic_approved"):
            continue
        if d.get("urgent") and exempt:
            continue
        urgent_note = "（虽标注紧急，本规则无例外）" if d.get("urgent") else ""
        yield ctx.finding(
            d.at,
            [d] + ([conv] if conv is not None else []),
            f"议题“{topic}”未经会前审定即临时动议上会{urgent_note}（{_art(ctx)}）",
            f"topic '{topic}' taken at the meeting without prior approval (ad-hoc motion) ({_art(ctx)})",
            key=f"adhoc:{topic}",
            person=conv.get("chair") if conv is not None else None,
        )


# ---- MTG-ABSENCE-LEAVE ----------------------------------------------------------------------
@rule(
    "MTG-ABSENCE-LEAVE",
    severity="medium",
    zh="会议缺席未按规定请假或擅自代会",
    en="Member absent without leave, or a substitute without consent",
    kinds=("meeting",),
    cites={
        "changle-2022": cite(
            "四十九", types=("plenary", "executive"), granted_by="head", substitutes_need_consent=True
        ),
        "dongqu-2012": cite(
            "第四十二条, 第五十五条", types=("plenary", "executive"), granted_by="chair", substitutes_need_consent=False
        ),
    },
)
def mtg_absence_leave(ctx: Context) -> Iterator[Finding]:
    """昌乐四十九：全体会议、常务会议组成人员请假的，须向县长请假，并向县政府办公室报备，未经同意
    不得缺席或由他人代替参加。东区第四十二条（全体会议）、第五十五条（常务会议）：组成人员确因特殊
    情况不能出席，须由本人提前向会议主持人请假，同时告知区政府办公室。

    For each member on the schedule who is not present (nor the chair) at a plenary or
    executive meeting, before the ``convened`` act there must be: ``absence_requested(member)``,
    ``absence_granted(member)`` by the pack's granter (changle: the head, 向县长请假; dongqu: the
    meeting's chair, 向会议主持人请假), and ``office_notified(member)``. Acts after the meeting are
    reported as 会后补办 and do not count. A member who is the granter (the changle head absent
    from a meeting the executive vice head chairs on the head's delegation, 四十六) is not judged.

    Substitutes (changle only, ``substitutes_need_consent``): each person in
    ``convened.substitutes`` must be named as ``substitute`` on an ``absence_granted`` act by the
    granter before the meeting — an optional field added to the meeting kind for this rule. The
    dongqu seed says nothing of substitutes, so dongqu does not check them.
    """
    c = ctx.c
    sch, conv = _schedule(c), c.first("convened")
    if sch is None or conv is None or sch.get("type") not in tuple(ctx.params.get("types") or ()):
        return
    org = ctx.org
    chair = conv.get("chair")
    granted_by = ctx.params.get("granted_by", "chair")
    cut = _index(c, conv)
    pre, post = c.acts[:cut], c.acts[cut + 1 :]

    def granter_ok(a: Act) -> bool:
        if granted_by == "head":
            return org.is_principal_leader(a.by, a.at)
        return bool(chair) and a.by == chair

    def is_granter(person: str) -> bool:
        if granted_by == "head":
            return org.is_principal_leader(person, conv.at)
        return person == chair

    granter_zh = "县（区）长" if granted_by == "head" else "会议主持人"
    present = set(conv.get("present") or ()) | ({chair} if chair else set())
    for m in dict.fromkeys(sch.get("members") or ()):
        if m in present or is_granter(m):
            continue  # the granter (the changle head who delegated the meeting) asks nobody

        def of(acts: Sequence[Act], name: str, m: str = m) -> list[Act]:
            return [a for a in acts if a.act == name and a.get("member") == m]

        req, grants, note = of(pre, "absence_requested"), of(pre, "absence_granted"), of(pre, "office_notified")
        ok_grants = [g for g in grants if granter_ok(g)]
        zh, en = [], []
        if not req:
            zh.append("未提前请假")
            en.append("no leave requested beforehand")
        if not ok_grants:
            if grants:
                zh.append(f"准假人 {org.label(grants[0].by, grants[0].at)} 不是{granter_zh}")
                en.append(f"leave granted by {grants[0].by}, not by the {granted_by}")
            else:
                zh.append(f"未经{granter_zh}准假")
                en.append(f"no leave granted by the {granted_by}")
        if not note:
            zh.append("未告知（报备）办公室")
            en.append("office not notified")
        if not zh:
            continue
        late = [
            a
            for a in post
            if a.act in ("absence_requested", "absence_granted", "office_notified") and a.get("member") == m
        ]
        if late:
            zh.append("会后补办不计")
        yield ctx.finding(
            conv.at,
            [conv, *req, *grants, *note, *late],
            f"{org.label(m, conv.at)} 缺席{TYPE_ZH.get(sch.get('type'), '')}：{'，'.join(zh)}（{_art(ctx)}）",
            f"{m} absent from the meeting: {', '.join(en)} ({_art(ctx)})",
            key=f"absent:{m}",
            person=m,
        )
    if not ctx.params.get("substitutes_need_consent"):
        return
    for s in dict.fromkeys(conv.get("substitutes") or ()):
        consent = [a for a in pre if a.act == "absence_granted" and a.get("substitute") == s and granter_ok(a)]
        if consent:
            continue
        yield ctx.finding(
            conv.at,
            [conv],
            f"{org.label(s, conv.at)} 未经{granter_zh}同意代替他人参会（{_art(ctx)}）",
            f"{s} attended in a member's place without the {granted_by}'s consent ({_art(ctx)})",
            key=f"substitute:{s}",
            person=s,
        )


# ---- MTG-MINUTES ----------------------------------------------------------------------------
MINUTES_STEP_ZH: Mapping[str, str] = {
    "drafted": "会议秘书起草",
    "deputy_director": "办公室副主任复核",
    "director": "办公室主任审核",
    "vice_head": "分管副职审签",
    "exec_vice_head": "常务副职审核",
    "chair": "会议主持人审定把关",
    "issue:head": "县（区）长签发",
    "issue:chair": "会议主持人签发",
}


def _minutes_review_steps(org: OrgChart, a: Act, chair: str | None) -> set[str]:
    """The chain steps one ``minutes_reviewed`` act fills, from the reviewer's post at the time."""
    post = org.posts.get(a.get("post") or "") if a.get("post") else None
    ranks = {post.rank} if post is not None else _ranks(org, a.by, a.at)
    out: set[str] = set()
    if "office_deputy" in ranks:
        out.add("deputy_director")
    if "office_director" in ranks:
        out.add("director")
    if "exec_vice_head" in ranks:
        out |= {"exec_vice_head", "vice_head"}
    if "vice_head" in ranks:
        out.add("vice_head")
    if chair and a.by == chair:
        out.add("chair")
    return out


def _minutes_chain_findings(ctx: Context) -> Iterator[Finding]:
    c = ctx.c
    chains = ctx.params.get("chains") or {}
    chain = tuple(chains.get(_type(c) or "", ()))
    issued = c.first("minutes_issued")
    if not chain or issued is None:
        return
    org = ctx.org
    conv = c.first("convened")
    chair = conv.get("chair") if conv is not None else None
    cut = _index(c, issued)
    hits: dict[str, list[int]] = {}
    for i, a in enumerate(c.acts[:cut]):
        if a.act == "minutes_drafted":
            hits.setdefault("drafted", []).append(i)
        elif a.act == "minutes_reviewed":
            for s in _minutes_review_steps(org, a, chair):
                hits.setdefault(s, []).append(i)
    wrong_issuer = ""
    for s in chain:
        if s == "issue:head":
            if _is_head_or_delegate(org, issued.by, issued.at, "sign"):
                hits.setdefault(s, []).append(cut)
            else:
                wrong_issuer = "县（区）长"
        elif s == "issue:chair":
            if chair and issued.by == chair:
                hits.setdefault(s, []).append(cut)
            else:
                wrong_issuer = "会议主持人"
        elif s == "chair" and chair and issued.by == chair:
            hits.setdefault(s, []).append(cut)  # the chair who issues has also 审定
    problems = _walk_chain(chain, hits)
    if not problems:
        return
    zh, en = [], []
    for s, kind in problems:
        name = MINUTES_STEP_ZH.get(s, s)
        if kind == "order":
            zh.append(f"{name}顺序错误")
            en.append(f"{s} out of order")
        elif s.startswith("issue:"):
            zh.append(f"签发人 {org.label(issued.by, issued.at)} 不是{wrong_issuer}")
            en.append(f"issued by {issued.by}, not the {s.split(':', 1)[1]}")
        else:
            zh.append(f"缺少{name}")
            en.append(f"missing {s}")
    ev = [a for a in c.acts[:cut] if a.act in ("minutes_drafted", "minutes_reviewed")] + [issued]
    yield ctx.finding(
        issued.at,
        ev,
        f"{TYPE_ZH.get(_type(c) or '', '')}纪要印发前审核程序不全：{'；'.join(zh)}（{_art(ctx)}）",
        f"minutes issued without their review chain: {'; '.join(en)} ({_art(ctx)})",
        key="chain",
        person=issued.by,
        problems=[f"{s}:{k}" for s, k in problems],
    )


def _minutes_dues(ctx: Context) -> Iterator[Due]:
    c = ctx.c
    n = ctx.params.get("working_days")
    typ = _type(c)
    conv = c.first("convened")
    if n is None or conv is None or typ not in (ctx.params.get("chains") or {}):
        return
    if typ in tuple(ctx.params.get("optional_for") or ()) and not c.has("minutes_drafted", "minutes_issued"):
        return  # 专题会议: minutes only when the chair asks for them
    yield Due(
        conv,
        ctx.cal.deadline_after(conv.at, int(n)),
        c.first("minutes_issued"),
        f"会议纪要印发（会后 {n} 个工作日内，{_art(ctx)}）",
        f"minutes issued ({n} working days after the meeting, {_art(ctx)})",
        key="issue",
    )


@rule(
    "MTG-MINUTES",
    severity="medium",
    zh="会议纪要审核签发程序或时限不符",
    en="Minutes issued without their chain, or late",
    kinds=("meeting",),
    cites={
        "changle-2022": cite(
            "五十",
            chains={
                "plenary": ("director", "vice_head", "issue:head"),
                "executive": ("director", "vice_head", "issue:head"),
                "thematic": ("director", "vice_head", "issue:head"),
            },
        ),
        "dongqu-2012": cite(
            "第四十五条, 第六十二条, 第七十二条, 第八十一条",
            chains={
                "plenary": ("drafted", "director", "issue:chair"),
                "executive": ("drafted", "deputy_director", "director", "exec_vice_head", "issue:chair"),
                "head_office": ("drafted", "deputy_director", "director", "exec_vice_head", "chair", "issue:head"),
                "thematic": ("drafted", "deputy_director", "director", "issue:chair"),
            },
            optional_for=("thematic",),
            working_days=3,
        ),
    },
)
def _mtg_minutes_check(ctx: Context) -> Iterator[Finding]:
    """会议纪要审核签发链与印发时限。

    昌乐五十：全体会议、常务会议和专题会议纪要，由县政府办公室主任审核，分管副县长审签，县长签发。
    东区（按会议类型，种子比目录更细）：
    第四十五条 全体会议纪要由会议秘书草拟，经办公室主任审核后，报会议主持人审定签发；
    第六十二条 常务会议纪要由常务会议秘书草拟，经办公室副主任、主任复核后，报常务副区长审核，由会议主持人审定签发；
    第七十二条 区长办公会议纪要由会议秘书草拟，经办公室副主任、主任复核后，报常务副区长审核，由会议主持人把关，区长签发；
    第八十一条 专题会议如需形成纪要，由会议秘书草拟，经办公室副主任复核、主任审核后，报会议主持人审定签发。
    东区各类纪要一般应在会后3个工作日内印发。

    Chain (checked when ``minutes_issued`` is recorded): the pack's ``chains[type]`` lists steps
    in order; ``drafted`` = a ``minutes_drafted`` act; review steps are ``minutes_reviewed``
    acts identified by the reviewer's post at the act's time (the act's ``post`` field if given,
    else the ``by`` person's post): office_deputy → ``deputy_director``, office_director →
    ``director``, exec_vice_head → ``exec_vice_head`` (and ``vice_head``), vice_head →
    ``vice_head``; a review by the meeting's chair fills ``chair``. ``issue:head`` needs the
    issuer to be the head (or hold a ``sign`` delegation from the head); ``issue:chair`` the
    meeting's chair, who also fills ``chair`` (把关) by issuing. Judgment: changle's 分管副县长
    is read as any vice head (a meeting's topics span several leaders' areas); the drafter's
    post is not checked (the seeds name different secretaries per meeting type).

    Timeliness (dongqu only, ``working_days``): issued by the end of the 3rd working day after
    the ``convened`` act (official calendar). Late → flagged; missing → owed to the clock,
    which records ``deadline_missed``. A dongqu thematic meeting (``optional_for``) owes minutes
    only once minutes are being drafted (如需形成会议纪要). Types the pack gives no chain for
    (e.g. county-wide work meetings) are not checked.
    """
    yield from _minutes_chain_findings(ctx)
    yield from deadline_findings(ctx, list(_minutes_dues(ctx)))


@with_obligations(_mtg_minutes_check)
def mtg_minutes(ctx: Context) -> Iterator[Obligation]:
    return deadline_obligations(ctx, list(_minutes_dues(ctx)))


# ---- MTG-COUNTY-MEETING-APPROVAL ------------------------------------------------------------
@rule(
    "MTG-COUNTY-MEETING-APPROVAL",
    severity="low",
    zh="全县性会议未按程序报批或超时",
    en="County-wide meeting not approved in order, not reported, or too long",
    kinds=("meeting",),
    cites={
        "changle-2022": cite("五十一", approval_chain=("vice_head_in_charge", "head"), max_hours=4),
        "yiyuan": cite("第十条", written_report=True),
    },
)
def mtg_county_meeting_approval(ctx: Context) -> Iterator[Finding]:
    """昌乐五十一：召开全县性工作会议，主办部门应提前按程序依次报分管副县长、县长批准；各类工作会议
    时间原则上不超过半天。沂源第十条：各部门单位拟以县委县政府名义召开的会议，要提前将会议名称、
    时间地点、参加人员、会议议题安排等向县委办公室县政府办公室写出书面报告。

    Judged once the meeting is held (``convened``): an unapproved meeting never held breaks
    nothing.

    - changle, ``county_work`` meetings: ``approved`` acts before the meeting, first by a vice
      head in charge of the organising unit (the case's unit; or that leader's AB角 or delegate; any vice
      head when nobody is recorded in charge), then by the head (``approval_chain``); and the
      scheduled ``end - start`` at most ``max_hours`` (half a day = 4 h, "原则上").
    - yiyuan (``written_report``): a meeting scheduled ``in_county_name`` has a
      ``reported_in_writing`` act before it is held.
    """
    c = ctx.c
    sch, conv = _schedule(c), c.first("convened")
    if sch is None or conv is None:
        return
    org = ctx.org
    cut = _index(c, conv)
    pre = c.acts[:cut]
    typ = sch.get("type")
    chain = tuple(ctx.params.get("approval_chain") or ())
    if chain and typ == "county_work":
        unit = c.unit
        hits: dict[str, list[int]] = {}
        for i, a in enumerate(pre):
            if a.act != "approved":
                continue
            if _vice_in_charge_ok(org, a.by, a.at, unit):
                hits.setdefault("vice_head_in_charge", []).append(i)
            if org.is_principal_leader(a.by, a.at):
                hits.setdefault("head", []).append(i)
        problems = _walk_chain(chain, hits)
        if problems:
            names = {"vice_head_in_charge": "分管副县长批准", "head": "县长批准"}
            zh = "；".join(names.get(s, s) + ("顺序错误" if k == "order" else "缺失") for s, k in problems)
            yield ctx.finding(
                conv.at,
                [sch, conv, *(a for a in pre if a.act == "approved")],
                f"全县性工作会议未提前依次报分管副县长、县长批准：{zh}（{_art(ctx)}）",
                f"county-wide work meeting held without prior approval by the vice head in charge then the head: "
                f"{'; '.join(f'{s} {k}' for s, k in problems)} ({_art(ctx)})",
                key="approval",
            )
    max_hours = ctx.params.get("max_hours")
    start, end = sch.get("start"), sch.get("end")
    if (
        max_hours is not None
        and typ == "county_work"
        and isinstance(start, datetime)
        and isinstance(end, datetime)
        and (end - start).total_seconds() > float(max_hours) * 3600
    ):
        hours = (end - start).total_seconds() / 3600
        yield ctx.finding(
            conv.at,
            [sch, conv],
            f"全县性工作会议安排 {hours:.1f} 小时，超过半天（{max_hours} 小时）（{_art(ctx)}）",
            f"county-wide work meeting scheduled for {hours:.1f} h, more than half a day ({max_hours} h) ({_art(ctx)})",
            key="duration",
            hours=round(hours, 2),
        )
    if (
        ctx.params.get("written_report")
        and sch.get("in_county_name")
        and not any(a.act == "reported_in_writing" for a in pre)
    ):
        yield ctx.finding(
            conv.at,
            [sch, conv],
            f"以县委县政府名义召开的会议未提前向办公室书面报告（{_art(ctx)}）",
            f"meeting held in the county's name without a prior written report to the office ({_art(ctx)})",
            key="report",
        )


# ---- MTG-DECISION-FOLLOWTHROUGH -------------------------------------------------------------
def _sup_deadline_report(sup: Case, orig: datetime, tz: tzinfo) -> tuple[Act | None, datetime | None]:
    """The delay report made in advance (提前报告) and the new deadline it set, if any."""
    report = next(
        (a for a in sup.acts if a.act in ("extension_requested", "extension_approved") and a.at <= orig), None
    )
    if report is None:
        return None, None
    approved = [a for a in sup.acts if a.act == "extension_approved" and deadline_end(a.get("new_deadline"), tz)]
    if approved:
        return report, deadline_end(approved[-1].get("new_deadline"), tz)
    return report, deadline_end(report.get("new_deadline"), tz)


@rule(
    "MTG-DECISION-FOLLOWTHROUGH",
    severity="medium",
    zh="常务会议议定事项未按时限落实",
    en="Executive-meeting decision not carried out by its deadline",
    kinds=("meeting", "supervision"),
    cites={"dongqu-2012": cite("第六十四条")},
    scope="jurisdiction",
)
def mtg_decision_followthrough(ctx: Context) -> Iterator[Finding]:
    """各部门、单位必须在确定的时限内落实区政府常务会议决定的事项，确因特殊情况需延时办理的，
    应提前向区政府报告（东区第六十四条）。

    Every ``decided(topic, responsible_unit, deadline)`` act in an executive meeting case is
    followed through a supervision case (督查) whose ``registered.source_case`` is the meeting
    case (and whose ``responsible_unit``, when both name one, is the decision's; with several
    candidates the one with the same deadline date is preferred, one case per decision).

    - Carried out = that supervision case has ``completed`` (or ``terminated``, a closure the
      government decided) by the deadline.
    - Delay reported in advance (提前报告) = an ``extension_requested`` or ``extension_approved``
      dated on or before the decision's deadline; the deadline then becomes the last approved
      ``new_deadline`` (else the requested one; a report with no new date is not judged further
      here — SUP-EXTENSION judges the approval). A delay report after the deadline does not
      move it.
    - Late closure → flagged at the closure. No closure: flagged at the deadline once the
      deadline has demonstrably passed — some act in the jurisdiction's meeting or supervision
      cases is dated after it. Judgment: jurisdiction-scope rules get no clock obligations (the
      engine only asks case-scope rules), so "time has passed" is read from the acts; a quiet
      ledger flags the miss with its next meeting/supervision act. A bare-date deadline means
      the end of that day.

    A decision with no deadline, or in a meeting whose type is not executive (or unknown), is
    not judged. Data that would make this exact: ``topic`` on ``supervision.registered`` (to pair
    decisions and items one-to-one), and clock obligations for jurisdiction rules.
    """
    tz = ctx.org.tz
    meetings: list[Case] = []
    latest: datetime | None = None
    by_source: dict[str, list[tuple[Case, Act]]] = {}
    for c in ctx.cases:  # one pass: a spooled sequence decodes its cases on every pass
        if c.acts:
            last = max(a.at for a in c.acts)
            latest = last if latest is None or last > latest else latest
        if c.kind == "meeting":
            if _type(c) == "executive":  # the meetings judged; a spooled case is held only if needed
                meetings.append(c)
            continue
        reg = c.first("registered") if c.kind == "supervision" else None
        if reg is not None and reg.get("source_case"):
            by_source.setdefault(str(reg.get("source_case")), []).append((c, reg))
    for m in meetings:
        used: set[str] = set()
        for d in m.all("decided"):
            orig = deadline_end(d.get("deadline"), tz)
            if orig is None:
                continue
            unit = d.get("responsible_unit")
            cands = [
                (s, reg)
                for s, reg in by_source.get(m.id, ())
                if s.id not in used
                and (not unit or not reg.get("responsible_unit") or reg.get("responsible_unit") == unit)
            ]
            same = [
                (s, reg)
                for s, reg in cands
                if (dl := deadline_end(reg.get("deadline"), tz)) is not None
                and local_date(dl, tz) == local_date(orig, tz)
            ]
            pair = (same or cands)[0] if (same or cands) else None
            sup, reg = pair if pair is not None else (None, None)
            if sup is not None:
                used.add(sup.id)
            topic = _topic(d) or d.id
            due, report = orig, None
            if sup is not None:
                report, new = _sup_deadline_report(sup, orig, tz)
                if report is not None:
                    if new is None:
                        continue  # delay reported in advance, no new date: SUP rules take over
                    due = max(orig, new)
            closure = sup.first("completed", "terminated") if sup is not None else None
            ev = [d, *(x for x in (reg, report) if x is not None)]
            who = unit or (reg.get("responsible_unit") if reg is not None else None) or m.unit
            art = _art(ctx, due)
            unit_zh = ctx.org.units[who].name if who in ctx.org.units else (who or "（未记录）")
            delay_zh = "经延期后仍" if report is not None else "未提前报告延期且"
            if closure is not None:
                if closure.at <= due:
                    continue
                days = (closure.at - due).total_seconds() / 86400
                yield ctx.finding(
                    closure.at,
                    [*ev, closure],
                    f"常务会议议定事项“{topic}”{delay_zh}逾期 {days:.1f} 天办结（时限 {format_datetime(due)}，责任单位 {unit_zh}）（{art}）",
                    f"executive-meeting decision '{topic}' carried out {days:.1f} days after its deadline "
                    f"{format_datetime(due)}{' (extended)' if report is not None else ', no delay reported beforehand'} ({art})",
                    key=f"decision:{d.id}",
                    case=m.id,
                    unit=who,
                    state="late",
                    due=format_datetime(due),
                )
            elif latest is not None and latest > due:
                none_zh = "督查事项未办结" if sup is not None else "无对应督查立项及办结记录"
                yield ctx.finding(
                    due,
                    ev,
                    f"常务会议议定事项“{topic}”{delay_zh}至时限 {format_datetime(due)} 未落实（{none_zh}，责任单位 {unit_zh}）（{art}）",
                    f"executive-meeting decision '{topic}' not carried out by {format_datetime(due)} "
                    f"({'supervision item not completed' if sup is not None else 'no supervision item registered'}) ({art})",
                    key=f"decision:{d.id}",
                    case=m.id,
                    unit=who,
                    state="missing",
                    due=format_datetime(due),
                )


RULES: list[Rule] = [
    mtg_quorum,
    mtg_convener,
    mtg_topic_approval,
    mtg_prerequisites,
    mtg_consultation_timing,
    mtg_materials_timing,
    mtg_ad_hoc_topic,
    mtg_absence_leave,
    mtg_minutes,
    mtg_county_meeting_approval,
    mtg_decision_followthrough,
]

__all__ = ["RULES", "TOPIC_STEPS_ZH"]

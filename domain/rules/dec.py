"""DEC — 重大决策 (major decisions).

Sources: changle-2022:二十六, 二十七, 三十; dongqu-2012:第十五至二十一条; yiyuan:第八条.

A ``decision`` case is one major decision (the kind is 重大决策): ``proposed`` (with flags
that say which reviews it needs), ``step_done`` for each procedure step, and ``decided``.
Every check here looks at the steps done *before* the first ``decided``; a step done only
afterwards does not count (and is named in the message).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from domain.acts import Act
from domain.rules.base import Context, Finding, Rule, cite, rule

STEP_ZH = {
    "public_participation": "公众参与",
    "expert_review": "专家论证",
    "risk_assessment": "风险评估",
    "legality_review": "合法性审查",
    "finance_opinion": "财政部门意见",
    "legal_opinion": "法制部门意见",
    "policy_review": "政策研究机构审查",
    "congress_consulted": "征求人大意见",
    "cppcc_consulted": "征求政协意见",
    "leadership_collective": "领导班子集体研究",
    "county_approval": "报县委县政府同意",
    "collective": "集体讨论决定",
}
MEETING_ZH = {
    "plenary": "全体会议",
    "executive": "常务会议",
    "head_office": "县长办公会议",
    "thematic": "专题会议",
    "county_work": "全县工作会议",
    "leadership": "领导班子会议",
}


# ---- helpers --------------------------------------------------------------------------------


def _article(ctx: Context) -> str:
    c = ctx.rule.citations.get(ctx.pack)
    return c.article if c else ""


def _flag(p: Act | None, name: str) -> bool:
    return p is not None and p.get(name) is True


def is_department_decision(ctx: Context) -> bool:
    """A department's (or town's) own decision (部门决策事项), not the county government's.

    ``proposed.department`` when given; otherwise by the type of the case's unit.
    """
    p = ctx.c.first("proposed")
    if p is not None and isinstance(p.get("department"), bool):
        return bool(p.get("department"))
    u = ctx.org.units.get(ctx.c.unit or "")
    return u is not None and u.type in ("department", "town", "division")


def steps_before(ctx: Context, decided: Act) -> tuple[dict[str, Act], dict[str, Act]]:
    """Steps done before ``decided`` and those done only after it (first of each)."""
    before: dict[str, Act] = {}
    after: dict[str, Act] = {}
    for a in ctx.c.acts:
        if a.act != "step_done" or not isinstance(a.get("step"), str):
            continue
        target = before if a.at <= decided.at else after
        target.setdefault(a.get("step"), a)
    return before, after


def _missing_finding(
    ctx: Context, decided: Act, missing: Sequence[str], after: dict[str, Act], *, key: str, what_zh: str, what_en: str
) -> Finding:
    """One finding for the steps a decision lacked, naming those done only afterwards."""
    art = _article(ctx)
    p = ctx.c.first("proposed")
    title = p.get("title") if p is not None else None
    t = f"「{title}」" if isinstance(title, str) and title else ""
    late = [s for s in missing if s in after]
    names_zh = "、".join(STEP_ZH.get(s, s) + ("（决策后才补）" if s in late else "") for s in missing)
    names_en = ", ".join(s + (" (only after the decision)" if s in late else "") for s in missing)
    ev = [a for a in (p, decided) if a is not None] + [after[s] for s in late]
    return ctx.finding(
        decided.at,
        ev,
        f"重大决策{t}未经{what_zh}即作出：缺{names_zh}（{art}）",
        f"major decision {title or ctx.c.id} made without {what_en}: missing {names_en} ({ctx.pack}:{art})",
        key=key,
        person=decided.by,
        post=(dp.id if (dp := ctx.org.post_of(decided.by, decided.at)) else None),
        missing=list(missing),
    )


# ---- DEC-STATUTORY-STEPS -------------------------------------------------------------------

_CHANGLE_STEPS = ("public_participation", "expert_review", "risk_assessment", "legality_review")
_DONGQU_STEPS = ("public_participation", "expert_review", "risk_assessment")


@rule(
    "DEC-STATUTORY-STEPS",
    severity="high",
    zh="重大决策缺少法定程序",
    en="Major decision made without its statutory steps",
    kinds=("decision",),
    cites={
        "changle-2022": cite(
            "二十六, 二十七", steps=_CHANGLE_STEPS, meeting_types=("plenary", "executive"), department_scope=True
        ),
        "dongqu-2012": cite(
            "第十五至二十一条", steps=_DONGQU_STEPS, meeting_types=("plenary", "executive"), department_scope=True
        ),
        "yiyuan": cite("第八条", steps=(), meeting_types=(), department_scope=False),
    },
)
def dec_statutory_steps(ctx: Context) -> Iterator[Finding]:
    """重大行政决策严格遵循公众参与、专家论证、风险评估、合法性审查和集体讨论决定等法定程序
    （changle-2022 二十六），由县政府全体会议或常务会议讨论决定（二十七）；完善公众参与、专家咨询、风险评估、
    专业审查、征求人大政协意见和集体决定相结合的决策机制（dongqu-2012 第十五条），区政府重大决策需经全体会议
    或常务会议集体研究决定，部门重大事项需经部门领导班子会议集体研究决定（第二十一条）；各项工作决策…
    经过集体研究后作出（yiyuan 第八条）。

    Per pack (params):

    - changle-2022: ``steps`` public_participation, expert_review, risk_assessment,
      legality_review — all, "严格遵循…法定程序" — plus the collective decision at a plenary
      or executive meeting (``meeting_types``). 二十六 binds "县政府及各部门", so a
      department's decision is checked too, its collective decision being
      ``leadership_collective`` (or a meeting).
    - dongqu-2012: public_participation (第十六条), expert_review (第十七条, "根据决策需要" —
      read as always needed for a decision of this kind), risk_assessment (第十八条) and
      the collective decision (第二十一条: plenary/executive meeting, or the department's
      leadership meeting). 第十九条 (专业审查) and 第二十条 (人大政协) are their own rules,
      DEC-PROFESSIONAL-REVIEW and DEC-CONSULT-CONGRESS, so they are not repeated here.
    - yiyuan: 第八条 names no participation/expert/risk step for the county's decisions
      ("充分调查研究、充分分析论证、充分酝酿" are not acts in the contract); it requires the
      collective decision, at any meeting (县长办公会议、常务会议或其他会议). A department's
      own decision is DEC-DEPARTMENT-MAJOR's, so it is skipped here (``department_scope``).

    "Collective": for the county, ``decided.meeting_case`` names the meeting; when
    ``decided.meeting_type`` (optional field added to the kind) is given, it must be one the
    pack names. For a department, a ``leadership_collective`` step before the decision, or a
    meeting. A decision's meeting case is not opened here (case-scoped rule); a
    jurisdiction-scoped check reading the meeting case would also verify it was convened.
    One finding per decision, listing every missing step.
    """
    decided = ctx.c.first("decided")
    if decided is None:
        return
    dept = is_department_decision(ctx)
    if dept and not ctx.params.get("department_scope", True):
        return
    before, after = steps_before(ctx, decided)
    missing = [s for s in ctx.params.get("steps", ()) if s not in before]
    meeting = decided.get("meeting_case")
    mtype = decided.get("meeting_type")
    allowed = tuple(ctx.params.get("meeting_types", ()))
    has_meeting = isinstance(meeting, str) and bool(meeting.strip())
    if dept:
        collective = "leadership_collective" in before or has_meeting
    else:
        collective = has_meeting and (not allowed or mtype is None or mtype in allowed)
    if not collective:
        missing.append("collective")
    if not missing:
        return
    wrong_meeting = not dept and has_meeting and not collective
    what = (
        (
            f"法定程序（{MEETING_ZH.get(mtype, mtype)}不是{'或'.join(MEETING_ZH.get(m, m) for m in allowed)}）",
            f"its statutory steps (a {mtype} meeting is not {' or '.join(allowed)})",
        )
        if wrong_meeting
        else ("法定程序", "its statutory steps")
    )
    yield _missing_finding(ctx, decided, missing, after, key="steps", what_zh=what[0], what_en=what[1])


# ---- DEC-PROFESSIONAL-REVIEW ---------------------------------------------------------------

_REVIEWS = (
    ("uses_public_funds", "finance_opinion", "涉及财政资金使用", "uses public funds"),
    ("touches_law", "legal_opinion", "与出台或执行法律有关", "touches the law"),
    ("is_policy", "policy_review", "属全区性重大意见、决定或政策", "is a policy"),
)


@rule(
    "DEC-PROFESSIONAL-REVIEW",
    severity="high",
    zh="重大决策未经专业审查",
    en="Major decision made without the professional review it needs",
    kinds=("decision",),
    cites={"dongqu-2012": cite("第十九条")},
)
def dec_professional_review(ctx: Context) -> Iterator[Finding]:
    """出台全区性的重大意见、决定、各种政策等都要由区政策研究机构审查提出意见，凡与出台或执行法律有关的
    事项都要由区政府法制部门事先审查提出意见，涉及财政资金使用的都要由区财政部门研究提出意见…否则，不得
    进行决策（dongqu-2012 第十九条）。

    ``proposed`` flags decide the reviews: ``uses_public_funds`` → ``finance_opinion``,
    ``touches_law`` → ``legal_opinion``, ``is_policy`` → ``policy_review``. Each review that is
    needed and not done before the first ``decided`` is a finding of its own (key = the
    step), since each falls to a different office. A flag that is absent is read as false.
    """
    decided = ctx.c.first("decided")
    if decided is None:
        return
    p = ctx.c.first("proposed")
    before, after = steps_before(ctx, decided)
    for flag, step, why_zh, why_en in _REVIEWS:
        if _flag(p, flag) and step not in before:
            yield _missing_finding(
                ctx,
                decided,
                [step],
                after,
                key=step,
                what_zh=f"专业审查（{why_zh}）",
                what_en=f"the professional review it needs (it {why_en})",
            )


# ---- DEC-CONSULT-CONGRESS ------------------------------------------------------------------


@rule(
    "DEC-CONSULT-CONGRESS",
    severity="medium",
    zh="重大决策前未征求人大、政协意见",
    en="Major decision made without consulting the people's congress and the CPPCC",
    kinds=("decision",),
    cites={
        "dongqu-2012": cite("第二十条", steps=("congress_consulted", "cppcc_consulted")),
        "changle-2022": cite("三十", steps=("congress_consulted", "cppcc_consulted")),
    },
)
def dec_consult_congress(ctx: Context) -> Iterator[Finding]:
    """区政府在做出重大决策前，充分征求区人大、区政协意见（dongqu-2012 第二十条）；县政府在作出重大决策前，
    根据需要通过多种形式，广泛听取人大代表、政协委员…等方面的意见和建议（changle-2022 三十）。

    Both packs address the government's own decisions ("区政府"/"县政府"), so a department's
    decision is not checked. Before the first ``decided``, both ``congress_consulted`` and
    ``cppcc_consulted`` (the pack's ``steps``) must be on record. changle's "根据需要" (as
    needed) cannot be judged from the acts, so it is read as the catalog does: consulted.
    """
    decided = ctx.c.first("decided")
    if decided is None or is_department_decision(ctx):
        return
    before, after = steps_before(ctx, decided)
    missing = [s for s in ctx.params.get("steps", ("congress_consulted", "cppcc_consulted")) if s not in before]
    if missing:
        yield _missing_finding(
            ctx, decided, missing, after, key="consult", what_zh="征求人大、政协意见", what_en="consulting them"
        )


# ---- DEC-DEPARTMENT-MAJOR ------------------------------------------------------------------


@rule(
    "DEC-DEPARTMENT-MAJOR",
    severity="high",
    zh="部门重大事项未经班子集体研究或未事先报县委县政府同意",
    en="Department's major matter not decided collectively, or not approved by the county beforehand",
    kinds=("decision",),
    cites={"yiyuan": cite("第八条")},
)
def dec_department_major(ctx: Context) -> Iterator[Finding]:
    """各部门单位自主决策的事项…在报请分管领导同意后，由部门单位领导班子集体研究决定。各部门单位作出的事关
    全县发展、稳定和涉及群众利益的重大事项，必须事先报县委县政府同意，不得擅自决策（yiyuan 第八条）。

    For a department's decision (``proposed.department``, else the case's unit is a
    department/town/division): a ``leadership_collective`` step before ``decided`` (key
    ``collective``), and, when ``proposed.concerns_public`` is true, a ``county_approval``
    step before it (key ``county_approval``) — each a finding of its own. The article's
    other duties (广泛征求基层及有关专家的意见, 报请分管领导同意) are not checked: the
    contract has no step for the leader in charge's consent (a ``leader_consent`` step
    would make it checkable).
    """
    decided = ctx.c.first("decided")
    if decided is None or not is_department_decision(ctx):
        return
    p = ctx.c.first("proposed")
    before, after = steps_before(ctx, decided)
    if "leadership_collective" not in before:
        yield _missing_finding(
            ctx,
            decided,
            ["leadership_collective"],
            after,
            key="collective",
            what_zh="部门领导班子集体研究",
            what_en="its leadership's collective decision",
        )
    if _flag(p, "concerns_public") and "county_approval" not in before:
        yield _missing_finding(
            ctx,
            decided,
            ["county_approval"],
            after,
            key="county_approval",
            what_zh="事先报县委县政府同意（事关全县发展或群众利益）",
            what_en="the county's prior approval (it concerns the county or the public)",
        )


RULES: list[Rule] = [dec_statutory_steps, dec_professional_review, dec_consult_congress, dec_department_major]

"""DOC — 公文处理 (documents in and out).

Sources: dongqu-2012 第二十四条, 第八十七至九十八条 (收文、发文); changle-2022 二十, 五十五,
五十六, 五十八至六十一, 六十三; yiyuan 第九条; standardization 篇四(三)4.

Incoming documents (收文) are cases of kind ``incoming_document``: 签收 ``received`` →
``passed_to_director`` → 拟办 ``handling_proposed`` → 呈批 ``submitted_for_signoff`` →
签批 ``signed_off`` → 转办 ``transferred`` → 办结 ``completed`` → ``archived``.
Outgoing documents (发文) are cases of kind ``outgoing_document``: 拟稿 ``drafted`` → 会审
``countersigned`` → 审核 ``reviewed`` → 签发 ``signed`` → 校对 ``proofread`` → 缮印
``printed`` → 用印 ``sealed`` / 登记 ``registered`` → 分发 ``distributed`` → ``archived``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta

from domain.acts import Act
from domain.rules.base import Context, Finding, Rule, cite, rule
from domain.rules.doc_authority import (
    ACT_ZH,
    BODY_ZH,
    CHANGLE_TABLE,
    CHANGLE_VETTING,
    DONGQU_TABLE,
    DONGQU_VETTING,
    HANDLING_ZH,
    ISSUER_ZH,
    READ_MARKS,
    STEP_RANK,
    STEP_ZH,
    STEPS,
    YIYUAN_TABLE,
    YIYUAN_VETTING,
    day_end,
    deadline_value,
    fills_role,
    is_addressee,
    is_classified,
    is_normative,
    issuer_unit,
    known_issuer,
    note_unknown_doc_type,
    other_units,
    person_of,
    review_body,
    seal_approval_findings,
    signed_in_post,
    signing_authority_findings,
    step_of,
    table_params,
    title_of,
    vice_in_charge_posts,
    who,
)
from domain.rules.templates import Due, deadline_rule, first_after
from domain.timeutil import format_datetime, local_date

# ==== 收文 (incoming) =======================================================================


@deadline_rule(
    "DOC-INTAKE-TIMING",
    severity="low",
    zh="收文未按时呈报或拟办",
    en="Incoming document not passed on or given a handling proposal in time",
    kinds=("incoming_document",),
    cites={"dongqu-2012": cite("第八十七条", pass_minutes=30, propose_hours=1)},
)
def doc_intake_timing(ctx: Context) -> Iterator[Due]:
    """机要秘书在文件签收后半小时内报区政府办公室主任；办公室主任在 1 小时内提出拟办意见。

    The confidential secretary passes a received document to the office director within
    ``pass_minutes`` of signing for it; the director (or the deputy the director names)
    records a handling proposal within ``propose_hours`` of receiving it. Both limits are
    wall-clock (the catalog's reading of 半小时 / 1小时). The proposal's clock starts when the
    document was passed on; if it was never passed on, from the moment it should have been.
    Who proposes is not checked (the deputy may stand in).
    """
    rec = ctx.c.first("received")
    if rec is None:
        return
    pass_due = rec.at + timedelta(minutes=ctx.params.get("pass_minutes", 30))
    passed = first_after(ctx.c.acts, rec, "passed_to_director")
    yield Due(rec, pass_due, passed, "签收后呈报办公室主任", "passing to the office director", key="pass")
    hours = timedelta(hours=ctx.params.get("propose_hours", 1))
    trigger, due = (passed, passed.at + hours) if passed else (rec, pass_due + hours)
    proposal = first_after(ctx.c.acts, rec, "handling_proposed")
    yield Due(
        trigger, due, proposal, "办公室主任提出拟办意见", "handling proposal by the office director", key="propose"
    )


@deadline_rule(
    "DOC-SIGNOFF-TIMING",
    severity="medium",
    zh="呈批文件未按时签批",
    en="Submitted document not signed off in time",
    kinds=("incoming_document",),
    cites={"dongqu-2012": cite("第八十八条", working_days=1)},
)
def doc_signoff_timing(ctx: Context) -> Iterator[Due]:
    """审批领导原则上应在 1 个工作日内对呈批文件进行批示，当日文件应当日签批。

    Each submission (``submitted_for_signoff``) is owed a sign-off by the end of the
    ``working_days``-th working day after the day it was submitted (official calendar, so a
    document submitted on 2024-09-30 is due by 2024-10-08, after National Day, and one
    submitted on Friday 2024-09-27 by the 调休 Sunday 2024-09-29). A document received as
    same-day (``received.same_day``) is due by the end of the day it was submitted.
    A submission is answered by the first later sign-off of its addressee (``to``: post or
    person); failing that, by the first later sign-off not answering another submission.
    """
    rec = ctx.c.first("received")
    same_day = bool(rec and rec.get("same_day") is True)
    signoffs = ctx.c.all("signed_off")
    used: set[str] = set()
    for sub in ctx.c.all("submitted_for_signoff"):
        to = sub.get("to")
        cands = [s for s in signoffs if s.at >= sub.at and s.id not in used]
        resp = next((s for s in cands if is_addressee(ctx.org, to, s.by, s.at)), None)
        if resp is None and cands:
            resp = cands[0]
        if resp is not None:
            used.add(resp.id)
        if same_day:
            due, zh = day_end(sub.at, ctx), "领导签批（当日文件当日签批）"
        else:
            n = ctx.params.get("working_days", 1)
            due, zh = ctx.cal.deadline_after(sub.at, n), f"领导签批（{n} 个工作日内）"
        yield Due(sub, due, resp, zh, "leader's sign-off", key=sub.id, person=person_of(ctx.org, to, sub.at))


@deadline_rule(
    "DOC-TRANSFER-SAMEDAY",
    severity="low",
    zh="签批后未当日转办",
    en="Document not transferred to the handling unit the day it was signed off",
    kinds=("incoming_document",),
    cites={"dongqu-2012": cite("第八十九条")},
)
def doc_transfer_sameday(ctx: Context) -> Iterator[Due]:
    """来文经签批后，由相关秘书根据领导批示意见当日转有关部门办理。

    The transfer is owed by the end of the day of the last sign-off before it (when several
    leaders sign in turn, the document moves on after the last of them). A document received
    for reading only (``received.category`` = 阅件) is not transferred and owes nothing —
    that field was added to the kind because the contract cannot tell 阅件 from 办件.
    """
    rec = ctx.c.first("received")
    if rec is not None and rec.get("category") in ("阅件", "for_reading"):
        return
    signoffs = ctx.c.all("signed_off")
    if not signoffs:
        return
    tr = first_after(ctx.c.acts, signoffs[0], "transferred")
    trigger = [s for s in signoffs if s.at <= tr.at][-1] if tr is not None else signoffs[-1]
    yield Due(trigger, day_end(trigger.at, ctx), tr, "签批后当日转办", "same-day transfer", key="transfer")


@deadline_rule(
    "DOC-HANDLING-DEADLINE",
    severity="medium",
    zh="转办公文未在时限内办结",
    en="Transferred document not completed within its limit",
    kinds=("incoming_document",),
    cites={
        "dongqu-2012": cite(
            "第八十九条", in_remit_working_days=3, needs_approval_working_days=5, multi_unit_working_days=7
        )
    },
)
def doc_handling_deadline(ctx: Context) -> Iterator[Due]:
    """属职权范围内的事项 3 个工作日内办结；需要区政府审批的 5 个工作日内回复；会同相关部门办理的
    7 个工作日内回复；特急、紧急公文以及其他重大工作，以区政府明确的办理时限为准。

    Each ``transferred`` act starts a limit by its ``handling``: ``in_remit`` /
    ``needs_approval`` / ``multi_unit`` → that many working days after the transfer day. A
    deadline the government set (``transferred.deadline``) prevails (以区政府明确的办理时限为准);
    a bare date means the end of that day. An urgent transfer without a deadline, or one
    without a handling type, is held to the in-remit limit (the contract gives nothing better).
    The transfer is answered by the first later ``completed`` of the unit it went to (or,
    with a single transfer, by any later ``completed``).
    """
    transfers = ctx.c.all("transferred")
    completions = ctx.c.all("completed")
    for tr in transfers:
        handling = tr.get("handling") or "in_remit"
        explicit = deadline_value(tr.get("deadline"), ctx)
        if explicit is not None:
            due, limit_zh = explicit, "区政府明确的办理时限"
        else:
            key = handling if handling in ("needs_approval", "multi_unit") else "in_remit"
            n = ctx.params.get(f"{key}_working_days", 3)
            due, limit_zh = ctx.cal.deadline_after(tr.at, n), f"{n} 个工作日"
        to_unit = tr.get("to_unit")
        later = [a for a in completions if a.at >= tr.at]
        resp = next((a for a in later if to_unit and a.unit == to_unit), None)
        if resp is None and len(transfers) == 1 and later:
            resp = later[0]
        yield Due(
            tr,
            due,
            resp,
            f"{HANDLING_ZH.get(handling, '转办事项')}办结（{limit_zh}）",
            "completion of the transferred document",
            key=tr.id,
            extra={"to_unit": to_unit, "handling": handling},
        )


# ==== 发文 (outgoing) =======================================================================


@rule(
    "DOC-OUTGOING-SEQUENCE",
    severity="high",
    zh="发文办理环节缺失或顺序错误",
    en="Outgoing document skipped a step or took steps out of order",
    kinds=("outgoing_document",),
    reads=("outgoing_document.drafted.issuer",),
    cites={"dongqu-2012": cite("第九十一条, 第九十四条, 第九十八条")},
)
def doc_outgoing_sequence(ctx: Context) -> Iterator[Finding]:
    """发文办理包括拟稿、会审、审核、签发、校对、缮印、用印、登记、分发、跟踪、归档等程序（第九十一条）；
    两级审核：一级由办公室秘书审核，二级由分管文秘工作的副主任审核后报办公室主任审核（第九十四条）；
    由机要秘书登记方可用印，登记、用印后分发（第九十八条）。

    A step counts as skipped once a later step has happened without it (a document still in
    progress owes nothing yet); a step that happens after a later one is out of order. One
    finding per step. 会审 is required only when the draft names concerned units other than
    the drafting one; 用印 only when it happened. 第九十一条 lists 用印 before 登记 while
    第九十八条 has the secretary register before sealing, so the two share a place here
    (the seal-before-registration breach is DOC-SEAL-APPROVAL's). 跟踪 has no act and is not
    checked. The two-level review (审核) is by the government office, so the sequence applies
    to documents issued in the government's or its office's name (``drafted.issuer``, read as
    :func:`~domain.rules.doc_authority.issuer_kind` does: a unit type word, a unit id, else the
    drafting unit's type; a department's own documents are not checked). Review levels come from ``reviewed.level``
    and the reviewer's rank: level 2 by the office director is the director's step, by
    anybody else the deputy's.
    """
    c = ctx.c
    drafted = c.first("drafted")
    if drafted is not None and known_issuer(ctx, drafted) not in ("government", "office"):
        return
    pos: dict[str, tuple[int, Act]] = {}
    seq: list[tuple[int, str, Act]] = []
    for i, a in enumerate(c.acts):
        s = step_of(ctx.org, a)
        if s is None:
            continue
        seq.append((i, s, a))
        pos.setdefault(s, (i, a))
    required = [s for s, _, _ in STEPS if s not in ("countersigned", "sealed")]
    if drafted is not None and other_units(drafted):
        required.insert(1, "countersigned")
    for step, rank, zh in STEPS:
        if step not in required and step not in pos:
            continue
        later = next(((i, s, a) for i, s, a in seq if STEP_RANK[s] > rank), None)
        if later is None:
            continue
        li, ls, la = later
        if step not in pos:
            yield ctx.finding(
                la.at,
                [x for x in (drafted, la) if x is not None],
                f"发文 {title_of(c)} 未经「{zh}」即进入「{STEP_ZH[ls]}」",
                f"Outgoing document {c.id} reached '{ls}' without the '{step}' step",
                key=f"missing:{step}",
                person=la.by,
                step=step,
            )
        elif pos[step][0] > li:
            sa = pos[step][1]
            yield ctx.finding(
                sa.at,
                [la, sa],
                f"发文 {title_of(c)} 的「{zh}」在「{STEP_ZH[ls]}」之后办理，顺序错误",
                f"Outgoing document {c.id}: '{step}' came after '{ls}'",
                key=f"order:{step}",
                person=sa.by,
                step=step,
            )


@rule(
    "DOC-COUNTERSIGN",
    severity="high",
    zh="涉及其他单位或分管领导的文稿未经会签",
    en="Draft not countersigned by the units or vice heads it concerns",
    kinds=("outgoing_document",),
    reads=("outgoing_document.drafted.issuer",),
    cites={
        "yiyuan": cite("第九条", before="signed", vice_heads=False),
        "dongqu-2012": cite("第九十三条", before="submitted_to_office", vice_heads=False),
        "changle-2022": cite("五十八, 六十(五)", before="submitted_to_office", vice_heads=True),
    },
)
def doc_countersign(ctx: Context) -> Iterator[Finding]:
    """沂源 第九条：多个部门联合发文的，由主办部门牵头，送请各部门主要负责人会签后发文。
    东区 第九十三条：涉及多个职能部门职权范围内的事项，主办单位应在报送区政府办之前与相关单位会审。
    昌乐 五十八：代拟文稿涉及其他部门职责的，须与相关部门协商；六十(五)：以县政府名义制发、内容涉及
    数名副县长分管范围的，需请其他副县长会签。

    Every unit in ``drafted.concerned_units`` other than the drafting unit is countersigned
    by its principal head (or a holder of a unit-head post there) before the pack's point:
    ``submitted_to_office`` (dongqu, changle: before the draft goes to the office) or
    ``signed`` (yiyuan: 会签后发文). A later step stands in for a missing submission act (the
    first of submission, review, vetting, signing, distribution). Under changle, a document
    in the government's name whose ``areas``/units fall to several vice heads is also
    countersigned by each of them other than the one who vets it (审签), before signing.
    Nothing is owed while the draft has not reached the point.
    """
    c = ctx.c
    drafted = c.first("drafted")
    if drafted is None:
        return
    points = {
        "submitted_to_office": ("submitted_to_office", "reviewed", "vetted", "signed", "distributed"),
        "signed": ("signed", "distributed"),
    }[ctx.params.get("before", "submitted_to_office")]
    cutoff = c.first(*points)
    css = c.all("countersigned")
    if cutoff is not None:
        for u in other_units(drafted):
            head = ctx.org.principal_head_post(u)
            posts = [p.id for p in ctx.org.posts.values() if p.unit == u and head and p.rank == head.rank]
            mine = [cs for cs in css if signed_in_post(ctx.org, cs, posts)]
            if any(cs.at <= cutoff.at for cs in mine):
                continue
            late = [cs for cs in mine if cs.at > cutoff.at]
            uname = ctx.org.units[u].name if u in ctx.org.units else u
            when = "之后才由其主要负责人会签" if late else "前未经其主要负责人会签"
            yield ctx.finding(
                cutoff.at,
                [drafted, cutoff, *late[:1]],
                f"发文 {title_of(c)} 涉及{uname}职责，在{ACT_ZH.get(cutoff.act, cutoff.act)}{when}",
                f"Draft {c.id} concerns {u} but its head did not countersign before '{cutoff.act}'"
                + (" (countersigned only afterwards)" if late else ""),
                key=f"unit:{u}",
                person=ctx.org.principal_head(u, cutoff.at),
                unit_concerned=u,
            )
    if not ctx.params.get("vice_heads"):
        return
    signed = c.first("signed")
    if signed is None or known_issuer(ctx, drafted) != "government":
        return
    if not drafted.get("areas") and not other_units(drafted):
        return
    vices = vice_in_charge_posts(ctx.org, drafted, signed.at, fallback=False)
    if len(vices) < 2:
        return
    vetted = c.first("vetted")
    lead = {p.id for p in ctx.org.posts_of(vetted.by, vetted.at)} & set(vices) if vetted else set()
    if not lead:
        # Without a recorded 审签 by one of them, the vice head in charge of the drafting unit
        # (else the first area's) is taken as the lead one.
        lead = set(ctx.org.in_charge(signed.at, unit=drafted.unit)[:1]) & set(vices) or {vices[0]}
    others = [p for p in vices if p not in lead]
    for p in others:
        if any(cs.at <= signed.at and signed_in_post(ctx.org, cs, {p}) for cs in css):
            continue
        person = ctx.org.holder(p, signed.at)
        yield ctx.finding(
            signed.at,
            [drafted, signed],
            f"以县政府名义制发的 {title_of(c)} 涉及 {who(ctx.org, person, signed.at)} 分管范围，签发前未请其会签（六十(五)）",
            f"Government document {c.id} touches the remit of vice head post {p}, who did not countersign before signing",
            key=f"vice:{p}",
            person=person,
            post=p,
        )


@rule(
    "DOC-SIGNING-AUTHORITY",
    severity="high",
    zh="签发人无相应签发权限",
    en="Document signed by someone without the authority for its type",
    kinds=("outgoing_document",),
    reads=("outgoing_document.drafted.doc_type", "outgoing_document.drafted.issuer"),
    cites={
        "changle-2022": cite("六十", **table_params(CHANGLE_TABLE, CHANGLE_VETTING)),
        "dongqu-2012": cite("第九十五条", **table_params(DONGQU_TABLE, DONGQU_VETTING)),
        "yiyuan": cite("第九条", **table_params(YIYUAN_TABLE, YIYUAN_VETTING)),
    },
)
def doc_signing_authority(ctx: Context) -> Iterator[Finding]:
    """公文签发权限（昌乐 六十；东区 第九十五条；沂源 第九条）。

    The pack's ``table`` maps the issuer (``government`` / ``office``) and the document's
    category (from ``drafted.doc_type``, English key or Chinese name, or ``normative``) to the
    roles that may sign it; a category the pack's table does not list, and an ordinary 文种
    (通知, 函, 意见 … — ``general``), take the issuer's ``other`` row. A ``doc_type`` outside the
    vocabulary is judged under every row of the issuer's table: when all rows give the same
    answer (e.g. a clerk signed: no row allows it) that answer stands; when they differ the
    signature is reported as not judged (the table row cannot be told). The issuer is read
    by :func:`~domain.rules.doc_authority.issuer_kind` (a unit type word — ``department``
    included — or a unit id, else the drafting unit's type). Documents of other issuers (a
    department's own) are not checked.
    The signer's posts are read from the org chart at the signing time. A written delegation
    (``delegated``, scope sign/all) from a post filling the role to the signer's post that
    covers the signing time counts (县长外出时由常务副县长签发 / 县长授权…签发); a signature
    that merely claims ``delegation: true`` with no delegation on record does not. With
    ``head_signs_any`` the principal head may sign any document (judgment: the head holds
    every authority the table gives to subordinates; the seeds list the lowest signer).
    Categories listed in ``vetting`` (昌乐 (五) 分管副县长审签；东区 (一) 分管副区长审核后区长签发;
    沂源 联合发文 分管领导签署意见后) also need a ``vetted`` act by a vice head in charge before
    a head-level signature, unless the signer is that vice head.
    """
    yield from signing_authority_findings(ctx)


@rule(
    "DOC-APPROVAL-COMPLETE",
    severity="low",
    zh="领导审批意见不完整",
    en="Leader's approval lacks an explicit opinion, name or date",
    kinds=("incoming_document", "outgoing_document"),
    cites={"yiyuan": cite("第九条"), "changle-2022": cite("五十五")},
)
def doc_approval_complete(ctx: Context) -> Iterator[Finding]:
    """领导审批公文，对有具体请示事项的，应签署明确意见、姓名和日期；对一般报告性公文，圈阅表示已阅知。

    Checked acts: an incoming document's ``signed_off`` and an outgoing document's
    ``signed`` (a signature for issue answers the drafter's request to issue). An incoming
    document is skipped when it is known to carry no request: ``received.has_request`` false,
    ``doc_type`` 报告, or ``category`` 阅件 (fields added to the kind; when none is given the
    approval is checked). A read mark (圈阅, 阅, ○ …) is no explicit opinion.
    """
    c = ctx.c
    if c.kind == "incoming_document":
        rec = c.first("received")
        if rec is not None and (
            rec.get("has_request") is False or rec.get("doc_type") == "报告" or rec.get("category") == "阅件"
        ):
            return
        acts = c.all("signed_off")
    else:
        acts = c.all("signed")
    for a in acts:
        missing_zh, missing_en = [], []
        if str(a.get("opinion") or "").strip() in READ_MARKS:
            missing_zh.append("明确意见")
            missing_en.append("an explicit opinion")
        if not str(a.get("name") or "").strip():
            missing_zh.append("姓名")
            missing_en.append("the name")
        if a.get("date") is None:
            missing_zh.append("日期")
            missing_en.append("the date")
        if missing_zh:
            yield ctx.finding(
                a.at,
                [a],
                f"{who(ctx.org, a.by, a.at)} 审批 {title_of(c)} 未签署{'、'.join(missing_zh)}",
                f"Approval of {c.id} by {a.by} lacks {', '.join(missing_en)}",
                key=a.id,
                person=a.by,
            )


@rule(
    "DOC-LEGALITY-REVIEW",
    severity="high",
    zh="规范性文件未经合法性（公平竞争）审查即签发",
    en="Normative document signed without legality (fair-competition) review",
    kinds=("outgoing_document",),
    reads=("outgoing_document.drafted.doc_type", "outgoing_document.legality_reviewed.body"),
    cites={
        "changle-2022": cite("二十, 五十八", reviews=("legal",), fair_competition=True),
        "dongqu-2012": cite("第二十四条, 第九十四条", reviews=("legal", "policy_research"), fair_competition=False),
    },
)
def doc_legality_review(ctx: Context) -> Iterator[Finding]:
    """昌乐 二十、五十八：行政规范性文件经分管副县长批准后报县司法局进行合法性审核、进行公平竞争审查。
    东区 第二十四条：规范性文件必须由区政府法制部门、区政策研究机构进行审查…未经预先审查，不得提交
    区政府常务会议研究；第九十四条：规范性文件须同时报送区政府法制办审查。

    A normative document (``drafted.normative`` or doc_type 规范性文件; a draft with no flag whose
    doc_type is outside the vocabulary cannot be told and is reported as not judged) has,
    before its first
    ``signed``, a ``legality_reviewed`` act by each body the pack names (``reviews``):
    changle the legal review; dongqu the legal office *and* the policy-research office (the
    seed names both). The body is ``legality_reviewed.body`` (field added to the kind, read by
    its vocabulary: 司法局/法制办 are ``legal`` …), or ``policy_research`` when the act's unit is
    a 政策研究 unit, else ``legal``; a review whose body is outside the vocabulary may be the
    missing one, so the document is reported as not judged rather than flagged. Under changle a
    market-related draft also needs ``fair_competition_reviewed`` (dongqu 2012 predates it).
    The "before the executive meeting" half cannot be checked here: the outgoing case has
    no link to the meeting case (a ``drafted.meeting_case`` field would make it checkable).
    """
    c = ctx.c
    drafted = c.first("drafted")
    signed = c.first("signed")
    if drafted is None or signed is None:
        return
    normative = is_normative(drafted)
    if normative is None:
        note_unknown_doc_type(ctx, drafted, "是否为规范性文件", "whether it is a normative document")
        return
    if not normative:
        return
    needs = [(b, BODY_ZH.get(b, b), "legality_reviewed") for b in ctx.params.get("reviews", ("legal",))]
    if ctx.params.get("fair_competition") and drafted.get("market_related") is True:
        needs.append(("fair_competition", "公平竞争审查", "fair_competition_reviewed"))
    unread = [a for a in c.all("legality_reviewed") if a.at <= signed.at and review_body(ctx.org, a) is None]
    for body, zh, act in needs:
        reviews = [a for a in c.all(act) if act == "fair_competition_reviewed" or review_body(ctx.org, a) == body]
        if any(a.at <= signed.at for a in reviews):
            continue
        if act == "legality_reviewed" and unread:
            for a in unread:
                ctx.cannot_judge(
                    a,
                    "data.body",
                    f"审查机构“{a.get('body')}”不在词表中，无法判断签发前是否经{zh}",
                    f"review body {a.get('body')!r} is outside the vocabulary: cannot tell whether the {body} review was done",
                )
            continue
        late = reviews[:1]
        yield ctx.finding(
            signed.at,
            [drafted, signed, *late],
            f"规范性文件 {title_of(c)} 签发前未经{zh}" + ("（审查在签发之后）" if late else ""),
            f"Normative document {c.id} signed before its {body} review",
            key=f"review:{body}",
            person=signed.by,
        )


@rule(
    "DOC-ANNUAL-CAP",
    severity="low",
    zh="年度规范性文件发文数量超限",
    en="Annual cap on normative documents exceeded",
    kinds=("outgoing_document",),
    reads=("outgoing_document.drafted.doc_type", "outgoing_document.drafted.issuer"),
    cites={"changle-2022": cite("五十六", government_per_year=5, office_per_year=10)},
    scope="jurisdiction",
)
def doc_annual_cap(ctx: Context) -> Iterator[Finding]:
    """除贯彻省政府和省政府办公厅、市政府和市政府办公室的文件发文外，每年以县政府和县政府办公室名义
    制发的行政规范性文件数量原则上分别不超过 5 个和 10 个。

    Normative documents (not ``implements_higher``; a draft whose ``doc_type`` is outside the
    vocabulary and has no ``normative`` flag is reported as not judged) are counted per
    calendar year of their
    first ``signed`` (签发 = 制发; the first ``distributed`` when no signature is on record),
    separately for the government and its office, with the parameters of the pack in force
    at that time. Each document beyond the cap is flagged (evidence: the signatures of all
    documents counted up to it).
    """
    counted: dict[tuple[int, str], list[tuple[datetime, str, Act]]] = defaultdict(list)
    for c in ctx.cases:
        drafted = c.first("drafted")
        if drafted is None or drafted.get("implements_higher") is True:
            continue
        kind = known_issuer(ctx, drafted)
        if kind not in ("government", "office"):
            continue
        normative = is_normative(drafted)
        if normative is None:
            if ctx.params_at(drafted.at) is not None:
                note_unknown_doc_type(ctx, drafted, "是否计入规范性文件年度数量", "whether it counts towards the cap")
            continue
        if not normative:
            continue
        issued = c.first("signed") or c.first("distributed")
        if issued is None or ctx.params_at(issued.at) is None:
            continue
        counted[(local_date(issued.at, ctx.cal.tz).year, kind)].append((issued.at, c.id, issued))
    for (year, kind), docs in sorted(counted.items()):
        docs.sort(key=lambda x: (x[0], x[1]))
        for n, (at, case_id, issued) in enumerate(docs, start=1):
            params = ctx.params_at(at) or {}
            cap = params.get(f"{kind}_per_year", 5 if kind == "government" else 10)
            if n <= cap:
                continue
            yield ctx.finding(
                at,
                [d[2] for d in docs[:n]],
                f"{year} 年以{ISSUER_ZH[kind]}名义制发的行政规范性文件已达第 {n} 件，超过每年 {cap} 件的上限",
                f"{year}: normative document no. {n} issued in the {kind}'s name exceeds the cap of {cap}",
                key=f"{year}:{kind}",
                case=case_id,
                unit=issued.unit,
                person=issued.by,
                year=year,
                count=n,
                cap=cap,
            )


@deadline_rule(
    "DOC-ADVANCE-SUBMISSION",
    severity="low",
    zh="有时限要求的发文事项未提前送达办公室",
    en="Time-bound document did not reach the office early enough",
    kinds=("outgoing_document",),
    cites={"changle-2022": cite("五十九", working_days=3, urgent_working_days=2)},
)
def doc_advance_submission(ctx: Context) -> Iterator[Due]:
    """有时限要求的发文事项，应提前 3 个工作日送达县政府办公室；…紧急事项，应提前 2 个工作日送达。

    A draft with a ``deadline`` owes ``submitted_to_office`` by the end of the day that
    leaves ``working_days`` (``urgent_working_days`` when ``drafted.urgent``) working days
    before the deadline's date (3 working days before a Friday deadline: by Monday).
    """
    drafted = ctx.c.first("drafted")
    if drafted is None or not isinstance(drafted.get("deadline"), datetime):
        return
    urgent = drafted.get("urgent") is True
    n = ctx.params.get("urgent_working_days" if urgent else "working_days", 2 if urgent else 3)
    due = ctx.cal.deadline_before(drafted.get("deadline"), n)
    sub = first_after(ctx.c.acts, drafted, "submitted_to_office")
    yield Due(
        drafted,
        due,
        sub,
        f"提前 {n} 个工作日送达县政府办公室",
        f"submission to the office {n} working days ahead",
        extra={"deadline": format_datetime(drafted.get("deadline"))},
    )


@rule(
    "DOC-SEAL-APPROVAL",
    severity="high",
    zh="用印未经批准或先于签发、登记",
    en="Seal used without authorized approval, or before signing/registration",
    kinds=("outgoing_document",),
    reads=("outgoing_document.sealed.seal",),
    cites={
        "changle-2022": cite(
            "六十三",
            approvers=("head", "vice_head", "office_director"),
            personal_seal_approvers=("head",),
            personal_seal_delegates=("office_director",),
            registered_first=False,
        ),
        "dongqu-2012": cite(
            "第九十八条",
            approvers=(),
            signed_by=("head", "vice_head", "office_director"),
            registered_first=True,
        ),
        "standardization": cite("篇四(三)4", approvers=("unit_head",), registered_first=False),
    },
)
def doc_seal_approval(ctx: Context) -> Iterator[Finding]:
    """昌乐 六十三：县政府印章须报县长、副县长或县政府办公室主任同意方可使用；县长印章须经县长或县长
    授权县政府办公室主任同意方可使用。东区 第九十八条：需用印的，应将区长或分管副区长、办公室主任签字
    的文件送机要室审查后，由机要秘书登记方可用印。标准化 篇四(三)4：使用公章…审批需经单位主要负责同志
    批准。

    Every ``sealed`` act, per pack:

    - ``approvers``: ``sealed.approved_by`` fills one of these roles at the sealing time
      (``unit_head`` = the principal head of the sealing act's unit); empty (dongqu) means
      the approval is the signature itself. A personal seal (``seal`` = head_personal) uses
      ``personal_seal_approvers``, or a ``personal_seal_delegates`` post with a written
      delegation from the head (scope sign/all: the contract has no ``seal`` scope).
    - the document was signed before it is sealed (all packs: the catalog's "signed
      document"); under dongqu by the head, a vice head or the office director (``signed_by``).
    - ``registered_first`` (dongqu 第九十八条: 登记方可用印): a ``registered`` act before it.
    """
    yield from seal_approval_findings(ctx)


@rule(
    "DOC-CLASSIFIED-DESTRUCTION",
    severity="high",
    zh="公文销毁未经批准、登记或监销不足",
    en="Document destroyed without approval, registration or enough witnesses",
    kinds=("incoming_document", "outgoing_document"),
    reads=("outgoing_document.drafted.classification", "incoming_document.received.classification"),
    cites={"dongqu-2012": cite("第九十条, 第九十八条", min_witnesses=2)},
)
def doc_classified_destruction(ctx: Context) -> Iterator[Finding]:
    """对不具备归档和存查价值的公文，经过鉴别并经区政府办公室主任批准，予以销毁。销毁密级公文（含密码
    电报）应当进行登记，并到指定场所由二人以上监销。

    Every ``destroyed`` act names as ``approved_by`` the office director (seed: the
    approval applies to every destruction, not only classified ones — the catalog speaks of
    classified ones only; the seed is followed). A classified document (``destroyed.classified``
    or the case's ``classification`` 秘密/机密/绝密) also has at least ``min_witnesses``
    distinct witnesses, and is registered (a ``classification`` outside the vocabulary is
    reported as not judged for these two): the ``destroyed`` act is itself the register
    entry unless it says ``registered: false`` (field added to the kind).
    """
    c = ctx.c
    need = ctx.params.get("min_witnesses", 2)
    for d in c.all("destroyed"):
        approver = d.get("approved_by")
        if not approver or not fills_role(ctx.org, approver, ("office_director",), d.at, scopes=()).ok:
            yield ctx.finding(
                d.at,
                [d],
                f"{title_of(c)} 销毁"
                + (f"由 {who(ctx.org, approver, d.at)} 批准" if approver else "无批准人记录")
                + "，应经办公室主任批准",
                f"Destruction of {c.id} not approved by the office director (approved_by={approver})",
                key=f"approval:{d.id}",
                person=approver or d.by,
            )
        classified = is_classified(c, d)
        if classified is None:
            first = c.first("received", "drafted") or d
            ctx.cannot_judge(
                first,
                "data.classification",
                "密级不在词表中（秘密/机密/绝密/非密），无法判断销毁是否须登记并由二人以上监销",
                "classification outside the vocabulary: cannot tell whether the destruction needed "
                "registration and two witnesses",
            )
            continue
        if not classified:
            continue
        witnesses = {w for w in (d.get("witnesses") or ()) if w}
        if len(witnesses) < need:
            yield ctx.finding(
                d.at,
                [d],
                f"销毁密级公文 {title_of(c)} 仅有 {len(witnesses)} 人监销，应由 {need} 人以上监销",
                f"Classified {c.id} destroyed with {len(witnesses)} witness(es); at least {need} required",
                key=f"witnesses:{d.id}",
                person=d.by,
                witnesses=len(witnesses),
            )
        if d.get("registered") is False:
            yield ctx.finding(
                d.at,
                [d],
                f"销毁密级公文 {title_of(c)} 未进行登记",
                f"Classified {c.id} destroyed without registration",
                key=f"register:{d.id}",
                person=d.by,
            )


@rule(
    "DOC-DIRECTIVE-DOWNWARD",
    severity="medium",
    zh="部门越权向下级政府行文或内设机构对外行文",
    en="Department directive to a lower government without approval, or a division issuing externally",
    kinds=("outgoing_document",),
    reads=("outgoing_document.drafted.issuer",),
    cites={"changle-2022": cite("六十一")},
)
def doc_directive_downward(ctx: Context) -> Iterator[Finding]:
    """未经县政府批准，县政府各部门不得直接向下级政府发布指令性公文…；各部门内设机构除办公室外不得对外
    正式行文…经县政府同意的，可加“经县政府同意”字样由部门行文。

    - A department's draft with ``directive_to_lower`` is flagged when it is signed or
      distributed (the first of them) with no ``government_approved`` before that.
    - A draft issued by an internal division (unit type ``division``) whose name is not an
      office (办公室) is flagged when signed or distributed. The issuer is ``drafted.issuer`` —
      a unit type word of the contract (``department`` 部门, ``division`` 内设机构 …) or a unit
      id — else (absent or outside the vocabulary) the drafting act's unit and its type.
    The other clauses of 六十一 (departments issuing downward before agreeing among
    themselves; asking lower governments to report to a department) have no data.
    """
    c = ctx.c
    drafted = c.first("drafted")
    issue = c.first("signed", "distributed")
    if drafted is None or issue is None:
        return
    u = ctx.org.units.get(issuer_unit(ctx.org, drafted))
    kind = known_issuer(ctx, drafted)
    approved = any(a.at <= issue.at for a in c.all("government_approved"))
    if drafted.get("directive_to_lower") is True and kind in ("department", "division") and not approved:
        yield ctx.finding(
            issue.at,
            [drafted, issue],
            f"{u.name if u else drafted.unit} 未经县政府批准向下级政府发布指令性公文 {title_of(c)}",
            f"{drafted.unit} issued a directive to a lower government ({c.id}) without the government's approval",
            key="directive",
            person=issue.by,
        )
    if u is not None and u.type == "division" and "办公室" not in u.name:
        yield ctx.finding(
            issue.at,
            [drafted, issue],
            f"内设机构 {u.name} 对外正式行文 {title_of(c)}（除办公室外内设机构不得对外正式行文）",
            f"Internal division {u.id} issued an external official document ({c.id})",
            key="division",
            person=issue.by,
        )


RULES: list[Rule] = [
    doc_intake_timing,
    doc_signoff_timing,
    doc_transfer_sameday,
    doc_handling_deadline,
    doc_outgoing_sequence,
    doc_countersign,
    doc_signing_authority,
    doc_approval_complete,
    doc_legality_review,
    doc_annual_cap,
    doc_advance_submission,
    doc_seal_approval,
    doc_classified_destruction,
    doc_directive_downward,
]

"""DOC helpers: who an outgoing document's issuer is, its type (文种类别), the signing
authority tables (签发权限表) of the packs that cite DOC-SIGNING-AUTHORITY, the checks of
DOC-SIGNING-AUTHORITY and DOC-SEAL-APPROVAL (both "does this person hold the authority"),
and the family's small helpers.

Private to :mod:`domain.rules.doc` (the rules are declared and documented there). The tables are *data*: they go into the rule's
citation parameters (``table``, ``vetting``, ``head_signs_any``) so that ``ledger rules
--pack P`` shows them and a jurisdiction's own pack can replace them.

Roles in the tables (resolved against the org chart at the act's time):

- ``head`` — the government's principal leader (县长/区长, the ``head`` post);
- ``vice_in_charge`` — a vice head in charge (分管) of the document's areas or units;
- ``office_director`` — the general office's director (办公室主任);
- ``vice_head`` — any vice head (常务副职 or 副职);
- ``unit_head`` — the principal head of the unit concerned (单位主要负责人).

A written delegation (``delegated``, scope ``sign`` or ``all``) from a post that fills a
role to the signer's post, covering the act's time, lets the signer act in that role
(县长外出时由常务副县长签发; 县长授权副县长、办公室主任签发).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from domain.acts import Act
from domain.kinds.common import CLASSIFICATION
from domain.kinds.common import CLASSIFIED as CLASSIFIED_CODES
from domain.kinds.outgoing_document import DOC_TYPE, ISSUER, REVIEW_BODY, SEAL
from domain.org import VICE_RANKS, OrgChart
from domain.rules.base import Case, Context, Finding
from domain.timeutil import end_of_day, local_date

# ---- document types and issuers -----------------------------------------------------

#: The table category of each ``drafted.doc_type`` code (the vocabulary is the kind's
#: :data:`~domain.kinds.outgoing_document.DOC_TYPE`): ``general`` documents take the row
#: ``other``.
CATEGORY_ZH: Mapping[str, str] = {
    **{t.code: t.zh for t in DOC_TYPE.terms if t.code != "general"},
    "other": "其他公文",
}
ROLE_ZH: Mapping[str, str] = {
    "head": "主要领导（县长/区长）",
    "vice_in_charge": "分管副职",
    "office_director": "办公室主任",
    "vice_head": "副职领导",
    "unit_head": "单位主要负责人",
}
ISSUER_ZH: Mapping[str, str] = {"government": "政府", "office": "政府办公室"}


def category_of(drafted: Act) -> str | None:
    """The table category of a draft: ``normative`` when flagged so, else by ``doc_type``
    (``other`` for a general document); None when ``doc_type`` is outside the vocabulary."""
    if drafted.get("normative") is True:
        return "normative"
    code = DOC_TYPE.resolve(drafted.get("doc_type"))
    return "other" if code == "general" else code


def is_normative(drafted: Act) -> bool | None:
    """Whether a draft is a normative document (规范性文件): ``normative: true`` or a normative
    ``doc_type``; not when ``normative: false`` or its ``doc_type`` is another known type;
    None (cannot tell) when the flag is absent and ``doc_type`` is outside the vocabulary."""
    cat = category_of(drafted)
    if cat == "normative":
        return True
    if drafted.get("normative") is False or cat is not None:
        return False
    return None


def note_unknown_doc_type(ctx: Context, drafted: Act, what_zh: str, what_en: str) -> None:
    ctx.cannot_judge(
        drafted,
        "data.doc_type",
        f"文件类型“{drafted.get('doc_type')}”不在词表中，无法判断{what_zh}",
        f"doc_type {drafted.get('doc_type')!r} is outside the vocabulary: cannot tell {what_en}",
    )


def issuer_kind(org: OrgChart, drafted: Act) -> str:
    """The type of the issuing unit: ``government``, ``office``, ``department``, ``town`` …

    ``drafted.issuer`` may be a unit type word of the contract (``government``, ``office``,
    ``department`` …, or its Chinese name: 县政府, 部门 …) or a unit id. Without it — or with a
    value that is neither — the drafting act's unit is the issuer, so its type is the answer
    (a department drafting for the government — 代拟 — must therefore set ``issuer``). Only a
    drafting unit missing from the org chart leaves ``unknown``.
    """
    issuer = drafted.get("issuer")
    if isinstance(issuer, str) and issuer.strip():
        code = ISSUER.resolve(issuer)
        if code is not None:
            return code
        u = org.units.get(issuer)
        if u is not None:
            return u.type
    u = org.units.get(drafted.unit)
    return u.type if u is not None else "unknown"


def issuer_unit(org: OrgChart, drafted: Act) -> str:
    """The id of the issuing unit (the drafting unit unless ``issuer`` names another)."""
    code = ISSUER.resolve(drafted.get("issuer"))
    if code == "government":
        g = org.government_unit()
        return g.id if g else drafted.unit
    if code == "office":
        o = org.office_unit()
        return o.id if o else drafted.unit
    issuer = drafted.get("issuer")
    if code is None and isinstance(issuer, str) and issuer in org.units:
        return issuer
    return drafted.unit


def known_issuer(ctx: Context, drafted: Act) -> str | None:
    """:func:`issuer_kind`, or None (noted as not judged) when even the drafting unit is unknown."""
    kind = issuer_kind(ctx.org, drafted)
    if kind != "unknown":
        return kind
    ctx.cannot_judge(
        drafted,
        "data.issuer",
        f"发文机关“{drafted.get('issuer') or ''}”及拟稿单位 {drafted.unit} 均无法识别，无法判断发文机关类型",
        f"neither the issuer {drafted.get('issuer')!r} nor the drafting unit {drafted.unit} is known: "
        "cannot tell the issuer's type",
    )
    return None


# ---- signing authority tables -----------------------------------------------------

#: 昌乐 六十: 公文签发权限.
CHANGLE_TABLE: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "government": {
        "report_to_higher": ("head",),  # (一) 报市政府的请示、报告
        "major_policy": ("head",),  # (一) 重大方针、政策
        "npc_motion": ("head",),  # (二) 议案
        "normative": ("head",),  # (二) 行政规范性文件
        "personnel": ("head",),  # (三) 人事任免
        "trip_abroad": ("head",),  # (四) 出国审批
        "routine_approval": ("head",),  # (七) 或县长授权副县长、办公室主任 (written delegation)
        "other": ("head",),  # (五) 分管副县长审签，县长签发
    },
    "office": {
        "normative": ("head",),  # (二) 县政府及其办公室发布的行政规范性文件
        "office_business": ("head", "vice_in_charge"),  # (六) 涉及业务工作
        "office_routine": ("office_director",),  # (六) 办公室日常工作
        "other": ("head", "vice_in_charge", "office_director"),  # (六) type not stated
    },
}
CHANGLE_VETTING: tuple[str, ...] = ("government.other",)

#: 东区 第九十五条: 签发.
DONGQU_TABLE: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "government": {
        "report_to_higher": ("head",),  # (一)1 上报市政府
        "to_congress": ("head",),  # (一)2 报送区人大、区政协，兄弟区重要事项
        "npc_motion": ("head",),  # (一)2
        "normative": ("head",),  # (一)3
        "state_assets": ("head",),  # (一)4
        "meeting_minutes": ("head",),  # (一)5
        "review_decision": ("head",),  # (一)6
        "important": ("head",),  # (一)7
        "other": ("vice_in_charge",),  # (二)1 分管副区长职责范围内
    },
    "office": {
        "office_business": ("vice_in_charge", "office_director"),  # (二)2 政务类
        "office_routine": ("office_director",),  # (二)2 事务类函件
        "other": ("vice_in_charge", "office_director"),
    },
}
DONGQU_VETTING: tuple[str, ...] = tuple(
    f"government.{c}"
    for c in (
        "report_to_higher",
        "to_congress",
        "npc_motion",
        "normative",
        "state_assets",
        "meeting_minutes",
        "review_decision",
        "important",
    )
)

#: 沂源 第九条: 办文程序 (the county leaders' roles read onto the government's posts).
YIYUAN_TABLE: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "government": {
        "report_to_higher": ("head",),  # 向上级的重要工作报告和请示 → 主要领导签发
        "major_document": ("head",),  # 常委会议讨论通过的重要文件 → 主要领导（或其委托）
        "joint": ("head",),  # 县委县政府联合发文: 分管领导签署意见后，主要领导签发
        "other": ("vice_in_charge", "head"),  # 视情况报分管领导和主要领导签发
    },
    "office": {
        "other": ("office_director", "vice_in_charge", "head"),  # 办公室主任签发；需要时报分管/主要领导
    },
}
YIYUAN_VETTING: tuple[str, ...] = ("government.joint",)


def _freeze(table: Mapping[str, Mapping[str, tuple[str, ...]]]) -> dict[str, dict[str, tuple[str, ...]]]:
    return {k: dict(v) for k, v in table.items()}


def table_params(table: Mapping[str, Mapping[str, tuple[str, ...]]], vetting: Sequence[str]) -> dict[str, Any]:
    """The citation parameters of one pack's table."""
    return {"table": _freeze(table), "vetting": tuple(vetting), "head_signs_any": True}


# ---- roles against the org chart ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoleCheck:
    """Whether a person fills one of the roles at a time, and through which delegation."""

    ok: bool
    role: str | None = None
    delegated_from: str | None = None


def doc_units(org: OrgChart, drafted: Act) -> list[str]:
    """The units a draft concerns: its concerned units, and the drafting unit unless that is
    the government or its office (which draft for every area, 代拟 aside)."""
    units: list[str] = []
    u = org.units.get(drafted.unit)
    if u is None or u.type not in ("government", "office"):
        units.append(drafted.unit)
    for c in drafted.get("concerned_units") or ():
        if c not in units:
            units.append(c)
    return units


def vice_in_charge_posts(org: OrgChart, drafted: Act, at: datetime, *, fallback: bool = True) -> list[str]:
    """Posts of the vice heads in charge (分管) of the draft's areas or units at ``at``.

    With ``fallback``, when the chart names nobody in charge of them, every vice head counts
    (the chart cannot say who is in charge; the check then only excludes people who are no
    vice head at all).
    """
    posts: list[str] = []
    found = [p for a in drafted.get("areas") or () for p in org.in_charge(at, area=a)]
    found += [p for u in doc_units(org, drafted) for p in org.in_charge(at, unit=u)]
    for p in found:
        post = org.posts.get(p)
        if post is not None and post.rank in VICE_RANKS and p not in posts:
            posts.append(p)
    if not posts and fallback:
        posts = [p.id for p in org.posts.values() if p.rank in VICE_RANKS]
    return posts


def role_posts(org: OrgChart, role: str, drafted: Act | None, at: datetime, unit: str | None = None) -> list[str]:
    """The posts that fill ``role`` at ``at``."""
    if role == "head":
        hp = org.head_post()
        return [hp.id] if hp else []
    if role == "vice_in_charge":
        if drafted is None:
            return [p.id for p in org.posts.values() if p.rank in VICE_RANKS]
        return vice_in_charge_posts(org, drafted, at)
    if role == "vice_head":
        return [p.id for p in org.posts.values() if p.rank in VICE_RANKS]
    if role == "office_director":
        office = org.office_unit()
        return [
            p.id for p in org.posts.values() if p.rank == "office_director" and (office is None or p.unit == office.id)
        ]
    if role == "unit_head":
        if unit is None:
            return []
        hp = org.principal_head_post(unit)
        return [hp.id] if hp else []
    if role in org.posts:  # a table may name a post directly
        return [role]
    return []


def fills_role(
    org: OrgChart,
    person: str,
    roles: Iterable[str],
    at: datetime,
    *,
    drafted: Act | None = None,
    unit: str | None = None,
    scopes: Sequence[str] = ("sign",),
) -> RoleCheck:
    """Whether ``person`` holds a post filling one of ``roles`` at ``at``, directly or by a
    written delegation (scope in ``scopes`` or ``all``) from such a post."""
    held = [p.id for p in org.posts_of(person, at)]
    roles = list(roles)
    for role in roles:
        if any(p in held for p in role_posts(org, role, drafted, at, unit)):
            return RoleCheck(True, role)
    for role in roles:
        for p in role_posts(org, role, drafted, at, unit):
            for q in held:
                if any(org.delegated(p, q, s, at) for s in scopes):
                    return RoleCheck(True, role, p)
    return RoleCheck(False)


def who(org: OrgChart, person: str | None, at: datetime) -> str:
    """'p-vh1（副县长）' for messages."""
    if not person:
        return "（未记录）"
    name = org.people.get(person, person)
    post = org.post_of(person, at)
    return f"{name}（{post.title}）" if post else name


def roles_zh(roles: Iterable[str], org: OrgChart | None = None) -> str:
    out = []
    for r in roles:
        if r in ROLE_ZH:
            out.append(ROLE_ZH[r])
        elif org is not None and r in org.posts:
            out.append(org.posts[r].title)
        else:
            out.append(r)
    return "或".join(out)


# ---- the DOC family's small helpers -------------------------------------------------

#: Marks that only show a leader has read a document (圈阅), not an explicit opinion.
READ_MARKS = ("", "○", "〇", "圈", "圈阅", "划圈", "阅", "已阅", "已阅知", "阅知", "签阅", "read")


def day_end(dt: datetime, ctx: Context) -> datetime:
    return end_of_day(local_date(dt, ctx.cal.tz), ctx.cal.tz)


def deadline_value(v: object, ctx: Context) -> datetime | None:
    """A deadline field; a bare date (midnight) means the end of that day."""
    if not isinstance(v, datetime):
        return None
    if v.astimezone(ctx.cal.tz).time() == time(0, 0):
        return day_end(v, ctx)
    return v


def title_of(c: Case) -> str:
    first = c.first("drafted", "received")
    t = first.get("title") if first else None
    return f"「{t}」" if t else c.id


def is_addressee(org: OrgChart, to: object, person: str, at: datetime) -> bool:
    if not isinstance(to, str) or not to:
        return False
    return to == person or any(p.id == to for p in org.posts_of(person, at))


def person_of(org: OrgChart, to: object, at: datetime) -> str | None:
    """The person an addressee (post or person id) meant at ``at``."""
    if not isinstance(to, str) or not to:
        return None
    if to in org.posts:
        return org.holder(to, at)
    return to if to in org.people else None


def is_classified(c: Case, act: Act) -> bool | None:
    """Whether a destroyed document is classified (涉密): the act's ``classified`` flag, else the
    case's ``classification`` (absent = not classified); None when that value is outside the
    vocabulary (秘密/机密/绝密, or a word for not classified)."""
    if act.get("classified") is True:
        return True
    if act.get("classified") is False:
        return False
    first = c.first("received", "drafted")
    value = first.get("classification") if first is not None else None
    if value is None or (isinstance(value, str) and not value.strip()):
        return False
    code = CLASSIFICATION.resolve(value)
    return None if code is None else code in CLASSIFIED_CODES


HANDLING_ZH = {
    "in_remit": "职权范围内事项",
    "needs_approval": "需区政府审批事项",
    "multi_unit": "会同相关部门办理事项",
    "urgent": "特急、紧急公文",
}


#: Steps of 第九十一条 / 第九十四条 in order; registered and sealed share a place (第九十八条).
STEPS: tuple[tuple[str, int, str], ...] = (
    ("drafted", 0, "拟稿"),
    ("countersigned", 1, "会审"),
    ("review1", 2, "一级审核（秘书）"),
    ("review2_deputy", 3, "二级审核（副主任）"),
    ("review2_director", 4, "二级审核（办公室主任）"),
    ("signed", 5, "签发"),
    ("proofread", 6, "校对"),
    ("printed", 7, "缮印"),
    ("sealed", 8, "用印"),
    ("registered", 8, "登记"),
    ("distributed", 9, "分发"),
    ("archived", 10, "归档"),
)
STEP_RANK = {s: r for s, r, _ in STEPS}
STEP_ZH = {s: zh for s, _, zh in STEPS}


def step_of(org: OrgChart, a: Act) -> str | None:
    if a.act == "reviewed":
        level = a.get("level")
        rank = org.rank_of(a.by, a.at)
        if level == 1:
            return "review1"
        if level == 2 or (level is None and rank in ("office_deputy", "office_director")):
            return "review2_director" if rank == "office_director" else "review2_deputy"
        return "review1" if level is None else None
    return a.act if a.act in STEP_RANK else None


def other_units(drafted: Act) -> list[str]:
    return [u for u in (drafted.get("concerned_units") or ()) if u != drafted.unit]


ACT_ZH = {
    "submitted_to_office": "送办公室",
    "reviewed": "办公室审核",
    "vetted": "分管领导审签",
    "signed": "签发",
    "distributed": "分发",
}


def signed_in_post(org: OrgChart, a: Act, posts: list[str] | set[str]) -> bool:
    """Whether the person who did ``a`` held one of ``posts`` at the time."""
    return any(p.id in posts for p in org.posts_of(a.by, a.at))


def review_body(org: OrgChart, a: Act) -> str | None:
    """Who reviewed (``legal`` / ``policy_research``): ``body`` read by its vocabulary (None when
    outside it); without ``body``, a 政策研究 unit's act is that office's, any other the legal one."""
    body = a.get("body")
    if isinstance(body, str) and body.strip():
        return REVIEW_BODY.resolve(body)
    u = org.units.get(a.unit)
    return "policy_research" if u is not None and "政策研究" in u.name else "legal"


BODY_ZH = {"legal": "合法性审查（司法局/法制办）", "policy_research": "政策研究机构审查"}


# ---- DOC-SIGNING-AUTHORITY and DOC-SEAL-APPROVAL checks -----------------------------------


def _authority_table(ctx: Context, kind: str) -> dict[str, tuple[str, ...]] | None:
    table = ctx.params.get("table") or {}
    t = table.get(kind)
    return dict(t) if t else None


def _signature_problems(ctx: Context, c: Case, drafted: Act, kind: str, cat: str, s: Act) -> tuple[str, ...]:
    """What is wrong with signature ``s`` if the draft is of category ``cat``: ``signer`` (no
    authority) or ``vetting`` (head-level signature without the vice head in charge's 审签)."""
    table = _authority_table(ctx, kind) or {}
    roles = list(table.get(cat) or table.get("other") or ())
    allowed = list(roles)
    if ctx.params.get("head_signs_any", True) and "head" not in allowed:
        allowed.insert(0, "head")
    chk = fills_role(ctx.org, s.by, allowed, s.at, drafted=drafted)
    if not chk.ok:
        return ("signer",)
    if f"{kind}.{cat}" not in tuple(ctx.params.get("vetting") or ()) or chk.role != "head":
        return ()
    vice_posts = vice_in_charge_posts(ctx.org, drafted, s.at)
    if any(p.id in vice_posts for p in ctx.org.posts_of(s.by, s.at)):
        return ()
    vetted = any(
        v.at <= s.at and fills_role(ctx.org, v.by, ("vice_in_charge",), v.at, drafted=drafted).ok
        for v in c.all("vetted")
    )
    return () if vetted else ("vetting",)


def signing_authority_findings(ctx: Context) -> Iterator[Finding]:
    """The check of DOC-SIGNING-AUTHORITY (see its docstring in :mod:`domain.rules.doc`)."""
    c = ctx.c
    drafted = c.first("drafted")
    if drafted is None:
        return
    kind = known_issuer(ctx, drafted)
    table = _authority_table(ctx, kind) if kind is not None else None
    if kind is None or table is None:
        return
    known = category_of(drafted)
    cat = known if known is None or known in table else "other"
    # A doc_type outside the vocabulary: judged when every row of the table gives the same answer.
    readings = [cat] if cat is not None else sorted({*table, "other"})
    if cat is None:
        what = f"以{ISSUER_ZH.get(kind, kind)}名义制发的文件（类型“{drafted.get('doc_type')}”，按任何类别）"
    else:
        what = f"以{ISSUER_ZH.get(kind, kind)}名义制发的{CATEGORY_ZH.get(cat, cat)}"
    roles = table.get(cat or "other") or ()
    if cat is None:
        roles = tuple(dict.fromkeys(r for rs in table.values() for r in rs))
    for s in c.all("signed"):
        answers = {_signature_problems(ctx, c, drafted, kind, r, s) for r in readings}
        if len(answers) > 1:
            note_unknown_doc_type(ctx, drafted, "签发权限", "the signing authority")
            continue
        problems = answers.pop()
        cat_en = cat or f"doc_type {drafted.get('doc_type')!r}, any category"
        if "signer" in problems:
            claim = "；签发记录称依授权签发，但无相应的书面授权" if s.get("delegation") is True else ""
            yield ctx.finding(
                s.at,
                [drafted, s],
                f"{what}（{c.id}）由 {who(ctx.org, s.by, s.at)} 签发，应由{roles_zh(roles, ctx.org)}签发{claim}",
                f"{c.id} ({kind} {cat_en}) signed by {s.by}, who holds no signing authority for it "
                f"(needs {', '.join(roles)})" + ("; claimed delegation not on record" if claim else ""),
                key=f"signer:{s.id}",
                person=s.by,
                post=(p.id if (p := ctx.org.post_of(s.by, s.at)) else None),
                category=cat or "unknown",
            )
        elif "vetting" in problems:
            yield ctx.finding(
                s.at,
                [drafted, s],
                f"{what}（{c.id}）未经分管副职审签即由 {who(ctx.org, s.by, s.at)} 签发",
                f"{c.id} ({kind} {cat_en}) signed by {s.by} without the vice head in charge vetting it first",
                key=f"vetting:{s.id}",
                person=s.by,
                category=cat or "unknown",
            )


def _seal_approved(ctx: Context, s: Act, personal: bool) -> tuple[bool, str]:
    """Whether seal use ``s`` was approved by an authorized person, reading the seal as the
    head's personal seal or not; with what the pack asks (for the message)."""
    p = ctx.params
    approver = s.get("approved_by")
    roles = tuple(p.get("approvers") or ())
    if personal and p.get("personal_seal_approvers"):
        roles = tuple(p["personal_seal_approvers"])
    if not roles:
        return True, ""
    need_zh = roles_zh(roles, ctx.org)
    if personal and p.get("personal_seal_delegates"):
        need_zh += f"或经授权的{roles_zh(p['personal_seal_delegates'], ctx.org)}"
    ok = bool(approver) and fills_role(ctx.org, approver, roles, s.at, unit=s.unit, scopes=()).ok
    delegates = tuple(p.get("personal_seal_delegates") or ()) if personal else ()
    hp = ctx.org.head_post()
    if not ok and approver and delegates and hp is not None:
        # 县长授权县政府办公室主任: a delegate post holding a written delegation from the head.
        ok = fills_role(ctx.org, approver, delegates, s.at, scopes=()).ok and any(
            ctx.org.delegated(hp.id, q.id, "sign", s.at) for q in ctx.org.posts_of(approver, s.at)
        )
    return ok, need_zh


def seal_approval_findings(ctx: Context) -> Iterator[Finding]:
    """The check of DOC-SEAL-APPROVAL (see its docstring in :mod:`domain.rules.doc`)."""
    c = ctx.c
    p = ctx.params
    for s in c.all("sealed"):
        seal = s.get("seal")
        code = SEAL.resolve(seal) if isinstance(seal, str) and seal.strip() else "unit"
        readings = [code == "head_personal"] if code is not None else [False, True]
        results = {personal: _seal_approved(ctx, s, personal) for personal in readings}
        if len({ok for ok, _ in results.values()}) > 1:
            ctx.cannot_judge(
                s,
                "data.seal",
                f"印章“{seal}”不在词表中，无法判断是否为县（区）长个人印章及其批准人",
                f"seal {seal!r} is outside the vocabulary: cannot tell whether it is the head's personal seal",
            )
        else:
            personal = readings[0]
            ok, need_zh = results[personal]
            approver = s.get("approved_by")
            if not ok:
                seal_zh = "县长（区长）个人印章" if personal else "印章"
                by_zh = f"经 {who(ctx.org, approver, s.at)} 批准" if approver else "无批准人记录"
                yield ctx.finding(
                    s.at,
                    [s],
                    f"{title_of(c)} 使用{seal_zh}{by_zh}，应经{need_zh}批准",
                    f"Seal on {c.id} used without approval by an authorized person (approved_by={approver})",
                    key=f"approval:{s.id}",
                    person=approver or s.by,
                )
        signed = [a for a in c.all("signed") if a.at <= s.at]
        signers = tuple(p.get("signed_by") or ())
        if signers:
            signed = [a for a in signed if fills_role(ctx.org, a.by, signers, a.at).ok]
        if not signed:
            yield ctx.finding(
                s.at,
                [x for x in (c.first("drafted"), s) if x is not None],
                f"{title_of(c)} 未经" + (f"{roles_zh(signers, ctx.org)}签字" if signers else "签发") + "即用印",
                f"Seal used on {c.id} before the document was signed"
                + (f" by {', '.join(signers)}" if signers else ""),
                key=f"unsigned:{s.id}",
                person=s.by,
            )
        if p.get("registered_first") and not any(a.at <= s.at for a in c.all("registered")):
            reg = c.first("registered")
            yield ctx.finding(
                s.at,
                [s, *([reg] if reg else [])],
                f"{title_of(c)} 未经机要秘书登记即用印（登记方可用印）",
                f"Seal used on {c.id} before the document was registered",
                key=f"unregistered:{s.id}",
                person=s.by,
            )

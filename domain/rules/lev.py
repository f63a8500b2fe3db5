"""LEV — 请销假 (leave and official travel).

Sources: changle-2022:七、八十三; dongqu-2012:第一百三十八条; yiyuan:第十六条;
standardization:篇一(五)3.

Shared readings (every rule below):

- **The requester** (请假人) is the ``requested`` act's ``person`` (optional field added to the
  kind, for a request typed in by a secretary) or else its ``by``. Their **post** is the one
  they held at the request's time (org chart as of then, highest rank first); approvers'
  posts are read at the time of their own act.
- **Categories** from that post: ``head`` (县长/区长), ``vice_head`` (常务副职 and 副职 of the
  government), ``office_director`` (政府办公室主任), ``dept_head`` (a department's principal
  head), ``town_head`` (a town's principal head: 镇长 or 党委书记), ``deputy`` (a department's,
  town's or office's deputy), ``staff`` (everyone else); ``staff_personal`` is ``staff`` on
  personal business.
- **Personal business** (因私, yiyuan 第十六条's 私事): the ``reason`` says so by the
  vocabulary :data:`domain.kinds.leave.REASON` (事假, 因私, 私事, 个人事务, 家事 …), whether or
  not a ``personal`` flag is there; otherwise the ``personal`` flag (an optional field the
  contract does not have) decides; otherwise a reason that says official business (出差,
  会议, 培训 …) or statutory leave (年休假, 病假 …) is not personal. A leave with neither flag
  nor a readable reason cannot be told: every rule whose answer depends on it judges both
  readings, keeps the answer when they agree, and otherwise reports the leave as not judged
  (field ``data.reason``).
- **Days**: a leave on one date counts its hours over ``hours_per_day`` (8); a leave over
  several dates counts the calendar dates it spans (Friday–Monday = 4 days; an ``end`` at
  midnight belongs to the day before). The seeds never say working days, and an absence over
  a weekend is still an absence from the post.
- **Taken**: a leave is judged only once it was approved or taken (an ``approved``,
  ``departed``, ``returned`` or ``return_reported`` act exists). A request with none of these
  is pending or was refused — the contract has no "refused" act — and owes nothing yet;
  a withdrawn request should be retracted.
- The leave's **period** runs from ``departed`` (else ``start``) to ``returned`` (else ``end``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from fractions import Fraction
from itertools import pairwise
from typing import Any, Literal, TypeVar

from domain.acts import Act
from domain.kinds.leave import OFFICE, REASON
from domain.org import UNIT_HEAD_RANKS, VICE_RANKS, OrgChart, Post
from domain.rules.base import Case, Context, Finding, Obligation, Rule, cite, rule, with_obligations
from domain.rules.templates import Due, deadline_findings, deadline_obligations, deadline_rule
from domain.timeutil import format_datetime, local_date

T = TypeVar("T")

CATEGORY_ZH = {
    "head": "县（区）长",
    "vice_head": "副县（区）长",
    "office_director": "政府办公室主任",
    "dept_head": "部门主要负责人",
    "town_head": "乡镇（街道）主要负责人",
    "deputy": "单位副职",
    "staff": "工作人员",
    "staff_personal": "因私请假的工作人员",
}
ROLE_ZH = {
    "head": "县（区）长",
    "in_charge": "分管领导",
    "unit_head": "本单位主要负责人",
    "unit_or_division_head": "单位或处（科）室负责人",
    "political_dept": "政治处",
    "bureau_leader": "局领导",
}
ACT_ZH = {"agreed": "同意", "approved": "批准", "reviewed": "审核"}
OFFICE_ZH = {"gov_office": "政府办公室", "party_office": "党委办公室", "org_dept": "组织部"}
SCOPE_ZH = {"in_city": "市内", "out_of_city": "离市", "out_of_province": "出省", "abroad": "出国（境）"}
COMPONENT_CATEGORIES = ("vice_head", "office_director", "dept_head", "town_head")
UNIT_TYPES = ("department", "town", "office")


# ---- helpers (candidates for shared code) -------------------------------------------------
@dataclass(frozen=True, slots=True)
class Leave:
    """What the LEV rules read of one leave case."""

    request: Act
    person: str
    post: Post | None
    category: str | None
    start: datetime
    end: datetime
    #: On personal business (因私); None when neither the reason nor a flag says.
    personal: bool | None

    @property
    def unit(self) -> str | None:
        return self.post.unit if self.post else None


def leave_of(c: Case, org: OrgChart) -> Leave | None:
    """The leave's request, requester, post and category; None when there is no request."""
    req = c.first("requested")
    if req is None:
        return None
    start, end = req.get("start"), req.get("end")
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        return None
    person = req.get("person") or req.by
    post = org.post_of(person, req.at)
    personal = personal_of(req)
    return Leave(req, person, post, category_of(org, post, personal), start, end, personal)


def personal_of(req: Act) -> bool | None:
    """Whether a leave is on personal business (see the module docstring), or None."""
    reason = req.get("reason")
    said = REASON.matches(reason) if isinstance(reason, str) else []
    if "personal" in said:
        return True
    flag = req.get("personal")
    if isinstance(flag, bool):
        return flag
    return False if said else None


def readings(org: OrgChart, lv: Leave) -> list[Leave]:
    """The leave as it reads: itself, or — when it cannot be told whether it is personal —
    both readings (not personal, personal)."""
    if lv.personal is not None:
        return [lv]
    return [replace(lv, personal=p, category=category_of(org, lv.post, p)) for p in (False, True)]


def by_reading(ctx: Context, lv: Leave, judge: Callable[[Leave], list[T]], sig: Callable[[T], Any]) -> list[T]:
    """``judge`` the leave under each of its :func:`readings`: the answer when they agree (``sig``
    says what an item decides; None = nothing), else nothing, and the leave is reported as not
    judged (its reason does not say whether it is personal)."""
    results = [judge(r) for r in readings(ctx.org, lv)]
    if len({tuple(k for x in res if (k := sig(x)) is not None) for res in results}) == 1:
        return results[0]
    reason = lv.request.get("reason")
    ctx.cannot_judge(
        lv.request,
        "data.reason",
        f"请假事由“{reason or ''}”未说明是否因私（且无 personal 标记），因私与否结论不同，无法判断",
        f"the reason {reason!r} does not say whether the leave is personal (no personal flag), "
        "and the answer depends on it",
        value=reason or "",
    )
    return []


def _finding_sig(f: Finding) -> Any:
    return f.key


def _due_sig(d: Due) -> Any:
    """What a due obligation decides: nothing when answered in time, else its key and time."""
    if d.response is not None and d.response.at <= d.due:
        return None
    return (d.key, d.due, d.response.id if d.response is not None else None)


def category_of(org: OrgChart, post: Post | None, personal: bool | None = False) -> str | None:
    if post is None:
        return None
    unit = org.units.get(post.unit)
    utype = unit.type if unit else None
    if post.rank == "head":
        return "head"
    if post.rank in VICE_RANKS:
        return "vice_head"
    if post.rank == "office_director":
        return "office_director"
    if post.rank == "dept_head" and utype in UNIT_TYPES:
        return "town_head" if utype == "town" else "dept_head"
    if post.rank in ("dept_deputy", "office_deputy") and utype in UNIT_TYPES:
        return "deputy"
    return "staff_personal" if personal else "staff"


def leave_days(start: datetime, end: datetime, tz: Any, hours_per_day: float = 8) -> Fraction:
    """Days of leave: hours / ``hours_per_day`` on one date, else the calendar dates spanned."""
    if end <= start:
        return Fraction(0)
    d0 = local_date(start, tz)
    d1 = local_date(end - timedelta(microseconds=1), tz)
    if d0 == d1:
        hours = Fraction(int((end - start).total_seconds()), 3600)
        return min(Fraction(1), hours / Fraction(hours_per_day).limit_denominator())
    return Fraction((d1 - d0).days + 1)


def is_taken(c: Case) -> bool:
    """Approved or taken (see the module docstring)."""
    return c.has("approved", "departed", "returned", "return_reported")


def period(c: Case, lv: Leave) -> tuple[datetime, datetime]:
    dep, ret = c.first("departed"), c.last("returned")
    return (dep.at if dep else lv.start), (ret.at if ret else lv.end)


def in_scope(ctx: Context, lv: Leave, params: Mapping[str, Any] | None = None) -> bool:
    """Whether the pack's clause covers this leave: its ``categories`` and yiyuan's ``min_days``.

    ``min_days`` (yiyuan: 参加会议、出差2天以上) applies to every category but
    ``staff_personal``, and excludes personal leave of those categories (the clause is
    about meetings and business trips).
    """
    p = ctx.params if params is None else params
    cats = p.get("categories")
    if cats is not None and lv.category not in cats:
        return False
    min_days = p.get("min_days")
    if min_days is not None and lv.category != "staff_personal":
        if lv.personal:
            return False
        if leave_days(lv.start, lv.end, ctx.org.tz, p.get("hours_per_day", 8)) < Fraction(min_days):
            return False
    return True


def name(org: OrgChart, person: str, at: datetime) -> str:
    post = org.post_of(person, at)
    who = org.people.get(person, person)
    return f"{post.title}{who}" if post else who


def _dept_of(org: OrgChart, unit: str | None) -> str | None:
    u = org.units.get(unit or "")
    if u is not None and u.type == "division" and u.parent:
        return u.parent
    return unit


def _holds(org: OrgChart, person: str, at: datetime, pred: Any) -> bool:
    return any(pred(p) for p in org.posts_of(person, at))


def fits(org: OrgChart, role: str, actor: str, at: datetime, lv: Leave) -> bool:
    """Whether ``actor`` fills ``role`` for this leave at ``at`` (the act's own time)."""
    if actor == lv.person:
        return False
    if role == "head":
        hp = org.head_post()
        if hp is None:
            return False
        return org.holder(hp.id, at) == actor or any(
            org.delegated(hp.id, p.id, "all", at) for p in org.posts_of(actor, at)
        )
    if role == "in_charge":
        posts = {p for u in {lv.unit, _dept_of(org, lv.unit)} if u for p in org.in_charge(at, unit=u)}
        if not posts:  # nobody in charge on record: any vice head is taken as in charge
            return _holds(org, actor, at, lambda p: p.rank in VICE_RANKS)
        return _holds(org, actor, at, lambda p: p.id in posts)
    if role == "unit_head":
        return _holds(org, actor, at, lambda p: p.unit == lv.unit and p.rank in UNIT_HEAD_RANKS)
    if role == "unit_or_division_head":
        dept = _dept_of(org, lv.unit)
        near = {lv.unit, dept} | {u.id for u in org.units.values() if u.parent == dept and u.type == "division"}
        return _holds(org, actor, at, lambda p: p.unit in near and p.rank in UNIT_HEAD_RANKS)
    if role == "political_dept":
        return _holds(org, actor, at, lambda p: p.rank == "political_dept")
    if role == "bureau_leader":
        dept = _dept_of(org, lv.unit)
        return _holds(org, actor, at, lambda p: p.unit == dept and p.rank in ("dept_head", "dept_deputy"))
    return False


def chain_check(ctx: Context, c: Case, lv: Leave, steps: Sequence[str]) -> tuple[list[str], list[str], list[Act]]:
    """Problems (zh, en) with a chain of ``"act:role"`` steps, and the acts that show them.

    Each step is filled by the first act of its name done by someone in the role (post at
    the act's time); steps must come in order. An act of the step's name by someone else is
    named in the problem ("approved by the vice head instead of the head").
    """
    zh: list[str] = []
    en: list[str] = []
    ev: list[Act] = []
    prev: tuple[Act, str] | None = None
    for step in steps:
        act, _, role = step.partition(":")
        cands = c.all(act)
        match = next((a for a in cands if fits(ctx.org, role, a.by, a.at, lv)), None)
        role_zh, act_zh = ROLE_ZH.get(role, role), ACT_ZH.get(act, act)
        hp = ctx.org.head_post()
        if role == "head" and hp is not None:
            role_zh = hp.title
        if match is None:
            wrong = [a for a in cands if a.by != lv.person]
            if wrong:
                w = wrong[0]
                ev.append(w)
                zh.append(f"由{name(ctx.org, w.by, w.at)}{act_zh}，而非{role_zh}")
                en.append(f"{act} by {w.by}, not by the {role}")
            else:
                zh.append(f"缺少{role_zh}{act_zh}")
                en.append(f"no {act} by the {role}")
            continue
        ev.append(match)
        if prev is not None and match.at < prev[0].at:
            zh.append(f"{role_zh}{act_zh}在{prev[1]}之前")
            en.append(f"{act} by the {role} came before the previous step")
        prev = (match, f"{role_zh}{act_zh}")
    return zh, en, ev


def office_code(org: OrgChart, value: Any) -> str | None:
    """``filed.office`` as gov_office / party_office / org_dept (absent: the government office),
    by the vocabulary :data:`domain.kinds.leave.OFFICE`; None when it names none of them.

    The government office's unit id is ``gov_office``; another unit's id is read by its name.
    """
    if value is None or value == "":
        return "gov_office"
    s = str(value)
    off = org.office_unit()
    if off is not None and s == off.id:
        return "gov_office"
    if s in org.units:
        s = org.units[s].name
    return OFFICE.resolve(s)


def filing(ctx: Context, c: Case, codes: Sequence[str]) -> Act | Literal[False] | None:
    """The first ``filed`` act with one of the offices ``codes``; else False when some filing
    names an office outside the vocabulary (it may be that one: noted as not judged), else None."""
    filed = c.all("filed")
    hit = next((a for a in filed if office_code(ctx.org, a.get("office")) in codes), None)
    if hit is not None:
        return hit
    unread = [a for a in filed if office_code(ctx.org, a.get("office")) is None]
    for a in unread:
        names = "、".join(OFFICE_ZH.get(x, x) for x in codes)
        ctx.cannot_judge(
            a,
            "data.office",
            f"备案机关“{a.get('office')}”不在词表中，无法判断是否已报{names}备案",
            f"office {a.get('office')!r} is outside the vocabulary: cannot tell whether the leave was filed "
            f"with {', '.join(codes)}",
        )
    return False if unread else None


def _leave_due_base(c: Case, lv: Leave) -> datetime:
    """The moment "beforehand" ends: the planned start, or an earlier departure."""
    dep = c.first("departed")
    return min(lv.start, dep.at) if dep is not None else lv.start


def _who(ctx: Context, lv: Leave) -> str:
    return name(ctx.org, lv.person, lv.request.at)


def _fmt(dt: datetime) -> str:
    return format_datetime(dt)


# ---- LEV-APPROVAL-CHAIN ---------------------------------------------------------------------
@rule(
    "LEV-APPROVAL-CHAIN",
    severity="high",
    zh="请假审批程序不符合规定",
    en="Leave not approved by the right people in order",
    kinds=("leave",),
    reads=("leave.requested.reason",),
    cites={
        "changle-2022": cite(
            "八十三",
            chains={
                "vice_head": ("approved:head",),
                "office_director": ("approved:head",),
                "town_head": ("approved:head",),
                "dept_head": ("agreed:in_charge", "approved:head"),
            },
        ),
        "dongqu-2012": cite(
            "第一百三十八条",
            chains={
                "vice_head": ("approved:head",),
                "office_director": ("agreed:in_charge", "approved:head"),
                "dept_head": ("agreed:in_charge", "approved:head"),
                "town_head": ("agreed:in_charge", "approved:head"),
                "deputy": ("agreed:unit_head", "approved:in_charge"),
            },
        ),
        "yiyuan": cite(
            "第十六条",
            chains={
                "office_director": ("approved:head",),
                "dept_head": ("approved:head",),
                "town_head": ("approved:head",),
                "deputy": ("approved:in_charge",),
                "staff_personal": ("approved:unit_or_division_head",),
            },
            min_days=2,
        ),
    },
)
def lev_approval_chain(ctx: Context) -> Iterator[Finding]:
    """请假审批链。

    changle-2022 八十三：副县长、县政府办公室主任外出（出访）、休假，应事前报县长同意……各镇
    （街、区）……主要负责人外出（出访）、休假，须报县长审批；县政府各部门主要负责人外出（出访）、
    休假，须经分管副县长同意后报县长审批。 — vice heads and the office director: the head
    approves; towns' principal heads: the head approves (no vice head in between); departments'
    principal heads: the vice head in charge agrees, then the head approves. changle says
    nothing of deputies or staff: not checked there (the catalog's "deputy → unit head, vice
    head in charge" is dongqu's text).

    dongqu-2012 第一百三十八条：副区长请假，须经区长批准；区政府各部门主要负责人、各街道办事处
    主任、银江镇政府镇长请假，须经区政府分管领导同意，报区长批准；……副职请假，须经本单位主要
    负责人同意，报区政府分管领导批准。 — vice heads: the head; principal heads of departments,
    streets and the town (the government office counts as a department here): in charge
    agrees, head approves; deputies: own unit's principal head agrees, in charge approves.
    区长 (by the city's Party organisation department) is out of the ledger's reach.

    yiyuan 第十六条：乡镇、县直部门单位主要负责人参加会议、出差2天以上，应事前向县委县政府主要
    领导请假，乡镇、县直部门单位副职要向县委县政府分管领导请假……机关工作人员因私事不能正常工作
    的，必须向单位或科室负责人请假。 — principal heads' trips of ``min_days`` (2) or more:
    the head (the 县委书记 is not in the government's org chart); deputies' (same length):
    the leader in charge; personal leave of staff: their unit's or division's head. County
    leaders' trips are LEV-TRAVEL-SCOPE's.

    The chains are data (``chains``: category → ``"act:role"`` steps). Roles are checked
    against the approver's post at the act's time: ``head`` is the holder of the head post
    (or a post the head delegated ``all`` to); ``in_charge`` a holder of a post in charge of
    the requester's unit (any vice head when the org chart names nobody); ``unit_head`` a
    principal head of the requester's unit. Judged once the leave is approved or taken;
    one finding per leave listing every gap (missing step, wrong person, wrong order).
    A leave taken with no approval at all is flagged here (nobody approved) and, where the
    pack has it, by LEV-PRIOR-APPROVAL (it left without approval): two clauses, two facts.
    """
    lv = leave_of(ctx.c, ctx.org)
    if lv is None or not is_taken(ctx.c):
        return
    yield from by_reading(ctx, lv, lambda r: list(_approval_chain(ctx, r)), _finding_sig)


def _approval_chain(ctx: Context, lv: Leave) -> Iterator[Finding]:
    chains = ctx.params.get("chains") or {}
    steps = chains.get(lv.category or "")
    if not steps or not in_scope(ctx, lv):
        return
    zh, en, ev = chain_check(ctx, ctx.c, lv, steps)
    if not zh:
        return
    at = max([a.at for a in ev] + [lv.request.at])
    yield ctx.finding(
        at,
        [lv.request, *ev],
        f"{_who(ctx, lv)}的请假（{CATEGORY_ZH.get(lv.category or '', '')}）审批程序不符：" + "；".join(zh),
        f"leave of {lv.person} ({lv.category}) not approved as required: " + "; ".join(en),
        key="chain",
        person=lv.person,
        post=lv.post.id if lv.post else None,
        category=lv.category,
        steps=list(steps),
    )


# ---- LEV-PRIOR-APPROVAL ---------------------------------------------------------------------
@rule(
    "LEV-PRIOR-APPROVAL",
    severity="high",
    zh="未经批准先行离岗",
    en="Leave started before it was approved",
    kinds=("leave",),
    reads=("leave.requested.reason",),
    cites={
        "changle-2022": cite("八十三", categories=COMPONENT_CATEGORIES),
        "yiyuan": cite(
            "第十六条",
            categories=("office_director", "dept_head", "town_head", "deputy", "staff_personal"),
            min_days=2,
        ),
    },
)
def lev_prior_approval(ctx: Context) -> Iterator[Finding]:
    """事前请假，经批准后方可成行。

    changle-2022 八十三：……经批准后方可成行 (for 副县长、办公室主任、镇和部门主要负责人);
    yiyuan 第十六条：……应事前向……请假 (unit heads' and deputies' trips of 2+ days; staff's
    personal leave "必须向……请假"). — The leave must not start before its ``approved`` act.
    The start is the ``departed`` act, or the leave's planned ``start`` when no departure is
    recorded. Flagged: approval after the start (stored and flagged, never refused), or a
    leave taken (``departed``/``returned``/``return_reported``) with no approval at all.
    A request with neither approval nor any sign of being taken is pending: nothing yet.
    Which approval: the first ``approved`` act in the case (who approved is
    LEV-APPROVAL-CHAIN's question, not this one's).
    """
    lv = leave_of(ctx.c, ctx.org)
    if lv is None:
        return
    yield from by_reading(ctx, lv, lambda r: list(_prior_approval(ctx, r)), _finding_sig)


def _prior_approval(ctx: Context, lv: Leave) -> Iterator[Finding]:
    if not in_scope(ctx, lv):
        return
    dep = ctx.c.first("departed")
    appr = ctx.c.first("approved")
    start = dep.at if dep is not None else lv.start
    start_zh = f"{_fmt(start)} 离岗" if dep is not None else f"请假开始（{_fmt(start)}）"
    if appr is None:
        if not ctx.c.has("departed", "returned", "return_reported"):
            return
        ev = [lv.request] + [a for a in (dep, ctx.c.first("returned")) if a is not None]
        yield ctx.finding(
            start,
            ev,
            f"{_who(ctx, lv)}未经批准即外出（{start_zh}），无批准记录",
            f"{lv.person} left on leave ({_fmt(start)}) with no approval on record",
            key="prior",
            person=lv.person,
            post=lv.post.id if lv.post else None,
        )
        return
    if appr.at <= start:
        return
    ev = [lv.request, appr] + ([dep] if dep is not None else [])
    yield ctx.finding(
        appr.at,
        ev,
        f"{_who(ctx, lv)}先行外出后补批：{start_zh}，{_fmt(appr.at)} 才批准",
        f"{lv.person} left at {_fmt(start)} before the approval at {_fmt(appr.at)}",
        key="prior",
        person=lv.person,
        post=lv.post.id if lv.post else None,
    )


# ---- LEV-FILED-WITH-OFFICE ------------------------------------------------------------------
def _filed_dues(ctx: Context, lv: Leave) -> list[Due]:
    offices = (ctx.params.get("offices") or {}).get(lv.category or "")
    if not offices or not is_taken(ctx.c):
        return []
    due = _leave_due_base(ctx.c, lv)
    out = []
    for code in offices:
        resp = filing(ctx, ctx.c, (code,))
        if resp is False:
            continue  # an unreadable office may be this one: not judged
        o_zh = OFFICE_ZH.get(code, code)
        out.append(
            Due(
                lv.request,
                due,
                resp,
                f"{_who(ctx, lv)}请假报{o_zh}备案（应于离岗前）",
                f"filing of {lv.person}'s leave with the {code} (before leaving)",
                key=f"office:{code}",
                person=lv.person,
            )
        )
    return out


@rule(
    "LEV-FILED-WITH-OFFICE",
    severity="low",
    zh="请假未事前书面报办公室备案",
    en="Leave not filed with the office beforehand",
    kinds=("leave",),
    reads=("leave.filed.office",),
    cites={
        "changle-2022": cite("八十三", offices={c: ("gov_office",) for c in COMPONENT_CATEGORIES}, written=True),
        "dongqu-2012": cite(
            "第一百三十八条",
            offices={
                "vice_head": ("gov_office",),
                "office_director": ("org_dept", "party_office", "gov_office"),
                "dept_head": ("org_dept", "party_office", "gov_office"),
                "town_head": ("org_dept", "party_office", "gov_office"),
                "deputy": ("org_dept", "gov_office"),
            },
        ),
    },
)
def _lev_filed_with_office(ctx: Context) -> Iterator[Finding]:
    """请假报办公室备案。

    changle-2022 八十三：外出（出访）、休假，原则上须提前书面报县政府办公室，由县政府办公室按程序
    报批。 — for 县政府组成人员 (vice heads, the office director, towns' and departments'
    principal heads): a ``filed`` act with the government office before the leave starts,
    and the request in writing: ``requested.written: false`` is flagged (key ``written``;
    absent = unknown, not flagged).

    dongqu-2012 第一百三十八条：副区长请假……报区政府办公室备案；……主要负责人……报区委组织部、
    区委办公室、区政府办公室备案；……副职……报区委组织部、区政府办公室备案。 — one ``filed``
    act per office the pack names for the requester (``offices``: category → codes).
    dongqu does not say when; the leave's start is used as for changle (a 备案 of an absence
    is for the time of the absence).

    ``filed.office`` is read as ``gov_office`` / ``party_office`` / ``org_dept`` (codes), the
    government office's unit id, or a name containing 政府办 / 委办 / 组织部; absent = the
    government office. A deadline rule: each office's filing is owed by the start (the
    departure if earlier); the clock records it missing, a late filing is flagged late.
    Judged once the leave is approved or taken.
    """
    lv = leave_of(ctx.c, ctx.org)
    if lv is None:
        return
    yield from deadline_findings(ctx, _filed_dues(ctx, lv))
    if (
        ctx.params.get("written")
        and lv.request.get("written") is False
        and lv.category in (ctx.params.get("offices") or {})
        and is_taken(ctx.c)
    ):
        yield ctx.finding(
            lv.request.at,
            [lv.request],
            f"{_who(ctx, lv)}未书面请假（应提前书面报政府办公室）",
            f"{lv.person}'s leave was not requested in writing",
            key="written",
            person=lv.person,
        )


@with_obligations(_lev_filed_with_office)
def lev_filed_with_office(ctx: Context) -> Iterator[Obligation]:
    lv = leave_of(ctx.c, ctx.org)
    if lv is None:
        return iter(())
    return deadline_obligations(ctx, _filed_dues(ctx, lv))


# ---- LEV-RETURN-REPORT ----------------------------------------------------------------------
@deadline_rule(
    "LEV-RETURN-REPORT",
    severity="medium",
    zh="返岗后未及时销假",
    en="Return from leave not reported in time",
    kinds=("leave",),
    reads=("leave.requested.reason",),
    cites={
        "yiyuan": cite(
            "第十六条",
            working_days=1,
            categories=("office_director", "dept_head", "town_head", "deputy"),
            min_days=2,
        ),
        "standardization": cite("篇一(五)3", working_days=1),
    },
)
def lev_return_report(ctx: Context) -> Iterator[Due]:
    """销假。

    yiyuan 第十六条：参会、出差返回后要及时销假 (unit heads' and deputies' meetings and trips of
    2+ days); standardization 篇一(五)3：落实请销假制度……请销假报告单 (everyone). — The
    catalog's "及时" limit: a ``return_reported`` act within ``working_days`` (1) working day
    of the leave's end (official calendar; the end of that working day). The end is the
    ``returned`` act when it came before the planned ``end`` (back early: report then),
    else the planned end (an overstay does not push the limit back). Owed once the leave is
    approved or taken; the clock records a missing 销假, a late one is flagged late.
    """
    lv = leave_of(ctx.c, ctx.org)
    if lv is None or not is_taken(ctx.c):
        return
    yield from by_reading(ctx, lv, lambda r: list(_return_dues(ctx, r)), _due_sig)


def _return_dues(ctx: Context, lv: Leave) -> Iterator[Due]:
    if not in_scope(ctx, lv):
        return
    ret = ctx.c.first("returned")
    trigger, end = lv.request, lv.end
    if ret is not None and ret.at < lv.end:
        trigger, end = ret, ret.at
    due = ctx.cal.deadline_after(end, ctx.params.get("working_days", 1))
    resp = ctx.c.first("return_reported")
    yield Due(
        trigger,
        due,
        resp,
        f"{_who(ctx, lv)}销假（请假止于 {_fmt(end)}）",
        f"{lv.person}'s return report (leave ended {_fmt(end)})",
        person=lv.person,
    )


# ---- LEV-COVER-CONFLICT ---------------------------------------------------------------------
@rule(
    "LEV-COVER-CONFLICT",
    severity="medium",
    zh="相互补位的领导同时外出或休假",
    en="Two leaders who cover for each other away at the same time",
    kinds=("leave",),
    cites={"changle-2022": cite("七")},
    scope="jurisdiction",
)
def lev_cover_conflict(ctx: Context) -> Iterator[Finding]:
    """相互补位的领导同志原则上不同时安排出差（出访）或休假。

    changle-2022 七：县政府领导实行工作补位制度，副县长因公出差（出访）、休假期间，由补位的副县长
    代为处理有关工作。相互补位的领导同志原则上不同时安排出差（出访）或休假。 — Across the
    jurisdiction: two leaves (approved or taken) whose requesters hold posts paired as cover
    partners (``org.cover_partners`` at the start of the overlap) and whose periods overlap
    (departure/start to return/end). One finding per pair, on the later-opened leave (key:
    the other leave's case id), at the start of the overlap; evidence both requests (and
    their approvals). "原则上" is not an exemption the data can show.
    """
    paired = {p for cp in ctx.org.covers for p in cp.posts}
    holders = {ap.person for ap in ctx.org.appointments if ap.post in paired}
    leaves = []
    for c in ctx.cases:
        if not paired:
            break
        lv = leave_of(c, ctx.org)
        if lv is not None and lv.person not in holders:
            continue
        if lv is None or not is_taken(c):
            continue
        s, e = period(c, lv)
        if e > s:
            leaves.append((c, lv, s, e))
    # only leaves that overlap in time can conflict: compare each with the earlier-starting ones still open
    order = sorted(range(len(leaves)), key=lambda i: leaves[i][2])
    earlier: dict[int, set[int]] = {j: set() for j in range(len(leaves))}  # overlapping leaves of a lower index
    active: list[int] = []
    for i in order:
        s_i = leaves[i][2]
        active = [k for k in active if leaves[k][3] > s_i]
        for k in active:
            earlier[max(i, k)].add(min(i, k))
        active.append(i)
    for j, (cb, lb, sb, eb) in enumerate(leaves):
        for k in sorted(earlier[j]):
            ca, la, sa, ea = leaves[k]
            if la.person == lb.person or not (sa < eb and sb < ea):
                continue
            at = max(sa, sb)
            pa = {p.id for p in ctx.org.posts_of(la.person, at)}
            pb = {p.id for p in ctx.org.posts_of(lb.person, at)}
            if not any(q in pb for p in pa for q in ctx.org.cover_partners(p, at)):
                continue
            ev: list[Act] = [la.request, lb.request]
            ev += [a for a in (ca.first("approved"), cb.first("approved")) if a is not None]
            end = min(ea, eb)
            yield ctx.finding(
                at,
                ev,
                f"相互补位的{name(ctx.org, la.person, at)}与{name(ctx.org, lb.person, at)}同时外出（{_fmt(at)} 至 {_fmt(end)}）",
                f"cover partners {la.person} and {lb.person} both away from {_fmt(at)} to {_fmt(end)}",
                key=f"cover:{ca.id}",
                case=cb.id,
                unit=cb.unit,
                person=lb.person,
                post=lb.post.id if lb.post else None,
                other_case=ca.id,
            )


# ---- LEV-DUTY-DELEGATE ----------------------------------------------------------------------
@deadline_rule(
    "LEV-DUTY-DELEGATE",
    severity="low",
    zh="因私请假未指定代行职责人员",
    en="No one named to perform the duties during personal leave",
    kinds=("leave",),
    reads=("leave.requested.reason",),
    cites={"yiyuan": cite("第十六条")},
)
def lev_duty_delegate(ctx: Context) -> Iterator[Due]:
    """因私请假须指定代行人员。

    yiyuan 第十六条：机关工作人员因私事不能正常工作的，必须向单位或科室负责人请假，所在单位要及时
    指定人员代行其职责。 — A personal leave (any requester) owes a ``delegate_named`` act
    naming someone other than the requester, "及时" read as by the time the leave starts (the
    departure if earlier). Personal = the ``reason`` says so (事假, 因私, 私事, 个人事务, 家事 …:
    the vocabulary :data:`domain.kinds.leave.REASON`), whether or not a ``personal`` flag is
    there, else the flag. A leave whose reason says official business (出差, 会议, 培训 …) or
    statutory leave (年休假, 病假 …) owes nothing here; one with no flag and a reason that says
    neither (or none) is reported as not judged unless a stand-in was named anyway. Owed once
    approved or taken.
    """
    lv = leave_of(ctx.c, ctx.org)
    if lv is None or not is_taken(ctx.c):
        return
    yield from by_reading(ctx, lv, lambda r: list(_delegate_dues(ctx, r)), _due_sig)


def _delegate_dues(ctx: Context, lv: Leave) -> Iterator[Due]:
    if not lv.personal:
        return
    resp = next((a for a in ctx.c.all("delegate_named") if a.get("person") != lv.person), None)
    yield Due(
        lv.request,
        _leave_due_base(ctx.c, lv),
        resp,
        f"{_who(ctx, lv)}因私请假指定代行职责人员",
        f"naming a stand-in for {lv.person}'s personal leave",
        person=lv.person,
    )


# ---- LEV-TRAVEL-SCOPE -----------------------------------------------------------------------
TRAVEL_NEEDS_ZH = {
    "office": "告知县委办公室、县政府办公室",
    "principal": "经县委县政府主要领导同意",
    "higher": "报上级审批",
}


def _travel_dues(ctx: Context, lv: Leave) -> list[Due]:
    if not is_taken(ctx.c) or lv.category not in (ctx.params.get("categories") or ()):
        return []
    scope = lv.request.get("scope")
    needs = (ctx.params.get("requirements") or {}).get(scope or "", ())
    due = _leave_due_base(ctx.c, lv)
    out = []
    for need in needs:
        if need == "principal" and lv.category == "head":
            continue  # the other principal leader (县委书记) is not in the government's chart
        if need == "office":
            found = filing(ctx, ctx.c, ("gov_office", "party_office"))
            if found is False:
                continue  # an unreadable office may be one of these: not judged
            resp = found
        elif need == "principal":
            resp = next(
                (a for a in ctx.c.all("agreed", "approved") if fits(ctx.org, "head", a.by, a.at, lv)),
                None,
            )
        else:
            resp = next((a for a in ctx.c.all("approved") if a.get("higher_level")), None)
        s_zh = SCOPE_ZH.get(scope, scope)
        out.append(
            Due(
                lv.request,
                due,
                resp,
                f"{_who(ctx, lv)}{s_zh}{TRAVEL_NEEDS_ZH.get(need, need)}（应于离开前）",
                f"{need} for {lv.person}'s {scope} trip (before leaving)",
                key=need,
                person=lv.person,
            )
        )
    return out


@rule(
    "LEV-TRAVEL-SCOPE",
    severity="high",
    zh="领导离市、出省、出国未按规定告知或审批",
    en="County leader's travel out of the city/province/country not notified or approved",
    kinds=("leave",),
    reads=("leave.filed.office",),
    cites={
        "yiyuan": cite(
            "第十六条",
            categories=("head", "vice_head"),
            requirements={
                "out_of_city": ("office",),
                "out_of_province": ("office", "principal"),
                "abroad": ("office", "principal", "higher"),
            },
        )
    },
)
def _lev_travel_scope(ctx: Context) -> Iterator[Finding]:
    """县领导离市、出省、出国。

    yiyuan 第十六条：县委县政府领导成员离市参加公务活动，要告知县委办公室县政府办公室；出省参加
    公务活动，需经县委县政府主要领导同意；出国考察学习，经县委县政府主要领导同意后，按规定报上级
    审批。 — For county leaders (``categories``: the head and vice heads), by
    ``requested.scope`` (``requirements``): leaving the city → a ``filed`` act with the
    government or Party office; leaving the province → that, and an ``agreed``/``approved``
    act by the head (post at the act's time); going abroad → both, and an ``approved`` act
    with ``higher_level: true`` (optional field added to the kind: the higher level's
    approval, whose approver is not in the county's org chart). Leaving the province or the
    country is also leaving the city, so the office is told in every case. The head's own
    trips skip "principal" (the 县委书记 is not in the government's chart).

    Each requirement is owed by the start of the trip (the departure if earlier); the clock
    records what is missing and a late one is flagged late. Judged once approved or taken;
    a request without ``scope`` is not checked.
    """
    lv = leave_of(ctx.c, ctx.org)
    if lv is None:
        return
    yield from deadline_findings(ctx, _travel_dues(ctx, lv))


@with_obligations(_lev_travel_scope)
def lev_travel_scope(ctx: Context) -> Iterator[Obligation]:
    lv = leave_of(ctx.c, ctx.org)
    if lv is None:
        return iter(())
    return deadline_obligations(ctx, _travel_dues(ctx, lv))


# ---- LEV-LONG-LEAVE-FORM --------------------------------------------------------------------
LONG_STEPS = ("agreed:unit_or_division_head", "reviewed:political_dept", "approved:bureau_leader")
BUREAU_LEADER_CATEGORIES = ("head", "vice_head", "office_director", "dept_head")


def _long_dues(ctx: Context, lv: Leave) -> list[Due]:
    if not is_taken(ctx.c):
        return []
    p = ctx.params
    days = leave_days(lv.start, lv.end, ctx.org.tz, p.get("hours_per_day", 8))
    due = _leave_due_base(ctx.c, lv)
    out: list[Due] = []
    if days >= Fraction(p.get("form_days", 3)) and lv.category not in BUREAU_LEADER_CATEGORIES:
        for step in p.get("steps") or LONG_STEPS:
            act, _, role = step.partition(":")
            resp = next((a for a in ctx.c.all(act) if fits(ctx.org, role, a.by, a.at, lv)), None)
            out.append(
                Due(
                    lv.request,
                    due,
                    resp,
                    f"{_who(ctx, lv)}请假 {float(days):g} 天须经{ROLE_ZH.get(role, role)}{ACT_ZH.get(act, act)}（休假前）",
                    f"{act} by the {role} for {lv.person}'s {float(days):g}-day leave (before it starts)",
                    key=step,
                    person=lv.person,
                )
            )
    if days > Fraction(str(p.get("filed_days", "1/2"))):
        found = filing(ctx, ctx.c, ("gov_office",))
        if found is False:
            return out  # an unreadable office may be the government office: not judged
        out.append(
            Due(
                lv.request,
                due,
                found,
                f"{_who(ctx, lv)}请假超过半天报办公室备案",
                f"filing of {lv.person}'s leave of more than half a day with the office",
                key="filed",
                person=lv.person,
            )
        )
    return out


@rule(
    "LEV-LONG-LEAVE-FORM",
    severity="low",
    zh="长假未按规定填单审批备案",
    en="Long leave without the written form, approvals and filing",
    kinds=("leave",),
    reads=("leave.filed.office",),
    cites={"standardization": cite("篇一(五)3", form_days=3, filed_days="1/2", hours_per_day=8, steps=LONG_STEPS)},
)
def _lev_long_leave_form(ctx: Context) -> Iterator[Finding]:
    """请假三天以上填单审批；超过半天备案。

    standardization 篇一(五)3：请假三天以上的人员需统一填写请销假报告单，由所在处室负责人同意，报
    政治处审核，经局领导批准，方可休假，并报办公室备案。……请假超过半天以上的，应报办公室备案。
    — A leave of ``form_days`` (3) days or more ("以上" includes 3): the request is written
    (``requested.written: false`` flagged, key ``form``; absent = unknown), and ``steps``
    are done before the leave starts, in order: ``agreed`` by the head of the requester's
    division or unit, ``reviewed`` by the political department, ``approved`` by a bureau
    leader (the department's head or deputy) — each owed by the start, so the clock records
    a missing one; a wrong order is flagged (key ``order``). A leave of more than
    ``filed_days`` ("1/2": 超过半天) is filed with the office (``filed`` to the government
    office; the seed's 办公室), also by the start. Days: see the module docstring (one date:
    hours / ``hours_per_day``; several dates: calendar dates spanned). The approval steps
    are for the bureau's staff: leaders of department rank and above (局领导 themselves)
    are only held to the form and the filing. Judged once approved or taken.
    """
    lv = leave_of(ctx.c, ctx.org)
    if lv is None:
        return
    dues = _long_dues(ctx, lv)
    yield from deadline_findings(ctx, dues)
    steps = [d for d in dues if d.key != "filed"]
    if not steps:
        return
    if lv.request.get("written") is False:
        yield ctx.finding(
            lv.request.at,
            [lv.request],
            f"{_who(ctx, lv)}请假三天以上未填写请销假报告单",
            f"{lv.person}'s leave of 3 days or more has no written form",
            key="form",
            person=lv.person,
        )
    got = [d.response for d in steps if d.response is not None]
    if any(b.at < a.at for a, b in pairwise(got)):
        yield ctx.finding(
            max(a.at for a in got),
            [lv.request, *got],
            f"{_who(ctx, lv)}请假审批顺序不符（应处室同意→政治处审核→局领导批准）",
            f"{lv.person}'s leave steps out of order (division head, political department, bureau leader)",
            key="order",
            person=lv.person,
        )


@with_obligations(_lev_long_leave_form)
def lev_long_leave_form(ctx: Context) -> Iterator[Obligation]:
    lv = leave_of(ctx.c, ctx.org)
    if lv is None:
        return iter(())
    return deadline_obligations(ctx, _long_dues(ctx, lv))


# ---- LEV-CONTACT-ON-FILE --------------------------------------------------------------------
FIELD_ZH = {"place": "地点", "contact": "联系电话"}


@deadline_rule(
    "LEV-CONTACT-ON-FILE",
    severity="low",
    zh="外出期间去向、联系方式未备案",
    en="Place and contact number not on file for the leave",
    kinds=("leave",),
    cites={
        "dongqu-2012": cite("第一百三十八条", categories=("vice_head",), fields=("place", "contact")),
        "changle-2022": cite("八十三", categories=COMPONENT_CATEGORIES, fields=("contact",)),
    },
)
def lev_contact_on_file(ctx: Context) -> Iterator[Due]:
    """外出期间去向与联系方式。

    dongqu-2012 第一百三十八条：副区长请假……并把出差（出访）、休假的时间、地点、联系电话及紧急
    公文呈送方式等有关事项告区政府值班室。 — vice heads: time (the request's start/end, always
    there), place and contact number on file. "紧急公文呈送方式" has no field in the contract
    and is not checked. changle-2022 八十三：外出（出访）、休假期间要保持通讯联络畅通，确保能够随时
    取得联系。 — 县政府组成人员: a contact number on file.

    A field is on file when the ``requested`` act or a ``filed`` act carries it (optional
    ``place``/``contact`` fields added to both). Owed by the start (the departure if
    earlier): the last act that completed the ``fields`` is the response; the clock records
    it missing. Judged once approved or taken.
    """
    lv = leave_of(ctx.c, ctx.org)
    if lv is None or not is_taken(ctx.c) or not in_scope(ctx, lv):
        return
    fields = tuple(ctx.params.get("fields") or ("contact",))
    holders = [a for a in ctx.c.acts if a.act in ("requested", "filed")]
    firsts: list[Act] = []
    for f in fields:
        a = next((h for h in holders if str(h.get(f) or "").strip()), None)
        if a is None:
            firsts = []
            break
        firsts.append(a)
    resp = max(firsts, key=lambda a: a.at) if firsts else None
    yield Due(
        lv.request,
        _leave_due_base(ctx.c, lv),
        resp,
        f"{_who(ctx, lv)}外出期间{'、'.join(FIELD_ZH.get(f, f) for f in fields)}备案",
        f"{', '.join(fields)} of {lv.person}'s leave on file",
        person=lv.person,
    )


RULES: list[Rule] = [
    lev_approval_chain,
    lev_prior_approval,
    lev_filed_with_office,
    lev_return_report,
    lev_cover_conflict,
    lev_duty_delegate,
    lev_travel_scope,
    lev_long_leave_form,
    lev_contact_on_file,
]

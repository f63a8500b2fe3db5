"""ESC — 请示报告 (requests and reports up the chain).

Sources: yiyuan:第四条, 第七条, 第九条; changle-2022:五十三, 九十; dongqu-2012:第八十四条;
standardization:篇四(三)9.

A ``request`` case is one 请示 or 报告: ``filed`` (by the submitting unit), ``signed`` (by its
head), ``forwarded`` (to the office or a leader), ``opinion_given`` (a leader's opinion),
``answered``, ``informed_afterwards``. Addressees (``to``) name a post or a person; both are
resolved against the org chart at the act's own business time (a post's title also
reads when exactly one post has it, e.g. 县长). An addressee the org chart cannot resolve is
not silently passed over: the rules that read it report the act as not judged.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from domain.acts import Act
from domain.org import GOV_LEADER_RANKS as LEADER_RANKS
from domain.org import VICE_RANKS, OrgChart, Post
from domain.rules.base import Context, Finding, Rule, cite, rule
from domain.rules.templates import Due, deadline_rule
from domain.timeutil import end_of_day, format_datetime, local_date

# ---- helpers (candidates for domain/org.py or templates.py) ------------------------------


def addressee_post(org: OrgChart, ref: object, at: datetime) -> Post | None:
    """The post an addressee meant at ``at`` — a post id, a person id (the post held then), or a
    post's title when exactly one post has it (县长); None for units, blanks and unknowns."""
    if not isinstance(ref, str) or not ref:
        return None
    try:
        post = org.resolve_post(ref, at)
    except Exception:
        post = None
    if post is None:
        titled = [p for p in org.posts.values() if p.title == ref.strip()]
        post = titled[0] if len(titled) == 1 else None
    return post


def addressee_known(org: OrgChart, to: str, at: datetime) -> bool:
    """Whether an addressee names something of the org chart: a post (or a unique post title),
    a person or a unit."""
    return addressee_post(org, to, at) is not None or to in org.units or to in org.people


def _unreadable_addressee(ctx: Context, a: Act) -> bool:
    """Whether ``a.to`` names nothing the org chart knows (no post, person, unit or unique post
    title): then the rule cannot tell whom it went to, and says so."""
    to = a.get("to")
    if not isinstance(to, str) or not to.strip():
        return False
    if addressee_known(ctx.org, to, a.at):
        return False
    ctx.cannot_judge(
        a,
        "data.to",
        f"报送对象“{to}”在组织机构中无法识别（非职务、人员或单位），无法判断报送给了谁",
        f"addressee {to!r} is not a post, person or unit of the org chart: cannot tell whom it went to",
    )
    return True


def _is_county_leader(org: OrgChart, post: Post | None) -> bool:
    """A principal leader or vice head (县领导) of the government."""
    if post is None or post.rank not in LEADER_RANKS:
        return False
    gov = org.government_unit()
    return gov is None or post.unit == gov.id


def _is_principal(org: OrgChart, ref: object, at: datetime) -> bool:
    """Whether ``ref`` names the principal leader (主要领导): the head post or its holder."""
    hp = org.head_post()
    if hp is None or not isinstance(ref, str):
        return False
    return ref == hp.id or (ref == org.holder(hp.id, at) and ref is not None)


def _person_holds(org: OrgChart, person: str, posts: list[str], at: datetime) -> bool:
    return any(org.holder(p, at) == person for p in posts)


def _who(org: OrgChart, person: str | None, at: datetime) -> str:
    """'副县长 王某' — title and name for messages (the id when unknown)."""
    if not person:
        return "（未知）"
    name = org.people.get(person, person)
    p = org.post_of(person, at)
    return f"{p.title} {name}" if p else name


def _post_label(org: OrgChart, post: str, at: datetime) -> str:
    p = org.posts.get(post)
    holder = org.holder(post, at)
    title = p.title if p else post
    return f"{title} {org.people.get(holder, holder)}" if holder else title


def _article(ctx: Context) -> str:
    c = ctx.rule.citations.get(ctx.pack)
    return c.article if c else ""


def _submitting_unit(ctx: Context) -> str | None:
    f = ctx.c.first("filed")
    return f.unit if f is not None else ctx.c.unit


def _unit_chain(org: OrgChart, unit: str | None) -> list[str]:
    """``unit`` and its parents (a division is in charge of whoever is over its department)."""
    out: list[str] = []
    while unit and unit not in out:
        out.append(unit)
        u = org.units.get(unit)
        unit = u.parent if u else None
    return out


def leaders_in_charge(ctx: Context, at: datetime) -> list[str]:
    """Posts of the leaders in charge (分管领导) of this request's matter at ``at``.

    The matter's ``subject_area`` decides first (yiyuan 第七条: the leader who is in charge
    of *the work* is responsible even when it touches other leaders' units); failing that,
    the leader in charge of the submitting unit (or of its parent units).
    """
    f = ctx.c.first("filed")
    area = f.get("subject_area") if f is not None else None
    if isinstance(area, str) and area:
        posts = ctx.org.in_charge(at, area=area)
        if posts:
            return posts
    for u in _unit_chain(ctx.org, _submitting_unit(ctx)):
        posts = ctx.org.in_charge(at, unit=u)
        if posts:
            return posts
    return []


def _opinion_before(ctx: Context, posts: list[str], before: Act) -> Act | None:
    """The in-charge leader's ``opinion_given`` at or before ``before`` (by the post's holder)."""
    for a in ctx.c.acts:
        if a.at > before.at:
            break
        if a.act == "opinion_given" and a is not before and _person_holds(ctx.org, a.by, posts, a.at):
            return a
    return None


def skipped_forwards(ctx: Context) -> list[tuple[Act, list[str]]]:
    """Forwards to the principal leader with no prior opinion of the vice head in charge.

    Each item is the ``forwarded`` act and the in-charge posts it should first have gone
    to. Not counted: forwards by the leader in charge himself (his own escalation), matters
    of which the head is himself in charge, and matters with no vice head in charge on record.
    """
    out: list[tuple[Act, list[str]]] = []
    head = ctx.org.head_post()
    for fw in ctx.c.all("forwarded"):
        if _unreadable_addressee(ctx, fw):
            continue
        to_post = addressee_post(ctx.org, fw.get("to"), fw.at)
        to_head = head is not None and to_post is not None and to_post.id == head.id
        if not (_is_principal(ctx.org, fw.get("to"), fw.at) or to_head):
            continue
        charge = leaders_in_charge(ctx, fw.at)
        hp = ctx.org.head_post()
        if not charge or (hp is not None and hp.id in charge):
            continue
        vices = [p for p in charge if (ctx.org.posts.get(p) is not None and ctx.org.posts[p].rank in VICE_RANKS)]
        if not vices or not any(ctx.org.holder(p, fw.at) for p in vices):
            continue  # nobody holds the post in charge: nobody to go through first
        if _person_holds(ctx.org, fw.by, vices, fw.at):
            continue
        if _opinion_before(ctx, vices, fw) is None:
            out.append((fw, vices))
    return out


def _emergency(ctx: Context) -> bool:
    f = ctx.c.first("filed")
    return f is not None and f.get("emergency") is True


# ---- ESC-SKIP-LEVEL ------------------------------------------------------------------------


@rule(
    "ESC-SKIP-LEVEL",
    severity="high",
    zh="越过分管领导直接向主要领导请示汇报",
    en="Request reached the principal leader without the leader in charge's opinion",
    kinds=("request",),
    reads=("request.forwarded.to",),
    cites={
        "yiyuan": cite("第四条"),
        "standardization": cite("篇四(三)9"),
        "changle-2022": cite("五十三"),
    },
)
def esc_skip_level(ctx: Context) -> Iterator[Finding]:
    """请示汇报一般应逐级进行，先向分管领导汇报，分管领导提出意见后，再向主要领导汇报；
    如遇重大紧急情况也可以直接向主要领导汇报，但事后要向分管领导说明情况。

    A request must reach the leader in charge of its matter first, and his opinion must be on
    record before it reaches the principal leader (yiyuan 第四条; standardization 篇四(三)9
    "坚持逐级请示报告…一般不越级请示报告"; changle-2022 五十三 "不得…越级行文").

    Reading: "the leader in charge" is the vice head (常务副职 or 副职) in charge of the
    request's ``subject_area`` at the time of the forward (failing that, of the submitting
    unit or its parent). A ``forwarded`` act whose ``to`` names the head post or its holder is
    flagged when no ``opinion_given`` by the holder of that vice head's post precedes it.
    Not flagged: a forward by the leader in charge himself; a matter the head is himself in
    charge of; a post in charge that nobody holds (nobody to go through first); a request
    filed ``emergency`` (重大紧急) — then ESC-EMERGENCY-FOLLOWUP owes the afterwards notice
    (in yiyuan; changle's 五十三 exempts 重大突发事件 and standardization's "一般" allows it,
    neither asks for the notice). One finding per skipping forward.
    """
    if _emergency(ctx):
        return
    for fw, vices in skipped_forwards(ctx):
        leaders = "、".join(_post_label(ctx.org, p, fw.at) for p in vices)
        art = _article(ctx)
        yield ctx.finding(
            fw.at,
            [a for a in (ctx.c.first("filed"), fw) if a is not None],
            f"{_who(ctx.org, fw.by, fw.at)}将请示直接呈送主要领导，未先经分管领导（{leaders}）提出意见（{art}）",
            f"{fw.by} forwarded the request to the principal leader ({fw.get('to')}) with no prior "
            f"opinion of the leader in charge ({', '.join(vices)}) ({ctx.pack}:{art})",
            key=fw.id,
            person=fw.by,
            post=(p.id if (p := ctx.org.post_of(fw.by, fw.at)) else None),
            leaders_in_charge=list(vices),
        )


# ---- ESC-EMERGENCY-FOLLOWUP ----------------------------------------------------------------


@deadline_rule(
    "ESC-EMERGENCY-FOLLOWUP",
    severity="medium",
    zh="紧急情况直接向主要领导汇报后未向分管领导说明情况",
    en="Leader in charge not informed after an emergency report went straight to the principal leader",
    kinds=("request",),
    reads=("request.forwarded.to", "request.informed_afterwards.to"),
    cites={"yiyuan": cite("第四条", working_days=1)},
)
def esc_emergency_followup(ctx: Context) -> Iterator[Due]:
    """如遇重大紧急情况也可以直接向县委县政府主要领导汇报，但事后要向分管领导说明情况，搞好衔接。

    When an ``emergency`` request went to the principal leader without the leader in charge's
    opinion (the exemption of ESC-SKIP-LEVEL was used), an ``informed_afterwards`` to that
    leader in charge is owed within the pack's ``working_days`` (default 1; the seed says only
    "事后", the catalog gives 1 working day) after the first such forward, on the working-day
    calendar. An ``informed_afterwards`` counts when its ``to`` names the in-charge post or its
    holder, or names nobody (the act itself means "told the leader in charge"); one sent
    to someone else does not. A late notice is flagged; a missing one is owed to the clock.
    """
    if not _emergency(ctx):
        return
    skips = skipped_forwards(ctx)
    if not skips:
        return
    fw, vices = skips[0]
    holders = {ctx.org.holder(p, fw.at) for p in vices} - {None}

    def to_leader(a: Act) -> bool:
        to = a.get("to")
        return not to or to in vices or to in holders or _person_holds(ctx.org, str(to), vices, a.at)

    due = ctx.cal.deadline_after(fw.at, int(ctx.params.get("working_days", 1)))
    resp = next((a for a in ctx.c.acts if a.act == "informed_afterwards" and to_leader(a)), None)
    if resp is None or resp.at > due:
        unread = [a for a in ctx.c.all("informed_afterwards") if _unreadable_addressee(ctx, a)]
        if unread:
            return  # a notice to an addressee the rule cannot read may be the one owed
    leaders = "、".join(_post_label(ctx.org, p, fw.at) for p in vices)
    yield Due(
        fw,
        due,
        resp,
        f"紧急直报主要领导后向分管领导（{leaders}）事后说明情况",
        f"informing the leader in charge ({', '.join(vices)}) after the emergency report",
        key="followup",
        person=fw.by,
    )


# ---- ESC-MULTI-HEAD ------------------------------------------------------------------------


@rule(
    "ESC-MULTI-HEAD",
    severity="medium",
    zh="向不分管的领导多头请示",
    en="Request sent to a leader not in charge of its matter",
    kinds=("request",),
    reads=("request.forwarded.to",),
    cites={
        "yiyuan": cite("第四条, 第七条"),
        "standardization": cite("篇四(三)9"),
    },
)
def esc_multi_head(ctx: Context) -> Iterator[Finding]:
    """不得向不分管的其他领导多头请示汇报（yiyuan 第四条）；其他分管领导不直接接受分管部门关于这项
    工作的请示与汇报（第七条）；坚持归口请示报告，按照领导分工报送主管领导，严禁多头请示（standardization
    篇四(三)9）。

    A ``forwarded`` act whose ``to`` names a vice head (常务副职/副职 of the government, post or
    holder) who is not in charge of the request's matter (``subject_area`` first, else the
    submitting unit) at that time is flagged. Not flagged: a forward by the leader in
    charge himself (第七条: he coordinates with the other leaders); a forward to a post the
    leader in charge delegated ``all`` to; a forward to his cover partner (AB角) while the
    post in charge is vacant; forwards to the principal leader (that is ESC-SKIP-LEVEL);
    matters with no leader in charge on record (nothing to compare with). The org chart
    does not say when the leader in charge is away on leave, so a forward to his AB partner
    during a leave is still flagged — a ``leave`` lookup (or a field ``covering_for`` on
    ``forwarded``) would let it pass.
    """
    for fw in ctx.c.all("forwarded"):
        if _unreadable_addressee(ctx, fw):
            continue
        target = addressee_post(ctx.org, fw.get("to"), fw.at)
        if not _is_county_leader(ctx.org, target) or target is None or target.rank not in VICE_RANKS:
            continue
        charge = leaders_in_charge(ctx, fw.at)
        if not charge or target.id in charge:
            continue
        if _person_holds(ctx.org, fw.by, charge, fw.at):
            continue
        if any(ctx.org.delegated(p, target.id, "all", fw.at) for p in charge):
            continue
        if any(ctx.org.holder(p, fw.at) is None and target.id in ctx.org.cover_partners(p, fw.at) for p in charge):
            continue
        leaders = "、".join(_post_label(ctx.org, p, fw.at) for p in charge)
        art = _article(ctx)
        yield ctx.finding(
            fw.at,
            [a for a in (ctx.c.first("filed"), fw) if a is not None],
            f"{_who(ctx.org, fw.by, fw.at)}将请示呈送不分管该事项的{_post_label(ctx.org, target.id, fw.at)}，"
            f"该事项分管领导为{leaders}（{art}）",
            f"{fw.by} sent the request to {target.id}, who is not in charge of its matter "
            f"(in charge: {', '.join(charge)}) ({ctx.pack}:{art})",
            key=fw.id,
            person=fw.by,
            post=(p.id if (p := ctx.org.post_of(fw.by, fw.at)) else None),
            addressee=target.id,
            leaders_in_charge=list(charge),
        )


# ---- ESC-DIRECT-TO-LEADER ------------------------------------------------------------------

_EXEMPTIONS_ZH = {
    "leader_assigned": "领导直接交办事项",
    "top_secret": "绝密事项",
    "classified": "保密事项",
    "emergency": "重大紧急/突发事件",
}


def _exempt(filed: Act | None, exempt: object) -> str | None:
    """The exemption (of the pack's list) a request enjoys, or None."""
    if filed is None or not isinstance(exempt, (list, tuple)):
        return None
    cls = filed.get("classification")
    checks = {
        "leader_assigned": filed.get("leader_assigned") is True or filed.get("assigned_by_leader") is True,
        "top_secret": cls == "绝密",
        "classified": cls in ("秘密", "机密", "绝密"),
        "emergency": filed.get("emergency") is True,
    }
    for e in exempt:
        if checks.get(e):
            return e
    return None


@rule(
    "ESC-DIRECT-TO-LEADER",
    severity="medium",
    zh="公文直送领导个人，未经办公室统一办理",
    en="Document sent straight to a leader personally instead of through the general office",
    kinds=("request",),
    reads=("request.filed.to", "request.forwarded.to"),
    cites={
        "yiyuan": cite("第九条", exempt=("leader_assigned", "emergency")),
        "changle-2022": cite("五十三", exempt=("leader_assigned", "top_secret", "emergency")),
        "dongqu-2012": cite("第八十四条", exempt=("leader_assigned", "classified")),
    },
)
def esc_direct_to_leader(ctx: Context) -> Iterator[Finding]:
    """公文一律送办公室按规定程序统一办理，不得直接报送领导个人。

    - yiyuan 第九条: "除县领导直接交办的特殊事项外，各部门不得将公文直送领导个人" — plus, read
      with 第四条 ("如遇重大紧急情况也可以直接向县委县政府主要领导汇报"), an emergency.
    - changle-2022 五十三: "除县政府领导直接交办事项和确需直接报送的绝密级事项、重大突发事件外，
      公文一律送县政府办公室…不得直接报送县政府领导个人".
    - dongqu-2012 第八十四条: "除区政府领导交办事项和必须直接报送的保密事项外，一般不得直接向区政府
      领导个人报送公文" — any classified matter (秘密/机密/绝密) is exempt; its emergency
      clause (重大、突发事件) is about 越级 documents, not about leaders personally.

    So the exemptions are the pack's ``exempt`` list: ``leader_assigned`` (``filed.leader_assigned``
    or ``assigned_by_leader``), ``top_secret`` (``classification`` 绝密), ``classified`` (any
    密级), ``emergency`` (``filed.emergency``). The catalog's one list (assigned, 绝密,
    emergency) is changle's; the other packs follow their own seed.

    A delivery by the submitting unit — ``filed.to``, or a ``forwarded`` act on the
    submitting unit's behalf (``unit`` = the filing unit) — that names a county leader
    (head or vice head, post or holder) is flagged. Forwards by the office or by leaders
    are the normal route and are not; nor are requests the office or government files itself.
    """
    filed = ctx.c.first("filed")
    sub = _submitting_unit(ctx)
    u = ctx.org.units.get(sub or "")
    if u is not None and u.type in ("government", "office"):
        return
    if _exempt(filed, ctx.params.get("exempt", ())):
        return
    deliveries: list[Act] = []
    if filed is not None and filed.get("to"):
        deliveries.append(filed)
    deliveries += [
        a
        for a in ctx.c.all("forwarded")
        if a.unit == sub and not _is_county_leader(ctx.org, ctx.org.post_of(a.by, a.at))
    ]
    art = _article(ctx)
    for d in deliveries:
        if _unreadable_addressee(ctx, d):
            continue
        target = addressee_post(ctx.org, d.get("to"), d.at)
        if not _is_county_leader(ctx.org, target) or target is None:
            continue
        ev = [d] if d is filed or filed is None else [filed, d]
        yield ctx.finding(
            d.at,
            ev,
            f"{_who(ctx.org, d.by, d.at)}将公文直接报送{_post_label(ctx.org, target.id, d.at)}个人，"
            f"未送办公室统一办理（{art}）",
            f"{d.by} sent the document straight to {target.id} personally instead of through the "
            f"general office ({ctx.pack}:{art})",
            key=d.id,
            person=d.by,
            post=(p.id if (p := ctx.org.post_of(d.by, d.at)) else None),
            addressee=target.id,
        )


# ---- ESC-ONE-MATTER ------------------------------------------------------------------------


@rule(
    "ESC-ONE-MATTER",
    severity="low",
    zh="请示一文多事或报告夹带请示事项",
    en="Request carries several matters, or report carries request items",
    kinds=("request",),
    cites={"changle-2022": cite("五十三", max_matters=1)},
)
def esc_one_matter(ctx: Context) -> Iterator[Finding]:
    """请示件要一文一事…报告中不得夹带请示事项（changle-2022 五十三）。

    A 请示 whose ``matters`` exceeds the pack's ``max_matters`` (1) is flagged; a 报告 with
    ``contains_request_items`` true is flagged. Missing fields are not guessed at.
    """
    f = ctx.c.first("filed")
    if f is None:
        return
    art = _article(ctx)
    doc = f.get("doc_type")
    n = f.get("matters")
    limit = ctx.params.get("max_matters", 1)
    if doc == "请示" and isinstance(n, int) and not isinstance(n, bool) and n > limit:
        yield ctx.finding(
            f.at,
            [f],
            f"请示含 {n} 个事项，违反一文一事（{art}）",
            f"the request carries {n} matters; one matter per request ({ctx.pack}:{art})",
            key="matters",
            person=f.by,
            matters=n,
        )
    if doc == "报告" and f.get("contains_request_items") is True:
        yield ctx.finding(
            f.at,
            [f],
            f"报告中夹带请示事项（{art}）",
            f"the report carries request items ({ctx.pack}:{art})",
            key="report",
            person=f.by,
        )


# ---- ESC-SIGNED-BY-HEAD --------------------------------------------------------------------


@rule(
    "ESC-SIGNED-BY-HEAD",
    severity="medium",
    zh="请示未由主要负责人签发",
    en="Request not signed by the submitting unit's principal head",
    kinds=("request",),
    cites={"changle-2022": cite("五十三")},
)
def esc_signed_by_head(ctx: Context) -> Iterator[Finding]:
    """请示件要一文一事，由主要负责人签发（changle-2022 五十三）。

    For a 请示: every ``signed`` act must be by the holder of the submitting unit's principal
    head post (``org.principal_head``) at signing time, or by a post that head delegated
    ``sign`` to in writing (授权) — a signature by anyone else is flagged. A request that
    leaves the unit (its first ``forwarded``) before any valid signature is flagged as sent
    unsigned. A request not yet forwarded and not signed is still a draft: nothing to flag.
    报告 are not covered by the clause.
    """
    f = ctx.c.first("filed")
    if f is None or f.get("doc_type") != "请示":
        return
    unit = f.unit
    head_post = ctx.org.principal_head_post(unit)
    art = _article(ctx)

    def valid(s: Act) -> bool:
        if head_post is None:
            return True  # the chart names no head for the unit: cannot judge
        if ctx.org.holder(head_post.id, s.at) == s.by:
            return True
        return any(ctx.org.delegated(head_post.id, p.id, "sign", s.at) for p in ctx.org.posts_of(s.by, s.at))

    good: Act | None = None
    for s in ctx.c.all("signed"):
        if valid(s):
            good = good or s
            continue
        head = ctx.org.holder(head_post.id, s.at) if head_post else None
        yield ctx.finding(
            s.at,
            [f, s],
            f"请示由{_who(ctx.org, s.by, s.at)}签发，应由单位主要负责人{_who(ctx.org, head, s.at)}签发（{art}）",
            f"the request was signed by {s.by}, not by the unit's principal head {head} ({ctx.pack}:{art})",
            key=s.id,
            person=s.by,
            post=(p.id if (p := ctx.org.post_of(s.by, s.at)) else None),
        )
    fw = ctx.c.first("forwarded")
    if fw is not None and (good is None or good.at > fw.at):
        yield ctx.finding(
            fw.at,
            [f, fw],
            f"请示未经主要负责人签发即报送（{art}）",
            f"the request was sent on before its principal head signed it ({ctx.pack}:{art})",
            key="unsigned",
            person=fw.by,
        )


# ---- ESC-REPLY-DEADLINE --------------------------------------------------------------------


def _calendar_deadline(ctx: Context, at: datetime, days: int) -> datetime:
    """ "Within N days" (天, calendar days): the end of the N-th calendar day after ``at``'s date."""
    return end_of_day(local_date(at, ctx.cal.tz) + timedelta(days=days), ctx.cal.tz)


@deadline_rule(
    "ESC-REPLY-DEADLINE",
    severity="medium",
    zh="交办事项回复或提报事项指导意见超过时限",
    en="Reply to an assigned matter, or guidance on a submitted one, later than the limit",
    kinds=("request",),
    cites={"changle-2022": cite("九十", reply_days=5, guidance_days=3)},
)
def esc_reply_deadline(ctx: Context) -> list[Due]:
    """原则上县政府领导同志安排事项，镇(街、区)、部门办理回复时限不超过5天；镇(街、区)、
    部门提报事项，县政府领导同志拿出指导性意见时限不超过3天（changle-2022 九十）。

    The seed says "5天"/"3天" — days, not 工作日: changle-2022 never counts in working days, and
    the catalog's "5 days / 3 days" likewise; so these are **calendar days** (params
    ``reply_days=5``, ``guidance_days=3``), the limit being the end of the N-th calendar day after
    the start's date (holidays included).

    - Assigned matters (``filed.assigned_by_leader`` or ``leader_assigned``): the clock starts at
      ``filed.assigned_at`` (optional field added to the kind) or else at ``filed``; the reply is
      the first ``forwarded`` or ``answered`` by someone who is not a county leader (the unit
      sending its reply up). Late → flagged; none → owed to the clock (key ``reply``).
    - Submitted matters (a 请示 filed by a town/department, not an assigned matter): the
      guidance is the first ``opinion_given`` or ``answered`` by a county leader (head or vice
      head), due 3 days after ``filed`` (提报). Late → flagged; none → owed (key ``guidance``).
      A 报告 asks for nothing, so it starts no guidance clock.

    "原则上" (in principle) is why the severity stays medium. An assignment that never got a
    request case opened cannot be clocked: that would need the assignment itself recorded
    (e.g. a request case opened by the leader, or a supervision case).
    """
    f = ctx.c.first("filed")
    if f is None:
        return []
    org = ctx.org
    dues: list[Due] = []
    assigned = f.get("assigned_by_leader") is True or f.get("leader_assigned") is True
    if assigned:
        start = f.get("assigned_at")
        start = start if isinstance(start, datetime) else f.at
        due = _calendar_deadline(ctx, start, int(ctx.params.get("reply_days", 5)))
        resp = next(
            (
                a
                for a in ctx.c.acts
                if a.act in ("forwarded", "answered")
                and a.at >= start
                and not _is_county_leader(org, org.post_of(a.by, a.at))
            ),
            None,
        )
        dues.append(
            Due(
                f,
                due,
                resp,
                "县领导交办事项办理回复",
                "the unit's reply to a matter a county leader assigned",
                key="reply",
                person=f.by,
                extra={"assigned_at": format_datetime(start)},
            )
        )
    elif f.get("doc_type") == "请示":
        u = org.units.get(f.unit)
        if u is not None and u.type in ("government", "office"):
            return dues
        due = _calendar_deadline(ctx, f.at, int(ctx.params.get("guidance_days", 3)))
        resp = next(
            (
                a
                for a in ctx.c.acts
                if a.act in ("opinion_given", "answered")
                and a.at >= f.at
                and _is_county_leader(org, org.post_of(a.by, a.at))
            ),
            None,
        )
        first_leader = next(
            (p for a in ctx.c.all("forwarded") if _is_county_leader(org, p := addressee_post(org, a.get("to"), a.at))),
            None,
        )
        dues.append(
            Due(
                f,
                due,
                resp,
                "县政府领导对提报事项提出指导性意见",
                "a county leader's guidance on the matter the unit submitted",
                key="guidance",
                person=resp.by if resp else (org.holder(first_leader.id, f.at) if first_leader else None),
            )
        )
    return dues


RULES: list[Rule] = [
    esc_skip_level,
    esc_emergency_followup,
    esc_multi_head,
    esc_direct_to_leader,
    esc_one_matter,
    esc_signed_by_head,
    esc_reply_deadline,
]

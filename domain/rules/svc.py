"""SVC — 首问负责/限时办结 (first-contact responsibility and time-limited service).

Source: yiyuan:第十一条 (办事程序: 首问责任制, 一次性告知, 限时办结, 告知原因及依据) and
第二十一条 (五条禁令 1: 推诿扯皮…超过应办理的时限).

A ``service_request`` case holds one or more legs: each ``received`` act (受理, by the first
person asked, or by the unit a request was referred to) starts a leg, which runs until the
next ``received``. A leg is *answered* by a ``referred``, ``materials_requested``,
``completed`` or ``refused``; it is *concluded* (办结) by ``completed`` or ``refused``, or
handed on by ``referred``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from domain.acts import Act
from domain.rules.base import Context, Finding, Rule, cite, rule
from domain.rules.templates import Due, deadline_rule

ANSWERS = ("referred", "materials_requested", "completed", "refused")
CONCLUSIONS = ("completed", "refused", "referred")


@dataclass(frozen=True, slots=True)
class Leg:
    """One unit's handling of the request: from its ``received`` to the next one."""

    received: Act
    acts: tuple[Act, ...]  # the acts after ``received`` and before the next ``received``

    def first(self, *names: str) -> Act | None:
        return next((a for a in self.acts if a.act in names), None)

    def all(self, *names: str) -> list[Act]:
        return [a for a in self.acts if a.act in names]


def legs(ctx: Context) -> list[Leg]:
    """The case's legs in business order (acts before the first ``received`` are ignored)."""
    out: list[Leg] = []
    cur: Act | None = None
    body: list[Act] = []
    for a in ctx.c.acts:
        if a.act == "received":
            if cur is not None:
                out.append(Leg(cur, tuple(body)))
            cur, body = a, []
        elif cur is not None:
            body.append(a)
    if cur is not None:
        out.append(Leg(cur, tuple(body)))
    return out


def time_limit(a: Act) -> int | None:
    n = a.get("time_limit_working_days")
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        return None
    return n


def _matter(a: Act) -> str:
    m = a.get("matter")
    return f"「{m}」" if isinstance(m, str) and m else ""


def _article(ctx: Context) -> str:
    c = ctx.rule.citations.get(ctx.pack)
    return c.article if c else ""


# ---- SVC-FIRST-CONTACT ---------------------------------------------------------------------


@deadline_rule(
    "SVC-FIRST-CONTACT",
    severity="medium",
    zh="首问责任人未办理、转交或答复",
    en="First contact neither handled, referred nor answered the request",
    kinds=("service_request",),
    cites={"yiyuan": cite("第十一条", default_working_days=5)},
)
def svc_first_contact(ctx: Context) -> Iterator[Due]:
    """要实行首问责任制。凡请求和询问的事项属于本人职责范围内的，首问责任人应当严格按照有关规定予以
    办理；不属于本人职责范围、但属于本机关职责范围的，应负责引导或帮助联系…作好记录进行转达或代为转交
    材料；不属于本机关职责范围的，也要…告知应找哪个部门（yiyuan 第十一条）。

    This rule is for a request that was DROPPED: nobody answered it — no ``referred``
    (转交/引导), ``materials_requested`` (告知补正), ``completed`` or ``refused`` — by the
    deadline. The seed gives no number ("马上办理，不能马上办理的…限时办理"), so the deadline is the
    matter's own time limit (``received.time_limit_working_days``) when it has one, else the
    pack's ``default_working_days`` (5, a judgment: a short, published-style limit for
    requests that carry none), on the working-day calendar. An unanswered leg is owed to the
    clock, and the ``deadline_missed`` it records is flagged; an answer that came after the
    deadline is flagged late.

    One late act, one violation: a leg the first contact concluded — ``completed`` or
    ``refused`` as its first answer, or ``referred`` when the leg has a time limit — was not
    dropped; whether it was concluded in time is SVC-TIME-LIMIT's question alone (a late
    completion is one violation, of SVC-TIME-LIMIT). So this rule judges the lateness only
    of a first answer that is not such a conclusion (a late materials notice; a late
    referral of a request with no time limit). A request dropped altogether breaks both
    duties: nobody answered it (this rule) and it was not concluded within its time limit
    (SVC-TIME-LIMIT, where the request has one).
    """
    default = int(ctx.params.get("default_working_days", 5))
    for leg in legs(ctx):
        rec = leg.received
        n = time_limit(rec)
        answer = leg.first(*ANSWERS)
        if answer is not None and (
            answer.act in ("completed", "refused") or (answer.act == "referred" and n is not None)
        ):
            continue  # concluded by the first contact: SVC-TIME-LIMIT judges its timeliness
        due = ctx.cal.deadline_after(rec.at, default if n is None else n)
        yield Due(
            rec,
            due,
            answer,
            f"首问责任人对办事请求{_matter(rec)}的办理、转交或答复",
            "the first contact's handling, referral or answer",
            key=rec.id,
            person=rec.by,
        )


# ---- SVC-ONE-TIME-NOTICE -------------------------------------------------------------------


@rule(
    "SVC-ONE-TIME-NOTICE",
    severity="medium",
    zh="未一次性告知所缺材料",
    en="Missing materials not listed all at once",
    kinds=("service_request",),
    cites={"yiyuan": cite("第十一条", max_notices=1)},
)
def svc_one_time_notice(ctx: Context) -> Iterator[Finding]:
    """对符合规定但手续不齐全的，应一次性告知所缺的全部手续和办事程序、办事依据（yiyuan 第十一条）。

    Within one leg (one unit's handling), a ``materials_requested`` beyond the pack's
    ``max_notices`` (1) is flagged, each with the first notice as evidence: whatever the
    second asks for should have been in the first. A unit the request was referred to
    (a new ``received``) gives its own first notice.
    """
    limit = int(ctx.params.get("max_notices", 1))
    art = _article(ctx)
    for leg in legs(ctx):
        notices = leg.all("materials_requested")
        for extra in notices[limit:]:
            first = notices[0]
            items = extra.get("items") or ()
            items_zh = "、".join(items) if isinstance(items, (list, tuple)) else str(items)
            yield ctx.finding(
                extra.at,
                [leg.received, first, extra],
                f"办事请求{_matter(leg.received)}已于 {first.at:%Y-%m-%d %H:%M} 告知补正材料，"
                f"又再次要求补正{('（' + items_zh + '）') if items_zh else ''}，未一次性告知（{art}）",
                f"materials requested again ({', '.join(items) if isinstance(items, (list, tuple)) else items}) "
                f"after the first notice on {first.at:%Y-%m-%d %H:%M}: not listed all at once ({ctx.pack}:{art})",
                key=extra.id,
                person=extra.by,
                post=(p.id if (p := ctx.org.post_of(extra.by, extra.at)) else None),
            )


# ---- SVC-TIME-LIMIT ------------------------------------------------------------------------


@deadline_rule(
    "SVC-TIME-LIMIT",
    severity="high",
    zh="办事超过承诺时限未办结",
    en="Service request not concluded within its time limit",
    kinds=("service_request",),
    reads=("service_request.received.time_limit_working_days",),
    cites={"yiyuan": cite("第十一条, 第二十一条")},
)
def svc_time_limit(ctx: Context) -> Iterator[Due]:
    """凡法律、法规、规章及其他规范性文件有时限要求的，必须在时限内办结；凡没有时限要求的…自行确定
    合理的时限，并予以公开，严格执行（yiyuan 第十一条）。严禁对服务对象的正当要求推诿扯皮，拖着不办，
    以致超过应办理的时限（第二十一条，五条禁令之一）。

    The limit is per matter: ``received.time_limit_working_days`` (statutory or published),
    counted on the working-day calendar from the receipt (end of the N-th working day
    after it). The leg is concluded by ``completed`` or ``refused`` (a refusal with its
    reason is a decision), or handed on by ``referred`` (the unit it went to starts its own
    leg with its own ``received``). Late → flagged; none → owed to the clock. A leg with no
    valid time limit on record (absent, or not a whole number of working days ≥ 0) cannot be
    judged and is reported as such (publishing a limit is 第十一条's other duty; the contract
    has no act for it). The pack has no numeric parameter: the numbers are the
    matters' own.

    Not checkable: whether a referral was of a matter within the unit's own remit (which
    would make it 推诿 rather than a hand-over) — a field ``in_remit`` on ``referred``
    would let such a referral keep the clock running.
    """
    for leg in legs(ctx):
        rec = leg.received
        n = time_limit(rec)
        if n is None:
            raw = rec.get("time_limit_working_days")
            ctx.cannot_judge(
                rec,
                "data.time_limit_working_days",
                "受理记录无有效的承诺时限（工作日），无法判断是否限时办结"
                if raw is None
                else f"承诺时限“{raw}”不是有效的工作日数，无法判断是否限时办结",
                "no valid time limit (working days) on the receipt: cannot tell whether it was concluded in time",
                value="" if raw is None else raw,
            )
            continue
        yield Due(
            rec,
            ctx.cal.deadline_after(rec.at, n),
            leg.first(*CONCLUSIONS),
            f"办事请求{_matter(rec)}办结（承诺时限 {n} 个工作日）",
            f"concluding the request (limit {n} working days)",
            key=rec.id,
            person=rec.by,
            extra={"time_limit_working_days": n},
        )


# ---- SVC-REFUSAL-REASON --------------------------------------------------------------------


def _blank(v: object) -> bool:
    return not isinstance(v, str) or not v.strip()


@rule(
    "SVC-REFUSAL-REASON",
    severity="low",
    zh="不予办理未告知原因及依据",
    en="Refusal without its reason and legal basis",
    kinds=("service_request",),
    cites={"yiyuan": cite("第十一条")},
)
def svc_refusal_reason(ctx: Context) -> Iterator[Finding]:
    """对不符合条件、无法办理的，应告知其原因及依据（yiyuan 第十一条）。

    Every ``refused`` act must carry a non-empty ``reason`` and ``basis``; one missing either
    is flagged (the message names which).
    """
    art = _article(ctx)
    for r in ctx.c.all("refused"):
        missing = [
            (zh, en) for f, zh, en in (("reason", "原因", "reason"), ("basis", "依据", "basis")) if _blank(r.get(f))
        ]
        if not missing:
            continue
        rec = next((a for a in reversed(ctx.c.acts) if a.act == "received" and a.at <= r.at), None)
        yield ctx.finding(
            r.at,
            [a for a in (rec, r) if a is not None],
            f"不予办理{_matter(rec) if rec else ''}未告知{'及'.join(z for z, _ in missing)}（{art}）",
            f"refusal gives no {' and no '.join(e for _, e in missing)} ({ctx.pack}:{art})",
            key=r.id,
            person=r.by,
            post=(p.id if (p := ctx.org.post_of(r.by, r.at)) else None),
            missing=[e for _, e in missing],
        )


RULES: list[Rule] = [svc_first_contact, svc_one_time_notice, svc_time_limit, svc_refusal_reason]

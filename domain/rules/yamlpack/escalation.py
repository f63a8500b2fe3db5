"""``escalation`` — counting over a subject's history (累计升级), across the cases of its kinds.

Acts matching ``when``, grouped ``per: by | unit | case | data.FIELD``, counted within an
optional sliding ``window`` (a duration: an act stays counted while a later one falls
within the term it starts — ``{days: 365}`` runs to the end of the 365th day after it, on
the jurisdiction's clock): every act that makes the count more than ``max`` is flagged;
with ``then``, a reaction must follow once the count reaches ``max`` (a ``then`` act
restarts the count; one at the same moment as the act it answers answers it). Acts are
read in the rule's order (:mod:`~domain.rules.yamlpack.timeline`). A jurisdiction-wide
rule: the violation sits in the flagged act's case.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterator
from typing import Any

from domain.acts import Act
from domain.rules.base import Context, Finding, Rule
from domain.rules.conditions import MISSING, lookup
from domain.rules.yamlpack.selectors import Selector
from domain.rules.yamlpack.spec import RuleSpec, declare, finding
from domain.terms import Duration, term_end

SELECTORS = ("when", "then")


def _group_key(per: str, sel: Selector, a: Act) -> str | None:
    if per == "by":
        return sel.person(a)
    if per == "unit":
        return a.unit
    if per == "case":
        return a.case
    v = lookup(a.data, per[len("data.") :])
    return None if v is MISSING else str(v)


def build(spec: RuleSpec) -> Rule:
    when, then = spec.sel["when"], spec.sel.get("then")
    per = spec.raw["per"]
    limit = int(spec.raw["max"])
    window = Duration.parse(spec.raw["window"]) if "window" in spec.raw else None
    win_txt = window.text() if window is not None else None

    def check(ctx: Context) -> Iterator[Finding]:
        tl = spec.timeline.bind(ctx.org.tz)
        events: dict[str, list[tuple[Any, int, str, Act]]] = defaultdict(list)
        for c in ctx.cases:
            acts = tl.sort(c.acts)
            for a in acts:
                kind = -1
                if spec.triggers(ctx, when, a, acts):
                    kind = 0
                elif then is not None and then.matches(a, ctx.org, acts) and spec.in_force(ctx, a):
                    kind = 1
                if kind < 0:
                    continue
                key = _group_key(per, when if kind == 0 else then, a)  # type: ignore[arg-type]
                if key is None or key == "":
                    continue
                events[key].append((tl.moment(a), kind, a.id, a))
        for key in sorted(events):
            evs = sorted(events[key], key=lambda t: t[:3])
            win: deque[tuple[Act, Any]] = deque()
            pending: tuple[Act, list[Act]] | None = None
            for _, kind, _, a in evs:
                if kind == 1:
                    pending = None
                    win.clear()
                    continue
                while win and win[0][1] is not None and tl.late(a.at, win[0][1]):
                    win.popleft()
                win.append((a, term_end(a.at, window, ctx.cal) if window is not None else None))
                count = len(win)
                wz = f"{win_txt[0]}内" if win_txt else ""
                we = f" within {win_txt[1]}" if win_txt else ""
                if then is None and count > limit:
                    yield finding(
                        ctx,
                        spec,
                        a.at,
                        [w for w, _ in win],
                        (
                            f"「{a.act}」{wz}已达 {count} 次（{key}），超过 {limit} 次",
                            f"'{a.act}' {count} times{we} ({key}), more than {limit}",
                        ),
                        {"act": a.act, "count": str(count), "limit": str(limit)},
                        key=a.id,
                        person=when.person(a),
                        case=a.case,
                        unit=a.unit,
                        group=key,
                        count=count,
                    )
                elif then is not None and count >= limit and pending is None:
                    pending = (a, [w for w, _ in win])
            if pending is not None and then is not None:
                a, ev = pending
                yield finding(
                    ctx,
                    spec,
                    a.at,
                    ev,
                    (
                        f"「{a.act}」达到 {len(ev)} 次（{key}）后没有「{then.text}」",
                        f"no '{then.text}' after {len(ev)} × '{a.act}' ({key})",
                    ),
                    {"act": a.act, "count": str(len(ev)), "limit": str(limit), "required": then.text},
                    key=a.id,
                    person=when.person(a),
                    case=a.case,
                    unit=a.unit,
                    group=key,
                    count=len(ev),
                    state="missing",
                )

    return declare(spec, check, scope="jurisdiction")

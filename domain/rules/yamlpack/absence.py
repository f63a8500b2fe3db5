"""``absence`` — A must not occur, or at most N times (禁止/限次).

Occurrences of ``when`` (those satisfying ``condition``) beyond ``at_most`` (default 0)
are each flagged, counted in the rule's order; with ``before`` only those before the first
act matching it count — one at the same moment does not (a tie is never a breach).
"""

from __future__ import annotations

from collections.abc import Iterator

from domain.acts import Act
from domain.rules.base import Context, Finding, Rule
from domain.rules.yamlpack.spec import RuleSpec, declare, finding

SELECTORS = ("when", "before")


def build(spec: RuleSpec) -> Rule:
    when = spec.sel["when"]
    before = spec.sel.get("before")
    at_most = int(spec.raw.get("at_most", 0))

    def check(ctx: Context) -> Iterator[Finding]:
        tl, acts = spec.ordered(ctx)
        stop = next((a for a in acts if before.matches(a, ctx.org, acts)), None) if before is not None else None
        seen: list[Act] = []
        for a in acts:
            if stop is not None and not tl.before(a, stop):
                continue
            if not spec.triggers(ctx, when, a, acts):
                continue
            seen.append(a)
            if len(seen) <= at_most:
                continue
            n = len(seen)
            where_zh = f"（在「{before.text}」之前）" if before is not None else ""
            where_en = f" before '{before.text}'" if before is not None else ""
            if at_most == 0:
                default = (f"不应有「{a.act}」{where_zh}", f"'{a.act}' must not occur{where_en}")
                ev = [a]
            else:
                default = (
                    f"「{a.act}」第 {n} 次{where_zh}，最多 {at_most} 次",
                    f"'{a.act}' occurred {n} times{where_en} (at most {at_most})",
                )
                ev = [seen[0], a]
            yield finding(
                ctx,
                spec,
                a.at,
                ev,
                default,
                {"act": a.act, "count": str(n), "limit": str(at_most), "required": before.text if before else ""},
                key=a.id,
                person=when.person(a),
                count=n,
            )

    return declare(spec, check)

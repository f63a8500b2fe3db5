"""``absence`` — A must not occur, or at most N times (禁止/限次).

Occurrences of ``when`` (those satisfying ``condition``) beyond ``at_most`` (default 0)
are each flagged; with ``before`` only those before the first act matching it count.
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
        acts = ctx.c.acts
        if before is not None:
            stop = next((i for i, a in enumerate(acts) if before.matches(a, ctx.org)), len(acts))
            acts = acts[:stop]
        seen: list[Act] = []
        for a in acts:
            if not spec.triggers(ctx, when, a):
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

"""``precedence`` — B only after A (先…后…).

``when`` B only after some ``requires`` A earlier in the case — at the same moment counts
(a tie is never a breach, see :mod:`~domain.rules.yamlpack.timeline`); with ``correlate:
FIELD`` only an A with the same value of the field counts (declaration by declaration).
One violation per B without a prior A; evidence: B. The rule-level ``condition`` applies
to B.
"""

from __future__ import annotations

from collections.abc import Iterator

from domain.rules.base import Context, Finding, Rule
from domain.rules.yamlpack.spec import RuleSpec, declare, finding

SELECTORS = ("when", "requires")


def build(spec: RuleSpec) -> Rule:
    when, req = spec.sel["when"], spec.sel["requires"]

    def check(ctx: Context) -> Iterator[Finding]:
        tl, acts = spec.ordered(ctx)
        for b in acts:
            if not spec.triggers(ctx, when, b, acts):
                continue
            if any(
                a is not b and tl.not_after(a, b) and req.matches(a, ctx.org, acts) and spec.paired(b, a) for a in acts
            ):
                continue
            yield finding(
                ctx,
                spec,
                b.at,
                [b],
                (f"「{b.act}」之前没有「{req.text}」", f"'{b.act}' without a prior '{req.text}'"),
                {"act": b.act, "required": req.text},
                key=b.id,
                person=when.person(b),
            )

    return declare(spec, check)

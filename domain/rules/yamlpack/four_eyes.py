"""``four_eyes`` — separation of duties (不相容职责分离): ``first`` and ``second`` not by one person."""

from __future__ import annotations

from collections.abc import Iterator

from domain.acts import SYSTEM_ACTOR
from domain.rules.base import Context, Finding, Rule
from domain.rules.yamlpack.spec import RuleSpec, declare, finding

SELECTORS = ("first", "second")


def build(spec: RuleSpec) -> Rule:
    first, second = spec.sel["first"], spec.sel["second"]

    def check(ctx: Context) -> Iterator[Finding]:
        _, acts = spec.ordered(ctx)
        for i, s in enumerate(acts):
            if not spec.triggers(ctx, second, s, acts):
                continue
            who = second.person(s)
            if not who or who == SYSTEM_ACTOR:
                continue
            for j, f in enumerate(acts):
                if f is s or not first.matches(f, ctx.org, acts) or (j > i and second.matches(f, ctx.org, acts)):
                    continue
                if first.person(f) != who:
                    continue
                yield finding(
                    ctx,
                    spec,
                    s.at,
                    [f, s],
                    (
                        f"「{f.act}」与「{s.act}」由同一人（{who}）办理",
                        f"'{f.act}' and '{s.act}' by the same person ({who})",
                    ),
                    {"act": s.act, "required": f.act},
                    key=s.id,
                    person=who,
                )
                break

    return declare(spec, check)

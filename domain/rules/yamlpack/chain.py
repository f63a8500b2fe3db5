"""``chain`` — the steps, in order, before an act (审批链).

Before the first ``before`` act, every ``steps`` selector occurs, in order (some in-order
occurrence, each step a different act). Steps at the same moment are in order, and a step
at the same moment as the ``before`` act is before it (a tie is never a breach); with
``correlate: FIELD`` only steps with the ``before`` act's value of the field count.
Missing or out-of-order steps give one violation naming them.
"""

from __future__ import annotations

from collections.abc import Iterator

from domain.acts import Act
from domain.rules.base import Context, Finding, Rule
from domain.rules.yamlpack.spec import RuleSpec, declare, finding
from domain.rules.yamlpack.timeline import Moment

SELECTORS = ("before", "steps.*")


def build(spec: RuleSpec) -> Rule:
    before = spec.sel["before"]
    steps = [spec.sel[f"steps.{i}"] for i in range(len(spec.raw["steps"]))]

    def check(ctx: Context) -> Iterator[Finding]:
        tl, acts = spec.ordered(ctx)
        stop = next((a for a in acts if spec.triggers(ctx, before, a, acts)), None)
        if stop is None:
            return
        prior = [a for a in acts if a is not stop and tl.not_after(a, stop) and spec.paired(stop, a)]
        cur: Moment | None = None
        used: set[str] = set()
        zh: list[str] = []
        en: list[str] = []
        ev: list[Act] = [stop]
        first_problem: str | None = None
        for step in steps:
            hits = [a for a in prior if step.matches(a, ctx.org, acts)]
            if not hits:
                zh.append(f"缺少「{step.text}」")
                en.append(f"missing '{step.text}'")
                first_problem = first_problem or step.text
                continue
            later = [a for a in hits if a.id not in used and (cur is None or tl.moment(a) >= cur)]
            if not later:
                zh.append(f"「{step.text}」顺序颠倒")
                en.append(f"'{step.text}' out of order")
                first_problem = first_problem or step.text
                ev.insert(-1, hits[0])
                continue
            cur = tl.moment(later[0])
            used.add(later[0].id)
        if not zh:
            return
        yield finding(
            ctx,
            spec,
            stop.at,
            ev,
            (
                f"「{stop.act}」之前的程序不完整：" + "；".join(zh),
                f"steps before '{stop.act}' incomplete: " + "; ".join(en),
            ),
            {"act": stop.act, "required": ("；".join(zh), "; ".join(en)), "count": str(len(zh))},
            key=stop.id,
            person=before.person(stop),
            problems=en,
            step=first_problem,
        )

    return declare(spec, check)

"""``chain`` — the steps, in order, before an act (审批链).

Before the first ``before`` act, every ``steps`` selector occurs, in order (some in-order
occurrence). Missing or out-of-order steps give one violation naming them.
"""

from __future__ import annotations

from collections.abc import Iterator

from domain.acts import Act
from domain.rules.base import Context, Finding, Rule
from domain.rules.yamlpack.spec import RuleSpec, declare, finding

SELECTORS = ("before", "steps.*")


def build(spec: RuleSpec) -> Rule:
    before = spec.sel["before"]
    steps = [spec.sel[f"steps.{i}"] for i in range(len(spec.raw["steps"]))]

    def check(ctx: Context) -> Iterator[Finding]:
        acts = ctx.c.acts
        idx = next((i for i, a in enumerate(acts) if spec.triggers(ctx, before, a)), None)
        if idx is None:
            return
        stop = acts[idx]
        prior = acts[:idx]
        pos = -1
        zh: list[str] = []
        en: list[str] = []
        ev: list[Act] = [stop]
        first_problem: str | None = None
        for step in steps:
            hits = [i for i, a in enumerate(prior) if step.matches(a, ctx.org)]
            if not hits:
                zh.append(f"缺少「{step.text}」")
                en.append(f"missing '{step.text}'")
                first_problem = first_problem or step.text
                continue
            later = [i for i in hits if i > pos]
            if not later:
                zh.append(f"「{step.text}」顺序颠倒")
                en.append(f"'{step.text}' out of order")
                first_problem = first_problem or step.text
                ev.insert(-1, prior[hits[0]])
                continue
            pos = later[0]
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

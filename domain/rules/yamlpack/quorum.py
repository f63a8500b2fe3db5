"""``quorum`` — enough present (法定人数): ``present_field`` of ``members_field`` more than / at least a fraction."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Any

from domain.acts import Act
from domain.rules.base import Context, Finding, Rule
from domain.rules.conditions import MISSING, as_number, lookup
from domain.rules.templates import has_quorum
from domain.rules.yamlpack.selectors import Selector
from domain.rules.yamlpack.spec import RuleSpec, declare, finding

SELECTORS = ("when", "present_field.of", "members_field.of")


def _field_ref(
    ctx: Context, ref: Any, a: Act, refs: Mapping[str, Selector], name: str, acts: Sequence[Act]
) -> tuple[Any, Act | None]:
    """A ``present_field``/``members_field`` value: of the act itself, or of the first act matching ``of``."""
    if isinstance(ref, str):
        return lookup(a.data, ref), a
    sel = refs.get(name)
    for b in acts:
        if (sel is None or sel.matches(b, ctx.org, acts)) and lookup(b.data, ref["field"]) is not MISSING:
            return lookup(b.data, ref["field"]), b
    return MISSING, None


def _count(v: Any) -> Fraction | None:
    if v is MISSING or v is None:
        return None
    if isinstance(v, (list, tuple, set, frozenset)):
        try:
            return Fraction(len(dict.fromkeys(v)))
        except TypeError:
            return Fraction(len(v))
    n = as_number(v)
    if n is None:
        return None
    return Fraction(str(n))


def build(spec: RuleSpec) -> Rule:
    when = spec.sel["when"]
    strict = "more_than" in spec.raw
    frac = Fraction(str(spec.raw["more_than" if strict else "at_least"]).replace(" ", ""))
    limit = (f"超过 {frac}", f"more than {frac}") if strict else (f"达到 {frac}", f"at least {frac}")
    pref, mref = spec.raw["present_field"], spec.raw["members_field"]

    def check(ctx: Context) -> Iterator[Finding]:
        tl, acts = spec.ordered(ctx)
        for a in acts:
            if not spec.triggers(ctx, when, a, acts):
                continue
            pv, pact = _field_ref(ctx, pref, a, spec.sel, "present_field.of", acts)
            mv, mact = _field_ref(ctx, mref, a, spec.sel, "members_field.of", acts)
            present, members = _count(pv), _count(mv)
            for v, act, ref in ((pv, pact, pref), (mv, mact, mref)):
                if v is not MISSING and v is not None and _count(v) is None and act is not None:
                    fname = ref if isinstance(ref, str) else ref["field"]
                    ctx.cannot_judge(
                        act,
                        f"data.{fname}",
                        f"人数字段 {fname} 的值“{v}”无法识别为人数或名单，无法判断是否达到法定人数",
                        f"{fname} holds {v!r}, neither a count nor a list: cannot judge the quorum",
                        value=v,
                    )
            if present is None or members is None or members <= 0:
                continue
            if has_quorum(present, members, frac, strict=strict):  # type: ignore[arg-type]
                continue
            ev = tl.sort({x.id: x for x in (mact, pact, a) if x is not None}.values())
            yield finding(
                ctx,
                spec,
                a.at,
                ev,
                (
                    f"「{a.act}」应到 {members} 人、实到 {present} 人，未{limit[0]}",
                    f"'{a.act}' with {present} of {members} present, not {limit[1]}",
                ),
                {"act": a.act, "count": str(present), "required": str(members), "limit": limit},
                key=a.id,
                person=when.person(a),
                present=str(present),
                members=str(members),
                fraction=str(frac),
                strict=strict,
            )

    return declare(spec, check)

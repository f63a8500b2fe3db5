"""All catalog rules, gathered from the family modules (规则目录)."""

from __future__ import annotations

from domain.rules import dec, dis, doc, esc, inc, lev, mtg, res, sup, svc
from domain.rules.base import Rule

RULES: tuple[Rule, ...] = tuple(r for m in (esc, doc, mtg, lev, inc, sup, svc, dec, dis, res) for r in m.RULES)
BY_ID: dict[str, Rule] = {r.id: r for r in RULES}


def rules_for_kind(kind: str) -> list[Rule]:
    return [r for r in RULES if kind in r.kinds]

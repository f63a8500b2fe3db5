"""All catalog rules, gathered from the family modules (规则目录)."""

from __future__ import annotations

from types import ModuleType

from domain.rules import dec, dis, doc, esc, inc, lev, mtg, res, sup, svc
from domain.rules.base import Rule

#: The family modules, by family (their docstrings say how the family reads its acts).
MODULES: dict[str, ModuleType] = {
    "ESC": esc,
    "DOC": doc,
    "MTG": mtg,
    "LEV": lev,
    "INC": inc,
    "SUP": sup,
    "SVC": svc,
    "DEC": dec,
    "DIS": dis,
    "RES": res,
}
RULES: tuple[Rule, ...] = tuple(r for m in MODULES.values() for r in m.RULES)
BY_ID: dict[str, Rule] = {r.id: r for r in RULES}


def rules_for_kind(kind: str) -> list[Rule]:
    return [r for r in RULES if kind in r.kinds]

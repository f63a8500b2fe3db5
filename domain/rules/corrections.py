"""Corrections (更正) and retractions (撤回) as the rules see them.

Stored acts never change. A ``retracted`` act removes the act it points at from what the
rules read; a ``corrected`` act replaces the listed fields (``at``, ``by``, ``unit`` or
``data`` keys) of the act it points at. The history an auditor replays keeps all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from types import MappingProxyType

from domain.acts import Act, act_spec, parse_data
from domain.timeutil import parse_datetime

#: The acts that change what the rules read of another act (更正、撤回).
CORRECTING_ACTS = frozenset({"corrected", "retracted"})


def effective_acts(acts: Sequence[Act]) -> list[Act]:
    """The acts in business order with corrections applied and retracted acts dropped."""
    if not any(a.act in CORRECTING_ACTS for a in acts):
        return list(acts)
    retracted = {a.get("of") for a in acts if a.act == "retracted"}
    fixes: dict[str, list[Act]] = {}
    for a in acts:
        if a.act == "corrected":
            fixes.setdefault(a.get("of"), []).append(a)
    out: list[Act] = []
    for a in acts:
        if a.act in ("corrected", "retracted") or a.id in retracted:
            continue
        for fix in fixes.get(a.id, ()):
            a = _apply(a, fix.get("fields") or {})
        out.append(a)
    out.sort(key=lambda a: (a.at, a.seq if a.seq is not None else 0))
    return out


def _apply(a: Act, fields: dict) -> Act:
    changes: dict = {}
    try:
        if "at" in fields:
            changes["at"] = parse_datetime(fields["at"])
        for k in ("by", "unit"):
            if k in fields and isinstance(fields[k], str):
                changes[k] = fields[k]
        if isinstance(fields.get("data"), dict):
            spec = act_spec(a.kind, a.act)
            merged = {**a.data, **fields["data"]}
            changes["data"] = MappingProxyType(parse_data(spec, merged) if spec else merged)
    except (ValueError, TypeError, KeyError):
        return a
    return replace(a, **changes)

"""Selectors (选择器): which acts a rule's ``when``/``after``/``steps``… pick.

A selector is ``{act, where, role, rank, by_field}`` — every key given must match — or a
bare string, shorthand for ``{act: NAME}``. ``act`` takes names and patterns
(:mod:`domain.rules.patterns`: ``"Declaration * by SUPERVISOR"``). A selector without
``act`` never matches the ledger's own acts (``deadline_missed``, the follow-up acts).
``where`` reads the act's data, its name (``act``) and its case (``case.has(...)`` …).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from domain.acts import Act
from domain.org import OrgChart
from domain.rules.conditions import MISSING, Condition, lookup
from domain.rules.patterns import NameMatcher


@lru_cache(maxsize=1)
def _implicit_excluded() -> frozenset[str]:
    """Acts a selector without ``act`` never matches (the clock's and follow-up acts)."""
    from domain.kinds import ANY_KIND_ACTS

    return frozenset(ANY_KIND_ACTS)


@dataclass(frozen=True)
class Selector:
    """Which acts: by name, a condition on data, ``role`` (data field), org ``rank`` of the actor."""

    acts: NameMatcher | None = None
    where: Condition | None = None
    roles: frozenset[str] | None = None
    ranks: frozenset[str] | None = None
    by_field: str | None = None
    names: tuple[str, ...] = ()

    def person(self, a: Act) -> str | None:
        """Who did the act: the data field ``by_field`` if given, else the act's ``by``."""
        if self.by_field:
            v = lookup(a.data, self.by_field)
            return None if v is MISSING else str(v)
        return a.by

    def matches(self, a: Act, org: OrgChart, case: Sequence[Act] | None = None) -> bool:
        """Whether ``a`` (in ``case``, whose acts ``where`` may read) is one of the selected acts."""
        if self.acts is not None:
            if not self.acts(a.act):
                return False
        elif a.act in _implicit_excluded():
            return False
        if self.roles is not None:
            role = a.get("role")
            if isinstance(role, (list, tuple)):
                if not any(str(r) in self.roles for r in role):
                    return False
            elif role is None or str(role) not in self.roles:
                return False
        if self.where is not None and not self.where.evaluate(a.data, a, case):
            return False
        if self.ranks is not None:
            who = self.person(a)
            if who is None or org.rank_of(who, a.at) not in self.ranks:
                return False
        return True

    @property
    def text(self) -> str:
        """How messages name the acts it selects."""
        parts = [" / ".join(self.names) if self.names else "*"]
        if self.roles:
            parts.append(f"role {'/'.join(sorted(self.roles))}")
        if self.ranks:
            parts.append(f"rank {'/'.join(sorted(self.ranks))}")
        if self.where is not None:
            parts.append(f"[{self.where.text}]")
        return " ".join(parts)


def names(v: Any) -> tuple[str, ...]:
    """A name or a list of names, as a tuple."""
    return (v,) if isinstance(v, str) else tuple(str(x) for x in v) if isinstance(v, Iterable) else (str(v),)

"""How a YAML rule reads a case in time (时序): one order for every template, and what a tie means.

**The order.** A rule reads acts by business time — or, with ``granularity: day``, by their
calendar day on the jurisdiction's clock (a date-only event and one at 14:03 the same day
are then at the same moment). Acts at the same moment are put in the pack's declared
``order:`` (a list of act names or patterns; acts it does not list come after those it
lists); acts still level are **simultaneous**.

**What a tie means** — the same in every template: the log cannot tell which of two
simultaneous acts came first, so a rule never finds a breach in the order of simultaneous
acts. A required act simultaneous with the act that needs it counts as before it
(``precedence``, ``chain`` steps and the ``chain``'s ``before`` act); a forbidden act
simultaneous with the act it must not precede does not count as before it (``absence``
``before:``); an answer simultaneous with its trigger answers it (``response``,
``escalation`` ``then:``). Where a template has to pick one of simultaneous acts — the first
``before`` act of a ``chain``, the n-th occurrence of an ``absence``, the act an
``escalation`` flags — it takes them by act id. Nothing depends on the order in which
rows arrived.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from domain.acts import Act
from domain.rules.patterns import NameMatcher
from domain.timeutil import local_date

GRANULARITIES = ("instant", "day")

Moment = tuple[Any, int]


@dataclass(frozen=True)
class Timeline:
    """A rule's reading of time: ``granularity`` and the pack's tie ``order``."""

    granularity: str = "instant"
    order: tuple[NameMatcher, ...] = ()
    _ranks: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def rank(self, name: str) -> int:
        """The place of an act name in the declared ``order`` (unlisted: after all listed)."""
        r = self._ranks.get(name)
        if r is None:
            r = next((i for i, m in enumerate(self.order) if m(name)), len(self.order))
            self._ranks[name] = r
        return r

    def time(self, a: Act, tz: tzinfo) -> datetime | date:
        """When ``a`` happened for this rule: its instant, or its local day."""
        return local_date(a.at, tz) if self.granularity == "day" else a.at

    def moment(self, a: Act, tz: tzinfo) -> Moment:
        """Its place in time: acts with equal moments are simultaneous."""
        return (self.time(a, tz), self.rank(a.act))

    def bind(self, tz: tzinfo) -> Bound:
        return Bound(self, tz)


@dataclass
class Bound:
    """A :class:`Timeline` on a jurisdiction's clock, remembering each act's moment."""

    line: Timeline
    tz: tzinfo
    _memo: dict[str, Moment] = field(default_factory=dict)

    def moment(self, a: Act) -> Moment:
        m = self._memo.get(a.id)
        if m is None:
            m = self._memo[a.id] = self.line.moment(a, self.tz)
        return m

    def sort(self, acts: Iterable[Act]) -> list[Act]:
        """``acts`` in the rule's order: by moment, simultaneous acts by id."""
        return sorted(acts, key=lambda a: (*self.moment(a), a.id))

    def before(self, a: Act, b: Act) -> bool:
        """``a`` certainly came before ``b`` (an earlier moment)."""
        return self.moment(a) < self.moment(b)

    def not_after(self, a: Act, b: Act) -> bool:
        """``a`` came before ``b`` or at the same moment."""
        return self.moment(a) <= self.moment(b)

    def late(self, at: datetime, due: datetime) -> bool:
        """Whether something at ``at`` is after ``due`` (by day with ``granularity: day``)."""
        if self.line.granularity == "day":
            return local_date(at, self.tz) > local_date(due, self.tz)
        return at > due

"""Whose case it is (案件归属) and to whom it was handed (移交): the one rule for a clerk's walls.

A case belongs to the unit of its **first act recorded** (recorded order — the hash chain's
``seq`` — never business time: a unit that backdates an act into another unit's case does
not take it over). Other units become parties to the case only when an act of the contract
hands it to them (移交/交办/转交/呈送/分送…). :data:`HANDOVERS` lists every such act of
``act-log.md`` with the data field that names the receiver:

========================= ========================= =================================
kind                      act                       receiver (field)
========================= ========================= =================================
request 请示/报告          filed 呈报                 ``to`` (post, person or unit)
request                   forwarded 呈送             ``to``
request                   informed_afterwards 事后说明 ``to``
incoming_document 收文     submitted_for_signoff 呈批 ``to``
incoming_document         transferred 交办           ``to_unit``
outgoing_document 发文     drafted 拟稿               ``concerned_units`` (会签 units)
outgoing_document         submitted_to_office 送办公室 the government office (办公室) itself
outgoing_document         distributed 分发           ``to`` (the units among them)
meeting 会议               scheduled 安排             ``members`` (their units at the time)
meeting                   topic_proposed 提出议题    ``lead_unit``, ``concerned_units``
meeting                   decided 决定               ``responsible_unit``
supervision 督查           registered 立项            ``responsible_unit``
supervision               assigned 交办              ``to_unit``
service_request 办事       referred 转交              ``to_unit``
========================= ========================= =================================

A post names its unit; a person names the units of the posts they held at the act's
business time; values that name nothing in the org chart (an outside body) hand nothing.
Hand-overs are read from the corrected history (a retracted hand-over hands nothing); a
clerk may correct or retract only its own units' acts, so only the unit that handed a case
can take the hand-over back.

What a party may do (judgment, documented in README "Roles"): the owner and every unit the
case was handed to may read the **whole** case — the receiving unit needs what it was handed
(the request, the document, the item's deadline) — and may add acts on its own behalf. Units
that are not parties may neither read nor write it. Cases of the ledger's own kinds
(``org``, ``access``, ``followup``) are not any unit's: no clerk reads or writes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.acts import Act
from domain.org import OrgChart

#: (kind, act) → the data fields naming the units it hands the case to.
HANDOVERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("request", "filed"): ("to",),
    ("request", "forwarded"): ("to",),
    ("request", "informed_afterwards"): ("to",),
    ("incoming_document", "submitted_for_signoff"): ("to",),
    ("incoming_document", "transferred"): ("to_unit",),
    ("outgoing_document", "drafted"): ("concerned_units",),
    ("outgoing_document", "submitted_to_office"): (),
    ("outgoing_document", "distributed"): ("to",),
    ("meeting", "scheduled"): ("members",),
    ("meeting", "topic_proposed"): ("lead_unit", "concerned_units"),
    ("meeting", "decided"): ("responsible_unit",),
    ("supervision", "registered"): ("responsible_unit",),
    ("supervision", "assigned"): ("to_unit",),
    ("service_request", "referred"): ("to_unit",),
}

#: Hand-overs to a unit the org chart names by its role rather than a field.
_IMPLIED: dict[tuple[str, str], Callable[[OrgChart], str | None]] = {
    ("outgoing_document", "submitted_to_office"): lambda org: u.id if (u := org.office_unit()) else None,
}

#: Kinds whose cases belong to the ledger itself (组织机构、查阅记录、督查跟踪), never to a unit.
SYSTEM_KINDS = frozenset({"org", "access", "followup"})

#: The act names of the hand-over table (the chain index's ``act`` column finds them).
HANDOVER_ACTS = frozenset(a for _k, a in HANDOVERS)


def _values(v: Any) -> list[str]:
    if isinstance(v, str):
        return [v]
    if isinstance(v, (list, tuple)):
        return [x for x in v if isinstance(x, str)]
    return []


def handed_to(a: Act, org: OrgChart) -> set[str]:
    """The units act ``a`` hands its case to (empty when it is no hand-over)."""
    key = (a.kind, a.act)
    fields = HANDOVERS.get(key)
    if fields is None:
        return set()
    out: set[str] = set()
    implied = _IMPLIED.get(key)
    if implied is not None and (u := implied(org)) is not None:
        out.add(u)
    for f in fields:
        for ref in _values(a.get(f)):
            if org.is_unit(ref):
                out.add(ref)
            elif org.is_post(ref):
                out.add(org.posts[ref].unit)
            elif org.is_person(ref):
                out.update(p.unit for p in org.posts_of(ref, a.at))
    return out


def first_recorded(acts: Iterable[Act]) -> Act | None:
    """The act recorded first (lowest chain ``seq``); acts not yet stored come after, in order."""
    best: Act | None = None
    best_key: tuple[int, int, int] | None = None
    for i, a in enumerate(acts):
        key = (0, a.seq, 0) if a.seq is not None else (1, 0, i)
        if best_key is None or key < best_key:
            best, best_key = a, key
    return best


def owner_of(acts: Iterable[Act]) -> str | None:
    """The unit a case belongs to: the unit of its first act recorded (None for no acts)."""
    first = first_recorded(acts)
    return first.unit if first is not None else None


@dataclass(frozen=True)
class CaseParties:
    """A case's owner and the units it was handed to (案件当事单位)."""

    kind: str | None
    owner: str | None
    handed: frozenset[str] = field(default_factory=frozenset)

    @property
    def system(self) -> bool:
        """A case of the ledger's own (org chart, access log, follow-up): no unit's."""
        return self.kind in SYSTEM_KINDS

    @property
    def units(self) -> frozenset[str]:
        if self.system:
            return frozenset()
        return self.handed | ({self.owner} if self.owner else set())

    def includes(self, unit: str | None) -> bool:
        """Whether ``unit`` is a party: it may read the case and add acts on its own behalf."""
        return unit is not None and unit in self.units

    def any_of(self, units: Iterable[str]) -> bool:
        """Whether any of ``units`` is a party."""
        mine = self.units
        return any(u in mine for u in units)


def case_parties(history: Sequence[Act], org: OrgChart) -> CaseParties:
    """Owner and receiving units of a case from its acts as stored (any order).

    ``history`` may end with acts not yet stored (``seq`` None), e.g. the earlier acts of
    the same request: they count in the order given.
    """
    if not history:
        return CaseParties(None, None)
    from domain.rules.corrections import effective_acts

    ordered = sorted(
        history, key=lambda a: (a.at, a.seq if a.seq is not None else 1 << 62)
    )  # effective_acts keeps this order
    handed: set[str] = set()
    for a in effective_acts(ordered):
        handed |= handed_to(a, org)
    first = first_recorded(history)
    assert first is not None
    return CaseParties(first.kind, first.unit, frozenset(handed))

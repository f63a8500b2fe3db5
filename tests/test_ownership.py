"""Whose case it is (案件归属) and the hand-over acts of the contract (移交), one test per row."""

from __future__ import annotations

from typing import Any

import pytest

from domain.ownership import HANDOVERS, case_parties, handed_to, owner_of
from tests.rules.history import History

#: (kind, act, data, units handed to) — one row per hand-over act of act-log.md.
ROWS: list[tuple[str, str, dict[str, Any], set[str]]] = [
    ("request", "filed", {"doc_type": "请示", "to": "u-gov"}, {"u-gov"}),
    ("request", "forwarded", {"to": "od"}, {"u-office"}),  # a post: its unit
    ("request", "informed_afterwards", {"to": "p-vh1"}, {"u-gov"}),  # a person: their post's unit
    ("incoming_document", "submitted_for_signoff", {"to": "vh-1"}, {"u-gov"}),
    ("incoming_document", "transferred", {"to_unit": "u-sfj"}, {"u-sfj"}),
    ("outgoing_document", "drafted", {"doc_type": "通知", "concerned_units": ["u-sfj", "u-czj"]}, {"u-sfj", "u-czj"}),
    ("outgoing_document", "submitted_to_office", {}, {"u-office"}),  # 送办公室: the office itself
    ("outgoing_document", "distributed", {"to": ["u-town1", "市应急管理局"]}, {"u-town1"}),  # outside bodies: none
    ("meeting", "scheduled", {"type": "executive", "members": ["p-head", "p-sfj"]}, {"u-gov", "u-sfj"}),
    ("meeting", "topic_proposed", {"topic": "T", "lead_unit": "u-czj", "concerned_units": ["u-sfj"]}, {"u-czj", "u-sfj"}),
    ("meeting", "decided", {"topic": "T", "responsible_unit": "u-zcyj"}, {"u-zcyj"}),
    ("supervision", "registered", {"deadline": "2024-06-30T17:00:00+08:00", "responsible_unit": "u-sfj"}, {"u-sfj"}),
    ("supervision", "assigned", {"to_unit": "u-town2"}, {"u-town2"}),
    ("service_request", "referred", {"to_unit": "u-czj"}, {"u-czj"}),
]  # fmt: skip


def test_every_hand_over_act_of_the_table_is_tested() -> None:
    assert {(k, a) for k, a, _d, _u in ROWS} == set(HANDOVERS)


@pytest.mark.parametrize(("kind", "act", "data", "units"), ROWS, ids=[f"{r[0]}.{r[1]}" for r in ROWS])
def test_a_hand_over_act_makes_the_named_units_parties(
    kind: str, act: str, data: dict[str, Any], units: set[str]
) -> None:
    h = History("changle-2022")
    a = h.add(kind, "C-1", act, "2024-05-06 09:00", data=data)
    assert handed_to(a, h.orgchart()) == units
    parties = case_parties([a], h.orgchart())
    assert parties.owner == "u-fgj" and parties.units == units | {"u-fgj"}


def test_a_person_hands_the_case_to_the_unit_of_the_post_held_at_the_acts_time() -> None:
    h = History("changle-2022")
    h.org("relieved", "2024-06-01", person="p-sfj", post="sfj-head")
    h.org("appointed", "2024-06-01", person="p-sfj", post="czj-head")
    before = h.add("request", "R-1", "forwarded", "2024-05-31 09:00", to="p-sfj")
    after = h.add("request", "R-2", "forwarded", "2024-06-02 09:00", to="p-sfj")
    assert handed_to(before, h.orgchart()) == {"u-sfj"}
    assert handed_to(after, h.orgchart()) == {"u-czj"}


def test_the_owner_is_the_unit_of_the_first_act_recorded_not_the_earliest_in_business_time() -> None:
    h = History("changle-2022")
    first = h.add("leave", "L-1", "requested", "2024-05-06 09:00", start="2024-05-07", end="2024-05-08")
    backdated = h.add("leave", "L-1", "departed", "2024-01-01 09:00", by="p-sfj", unit="u-sfj")
    assert backdated.seq is not None and first.seq is not None and backdated.seq > first.seq
    assert owner_of([backdated, first]) == "u-fgj"
    assert case_parties([backdated, first], h.orgchart()).units == {"u-fgj"}


def test_acts_not_yet_stored_come_after_the_stored_ones_in_the_order_given() -> None:
    from dataclasses import replace

    h = History("changle-2022")
    a = replace(h.add("incident", "I-1", "occurred", "2024-05-06 09:00", grade="general"), seq=None)
    b = replace(h.add("incident", "I-2", "occurred", "2024-05-01 09:00", unit="u-sfj", grade="general"), seq=None)
    assert owner_of([a, b]) == "u-fgj" and owner_of([b, a]) == "u-sfj"


def test_a_retracted_hand_over_hands_nothing() -> None:
    h = History("changle-2022")
    reg = h.add("supervision", "S-1", "registered", "2024-05-06 09:00", deadline="2024-06-30T17:00:00+08:00")
    handed = h.add("supervision", "S-1", "assigned", "2024-05-06 10:00", to_unit="u-sfj")
    undo = h.add("supervision", "S-1", "retracted", "2024-05-06 11:00", of=handed.id, reason="错派")
    assert case_parties([reg, handed], h.orgchart()).units == {"u-fgj", "u-sfj"}
    assert case_parties([reg, handed, undo], h.orgchart()).units == {"u-fgj"}


def test_the_ledgers_own_cases_belong_to_no_unit() -> None:
    h = History("changle-2022")
    org_acts = [a for a in h.acts if a.kind == "org"]
    parties = case_parties(org_acts, h.orgchart())
    assert parties.system and parties.units == frozenset() and not parties.includes("u-gov")

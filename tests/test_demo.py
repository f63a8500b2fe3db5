"""The demo data (ledger.demo): valid, unique, deterministic, and it shows every family."""

from __future__ import annotations

from collections import Counter

import pytest

from domain.rules.base import Violation
from domain.rules.registry import RULES
from domain.timeutil import parse_datetime
from ledger.demo import DemoJurisdiction, build_demo, demo_acts, demo_violations

#: The contract's case kinds (act-log.md), org aside.
CASE_KINDS = sorted(
    [
        "request",
        "incoming_document",
        "outgoing_document",
        "meeting",
        "leave",
        "incident",
        "supervision",
        "service_request",
        "decision",
        "discipline",
        "research",
    ]
)

#: The families each jurisdiction's pack lets it show (a rule applies only in the packs it cites).
EXPECTED_FAMILIES = {
    "changle": {"ESC", "DOC", "MTG", "LEV", "DEC", "RES"},
    "dongqu": {"ESC", "DOC", "MTG", "LEV", "INC", "SUP", "DEC"},
    "yiyuan": {"ESC", "DOC", "MTG", "LEV", "SUP", "SVC", "DEC", "DIS"},
}


@pytest.fixture(scope="module")
def demo() -> list[DemoJurisdiction]:
    return build_demo(2024, 7)


@pytest.fixture(scope="module")
def violations(demo: list[DemoJurisdiction]) -> dict[str, list[Violation]]:
    return {j.jurisdiction: demo_violations(j) for j in demo}


def kinds_of(j: DemoJurisdiction) -> dict[str, str]:
    return {a["case"]: a["kind"] for a in j.acts}


def test_three_jurisdictions_each_judged_by_its_own_pack(demo: list[DemoJurisdiction]) -> None:
    assert [(j.jurisdiction, j.pack) for j in demo] == [
        ("changle", "changle-2022"),
        ("dongqu", "dongqu-2012"),
        ("yiyuan", "yiyuan"),
    ]
    for j in demo:
        assert set(j.org) >= {"jurisdiction", "pack", "timezone", "units", "posts", "people", "appointments"}
        assert set(j.org) >= {"in_charge", "covers", "delegations"}
        parse_datetime(j.clock)


def test_every_act_validates_and_the_clock_adds_the_missed_deadlines(demo: list[DemoJurisdiction]) -> None:
    for j in demo:
        assert not any(a["act"] == "deadline_missed" for a in j.acts)  # the clock's, never imported
        _org, acts = demo_acts(j)  # raises ActError on the first invalid act
        assert len([a for a in acts if a.kind != "org"]) == len(j.acts) + sum(
            1 for a in acts if a.act == "deadline_missed"
        )
        assert any(a.act == "deadline_missed" for a in acts)
        clock = parse_datetime(j.clock)
        assert all(a.at <= clock for a in acts)


def test_ids_are_unique_across_jurisdictions(demo: list[DemoJurisdiction]) -> None:
    for key in ("units", "posts", "people"):
        ids = [x["id"] for j in demo for x in j.org[key]]
        assert len(ids) == len(set(ids)), key
    act_ids = [a["id"] for j in demo for a in j.acts]
    assert len(act_ids) == len(set(act_ids))
    cases = [c for j in demo for c in kinds_of(j)]
    assert len(cases) == len(set(cases))
    names = [p["name"] for p in demo[0].org["people"]]
    assert len(names) == len(set(names))  # nobody shares a name within a county


def test_the_main_county_is_a_full_county(demo: list[DemoJurisdiction]) -> None:
    main = demo[0]
    units = main.org["units"]
    assert len(units) >= 20
    types = Counter(u["type"] for u in units)
    assert types["government"] == 1 and types["office"] == 1
    assert types["department"] >= 12 and types["town"] >= 5 and types["division"] >= 2
    ranks = {p["rank"] for p in main.org["posts"]}
    assert ranks >= {
        "head",
        "exec_vice_head",
        "vice_head",
        "office_director",
        "office_deputy",
        "secretary",
        "confidential_secretary",
        "dept_head",
        "dept_deputy",
        "division_head",
        "political_dept",
        "staff",
    }
    assert sum(1 for p in main.org["posts"] if p["rank"] == "vice_head") >= 3
    assert any("until" in a for a in main.org["appointments"])  # a mid-year appointment change
    assert main.org["covers"] and main.org["delegations"]
    [dl] = main.org["delegations"]
    assert dl["scope"] == "sign" and dl["from_post"].endswith("-head") and dl["to_post"].endswith("-evh")
    # the head's delegate signs while the head is away
    signed = [a for a in main.acts if a["act"] == "signed" and a["data"].get("delegation")]
    assert signed and all(dl["since"] <= a["at"][:10] <= dl["until"] for a in signed)


def test_every_case_kind_is_present_in_every_jurisdiction(demo: list[DemoJurisdiction]) -> None:
    for j in demo:
        assert sorted(set(kinds_of(j).values())) == CASE_KINDS, j.jurisdiction
    assert sum(len(kinds_of(j)) for j in demo) >= 300


def test_deterministic_from_the_seed(demo: list[DemoJurisdiction]) -> None:
    again = build_demo(2024, 7)
    assert [(j.org, j.acts, j.clock) for j in again] == [(j.org, j.acts, j.clock) for j in demo]
    other = build_demo(2024, 8)
    assert [j.acts for j in other] != [j.acts for j in demo]


def test_violations_of_every_family_over_the_three(violations: dict[str, list[Violation]]) -> None:
    families_with_rules = {r.family for r in RULES}
    seen = {v.family for vs in violations.values() for v in vs}
    assert families_with_rules <= seen, sorted(families_with_rules - seen)
    assert seen == {"ESC", "DOC", "MTG", "LEV", "INC", "SUP", "SVC", "DEC", "DIS", "RES"}


def test_each_jurisdiction_shows_the_families_its_pack_cites(violations: dict[str, list[Violation]]) -> None:
    for jur, expected in EXPECTED_FAMILIES.items():
        assert {v.family for v in violations[jur]} == expected, jur


def test_most_cases_comply_and_every_kind_has_compliant_cases(
    demo: list[DemoJurisdiction], violations: dict[str, list[Violation]]
) -> None:
    for j in demo:
        kinds = kinds_of(j)
        flagged = {v.case for v in violations[j.jurisdiction]} & set(kinds)
        share = len(flagged) / len(kinds)
        assert 0.05 <= share <= 0.25, (j.jurisdiction, share)
        compliant = Counter(k for c, k in kinds.items() if c not in flagged)
        assert sorted(compliant) == CASE_KINDS, (j.jurisdiction, compliant)


def test_the_planted_breaches_are_the_ones_flagged(
    demo: list[DemoJurisdiction], violations: dict[str, list[Violation]]
) -> None:
    """Cases the generator meant to be compliant are not flagged (a flag there means the demo
    or a rule misreads the procedure); nearly every planted breach is flagged."""
    for j in demo:
        kinds = kinds_of(j)
        flagged = {v.case for v in violations[j.jurisdiction]} & set(kinds)
        wrongly = sorted(c for c in flagged if not j.planted.get(c))
        assert wrongly == [], (j.jurisdiction, wrongly)
        planted = {c for c, p in j.planted.items() if p}
        assert len(planted & flagged) >= 0.9 * len(planted), (j.jurisdiction, sorted(planted - flagged))

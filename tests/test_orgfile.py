"""The org chart file (组织机构文件) must hold together: every refusal names the entry and stores
nothing; a later file may name what an earlier one listed."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from domain.errors import ActError
from domain.orgfile import org_acts
from ledger.importer import Importer
from ledger.store import Ledger
from ledger.validation import BatchValidator
from tests.conftest import COUNTY, FakeClock, act


def _county(**changes: Any) -> dict[str, Any]:
    c = copy.deepcopy(COUNTY)
    for key, value in changes.items():
        c[key] = value
    return c


def _with(key: str, index: int, **fields: Any) -> dict[str, Any]:
    c = copy.deepcopy(COUNTY)
    c[key][index] = {**c[key][index], **fields}
    return c


BROKEN: list[tuple[str, dict[str, Any], str, str]] = [
    # (what, org file, entry named, words in the message)
    ("a unit that is its own parent", _with("units", 2, parent="u-fgj"), "units[2].parent", "own parent"),
    ("an unknown parent", _with("units", 2, parent="u-nowhere"), "units[2].parent", "u-nowhere"),
    (
        "parents in a cycle",
        _county(units=[*COUNTY["units"][:2], {"id": "u-a", "name": "甲", "parent": "u-b"}, {"id": "u-b", "name": "乙", "parent": "u-a"}]),
        "units[2].parent",
        "u-a → u-b → u-a",
    ),
    ("the government in a cycle", _with("units", 0, parent="u-office"), "units[0].parent", "cycle"),
    ("a unit listed twice", _county(units=[*COUNTY["units"], COUNTY["units"][2]]), "units[4].id", "twice"),
    ("an unknown unit type", _with("units", 2, type="bureau"), "units[2].type", "bureau"),
    ("a post in an unknown unit", _with("posts", 0, unit="u-nowhere"), "posts[0].unit", "u-nowhere"),
    ("an unknown rank", _with("posts", 0, rank="emperor"), "posts[0].rank", "emperor"),
    ("a post listed twice", _county(posts=[*COUNTY["posts"], COUNTY["posts"][0]]), "posts[8].id", "twice"),
    ("a person listed twice", _county(people=[*COUNTY["people"], COUNTY["people"][0]]), "people[9].id", "twice"),
    ("an appointment of a person not listed", _with("appointments", 0, person="p-ghost"), "appointments[0].person", "p-ghost"),
    ("an appointment to an unknown post", _with("appointments", 0, post="king"), "appointments[0].post", "king"),
    ("an appointment ending before it starts", _with("appointments", 0, until="2020-01-01"), "appointments[0].until", "before"),
    ("a charge of an unknown post", _with("in_charge", 0, post="vh-9"), "in_charge[0].post", "vh-9"),
    ("a charge of an unknown unit", _with("in_charge", 0, units=["u-fgj", "u-x"]), "in_charge[0].units[1]", "u-x"),
    ("a cover of an unknown post", _county(covers=[["vh-1", "vh-9"]]), "covers[0].posts[1]", "vh-9"),
    ("a delegation to an unknown post", _with("delegations", 0, to_post="vh-9"), "delegations[0].to_post", "vh-9"),
    ("a date beyond the accepted years", _with("appointments", 0, since="0001-01-01"), "appointments[0].since", "1900"),
    ("an until of year 9999", _with("appointments", 2, until="9999-12-31"), "appointments[2].until", "2200"),
    ("an entry that is not an object", _county(people=["p-li"]), "people[0]", "mapping"),
]  # fmt: skip


@pytest.mark.parametrize(("what", "chart", "where", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_an_org_file_that_does_not_hold_together_is_refused_naming_the_entry(
    what: str, chart: dict[str, Any], where: str, words: str
) -> None:
    with pytest.raises(ActError) as e:
        org_acts(chart)
    assert e.value.field == where, e.value
    assert words in e.value.message_en and e.value.message_zh


def test_units_may_be_listed_before_their_parents() -> None:
    units = list(reversed(COUNTY["units"]))
    _jur, acts = org_acts(_county(units=units))
    created = [a["data"]["id"] for a in acts if a["act"] == "unit_created"]
    assert created.index("u-gov") < created.index("u-fgj") and sorted(created) == sorted(u["id"] for u in units)


@pytest.mark.parametrize(("what", "chart", "where", "words"), BROKEN[:4], ids=[b[0] for b in BROKEN[:4]])
def test_an_import_of_a_broken_org_file_stores_nothing(
    db_url: str, clock: FakeClock, what: str, chart: dict[str, Any], where: str, words: str
) -> None:
    with Ledger(db_url, clock=clock) as led:
        res = Importer(led).import_chart(chart)
        assert res.imported == 0 and [(e.field, e.line) for e in res.rejected] == [(where, 0)]
        assert led.count() == 0 and led.jurisdictions() == []


def test_a_later_org_file_may_name_what_an_earlier_one_listed(db_url: str, clock: FakeClock) -> None:
    later = {
        "jurisdiction": "lecheng",
        "units": [{"id": "u-fgj-div", "name": "综合科", "type": "division", "parent": "u-fgj"}],
        "posts": [{"id": "div-head", "title": "科长", "unit": "u-fgj-div", "rank": "division_head"}],
        "appointments": [{"person": "p-sun", "post": "div-head", "since": "2024-01-01"}],
    }
    with Ledger(db_url, clock=clock) as led:
        assert not Importer(led).import_chart(COUNTY).rejected
        res = Importer(led).import_chart(later)
        assert not res.rejected and res.imported == 3
        assert led.org("lecheng").unit_of("p-sun", clock.now.replace(year=2024, month=6)) == "u-fgj-div"
        cycle = {"jurisdiction": "lecheng", "units": [{"id": "u-gov", "name": "县政府", "parent": "u-fgj-div"}]}
        assert Importer(led).import_chart(cycle).rejected[0].field == "units[0].parent"


def test_an_org_act_from_any_source_is_checked_against_the_chart(db_url: str, clock: FakeClock) -> None:
    """The same check for one org act (POST /acts by an admin, an act log): naming its data field."""
    with Ledger(db_url, clock=clock) as led:
        Importer(led).import_chart(COUNTY)
        v = BatchValidator(led, jurisdiction="lecheng")
        org = "ORG-lecheng"
        bad = [
            ({"person": "p-ghost", "post": "od"}, "appointed", "data.person"),
            ({"person": "p-li", "post": "king"}, "relieved", "data.post"),
            ({"id": "u-gov", "name": "县政府", "type": "government", "parent": "u-fgj"}, "unit_created", "data.parent"),
            ({"id": "x", "title": "X", "unit": "u-x", "rank": "staff"}, "post_created", "data.unit"),
        ]
        for data, name, field in bad:
            raw = act(f"o-{name}", org, "org", name, "2024-05-01T00:00:00+08:00", by="system", unit="u-gov")
            raw["data"] = data
            with pytest.raises(ActError) as e:
                v.validate(raw)
            assert (e.value.field, e.value.code) == (field, "unknown_reference"), name

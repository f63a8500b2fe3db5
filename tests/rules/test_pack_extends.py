"""A jurisdiction's own pack can add to a built-in pack (``extends``): both sets of rules apply,
each citing its own pack; a pack that does not compile is refused when it is recorded."""

from __future__ import annotations

import json
from pathlib import Path

from ledger.importer import Importer
from ledger.store import Ledger
from tests.conftest import COUNTY, FakeClock, act
from tests.rules.history import History

OWN = """
pack: testcounty-own
name: {zh: 本县补充规则, en: The county's own rules}
extends: dongqu-2012
effective_from: 2020-01-01
rules:
  - id: OWN-INCIDENT-CLOSED
    template: response
    kinds: [incident]
    citation: "县应急办通知 第3条"
    severity: low
    message: {zh: "事件处置结束未在 {limit} 内", en: "response not ended within {limit}"}
    after: {act: occurred}
    expect: {act: response_ended}
    within: {hours: 48}
"""


def test_an_extending_pack_keeps_the_base_rules_and_adds_its_own() -> None:
    h = History(None)
    h.org("pack_defined", pack="testcounty-own", source=OWN)
    h.org("pack_adopted", pack="testcounty-own", **{"from": "2020-01-01"})
    h.add("incident", "I-1", "occurred", "2024-03-05 10:00", grade="general")
    h.add("incident", "I-1", "reported", "2024-03-05 10:40", channel="phone", to_level="unit_head")
    h.add("incident", "I-1", "response_ended", "2024-03-09 10:00")
    [base] = h.violations("INC-FIRST-REPORT")
    assert base.pack == "dongqu-2012" and base.article == "dongqu-2012:第一百二十四条(二)"
    [own] = h.violations("OWN-INCIDENT-CLOSED")
    assert own.pack == "testcounty-own" and own.article == "testcounty-own:县应急办通知 第3条"


def test_a_pack_that_does_not_compile_is_refused_when_recorded(tmp_path: Path) -> None:
    ledger = Ledger(f"sqlite:///{tmp_path / 'l.db'}", clock=FakeClock())
    Importer(ledger).import_chart(COUNTY)
    broken = OWN.replace("template: response", "template: telepathy")
    line = act(
        "pk-1",
        "ORG-lecheng",
        "org",
        "pack_defined",
        "2024-01-01T00:00:00+08:00",
        by="system",
        unit="u-gov",
        pack="testcounty-own",
        source=broken,
    )
    res = Importer(ledger).import_lines([json.dumps(line, ensure_ascii=False)])
    assert [(e.field, e.code) for e in res.rejected] == [("data.source", "invalid_pack")]
    good = dict(line, data={"pack": "testcounty-own", "source": OWN})
    assert Importer(ledger).import_lines([json.dumps(good, ensure_ascii=False)]).imported == 1
    ledger.close()


ROME = """
pack: rome-fines
name: {zh: 罚款, en: Fines}
effective_from: 2000-01-01
rules:
  - id: FINE-PENALTY-60D
    template: response
    citation: "art. 203"
    message: {zh: "{limit}内未加收罚金", en: "penalty not added within {limit}"}
    after: {act: notified}
    expect: {act: penalty}
    within: {days: 60}
"""


def test_a_limit_in_days_counts_calendar_days_in_the_jurisdictions_zone() -> None:
    """60 days after 1 October (summer time) is 30 November (winter time), midnight to midnight."""
    h = History(None)
    h.org("timezone_set", timezone="Europe/Rome")
    h.org("pack_defined", pack="rome-fines", source=ROME)
    h.org("pack_adopted", pack="rome-fines", **{"from": "2000-01-01"})
    for case, penalty_at in (("F-1", "2018-11-30T00:00:00+01:00"), ("F-2", "2018-12-01T00:00:00+01:00")):
        h.add("process", case, "notified", "2018-10-01T00:00:00+02:00")
        h.add("process", case, "penalty", penalty_at)
    assert [v.case for v in h.violations("FINE-PENALTY-60D")] == ["F-2"]

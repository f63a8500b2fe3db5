"""INC — 突发事件信息报送: one test per clause, named after the rule."""

from __future__ import annotations

from tests.rules.history import History


def test_inc_first_report_late_report_to_unit_head_is_flagged() -> None:
    h = History("dongqu-2012")
    occ = h.add("incident", "I-1", "occurred", "2024-03-05 10:00", grade="general")
    rep = h.add("incident", "I-1", "reported", "2024-03-05 10:40", channel="phone", to_level="unit_head")
    [v] = h.violations("INC-FIRST-REPORT")
    assert v.article == "dongqu-2012:第一百二十四条(二)"
    assert set(v.evidence) == {occ.id, rep.id}


def test_inc_first_report_within_limit_passes() -> None:
    h = History("dongqu-2012")
    h.add("incident", "I-1", "occurred", "2024-03-05 10:00", grade="general")
    h.add("incident", "I-1", "reported", "2024-03-05 10:10", channel="phone", to_level="unit_head")
    assert h.violations("INC-FIRST-REPORT") == []


def test_inc_first_report_missing_is_recorded_by_the_clock_and_flagged() -> None:
    h = History("dongqu-2012")
    h.add("incident", "I-1", "occurred", "2024-03-05 10:00", grade="general")
    assert h.tick("2024-03-05 10:05") == []
    [missed] = h.tick("2024-03-05 11:00")
    assert missed.act == "deadline_missed" and missed.get("rule") == "INC-FIRST-REPORT"
    assert h.tick("2024-03-05 12:00") == []  # re-running the clock records nothing new
    [v] = h.violations("INC-FIRST-REPORT")
    assert missed.id in v.evidence


def test_inc_first_report_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("changle-2022")
    h.add("incident", "I-1", "occurred", "2024-03-05 10:00", grade="general")
    h.add("incident", "I-1", "reported", "2024-03-05 12:40", channel="phone", to_level="unit_head")
    assert h.violations("INC-FIRST-REPORT") == []

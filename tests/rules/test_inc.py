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
    # the same tick also records INC-UNREPORTED (nothing went above the unit either)
    [missed] = [a for a in h.tick("2024-03-05 11:00") if a.get("rule") == "INC-FIRST-REPORT"]
    assert missed.act == "deadline_missed" and missed.get("rule") == "INC-FIRST-REPORT"
    assert h.tick("2024-03-05 12:00") == []  # re-running the clock records nothing new
    [v] = h.violations("INC-FIRST-REPORT")
    assert missed.id in v.evidence


def test_inc_first_report_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("changle-2022")
    h.add("incident", "I-1", "occurred", "2024-03-05 10:00", grade="general")
    h.add("incident", "I-1", "reported", "2024-03-05 12:40", channel="phone", to_level="unit_head")
    assert h.violations("INC-FIRST-REPORT") == []


# ---- helpers --------------------------------------------------------------------------------
def _rules(acts) -> list[str]:
    return sorted(a.get("rule") for a in acts)


def _incident(h: History, at: str = "2024-03-05 10:00", case: str = "I-1", *, head_told: bool = True, **data):
    """An incident; the staff at the scene tell the unit head 5 minutes later (INC-FIRST-REPORT)."""
    data.setdefault("grade", "general")
    occ = h.add("incident", case, "occurred", at, **data)
    if head_told:
        h.add(
            "incident",
            case,
            "reported",
            occ.at.replace(minute=occ.at.minute + 5).isoformat(),
            channel="phone",
            to_level="unit_head",
        )
    return occ


def _report(h: History, at: str, channel: str, to_level: str, case: str = "I-1", **kw):
    return h.add("incident", case, "reported", at, channel=channel, to_level=to_level, **kw)


# ---- INC-PHONE-DEADLINE (dongqu-2012:第一百二十四条(二); standardization:篇四(三)8) ---------
def test_inc_phone_deadline_dongqu_late_phone_report_to_district_is_flagged() -> None:
    h = History("dongqu-2012")
    occ = _incident(h)
    rep = _report(h, "2024-03-05 10:45", "phone", "local_gov")
    [v] = h.violations("INC-PHONE-DEADLINE")
    assert v.article == "dongqu-2012:第一百二十四条(二)"
    assert set(v.evidence) == {occ.id, rep.id}
    assert "15 min" in v.message_en and v.detail["limit_minutes"] == 30


def test_inc_phone_deadline_dongqu_unit_and_district_within_limits_pass() -> None:
    h = History("dongqu-2012")
    _incident(h)
    _report(h, "2024-03-05 10:25", "phone", "local_gov")
    _report(h, "2024-03-05 10:55", "phone", "city_gov", by="p-head", unit="u-gov")
    assert h.violations("INC-PHONE-DEADLINE") == []


def test_inc_phone_deadline_dongqu_district_phones_city_after_one_hour_is_flagged() -> None:
    h = History("dongqu-2012")
    occ = _incident(h)
    _report(h, "2024-03-05 10:20", "phone", "local_gov")
    late = _report(h, "2024-03-05 11:20", "phone", "city_gov", by="p-head", unit="u-gov")
    [v] = h.violations("INC-PHONE-DEADLINE")
    assert set(v.evidence) == {occ.id, late.id}
    assert v.detail["limit_minutes"] == 60


def test_inc_phone_deadline_dongqu_government_own_incident_owes_only_the_city_leg() -> None:
    h = History("dongqu-2012")
    _incident(h, by="p-od", unit="u-gov")
    _report(h, "2024-03-05 10:50", "phone", "city_gov", by="p-head", unit="u-gov")
    assert h.violations("INC-PHONE-DEADLINE") == []


def test_inc_phone_deadline_dongqu_missing_phone_after_a_written_report_is_recorded_and_flagged() -> None:
    h = History("dongqu-2012")
    _incident(h)
    _report(h, "2024-03-05 10:20", "written", "local_gov")
    _report(h, "2024-03-05 10:50", "phone", "city_gov", by="p-head", unit="u-gov")
    missed = [a for a in h.tick("2024-03-05 12:00") if a.get("rule") == "INC-PHONE-DEADLINE"]
    assert [a.get("key") for a in missed] == ["phone:local_gov"]
    [v] = h.violations("INC-PHONE-DEADLINE")
    assert missed[0].id in v.evidence


def test_inc_phone_deadline_standardization_larger_incident_has_40_minutes() -> None:
    h = History("standardization")
    _incident(h, grade="larger")
    _report(h, "2024-03-05 10:35", "phone", "local_gov")
    assert h.violations("INC-PHONE-DEADLINE") == []


def test_inc_phone_deadline_standardization_major_incident_phoned_after_20_minutes_is_flagged() -> None:
    h = History("standardization")
    occ = _incident(h, grade="major")
    rep = _report(h, "2024-03-05 10:35", "phone", "city_gov")
    [v] = h.violations("INC-PHONE-DEADLINE")
    assert v.article == "standardization:篇四(三)8"
    assert set(v.evidence) == {occ.id, rep.id}
    assert v.detail["limit_minutes"] == 20


def test_inc_phone_deadline_standardization_sensitive_general_incident_is_reported_at_once() -> None:
    h = History("standardization")
    _incident(h, grade="general", sensitive=True)
    _report(h, "2024-03-05 10:25", "phone", "local_gov")
    [v] = h.violations("INC-PHONE-DEADLINE")
    assert v.detail["limit_minutes"] == 15


def test_inc_phone_deadline_standardization_sensitive_tightens_a_larger_incident() -> None:
    h = History("standardization")
    _incident(h, grade="larger", sensitive=True)
    _report(h, "2024-03-05 10:30", "phone", "local_gov")
    assert len(h.violations("INC-PHONE-DEADLINE")) == 1


def test_inc_phone_deadline_standardization_general_incident_has_no_limit() -> None:
    h = History("standardization")
    _incident(h, grade="general")
    _report(h, "2024-03-05 15:00", "phone", "local_gov")
    assert h.tick("2024-03-06 10:00") == []
    assert h.violations("INC-PHONE-DEADLINE") == []


def test_inc_phone_deadline_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("changle-2022")
    _incident(h, grade="major")
    _report(h, "2024-03-05 13:00", "phone", "local_gov")
    assert h.violations("INC-PHONE-DEADLINE") == []


# ---- INC-WRITTEN-DEADLINE -------------------------------------------------------------------
def test_inc_written_deadline_dongqu_written_report_after_one_hour_is_flagged() -> None:
    h = History("dongqu-2012")
    occ = _incident(h)
    _report(h, "2024-03-05 10:20", "phone", "local_gov")
    w = _report(h, "2024-03-05 11:10", "written", "local_gov")
    _report(h, "2024-03-05 10:50", "phone", "city_gov", by="p-head", unit="u-gov")
    _report(h, "2024-03-05 11:50", "written", "city_gov", by="p-head", unit="u-gov")
    [v] = h.violations("INC-WRITTEN-DEADLINE")
    assert v.article == "dongqu-2012:第一百二十四条(二)"
    assert set(v.evidence) == {occ.id, w.id}


def test_inc_written_deadline_dongqu_both_legs_on_time_pass() -> None:
    h = History("dongqu-2012")
    _incident(h)
    _report(h, "2024-03-05 10:20", "phone", "local_gov")
    _report(h, "2024-03-05 10:55", "written", "local_gov")
    _report(h, "2024-03-05 10:50", "phone", "city_gov", by="p-head", unit="u-gov")
    _report(h, "2024-03-05 11:55", "written", "city_gov", by="p-head", unit="u-gov")
    assert h.tick("2024-03-05 18:00") == []
    assert h.violations("INC-WRITTEN-DEADLINE") == []


def test_inc_written_deadline_dongqu_district_written_report_to_city_missing_is_recorded() -> None:
    h = History("dongqu-2012")
    _incident(h)
    _report(h, "2024-03-05 10:20", "phone", "local_gov")
    _report(h, "2024-03-05 10:55", "written", "local_gov")
    _report(h, "2024-03-05 10:50", "phone", "city_gov", by="p-head", unit="u-gov")
    [m] = h.tick("2024-03-05 13:00")
    assert m.get("rule") == "INC-WRITTEN-DEADLINE" and m.get("key") == "written:city_gov"
    [v] = h.violations("INC-WRITTEN-DEADLINE")
    assert m.id in v.evidence


def test_inc_written_deadline_standardization_major_written_after_30_minutes_is_flagged() -> None:
    h = History("standardization")
    occ = _incident(h, grade="especially_major")
    _report(h, "2024-03-05 10:10", "phone", "local_gov")
    w = _report(h, "2024-03-05 10:40", "written", "local_gov")
    [v] = h.violations("INC-WRITTEN-DEADLINE")
    assert v.article == "standardization:篇四(三)8"
    assert set(v.evidence) == {occ.id, w.id}


def test_inc_written_deadline_standardization_larger_written_within_the_hour_passes() -> None:
    h = History("standardization")
    _incident(h, grade="larger")
    _report(h, "2024-03-05 10:30", "phone", "local_gov")
    _report(h, "2024-03-05 10:58", "written", "local_gov")
    assert h.violations("INC-WRITTEN-DEADLINE") == []


def test_inc_written_deadline_standardization_sensitive_incident_gets_the_strictest_written_limit() -> None:
    h = History("standardization")
    _incident(h, grade="general", sensitive=True)
    _report(h, "2024-03-05 10:05", "phone", "local_gov")
    _report(h, "2024-03-05 10:45", "written", "local_gov")
    [v] = h.violations("INC-WRITTEN-DEADLINE")
    assert v.detail["limit_minutes"] == 30


def test_inc_written_deadline_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("yiyuan")
    _incident(h, grade="major")
    _report(h, "2024-03-05 10:05", "phone", "local_gov")
    _report(h, "2024-03-05 18:00", "written", "local_gov")
    assert h.violations("INC-WRITTEN-DEADLINE") == []


# ---- INC-VERIFY-REQUEST ---------------------------------------------------------------------
def test_inc_verify_request_standardization_phone_answer_after_10_minutes_is_flagged() -> None:
    h = History("standardization")
    _incident(h, grade="general")
    req = h.add("incident", "I-1", "verification_requested", "2024-03-05 11:00", by="p-od", unit="u-office")
    ans = _report(h, "2024-03-05 11:15", "phone", "local_gov", report="verification")
    _report(h, "2024-03-05 11:18", "written", "local_gov", report="verification")
    [v] = h.violations("INC-VERIFY-REQUEST")
    assert v.article == "standardization:篇四(三)8"
    assert set(v.evidence) == {req.id, ans.id}


def test_inc_verify_request_standardization_answers_within_10_and_20_minutes_pass() -> None:
    h = History("standardization")
    _incident(h, grade="general")
    h.add("incident", "I-1", "verification_requested", "2024-03-05 11:00", by="p-od", unit="u-office")
    _report(h, "2024-03-05 11:08", "phone", "local_gov", report="verification")
    _report(h, "2024-03-05 11:19", "written", "local_gov", report="verification")
    assert h.violations("INC-VERIFY-REQUEST") == []


def test_inc_verify_request_standardization_reports_before_the_request_do_not_answer_it() -> None:
    h = History("standardization")
    _incident(h, grade="larger")
    _report(h, "2024-03-05 10:10", "phone", "local_gov")
    _report(h, "2024-03-05 10:40", "written", "local_gov")
    req = h.add("incident", "I-1", "verification_requested", "2024-03-05 12:00", by="p-od", unit="u-office")
    _report(h, "2024-03-05 12:05", "phone", "local_gov", report="verification")
    missed = h.tick("2024-03-05 12:30")
    assert [(a.get("rule"), a.get("key")) for a in missed] == [("INC-VERIFY-REQUEST", f"{req.id}:written")]
    [v] = h.violations("INC-VERIFY-REQUEST")
    assert missed[0].id in v.evidence


def test_inc_verify_request_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("dongqu-2012")
    _incident(h)
    h.add("incident", "I-1", "verification_requested", "2024-03-05 11:00", by="p-od", unit="u-office")
    _report(h, "2024-03-05 12:00", "phone", "local_gov")
    assert h.violations("INC-VERIFY-REQUEST") == []


# ---- INC-FOLLOWUP-24H -----------------------------------------------------------------------
def test_inc_followup_24h_standardization_every_missed_window_is_recorded_by_the_clock() -> None:
    h = History("standardization")
    _incident(h, grade="major")
    first = _report(h, "2024-03-05 10:10", "phone", "local_gov", report="initial")
    _report(h, "2024-03-05 10:25", "written", "local_gov", report="initial")
    fu = _report(h, "2024-03-06 08:10", "written", "local_gov", report="followup")
    assert h.tick("2024-03-07 08:00") == []  # window 2 closes at 2024-03-07 08:10
    missed = h.tick("2024-03-09 08:00")  # windows 2 and 3 closed; window 4 closes at 08:10
    assert [a.get("key") for a in missed] == ["window:2", "window:3"]
    vs = h.violations("INC-FOLLOWUP-24H")
    assert len(vs) == 2
    assert all(v.article == "standardization:篇四(三)8" for v in vs)
    assert {e for v in vs for e in v.evidence} == {fu.id, *(a.id for a in missed)}
    assert first.id not in {e for v in vs for e in v.evidence}


def test_inc_followup_24h_standardization_daily_followups_until_the_response_ends_pass() -> None:
    h = History("standardization")
    _incident(h, grade="larger")
    _report(h, "2024-03-05 10:10", "phone", "local_gov")
    _report(h, "2024-03-05 10:50", "written", "local_gov")
    _report(h, "2024-03-06 09:00", "written", "local_gov")  # untyped, not the first written: a follow-up
    _report(h, "2024-03-07 08:30", "written", "local_gov", report="followup")
    h.add("incident", "I-1", "response_ended", "2024-03-08 06:00", by="p-fgj")
    assert h.tick("2024-03-20 00:00") == []
    assert h.violations("INC-FOLLOWUP-24H") == []


def test_inc_followup_24h_standardization_late_followup_is_flagged_without_the_clock() -> None:
    h = History("standardization")
    _incident(h, grade="larger")
    first = _report(h, "2024-03-05 10:10", "phone", "local_gov")
    late = _report(h, "2024-03-06 16:10", "written", "local_gov", report="followup")
    h.add("incident", "I-1", "response_ended", "2024-03-07 10:00", by="p-fgj")
    [v] = h.violations("INC-FOLLOWUP-24H")
    assert set(v.evidence) == {first.id, late.id}
    assert "6.0 h" in v.message_en


def test_inc_followup_24h_standardization_general_incident_owes_no_followups() -> None:
    h = History("standardization")
    _incident(h, grade="general")
    _report(h, "2024-03-05 10:10", "phone", "local_gov")
    assert h.tick("2024-03-09 00:00") == []
    assert h.violations("INC-FOLLOWUP-24H") == []


def test_inc_followup_24h_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("dongqu-2012")
    _incident(h, grade="major")
    _report(h, "2024-03-05 10:10", "phone", "local_gov")
    _report(h, "2024-03-05 10:40", "written", "local_gov")
    _report(h, "2024-03-05 10:50", "phone", "city_gov", by="p-head", unit="u-gov")
    _report(h, "2024-03-05 11:40", "written", "city_gov", by="p-head", unit="u-gov")
    assert h.tick("2024-03-09 00:00") == []
    assert h.violations("INC-FOLLOWUP-24H") == []


# ---- INC-UNREPORTED -------------------------------------------------------------------------
def test_inc_unreported_dongqu_no_report_is_recorded_by_the_clock_and_flagged() -> None:
    h = History("dongqu-2012")
    occ = _incident(h)  # the unit head is told at 10:05: inside the unit, not a report upward
    assert h.tick("2024-03-05 10:29") == []
    [m] = h.tick("2024-03-05 10:31")
    assert m.get("rule") == "INC-UNREPORTED"
    [v] = h.violations("INC-UNREPORTED")
    assert v.article == "dongqu-2012:第一百二十四条"
    assert set(v.evidence) == {occ.id, m.id}
    # nothing else is counted for the same silence
    assert h.violations("INC-PHONE-DEADLINE") == [] and h.violations("INC-WRITTEN-DEADLINE") == []
    assert _rules(h.tick("2024-03-05 18:00")) == []


def test_inc_unreported_dongqu_stays_flagged_when_a_late_report_arrives_and_phone_is_not_counted_twice() -> None:
    h = History("dongqu-2012")
    occ = _incident(h)
    [m] = h.tick("2024-03-05 10:31")
    late = _report(h, "2024-03-05 10:40", "phone", "local_gov")
    _report(h, "2024-03-05 10:55", "written", "local_gov")
    _report(h, "2024-03-05 10:58", "phone", "city_gov", by="p-head", unit="u-gov")
    _report(h, "2024-03-05 11:30", "written", "city_gov", by="p-head", unit="u-gov")
    [v] = h.violations("INC-UNREPORTED")
    assert set(v.evidence) == {occ.id, m.id, late.id}
    assert h.violations("INC-PHONE-DEADLINE") == []


def test_inc_unreported_dongqu_report_in_time_owes_nothing() -> None:
    h = History("dongqu-2012")
    _incident(h)
    _report(h, "2024-03-05 10:20", "phone", "local_gov")
    assert "INC-UNREPORTED" not in _rules(h.tick("2024-03-05 18:00"))
    assert h.violations("INC-UNREPORTED") == []


def test_inc_unreported_standardization_major_incident_unreported_after_20_minutes() -> None:
    h = History("standardization")
    occ = _incident(h, grade="major")
    assert h.tick("2024-03-05 10:19") == []
    [m] = h.tick("2024-03-05 10:21")
    [v] = h.violations("INC-UNREPORTED")
    assert v.article == "standardization:篇四(三)8"
    assert set(v.evidence) == {occ.id, m.id}


def test_inc_unreported_standardization_report_to_the_line_ministry_is_a_report() -> None:
    h = History("standardization")
    _incident(h, grade="larger")
    _report(h, "2024-03-05 10:20", "phone", "line_ministry")
    assert "INC-UNREPORTED" not in _rules(h.tick("2024-03-05 12:00"))
    assert h.violations("INC-UNREPORTED") == []


def test_inc_unreported_standardization_general_incident_has_no_deadline() -> None:
    h = History("standardization")
    _incident(h, grade="general")
    assert h.tick("2024-03-06 12:00") == []
    assert h.violations("INC-UNREPORTED") == []


def test_inc_unreported_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("changle-2022")
    _incident(h, grade="major")
    assert h.tick("2024-03-06 12:00") == []
    assert h.violations("INC-UNREPORTED") == []


# ---- INC-LOCAL-FIRST ------------------------------------------------------------------------
def test_inc_local_first_standardization_ministry_reported_before_the_government_is_flagged() -> None:
    h = History("standardization")
    occ = _incident(h, grade="larger")
    min_rep = _report(h, "2024-03-05 10:10", "phone", "line_ministry")
    _report(h, "2024-03-05 10:20", "phone", "local_gov")
    [v] = h.violations("INC-LOCAL-FIRST")
    assert v.article == "standardization:篇四(三)8"
    assert set(v.evidence) == {occ.id, min_rep.id}


def test_inc_local_first_standardization_government_first_passes() -> None:
    h = History("standardization")
    _incident(h, grade="larger")
    _report(h, "2024-03-05 10:10", "phone", "city_gov")
    _report(h, "2024-03-05 10:12", "phone", "line_ministry")
    assert h.violations("INC-LOCAL-FIRST") == []


def test_inc_local_first_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("dongqu-2012")
    _incident(h, grade="larger")
    _report(h, "2024-03-05 10:10", "phone", "line_ministry")
    _report(h, "2024-03-05 10:20", "phone", "local_gov")
    assert h.violations("INC-LOCAL-FIRST") == []

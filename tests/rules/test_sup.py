"""SUP — 督查督办: one test per clause, named after the rule.

dongqu-2012 第一百零七条–第一百一十一条, 第六十四条; yiyuan 第十二条.
The office (p-od, u-office) registers and assigns; 发改局 (u-fgj) is the responsible unit.
"""

from __future__ import annotations

from typing import Any

from domain.acts import Act
from tests.rules.history import History

OFFICE = {"by": "p-od", "unit": "u-office"}
FGJ = {"by": "p-fgj", "unit": "u-fgj"}


def register(h: History, case: str, at: str, deadline: str, **data: Any) -> Act:
    data.setdefault("source", "meeting")
    data.setdefault("responsible_unit", "u-fgj")
    return h.add("supervision", case, "registered", at, deadline=deadline, **OFFICE, **data)


def assign(h: History, case: str, at: str, **data: Any) -> Act:
    data.setdefault("to_unit", "u-fgj")
    return h.add("supervision", case, "assigned", at, **OFFICE, **data)


def complete(h: History, case: str, at: str, **data: Any) -> Act:
    for k, v in {"report": True, "signed_by_head": True, "sealed": True, "matters": 1}.items():
        data.setdefault(k, v)
    return h.add("supervision", case, "completed", at, **{**FGJ, **data})


def progress(h: History, case: str, at: str, **data: Any) -> Act:
    for k, v in {"signed_by_head": True, "sealed": True, "matters": 1}.items():
        data.setdefault(k, v)
    return h.add("supervision", case, "progress_reported", at, **{**FGJ, **data})


def item(h: History, case: str = "S-1", deadline: str = "2024-03-31") -> tuple[Act, Act]:
    """A short item: registered and assigned on Tuesday 2024-03-05."""
    reg = register(h, case, "2024-03-05 09:00", deadline, source_at="2024-03-05 08:00")
    asg = assign(h, case, "2024-03-05 15:00")
    return reg, asg


# ---- SUP-REGISTERED (dongqu-2012 第一百零七条) -------------------------------------------------
def test_sup_registered_dongqu_registration_two_working_days_after_the_meeting_is_flagged() -> None:
    h = History("dongqu-2012")
    reg = register(h, "S-1", "2024-03-07 09:00", "2024-03-31", source_at="2024-03-05 10:00")
    [v] = h.violations("SUP-REGISTERED")
    assert v.article == "dongqu-2012:第一百零七条"
    assert v.evidence == (reg.id,)
    assert v.unit == "u-office" and v.person == "p-od"


def test_sup_registered_dongqu_next_working_day_passes() -> None:
    h = History("dongqu-2012")
    register(h, "S-1", "2024-03-06 16:00", "2024-03-31", source_at="2024-03-05 10:00")
    assert h.violations("SUP-REGISTERED") == []


def test_sup_registered_dongqu_counts_working_days_across_a_weekend_and_a_holiday() -> None:
    h = History("dongqu-2012")
    # Friday meeting, registered on Monday: the first working day after
    register(h, "S-1", "2024-03-11 10:00", "2024-03-31", source_at="2024-03-08 17:00")
    # instruction on 30 September, registered on 8 October after the National Day holiday
    register(h, "S-2", "2024-10-08 10:00", "2024-10-31", source="instruction", source_at="2024-09-30 11:00")
    assert h.violations("SUP-REGISTERED") == []


def test_sup_registered_dongqu_item_without_source_time_is_not_judged() -> None:
    h = History("dongqu-2012")
    register(h, "S-1", "2024-05-07 09:00", "2024-05-31")
    assert h.violations("SUP-REGISTERED") == []


def test_sup_registered_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("changle-2022")
    register(h, "S-1", "2024-03-15 09:00", "2024-03-31", source_at="2024-03-05 10:00")
    assert h.violations("SUP-REGISTERED") == []


# ---- SUP-ASSIGNED-SAMEDAY (dongqu-2012 第一百零八条) -------------------------------------------
def test_sup_assigned_sameday_dongqu_next_day_notice_is_flagged() -> None:
    h = History("dongqu-2012")
    reg = register(h, "S-1", "2024-03-05 10:00", "2024-03-31")
    asg = assign(h, "S-1", "2024-03-06 09:00")
    [v] = h.violations("SUP-ASSIGNED-SAMEDAY")
    assert v.article == "dongqu-2012:第一百零八条"
    assert set(v.evidence) == {reg.id, asg.id}
    assert v.unit == "u-office"


def test_sup_assigned_sameday_dongqu_same_evening_passes() -> None:
    h = History("dongqu-2012")
    register(h, "S-1", "2024-03-05 10:00", "2024-03-31")
    assign(h, "S-1", "2024-03-05 21:30")
    assert h.violations("SUP-ASSIGNED-SAMEDAY") == []


def test_sup_assigned_sameday_dongqu_missing_notice_is_recorded_by_the_clock_and_flagged() -> None:
    h = History("dongqu-2012")
    reg = register(h, "S-1", "2024-03-05 10:00", "2024-03-31")
    assert [a for a in h.tick("2024-03-05 23:00") if a.get("rule") == "SUP-ASSIGNED-SAMEDAY"] == []
    [missed] = [a for a in h.tick("2024-03-06 08:00") if a.get("rule") == "SUP-ASSIGNED-SAMEDAY"]
    assert [a for a in h.tick("2024-03-07 08:00") if a.get("rule") == "SUP-ASSIGNED-SAMEDAY"] == []
    [v] = h.violations("SUP-ASSIGNED-SAMEDAY")
    assert set(v.evidence) == {reg.id, missed.id}


def test_sup_assigned_sameday_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("changle-2022")
    register(h, "S-1", "2024-03-05 10:00", "2024-03-31")
    assign(h, "S-1", "2024-03-08 09:00")
    assert h.violations("SUP-ASSIGNED-SAMEDAY") == []


# ---- SUP-DEADLINE (dongqu-2012 第一百零九条; yiyuan 第十二条) -----------------------------------
def test_sup_deadline_dongqu_completion_after_the_deadline_is_flagged() -> None:
    h = History("dongqu-2012")
    reg, _ = item(h)
    done = complete(h, "S-1", "2024-04-02 10:00")
    [v] = h.violations("SUP-DEADLINE")
    assert v.article == "dongqu-2012:第一百零九条"
    assert set(v.evidence) == {reg.id, done.id}  # the registration set the deadline
    assert v.unit == "u-fgj" and v.severity == "high"


def test_sup_deadline_dongqu_date_only_deadline_means_the_end_of_that_day() -> None:
    h = History("dongqu-2012")
    item(h)
    complete(h, "S-1", "2024-03-31 18:00")
    assert h.violations("SUP-DEADLINE") == []


def test_sup_deadline_dongqu_assignment_deadline_replaces_the_registration_deadline() -> None:
    h = History("dongqu-2012")
    register(h, "S-1", "2024-03-05 09:00", "2024-03-31")
    asg = assign(h, "S-1", "2024-03-05 15:00", deadline="2024-03-20")
    done = complete(h, "S-1", "2024-03-25 10:00")
    [v] = h.violations("SUP-DEADLINE")
    assert set(v.evidence) == {asg.id, done.id}


def test_sup_deadline_dongqu_extension_approved_before_the_deadline_moves_it() -> None:
    h = History("dongqu-2012")
    item(h)
    h.add("supervision", "S-1", "extension_requested", "2024-03-28 09:00", new_deadline="2024-04-15", **FGJ)
    h.add(
        "supervision",
        "S-1",
        "extension_approved",
        "2024-03-30 10:00",
        new_deadline="2024-04-15",
        by="p-vh1",
        unit="u-gov",
    )
    complete(h, "S-1", "2024-04-10 10:00")
    assert h.violations("SUP-DEADLINE") == []


def test_sup_deadline_dongqu_extension_approved_after_the_deadline_does_not_move_it() -> None:
    h = History("dongqu-2012")
    reg, _ = item(h)
    h.add(
        "supervision",
        "S-1",
        "extension_approved",
        "2024-04-01 10:00",
        new_deadline="2024-04-15",
        by="p-vh1",
        unit="u-gov",
    )
    done = complete(h, "S-1", "2024-04-10 10:00")
    [v] = h.violations("SUP-DEADLINE")
    assert set(v.evidence) == {reg.id, done.id}


def test_sup_deadline_dongqu_open_item_is_recorded_by_the_clock_and_flagged() -> None:
    h = History("dongqu-2012")
    reg, _ = item(h, deadline="2024-03-15")
    assert [a for a in h.tick("2024-03-15 20:00") if a.get("rule") == "SUP-DEADLINE"] == []
    [missed] = [a for a in h.tick("2024-03-16 08:00") if a.get("rule") == "SUP-DEADLINE"]
    assert [a for a in h.tick("2024-03-20 08:00") if a.get("rule") == "SUP-DEADLINE"] == []
    [v] = h.violations("SUP-DEADLINE")
    assert set(v.evidence) == {reg.id, missed.id}


def test_sup_deadline_dongqu_miss_of_a_deadline_moved_by_a_backdated_extension_is_not_flagged() -> None:
    h = History("dongqu-2012")
    item(h, deadline="2024-03-15")
    h.tick("2024-03-16 08:00")  # the clock records the miss of 03-15
    # the approval of 03-14 is entered late: the deadline was 04-15 all along
    ext = h.add(
        "supervision",
        "S-1",
        "extension_approved",
        "2024-03-14 10:00",
        new_deadline="2024-04-15",
        by="p-vh1",
        unit="u-gov",
    )
    assert h.violations("SUP-DEADLINE") == []
    [missed] = [a for a in h.tick("2024-04-16 08:00") if a.get("rule") == "SUP-DEADLINE"]
    [v] = h.violations("SUP-DEADLINE")
    assert set(v.evidence) == {ext.id, missed.id}


def test_sup_deadline_dongqu_termination_after_the_deadline_is_a_late_closure() -> None:
    h = History("dongqu-2012")
    item(h, deadline="2024-03-15")
    term = h.add("supervision", "S-1", "terminated", "2024-03-20 10:00", note="政策调整", signed_by="p-vh1", **OFFICE)
    [v] = h.violations("SUP-DEADLINE")
    assert term.id in v.evidence


def test_sup_deadline_yiyuan_late_report_is_flagged() -> None:
    h = History("yiyuan")
    reg, _ = item(h)
    done = complete(h, "S-1", "2024-04-03 10:00")
    [v] = h.violations("SUP-DEADLINE")
    assert v.article == "yiyuan:第十二条"
    assert set(v.evidence) == {reg.id, done.id}


def test_sup_deadline_yiyuan_report_on_time_passes() -> None:
    h = History("yiyuan")
    item(h)
    complete(h, "S-1", "2024-03-29 10:00")
    assert h.violations("SUP-DEADLINE") == []


def test_sup_deadline_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("changle-2022")
    item(h)
    complete(h, "S-1", "2024-05-02 10:00")
    assert h.violations("SUP-DEADLINE") == []
    assert [a for a in h.tick("2024-06-01 00:00") if a.get("rule", "").startswith("SUP-")] == []


# ---- SUP-WEEKLY-PROGRESS (dongqu-2012 第一百零九条) -------------------------------------------
def long_item(h: History, case: str = "S-1", deadline: str = "2024-04-30") -> Act:
    register(h, case, "2024-03-04 09:00", deadline)
    return assign(h, case, "2024-03-04 15:00")  # Monday; weeks end 03-11, 03-18, 03-25 …


def weekly(acts: list[Act]) -> list[Act]:
    return [a for a in acts if a.get("rule") == "SUP-WEEKLY-PROGRESS"]


def test_sup_weekly_progress_dongqu_missed_week_is_recorded_by_the_clock_and_flagged() -> None:
    h = History("dongqu-2012")
    asg = long_item(h)
    progress(h, "S-1", "2024-03-08 10:00")
    progress(h, "S-1", "2024-03-15 10:00")
    assert weekly(h.tick("2024-03-25 12:00")) == []
    [missed] = weekly(h.tick("2024-03-26 08:00"))
    assert missed.get("key") == "week-2024-03-25"
    assert weekly(h.tick("2024-03-27 08:00")) == []
    [v] = h.violations("SUP-WEEKLY-PROGRESS")
    assert v.article == "dongqu-2012:第一百零九条"
    assert set(v.evidence) == {asg.id, missed.id}
    assert v.unit == "u-fgj"


def test_sup_weekly_progress_dongqu_each_missed_week_is_flagged_once() -> None:
    h = History("dongqu-2012")
    long_item(h)
    missed = weekly(h.tick("2024-03-26 08:00"))
    assert [m.get("key") for m in missed] == ["week-2024-03-11", "week-2024-03-18", "week-2024-03-25"]
    assert len(h.violations("SUP-WEEKLY-PROGRESS")) == 3


def test_sup_weekly_progress_dongqu_reports_every_week_until_completion_pass() -> None:
    h = History("dongqu-2012")
    long_item(h)
    for day in ("2024-03-08", "2024-03-15", "2024-03-22"):
        progress(h, "S-1", f"{day} 10:00")
    complete(h, "S-1", "2024-03-27 10:00")  # closes within the 4th week: no report owed for it
    assert weekly(h.tick("2024-05-31 00:00")) == []
    assert h.violations("SUP-WEEKLY-PROGRESS") == []


def test_sup_weekly_progress_dongqu_weeks_keep_running_past_an_overdue_deadline() -> None:
    h = History("dongqu-2012")
    long_item(h, deadline="2024-03-20")
    progress(h, "S-1", "2024-03-08 10:00")
    progress(h, "S-1", "2024-03-15 10:00")
    missed = weekly(h.tick("2024-04-02 08:00"))
    assert [m.get("key") for m in missed] == ["week-2024-03-25", "week-2024-04-01"]


def test_sup_weekly_progress_dongqu_item_of_fourteen_days_owes_no_weekly_report() -> None:
    h = History("dongqu-2012")
    register(h, "S-1", "2024-03-04 09:00", "2024-03-18")
    assign(h, "S-1", "2024-03-04 15:00")
    assert weekly(h.tick("2024-03-18 12:00")) == []
    assert h.violations("SUP-WEEKLY-PROGRESS") == []


def test_sup_weekly_progress_dongqu_extension_making_the_item_long_owes_reports_from_then_on() -> None:
    h = History("dongqu-2012")
    register(h, "S-1", "2024-03-04 09:00", "2024-03-14")
    assign(h, "S-1", "2024-03-04 15:00")
    h.add(
        "supervision",
        "S-1",
        "extension_approved",
        "2024-03-13 10:00",
        new_deadline="2024-04-30",
        by="p-vh1",
        unit="u-gov",
    )
    missed = weekly(h.tick("2024-03-26 08:00"))
    # the week ending 03-11 was before the item became long; 03-18 and 03-25 are owed
    assert [m.get("key") for m in missed] == ["week-2024-03-18", "week-2024-03-25"]


def test_sup_weekly_progress_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("changle-2022")
    long_item(h)
    assert weekly(h.tick("2024-04-30 00:00")) == []
    assert h.violations("SUP-WEEKLY-PROGRESS") == []


# ---- SUP-EXTENSION (dongqu-2012 第一百零九条, 第六十四条) ----------------------------------------
def test_sup_extension_dongqu_approval_after_the_deadline_is_flagged() -> None:
    h = History("dongqu-2012")
    reg, _ = item(h)
    ext = h.add(
        "supervision",
        "S-1",
        "extension_approved",
        "2024-04-01 10:00",
        new_deadline="2024-04-15",
        by="p-vh1",
        unit="u-gov",
    )
    [v] = h.violations("SUP-EXTENSION")
    assert v.article == "dongqu-2012:第一百零九条, 第六十四条"
    assert set(v.evidence) == {reg.id, ext.id}
    assert v.person == "p-vh1" and v.unit == "u-fgj"


def test_sup_extension_dongqu_approval_by_the_office_director_is_flagged() -> None:
    h = History("dongqu-2012")
    item(h)
    ext = h.add("supervision", "S-1", "extension_approved", "2024-03-25 10:00", new_deadline="2024-04-15", **OFFICE)
    [v] = h.violations("SUP-EXTENSION")
    assert v.evidence == (ext.id,)
    assert "不是区政府领导" in v.message_zh


def test_sup_extension_dongqu_approval_by_a_vice_head_before_the_deadline_passes() -> None:
    h = History("dongqu-2012")
    item(h)
    h.add(
        "supervision",
        "S-1",
        "extension_approved",
        "2024-03-25 10:00",
        new_deadline="2024-04-15",
        by="p-vh2",
        unit="u-gov",
    )
    h.add(
        "supervision",
        "S-1",
        "extension_approved",
        "2024-04-14 10:00",
        new_deadline="2024-04-30",
        by="p-head",
        unit="u-gov",
    )
    assert h.violations("SUP-EXTENSION") == []


def test_sup_extension_dongqu_leader_is_judged_by_the_post_held_when_approving() -> None:
    h = History("dongqu-2012")
    h.org("relieved", "2024-03-01", person="p-vh1", post="vh-1")
    item(h)
    h.add(
        "supervision",
        "S-1",
        "extension_approved",
        "2024-03-25 10:00",
        new_deadline="2024-04-15",
        by="p-vh1",
        unit="u-gov",
    )
    [v] = h.violations("SUP-EXTENSION")
    assert v.person == "p-vh1"


def test_sup_extension_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("yiyuan")
    item(h)
    h.add("supervision", "S-1", "extension_approved", "2024-04-01 10:00", new_deadline="2024-04-15", **OFFICE)
    assert h.violations("SUP-EXTENSION") == []


# ---- SUP-CLOSURE (dongqu-2012 第一百一十一条) -----------------------------------------------
def test_sup_closure_dongqu_completion_without_report_is_flagged() -> None:
    h = History("dongqu-2012")
    item(h)
    done = complete(h, "S-1", "2024-03-20 10:00", report=False)
    [v] = h.violations("SUP-CLOSURE")
    assert v.article == "dongqu-2012:第一百一十一条"
    assert v.evidence == (done.id,)


def test_sup_closure_dongqu_completion_with_report_passes() -> None:
    h = History("dongqu-2012")
    item(h)
    complete(h, "S-1", "2024-03-20 10:00")
    assert h.violations("SUP-CLOSURE") == []


def test_sup_closure_dongqu_termination_not_signed_by_a_government_leader_is_flagged() -> None:
    h = History("dongqu-2012")
    item(h)
    term = h.add("supervision", "S-1", "terminated", "2024-03-20 10:00", note="项目取消", **OFFICE)
    [v] = h.violations("SUP-CLOSURE")
    assert v.evidence == (term.id,)
    assert v.detail["problems"] == ["not_leader_signed"]


def test_sup_closure_dongqu_termination_without_note_is_flagged() -> None:
    h = History("dongqu-2012")
    item(h)
    h.add("supervision", "S-1", "terminated", "2024-03-20 10:00", by="p-vh2", unit="u-gov")
    [v] = h.violations("SUP-CLOSURE")
    assert v.detail["problems"] == ["no_note"]


def test_sup_closure_dongqu_termination_note_signed_by_a_vice_head_passes() -> None:
    h = History("dongqu-2012")
    item(h)
    h.add("supervision", "S-1", "terminated", "2024-03-20 10:00", note="项目取消", signed_by="p-vh1", **OFFICE)
    assert h.violations("SUP-CLOSURE") == []


def test_sup_closure_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("yiyuan")
    item(h)
    complete(h, "S-1", "2024-03-20 10:00", report=False)
    assert h.violations("SUP-CLOSURE") == []


# ---- SUP-REPORT-SIGNED (yiyuan 第十二条) ----------------------------------------------------
def test_sup_report_signed_yiyuan_unsigned_unsealed_progress_report_is_flagged() -> None:
    h = History("yiyuan")
    item(h)
    rep = progress(h, "S-1", "2024-03-12 10:00", signed_by_head=False, sealed=False)
    [v] = h.violations("SUP-REPORT-SIGNED")
    assert v.article == "yiyuan:第十二条"
    assert v.evidence == (rep.id,)
    assert v.detail["problems"] == ["not_signed", "not_sealed"]


def test_sup_report_signed_yiyuan_completion_report_with_two_matters_is_flagged() -> None:
    h = History("yiyuan")
    item(h)
    done = complete(h, "S-1", "2024-03-20 10:00", matters=2)
    [v] = h.violations("SUP-REPORT-SIGNED")
    assert v.evidence == (done.id,)
    assert v.detail["problems"] == ["several_matters"]


def test_sup_report_signed_yiyuan_signed_sealed_single_matter_reports_pass() -> None:
    h = History("yiyuan")
    item(h)
    progress(h, "S-1", "2024-03-12 10:00")
    complete(h, "S-1", "2024-03-20 10:00")
    assert h.violations("SUP-REPORT-SIGNED") == []


def test_sup_report_signed_yiyuan_signature_not_recorded_counts_as_unsigned() -> None:
    h = History("yiyuan")
    item(h)
    rep = h.add("supervision", "S-1", "progress_reported", "2024-03-12 10:00", sealed=True, **FGJ)
    [v] = h.violations("SUP-REPORT-SIGNED")
    assert v.evidence == (rep.id,)


def test_sup_report_signed_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("dongqu-2012")
    item(h)
    progress(h, "S-1", "2024-03-12 10:00", signed_by_head=False, sealed=False, matters=3)
    assert h.violations("SUP-REPORT-SIGNED") == []


# ---- odd input ---------------------------------------------------------------------------
def test_sup_rules_odd_cases_never_crash() -> None:
    h = History("dongqu-2012")
    # acts with no registration, out of order, a progress report before anything else
    progress(h, "S-9", "2024-03-01 10:00")
    h.add("supervision", "S-9", "extension_approved", "2024-03-02 10:00", new_deadline="2024-03-20", **OFFICE)
    complete(h, "S-9", "2024-03-03 10:00", report=False)
    h.tick("2024-06-01 00:00")
    vs = [v for v in h.all_violations() if v.rule.startswith("SUP-")]
    assert {v.rule for v in vs} == {"SUP-CLOSURE", "SUP-EXTENSION"}

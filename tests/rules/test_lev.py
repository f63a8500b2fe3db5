"""LEV — 请销假: one test per clause, named after the rule."""

from __future__ import annotations

from typing import Any

from domain.acts import Act
from tests.rules.history import History

# who is who in the test county (tests/rules/history.py)
UNIT_OF = {
    "p-head": "u-gov",
    "p-evh": "u-gov",
    "p-vh1": "u-gov",
    "p-vh2": "u-gov",
    "p-od": "u-office",
    "p-fgj": "u-fgj",
    "p-fgjd": "u-fgj",
    "p-staff": "u-fgj",
    "p-div": "u-fgj-div",
    "p-pol": "u-fgj",
    "p-sfj": "u-sfj",
    "p-town1": "u-town1",
}


def leave(
    h: History, person: str, start: str, end: str, *, case: str = "L-1", at: str | None = None, **data: Any
) -> Act:
    """A leave request by ``person`` (filed a week before unless ``at``)."""
    return h.add(
        "leave",
        case,
        "requested",
        at or "2024-02-26 09:00",
        by=person,
        unit=UNIT_OF[person],
        start=start,
        end=end,
        **data,
    )


def act(h: History, name: str, at: str, by: str, *, case: str = "L-1", **data: Any) -> Act:
    return h.add("leave", case, name, at, by=by, unit=UNIT_OF.get(by, "u-gov"), **data)


def rules_of(acts: list[Act]) -> list[tuple[str, str]]:
    return sorted((a.get("rule"), a.get("key") or "") for a in acts)


# ---- LEV-APPROVAL-CHAIN (changle-2022:八十三; dongqu-2012:第一百三十八条; yiyuan:第十六条) ---
def test_lev_approval_chain_changle_dept_head_approved_by_head_without_vice_head_agreement_is_flagged() -> None:
    h = History("changle-2022")
    req = leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-07 18:00")
    appr = act(h, "approved", "2024-02-27 10:00", "p-head")
    [v] = h.violations("LEV-APPROVAL-CHAIN")
    assert v.article == "changle-2022:八十三"
    assert set(v.evidence) == {req.id, appr.id}
    assert "分管领导同意" in v.message_zh and v.person == "p-fgj"


def test_lev_approval_chain_changle_dept_head_vice_head_in_charge_agrees_then_head_approves_passes() -> None:
    h = History("changle-2022")
    leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-07 18:00")
    act(h, "agreed", "2024-02-27 09:00", "p-vh1")
    act(h, "approved", "2024-02-27 10:00", "p-head")
    assert h.violations("LEV-APPROVAL-CHAIN") == []


def test_lev_approval_chain_changle_head_approving_before_the_vice_head_agrees_is_flagged() -> None:
    h = History("changle-2022")
    req = leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-07 18:00")
    appr = act(h, "approved", "2024-02-27 09:00", "p-head")
    agr = act(h, "agreed", "2024-02-27 10:00", "p-vh1")
    [v] = h.violations("LEV-APPROVAL-CHAIN")
    assert set(v.evidence) == {req.id, appr.id, agr.id}
    assert "before" in v.message_en


def test_lev_approval_chain_changle_agreement_by_a_vice_head_not_in_charge_is_flagged() -> None:
    h = History("changle-2022")
    leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-07 18:00")
    wrong = act(h, "agreed", "2024-02-27 09:00", "p-vh2")  # vh-2 is in charge of 司法, not 发改
    act(h, "approved", "2024-02-27 10:00", "p-head")
    [v] = h.violations("LEV-APPROVAL-CHAIN")
    assert wrong.id in v.evidence and "p-vh2" in v.message_zh


def test_lev_approval_chain_changle_vice_head_approved_by_exec_vice_head_is_flagged() -> None:
    h = History("changle-2022")
    leave(h, "p-vh1", "2024-03-05 08:00", "2024-03-06 18:00")
    wrong = act(h, "approved", "2024-02-27 10:00", "p-evh")
    [v] = h.violations("LEV-APPROVAL-CHAIN")
    assert wrong.id in v.evidence


def test_lev_approval_chain_changle_town_head_is_approved_by_the_head_alone() -> None:
    h = History("changle-2022")
    leave(h, "p-town1", "2024-03-05 08:00", "2024-03-06 18:00")
    act(h, "approved", "2024-02-27 10:00", "p-head")
    assert h.violations("LEV-APPROVAL-CHAIN") == []


def test_lev_approval_chain_changle_pending_request_is_not_judged_yet() -> None:
    h = History("changle-2022")
    leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-07 18:00")
    assert h.violations("LEV-APPROVAL-CHAIN") == []


def test_lev_approval_chain_dongqu_deputy_unit_head_agrees_then_vice_head_in_charge_approves_passes() -> None:
    h = History("dongqu-2012")
    leave(h, "p-fgjd", "2024-03-05 08:00", "2024-03-06 18:00")
    act(h, "agreed", "2024-02-27 09:00", "p-fgj")
    act(h, "approved", "2024-02-27 10:00", "p-vh1")
    assert h.violations("LEV-APPROVAL-CHAIN") == []


def test_lev_approval_chain_dongqu_deputy_approved_by_the_head_skipping_the_chain_is_flagged() -> None:
    h = History("dongqu-2012")
    req = leave(h, "p-fgjd", "2024-03-05 08:00", "2024-03-06 18:00")
    appr = act(h, "approved", "2024-02-27 10:00", "p-head")
    [v] = h.violations("LEV-APPROVAL-CHAIN")
    assert v.article == "dongqu-2012:第一百三十八条"
    assert set(v.evidence) == {req.id, appr.id}
    assert "本单位主要负责人同意" in v.message_zh


def test_lev_approval_chain_dongqu_leader_in_charge_is_read_at_the_time_of_the_act() -> None:
    h = History("dongqu-2012")
    h.org("relieved", "2024-02-20", person="p-vh1", post="vh-1")
    leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-06 18:00")
    old = act(h, "agreed", "2024-02-27 09:00", "p-vh1")  # no longer holds vh-1
    act(h, "approved", "2024-02-27 10:00", "p-head")
    [v] = h.violations("LEV-APPROVAL-CHAIN")
    assert old.id in v.evidence


def test_lev_approval_chain_yiyuan_dept_head_two_day_trip_approved_by_vice_head_is_flagged() -> None:
    h = History("yiyuan")
    req = leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-06 18:00", reason="出差")
    appr = act(h, "approved", "2024-02-27 10:00", "p-vh1")
    [v] = h.violations("LEV-APPROVAL-CHAIN")
    assert v.article == "yiyuan:第十六条"
    assert set(v.evidence) == {req.id, appr.id}


def test_lev_approval_chain_yiyuan_one_day_trip_is_not_covered() -> None:
    h = History("yiyuan")
    leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-05 18:00")
    act(h, "approved", "2024-02-27 10:00", "p-vh1")
    assert h.violations("LEV-APPROVAL-CHAIN") == []


def test_lev_approval_chain_yiyuan_deputy_trip_to_the_leader_in_charge_and_staff_to_the_division_head_pass() -> None:
    h = History("yiyuan")
    leave(h, "p-fgjd", "2024-03-05 08:00", "2024-03-06 18:00", reason="出差")
    act(h, "approved", "2024-02-27 10:00", "p-vh1")
    leave(h, "p-staff", "2024-03-05 08:00", "2024-03-05 12:00", case="L-2", personal=True)
    act(h, "approved", "2024-02-27 10:00", "p-div", case="L-2")
    assert h.violations("LEV-APPROVAL-CHAIN") == []


def test_lev_approval_chain_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("standardization")
    leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-07 18:00")
    act(h, "approved", "2024-02-27 10:00", "p-staff")
    assert h.violations("LEV-APPROVAL-CHAIN") == []


# ---- LEV-PRIOR-APPROVAL (changle-2022:八十三; yiyuan:第十六条) -------------------------------
def test_lev_prior_approval_changle_departed_before_approval_is_flagged() -> None:
    h = History("changle-2022")
    req = leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-07 18:00")
    act(h, "agreed", "2024-03-04 09:00", "p-vh1")
    dep = act(h, "departed", "2024-03-05 07:30", "p-fgj")
    appr = act(h, "approved", "2024-03-05 10:00", "p-head")
    [v] = h.violations("LEV-PRIOR-APPROVAL")
    assert v.article == "changle-2022:八十三"
    assert set(v.evidence) == {req.id, appr.id, dep.id}


def test_lev_prior_approval_changle_approved_before_leaving_passes() -> None:
    h = History("changle-2022")
    leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-07 18:00")
    act(h, "approved", "2024-03-04 10:00", "p-head")
    act(h, "departed", "2024-03-05 07:30", "p-fgj")
    assert h.violations("LEV-PRIOR-APPROVAL") == []


def test_lev_prior_approval_changle_approval_after_the_planned_start_is_flagged_without_a_departure() -> None:
    h = History("changle-2022")
    req = leave(h, "p-vh1", "2024-03-05 08:00", "2024-03-06 18:00")
    appr = act(h, "approved", "2024-03-05 11:00", "p-head")
    [v] = h.violations("LEV-PRIOR-APPROVAL")
    assert set(v.evidence) == {req.id, appr.id}


def test_lev_prior_approval_changle_leave_taken_with_no_approval_is_flagged() -> None:
    h = History("changle-2022")
    req = leave(h, "p-vh1", "2024-03-05 08:00", "2024-03-06 18:00")
    dep = act(h, "departed", "2024-03-05 08:00", "p-vh1")
    [v] = h.violations("LEV-PRIOR-APPROVAL")
    assert set(v.evidence) == {req.id, dep.id}


def test_lev_prior_approval_yiyuan_deputy_trip_approved_after_departure_is_flagged() -> None:
    h = History("yiyuan")
    leave(h, "p-fgjd", "2024-03-05 08:00", "2024-03-06 18:00", reason="出差")
    act(h, "departed", "2024-03-05 08:00", "p-fgjd")
    appr = act(h, "approved", "2024-03-05 09:00", "p-vh1")
    [v] = h.violations("LEV-PRIOR-APPROVAL")
    assert v.article == "yiyuan:第十六条" and appr.id in v.evidence


def test_lev_prior_approval_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("dongqu-2012")
    leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-07 18:00")
    act(h, "departed", "2024-03-05 07:30", "p-fgj")
    act(h, "approved", "2024-03-05 10:00", "p-head")
    assert h.violations("LEV-PRIOR-APPROVAL") == []


# ---- LEV-FILED-WITH-OFFICE (changle-2022:八十三; dongqu-2012:第一百三十八条) -----------------
def test_lev_filed_with_office_changle_missing_filing_is_recorded_at_the_start_and_flagged() -> None:
    h = History("changle-2022")
    req = leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-07 18:00", contact="138")
    act(h, "agreed", "2024-02-27 09:00", "p-vh1")
    act(h, "approved", "2024-02-27 10:00", "p-head")
    assert h.tick("2024-03-05 07:59") == []
    missed = h.tick("2024-03-05 08:00")
    assert rules_of(missed) == [("LEV-FILED-WITH-OFFICE", "office:gov_office")]
    [v] = h.violations("LEV-FILED-WITH-OFFICE")
    assert v.article == "changle-2022:八十三"
    assert set(v.evidence) == {req.id, missed[0].id}


def test_lev_filed_with_office_changle_written_request_filed_beforehand_passes() -> None:
    h = History("changle-2022")
    leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-07 18:00", written=True, contact="138")
    act(h, "filed", "2024-02-26 10:00", "p-od", office="u-office")
    act(h, "agreed", "2024-02-27 09:00", "p-vh1")
    act(h, "approved", "2024-02-27 10:00", "p-head")
    assert h.tick("2024-03-10 00:00") == []
    assert h.violations("LEV-FILED-WITH-OFFICE") == []


def test_lev_filed_with_office_changle_request_not_in_writing_is_flagged() -> None:
    h = History("changle-2022")
    req = leave(h, "p-vh1", "2024-03-05 08:00", "2024-03-06 18:00", written=False)
    act(h, "filed", "2024-02-26 10:00", "p-od", office="县政府办公室")
    act(h, "approved", "2024-02-27 10:00", "p-head")
    [v] = h.violations("LEV-FILED-WITH-OFFICE")
    assert v.evidence == (req.id,) and "书面" in v.message_zh


def test_lev_filed_with_office_changle_filing_after_departure_is_late() -> None:
    h = History("changle-2022")
    req = leave(h, "p-vh1", "2024-03-05 08:00", "2024-03-06 18:00")
    act(h, "approved", "2024-02-27 10:00", "p-head")
    late = act(h, "filed", "2024-03-05 09:00", "p-od", office="gov_office")
    [v] = h.violations("LEV-FILED-WITH-OFFICE")
    assert set(v.evidence) == {req.id, late.id}


def test_lev_filed_with_office_dongqu_dept_head_files_with_three_offices() -> None:
    h = History("dongqu-2012")
    leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-07 18:00")
    act(h, "agreed", "2024-02-27 09:00", "p-vh1")
    act(h, "approved", "2024-02-27 10:00", "p-head")
    act(h, "filed", "2024-02-27 11:00", "p-od", office="区政府办公室")
    missed = h.tick("2024-03-05 09:00")
    assert [k for r, k in rules_of(missed) if r == "LEV-FILED-WITH-OFFICE"] == [
        "office:org_dept",
        "office:party_office",
    ]
    vs = h.violations("LEV-FILED-WITH-OFFICE")
    assert len(vs) == 2 and all(v.article == "dongqu-2012:第一百三十八条" for v in vs)


def test_lev_filed_with_office_dongqu_deputy_filed_with_organisation_department_and_office_passes() -> None:
    h = History("dongqu-2012")
    leave(h, "p-fgjd", "2024-03-05 08:00", "2024-03-06 18:00")
    act(h, "agreed", "2024-02-27 09:00", "p-fgj")
    act(h, "approved", "2024-02-27 10:00", "p-vh1")
    act(h, "filed", "2024-02-27 11:00", "p-od", office="区委组织部")
    act(h, "filed", "2024-02-27 11:00", "p-od", office="u-office")
    assert h.tick("2024-03-10 00:00") == []
    assert h.violations("LEV-FILED-WITH-OFFICE") == []


def test_lev_filed_with_office_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("yiyuan")
    leave(h, "p-vh1", "2024-03-05 08:00", "2024-03-06 18:00", written=False)
    act(h, "approved", "2024-02-27 10:00", "p-head")
    assert "LEV-FILED-WITH-OFFICE" not in {r for r, _ in rules_of(h.tick("2024-03-10 00:00"))}
    assert h.violations("LEV-FILED-WITH-OFFICE") == []


# ---- LEV-RETURN-REPORT (yiyuan:第十六条; standardization:篇一(五)3) ---------------------------
def test_lev_return_report_yiyuan_reported_the_next_working_day_passes() -> None:
    h = History("yiyuan")
    leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-06 18:00", reason="出差")  # Tue–Wed
    act(h, "approved", "2024-02-27 10:00", "p-head")
    act(h, "returned", "2024-03-06 20:00", "p-fgj")
    act(h, "return_reported", "2024-03-07 16:00", "p-fgj")
    assert h.tick("2024-03-20 00:00") == []
    assert h.violations("LEV-RETURN-REPORT") == []


def test_lev_return_report_yiyuan_missing_return_report_is_recorded_and_flagged() -> None:
    h = History("yiyuan")
    req = leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-06 18:00", reason="出差")
    act(h, "approved", "2024-02-27 10:00", "p-head")
    assert h.tick("2024-03-07 23:00") == []  # due at the end of Thursday
    [m] = h.tick("2024-03-08 00:00")
    assert m.get("rule") == "LEV-RETURN-REPORT"
    [v] = h.violations("LEV-RETURN-REPORT")
    assert v.article == "yiyuan:第十六条"
    assert set(v.evidence) == {req.id, m.id}


def test_lev_return_report_standardization_report_after_the_weekend_and_a_working_day_is_late() -> None:
    h = History("standardization")
    req = leave(h, "p-staff", "2024-03-07 08:00", "2024-03-08 17:30")  # ends Friday
    act(h, "approved", "2024-02-27 10:00", "p-fgj")
    rep = act(h, "return_reported", "2024-03-12 09:00", "p-staff")  # Tuesday; due Monday
    [v] = h.violations("LEV-RETURN-REPORT")
    assert v.article == "standardization:篇一(五)3"
    assert set(v.evidence) == {req.id, rep.id}


def test_lev_return_report_standardization_early_return_counts_from_the_return() -> None:
    h = History("standardization")
    leave(h, "p-staff", "2024-03-04 08:00", "2024-03-15 17:30")
    act(h, "approved", "2024-02-27 10:00", "p-fgj")
    ret = act(h, "returned", "2024-03-05 18:00", "p-staff")
    rep = act(h, "return_reported", "2024-03-08 09:00", "p-staff")
    [v] = h.violations("LEV-RETURN-REPORT")
    assert set(v.evidence) == {ret.id, rep.id}


def test_lev_return_report_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("changle-2022")
    leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-06 18:00")
    act(h, "approved", "2024-02-27 10:00", "p-head")
    assert "LEV-RETURN-REPORT" not in {r for r, _ in rules_of(h.tick("2024-03-20 00:00"))}
    assert h.violations("LEV-RETURN-REPORT") == []


# ---- LEV-COVER-CONFLICT (changle-2022:七) ------------------------------------------------------
def test_lev_cover_conflict_changle_cover_partners_away_at_the_same_time_is_flagged_once() -> None:
    h = History("changle-2022")
    r1 = leave(h, "p-vh1", "2024-03-05 08:00", "2024-03-07 18:00", case="L-1")
    a1 = act(h, "approved", "2024-02-27 10:00", "p-head", case="L-1")
    r2 = leave(h, "p-vh2", "2024-03-06 08:00", "2024-03-08 18:00", case="L-2", at="2024-02-28 09:00")
    a2 = act(h, "approved", "2024-02-28 10:00", "p-head", case="L-2")
    [v] = h.violations("LEV-COVER-CONFLICT")
    assert v.article == "changle-2022:七"
    assert v.case == "L-2" and v.person == "p-vh2"
    assert set(v.evidence) == {r1.id, r2.id, a1.id, a2.id}


def test_lev_cover_conflict_changle_partners_away_one_after_the_other_pass() -> None:
    h = History("changle-2022")
    leave(h, "p-vh1", "2024-03-05 08:00", "2024-03-06 18:00", case="L-1")
    act(h, "approved", "2024-02-27 10:00", "p-head", case="L-1")
    leave(h, "p-vh2", "2024-03-07 08:00", "2024-03-08 18:00", case="L-2")
    act(h, "approved", "2024-02-27 10:00", "p-head", case="L-2")
    # an early return shortens the period: vh-1 back before vh-2's trip
    leave(h, "p-vh1", "2024-03-11 08:00", "2024-03-14 18:00", case="L-3")
    act(h, "approved", "2024-02-27 10:00", "p-head", case="L-3")
    act(h, "returned", "2024-03-12 12:00", "p-vh1", case="L-3")
    leave(h, "p-vh2", "2024-03-13 08:00", "2024-03-14 18:00", case="L-4")
    act(h, "approved", "2024-02-27 10:00", "p-head", case="L-4")
    assert h.violations("LEV-COVER-CONFLICT") == []


def test_lev_cover_conflict_changle_vice_heads_who_are_not_partners_pass() -> None:
    h = History("changle-2022")
    leave(h, "p-vh1", "2024-03-05 08:00", "2024-03-07 18:00", case="L-1")
    act(h, "approved", "2024-02-27 10:00", "p-head", case="L-1")
    leave(h, "p-evh", "2024-03-05 08:00", "2024-03-07 18:00", case="L-2")
    act(h, "approved", "2024-02-27 10:00", "p-head", case="L-2")
    assert h.violations("LEV-COVER-CONFLICT") == []


def test_lev_cover_conflict_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("dongqu-2012")
    leave(h, "p-vh1", "2024-03-05 08:00", "2024-03-07 18:00", case="L-1")
    act(h, "approved", "2024-02-27 10:00", "p-head", case="L-1")
    leave(h, "p-vh2", "2024-03-06 08:00", "2024-03-08 18:00", case="L-2")
    act(h, "approved", "2024-02-27 10:00", "p-head", case="L-2")
    assert h.violations("LEV-COVER-CONFLICT") == []


def test_lev_filed_with_office_dongqu_office_named_in_chinese_is_read() -> None:
    h = History("dongqu-2012")
    leave(h, "p-vh1", "2024-03-05 08:00", "2024-03-06 18:00")
    act(h, "approved", "2024-02-27 10:00", "p-head")
    act(h, "filed", "2024-02-27 11:00", "p-vh1", office="区政府办公室")
    assert "LEV-FILED-WITH-OFFICE" not in {r for r, _ in rules_of(h.tick("2024-03-10 00:00"))}
    assert h.violations("LEV-FILED-WITH-OFFICE") == []


def test_lev_filed_with_office_dongqu_office_outside_the_vocabulary_is_reported_not_judged() -> None:
    h = History("dongqu-2012")
    leave(h, "p-vh1", "2024-03-05 08:00", "2024-03-06 18:00")
    act(h, "approved", "2024-02-27 10:00", "p-head")
    f = act(h, "filed", "2024-02-27 11:00", "p-vh1", office="综合科")
    assert "LEV-FILED-WITH-OFFICE" not in {r for r, _ in rules_of(h.tick("2024-03-10 00:00"))}
    assert h.violations("LEV-FILED-WITH-OFFICE") == []
    [u] = h.unjudged("LEV-FILED-WITH-OFFICE")
    assert (u.act, u.field, u.value) == (f.id, "data.office", "综合科")


def test_lev_approval_chain_yiyuan_staff_on_shijia_goes_to_the_division_head() -> None:
    # 机关工作人员因私事不能正常工作的，必须向单位或科室负责人请假: the reason says 事假, no flag.
    h = History("yiyuan")
    req = leave(h, "p-staff", "2024-03-05 08:00", "2024-03-05 12:00", reason="事假")
    appr = act(h, "approved", "2024-02-27 10:00", "p-vh1")
    [v] = h.violations("LEV-APPROVAL-CHAIN")
    assert set(v.evidence) == {req.id, appr.id}


def test_lev_approval_chain_yiyuan_staff_leave_with_an_unreadable_reason_is_reported_not_judged() -> None:
    h = History("yiyuan")
    req = leave(h, "p-staff", "2024-03-05 08:00", "2024-03-05 12:00", reason="外出")
    act(h, "approved", "2024-02-27 10:00", "p-vh1")
    assert h.violations("LEV-APPROVAL-CHAIN") == []
    assert [(u.act, u.field) for u in h.unjudged("LEV-APPROVAL-CHAIN")] == [(req.id, "data.reason")]


# ---- LEV-DUTY-DELEGATE (yiyuan:第十六条) -------------------------------------------------------
def test_lev_duty_delegate_yiyuan_personal_leave_without_a_stand_in_is_recorded_and_flagged() -> None:
    h = History("yiyuan")
    req = leave(h, "p-staff", "2024-03-05 08:00", "2024-03-05 17:00", personal=True)
    act(h, "approved", "2024-03-04 10:00", "p-div")
    [m] = [a for a in h.tick("2024-03-05 09:00") if a.get("rule") == "LEV-DUTY-DELEGATE"]
    [v] = h.violations("LEV-DUTY-DELEGATE")
    assert v.article == "yiyuan:第十六条"
    assert set(v.evidence) == {req.id, m.id}


def test_lev_duty_delegate_yiyuan_stand_in_named_passes() -> None:
    h = History("yiyuan")
    leave(h, "p-staff", "2024-03-05 08:00", "2024-03-05 17:00", personal=True)
    act(h, "approved", "2024-03-04 10:00", "p-div")
    act(h, "delegate_named", "2024-03-04 11:00", "p-fgj", person="p-fgjd")
    assert h.tick("2024-03-10 00:00") == []
    assert h.violations("LEV-DUTY-DELEGATE") == []


def test_lev_duty_delegate_yiyuan_official_trip_needs_no_stand_in() -> None:
    h = History("yiyuan")
    leave(h, "p-staff", "2024-03-05 08:00", "2024-03-05 17:00", personal=False)
    act(h, "approved", "2024-03-04 10:00", "p-div")
    assert h.violations("LEV-DUTY-DELEGATE") == []
    assert "LEV-DUTY-DELEGATE" not in {r for r, _ in rules_of(h.tick("2024-03-10 00:00"))}


def test_lev_duty_delegate_yiyuan_reason_that_says_personal_owes_a_stand_in_without_a_personal_flag() -> None:
    # 因私事不能正常工作的……所在单位要及时指定人员代行其职责: the reason says it, no flag needed.
    for reason in ("事假", "因私外出", "处理私事", "家中有事请事假"):
        h = History("yiyuan")
        req = leave(h, "p-staff", "2024-03-05 08:00", "2024-03-05 17:00", reason=reason)
        act(h, "approved", "2024-03-04 10:00", "p-div")
        [m] = [a for a in h.tick("2024-03-05 09:00") if a.get("rule") == "LEV-DUTY-DELEGATE"]
        [v] = h.violations("LEV-DUTY-DELEGATE")
        assert set(v.evidence) == {req.id, m.id}, reason


def test_lev_duty_delegate_yiyuan_personal_reason_wins_over_a_personal_false_flag() -> None:
    h = History("yiyuan")
    leave(h, "p-fgjd", "2024-03-05 08:00", "2024-03-05 17:00", reason="事假", personal=False)
    act(h, "approved", "2024-03-04 10:00", "p-fgj")
    assert rules_of(h.tick("2024-03-05 09:00")).count(("LEV-DUTY-DELEGATE", "")) == 1
    assert len(h.violations("LEV-DUTY-DELEGATE")) == 1


def test_lev_duty_delegate_yiyuan_reason_that_says_official_business_or_annual_leave_owes_nothing() -> None:
    for reason in ("赴省参加培训", "出差", "年休假"):
        h = History("yiyuan")
        leave(h, "p-staff", "2024-03-05 08:00", "2024-03-05 17:00", reason=reason)
        act(h, "approved", "2024-03-04 10:00", "p-div")
        assert "LEV-DUTY-DELEGATE" not in {r for r, _ in rules_of(h.tick("2024-03-10 00:00"))}, reason
        assert h.violations("LEV-DUTY-DELEGATE") == [] and h.unjudged("LEV-DUTY-DELEGATE") == []


def test_lev_duty_delegate_yiyuan_reason_that_says_neither_is_reported_as_not_judged() -> None:
    h = History("yiyuan")
    req = leave(h, "p-staff", "2024-03-05 08:00", "2024-03-05 17:00", reason="回老家")
    act(h, "approved", "2024-03-04 10:00", "p-div")
    assert "LEV-DUTY-DELEGATE" not in {r for r, _ in rules_of(h.tick("2024-03-10 00:00"))}
    assert h.violations("LEV-DUTY-DELEGATE") == []
    [u] = h.unjudged("LEV-DUTY-DELEGATE")
    assert (u.act, u.field, u.value, u.pack) == (req.id, "data.reason", "回老家", "yiyuan")
    assert "因私" in u.reason_zh


def test_lev_duty_delegate_yiyuan_unreadable_reason_with_a_stand_in_named_is_judged() -> None:
    h = History("yiyuan")
    leave(h, "p-staff", "2024-03-05 08:00", "2024-03-05 17:00")
    act(h, "approved", "2024-03-04 10:00", "p-div")
    act(h, "delegate_named", "2024-03-04 11:00", "p-fgj", person="p-fgjd")
    assert h.violations("LEV-DUTY-DELEGATE") == [] and h.unjudged("LEV-DUTY-DELEGATE") == []


def test_lev_duty_delegate_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("changle-2022")
    leave(h, "p-staff", "2024-03-05 08:00", "2024-03-05 17:00", personal=True)
    act(h, "approved", "2024-03-04 10:00", "p-div")
    assert "LEV-DUTY-DELEGATE" not in {r for r, _ in rules_of(h.tick("2024-03-10 00:00"))}
    assert h.violations("LEV-DUTY-DELEGATE") == []


# ---- LEV-TRAVEL-SCOPE (yiyuan:第十六条) --------------------------------------------------------
def test_lev_travel_scope_yiyuan_out_of_province_with_office_told_and_head_agreement_passes() -> None:
    h = History("yiyuan")
    leave(h, "p-vh1", "2024-03-05 08:00", "2024-03-06 18:00", scope="out_of_province")
    act(h, "filed", "2024-02-27 09:00", "p-od", office="县委办公室")
    act(h, "approved", "2024-02-27 10:00", "p-head")
    assert h.tick("2024-03-10 00:00") == []
    assert h.violations("LEV-TRAVEL-SCOPE") == []


def test_lev_travel_scope_yiyuan_out_of_province_without_the_principal_leader_is_flagged() -> None:
    h = History("yiyuan")
    req = leave(h, "p-vh1", "2024-03-05 08:00", "2024-03-06 18:00", scope="out_of_province")
    act(h, "filed", "2024-02-27 09:00", "p-od")
    act(h, "approved", "2024-02-27 10:00", "p-evh")
    missed = h.tick("2024-03-05 08:00")
    assert rules_of(missed) == [("LEV-TRAVEL-SCOPE", "principal")]
    [v] = h.violations("LEV-TRAVEL-SCOPE")
    assert v.article == "yiyuan:第十六条"
    assert set(v.evidence) == {req.id, missed[0].id}


def test_lev_travel_scope_yiyuan_abroad_needs_the_higher_level_too() -> None:
    h = History("yiyuan")
    leave(h, "p-vh2", "2024-03-05 08:00", "2024-03-12 18:00", scope="abroad")
    act(h, "filed", "2024-02-20 09:00", "p-od", office="gov_office")
    act(h, "agreed", "2024-02-20 10:00", "p-head")
    act(h, "departed", "2024-03-05 08:00", "p-vh2")
    assert rules_of(h.tick("2024-03-05 08:00")) == [("LEV-TRAVEL-SCOPE", "higher")]
    act(h, "approved", "2024-03-06 10:00", "p-od", higher_level=True)  # too late: after leaving
    vs = h.violations("LEV-TRAVEL-SCOPE")
    assert len(vs) == 1 and "late" in vs[0].message_en


def test_lev_travel_scope_yiyuan_leaving_the_city_without_telling_the_office_is_late() -> None:
    h = History("yiyuan")
    req = leave(h, "p-head", "2024-03-05 08:00", "2024-03-05 18:00", scope="out_of_city")
    dep = act(h, "departed", "2024-03-05 07:00", "p-head")
    told = act(h, "filed", "2024-03-05 09:00", "p-od", office="gov_office")
    [v] = h.violations("LEV-TRAVEL-SCOPE")
    assert set(v.evidence) == {req.id, told.id}
    assert dep.at.hour == 7  # due at the departure (earlier than the planned start)


def test_lev_travel_scope_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("changle-2022")
    leave(h, "p-vh1", "2024-03-05 08:00", "2024-03-06 18:00", scope="abroad", contact="138")
    act(h, "approved", "2024-02-27 10:00", "p-head")
    assert "LEV-TRAVEL-SCOPE" not in {r for r, _ in rules_of(h.tick("2024-03-10 00:00"))}
    assert h.violations("LEV-TRAVEL-SCOPE") == []


# ---- LEV-LONG-LEAVE-FORM (standardization:篇一(五)3) ------------------------------------------
def _long_leave(h: History, **data: Any) -> Act:
    return leave(h, "p-staff", "2024-03-04 08:00", "2024-03-06 18:00", written=True, **data)  # Mon–Wed


def test_lev_long_leave_form_standardization_three_days_with_form_chain_and_filing_passes() -> None:
    h = History("standardization")
    _long_leave(h)
    act(h, "agreed", "2024-02-27 09:00", "p-div")
    act(h, "reviewed", "2024-02-27 10:00", "p-pol")
    act(h, "approved", "2024-02-27 11:00", "p-fgj")
    act(h, "filed", "2024-02-27 12:00", "p-od", office="办公室")
    act(h, "return_reported", "2024-03-07 09:00", "p-staff")
    assert h.tick("2024-03-20 00:00") == []
    assert h.violations("LEV-LONG-LEAVE-FORM") == []


def test_lev_long_leave_form_standardization_missing_political_department_review_is_recorded_and_flagged() -> None:
    h = History("standardization")
    req = _long_leave(h)
    act(h, "agreed", "2024-02-27 09:00", "p-div")
    act(h, "approved", "2024-02-27 11:00", "p-fgj")
    act(h, "filed", "2024-02-27 12:00", "p-od")
    missed = [a for a in h.tick("2024-03-04 08:00") if a.get("rule") == "LEV-LONG-LEAVE-FORM"]
    assert [a.get("key") for a in missed] == ["reviewed:political_dept"]
    [v] = h.violations("LEV-LONG-LEAVE-FORM")
    assert v.article == "standardization:篇一(五)3"
    assert set(v.evidence) == {req.id, missed[0].id}


def test_lev_long_leave_form_standardization_no_written_form_and_wrong_order_are_flagged() -> None:
    h = History("standardization")
    req = leave(h, "p-staff", "2024-03-04 08:00", "2024-03-06 18:00", written=False)
    act(h, "approved", "2024-02-27 09:00", "p-fgj")
    act(h, "agreed", "2024-02-27 10:00", "p-div")
    act(h, "reviewed", "2024-02-27 11:00", "p-pol")
    act(h, "filed", "2024-02-27 12:00", "p-od")
    vs = h.violations("LEV-LONG-LEAVE-FORM")
    assert len(vs) == 2
    assert any(v.evidence == (req.id,) and "报告单" in v.message_zh for v in vs)
    assert any("顺序" in v.message_zh for v in vs)


def test_lev_long_leave_form_standardization_more_than_half_a_day_must_be_filed() -> None:
    h = History("standardization")
    req = leave(h, "p-staff", "2024-03-05 08:30", "2024-03-05 14:00")  # 5.5 h > half a day
    act(h, "approved", "2024-03-04 10:00", "p-div")
    missed = [a for a in h.tick("2024-03-05 09:00") if a.get("rule") == "LEV-LONG-LEAVE-FORM"]
    assert [a.get("key") for a in missed] == ["filed"]
    [v] = h.violations("LEV-LONG-LEAVE-FORM")
    assert set(v.evidence) == {req.id, missed[0].id}


def test_lev_long_leave_form_standardization_a_few_hours_need_no_filing() -> None:
    h = History("standardization")
    leave(h, "p-staff", "2024-03-05 08:30", "2024-03-05 11:30")
    act(h, "approved", "2024-03-04 10:00", "p-div")
    assert "LEV-LONG-LEAVE-FORM" not in {r for r, _ in rules_of(h.tick("2024-03-10 00:00"))}
    assert h.violations("LEV-LONG-LEAVE-FORM") == []


def test_lev_long_leave_form_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("dongqu-2012")
    leave(h, "p-staff", "2024-03-04 08:00", "2024-03-08 18:00", written=False)
    act(h, "approved", "2024-02-27 09:00", "p-fgj")
    assert "LEV-LONG-LEAVE-FORM" not in {r for r, _ in rules_of(h.tick("2024-03-20 00:00"))}
    assert h.violations("LEV-LONG-LEAVE-FORM") == []


# ---- LEV-CONTACT-ON-FILE (dongqu-2012:第一百三十八条; changle-2022:八十三) ---------------------
def test_lev_contact_on_file_dongqu_vice_head_without_a_place_is_recorded_and_flagged() -> None:
    h = History("dongqu-2012")
    req = leave(h, "p-vh1", "2024-03-05 08:00", "2024-03-06 18:00", contact="13800000000")
    act(h, "approved", "2024-02-27 10:00", "p-head")
    act(h, "filed", "2024-02-27 11:00", "p-od")
    missed = [a for a in h.tick("2024-03-05 08:00") if a.get("rule") == "LEV-CONTACT-ON-FILE"]
    assert len(missed) == 1
    [v] = h.violations("LEV-CONTACT-ON-FILE")
    assert v.article == "dongqu-2012:第一百三十八条"
    assert set(v.evidence) == {req.id, missed[0].id}


def test_lev_contact_on_file_dongqu_place_told_to_the_duty_office_passes() -> None:
    h = History("dongqu-2012")
    leave(h, "p-vh1", "2024-03-05 08:00", "2024-03-06 18:00", contact="13800000000")
    act(h, "approved", "2024-02-27 10:00", "p-head")
    act(h, "filed", "2024-02-27 11:00", "p-od", place="成都")
    assert h.tick("2024-03-10 00:00") == []
    assert h.violations("LEV-CONTACT-ON-FILE") == []


def test_lev_contact_on_file_changle_dept_head_contact_after_departure_is_late() -> None:
    h = History("changle-2022")
    req = leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-07 18:00", written=True)
    act(h, "filed", "2024-02-26 10:00", "p-od")
    act(h, "agreed", "2024-02-27 09:00", "p-vh1")
    act(h, "approved", "2024-02-27 10:00", "p-head")
    late = act(h, "filed", "2024-03-05 12:00", "p-od", contact="13900000000")
    [v] = h.violations("LEV-CONTACT-ON-FILE")
    assert v.article == "changle-2022:八十三"
    assert set(v.evidence) == {req.id, late.id}


def test_lev_contact_on_file_changle_contact_in_the_request_passes() -> None:
    h = History("changle-2022")
    leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-07 18:00", contact="13900000000")
    act(h, "agreed", "2024-02-27 09:00", "p-vh1")
    act(h, "approved", "2024-02-27 10:00", "p-head")
    assert h.violations("LEV-CONTACT-ON-FILE") == []


def test_lev_contact_on_file_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("yiyuan")
    leave(h, "p-vh1", "2024-03-05 08:00", "2024-03-06 18:00")
    act(h, "approved", "2024-02-27 10:00", "p-head")
    assert "LEV-CONTACT-ON-FILE" not in {r for r, _ in rules_of(h.tick("2024-03-10 00:00"))}
    assert h.violations("LEV-CONTACT-ON-FILE") == []

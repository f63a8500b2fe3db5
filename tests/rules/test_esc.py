"""ESC — 请示报告: one test per clause, named after the rule.

The test county: vh-1 (p-vh1) is in charge of 发展改革 and of u-fgj/u-town1; vh-2 (p-vh2)
of 司法 and u-sfj/u-town2; head (p-head) is the principal leader; the office is u-office.
"""

from __future__ import annotations

from typing import Any

from domain.acts import Act
from tests.rules.history import History


def _missed(h: History, now: str, rule: str) -> list[Act]:
    return [a for a in h.tick(now) if a.get("rule") == rule]


def _file(h: History, case: str = "R-1", at: str = "2024-03-05 09:00", **data: Any) -> Act:
    fields = {"doc_type": "请示", "subject_area": "发展改革", "matters": 1, **data}
    return h.add("request", case, "filed", at, by="p-fgj", unit="u-fgj", **fields)


# ---- ESC-SKIP-LEVEL ----------------------------------------------------------------------


def test_esc_skip_level_yiyuan_request_to_head_without_vice_head_opinion_is_flagged() -> None:
    h = History("yiyuan")
    f = _file(h)
    fw = h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-fgj", unit="u-fgj", to="head")
    [v] = h.violations("ESC-SKIP-LEVEL")
    assert v.article == "yiyuan:第四条"
    assert set(v.evidence) == {f.id, fw.id}
    assert v.person == "p-fgj"
    assert "分管领导" in v.message_zh and "vh-1" in v.message_en


def test_esc_skip_level_yiyuan_vice_head_opinion_first_passes() -> None:
    h = History("yiyuan")
    _file(h)
    h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-sec", unit="u-office", to="vh-1")
    h.add("request", "R-1", "opinion_given", "2024-03-05 15:00", by="p-vh1", unit="u-gov", opinion="拟同意，请县长阅示")
    h.add("request", "R-1", "forwarded", "2024-03-05 16:00", by="p-sec", unit="u-office", to="head")
    assert h.violations("ESC-SKIP-LEVEL") == []


def test_esc_skip_level_yiyuan_head_named_as_person_is_recognised() -> None:
    h = History("yiyuan")
    _file(h)
    fw = h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-sec", unit="u-office", to="p-head")
    [v] = h.violations("ESC-SKIP-LEVEL")
    assert fw.id in v.evidence


def test_esc_skip_level_yiyuan_opinion_after_the_forward_does_not_count() -> None:
    h = History("yiyuan")
    _file(h)
    fw = h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-sec", unit="u-office", to="head")
    h.add("request", "R-1", "opinion_given", "2024-03-05 15:00", by="p-vh1", unit="u-gov", opinion="同意")
    [v] = h.violations("ESC-SKIP-LEVEL")
    assert fw.id in v.evidence


def test_esc_skip_level_yiyuan_opinion_of_a_vice_head_not_in_charge_does_not_count() -> None:
    # The matter is 司法: vh-2 is in charge of it, even though the filing unit is vh-1's.
    h = History("yiyuan")
    _file(h, subject_area="司法")
    h.add("request", "R-1", "opinion_given", "2024-03-05 11:00", by="p-vh1", unit="u-gov", opinion="同意")
    fw = h.add("request", "R-1", "forwarded", "2024-03-05 12:00", by="p-sec", unit="u-office", to="head")
    [v] = h.violations("ESC-SKIP-LEVEL")
    assert fw.id in v.evidence and "vh-2" in v.message_en


def test_esc_skip_level_yiyuan_leader_in_charge_escalating_himself_passes() -> None:
    h = History("yiyuan")
    _file(h)
    h.add("request", "R-1", "forwarded", "2024-03-05 12:00", by="p-vh1", unit="u-gov", to="head")
    assert h.violations("ESC-SKIP-LEVEL") == []


def test_esc_skip_level_yiyuan_leader_in_charge_is_read_at_the_forward_time() -> None:
    # From 2024-03-01 vh-2 is relieved and vh-1 is vacant; nobody to go through: no finding.
    h = History("yiyuan")
    h.org("relieved", "2024-03-01", person="p-vh1", post="vh-1")
    _file(h)
    h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-fgj", unit="u-fgj", to="head")
    assert h.violations("ESC-SKIP-LEVEL") == []


def test_esc_skip_level_yiyuan_emergency_is_exempt() -> None:
    h = History("yiyuan")
    _file(h, emergency=True)
    h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-fgj", unit="u-fgj", to="head")
    assert h.violations("ESC-SKIP-LEVEL") == []


def test_esc_skip_level_standardization_skipping_is_flagged() -> None:
    h = History("standardization")
    f = _file(h)
    fw = h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-fgj", unit="u-fgj", to="head")
    [v] = h.violations("ESC-SKIP-LEVEL")
    assert v.article == "standardization:篇四(三)9"
    assert set(v.evidence) == {f.id, fw.id}


def test_esc_skip_level_standardization_through_leader_in_charge_passes() -> None:
    h = History("standardization")
    _file(h)
    h.add("request", "R-1", "opinion_given", "2024-03-05 11:00", by="p-vh1", unit="u-gov", opinion="同意")
    h.add("request", "R-1", "forwarded", "2024-03-05 12:00", by="p-sec", unit="u-office", to="head")
    assert h.violations("ESC-SKIP-LEVEL") == []


def test_esc_skip_level_changle_skipping_is_flagged() -> None:
    h = History("changle-2022")
    f = _file(h)
    fw = h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-sec", unit="u-office", to="head")
    [v] = h.violations("ESC-SKIP-LEVEL")
    assert v.article == "changle-2022:五十三"
    assert set(v.evidence) == {f.id, fw.id}


def test_esc_skip_level_changle_through_leader_in_charge_passes() -> None:
    h = History("changle-2022")
    _file(h)
    h.add("request", "R-1", "opinion_given", "2024-03-05 11:00", by="p-vh1", unit="u-gov", opinion="同意")
    h.add("request", "R-1", "forwarded", "2024-03-05 12:00", by="p-sec", unit="u-office", to="head")
    assert h.violations("ESC-SKIP-LEVEL") == []


def test_esc_skip_level_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("dongqu-2012")
    _file(h)
    h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-sec", unit="u-office", to="head")
    assert h.violations("ESC-SKIP-LEVEL") == []


def test_esc_skip_level_yiyuan_head_named_by_the_posts_title_is_recognised() -> None:
    h = History("yiyuan")
    _file(h)
    fw = h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-fgj", unit="u-fgj", to="县长")
    [v] = h.violations("ESC-SKIP-LEVEL")
    assert fw.id in v.evidence


def test_esc_skip_level_yiyuan_addressee_the_org_chart_cannot_resolve_is_reported_not_judged() -> None:
    h = History("yiyuan")
    _file(h)
    fw = h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-fgj", unit="u-fgj", to="王县长")
    assert h.violations("ESC-SKIP-LEVEL") == []
    assert {u.rule for u in h.unjudged()} == {"ESC-SKIP-LEVEL", "ESC-MULTI-HEAD", "ESC-DIRECT-TO-LEADER"}
    assert {(u.act, u.field, u.value) for u in h.unjudged()} == {(fw.id, "data.to", "王县长")}


# ---- ESC-EMERGENCY-FOLLOWUP --------------------------------------------------------------


def test_esc_emergency_followup_yiyuan_informed_next_working_day_passes() -> None:
    # Forwarded on Friday; Monday is the 1st working day after.
    h = History("yiyuan")
    _file(h, at="2024-03-08 09:00", emergency=True)
    h.add("request", "R-1", "forwarded", "2024-03-08 10:00", by="p-fgj", unit="u-fgj", to="head")
    h.add("request", "R-1", "informed_afterwards", "2024-03-11 17:00", by="p-fgj", unit="u-fgj", to="vh-1")
    assert _missed(h, "2024-03-12 09:00", "ESC-EMERGENCY-FOLLOWUP") == []
    assert h.violations("ESC-EMERGENCY-FOLLOWUP") == []
    assert h.violations("ESC-SKIP-LEVEL") == []


def test_esc_emergency_followup_yiyuan_missing_notice_is_recorded_by_the_clock_and_flagged() -> None:
    h = History("yiyuan")
    f = _file(h, at="2024-03-08 09:00", emergency=True)
    fw = h.add("request", "R-1", "forwarded", "2024-03-08 10:00", by="p-fgj", unit="u-fgj", to="head")
    assert _missed(h, "2024-03-11 12:00", "ESC-EMERGENCY-FOLLOWUP") == []
    [m] = _missed(h, "2024-03-12 00:00", "ESC-EMERGENCY-FOLLOWUP")
    assert _missed(h, "2024-03-13 00:00", "ESC-EMERGENCY-FOLLOWUP") == []
    [v] = h.violations("ESC-EMERGENCY-FOLLOWUP")
    assert v.article == "yiyuan:第四条"
    assert set(v.evidence) == {fw.id, m.id}
    assert h.violations("ESC-SKIP-LEVEL") == []  # the exemption itself still holds
    assert f.id not in v.evidence


def test_esc_emergency_followup_yiyuan_late_notice_is_flagged() -> None:
    h = History("yiyuan")
    _file(h, at="2024-03-08 09:00", emergency=True)
    fw = h.add("request", "R-1", "forwarded", "2024-03-08 10:00", by="p-fgj", unit="u-fgj", to="p-head")
    late = h.add("request", "R-1", "informed_afterwards", "2024-03-13 09:00", by="p-fgj", unit="u-fgj", to="p-vh1")
    [v] = h.violations("ESC-EMERGENCY-FOLLOWUP")
    assert set(v.evidence) == {fw.id, late.id}


def test_esc_emergency_followup_yiyuan_notice_to_someone_else_does_not_count() -> None:
    h = History("yiyuan")
    _file(h, at="2024-03-08 09:00", emergency=True)
    h.add("request", "R-1", "forwarded", "2024-03-08 10:00", by="p-fgj", unit="u-fgj", to="head")
    h.add("request", "R-1", "informed_afterwards", "2024-03-08 12:00", by="p-fgj", unit="u-fgj", to="vh-2")
    assert len(_missed(h, "2024-03-12 00:00", "ESC-EMERGENCY-FOLLOWUP")) == 1
    assert len(h.violations("ESC-EMERGENCY-FOLLOWUP")) == 1


def test_esc_emergency_followup_yiyuan_not_owed_when_the_exemption_was_not_used() -> None:
    h = History("yiyuan")
    _file(h, at="2024-03-08 09:00", emergency=True)
    h.add("request", "R-1", "opinion_given", "2024-03-08 09:30", by="p-vh1", unit="u-gov", opinion="同意")
    h.add("request", "R-1", "forwarded", "2024-03-08 10:00", by="p-sec", unit="u-office", to="head")
    assert _missed(h, "2024-03-20 00:00", "ESC-EMERGENCY-FOLLOWUP") == []
    assert h.violations("ESC-EMERGENCY-FOLLOWUP") == []


def test_esc_emergency_followup_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("changle-2022")
    _file(h, at="2024-03-08 09:00", emergency=True)
    h.add("request", "R-1", "forwarded", "2024-03-08 10:00", by="p-fgj", unit="u-fgj", to="head")
    assert _missed(h, "2024-03-20 00:00", "ESC-EMERGENCY-FOLLOWUP") == []
    assert h.violations("ESC-EMERGENCY-FOLLOWUP") == []
    assert h.violations("ESC-SKIP-LEVEL") == []  # changle 五十三 exempts 重大突发事件 too


# ---- ESC-MULTI-HEAD ----------------------------------------------------------------------


def test_esc_multi_head_yiyuan_request_to_a_vice_head_not_in_charge_is_flagged() -> None:
    h = History("yiyuan")
    f = _file(h)
    fw = h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-sec", unit="u-office", to="vh-2")
    [v] = h.violations("ESC-MULTI-HEAD")
    assert v.article == "yiyuan:第四条, 第七条"
    assert set(v.evidence) == {f.id, fw.id}
    assert v.detail["addressee"] == "vh-2"


def test_esc_multi_head_yiyuan_request_to_the_leader_in_charge_passes() -> None:
    h = History("yiyuan")
    _file(h)
    h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-sec", unit="u-office", to="p-vh1")
    assert h.violations("ESC-MULTI-HEAD") == []


def test_esc_multi_head_yiyuan_leader_in_charge_coordinating_with_a_colleague_passes() -> None:
    # 第七条: the leader in charge consults the other leaders himself.
    h = History("yiyuan")
    _file(h)
    h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-vh1", unit="u-gov", to="vh-2")
    assert h.violations("ESC-MULTI-HEAD") == []


def test_esc_multi_head_yiyuan_exec_vice_head_not_in_charge_is_flagged() -> None:
    h = History("yiyuan")
    _file(h)
    h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-fgj", unit="u-fgj", to="p-evh")
    [v] = h.violations("ESC-MULTI-HEAD")
    assert v.detail["addressee"] == "evh"


def test_esc_multi_head_yiyuan_cover_partner_while_the_post_in_charge_is_vacant_passes() -> None:
    h = History("yiyuan")
    h.org("relieved", "2024-03-01", person="p-vh1", post="vh-1")
    _file(h)
    h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-sec", unit="u-office", to="vh-2")
    assert h.violations("ESC-MULTI-HEAD") == []


def test_esc_multi_head_standardization_request_to_a_vice_head_not_in_charge_is_flagged() -> None:
    h = History("standardization")
    f = _file(h)
    fw = h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-sec", unit="u-office", to="vh-2")
    [v] = h.violations("ESC-MULTI-HEAD")
    assert v.article == "standardization:篇四(三)9"
    assert set(v.evidence) == {f.id, fw.id}


def test_esc_multi_head_standardization_request_to_the_leader_in_charge_passes() -> None:
    h = History("standardization")
    _file(h)
    h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-sec", unit="u-office", to="vh-1")
    assert h.violations("ESC-MULTI-HEAD") == []


def test_esc_multi_head_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("changle-2022")
    _file(h)
    h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-sec", unit="u-office", to="vh-2")
    assert h.violations("ESC-MULTI-HEAD") == []


# ---- ESC-DIRECT-TO-LEADER ----------------------------------------------------------------


def test_esc_direct_to_leader_yiyuan_unit_sending_straight_to_a_leader_is_flagged() -> None:
    h = History("yiyuan")
    f = _file(h)
    fw = h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-staff", unit="u-fgj", to="vh-1")
    [v] = h.violations("ESC-DIRECT-TO-LEADER")
    assert v.article == "yiyuan:第九条"
    assert set(v.evidence) == {f.id, fw.id}
    assert v.person == "p-staff"


def test_esc_direct_to_leader_yiyuan_through_the_office_passes() -> None:
    h = History("yiyuan")
    _file(h)
    h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-staff", unit="u-fgj", to="od")
    h.add("request", "R-1", "forwarded", "2024-03-05 14:00", by="p-sec", unit="u-office", to="vh-1")
    assert h.violations("ESC-DIRECT-TO-LEADER") == []


def test_esc_direct_to_leader_yiyuan_filed_addressed_to_a_leader_is_flagged() -> None:
    h = History("yiyuan")
    f = _file(h, to="p-vh1")
    [v] = h.violations("ESC-DIRECT-TO-LEADER")
    assert v.evidence == (f.id,)


def test_esc_direct_to_leader_yiyuan_matter_the_leader_assigned_is_exempt() -> None:
    h = History("yiyuan")
    _file(h, leader_assigned=True)
    h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-staff", unit="u-fgj", to="vh-1")
    assert h.violations("ESC-DIRECT-TO-LEADER") == []


def test_esc_direct_to_leader_changle_top_secret_is_exempt_but_confidential_is_not() -> None:
    h = History("changle-2022")
    _file(h, "R-1", classification="绝密")
    h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-fgj", unit="u-fgj", to="head")
    f2 = _file(h, "R-2", classification="机密")
    fw2 = h.add("request", "R-2", "forwarded", "2024-03-05 10:00", by="p-fgj", unit="u-fgj", to="head")
    [v] = h.violations("ESC-DIRECT-TO-LEADER")
    assert v.article == "changle-2022:五十三"
    assert v.case == "R-2" and set(v.evidence) == {f2.id, fw2.id}


def test_esc_direct_to_leader_changle_emergency_is_exempt() -> None:
    h = History("changle-2022")
    _file(h, emergency=True)
    h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-fgj", unit="u-fgj", to="head")
    assert h.violations("ESC-DIRECT-TO-LEADER") == []


def test_esc_direct_to_leader_dongqu_any_classified_matter_is_exempt() -> None:
    h = History("dongqu-2012")
    _file(h, classification="机密")
    h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-fgj", unit="u-fgj", to="head")
    assert h.violations("ESC-DIRECT-TO-LEADER") == []


def test_esc_direct_to_leader_dongqu_emergency_is_not_exempt() -> None:
    # 第八十四条 exempts 重大、突发事件 only from the 越级 clause, not from "to a leader personally".
    h = History("dongqu-2012")
    f = _file(h, emergency=True)
    fw = h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-fgj", unit="u-fgj", to="vh-1")
    [v] = h.violations("ESC-DIRECT-TO-LEADER")
    assert v.article == "dongqu-2012:第八十四条"
    assert set(v.evidence) == {f.id, fw.id}


def test_esc_direct_to_leader_dongqu_through_the_office_passes() -> None:
    h = History("dongqu-2012")
    _file(h, to="u-office")
    h.add("request", "R-1", "forwarded", "2024-03-05 14:00", by="p-sec", unit="u-office", to="vh-1")
    assert h.violations("ESC-DIRECT-TO-LEADER") == []


def test_esc_direct_to_leader_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("standardization")
    _file(h)
    h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-staff", unit="u-fgj", to="vh-1")
    assert h.violations("ESC-DIRECT-TO-LEADER") == []


# ---- ESC-ONE-MATTER ----------------------------------------------------------------------


def test_esc_one_matter_changle_request_with_two_matters_is_flagged() -> None:
    h = History("changle-2022")
    f = _file(h, matters=2)
    [v] = h.violations("ESC-ONE-MATTER")
    assert v.article == "changle-2022:五十三"
    assert v.evidence == (f.id,)
    assert v.severity == "low"


def test_esc_one_matter_changle_report_carrying_request_items_is_flagged() -> None:
    h = History("changle-2022")
    f = _file(h, doc_type="报告", contains_request_items=True)
    [v] = h.violations("ESC-ONE-MATTER")
    assert v.evidence == (f.id,) and "夹带" in v.message_zh


def test_esc_one_matter_changle_one_matter_and_a_plain_report_pass() -> None:
    h = History("changle-2022")
    _file(h, "R-1", matters=1)
    _file(h, "R-2", doc_type="报告", contains_request_items=False, matters=3)
    assert h.violations("ESC-ONE-MATTER") == []


def test_esc_one_matter_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("yiyuan")
    _file(h, matters=3)
    assert h.violations("ESC-ONE-MATTER") == []


# ---- ESC-SIGNED-BY-HEAD ------------------------------------------------------------------


def test_esc_signed_by_head_changle_signed_by_a_deputy_is_flagged() -> None:
    h = History("changle-2022")
    f = _file(h)
    s = h.add("request", "R-1", "signed", "2024-03-05 09:30", by="p-fgjd", unit="u-fgj")
    fw = h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-staff", unit="u-fgj", to="u-office")
    wrong, unsigned = h.violations("ESC-SIGNED-BY-HEAD")
    assert wrong.article == "changle-2022:五十三" and wrong.person == "p-fgjd"
    assert set(wrong.evidence) == {f.id, s.id}
    assert set(unsigned.evidence) == {f.id, fw.id}  # no valid signature before it left the unit


def test_esc_signed_by_head_changle_signed_by_the_head_passes() -> None:
    h = History("changle-2022")
    _file(h)
    h.add("request", "R-1", "signed", "2024-03-05 09:30", by="p-fgj", unit="u-fgj")
    h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-staff", unit="u-fgj", to="u-office")
    assert h.violations("ESC-SIGNED-BY-HEAD") == []


def test_esc_signed_by_head_changle_sent_unsigned_is_flagged() -> None:
    h = History("changle-2022")
    f = _file(h)
    fw = h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-staff", unit="u-fgj", to="u-office")
    h.add("request", "R-1", "signed", "2024-03-05 11:00", by="p-fgj", unit="u-fgj")
    [v] = h.violations("ESC-SIGNED-BY-HEAD")
    assert set(v.evidence) == {f.id, fw.id}


def test_esc_signed_by_head_changle_written_sign_delegation_passes() -> None:
    h = History("changle-2022")
    h.org("delegated", "2024-03-01", from_post="fgj-head", to_post="fgj-deputy", scope="sign", since="2024-03-01")
    _file(h)
    h.add("request", "R-1", "signed", "2024-03-05 09:30", by="p-fgjd", unit="u-fgj")
    h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-staff", unit="u-fgj", to="u-office")
    assert h.violations("ESC-SIGNED-BY-HEAD") == []


def test_esc_signed_by_head_changle_reports_and_drafts_are_not_checked() -> None:
    h = History("changle-2022")
    _file(h, "R-1", doc_type="报告")
    h.add("request", "R-1", "signed", "2024-03-05 09:30", by="p-staff", unit="u-fgj")
    _file(h, "R-2")  # a 请示 not yet signed nor sent
    assert h.violations("ESC-SIGNED-BY-HEAD") == []


def test_esc_signed_by_head_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("yiyuan")
    _file(h)
    h.add("request", "R-1", "signed", "2024-03-05 09:30", by="p-staff", unit="u-fgj")
    assert h.violations("ESC-SIGNED-BY-HEAD") == []


# ---- ESC-REPLY-DEADLINE ------------------------------------------------------------------


def test_esc_reply_deadline_changle_guidance_after_three_days_is_flagged() -> None:
    h = History("changle-2022")
    f = _file(h, at="2024-03-05 10:00")
    g = h.add("request", "R-1", "opinion_given", "2024-03-09 09:00", by="p-vh1", unit="u-gov", opinion="同意")
    [v] = h.violations("ESC-REPLY-DEADLINE")
    assert v.article == "changle-2022:九十"
    assert set(v.evidence) == {f.id, g.id}
    assert v.person == "p-vh1"


def test_esc_reply_deadline_changle_guidance_within_three_days_passes() -> None:
    h = History("changle-2022")
    _file(h, at="2024-03-05 10:00")
    h.add("request", "R-1", "answered", "2024-03-08 18:00", by="p-head", unit="u-gov", opinion="同意")
    assert h.violations("ESC-REPLY-DEADLINE") == []


def test_esc_reply_deadline_changle_counts_calendar_days_through_holidays() -> None:
    # "不超过3天" — calendar days: filed before National Day, due 2024-10-03 although that is a holiday.
    h = History("changle-2022")
    _file(h, at="2024-09-30 10:00")
    h.add("request", "R-1", "opinion_given", "2024-10-04 10:00", by="p-vh1", unit="u-gov", opinion="同意")
    [v] = h.violations("ESC-REPLY-DEADLINE")
    assert v.detail["due"].startswith("2024-10-03")


def test_esc_reply_deadline_changle_missing_guidance_is_recorded_by_the_clock_and_flagged() -> None:
    h = History("changle-2022")
    f = _file(h, at="2024-03-05 10:00")
    h.add("request", "R-1", "forwarded", "2024-03-05 11:00", by="p-sec", unit="u-office", to="vh-1")
    assert _missed(h, "2024-03-08 20:00", "ESC-REPLY-DEADLINE") == []
    [m] = _missed(h, "2024-03-09 00:00", "ESC-REPLY-DEADLINE")
    [v] = h.violations("ESC-REPLY-DEADLINE")
    assert set(v.evidence) == {f.id, m.id}
    assert v.person == "p-vh1"


def test_esc_reply_deadline_changle_late_reply_to_an_assigned_matter_is_flagged() -> None:
    h = History("changle-2022")
    f = _file(
        h, at="2024-03-04 09:00", doc_type="报告", assigned_by_leader=True, assigned_at="2024-03-01T09:00:00+08:00"
    )
    r = h.add("request", "R-1", "forwarded", "2024-03-07 09:00", by="p-fgj", unit="u-fgj", to="u-office")
    [v] = h.violations("ESC-REPLY-DEADLINE")
    assert set(v.evidence) == {f.id, r.id}
    assert v.detail["due"].startswith("2024-03-06")


def test_esc_reply_deadline_changle_reply_within_five_days_passes() -> None:
    h = History("changle-2022")
    _file(h, at="2024-03-04 09:00", doc_type="报告", assigned_by_leader=True, assigned_at="2024-03-01T09:00:00+08:00")
    h.add("request", "R-1", "forwarded", "2024-03-06 17:00", by="p-fgj", unit="u-fgj", to="u-office")
    assert h.violations("ESC-REPLY-DEADLINE") == []


def test_esc_reply_deadline_changle_report_starts_no_guidance_clock() -> None:
    h = History("changle-2022")
    _file(h, at="2024-03-05 10:00", doc_type="报告")
    assert _missed(h, "2024-04-01 00:00", "ESC-REPLY-DEADLINE") == []
    assert h.violations("ESC-REPLY-DEADLINE") == []


def test_esc_reply_deadline_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("yiyuan")
    _file(h, at="2024-03-05 10:00")
    assert _missed(h, "2024-04-01 00:00", "ESC-REPLY-DEADLINE") == []
    assert h.violations("ESC-REPLY-DEADLINE") == []


# ---- robustness --------------------------------------------------------------------------


def test_esc_rules_do_not_crash_on_cases_missing_acts_or_naming_unknown_addressees() -> None:
    h = History("yiyuan")
    h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-staff", unit="u-fgj", to="nobody")
    h.add("request", "R-1", "opinion_given", "2024-03-05 09:00", by="p-vh2", unit="u-gov")
    h.add("request", "R-2", "informed_afterwards", "2024-03-05 10:00", by="p-staff", unit="u-fgj")
    h.add("request", "R-3", "forwarded", "2024-03-05 10:00", by="p-staff", unit="u-town1", to="head")
    h.tick("2024-04-01 00:00")
    vs = [v for v in h.all_violations() if v.rule.startswith("ESC-")]
    # Only R-3 (town1 staff straight to the head; town1's leader in charge is vh-1) is flagged.
    assert sorted((v.case, v.rule) for v in vs) == [("R-3", "ESC-DIRECT-TO-LEADER"), ("R-3", "ESC-SKIP-LEVEL")]


def test_esc_skip_level_yiyuan_retracted_opinion_no_longer_counts() -> None:
    h = History("yiyuan")
    _file(h)
    op = h.add("request", "R-1", "opinion_given", "2024-03-05 11:00", by="p-vh1", unit="u-gov", opinion="同意")
    h.add("request", "R-1", "forwarded", "2024-03-05 12:00", by="p-sec", unit="u-office", to="head")
    assert h.violations("ESC-SKIP-LEVEL") == []
    h.add("request", "R-1", "retracted", "2024-03-06 09:00", by="p-sec", unit="u-office", of=op.id, reason="误录")
    assert len(h.violations("ESC-SKIP-LEVEL")) == 1


def test_esc_skip_level_yiyuan_emergency_set_by_a_correction_is_exempt() -> None:
    h = History("yiyuan")
    f = _file(h)
    h.add("request", "R-1", "forwarded", "2024-03-05 10:00", by="p-fgj", unit="u-fgj", to="head")
    assert len(h.violations("ESC-SKIP-LEVEL")) == 1
    h.add(
        "request",
        "R-1",
        "corrected",
        "2024-03-05 11:00",
        by="p-fgj",
        unit="u-fgj",
        of=f.id,
        reason="漏标紧急",
        fields={"data": {"emergency": True}},
    )
    assert h.violations("ESC-SKIP-LEVEL") == []
    assert len(h.violations("ESC-EMERGENCY-FOLLOWUP")) == 0  # not yet due

"""SVC — 首问负责/限时办结 (yiyuan 第十一条, 第二十一条): one test per clause, named after the rule."""

from __future__ import annotations

from typing import Any

from domain.acts import Act
from tests.rules.history import History


def _missed(h: History, now: str, rule: str) -> list[Act]:
    return [a for a in h.tick(now) if a.get("rule") == rule]


def _receive(h: History, case: str = "S-1", at: str = "2024-03-05 09:00", **data: Any) -> Act:
    return h.add("service_request", case, "received", at, by="p-staff", unit="u-fgj", matter="项目备案", **data)


# ---- SVC-FIRST-CONTACT -------------------------------------------------------------------


def test_svc_first_contact_yiyuan_dropped_request_is_recorded_by_the_clock_and_flagged() -> None:
    # 3 working days after Tuesday 2024-03-05: the end of Friday 2024-03-08.
    h = History("yiyuan")
    rec = _receive(h, time_limit_working_days=3)
    assert _missed(h, "2024-03-08 18:00", "SVC-FIRST-CONTACT") == []
    [m] = _missed(h, "2024-03-09 00:00", "SVC-FIRST-CONTACT")
    [v] = h.violations("SVC-FIRST-CONTACT")
    assert v.article == "yiyuan:第十一条"
    assert set(v.evidence) == {rec.id, m.id}
    assert v.person == "p-staff"


def test_svc_first_contact_yiyuan_referral_passes() -> None:
    h = History("yiyuan")
    _receive(h, time_limit_working_days=3)
    h.add("service_request", "S-1", "referred", "2024-03-05 09:30", by="p-staff", unit="u-fgj", to_unit="u-sfj")
    assert _missed(h, "2024-04-01 00:00", "SVC-FIRST-CONTACT") == []
    assert h.violations("SVC-FIRST-CONTACT") == []


def test_svc_first_contact_yiyuan_without_a_time_limit_uses_the_default_and_flags_a_late_answer() -> None:
    # No limit on record: the pack's default_working_days (5) — due the end of 2024-03-12.
    h = History("yiyuan")
    rec = _receive(h)
    late = h.add("service_request", "S-1", "materials_requested", "2024-03-13 10:00", by="p-staff", items=["身份证"])
    [v] = h.violations("SVC-FIRST-CONTACT")
    assert set(v.evidence) == {rec.id, late.id}
    assert v.detail["due"].startswith("2024-03-12")


def test_svc_first_contact_yiyuan_materials_request_is_an_answer() -> None:
    h = History("yiyuan")
    _receive(h, time_limit_working_days=3)
    h.add("service_request", "S-1", "materials_requested", "2024-03-05 10:00", by="p-staff", items=["身份证"])
    assert h.violations("SVC-FIRST-CONTACT") == []


def test_svc_first_contact_yiyuan_late_completion_by_the_first_contact_is_svc_time_limits_alone() -> None:
    # One late completion, one violation: the first contact handled it (late) — not dropped.
    h = History("yiyuan")
    _receive(h, time_limit_working_days=3)
    done = h.add("service_request", "S-1", "completed", "2024-03-11 10:00")
    assert h.violations("SVC-FIRST-CONTACT") == []
    [v] = h.violations("SVC-TIME-LIMIT")
    assert done.id in v.evidence
    assert [x.rule for x in h.all_violations()] == ["SVC-TIME-LIMIT"]


def test_svc_first_contact_yiyuan_late_completion_recorded_by_the_clock_first_is_still_one_violation() -> None:
    # The clock ran before the late completion arrived: once it arrives, the request was not dropped.
    h = History("yiyuan")
    _receive(h, time_limit_working_days=3)
    h.tick("2024-03-09 00:00")
    h.add("service_request", "S-1", "completed", "2024-03-11 10:00")
    assert [v.rule for v in h.all_violations()] == ["SVC-TIME-LIMIT"]


def test_svc_first_contact_yiyuan_late_refusal_and_late_referral_are_svc_time_limits_alone() -> None:
    h = History("yiyuan")
    _receive(h, "S-1", time_limit_working_days=3)
    h.add("service_request", "S-1", "refused", "2024-03-12 10:00", reason="不符合条件", basis="《办法》第五条")
    _receive(h, "S-2", time_limit_working_days=3)
    h.add("service_request", "S-2", "referred", "2024-03-12 10:00", to_unit="u-sfj")
    assert h.violations("SVC-FIRST-CONTACT") == []
    assert {v.case for v in h.violations("SVC-TIME-LIMIT")} == {"S-1", "S-2"}


def test_svc_first_contact_yiyuan_late_completion_without_a_time_limit_is_not_a_dropped_request() -> None:
    h = History("yiyuan")
    _receive(h)
    h.add("service_request", "S-1", "completed", "2024-05-01 10:00")
    assert h.violations("SVC-FIRST-CONTACT") == []


def test_svc_first_contact_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("changle-2022")
    _receive(h, time_limit_working_days=3)
    assert _missed(h, "2024-04-01 00:00", "SVC-FIRST-CONTACT") == []
    assert h.violations("SVC-FIRST-CONTACT") == []


# ---- SVC-ONE-TIME-NOTICE -----------------------------------------------------------------


def test_svc_one_time_notice_yiyuan_second_request_for_materials_is_flagged() -> None:
    h = History("yiyuan")
    rec = _receive(h, time_limit_working_days=5)
    first = h.add("service_request", "S-1", "materials_requested", "2024-03-05 10:00", items=["身份证"])
    second = h.add("service_request", "S-1", "materials_requested", "2024-03-07 10:00", items=["营业执照"])
    [v] = h.violations("SVC-ONE-TIME-NOTICE")
    assert v.article == "yiyuan:第十一条"
    assert set(v.evidence) == {rec.id, first.id, second.id}
    assert "营业执照" in v.message_zh


def test_svc_one_time_notice_yiyuan_single_notice_passes() -> None:
    h = History("yiyuan")
    _receive(h, time_limit_working_days=5)
    h.add("service_request", "S-1", "materials_requested", "2024-03-05 10:00", items=["身份证", "营业执照"])
    h.add("service_request", "S-1", "completed", "2024-03-07 10:00")
    assert h.violations("SVC-ONE-TIME-NOTICE") == []


def test_svc_one_time_notice_yiyuan_unit_referred_to_gives_its_own_first_notice() -> None:
    h = History("yiyuan")
    _receive(h, time_limit_working_days=5)
    h.add("service_request", "S-1", "materials_requested", "2024-03-05 10:00", items=["身份证"])
    h.add("service_request", "S-1", "referred", "2024-03-05 11:00", to_unit="u-sfj")
    h.add("service_request", "S-1", "received", "2024-03-05 14:00", by="p-sfj", unit="u-sfj", time_limit_working_days=5)
    h.add(
        "service_request", "S-1", "materials_requested", "2024-03-05 15:00", by="p-sfj", unit="u-sfj", items=["公证书"]
    )
    assert h.violations("SVC-ONE-TIME-NOTICE") == []


def test_svc_one_time_notice_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("dongqu-2012")
    _receive(h)
    h.add("service_request", "S-1", "materials_requested", "2024-03-05 10:00", items=["身份证"])
    h.add("service_request", "S-1", "materials_requested", "2024-03-06 10:00", items=["营业执照"])
    assert h.violations("SVC-ONE-TIME-NOTICE") == []


# ---- SVC-TIME-LIMIT ----------------------------------------------------------------------


def test_svc_time_limit_yiyuan_completed_after_the_limit_is_flagged() -> None:
    h = History("yiyuan")
    rec = _receive(h, time_limit_working_days=3)
    done = h.add("service_request", "S-1", "completed", "2024-03-11 10:00")
    [v] = h.violations("SVC-TIME-LIMIT")
    assert v.article == "yiyuan:第十一条, 第二十一条"
    assert set(v.evidence) == {rec.id, done.id}
    assert v.severity == "high"
    assert v.detail["time_limit_working_days"] == 3


def test_svc_time_limit_yiyuan_completed_within_the_limit_passes() -> None:
    h = History("yiyuan")
    _receive(h, time_limit_working_days=3)
    h.add("service_request", "S-1", "completed", "2024-03-08 17:00")
    assert h.violations("SVC-TIME-LIMIT") == []


def test_svc_time_limit_yiyuan_counts_working_days_over_national_day() -> None:
    # Received Fri 2024-09-27: working days after are Sun 09-29 (调休), Mon 09-30, then Tue 10-08.
    h = History("yiyuan")
    _receive(h, at="2024-09-27 10:00", time_limit_working_days=3)
    h.add("service_request", "S-1", "completed", "2024-10-08 16:00")
    assert h.violations("SVC-TIME-LIMIT") == []
    h2 = History("yiyuan")
    _receive(h2, at="2024-09-27 10:00", time_limit_working_days=3)
    h2.add("service_request", "S-1", "completed", "2024-10-09 09:00")
    [v] = h2.violations("SVC-TIME-LIMIT")
    assert v.detail["due"].startswith("2024-10-08")


def test_svc_time_limit_yiyuan_unfinished_request_is_recorded_by_the_clock_and_flagged() -> None:
    h = History("yiyuan")
    rec = _receive(h, time_limit_working_days=3)
    h.add("service_request", "S-1", "materials_requested", "2024-03-05 10:00", items=["身份证"])
    assert _missed(h, "2024-03-08 23:00", "SVC-TIME-LIMIT") == []
    [m] = _missed(h, "2024-03-09 00:00", "SVC-TIME-LIMIT")
    [v] = h.violations("SVC-TIME-LIMIT")
    assert set(v.evidence) == {rec.id, m.id}
    assert h.violations("SVC-FIRST-CONTACT") == []  # it was answered, just not concluded


def test_svc_time_limit_yiyuan_refusal_and_referral_conclude_the_leg() -> None:
    h = History("yiyuan")
    _receive(h, "S-1", time_limit_working_days=3)
    h.add("service_request", "S-1", "refused", "2024-03-06 10:00", reason="不符合条件", basis="《办法》第五条")
    _receive(h, "S-2", time_limit_working_days=3)
    h.add("service_request", "S-2", "referred", "2024-03-06 10:00", to_unit="u-sfj")
    assert _missed(h, "2024-04-01 00:00", "SVC-TIME-LIMIT") == []
    assert h.violations("SVC-TIME-LIMIT") == []


def test_svc_time_limit_yiyuan_request_without_a_time_limit_is_not_checked() -> None:
    h = History("yiyuan")
    _receive(h)
    h.add("service_request", "S-1", "completed", "2024-05-01 10:00")
    assert h.violations("SVC-TIME-LIMIT") == []


def test_svc_time_limit_yiyuan_request_without_a_time_limit_is_reported_not_judged() -> None:
    h = History("yiyuan")
    rec = _receive(h)
    h.add("service_request", "S-1", "completed", "2024-05-01 10:00")
    [u] = h.unjudged("SVC-TIME-LIMIT")
    assert (u.act, u.field, u.value) == (rec.id, "data.time_limit_working_days", "")


def test_svc_time_limit_yiyuan_negative_time_limit_is_reported_not_judged() -> None:
    h = History("yiyuan")
    rec = _receive(h, time_limit_working_days=-3)
    [u] = h.unjudged("SVC-TIME-LIMIT")
    assert (u.act, u.value) == (rec.id, "-3")


def test_svc_time_limit_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("standardization")
    _receive(h, time_limit_working_days=3)
    h.add("service_request", "S-1", "completed", "2024-03-20 10:00")
    assert h.violations("SVC-TIME-LIMIT") == []


# ---- SVC-REFUSAL-REASON ------------------------------------------------------------------


def test_svc_refusal_reason_yiyuan_refusal_without_basis_is_flagged() -> None:
    h = History("yiyuan")
    rec = _receive(h, time_limit_working_days=3)
    ref = h.add("service_request", "S-1", "refused", "2024-03-06 10:00", reason="材料不符合要求")
    [v] = h.violations("SVC-REFUSAL-REASON")
    assert v.article == "yiyuan:第十一条"
    assert set(v.evidence) == {rec.id, ref.id}
    assert v.detail["missing"] == ["basis"] and "依据" in v.message_zh


def test_svc_refusal_reason_yiyuan_refusal_with_blank_reason_and_basis_is_flagged() -> None:
    h = History("yiyuan")
    _receive(h)
    h.add("service_request", "S-1", "refused", "2024-03-06 10:00", reason=" ", basis="")
    [v] = h.violations("SVC-REFUSAL-REASON")
    assert v.detail["missing"] == ["reason", "basis"]


def test_svc_refusal_reason_yiyuan_refusal_with_reason_and_basis_passes() -> None:
    h = History("yiyuan")
    _receive(h)
    h.add("service_request", "S-1", "refused", "2024-03-06 10:00", reason="不符合条件", basis="《办法》第五条")
    assert h.violations("SVC-REFUSAL-REASON") == []


def test_svc_refusal_reason_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("changle-2022")
    _receive(h)
    h.add("service_request", "S-1", "refused", "2024-03-06 10:00")
    assert h.violations("SVC-REFUSAL-REASON") == []


# ---- robustness --------------------------------------------------------------------------


def test_svc_rules_do_not_crash_on_acts_without_a_receipt_or_with_odd_limits() -> None:
    h = History("yiyuan")
    h.add("service_request", "S-1", "completed", "2024-03-05 10:00")
    h.add("service_request", "S-1", "refused", "2024-03-05 11:00", reason="x", basis="y")
    h.add("service_request", "S-2", "materials_requested", "2024-03-05 10:00")
    _receive(h, "S-3", time_limit_working_days=0)
    h.add("service_request", "S-3", "completed", "2024-03-05 17:00")
    h.tick("2024-04-01 00:00")
    assert [v for v in h.all_violations() if v.rule.startswith("SVC-")] == []

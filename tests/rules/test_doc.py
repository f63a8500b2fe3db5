"""DOC — 公文处理: one test per clause, named after the rule."""

from __future__ import annotations

from typing import Any

from domain.acts import Act
from tests.rules.history import History

OUT = "outgoing_document"
IN = "incoming_document"


# ---- helpers ----------------------------------------------------------------------------


def tick(h: History, now: str, rule: str) -> list[Act]:
    """Run the clock; the ``deadline_missed`` acts it records for ``rule``."""
    return [a for a in h.tick(now) if a.get("rule") == rule]


def incoming(h: History, case: str = "R-1", at: str = "2024-03-04 09:00", **received: Any) -> Act:
    """A document signed for by the confidential secretary."""
    received.setdefault("title", "关于某事项的请示")
    return h.add(IN, case, "received", at, by="p-csec", unit="u-office", **received)


def signed_off(h: History, at: str, case: str = "R-1", by: str = "p-head", **data: Any) -> Act:
    data = {"opinion": "同意，请发改局办理", "name": by, "date": at[:10], **data}
    return h.add(IN, case, "signed_off", at, by=by, unit="u-gov", **data)


def draft(h: History, case: str = "D-1", at: str = "2024-03-04 09:00", *, unit: str = "u-fgj", **data: Any) -> Act:
    data.setdefault("doc_type", "通知")
    data.setdefault("issuer", "government")
    return h.add(OUT, case, "drafted", at, by="p-fgj", unit=unit, **data)


def sign(h: History, at: str, case: str = "D-1", by: str = "p-head", **data: Any) -> Act:
    data = {"opinion": "同意印发", "name": by, "date": at[:10], **data}
    return h.add(OUT, case, "signed", at, by=by, unit="u-gov", **data)


def office_reviews(h: History, case: str = "D-1", day: str = "2024-03-05") -> list[Act]:
    """第九十四条: secretary, then deputy director, then director."""
    return [
        h.add(OUT, case, "reviewed", f"{day} 09:00", by="p-sec", unit="u-office", level=1),
        h.add(OUT, case, "reviewed", f"{day} 10:00", by="p-odd", unit="u-office", level=2),
        h.add(OUT, case, "reviewed", f"{day} 11:00", by="p-od", unit="u-office", level=2),
    ]


def after_signing(h: History, case: str = "D-1", day: str = "2024-03-06", *, seal_first: bool = False) -> list[Act]:
    """校对 → 缮印 → 用印/登记 (either order) → 分发 → 归档."""
    acts = [
        h.add(OUT, case, "proofread", f"{day} 09:00", by="p-sec", unit="u-office"),
        h.add(OUT, case, "printed", f"{day} 10:00", by="p-sec", unit="u-office"),
    ]
    seal: tuple[str, dict[str, Any]] = ("sealed", {"seal": "unit", "approved_by": "p-od"})
    reg: tuple[str, dict[str, Any]] = ("registered", {})
    for i, (name, data) in enumerate((seal, reg) if seal_first else (reg, seal)):
        acts.append(h.add(OUT, case, name, f"{day} 11:0{i}", by="p-csec", unit="u-office", **data))
    acts.append(h.add(OUT, case, "distributed", f"{day} 14:00", by="p-csec", unit="u-office", to=["u-fgj"]))
    acts.append(h.add(OUT, case, "archived", f"{day} 16:00", by="p-csec", unit="u-office"))
    return acts


# ==== DOC-INTAKE-TIMING (dongqu-2012:第八十七条) ============================================


def test_doc_intake_timing_dongqu_late_passing_to_director_is_flagged() -> None:
    h = History("dongqu-2012")
    rec = incoming(h)
    passed = h.add(IN, "R-1", "passed_to_director", "2024-03-04 09:45", by="p-csec", unit="u-office")
    h.add(IN, "R-1", "handling_proposed", "2024-03-04 10:15", by="p-od", unit="u-office")
    [v] = h.violations("DOC-INTAKE-TIMING")
    assert v.article == "dongqu-2012:第八十七条"
    assert set(v.evidence) == {rec.id, passed.id}
    assert v.severity == "low"


def test_doc_intake_timing_dongqu_late_handling_proposal_is_flagged() -> None:
    h = History("dongqu-2012")
    incoming(h)
    passed = h.add(IN, "R-1", "passed_to_director", "2024-03-04 09:20", by="p-csec", unit="u-office")
    prop = h.add(IN, "R-1", "handling_proposed", "2024-03-04 10:35", by="p-od", unit="u-office")
    [v] = h.violations("DOC-INTAKE-TIMING")
    assert set(v.evidence) == {passed.id, prop.id}


def test_doc_intake_timing_dongqu_within_half_an_hour_and_an_hour_passes() -> None:
    h = History("dongqu-2012")
    incoming(h)
    h.add(IN, "R-1", "passed_to_director", "2024-03-04 09:30", by="p-csec", unit="u-office")
    h.add(IN, "R-1", "handling_proposed", "2024-03-04 10:30", by="p-odd", unit="u-office")
    assert h.violations("DOC-INTAKE-TIMING") == []


def test_doc_intake_timing_dongqu_missing_passing_is_recorded_by_the_clock_and_flagged() -> None:
    h = History("dongqu-2012")
    rec = incoming(h)
    assert h.tick("2024-03-04 09:20") == []
    [missed] = h.tick("2024-03-04 09:31")
    assert missed.get("rule") == "DOC-INTAKE-TIMING" and missed.get("key") == "pass"
    [v] = h.violations("DOC-INTAKE-TIMING")
    assert set(v.evidence) == {rec.id, missed.id}


def test_doc_intake_timing_not_checked_in_changle() -> None:
    h = History("changle-2022")
    incoming(h)
    h.add(IN, "R-1", "passed_to_director", "2024-03-04 15:00", by="p-csec", unit="u-office")
    assert h.violations("DOC-INTAKE-TIMING") == []


# ==== DOC-SIGNOFF-TIMING (dongqu-2012:第八十八条) ===========================================


def test_doc_signoff_timing_dongqu_national_day_holidays_do_not_count() -> None:
    h = History("dongqu-2012")
    incoming(h, at="2024-09-30 09:00")
    h.add(IN, "R-1", "submitted_for_signoff", "2024-09-30 10:00", by="p-sec", unit="u-office", to="head")
    signed_off(h, "2024-10-08 17:00")
    assert h.violations("DOC-SIGNOFF-TIMING") == []


def test_doc_signoff_timing_dongqu_signed_the_second_working_day_after_national_day_is_flagged() -> None:
    h = History("dongqu-2012")
    incoming(h, at="2024-09-30 09:00")
    sub = h.add(IN, "R-1", "submitted_for_signoff", "2024-09-30 10:00", by="p-sec", unit="u-office", to="head")
    so = signed_off(h, "2024-10-09 09:00")
    [v] = h.violations("DOC-SIGNOFF-TIMING")
    assert v.article == "dongqu-2012:第八十八条"
    assert set(v.evidence) == {sub.id, so.id}
    assert v.person == "p-head"


def test_doc_signoff_timing_dongqu_tiaoxiu_sunday_is_a_working_day() -> None:
    # 2024-09-27 is a Friday; 2024-09-29 (Sunday) was a working day (调休).
    h = History("dongqu-2012")
    incoming(h, at="2024-09-27 09:00")
    h.add(IN, "R-1", "submitted_for_signoff", "2024-09-27 10:00", by="p-sec", unit="u-office", to="head")
    signed_off(h, "2024-09-29 16:00")
    assert h.violations("DOC-SIGNOFF-TIMING") == []

    h2 = History("dongqu-2012")
    incoming(h2, at="2024-09-27 09:00")
    sub = h2.add(IN, "R-1", "submitted_for_signoff", "2024-09-27 10:00", by="p-sec", unit="u-office", to="head")
    so = signed_off(h2, "2024-09-30 09:00")
    [v] = h2.violations("DOC-SIGNOFF-TIMING")
    assert set(v.evidence) == {sub.id, so.id}


def test_doc_signoff_timing_dongqu_same_day_document_signed_next_day_is_flagged() -> None:
    h = History("dongqu-2012")
    incoming(h, same_day=True)
    sub = h.add(IN, "R-1", "submitted_for_signoff", "2024-03-04 10:00", by="p-sec", unit="u-office", to="vh-1")
    so = signed_off(h, "2024-03-05 09:00", by="p-vh1")
    [v] = h.violations("DOC-SIGNOFF-TIMING")
    assert set(v.evidence) == {sub.id, so.id}
    assert v.person == "p-vh1"


def test_doc_signoff_timing_dongqu_each_leader_submitted_to_is_timed() -> None:
    h = History("dongqu-2012")
    incoming(h)
    h.add(IN, "R-1", "submitted_for_signoff", "2024-03-04 10:00", by="p-sec", unit="u-office", to="vh-1")
    signed_off(h, "2024-03-04 15:00", by="p-vh1")
    sub2 = h.add(IN, "R-1", "submitted_for_signoff", "2024-03-04 16:00", by="p-sec", unit="u-office", to="head")
    so2 = signed_off(h, "2024-03-07 09:00", by="p-head")
    [v] = h.violations("DOC-SIGNOFF-TIMING")
    assert set(v.evidence) == {sub2.id, so2.id}


def test_doc_signoff_timing_dongqu_missing_signoff_is_recorded_by_the_clock() -> None:
    h = History("dongqu-2012")
    incoming(h)
    sub = h.add(IN, "R-1", "submitted_for_signoff", "2024-03-04 10:00", by="p-sec", unit="u-office", to="head")
    assert tick(h, "2024-03-05 18:00", "DOC-SIGNOFF-TIMING") == []
    [missed] = tick(h, "2024-03-06 08:00", "DOC-SIGNOFF-TIMING")
    [v] = h.violations("DOC-SIGNOFF-TIMING")
    assert set(v.evidence) == {sub.id, missed.id}


def test_doc_signoff_timing_not_checked_in_changle() -> None:
    h = History("changle-2022")
    incoming(h)
    h.add(IN, "R-1", "submitted_for_signoff", "2024-03-04 10:00", by="p-sec", unit="u-office", to="head")
    signed_off(h, "2024-03-15 09:00")
    assert h.violations("DOC-SIGNOFF-TIMING") == []


# ==== DOC-TRANSFER-SAMEDAY (dongqu-2012:第八十九条) =========================================


def test_doc_transfer_sameday_dongqu_transfer_next_day_is_flagged() -> None:
    h = History("dongqu-2012")
    incoming(h)
    so = signed_off(h, "2024-03-04 15:00")
    tr = h.add(IN, "R-1", "transferred", "2024-03-05 09:00", by="p-sec", unit="u-office", to_unit="u-fgj")
    [v] = h.violations("DOC-TRANSFER-SAMEDAY")
    assert v.article == "dongqu-2012:第八十九条"
    assert set(v.evidence) == {so.id, tr.id}


def test_doc_transfer_sameday_dongqu_same_day_after_the_last_signoff_passes() -> None:
    h = History("dongqu-2012")
    incoming(h)
    signed_off(h, "2024-03-04 11:00", by="p-vh1")
    signed_off(h, "2024-03-05 10:00", by="p-head")
    h.add(IN, "R-1", "transferred", "2024-03-05 16:00", by="p-sec", unit="u-office", to_unit="u-fgj")
    assert h.violations("DOC-TRANSFER-SAMEDAY") == []


def test_doc_transfer_sameday_dongqu_missing_transfer_is_recorded_by_the_clock() -> None:
    h = History("dongqu-2012")
    incoming(h)
    so = signed_off(h, "2024-03-04 15:00")
    [missed] = tick(h, "2024-03-05 09:00", "DOC-TRANSFER-SAMEDAY")
    [v] = h.violations("DOC-TRANSFER-SAMEDAY")
    assert set(v.evidence) == {so.id, missed.id}


def test_doc_transfer_sameday_dongqu_document_for_reading_owes_no_transfer() -> None:
    h = History("dongqu-2012")
    incoming(h, category="阅件")
    signed_off(h, "2024-03-04 15:00", opinion="已阅")
    assert tick(h, "2024-03-06 09:00", "DOC-TRANSFER-SAMEDAY") == []
    assert h.violations("DOC-TRANSFER-SAMEDAY") == []


def test_doc_transfer_sameday_not_checked_in_yiyuan() -> None:
    h = History("yiyuan")
    incoming(h)
    signed_off(h, "2024-03-04 15:00")
    h.add(IN, "R-1", "transferred", "2024-03-08 09:00", by="p-sec", unit="u-office", to_unit="u-fgj")
    assert h.violations("DOC-TRANSFER-SAMEDAY") == []


# ==== DOC-HANDLING-DEADLINE (dongqu-2012:第八十九条) ========================================


def _transfer(h: History, at: str = "2024-03-04 16:00", **data: Any) -> Act:
    data.setdefault("to_unit", "u-fgj")
    return h.add(IN, "R-1", "transferred", at, by="p-sec", unit="u-office", **data)


def test_doc_handling_deadline_dongqu_in_remit_after_three_working_days_is_flagged() -> None:
    h = History("dongqu-2012")
    incoming(h)
    tr = _transfer(h, handling="in_remit")
    done = h.add(IN, "R-1", "completed", "2024-03-08 09:00", by="p-fgj", unit="u-fgj")
    [v] = h.violations("DOC-HANDLING-DEADLINE")
    assert v.article == "dongqu-2012:第八十九条"
    assert set(v.evidence) == {tr.id, done.id}


def test_doc_handling_deadline_dongqu_in_remit_within_three_working_days_passes() -> None:
    h = History("dongqu-2012")
    incoming(h)
    _transfer(h, handling="in_remit")
    h.add(IN, "R-1", "completed", "2024-03-07 17:00", by="p-fgj", unit="u-fgj")
    assert h.violations("DOC-HANDLING-DEADLINE") == []


def test_doc_handling_deadline_dongqu_needs_approval_has_five_and_multi_unit_seven_working_days() -> None:
    h = History("dongqu-2012")
    incoming(h)
    _transfer(h, handling="needs_approval")
    h.add(IN, "R-1", "completed", "2024-03-11 17:00", by="p-fgj", unit="u-fgj")  # 5th working day
    assert h.violations("DOC-HANDLING-DEADLINE") == []

    h2 = History("dongqu-2012")
    incoming(h2)
    tr = _transfer(h2, handling="multi_unit")
    done = h2.add(IN, "R-1", "completed", "2024-03-14 09:00", by="p-fgj", unit="u-fgj")  # 8th
    [v] = h2.violations("DOC-HANDLING-DEADLINE")
    assert set(v.evidence) == {tr.id, done.id}


def test_doc_handling_deadline_dongqu_urgent_is_held_to_the_deadline_set() -> None:
    h = History("dongqu-2012")
    incoming(h, urgent=True)
    tr = _transfer(h, handling="urgent", deadline="2024-03-05T12:00:00+08:00")
    done = h.add(IN, "R-1", "completed", "2024-03-05 15:00", by="p-fgj", unit="u-fgj")
    [v] = h.violations("DOC-HANDLING-DEADLINE")
    assert set(v.evidence) == {tr.id, done.id}


def test_doc_handling_deadline_dongqu_each_unit_answers_its_own_transfer() -> None:
    h = History("dongqu-2012")
    incoming(h)
    _transfer(h, handling="in_remit", to_unit="u-fgj")
    tr2 = _transfer(h, handling="in_remit", to_unit="u-sfj")
    h.add(IN, "R-1", "completed", "2024-03-05 09:00", by="p-fgj", unit="u-fgj")
    [missed] = tick(h, "2024-03-08 00:00", "DOC-HANDLING-DEADLINE")
    [v] = h.violations("DOC-HANDLING-DEADLINE")
    assert set(v.evidence) == {tr2.id, missed.id}


def test_doc_handling_deadline_not_checked_in_changle() -> None:
    h = History("changle-2022")
    incoming(h)
    _transfer(h, handling="in_remit")
    h.add(IN, "R-1", "completed", "2024-03-20 09:00", by="p-fgj", unit="u-fgj")
    assert h.violations("DOC-HANDLING-DEADLINE") == []


# ==== DOC-OUTGOING-SEQUENCE (dongqu-2012:第九十一条, 第九十四条, 第九十八条) ================


def test_doc_outgoing_sequence_dongqu_full_sequence_passes_with_registration_before_seal() -> None:
    h = History("dongqu-2012")
    draft(h)
    office_reviews(h)
    sign(h, "2024-03-05 15:00")
    after_signing(h)
    assert h.violations("DOC-OUTGOING-SEQUENCE") == []


def test_doc_outgoing_sequence_dongqu_seal_and_registration_may_come_in_either_order() -> None:
    h = History("dongqu-2012")
    draft(h)
    office_reviews(h)
    sign(h, "2024-03-05 15:00")
    after_signing(h, seal_first=True)
    assert h.violations("DOC-OUTGOING-SEQUENCE") == []


def test_doc_outgoing_sequence_dongqu_seal_is_optional() -> None:
    h = History("dongqu-2012")
    draft(h)
    office_reviews(h)
    sign(h, "2024-03-05 15:00")
    for i, name in enumerate(("proofread", "printed", "registered", "distributed")):
        h.add(OUT, "D-1", name, f"2024-03-06 1{i}:00", by="p-sec", unit="u-office")
    assert h.violations("DOC-OUTGOING-SEQUENCE") == []


def test_doc_outgoing_sequence_dongqu_skipped_first_level_review_is_flagged() -> None:
    h2 = History("dongqu-2012")
    d = draft(h2)
    deputy = h2.add(OUT, "D-1", "reviewed", "2024-03-05 10:00", by="p-odd", unit="u-office", level=2)
    h2.add(OUT, "D-1", "reviewed", "2024-03-05 11:00", by="p-od", unit="u-office", level=2)
    [v] = h2.violations("DOC-OUTGOING-SEQUENCE")
    assert v.article == "dongqu-2012:第九十一条, 第九十四条, 第九十八条"
    assert set(v.evidence) == {d.id, deputy.id}
    assert "一级审核" in v.message_zh


def test_doc_outgoing_sequence_dongqu_director_review_without_deputy_is_flagged() -> None:
    h = History("dongqu-2012")
    draft(h)
    h.add(OUT, "D-1", "reviewed", "2024-03-05 09:00", by="p-sec", unit="u-office", level=1)
    h.add(OUT, "D-1", "reviewed", "2024-03-05 11:00", by="p-od", unit="u-office", level=2)
    s = sign(h, "2024-03-05 15:00")
    vs = h.violations("DOC-OUTGOING-SEQUENCE")
    assert [v.detail["step"] for v in vs] == ["review2_deputy"]
    assert s.id not in vs[0].evidence  # the director's review is the first later step


def test_doc_outgoing_sequence_dongqu_signing_before_review_is_out_of_order() -> None:
    h = History("dongqu-2012")
    draft(h)
    s = sign(h, "2024-03-05 08:00")
    reviews = office_reviews(h)
    vs = h.violations("DOC-OUTGOING-SEQUENCE")
    assert {v.detail["step"] for v in vs} == {"review1", "review2_deputy", "review2_director"}
    first = next(v for v in vs if v.detail["step"] == "review1")
    assert set(first.evidence) == {s.id, reviews[0].id}


def test_doc_outgoing_sequence_dongqu_proofreading_after_printing_is_flagged() -> None:
    h = History("dongqu-2012")
    draft(h)
    office_reviews(h)
    sign(h, "2024-03-05 15:00")
    pr = h.add(OUT, "D-1", "printed", "2024-03-06 09:00", by="p-sec", unit="u-office")
    pf = h.add(OUT, "D-1", "proofread", "2024-03-06 10:00", by="p-sec", unit="u-office")
    [v] = h.violations("DOC-OUTGOING-SEQUENCE")
    assert set(v.evidence) == {pr.id, pf.id}


def test_doc_outgoing_sequence_dongqu_several_units_need_joint_review_first() -> None:
    h = History("dongqu-2012")
    d = draft(h, concerned_units=["u-sfj"])
    r1, _, _ = office_reviews(h)
    [v] = h.violations("DOC-OUTGOING-SEQUENCE")
    assert v.detail["step"] == "countersigned"
    assert set(v.evidence) == {d.id, r1.id}

    h2 = History("dongqu-2012")
    draft(h2, concerned_units=["u-sfj"])
    h2.add(OUT, "D-1", "countersigned", "2024-03-04 15:00", by="p-sfj", unit="u-sfj")
    office_reviews(h2)
    assert h2.violations("DOC-OUTGOING-SEQUENCE") == []


def test_doc_outgoing_sequence_dongqu_document_in_progress_owes_nothing_yet() -> None:
    h = History("dongqu-2012")
    draft(h)
    h.add(OUT, "D-1", "reviewed", "2024-03-05 09:00", by="p-sec", unit="u-office", level=1)
    assert h.violations("DOC-OUTGOING-SEQUENCE") == []


def test_doc_outgoing_sequence_not_checked_in_changle() -> None:
    h = History("changle-2022")
    draft(h)
    sign(h, "2024-03-05 15:00")
    h.add(OUT, "D-1", "distributed", "2024-03-06 09:00", by="p-csec", unit="u-office")
    assert h.violations("DOC-OUTGOING-SEQUENCE") == []


# ==== DOC-COUNTERSIGN ======================================================================


def test_doc_countersign_dongqu_concerned_unit_head_missing_before_submission_is_flagged() -> None:
    h = History("dongqu-2012")
    d = draft(h, concerned_units=["u-sfj"])
    sub = h.add(OUT, "D-1", "submitted_to_office", "2024-03-04 15:00", by="p-fgj", unit="u-fgj")
    [v] = h.violations("DOC-COUNTERSIGN")
    assert v.article == "dongqu-2012:第九十三条"
    assert set(v.evidence) == {d.id, sub.id}
    assert v.person == "p-sfj"


def test_doc_countersign_dongqu_countersign_by_the_unit_head_before_submission_passes() -> None:
    h = History("dongqu-2012")
    draft(h, concerned_units=["u-sfj"])
    h.add(OUT, "D-1", "countersigned", "2024-03-04 14:00", by="p-sfj", unit="u-sfj", data={"unit": "u-sfj"})
    h.add(OUT, "D-1", "submitted_to_office", "2024-03-04 15:00", by="p-fgj", unit="u-fgj")
    assert h.violations("DOC-COUNTERSIGN") == []


def test_doc_countersign_dongqu_countersign_after_submission_or_by_a_deputy_is_flagged() -> None:
    h = History("dongqu-2012")
    draft(h, concerned_units=["u-fgj", "u-czj"], unit="u-sfj")
    h.add(OUT, "D-1", "countersigned", "2024-03-04 14:00", by="p-fgjd", unit="u-fgj")  # a deputy
    sub = h.add(OUT, "D-1", "submitted_to_office", "2024-03-04 15:00", by="p-sfj", unit="u-sfj")
    late = h.add(OUT, "D-1", "countersigned", "2024-03-04 16:00", by="p-czj", unit="u-czj")
    vs = {v.detail["unit_concerned"]: v for v in h.violations("DOC-COUNTERSIGN")}
    assert set(vs) == {"u-fgj", "u-czj"}
    assert late.id in vs["u-czj"].evidence and sub.id in vs["u-czj"].evidence


def test_doc_countersign_yiyuan_joint_document_countersigned_before_signing() -> None:
    h = History("yiyuan")
    d = draft(h, concerned_units=["u-sfj"])
    h.add(OUT, "D-1", "submitted_to_office", "2024-03-04 15:00", by="p-fgj", unit="u-fgj")
    h.add(OUT, "D-1", "countersigned", "2024-03-05 09:00", by="p-sfj", unit="u-sfj")
    sign(h, "2024-03-05 15:00")
    assert h.violations("DOC-COUNTERSIGN") == []

    h2 = History("yiyuan")
    d = draft(h2, concerned_units=["u-sfj"])
    s = sign(h2, "2024-03-05 15:00")
    [v] = h2.violations("DOC-COUNTERSIGN")
    assert v.article == "yiyuan:第九条"
    assert set(v.evidence) == {d.id, s.id}


def test_doc_countersign_changle_other_vice_heads_must_countersign() -> None:
    h = History("changle-2022")
    d = draft(h, areas=["发展改革", "司法"])
    h.add(OUT, "D-1", "vetted", "2024-03-05 09:00", by="p-vh1", unit="u-gov")
    s = sign(h, "2024-03-05 15:00")
    [v] = h.violations("DOC-COUNTERSIGN")
    assert v.article == "changle-2022:五十八, 六十(五)"
    assert set(v.evidence) == {d.id, s.id}
    assert v.post == "vh-2" and v.person == "p-vh2"


def test_doc_countersign_changle_with_the_other_vice_heads_countersignature_passes() -> None:
    h = History("changle-2022")
    draft(h, areas=["发展改革", "司法"])
    h.add(OUT, "D-1", "vetted", "2024-03-05 09:00", by="p-vh1", unit="u-gov")
    h.add(OUT, "D-1", "countersigned", "2024-03-05 10:00", by="p-vh2", unit="u-gov", post="vh-2")
    sign(h, "2024-03-05 15:00")
    assert h.violations("DOC-COUNTERSIGN") == []


def test_doc_countersign_changle_single_vice_heads_area_needs_no_countersign() -> None:
    h = History("changle-2022")
    draft(h, areas=["发展改革"])
    h.add(OUT, "D-1", "vetted", "2024-03-05 09:00", by="p-vh1", unit="u-gov")
    sign(h, "2024-03-05 15:00")
    assert h.violations("DOC-COUNTERSIGN") == []


def test_doc_countersign_not_checked_in_standardization() -> None:
    h = History("standardization")
    draft(h, concerned_units=["u-sfj"])
    sign(h, "2024-03-05 15:00")
    assert h.violations("DOC-COUNTERSIGN") == []


# ==== DOC-SIGNING-AUTHORITY ================================================================


def test_doc_signing_authority_changle_normative_document_signed_by_a_vice_head_is_flagged() -> None:
    h = History("changle-2022")
    d = draft(h, normative=True, doc_type="规范性文件")
    s = sign(h, "2024-03-05 15:00", by="p-vh1")
    [v] = h.violations("DOC-SIGNING-AUTHORITY")
    assert v.article == "changle-2022:六十"
    assert set(v.evidence) == {d.id, s.id}
    assert v.person == "p-vh1" and v.post == "vh-1"


def test_doc_signing_authority_changle_other_government_document_vetted_then_signed_by_head_passes() -> None:
    h = History("changle-2022")
    draft(h, areas=["发展改革"])
    h.add(OUT, "D-1", "vetted", "2024-03-05 09:00", by="p-vh1", unit="u-gov")
    sign(h, "2024-03-05 15:00")
    assert h.violations("DOC-SIGNING-AUTHORITY") == []


def test_doc_signing_authority_changle_head_signing_without_vetting_is_flagged() -> None:
    h = History("changle-2022")
    d = draft(h, areas=["发展改革"])
    s = sign(h, "2024-03-05 15:00")
    [v] = h.violations("DOC-SIGNING-AUTHORITY")
    assert set(v.evidence) == {d.id, s.id}
    assert "审签" in v.message_zh


def test_doc_signing_authority_changle_office_documents_by_content() -> None:
    h = History("changle-2022")
    draft(h, "D-1", issuer="office", doc_type="office_routine", unit="u-office")
    sign(h, "2024-03-05 15:00", "D-1", by="p-od")
    draft(h, "D-2", issuer="office", doc_type="office_business", areas=["发展改革"], unit="u-office")
    s2 = sign(h, "2024-03-05 15:00", "D-2", by="p-od")
    [v] = h.violations("DOC-SIGNING-AUTHORITY")
    assert v.case == "D-2" and s2.id in v.evidence


def test_doc_signing_authority_dongqu_government_document_by_the_vice_head_in_charge() -> None:
    h = History("dongqu-2012")
    draft(h, "D-1", areas=["发展改革"])
    sign(h, "2024-03-05 15:00", "D-1", by="p-vh1")
    draft(h, "D-2", areas=["发展改革"])
    s2 = sign(h, "2024-03-05 15:00", "D-2", by="p-vh2")  # not in charge of 发改
    [v] = h.violations("DOC-SIGNING-AUTHORITY")
    assert v.article == "dongqu-2012:第九十五条"
    assert v.case == "D-2" and s2.id in v.evidence


def test_doc_signing_authority_dongqu_delegation_window_covers_the_exec_vice_head() -> None:
    h = History("dongqu-2012")
    h.org(
        "delegated", "2024-02-28", from_post="head", to_post="evh", scope="sign", since="2024-03-01", until="2024-03-10"
    )
    for case, day in (("D-1", "2024-03-10"), ("D-2", "2024-03-11")):
        draft(h, case, doc_type="normative", normative=True, areas=["财政"])
        h.add(OUT, case, "vetted", f"{day} 09:00", by="p-evh", unit="u-gov")
        sign(h, f"{day} 15:00", case, by="p-evh", delegation=True)
    [v] = h.violations("DOC-SIGNING-AUTHORITY")
    assert v.case == "D-2"  # one day after `until`
    assert "书面授权" in v.message_zh


def test_doc_signing_authority_dongqu_claimed_delegation_without_record_is_flagged() -> None:
    h = History("dongqu-2012")
    d = draft(h, doc_type="上报请示", areas=["财政"])
    s = sign(h, "2024-03-05 15:00", by="p-evh", delegation=True)
    [v] = h.violations("DOC-SIGNING-AUTHORITY")
    assert set(v.evidence) == {d.id, s.id}


def test_doc_signing_authority_dongqu_head_level_document_needs_the_vice_head_in_charge_first() -> None:
    h = History("dongqu-2012")
    draft(h, doc_type="上报请示", areas=["发展改革"])
    h.add(OUT, "D-1", "vetted", "2024-03-05 09:00", by="p-vh1", unit="u-gov")
    sign(h, "2024-03-05 15:00")
    assert h.violations("DOC-SIGNING-AUTHORITY") == []


def test_doc_signing_authority_yiyuan_office_director_signs_office_documents_not_reports_upward() -> None:
    h = History("yiyuan")
    draft(h, "D-1", issuer="office", unit="u-office")
    sign(h, "2024-03-05 15:00", "D-1", by="p-od")
    draft(h, "D-2", doc_type="report_to_higher", areas=["发展改革"])
    s2 = sign(h, "2024-03-05 15:00", "D-2", by="p-vh1")
    [v] = h.violations("DOC-SIGNING-AUTHORITY")
    assert v.article == "yiyuan:第九条"
    assert v.case == "D-2" and s2.id in v.evidence


def test_doc_signing_authority_signer_is_read_at_the_signing_time() -> None:
    h = History("changle-2022")
    h.org("relieved", "2024-03-01", person="p-head", post="head")
    h.org("appointed", "2024-03-01", person="p-vh2", post="head")
    draft(h, "D-1", normative=True)
    sign(h, "2024-03-05 15:00", "D-1", by="p-vh2")  # now the head
    draft(h, "D-2", normative=True)
    s2 = sign(h, "2024-03-05 15:00", "D-2", by="p-head")  # no longer the head
    [v] = h.violations("DOC-SIGNING-AUTHORITY")
    assert v.case == "D-2" and s2.id in v.evidence


def test_doc_signing_authority_not_checked_in_standardization() -> None:
    h = History("standardization")
    draft(h, normative=True)
    sign(h, "2024-03-05 15:00", by="p-staff")
    assert h.violations("DOC-SIGNING-AUTHORITY") == []


# ==== DOC-APPROVAL-COMPLETE ================================================================


def test_doc_approval_complete_changle_circle_mark_on_a_request_is_flagged() -> None:
    h = History("changle-2022")
    incoming(h, doc_type="请示", has_request=True)
    so = signed_off(h, "2024-03-04 15:00", opinion="圈阅", date=None)
    [v] = h.violations("DOC-APPROVAL-COMPLETE")
    assert v.article == "changle-2022:五十五"
    assert v.evidence == (so.id,)
    assert "明确意见" in v.message_zh and "日期" in v.message_zh


def test_doc_approval_complete_changle_opinion_name_and_date_pass() -> None:
    h = History("changle-2022")
    incoming(h, doc_type="请示")
    signed_off(h, "2024-03-04 15:00")
    assert h.violations("DOC-APPROVAL-COMPLETE") == []


def test_doc_approval_complete_changle_report_may_just_be_circled() -> None:
    h = History("changle-2022")
    incoming(h, doc_type="报告", has_request=False)
    signed_off(h, "2024-03-04 15:00", opinion="圈阅", name=None, date=None)
    assert h.violations("DOC-APPROVAL-COMPLETE") == []


def test_doc_approval_complete_yiyuan_signature_without_name_and_date_is_flagged() -> None:
    h = History("yiyuan")
    draft(h)
    s = sign(h, "2024-03-05 15:00", name=None, date=None)
    [v] = h.violations("DOC-APPROVAL-COMPLETE")
    assert v.article == "yiyuan:第九条"
    assert v.evidence == (s.id,)


def test_doc_approval_complete_not_checked_in_dongqu() -> None:
    h = History("dongqu-2012")
    incoming(h, doc_type="请示")
    signed_off(h, "2024-03-04 15:00", opinion="圈阅", name=None, date=None)
    assert h.violations("DOC-APPROVAL-COMPLETE") == []


# ==== DOC-LEGALITY-REVIEW ==================================================================


def test_doc_legality_review_changle_normative_document_without_review_is_flagged() -> None:
    h = History("changle-2022")
    d = draft(h, normative=True)
    s = sign(h, "2024-03-05 15:00")
    [v] = h.violations("DOC-LEGALITY-REVIEW")
    assert v.article == "changle-2022:二十, 五十八"
    assert set(v.evidence) == {d.id, s.id}


def test_doc_legality_review_changle_reviewed_before_signing_passes() -> None:
    h = History("changle-2022")
    draft(h, normative=True)
    h.add(OUT, "D-1", "legality_reviewed", "2024-03-04 15:00", by="p-sfj", unit="u-sfj")
    sign(h, "2024-03-05 15:00")
    assert h.violations("DOC-LEGALITY-REVIEW") == []


def test_doc_legality_review_changle_market_related_needs_fair_competition_review() -> None:
    h = History("changle-2022")
    draft(h, normative=True, market_related=True)
    h.add(OUT, "D-1", "legality_reviewed", "2024-03-04 15:00", by="p-sfj", unit="u-sfj")
    s = sign(h, "2024-03-05 15:00")
    [v] = h.violations("DOC-LEGALITY-REVIEW")
    assert v.detail == {} or "公平竞争" in v.message_zh
    assert s.id in v.evidence
    h.add(OUT, "D-1", "fair_competition_reviewed", "2024-03-05 10:00", by="p-fgj", unit="u-fgj")
    assert h.violations("DOC-LEGALITY-REVIEW") == []


def test_doc_legality_review_dongqu_needs_legal_office_and_policy_research_review() -> None:
    h = History("dongqu-2012")
    draft(h, normative=True)
    h.add(OUT, "D-1", "legality_reviewed", "2024-03-04 15:00", by="p-sfj", unit="u-sfj")
    s = sign(h, "2024-03-05 15:00")
    [v] = h.violations("DOC-LEGALITY-REVIEW")
    assert v.article == "dongqu-2012:第二十四条, 第九十四条"
    assert "政策研究" in v.message_zh and s.id in v.evidence
    h.add(OUT, "D-1", "legality_reviewed", "2024-03-05 09:00", by="p-zcyj", unit="u-zcyj")
    assert h.violations("DOC-LEGALITY-REVIEW") == []


def test_doc_legality_review_dongqu_review_after_signing_is_flagged() -> None:
    h = History("dongqu-2012")
    d = draft(h, normative=True)
    h.add(OUT, "D-1", "legality_reviewed", "2024-03-04 15:00", by="p-zcyj", unit="u-zcyj", body="policy_research")
    s = sign(h, "2024-03-05 15:00")
    late = h.add(OUT, "D-1", "legality_reviewed", "2024-03-06 09:00", by="p-sfj", unit="u-sfj", body="legal")
    [v] = h.violations("DOC-LEGALITY-REVIEW")
    assert set(v.evidence) == {d.id, s.id, late.id}


def test_doc_legality_review_not_checked_in_yiyuan() -> None:
    h = History("yiyuan")
    draft(h, normative=True)
    sign(h, "2024-03-05 15:00")
    assert h.violations("DOC-LEGALITY-REVIEW") == []


# ==== DOC-ANNUAL-CAP (changle-2022:五十六) ==================================================


def _normative(h: History, case: str, day: str, issuer: str = "government", **data: Any) -> Act:
    draft(h, case, f"{day} 09:00", normative=True, issuer=issuer, **data)
    return sign(h, f"{day} 15:00", case)


def test_doc_annual_cap_changle_sixth_government_normative_document_is_flagged() -> None:
    h = History("changle-2022")
    signs = [_normative(h, f"D-{i}", f"2024-0{i}-05") for i in range(1, 7)]
    [v] = h.violations("DOC-ANNUAL-CAP")
    assert v.article == "changle-2022:五十六"
    assert v.case == "D-6"
    assert set(v.evidence) == {s.id for s in signs}


def test_doc_annual_cap_changle_higher_level_implementations_and_other_years_do_not_count() -> None:
    h = History("changle-2022")
    for i in range(1, 6):
        _normative(h, f"D-{i}", f"2024-0{i}-05")
    _normative(h, "D-6", "2024-07-05", implements_higher=True)
    _normative(h, "D-7", "2025-01-06")
    assert h.violations("DOC-ANNUAL-CAP") == []


def test_doc_annual_cap_changle_office_has_its_own_cap_of_ten() -> None:
    h = History("changle-2022")
    for i in range(1, 11):
        _normative(h, f"O-{i}", f"2024-{i:02d}-08", issuer="office")
    assert h.violations("DOC-ANNUAL-CAP") == []
    _normative(h, "O-11", "2024-11-11", issuer="office")
    [v] = h.violations("DOC-ANNUAL-CAP")
    assert v.case == "O-11"


def test_doc_annual_cap_not_checked_in_dongqu() -> None:
    h = History("dongqu-2012")
    for i in range(1, 8):
        _normative(h, f"D-{i}", f"2024-0{i}-05")
    assert h.violations("DOC-ANNUAL-CAP") == []


# ==== DOC-ADVANCE-SUBMISSION (changle-2022:五十九) ==========================================


def test_doc_advance_submission_changle_three_working_days_before_the_deadline() -> None:
    # Deadline Friday 2024-03-15: submission by Monday 03-11 passes, Tuesday 03-12 is late.
    h = History("changle-2022")
    draft(h, deadline="2024-03-15T17:00:00+08:00")
    h.add(OUT, "D-1", "submitted_to_office", "2024-03-11 16:00", by="p-fgj", unit="u-fgj")
    assert h.violations("DOC-ADVANCE-SUBMISSION") == []

    h2 = History("changle-2022")
    d = draft(h2, deadline="2024-03-15T17:00:00+08:00")
    sub = h2.add(OUT, "D-1", "submitted_to_office", "2024-03-12 09:00", by="p-fgj", unit="u-fgj")
    [v] = h2.violations("DOC-ADVANCE-SUBMISSION")
    assert v.article == "changle-2022:五十九"
    assert set(v.evidence) == {d.id, sub.id}


def test_doc_advance_submission_changle_urgent_needs_two_working_days() -> None:
    h = History("changle-2022")
    draft(h, deadline="2024-03-15T17:00:00+08:00", urgent=True)
    h.add(OUT, "D-1", "submitted_to_office", "2024-03-12 16:00", by="p-fgj", unit="u-fgj")
    assert h.violations("DOC-ADVANCE-SUBMISSION") == []

    h2 = History("changle-2022")
    draft(h2, deadline="2024-03-15T17:00:00+08:00", urgent=True)
    h2.add(OUT, "D-1", "submitted_to_office", "2024-03-13 09:00", by="p-fgj", unit="u-fgj")
    assert len(h2.violations("DOC-ADVANCE-SUBMISSION")) == 1


def test_doc_advance_submission_changle_missing_submission_is_recorded_by_the_clock() -> None:
    h = History("changle-2022")
    d = draft(h, deadline="2024-03-15T17:00:00+08:00")
    assert tick(h, "2024-03-11 20:00", "DOC-ADVANCE-SUBMISSION") == []
    [missed] = tick(h, "2024-03-12 08:00", "DOC-ADVANCE-SUBMISSION")
    [v] = h.violations("DOC-ADVANCE-SUBMISSION")
    assert set(v.evidence) == {d.id, missed.id}


def test_doc_advance_submission_not_checked_in_dongqu() -> None:
    h = History("dongqu-2012")
    draft(h, deadline="2024-03-15T17:00:00+08:00")
    h.add(OUT, "D-1", "submitted_to_office", "2024-03-14 09:00", by="p-fgj", unit="u-fgj")
    assert h.violations("DOC-ADVANCE-SUBMISSION") == []


# ==== DOC-SEAL-APPROVAL ====================================================================


def _seal(h: History, at: str = "2024-03-06 11:00", unit: str = "u-office", **data: Any) -> Act:
    data.setdefault("seal", "unit")
    return h.add(OUT, "D-1", "sealed", at, by="p-csec", unit=unit, **data)


def test_doc_seal_approval_changle_seal_approved_by_office_director_passes() -> None:
    h = History("changle-2022")
    draft(h)
    sign(h, "2024-03-05 15:00")
    _seal(h, approved_by="p-od")
    assert h.violations("DOC-SEAL-APPROVAL") == []


def test_doc_seal_approval_changle_seal_approved_by_a_department_head_is_flagged() -> None:
    h = History("changle-2022")
    draft(h)
    sign(h, "2024-03-05 15:00")
    s = _seal(h, approved_by="p-fgj")
    [v] = h.violations("DOC-SEAL-APPROVAL")
    assert v.article == "changle-2022:六十三"
    assert v.evidence == (s.id,)


def test_doc_seal_approval_changle_head_personal_seal_needs_head_or_authorized_director() -> None:
    h = History("changle-2022")
    draft(h)
    sign(h, "2024-03-05 15:00")
    s = _seal(h, seal="head_personal", approved_by="p-od")
    [v] = h.violations("DOC-SEAL-APPROVAL")
    assert v.evidence == (s.id,)
    h.org("delegated", "2024-03-01", from_post="head", to_post="od", scope="sign", since="2024-03-01")
    assert h.violations("DOC-SEAL-APPROVAL") == []


def test_doc_seal_approval_changle_seal_before_signing_is_flagged() -> None:
    h = History("changle-2022")
    d = draft(h)
    s = _seal(h, "2024-03-05 11:00", approved_by="p-od")
    sign(h, "2024-03-05 15:00")
    [v] = h.violations("DOC-SEAL-APPROVAL")
    assert set(v.evidence) == {d.id, s.id}


def test_doc_seal_approval_dongqu_seal_only_after_registration() -> None:
    h = History("dongqu-2012")
    draft(h)
    sign(h, "2024-03-05 15:00")
    s = _seal(h, "2024-03-06 10:00")
    reg = h.add(OUT, "D-1", "registered", "2024-03-06 11:00", by="p-csec", unit="u-office")
    [v] = h.violations("DOC-SEAL-APPROVAL")
    assert v.article == "dongqu-2012:第九十八条"
    assert set(v.evidence) == {s.id, reg.id}


def test_doc_seal_approval_dongqu_signed_by_head_and_registered_passes() -> None:
    h = History("dongqu-2012")
    draft(h)
    sign(h, "2024-03-05 15:00")
    h.add(OUT, "D-1", "registered", "2024-03-06 09:00", by="p-csec", unit="u-office")
    _seal(h, "2024-03-06 10:00")
    assert h.violations("DOC-SEAL-APPROVAL") == []


def test_doc_seal_approval_dongqu_document_signed_by_a_department_head_is_flagged() -> None:
    h = History("dongqu-2012")
    draft(h)
    sign(h, "2024-03-05 15:00", by="p-fgj")
    h.add(OUT, "D-1", "registered", "2024-03-06 09:00", by="p-csec", unit="u-office")
    s = _seal(h, "2024-03-06 10:00")
    [v] = h.violations("DOC-SEAL-APPROVAL")
    assert s.id in v.evidence


def test_doc_seal_approval_standardization_unit_principal_head_approves() -> None:
    h = History("standardization")
    draft(h, issuer="u-fgj")
    sign(h, "2024-03-05 15:00", by="p-fgj")
    _seal(h, unit="u-fgj", approved_by="p-fgj")
    assert h.violations("DOC-SEAL-APPROVAL") == []

    h2 = History("standardization")
    draft(h2, issuer="u-fgj")
    sign(h2, "2024-03-05 15:00", by="p-fgj")
    s = _seal(h2, unit="u-fgj", approved_by="p-fgjd")
    [v] = h2.violations("DOC-SEAL-APPROVAL")
    assert v.article == "standardization:篇四(三)4"
    assert v.evidence == (s.id,)


def test_doc_seal_approval_not_checked_in_yiyuan() -> None:
    h = History("yiyuan")
    draft(h)
    _seal(h, approved_by="p-staff")
    assert h.violations("DOC-SEAL-APPROVAL") == []


# ==== DOC-CLASSIFIED-DESTRUCTION (dongqu-2012:第九十条, 第九十八条) =========================


def _destroy(h: History, kind: str = IN, case: str = "R-1", **data: Any) -> Act:
    data.setdefault("approved_by", "p-od")
    return h.add(kind, case, "destroyed", "2024-06-03 10:00", by="p-csec", unit="u-office", **data)


def test_doc_classified_destruction_dongqu_single_witness_is_flagged() -> None:
    h = History("dongqu-2012")
    incoming(h, classification="机密")
    d = _destroy(h, witnesses=["p-csec"])
    [v] = h.violations("DOC-CLASSIFIED-DESTRUCTION")
    assert v.article == "dongqu-2012:第九十条, 第九十八条"
    assert v.evidence == (d.id,)
    assert v.detail["witnesses"] == 1


def test_doc_classified_destruction_dongqu_two_witnesses_with_director_approval_passes() -> None:
    h = History("dongqu-2012")
    incoming(h, classification="秘密")
    _destroy(h, witnesses=["p-csec", "p-sec"])
    assert h.violations("DOC-CLASSIFIED-DESTRUCTION") == []


def test_doc_classified_destruction_dongqu_approval_by_the_deputy_director_is_flagged() -> None:
    h = History("dongqu-2012")
    draft(h, classification="绝密")
    d = _destroy(h, OUT, "D-1", witnesses=["p-csec", "p-sec"], approved_by="p-odd")
    [v] = h.violations("DOC-CLASSIFIED-DESTRUCTION")
    assert v.evidence == (d.id,)
    assert "办公室主任" in v.message_zh


def test_doc_classified_destruction_dongqu_unregistered_destruction_is_flagged() -> None:
    h = History("dongqu-2012")
    incoming(h)
    d = _destroy(h, classified=True, witnesses=["p-csec", "p-sec"], registered=False)
    [v] = h.violations("DOC-CLASSIFIED-DESTRUCTION")
    assert v.evidence == (d.id,) and "登记" in v.message_zh


def test_doc_classified_destruction_dongqu_unclassified_document_needs_no_witnesses() -> None:
    h = History("dongqu-2012")
    incoming(h)
    _destroy(h, witnesses=[])
    assert h.violations("DOC-CLASSIFIED-DESTRUCTION") == []


def test_doc_classified_destruction_not_checked_in_changle() -> None:
    h = History("changle-2022")
    incoming(h, classification="机密")
    _destroy(h, witnesses=[], approved_by="p-staff")
    assert h.violations("DOC-CLASSIFIED-DESTRUCTION") == []


# ==== DOC-DIRECTIVE-DOWNWARD (changle-2022:六十一) ==========================================


def test_doc_directive_downward_changle_department_directive_without_approval_is_flagged() -> None:
    h = History("changle-2022")
    d = draft(h, issuer="u-fgj", directive_to_lower=True)
    dist = h.add(OUT, "D-1", "distributed", "2024-03-05 10:00", by="p-fgj", unit="u-fgj", to=["u-town1"])
    [v] = h.violations("DOC-DIRECTIVE-DOWNWARD")
    assert v.article == "changle-2022:六十一"
    assert set(v.evidence) == {d.id, dist.id}


def test_doc_directive_downward_changle_with_government_approval_passes() -> None:
    h = History("changle-2022")
    draft(h, issuer="u-fgj", directive_to_lower=True)
    h.add(OUT, "D-1", "government_approved", "2024-03-04 16:00", by="p-vh1", unit="u-gov")
    sign(h, "2024-03-05 09:00", by="p-fgj")
    h.add(OUT, "D-1", "distributed", "2024-03-05 10:00", by="p-fgj", unit="u-fgj", to=["u-town1"])
    assert h.violations("DOC-DIRECTIVE-DOWNWARD") == []


def test_doc_directive_downward_changle_internal_division_issuing_externally_is_flagged() -> None:
    h = History("changle-2022")
    d = draft(h, unit="u-fgj-div", issuer="u-fgj-div")
    s = sign(h, "2024-03-05 09:00", by="p-div")
    [v] = h.violations("DOC-DIRECTIVE-DOWNWARD")
    assert set(v.evidence) == {d.id, s.id}
    assert "内设机构" in v.message_zh


def test_doc_directive_downward_not_checked_in_dongqu() -> None:
    h = History("dongqu-2012")
    draft(h, issuer="u-fgj", directive_to_lower=True)
    h.add(OUT, "D-1", "distributed", "2024-03-05 10:00", by="p-fgj", unit="u-fgj", to=["u-town1"])
    assert h.violations("DOC-DIRECTIVE-DOWNWARD") == []


def test_doc_directive_downward_changle_issuer_department_directive_without_approval_is_flagged() -> None:
    # issuer: department — a unit type word of the contract, not a unit id.
    h = History("changle-2022")
    d = draft(h, issuer="department", directive_to_lower=True)
    dist = h.add(OUT, "D-1", "distributed", "2024-03-05 10:00", by="p-fgj", unit="u-fgj", to=["u-town1"])
    [v] = h.violations("DOC-DIRECTIVE-DOWNWARD")
    assert set(v.evidence) == {d.id, dist.id}
    assert h.unjudged() == []


def test_doc_directive_downward_changle_unknown_issuer_is_read_as_the_drafting_units_type() -> None:
    h = History("changle-2022")
    draft(h, issuer="发改局机关", directive_to_lower=True)  # no such word: the drafting unit (a department) issues
    h.add(OUT, "D-1", "distributed", "2024-03-05 10:00", by="p-fgj", unit="u-fgj", to=["u-town1"])
    assert len(h.violations("DOC-DIRECTIVE-DOWNWARD")) == 1


# ==== no rule skips an act silently (unknown values) =======================================


def test_doc_signing_authority_changle_chinese_issuer_word_reads_as_the_government() -> None:
    h = History("changle-2022")
    d = draft(h, issuer="县政府", doc_type="规范性文件")
    s = sign(h, "2024-03-05 15:00", by="p-vh1")
    [v] = h.violations("DOC-SIGNING-AUTHORITY")
    assert set(v.evidence) == {d.id, s.id}


def test_doc_signing_authority_changle_unknown_doc_type_signed_by_nobody_allowed_in_any_row_is_flagged() -> None:
    h = History("changle-2022")
    d = draft(h, doc_type="某种新文种")
    s = sign(h, "2024-03-05 15:00", by="p-fgj")  # a department head: no row of the government's table allows it
    [v] = h.violations("DOC-SIGNING-AUTHORITY")
    assert set(v.evidence) == {d.id, s.id}
    assert v.detail["category"] == "unknown"
    assert h.unjudged("DOC-SIGNING-AUTHORITY") == []


def test_doc_signing_authority_dongqu_unknown_doc_type_where_the_rows_disagree_is_reported_not_judged() -> None:
    # dongqu 第九十五条: the vice head in charge signs ordinary government documents, the head
    # those of (一)1-7 — which row applies cannot be told from an unknown doc_type.
    h = History("dongqu-2012")
    d = draft(h, areas=["发展改革"], doc_type="某种新文种")
    sign(h, "2024-03-05 15:00", by="p-vh1")
    assert h.violations("DOC-SIGNING-AUTHORITY") == []
    [u] = h.unjudged("DOC-SIGNING-AUTHORITY")
    assert (u.act, u.field, u.value, u.pack) == (d.id, "data.doc_type", "某种新文种", "dongqu-2012")
    assert u.rule == "DOC-SIGNING-AUTHORITY" and "签发权限" in u.reason_zh


def test_doc_signing_authority_changle_general_document_type_takes_the_other_row() -> None:
    h = History("changle-2022")
    draft(h, areas=["发展改革"], doc_type="函")
    h.add(OUT, "D-1", "vetted", "2024-03-05 09:00", by="p-vh1", unit="u-gov")
    sign(h, "2024-03-05 15:00")
    assert h.violations("DOC-SIGNING-AUTHORITY") == [] and h.unjudged() == []


def test_doc_countersign_changle_issuer_in_chinese_is_the_government() -> None:
    h = History("changle-2022")
    draft(h, issuer="县人民政府", areas=["发展改革", "司法"])
    h.add(OUT, "D-1", "vetted", "2024-03-05 09:00", by="p-vh1", unit="u-gov")
    sign(h, "2024-03-05 15:00")
    [v] = h.violations("DOC-COUNTERSIGN")
    assert v.post == "vh-2"


def test_doc_legality_review_changle_unknown_doc_type_without_normative_flag_is_reported_not_judged() -> None:
    h = History("changle-2022")
    d = draft(h, doc_type="管理办法（试行）")
    sign(h, "2024-03-05 15:00")
    assert h.violations("DOC-LEGALITY-REVIEW") == []
    [u] = h.unjudged("DOC-LEGALITY-REVIEW")
    assert (u.act, u.field) == (d.id, "data.doc_type")


def test_doc_legality_review_dongqu_review_by_an_unknown_body_is_reported_not_judged() -> None:
    h = History("dongqu-2012")
    draft(h, normative=True, doc_type="规范性文件")
    h.add(OUT, "D-1", "legality_reviewed", "2024-03-04 15:00", by="p-sfj", unit="u-sfj", body="司法局")
    r = h.add(OUT, "D-1", "legality_reviewed", "2024-03-04 16:00", by="p-zcyj", unit="u-gov", body="研究中心")
    sign(h, "2024-03-05 15:00")
    assert h.violations("DOC-LEGALITY-REVIEW") == []  # 司法局 reads as legal; 研究中心 may be policy research
    [u] = h.unjudged("DOC-LEGALITY-REVIEW")
    assert (u.act, u.field, u.value) == (r.id, "data.body", "研究中心")


def test_doc_annual_cap_changle_unknown_doc_type_is_reported_not_judged() -> None:
    h = History("changle-2022")
    for i in range(1, 6):
        _normative(h, f"D-{i}", f"2024-0{i}-05")
    d = draft(h, "D-6", "2024-07-05 09:00", doc_type="暂行规定")
    sign(h, "2024-07-05 15:00", "D-6")
    assert h.violations("DOC-ANNUAL-CAP") == []
    assert [u.act for u in h.unjudged("DOC-ANNUAL-CAP")] == [d.id]


def test_doc_annual_cap_changle_issuer_office_in_chinese_counts_for_the_office() -> None:
    h = History("changle-2022")
    for i in range(1, 12):
        _normative(h, f"O-{i}", f"2024-{i:02d}-08", issuer="县政府办公室")
    [v] = h.violations("DOC-ANNUAL-CAP")
    assert v.case == "O-11"


def test_doc_seal_approval_changle_unknown_seal_word_is_judged_when_both_readings_agree() -> None:
    h = History("changle-2022")
    draft(h)
    sign(h, "2024-03-05 15:00")
    h.add(OUT, "D-1", "sealed", "2024-03-06 09:00", by="p-csec", unit="u-office", seal="钢印", approved_by="p-head")
    assert h.violations("DOC-SEAL-APPROVAL") == [] and h.unjudged("DOC-SEAL-APPROVAL") == []


def test_doc_seal_approval_changle_unknown_seal_word_where_the_readings_differ_is_reported_not_judged() -> None:
    # 县政府印章: head, vice head or office director; 县长印章: the head (or the delegated director).
    h = History("changle-2022")
    draft(h)
    sign(h, "2024-03-05 15:00")
    s = h.add(OUT, "D-1", "sealed", "2024-03-06 09:00", by="p-csec", unit="u-office", seal="名章", approved_by="p-vh1")
    assert h.violations("DOC-SEAL-APPROVAL") == []
    [u] = h.unjudged("DOC-SEAL-APPROVAL")
    assert (u.act, u.field, u.value) == (s.id, "data.seal", "名章")


def test_doc_seal_approval_changle_chinese_personal_seal_word_reads_as_the_heads_seal() -> None:
    h = History("changle-2022")
    draft(h)
    sign(h, "2024-03-05 15:00")
    h.add(OUT, "D-1", "sealed", "2024-03-06 09:00", by="p-csec", unit="u-office", seal="县长名章", approved_by="p-vh1")
    [v] = h.violations("DOC-SEAL-APPROVAL")
    assert "个人印章" in v.message_zh


def destroyed_with_one_witness(h: History) -> Act:
    """R-1 destroyed with the office director's approval and one witness."""
    return h.add(
        IN,
        "R-1",
        "destroyed",
        "2024-05-04 09:00",
        by="p-csec",
        unit="u-office",
        approved_by="p-od",
        witnesses=["p-sec"],
    )


def test_doc_classified_destruction_dongqu_unknown_classification_is_reported_not_judged() -> None:
    h = History("dongqu-2012")
    r = incoming(h, classification="限国内")
    destroyed_with_one_witness(h)
    assert h.violations("DOC-CLASSIFIED-DESTRUCTION") == []
    [u] = h.unjudged("DOC-CLASSIFIED-DESTRUCTION")
    assert (u.act, u.field, u.value) == (r.id, "data.classification", "限国内")


def test_doc_classified_destruction_dongqu_internal_document_is_not_classified() -> None:
    h = History("dongqu-2012")
    incoming(h, classification="内部")
    destroyed_with_one_witness(h)
    assert h.violations("DOC-CLASSIFIED-DESTRUCTION") == [] and h.unjudged() == []


# ==== robustness ===========================================================================


def test_doc_rules_never_crash_on_odd_cases() -> None:
    for pack in ("dongqu-2012", "changle-2022", "yiyuan", "standardization"):
        h = History(pack)
        # acts without the ones that open the case, unknown addressees, out of order
        h.add(IN, "R-9", "signed_off", "2024-03-04 09:00", by="p-head", unit="u-gov")
        h.add(IN, "R-9", "submitted_for_signoff", "2024-03-04 10:00", by="p-sec", unit="u-office", to="nobody")
        h.add(IN, "R-9", "destroyed", "2024-03-05 10:00", by="p-csec", unit="u-office")
        h.add(OUT, "D-9", "sealed", "2024-03-04 09:00", by="p-csec", unit="u-office")
        h.add(OUT, "D-9", "signed", "2024-03-04 10:00", by="p-staff", unit="u-fgj")
        h.add(OUT, "D-9", "drafted", "2024-03-05 10:00", by="p-staff", unit="u-fgj", doc_type="??", issuer="u-nowhere")
        h.tick("2024-04-01 00:00")
        h.all_violations()

"""DEC — 重大决策: one test per clause, named after the rule.

County decisions are made on behalf of u-gov (by p-head); department decisions on behalf of
u-fgj (by p-fgj).
"""

from __future__ import annotations

from typing import Any

from domain.acts import Act
from tests.rules.history import History

CHANGLE_STEPS = ("public_participation", "expert_review", "risk_assessment", "legality_review")
DONGQU_STEPS = ("public_participation", "expert_review", "risk_assessment")


def _propose(h: History, case: str = "D-1", *, unit: str = "u-gov", by: str = "p-head", **flags: Any) -> Act:
    return h.add("decision", case, "proposed", "2024-03-01 09:00", by=by, unit=unit, title="城区供水改造", **flags)


def _steps(h: History, case: str, steps: tuple[str, ...], *, at: str = "2024-03-10 09:00", unit: str = "u-gov") -> None:
    for s in steps:
        h.add("decision", case, "step_done", at, by="p-staff", unit=unit, step=s)


def _decide(h: History, case: str = "D-1", *, unit: str = "u-gov", by: str = "p-head", **data: Any) -> Act:
    return h.add("decision", case, "decided", "2024-03-20 10:00", by=by, unit=unit, **data)


# ---- DEC-STATUTORY-STEPS -----------------------------------------------------------------


def test_dec_statutory_steps_changle_decision_without_risk_assessment_is_flagged() -> None:
    h = History("changle-2022")
    p = _propose(h)
    _steps(h, "D-1", ("public_participation", "expert_review", "legality_review"))
    d = _decide(h, meeting_case="M-1", meeting_type="executive")
    [v] = h.violations("DEC-STATUTORY-STEPS")
    assert v.article == "changle-2022:二十六, 二十七"
    assert set(v.evidence) == {p.id, d.id}
    assert v.detail["missing"] == ["risk_assessment"] and "风险评估" in v.message_zh


def test_dec_statutory_steps_changle_all_steps_and_an_executive_meeting_pass() -> None:
    h = History("changle-2022")
    _propose(h)
    _steps(h, "D-1", CHANGLE_STEPS)
    _decide(h, meeting_case="M-1", meeting_type="executive")
    assert h.violations("DEC-STATUTORY-STEPS") == []


def test_dec_statutory_steps_changle_step_done_only_after_the_decision_does_not_count() -> None:
    h = History("changle-2022")
    p = _propose(h)
    _steps(h, "D-1", ("public_participation", "expert_review", "risk_assessment"))
    d = _decide(h, meeting_case="M-1")
    late = h.add("decision", "D-1", "step_done", "2024-03-25 09:00", by="p-sfj", unit="u-sfj", step="legality_review")
    [v] = h.violations("DEC-STATUTORY-STEPS")
    assert set(v.evidence) == {p.id, d.id, late.id}
    assert "决策后才补" in v.message_zh


def test_dec_statutory_steps_changle_decision_at_a_head_office_meeting_is_flagged() -> None:
    # 二十七: 由县政府全体会议或常务会议讨论决定.
    h = History("changle-2022")
    _propose(h)
    _steps(h, "D-1", CHANGLE_STEPS)
    _decide(h, meeting_case="M-1", meeting_type="head_office")
    [v] = h.violations("DEC-STATUTORY-STEPS")
    assert v.detail["missing"] == ["collective"] and "县长办公会议" in v.message_zh


def test_dec_statutory_steps_changle_decision_with_no_meeting_is_flagged() -> None:
    h = History("changle-2022")
    _propose(h)
    _steps(h, "D-1", CHANGLE_STEPS)
    _decide(h)
    [v] = h.violations("DEC-STATUTORY-STEPS")
    assert v.detail["missing"] == ["collective"]


def test_dec_statutory_steps_changle_department_decided_by_its_leadership_passes() -> None:
    h = History("changle-2022")
    _propose(h, unit="u-fgj", by="p-fgj")
    _steps(h, "D-1", (*CHANGLE_STEPS, "leadership_collective"), unit="u-fgj")
    _decide(h, unit="u-fgj", by="p-fgj")
    assert h.violations("DEC-STATUTORY-STEPS") == []


def test_dec_statutory_steps_dongqu_decision_without_expert_review_is_flagged() -> None:
    h = History("dongqu-2012")
    p = _propose(h)
    _steps(h, "D-1", ("public_participation", "risk_assessment"))
    d = _decide(h, meeting_case="M-1", meeting_type="plenary")
    [v] = h.violations("DEC-STATUTORY-STEPS")
    assert v.article == "dongqu-2012:第十五至二十一条"
    assert set(v.evidence) == {p.id, d.id}
    assert v.detail["missing"] == ["expert_review"]


def test_dec_statutory_steps_dongqu_all_steps_pass_without_legality_review() -> None:
    # dongqu's legal review is 第十九条 (DEC-PROFESSIONAL-REVIEW), not repeated here.
    h = History("dongqu-2012")
    _propose(h)
    _steps(h, "D-1", DONGQU_STEPS)
    _decide(h, meeting_case="M-1", meeting_type="plenary")
    assert h.violations("DEC-STATUTORY-STEPS") == []


def test_dec_statutory_steps_dongqu_department_without_leadership_meeting_is_flagged() -> None:
    # 第二十一条: 部门重大事项需经部门领导班子会议集体研究决定.
    h = History("dongqu-2012")
    _propose(h, unit="u-fgj", by="p-fgj")
    _steps(h, "D-1", DONGQU_STEPS, unit="u-fgj")
    _decide(h, unit="u-fgj", by="p-fgj")
    [v] = h.violations("DEC-STATUTORY-STEPS")
    assert v.detail["missing"] == ["collective"]


def test_dec_statutory_steps_yiyuan_county_decision_without_a_meeting_is_flagged() -> None:
    h = History("yiyuan")
    p = _propose(h)
    d = _decide(h)
    [v] = h.violations("DEC-STATUTORY-STEPS")
    assert v.article == "yiyuan:第八条"
    assert set(v.evidence) == {p.id, d.id}
    assert v.detail["missing"] == ["collective"]


def test_dec_statutory_steps_yiyuan_any_meeting_is_collective_enough() -> None:
    # 第八条: 县长办公会议、县政府常务会议或其他会议研究决定.
    h = History("yiyuan")
    _propose(h)
    _decide(h, meeting_case="M-1", meeting_type="head_office")
    assert h.violations("DEC-STATUTORY-STEPS") == []


def test_dec_statutory_steps_yiyuan_department_decision_is_left_to_dec_department_major() -> None:
    h = History("yiyuan")
    _propose(h, unit="u-fgj", by="p-fgj")
    _decide(h, unit="u-fgj", by="p-fgj")
    assert h.violations("DEC-STATUTORY-STEPS") == []
    assert len(h.violations("DEC-DEPARTMENT-MAJOR")) == 1


def test_dec_statutory_steps_undecided_proposal_is_not_checked() -> None:
    h = History("changle-2022")
    _propose(h)
    assert h.violations("DEC-STATUTORY-STEPS") == []


def test_dec_statutory_steps_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("standardization")
    _propose(h)
    _decide(h)
    assert h.violations("DEC-STATUTORY-STEPS") == []


# ---- DEC-PROFESSIONAL-REVIEW -------------------------------------------------------------


def test_dec_professional_review_dongqu_public_funds_and_law_without_legal_opinion_is_flagged() -> None:
    h = History("dongqu-2012")
    p = _propose(h, uses_public_funds=True, touches_law=True)
    _steps(h, "D-1", ("finance_opinion",))
    d = _decide(h, meeting_case="M-1")
    [v] = h.violations("DEC-PROFESSIONAL-REVIEW")
    assert v.article == "dongqu-2012:第十九条"
    assert set(v.evidence) == {p.id, d.id}
    assert v.detail["missing"] == ["legal_opinion"] and "法制部门意见" in v.message_zh


def test_dec_professional_review_dongqu_each_missing_review_is_its_own_finding() -> None:
    h = History("dongqu-2012")
    _propose(h, uses_public_funds=True, touches_law=True, is_policy=True)
    _decide(h, meeting_case="M-1")
    vs = h.violations("DEC-PROFESSIONAL-REVIEW")
    assert sorted(v.detail["missing"][0] for v in vs) == ["finance_opinion", "legal_opinion", "policy_review"]


def test_dec_professional_review_dongqu_all_needed_reviews_pass() -> None:
    h = History("dongqu-2012")
    _propose(h, uses_public_funds=True, touches_law=True, is_policy=True)
    _steps(h, "D-1", ("finance_opinion", "legal_opinion", "policy_review"))
    _decide(h, meeting_case="M-1")
    assert h.violations("DEC-PROFESSIONAL-REVIEW") == []


def test_dec_professional_review_dongqu_no_flags_needs_no_review() -> None:
    h = History("dongqu-2012")
    _propose(h, uses_public_funds=False)
    _decide(h, meeting_case="M-1")
    assert h.violations("DEC-PROFESSIONAL-REVIEW") == []


def test_dec_professional_review_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("changle-2022")
    _propose(h, uses_public_funds=True)
    _decide(h, meeting_case="M-1")
    assert h.violations("DEC-PROFESSIONAL-REVIEW") == []


# ---- DEC-CONSULT-CONGRESS ----------------------------------------------------------------


def test_dec_consult_congress_dongqu_without_cppcc_is_flagged() -> None:
    h = History("dongqu-2012")
    p = _propose(h)
    _steps(h, "D-1", ("congress_consulted",))
    d = _decide(h, meeting_case="M-1")
    [v] = h.violations("DEC-CONSULT-CONGRESS")
    assert v.article == "dongqu-2012:第二十条"
    assert set(v.evidence) == {p.id, d.id}
    assert v.detail["missing"] == ["cppcc_consulted"]


def test_dec_consult_congress_dongqu_both_consulted_passes() -> None:
    h = History("dongqu-2012")
    _propose(h)
    _steps(h, "D-1", ("congress_consulted", "cppcc_consulted"))
    _decide(h, meeting_case="M-1")
    assert h.violations("DEC-CONSULT-CONGRESS") == []


def test_dec_consult_congress_changle_consulting_neither_is_flagged() -> None:
    h = History("changle-2022")
    p = _propose(h)
    d = _decide(h, meeting_case="M-1")
    [v] = h.violations("DEC-CONSULT-CONGRESS")
    assert v.article == "changle-2022:三十"
    assert set(v.evidence) == {p.id, d.id}
    assert v.detail["missing"] == ["congress_consulted", "cppcc_consulted"]


def test_dec_consult_congress_changle_both_consulted_passes() -> None:
    h = History("changle-2022")
    _propose(h)
    _steps(h, "D-1", ("cppcc_consulted", "congress_consulted"))
    _decide(h, meeting_case="M-1")
    assert h.violations("DEC-CONSULT-CONGRESS") == []


def test_dec_consult_congress_changle_department_decision_is_not_checked() -> None:
    h = History("changle-2022")
    _propose(h, unit="u-fgj", by="p-fgj")
    _decide(h, unit="u-fgj", by="p-fgj")
    assert h.violations("DEC-CONSULT-CONGRESS") == []


def test_dec_consult_congress_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("yiyuan")
    _propose(h)
    _decide(h, meeting_case="M-1")
    assert h.violations("DEC-CONSULT-CONGRESS") == []


# ---- DEC-DEPARTMENT-MAJOR ----------------------------------------------------------------


def test_dec_department_major_yiyuan_without_leadership_collective_is_flagged() -> None:
    h = History("yiyuan")
    p = _propose(h, unit="u-fgj", by="p-fgj")
    d = _decide(h, unit="u-fgj", by="p-fgj")
    [v] = h.violations("DEC-DEPARTMENT-MAJOR")
    assert v.article == "yiyuan:第八条"
    assert set(v.evidence) == {p.id, d.id}
    assert v.detail["missing"] == ["leadership_collective"]
    assert v.person == "p-fgj"


def test_dec_department_major_yiyuan_public_matter_without_county_approval_is_flagged() -> None:
    h = History("yiyuan")
    p = _propose(h, unit="u-fgj", by="p-fgj", concerns_public=True)
    _steps(h, "D-1", ("leadership_collective",), unit="u-fgj")
    d = _decide(h, unit="u-fgj", by="p-fgj")
    [v] = h.violations("DEC-DEPARTMENT-MAJOR")
    assert set(v.evidence) == {p.id, d.id}
    assert v.detail["missing"] == ["county_approval"] and "事先报县委县政府同意" in v.message_zh


def test_dec_department_major_yiyuan_approval_after_the_decision_is_flagged() -> None:
    h = History("yiyuan")
    _propose(h, unit="u-fgj", by="p-fgj", concerns_public=True)
    _steps(h, "D-1", ("leadership_collective",), unit="u-fgj")
    _decide(h, unit="u-fgj", by="p-fgj")
    late = h.add("decision", "D-1", "step_done", "2024-03-21 09:00", by="p-fgj", unit="u-fgj", step="county_approval")
    [v] = h.violations("DEC-DEPARTMENT-MAJOR")
    assert late.id in v.evidence


def test_dec_department_major_yiyuan_collective_and_approved_passes() -> None:
    h = History("yiyuan")
    _propose(h, unit="u-fgj", by="p-fgj", concerns_public=True)
    _steps(h, "D-1", ("leadership_collective", "county_approval"), unit="u-fgj")
    _decide(h, unit="u-fgj", by="p-fgj")
    assert h.violations("DEC-DEPARTMENT-MAJOR") == []


def test_dec_department_major_yiyuan_department_flag_overrides_the_unit_type() -> None:
    h = History("yiyuan")
    _propose(h, department=True)  # filed on u-gov's behalf, but the department's own decision
    _decide(h)
    assert len(h.violations("DEC-DEPARTMENT-MAJOR")) == 1
    h2 = History("yiyuan")
    _propose(h2)  # a county decision is not a department's
    _decide(h2, meeting_case="M-1")
    assert h2.violations("DEC-DEPARTMENT-MAJOR") == []


def test_dec_department_major_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("dongqu-2012")
    _propose(h, unit="u-fgj", by="p-fgj", concerns_public=True)
    _decide(h, unit="u-fgj", by="p-fgj")
    assert h.violations("DEC-DEPARTMENT-MAJOR") == []


# ---- robustness --------------------------------------------------------------------------


def test_dec_rules_do_not_crash_on_a_decision_without_a_proposal() -> None:
    h = History("dongqu-2012")
    h.add("decision", "D-1", "step_done", "2024-03-01 09:00", by="p-staff", unit="u-gov", step="expert_review")
    d = h.add("decision", "D-1", "decided", "2024-03-02 09:00", by="p-head", unit="u-gov")
    vs = [v for v in h.all_violations() if v.rule.startswith("DEC-")]
    assert sorted(v.rule for v in vs) == ["DEC-CONSULT-CONGRESS", "DEC-STATUTORY-STEPS"]
    assert all(v.evidence[0] == d.id for v in vs)

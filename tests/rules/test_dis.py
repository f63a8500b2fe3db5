"""DIS — 纪律与奖惩: one test per clause, named after the rule (yiyuan 第二十一条, 第二十二条, 第二十五条).

These rules are jurisdiction-wide: they read every discipline case at once. The county's
office (p-od, u-office) records the acts; 发改局 (u-fgj, head p-fgj) and its staff (p-staff)
are the usual subjects.
"""

from __future__ import annotations

from typing import Any

from domain.acts import Act
from tests.rules.history import History

REC = {"by": "p-od", "unit": "u-office"}


def breach(h: History, case: str, at: str, **subject: Any) -> Act:
    subject.setdefault("ban", 1)
    return h.add("discipline", case, "breach_found", at, **REC, **subject)


def sanction(h: History, case: str, at: str, sanction: str, **subject: Any) -> Act:
    return h.add("discipline", case, "sanction_recorded", at, sanction=sanction, **REC, **subject)


def rating(
    h: History, at: str, year: int, unit: str, score: float, rank: int | None = None, of: int | None = None
) -> Act:
    data: dict[str, Any] = {"year": year, "score": score, "subject_unit": unit}
    if rank is not None:
        data.update(rank=rank, of=of)
    return h.add("discipline", f"R-{year}-{unit}", "rating_recorded", at, **REC, **data)


# ---- DIS-FIVE-BANS-ESCALATION (yiyuan 第二十一条) -------------------------------------------
def test_dis_five_bans_escalation_yiyuan_individual_sanctions_escalating_as_required_pass() -> None:
    h = History("yiyuan")
    breach(h, "D-1", "2024-01-10 10:00", subject_person="p-staff")
    sanction(h, "D-1", "2024-01-15 10:00", "criticism", subject_person="p-staff")
    breach(h, "D-2", "2024-03-10 10:00", subject_person="p-staff", ban=2)
    sanction(h, "D-2", "2024-03-15 10:00", "media_exposure", subject_person="p-staff")
    breach(h, "D-3", "2024-05-10 10:00", subject_person="p-staff", ban=4)
    sanction(h, "D-3", "2024-05-15 10:00", "transfer", subject_person="p-staff")
    assert h.violations("DIS-FIVE-BANS-ESCALATION") == []


def test_dis_five_bans_escalation_yiyuan_second_breach_with_criticism_only_is_flagged() -> None:
    h = History("yiyuan")
    b1 = breach(h, "D-1", "2024-01-10 10:00", subject_person="p-staff")
    sanction(h, "D-1", "2024-01-15 10:00", "criticism", subject_person="p-staff")
    b2 = breach(h, "D-2", "2024-03-10 10:00", subject_person="p-staff")
    s2 = sanction(h, "D-2", "2024-03-15 10:00", "criticism", subject_person="p-staff")
    [v] = h.violations("DIS-FIVE-BANS-ESCALATION")
    assert v.article == "yiyuan:第二十一条"
    assert set(v.evidence) == {b1.id, b2.id, s2.id}
    assert v.case == "D-2" and v.person == "p-staff" and v.unit == "u-fgj"
    assert v.detail["required"] == "media_exposure" and v.severity == "high"


def test_dis_five_bans_escalation_yiyuan_third_breach_of_an_individual_requires_transfer() -> None:
    h = History("yiyuan")
    for i, day in enumerate(("2024-01-10", "2024-03-10", "2024-05-10"), 1):
        breach(h, f"D-{i}", f"{day} 10:00", subject_person="p-staff")
        sanction(h, f"D-{i}", f"{day} 16:00", ("criticism", "media_exposure", "admonition")[i - 1])
    [v] = h.violations("DIS-FIVE-BANS-ESCALATION")
    assert v.case == "D-3" and v.detail["required"] == "transfer"


def test_dis_five_bans_escalation_yiyuan_unit_third_breach_requires_admonition_of_its_principal_head() -> None:
    h = History("yiyuan")
    breach(h, "D-1", "2024-01-10 10:00", subject_unit="u-fgj")
    sanction(h, "D-1", "2024-01-15 10:00", "criticism", subject_unit="u-fgj")
    breach(h, "D-2", "2024-03-10 10:00", subject_unit="u-fgj")
    sanction(h, "D-2", "2024-03-15 10:00", "media_exposure", subject_unit="u-fgj")
    breach(h, "D-3", "2024-05-10 10:00", subject_unit="u-fgj")
    # the admonition of the bureau chief is recorded in a case of its own, naming him
    sanction(h, "D-4", "2024-05-20 10:00", "admonition", subject_person="p-fgj")
    assert h.violations("DIS-FIVE-BANS-ESCALATION") == []


def test_dis_five_bans_escalation_yiyuan_unit_third_breach_with_media_exposure_only_is_flagged() -> None:
    h = History("yiyuan")
    for i, day in enumerate(("2024-01-10", "2024-03-10", "2024-05-10"), 1):
        breach(h, f"D-{i}", f"{day} 10:00", subject_unit="u-fgj")
        sanction(h, f"D-{i}", f"{day} 16:00", ("criticism", "media_exposure", "media_exposure")[i - 1])
    [v] = h.violations("DIS-FIVE-BANS-ESCALATION")
    assert v.case == "D-3" and v.unit == "u-fgj" and v.detail["required"] == "admonition"


def test_dis_five_bans_escalation_yiyuan_unit_first_breach_needs_only_criticism() -> None:
    """The seed: 无论属单位行为或个人行为，发现一次进行通报批评 — 诫勉 comes at the unit's third."""
    h = History("yiyuan")
    breach(h, "D-1", "2024-01-10 10:00", subject_unit="u-sfj")
    sanction(h, "D-1", "2024-01-15 10:00", "criticism")
    assert h.violations("DIS-FIVE-BANS-ESCALATION") == []


def test_dis_five_bans_escalation_yiyuan_breach_left_unsanctioned_until_the_next_is_flagged() -> None:
    h = History("yiyuan")
    b1 = breach(h, "D-1", "2024-01-10 10:00", subject_person="p-staff")
    b2 = breach(h, "D-2", "2024-03-10 10:00", subject_person="p-staff")
    sanction(h, "D-2", "2024-03-15 10:00", "media_exposure")
    [v] = h.violations("DIS-FIVE-BANS-ESCALATION")
    assert v.case == "D-1" and set(v.evidence) == {b1.id, b2.id}
    assert v.detail["recorded"] == []


def test_dis_five_bans_escalation_yiyuan_breach_unsanctioned_at_the_annual_evaluation_is_flagged() -> None:
    h = History("yiyuan")
    b1 = breach(h, "D-1", "2024-06-10 10:00", subject_unit="u-sfj")
    assert h.violations("DIS-FIVE-BANS-ESCALATION") == []  # nothing yet shows the sanction is overdue
    ev = rating(h, "2025-01-20 10:00", 2024, "u-czj", 90)
    [v] = h.violations("DIS-FIVE-BANS-ESCALATION")
    assert set(v.evidence) == {b1.id, ev.id}


def test_dis_five_bans_escalation_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("dongqu-2012")
    breach(h, "D-1", "2024-01-10 10:00", subject_person="p-staff")
    breach(h, "D-2", "2024-03-10 10:00", subject_person="p-staff")
    sanction(h, "D-2", "2024-03-15 10:00", "criticism")
    assert h.violations("DIS-FIVE-BANS-ESCALATION") == []


# ---- DIS-RATING-VETO (yiyuan 第二十二条) ---------------------------------------------------
def test_dis_rating_veto_yiyuan_vetoed_unit_rated_advanced_is_flagged() -> None:
    h = History("yiyuan")
    veto = h.add(
        "discipline",
        "V-1",
        "veto_condition",
        "2023-11-01 10:00",
        year=2023,
        condition="安全生产考核被否决",
        subject_unit="u-fgj",
        **REC,
    )
    rated = h.add(
        "discipline", "A-1", "rated", "2024-01-20 10:00", year=2023, rating="先进单位", subject_unit="u-fgj", **REC
    )
    [v] = h.violations("DIS-RATING-VETO")
    assert v.article == "yiyuan:第二十二条"
    assert set(v.evidence) == {veto.id, rated.id}
    assert v.unit == "u-fgj" and v.case == "A-1"


def test_dis_rating_veto_yiyuan_head_of_a_unit_scoring_below_80_rated_excellent_is_flagged() -> None:
    h = History("yiyuan")
    r = rating(h, "2024-01-10 10:00", 2023, "u-fgj", 78.5)
    rated = h.add(
        "discipline", "A-1", "rated", "2024-01-20 10:00", year=2023, rating="excellent", subject_person="p-fgj", **REC
    )
    [v] = h.violations("DIS-RATING-VETO")
    assert set(v.evidence) == {r.id, rated.id}
    assert v.person == "p-fgj" and v.unit == "u-fgj"


def test_dis_rating_veto_yiyuan_deputy_in_charge_of_the_vetoed_work_rated_excellent_is_flagged() -> None:
    h = History("yiyuan")
    h.add(
        "discipline",
        "V-1",
        "veto_condition",
        "2023-11-01 10:00",
        year=2023,
        condition="信访考核被否决",
        subject_unit="u-fgj",
        leader_in_charge="p-fgjd",
        **REC,
    )
    h.add("discipline", "A-1", "rated", "2024-01-20 10:00", year=2023, rating="优秀", subject_person="p-fgjd", **REC)
    # staff of the unit are not barred from 优秀
    h.add("discipline", "A-2", "rated", "2024-01-20 10:00", year=2023, rating="优秀", subject_person="p-staff", **REC)
    [v] = h.violations("DIS-RATING-VETO")
    assert v.person == "p-fgjd" and v.case == "A-1"


def test_dis_rating_veto_yiyuan_score_of_80_or_a_veto_of_another_year_passes() -> None:
    h = History("yiyuan")
    rating(h, "2024-01-10 10:00", 2023, "u-fgj", 80)
    h.add(
        "discipline",
        "V-1",
        "veto_condition",
        "2022-11-01 10:00",
        year=2022,
        condition="减负",
        subject_unit="u-fgj",
        **REC,
    )
    h.add("discipline", "A-1", "rated", "2024-01-20 10:00", year=2023, rating="先进", subject_unit="u-fgj", **REC)
    h.add("discipline", "A-2", "rated", "2024-01-20 10:00", year=2023, rating="优秀", subject_person="p-fgj", **REC)
    assert h.violations("DIS-RATING-VETO") == []


def test_dis_rating_veto_yiyuan_vetoed_unit_rated_only_competent_passes() -> None:
    h = History("yiyuan")
    rating(h, "2024-01-10 10:00", 2023, "u-fgj", 70)
    h.add("discipline", "A-1", "rated", "2024-01-20 10:00", year=2023, rating="合格", subject_unit="u-fgj", **REC)
    assert h.violations("DIS-RATING-VETO") == []


def test_dis_rating_veto_yiyuan_rating_of_a_vetoed_unit_outside_the_vocabulary_is_reported_not_judged() -> None:
    h = History("yiyuan")
    rating(h, "2024-01-10 10:00", 2023, "u-fgj", 70)
    rated = h.add(
        "discipline", "A-1", "rated", "2024-01-20 10:00", year=2023, rating="A档", subject_unit="u-fgj", **REC
    )
    assert h.violations("DIS-RATING-VETO") == []
    [u] = h.unjudged("DIS-RATING-VETO")
    assert (u.act, u.field, u.value, u.case) == (rated.id, "data.rating", "A档", "A-1")


def test_dis_rating_veto_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("dongqu-2012")
    rating(h, "2024-01-10 10:00", 2023, "u-fgj", 70)
    h.add("discipline", "A-1", "rated", "2024-01-20 10:00", year=2023, rating="先进", subject_unit="u-fgj", **REC)
    assert h.violations("DIS-RATING-VETO") == []


# ---- DIS-BOTTOM-THREE (yiyuan 第二十五条) --------------------------------------------------
def test_dis_bottom_three_yiyuan_no_admonishing_talk_by_the_next_evaluation_is_flagged() -> None:
    h = History("yiyuan")
    r = rating(h, "2023-01-15 10:00", 2022, "u-fgj", 72, rank=9, of=10)
    rating(h, "2023-01-15 10:00", 2022, "u-sfj", 71, rank=10, of=10)
    h.add(
        "discipline",
        "T-1",
        "sanction_recorded",
        "2023-02-01 10:00",
        sanction="admonishing_talk",
        subject_unit="u-sfj",
        **REC,
    )
    nxt = rating(h, "2024-01-15 10:00", 2023, "u-czj", 95, rank=1, of=10)
    [v] = h.violations("DIS-BOTTOM-THREE")
    assert v.article == "yiyuan:第二十五条"
    assert set(v.evidence) == {r.id, nxt.id}
    assert v.unit == "u-fgj" and v.person == "p-fgj" and v.severity == "medium"


def test_dis_bottom_three_yiyuan_talk_with_the_principal_head_passes() -> None:
    h = History("yiyuan")
    rating(h, "2023-01-15 10:00", 2022, "u-fgj", 72, rank=9, of=10)
    h.add(
        "discipline",
        "T-1",
        "sanction_recorded",
        "2023-02-01 10:00",
        sanction="admonition",
        subject_person="p-fgj",
        **REC,
    )
    rating(h, "2024-01-15 10:00", 2023, "u-czj", 95, rank=1, of=10)
    assert h.violations("DIS-BOTTOM-THREE") == []


def test_dis_bottom_three_yiyuan_bottom_three_at_80_or_low_score_outside_the_bottom_three_pass() -> None:
    h = History("yiyuan")
    rating(h, "2023-01-15 10:00", 2022, "u-fgj", 80, rank=10, of=10)
    rating(h, "2023-01-15 10:00", 2022, "u-sfj", 75, rank=7, of=10)
    rating(h, "2024-01-15 10:00", 2023, "u-czj", 95, rank=1, of=10)
    assert h.violations("DIS-BOTTOM-THREE") == []


def test_dis_bottom_three_yiyuan_place_derived_from_scores_when_rank_is_not_recorded() -> None:
    h = History("yiyuan")
    for unit, score in (("u-czj", 60), ("u-sfj", 76), ("u-fgj", 79), ("u-zcyj", 81), ("u-town1", 90)):
        rating(h, "2023-01-15 10:00", 2022, unit, score)
    rating(h, "2024-01-15 10:00", 2023, "u-czj", 95)
    vs = h.violations("DIS-BOTTOM-THREE")
    # u-zcyj is 4th from the bottom with 81; the three lowest all score below 80
    assert sorted(v.unit for v in vs) == ["u-czj", "u-fgj", "u-sfj"]


def test_dis_bottom_three_yiyuan_worst_two_years_running_without_resignation_is_flagged() -> None:
    h = History("yiyuan")
    r1 = rating(h, "2023-01-15 10:00", 2022, "u-town2", 70, rank=10, of=10)
    h.add(
        "discipline",
        "T-1",
        "sanction_recorded",
        "2023-02-01 10:00",
        sanction="admonishing_talk",
        subject_unit="u-town2",
        **REC,
    )
    r2 = rating(h, "2024-01-15 10:00", 2023, "u-town2", 71, rank=10, of=10)
    h.add(
        "discipline",
        "T-2",
        "sanction_recorded",
        "2024-02-01 10:00",
        sanction="admonishing_talk",
        subject_unit="u-town2",
        **REC,
    )
    nxt = rating(h, "2025-01-15 10:00", 2024, "u-czj", 95, rank=1, of=10)
    [v] = h.violations("DIS-BOTTOM-THREE")
    assert v.detail["year"] == 2023 and "辞职" in v.message_zh
    assert set(v.evidence) == {r1.id, r2.id, nxt.id}
    assert v.person == "p-town2"


def test_dis_bottom_three_yiyuan_worst_two_years_running_with_resignation_offered_passes() -> None:
    h = History("yiyuan")
    rating(h, "2023-01-15 10:00", 2022, "u-town2", 70, rank=10, of=10)
    h.add(
        "discipline",
        "T-1",
        "sanction_recorded",
        "2023-02-01 10:00",
        sanction="admonishing_talk",
        subject_unit="u-town2",
        **REC,
    )
    rating(h, "2024-01-15 10:00", 2023, "u-town2", 71, rank=10, of=10)
    h.add(
        "discipline",
        "T-2",
        "sanction_recorded",
        "2024-02-01 10:00",
        sanction="admonishing_talk",
        subject_unit="u-town2",
        **REC,
    )
    h.add(
        "discipline",
        "T-3",
        "sanction_recorded",
        "2024-02-05 10:00",
        sanction="resignation_offered",
        subject_person="p-town2",
        **REC,
    )
    rating(h, "2025-01-15 10:00", 2024, "u-czj", 95, rank=1, of=10)
    assert h.violations("DIS-BOTTOM-THREE") == []


def test_dis_bottom_three_yiyuan_nothing_flagged_before_the_next_evaluation() -> None:
    h = History("yiyuan")
    rating(h, "2023-01-15 10:00", 2022, "u-fgj", 60, rank=10, of=10)
    assert h.violations("DIS-BOTTOM-THREE") == []


def test_dis_bottom_three_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("changle-2022")
    rating(h, "2023-01-15 10:00", 2022, "u-fgj", 72, rank=10, of=10)
    rating(h, "2024-01-15 10:00", 2023, "u-fgj", 72, rank=10, of=10)
    rating(h, "2025-01-15 10:00", 2024, "u-czj", 95, rank=1, of=10)
    assert h.violations("DIS-BOTTOM-THREE") == []


# ---- odd input ---------------------------------------------------------------------------
def test_dis_rules_odd_input_never_crashes() -> None:
    h = History("yiyuan")
    breach(h, "D-1", "2024-01-10 10:00")  # no subject
    sanction(h, "D-0", "2024-01-01 10:00", "criticism", subject_person="p-staff")  # before any breach
    h.add("discipline", "R-1", "rating_recorded", "2024-01-15 10:00", year=2023, **REC)  # no score
    h.add(
        "discipline",
        "A-1",
        "rated",
        "2024-01-20 10:00",
        year=2023,
        rating="优秀",
        subject_person="p-nobody-known",
        **REC,
    )
    assert [v for v in h.all_violations() if v.rule.startswith("DIS-")] == []

"""What a violation is (违规性质), set by the rule that finds it: ``breach`` (an act that
happened is wrong), ``late`` (the owed act came after its deadline), ``missing`` (it never
came by the time it was owed). One test per kind of source: the shared deadline template,
each built-in rule that judges a time limit by itself, and the YAML templates."""

from __future__ import annotations

from domain.rules.base import STATES
from tests.rules.history import History
from tests.rules.test_dis import breach, rating, sanction
from tests.rules.test_lev import act, leave
from tests.rules.test_mtg import _decision, _supervise
from tests.rules.test_res import LEADERS, close_year, full_year
from tests.rules.test_sup import register
from tests.rules.test_yamlpack import PAY, PAY_WITHIN, REQUEST, WARN, county, pack, proc


def test_states_are_breach_late_and_missing() -> None:
    assert STATES == ("breach", "late", "missing")


# ---- the deadline template (every built-in and YAML time limit built on it) ----------------------
def test_deadline_template_late_report_is_late() -> None:
    h = History("dongqu-2012")
    h.add("incident", "I-1", "occurred", "2024-03-05 10:00", grade="general")
    h.add("incident", "I-1", "reported", "2024-03-05 10:40", channel="phone", to_level="unit_head")
    [v] = h.violations("INC-FIRST-REPORT")
    assert v.state == "late"


def test_deadline_template_report_the_clock_recorded_missing_is_missing() -> None:
    h = History("dongqu-2012")
    h.add("incident", "I-1", "occurred", "2024-03-05 10:00", grade="general")
    h.tick("2024-03-05 11:00")
    [v] = h.violations("INC-FIRST-REPORT")
    assert v.state == "missing" and any(e.startswith("dm-") for e in v.evidence)
    # the same violation (same id) becomes late when the report finally comes
    h.add("incident", "I-1", "reported", "2024-03-05 12:00", channel="phone", to_level="unit_head")
    assert [(w.id, w.state) for w in h.violations("INC-FIRST-REPORT")] == [(v.id, "late")]


# ---- built-in rules that judge a time limit themselves -----------------------------------------------
def test_a_wrong_act_is_a_breach() -> None:
    h = History("changle-2022")
    leave(h, "p-fgj", "2024-03-05 08:00", "2024-03-07 18:00")
    act(h, "departed", "2024-03-05 07:30", "p-fgj")
    act(h, "approved", "2024-03-05 10:00", "p-head")
    [v] = h.violations("LEV-PRIOR-APPROVAL")  # left before the approval: the departure was wrong
    assert v.state == "breach"


def test_inc_unreported_is_missing() -> None:
    h = History("dongqu-2012")
    h.add("incident", "I-1", "occurred", "2024-03-05 10:00", grade="larger")
    h.tick("2024-03-05 12:00")
    [v] = h.violations("INC-UNREPORTED")
    assert v.state == "missing"


def test_sup_registered_after_its_limit_is_late() -> None:
    h = History("dongqu-2012")
    register(h, "S-1", "2024-03-07 09:00", "2024-03-31", source_at="2024-03-05 10:00")
    [v] = h.violations("SUP-REGISTERED")
    assert v.state == "late"


def test_mtg_decision_carried_out_after_its_deadline_is_late() -> None:
    h = History("dongqu-2012")
    _decision(h)
    _supervise(h)
    h.add("supervision", "S-1", "completed", "2024-05-06 10:00", by="p-fgj", report=True)
    [v] = h.violations("MTG-DECISION-FOLLOWTHROUGH")
    assert v.state == "late"


def test_mtg_decision_not_carried_out_by_its_deadline_is_missing() -> None:
    h = History("dongqu-2012")
    _decision(h)
    h.add("meeting", "M-2", "scheduled", "2024-05-20 09:00", by="p-od", unit="u-office", type="executive")
    [v] = h.violations("MTG-DECISION-FOLLOWTHROUGH")
    assert v.state == "missing"


def test_dis_breach_left_unsanctioned_is_missing_and_a_lighter_sanction_is_a_breach() -> None:
    h = History("yiyuan")
    breach(h, "D-1", "2024-01-10 10:00", subject_person="p-staff")
    breach(h, "D-2", "2024-03-10 10:00", subject_person="p-staff")
    sanction(h, "D-2", "2024-03-15 10:00", "media_exposure")
    assert {v.case: v.state for v in h.violations("DIS-FIVE-BANS-ESCALATION")} == {"D-1": "missing"}
    h = History("yiyuan")
    breach(h, "D-1", "2024-01-10 10:00", subject_person="p-staff")
    sanction(h, "D-1", "2024-01-15 10:00", "criticism")
    breach(h, "D-2", "2024-03-10 10:00", subject_person="p-staff")
    sanction(h, "D-2", "2024-03-15 10:00", "criticism")  # the second breach requires more
    assert [v.state for v in h.violations("DIS-FIVE-BANS-ESCALATION")] == ["breach"]


def test_dis_bottom_three_without_the_admonishing_talk_is_missing() -> None:
    h = History("yiyuan")
    rating(h, "2023-01-15 10:00", 2022, "u-fgj", 72, rank=10, of=10)
    rating(h, "2024-01-15 10:00", 2023, "u-czj", 95, rank=1, of=10)
    [v] = h.violations("DIS-BOTTOM-THREE")
    assert v.state == "missing"


def test_res_quota_short_of_days_is_missing_and_too_few_unannounced_days_a_breach() -> None:
    h = History("changle-2022")
    for p in LEADERS[:2]:
        full_year(h, p)
    full_year(h, "p-vh1", days=59.5, unannounced=30)
    full_year(h, "p-vh2", days=60, unannounced=20)
    close_year(h)
    got = {(v.person, v.detail.get("days") is not None, v.state) for v in h.violations("RES-ANNUAL-QUOTA")}
    assert got == {("p-vh1", True, "missing"), ("p-vh2", False, "breach")}


# ---- YAML templates ----------------------------------------------------------------------------------
def test_yaml_response_late_is_late_and_missing_is_missing() -> None:
    h = county(pack(PAY_WITHIN))
    proc(h, "D-1", REQUEST, "2018-01-02 10:00")
    proc(h, "D-1", PAY, "2018-01-09 10:00")
    proc(h, "D-2", REQUEST, "2018-01-02 10:00")
    h.tick("2018-02-01 00:00")
    assert {v.case: v.state for v in h.violations("T-PAY-WITHIN-5D")} == {"D-1": "late", "D-2": "missing"}


def test_yaml_escalation_without_the_required_reaction_is_missing() -> None:
    h = county(pack(WARN))
    proc(h, "B-1", "Breach Recorded", "2024-03-01 10:00", by="p-od", unit="u-office", person="p-staff")
    proc(h, "B-2", "Breach Recorded", "2024-04-01 10:00", by="p-od", unit="u-office", person="p-staff")
    [v] = h.violations("T-WARN-AFTER-TWO")
    assert v.state == "missing"


def test_yaml_templates_judging_the_acts_that_happened_give_breaches() -> None:
    src = pack(
        """
        - id: T-PAY-AFTER-APPROVAL
          template: precedence
          citation: "§1"
          when: {act: Payment Handled}
          requires: {act: Approved}
        - id: T-ONE-PAYMENT
          template: absence
          citation: "§2"
          when: {act: Payment Handled}
          at_most: 1
        - id: T-CHAIN
          template: chain
          citation: "§3"
          before: {act: Payment Handled}
          steps: [Submitted, Approved]
        - id: T-FOUR-EYES
          template: four_eyes
          citation: "§4"
          first: {act: Submitted}
          second: {act: Payment Handled}
        - id: T-TOO-MANY
          template: escalation
          citation: "§5"
          when: {act: Payment Handled}
          per: by
          max: 1
        """
    )
    h = county(src)
    proc(h, "D-1", "Submitted", "2018-01-02 10:00")
    proc(h, "D-1", PAY, "2018-01-03 10:00")
    proc(h, "D-1", PAY, "2018-01-04 10:00")
    got = {(v.rule, v.state) for v in h.all_violations()}
    assert {r for r, _ in got} == {"T-PAY-AFTER-APPROVAL", "T-ONE-PAYMENT", "T-CHAIN", "T-FOUR-EYES", "T-TOO-MANY"}
    assert {s for _, s in got} == {"breach"}

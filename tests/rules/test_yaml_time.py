"""Time, ties and pairing in the YAML rule language, and what selectors and conditions can say.

- **Ties**: one documented order for acts at the same instant (the pack's ``order:``, then
  act id), and one reading of a tie in every template (a tie is never a breach); the
  verdicts do not depend on the order the acts arrived in (shuffled input, same violations).
- ``granularity: day``; ``correlate: FIELD``; the escalation ``window`` on the jurisdiction's clock.
- Act-name patterns; conditions over the case (``case.has``, ``case.first('A').f``), ``act``
  in ``where``, aggregates over numbered fields; "always false" caught when the pack loads.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from domain.rules.yamlpack import PackError, load_pack
from tests.rules.history import History
from tests.rules.test_yaml_clock import answer_rule
from tests.rules.test_yamlpack import _restore_packs, county, pack, proc  # noqa: F401

# ---- ties -------------------------------------------------------------------------------------
TIES = """
- id: T-PREC
  template: precedence
  citation: "§1"
  when: Pay
  requires: Approve
- id: T-CHAIN
  template: chain
  citation: "§2"
  before: Pay
  steps: [Submit, Approve]
- id: T-NO-PAY-BEFORE-FINE
  template: absence
  citation: "§3"
  when: Pay
  before: Fine
- id: T-RESP
  template: response
  citation: "§4"
  after: Approve
  expect: Pay
  within: {hours: 1}
- id: T-ONCE
  template: absence
  citation: "§5"
  when: Remind
  at_most: 1
- id: T-4EYES
  template: four_eyes
  citation: "§6"
  first: Approve
  second: Pay
- id: T-ESC
  template: escalation
  citation: "§7"
  when: Breach
  per: data.who
  max: 2
  then: Warning
"""

#: One case per template, with acts that share an instant (written in one order here).
TIE_CASE: list[tuple[str, str, str, dict[str, Any]]] = [
    ("K-1", "Submit", "2024-03-01 10:00", {}),
    ("K-1", "Approve", "2024-03-01 10:00", {"by": "p-od"}),
    ("K-1", "Fine", "2024-03-01 10:00", {}),
    ("K-1", "Pay", "2024-03-01 10:00", {}),
    ("K-2", "Fine", "2024-03-01 09:00", {}),
    ("K-2", "Submit", "2024-03-01 10:00", {}),
    ("K-2", "Pay", "2024-03-01 10:00", {}),  # no approval at all: precedence and chain flag it
    ("K-3", "Remind", "2024-03-02 09:00", {}),
    ("K-3", "Remind", "2024-03-02 09:00", {}),
    ("K-3", "Remind", "2024-03-02 09:00", {}),
    ("E-1", "Breach", "2024-03-03 09:00", {"who": "x"}),
    ("E-2", "Breach", "2024-03-04 09:00", {"who": "x"}),
    ("E-3", "Warning", "2024-03-04 09:00", {"who": "x"}),  # at the same instant as the second breach
    ("E-4", "Breach", "2024-03-05 09:00", {"who": "y"}),
    ("E-5", "Breach", "2024-03-05 09:00", {"who": "y"}),
]


def _verdicts(rows: list[tuple[int, tuple[str, str, str, dict[str, Any]]]]) -> set[tuple[Any, ...]]:
    h = county(pack(TIES))
    for i, (case, act, at, data) in rows:
        fields = dict(data)
        by = fields.pop("by", "p-staff")
        proc(h, case, act, at, act_id=f"x{i:02d}", by=by, **fields)
    return {(v.rule, v.case, v.id, v.evidence, v.message_en) for v in h.all_violations()}


def test_ties_every_template_reads_a_tie_the_same_way() -> None:
    got = {(rule, case) for rule, case, *_ in _verdicts(list(enumerate(TIE_CASE)))}
    assert got == {
        ("T-PREC", "K-2"),  # K-1's approval at the same instant counts as before the payment
        ("T-CHAIN", "K-2"),  # K-1: steps at the same instant as each other and as Pay are in order
        ("T-ONCE", "K-3"),  # the 2nd and 3rd reminders (simultaneous: by act id)
        ("T-ESC", "E-5"),  # y: two breaches, no warning; x's warning at the same instant answers
    }  # T-NO-PAY-BEFORE-FINE: K-1's payment at the fine's instant is not before it; T-RESP answered at once


def test_ties_shuffled_input_gives_the_same_verdicts() -> None:
    rows = list(enumerate(TIE_CASE))
    expected = _verdicts(rows)
    rng = random.Random(1849)
    for _ in range(12):
        shuffled = rows[:]
        rng.shuffle(shuffled)
        assert _verdicts(shuffled) == expected


def test_ties_the_packs_declared_order_decides_between_acts_at_the_same_instant() -> None:
    src = pack(
        """
        - id: T-NO-PAY-BEFORE-FINE
          template: absence
          citation: "§3"
          when: Pay
          before: Fine
        - id: T-PREC
          template: precedence
          citation: "§1"
          when: Pay
          requires: Approve
        """,
        header="pack: t-pack\neffective_from: 2015-01-01\norder: [Fine, Pay]\nrules:\n",
    )
    h = county(src)
    proc(h, "K-1", "Pay", "2024-03-01 00:00")  # a date-only log: the fine is created, then paid
    proc(h, "K-1", "Fine", "2024-03-01 00:00")
    proc(h, "K-1", "Approve", "2024-03-01 00:00")  # not in `order`: after Fine and Pay
    assert [v.rule for v in h.all_violations()] == ["T-PREC"]


# ---- granularity: day -------------------------------------------------------------------------------
def test_granularity_day_compares_date_only_events_by_calendar_day() -> None:
    rule = """
        - id: T-APPROVED-FOR-TRIP
          template: precedence
          citation: "§1"
          when: Trip
          requires: Approved
        """
    h = county(pack(rule + "  granularity: day\n"))
    proc(h, "T-1", "Approved", "2024-03-01 14:03")
    proc(h, "T-1", "Trip", "2024-03-01 00:00")  # a trip on that day (a date, no time)
    proc(h, "T-2", "Approved", "2024-03-02 09:00")
    proc(h, "T-2", "Trip", "2024-03-01 00:00")
    assert [v.case for v in h.violations("T-APPROVED-FOR-TRIP")] == ["T-2"]
    exact = county(pack(rule))
    proc(exact, "T-1", "Approved", "2024-03-01 14:03")
    proc(exact, "T-1", "Trip", "2024-03-01 00:00")
    assert [v.case for v in exact.violations("T-APPROVED-FOR-TRIP")] == ["T-1"]


def test_granularity_day_counts_the_day_on_the_jurisdictions_clock() -> None:
    src = pack(answer_rule("T-SAME-DAY", after="Received", granularity="day", within="{hours: 1}"))
    h = county(src)
    h.org("timezone_set", timezone="Europe/Amsterdam")
    proc(h, "D-1", "Received", "2024-03-01T22:30:00+01:00")
    proc(h, "D-1", "Answered", "2024-03-01T23:50:00+01:00")  # 80 min, but the same Amsterdam day
    proc(h, "D-2", "Received", "2024-03-01T22:30:00+01:00")
    proc(h, "D-2", "Answered", "2024-03-02T00:10:00+01:00")  # the next day there
    assert [v.case for v in h.violations("T-SAME-DAY")] == ["D-2"]


# ---- correlate ----------------------------------------------------------------------------------------
PAY_AFTER_APPROVAL = """
- id: T-PAY-AFTER-APPROVAL
  template: precedence
  citation: "§1"
  when: Payment
  requires: Approval
  correlate: declaration
"""


def test_correlate_pairs_events_declaration_by_declaration() -> None:
    src = pack(
        PAY_AFTER_APPROVAL
        + answer_rule("T-PAY-IN-14D", after="Approval", expect="Payment", within="{days: 14}", correlate="declaration")
        + "- {id: T-STEPS, template: chain, citation: x, before: Payment, steps: [Declared, Approval], correlate: declaration}\n"
    )
    h = county(src)
    proc(h, "P-1", "Declared", "2024-03-01 09:00", declaration="d1")
    proc(h, "P-1", "Declared", "2024-03-01 09:05", declaration="d2")
    proc(h, "P-1", "Approval", "2024-03-02 09:00", declaration="d1")
    proc(h, "P-1", "Payment", "2024-03-03 09:00", declaration="d1")
    pay2 = proc(h, "P-1", "Payment", "2024-03-04 09:00", declaration="d2")  # d2 never approved
    proc(h, "P-2", "Declared", "2024-03-01 09:00", declaration="d3")
    proc(h, "P-2", "Approval", "2024-03-02 09:00", declaration="d4")
    proc(h, "P-2", "Approval", "2024-03-20 09:00", declaration="d3")
    pay3 = proc(h, "P-2", "Payment", "2024-03-10 09:00", declaration="d3")  # d3's approval comes after it
    got = {(v.rule, v.case, v.evidence[-1]) for v in h.all_violations()}
    assert got == {
        ("T-PAY-AFTER-APPROVAL", "P-1", pay2.id),  # d1's approval does not count for d2
        ("T-PAY-AFTER-APPROVAL", "P-2", pay3.id),
        ("T-STEPS", "P-2", pay3.id),  # d4's approval is not a step of d3's payment
    }
    # T-PAY-IN-14D: each approval waits for its own declaration's payment (d1's came; d4's and
    # the late d3 approval's never did) — owed to the clock
    assert sorted(m.case for m in h.tick("2024-12-31 00:00")) == ["P-2", "P-2"]


def test_correlate_a_trigger_without_the_key_pairs_with_nothing() -> None:
    src = pack(PAY_AFTER_APPROVAL)
    h = county(src)
    proc(h, "P-1", "Approval", "2024-03-02 09:00", declaration="d1")
    pay = proc(h, "P-1", "Payment", "2024-03-03 09:00")
    [v] = h.violations("T-PAY-AFTER-APPROVAL")
    assert v.evidence == (pay.id,)


# ---- escalation window on the jurisdiction's clock ------------------------------------------------------
def test_escalation_window_counts_calendar_days_on_the_jurisdictions_clock() -> None:
    src = pack(
        """
        - id: T-THREE-IN-A-WEEK
          template: escalation
          citation: "§1"
          when: Complaint
          per: data.officer
          window: {days: 7}
          max: 2
        """
    )
    h = county(src)
    h.org("timezone_set", timezone="Europe/Amsterdam")
    proc(h, "C-1", "Complaint", "2024-03-01T08:00:00+01:00", officer="o")
    proc(h, "C-2", "Complaint", "2024-03-04T08:00:00+01:00", officer="o")
    third = proc(h, "C-3", "Complaint", "2024-03-08T23:30:00+01:00", officer="o")  # 7th day after the 1st: counted
    [v] = h.violations("T-THREE-IN-A-WEEK")
    assert v.evidence[-1] == third.id and v.detail["count"] == 3
    proc(h, "C-9", "Complaint", "2024-03-16T00:30:00+01:00", officer="o")  # the 8th day after C-2: C-1, C-2 out
    assert len(h.violations("T-THREE-IN-A-WEEK")) == 1


# ---- act-name patterns -----------------------------------------------------------------------------------
def test_act_name_patterns_glob_and_alternatives_in_every_selector() -> None:
    src = pack(
        """
        - id: T-PAY-AFTER-FINAL
          template: precedence
          citation: "§1"
          when: {act: Payment Handled}
          requires: {act: "Declaration FINAL_APPROVED by *"}
        - id: T-DECIDED
          template: response
          citation: "§2"
          after: "Declaration SUBMITTED by ?MPLOYEE"
          expect: {act: ["Declaration {APPROVED,REJECTED} by *", "Declaration FINAL_APPROVED by *"]}
          within: {days: 10}
        """
    )
    h = county(src)
    proc(h, "D-1", "Declaration SUBMITTED by EMPLOYEE", "2024-03-01 09:00")
    proc(h, "D-1", "Declaration REJECTED by ADMINISTRATION", "2024-03-02 09:00")
    proc(h, "D-1", "Declaration FINAL_APPROVED by DIRECTOR", "2024-03-03 09:00")
    proc(h, "D-1", "Payment Handled", "2024-03-04 09:00")
    proc(h, "D-2", "Declaration SUBMITTED by EMPLOYEE", "2024-03-01 09:00")
    proc(h, "D-2", "Declaration SAVED by EMPLOYEE", "2024-03-20 09:00")
    proc(h, "D-2", "Payment Handled", "2024-03-21 09:00")
    assert h.tick("2024-12-31 00:00")  # D-2 never decided
    assert {(v.rule, v.case) for v in h.all_violations()} == {("T-PAY-AFTER-FINAL", "D-2"), ("T-DECIDED", "D-2")}


def test_a_plain_name_with_wildcard_characters_still_matches_itself() -> None:
    src = pack(
        """
        - id: T-Q
          template: absence
          citation: "§1"
          when: "Paid? [manual]"
        """
    )
    h = county(src)
    proc(h, "Q-1", "Paid? [manual]", "2024-03-01 09:00")
    assert [v.case for v in h.violations("T-Q")] == ["Q-1"]


# ---- conditions over the case, act in where, aggregates -------------------------------------------------
def test_condition_reads_another_act_of_the_case() -> None:
    src = pack(
        """
        - id: T-REGULAR-8W
          template: response
          citation: "§1"
          after: {act: Received, where: "case.first('Procedure set').procedure == 'regular'"}
          expect: Decided
          within: {weeks: 8}
        - id: T-NO-DECISION-WITHOUT-ADVICE
          template: absence
          citation: "§2"
          when: Decided
          condition: "case.has('Advice *') == False and not case.has('Waived')"
        """
    )
    h = county(src)
    proc(h, "R-1", "Received", "2024-01-01 09:00")
    proc(h, "R-1", "Procedure set", "2024-01-05 09:00", procedure="regular")  # recorded later than the trigger
    proc(h, "R-1", "Advice asked", "2024-01-10 09:00")
    proc(h, "R-1", "Decided", "2024-04-01 09:00")  # late under the regular procedure
    proc(h, "R-2", "Received", "2024-01-01 09:00")
    proc(h, "R-2", "Procedure set", "2024-01-05 09:00", procedure="extended")
    proc(h, "R-2", "Decided", "2024-04-01 09:00")  # no advice: flagged by the second rule only
    assert {(v.rule, v.case) for v in h.all_violations()} == {
        ("T-REGULAR-8W", "R-1"),
        ("T-NO-DECISION-WITHOUT-ADVICE", "R-2"),
    }


def test_act_in_where_names_the_act_it_is_on() -> None:
    src = pack(
        """
        - id: T-NOT-BY-SYSTEM
          template: absence
          citation: "§1"
          when: {act: "Declaration * by *", where: "act != 'Declaration SUBMITTED by EMPLOYEE' and role == 'SYSTEM'"}
        """
    )
    h = county(src)
    proc(h, "D-1", "Declaration SUBMITTED by EMPLOYEE", "2024-03-01 09:00", role="SYSTEM")
    bad = proc(h, "D-1", "Declaration APPROVED by ADMINISTRATION", "2024-03-02 09:00", role="SYSTEM")
    [v] = h.violations("T-NOT-BY-SYSTEM")
    assert v.evidence == (bad.id,)


def test_aggregate_sums_numbered_amount_fields() -> None:
    src = pack(
        """
        - id: T-BIG-TRIP
          template: precedence
          citation: "§1"
          when: {act: Paid, where: "sum('amount_#') > 1000 or max(advance, 'extra_*') > 500"}
          requires: Budget owner approved
        """
    )
    h = county(src)
    proc(h, "B-1", "Paid", "2024-03-01 09:00", amount_1="600.5", amount_2=450, amount_total=0)
    proc(h, "B-2", "Paid", "2024-03-01 09:00", amount_1=600, amount_2=300, amount_total=5000)  # total not numbered
    proc(h, "B-3", "Paid", "2024-03-01 09:00", advance=100, extra_fuel=700)
    assert {v.case for v in h.violations("T-BIG-TRIP")} == {"B-1", "B-3"}


# ---- always false, caught when the pack loads --------------------------------------------------------------
@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("when: {act: Pay, where: \"act == 'Approve'\"}\n  requires: X", "always false"),
        ("when: {act: \"Pay *\", where: \"act in ['Approve', 'Check']\"}\n  requires: X", "always false"),
        ("when: Pay\n  requires: X\n  condition: \"act == 'Approve'\"", "always false"),
        ('when: {act: "Pay ["}\n  requires: X', "pattern"),
    ],
)
def test_always_false_conditions_are_refused_when_the_pack_loads(rule: str, words: str) -> None:
    src = f"pack: t-x\nrules:\n- id: T-X\n  template: precedence\n  citation: x\n  {rule}\n"
    with pytest.raises(PackError, match=words) as ei:
        load_pack(src)
    assert ei.value.line is not None and ei.value.rule == "T-X"


def test_a_where_on_act_that_can_hold_is_accepted() -> None:
    src = "pack: t-x\nrules:\n- id: T-X\n  template: precedence\n  citation: x\n  when: {act: 'Pay *', where: \"act == 'Pay cash'\"}\n  requires: X\n"
    assert load_pack(src).rules


def test_history_helper_sees_the_org_calendar() -> None:
    h = History(None)
    h.org("calendar_set", calendar="NL")
    assert h.orgchart().calendar == "NL"

"""Statutory clocks in the YAML rule language: durations with units, where a term ends,
extensions and suspensions, per-act due dates, the jurisdiction's calendar.

The running example is a municipal building permit: *decide within 8 weeks of receipt,
extendable once by 6 weeks; the term is suspended while the applicant supplies missing
documents* — written as one rule, as the statute reads.
"""

from __future__ import annotations

import pytest

from domain.rules.yamlpack import PackError, load_pack
from tests.rules.test_yamlpack import _restore_packs, county, pack, proc  # noqa: F401

PERMIT = """
- id: T-DECIDE-8W
  template: response
  citation: "Wabo art. 3.9"
  after: {act: Application received}
  expect: {act: "Decision *"}
  within: {weeks: 8}
  extend: {by: {weeks: 6}, on: {act: Term extended}, max: 1}
  suspend: {from: {act: Documents requested}, until: {act: Documents supplied}}
"""


def answer_rule(rid: str, after: str = "Asked", expect: str = "Answered", **keys: str) -> str:
    """A ``response`` rule ``after`` → ``expect`` with the given keys (YAML text, as in a pack's list)."""
    extra = "".join(f"  {k}: {v}\n" for k, v in keys.items())
    return f'- id: {rid}\n  template: response\n  citation: "{rid}"\n  after: {after}\n  expect: {expect}\n{extra}'


def test_within_weeks_ends_at_the_end_of_the_last_day() -> None:
    h = county(pack(PERMIT))
    proc(h, "P-1", "Application received", "2024-03-01 13:40")
    proc(h, "P-1", "Decision granted", "2024-04-26 23:00")  # 8 weeks: 2 March … 26 April, to 24:00
    proc(h, "P-2", "Application received", "2024-03-01 13:40")
    late = proc(h, "P-2", "Decision refused", "2024-04-27 08:00")
    [v] = h.violations("T-DECIDE-8W")
    assert v.case == "P-2" and v.evidence[-1] == late.id
    assert v.detail["due"] == "2024-04-26T23:59:59.999999+08:00"


def test_within_months_counts_to_the_corresponding_day_or_the_last_day_of_the_month() -> None:
    src = pack(answer_rule("T-ONE-MONTH", within="{months: 1}"))
    h = county(src)
    proc(h, "M-1", "Asked", "2024-01-31 10:00")
    proc(h, "M-1", "Answered", "2024-02-29 18:00")  # no 31 February: the month's last day
    proc(h, "M-2", "Asked", "2024-01-31 10:00")
    proc(h, "M-2", "Answered", "2024-03-01 09:00")
    assert [v.case for v in h.violations("T-ONE-MONTH")] == ["M-2"]


def test_ends_exact_keeps_the_clock_time_and_hours_are_exact_by_default() -> None:
    src = pack(
        answer_rule("T-2D-EXACT", within="{days: 2}", ends="exact")
        + answer_rule("T-48H", within="{hours: 48}")
        + answer_rule("T-2D", within="{days: 2}")
    )
    h = county(src)
    proc(h, "E-1", "Asked", "2024-03-01 13:40")
    proc(h, "E-1", "Answered", "2024-03-03 15:00")  # after 48 h, but on the last day
    assert [v.rule for v in h.all_violations()] == ["T-2D-EXACT", "T-48H"]


def test_extend_by_weeks_once_moves_the_due_and_the_violation_shows_it() -> None:
    h = county(pack(PERMIT))
    proc(h, "P-1", "Application received", "2024-03-01 10:00")
    ext = proc(h, "P-1", "Term extended", "2024-04-20 10:00")
    proc(h, "P-1", "Decision granted", "2024-06-07 12:00")  # within 8 + 6 weeks
    proc(h, "P-2", "Application received", "2024-03-01 10:00")
    ext2 = proc(h, "P-2", "Term extended", "2024-04-20 10:00")
    proc(h, "P-2", "Decision granted", "2024-06-08 12:00")
    [v] = h.violations("T-DECIDE-8W")
    assert v.case == "P-2"
    assert v.detail["due"] == "2024-06-07T23:59:59.999999+08:00"
    assert v.detail["initial_due"] == "2024-04-26T23:59:59.999999+08:00"
    assert v.detail["extensions"] == [ext2.id]
    assert ext.id != ext2.id


def test_an_extension_after_the_term_expired_does_not_revive_it() -> None:
    h = county(pack(PERMIT))
    proc(h, "P-1", "Application received", "2024-03-01 10:00")
    late = proc(h, "P-1", "Term extended", "2024-04-27 09:00")
    proc(h, "P-1", "Decision granted", "2024-05-10 12:00")
    [v] = h.violations("T-DECIDE-8W")
    assert v.detail["due"] == "2024-04-26T23:59:59.999999+08:00"
    assert v.detail["extensions_too_late"] == [late.id]


def test_extend_max_counts_only_the_first_extensions() -> None:
    h = county(pack(PERMIT))
    proc(h, "P-1", "Application received", "2024-03-01 10:00")
    proc(h, "P-1", "Term extended", "2024-04-01 10:00")
    proc(h, "P-1", "Term extended", "2024-05-01 10:00")  # a second extension: the statute allows one
    proc(h, "P-1", "Decision granted", "2024-06-10 12:00")
    [v] = h.violations("T-DECIDE-8W")
    assert v.detail["due"] == "2024-06-07T23:59:59.999999+08:00" and len(v.detail["extensions"]) == 1


def test_extend_to_a_new_due_date_the_extension_act_carries() -> None:
    src = pack(
        """
        - id: T-ITEM
          template: deadline
          citation: "§1"
          due: {field: deadline}
          expect: Completed
          extend: {to: {field: new_deadline}, on: Extension approved}
        """
    )
    h = county(src)
    proc(h, "I-1", "Registered", "2024-03-01 10:00", deadline="2024-03-15")
    proc(h, "I-1", "Extension approved", "2024-03-14 10:00", new_deadline="2024-03-31")
    proc(h, "I-1", "Completed", "2024-03-30 10:00")
    proc(h, "I-2", "Registered", "2024-03-01 10:00", deadline="2024-03-15")
    proc(h, "I-2", "Extension approved", "2024-03-16 10:00", new_deadline="2024-03-31")  # too late
    proc(h, "I-2", "Completed", "2024-03-30 10:00")
    [v] = h.violations("T-ITEM")
    assert v.case == "I-2" and v.detail["due"] == "2024-03-15T23:59:59.999999+08:00"


def test_suspend_stops_the_clock_and_the_violation_shows_the_days_suspended() -> None:
    h = county(pack(PERMIT))
    proc(h, "P-1", "Application received", "2024-03-01 10:00")
    ask = proc(h, "P-1", "Documents requested", "2024-03-10 10:00")
    got = proc(h, "P-1", "Documents supplied", "2024-03-24 16:00")  # 14 days stopped: due 10 May
    proc(h, "P-1", "Decision granted", "2024-05-10 12:00")
    proc(h, "P-2", "Application received", "2024-03-01 10:00")
    proc(h, "P-2", "Documents requested", "2024-03-10 10:00")
    proc(h, "P-2", "Documents supplied", "2024-03-24 16:00")
    proc(h, "P-2", "Decision granted", "2024-05-11 09:00")
    [v] = h.violations("T-DECIDE-8W")
    assert v.case == "P-2"
    assert v.detail["days_suspended"] == 14 and v.detail["due"] == "2024-05-10T23:59:59.999999+08:00"
    assert ask.id != got.id


def test_a_decision_while_the_clock_stands_still_is_in_time() -> None:
    h = county(pack(PERMIT))
    proc(h, "P-1", "Application received", "2024-03-01 10:00")
    proc(h, "P-1", "Documents requested", "2024-04-20 10:00")
    proc(h, "P-1", "Decision refused", "2024-06-01 10:00")  # documents never came: refused, in time
    assert h.violations("T-DECIDE-8W") == []


def test_a_suspended_term_owes_nothing_to_the_clock_until_it_runs_again() -> None:
    h = county(pack(PERMIT))
    proc(h, "P-1", "Application received", "2024-03-01 10:00")
    proc(h, "P-1", "Documents requested", "2024-03-10 10:00")
    assert h.tick("2024-12-31 00:00") == []  # stopped: nothing is overdue
    proc(h, "P-1", "Documents supplied", "2024-03-24 16:00")
    [missed] = h.tick("2024-12-31 00:00")
    assert missed.get("due") is not None and missed.at.date().isoformat() == "2024-05-10"
    [v] = h.violations("T-DECIDE-8W")
    assert v.evidence[-1] == missed.id and v.detail["days_suspended"] == 14


def test_a_miss_recorded_for_a_due_an_extension_later_moved_no_longer_counts() -> None:
    h = county(pack(PERMIT))
    proc(h, "P-1", "Application received", "2024-03-01 10:00")
    [first] = h.tick("2024-04-27 00:00")  # the clock records the 8-week miss
    assert h.violations("T-DECIDE-8W")[0].evidence[-1] == first.id
    proc(h, "P-1", "Term extended", "2024-04-20 10:00")  # recorded late, granted in time
    assert h.violations("T-DECIDE-8W") == []  # the recorded miss was for a due that moved
    [second] = h.tick("2024-06-08 00:00")
    [v] = h.violations("T-DECIDE-8W")
    assert v.evidence[-1] == second.id


def test_per_act_due_dates_each_task_by_its_own_due_date() -> None:
    src = pack(
        """
        - id: T-TASK-BY-DUE
          template: response
          citation: "§1"
          after: {act: Task created}
          expect: {act: Task done}
          due: {field: dueDate}
          correlate: task
        """
    )
    h = county(src)
    proc(h, "K-1", "Task created", "2024-03-01 10:00", task="t1", dueDate="2024-03-05")
    proc(h, "K-1", "Task created", "2024-03-01 10:05", task="t2", dueDate="2024-03-20")
    proc(h, "K-1", "Task created", "2024-03-01 10:06", task="t3")  # no due date: owes nothing by one
    proc(h, "K-1", "Task done", "2024-03-10 10:00", task="t2")
    late = proc(h, "K-1", "Task done", "2024-03-12 10:00", task="t1")
    [v] = h.violations("T-TASK-BY-DUE")
    assert v.evidence[-1] == late.id and v.detail["due"] == "2024-03-05T23:59:59.999999+08:00"
    assert h.tick("2024-12-31 00:00") == []


def test_a_response_due_field_is_read_from_the_trigger_only() -> None:
    src = pack(
        """
        - id: T-BAD
          template: response
          citation: "§1"
          after: A
          expect: B
          due: {field: dueDate, of: C}
        """
    )
    with pytest.raises(PackError, match=r"due\.of"):
        load_pack(src)
    clash = PERMIT.replace("{act: Term extended}", "{act: Decision term extended}")
    with pytest.raises(PackError, match=r"matches both 'expect' and 'extend\.on'"):
        load_pack(pack(clash))
    with pytest.raises(PackError, match="exactly one of 'within' or 'due'"):
        load_pack(src.replace("due: {field: dueDate, of: C}", "citation2: x").replace("  citation2: x\n", ""))


def test_working_days_count_on_the_jurisdictions_calendar() -> None:
    src = pack(answer_rule("T-5WD", within="{working_days: 5}"))
    # Tuesday 1 October 2024: a Dutch working day, China's National Day
    cn = county(src)
    proc(cn, "W-1", "Asked", "2024-09-30 10:00")
    proc(cn, "W-1", "Answered", "2024-10-09 10:00")  # CN: 5 working days after 30 Sept end on 12 Oct (调休)
    assert cn.violations("T-5WD") == []
    nl = county(src)
    nl.org("calendar_set", calendar="NL")
    proc(nl, "W-1", "Asked", "2024-09-30 10:00")
    proc(nl, "W-1", "Answered", "2024-10-09 10:00")  # NL: due Monday 7 October
    [v] = nl.violations("T-5WD")
    assert v.detail["due"].startswith("2024-10-07")


def test_a_jurisdictions_own_closed_days_move_working_day_terms() -> None:
    src = pack(answer_rule("T-1WD", within="{working_days: 1}"))
    h = county(src)
    h.org("day_closed", date="2024-03-06", reason="防汛停止办公")
    proc(h, "W-1", "Asked", "2024-03-05 10:00")
    proc(h, "W-1", "Answered", "2024-03-07 10:00")  # the 6th was closed: due the 7th
    assert h.violations("T-1WD") == []


def test_ends_end_of_working_day_rolls_a_holiday_last_day() -> None:
    src = pack(answer_rule("T-5D", within="{days: 5}", ends="end_of_working_day"))  # 民法典 第二百零三条
    h = county(src)
    proc(h, "R-1", "Asked", "2024-09-26 10:00")  # 5 days end on 1 October (National Day) → 8 October
    proc(h, "R-1", "Answered", "2024-10-08 16:00")
    assert h.violations("T-5D") == []


def test_the_building_permit_example_in_the_docs_counts_as_the_docs_say() -> None:
    import re
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "rule-language.md").read_text(encoding="utf-8")
    [src] = [b for b in re.findall(r"```yaml\n(.*?)```", docs, re.S) if "pack: permit-demo" in b]
    h = county(src, adopt="permit-demo", since="2010-01-01")
    proc(h, "B-1", "Application received", "2024-03-01 10:00")
    ask = proc(h, "B-1", "Missing documents requested", "2024-03-10 10:00")
    got = proc(h, "B-1", "Missing documents supplied", "2024-03-24 10:00")
    ext = proc(h, "B-1", "Decision term extended", "2024-04-20 10:00")
    proc(h, "B-1", "Permit granted", "2024-06-22 10:00")
    [v] = h.violations("PRM-DECIDE-8W")
    assert v.detail["due"] == "2024-06-21T23:59:59.999999+08:00"
    assert v.detail["initial_due"] == "2024-04-26T23:59:59.999999+08:00"
    assert v.detail["extensions"] == [ext.id] and v.detail["days_suspended"] == 14
    assert v.detail["suspensions"] == [[ask.id, got.id]]
    assert v.message_en.startswith("permit not decided in time: ")

"""The YAML rule language (自定义规则包): packs written for the test, loaded through the org chart.

Every pack here is YAML only: it reaches the engine the way a county's would — a
``pack_defined`` act carrying the text and a ``pack_adopted`` act putting it in force —
and its violations come out of the same evaluation as the built-in catalog's. One test (or
a pair: breaking / passing) per template, then conditions, effective dates, the clock,
errors that name the line, and the built-in rules re-expressed in YAML
(``examples/packs/builtin-equivalents.yaml``) giving the same violating cases as the
built-in rules.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from domain.errors import LedgerError
from domain.rules.engine import Evaluator
from domain.rules.packs import PACKS
from domain.rules.yamlpack import PackError, compile_packs, load_pack
from tests.rules.history import History

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "packs"
DOCS = ROOT / "docs" / "rule-language.md"


@pytest.fixture(autouse=True)
def _restore_packs() -> Iterator[None]:
    """Packs these tests define are registered globally by compile_packs: forget them after."""
    saved = dict(PACKS)
    yield
    PACKS.clear()
    PACKS.update(saved)


HEADER = """\
pack: t-pack
name: {zh: 测试县自定规则, en: Test county's own rules}
effective_from: 2015-01-01
rules:
"""


def pack(rules: str, header: str = HEADER) -> str:
    """A pack's YAML: the header and the rules (a YAML list, indented under ``rules:``)."""
    return header + textwrap.indent(textwrap.dedent(rules).strip("\n"), "  ") + "\n"


def county(*sources: str, adopt: str = "t-pack", since: str = "2015-01-01") -> History:
    """The test county with its own pack(s) defined and ``adopt`` in force from ``since``."""
    h = History(None)
    for src in sources:
        pid = re.search(r"^pack:\s*(\S+)", src, re.M)
        assert pid is not None
        h.org("pack_defined", pack=pid.group(1), source=src)
    h.org("pack_adopted", pack=adopt, **{"from": since})
    return h


def proc(h: History, case: str, act: str, at: str, *, by: str = "p-staff", unit: str = "u-fgj", **data: object):
    """An act of an imported process (the open ``process`` kind)."""
    return h.add("process", case, act, at, by=by, unit=unit, **data)


SUBMIT = "Declaration SUBMITTED by EMPLOYEE"
ADMIN = "Declaration APPROVED by ADMINISTRATION"
FINAL_SUP = "Declaration FINAL_APPROVED by SUPERVISOR"
FINAL_DIR = "Declaration FINAL_APPROVED by DIRECTOR"
REQUEST = "Request Payment"
PAY = "Payment Handled"


# ==== precedence =================================================================================
PAY_AFTER_FINAL = """
- id: T-PAY-AFTER-FINAL
  template: precedence
  citation: "差旅报销规定 §4"
  severity: high
  message:
    zh: "{case}：{act} 之前没有 {required}"
    en: "{case}: {act} before any {required} (by {by})"
  when: {act: Payment Handled}
  requires: {act: [Declaration FINAL_APPROVED by SUPERVISOR, Declaration FINAL_APPROVED by DIRECTOR]}
"""


def test_precedence_payment_without_a_final_approval_is_flagged_with_the_packs_article() -> None:
    h = county(pack(PAY_AFTER_FINAL))
    proc(h, "D-1", SUBMIT, "2018-01-02 09:00")
    proc(h, "D-1", ADMIN, "2018-01-03 09:00", by="p-od", unit="u-office")
    pay = proc(h, "D-1", PAY, "2018-01-05 09:00", by="p-czj", unit="u-czj")
    [v] = h.violations("T-PAY-AFTER-FINAL")
    assert v.article == "t-pack:差旅报销规定 §4"
    assert (v.pack, v.family, v.severity, v.kind, v.case) == ("t-pack", "T", "high", "process", "D-1")
    assert v.evidence == (pay.id,)
    assert v.person == "p-czj"
    assert v.message_zh == f"D-1：{PAY} 之前没有 {FINAL_SUP} / {FINAL_DIR}"
    assert v.message_en == f"D-1: {PAY} before any {FINAL_SUP} / {FINAL_DIR} (by p-czj)"
    assert v.detail["template"] == "precedence"


def test_precedence_payment_after_a_final_approval_passes() -> None:
    h = county(pack(PAY_AFTER_FINAL))
    proc(h, "D-1", SUBMIT, "2018-01-02 09:00")
    proc(h, "D-1", FINAL_DIR, "2018-01-03 09:00", by="p-head", unit="u-gov")
    proc(h, "D-1", PAY, "2018-01-05 09:00")
    # an approval recorded at the very same time as the payment counts as before it
    proc(h, "D-2", FINAL_SUP, "2018-01-05 09:00")
    proc(h, "D-2", PAY, "2018-01-05 09:00")
    assert h.violations("T-PAY-AFTER-FINAL") == []


def test_precedence_approval_after_the_payment_does_not_cure_it() -> None:
    h = county(pack(PAY_AFTER_FINAL))
    pay = proc(h, "D-1", PAY, "2018-01-05 09:00")
    proc(h, "D-1", FINAL_SUP, "2018-01-06 09:00")
    [v] = h.violations("T-PAY-AFTER-FINAL")
    assert v.evidence == (pay.id,)


def test_precedence_default_message_names_both_acts() -> None:
    src = pack(
        """
        - id: T-ADMIN-BEFORE-FINAL
          template: precedence
          citation: "§3"
          when: {act: Declaration FINAL_APPROVED by SUPERVISOR}
          requires: Declaration APPROVED by ADMINISTRATION
        """
    )
    h = county(src)
    proc(h, "D-1", FINAL_SUP, "2018-01-03 09:00")
    [v] = h.violations("T-ADMIN-BEFORE-FINAL")
    assert v.severity == "medium"  # the default
    assert FINAL_SUP in v.message_zh and ADMIN in v.message_zh
    assert v.message_en == f"'{FINAL_SUP}' without a prior '{ADMIN}'"


# ==== response ====================================================================================
PAY_WITHIN = """
- id: T-PAY-WITHIN-5D
  template: response
  citation: "§5"
  severity: low
  message:
    zh: "{act} 后 {limit}内应有 {required}：{delay}（期限 {due}）"
    en: "{required} due {limit} after {act}: {delay} (due {due})"
  after: {act: Request Payment}
  expect: {act: Payment Handled}
  within: {days: 5}
"""


def test_response_late_answer_is_flagged_with_the_delay() -> None:
    h = county(pack(PAY_WITHIN))
    req = proc(h, "D-1", REQUEST, "2018-01-02 10:00")
    pay = proc(h, "D-1", PAY, "2018-01-09 10:00")
    [v] = h.violations("T-PAY-WITHIN-5D")
    assert v.article == "t-pack:§5" and v.severity == "low"
    assert v.evidence == (req.id, pay.id)
    # a term in days ends at the end of its last day (the 5th day after the request's)
    end = "2018-01-07T23:59:59.999999+08:00"
    assert v.message_zh == f"{REQUEST} 后 5 天内应有 {PAY}：晚 34.0 小时（期限 {end}）"
    assert v.message_en == f"{PAY} due 5 days after {REQUEST}: 34.0 h late (due {end})"
    assert v.detail["due"] == end


def test_response_in_time_passes() -> None:
    h = county(pack(PAY_WITHIN))
    proc(h, "D-1", REQUEST, "2018-01-02 10:00")
    proc(h, "D-1", PAY, "2018-01-07 23:59")  # on the last day of the term
    assert h.violations("T-PAY-WITHIN-5D") == []


def test_response_missing_answer_is_owed_to_the_clock_then_flagged() -> None:
    h = county(pack(PAY_WITHIN))
    req = proc(h, "D-1", REQUEST, "2018-01-02 10:00")
    assert h.violations("T-PAY-WITHIN-5D") == []  # not yet due
    assert h.tick("2018-01-07 09:59") == []
    [missed] = h.tick("2018-01-08 00:00")
    assert missed.act == "deadline_missed"
    assert missed.get("rule") == "T-PAY-WITHIN-5D" and missed.get("key") == req.id
    [v] = h.violations("T-PAY-WITHIN-5D")
    assert v.evidence == (req.id, missed.id)
    assert "逾期未办" in v.message_zh and "missing" in v.message_en
    assert h.tick("2018-01-09 00:00") == []  # recorded once
    # the payment arriving later does not undo the miss: it is then late
    proc(h, "D-1", PAY, "2018-01-10 10:00")
    [v] = h.violations("T-PAY-WITHIN-5D")
    assert "晚" in v.message_zh


def test_response_counts_working_days_on_the_official_calendar() -> None:
    src = pack(
        """
        - id: T-ACK-1WD
          template: response
          kinds: [service_request]
          citation: "§1"
          after: received
          expect: {act: [completed, refused, referred]}
          within: {working_days: 1}
        """
    )
    h = county(src)
    # Friday 2024-03-08 → due at the end of Monday 2024-03-11
    h.add("service_request", "R-1", "received", "2024-03-08 10:00", matter="开具证明")
    h.add("service_request", "R-1", "completed", "2024-03-11 18:00")
    h.add("service_request", "R-2", "received", "2024-03-08 10:00", matter="开具证明")
    done = h.add("service_request", "R-2", "completed", "2024-03-12 09:00")
    [v] = h.violations("T-ACK-1WD")
    assert v.case == "R-2" and done.id in v.evidence
    assert v.kind == "service_request"


def test_response_each_trigger_owes_its_own_answer() -> None:
    h = county(pack(PAY_WITHIN))
    proc(h, "D-1", REQUEST, "2018-01-02 10:00")
    proc(h, "D-1", PAY, "2018-01-03 10:00")
    second = proc(h, "D-1", REQUEST, "2018-02-01 10:00")
    [missed] = h.tick("2018-03-01 00:00")
    assert missed.get("key") == second.id
    [v] = h.violations("T-PAY-WITHIN-5D")
    assert second.id in v.evidence


# ==== deadline ====================================================================================
PERMIT = """
- id: T-PERMIT-BY-DEADLINE
  template: deadline
  citation: "Wabo §2"
  severity: high
  message: {zh: "{case} 应于 {due} 前 {required}：{delay}", en: "{case}: {required} due {due}: {delay}"}
  due: {field: "case:deadline"}
  expect: {act: T10 Determine necessity to stop indication}
"""
STOP = "T10 Determine necessity to stop indication"


def test_deadline_read_from_a_data_field_late_is_flagged() -> None:
    h = county(pack(PERMIT))
    first = proc(
        h, "P-1", "Confirmation of receipt", "2024-03-01 10:00", **{"case:deadline": "2024-03-10T12:00:00+01:00"}
    )
    done = proc(h, "P-1", STOP, "2024-03-10 20:00")  # 20:00 Beijing = 13:00 +01:00
    [v] = h.violations("T-PERMIT-BY-DEADLINE")
    assert v.article == "t-pack:Wabo §2" and v.severity == "high"
    assert v.evidence == (first.id, done.id)
    assert v.message_zh == f"P-1 应于 2024-03-10T12:00:00+01:00 前 {STOP}：晚 60 分钟"


def test_deadline_met_passes_and_a_bare_date_is_the_end_of_that_day() -> None:
    h = county(pack(PERMIT))
    proc(h, "P-1", "Confirmation of receipt", "2024-03-01 10:00", **{"case:deadline": "2024-03-10"})
    proc(h, "P-1", STOP, "2024-03-10 23:30")
    proc(h, "P-2", "Confirmation of receipt", "2024-03-01 10:00", **{"case:deadline": "2024-03-10T12:00:00+08:00"})
    proc(h, "P-2", STOP, "2024-03-10 11:00")
    proc(h, "P-3", "Confirmation of receipt", "2024-03-01 10:00")  # no deadline: not judged
    assert h.violations("T-PERMIT-BY-DEADLINE") == []
    assert h.tick("2024-04-01 00:00") == []


def test_deadline_whose_due_field_is_not_a_time_is_reported_not_judged() -> None:
    h = county(pack(PERMIT))
    first = proc(h, "P-1", "Confirmation of receipt", "2024-03-01 10:00", **{"case:deadline": "next week"})
    assert h.violations("T-PERMIT-BY-DEADLINE") == [] and h.tick("2024-04-01 00:00") == []
    [u] = h.unjudged("T-PERMIT-BY-DEADLINE")
    assert (u.act, u.field, u.value, u.pack) == (first.id, "data.case:deadline", "next week", "t-pack")


def test_deadline_missing_act_is_recorded_by_the_clock_and_flagged() -> None:
    h = county(pack(PERMIT))
    first = proc(h, "P-1", "Confirmation of receipt", "2024-03-01 10:00", **{"case:deadline": "2024-03-10"})
    assert h.tick("2024-03-10 23:00") == []
    [missed] = h.tick("2024-03-11 00:00")
    assert missed.get("rule") == "T-PERMIT-BY-DEADLINE"
    [v] = h.violations("T-PERMIT-BY-DEADLINE")
    assert v.evidence == (first.id, missed.id)
    assert v.message_en.endswith(": missing")


def test_deadline_of_a_selected_act_on_a_built_in_kind() -> None:
    src = pack(
        """
        - id: T-SUP-CLOSED
          template: deadline
          kinds: [supervision]
          citation: "第十二条"
          due: {field: deadline, of: {act: registered}}
          expect: {act: [completed, terminated]}
        """
    )
    h = county(src)
    reg = h.add(
        "supervision", "S-1", "registered", "2024-03-05 09:00", by="p-od", unit="u-office", deadline="2024-03-31"
    )
    h.add("supervision", "S-1", "completed", "2024-03-31 22:00")  # a date-only deadline: by the end of the day
    h.add("supervision", "S-2", "registered", "2024-03-05 09:00", by="p-od", unit="u-office", deadline="2024-03-31")
    late = h.add("supervision", "S-2", "completed", "2024-04-01 09:00")
    [v] = h.violations("T-SUP-CLOSED")
    assert v.case == "S-2" and late.id in v.evidence and reg.id not in v.evidence


# ==== absence =====================================================================================
def test_absence_act_that_must_not_occur_with_a_condition() -> None:
    src = pack(
        """
        - id: T-REFUSAL-WITHOUT-BASIS
          template: absence
          kinds: [service_request]
          citation: "第十一条"
          severity: low
          message: {zh: "{case}：{by} 不予办理而未说明法律依据", en: "{case}: refused by {by} without a legal basis"}
          when: {act: refused}
          condition: "not basis"
        """
    )
    h = county(src)
    h.add("service_request", "R-1", "received", "2024-03-05 09:00", by="p-sfj", unit="u-sfj")
    bad = h.add("service_request", "R-1", "refused", "2024-03-06 09:00", by="p-sfj", unit="u-sfj", reason="材料不全")
    h.add("service_request", "R-2", "received", "2024-03-05 09:00", by="p-sfj", unit="u-sfj")
    h.add("service_request", "R-2", "refused", "2024-03-06 09:00", by="p-sfj", unit="u-sfj", basis="《条例》第五条")
    [v] = h.violations("T-REFUSAL-WITHOUT-BASIS")
    assert v.case == "R-1" and v.evidence == (bad.id,)
    assert v.message_zh == "R-1：p-sfj 不予办理而未说明法律依据"
    assert v.article == "t-pack:第十一条" and v.severity == "low"


ONE_NOTICE = """
- id: T-ONE-NOTICE
  template: absence
  kinds: [service_request]
  citation: "第十一条"
  message: {zh: "第 {count} 次补正通知（最多 {limit} 次）", en: "notice number {count} (at most {limit})"}
  when: {act: materials_requested}
  at_most: 1
  before: {act: referred}
"""


def test_absence_at_most_once_flags_the_second_with_the_first_as_evidence() -> None:
    h = county(pack(ONE_NOTICE))
    h.add("service_request", "R-1", "received", "2024-03-05 09:00")
    first = h.add("service_request", "R-1", "materials_requested", "2024-03-05 10:00", items=["身份证"])
    second = h.add("service_request", "R-1", "materials_requested", "2024-03-07 10:00", items=["营业执照"])
    [v] = h.violations("T-ONE-NOTICE")
    assert v.evidence == (first.id, second.id)
    assert v.message_zh == "第 2 次补正通知（最多 1 次）"
    assert v.detail["count"] == 2


def test_absence_once_passes_and_only_acts_before_the_before_selector_count() -> None:
    h = county(pack(ONE_NOTICE))
    h.add("service_request", "R-1", "received", "2024-03-05 09:00")
    h.add("service_request", "R-1", "materials_requested", "2024-03-05 10:00", items=["身份证"])
    h.add("service_request", "R-1", "referred", "2024-03-05 11:00", to_unit="u-sfj")
    h.add("service_request", "R-1", "materials_requested", "2024-03-05 15:00", by="p-sfj", unit="u-sfj")
    assert h.violations("T-ONE-NOTICE") == []


# ==== chain =======================================================================================
CHAIN = """
- id: T-PAY-CHAIN
  template: chain
  citation: "§6"
  severity: high
  message: {zh: "{case}：付款前审批不全（{required}）", en: "{case}: approvals before payment: {required}"}
  before: {act: Payment Handled}
  steps:
    - Declaration SUBMITTED by EMPLOYEE
    - {act: Declaration APPROVED by ADMINISTRATION}
    - {act: [Declaration FINAL_APPROVED by SUPERVISOR, Declaration FINAL_APPROVED by DIRECTOR]}
"""


def test_chain_missing_step_is_named() -> None:
    h = county(pack(CHAIN))
    proc(h, "D-1", SUBMIT, "2018-01-02 09:00")
    proc(h, "D-1", FINAL_SUP, "2018-01-04 09:00")
    pay = proc(h, "D-1", PAY, "2018-01-05 09:00")
    [v] = h.violations("T-PAY-CHAIN")
    assert v.evidence == (pay.id,)
    assert v.detail["step"] == ADMIN
    assert v.message_zh == f"D-1：付款前审批不全（缺少「{ADMIN}」）"
    assert v.message_en == f"D-1: approvals before payment: missing '{ADMIN}'"


def test_chain_step_out_of_order_is_flagged_with_the_step_as_evidence() -> None:
    h = county(pack(CHAIN))
    proc(h, "D-1", SUBMIT, "2018-01-02 09:00")
    final = proc(h, "D-1", FINAL_SUP, "2018-01-03 09:00")
    proc(h, "D-1", ADMIN, "2018-01-04 09:00")
    pay = proc(h, "D-1", PAY, "2018-01-05 09:00")
    [v] = h.violations("T-PAY-CHAIN")
    assert v.evidence == (final.id, pay.id)
    assert "out of order" in v.message_en


def test_chain_complete_passes_even_with_a_rejection_loop_and_nothing_is_judged_before_payment() -> None:
    h = county(pack(CHAIN))
    proc(h, "D-1", SUBMIT, "2018-01-02 09:00")
    proc(h, "D-1", "Declaration REJECTED by ADMINISTRATION", "2018-01-03 09:00")
    proc(h, "D-1", SUBMIT, "2018-01-03 12:00")
    proc(h, "D-1", ADMIN, "2018-01-04 09:00")
    proc(h, "D-1", FINAL_DIR, "2018-01-04 12:00")
    proc(h, "D-1", PAY, "2018-01-05 09:00")
    proc(h, "D-2", SUBMIT, "2018-01-02 09:00")  # no payment yet: nothing to judge
    assert h.violations("T-PAY-CHAIN") == []


# ==== four_eyes ===================================================================================
FOUR_EYES = """
- id: T-FOUR-EYES
  template: four_eyes
  citation: "§7"
  severity: high
  message: {zh: "{by} 既办理「{required}」又办理「{act}」", en: "{by} did both '{required}' and '{act}'"}
  first: {act: Declaration SUBMITTED by EMPLOYEE, by_field: employee}
  second: {act: Declaration APPROVED by ADMINISTRATION}
"""


def test_four_eyes_same_person_on_both_sides_is_flagged() -> None:
    h = county(pack(FOUR_EYES))
    sub = proc(h, "D-1", SUBMIT, "2018-01-02 09:00", by="p-od", unit="u-office", employee="p-fgj")
    appr = proc(h, "D-1", ADMIN, "2018-01-03 09:00", by="p-fgj")
    [v] = h.violations("T-FOUR-EYES")
    assert v.evidence == (sub.id, appr.id)
    assert v.person == "p-fgj"
    assert v.message_zh == f"p-fgj 既办理「{SUBMIT}」又办理「{ADMIN}」"


def test_four_eyes_different_people_pass() -> None:
    h = county(pack(FOUR_EYES))
    proc(h, "D-1", SUBMIT, "2018-01-02 09:00", employee="p-staff")
    proc(h, "D-1", ADMIN, "2018-01-03 09:00", by="p-od", unit="u-office")
    proc(h, "D-2", SUBMIT, "2018-01-02 09:00")  # no employee field: nobody to compare on that side
    proc(h, "D-2", ADMIN, "2018-01-03 09:00")
    assert h.violations("T-FOUR-EYES") == []


# ==== escalation ==================================================================================
def test_escalation_more_than_max_in_a_sliding_window_across_cases() -> None:
    src = pack(
        """
        - id: T-COMPLAINTS
          template: escalation
          citation: "§8"
          message: {zh: "{count} 次投诉（30 天内最多 {limit} 次）", en: "{count} complaints in 30 days (at most {limit})"}
          when: {act: Complaint Received}
          per: data.officer
          window: {days: 30}
          max: 2
        """
    )
    h = county(src)
    c1 = proc(h, "C-1", "Complaint Received", "2024-03-01 10:00", officer="O-7")
    c2 = proc(h, "C-2", "Complaint Received", "2024-03-10 10:00", officer="O-7")
    proc(h, "C-3", "Complaint Received", "2024-03-12 10:00", officer="O-8")
    c4 = proc(h, "C-4", "Complaint Received", "2024-03-20 10:00", officer="O-7", unit="u-sfj")
    proc(h, "C-5", "Complaint Received", "2024-06-01 10:00", officer="O-7")  # the window has moved on
    [v] = h.violations("T-COMPLAINTS")
    assert v.case == "C-4" and v.unit == "u-sfj"
    assert v.evidence == (c1.id, c2.id, c4.id)
    assert v.message_zh == "3 次投诉（30 天内最多 2 次）"
    assert v.detail["group"] == "O-7"


def test_escalation_spread_out_passes() -> None:
    src = pack(
        """
        - id: T-COMPLAINTS
          template: escalation
          citation: "§8"
          when: Complaint Received
          per: data.officer
          window: {days: 30}
          max: 2
        """
    )
    h = county(src)
    for i, day in enumerate(("2024-01-01", "2024-02-05", "2024-03-10", "2024-04-15")):
        proc(h, f"C-{i}", "Complaint Received", f"{day} 10:00", officer="O-7")
    assert h.violations("T-COMPLAINTS") == []


WARN = """
- id: T-WARN-AFTER-TWO
  template: escalation
  citation: "第二十一条"
  severity: high
  when: {act: Breach Recorded, by_field: person}
  per: by
  max: 2
  then: {act: Warning Issued, by_field: person}
"""


def test_escalation_then_missing_after_the_nth_is_flagged() -> None:
    h = county(pack(WARN))
    b1 = proc(h, "B-1", "Breach Recorded", "2024-03-01 10:00", by="p-od", unit="u-office", person="p-staff")
    b2 = proc(h, "B-2", "Breach Recorded", "2024-04-01 10:00", by="p-od", unit="u-office", person="p-staff")
    proc(h, "B-3", "Breach Recorded", "2024-04-02 10:00", by="p-od", unit="u-office", person="p-fgj")
    [v] = h.violations("T-WARN-AFTER-TWO")
    assert v.case == "B-2" and v.evidence == (b1.id, b2.id)
    assert v.person == "p-staff"
    assert "Warning Issued" in v.message_en


def test_escalation_then_present_passes_and_restarts_the_count() -> None:
    h = county(pack(WARN))
    proc(h, "B-1", "Breach Recorded", "2024-03-01 10:00", by="p-od", unit="u-office", person="p-staff")
    proc(h, "B-2", "Breach Recorded", "2024-04-01 10:00", by="p-od", unit="u-office", person="p-staff")
    proc(h, "W-1", "Warning Issued", "2024-04-03 10:00", by="p-head", unit="u-gov", person="p-staff")
    proc(h, "B-4", "Breach Recorded", "2024-05-01 10:00", by="p-od", unit="u-office", person="p-staff")
    assert h.violations("T-WARN-AFTER-TWO") == []


# ==== quorum ======================================================================================
QUORUM = """
- id: T-COMMITTEE-QUORUM
  template: quorum
  citation: "§9"
  severity: high
  message: {zh: "{act}：应到 {required}、实到 {count}，未{limit}", en: "{act}: {count} of {required}, not {limit}"}
  when: {act: Committee Vote}
  present_field: present
  members_field: members
  at_least: "2/3"
"""


def test_quorum_below_the_fraction_is_flagged() -> None:
    h = county(pack(QUORUM))
    vote = proc(h, "Q-1", "Committee Vote", "2024-03-01 10:00", present=["a", "b", "c"], members=6)
    [v] = h.violations("T-COMMITTEE-QUORUM")
    assert v.evidence == (vote.id,)
    assert v.message_zh == "Committee Vote：应到 6、实到 3，未达到 2/3"
    assert v.message_en == "Committee Vote: 3 of 6, not at least 2/3"


def test_quorum_at_least_is_inclusive_and_numeric_strings_count() -> None:
    h = county(pack(QUORUM))
    proc(h, "Q-1", "Committee Vote", "2024-03-01 10:00", present=["a", "b", "c", "d"], members=6)  # 4/6 = 2/3
    proc(h, "Q-2", "Committee Vote", "2024-03-01 10:00", present="5", members="6")
    proc(h, "Q-3", "Committee Vote", "2024-03-01 10:00", present=["a"])  # no member count: not judged
    assert h.violations("T-COMMITTEE-QUORUM") == []
    proc(h, "Q-4", "Committee Vote", "2024-03-01 10:00", present="3", members="6.0")
    assert [v.case for v in h.violations("T-COMMITTEE-QUORUM")] == ["Q-4"]


def test_quorum_more_than_is_strict_and_members_may_come_from_another_act() -> None:
    src = pack(
        """
        - id: T-EXEC-QUORUM
          template: quorum
          kinds: [meeting]
          citation: "四十六"
          when: convened
          present_field: present
          members_field: {field: members, of: {act: scheduled}}
          more_than: "1/2"
        """
    )
    h = county(src)
    members = ["p-head", "p-evh", "p-vh1", "p-vh2"]
    sch = h.add(
        "meeting", "M-1", "scheduled", "2024-03-01 09:00", by="p-od", unit="u-office", type="executive", members=members
    )
    conv = h.add(
        "meeting",
        "M-1",
        "convened",
        "2024-03-08 09:00",
        by="p-od",
        unit="u-office",
        chair="p-head",
        present=members[:2],
    )
    h.add(
        "meeting", "M-2", "scheduled", "2024-03-01 09:00", by="p-od", unit="u-office", type="executive", members=members
    )
    h.add(
        "meeting",
        "M-2",
        "convened",
        "2024-03-08 09:00",
        by="p-od",
        unit="u-office",
        chair="p-head",
        present=members[:3],
    )
    [v] = h.violations("T-EXEC-QUORUM")
    assert v.case == "M-1" and v.evidence == (sch.id, conv.id)
    assert v.detail["present"] == "2" and v.detail["members"] == "4"


# ==== conditions and selectors ===================================================================
BIG_PAYMENTS = """
- id: T-BIG-PAYMENT-DIRECTOR
  template: precedence
  citation: "§10"
  when: {act: Payment Handled, where: "amount > 1000"}
  requires: Declaration FINAL_APPROVED by DIRECTOR
"""


def test_condition_amount_over_1000_reads_numeric_strings_as_numbers() -> None:
    h = county(pack(BIG_PAYMENTS))
    proc(h, "D-1", FINAL_SUP, "2018-01-03 09:00")
    big = proc(h, "D-1", PAY, "2018-01-05 09:00", amount="1500.50")
    proc(h, "D-2", FINAL_SUP, "2018-01-03 09:00")
    proc(h, "D-2", PAY, "2018-01-05 09:00", amount=800)
    proc(h, "D-3", PAY, "2018-01-05 09:00")  # no amount: the comparison is false
    proc(h, "D-4", PAY, "2018-01-05 09:00", amount="1000")  # not more than 1000
    [v] = h.violations("T-BIG-PAYMENT-DIRECTOR")
    assert v.case == "D-1" and v.evidence == (big.id,)


def test_rule_level_condition_and_role_selector() -> None:
    src = pack(
        """
        - id: T-SUPERVISOR-AFTER-ADMIN
          template: precedence
          citation: "§3"
          condition: "amount >= 100 and budget in ['B-1', 'B-2']"
          when: {act: Declaration FINAL_APPROVED, role: [SUPERVISOR, DIRECTOR]}
          requires: {act: Declaration APPROVED, role: ADMINISTRATION}
        """
    )
    h = county(src)
    bad = proc(h, "D-1", "Declaration FINAL_APPROVED", "2018-01-03 09:00", role="SUPERVISOR", amount=150, budget="B-1")
    proc(h, "D-2", "Declaration APPROVED", "2018-01-02 09:00", role="ADMINISTRATION")
    proc(h, "D-2", "Declaration FINAL_APPROVED", "2018-01-03 09:00", role="DIRECTOR", amount=150, budget="B-2")
    proc(h, "D-3", "Declaration FINAL_APPROVED", "2018-01-03 09:00", role="SUPERVISOR", amount=50, budget="B-1")
    proc(h, "D-4", "Declaration FINAL_APPROVED", "2018-01-03 09:00", role="PRE_APPROVER", amount=150, budget="B-1")
    proc(h, "D-5", "Declaration APPROVED", "2018-01-02 09:00", role="BUDGET OWNER")
    proc(h, "D-5", "Declaration FINAL_APPROVED", "2018-01-03 09:00", role="SUPERVISOR", amount=150, budget="B-2")
    assert {(v.case, v.evidence) for v in h.violations("T-SUPERVISOR-AFTER-ADMIN")} == {
        ("D-1", (bad.id,)),
        ("D-5", (h.acts[-1].id,)),
    }


def test_a_countys_own_leave_rule_reads_the_built_in_leave_kind_with_a_rank_selector() -> None:
    src = pack(
        """
        - id: T-LEAVE-DELEGATE-FIRST
          template: precedence
          kinds: [leave]
          citation: "县请销假细则 第3条"
          severity: low
          when: {act: departed, rank: [dept_head, office_director]}
          requires: delegate_named
        """
    )
    h = county(src)
    h.add("leave", "L-1", "requested", "2024-03-01 09:00", by="p-fgj", start="2024-03-05 08:00", end="2024-03-06 18:00")
    dep = h.add("leave", "L-1", "departed", "2024-03-05 08:00", by="p-fgj")
    h.add(
        "leave", "L-2", "requested", "2024-03-01 09:00", by="p-staff", start="2024-03-05 08:00", end="2024-03-06 18:00"
    )
    h.add("leave", "L-2", "departed", "2024-03-05 08:00", by="p-staff")  # staff: not this rule's rank
    h.add(
        "leave",
        "L-3",
        "requested",
        "2024-03-01 09:00",
        by="p-sfj",
        unit="u-sfj",
        start="2024-03-05 08:00",
        end="2024-03-06 18:00",
    )
    h.add("leave", "L-3", "delegate_named", "2024-03-04 09:00", by="p-sfj", unit="u-sfj", person="p-staff")
    h.add("leave", "L-3", "departed", "2024-03-05 08:00", by="p-sfj", unit="u-sfj")
    [v] = h.violations("T-LEAVE-DELEGATE-FIRST")
    assert v.case == "L-1" and v.evidence == (dep.id,) and v.kind == "leave"
    assert v.article == "t-pack:县请销假细则 第3条"


def test_kinds_default_to_process_only() -> None:
    h = county(pack(PAY_AFTER_FINAL))
    h.add("leave", "L-1", "requested", "2018-01-01 09:00", start="2018-01-05 08:00", end="2018-01-06 18:00")
    proc(h, "D-1", PAY, "2018-01-05 09:00")
    assert [v.kind for v in h.all_violations()] == ["process"]


# ==== effective dates =============================================================================
def test_pack_effective_from_cases_opened_before_it_are_not_judged() -> None:
    src = pack(PAY_AFTER_FINAL, header=HEADER.replace("2015-01-01", "2018-01-01"))
    h = county(src, since="2015-01-01")
    proc(h, "D-1", SUBMIT, "2017-12-30 09:00")
    proc(h, "D-1", PAY, "2018-01-05 09:00")
    proc(h, "D-2", PAY, "2018-01-05 09:00")
    assert [v.case for v in h.violations("T-PAY-AFTER-FINAL")] == ["D-2"]
    assert PACKS["t-pack"].effective_from == date(2018, 1, 1)


def test_pack_adopted_from_decides_when_the_pack_judges() -> None:
    h = county(pack(PAY_AFTER_FINAL), since="2019-01-01")
    proc(h, "D-1", PAY, "2018-06-05 09:00")
    proc(h, "D-2", PAY, "2019-01-05 09:00")
    assert [v.case for v in h.violations("T-PAY-AFTER-FINAL")] == ["D-2"]


def test_rule_effective_from_acts_before_it_are_not_judged() -> None:
    src = pack(PAY_AFTER_FINAL.rstrip() + "\n  effective_from: 2018-06-01\n")
    h = county(src)
    proc(h, "D-1", PAY, "2018-05-31 23:00")
    late_case = proc(h, "D-1", PAY, "2018-06-01 09:00")
    [v] = h.violations("T-PAY-AFTER-FINAL")
    assert v.evidence == (late_case.id,)


def test_rule_effective_from_also_holds_the_clock_back() -> None:
    src = pack(PAY_WITHIN.rstrip() + "\n  effective_from: 2018-06-01\n")
    h = county(src)
    proc(h, "D-1", REQUEST, "2018-05-02 10:00")
    proc(h, "D-2", REQUEST, "2018-06-02 10:00")
    assert [a.case for a in h.tick("2018-07-01 00:00")] == ["D-2"]
    assert [v.case for v in h.violations("T-PAY-WITHIN-5D")] == ["D-2"]


def test_two_versions_of_a_pack_each_judge_their_own_period() -> None:
    v1 = pack(PAY_WITHIN, header=HEADER.replace("t-pack", "t-pack-v1"))
    v2 = pack(
        PAY_WITHIN.replace("{days: 5}", "{days: 3}").replace('"§5"', '"§5 (2019)"').replace("low", "high"),
        header=HEADER.replace("t-pack", "t-pack-v2"),
    )
    h = county(v1, v2, adopt="t-pack-v1", since="2015-01-01")
    h.org("pack_adopted", pack="t-pack-v2", **{"from": "2019-01-01"})
    for case, day in (("D-2018", "2018-03"), ("D-2019", "2019-03")):
        proc(h, case, REQUEST, f"{day}-01 10:00")
        proc(h, case, PAY, f"{day}-05 10:00")  # 4 days: in time under v1, late under v2
    [v] = h.violations("T-PAY-WITHIN-5D")
    assert (v.case, v.pack, v.article, v.severity) == ("D-2019", "t-pack-v2", "t-pack-v2:§5 (2019)", "high")
    # the clock owes each case what its own version says
    proc(h, "D-2018b", REQUEST, "2018-06-01 10:00")
    proc(h, "D-2019b", REQUEST, "2019-06-01 10:00")
    dues = {a.case: a.get("due") for a in h.tick("2020-01-01 00:00")}
    assert {k: v.day for k, v in dues.items()} == {"D-2018b": 6, "D-2019b": 4}
    assert {v.case for v in h.violations("T-PAY-WITHIN-5D")} == {"D-2019", "D-2018b", "D-2019b"}


# ==== errors name the line ========================================================================
BASE = """\
pack: t-pack
effective_from: 2017-01-01
rules:
  - id: T-ONE
    template: precedence
    citation: "§1"
    when: {act: B}
    requires: {act: A}
"""


@pytest.mark.parametrize(
    ("src", "line", "field", "words"),
    [
        (BASE + "    severity: urgent\n", 9, "severity", "'urgent' is not one of"),
        (BASE + "    within: {days: 3}\n", 9, "within", "not a field of template 'precedence'"),
        (BASE.replace("template: precedence", "template: precedense"), 5, "template", "unknown template"),
        (BASE.replace("    requires: {act: A}\n", ""), 4, "requires", "missing required field 'requires'"),
        (BASE.replace("when: {act: B}", "when: {act: B, wher: 'x > 1'}"), 7, "when.wher", "unknown field 'wher'"),
        (BASE.replace("when: {act: B}", "when: {}"), 7, "when", "non-empty"),
        (BASE.replace("2017-01-01", "2017-02-30"), 2, "effective_from", "invalid date"),
        (BASE.replace("2017-01-01", "soon"), 2, "effective_from", "wrong form"),
        (BASE.replace("id: T-ONE", "id: t_one"), 4, "id", "wrong form"),
        (BASE.replace("pack: t-pack", "pack: T Pack"), 1, "pack", "wrong form"),
        (BASE + "    citation: again\n", 9, "citation", "duplicate key"),
        (BASE.replace("when: {act: B}", "when: {act: B"), 8, None, "YAML syntax error"),
        (BASE.replace("rules:\n", "rules: []\nx:\n"), 3, "rules", "should be non-empty"),
    ],
)
def test_schema_and_yaml_errors_name_the_line(src: str, line: int, field: str | None, words: str) -> None:
    with pytest.raises(PackError) as ei:
        load_pack(src)
    e = ei.value
    assert e.line == line, str(e)
    assert e.field == field, str(e)
    assert words in e.message_en
    assert e.message_en.startswith(f"line {line}")
    assert e.message_zh.startswith(f"第 {line} 行")


@pytest.mark.parametrize(
    ("src", "line", "field", "words"),
    [
        (BASE.replace("when: {act: B}", "when: {act: B, where: 'amount >'}"), 7, "when.where", "syntax error"),
        (BASE.replace("when: {act: B}", "when: {act: B, rank: boss}"), 7, "when.rank", "unknown rank boss"),
        (BASE + "    kinds: [process, nope]\n", 9, "kinds", "unknown case kind 'nope'"),
        (BASE + "    kinds: [org]\n", 9, "kinds", "unknown case kind 'org'"),
        (BASE + BASE[BASE.index("  - id") :], 9, "id", "duplicate rule id 'T-ONE' (already defined on line 4)"),
        (BASE.replace("T-ONE", "INC-PHONE-DEADLINE"), 4, "id", "built-in catalog rule"),
        (BASE.replace("pack: t-pack", "pack: dongqu-2012"), 1, "pack", "built-in pack"),
        (BASE + "    message: 'late by {delay} {oops}'\n", 9, "message", "unknown placeholder {oops}"),
        (BASE + "    message: {en: '{count:>999999999}'}\n", 9, "message.en", "unknown placeholder"),
        (BASE + "    condition: 'x is None'\n", 9, "condition", "not allowed"),
    ],
)
def test_semantic_errors_name_the_line_rule_and_field(src: str, line: int, field: str, words: str) -> None:
    with pytest.raises(PackError) as ei:
        load_pack(src)
    e = ei.value
    assert (e.line, e.field) == (line, field), str(e)
    assert e.rule in ("T-ONE", "INC-PHONE-DEADLINE", None)
    assert words in e.message_en, e.message_en
    assert isinstance(e, LedgerError) and e.as_dict()["line"] == line


def test_a_hostile_condition_is_refused_at_load_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    for expr in (
        f"__import__('os').system('touch {marker}')",
        "().__class__.__bases__[0].__subclasses__()",
        "(lambda: open('/etc/passwd'))()",
        "amount.__class__",
        "[x for x in range(10**9)]",
    ):
        src = BASE.replace("when: {act: B}", f"when:\n      act: B\n      where: {json.dumps(expr)}")
        with pytest.raises(PackError) as ei:
            load_pack(src)
        assert ei.value.line == 9 and ei.value.field == "when.where"
    assert not marker.exists()


def test_yaml_tags_and_aliases_are_refused() -> None:
    with pytest.raises(PackError, match="anchors"):
        load_pack(BASE.replace("requires: {act: A}", "requires: &r {act: A}\n    first: *r"))
    with pytest.raises(PackError, match="YAML"):
        load_pack(BASE.replace('citation: "§1"', "citation: !!python/object/apply:os.system ['true']"))


def test_quorum_needs_exactly_one_fraction() -> None:
    src = BASE.replace("template: precedence", "template: quorum").replace(
        "    requires: {act: A}\n", "    present_field: p\n    members_field: m\n"
    )
    with pytest.raises(PackError, match="exactly one of 'more_than' or 'at_least'") as ei:
        load_pack(src)
    assert ei.value.line == 4
    with pytest.raises(PackError, match=r"\(0, 1\]"):
        load_pack(src + '    more_than: "3/2"\n')


def test_a_broken_pack_judges_nothing_and_the_evaluator_keeps_its_error() -> None:
    h = county(BASE + "    severity: urgent\n")
    ev = Evaluator(h.orgchart())
    assert set(ev.pack_errors) == {"t-pack"} and ev.pack_errors["t-pack"].field == "severity"
    assert not any(r.id.startswith("T-") for r in ev.rules or ())


# ==== compile_packs ===============================================================================
def test_compile_packs_caches_by_source_and_registers_the_pack() -> None:
    src = pack(PAY_AFTER_FINAL + PAY_WITHIN)
    first = compile_packs({"t-pack": src})
    again = compile_packs({"t-pack": src})
    assert [r.id for r in first] == ["T-PAY-AFTER-FINAL", "T-PAY-WITHIN-5D"]
    assert all(a is b for a, b in zip(first, again, strict=True))
    assert PACKS["t-pack"].seed.startswith("yaml:") and PACKS["t-pack"].name_en == "Test county's own rules"
    assert first[1].obligations is not None and first[0].obligations is None
    assert first[0].describe()["packs"]["t-pack"]["article"] == "t-pack:差旅报销规定 §4"
    assert compile_packs({}) == []


def test_compile_packs_refuses_a_source_defined_under_another_id() -> None:
    with pytest.raises(PackError, match="defined as 'other'"):
        compile_packs({"other": pack(PAY_AFTER_FINAL)})


def test_load_pack_reports_the_packs_identity() -> None:
    cp = load_pack(pack(PAY_AFTER_FINAL))
    assert (cp.id, cp.name_zh, cp.name_en, cp.effective_from) == (
        "t-pack",
        "测试县自定规则",
        "Test county's own rules",
        date(2015, 1, 1),
    )
    [r] = cp.rules
    assert (r.id, r.family, r.severity, r.kinds, r.scope) == ("T-PAY-AFTER-FINAL", "T", "high", ("process",), "case")


# ==== adding a pack needs no Python ================================================================
def _yaml_blocks(text: str) -> list[str]:
    return [b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if re.search(r"^pack:", b, re.M)]


def test_every_example_pack_and_every_pack_in_the_docs_compiles() -> None:
    files = sorted(EXAMPLES.glob("*.yaml"))
    assert any(f.name == "builtin-equivalents.yaml" for f in files)
    blocks = _yaml_blocks(DOCS.read_text(encoding="utf-8"))
    assert len(blocks) >= 4
    for src in [f.read_text(encoding="utf-8") for f in files] + blocks:
        cp = load_pack(src)
        assert cp.rules


def test_a_pack_from_the_docs_runs_through_the_org_chart() -> None:
    [src] = [b for b in _yaml_blocks(DOCS.read_text(encoding="utf-8")) if "bpi2020-domestic-demo" in b]
    h = county(src, adopt="bpi2020-domestic-demo", since="2017-01-01")
    proc(h, "D-1", SUBMIT, "2018-01-02 09:00", role="EMPLOYEE")
    proc(h, "D-1", FINAL_SUP, "2018-01-03 09:00", role="SUPERVISOR")
    proc(h, "D-1", REQUEST, "2018-01-04 09:00", role="UNDEFINED")
    proc(h, "D-1", PAY, "2018-01-05 09:00", role="UNDEFINED")
    proc(h, "D-2", SUBMIT, "2018-01-02 09:00", role="EMPLOYEE")
    proc(h, "D-2", ADMIN, "2018-01-02 12:00", role="ADMINISTRATION")
    proc(h, "D-2", FINAL_SUP, "2018-01-03 09:00", role="SUPERVISOR", amount="1200")
    proc(h, "D-2", REQUEST, "2018-01-04 09:00", role="UNDEFINED")
    proc(h, "D-2", PAY, "2018-01-05 09:00", role="UNDEFINED")
    vs = h.all_violations()
    assert {(v.case, v.rule) for v in vs} == {
        ("D-1", "BPI-FINAL-AFTER-ADMIN"),
        ("D-1", "BPI-APPROVAL-CHAIN"),
        ("D-2", "BPI-BIG-NEEDS-BUDGET-OWNER"),
    }
    assert all(v.article.startswith("bpi2020-domestic-demo:") for v in vs)


# ==== the built-in rules, re-expressed (examples/packs/builtin-equivalents.yaml) ==================
EQUIV_SRC = (EXAMPLES / "builtin-equivalents.yaml").read_text(encoding="utf-8")


def twins(builtin_pack: str) -> tuple[History, History]:
    """The same county judged by a built-in pack, and by the YAML equivalents."""
    builtin = History(builtin_pack)
    custom = History(None)
    custom.org("pack_defined", pack="builtin-equivalents", source=EQUIV_SRC)
    custom.org("pack_adopted", pack="builtin-equivalents", **{"from": "2012-06-01"})
    return builtin, custom


def same_cases(
    builtin_pack: str,
    builtin_rules: tuple[str, ...],
    x_rule: str,
    scenario: Callable[[History], None],
    tick: str | None,
) -> set[str]:
    builtin, custom = twins(builtin_pack)
    for h in (builtin, custom):
        scenario(h)
        if tick:
            h.tick(tick)
    want = {v.case for r in builtin_rules for v in builtin.violations(r)}
    got = {v.case for v in custom.violations(x_rule)}
    assert got == want, (x_rule, got, want)
    return got


def _incidents(h: History) -> None:
    def occ(case: str, grade: str = "larger", **kw: object) -> None:
        h.add("incident", case, "occurred", "2024-03-05 10:00", by="p-fgj", unit="u-fgj", grade=grade, **kw)

    def rep(case: str, at: str, channel: str = "phone", level: str = "local_gov") -> None:
        h.add("incident", case, "reported", at, by="p-fgj", unit="u-fgj", channel=channel, to_level=level)

    occ("I-1")
    rep("I-1", "2024-03-05 10:35")  # in time
    occ("I-2")
    rep("I-2", "2024-03-05 10:45")  # 5 min late
    occ("I-3")
    rep("I-3", "2024-03-05 10:20", "written")
    rep("I-3", "2024-03-05 11:00")  # phone late after a written report
    occ("I-4")  # never reported: the clock
    occ("I-5", grade="general")
    rep("I-5", "2024-03-05 12:00")  # no limit for general incidents under standardization
    occ("I-6")
    rep("I-6", "2024-03-05 10:39", level="city_gov")


def _supervision(h: History) -> None:
    def reg(case: str, deadline: str) -> None:
        h.add(
            "supervision",
            case,
            "registered",
            "2024-03-05 09:00",
            by="p-od",
            unit="u-office",
            deadline=deadline,
            source="meeting",
            responsible_unit="u-fgj",
        )

    reg("S-1", "2024-03-31")
    h.add("supervision", "S-1", "completed", "2024-03-29 10:00", by="p-fgj", report=True)
    reg("S-2", "2024-03-31")
    h.add("supervision", "S-2", "completed", "2024-04-02 10:00", by="p-fgj", report=True)
    reg("S-3", "2024-03-31")
    h.add("supervision", "S-3", "completed", "2024-03-31 23:00", by="p-fgj", report=True)
    reg("S-4", "2024-03-31")  # never closed: the clock
    reg("S-5", "2024-03-20T17:00:00+08:00")
    h.add(
        "supervision", "S-5", "terminated", "2024-03-21 09:00", by="p-vh1", unit="u-gov", note="停止", signed_by="p-vh1"
    )


M8 = ["p-head", "p-evh", "p-vh1", "p-vh2", "p-od", "p-fgj", "p-sfj", "p-czj"]


def _meetings(h: History) -> None:
    for case, typ, present in (
        ("M-1", "executive", M8[:4]),  # exactly half: not more than 1/2
        ("M-2", "executive", M8[:5]),
        ("M-3", "executive", M8[:2]),
        ("M-4", "plenary", M8[:2]),  # changle sets no quorum for the plenary
    ):
        h.add("meeting", case, "scheduled", "2024-03-01 09:00", by="p-od", unit="u-office", type=typ, members=M8)
        h.add(
            "meeting", case, "convened", "2024-03-08 09:00", by="p-od", unit="u-office", chair="p-head", present=present
        )


def _leaves(h: History) -> None:
    def req(case: str, who: str, unit: str = "u-fgj") -> None:
        h.add(
            "leave",
            case,
            "requested",
            "2024-03-01 09:00",
            by=who,
            unit=unit,
            start="2024-03-05 08:00",
            end="2024-03-07 18:00",
        )

    req("L-1", "p-fgj")
    h.add("leave", "L-1", "approved", "2024-03-04 10:00", by="p-head", unit="u-gov")
    h.add("leave", "L-1", "departed", "2024-03-05 07:30", by="p-fgj")
    req("L-2", "p-fgj")
    h.add("leave", "L-2", "departed", "2024-03-05 07:30", by="p-fgj")
    h.add("leave", "L-2", "approved", "2024-03-05 10:00", by="p-head", unit="u-gov")  # approved after leaving
    req("L-3", "p-vh1", "u-gov")
    h.add("leave", "L-3", "departed", "2024-03-05 08:00", by="p-vh1", unit="u-gov")  # never approved
    req("L-4", "p-staff")
    h.add("leave", "L-4", "departed", "2024-03-05 08:00", by="p-staff")  # staff: outside the clause


def _service(h: History) -> None:
    def rec(case: str) -> None:
        h.add("service_request", case, "received", "2024-03-05 09:00", matter="营业执照", time_limit_working_days=5)

    rec("R-1")
    h.add("service_request", "R-1", "materials_requested", "2024-03-05 10:00", items=["身份证"])
    h.add("service_request", "R-1", "materials_requested", "2024-03-07 10:00", items=["营业执照"])
    rec("R-2")
    h.add("service_request", "R-2", "materials_requested", "2024-03-05 10:00", items=["身份证", "营业执照"])
    h.add("service_request", "R-2", "completed", "2024-03-07 10:00")
    rec("R-3")
    h.add("service_request", "R-3", "materials_requested", "2024-03-05 10:00", items=["身份证"])
    h.add("service_request", "R-3", "referred", "2024-03-05 11:00", to_unit="u-sfj")
    h.add("service_request", "R-3", "received", "2024-03-05 14:00", by="p-sfj", unit="u-sfj", time_limit_working_days=5)
    h.add(
        "service_request", "R-3", "materials_requested", "2024-03-05 15:00", by="p-sfj", unit="u-sfj", items=["公证书"]
    )


@pytest.mark.parametrize(
    ("builtin_pack", "builtin_rules", "x_rule", "scenario", "tick", "flagged"),
    [
        (
            "standardization",
            ("INC-PHONE-DEADLINE", "INC-UNREPORTED"),
            "X-INC-PHONE-DEADLINE-LARGER",
            _incidents,
            "2024-03-05 12:00",
            {"I-2", "I-3", "I-4"},
        ),
        ("dongqu-2012", ("SUP-DEADLINE",), "X-SUP-DEADLINE", _supervision, "2024-04-05 00:00", {"S-2", "S-4", "S-5"}),
        ("changle-2022", ("MTG-QUORUM",), "X-MTG-QUORUM-EXECUTIVE", _meetings, None, {"M-1", "M-3"}),
        ("changle-2022", ("LEV-PRIOR-APPROVAL",), "X-LEV-PRIOR-APPROVAL", _leaves, None, {"L-2", "L-3"}),
        ("yiyuan", ("SVC-ONE-TIME-NOTICE",), "X-SVC-ONE-TIME-NOTICE", _service, None, {"R-1"}),
    ],
)
def test_builtin_equivalents_flag_the_same_cases_as_the_builtin_rules(
    builtin_pack: str,
    builtin_rules: tuple[str, ...],
    x_rule: str,
    scenario: Callable[[History], None],
    tick: str | None,
    flagged: set[str],
) -> None:
    assert same_cases(builtin_pack, builtin_rules, x_rule, scenario, tick) == flagged


def test_builtin_equivalents_cite_the_pack_and_keep_their_x_ids() -> None:
    cp = load_pack(EQUIV_SRC)
    from domain.rules.registry import BY_ID

    for r in cp.rules:
        assert r.id.startswith("X-") and r.id not in BY_ID
        assert any(r.id[2:].startswith(k) for k in BY_ID), r.id  # names the built-in rule it re-expresses
        assert list(r.citations) == ["builtin-equivalents"]

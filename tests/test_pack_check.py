"""Checking a pack before adopting it (规则包检查): errors name the pack file and line; against a
log read through its mapping, warnings for what would give all-or-nothing answers. Exit 0
clean, 1 warnings, 2 errors; nothing is stored."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from api.cli import app
from domain.rules.packcheck import check_pack
from tests.claims import BROKEN_PACK, LOG, MAPPING, PACK, write_claims
from tests.conftest import real_log

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

HEADER = "pack: claims-rules\neffective_from: 2024-01-01\nrules:\n"


pytestmark = pytest.mark.usefixtures("restored_packs")


def check(tmp_path: Path, pack: str, *extra: str, log: bool = True) -> tuple[int, str]:
    """``ledger pack check`` on ``pack`` (against the claims log): exit code and output, unwrapped."""
    m, log_path, pack_path = write_claims(tmp_path, pack=pack)
    args = ["--lang", "en", "--db", str(tmp_path / "never.db"), "pack", "check", str(pack_path), *extra]
    if log:
        args += ["--mapping", str(m), "--log", str(log_path)]
    r = runner.invoke(app, args)
    return r.exit_code, " ".join(r.output.split())


def rule(body: str) -> str:
    return HEADER + "".join(f"  {line}\n" for line in textwrap.dedent(body).strip().splitlines())


def test_a_pack_that_does_not_compile_is_an_error_at_its_line_exit_2(tmp_path: Path) -> None:
    code, out = check(tmp_path, BROKEN_PACK)
    line = BROKEN_PACK.splitlines().index('    within: "2 days"') + 1
    assert code == 2
    assert f"pack.yaml:{line}: error: rule CLM-PAY-WITHIN-2D, field 'within':" in out
    assert "mapping.yaml" not in out.replace(str(tmp_path / "mapping.yaml"), "")  # never the mapping's line
    assert "1 errors, 0 warnings" in out


def test_a_pack_that_compiles_without_a_log_is_clean_exit_0(tmp_path: Path) -> None:
    code, out = check(tmp_path, PACK, log=False)
    assert code == 0 and "0 errors, 0 warnings" in out


def test_a_pack_without_surprises_on_its_log_is_clean_exit_0_and_stores_nothing(tmp_path: Path) -> None:
    code, out = check(tmp_path, PACK)
    assert code == 0, out
    assert "0 errors, 0 warnings against 5 cases (14 acts)" in out
    assert not (tmp_path / "never.db").exists()


def test_an_act_name_that_never_occurs_is_named_with_the_closest_one(tmp_path: Path) -> None:
    code, out = check(tmp_path, rule("- {id: CLM-A, template: precedence, citation: x, when: pay, requires: Approve}"))
    assert code == 1
    assert "pack.yaml:4: warning: rule CLM-A, field 'requires': act 'Approve' never occurs in the log" in out
    assert "the closest is 'approve'" in out


def test_an_act_name_pattern_that_picks_a_name_of_the_log_is_seen(tmp_path: Path) -> None:
    code, out = check(tmp_path, rule("- {id: CLM-A, template: precedence, citation: x, when: 'pa?', requires: 'ap*'}"))
    assert code == 0 and "never occurs" not in out
    assert "CLM-A │ 1 │ 4" in out  # the rule reads the patterns as the engine does: case 2 pays unapproved


def approvals_where(rid: str, where: str) -> str:
    """A pack of one rule: approvals matching ``where`` need a prior submission."""
    return rule(
        f"- {{id: {rid}, template: precedence, citation: x, when: {{act: approve, where: {where!r}}}, requires: submit}}"
    )


def test_a_field_read_under_its_pre_mapping_name_is_named_with_what_the_mapping_made_of_it(tmp_path: Path) -> None:
    code, out = check(tmp_path, approvals_where("CLM-BIG", "`Claim Amount` > 1000"))
    assert code == 1
    assert "pack.yaml:4: warning: rule CLM-BIG, field 'when.where': field 'Claim Amount' is never present" in out
    assert "the mapping consumed 'Claim Amount' (renamed data.amount)" in out


def test_an_acts_own_field_read_as_data_is_named(tmp_path: Path) -> None:
    pack = rule("- {id: CLM-A, template: absence, citation: x, when: {act: pay, where: \"by == 'cat'\"}}")
    code, out = check(tmp_path, pack)
    assert code == 1 and "field 'by' is never present" in out and "the act's own field" in out


def test_a_condition_on_the_acts_name_and_its_case_is_judged_on_the_log(tmp_path: Path) -> None:
    # `act` and `case.has(...)` are the language's own reads, not data fields: no warning, and
    # the outcome is the engine's (cases 1, 3 and 5 pay after an approval)
    pack = rule(
        "- {id: CLM-A, template: absence, citation: x, when: {act: 'pa*', where: \"act == 'pay' and case.has('approve')\"}}"
    )
    code, out = check(tmp_path, pack)
    assert code == 0 and "never present" not in out and "never true" not in out
    assert "CLM-A │ 3 │ 4" in out


def test_a_condition_never_true_on_the_acts_it_judges_is_named(tmp_path: Path) -> None:
    code, out = check(tmp_path, approvals_where("CLM-HUGE", "amount > 100000"))
    assert code == 1
    assert "field 'when.where': condition \"amount > 100000\" is never true on the 4 'approve' acts of the log" in out


def test_a_rule_that_flags_every_case_it_judges_is_named(tmp_path: Path) -> None:
    code, out = check(
        tmp_path, rule("- {id: CLM-SUBMIT-AFTER-PAY, template: precedence, citation: x, when: submit, requires: pay}")
    )
    assert code == 1
    assert "pack.yaml:4: warning: rule CLM-SUBMIT-AFTER-PAY: flags every one of the 5 cases with 'submit'" in out


def test_a_rule_that_flags_no_case_is_named(tmp_path: Path) -> None:
    code, out = check(
        tmp_path, rule("- {id: CLM-PAY-AFTER-SUBMIT, template: precedence, citation: x, when: pay, requires: submit}")
    )
    assert code == 1
    assert "rule CLM-PAY-AFTER-SUBMIT: flags none of the 4 cases with 'pay' in the log" in out


def test_a_rule_on_kinds_the_log_does_not_have_is_named(tmp_path: Path) -> None:
    pack = rule("- {id: CLM-L, template: absence, citation: x, kinds: [leave], when: departed}")
    code, out = check(tmp_path, pack)
    assert code == 1 and "the log has no case of the kinds it reads (leave)" in out


def test_the_json_report_has_every_issue_and_each_rules_outcome(tmp_path: Path) -> None:
    code, out = check(tmp_path, PACK, "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["issues"] == [] and doc["cases"] == 5
    assert doc["outcomes"]["CLM-PAY-WITHIN-2D"] == {"flagged": 2, "cases": 4}  # C3 late, C4 missing


def test_a_sample_reads_only_the_first_cases(tmp_path: Path) -> None:
    code, out = check(tmp_path, PACK, "--sample", "2")
    assert "against 2 cases (5 acts)" in out
    assert code == 1 and "'review' never occurs" in out  # only C5, not read, has one


def test_a_jsonl_act_log_is_read_without_a_mapping(tmp_path: Path) -> None:
    acts = [
        {
            "id": f"a{i}",
            "case": c,
            "kind": "process",
            "act": a,
            "at": f"2024-03-0{d}T09:00:00+08:00",
            "by": "p",
            "unit": "u",
        }
        for i, (c, a, d) in enumerate([("C1", "approve", 1), ("C1", "pay", 2), ("C2", "pay", 1)])
    ]
    log = tmp_path / "acts.jsonl"
    log.write_text("\n".join(json.dumps(a) for a in acts) + "\nnot json\n", encoding="utf-8")
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        rule("- {id: CLM-A, template: precedence, citation: x, when: pay, requires: aprove}"), encoding="utf-8"
    )
    r = runner.invoke(app, ["--lang", "en", "pack", "check", str(pack), "--log", str(log)])
    out = " ".join(r.output.split())
    assert r.exit_code == 1 and "act 'aprove' never occurs" in out and "1 rows the import would refuse" in out


def test_mapping_without_a_log_is_refused(tmp_path: Path) -> None:
    m, _log, pack = write_claims(tmp_path)
    r = runner.invoke(app, ["pack", "check", str(pack), "--mapping", str(m)])
    assert r.exit_code == 2


def test_check_pack_reports_the_error_with_its_line_rule_and_field() -> None:
    rep = check_pack(BROKEN_PACK, "p.yaml")
    [e] = rep.errors
    assert (e.line, e.rule, e.field, rep.exit_code) == (17, "CLM-PAY-WITHIN-2D", "within", 2)
    assert e.text().startswith("p.yaml:17: rule CLM-PAY-WITHIN-2D, field 'within': ")


def test_a_real_log_sample_shows_an_approval_the_log_never_has() -> None:
    """BPI 2020 domestic declarations: no DIRECTOR ever gives a final approval in this log."""
    log = real_log("DomesticDeclarations.xes.gz")
    ex = EXAMPLES / "bpi2020-domestic"
    r = runner.invoke(
        app,
        [
            "--lang",
            "en",
            "pack",
            "check",
            str(ex / "pack.yaml"),
            "--mapping",
            str(ex / "mapping.yaml"),
            "--log",
            str(log),
            "--sample",
            "300",
        ],
    )
    out = " ".join(r.output.split())
    assert r.exit_code == 1, out
    assert "act 'Declaration FINAL_APPROVED by DIRECTOR' never occurs in the log (300 cases read)" in out
    assert yaml.safe_load((ex / "mapping.yaml").read_text(encoding="utf-8"))["jurisdiction"] == "tue-domestic"
    assert MAPPING["jurisdiction"] != "tue-domestic" and LOG  # the claims fixture is not what was read

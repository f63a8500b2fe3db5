"""What-if before adopting (规则包试算): a draft pack evaluated over the stored history against
the pack in force, per rule — what it would add, remove and change — storing nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from domain.rules.packs import PACKS
from domain.rules.yamlpack import PackError
from ledger.clock import tick
from ledger.mapping import import_mapped
from ledger.store import Ledger
from projections.audit import AuditProjection
from projections.whatif import diff_pack
from tests.claims import BROKEN_PACK, JURISDICTION, PACK, write_claims

runner = CliRunner()
NOW = datetime(2024, 12, 31, tzinfo=UTC)
#: The draft: the payment limit widened to 10 days, a review needed above 100 instead of 1000.
DRAFT = PACK.replace("within: {days: 2}", "within: {days: 10}").replace("amount > 1000", "amount > 100")


pytestmark = pytest.mark.usefixtures("restored_packs")


def claims_ledger(url: str, tmp_path: Path) -> Ledger:
    led = Ledger(url)
    m, log, _ = write_claims(tmp_path)
    assert not import_mapped(led, log, m).rejected
    return led


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    led = claims_ledger(f"sqlite:///{tmp_path / 'claims.db'}", tmp_path)
    yield led
    led.close()


def summary(res: object) -> dict[str, tuple[list[str], list[str], list[str], int]]:
    return {
        r.rule: (
            [v.case for v in r.added],
            [v.case for v in r.removed],
            [f"{a.case}:{a.state}->{b.state}" for a, b in r.changed],
            r.kept,
        )
        for r in res.rules  # type: ignore[attr-defined]
    }


def test_diff_lists_per_rule_the_violations_a_new_version_adds_removes_and_changes(db_url: str, tmp_path: Path) -> None:
    led = claims_ledger(db_url, tmp_path)
    try:
        res = diff_pack(led, DRAFT, JURISDICTION, NOW)
    finally:
        led.close()
    assert (res.draft, res.in_force, res.cases) == ("claims-rules", "claims-rules", 5)
    assert summary(res) == {
        "CLM-BIG-NEEDS-REVIEW": (["C4"], [], [], 1),  # 300 > 100 now needs a review; C3 still flagged
        "CLM-PAY-AFTER-APPROVAL": ([], [], [], 1),
        # C3 paid 8 days after: on time with 10 days; C4 never paid: still missing, 8 days later
        "CLM-PAY-WITHIN-2D": ([], ["C3"], ["C4:missing->missing"], 0),
    }
    assert (res.added, res.removed, res.changed) == (1, 1, 1)


def test_diff_stores_nothing(ledger: Ledger) -> None:
    tick(ledger, NOW)
    proj = AuditProjection(ledger)
    proj.run()
    before = (ledger.count(), ledger.max_notification_id(), proj.table_snapshot(), proj.position())
    tables = ledger.query("SELECT name FROM sqlite_master ORDER BY name")
    packs = dict(PACKS)
    diff_pack(ledger, DRAFT.replace("pack: claims-rules", "pack: claims-v2"), JURISDICTION, NOW)
    diff_pack(ledger, DRAFT, JURISDICTION, NOW)
    assert (ledger.count(), ledger.max_notification_id(), proj.table_snapshot(), proj.position()) == before
    assert ledger.query("SELECT name FROM sqlite_master ORDER BY name") == tables
    assert packs == PACKS  # the draft's registration is undone
    assert "claims-v2" not in ledger.org(JURISDICTION).custom_packs


def test_a_draft_under_a_new_id_replaces_the_pack_in_force(ledger: Ledger) -> None:
    res = diff_pack(ledger, PACK.replace("pack: claims-rules", "pack: claims-v2"), JURISDICTION, NOW)
    assert (res.draft, res.in_force) == ("claims-v2", "claims-rules")
    # the same rules under the same ids: every violation is kept, now citing the new pack
    assert {r.rule: (len(r.added), len(r.removed), len(r.changed)) for r in res.rules} == {
        "CLM-BIG-NEEDS-REVIEW": (0, 0, 1),
        "CLM-PAY-AFTER-APPROVAL": (0, 0, 1),
        "CLM-PAY-WITHIN-2D": (0, 0, 2),
    }
    assert {b.article for r in res.rules for _a, b in r.changed} == {
        "claims-v2:§1",
        "claims-v2:§2",
        "claims-v2:§3",
    }


def test_a_draft_adopted_from_a_later_date_judges_only_the_cases_opened_since(ledger: Ledger) -> None:
    only_big = PACK.replace("pack: claims-rules", "pack: claims-v2")
    res = diff_pack(ledger, only_big, JURISDICTION, NOW, adopt_from=date(2024, 3, 2))
    # C1–C3 opened on 2024-03-01 stay under the pack in force; C4 (opened 03-02) moves to the draft
    changed_cases = {a.case for r in res.rules for a, _b in r.changed}
    kept = sum(r.kept for r in res.rules)
    assert changed_cases == {"C4"} and kept == 3


def test_a_response_the_draft_owes_is_missing_by_the_clock_run_in_memory(ledger: Ledger) -> None:
    owed = PACK + (
        "  - id: CLM-REVIEW-WITHIN-1D\n"
        "    template: response\n"
        '    citation: "§4"\n'
        "    after: {act: submit}\n"
        "    expect: {act: review}\n"
        "    within: {days: 1}\n"
    )
    res = diff_pack(ledger, owed, JURISDICTION, NOW)
    [r] = [r for r in res.rules if r.rule == "CLM-REVIEW-WITHIN-1D"]
    assert sorted((v.case, v.state) for v in r.added) == [(c, "missing") for c in ("C1", "C2", "C3", "C4")]
    assert all(a.act != "deadline_missed" for a in ledger.iter_acts(JURISDICTION))  # the clock ran in memory


def test_a_draft_that_does_not_compile_raises_its_pack_error(ledger: Ledger) -> None:
    with pytest.raises(PackError) as ei:
        diff_pack(ledger, BROKEN_PACK, JURISDICTION, NOW)
    assert ei.value.field == "within"


# ---- ledger pack diff ----------------------------------------------------------------------------
def test_pack_diff_command_prints_the_counts_per_rule_and_the_violations(ledger: Ledger, tmp_path: Path) -> None:
    draft = tmp_path / "draft.yaml"
    draft.write_text(DRAFT, encoding="utf-8")
    db = str(ledger.config.path)
    r = runner.invoke(app, ["--db", db, "--lang", "en", "pack", "diff", str(draft), "--now", "2024-12-31"])
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "1 added, 1 removed, 1 changed (nothing stored)" in text
    assert "+ CLM-BIG-NEEDS-REVIEW C4 breach" in text and "- CLM-PAY-WITHIN-2D C3 late" in text
    r = runner.invoke(app, ["--db", db, "pack", "diff", str(draft), "--now", "2024-12-31", "--format", "json"])
    doc = json.loads(r.stdout)
    assert doc["added"] == 1 and [x["rule"] for x in doc["rules"]] == sorted(x["rule"] for x in doc["rules"])


def test_pack_diff_command_names_the_drafts_line_when_it_does_not_compile(ledger: Ledger, tmp_path: Path) -> None:
    draft = tmp_path / "draft.yaml"
    draft.write_text(BROKEN_PACK, encoding="utf-8")
    r = runner.invoke(app, ["--db", str(ledger.config.path), "--lang", "en", "pack", "diff", str(draft)])
    assert r.exit_code == 2
    assert f"{draft}:" in " ".join(r.output.split()) and "field 'within'" in r.output


def test_pack_diff_command_refuses_an_unknown_jurisdiction(ledger: Ledger, tmp_path: Path) -> None:
    draft = tmp_path / "draft.yaml"
    draft.write_text(DRAFT, encoding="utf-8")
    r = runner.invoke(
        app, ["--db", str(ledger.config.path), "--lang", "en", "pack", "diff", str(draft), "--jurisdiction", "nope"]
    )
    assert r.exit_code == 2 and "unknown jurisdiction 'nope'" in r.output

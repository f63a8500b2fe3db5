"""The `ledger` command as a person uses it: import, replay, tick, violations, rules, export, demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from api.cli import app
from domain.rules.base import FAMILIES
from domain.rules.registry import RULES
from tests.conftest import COUNTY, act

runner = CliRunner()


def run(db: str, *args: str) -> tuple[int, str]:
    r = runner.invoke(app, ["--db", db, "--lang", "en", *args])
    return r.exit_code, r.output


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, Path, Path]:
    org = tmp_path / "county.yaml"
    org.write_text(yaml.safe_dump(COUNTY, allow_unicode=True), encoding="utf-8")
    acts = tmp_path / "acts.jsonl"
    lines = [
        act("a-1", "INC-1", "incident", "occurred", "2024-03-05T10:00:00+08:00", grade="larger"),
        act("a-2", "INC-1", "incident", "reported", "2024-03-05T11:30:00+08:00", channel="phone", to_level="local_gov"),
        act(
            "l-1",
            "LV-1",
            "leave",
            "requested",
            "2024-04-01T09:00:00+08:00",
            by="p-wang",
            unit="u-gov",
            start="2024-04-02T08:00:00+08:00",
            end="2024-04-03T18:00:00+08:00",
        ),
        act("l-2", "LV-1", "leave", "departed", "2024-04-02T08:00:00+08:00", by="p-wang", unit="u-gov"),
        act("l-3", "LV-1", "leave", "approved", "2024-04-02T10:00:00+08:00", by="p-li", unit="u-gov"),
    ]
    acts.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in lines) + "\n", encoding="utf-8")
    return f"sqlite:///{tmp_path / 'cli.db'}", org, acts


def test_import_reports_a_summary_and_is_idempotent(files: tuple[str, Path, Path]) -> None:
    db, org, acts = files
    code, out = run(db, "import", str(org), str(acts))
    assert code == 0 and "rejected 0" in out
    code, out = run(db, "import", str(acts))
    assert code == 0 and "imported 0, duplicate 5, rejected 0" in out


def test_import_exits_nonzero_and_names_the_line_and_field(files: tuple[str, Path, Path], tmp_path: Path) -> None:
    db, org, _acts = files
    bad = tmp_path / "bad.jsonl"
    good = act("g-1", "INC-9", "incident", "occurred", "2024-03-05T10:00:00+08:00", grade="general")
    wrong = act("g-2", "INC-9", "incident", "occurred", "2024-03-05T10:00:00+08:00", by="p-nobody", grade="general")
    bad.write_text(json.dumps(good) + "\n" + json.dumps(wrong) + "\n", encoding="utf-8")
    run(db, "import", str(org))
    r = runner.invoke(app, ["--db", db, "--lang", "en", "import", str(bad)])
    assert r.exit_code == 1
    assert "imported 1, duplicate 0, rejected 1" in r.output
    assert "bad.jsonl:2" in r.output and "by" in r.output and "unknown person 'p-nobody'" in r.output


def test_replay_by_both_clocks(files: tuple[str, Path, Path]) -> None:
    db, org, acts = files
    run(db, "import", str(org), str(acts))
    code, out = run(db, "replay", "INC-1", "--as-of", "2024-03-05T10:30:00+08:00", "--format", "json")
    assert code == 0
    r = json.loads(out)
    assert [a["id"] for a in r["timeline"]] == ["a-1"] and r["state"]["open"] is True
    code, out = run(db, "replay", "INC-1", "--recorded-as-of", "2000-01-01", "--format", "json")
    assert json.loads(out)["timeline"] == []
    code, out = run(db, "replay", "NOPE-1")
    assert code == 1 and "no case 'NOPE-1'" in out


def test_tick_records_once_and_violations_cite_articles(files: tuple[str, Path, Path]) -> None:
    db, org, acts = files
    run(db, "import", str(org), str(acts))
    code, out = run(db, "tick", "--now", "2024-12-31T23:59:00+08:00")
    assert code == 0
    code, again = run(db, "tick", "--now", "2024-12-31T23:59:00+08:00")
    assert "recorded 0 deadline_missed" in again
    code, out = run(db, "violations", "--format", "json", "--case", "LV-1")
    vs = json.loads(out)
    prior = [v for v in vs if v["rule"] == "LEV-PRIOR-APPROVAL"]
    assert prior and prior[0]["article"] == "changle-2022:八十三" and "l-2" in prior[0]["evidence"]
    for v in vs:
        assert {"rule", "case", "pack", "article", "severity", "unit", "at", "evidence", "message"} <= set(v)
    code, csv_out = run(db, "violations", "--format", "csv", "--rule", "LEV-PRIOR-APPROVAL")
    assert csv_out.splitlines()[0].startswith("id,rule,family") and "LV-1" in csv_out


def test_rebuild_gives_the_same_violations(files: tuple[str, Path, Path]) -> None:
    db, org, acts = files
    run(db, "import", str(org), str(acts))
    run(db, "tick", "--now", "2024-12-31T23:59:00+08:00")
    _, before = run(db, "violations", "--format", "json")
    code, out = run(db, "rebuild")
    assert code == 0 and "rebuilt" in out
    _, after = run(db, "violations", "--format", "json")
    assert json.loads(after) == json.loads(before)


def test_rules_lists_the_pack_with_articles_and_parameters(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    code, out = run(db, "rules", "--pack", "dongqu-2012", "--format", "json")
    rules = json.loads(out)
    ids = {r["id"] for r in rules}
    assert ids == {r.id for r in RULES if "dongqu-2012" in r.citations}
    inc = next(r for r in rules if r["id"] == "INC-PHONE-DEADLINE")
    assert inc["packs"]["dongqu-2012"]["article"].startswith("dongqu-2012:第一百二十四条")
    code, out = run(db, "rules", "--pack", "nowhere")
    assert code == 2 and "unknown pack" in out


def test_export_round_trip_through_the_cli(files: tuple[str, Path, Path], tmp_path: Path) -> None:
    db, org, acts = files
    run(db, "import", str(org), str(acts))
    out1 = tmp_path / "x.jsonl"
    assert run(db, "export", str(out1))[0] == 0
    db2 = f"sqlite:///{tmp_path / 'second.db'}"
    code, out = run(db2, "import", str(out1))
    assert code == 0 and "rejected 0" in out
    out2 = tmp_path / "y.jsonl"
    run(db2, "export", str(out2))
    assert out1.read_text(encoding="utf-8") == out2.read_text(encoding="utf-8")


def test_demo_lists_violations_of_every_family(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    code, out = run(db, "demo")
    assert code == 0, out
    code, out = run(db, "violations", "--format", "json")
    vs = json.loads(out)
    assert {v["family"] for v in vs} == set(FAMILIES)
    code, out = run(db, "verify")
    assert code == 0 and "intact" in out
    # the supervision office's views of the same ledger
    code, out = run(db, "status", "--now", "2024-06-15T10:00:00+08:00", "--format", "json")
    st = json.loads(out)
    assert code == 0 and set(st) == {"changle", "dongqu", "yiyuan"}
    assert all(r["open_cases"] for r in st.values())
    code, out = run(db, "bulletin", "--month", "2024-06", "--format", "json")
    rows = [r for rs in json.loads(out).values() for r in rs]
    assert code == 0 and rows and all(r["month"] == "2024-06" for r in rows)
    assert sum(r["overdue_count"] for r in rows) >= 1
    code, out = run(db, "bulletin", "--month", "2024-13")
    assert code == 2


def test_import_a_real_process_log_with_a_mapping(tmp_path: Path) -> None:
    from tests.conftest import real_log

    log = real_log("wabo_receipt_pm4py.csv.gz")
    root = Path(__file__).resolve().parents[1]
    db = f"sqlite:///{tmp_path / 'wabo.db'}"
    code, out = run(db, "import", "--mapping", str(root / "examples/wabo-receipt/mapping.yaml"), str(log))
    assert code == 0 and "rejected 0" in out
    run(db, "tick", "--now", "2030-01-01T00:00:00+01:00")
    code, out = run(db, "violations", "--format", "json", "--rule", "WABO-DECIDED-BY-DEADLINE")
    vs = json.loads(out)
    assert vs and all(v["article"].startswith("wabo-receipt") for v in vs)
    code, out = run(db, "import", "--mapping", str(tmp_path / "nope.yaml"), str(log))
    assert code == 2 and "no such file" in out

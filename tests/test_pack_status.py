"""A jurisdiction's own pack, as the ledger holds it: listed like a built-in pack, refused at
import when it does not compile, and never silently absent from the audit (规则包现状)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from api.cli import app
from domain.rules.custom import pack_status
from domain.rules.engine import Evaluator
from ledger.mapping import import_mapped
from ledger.store import Ledger
from tests.claims import BROKEN_PACK, JURISDICTION, PACK, broken_pack_act, write_claims

runner = CliRunner()


def run(db: str, *args: str) -> tuple[int, str]:
    """Exit code and output, rich's line wrapping undone."""
    r = runner.invoke(app, ["--db", db, "--lang", "en", *args])
    return r.exit_code, flat(r.output)


def flat(text: str) -> str:
    return " ".join(text.split())


pytestmark = pytest.mark.usefixtures("restored_packs")


@pytest.fixture
def claims_db(tmp_path: Path) -> str:
    """The claims log imported with its pack in force."""
    m, log, _ = write_claims(tmp_path)
    db = f"sqlite:///{tmp_path / 'claims.db'}"
    code, out = run(db, "import", "--mapping", str(m), str(log))
    assert code == 0, out
    return db


# ---- ledger rules --pack <own pack> --------------------------------------------------------------
def test_rules_lists_a_jurisdictions_own_pack_with_articles_and_parameters(claims_db: str) -> None:
    code, out = run(claims_db, "rules", "--pack", "claims-rules", "--format", "json")
    assert code == 0, out
    rules = {r["id"]: r for r in json.loads(out)}
    assert set(rules) == {"CLM-PAY-AFTER-APPROVAL", "CLM-PAY-WITHIN-2D", "CLM-BIG-NEEDS-REVIEW"}
    resp = rules["CLM-PAY-WITHIN-2D"]
    assert resp["article"] == "claims-rules:§2" and resp["severity"] == "low"
    assert resp["params"] == {
        "template": "response",
        "after": {"act": "approve"},
        "expect": {"act": "pay"},
        "within": {"days": 2},
    }
    assert resp["packs"]["claims-rules"]["params"] == resp["params"]
    code, table = run(claims_db, "rules", "--pack", "claims-rules")
    assert code == 0 and "3 rules — claims-rules" in table


def test_rules_of_an_own_pack_that_extends_a_builtin_one_include_the_builtin_rules(tmp_path: Path) -> None:
    own = PACK.replace("effective_from: 2024-01-01", "effective_from: 2024-01-01\nextends: changle-2022")
    m, log, _ = write_claims(tmp_path, pack=own)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert run(db, "import", "--mapping", str(m), str(log))[0] == 0
    code, out = run(db, "rules", "--pack", "claims-rules", "--format", "json")
    rules = {r["id"]: r for r in json.loads(out)}
    assert code == 0 and rules["CLM-PAY-AFTER-APPROVAL"]["article"] == "claims-rules:§1"
    assert rules["LEV-PRIOR-APPROVAL"]["article"] == "changle-2022:八十三"


def test_rules_names_the_known_packs_for_an_unknown_one(claims_db: str) -> None:
    code, out = run(claims_db, "rules", "--pack", "nowhere")
    assert code == 2 and "unknown pack 'nowhere'" in out and "claims-rules" in out and "dongqu-2012" in out


def test_rules_of_a_builtin_pack_do_not_create_a_database(tmp_path: Path) -> None:
    code, _ = run(f"sqlite:///{tmp_path / 'none.db'}", "rules", "--pack", "yiyuan")
    assert code == 0 and not (tmp_path / "none.db").exists()


# ---- a pack that does not compile is not imported ----------------------------------------------
def test_import_with_a_pack_that_does_not_compile_stores_nothing_and_names_the_pack_line(tmp_path: Path) -> None:
    m, log, pack = write_claims(tmp_path, pack=BROKEN_PACK)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    code, out = run(db, "import", "--mapping", str(m), str(log))
    line = BROKEN_PACK.splitlines().index('    within: "2 days"') + 1
    assert code == 2
    assert f"{pack}:{line}: rule CLM-PAY-WITHIN-2D, field 'within'" in out
    assert "mapping.yaml" not in out
    with Ledger(db) as led:
        assert led.count() == 0 and led.jurisdictions() == []


def test_import_mapped_raises_before_storing_anything(tmp_path: Path) -> None:
    m, log, pack = write_claims(tmp_path, pack=BROKEN_PACK)
    with Ledger(f"sqlite:///{tmp_path / 'x.db'}") as led:
        with pytest.raises(Exception, match=rf"^{pack}:\d+: rule CLM-PAY-WITHIN-2D"):
            import_mapped(led, log, m)
        assert led.count() == 0


def test_adopting_a_pack_that_is_neither_builtin_nor_defined_is_refused(tmp_path: Path) -> None:
    org = {
        "jurisdiction": "t-org",
        "pack": "claims-rules",
        "units": [{"id": "u-gov", "name": "政府", "type": "government"}],
    }
    f = tmp_path / "org.yaml"
    f.write_text(yaml.safe_dump(org, allow_unicode=True), encoding="utf-8")
    code, out = run(f"sqlite:///{tmp_path / 'x.db'}", "import", str(f))
    assert code == 1 and "data.pack" in out and "neither built-in nor defined" in out


# ---- never a silent empty list ---------------------------------------------------------------------
def test_violations_say_when_no_pack_is_adopted_and_exit_3(tmp_path: Path) -> None:
    m, log, _ = write_claims(tmp_path, pack=None)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert run(db, "import", "--mapping", str(m), str(log))[0] == 0
    r = runner.invoke(app, ["--db", db, "--lang", "en", "violations", "--format", "json"])
    assert r.exit_code == 3
    assert json.loads(r.stdout) == []
    assert f"jurisdiction {JURISDICTION} has adopted no rule pack" in flat(r.stderr)


def test_a_pack_that_fails_after_it_was_stored_is_reported_by_violations_and_status(claims_db: str) -> None:
    with Ledger(claims_db) as led:
        led.append([broken_pack_act()])
    r = runner.invoke(app, ["--db", claims_db, "--lang", "en", "violations", "--format", "json"])
    assert r.exit_code == 3
    assert json.loads(r.stdout) == []  # the evaluation goes on without the pack, and says so
    assert "pack 'claims-rules' does not compile" in flat(r.stderr) and "field 'within'" in flat(r.stderr)
    code, out = run(claims_db, "status", "--now", "2024-06-01", "--format", "json")
    st = json.loads(out)[JURISDICTION]["pack"]
    assert code == 0 and st["state"] == "failed" and not st["judged"] and st["error"]["field"] == "within"
    code, out = run(claims_db, "status", "--now", "2024-06-01")
    assert "does not compile" in out


def test_violations_of_a_judged_jurisdiction_exit_0_without_a_warning(claims_db: str) -> None:
    r = runner.invoke(app, ["--db", claims_db, "--lang", "en", "violations", "--format", "json"])
    assert r.exit_code == 0 and r.stderr == ""
    assert {v["rule"] for v in json.loads(r.stdout)} == {
        "CLM-PAY-AFTER-APPROVAL",
        "CLM-BIG-NEEDS-REVIEW",
        "CLM-PAY-WITHIN-2D",
    }


def test_a_broken_pack_leaves_the_other_packs_of_the_jurisdiction_working(claims_db: str) -> None:
    with Ledger(claims_db) as led:
        org = led.org(JURISDICTION)
    org.custom_packs["other-rules"] = "pack: other-rules\nrules: []\n"
    ev = Evaluator(org)
    assert set(ev.pack_errors) == {"other-rules"}
    assert {r.id for r in ev.rules or () if r.id.startswith("CLM-")} == {
        "CLM-PAY-AFTER-APPROVAL",
        "CLM-PAY-WITHIN-2D",
        "CLM-BIG-NEEDS-REVIEW",
    }
    assert pack_status(org, datetime(2024, 6, 1, tzinfo=UTC)).state == "in_force"  # other-rules is not adopted


def test_a_pack_adopted_from_a_later_date_is_not_yet_in_force(claims_db: str) -> None:
    with Ledger(claims_db) as led:
        org = led.org(JURISDICTION)
    st = pack_status(org, datetime(1999, 1, 1, tzinfo=UTC))
    assert (st.state, st.pack, st.judged) == ("not_yet", "claims-rules", False)
    # adopted from 2000-01-01 (the mapping's default), in force from the pack's effective_from
    st = pack_status(org, datetime(2010, 1, 1, tzinfo=UTC))
    assert st.state == "not_yet" and st.since is not None and st.since.date().isoformat() == "2024-01-01"
    assert pack_status(org, datetime(2024, 6, 1, tzinfo=UTC)).state == "in_force"

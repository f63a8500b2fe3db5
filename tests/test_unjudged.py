"""No rule skips an act without saying so: a value outside what a rule reads is reported —
by the import (warnings naming line, field, value and rules), by the audit view (how many acts
each rule could not judge, in ``ledger violations`` and ``GET /violations``) and by
``ledger unjudged`` / ``GET /unjudged`` (the acts themselves, with why)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from api.cli import app
from domain.acts import act_spec
from domain.kinds import KINDS
from domain.kinds.vocab import open_fields, vocabulary_of
from domain.rules.registry import RULES
from domain.rules.vocabulary import readable_fields
from ledger.importer import Importer
from ledger.store import Ledger
from projections.audit import AuditProjection
from tests.conftest import COUNTY, act

runner = CliRunner()

#: A department's directive drafted with ``issuer: department`` and a doc_type nobody knows,
#: signed by the department head; a staff leave whose reason says neither (judged by no pack
#: here: changle has no LEV-DUTY-DELEGATE); a request forwarded to an addressee nobody knows.
ACTS = [
    act(
        "d-1",
        "DOC-1",
        "outgoing_document",
        "drafted",
        "2024-03-04T09:00:00+08:00",
        by="p-liu",
        doc_type="某种新文种",
        issuer="department",
        directive_to_lower=True,
    ),
    act("d-2", "DOC-1", "outgoing_document", "signed", "2024-03-05T09:00:00+08:00", by="p-liu", opinion="同意"),
    act("d-3", "DOC-1", "outgoing_document", "distributed", "2024-03-05T10:00:00+08:00", by="p-liu", to=["乡镇政府"]),
    act(
        "d-4",
        "DOC-2",
        "outgoing_document",
        "drafted",
        "2024-03-06T09:00:00+08:00",
        by="p-liu",
        doc_type="暂行规定",
        issuer="government",
    ),
    act("d-5", "DOC-2", "outgoing_document", "signed", "2024-03-07T09:00:00+08:00", by="p-li", opinion="同意"),
    act("r-1", "REQ-1", "request", "filed", "2024-03-08T09:00:00+08:00", by="p-liu", doc_type="请示", matters=1),
    act("r-2", "REQ-1", "request", "forwarded", "2024-03-08T10:00:00+08:00", by="p-liu", to="王县长"),
]


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, Path, Path]:
    org = tmp_path / "county.yaml"
    org.write_text(yaml.safe_dump(COUNTY, allow_unicode=True), encoding="utf-8")
    log = tmp_path / "acts.jsonl"
    log.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ACTS) + "\n", encoding="utf-8")
    return f"sqlite:///{tmp_path / 'u.db'}", org, log


def run(db: str, *args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, ["--db", db, "--lang", "en", *args])
    return r.exit_code, r.stdout, r.stderr


def test_import_warns_of_each_value_rules_cannot_read_with_line_field_value_and_rules(
    files: tuple[str, Path, Path],
) -> None:
    db, org, log = files
    run(db, "import", str(org))
    code, out, err = run(db, "import", str(log))
    assert code == 0 and "imported 7, duplicate 0, rejected 0, warnings 3" in out
    lines = [x for x in err.splitlines() if "warning" in x]
    doc_type = next(x for x in lines if "acts.jsonl:1" in x and "doc_type" in x)
    assert "'某种新文种'" in doc_type and "DOC-SIGNING-AUTHORITY" in doc_type and "DOC-ANNUAL-CAP" in doc_type
    assert any("acts.jsonl:4" in x and "'暂行规定'" in x and "DOC-LEGALITY-REVIEW" in x for x in lines)
    to = next(x for x in lines if "acts.jsonl:7" in x)
    assert "data.to" in to and "'王县长'" in to and "ESC-SKIP-LEVEL" in to and "ESC-DIRECT-TO-LEADER" in to
    # ``issuer: department`` is a word of the contract: no warning for it
    assert not any("issuer" in x for x in lines)


def test_import_warning_for_an_unknown_issuer_says_how_it_is_read(tmp_path: Path) -> None:
    with Ledger(f"sqlite:///{tmp_path / 'w.db'}") as led:
        imp = Importer(led)
        imp.import_chart(COUNTY)
        raw = act("d-9", "DOC-9", "outgoing_document", "drafted", "2024-03-04T09:00:00+08:00", by="p-liu")
        raw["data"] = {"doc_type": "通知", "issuer": "发改局机关"}
        res = imp.import_raws([raw])
    [w] = res.warnings
    assert (w.line, w.field, w.value) == (1, "data.issuer", "发改局机关")
    assert "department" in w.message_en and "DOC-SIGNING-AUTHORITY" in w.rules


def test_violations_report_per_rule_how_many_acts_it_could_not_judge(files: tuple[str, Path, Path]) -> None:
    db, org, log = files
    run(db, "import", str(org), str(log))
    code, out, _err = run(db, "violations", "--rule", "DOC-DIRECTIVE-DOWNWARD", "--format", "json")
    assert code == 0
    [v] = json.loads(out)
    assert v["case"] == "DOC-1"  # issuer: department is a department's directive
    code, out, _err = run(db, "violations")
    assert "could not be judged" in out
    assert "DOC-LEGALITY-REVIEW: 2" in out and "DOC-ANNUAL-CAP: 1" in out and "ESC-SKIP-LEVEL: 1" in out
    code, out, err = run(db, "violations", "--format", "json")
    json.loads(out)  # stdout stays machine-readable; the counts go to stderr
    assert "DOC-ANNUAL-CAP: 1" in err
    code, out, _err = run(db, "unjudged", "--rule", "DOC-ANNUAL-CAP", "--format", "json")
    [u] = json.loads(out)
    assert (u["case"], u["act"], u["field"], u["value"]) == ("DOC-2", "d-4", "data.doc_type", "暂行规定")
    assert "cap" in u["reason_en"] and u["pack"] == "changle-2022"


def test_the_unjudged_view_rebuilds_to_the_same_rows_it_keeps_incrementally(files: tuple[str, Path, Path]) -> None:
    db, org, log = files
    run(db, "import", str(org), str(log))
    with Ledger(db) as led:
        p = AuditProjection(led)
        p.run()
        incremental = p.table_snapshot()
        assert incremental[2], "some acts are not judged"
        p.rebuild()
        assert p.table_snapshot() == incremental


def test_every_field_a_rule_reads_has_a_vocabulary_or_a_reader() -> None:
    readers = readable_fields(RULES)  # raises for a field with neither
    assert set(readers) == {k for r in RULES for k in r.reads}
    for key in readers:
        kind, a, name = key.split(".", 2)
        spec = act_spec(kind, a)
        assert spec is not None and spec.field(name) is not None, key


def test_every_open_vocabulary_names_its_terms_in_chinese() -> None:
    for _kind, _act, _field, vocab in open_fields(KINDS):
        assert vocab.zh and all(t.zh for t in vocab.terms), vocab.name
    closed = [
        vocabulary_of(f.type) for k in KINDS.values() for a in k.acts.values() for f in a.fields if "|" in f.type.name
    ]
    assert closed and all(v is not None and v[1] for v in closed), "every enum is a closed vocabulary"

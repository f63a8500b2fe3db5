"""The project's own reference is generated from the code and stays in step with it:
``docs/act-log.md``, ``docs/act-log.schema.json`` and ``docs/rules.md`` are what ``ledger docs``
renders now (regenerate and compare), ``ledger schema`` prints that schema, and the schema
accepts what the ledger accepts and refuses what it refuses."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from api.cli import app
from api.cli.schema import documents
from domain.kinds import KINDS
from domain.kinds.vocab import vocabulary_of
from domain.rules.packs import PACKS
from domain.rules.registry import RULES
from ledger.demo import build_demo

DOCS = Path(__file__).resolve().parents[1] / "docs"
runner = CliRunner()


@pytest.mark.parametrize("name", sorted(documents()))
def test_generated_reference_matches_the_code(name: str) -> None:
    committed = (DOCS / name).read_text(encoding="utf-8")
    assert committed == documents()[name], f"docs/{name} is out of date: run `ledger docs`"


def test_ledger_docs_check_exits_1_when_a_file_drifted(tmp_path: Path) -> None:
    r = runner.invoke(app, ["docs", "--dir", str(tmp_path)])
    assert r.exit_code == 0
    assert runner.invoke(app, ["docs", "--dir", str(tmp_path), "--check"]).exit_code == 0
    (tmp_path / "rules.md").write_text("edited by hand\n", encoding="utf-8")
    r = runner.invoke(app, ["--lang", "en", "docs", "--dir", str(tmp_path), "--check"])
    assert r.exit_code == 1 and "rules.md" in r.output


def test_ledger_schema_prints_the_committed_schema() -> None:
    r = runner.invoke(app, ["schema"])
    assert r.exit_code == 0
    assert json.loads(r.stdout) == json.loads((DOCS / "act-log.schema.json").read_text(encoding="utf-8"))


def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((DOCS / "act-log.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_schema_accepts_every_act_of_the_demo() -> None:
    v = _validator()
    for j in build_demo():
        for a in j.acts[:400]:
            errors = list(v.iter_errors(json.loads(json.dumps(a, default=str))))
            assert not errors, (a, errors[0].message)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"kind": "incident", "act": "signed"}, "an act not of its kind"),
        ({"data": {"grade": "huge"}}, "a value outside a closed vocabulary"),
        ({"data": {}}, "a required data field missing"),
        ({"data": {"grade": "larger", "sensitive": "perhaps"}}, "a wrong type"),
    ],
)
def test_the_schema_refuses_what_import_refuses(change: dict[str, object], why: str) -> None:
    ok = {
        "id": "a-1",
        "case": "I-1",
        "kind": "incident",
        "act": "occurred",
        "at": "2024-03-05T10:00:00+08:00",
        "by": "p-li",
        "unit": "u-gov",
        "data": {"grade": "larger"},
    }
    v = _validator()
    assert not list(v.iter_errors(ok))
    assert list(v.iter_errors({**ok, **change})), why


def test_the_schema_admits_any_value_of_an_open_vocabulary_and_names_the_known_ones() -> None:
    v = _validator()
    drafted = {
        "id": "d-1",
        "case": "D-1",
        "kind": "outgoing_document",
        "act": "drafted",
        "at": "2024-03-05T10:00:00+08:00",
        "by": "p-li",
        "unit": "u-gov",
        "data": {"doc_type": "某种新文种", "issuer": "department"},
    }
    assert not list(v.iter_errors(drafted))
    vocab = v.schema["$defs"]["vocabularies"]["doc_type"]
    assert {"const": "normative", "title": "规范性文件 — normative document"}.items() <= next(
        t for t in vocab["oneOf"] if t["const"] == "normative"
    ).items()


def test_the_act_log_doc_lists_every_kind_act_and_vocabulary_term() -> None:
    text = (DOCS / "act-log.md").read_text(encoding="utf-8")
    for k in KINDS.values():
        assert f"### `{k.name}` {k.zh}" in text
        for a in k.acts.values():
            assert f"| `{a.name}` | {a.zh} |" in text
            for f in a.fields:
                vocab = vocabulary_of(f.type)
                if vocab is not None:
                    assert f"### {vocab[0].name}" in text
                    assert all(f"| `{t.code}` | " in text for t in vocab[0].terms)


def test_the_rules_doc_gives_every_rule_its_articles_per_pack_with_the_regulations_name() -> None:
    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    for r in RULES:
        section = text.split(f"### {r.id} — ", 1)[1].split("\n### ", 1)[0]
        assert section.startswith(r.title_zh)
        assert f"severity `{r.severity}`" in section
        for pack, c in r.citations.items():
            assert f"| `{pack}` | {PACKS[pack].name_zh} | {c.article}" in section
        assert r.doc.split("\n", 1)[0].strip() in section

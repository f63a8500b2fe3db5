"""A large act log validated in a process of its own (并行导入), on both backends: it imports
exactly as the one-process import does, and a validator that dies ends the import with an error."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from domain.errors import LedgerError
from ledger import parallel_import
from ledger.importer import Importer, ImportResult
from ledger.integrity import verify
from ledger.store import Ledger
from ledger.validation import BatchValidator
from tests.conftest import COUNTY, PG_DSN, FakeClock, act


def _log(path: Path) -> Path:
    """An act log that meets every path of an import: good acts of several cases over many
    batches, a line that is not JSON, acts the contract refuses, an act stored already (a
    duplicate), an id stored already with another body, an id reused within the file, a
    correction of an act a few batches back (handed over, maybe not stored yet when it is
    validated), a correction of an act not in its case, a value rules cannot read (a warning)."""
    acts: list[Any] = []
    for i in range(12):
        case = f"INC-{i}"
        acts.append(act(f"i{i}-1", case, "incident", "occurred", "2024-03-05T10:00:00+08:00", grade="larger"))
        acts.append(
            act(
                f"i{i}-2",
                case,
                "incident",
                "reported",
                "2024-03-05T10:20:00+08:00",
                channel="phone",
                to_level="local_gov",
            )
        )
    acts.insert(5, "{not json")
    acts.insert(9, act("x-1", "INC-X", "incident", "occurred", "not a time", grade="general"))
    acts.insert(13, act("x-2", "INC-X", "incident", "occurred", "2024-03-05T10:00:00+08:00", by="p-ghost"))
    acts.append(act("s-1", "INC-S", "incident", "occurred", "2024-03-05T09:00:00+08:00", grade="general"))  # stored
    acts.append(act("s-2", "INC-S", "incident", "occurred", "2024-03-05T08:00:00+08:00", grade="general"))  # other body
    acts.append(act("i0-1", "INC-0", "incident", "occurred", "2024-03-05T11:00:00+08:00", grade="larger"))  # reused
    fix = dict(of="i11-2", reason="时间录错", fields={"at": "2024-03-05T10:10:00+08:00"})
    acts.append(act("c-1", "INC-11", "incident", "corrected", "2024-03-06T09:00:00+08:00", **fix))
    acts.append(act("c-2", "INC-2", "incident", "retracted", "2024-03-06T09:00:00+08:00", of="i3-1", reason="x"))
    doc = act("d-1", "DOC-1", "outgoing_document", "drafted", "2024-03-04T09:00:00+08:00", by="p-liu")
    doc["data"] = {"doc_type": "某种新文种"}
    acts.append(doc)
    acts.append("")  # a blank line is skipped
    path.write_text(
        "\n".join(a if isinstance(a, str) else json.dumps(a, ensure_ascii=False) for a in acts) + "\n",
        encoding="utf-8",
    )
    return path


STORED_BEFORE = [
    act("s-1", "INC-S", "incident", "occurred", "2024-03-05T09:00:00+08:00", grade="general"),
    act("s-2", "INC-S", "incident", "reported", "2024-03-05T09:20:00+08:00", channel="phone", to_level="local_gov"),
]


@pytest.fixture
def two_urls(db_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two empty stores on the same backend."""
    if db_url.startswith("sqlite"):
        yield db_url, f"sqlite:///{tmp_path / 'other.db'}"
        return
    other = db_url + "o"
    try:
        yield db_url, other
    finally:
        with psycopg.connect(PG_DSN, autocommit=True) as c:
            c.execute(f'DROP SCHEMA IF EXISTS "{other.rsplit("=", 1)[1]}" CASCADE')


def _import(url: str, log: Path, *, parallel: bool) -> tuple[ImportResult, list[tuple[Any, ...]], int]:
    """Import ``log`` (4 acts a batch) into a county holding :data:`STORED_BEFORE`: the result,
    the chain's acts and the bytes the progress was told of."""
    with Ledger(url, clock=FakeClock()) as ledger:
        imp = Importer(ledger)
        imp.import_chart(COUNTY)
        imp.import_lines([json.dumps(a, ensure_ascii=False) for a in STORED_BEFORE])
        read: list[int] = []
        res = Importer(ledger, batch=4, parallel=parallel).import_path(log, progress_bytes=read.append)
        chain = [
            (a.seq, a.id, a.case, a.act, a.at, dict(a.data))
            for a in ledger.acts("lecheng", limit=10_000)
            if a.kind != "org"
        ]
        assert verify(ledger).ok
    return res, chain, sum(read)


def test_an_act_log_validated_in_a_process_of_its_own_imports_as_in_one_process(
    two_urls: tuple[str, str], tmp_path: Path
) -> None:
    log = _log(tmp_path / "acts.jsonl")
    one, chain_one, bytes_one = _import(two_urls[0], log, parallel=False)
    two, chain_two, bytes_two = _import(two_urls[1], log, parallel=True)
    assert two.summary() == one.summary() == {"imported": 26, "duplicate": 1, "rejected": 6}
    assert [(e.line, e.field, e.code) for e in two.rejected] == [(e.line, e.field, e.code) for e in one.rejected]
    assert {(e.line, e.code) for e in two.rejected} == {
        (6, "bad_json"),
        (10, "bad_time"),
        (14, "unknown_person"),
        (29, "id_conflict"),
        (30, "id_conflict"),
        (32, "unknown_act"),
    }
    assert [(w.line, w.field, w.value, w.rules) for w in two.warnings] == [
        (w.line, w.field, w.value, w.rules) for w in one.warnings
    ]
    assert [(w.line, w.field) for w in two.warnings] == [(33, "data.doc_type")]
    assert chain_two == chain_one  # the same acts, in the same order, with the same seq
    assert bytes_two == bytes_one == log.stat().st_size  # the progress saw every byte


def _fork(monkeypatch: pytest.MonkeyPatch) -> None:
    """The validator a copy of this process, so what the test patches holds in it too."""
    monkeypatch.setattr(parallel_import, "_start_method", lambda: "fork")


def _failed_import(ledger: Ledger, log: Path) -> LedgerError:
    """The error an import of ``log`` (4 acts a batch, validated in a process of its own) ends with."""
    with pytest.raises(LedgerError) as e:
        Importer(ledger, batch=4, parallel=True).import_path(log)
    return e.value


def test_a_validator_that_dies_ends_the_import_with_an_error_and_keeps_what_was_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _log(tmp_path / "acts.jsonl")
    validate = BatchValidator.validate

    def dies_at_c1(self: BatchValidator, raw: Any) -> Any:
        if isinstance(raw, dict) and raw.get("id") == "c-1":
            os._exit(7)
        return validate(self, raw)

    _fork(monkeypatch)
    monkeypatch.setattr(BatchValidator, "validate", dies_at_c1)
    with Ledger(f"sqlite:///{tmp_path / 'l.db'}") as ledger:
        Importer(ledger).import_chart(COUNTY)
        error = _failed_import(ledger, log)
        assert error.code == "import_failed" and "exit code 7" in error.message_en
        assert "退出码 7" in error.message_zh
        stored = ledger.count("lecheng")
        monkeypatch.setattr(BatchValidator, "validate", validate)
        again = Importer(ledger, batch=4, parallel=True).import_path(log)
        assert again.duplicate > 0 and again.imported + again.duplicate == 28  # each act stored once
        assert ledger.count("lecheng") == stored + again.imported
        assert verify(ledger).ok


def test_an_error_in_the_validator_reaches_the_importer_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _log(tmp_path / "acts.jsonl")

    def fails(self: BatchValidator, raws: Any) -> None:
        raise RuntimeError("the disk went away")

    _fork(monkeypatch)
    monkeypatch.setattr(BatchValidator, "prefetch", fails)
    with Ledger(f"sqlite:///{tmp_path / 'l.db'}") as ledger:
        Importer(ledger).import_chart(COUNTY)
        error = _failed_import(ledger, log)
        assert "RuntimeError: the disk went away" in error.message_en
        assert "导入校验进程出错" in error.message_zh


def test_a_large_act_log_is_validated_in_a_process_of_its_own_a_small_one_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _log(tmp_path / "acts.jsonl")
    with Ledger(f"sqlite:///{tmp_path / 'l.db'}") as ledger:
        monkeypatch.setattr(parallel_import, "MIN_BYTES", log.stat().st_size + 1)
        assert not Importer(ledger)._in_parallel(log)
        monkeypatch.setattr(parallel_import, "MIN_BYTES", log.stat().st_size)
        monkeypatch.setattr(os, "cpu_count", lambda: 2)
        assert Importer(ledger)._in_parallel(log)
        assert not Importer(ledger, keep_stored=True)._in_parallel(log)  # the acts wanted back as objects
        monkeypatch.setattr(os, "cpu_count", lambda: 1)
        assert not Importer(ledger)._in_parallel(log)  # one core: nothing to share the work with


def test_lines_without_a_jurisdiction_take_the_importers_in_the_validating_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ledger import --jurisdiction`` reaches the validator process; lines naming none are
    placed there, as in the one-process import."""
    second = dict(COUNTY, jurisdiction="dongqu")  # two jurisdictions: a line naming none is ambiguous
    log = tmp_path / "acts.jsonl"
    log.write_text(
        "".join(
            json.dumps(act(f"a-{i}", f"INC-{i}", "incident", "occurred", "2024-03-05T10:00:00+08:00", grade="general"))
            + "\n"
            for i in range(30)
        ),
        encoding="utf-8",
    )
    with Ledger(f"sqlite:///{tmp_path / 'l.db'}") as ledger:
        Importer(ledger).import_chart(COUNTY)
        Importer(ledger).import_chart(second)
        res = Importer(ledger, batch=4, parallel=True).import_path(log)
        assert {e.code for e in res.rejected} == {"unknown_jurisdiction"} and res.imported == 0
        res = Importer(ledger, jurisdiction="dongqu", batch=4, parallel=True).import_path(log)
        assert res.summary() == {"imported": 30, "duplicate": 0, "rejected": 0}
        assert ledger.count("dongqu") - ledger.count("lecheng") == 30

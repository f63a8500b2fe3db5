"""Integrity: every stored byte is covered by the hash chain; tampering is found (防篡改).

The tampering is done the way an insider would: straight in the SQLite file or the
PostgreSQL rows, behind the ledger's back.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from api.cli import app
from ledger.importer import Importer
from ledger.integrity import checkpoint, verify
from ledger.store import Ledger
from tests.conftest import COUNTY, PG_DSN, FakeClock, act

ACTS = [
    act("a-1", "INC-1", "incident", "occurred", "2024-03-05T10:00:00+08:00", grade="larger"),
    act("a-2", "INC-1", "incident", "reported", "2024-03-05T10:20:00+08:00", channel="phone", to_level="local_gov"),
    act("a-3", "INC-2", "incident", "occurred", "2024-03-06T10:00:00+08:00", grade="general"),
    act("a-4", "INC-1", "incident", "reported", "2024-03-05T11:30:00+08:00", channel="written", to_level="local_gov"),
]


def filled(url: str, clock: FakeClock) -> Ledger:
    ledger = Ledger(url, clock=clock)
    Importer(ledger).import_chart(COUNTY)
    res = Importer(ledger).import_lines([json.dumps(a) for a in ACTS])
    assert not res.rejected
    return ledger


def seq_of(ledger: Ledger, act_id: str) -> int:
    return next(a.seq for a in ledger.iter_acts() if a.id == act_id) or 0


Tamper = Callable[[str], None]


def raw_sql(url: str) -> Callable[[str, tuple[object, ...]], None]:
    """Run SQL against the backend directly, with the append-only triggers switched off."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]

        def run_sqlite(sql: str, params: tuple[object, ...] = ()) -> None:
            c = sqlite3.connect(path)
            c.execute(sql.replace("%s", "?"), params)
            c.commit()
            c.close()

        return run_sqlite
    schema = url.split("schema=")[1]

    def run_pg(sql: str, params: tuple[object, ...] = ()) -> None:
        with psycopg.connect(PG_DSN, autocommit=True) as c:
            c.execute(f'SET search_path TO "{schema}"')
            c.execute("SET session_replication_role = replica")  # an insider bypassing triggers
            c.execute(sql, params)

    return run_pg


def nid_col(url: str) -> str:
    return "rowid" if url.startswith("sqlite") else "notification_id"


def test_an_intact_ledger_verifies(db_url: str, clock: FakeClock) -> None:
    with filled(db_url, clock) as ledger:
        rep = verify(ledger)
        assert rep.ok and rep.checked == ledger.count()
        cp = checkpoint(ledger)
        assert verify(ledger, against=cp).ok


def test_a_modified_event_is_detected(db_url: str, clock: FakeClock) -> None:
    with filled(db_url, clock) as ledger:
        target = seq_of(ledger, "a-2")
    run = raw_sql(db_url)
    # change one byte of the stored JSON: 10:20 becomes 10:29
    if db_url.startswith("sqlite"):
        run("UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), '10:20:00', '10:29:00') AS BLOB)", ())
    else:
        run(
            "UPDATE stored_events SET state = convert_to(replace(convert_from(state, 'UTF8'), '10:20:00', '10:29:00'), 'UTF8')",
            (),
        )
    with Ledger(db_url) as ledger:
        rep = verify(ledger)
    assert not rep.ok
    [p] = rep.problems
    assert (p.seq, p.act_id) == (target, "a-2")
    assert "modified" in p.reason_en


def test_a_deleted_event_is_detected(db_url: str, clock: FakeClock) -> None:
    with filled(db_url, clock) as ledger:
        target = seq_of(ledger, "a-3")
    run = raw_sql(db_url)
    col = nid_col(db_url)
    run(f"DELETE FROM stored_events WHERE {col} = (SELECT MAX({col}) - 1 FROM stored_events)", ())
    with Ledger(db_url) as ledger:
        rep = verify(ledger)
    assert not rep.ok
    assert rep.problems[0].seq == target and "deleted" in rep.problems[0].reason_en


def test_a_deleted_chain_record_is_detected(db_url: str, clock: FakeClock) -> None:
    with filled(db_url, clock) as ledger:
        target = seq_of(ledger, "a-2")
    raw_sql(db_url)("DELETE FROM ledger_chain WHERE act_id = %s", ("a-2",))
    with Ledger(db_url) as ledger:
        rep = verify(ledger)
    assert not rep.ok
    assert rep.problems[0].seq == target


def test_reordered_records_are_detected(db_url: str, clock: FakeClock) -> None:
    run = raw_sql(db_url)
    with filled(db_url, clock) as ledger:
        first, second = seq_of(ledger, "a-2"), seq_of(ledger, "a-3")
    col = nid_col(db_url)
    # swap the recorded positions of two events (their notification ids)
    run(
        f"UPDATE stored_events SET {col} = -{col} WHERE {col} IN (SELECT MAX({col}) - 1 FROM stored_events UNION SELECT MAX({col}) - 2 FROM stored_events)",
        (),
    )
    run(
        f"UPDATE stored_events SET {col} = CASE WHEN {col} = (SELECT MIN({col}) FROM stored_events) THEN -{col} - 1 ELSE -{col} + 1 END WHERE {col} < 0",
        (),
    )
    with Ledger(db_url) as ledger:
        rep = verify(ledger)
    assert not rep.ok
    assert rep.problems[0].seq in (first, second) and "reordered" in rep.problems[0].reason_en


def test_swapped_chain_positions_are_detected(db_url: str, clock: FakeClock) -> None:
    with filled(db_url, clock) as ledger:
        a, b = seq_of(ledger, "a-2"), seq_of(ledger, "a-3")
    run = raw_sql(db_url)
    run("UPDATE ledger_chain SET seq = -1 WHERE act_id = %s", ("a-2",))
    run("UPDATE ledger_chain SET seq = %s WHERE act_id = %s", (a, "a-3"))
    run("UPDATE ledger_chain SET seq = %s WHERE act_id = %s", (b, "a-2"))
    with Ledger(db_url) as ledger:
        rep = verify(ledger)
    assert not rep.ok and rep.problems[0].seq == a


def test_records_cut_off_at_the_end_are_caught_by_a_kept_checkpoint(db_url: str, clock: FakeClock) -> None:
    with filled(db_url, clock) as ledger:
        cp = checkpoint(ledger)
    run = raw_sql(db_url)
    col = nid_col(db_url)
    run("DELETE FROM ledger_chain WHERE act_id = %s", ("a-4",))
    run(f"DELETE FROM stored_events WHERE {col} = (SELECT MAX({col}) FROM stored_events)", ())
    with Ledger(db_url) as ledger:
        assert verify(ledger).ok  # a chain alone cannot see its own tail cut off …
        rep = verify(ledger, against=cp)  # … the checkpoint kept elsewhere can
    assert not rep.ok and "cut off" in rep.problems[0].reason_en


def test_an_event_inserted_outside_the_chain_is_detected(tmp_path: Path, clock: FakeClock) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    with filled(url, clock):
        pass
    c = sqlite3.connect(tmp_path / "l.db")
    c.execute(
        "INSERT INTO stored_events VALUES ('00000000000000000000000000000001', 1, 'act:incident.occurred', X'7B7D')"
    )
    c.commit()
    c.close()
    with Ledger(url) as ledger:
        rep = verify(ledger)
    assert not rep.ok and "not in any hash chain" in rep.problems[0].reason_en


def test_postgresql_refuses_update_and_delete_on_the_event_table(pg_schema: str, clock: FakeClock) -> None:
    url = f"{PG_DSN}?schema={pg_schema}"
    with filled(url, clock):
        pass
    with psycopg.connect(PG_DSN, autocommit=True) as c:
        c.execute(f'SET search_path TO "{pg_schema}"')
        for sql in (
            "UPDATE stored_events SET topic = 'x'",
            "DELETE FROM stored_events",
            "UPDATE ledger_chain SET hash = 'x'",
            "DELETE FROM ledger_chain",
            "TRUNCATE stored_events",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                c.execute(sql)
    with Ledger(url) as ledger:
        assert verify(ledger).ok


def test_cli_verify_exits_1_with_a_report_when_tampered(tmp_path: Path, clock: FakeClock) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    with filled(url, clock):
        pass
    runner = CliRunner()
    ok = runner.invoke(app, ["--db", url, "verify"])
    assert ok.exit_code == 0 and "intact" in ok.output
    cp = runner.invoke(app, ["--db", url, "checkpoint"])
    assert cp.exit_code == 0 and json.loads(cp.output)["jurisdictions"]["lecheng"]["count"] > 0
    raw_sql(url)("DELETE FROM stored_events WHERE rowid = 3", ())
    bad = runner.invoke(app, ["--db", url, "--lang", "en", "verify"])
    assert bad.exit_code == 1 and "deleted" in bad.output


DAY_US = 86_400_000_000


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("kind", "'x'"),
        ("act", "'x'"),
        ("at_us", f"at_us + {300 * DAY_US}"),
        ("recorded_us", "recorded_us - 1"),
        ("body_hash", "'" + "0" * 64 + "'"),
        ("act_id", "'a-99'"),
        ("case_id", "'INC-9'"),
    ],
)
def test_each_index_column_changed_is_found_with_its_row_and_column(
    db_url: str, clock: FakeClock, column: str, value: str
) -> None:
    """The columns the ledger reads cases, ids, kinds and times from are checked against the hashed event."""
    with filled(db_url, clock) as ledger:
        target = seq_of(ledger, "a-2")
    raw_sql(db_url)(
        f"UPDATE ledger_chain SET {column} = {value} WHERE jurisdiction = 'lecheng' AND seq = %s", (target,)
    )
    with Ledger(db_url) as ledger:
        rep = verify(ledger)
    assert not rep.ok
    [p] = rep.problems
    assert (p.jurisdiction, p.seq, p.column) == ("lecheng", target, column)
    assert column in p.reason_en and column in p.reason_zh
    bad = CliRunner().invoke(app, ["--db", db_url, "--lang", "en", "verify"])
    assert bad.exit_code == 1 and f"lecheng #{target} " in bad.output and f"[{column}]" in bad.output


def test_a_jurisdiction_hidden_by_its_index_is_still_verified(db_url: str, clock: FakeClock) -> None:
    """The org rows' kind changed: the index no longer names the jurisdiction, its events still do."""
    with filled(db_url, clock):
        pass
    raw_sql(db_url)("UPDATE ledger_chain SET kind = 'x' WHERE kind = 'org'", ())
    with Ledger(db_url) as ledger:
        assert ledger.jurisdictions() == []  # what the ledger reads is fooled …
        rep = verify(ledger)  # … verify is not
    assert not rep.ok and rep.problems[0].jurisdiction == "lecheng"
    assert (rep.problems[0].seq, rep.problems[0].column) == (1, "kind")
    bad = CliRunner().invoke(app, ["--db", db_url, "--lang", "en", "verify"])
    assert bad.exit_code == 1 and "intact" not in bad.output


def test_chain_rows_of_a_jurisdiction_removed_with_its_index_are_found_from_its_events(
    tmp_path: Path, clock: FakeClock
) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    with filled(url, clock):
        pass
    raw_sql(url)("DELETE FROM ledger_chain", ())
    with Ledger(url) as ledger:
        rep = verify(ledger)
    assert not rep.ok and rep.problems[0].jurisdiction == "lecheng"
    assert "stored event" in rep.problems[0].reason_en


# ---- signed checkpoints -------------------------------------------------------------------------
def test_keygen_writes_an_owner_only_private_key_and_refuses_to_overwrite(tmp_path: Path) -> None:
    runner = CliRunner()
    key = tmp_path / "ledger.key"
    res = runner.invoke(app, ["--lang", "en", "keygen", str(key)])
    assert res.exit_code == 0, res.output
    assert key.stat().st_mode & 0o777 == 0o600
    assert b"PRIVATE KEY" in key.read_bytes() and b"PUBLIC KEY" in (tmp_path / "ledger.key.pub").read_bytes()
    again = runner.invoke(app, ["--lang", "en", "keygen", str(key)])
    assert again.exit_code == 2 and "not overwritten" in again.output


def test_a_signed_checkpoint_cannot_be_forged_by_whoever_can_write_the_database(
    db_url: str, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The newest act is cut off (event and chain row) and the checkpoint file rewritten from the
    cut ledger: without the key that passes; with the public key it fails."""
    runner = CliRunner()
    key, other = tmp_path / "ledger.key", tmp_path / "other.key"
    for k in (key, other):
        assert runner.invoke(app, ["keygen", str(k)]).exit_code == 0
    with filled(db_url, clock):
        pass
    monkeypatch.setenv("LEDGER_SIGNING_KEY", str(key))  # the environment's key, as a scheduled job would
    res = runner.invoke(app, ["--db", db_url, "checkpoint"])
    assert res.exit_code == 0, res.output
    kept = tmp_path / "kept.json"
    kept.write_text(res.output)
    assert json.loads(res.output)["signature"]["algorithm"] == "ed25519"
    pub = str(key) + ".pub"

    def verify_cli(cp: Path, public: str) -> tuple[int, str]:
        r = runner.invoke(app, ["--db", db_url, "--lang", "en", "verify", "--checkpoint", str(cp), "--pubkey", public])
        return r.exit_code, r.output

    assert verify_cli(kept, pub)[0] == 0
    code, output = verify_cli(kept, str(other) + ".pub")
    assert code == 1 and "signed with another key" in output

    run = raw_sql(db_url)
    col = nid_col(db_url)
    run("DELETE FROM ledger_chain WHERE act_id = %s", ("a-4",))
    run(f"DELETE FROM stored_events WHERE {col} = (SELECT MAX({col}) FROM stored_events)", ())
    code, output = verify_cli(kept, pub)
    assert code == 1 and "cut off" in output  # the genuine checkpoint catches the cut

    with Ledger(db_url) as ledger:
        recomputed = checkpoint(ledger)
    signed = json.loads(kept.read_text())
    for name, forged in {
        "unsigned": {**recomputed, "taken_at": signed["taken_at"]},
        "old signature": {**recomputed, "taken_at": signed["taken_at"], "signature": signed["signature"]},
    }.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(forged))
        plain = runner.invoke(app, ["--db", db_url, "verify", "--checkpoint", str(path)])
        assert plain.exit_code == 0, name  # a checkpoint anyone can recompute proves nothing …
        code, output = verify_cli(path, pub)  # … one signed with a key kept elsewhere does
        assert code == 1, name
        assert ("not signed" if name == "unsigned" else "not valid") in output

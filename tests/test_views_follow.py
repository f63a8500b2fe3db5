"""Followers over the database: ``ledger follow`` processes (three partitions over PostgreSQL,
one killed with SIGKILL and restarted) give the tables of one rebuild; ``ledger status`` says
how far behind the views are."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from bench.synth import org_chart
from ledger.importer import Importer
from ledger.store import Ledger
from projections.audit import AuditProjection
from projections.follow import positions, views_lag
from tests.conftest import FakeClock
from tests.test_views_scale import JURISDICTIONS, lines, reference

ROOT = Path(__file__).resolve().parents[1]


def test_status_reports_the_views_lag(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'l.db'}"
    led = Ledger(db, clock=FakeClock())
    Importer(led).import_chart(org_chart("j-a"))
    led.close()
    r = CliRunner().invoke(app, ["--db", db, "--lang", "en", "status", "--now", "2024-06-01", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["j-a"]["views_lag"] == 0


def _follower(url: str, k: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from api.cli import main; main()",
            "--db",
            url,
            "follow",
            "--partition",
            f"{k}/3",
            "--interval",
            "0.2",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _settled(led: Ledger, timeout: float) -> None:
    """Wait (bounded) until the three followers reflect every act and have nothing pending."""
    deadline = time.monotonic() + timeout
    pending = AuditProjection(led).t_p
    while time.monotonic() < deadline:
        if views_lag(led, 3) == 0 and not led.query(f"SELECT 1 FROM {pending} LIMIT 1"):
            return
        time.sleep(0.2)
    raise AssertionError(f"followers still {views_lag(led, 3)} acts behind after {timeout} s: {positions(led)}")


@pytest.fixture
def pg_ledger(pg_schema: str) -> Iterator[tuple[str, Ledger]]:
    from tests.conftest import PG_DSN

    url = f"{PG_DSN}?schema={pg_schema}"
    led = Ledger(url, clock=FakeClock())
    for j in JURISDICTIONS:
        Importer(led).import_chart(org_chart(j))
    AuditProjection(led)  # the view tables, before the followers open them
    yield url, led
    led.close()


def test_three_followers_over_postgresql_give_the_rebuilt_tables_after_one_is_killed(
    pg_ledger: tuple[str, Ledger],
) -> None:
    url, led = pg_ledger
    rows = lines(120)
    third = len(rows) // 3
    procs = [_follower(url, k) for k in range(3)]
    try:
        Importer(led).import_lines(rows[:third])
        _settled(led, 60)
        procs[1].send_signal(signal.SIGKILL)  # killed wherever it is
        procs[1].wait(10)
        Importer(led).import_lines(rows[third : 2 * third])
        procs[1] = _follower(url, 1)
        Importer(led).import_lines(rows[2 * third :])
        _settled(led, 60)
        got = AuditProjection(led, partition=(0, 3)).table_snapshot()
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
    assert set(positions(led)) >= {"audit:0/3", "audit:1/3", "audit:2/3"}
    assert got == reference(led)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_follower_keeps_the_views_within_about_a_second_of_an_append(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    import threading

    from projections.follow import follow
    from tests.conftest import PG_DSN

    # PostgreSQL: a wait of 30 s between polls, so only the NOTIFY can wake it in time
    url = (
        f"sqlite:///{tmp_path / 'l.db'}"
        if backend == "sqlite"
        else f"{PG_DSN}?schema={request.getfixturevalue('pg_schema')}"
    )
    interval = 0.1 if backend == "sqlite" else 30.0
    led = Ledger(url, clock=FakeClock())
    Importer(led).import_chart(org_chart("j-a"))
    stop = threading.Event()
    worker = threading.Thread(target=follow, args=(Ledger(url),), kwargs={"interval": interval, "stop": stop})
    worker.start()
    try:
        time.sleep(0.5)  # the follower is waiting
        rows = [r for r in lines(20) if '"j-a"' in r]
        Importer(led).import_lines(rows)
        deadline = time.monotonic() + 5
        while views_lag(led) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert views_lag(led) == 0
        while AuditProjection(led).pending() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert AuditProjection(led).table_snapshot() == reference(led)
    finally:
        stop.set()
        if backend == "postgres":  # wake it from its wait
            Importer(led).import_lines([r.replace('"C-1-', '"X-1-') for r in rows[:1]])
        worker.join(40)
    assert not worker.is_alive()
    led.close()


def test_a_follower_starting_takes_no_lock_that_waits_for_a_writer(pg_schema: str) -> None:
    """``ledger follow`` installs its NOTIFY trigger once: a second follower starting while a
    writer's transaction has read the events does not wait for it (nor deadlock with it)."""
    import threading

    import psycopg

    from projections.follow import install_notify
    from tests.conftest import PG_DSN

    with Ledger(f"{PG_DSN}?schema={pg_schema}") as ledger:
        install_notify(ledger)
        with psycopg.connect(PG_DSN) as writer:
            writer.execute(f'SELECT count(*) FROM "{pg_schema}".stored_events').fetchone()
            done = threading.Event()
            t = threading.Thread(target=lambda: (install_notify(ledger), done.set()), daemon=True)
            t.start()
            assert done.wait(20), "installing the trigger again waited for the writer"
            writer.rollback()
            t.join(10)
        rows = ledger.query("SELECT count(*) AS n FROM pg_trigger WHERE tgname = 'ledger_notify_acts' "
                            f"AND tgrelid = '{ledger.t_events}'::regclass")  # fmt: skip
        assert rows[0]["n"] == 1

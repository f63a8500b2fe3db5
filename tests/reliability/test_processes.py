"""Safe under concurrency and crashes, as real processes (进程级可靠性), on both backends.

The reliability suite's process half (the request half is ``test_authz_matrix.py`` and
``test_hostile_input.py``): ``ledger serve`` killed with SIGKILL under four concurrent
writers keeps every acknowledged act exactly once; ``ledger import`` killed mid-run and run
again completes without doubling anything; two overlapping imports at once both succeed and
store each act once; four processes opening a fresh database at once all succeed. After each,
``ledger verify`` finds the chain intact. Every process is bounded in time and killed at the end.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from ledger.importer import Importer
from ledger.store import Ledger
from ledger.tokens import TokenStore
from tests.api.test_serve import Server
from tests.conftest import COUNTY, PG_DSN, act, require_pg
from tests.procs import group

ROOT = Path(__file__).resolve().parents[2]
J = "lecheng"


def _acts(first: int, last: int, prefix: str = "p") -> list[dict[str, Any]]:
    """Acts ``first``..``last - 1``: two per incident case (occurred, then reported)."""
    out: list[dict[str, Any]] = []
    for i in range(first, last):
        case = f"INC-{prefix}{i // 2}"
        minute = i % 2 * 20
        at = f"2024-03-{1 + i // 2 % 28:02d}T10:{minute:02d}:00+08:00"
        if i % 2 == 0:
            a = act(f"{prefix}-{i}", case, "incident", "occurred", at, grade="general")
        else:
            a = act(f"{prefix}-{i}", case, "incident", "reported", at, channel="phone", to_level="local_gov")
        out.append({**a, "jurisdiction": J})
    return out


def _write(path: Path, acts: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in acts), encoding="utf-8")
    return path


def _python(code: str, *args: str) -> subprocess.Popen[str]:
    """``python -c code args`` in its own process group, output captured."""
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _cli(url: str, *args: str) -> subprocess.Popen[str]:
    return _python("from api.cli import main; main()", "--db", url, *args)


def _finish(p: subprocess.Popen[str], timeout: float = 90) -> tuple[int, str]:
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        raise AssertionError(f"{p.args} did not finish within {timeout} s:\n{out}") from None
    return p.returncode, out


def _run(url: str, *args: str, timeout: float = 90) -> tuple[int, str]:
    return _finish(_cli(url, *args), timeout)


def _summary(out: str) -> dict[str, int]:
    m = re.search(r"imported (\d+), duplicate (\d+), rejected (\d+)", " ".join(out.split()))
    assert m, out
    return {"imported": int(m[1]), "duplicate": int(m[2]), "rejected": int(m[3])}


def _stored_ids(url: str) -> list[str]:
    """Every stored act id of the county, as often as it is stored."""
    with Ledger(url) as led:
        return [a.id for a in led.iter_acts(J)]


def _assert_intact(url: str) -> None:
    rc, out = _run(url, "verify")
    assert rc == 0 and "intact" in out, out


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    """Servers a test starts, killed at its end."""
    started: list[Server] = []
    yield started
    for s in started:
        s.kill()
        s.log.close()


@pytest.fixture
def county(db_url: str) -> str:
    with Ledger(db_url) as led:
        assert not Importer(led).import_chart(COUNTY).rejected
    return db_url


def _org_acts(url: str) -> int:
    with Ledger(url) as led:
        return len([a for a in led.iter_acts(J) if a.kind == "org"])


# ---- imports ----------------------------------------------------------------------------------
def test_a_second_import_of_the_same_file_counts_every_act_duplicate(county: str, tmp_path: Path) -> None:
    """More acts than one import batch (5 000), so the second run's first batch is all stored ids."""
    path = _write(tmp_path / "acts.jsonl", _acts(0, 6000))
    rc, out = _run(county, "import", str(path))
    assert rc == 0 and _summary(out) == {"imported": 6000, "duplicate": 0, "rejected": 0}, out
    rc, out = _run(county, "import", str(path))
    assert rc == 0 and _summary(out) == {"imported": 0, "duplicate": 6000, "rejected": 0}, out
    ids = _stored_ids(county)
    assert len(ids) == len(set(ids)) == 6000 + _org_acts(county)
    _assert_intact(county)


def test_two_overlapping_imports_at_once_both_succeed_and_store_each_act_once(county: str, tmp_path: Path) -> None:
    first = _write(tmp_path / "first.jsonl", _acts(0, 8000))
    second = _write(tmp_path / "second.jsonl", _acts(4000, 12000))
    procs = [_cli(county, "import", str(first)), _cli(county, "import", str(second))]
    results = [_finish(p) for p in procs]
    for rc, out in results:
        assert rc == 0, out
    sums = [_summary(out) for _rc, out in results]
    assert sum(s["imported"] for s in sums) == 12000
    assert sum(s["duplicate"] for s in sums) == 4000
    ids = _stored_ids(county)
    assert len(ids) == len(set(ids)) == 12000 + _org_acts(county)
    _assert_intact(county)


def _import_under_way(url: str, path: Path, stored: int) -> subprocess.Popen[str]:
    """``ledger import path`` started, once the county holds ``stored`` acts (or 60 s passed,
    or it ended)."""
    proc = _cli(url, "import", str(path))
    deadline = time.monotonic() + 60
    with Ledger(url) as led:
        while led.count(J) < stored and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
    return proc


def test_an_import_killed_mid_run_completes_on_a_second_run_without_doubling(county: str, tmp_path: Path) -> None:
    n = 15000
    path = _write(tmp_path / "acts.jsonl", _acts(0, n))
    org = _org_acts(county)
    proc = _import_under_way(county, path, org + 5000)
    with Ledger(county) as led:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        stored_before = led.count(J) - org
    assert proc.returncode == -signal.SIGKILL, f"the import ended before it was killed:\n{out}"
    assert 0 < stored_before < n
    rc, out = _run(county, "import", str(path))
    assert rc == 0, out
    assert _summary(out) == {"imported": n - stored_before, "duplicate": stored_before, "rejected": 0}
    ids = _stored_ids(county)
    assert len(ids) == len(set(ids)) == n + org
    _assert_intact(county)


def test_the_validator_of_an_import_killed_alone_ends_by_itself(county: str, tmp_path: Path) -> None:
    """A large act log is validated in a process of its own; ``kill -9`` of the importing
    process alone (not its group) leaves no validator behind, and a second run completes."""
    n = 15000
    path = _write(tmp_path / "acts.jsonl", _acts(0, n))
    org = _org_acts(county)
    proc = _import_under_way(county, path, org + 1000)
    assert len(group(proc.pid)) >= 2, "the import runs no validator process"
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 20
    while group(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = group(proc.pid)
    if left:
        os.killpg(proc.pid, signal.SIGKILL)
    assert not left, f"the validator {left} outlived its importer"
    rc, out = _run(county, "import", str(path))
    assert rc == 0, out
    ids = _stored_ids(county)
    assert len(ids) == len(set(ids)) == n + org
    _assert_intact(county)


# ---- opening ----------------------------------------------------------------------------------
_OPEN = """
import sys, time
from pathlib import Path
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.01)
from api.app import create_app
create_app(sys.argv[1]).state.services.close()
print("opened")
"""


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database no one has opened: a new SQLite file, or a new PostgreSQL database (its public schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    require_pg()
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_DSN, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_DSN.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG_DSN, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_four_processes_opening_a_fresh_database_at_once_all_succeed(fresh_db: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    procs = [_python(_OPEN, fresh_db, str(go)) for _ in range(4)]
    time.sleep(1.5)  # let every process reach the start line
    go.touch()
    for p in procs:
        rc, out = _finish(p, 120)
        assert rc == 0 and "opened" in out, out
    with Ledger(fresh_db) as led:
        assert led.count() == 0


# ---- the server -------------------------------------------------------------------------------
def test_acts_acknowledged_before_serve_is_killed_are_stored_exactly_once(
    county: str, tmp_path: Path, servers: list[Server]
) -> None:
    """Four writers post 100-act batches (their own cases) to a two-worker server, which is killed
    (SIGKILL, whole process group) after 800 acknowledged acts. After a restart each writer sends
    its first batches again, acknowledged or not: each act is stored exactly once and the chain is intact."""
    with Ledger(county) as led:
        _t, bearer = TokenStore(led).create("clerk", units=["u-fgj"], person="p-sun")
    batches = {w: [_acts(k * 100, k * 100 + 100, prefix=f"w{w}") for k in range(12)] for w in range(4)}
    acknowledged: list[str] = []
    lock = threading.Lock()
    server = Server(county, 2, tmp_path)
    servers.append(server)
    server.wait_ready(bearer)

    def writer(w: int, base: str) -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {bearer}"}, timeout=30) as c:
            for batch in batches[w]:
                body = [{k: v for k, v in a.items() if k != "jurisdiction"} for a in batch]
                try:
                    r = c.post("/acts", json={"acts": body})
                except httpx.TransportError:
                    return  # the server is gone
                assert r.is_success, r.text
                with lock:
                    acknowledged.extend(a["id"] for a in batch)

    threads = [threading.Thread(target=writer, args=(w, server.base)) for w in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 800 and time.monotonic() < deadline and any(t.is_alive() for t in threads):
        time.sleep(0.02)
    server.kill()
    for t in threads:
        t.join(timeout=60)
    assert 800 <= len(acknowledged) < 4 * 12 * 100, server.output()
    ids = _stored_ids(county)
    assert set(acknowledged) <= set(ids) and len(ids) == len(set(ids))

    restarted = Server(county, 1, tmp_path)  # one worker: this half checks that re-sending doubles nothing
    servers.append(restarted)
    restarted.wait_ready(bearer)
    batches = {w: b[:6] for w, b in batches.items()}  # re-send the first half, crash or not
    before = set(ids)
    threads = [threading.Thread(target=writer, args=(w, restarted.base)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    restarted.kill()
    ids = _stored_ids(county)
    sent = {a["id"] for b in batches.values() for batch in b for a in batch}
    assert len(ids) == len(set(ids)) and sent | before == set(ids)
    _assert_intact(county)

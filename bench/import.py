"""Import speed: the ledger's import vs the eventsourcing library's own batched save().

    python bench/import.py [N [R]]    (default 200 000 acts, best of R = 3 runs each)

Generates N acts of a synthetic jurisdiction, imports them into a fresh SQLite file and a
fresh PostgreSQL schema (when reachable) and times it; times the library's
``Application.save()`` of the same number of events in batches on the same backend. Prints
acts/s side by side and, as the last line, the ratio (target: import ≥ 0.8 × library).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

# Run as a script, this file's folder comes first on the path, where bench/http.py would stand in
# for the standard library's `http`: the repository root takes its place.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from bench.synth import org_chart, write_jsonl
from ledger.importer import Importer
from ledger.store import Ledger

PG = os.environ.get("LEDGER_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
BATCH = 2000


class Case(Aggregate):
    @event("Opened")
    def __init__(self, name: str) -> None:
        self.name = name

    @event("Acted")
    def act(self, what: str, at: str, by: str) -> None:
        self.last = what


def library_rate(n: int, env: dict[str, str]) -> float:
    app = Application(env=env)
    per_case = 5
    t = time.perf_counter()
    done = 0
    pending: list[Case] = []
    in_batch = 0
    while done < n:
        c = Case(f"c{done}")
        for i in range(per_case - 1):
            c.act(f"a{i}", "2024-03-05T10:00:00+08:00", "p-1")
        pending.append(c)
        done += per_case
        in_batch += per_case
        if in_batch >= BATCH:
            app.save(*pending)
            pending, in_batch = [], 0
    if pending:
        app.save(*pending)
    dt = time.perf_counter() - t
    app.close()
    return done / dt


def import_rate(url: str, path: Path, n: int) -> float:
    ledger = Ledger(url)
    Importer(ledger).import_chart(org_chart())
    t = time.perf_counter()
    res = Importer(ledger).import_path(path)
    dt = time.perf_counter() - t
    assert not res.rejected, res.rejected[:3]
    assert res.imported == n, res.summary()
    ledger.close()
    return n / dt


def pg_ok() -> bool:
    try:
        with psycopg.connect(PG, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    d = Path(tempfile.mkdtemp())
    path = write_jsonl(d / "acts.jsonl", n)
    rows: list[tuple[str, float, float]] = []
    # Each side runs `repeat` times, alternating, on a fresh store each time; the best rate of
    # each counts (the run least disturbed by whatever else the machine does).
    libs, ours = [], []
    for i in range(repeat):
        libs.append(
            library_rate(n, {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(d / f"lib{i}.db")})
        )
        ours.append(import_rate(f"sqlite:///{d / f'ledger{i}.db'}", path, n))
    rows.append(("sqlite", max(ours), max(libs)))
    if pg_ok():
        u = psycopg.conninfo.conninfo_to_dict(PG)
        libs, ours = [], []
        for _ in range(repeat):
            s1, s2 = f"b_{uuid.uuid4().hex[:8]}", f"b_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(PG, autocommit=True) as c:
                c.execute(f'CREATE SCHEMA "{s1}"')
            env = {
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
                "POSTGRES_DBNAME": str(u.get("dbname", "test")),
                "POSTGRES_HOST": str(u.get("host", "127.0.0.1")),
                "POSTGRES_PORT": str(u.get("port", "5432")),
                "POSTGRES_USER": str(u.get("user", "postgres")),
                "POSTGRES_PASSWORD": str(u.get("password", "")),
                "POSTGRES_SCHEMA": s1,
            }
            try:
                libs.append(library_rate(n, env))
                ours.append(import_rate(f"{PG}?schema={s2}", path, n))
            finally:
                with psycopg.connect(PG, autocommit=True) as c:
                    c.execute(f'DROP SCHEMA IF EXISTS "{s1}" CASCADE')
                    c.execute(f'DROP SCHEMA IF EXISTS "{s2}" CASCADE')
        rows.append(("postgresql", max(ours), max(libs)))
    else:
        print("postgresql: unreachable, skipped")
    print(f"{'backend':<12}{'import acts/s':>16}{'library save() events/s':>26}{'ratio':>8}")
    for name, ours, lib in rows:
        print(f"{name:<12}{ours:>16,.0f}{lib:>26,.0f}{ours / lib:>8.2f}")
    print("ratio " + " ".join(f"{name}={ours / lib:.2f}" for name, ours, lib in rows))


if __name__ == "__main__":
    main()

"""Benchmark ledgers: N synthetic acts (bench/synth.py) loaded once and reused.

``BENCH_DB`` (a SQLite file) and ``BENCH_PG_SCHEMA`` (a PostgreSQL schema) keep a loaded
ledger between runs; otherwise each run loads a fresh one in a temporary file or schema,
removed at the end.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

PG = os.environ.get("LEDGER_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")


def load(url: str, n: int) -> None:
    """Import ``n`` synthetic acts and rebuild the views, unless the ledger holds acts already."""
    from bench.synth import org_chart, write_jsonl
    from ledger.importer import Importer
    from ledger.store import Ledger
    from projections.audit import AuditProjection

    ledger = Ledger(url)
    try:
        if ledger.count() == 0:
            t = time.perf_counter()
            path = write_jsonl(Path(tempfile.mkdtemp()) / "acts.jsonl", n)
            Importer(ledger).import_chart(org_chart())
            Importer(ledger, batch=5000).import_path(path)
            AuditProjection(ledger).rebuild()
            print(f"  loaded {ledger.count():,} acts in {time.perf_counter() - t:.0f} s", flush=True)
    finally:
        ledger.close()


def backends(choice: str) -> Iterator[str]:
    """The backends a bench's ``--backend sqlite|postgres|both`` names ("sqlite",
    "postgresql"); an unreachable PostgreSQL is said and skipped."""
    import psycopg

    if choice in ("sqlite", "both"):
        yield "sqlite"
    if choice in ("postgres", "both"):
        try:
            psycopg.connect(PG, connect_timeout=3).close()
        except psycopg.OperationalError:
            print("postgresql: unreachable, skipped")
            return
        yield "postgresql"


@contextlib.contextmanager
def ledger_url(backend: str, n: int) -> Iterator[str]:
    """The URL of a ledger of ``n`` synthetic acts on ``backend`` ("sqlite" or "postgresql")."""
    if backend == "sqlite":
        db = os.environ.get("BENCH_DB") or str(Path(tempfile.mkdtemp()) / "bench.db")
        url = f"sqlite:///{db}"
        load(url, n)
        yield url
        return
    import psycopg

    keep = os.environ.get("BENCH_PG_SCHEMA")
    schema = keep or f"bench_{uuid.uuid4().hex[:8]}"
    url = f"{PG}?schema={schema}"
    try:
        load(url, n)
        yield url
    finally:
        if not keep:
            with psycopg.connect(PG, autocommit=True) as c:
                c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

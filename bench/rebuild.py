"""Rebuild speed of the violations projection, and rule evaluation alone in memory.

    python bench/rebuild.py [N]        (default 500 000 acts)

Imports N generated acts (bench/synth.py) into SQLite and PostgreSQL (when reachable),
then times (1) reading the same acts raw from the store, (2) a full rebuild of the audit
projection from the store, (3) the rule evaluation alone over acts already in memory.
Targets: rebuild ≥ 150 000 acts/s; in-memory evaluation faster than the raw read.
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

from bench.synth import org_chart, write_jsonl
from domain.calendar import WorkCalendar
from domain.rules.engine import Evaluator, group_cases
from ledger.importer import Importer
from ledger.store import Ledger
from projections.audit import AuditProjection

PG = os.environ.get("LEDGER_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")


def measure(url: str, path: Path, n: int) -> dict[str, float]:
    ledger = Ledger(url)
    Importer(ledger).import_chart(org_chart())
    Importer(ledger, batch=5000).import_path(path)
    total = ledger.max_notification_id()

    t = time.perf_counter()
    acts = []
    start = 1
    while start <= total:
        notes = ledger.notifications(start, 20000, stop=total)
        if not notes:
            break
        acts.extend(a for _i, a in notes)
        start = notes[-1][0] + 1
    raw = len(acts) / (time.perf_counter() - t)

    org = ledger.org("bench")
    t = time.perf_counter()
    ev = Evaluator(org, WorkCalendar.of(org))
    cases = group_cases(a for a in acts if a.kind != "org")
    found = sum(len(ev.case_violations(c)) for c in cases) + len(ev.jurisdiction_violations(cases))
    mem = len(acts) / (time.perf_counter() - t)

    p = AuditProjection(ledger)
    t = time.perf_counter()
    done = p.rebuild()
    rebuild = done / (time.perf_counter() - t)
    ledger.close()
    return {"raw read": raw, "in-memory evaluation": mem, "rebuild from store": rebuild, "violations": float(found)}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
    d = Path(tempfile.mkdtemp())
    path = write_jsonl(d / "acts.jsonl", n)
    results = {"sqlite": measure(f"sqlite:///{d / 'l.db'}", path, n)}
    try:
        with psycopg.connect(PG, connect_timeout=3, autocommit=True) as c:
            schema = f"r_{uuid.uuid4().hex[:8]}"
        try:
            results["postgresql"] = measure(f"{PG}?schema={schema}", path, n)
        finally:
            with psycopg.connect(PG, autocommit=True) as c:
                c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    except psycopg.OperationalError:
        print("postgresql: unreachable, skipped")
    for backend, r in results.items():
        print(f"{backend}: " + ", ".join(f"{k} {v:,.0f}{'' if k == 'violations' else ' acts/s'}" for k, v in r.items()))


if __name__ == "__main__":
    main()

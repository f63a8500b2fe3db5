"""Analytics frames at volume: time and peak memory of each frame beside the raw read.

    python bench/frames.py [N] [--backend sqlite|postgres|both]     (default 1 000 000 acts, both)

Loads N generated acts (bench/synth.py) and rebuilds the audit views (``BENCH_DB`` /
``BENCH_PG_SCHEMA`` reuse a loaded SQLite file / PostgreSQL schema), then measures, each in a
fresh process so that its peak RSS is its own:

- the anchor: every stored act read raw through the eventsourcing library's own
  ``select_notifications`` (StoredEvent objects, nothing decoded) — reading this store;
- the anchor for the views: ``pandas.read_sql`` of the view table's columns;
- ``events_frame()``, ``violations_frame()``, ``cases_frame()`` and ``ledger export --format
  parquet`` (``write_parquet``).

Prints seconds, CPU seconds and peak RSS per measurement and the ratio to its anchor.
Targets at 1 000 000 acts: each frame and the export ≤ 5 s and ≤ 600 MiB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# Run as a script, this file's folder comes first on the path, where bench/http.py would stand in
# for the standard library's `http`: the repository root takes its place.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ledgers import PG, backends, ledger_url

MEASURES = ("raw read (library)", "events_frame", "read_sql views", "violations_frame", "cases_frame", "parquet")
ANCHOR = {
    "events_frame": "raw read (library)",
    "parquet": "raw read (library)",
    "violations_frame": "read_sql views",
    "cases_frame": "read_sql views",
}


def raw_read(ledger: Any) -> int:
    """The eventsourcing library's own read of every stored event (``select_notifications``)."""
    rows, start, stop = 0, 1, ledger.max_notification_id()
    while start <= stop:
        notes = ledger.recorder.select_notifications(start, 20_000, stop=stop)
        if not notes:
            break
        rows += len(notes)
        start = notes[-1].id + 1
    return rows


def measure(what: str, url: str) -> dict[str, float]:
    """Run one measurement in this process (called in a child)."""
    import sqlite3
    import warnings

    import pandas as pd
    import psycopg

    import projections.analytics as analytics
    from ledger.store import Ledger
    from projections.audit import AuditProjection
    from projections.formats import write_parquet

    ledger = Ledger(url)
    t, cpu = time.perf_counter(), time.process_time()
    rows = 0
    if what == "raw read (library)":
        rows = raw_read(ledger)
    elif what == "read_sql views":
        p = AuditProjection(ledger)
        cfg = ledger.config
        conn = sqlite3.connect(cfg.path) if cfg.backend == "sqlite" else psycopg.connect(PG)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas names SQLAlchemy for connections other than sqlite3
            for table in (p.t_v, p.t_c):
                rows += len(pd.read_sql(f"SELECT * FROM {table}", conn))
        conn.close()
    elif what == "parquet":
        rows = write_parquet(ledger, Path(tempfile.mkdtemp()) / "acts.parquet")
    else:
        rows = len(getattr(analytics, what)(ledger))
    ledger.close()
    return figures(rows, t, cpu)


def figures(rows: int, t: float, cpu: float) -> dict[str, float]:
    """What a measuring child reports: rows, wall and CPU seconds since ``t`` and ``cpu``, its peak RSS."""
    return {
        "rows": rows,
        "seconds": time.perf_counter() - t,
        "cpu": time.process_time() - cpu,
        "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run(backend: str, url: str) -> None:
    results: dict[str, dict[str, float]] = {}
    for what in MEASURES:
        out = subprocess.run(
            [sys.executable, __file__, "--measure", what, url], capture_output=True, text=True, timeout=1800, check=True
        )
        results[what] = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{backend}: {results['raw read (library)']['rows']:,} acts")
    print(f"  {'what':<20} {'rows':>10} {'seconds':>8} {'cpu s':>7} {'peak RSS':>10}   vs anchor")
    for what, r in results.items():
        anchor = results.get(ANCHOR.get(what, ""))
        ratio = f"{r['seconds'] / anchor['seconds']:.2f}× the time of {ANCHOR[what]}" if anchor else "(anchor)"
        print(
            f"  {what:<20} {int(r['rows']):>10,} {r['seconds']:>8.2f} {r['cpu']:>7.2f} {r['rss_mib']:>6.0f} MiB   {ratio}"
        )


def main() -> None:
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(measure(sys.argv[2], sys.argv[3])))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="?", type=int, default=1_000_000, help="acts in the ledger")
    ap.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = ap.parse_args()
    print("(figures on a shared machine vary with its load: compare with the anchor of the same run)")
    for name in backends(args.backend):
        with ledger_url(name, args.n) as url:
            run(name, url)


if __name__ == "__main__":
    main()

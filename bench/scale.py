"""The audit views at volume (规模): import, first violations, catch-up and rebuild as the ledger grows.

    python bench/scale.py [--sizes 100000,200000,400000] [--big] [--backend sqlite|postgres|both]

For each N (``--big`` adds 1 000 000 and 2 000 000) and backend, on a fresh ledger of N acts
of bench/synth.py, each measurement in its own process (so its peak RSS is its own):

- **import**: ``Importer`` in batches of 5 000;
- **first violations**: a new follower's ``run()`` — far behind, it rebuilds (2 workers);
- **catch-up**: a follower that was up to date before the import brought up to date over the N
  new acts incrementally (``run(limit=N)``, batches of 2 000: each batch's cases judged, the
  jurisdiction-wide rules settled once per run) — must grow linearly;
- **rebuild** with 1 and 2 workers: seconds, acts/s and peak RSS;
- **raw read (library)**: the eventsourcing library's ``select_notifications`` over the same
  rows, the anchor of the rebuild rate;
- **events_frame**: the columnar frame of every act.

Targets: catch-up grows ≤ 2.2× per doubling; rebuild ≥ 25 % of the raw read rate and
≥ 60 000 acts/s with 2 workers; a 1 M rebuild within 512 MiB. Figures on a shared machine
vary with its load: compare within one run.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

# Run as a script, this file's folder comes first on the path, where bench/http.py would stand in
# for the standard library's `http`: the repository root takes its place.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.frames import figures, raw_read
from bench.ledgers import PG, backends

MEASURES = ("import", "raw read (library)", "first violations", "catch-up", "rebuild 1", "rebuild 2", "events_frame")


def measure(what: str, url: str, n: int) -> dict[str, float]:
    """One measurement in this process (a child of :func:`run`)."""
    from ledger.store import Ledger
    from projections.audit import AuditProjection

    ledger = Ledger(url)
    t, cpu = time.perf_counter(), time.process_time()
    rows = 0
    if what == "import":
        from bench.synth import org_chart, write_jsonl
        from ledger.importer import Importer

        path = write_jsonl(Path(tempfile.mkdtemp()) / "acts.jsonl", n)
        Importer(ledger).import_chart(org_chart())
        AuditProjection(ledger, name="bench-catch-up").run()  # a follower up to date before the acts come
        t, cpu = time.perf_counter(), time.process_time()
        rows = Importer(ledger, batch=5000).import_path(path).imported
        path.unlink()
        path.parent.rmdir()
    elif what == "raw read (library)":
        rows = raw_read(ledger)
    elif what == "first violations":
        rows = AuditProjection(ledger, name="bench-first").run(workers=2)
    elif what == "catch-up":
        p = AuditProjection(ledger, name="bench-catch-up")
        rows = p.run(limit=ledger.max_notification_id(), batch=2000)
    elif what.startswith("rebuild"):
        rows = AuditProjection(ledger, name=f"bench-{what}").rebuild(workers=int(what.split()[1]))
    elif what == "events_frame":
        from projections.analytics import events_frame

        rows = len(events_frame(ledger))
    out = figures(rows, t, cpu)
    ledger.close()
    return out | {"workers_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def run(backend: str, n: int, measures: tuple[str, ...] = MEASURES) -> dict[str, dict[str, float]]:
    """The measurements on a fresh ledger of ``n`` acts (removed after); the import always."""
    import psycopg

    d = Path(tempfile.mkdtemp())
    schema = f"scale_{uuid.uuid4().hex[:8]}"
    url = f"sqlite:///{d / 'scale.db'}" if backend == "sqlite" else f"{PG}?schema={schema}"
    results: dict[str, dict[str, float]] = {}
    try:
        for what in ("import", *(m for m in measures if m != "import")):
            out = subprocess.run(
                [sys.executable, __file__, "--measure", what, url, str(n)],
                capture_output=True,
                text=True,
                timeout=7200,
                check=True,
            )
            results[what] = json.loads(out.stdout.strip().splitlines()[-1])
            r = results[what]
            print(
                f"  {backend} {n:>9,} {what:<20} {r['seconds']:>8.1f} s ({r['cpu']:>6.1f} s CPU) "
                f"{r['rows'] / r['seconds']:>10,.0f} acts/s "
                f"peak RSS {r['rss_mib']:>5.0f} MiB (workers {r['workers_rss_mib']:.0f})",
                flush=True,
            )
    finally:
        if backend != "sqlite":
            with psycopg.connect(PG, autocommit=True) as c:
                c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        for f in d.glob("*"):
            f.unlink()
    return results


def _rate(r: dict[str, dict[str, float]], what: str) -> float:
    return r[what]["rows"] / r[what]["seconds"] if what in r else float("nan")


def summary(rows: dict[tuple[str, int], dict[str, dict[str, float]]]) -> None:
    """One line per backend and size; catch-up growth per doubling of N, in wall and CPU seconds."""
    nan = float("nan")
    print(
        "\nbackend        N  first viol. s  catch-up s (CPU s)  per doubling wall (CPU)  rebuild 1w acts/s  2w acts/s"
        "  raw read acts/s  rebuild/raw 1w, 2w  peak RSS 1w, 2w (parent+workers)"
    )
    prev: dict[str, tuple[int, dict[str, dict[str, float]]]] = {}
    for (backend, n), r in sorted(rows.items()):
        cu = r.get("catch-up", {"seconds": nan, "cpu": nan})
        grow = "—"
        if backend in prev and "catch-up" in prev[backend][1]:
            pn, pr = prev[backend]
            k = 1 / math.log2(n / pn)
            wall = (cu["seconds"] / pr["catch-up"]["seconds"]) ** k
            cpu = (cu["cpu"] / pr["catch-up"]["cpu"]) ** k
            grow = f"{wall:.2f}× ({cpu:.2f}×)"
        raw = _rate(r, "raw read (library)")
        r1, r2 = r.get("rebuild 1", {}), r.get("rebuild 2", {})
        print(
            f"{backend:<8} {n:>9,} {r.get('first violations', {}).get('seconds', nan):>13.1f} "
            f"{cu['seconds']:>10.1f} ({cu['cpu']:>5.1f}) {grow:>24} "
            f"{_rate(r, 'rebuild 1'):>18,.0f} {_rate(r, 'rebuild 2'):>10,.0f} {raw:>16,.0f} "
            f"{_rate(r, 'rebuild 1') / raw:>12.0%}, {_rate(r, 'rebuild 2') / raw:>4.0%} "
            f"{r1.get('rss_mib', nan):>8.0f}, {r2.get('rss_mib', nan):.0f}+{r2.get('workers_rss_mib', nan):.0f} MiB"
        )
        prev[backend] = (n, r)


def main() -> None:
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(measure(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000,200000,400000", help="acts, comma-separated")
    ap.add_argument("--big", action="store_true", help="also 1 000 000 and 2 000 000 acts")
    ap.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    ap.add_argument("--measures", default=",".join(MEASURES), help=f"comma-separated, of: {', '.join(MEASURES)}")
    args = ap.parse_args()
    measures = tuple(m.strip() for m in args.measures.split(","))
    if unknown := set(measures) - set(MEASURES):
        ap.error(f"--measures: unknown {sorted(unknown)}")
    sizes = [int(s) for s in args.sizes.split(",")] + ([1_000_000, 2_000_000] if args.big else [])
    rows: dict[tuple[str, int], Any] = {}
    for backend in backends(args.backend):
        for n in sizes:
            rows[(backend, n)] = run(backend, n, measures)
    summary(rows)


if __name__ == "__main__":
    main()

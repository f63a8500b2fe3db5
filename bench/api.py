"""API latency with a large ledger loaded.

    python bench/api.py [N]        (default 1 000 000 acts)

Loads N generated acts (bench/synth.py) into a SQLite ledger, catches the audit projection
up, then measures p50/p99 latency of ``GET /violations?unit=…`` and of
``GET /cases/{id}?as_of=…`` through the ASGI app in-process (FastAPI's TestClient — no
network between client and server), as an auditor. Target: p99 ≤ 50 ms on SQLite.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this file's folder comes first on the path, where bench/http.py would stand in
# for the standard library's `http`: the repository root takes its place.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient

from api.app import create_app
from bench.synth import UNITS, org_chart, write_jsonl
from ledger.importer import Importer
from ledger.store import Ledger
from ledger.tokens import TokenStore
from projections.audit import AuditProjection


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    keep = os.environ.get("BENCH_DB")  # reuse a loaded database between runs
    d = Path(tempfile.mkdtemp())
    db = Path(keep) if keep else d / "api.db"
    url = f"sqlite:///{db}"
    t = time.perf_counter()
    fresh = not db.exists()
    ledger = Ledger(url)
    if fresh:
        path = write_jsonl(d / "acts.jsonl", n)
        Importer(ledger).import_chart(org_chart())
        Importer(ledger).import_path(path)
        AuditProjection(ledger).rebuild()
    n = ledger.count()
    _tok, bearer = TokenStore(ledger).create("auditor", person="p-od")
    cases = [f"C-{i}" for i in range(1, n // 5, max(1, n // 5000))]
    ledger.close()
    print(f"loaded {n:,} acts in {time.perf_counter() - t:.0f} s")

    client = TestClient(create_app(url))
    headers = {"Authorization": f"Bearer {bearer}"}
    rnd = random.Random(3)
    timings: dict[str, list[float]] = {"GET /violations?unit=": [], "GET /cases/{id}?as_of=": []}
    for i in range(requests):
        unit = rnd.choice(UNITS)
        t0 = time.perf_counter()
        r = client.get("/violations", params={"unit": unit, "limit": 50}, headers=headers)
        timings["GET /violations?unit="].append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.text
        case = rnd.choice(cases)
        t0 = time.perf_counter()
        r = client.get(
            f"/cases/{case}", params={"as_of": f"2024-{rnd.randint(1, 12):02d}-15T12:00:00+08:00"}, headers=headers
        )
        timings["GET /cases/{id}?as_of="].append((time.perf_counter() - t0) * 1000)
        assert r.status_code in (200, 404), r.text
        if i == 0:  # the first requests warm caches; measure the rest
            for v in timings.values():
                v.clear()
    for name, xs in timings.items():
        print(f"{name:<26} p50 {statistics.median(xs):6.1f} ms   p99 {pct(xs, 99):6.1f} ms   ({len(xs)} requests)")


if __name__ == "__main__":
    main()

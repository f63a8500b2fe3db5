"""Many readers at once over real HTTP: ``ledger serve`` as a process, driven by ``wrk``.

    apt-get install wrk          # the load generator (Debian package), once
    python bench/http.py [N] [--backend sqlite|postgres|both] [--workers W] [--connections C] [--seconds S]

Loads N generated acts (default 1 000 000; ``BENCH_DB`` / ``BENCH_PG_SCHEMA`` reuse a loaded
ledger, see bench/ledgers.py), starts ``ledger serve --workers W`` (default: the machine's
cores) on a free loopback port, and drives it with ``wrk`` over the main read routes —
``GET /violations?unit=&limit=50``, ``GET /cases/{id}?as_of=``, ``GET /cases?kind=&unit=``,
``GET /cases/{id}/timeline`` in turn — for S seconds (default 15) per scenario:

1. one reader, admin token (no access log);
2. C readers (default 50), admin token;
3. C readers, auditor token — every read recorded as an ``access`` act (group-committed);
   2 and 3 run in turn R times (``--rounds``, default 3), each figure the median run;
4. C auditor readers while a writer posts 20 acts/s (``POST /acts``, one act each), R times, the median run.

Prints requests/s, p50 and p99 per scenario and the ratio of audited to unaudited
throughput (3 ÷ 2), measured in the same run. Targets at 1 000 000 acts: audited ≥ 0.8×
unaudited; p99 ≤ 100 ms with 50 readers; p99 of reads ≤ 150 ms with the writer alongside.
Every request is bounded (wrk's ``--timeout``), every scenario by S seconds, and the server
is stopped at the end (killed if it does not stop).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

# Run as a script, this file's folder comes first on the path, where it would stand in for the
# standard library's `http`: the repository root takes its place.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ledgers import backends, ledger_url
from bench.synth import UNITS

ROOT = Path(__file__).resolve().parents[1]
WRITES_PER_SECOND = 20

# wrk runs this Lua: the paths in turn, and a JSON line of figures at the end.
LUA = """
local token = os.getenv("BENCH_TOKEN")
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1], {["Authorization"] = "Bearer " .. token})
end
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %%d, "seconds": %%f, "p50_ms": %%f, "p99_ms": %%f, "errors": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
  io.stderr:write(string.format("errors: status %%d, connect %%d, read %%d, write %%d, timeout %%d\\n",
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
"""


@dataclass
class Figures:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def read_paths(url: str, count: int = 400) -> list[str]:
    """Requests over the main read routes, with units and cases of the loaded ledger."""
    from ledger.store import Ledger

    with Ledger(url) as ledger:  # the generated cases, C-1 … C-n (the access log's acts are not theirs)
        table = f'"{ledger.config.schema}".ledger_cases' if ledger.is_postgres else "ledger_cases"
        row = ledger.query(f"SELECT COUNT(*) AS n FROM {table} WHERE case_id LIKE ?", ["C-%"])[0]
        n = int(row["n"] if isinstance(row, dict) else row[0])
    rnd = random.Random(7)
    cases = [f"C-{rnd.randrange(1, max(2, n))}" for _ in range(count)]
    paths = []
    for i in range(count):
        unit, case = rnd.choice(UNITS), cases[i]
        month = rnd.randint(1, 12)
        paths.append(
            [
                f"/violations?unit={unit}&limit=50",
                f"/cases/{case}?as_of=2024-{month:02d}-15T12:00:00%2B08:00",
                f"/cases?kind=incident&unit={unit}&limit=50",
                f"/cases/{case}/timeline",
            ][i % 4]
        )
    return paths


def tokens(url: str) -> tuple[str, str]:
    """An admin's bearer (reads not recorded) and an auditor's (every read recorded)."""
    from ledger.store import Ledger
    from ledger.tokens import TokenStore

    with Ledger(url) as ledger:
        store = TokenStore(ledger)
        return store.create("admin")[1], store.create("auditor", person="p-od")[1]


class Server:
    """``ledger serve`` in its own process group, on a free loopback port."""

    def __init__(self, url: str, workers: int | None, log: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.base = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-c", "from api.cli import main; main()", "--db", url, "serve", "--port", str(self.port)]
        if workers:
            cmd += ["--workers", str(workers)]
        self.log = log.open("w")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True, env=env
        )

    def wait_ready(self, bearer: str, timeout: float = 120) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"ledger serve exited with {self.proc.returncode}; see {self.log.name}")
            try:
                if httpx.get(f"{self.base}/rules", headers={"Authorization": f"Bearer {bearer}"}, timeout=5).is_success:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"ledger serve did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
        self.log.close()


def wrk(base: str, script: Path, bearer: str, connections: int, seconds: int) -> Figures:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), base],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        env={**os.environ, "BENCH_TOKEN": bearer},
        check=True,
    )
    line = [x for x in out.stdout.splitlines() if x.startswith("{")][-1]
    figures = Figures(**json.loads(line))
    if figures.errors:  # which kind of error, as wrk counted them (a status is an answer not 2xx/3xx)
        print("  " + "\n  ".join(out.stderr.strip().splitlines()[-3:]), file=sys.stderr)
    return figures


class Writer(threading.Thread):
    """Posts one new incident act every 1/``rate`` seconds until stopped; keeps its latencies."""

    def __init__(self, base: str, bearer: str, rate: float = WRITES_PER_SECOND) -> None:
        super().__init__(daemon=True)
        self.base, self.bearer, self.rate = base, bearer, rate
        self.stop = threading.Event()
        self.latencies: list[float] = []
        self.failed = 0

    def run(self) -> None:
        """Open loop: a post is sent every 1/rate seconds on a small pool, whatever the latency
        of the ones before (a writer that waited for each answer would post fewer)."""
        from concurrent.futures import ThreadPoolExecutor

        import httpx

        run_id = uuid.uuid4().hex[:8]
        headers = {"Authorization": f"Bearer {self.bearer}"}
        lock = threading.Lock()
        with (
            httpx.Client(base_url=self.base, headers=headers, timeout=10) as client,
            ThreadPoolExecutor(8) as pool,
        ):

            def post(i: int) -> None:
                unit = UNITS[i % len(UNITS)]
                body = {
                    "id": f"w-{run_id}-{i}",
                    "jurisdiction": "bench",
                    "case": f"W-{run_id}-{i}",
                    "kind": "incident",
                    "act": "occurred",
                    "at": "2024-12-01T09:00:00+08:00",
                    "by": f"p-{unit}-staff",
                    "unit": unit,
                    "data": {"grade": "general"},
                }
                t = time.perf_counter()
                try:
                    ok = client.post("/acts", json=body).is_success
                except httpx.TransportError:
                    ok = False
                with lock:
                    self.latencies.append((time.perf_counter() - t) * 1000)
                    self.failed += not ok

            i = 0
            next_at = time.monotonic()
            while not self.stop.is_set():
                pool.submit(post, i)
                i += 1
                next_at += 1 / self.rate
                self.stop.wait(max(0.0, next_at - time.monotonic()))


def median(runs: list[Figures]) -> Figures:
    """The run of median throughput (its own latencies with it)."""
    return sorted(runs, key=lambda f: f.rps)[len(runs) // 2]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))] if xs else float("nan")


def run(backend: str, url: str, args: argparse.Namespace) -> None:
    admin, auditor = tokens(url)
    tmp = Path(tempfile.mkdtemp())
    script = tmp / "reads.lua"
    script.write_text(LUA % ", ".join(json.dumps(p) for p in read_paths(url)), encoding="utf-8")
    server = Server(url, args.workers, tmp / "serve.log")
    results: dict[str, Figures] = {}
    writer: Writer | None = None
    pairs: list[tuple[Figures, Figures]] = []
    try:
        server.wait_ready(admin)
        wrk(server.base, script, admin, args.connections, 3)  # warm the caches of every worker
        c, s = args.connections, args.seconds
        results["1 reader, admin (unaudited)"] = wrk(server.base, script, admin, 1, s)
        # unaudited and audited in turn, ``rounds`` times: on a shared machine the load of the
        # moment moves a run by a fifth either way; the median of each side is what counts
        pairs += [
            (wrk(server.base, script, admin, c, s), wrk(server.base, script, auditor, c, s)) for _ in range(args.rounds)
        ]
        results[f"{c} readers, admin (unaudited)"] = median([u for u, _a in pairs])
        results[f"{c} readers, auditor (audited)"] = median([a for _u, a in pairs])
        # with the writer: as many runs, the median one (its reads' and its writer's figures)
        mixed: list[tuple[Figures, Writer]] = []
        for _ in range(args.rounds):
            writer = Writer(server.base, admin)
            writer.start()
            mixed.append((wrk(server.base, script, auditor, c, s), writer))
            writer.stop.set()
            writer.join(timeout=30)
        reads = median([f for f, _w in mixed])
        writer = next(w for f, w in mixed if f is reads)
        results[f"{c} auditors + writer {WRITES_PER_SECOND} acts/s"] = reads
    finally:
        if writer is not None:
            writer.stop.set()
        server.stop()
    workers = args.workers or os.cpu_count()
    print(f"{backend}: ledger serve --workers {workers}, wrk over loopback, {s} s a scenario")
    print(f"  {'scenario':<40} {'requests/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, f in results.items():
        print(f"  {name:<40} {f.rps:>10.0f} {f.p50_ms:>8.1f} {f.p99_ms:>8.1f} {f.errors:>7}")
    if writer is not None:
        w = writer.latencies
        print(
            f"  writer: {len(w)} acts posted ({len(w) / s:.1f}/s), {writer.failed} failed, "
            f"p50 {pct(w, 50):.1f} ms, p99 {pct(w, 99):.1f} ms"
        )
    if args.rounds > 1:
        print(
            f"  ({c} readers: the median of {args.rounds} runs of each, in turn; with the writer, of {args.rounds} runs)"
        )
        print("  rounds, requests/s unaudited / audited: " + ", ".join(f"{u.rps:.0f} / {a.rps:.0f}" for u, a in pairs))
        print(
            "  runs with the writer, requests/s (p99 ms): "
            + ", ".join(f"{f.rps:.0f} ({f.p99_ms:.0f})" for f, _w in mixed)
        )
    audited = results[f"{c} readers, auditor (audited)"].rps / results[f"{c} readers, admin (unaudited)"].rps
    print(f"  audited ÷ unaudited throughput: {audited:.2f}×  (target ≥ 0.8×)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="?", type=int, default=1_000_000, help="acts in the ledger")
    ap.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    ap.add_argument("--workers", type=int, default=None, help="ledger serve --workers (default: the cores)")
    ap.add_argument("--connections", type=int, default=50, help="concurrent readers")
    ap.add_argument("--seconds", type=int, default=15, help="length of each scenario")
    ap.add_argument("--rounds", type=int, default=3, help="runs of 50 unaudited and 50 audited readers, in turn")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    print("(figures on a shared machine vary with its load: the ratio is measured in the same run)")
    for name in backends(args.backend):
        with ledger_url(name, args.n) as url:
            run(name, url, args)


if __name__ == "__main__":
    main()

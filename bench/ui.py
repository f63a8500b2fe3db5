"""The supervision office's pages with a large ledger loaded.

    python bench/ui.py [N] [REQUESTS]     (default 1 000 000 acts, 40 requests per page)

Loads N generated acts (bench/synth.py) into a SQLite ledger (bench/ledgers.py: ``BENCH_DB=path``
keeps and reuses it), logs in to the pages as a supervisor (every read recorded in the access
log, as in production) and measures each page's p50/p95 through the
ASGI app in-process, beside an anchor measured in the same run: the JSON API route serving the
same data with the same token. Target: each page's p95 ≤ 300 ms at 1 M acts.

The bulletin of a finished month is kept until a supervision or org act is stored; its first
view (cold, every month once) is reported on its own line. The anchor for the bulletin, the
API's ``GET /bulletin`` (which reads every supervision item), is measured twice only.
"""

from __future__ import annotations

import random
import re
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Run as a script, this file's folder would come first on the path, where bench/http.py stands in
# for the standard library's `http`: the repository root takes its place.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from api.app import create_app
from bench.ledgers import ledger_url
from bench.synth import UNITS
from ledger.store import Ledger
from ledger.tokens import TokenStore

TARGET_MS = 300.0


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def timed(fn: Callable[[], object], n: int) -> list[float]:
    fn()  # the first request warms caches; measure the rest
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def as_served(app: Any) -> Any:
    """The app as a server runs it: without the test client's ``http.response.debug`` extension,
    through which each template response hands the test client its whole context (kept in
    cyclic garbage whose collection paused every few pages for 300 ms — not what uvicorn does)."""

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") == "http" and "http.response.debug" in scope.get("extensions", {}):
            scope = {
                **scope,
                "extensions": {k: v for k, v in scope["extensions"].items() if k != "http.response.debug"},
            }
        await app(scope, receive, send)

    return asgi


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    with ledger_url("sqlite", n) as url:
        run(url, requests)


def run(url: str, requests: int) -> None:
    with Ledger(url) as ledger:
        n = ledger.count()
        _tok, bearer = TokenStore(ledger).create("supervisor", person="p-od")
    print(f"{n:,} acts")

    app = create_app(url)
    api = TestClient(as_served(app))
    headers = {"Authorization": f"Bearer {bearer}"}
    ui = TestClient(as_served(app), follow_redirects=False)
    form = ui.get("/ui/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf
    assert ui.post("/ui/login", data={"token": bearer, "csrf": csrf.group(1)}).status_code == 303
    rnd = random.Random(5)
    vids = [v["id"] for v in api.get("/violations", params={"limit": 1000}, headers=headers).json()["items"]]
    cases = [f"C-{i}" for i in range(1, n // 5, max(1, n // 5000))]

    def get(client: TestClient, path: Callable[[], str], **kw: object) -> Callable[[], object]:
        def go() -> None:
            r = client.get(path(), **kw)  # type: ignore[arg-type]
            assert r.status_code in (200, 404), (r.status_code, r.text[:300])

        return go

    def month() -> str:
        return f"2024-{rnd.randint(1, 12):02d}"

    cold = []
    for m in range(1, 13):  # every month's bulletin once, before it is cached
        t0 = time.perf_counter()
        assert ui.get(f"/ui/bulletin?month=2024-{m:02d}").status_code == 200
        cold.append((time.perf_counter() - t0) * 1000)

    # (page, its path) beside (the JSON API route serving the same data, its path)
    routes: list[tuple[str, Callable[[], str], str, Callable[[], str]]] = [
        ("/ui/  (dashboard)", lambda: "/ui/", "GET /violations?limit=50", lambda: "/violations?limit=50"),
        ("/ui/violations", lambda: "/ui/violations", "GET /violations?limit=50", lambda: "/violations?limit=50"),
        (
            "/ui/violations?family=&sort=rule",
            lambda: "/ui/violations?family=SUP&sort=rule&dir=asc",
            "GET /violations?family=",
            lambda: "/violations?family=SUP&limit=50",
        ),
        (
            "/ui/violations?unit=&page=3",
            lambda: f"/ui/violations?unit={rnd.choice(UNITS)}&page=3",
            "GET /violations?unit=",
            lambda: f"/violations?unit={rnd.choice(UNITS)}&limit=50",
        ),
        (
            "/ui/violations/{id}",
            lambda: f"/ui/violations/{rnd.choice(vids)}",
            "GET /violations/{id}",
            lambda: f"/violations/{rnd.choice(vids)}",
        ),
        (
            "/ui/cases/{id}",
            lambda: f"/ui/cases/{rnd.choice(cases)}",
            "GET /cases/{id}/timeline",
            lambda: f"/cases/{rnd.choice(cases)}/timeline",
        ),
        (
            "/ui/cases/{id}?at=&clock=",
            lambda: f"/ui/cases/{rnd.choice(cases)}?at={month()}-15&clock=business",
            "GET /cases/{id}?as_of=",
            lambda: f"/cases/{rnd.choice(cases)}?as_of={month()}-15",
        ),
        (
            "/ui/bulletin?month=",
            lambda: f"/ui/bulletin?month={month()}",
            "GET /bulletin?month= (×2)",
            lambda: f"/bulletin?month={month()}",
        ),
        ("/ui/rules", lambda: "/ui/rules", "GET /rules", lambda: "/rules"),
    ]
    pages = [(name, get(ui, path), aname, get(api, apath, headers=headers)) for name, path, aname, apath in routes]
    print(
        f"{'page':<34} {'p50':>7} {'p95':>7}   {'anchor (JSON API, same run)':<28} {'p95':>7}  ratio  ≤{TARGET_MS:.0f} ms"
    )
    for name, page, anchor_name, anchor in pages:
        xs = timed(page, requests)
        ys = timed(anchor, 2 if "×2" in anchor_name else requests)  # the API's bulletin reads every item
        p95, a95 = pct(xs, 95), pct(ys, 95)
        ok = "met" if p95 <= TARGET_MS else "NOT met"
        print(
            f"{name:<34} {statistics.median(xs):7.1f} {p95:7.1f}   {anchor_name:<28} {a95:7.1f}  {p95 / a95:5.1f}×  {ok}"
        )
    print(
        f"{'/ui/bulletin (first view, cold)':<34} {statistics.median(cold):7.1f} {pct(cold, 95):7.1f}   "
        "(each month once; then kept until a supervision or org act is stored)"
    )


if __name__ == "__main__":
    main()

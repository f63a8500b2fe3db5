"""Many readers at once (多人同时查阅): ``ledger serve --workers N`` and the group-committed access log.

Every answered read by an auditor has its ``access`` act stored exactly once — under many
concurrent readers, and also when the server is killed with SIGKILL mid-load (a read is
answered only after its act's group has committed). ``serve --workers 2`` serves and stops
cleanly. Both backends; every process bounded in time and killed at the end.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from ledger.importer import Importer
from ledger.store import Ledger
from ledger.tokens import TokenStore
from ledger.validation import BatchValidator
from tests.conftest import COUNTY, act
from tests.procs import children, established, listening

ROOT = Path(__file__).resolve().parents[2]
CASE = "INC-1"


def _setup(url: str) -> str:
    """A small county with one incident case; returns an auditor's bearer token."""
    with Ledger(url) as led:
        Importer(led).import_chart(COUNTY)
        res = Importer(led, jurisdiction="lecheng").import_raws(
            [act("i1", CASE, "incident", "occurred", "2024-03-05T10:00:00+08:00", grade="general")]
        )
        assert not res.rejected
        _tok, bearer = TokenStore(led).create("auditor", person="p-chen")
    return bearer


def _as_of(i: int) -> str:
    """A distinct business time per read, so each answered read names its access act."""
    return f"2024-06-{1 + i // 86400 % 28:02d}T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}+08:00"


def _access_counts(url: str) -> Counter[str]:
    """How many access acts record each ``as_of`` read of the case."""
    with Ledger(url) as led:
        acts = [a for a in led.iter_acts("lecheng") if a.kind == "access"]
    return Counter(json.loads(a.data["query"]).get("as_of") for a in acts if a.data["resource"] == f"/cases/{CASE}")


@pytest.fixture
def served_db(db_url: str) -> Iterator[tuple[str, str]]:
    yield db_url, _setup(db_url)


def test_every_concurrent_audited_read_is_recorded_exactly_once(served_db: tuple[str, str]) -> None:
    """Sixty reads from twelve threads: sixty access acts, in fewer transactions than reads."""
    url, bearer = served_db
    app = create_app(url)
    client = TestClient(app)
    headers = {"Authorization": f"Bearer {bearer}"}

    def read(i: int) -> int:
        return client.get(f"/cases/{CASE}", params={"as_of": _as_of(i)}, headers=headers).status_code

    with ThreadPoolExecutor(12) as pool:
        codes = list(pool.map(read, range(60)))
    assert codes == [200] * 60
    log = app.state.services.access_log
    app.state.services.close()
    counts = _access_counts(url)
    assert counts == Counter({_as_of(i): 1 for i in range(60)})
    assert log.acts == 60 and log.groups < 60  # reads that arrived together shared a commit


# ---- the server as a real process -------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``ledger serve`` in its own process group (its workers die with it)."""

    def __init__(self, url: str, workers: int, tmp: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = (tmp / f"serve-{self.port}.log").open("w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from api.cli import main; main()", "--db", url, "serve",
             "--port", str(self.port), "--workers", str(workers)],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip

    def wait_ready(self, bearer: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.output()
            try:
                r = httpx.get(f"{self.base}/rules", headers={"Authorization": f"Bearer {bearer}"}, timeout=2)
                if r.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"ledger serve did not answer within {timeout} s:\n{self.output()}")

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for s in started:
        s.kill()
        s.log.close()


def test_serve_with_two_workers_serves_and_stops_cleanly(
    served_db: tuple[str, str], tmp_path: Path, server_factory: list[Server]
) -> None:
    url, bearer = served_db
    server = Server(url, 2, tmp_path)
    server_factory.append(server)
    server.wait_ready(bearer)
    headers = {"Authorization": f"Bearer {bearer}"}
    with httpx.Client(base_url=server.base, headers=headers, timeout=30) as client:
        for i in range(20):
            r = client.get(f"/cases/{CASE}", params={"as_of": _as_of(i)})
            assert r.status_code == 200, (r.text, server.output())
    server.proc.send_signal(signal.SIGTERM)  # how a service manager stops it: uvicorn stops its workers
    assert server.proc.wait(timeout=60) == 0, server.output()
    assert "Traceback" not in server.output(), server.output()
    assert _access_counts(url) == Counter({_as_of(i): 1 for i in range(20)})


def test_reads_answered_before_a_kill_keep_their_access_acts(
    served_db: tuple[str, str], tmp_path: Path, server_factory: list[Server]
) -> None:
    """Eight readers hammer a two-worker server; it is killed (SIGKILL, whole process group)
    after 150 answers. Every answered read's access act is stored, and none twice."""
    url, bearer = served_db
    server = Server(url, 2, tmp_path)
    server_factory.append(server)
    server.wait_ready(bearer)
    answered: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    counter = iter(range(10**6))

    def reader() -> None:
        with httpx.Client(base_url=server.base, headers={"Authorization": f"Bearer {bearer}"}, timeout=30) as c:
            while not stop.is_set():
                with lock:
                    as_of = _as_of(next(counter))
                try:
                    r = c.get(f"/cases/{CASE}", params={"as_of": as_of})
                except httpx.TransportError:
                    return  # the server is gone
                if r.status_code == 200:
                    with lock:
                        answered.append(as_of)

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 120
    while len(answered) < 150 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.kill()
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert len(answered) >= 150, server.output()
    counts = _access_counts(url)
    assert all(counts[a] == 1 for a in answered), [a for a in answered if counts[a] != 1]
    assert max(counts.values()) == 1


def _nodelay_seen(protocol: type) -> list[int]:
    """Serve a one-line ASGI app with ``protocol`` on a listening socket bound as uvicorn binds it
    for several workers (protocol number 0), make one request, and return TCP_NODELAY as the
    server's side of the connection had it."""
    import asyncio

    import uvicorn

    seen: list[int] = []

    class Probe(protocol):  # type: ignore[misc,valid-type]
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)
            seen.append(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    async def hello(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": b"ok"})  # type: ignore[operator]

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(hello, http=Probe, lifespan="off", log_level="warning"))

    async def main() -> None:
        task = asyncio.create_task(server.serve(sockets=[listener]))
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.02)
        r = await asyncio.to_thread(httpx.get, f"http://127.0.0.1:{port}/", timeout=5)
        assert r.text == "ok"
        server.should_exit = True
        await asyncio.wait_for(task, 10)

    asyncio.run(main())
    return seen


def test_serve_turns_nagles_algorithm_off_on_every_connection() -> None:
    """A keep-alive client must not wait for the delayed ACK (~40 ms) on each response: uvicorn's
    own protocol leaves Nagle on for a socket it bound for several workers, ours turns it off."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    from api.server import NoDelayHTTP

    assert _nodelay_seen(NoDelayHTTP) == [1]
    assert _nodelay_seen(AutoHTTPProtocol) == [0], "uvicorn sets it itself now: NoDelayHTTP can go"


def _incident_acts(led: Ledger, n: int) -> list[Any]:
    raw = {"jurisdiction": "lecheng", "kind": "incident", "act": "occurred", "at": "2024-03-05T10:00:00+08:00"}
    return [
        BatchValidator(led, jurisdiction="lecheng").validate(
            raw | {"id": f"l-{i}", "case": f"L-{i}", "by": "p-sun", "unit": "u-fgj", "data": {"grade": "general"}}
        )
        for i in range(n)
    ]


def test_a_lone_read_is_committed_at_once(tmp_path: Path) -> None:
    """With no other request on its way to the committer, a read's act is committed at once,
    whatever the linger."""
    from api.accesslog import AccessLog, OnTheirWay

    url = f"sqlite:///{tmp_path / 'l.db'}"
    _setup(url)
    with Ledger(url) as led:
        acts = _incident_acts(led, 1)
        log = AccessLog(led, linger=5.0, on_their_way=OnTheirWay())
        t0 = time.monotonic()
        log.record(acts)
        assert log.groups == 1 and time.monotonic() - t0 < 2.0, "a lone read is not held back"
        log.close()


def test_a_read_waits_for_the_requests_on_their_way_and_shares_their_commit(tmp_path: Path) -> None:
    """While another request is on its way (arrived, its act not yet handed over), the committer
    waits for it, as PostgreSQL's commit_delay does: the reads share one commit, made the moment
    the last one arrives at the committer."""
    from api.accesslog import AccessLog, Answering, OnTheirWay

    url = f"sqlite:///{tmp_path / 'l.db'}"
    _setup(url)
    with Ledger(url) as led:
        acts = _incident_acts(led, 3)
        way = OnTheirWay()
        log = AccessLog(led, linger=30.0, on_their_way=way)
        log.record(acts[:1])
        coming = Answering()
        way.arrived(coming)
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(log.record, acts[1:2])
            time.sleep(0.3)
            assert not first.done() and log.groups == 1, "the read waits for the request on its way"
            second = pool.submit(log.record, acts[2:3])
            time.sleep(0.1)
            t0 = time.monotonic()
            way.left(coming)  # the request on its way has handed its act (or begun its answer)
            first.result(10), second.result(10)
            assert time.monotonic() - t0 < 5.0
        assert log.groups == 2 and log.acts == 3, "the two reads shared one commit"
        log.close()
        assert {a.id for a in led.iter_acts("lecheng") if a.id.startswith("l-")} == {"l-0", "l-1", "l-2"}


def test_the_wait_for_company_is_bounded_by_the_linger(tmp_path: Path) -> None:
    """A request on its way that never brings an act holds a read back ``linger`` at most."""
    from api.accesslog import AccessLog, Answering, OnTheirWay

    url = f"sqlite:///{tmp_path / 'l.db'}"
    _setup(url)
    with Ledger(url) as led:
        acts = _incident_acts(led, 1)
        way = OnTheirWay()
        way.arrived(Answering())  # arrives and never leaves
        log = AccessLog(led, linger=0.4, on_their_way=way)
        t0 = time.monotonic()
        log.record(acts)
        waited = time.monotonic() - t0
        assert 0.35 <= waited < 5.0 and log.groups == 1
        log.close()


def test_an_audited_answer_is_sent_only_after_its_access_act_committed(served_db: tuple[str, str]) -> None:
    """The route's thread hands the act to the committer and returns; the answer waits for the
    commit (on the event loop) — it is received after the commit ended, never before."""
    url, bearer = served_db
    app = create_app(url)
    log = app.state.services.access_log
    real = log.ledger.append
    committed: list[float] = []

    def slow_append(acts: Any, **kw: Any) -> Any:
        time.sleep(0.3)
        out = real(acts, **kw)
        committed.append(time.monotonic())
        return out

    log.ledger = type("SlowLedger", (), {"append": staticmethod(slow_append)})()
    client = TestClient(app)
    r = client.get(f"/cases/{CASE}", headers={"Authorization": f"Bearer {bearer}"})
    answered = time.monotonic()
    assert r.status_code == 200
    assert committed and committed[0] <= answered
    app.state.services.close()
    assert sum(_access_counts(url).values()) == 1


def test_a_read_whose_access_act_cannot_be_stored_is_not_answered(served_db: tuple[str, str]) -> None:
    """访问记录写入失败：该次查询不予答复 — the answer the route prepared is replaced by a 500."""
    url, bearer = served_db
    app = create_app(url)

    def failing(acts: Any, **kw: Any) -> Any:
        raise RuntimeError("disk full")

    app.state.services.access_log.ledger = type("Failing", (), {"append": staticmethod(failing)})()
    client = TestClient(app)
    r = client.get(f"/cases/{CASE}", headers={"Authorization": f"Bearer {bearer}"})
    assert r.status_code == 500
    body = r.json()["error"]
    assert body["code"] == "access_log_failed" and "disk full" in body["message_en"]
    assert "INC-1" not in r.text, "nothing of the case is sent"
    app.state.services.close()


def test_serve_spreads_a_burst_of_connections_over_its_workers(tmp_path: Path, server_factory: list[Server]) -> None:
    """Forty keep-alive clients connecting at once (a dashboard wall at nine in the morning): each
    worker listens on a socket of its own, and the kernel gives each a fair share — on one shared
    socket the first worker to wake took nearly all of them, and kept them."""
    url = f"sqlite:///{tmp_path / 'l.db'}"
    bearer = _setup(url)
    server = Server(url, 2, tmp_path)
    server_factory.append(server)
    server.wait_ready(bearer)
    deadline = time.monotonic() + 60
    while listening(server.port) < 2 and time.monotonic() < deadline:  # the other worker may still be starting
        time.sleep(0.1)
    assert listening(server.port) == 2, server.output()
    request = f"GET /rules HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {bearer}\r\n\r\n".encode()
    conns = [socket.create_connection(("127.0.0.1", server.port), timeout=30) for _ in range(40)]
    try:
        for c in conns:  # every connection served once, and kept open
            c.sendall(request)
        for c in conns:
            assert c.recv(65536).startswith(b"HTTP/1.1 200"), server.output()
        workers = [p for p in children(server.proc.pid) if established([p], server.port)[p]]
        held = established(children(server.proc.pid), server.port)
        assert sum(held.values()) == 40, held
        assert len(workers) == 2 and min(held[p] for p in workers) >= 8, held
    finally:
        for c in conns:
            c.close()


def test_a_worker_puts_a_socket_of_its_own_in_the_place_of_the_one_it_inherited() -> None:
    """The inherited socket (bound with SO_REUSEPORT, never listening) is replaced under the same
    descriptor by a new one on the same port; nothing else is touched and nothing leaks."""
    from api.server import _reuse_port_socket, listen_on_own_socket

    inherited = _reuse_port_socket("127.0.0.1", 0)
    port = inherited.getsockname()[1]
    other = socket.socket()  # a socket not bound to the port stays as it is
    try:
        before = sorted(os.listdir("/proc/self/fd"))
        inode = os.stat(inherited.fileno()).st_ino
        assert listen_on_own_socket("127.0.0.1", port)
        assert sorted(os.listdir("/proc/self/fd")) == before  # no descriptor left open
        assert os.stat(inherited.fileno()).st_ino != inode  # another socket under the same descriptor
        assert inherited.getsockname()[1] == port
        assert inherited.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT)
        inherited.listen()
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        assert not listen_on_own_socket("127.0.0.1", port)  # listening now: nothing to replace
    finally:
        inherited.close()
        other.close()

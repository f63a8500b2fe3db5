"""``ledger token create|list|revoke`` (api.cli.service.token_app) and ``serve``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli import service as commands
from api.cli.service import token_app
from ledger.importer import Importer
from ledger.store import Ledger
from ledger.tokens import TokenStore
from tests.conftest import COUNTY


def test_token_create_list_revoke(db_url: str) -> None:
    db = db_url
    with Ledger(db) as led:
        Importer(led).import_chart(COUNTY)
    run = CliRunner().invoke
    r = run(
        token_app, ["create", "--role", "clerk", "--unit", "u-fgj", "--unit", "u-sfj", "--person", "p-sun", "--db", db]
    )
    assert r.exit_code == 0, r.output
    secret = r.stdout.strip().splitlines()[-1]
    tid = secret.split(".")[0]
    with Ledger(db) as led:
        tok = TokenStore(led).authenticate(secret)
        assert tok is not None and tok.role == "clerk" and tok.units == ("u-fgj", "u-sfj") and tok.person == "p-sun"
        assert tok.jurisdiction == "lecheng"  # the only jurisdiction with both units
        # only the hash is stored
        rows = led.query(f"SELECT * FROM {TokenStore(led).table}")
        assert rows and secret.split(".")[1] not in json.dumps(
            [list(r.values() if isinstance(r, dict) else r) for r in rows]
        )
    listed = json.loads(run(token_app, ["list", "--format", "json", "--db", db]).stdout)
    assert [(t["id"], t["role"], t["revoked_at"], t["status"]) for t in listed] == [(tid, "clerk", None, "active")]
    assert run(token_app, ["list", "--db", db]).exit_code == 0
    assert run(token_app, ["revoke", tid, "--db", db]).exit_code == 0
    assert run(token_app, ["revoke", tid, "--db", db]).exit_code == 1
    with Ledger(db) as led:
        assert TokenStore(led).authenticate(secret) is None
    assert run(token_app, ["create", "--role", "clerk", "--db", db]).exit_code == 2  # a clerk needs a unit
    assert run(token_app, ["create", "--role", "king", "--db", db]).exit_code == 2


def test_serve_runs_uvicorn_with_a_worker_per_core(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn's supervisor with a worker per core; the port held by a socket that never listens
    (each worker listens on one of its own, SO_REUSEPORT) — one worker: plain ``uvicorn.run``."""
    seen: dict[str, Any] = {}

    class FakeSupervisor:
        def __init__(self, config: Any, sockets: list[Any]) -> None:
            seen.update(config=config, sockets=sockets)

        def run(self) -> None:
            sock = seen["sockets"][0]
            seen["listening"] = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
            seen["reuse_port"] = sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT)
            seen["bound"] = sock.getsockname()

    def fake_run(app: Any, **kw: Any) -> None:
        seen.update(app=app, **kw)

    import os
    import socket

    import uvicorn
    import uvicorn.supervisors

    from api import server

    monkeypatch.setattr(uvicorn.supervisors, "Multiprocess", FakeSupervisor)
    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    db = f"sqlite:///{tmp_path / 's.db'}"
    for name, value in (("LEDGER_DB", "elsewhere.db"), ("LEDGER_SERVE_THREADS", "0"), ("LEDGER_SERVE_OWN_SOCKET", "")):
        monkeypatch.setenv(name, value)  # run() sets them for its workers: restored after the test
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    commands.serve("127.0.0.1", port, db=db)
    config = seen["config"]
    assert (config.host, config.port, config.workers) == ("127.0.0.1", port, 2)
    assert config.app == "api.server:app" and config.factory is True
    assert seen["bound"] == ("127.0.0.1", port) and seen["reuse_port"] and not seen["listening"]
    assert seen["sockets"][0].fileno() == -1, "the placeholder is closed when the supervisor returns"
    assert os.environ["LEDGER_SERVE_OWN_SOCKET"] == f"127.0.0.1:{port}"
    commands.serve("127.0.0.1", port, db=db, workers=1)
    assert seen["app"] == "api.server:app" and seen["factory"] is True and seen["workers"] == 1
    assert os.environ["LEDGER_DB"] == db  # what the workers open
    assert os.environ["LEDGER_SERVE_THREADS"] == "2", "few request threads on SQLite (the GIL)"
    import gc

    try:
        app = server.app()
        assert gc.get_freeze_count() > 0, "what start-up made is kept out of the collector's way"
    finally:
        gc.unfreeze()
    assert app.openapi()["paths"]["/acts"]
    app.state.services.close()
    commands.serve("127.0.0.1", port, db=db, workers=3)
    assert seen["config"].workers == 3


def test_postgres_pool_shares_the_servers_connections() -> None:
    from api.server import connections_per_worker

    assert connections_per_worker(100, 2) == 32
    assert connections_per_worker(100, 8) == 9
    assert connections_per_worker(100, 64) == 8  # never below a working pool


def test_postgres_read_connections_count_in_a_workers_share() -> None:
    """每线程只读连接: each request thread keeps a read connection of its own beside the pool:
    pool, its overflow and the readers together stay within the worker's share."""
    from api.server import PG_OTHER_READERS, PG_OVERFLOW, postgres_pool_and_threads

    for per_worker in (8, 9, 16, 32):
        pool, threads = postgres_pool_and_threads(per_worker, 4)
        assert pool + PG_OVERFLOW + threads + PG_OTHER_READERS <= per_worker
        assert pool + PG_OVERFLOW >= threads + 2, "every thread and the committer can write at once"
    assert postgres_pool_and_threads(32, 4) == (22, 4)
    assert postgres_pool_and_threads(8, 16) == (1, 1), "a small share: one thread, a pool of one"

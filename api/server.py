"""``ledger serve`` (服务进程): the HTTP API in several worker processes over one database.

uvicorn starts ``workers`` processes (default: the machine's cores), each with its own app
(:func:`app`), ledger connections and access-log committer (:mod:`api.accesslog`); the
database is what they share:

- **SQLite** in WAL mode (the eventsourcing library sets it when it opens the file): readers
  in every process read their snapshot while one writer commits; writers wait for the write
  lock (``busy_timeout``) rather than fail. Each process keeps a pool of connections.
- **PostgreSQL**: each process's connections — the library's pool for writes, and one read
  connection per thread — are sized so that all workers together stay within the server's
  ``max_connections`` (three quarters of it, at most 32 a process).

Each worker listens on a socket of its own on the same port (``SO_REUSEPORT``, Linux): the
kernel spreads new connections over the workers. On one shared socket the worker that woke
first took most of a burst of connections — 45 of 50 in a measured run, its readers' p99
twice the balanced one's — and kept them for their keep-alive life.

Each process runs few request threads (FastAPI runs the routes in a thread pool; 2 on SQLite,
8 on PostgreSQL, ``LEDGER_SERVE_THREADS`` to change it), never more than its pool has
connections: a burst of requests queues in the event loop, and Python threads beyond a few only
contend for the interpreter lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

from fastapi import FastAPI
from uvicorn.protocols.http.auto import AutoHTTPProtocol

from ledger.config import resolve_db

__all__ = ["app", "connections_per_worker", "postgres_pool_and_threads", "run"]

#: Where the workers find their database and their share of connections (set by :func:`run`).
ENV_DB = "LEDGER_DB"
ENV_POOL = "LEDGER_PG_POOL"
ENV_THREADS = "LEDGER_SERVE_THREADS"
#: ``host:port`` each worker listens on with a socket of its own (set by :func:`run`, several workers).
ENV_OWN_SOCKET = "LEDGER_SERVE_OWN_SOCKET"
#: Connections the library's pool opens beyond ``LEDGER_PG_POOL`` (ledger/store.py).
PG_OVERFLOW = 4
#: SQLite: the library's pool per process (5 kept + 10 overflow).
SQLITE_CONNECTIONS = 15
#: Request threads per worker process (``LEDGER_SERVE_THREADS`` overrides).
SQLITE_THREADS = 2
POSTGRES_THREADS = 8


class NoDelayHTTP(AutoHTTPProtocol):  # type: ignore[misc,valid-type]
    """uvicorn's HTTP protocol with Nagle's algorithm off on every connection (TCP_NODELAY).

    With several workers uvicorn binds the listening socket itself (protocol number 0), and
    asyncio then leaves Nagle on for the connections it accepts: a keep-alive client waits for
    the delayed ACK, about 40 ms a response, whatever the route costs."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


def connections_per_worker(max_connections: int, workers: int) -> int:
    """A worker's share of PostgreSQL connections: three quarters of the server's
    ``max_connections`` over the workers (the rest for other clients), 8 to 32 each."""
    return max(8, min(32, (max_connections * 3 // 4) // max(1, workers)))


#: PostgreSQL read connections of a worker beyond one per request thread (its main thread's, the
#: access-log committer's): each thread reads over a connection of its own (ledger/store.py).
PG_OTHER_READERS = 2


def postgres_pool_and_threads(per_worker: int, threads: int) -> tuple[int, int]:
    """A worker's library pool (``LEDGER_PG_POOL``, writes and transactions) and request threads
    within its share of connections: each thread also keeps a read connection of its own, so
    pool, overflow and readers together stay within ``per_worker``."""
    threads = max(1, min(threads, per_worker - PG_OVERFLOW - PG_OTHER_READERS - 1))
    return max(1, per_worker - PG_OVERFLOW - threads - PG_OTHER_READERS), threads


def _postgres(url: str | None) -> Any:
    return resolve_db(url).pg_connect()


def _max_connections(url: str) -> int:
    with _postgres(url) as c:
        row = c.execute("SHOW max_connections").fetchone()
    return int(row[0]) if row else 100


@contextlib.contextmanager
def _one_at_a_time(url: str | None) -> Iterator[None]:
    """PostgreSQL: workers open the ledger one after another (opening runs the schema's
    idempotent DDL, which PostgreSQL refuses to run twice at the same moment)."""
    if resolve_db(url).backend != "postgres":
        yield
        return
    with _postgres(url) as c:
        c.execute("SELECT pg_advisory_lock(hashtext('ledger serve: open'))")
        try:
            yield
        finally:
            c.execute("SELECT pg_advisory_unlock(hashtext('ledger serve: open'))")


def _reuse_port_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` with ``SO_REUSEPORT`` (others may bind it too), not listening."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def listen_on_own_socket(host: str, port: int) -> bool:
    """In a worker: put a socket of its own in the place of the one it inherited (bound to
    ``host:port`` by :func:`run` with ``SO_REUSEPORT``, never listening), before uvicorn listens
    on it — the kernel then balances connections over the workers' sockets. False when there is
    no such socket (nothing changed)."""
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            dup = os.dup(fd)
        except OSError:  # closed meanwhile (the listing's own descriptor)
            continue
        try:
            probe = socket.socket(fileno=dup)
        except OSError:  # not a socket
            os.close(dup)
            continue
        with probe:
            if (
                probe.type != socket.SOCK_STREAM
                or probe.family not in (socket.AF_INET, socket.AF_INET6)
                or probe.getsockname()[1] != port
                or probe.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
                or not probe.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT)
            ):
                continue
            own = _reuse_port_socket(host, port)
            os.dup2(own.fileno(), fd)  # the inherited descriptor is this worker's own socket now
            own.close()
            return True
    return False


def app() -> FastAPI:
    """The app of one worker process (uvicorn's factory): the database from ``LEDGER_DB``, at
    most ``LEDGER_SERVE_THREADS`` request threads at once, listening on a socket of its own."""
    from api.app import create_app

    own = os.environ.get(ENV_OWN_SOCKET)
    if own:
        host, _, port = own.rpartition(":")
        listen_on_own_socket(host, int(port))

    url = os.environ.get(ENV_DB)
    with _one_at_a_time(url):
        application = create_app(url)
    threads = int(os.environ.get(ENV_THREADS, "0"))
    inner = application.router.lifespan_context
    # What start-up made (modules, the app, its schemas, the org charts read) lives as long as the
    # worker: frozen out of the garbage collector's sight, so that its full collections walk only
    # what requests make. Measured at 50 readers on SQLite, 1 M acts: p99 97–99 ms instead of
    # 131–363 ms, the same throughput.
    gc.collect()
    gc.freeze()

    @contextlib.asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        if threads:
            import anyio.to_thread

            anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        async with inner(a) as state:
            yield state
        application.state.services.close()  # commits the access acts still waiting

    application.router.lifespan_context = lifespan
    return application


def run(host: str, port: int, db: str | None, workers: int | None = None) -> None:
    """Serve the API on ``host:port`` with ``workers`` processes (blocks until stopped)."""
    import uvicorn

    workers = workers or os.cpu_count() or 1
    cfg = resolve_db(db)
    os.environ[ENV_DB] = cfg.url
    threads = int(os.environ.get(ENV_THREADS) or 0) or (SQLITE_THREADS if cfg.backend == "sqlite" else POSTGRES_THREADS)
    if cfg.backend == "postgres":
        pool, threads = postgres_pool_and_threads(connections_per_worker(_max_connections(cfg.url), workers), threads)
        os.environ[ENV_POOL] = str(pool)
    else:
        threads = max(1, min(threads, SQLITE_CONNECTIONS - 2))
    # Request threads: few. Python runs one thread at a time (the GIL), so more threads only add
    # hand-overs — measured at 50 readers in one process: 2 threads 226–263 req/s, 4: 179–200,
    # 8: 156. A thread waits only on the database (an audited read waits for its access act's
    # commit on the event loop, holding no thread): SQLite answers locally, a PostgreSQL round
    # trip leaves the GIL to another thread, so PostgreSQL gets more: at 50 readers, 2 workers,
    # 1 M acts, 8 threads served 538–543 req/s, 4 threads 474–514. Within the connections.
    os.environ[ENV_THREADS] = str(threads)
    from api.app import create_app

    create_app(cfg.url).state.services.close()  # the tables, made once before the workers open them
    options: dict[str, Any] = {"factory": True, "log_level": "warning", "http": "api.server:NoDelayHTTP"}
    if workers == 1 or not hasattr(socket, "SO_REUSEPORT") or not os.path.isdir("/proc/self/fd"):
        uvicorn.run("api.server:app", host=host, port=port, workers=workers, **options)
        return
    from uvicorn.supervisors import Multiprocess

    # uvicorn's supervisor (it restarts a worker that died, and stops them all on a signal), with
    # a placeholder socket that holds the port: each worker listens on a socket of its own
    config = uvicorn.Config("api.server:app", host=host, port=port, workers=workers, **options)
    placeholder = _reuse_port_socket(host, port)
    placeholder.set_inheritable(True)
    os.environ[ENV_OWN_SOCKET] = f"{host}:{port}"
    try:
        Multiprocess(config, sockets=[placeholder]).run()
    except KeyboardInterrupt:
        pass
    finally:
        placeholder.close()

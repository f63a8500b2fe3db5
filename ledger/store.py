"""The ledger (账本): append acts, read cases, replay as of any moment.

Built on the ``eventsourcing`` library's application recorders (see :mod:`ledger.recorders`):
each case is one stream of stored events (its acts, versioned 1, 2, 3 …), the library's
notification log orders every act as recorded, and the ``ledger_chain`` table written in
the same transaction carries each jurisdiction's hash chain and the index by act id, case,
kind and time. Acts are validated before they are appended (:mod:`ledger.validation`);
the store itself refuses nothing that is well-formed.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
import psycopg
from eventsourcing.persistence import (
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    PersistenceError,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore
from psycopg.rows import dict_row, tuple_row

from domain.acts import Act
from domain.errors import LedgerError
from domain.org import OrgChart
from domain.system_cases import ORG_PREFIX, org_case
from domain.timeutil import format_datetime, utcnow
from ledger import codec
from ledger.config import DbConfig, resolve_db
from ledger.recorders import CHAIN_TABLE, ChainWriter, LedgerPostgresRecorder, LedgerSQLiteRecorder, file_lock

ORG_KIND = "org"
DDL_LOCK = "SELECT pg_advisory_lock(hashtext('ledger_ddl'))"
DDL_UNLOCK = "SELECT pg_advisory_unlock(hashtext('ledger_ddl'))"

Query = Callable[[str, Sequence[Any]], list[Any]]

#: The reads of one scope (:meth:`Ledger.read_scope`): ledger → its jurisdictions' org versions.
READ_SCOPE: ContextVar[dict[int, dict[str, int]] | None] = ContextVar("ledger_read_scope", default=None)


class WriteConflictError(LedgerError):
    """Another writer appended to the same case first (写入冲突); nothing was stored."""

    code = "write_conflict"

    def __init__(self, case: str) -> None:
        super().__init__(
            f"案件 {case} 已被其他写入更新，本次未保存，请重试",
            f"case '{case}' was written by someone else at the same time; nothing was stored, retry",
        )
        self.case = case


@dataclass(frozen=True)
class Appended:
    """What happened to one act of a batch: ``stored`` (with its seq/recorded time) or ``duplicate``."""

    filed: Act
    status: str  # "stored" | "duplicate" | "conflict"
    recorded_at: datetime | None = None
    seq: int | None = None

    @functools.cached_property
    def act(self) -> Act:
        """The act; a stored one with its recorded time and chain position."""
        a = self.filed
        if self.seq is None:
            return a
        return Act(a.id, a.jurisdiction, a.case, a.kind, a.act, a.at, a.by, a.unit, a.data, self.recorded_at, self.seq)


class Ledger:
    """One event store (SQLite file or PostgreSQL schema), any number of jurisdictions."""

    def __init__(self, url: str | DbConfig | None = None, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.config = url if isinstance(url, DbConfig) else resolve_db(url)
        self.clock = clock
        self._lock = threading.RLock()
        self._orgs: dict[str, tuple[int, OrgChart]] = {}
        self._readers = threading.local()
        self._reader_conns: dict[threading.Thread, Any] = {}  # sqlite3 or psycopg connections
        self._ddl_lock = threading.RLock()
        self._ddl_depth = 0
        cfg = self.config
        if cfg.backend == "sqlite":
            self.datastore: Any = SQLiteDatastore(cfg.path, lock_timeout=30)
            self.recorder: Any = LedgerSQLiteRecorder(self.datastore)
            self.ph = "?"
        else:
            self.datastore = PostgresDatastore(
                dbname=cfg.dbname,
                host=cfg.host,
                port=cfg.port,
                user=cfg.user,
                password=cfg.password or os.environ.get("PGPASSWORD", ""),
                schema=cfg.schema,
                pool_size=int(os.environ.get("LEDGER_PG_POOL", "4")),
                max_overflow=4,
                enable_db_functions=False,  # keeps notification ids in commit order
            )
            self.recorder = LedgerPostgresRecorder(self.datastore)
            self.ph = "%s"
        with self.schema_lock():
            if self.is_postgres and cfg.schema != "public":
                with self.datastore.transaction(commit=True) as c:
                    c.execute(f'CREATE SCHEMA IF NOT EXISTS "{cfg.schema}"')
            self.recorder.create_table()
        self.events_table = self.recorder.events_table_name
        schema = f'"{cfg.schema}".' if cfg.backend == "postgres" else ""
        self.t_events = f"{schema}{self.events_table}"
        self.t_chain = f"{schema}{CHAIN_TABLE}"

    # ---- plumbing ---------------------------------------------------------------------
    @property
    def is_postgres(self) -> bool:
        return self.config.backend == "postgres"

    @contextlib.contextmanager
    def schema_lock(self) -> Iterator[None]:
        """Hold while creating tables (建表锁): every opener of a database runs the same idempotent
        DDL (the library's tables and types, the chain, tracking, views, tokens), which PostgreSQL
        refuses to run twice at the same moment. On PostgreSQL a session advisory lock
        (``ledger_ddl``) on a connection of its own, so the DDL may run in any transactions;
        re-entrant within the process. On SQLite an OS file lock beside the database
        (``<db>-ddl``, ``flock``): SQLite's write lock serializes each statement, but the library
        reads whether a table exists before it creates it, and two openers racing between the
        read and the create both insert the table's first row."""
        with self._ddl_lock:
            if self._ddl_depth:
                with self._ddl_held():
                    yield
                return
            if not self.is_postgres:
                with file_lock(self.datastore.pool.db_name, "ddl"), self._ddl_held():
                    yield
                return
            with self.datastore.get_connection() as conn:
                conn.execute(DDL_LOCK)
                try:
                    with self._ddl_held():
                        yield
                finally:
                    conn.execute(DDL_UNLOCK)

    @contextlib.contextmanager
    def _ddl_held(self) -> Iterator[None]:
        """Count one more holder of the schema lock in this process (re-entry)."""
        self._ddl_depth += 1
        try:
            yield
        finally:
            self._ddl_depth -= 1

    def sql(self, statement: str) -> str:
        """Our SQL is written with ``?``; PostgreSQL wants ``%s``."""
        return statement.replace("?", "%s") if self.is_postgres else statement

    def oid(self, u: UUID) -> Any:
        """An originator id as the backend stores it."""
        return u if self.is_postgres else u.hex

    def query(
        self, statement: str, params: Sequence[Any] = (), *, binary: bool = False, tuples: bool = False
    ) -> list[Any]:
        """The rows of one read-only statement, on this thread's read connection in autocommit
        mode (a statement is its own snapshot): one round trip on PostgreSQL, not a pool
        checkout with BEGIN, the statement and ROLLBACK. ``binary``: PostgreSQL sends the
        columns in its binary format (the bulk reads of acts' bytes: no hex text to make and
        parse — a quarter less of this process's CPU reading them). ``tuples``: PostgreSQL's rows
        as tuples, not dicts (a reader that takes the columns in the order it selected them, as
        a page of a view's rows: no dict built per row, nor the columns' names per statement)."""
        if self.is_postgres:
            conn = self._pg_reader()
            try:
                cur = conn.cursor(row_factory=tuple_row) if tuples else conn.cursor()
                return cur.execute(self.sql(statement), list(params), binary=binary).fetchall()
            except psycopg.Error as e:  # the library's error classes, as its own reads raise
                if conn.broken or isinstance(e, psycopg.OperationalError):
                    self._drop_reader(conn)  # the next read opens a fresh connection
                raise _persistence_error(e) from e
        try:
            return self._reader().execute(statement, list(params)).fetchall()
        except sqlite3.Error as e:  # the library's error classes, as its own reads raise
            raise _persistence_error(e) from e

    def _pg_reader(self) -> psycopg.Connection[Any]:
        """This thread's PostgreSQL connection for reads, in autocommit mode (每线程只读连接): one
        round trip a read, with no pool checkout around it (the pool's bookkeeping and its
        per-checkout checks cost more than a short indexed read). Statements it runs often are
        prepared on the server (psycopg's ``prepare_threshold``)."""
        conn: psycopg.Connection[Any] | None = getattr(self._readers, "conn", None)
        if conn is None or conn.closed:
            conn = self.config.pg_connect(row_factory=dict_row)
            self._keep_reader(conn)
        return conn

    def _keep_reader(self, conn: Any) -> None:
        """Remember this thread's read connection (closing those of threads that have ended:
        a thread pool retires its idle workers, and their connections must not pile up)."""
        with self._lock:
            for thread, old in list(self._reader_conns.items()):
                if not thread.is_alive():
                    del self._reader_conns[thread]
                    old.close()
            self._reader_conns[threading.current_thread()] = conn
        self._readers.conn = conn

    def _drop_reader(self, conn: Any) -> None:
        with self._lock:
            if self._reader_conns.get(threading.current_thread()) is conn:
                del self._reader_conns[threading.current_thread()]
        self._readers.conn = None
        with contextlib.suppress(Exception):
            conn.close()

    def _reader(self) -> sqlite3.Connection:
        """This thread's read-only SQLite connection in autocommit mode (每线程只读连接): a
        statement is its own read transaction (its own snapshot, as on PostgreSQL), with no
        BEGIN, ROLLBACK or pool checkout around it — a tenth of the cost of a read through the
        library's pooled transaction. It sees every committed write of any connection (WAL)."""
        conn: sqlite3.Connection | None = getattr(self._readers, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.config.path, isolation_level=None, check_same_thread=False, timeout=30)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA query_only=ON")
            self._keep_reader(conn)
        return conn

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(self.sql(statement), list(params))

    def close(self) -> None:
        with self._lock:
            conns, self._reader_conns = self._reader_conns, {}
            self._readers = threading.local()
        for conn in conns.values():
            conn.close()
        self.datastore.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- what is there --------------------------------------------------------------
    def jurisdictions(self) -> list[str]:
        """Every jurisdiction of the ledger, sorted (each starts with its org acts)."""
        return sorted(self._org_versions())

    def _org_versions(self) -> dict[str, int]:
        """Each jurisdiction's org case version (its org acts so far), in one statement; within a
        :meth:`read_scope`, read once."""
        scope = READ_SCOPE.get()
        if scope is not None and (seen := scope.get(id(self))) is not None:
            return seen
        # the jurisdictions from the (kind, jurisdiction) index, each one's org case version from
        # the (jurisdiction, case_id, originator_version) index: index-only, a probe a jurisdiction
        rows = self.query(
            f"SELECT j.jurisdiction, (SELECT c.originator_version FROM {self.t_chain} c "
            "WHERE c.jurisdiction=j.jurisdiction AND c.case_id=? || j.jurisdiction "
            "ORDER BY c.originator_version DESC LIMIT 1) AS v "
            f"FROM (SELECT DISTINCT jurisdiction FROM {self.t_chain} WHERE kind='org') j",
            [ORG_PREFIX],
        )
        versions = {str(_col(r, "jurisdiction", 0)): int(_col(r, "v", 1)) for r in rows}
        if scope is not None:
            scope[id(self)] = versions
        return versions

    @contextlib.contextmanager
    def read_scope(self) -> Iterator[None]:
        """Within it (one API request, say), the jurisdictions and their org charts' versions are
        read once — the first time they are asked for — instead of by every read that needs them.
        An append of this ledger within the scope forgets them (read again when next asked)."""
        token = READ_SCOPE.set({})
        try:
            yield
        finally:
            READ_SCOPE.reset(token)

    def count(self, jurisdiction: str | None = None) -> int:
        if jurisdiction is None:
            rows = self.query(f"SELECT COUNT(*) AS n FROM {self.t_chain}")
        else:
            rows = self.query(f"SELECT COUNT(*) AS n FROM {self.t_chain} WHERE jurisdiction=?", [jurisdiction])
        return int(_col(rows[0], "n", 0))

    def head(self, jurisdiction: str, *, q: Query | None = None) -> tuple[int, str]:
        """The chain head of a jurisdiction: (seq, hash); (0, genesis) when empty."""
        rows = (q or self.query)(
            f"SELECT seq, hash FROM {self.t_chain} WHERE jurisdiction=? ORDER BY seq DESC LIMIT 1", [jurisdiction]
        )
        if not rows:
            return 0, codec.GENESIS
        return int(_col(rows[0], "seq", 0)), str(_col(rows[0], "hash", 1))

    def case_kind(self, jurisdiction: str, case: str) -> str | None:
        rows = self.query(
            f"SELECT kind FROM {self.t_chain} WHERE jurisdiction=? AND case_id=? LIMIT 1", [jurisdiction, case]
        )
        return str(_col(rows[0], "kind", 0)) if rows else None

    def _rows_for(
        self,
        jurisdiction: str,
        column: str,
        keys: Iterable[str],
        select: str,
        tail: str = "",
        q: Query | None = None,
    ) -> list[Any]:
        """Chain rows of a jurisdiction whose ``column`` is one of ``keys`` (one query on
        PostgreSQL with an array parameter; chunks of 500 on SQLite)."""
        query = q or self.query
        keys = list(dict.fromkeys(keys))
        if not keys:
            return []
        if self.is_postgres:
            return query(
                f"SELECT {select} FROM {self.t_chain} WHERE jurisdiction=? AND {column} = ANY(?){tail}",
                [jurisdiction, keys],
            )
        rows: list[Any] = []
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            rows += query(
                f"SELECT {select} FROM {self.t_chain} WHERE jurisdiction=? "
                f"AND {column} IN ({','.join('?' * len(chunk))}){tail}",
                [jurisdiction, *chunk],
            )
        return rows

    def case_versions(
        self, jurisdiction: str, cases: Iterable[str], *, q: Query | None = None
    ) -> dict[str, tuple[int, str]]:
        """Current version and kind of each named case that exists: each read from the case's
        newest row through the ``(jurisdiction, case_id, originator_version)`` index, so a
        long case (a reader's access log of a busy day) costs what a short one does."""
        query = q or self.query
        keys = list(dict.fromkeys(cases))
        if not keys:
            return {}
        if self.is_postgres:
            rows = query(
                f"SELECT c.case_id, x.v, x.k FROM unnest(?::text[]) AS c(case_id) CROSS JOIN LATERAL "
                f"(SELECT originator_version AS v, kind AS k FROM {self.t_chain} "
                "WHERE jurisdiction=? AND case_id=c.case_id ORDER BY originator_version DESC LIMIT 1) x",
                [keys, jurisdiction],
            )
        else:
            rows = query(
                f"SELECT c.value AS case_id, t.originator_version AS v, t.kind AS k FROM json_each(?) c "
                f"JOIN {self.t_chain} t ON t.rowid = (SELECT rowid FROM {self.t_chain} "
                "WHERE jurisdiction=? AND case_id=c.value ORDER BY originator_version DESC LIMIT 1)",
                [orjson.dumps(keys).decode(), jurisdiction],
            )
        return {str(_col(r, "case_id", 0)): (int(_col(r, "v", 1)), str(_col(r, "k", 2))) for r in rows}

    def existing_ids(self, jurisdiction: str, ids: Iterable[str], *, q: Query | None = None) -> dict[str, str]:
        """Act ids already stored in a jurisdiction, with their body hashes."""
        rows = self._rows_for(jurisdiction, "act_id", ids, "act_id, body_hash", q=q)
        return {str(_col(r, "act_id", 0)): str(_col(r, "body_hash", 1)) for r in rows}

    # ---- the org chart ----------------------------------------------------------------
    def org(self, jurisdiction: str) -> OrgChart:
        """The jurisdiction's org chart from its org acts (cached until one is added)."""
        stream = codec.case_stream(jurisdiction, org_case(jurisdiction))
        scope = READ_SCOPE.get()
        if scope is not None:  # one request: the versions of every jurisdiction's org case, read once
            version = self._org_versions().get(jurisdiction, 0)
        else:
            (row,) = self.query(
                f"SELECT MAX(originator_version) FROM {self.t_events} WHERE originator_id=?", [self.oid(stream)]
            )
            version = int(_values(row)[0] or 0)
        with self._lock:
            cached = self._orgs.get(jurisdiction)
            if cached and cached[0] == version:
                return cached[1]
        acts = [codec.decode(e.state) for e in self.recorder.select_events(stream)]
        chart = OrgChart.from_acts(acts, jurisdiction)
        with self._lock:
            self._orgs[jurisdiction] = (version, chart)
        return chart

    def unit_jurisdictions(self) -> dict[str, list[str]]:
        """Which jurisdiction(s) know each unit id (to place act lines without a jurisdiction)."""
        out: dict[str, list[str]] = defaultdict(list)
        for j in self.jurisdictions():
            for u in self.org(j).units:
                out[u].append(j)
        return out

    # ---- appending ------------------------------------------------------------------
    def append(
        self,
        acts: Sequence[Act],
        *,
        on_conflict: str = "retry",
        attempts: int = 8,
        expected: dict[str, int] | None = None,
        id_conflicts: str = "raise",
    ) -> list[Appended]:
        """Append validated acts in one transaction per jurisdiction; the outcomes in the acts' order.

        Idempotent by act id: an act whose id is already stored with the same body is a
        ``duplicate`` and stored once. Each stored act gets the next version of its case,
        the next seq of its jurisdiction's chain, and the recorded time from the clock.
        ``on_conflict="raise"`` raises :class:`WriteConflictError` when another writer appended
        to one of the same cases meanwhile; otherwise the batch is retried on the new heads.
        """
        by_j: dict[str, list[int]] = defaultdict(list)
        for i, a in enumerate(acts):
            by_j[a.jurisdiction].append(i)
        out: list[Appended | None] = [None] * len(acts)
        for j, idx in by_j.items():
            items = [codec.encode(acts[i]) for i in idx]
            recorded, outcomes = self._append_jurisdiction(j, items, on_conflict, attempts, expected, id_conflicts)
            for i, (status, seq) in zip(idx, outcomes, strict=True):
                out[i] = Appended(acts[i], status, recorded if seq is not None else None, seq)
        return [a for a in out if a is not None]

    def append_encoded(
        self, jurisdiction: str, items: Sequence[codec.Encoded]
    ) -> tuple[datetime, list[tuple[str, int | None]]]:
        """Append acts already encoded (:func:`ledger.codec.encode`, e.g. by a validating process)
        to one jurisdiction, as an import does: an id stored with another body is a ``conflict``,
        not an error. Returns the recorded time and, per item, its status and seq."""
        return self._append_jurisdiction(jurisdiction, list(items), "retry", 8, None, "report")

    def _append_jurisdiction(
        self,
        j: str,
        items: list[codec.Encoded],
        on_conflict: str,
        attempts: int,
        expected: dict[str, int] | None,
        id_conflicts: str = "raise",
    ) -> tuple[datetime, list[tuple[str, int | None]]]:
        """One jurisdiction's batch, read and written in one transaction that holds its chain's
        write lock (:meth:`~ledger.recorders.LedgerSQLiteRecorder.chain_transaction`): the head,
        case versions and stored ids read in it are still current when the batch is inserted, so
        concurrent writers neither fail nor fork the chain. ``expected`` versions that are not the
        current ones are a :class:`WriteConflictError`."""
        # Imports first assume their acts are new (an id already stored fails the insert on the
        # unique index, and the ids are then looked up — in the same transaction on SQLite, in the
        # next attempt on PostgreSQL, where a failed statement ends the transaction): a lookup
        # saved per batch.
        lookup = not (on_conflict == "retry" and id_conflicts == "report" and not expected)
        last_exc: Exception | None = None
        for _attempt in range(attempts):
            try:
                with self.recorder.chain_transaction(j) as w:
                    recorded, outcomes = self._append_locked(j, items, w, lookup, expected, id_conflicts)
            except IntegrityError as e:  # an id stored already (PostgreSQL), or a writer bypassing the lock
                last_exc, lookup = e, True
                continue
            except psycopg.errors.TransactionRollback as e:  # a deadlock or serialization failure: try again
                last_exc = e
                continue
            if any(it.kind == ORG_KIND and o[0] == "stored" for it, o in zip(items, outcomes, strict=True)):
                with self._lock:
                    self._orgs.pop(j, None)
                scope = READ_SCOPE.get()
                if scope is not None:
                    scope.pop(id(self), None)
            return recorded, outcomes
        raise LedgerError(
            "写入多次冲突，未保存", f"could not append after {attempts} attempts: {last_exc}", code="write_conflict"
        )

    def _append_locked(
        self,
        j: str,
        items: list[codec.Encoded],
        w: ChainWriter,
        lookup: bool,
        expected: dict[str, int] | None,
        id_conflicts: str,
    ) -> tuple[datetime, list[tuple[str, int | None]]]:
        def q(statement: str, params: Sequence[Any] = ()) -> list[Any]:
            return w.query(self.sql(statement), params)

        existing = self.existing_ids(j, (it.id for it in items), q=q) if lookup else {}
        versions = {c: v for c, (v, _k) in self.case_versions(j, (it.case for it in items), q=q).items()}
        seq, prev = self.head(j, q=q)
        recorded = self.clock()
        recorded_us = codec.micros(recorded)
        recorded_text = format_datetime(recorded)
        streams: dict[str, tuple[UUID, Any, bytes]] = {}  # case → stream, as stored, as hashed
        stored: list[StoredEvent] = []
        rows: list[tuple[Any, ...]] = []
        outcomes: list[tuple[str, int | None]] = []
        seen: dict[str, str] = {}
        stored_bytes, content_hash, link_hash = codec.stored_bytes, codec.content_hash_of, codec.link_hash
        for it in items:
            bh = it.body_hash
            known = existing.get(it.id) or seen.get(it.id)
            if known is not None:
                if known != bh:
                    if id_conflicts == "report":
                        outcomes.append(("conflict", None))
                        continue
                    raise LedgerError(
                        f"行为编号 {it.id} 已存在且内容不同",
                        f"act id '{it.id}' is already stored with different content",
                        code="id_conflict",
                    )
                outcomes.append(("duplicate", None))
                continue
            case = it.case
            s = streams.get(case)
            if s is None:
                if expected and case in expected and versions.get(case, 0) != expected[case]:
                    raise WriteConflictError(case)
                stream = codec.case_stream(j, case)
                s = streams[case] = (stream, self.oid(stream), str(stream).encode())
            seen[it.id] = bh
            seq += 1
            version = versions.get(case, 0) + 1
            versions[case] = version
            topic = f"act:{it.kind}.{it.act}"
            state = stored_bytes(it.body, recorded_text, seq)
            content = content_hash(s[2], version, topic, state)
            link = link_hash(j, seq, content, prev)
            rows.append(
                (j, seq, it.id, case, it.kind, it.act, it.at_us, recorded_us, s[1], version, bh, content, prev, link)
            )
            prev = link
            stored.append(StoredEvent(s[0], version, topic, state))
            outcomes.append(("stored", seq))
        if stored:
            try:
                w.insert(stored, rows)
            except IntegrityError:
                if lookup or self.is_postgres:  # PostgreSQL: the transaction is over; run again, ids looked up
                    raise
                # an act id already stored: look the ids up and plan again, in the same transaction
                return self._append_locked(j, items, w, True, expected, id_conflicts)
        return recorded, outcomes

    # ---- reading ----------------------------------------------------------------------
    def case_history(
        self,
        jurisdiction: str,
        case: str,
        *,
        as_of: datetime | None = None,
        recorded_as_of: datetime | None = None,
    ) -> list[Act]:
        """A case's acts in business order; ``as_of`` (business time) and ``recorded_as_of``
        (what the ledger held then) cut the history."""
        rows = self.query(
            f"SELECT state FROM {self.t_events} WHERE originator_id=? ORDER BY originator_version",
            [self.oid(codec.case_stream(jurisdiction, case))],
        )
        acts = [codec.decode(bytes(_values(r)[0])) for r in rows]
        if recorded_as_of is not None:
            acts = [a for a in acts if a.recorded_at is not None and a.recorded_at <= recorded_as_of]
        if as_of is not None:
            acts = [a for a in acts if a.at <= as_of]
        return sorted(acts, key=lambda a: (a.at, a.seq or 0))

    def acts(
        self,
        jurisdiction: str | None = None,
        *,
        case: str | None = None,
        kind: str | None = None,
        units: Sequence[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        after: tuple[str, int] | None = None,
        limit: int = 1000,
        order: str = "seq",
    ) -> list[Act]:
        """Acts by filter, in chain order (``after`` = (jurisdiction, seq) to page on)."""
        where: list[str] = []
        params: list[Any] = []
        if jurisdiction is not None:
            where.append("c.jurisdiction=?")
            params.append(jurisdiction)
        if case is not None:
            where.append("c.case_id=?")
            params.append(case)
        if kind is not None:
            where.append("c.kind=?")
            params.append(kind)
        if since is not None:
            where.append("c.at_us>=?")
            params.append(codec.micros(since))
        if until is not None:
            where.append("c.at_us<=?")
            params.append(codec.micros(until))
        if after is not None:
            where.append("(c.jurisdiction>? OR (c.jurisdiction=? AND c.seq>?))")
            params += [after[0], after[0], after[1]]
        sql = (
            f"SELECT e.state AS state FROM {self.t_chain} c JOIN {self.t_events} e "
            "ON e.originator_id=c.originator_id AND e.originator_version=c.originator_version"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY c.jurisdiction, c.seq" if order == "seq" else " ORDER BY c.at_us, c.jurisdiction, c.seq"
        sql += f" LIMIT {int(limit)}"
        acts = [codec.decode(bytes(_col(r, "state", 0))) for r in self.query(sql, params)]
        if units is not None:
            allowed = set(units)
            acts = [a for a in acts if a.unit in allowed]
        return acts

    def iter_acts(self, jurisdiction: str | None = None, batch: int = 5000) -> Iterator[Act]:
        """Every act (of a jurisdiction) in chain order, streamed in batches."""
        after: tuple[str, int] | None = None
        while True:
            page = self.acts(jurisdiction, after=after, limit=batch)
            yield from page
            if len(page) < batch:
                return
            after = (page[-1].jurisdiction, page[-1].seq or 0)

    def case_streams(
        self, lo: UUID | None = None, hi: UUID | None = None, *, stop: int | None = None, batch: int = 5000
    ) -> Iterator[list[bytes]]:
        """Every case's stored acts (state bytes, in version order), case by case in stream
        (originator id) order, for streams in ``[lo, hi)`` and notifications up to ``stop``:
        read in pages of ``batch`` rows along the events table's primary key, so memory
        holds one page (按案件流式读取)."""
        nid = "rowid" if not self.is_postgres else "notification_id"
        cond = f" AND {nid}<=?" if stop is not None else ""
        cond += " AND originator_id<?" if hi is not None else ""
        sql = (
            f"SELECT originator_id AS k, originator_version AS v, state FROM {self.t_events} "
            f"WHERE (originator_id, originator_version) > (?, ?){cond} "
            f"ORDER BY originator_id, originator_version LIMIT {int(batch)}"
        )
        tail = ([stop] if stop is not None else []) + ([self.oid(hi)] if hi is not None else [])
        return self._paged_cases(sql, [], (self.oid(lo or UUID(int=0)), 0), tail, batch)

    def jurisdiction_cases(
        self, jurisdiction: str, kinds: Sequence[str] | None = None, *, stop: int | None = None, batch: int = 5000
    ) -> Iterator[list[bytes]]:
        """A jurisdiction's cases (of ``kinds``, when given; their acts up to notification ``stop``),
        case by case in case-id order, each as its stored acts' state bytes (read along the
        chain's case index, in pages)."""
        return self._paged_cases(*self._jurisdiction_sql(jurisdiction, kinds, stop, batch, ""), batch)

    def jurisdiction_case_acts(
        self, jurisdiction: str, kinds: Sequence[str] | None = None, *, stop: int | None = None, batch: int = 5000
    ) -> Iterator[list[tuple[str, str, str, int, bytes]]]:
        """:meth:`jurisdiction_cases` with what the chain knows of each act beside its bytes —
        ``(case, kind, act, at_us, state)`` — what a reader may learn without decoding."""
        sql = self._jurisdiction_sql(jurisdiction, kinds, stop, batch, "c.kind AS kind, c.act AS a, c.at_us AS t, ")

        def row(r: Any) -> tuple[str, str, str, int, bytes]:  # a sqlite3.Row or a psycopg dict row: by name
            return (r["k"], r["kind"], r["a"], r["t"], bytes(r["state"]))

        return self._paged_cases(*sql, batch, row=row)

    def _jurisdiction_sql(
        self, jurisdiction: str, kinds: Sequence[str] | None, stop: int | None, batch: int, more: str
    ) -> tuple[str, list[Any], tuple[Any, int], list[Any]]:
        where = "c.jurisdiction=? AND (c.case_id, c.originator_version) > (?, ?)"
        if kinds is not None:
            where += f" AND c.kind IN ({','.join('?' * len(kinds))})"
        if stop is not None:
            where += f" AND e.{'notification_id' if self.is_postgres else 'rowid'}<=?"
        sql = (
            f"SELECT c.case_id AS k, c.originator_version AS v, {more}e.state AS state FROM {self.t_chain} c "
            f"JOIN {self.t_events} e ON e.originator_id=c.originator_id AND e.originator_version=c.originator_version "
            f"WHERE {where} ORDER BY c.case_id, c.originator_version LIMIT {int(batch)}"
        )
        tail = [*(kinds or ()), *([stop] if stop is not None else [])]
        return sql, [jurisdiction], ("", 0), tail

    def _paged_cases(
        self,
        sql: str,
        head: list[Any],
        after: tuple[Any, int],
        tail: list[Any],
        batch: int,
        row: Callable[[Any], Any] = lambda r: bytes(_col(r, "state", 2)),
    ) -> Iterator[list[Any]]:
        """Rows (k: the case, v: its version, …, state) read page by page after ``(k, v)``,
        grouped by case, each as ``row`` makes it (by default its state bytes)."""
        current: Any = None
        group: list[Any] = []
        while True:
            rows = self.query(sql, [*head, *after, *tail], binary=True)
            for r in rows:
                k = _col(r, "k", 0)
                if k != current:
                    if group:
                        yield group
                    current, group = k, []
                group.append(row(r))
            if len(rows) < batch:
                break
            after = (_col(rows[-1], "k", 0), int(_col(rows[-1], "v", 1)))
        if group:
            yield group

    def cases_of(self, jurisdiction: str, cases: Iterable[str]) -> list[list[bytes]]:
        """The stored acts (state bytes, in version order) of each named case that exists."""
        streams = [self.oid(codec.case_stream(jurisdiction, c)) for c in dict.fromkeys(cases)]
        out: dict[Any, list[bytes]] = defaultdict(list)
        for i in range(0, len(streams), 500):
            chunk = streams[i : i + 500]
            rows = self.query(
                f"SELECT originator_id, state FROM {self.t_events} "
                f"WHERE originator_id IN ({','.join('?' * len(chunk))}) ORDER BY originator_id, originator_version",
                chunk,
                binary=True,
            )
            for r in rows:
                out[_col(r, "originator_id", 0)].append(bytes(_col(r, "state", 1)))
        return list(out.values())

    def analyze(self, tables: Sequence[str] | None = None) -> None:
        """PostgreSQL: refresh the planner's statistics of ``tables`` (default: the events and
        the chain) after a bulk write (统计信息). A table filled by an import or a rebuild keeps
        the statistics of its empty self until autovacuum — off on some servers — analyzes it,
        and the planner then takes a 1 M-row table for a few rows: a page of a view read by a
        bitmap scan and a sort of every match (22 ms) instead of its ordered index (0.25 ms).
        SQLite's planner needs no statistics here: nothing to do."""
        if not self.is_postgres:
            return
        with self.datastore.get_connection() as conn:
            for t in tables or (self.t_events, self.t_chain):
                conn.execute(f"ANALYZE {t}")

    def max_notification_id(self) -> int:
        return int(self.recorder.max_notification_id() or 0)

    def head_and_next(
        self, after: int, skip_kinds: Iterable[str], extra: tuple[str, Sequence[Any]] | None = None
    ) -> tuple[int, int | None, Any]:
        """In one statement (一次查询): the last notification id; the first after ``after`` whose
        act is not of ``skip_kinds`` (None when every later act is, or there is none) — read from
        the topic column (``act:<kind>.<act>``), no act decoded; and the value of ``extra``, one
        more scalar subquery with its parameters (None without). A follower learns from it
        whether anything it must read came since it last looked, and skips the reads (访问记录)
        that change none of its rows."""
        nid = "rowid" if not self.is_postgres else "notification_id"
        skip = [f"act:{k}." for k in sorted(set(skip_kinds))]
        cond = "".join(f" AND substr(topic, 1, {len(t)})<>?" for t in skip)
        sql = (
            f"SELECT (SELECT MAX({nid}) FROM {self.t_events}), "
            f"(SELECT MIN({nid}) FROM {self.t_events} WHERE {nid}>?{cond})"
        )
        params: list[Any] = [after, *skip]
        if extra is not None:
            sql += f", ({extra[0]})"
            params += list(extra[1])
        vals = _values(self.query(sql, params)[0])
        head, nxt = int(vals[0] or 0), (int(vals[1]) if vals[1] is not None else None)
        return head, nxt, (vals[2] if extra is not None else None)

    def notifications(self, start: int, limit: int, stop: int | None = None) -> list[tuple[int, Act]]:
        """The notification log from ``start`` (inclusive): (notification id, act)."""
        ns = self.recorder.select_notifications(start, limit, stop=stop)
        return [(n.id, codec.decode(n.state)) for n in ns]


#: The DB-API error classes (PEP 249: the same names in sqlite3 and psycopg), the general one
#: last, each with the eventsourcing library's class for it.
_ERRORS: tuple[tuple[str, type[PersistenceError]], ...] = (
    ("InterfaceError", InterfaceError),
    ("DataError", DataError),
    ("OperationalError", OperationalError),
    ("IntegrityError", IntegrityError),
    ("InternalError", InternalError),
    ("ProgrammingError", ProgrammingError),
    ("NotSupportedError", NotSupportedError),
    ("DatabaseError", DatabaseError),
)


def _persistence_error(e: sqlite3.Error | psycopg.Error) -> PersistenceError:
    """A sqlite3 or psycopg error as the eventsourcing library's class for it (its recorders
    raise those)."""
    driver: Any = sqlite3 if isinstance(e, sqlite3.Error) else psycopg
    for name, ours in _ERRORS:
        if isinstance(e, getattr(driver, name)):
            return ours(e)
    return PersistenceError(e)


def _values(row: Any) -> Sequence[Any]:
    """A row's values in the order selected (a sqlite3.Row is a sequence; a psycopg dict row
    keeps the select's order)."""
    return list(row.values()) if isinstance(row, dict) else row


def _col(row: Any, name: str, idx: int) -> Any:
    """A column from a sqlite3.Row or a psycopg dict row."""
    if isinstance(row, dict):
        return row[name]
    try:
        return row[name]
    except (IndexError, KeyError, TypeError):
        return row[idx]

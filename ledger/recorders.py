"""The event store's recorders: eventsourcing's own, plus the integrity chain table.

We use the library's application recorders (``SQLiteApplicationRecorder``,
``PostgresApplicationRecorder``) for the events table and the notification log, and extend
each so that the same transaction that inserts a batch of stored events also inserts their
rows of ``ledger_chain``: the hash chain over each jurisdiction's acts in recorded order, and
the index the ledger reads cases, act ids and times from.

Writers of one jurisdiction's chain are serialized (串行写入): :meth:`chain_transaction` opens
the write transaction with ``BEGIN IMMEDIATE`` on SQLite and a per-jurisdiction
``pg_advisory_xact_lock`` on PostgreSQL, so the chain head, case versions and stored act ids
read inside it are still current when the batch is inserted. ``(jurisdiction, seq)`` is the
chain's primary key besides, so the chain cannot fork even for a writer that skips the lock.
The insert runs in a savepoint: a unique violation (an act id already stored) is an
:class:`~eventsourcing.persistence.IntegrityError` and leaves the transaction usable. On
PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE on both tables.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol
from uuid import UUID

import psycopg
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from psycopg.sql import SQL, Identifier

CHAIN_TABLE = "ledger_chain"
CHAIN_COLUMNS = (
    "jurisdiction",
    "seq",
    "act_id",
    "case_id",
    "kind",
    "act",
    "at_us",
    "recorded_us",
    "originator_id",
    "originator_version",
    "body_hash",
    "content_hash",
    "prev_hash",
    "hash",
)

_CHAIN_DDL_SQLITE = [
    f"""CREATE TABLE IF NOT EXISTS {CHAIN_TABLE} (
        jurisdiction TEXT NOT NULL,
        seq INTEGER NOT NULL,
        act_id TEXT NOT NULL,
        case_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        act TEXT NOT NULL,
        at_us INTEGER NOT NULL,
        recorded_us INTEGER NOT NULL,
        originator_id TEXT NOT NULL,
        originator_version INTEGER NOT NULL,
        body_hash TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (jurisdiction, seq))""",
    f"CREATE UNIQUE INDEX IF NOT EXISTS {CHAIN_TABLE}_act_id ON {CHAIN_TABLE} (jurisdiction, act_id)",
    f"CREATE INDEX IF NOT EXISTS {CHAIN_TABLE}_case ON {CHAIN_TABLE} (jurisdiction, case_id, originator_version)",
    f"CREATE INDEX IF NOT EXISTS {CHAIN_TABLE}_at ON {CHAIN_TABLE} (jurisdiction, at_us)",
    f"CREATE INDEX IF NOT EXISTS {CHAIN_TABLE}_kind ON {CHAIN_TABLE} (kind, jurisdiction)",
]

_CHAIN_DDL_PG = [
    s.replace("INTEGER", "BIGINT").replace("originator_id TEXT", "originator_id UUID") for s in _CHAIN_DDL_SQLITE
] + [
    """CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the ledger is append-only: % on % refused (账本只可追加)', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END $$""",
]


def _append_only_triggers(schema: str, table: str) -> list[str]:
    """The triggers that refuse UPDATE, DELETE and TRUNCATE, each created only when missing: a
    DROP/CREATE on every open would take the table's ACCESS EXCLUSIVE lock while other processes
    append (a deadlock with a writer that has read the table and is about to insert)."""
    q = f'"{schema}"."{table}"'
    out = []
    for name, when, each in (
        (f"{table}_append_only", "BEFORE UPDATE OR DELETE", "ROW"),
        (f"{table}_no_truncate", "BEFORE TRUNCATE", "STATEMENT"),
    ):
        out.append(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_trigger "
            f"WHERE tgname = '{name}' AND tgrelid = '{q}'::regclass) THEN "
            f"CREATE TRIGGER {name} {when} ON {q} FOR EACH {each} EXECUTE FUNCTION ledger_refuse_change(); "
            "END IF; END $$"
        )
    return out


SQLITE_CACHE_PRAGMA = "PRAGMA cache_size=-65536"  # 64 MiB


class ChainWriter(Protocol):
    """One jurisdiction's write transaction (写入事务): reads see the current chain, inserts are atomic."""

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[Any]: ...

    def insert(self, stored_events: Sequence[StoredEvent], chain_rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert events and chain rows in a savepoint; :class:`IntegrityError` leaves nothing of them."""
        ...


class _CursorReader:
    """Reads through the write transaction's own cursor."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[Any]:
        self.cursor.execute(statement, list(params))
        return list(self.cursor.fetchall())


class _SQLiteChainWriter(_CursorReader):
    def __init__(self, recorder: LedgerSQLiteRecorder, cursor: SQLiteCursor) -> None:
        super().__init__(cursor)
        self.recorder = recorder

    def insert(self, stored_events: Sequence[StoredEvent], chain_rows: Sequence[tuple[Any, ...]]) -> None:
        c = self.cursor
        c.execute("SAVEPOINT chain_insert")
        try:
            self.recorder._insert_events(c, stored_events, chain_rows=chain_rows)
        except sqlite3.IntegrityError as e:
            c.execute("ROLLBACK TO chain_insert")
            c.execute("RELEASE chain_insert")
            raise IntegrityError(str(e)) from e
        c.execute("RELEASE chain_insert")


class LedgerSQLiteRecorder(SQLiteApplicationRecorder):
    """SQLite events + chain rows, one transaction per batch."""

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *_CHAIN_DDL_SQLITE]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        # A larger page cache for the index-heavy batch insert (per connection; the default is 2 MB).
        c.execute(SQLITE_CACHE_PRAGMA)
        # One executemany for the batch (the ledger does not use the returned notification ids).
        c.executemany(
            self.insert_events_statement,
            [
                (
                    s.originator_id.hex if isinstance(s.originator_id, UUID) else s.originator_id,
                    s.originator_version,
                    s.topic,
                    s.state,
                )
                for s in stored_events
            ],
        )
        ids = None
        rows = kwargs.get("chain_rows")
        if rows:
            placeholders = ",".join("?" * len(CHAIN_COLUMNS))
            c.executemany(f"INSERT INTO {CHAIN_TABLE} VALUES ({placeholders})", rows)
        return ids

    @contextmanager
    def chain_transaction(self, jurisdiction: str) -> Iterator[ChainWriter]:
        """A write transaction holding the database's write lock from its start (``BEGIN IMMEDIATE``).

        Writers in other processes (``ledger serve --workers N``, an import beside the server) take
        turns on an OS file lock beside the database first (``<db>-writer``, ``flock``): the kernel
        wakes the next writer the moment one commits, where SQLite's own busy handler would poll
        with growing sleeps (1, 2, 5 … 100 ms) — the tail latency of concurrent writers."""
        with _writers_turn(self.datastore.pool.db_name), self.datastore.get_connection(commit=True) as conn:
            cursor = conn.cursor()
            try:
                cursor.execute("BEGIN IMMEDIATE")
                try:
                    yield _SQLiteChainWriter(self, cursor)
                except BaseException:
                    conn.rollback()
                    raise
                conn.commit()
            finally:
                cursor.sqlite_cursor.close()


@contextmanager
def _writers_turn(db_name: str) -> Iterator[None]:
    """Hold the exclusive ``flock`` on ``<db>-writer`` (nothing for an in-memory database)."""
    with file_lock(db_name, "writer"):
        yield


@contextmanager
def file_lock(db_name: str, what: str) -> Iterator[None]:
    """Hold the exclusive ``flock`` on ``<db>-<what>`` beside a SQLite database file (nothing for
    an in-memory database); released when the process dies, so a killed holder blocks no one."""
    if not db_name or ":memory:" in db_name or "mode=memory" in db_name:
        yield
        return
    fd = os.open(f"{db_name}-{what}", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


class LedgerPostgresRecorder(PostgresApplicationRecorder):
    """PostgreSQL events + chain rows, one transaction per batch; append-only triggers."""

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        schema = self.datastore.schema
        ddl = [
            s.replace(f"TABLE IF NOT EXISTS {CHAIN_TABLE} ", f'TABLE IF NOT EXISTS "{schema}".{CHAIN_TABLE} ')
            for s in _CHAIN_DDL_PG
        ]
        ddl = [s.replace(f" ON {CHAIN_TABLE} ", f' ON "{schema}".{CHAIN_TABLE} ') for s in ddl]
        ddl = [s.replace("FUNCTION ledger_refuse_change", f'FUNCTION "{schema}".ledger_refuse_change') for s in ddl]
        self.chain_ddl = ddl
        self.trigger_ddl = [
            s.replace("FUNCTION ledger_refuse_change()", f'FUNCTION "{schema}".ledger_refuse_change()')
            for t in (self.events_table_name, CHAIN_TABLE)
            for s in _append_only_triggers(schema, t)
        ]
        cols = ",".join(CHAIN_COLUMNS)
        types = (
            "text",
            "bigint",
            "text",
            "text",
            "text",
            "text",
            "bigint",
            "bigint",
            "uuid",
            "bigint",
            "text",
            "text",
            "text",
            "text",
        )
        arrays = ",".join(f"%b::{t}[]" for t in types)  # %b: binary parameters, no text-array quoting
        self.chain_insert = f'INSERT INTO "{schema}".{CHAIN_TABLE} ({cols}) SELECT * FROM unnest({arrays})'
        # The library's table lock statements and its NOTIFY, as one simple-protocol query
        self.lock_and_notify = SQL("; ").join(
            [*self.lock_table_statements, SQL("NOTIFY {0}").format(Identifier(self.channel_name))]
        )
        # The events as four binary arrays: the library's array of composite values is dumped
        # as text, value by value, which costs more than the insert itself.
        self.events_insert = (
            f'INSERT INTO "{schema}"."{self.events_table_name}" (originator_id, originator_version, topic, state) '
            "SELECT * FROM unnest(%b::uuid[], %b::bigint[], %b::text[], %b::bytea[])"
        )

    def create_table(self) -> None:
        """The library's tables, then the chain and triggers (run under :meth:`Ledger.schema_lock`)."""
        super().create_table()
        with self.datastore.transaction(commit=True) as curs:
            for s in self.chain_ddl + self.trigger_ddl:
                curs.execute(s)  # type: ignore[arg-type]

    def _insert_events(self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> None:
        rows = kwargs.get("chain_rows")
        if rows:
            curs.execute(self.chain_insert, [list(col) for col in zip(*rows, strict=True)])

    @contextmanager
    def chain_transaction(self, jurisdiction: str) -> Iterator[ChainWriter]:
        """A write transaction holding the jurisdiction's advisory lock from its start."""
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            curs.execute("SELECT pg_advisory_xact_lock(hashtext('ledger_chain'), hashtext(%s))", [jurisdiction])
            yield _PostgresChainWriter(self, conn, curs)


class _PostgresChainWriter(_CursorReader):
    def __init__(self, recorder: LedgerPostgresRecorder, conn: Any, curs: Any) -> None:
        super().__init__(curs)
        self.recorder = recorder
        self.conn = conn
        self.curs = curs

    def insert(self, stored_events: Sequence[StoredEvent], chain_rows: Sequence[tuple[Any, ...]]) -> None:
        """The chain rows, then as the library inserts: its table lock (notification ids in
        commit order) and NOTIFY — sent as one round trip — then the events. No savepoint: an act
        id stored already fails the transaction (:class:`IntegrityError`), which the ledger then
        runs again, looking the ids up first (a savepoint and its release were two round trips
        of every append, for a case that only a re-import meets)."""
        try:
            self.recorder._insert_events(self.curs, stored_events, chain_rows=chain_rows)
            self.curs.execute(self.recorder.lock_and_notify)
            self.curs.execute(
                self.recorder.events_insert,
                [
                    [e.originator_id for e in stored_events],
                    [e.originator_version for e in stored_events],
                    [e.topic for e in stored_events],
                    [e.state for e in stored_events],
                ],
            )
        except psycopg.IntegrityError as e:
            raise IntegrityError(str(e)) from e

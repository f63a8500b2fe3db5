"""A spool of cases for the jurisdiction-wide rules (案件暂存), so a large jurisdiction is never all in memory.

Jurisdiction-wide rules (cover conflicts, annual caps, decision follow-through …) read every
case of some kinds at once. A rebuild or catch-up streams case by case; the cases of those
kinds are written here — their stored bytes and their index (jurisdiction, opening time, id,
kind) — into a private temporary SQLite database on disk, and the rules get
:class:`SpooledCases`: a sequence that reads and decodes a case when it is read, in
(opened, id) order. Memory holds neither the cases nor their index. A jurisdiction whose
spooled cases are few is decoded once and kept in memory instead (:data:`IN_MEMORY_ACTS`),
which is faster and the same result.
"""

from __future__ import annotations

import marshal
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any, overload

from domain.rules.base import Case
from ledger import codec

#: Up to this many acts in a jurisdiction's spool, its cases are decoded once and kept in memory.
IN_MEMORY_ACTS = 60_000
#: Cases written to the spool in one statement.
WRITE_BATCH = 500
#: The spool database's page cache (KiB).
CACHE_KIB = 8192


class CaseSpool:
    """Cases of the jurisdiction-kinds, by jurisdiction, kept on disk until the rules read them."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "": a private temporary database on disk, removed on close
        self._db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        self._db.execute(
            "CREATE TABLE spool (j TEXT NOT NULL, opened INTEGER NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, "
            "n INTEGER NOT NULL, states BLOB NOT NULL, PRIMARY KEY (j, id))"
        )
        self._db.execute("CREATE INDEX spool_order ON spool (j, kind, opened, id)")
        #: cases added, not yet written (written :data:`WRITE_BATCH` at a time)
        self._pending: list[tuple[str, int, str, str, int, bytes]] = []

    def add(self, case: Case, states: Sequence[bytes]) -> None:
        """Keep one case (its acts' stored bytes, the acts the views read)."""
        self.add_raw(case.jurisdiction, codec.micros(case.opened_at), case.id, case.kind, states)

    def add_raw(self, jurisdiction: str, opened_us: int, case: str, kind: str, states: Sequence[bytes]) -> None:
        """Keep one case known by its jurisdiction, opening time (µs), id and kind."""
        self._pending.append((jurisdiction, opened_us, case, kind, len(states), marshal.dumps(list(states))))
        if len(self._pending) >= WRITE_BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._db.executemany("INSERT INTO spool VALUES (?, ?, ?, ?, ?, ?)", self._pending)
            self._pending = []

    def jurisdictions(self) -> list[str]:
        self._flush()
        return [r[0] for r in self._db.execute("SELECT DISTINCT j FROM spool ORDER BY j")]

    def source(self, jurisdiction: str) -> SpoolSource:
        """The jurisdiction's spooled cases as a :class:`~domain.rules.engine.CaseSource`."""
        self._flush()
        self._db.commit()
        return SpoolSource(self._db, jurisdiction)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> CaseSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _case(blob: bytes) -> Case:
    return Case.of([codec.decode(s) for s in marshal.loads(blob)])


class SpoolSource:
    """The cases of one jurisdiction's spool, by kind, in (opened, id) order."""

    def __init__(self, db: sqlite3.Connection, jurisdiction: str) -> None:
        self._db = db
        self.jurisdiction = jurisdiction
        acts = db.execute("SELECT COALESCE(SUM(n), 0) FROM spool WHERE j=?", [jurisdiction]).fetchone()[0]
        self._memory: list[tuple[str, Case]] | None = None
        if acts <= IN_MEMORY_ACTS:
            rows = db.execute("SELECT kind, states FROM spool WHERE j=? ORDER BY opened, id", [jurisdiction])
            self._memory = [(k, _case(b)) for k, b in rows]

    def cases(self, kinds: Sequence[str]) -> Sequence[Case]:
        if self._memory is not None:
            wanted = set(kinds)
            return [c for k, c in self._memory if k in wanted]
        return SpooledCases(self._db, self.jurisdiction, tuple(dict.fromkeys(kinds)))

    def kind_of(self, case: str) -> str | None:
        row = self._db.execute("SELECT kind FROM spool WHERE j=? AND id=?", [self.jurisdiction, case]).fetchone()
        return str(row[0]) if row else None


class SpooledCases(Sequence[Case]):
    """A read-only sequence of spooled cases of some kinds, in (opened, id) order, decoded as they
    are read (never all at once)."""

    def __init__(self, db: sqlite3.Connection, jurisdiction: str, kinds: tuple[str, ...]) -> None:
        self._db = db
        self._where = f"j=? AND kind IN ({','.join('?' * len(kinds))})"
        self._params: list[Any] = [jurisdiction, *kinds]
        self._len = int(db.execute(f"SELECT COUNT(*) FROM spool WHERE {self._where}", self._params).fetchone()[0])

    def _rows(self, start: int, count: int) -> Iterator[bytes]:
        sql = f"SELECT states FROM spool WHERE {self._where} ORDER BY opened, id LIMIT ? OFFSET ?"
        for (blob,) in self._db.execute(sql, [*self._params, count, start]):
            yield blob

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, i: int) -> Case: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[Case]: ...

    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(self._len)[i]]
        return _case(next(self._rows(range(self._len)[i], 1)))

    def __iter__(self) -> Iterator[Case]:
        for blob in self._rows(0, self._len):
            yield _case(blob)

    def __bool__(self) -> bool:
        return self._len > 0

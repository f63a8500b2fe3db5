"""A spool of cases for the jurisdiction-wide rules (案件暂存), so a large jurisdiction is never all in memory.

Jurisdiction-wide rules (cover conflicts, annual caps, decision follow-through …) read every
case of some kinds at once. A rebuild or catch-up streams case by case; the cases of those
kinds are kept here — their stored bytes and their index (jurisdiction, opening time, id,
kind): in memory while their bytes stay within :data:`MEMORY_BYTES`, else in a private
temporary SQLite database on disk — and the rules get a sequence that decodes a case when it
is read, in (opened, id) order (:class:`ListedCases` from memory, :class:`SpooledCases` from
disk). Memory holds at most that many bytes, never the decoded cases of a large jurisdiction
nor, on disk, their index. A jurisdiction whose spooled cases are few is decoded once and kept
in memory instead (:data:`IN_MEMORY_ACTS`), which is faster and the same result.
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
#: Up to this many bytes of acts (and :data:`CASE_OVERHEAD` a case), the spool keeps its cases in
#: memory; beyond, all of them go to a database on disk — memory stays bounded whatever the ledger.
MEMORY_BYTES = 64 * 1024 * 1024
#: What one case kept in memory costs beside its acts' bytes (its index entry and lists), roughly.
CASE_OVERHEAD = 200
#: Cases written to the spool in one statement.
WRITE_BATCH = 500
#: The spool database's page cache (KiB).
CACHE_KIB = 8192


class CaseSpool:
    """Cases of the jurisdiction-kinds, by jurisdiction, kept until the rules read them: in memory
    up to :data:`MEMORY_BYTES` of their acts' bytes, on disk beyond (all of them moved there)."""

    def __init__(self) -> None:
        #: the cases kept in memory (None: moved to the database on disk)
        self._memory: list[tuple[str, int, str, str, list[bytes]]] | None = []
        self._bytes = 0
        self._db: sqlite3.Connection | None = None
        #: cases added, not yet written (written :data:`WRITE_BATCH` at a time)
        self._pending: list[tuple[str, int, str, str, int, bytes]] = []

    def add(self, case: Case, states: Sequence[bytes]) -> None:
        """Keep one case (its acts' stored bytes, the acts the views read)."""
        self.add_raw(case.jurisdiction, codec.micros(case.opened_at), case.id, case.kind, states)

    def add_raw(self, jurisdiction: str, opened_us: int, case: str, kind: str, states: Sequence[bytes]) -> None:
        """Keep one case known by its jurisdiction, opening time (µs), id and kind."""
        if self._memory is not None:
            self._memory.append((jurisdiction, opened_us, case, kind, list(states)))
            self._bytes += sum(map(len, states)) + CASE_OVERHEAD
            if self._bytes > MEMORY_BYTES:
                self._to_disk()
            return
        self._pending.append((jurisdiction, opened_us, case, kind, len(states), marshal.dumps(list(states))))
        if len(self._pending) >= WRITE_BATCH:
            self._flush()

    def _to_disk(self) -> None:
        """Move the cases kept in memory to a database on disk, where the next ones go too."""
        db = self._db = sqlite3.connect("")  # "": a private temporary database on disk, removed on close
        db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        db.execute(
            "CREATE TABLE spool (j TEXT NOT NULL, opened INTEGER NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, "
            "n INTEGER NOT NULL, states BLOB NOT NULL, PRIMARY KEY (j, id))"
        )
        db.execute("CREATE INDEX spool_order ON spool (j, kind, opened, id)")
        memory, self._memory = self._memory or [], None
        for j, opened, case, kind, states in memory:
            self.add_raw(j, opened, case, kind, states)

    def _flush(self) -> None:
        if self._pending and self._db is not None:
            self._db.executemany("INSERT INTO spool VALUES (?, ?, ?, ?, ?, ?)", self._pending)
            self._pending = []

    @property
    def on_disk(self) -> bool:
        """Whether the cases went to disk (more than :data:`MEMORY_BYTES`)."""
        return self._memory is None

    def jurisdictions(self) -> list[str]:
        if self._memory is not None:
            return sorted({e[0] for e in self._memory})
        assert self._db is not None
        self._flush()
        return [r[0] for r in self._db.execute("SELECT DISTINCT j FROM spool ORDER BY j")]

    def source(self, jurisdiction: str) -> SpoolSource | MemorySource:
        """The jurisdiction's spooled cases as a :class:`~domain.rules.engine.CaseSource`."""
        if self._memory is not None:
            return MemorySource(sorted((e for e in self._memory if e[0] == jurisdiction), key=lambda e: (e[1], e[2])))
        assert self._db is not None
        self._flush()
        self._db.commit()
        return SpoolSource(self._db, jurisdiction)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
        self._memory = []

    def __enter__(self) -> CaseSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _case(blob: bytes) -> Case:
    return _decoded(marshal.loads(blob))


def _decoded(states: Sequence[bytes]) -> Case:
    return Case.of([codec.decode(s) for s in states])


class MemorySource:
    """The cases of one jurisdiction kept in memory (their bytes, in (opened, id) order), by kind —
    decoded once and kept when few (:data:`IN_MEMORY_ACTS`), else decoded as they are read."""

    def __init__(self, entries: list[tuple[str, int, str, str, list[bytes]]]) -> None:
        self._entries = entries
        self._kinds = {e[2]: e[3] for e in entries}
        self._decoded: list[tuple[str, Case]] | None = None
        if sum(len(e[4]) for e in entries) <= IN_MEMORY_ACTS:
            self._decoded = [(e[3], _decoded(e[4])) for e in entries]

    def cases(self, kinds: Sequence[str]) -> Sequence[Case]:
        wanted = set(kinds)
        if self._decoded is not None:
            return [c for k, c in self._decoded if k in wanted]
        return ListedCases([e[4] for e in self._entries if e[3] in wanted])

    def kind_of(self, case: str) -> str | None:
        return self._kinds.get(case)


class _DecodedOnRead(Sequence[Case]):
    """A read-only sequence of cases decoded as they are read (never all at once)."""

    def _case_at(self, i: int) -> Case:
        raise NotImplementedError

    @overload
    def __getitem__(self, i: int) -> Case: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[Case]: ...

    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [self._case_at(k) for k in range(len(self))[i]]
        return self._case_at(range(len(self))[i])

    def __bool__(self) -> bool:
        return len(self) > 0


class ListedCases(_DecodedOnRead):
    """Cases kept in memory as their acts' bytes, decoded as they are read."""

    def __init__(self, states: list[list[bytes]]) -> None:
        self._states = states

    def __len__(self) -> int:
        return len(self._states)

    def _case_at(self, i: int) -> Case:
        return _decoded(self._states[i])

    def __iter__(self) -> Iterator[Case]:
        for s in self._states:
            yield _decoded(s)


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


class SpooledCases(_DecodedOnRead):
    """Spooled cases of some kinds on disk, in (opened, id) order, decoded as they are read."""

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

    def _case_at(self, i: int) -> Case:
        return _case(next(self._rows(i, 1)))

    def __iter__(self) -> Iterator[Case]:
        for blob in self._rows(0, self._len):
            yield _case(blob)

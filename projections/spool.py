"""A spool of cases for the jurisdiction-wide rules (案件暂存), so a large jurisdiction is never all in memory.

Jurisdiction-wide rules (cover conflicts, annual caps, decision follow-through …) read every
case of some kinds at once. A rebuild or catch-up streams case by case; the cases of those
kinds are written here as their stored bytes (one temporary file) with a small index entry
each, and the rules get :class:`SpooledCases` — a sequence that decodes a case when it is
read. A jurisdiction whose spooled cases are few is decoded once and kept in memory instead
(:data:`IN_MEMORY_ACTS`), which is faster and the same result.
"""

from __future__ import annotations

import marshal
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, overload

from domain.rules.base import Case
from ledger import codec

#: Up to this many acts in a jurisdiction's spool, its cases are decoded once and kept in memory.
IN_MEMORY_ACTS = 60_000


class CaseSpool:
    """Cases of the jurisdiction-kinds, by jurisdiction, kept on disk until the rules read them."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="ledger-spool-")  # noqa: SIM115 (closed by close())
        self._end = 0
        #: jurisdiction → [(opened_us, case id, kind, offset, length, acts)]
        self._index: dict[str, list[tuple[int, str, str, int, int, int]]] = defaultdict(list)

    def add(self, case: Case, states: Sequence[bytes]) -> None:
        """Keep one case (its acts' stored bytes, the acts the views read)."""
        self.add_raw(case.jurisdiction, codec.micros(case.opened_at), case.id, case.kind, states)

    def add_raw(self, jurisdiction: str, opened_us: int, case: str, kind: str, states: Sequence[bytes]) -> None:
        """Keep one case known by its jurisdiction, opening time (µs), id and kind."""
        blob = marshal.dumps(list(states))
        self._file.seek(self._end)
        self._file.write(blob)
        self._index[jurisdiction].append((opened_us, case, kind, self._end, len(blob), len(states)))
        self._end += len(blob)

    def jurisdictions(self) -> list[str]:
        return sorted(self._index)

    def source(self, jurisdiction: str) -> SpoolSource:
        """The jurisdiction's spooled cases as a :class:`~domain.rules.engine.CaseSource`."""
        self._file.flush()
        entries = sorted(self._index.get(jurisdiction, ()))
        return SpoolSource(self._read, entries)

    def _read(self, offset: int, length: int) -> Case:
        return Case.of([codec.decode(s) for s in marshal.loads(os.pread(self._file.fileno(), length, offset))])

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> CaseSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SpoolSource:
    """The cases of one jurisdiction's spool, by kind, in (opened, id) order."""

    def __init__(self, read: Callable[[int, int], Case], entries: list[tuple[int, str, str, int, int, int]]) -> None:
        self._read = read
        self._entries = entries
        self._kinds = {e[1]: e[2] for e in entries}
        self._memory: list[Case] | None = None
        if sum(e[5] for e in entries) <= IN_MEMORY_ACTS:
            self._memory = [read(e[3], e[4]) for e in entries]

    def cases(self, kinds: Sequence[str]) -> Sequence[Case]:
        wanted = set(kinds)
        picked = [i for i, e in enumerate(self._entries) if e[2] in wanted]
        if self._memory is not None:
            return [self._memory[i] for i in picked]
        return SpooledCases(self._read, [self._entries[i] for i in picked])

    def kind_of(self, case: str) -> str | None:
        return self._kinds.get(case)


class SpooledCases(Sequence[Case]):
    """A read-only sequence of spooled cases, decoded as they are read (never all at once)."""

    def __init__(self, read: Callable[[int, int], Case], entries: list[tuple[int, str, str, int, int, int]]) -> None:
        self._read = read
        self._entries = entries

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, i: int) -> Case: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[Case]: ...

    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return SpooledCases(self._read, self._entries[i])
        e = self._entries[i]
        return self._read(e[3], e[4])

    def __iter__(self) -> Iterator[Case]:
        for e in self._entries:
            yield self._read(e[3], e[4])

    def __bool__(self) -> bool:
        return bool(self._entries)

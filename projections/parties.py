"""The case-parties index (案件当事单位索引): which units may read which case, for list views.

One row per (jurisdiction, case, unit) of :func:`domain.ownership.case_parties` — the owner
(the unit of the case's first act recorded) and every unit the case was handed to — kept up
to date by following the notification log, like the audit projection, with its own tracking
position written in the same transaction as its rows. A clerk's lists (cases, violations,
acts) filter on it; a single case is checked against its history directly (same function).

A case is recomputed from its whole history when a batch holds a hand-over, a correction or a
retraction of it; every case with a hand-over is recomputed when its jurisdiction's org chart
changes (a hand-over to a person names the units of the posts they held).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder

from domain.acts import Act
from domain.ownership import HANDOVER_ACTS, HANDOVERS, SYSTEM_KINDS, case_parties
from ledger.store import Ledger, _col

NAME = "parties"
TABLE = "ledger_case_parties"
_RECOMPUTE = frozenset({"corrected", "retracted"})
#: How far the index may run ahead of its saved position over acts that change nothing (the
#: access log's reads, follow-ups) before the position is written: one write per this many.
UNSAVED_MAX = 2000


class PartiesIndex:
    """Keeps ``ledger_case_parties`` up to date with the event log."""

    def __init__(self, ledger: Ledger, *, name: str = NAME) -> None:
        self.ledger = ledger
        self.name = name
        ds = ledger.datastore
        self.tracking: object = PostgresTrackingRecorder(ds) if ledger.is_postgres else SQLiteTrackingRecorder(ds)
        prefix = f'"{ledger.config.schema}".' if ledger.is_postgres else ""
        self.table = f"{prefix}{TABLE}"
        #: The position this process has reached over acts that changed nothing (not yet saved).
        self._passed = 0
        #: The saved position as this process last read or wrote it.
        self._saved = 0
        with ledger.schema_lock():
            self.tracking.create_table()  # type: ignore[attr-defined]
            with ledger.datastore.transaction(commit=True) as c:
                c.execute(
                    f"CREATE TABLE IF NOT EXISTS {self.table} (jurisdiction TEXT NOT NULL, case_id TEXT NOT NULL, "
                    "unit TEXT NOT NULL, owner INTEGER NOT NULL, PRIMARY KEY (jurisdiction, case_id, unit))"
                )
                c.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_unit ON {self.table} (unit, jurisdiction, case_id)")

    def saved_position(self) -> int:
        self._saved = int(self.tracking.max_tracking_id(self.name) or 0)  # type: ignore[attr-defined]
        return self._saved

    def position(self) -> int:
        """The last notification this index has taken into account: saved, or passed over by
        this process because it changed no row (re-reading those after a restart is harmless)."""
        return max(self.saved_position(), self._passed)

    def run(self, *, batch: int = 5000) -> int:
        """Catch up with the log; returns the number of acts processed."""
        known = max(self._passed, self._saved)
        if known:  # the quick look (one statement): only reads since? then nothing to do
            head, nxt, _ = self.ledger.head_and_next(known, ("access",))
            if nxt is None and head - self._saved < UNSAVED_MAX:
                self._passed = max(self._passed, head)
                return head - known
        done = 0
        while True:
            notes = self.ledger.notifications(self.position() + 1, batch)
            if not notes:
                return done
            self.process(notes)
            done += len(notes)

    def process(self, notes: Sequence[tuple[int, Act]]) -> None:
        new: dict[tuple[str, str], str] = {}  # first act seen of a case → its unit (owner candidate)
        recompute: dict[str, set[str]] = defaultdict(set)
        org_changed: set[str] = set()
        for _nid, a in notes:
            if a.kind == "org":
                org_changed.add(a.jurisdiction)
                continue
            if a.kind in SYSTEM_KINDS:
                continue
            new.setdefault((a.jurisdiction, a.case), a.unit)
            if (a.kind, a.act) in HANDOVERS or a.act in _RECOMPUTE:
                recompute[a.jurisdiction].add(a.case)
        last = notes[-1][0]
        if not (new or recompute or org_changed) and last - self.saved_position() < UNSAVED_MAX:
            # Only reads and follow-ups: no row changes, so no write (an audited read must not
            # cost a transaction here); the position is saved with the next change.
            self._passed = last
            return
        for j in org_changed:
            recompute[j] |= self._handover_cases(j)
        rows: dict[tuple[str, str], list[tuple[str, int]]] = {}
        for j, cases in recompute.items():
            org = self.ledger.org(j)
            for case in cases:
                parties = case_parties(self.ledger.case_history(j, case), org)
                if parties.owner is None or parties.system:
                    continue
                rows[(j, case)] = [(parties.owner, 1)] + [(u, 0) for u in sorted(parties.handed - {parties.owner})]
        led = self.ledger
        ins = led.sql(
            f"INSERT INTO {self.table} (jurisdiction, case_id, unit, owner) VALUES (?,?,?,?) ON CONFLICT DO NOTHING"
        )
        with led.datastore.transaction(commit=True) as c:
            for (j, case), units in rows.items():
                c.execute(
                    led.sql(f"DELETE FROM {self.table} WHERE jurisdiction=? AND case_id=? AND owner=0"), [j, case]
                )
                c.executemany(ins, [(j, case, u, o) for u, o in units])
            known = self._owned(c, [k for k in new if k not in rows])
            owners = [
                (j, case, unit, 1)
                for (j, case), unit in new.items()
                if (j, case) not in rows and (j, case) not in known
            ]
            if owners:
                c.executemany(ins, owners)
            self.tracking._insert_tracking(c, Tracking(self.name, last))  # type: ignore[attr-defined]
        self._passed = self._saved = last

    def _owned(self, c: Any, cases: list[tuple[str, str]]) -> set[tuple[str, str]]:
        """Those of ``cases`` that already have their owner row."""
        by_j: dict[str, list[str]] = defaultdict(list)
        for j, case in cases:
            by_j[j].append(case)
        out: set[tuple[str, str]] = set()
        for j, cs in by_j.items():
            for i in range(0, len(cs), 400):
                chunk = cs[i : i + 400]
                c.execute(
                    self.ledger.sql(
                        f"SELECT case_id FROM {self.table} WHERE jurisdiction=? AND owner=1 "
                        f"AND case_id IN ({','.join('?' * len(chunk))})"
                    ),
                    [j, *chunk],
                )
                out.update((j, str(_col(r, "case_id", 0))) for r in c.fetchall())
        return out

    def _handover_cases(self, j: str) -> set[str]:
        acts = sorted(HANDOVER_ACTS)
        led = self.ledger
        rows = led.query(
            f"SELECT DISTINCT case_id FROM {led.t_chain} WHERE jurisdiction=? AND act IN ({','.join('?' * len(acts))})",
            [j, *acts],
        )
        return {str(_col(r, "case_id", 0)) for r in rows}

    # ---- reading ------------------------------------------------------------------------
    def readable(self, units: Iterable[str], cases: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """Those of ``cases`` (jurisdiction, case) that one of ``units`` is a party to."""
        units = list(dict.fromkeys(units))
        by_j: dict[str, list[str]] = defaultdict(list)
        for j, c in dict.fromkeys(cases):
            by_j[j].append(c)
        out: set[tuple[str, str]] = set()
        if not units:
            return out
        for j, cs in by_j.items():
            for i in range(0, len(cs), 400):
                chunk = cs[i : i + 400]
                rows = self.ledger.query(
                    f"SELECT DISTINCT case_id FROM {self.table} WHERE jurisdiction=? "
                    f"AND case_id IN ({','.join('?' * len(chunk))}) AND unit IN ({','.join('?' * len(units))})",
                    [j, *chunk, *units],
                )
                out.update((j, str(_col(r, "case_id", 0))) for r in rows)
        return out

    def filter_sql(self, units: Sequence[str], *, jurisdiction_col: str, case_col: str) -> tuple[str, list[str]]:
        """An SQL condition (and its parameters): the row's case has one of ``units`` as a party."""
        if not units:
            return "1=0", []
        marks = ",".join("?" * len(units))
        return (
            f"EXISTS (SELECT 1 FROM {self.table} cp WHERE cp.jurisdiction={jurisdiction_col} "
            f"AND cp.case_id={case_col} AND cp.unit IN ({marks}))",
            list(units),
        )

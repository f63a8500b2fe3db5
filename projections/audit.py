"""The audit projection (审计视图): violations and case states, following the event log.

Follows the library's notification log in batches (SQLite cannot push notifications, so it
reads; on PostgreSQL ``ledger follow`` is woken by NOTIFY). Each batch re-judges the cases it
touched (their acts read in one query), and saves their rows with the tracking position in
ONE transaction. What a batch cannot settle cheaply is written down in the same transaction
as *pending* (``ledger_view_pending``): a jurisdiction whose jurisdiction-wide rules read a
touched kind (``rules``), or whose org chart or packs changed (``all``). Pending work is
settled once at the end of a catch-up run — not once per batch — streaming the cases it
needs, so catching up over N acts costs O(N) whatever the batch size; a follower stopped
anywhere finds its pending work and resumes exactly. A follower far behind rebuilds instead.

A rebuild streams the stored acts case by case (in stream order, optionally partitioned over
worker processes); cases the jurisdiction-wide rules read go to a spool on disk
(:mod:`projections.spool`), so memory holds a page of acts, not the log. Violations are a
deterministic function of the stored acts, so rebuild and incremental give identical tables.
The acts a rule could not judge (:mod:`projections.unjudged`) are kept beside the violations
in the same way. Reads of the ledger (``access`` acts, written by every audited read) change
no view: a run over reads only advances its position in memory, and saves it now and then.
"""

from __future__ import annotations

import multiprocessing
import os
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import DatabaseError, Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder

from domain.errors import LedgerError
from domain.rules.base import Case, Violation
from domain.rules.corrections import CORRECTING_ACTS
from domain.rules.engine import Evaluator
from domain.state import CaseState, case_state
from ledger import codec
from ledger.procstart import start_method
from ledger.store import Ledger, _col
from projections import unjudged
from projections.columns import C_COLUMNS, V_COLUMNS
from projections.spool import CaseSpool

NAME = "audit"
#: Kinds no rule reads and no case view shows: the access log (查阅记录) grows with every read.
UNVIEWED_KINDS = frozenset({"access"})
VIOLATIONS = "ledger_violations"
CASES = "ledger_cases"
#: Work a catch-up left to settle: (follower, jurisdiction, what: ``rules`` | ``all``, up to which notification).
PENDING = "ledger_view_pending"
#: A follower at least this far behind, and behind by more than half the log, rebuilds instead.
BULK_MIN = 50_000
#: Reads advanced over in memory before the position is saved (a read changes no view).
UNTRACKED_MAX = 5_000
#: PostgreSQL: view rows written with COPY from this many on (fewer: one INSERT statement).
COPY_MIN = 100
#: Acts per unit of work of a rebuild (a worker judges one unit at a time).
UNIT_ACTS = 20_000

_DDL = [
    f"""CREATE TABLE IF NOT EXISTS {VIOLATIONS} (
        id TEXT PRIMARY KEY, jurisdiction TEXT NOT NULL, scope TEXT NOT NULL, rule TEXT NOT NULL,
        family TEXT NOT NULL, pack TEXT NOT NULL, article TEXT NOT NULL, severity TEXT NOT NULL,
        case_id TEXT NOT NULL, kind TEXT NOT NULL, unit TEXT, person TEXT, post TEXT,
        at_us BIGINT NOT NULL, at TEXT NOT NULL, evidence TEXT NOT NULL, message_zh TEXT NOT NULL,
        message_en TEXT NOT NULL, detail TEXT NOT NULL, state TEXT NOT NULL)""",
    f"CREATE INDEX IF NOT EXISTS {VIOLATIONS}_case ON {VIOLATIONS} (jurisdiction, case_id)",
    f"CREATE INDEX IF NOT EXISTS {VIOLATIONS}_unit ON {VIOLATIONS} (unit, at_us)",
    f"CREATE INDEX IF NOT EXISTS {VIOLATIONS}_at ON {VIOLATIONS} (at_us, id)",
    f"CREATE INDEX IF NOT EXISTS {VIOLATIONS}_rule ON {VIOLATIONS} (rule)",
    f"""CREATE TABLE IF NOT EXISTS {CASES} (
        jurisdiction TEXT NOT NULL, case_id TEXT NOT NULL, kind TEXT NOT NULL, unit TEXT,
        opened_us BIGINT NOT NULL, last_act TEXT NOT NULL, last_us BIGINT NOT NULL, acts INTEGER NOT NULL,
        open INTEGER NOT NULL, stage TEXT NOT NULL, holder TEXT, data TEXT NOT NULL,
        PRIMARY KEY (jurisdiction, case_id))""",
    f"CREATE INDEX IF NOT EXISTS {CASES}_kind ON {CASES} (kind, unit, open)",
    f"CREATE INDEX IF NOT EXISTS {CASES}_unit ON {CASES} (unit, open)",
    # the lists' order (GET /cases by kind and unit, or by unit), read in order: no sort per page
    f"CREATE INDEX IF NOT EXISTS {CASES}_kind_list ON {CASES} (kind, unit, jurisdiction, case_id)",
    f"CREATE INDEX IF NOT EXISTS {CASES}_unit_list ON {CASES} (unit, jurisdiction, case_id)",
    f"""CREATE TABLE IF NOT EXISTS {PENDING} (
        application_name TEXT NOT NULL, jurisdiction TEXT NOT NULL, what TEXT NOT NULL, upto BIGINT NOT NULL,
        PRIMARY KEY (application_name, jurisdiction, what))""",
]


def violation_row(v: Violation, scope: str) -> tuple[Any, ...]:
    d = v.to_dict()
    return (
        v.id,
        v.jurisdiction,
        scope,
        v.rule,
        v.family,
        v.pack,
        v.article,
        v.severity,
        v.case,
        v.kind,
        v.unit,
        v.person,
        v.post,
        codec.micros(v.at),
        d["at"],
        orjson.dumps(list(v.evidence)).decode(),
        v.message_zh,
        v.message_en,
        orjson.dumps(d["detail"], option=orjson.OPT_SORT_KEYS, default=str).decode(),
        v.state,
    )


def case_row(s: CaseState) -> tuple[Any, ...]:
    return (
        s.jurisdiction,
        s.case,
        s.kind,
        s.unit,
        codec.micros(s.opened_at),
        s.last_act,
        codec.micros(s.last_at),
        s.acts,
        1 if s.open else 0,
        s.stage,
        s.holder,
        orjson.dumps(s.data, option=orjson.OPT_SORT_KEYS, default=str).decode(),
    )


@dataclass
class Judged:
    """View rows judged from some cases (picklable: a rebuild's workers send these back)."""

    vrows: list[tuple[Any, ...]] = field(default_factory=list)
    crows: list[tuple[Any, ...]] = field(default_factory=list)
    urows: list[tuple[Any, ...]] = field(default_factory=list)
    #: (jurisdiction, case id) of every case judged
    cases: list[tuple[str, str]] = field(default_factory=list)
    #: cases the jurisdiction-wide rules read: (jurisdiction, opened µs, case id, kind, their viewed acts' bytes)
    spooled: list[tuple[str, int, str, str, list[bytes]]] = field(default_factory=list)
    acts: int = 0


class Judge:
    """Judges cases from their stored bytes with each jurisdiction's evaluator (one per process)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._evaluators: dict[str, tuple[int, Evaluator, frozenset[str]]] = {}

    def evaluator(self, jurisdiction: str) -> tuple[Evaluator, frozenset[str]]:
        """The jurisdiction's evaluator and the kinds its jurisdiction-wide rules read."""
        org = self.ledger.org(jurisdiction)
        cached = self._evaluators.get(jurisdiction)
        if cached and cached[0] == id(org):
            return cached[1], cached[2]
        ev = Evaluator(org)
        kinds = frozenset(ev.jurisdiction_kinds())
        self._evaluators[jurisdiction] = (id(org), ev, kinds)
        return ev, kinds

    def cases(
        self, groups: Iterable[list[bytes]], *, owns: Callable[[str], bool] | None = None, spool: bool = True
    ) -> Judged:
        """Judge each case (its stored acts' bytes); the cases of jurisdiction kinds are kept
        for the spool when ``spool``. Cases of jurisdictions not ``owns``-ed are skipped."""
        out = Judged()
        evaluators: dict[str, tuple[Evaluator, frozenset[str]]] = {}  # the org chart read once per call
        skip = UNVIEWED_KINDS | {"org"}
        for group in groups:
            out.acts += len(group)
            acts = [codec.decode(s) for s in group]
            j = acts[0].jurisdiction
            if owns is not None and not owns(j):
                continue
            if any(a.kind in skip for a in acts):  # (a case's acts are of its kind: all kept, or none)
                kept = [(a, s) for a, s in zip(acts, group, strict=True) if a.kind not in skip]
                if not kept:
                    continue
                acts, group = [a for a, _s in kept], [s for _a, s in kept]
            c = Case.of(acts)
            if j not in evaluators:
                evaluators[j] = self.evaluator(j)
            ev, kinds = evaluators[j]
            res = ev.judge_case(c)
            out.vrows.extend(violation_row(v, "case") for v in res.violations)
            out.urows.extend(unjudged.rows(res.unjudged, "case"))
            out.crows.append(case_row(case_state(c)))
            out.cases.append((j, c.id))
            if spool and c.kind in kinds:
                out.spooled.append((j, codec.micros(c.opened_at), c.id, c.kind, group))
        return out

    def jurisdiction(self, jurisdiction: str, spool: CaseSpool) -> Judged:
        """The jurisdiction-wide rules over the spooled cases of one jurisdiction."""
        ev, _kinds = self.evaluator(jurisdiction)
        res = ev.judge_jurisdiction_from(spool.source(jurisdiction))
        out = Judged()
        out.vrows = [violation_row(v, "jurisdiction") for v in res.violations]
        out.urows = unjudged.rows(res.unjudged, "jurisdiction")
        return out

    def jurisdiction_from_store(self, jurisdiction: str, *, stop: int | None = None) -> Judged:
        """The jurisdiction-wide rules over the cases of the kinds they read, as stored (their
        acts up to notification ``stop``), spooled on the way in their opening order, which the
        chain's act times give without decoding them (but for a case with a correction)."""
        _ev, kinds = self.evaluator(jurisdiction)
        read = sorted(kinds - UNVIEWED_KINDS)
        with CaseSpool() as spool:
            for group in self.ledger.jurisdiction_case_acts(jurisdiction, read, stop=stop) if read else ():
                states = [s for _c, _k, _a, _t, s in group]
                if any(a in CORRECTING_ACTS for _c, _k, a, _t, _s in group):  # opened when? decoded, corrected
                    spool.add(Case.of([codec.decode(s) for s in states]), states)
                else:  # opened at its earliest act, as the chain has it: nothing decoded until the rules read it
                    case, kind = group[0][0], group[0][1]
                    spool.add_raw(jurisdiction, min(t for _c, _k, _a, t, _s in group), case, kind, states)
            return self.jurisdiction(jurisdiction, spool)


def spool_cases(spool: CaseSpool, judged: Judged) -> None:
    """Move a judged batch's jurisdiction-kind cases to the spool."""
    for entry in judged.spooled:
        spool.add_raw(*entry)
    judged.spooled = []


# ---- a rebuild's worker processes ----------------------------------------------------------
_worker_judge: Judge | None = None


def _worker_init(url: str) -> None:
    global _worker_judge
    _worker_judge = Judge(Ledger(url))


def _worker_unit(lo: int, hi: int | None, stop: int) -> Judged:
    """A range of streams judged case by case (their jurisdiction-kind cases not kept: a
    worker of its own judges the jurisdiction-wide rules, :func:`_worker_jurisdiction`)."""
    assert _worker_judge is not None
    led = _worker_judge.ledger
    streams = led.case_streams(UUID(int=lo), UUID(int=hi) if hi is not None else None, stop=stop)
    return _worker_judge.cases(streams, spool=False)


def _worker_jurisdiction(jurisdiction: str, stop: int) -> Judged:
    """A jurisdiction's jurisdiction-wide rules over its stored cases up to ``stop``."""
    assert _worker_judge is not None
    return _worker_judge.jurisdiction_from_store(jurisdiction, stop=stop)


def partition_of(jurisdiction: str, n: int) -> int:
    """The follower partition (0 … n-1) that keeps a jurisdiction's views (a stable hash)."""
    return zlib.crc32(jurisdiction.encode()) % n


def follower_name(partition: tuple[int, int] | None) -> str:
    """The tracking name of a follower: ``audit``, or ``audit:K/N`` for partition K of N."""
    return NAME if partition is None or partition[1] == 1 else f"{NAME}:{partition[0]}/{partition[1]}"


def default_workers() -> int:
    """A rebuild's worker processes by default: the machine's cores."""
    return os.cpu_count() or 1


class _ClaimedError(Exception):
    """Pending work another follower settled meanwhile (the transaction is rolled back)."""


class AuditProjection:
    """Keeps ``ledger_violations`` and ``ledger_cases`` up to date with the event log.

    ``partition=(k, n)``: keep only the jurisdictions :func:`partition_of` gives ``k`` (one of
    ``n`` followers sharing the ledger, each with its own tracking position)."""

    def __init__(self, ledger: Ledger, *, name: str | None = None, partition: tuple[int, int] | None = None) -> None:
        self.ledger = ledger
        if partition is not None and not 0 <= partition[0] < partition[1]:
            raise ValueError(f"partition {partition[0]}/{partition[1]}: K must be 0 … N-1")
        self.partition = partition if partition is not None and partition[1] > 1 else None
        self.name = name or follower_name(self.partition)
        ds = ledger.datastore
        self.tracking: Any = PostgresTrackingRecorder(ds) if ledger.is_postgres else SQLiteTrackingRecorder(ds)
        prefix = f'"{ledger.config.schema}".' if ledger.is_postgres else ""
        self.t_v = f"{prefix}{VIOLATIONS}"
        self.t_c = f"{prefix}{CASES}"
        self.t_u = f"{prefix}{unjudged.TABLE}"
        self.t_p = f"{prefix}{PENDING}"
        self.t_tracking = f"{prefix}{getattr(self.tracking, 'tracking_table_name', 'tracking')}"
        with ledger.schema_lock():  # the tables of an open, one opener at a time
            self.tracking.create_table()
            self._drop_views_without_state()
            self._ddl = [
                s.replace(f"TABLE IF NOT EXISTS {VIOLATIONS} ", f"TABLE IF NOT EXISTS {self.t_v} ")
                .replace(f"TABLE IF NOT EXISTS {CASES} ", f"TABLE IF NOT EXISTS {self.t_c} ")
                .replace(f"TABLE IF NOT EXISTS {PENDING} ", f"TABLE IF NOT EXISTS {self.t_p} ")
                .replace(f" ON {VIOLATIONS} ", f" ON {self.t_v} ")
                .replace(f" ON {CASES} ", f" ON {self.t_c} ")
                for s in _DDL
            ]
            with ledger.datastore.transaction(commit=True) as c:
                for s in self._ddl:
                    c.execute(s)
                for s in unjudged.ddl(self.t_u):
                    c.execute(s)
        self.judge = Judge(ledger)
        #: position advanced in memory over reads only (saved now and then: :meth:`save_position`)
        self._seen = 0
        self._tracked: int | None = None
        #: jurisdictions pending to be judged whole (known from the pending table; None: not read yet)
        self._whole: set[str] | None = None
        #: what the quick look before this run saw: the log's head and the marks pending (None: no look)
        self._looked: tuple[int, int] | None = None
        #: a batch of this run marked work to settle (jurisdiction-wide rules, a whole jurisdiction)
        self._marked = False

    def _drop_views_without_state(self) -> None:
        """Views written before violations had a ``state`` are dropped, to be rebuilt on the next run."""
        try:
            self.ledger.query(f"SELECT state FROM {self.t_v} LIMIT 0")
        except DatabaseError:  # no such column (or no table yet: nothing to drop)
            with self.ledger.datastore.transaction(commit=True) as c:
                c.execute(f"DROP TABLE IF EXISTS {self.t_v}")
                c.execute(f"DROP TABLE IF EXISTS {self.t_c}")
                c.execute(self.ledger.sql(f"DELETE FROM {self.t_tracking} WHERE application_name=?"), [self.name])

    def owns(self, jurisdiction: str) -> bool:
        """Whether this follower keeps the jurisdiction's views."""
        return self.partition is None or partition_of(jurisdiction, self.partition[1]) == self.partition[0]

    # ---- position -----------------------------------------------------------------------
    def tracked(self) -> int:
        """The position saved in the tracking table."""
        self._tracked = int(self.tracking.max_tracking_id(self.name) or 0)
        return self._tracked

    def position(self) -> int:
        """The last notification the views reflect (saved, or advanced over reads in memory)."""
        return max(self.tracked(), self._seen)

    def lag(self) -> int:
        return self.ledger.max_notification_id() - self.position()

    def evaluator(self, jurisdiction: str) -> Evaluator:
        return self.judge.evaluator(jurisdiction)[0]

    def save_position(self) -> None:
        """Save a position advanced in memory over reads (a cheap write, no view rows)."""
        if self._seen > (self._tracked if self._tracked is not None else self.tracked()):
            with self.ledger.datastore.transaction(commit=True) as c:
                self.tracking._insert_tracking(c, Tracking(self.name, self._seen))
            self._tracked = self._seen

    def pending(self) -> list[tuple[str, str, int]]:
        """Work left to settle: (jurisdiction, what, up to notification)."""
        rows = self.ledger.query(
            f"SELECT jurisdiction, what, upto FROM {self.t_p} WHERE application_name=? ORDER BY jurisdiction, what",
            [self.name],
        )
        return [(str(_col(r, "jurisdiction", 0)), str(_col(r, "what", 1)), int(_col(r, "upto", 2))) for r in rows]

    # ---- following ----------------------------------------------------------------------
    def run(
        self,
        *,
        batch: int = 2000,
        progress: Callable[[int], None] | None = None,
        limit: int | None = None,
        workers: int = 1,
    ) -> int:
        """Catch up with the log (at most ``limit`` acts); returns the number of acts gone over.

        Far behind (and no ``limit``), the follower rebuilds — streamed, with ``workers``
        processes — or, as one partition of several, marks its jurisdictions to be settled whole."""
        skipped = self._skip_reads()
        if skipped is not None:
            return skipped
        looked, self._looked = self._looked, None  # (head, pending marks) of the quick look just made
        start = self.position()
        head = looked[0] if looked else self.ledger.max_notification_id()
        behind = head - start
        if limit is None and behind >= BULK_MIN and behind > head // 2:
            if self.partition is None:
                self.rebuild(workers=workers, progress=progress)
                return self.position() - start
            self._mark_all(head)
            if progress:
                progress(behind)
            self.settle()
            return behind
        done = 0
        if looked is None or looked[1]:
            self.settle()
        else:  # the quick look saw no marks: nothing to settle first, no jurisdiction to judge whole
            self._whole = set()
        self._marked = False
        position = start
        while limit is None or done < limit:
            want = batch if limit is None else min(batch, limit - done)
            notes = self.ledger.notifications(position + 1, want)
            if not notes:
                break
            self.process(notes)
            done += len(notes)
            if progress:
                progress(len(notes))
            if len(notes) < want:  # the end of the log as it was read: no need to look again
                break
            position = self.position()
        if self._marked or looked is None or looked[1]:
            self.settle()
        return done

    def _skip_reads(self) -> int | None:
        """The quick look before a run (one statement): when nothing is pending and every act
        after the position this process knows is a read (``access``, which changes no view),
        the position moves over them without decoding any, and the run is over — the number of
        acts gone over is returned. Otherwise the position moves up to the first act to judge,
        and None says: run. A process that has not run yet always runs."""
        known = max(self._seen, self._tracked or 0)
        if not known:
            return None
        head, nxt, pending = self.ledger.head_and_next(
            known, UNVIEWED_KINDS, (f"SELECT COUNT(*) FROM {self.t_p} WHERE application_name=?", [self.name])
        )
        if pending:
            self._looked = (head, int(pending))
            return None
        upto = head if nxt is None else nxt - 1
        if upto > known:
            self._seen = upto
            if upto - (self._tracked or 0) >= UNTRACKED_MAX:
                self.save_position()
        if nxt is not None:
            self._looked = (head, 0)
            return None
        return head - known

    def process(self, notes: Sequence[tuple[int, Any]]) -> None:
        """Judge the cases one batch of notifications touched, and save them with the tracking
        position and the work left pending, in one transaction."""
        touched: dict[str, set[str]] = defaultdict(set)
        marks: dict[tuple[str, str], int] = {}
        kinds: dict[str, frozenset[str]] = {}
        for nid, a in notes:
            j = a.jurisdiction
            if a.kind in UNVIEWED_KINDS or not self.owns(j):
                continue
            if a.kind == "org":
                marks[(j, "all")] = nid
                continue
            touched[j].add(a.case)
            if j not in kinds:
                kinds[j] = self.judge.evaluator(j)[1]
            if a.kind in kinds[j]:
                marks[(j, "rules")] = nid
        last = int(notes[-1][0])
        if not touched and not marks:  # reads only: nothing changes in the views
            self._seen = last
            if last - (self._tracked if self._tracked is not None else self.tracked()) >= UNTRACKED_MAX:
                self.save_position()
            return
        self._marked = self._marked or bool(marks)
        judged = Judged()
        if self._whole is None:
            self._whole = {j for j, what, _upto in self.pending() if what == "all"}
        self._whole |= {j for j, what in marks if what == "all"}
        for j in sorted(touched):
            if j in self._whole:  # judged whole when settled: marked again with this batch (another
                marks[(j, "all")] = last  # process of this name may settle the earlier mark meanwhile)
                continue
            part = self.judge.cases(self.ledger.cases_of(j, sorted(touched[j])), spool=False)
            judged.vrows += part.vrows
            judged.crows += part.crows
            judged.urows += part.urows
            judged.cases += part.cases
        led = self.ledger
        with led.datastore.transaction(commit=True) as c:
            self._delete_cases(c, judged.cases)
            self._insert(c, judged)
            for (j, what), upto in sorted(marks.items()):
                c.execute(
                    led.sql(
                        f"INSERT INTO {self.t_p} (application_name, jurisdiction, what, upto) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (application_name, jurisdiction, what) DO UPDATE SET upto=excluded.upto"
                    ),
                    [self.name, j, what, upto],
                )
            self.tracking._insert_tracking(c, Tracking(self.name, last))
        self._seen = self._tracked = last

    def _mark_all(self, head: int) -> None:
        """Far behind, as one partition: every owned jurisdiction is to be settled whole, at ``head``."""
        led = self.ledger
        rows = led.query(f"SELECT DISTINCT jurisdiction FROM {led.t_chain}")
        js = sorted(j for r in rows if self.owns(j := str(_col(r, "jurisdiction", 0))))
        with led.datastore.transaction(commit=True) as c:
            for j in js:
                c.execute(
                    led.sql(
                        f"INSERT INTO {self.t_p} (application_name, jurisdiction, what, upto) VALUES (?, ?, 'all', ?) "
                        "ON CONFLICT (application_name, jurisdiction, what) DO UPDATE SET upto=excluded.upto"
                    ),
                    [self.name, j, head],
                )
            self.tracking._insert_tracking(c, Tracking(self.name, head))
        self._seen = self._tracked = head

    def settle(self) -> int:
        """Settle the pending work (jurisdiction-wide rules, whole jurisdictions), each
        jurisdiction in one transaction that also clears its marks; returns how many were settled."""
        todo: dict[str, set[str]] = defaultdict(set)
        for j, what, _upto in self.pending():
            todo[j].add(what)
        self._whole = None
        done = 0
        for j, whats in sorted(todo.items()):
            head = self.ledger.max_notification_id()
            try:
                if "all" in whats:
                    self._settle_all(j, head)
                else:
                    self._settle_rules(j, head)
                done += 1
            except _ClaimedError:
                continue
        return done

    def _claim(self, c: Any, j: str, whats: Sequence[str], head: int) -> None:
        """Clear the marks this settling answers; another follower's newer mark stays (and
        one settled meanwhile by someone else rolls this back)."""
        marks = ",".join("?" * len(whats))
        c.execute(
            self.ledger.sql(
                f"DELETE FROM {self.t_p} WHERE application_name=? AND jurisdiction=? AND what IN ({marks}) "
                "AND upto<=? RETURNING what"
            ),
            [self.name, j, *whats, head],
        )
        if not c.fetchall():
            raise _ClaimedError(j)

    def _settle_rules(self, j: str, head: int) -> None:
        judged = self.judge.jurisdiction_from_store(j)
        led = self.ledger
        with led.datastore.transaction(commit=True) as c:
            self._claim(c, j, ["rules"], head)
            c.execute(led.sql(f"DELETE FROM {self.t_v} WHERE jurisdiction=? AND scope='jurisdiction'"), [j])
            c.execute(led.sql(f"DELETE FROM {self.t_u} WHERE jurisdiction=? AND scope='jurisdiction'"), [j])
            self._insert(c, judged)

    def _settle_all(self, j: str, head: int) -> None:
        led = self.ledger
        with CaseSpool() as spool, led.datastore.transaction(commit=True) as c:
            self._claim(c, j, ["all", "rules"], head)
            for t in (self.t_v, self.t_c, self.t_u):
                c.execute(led.sql(f"DELETE FROM {t} WHERE jurisdiction=?"), [j])
            group: list[list[bytes]] = []
            for g in led.jurisdiction_cases(j):
                group.append(g)
                if len(group) >= 500:
                    self._insert_spooled(c, self.judge.cases(group), spool)
                    group = []
            self._insert_spooled(c, self.judge.cases(group), spool)
            self._insert(c, self.judge.jurisdiction(j, spool))

    def _insert_spooled(self, c: Any, judged: Judged, spool: CaseSpool) -> None:
        spool_cases(spool, judged)
        self._insert(c, judged)

    def _insert(self, c: Any, judged: Judged) -> None:
        for table, cols, rows in (
            (self.t_v, V_COLUMNS, judged.vrows),
            (self.t_c, C_COLUMNS, judged.crows),
            (self.t_u, unjudged.COLUMNS, judged.urows),
        ):
            if not rows:
                continue
            if self.ledger.is_postgres and len(rows) >= COPY_MIN:  # COPY: no statement per row for the server
                with c.copy(f"COPY {table} ({','.join(cols)}) FROM STDIN") as cp:
                    for row in rows:
                        cp.write_row(row)
            else:
                marks = ",".join("?" * len(cols))
                c.executemany(self.ledger.sql(f"INSERT INTO {table} ({','.join(cols)}) VALUES ({marks})"), rows)

    def _delete_cases(self, c: Any, cases: Sequence[tuple[str, str]]) -> None:
        led = self.ledger
        by_j: dict[str, list[str]] = defaultdict(list)
        for j, cid in cases:
            by_j[j].append(cid)
        for j, cids in by_j.items():
            for i in range(0, len(cids), 500):
                chunk = cids[i : i + 500]
                marks = ",".join("?" * len(chunk))
                for t, scoped in ((self.t_v, True), (self.t_c, False), (self.t_u, True)):
                    scope = " AND scope='case'" if scoped else ""
                    c.execute(
                        led.sql(f"DELETE FROM {t} WHERE jurisdiction=?{scope} AND case_id IN ({marks})"), [j, *chunk]
                    )

    # ---- rebuilding ---------------------------------------------------------------------
    def rebuild(self, *, workers: int = 1, progress: Callable[[int], None] | None = None) -> int:
        """Drop the views and rebuild them from every stored act, in one transaction; returns
        the number of acts read. Streams case by case (memory holds a unit of work, and the
        spool's index); ``workers`` > 1 judges units of the stream in that many processes."""
        led = self.ledger
        stop = led.max_notification_id()
        # at least 8 units a worker: the last unit to finish leaves the other workers idle for
        # at most an eighth of their share (2 a worker: 100 000 acts took 1.86 s, 8: 1.76 s)
        units = min(4096, max(1, -(-stop // UNIT_ACTS), 8 * workers if workers > 1 else 1))
        n = 0
        with CaseSpool() as spool, led.datastore.transaction(commit=True) as c:
            for t in (self.t_u, self.t_v, self.t_c):
                c.execute(f"DELETE FROM {t}")
            c.execute(led.sql(f"DELETE FROM {self.t_p} WHERE application_name=?"), [self.name])
            c.execute(led.sql(f"DELETE FROM {self.t_tracking} WHERE application_name=?"), [self.name])
            # SQLite: the views' indexes built once at the end, not row by row (readers keep the
            # committed views, indexes and all, until this transaction commits; PostgreSQL would
            # lock them out for the whole rebuild instead)
            indexes = [] if led.is_postgres else [s for s in self._ddl if s.startswith("CREATE INDEX")]
            for s in indexes:
                c.execute(f"DROP INDEX IF EXISTS {s.split()[5]}")
            for judged in self._units(units, stop, workers):
                n += judged.acts
                self._insert_spooled(c, judged, spool)
                if progress and judged.acts:
                    progress(judged.acts)
            for j in spool.jurisdictions():  # one worker: the cases spooled on the way
                self._insert(c, self.judge.jurisdiction(j, spool))
            for s in indexes:
                c.execute(s)
            self.tracking._insert_tracking(c, Tracking(self.name, stop))
        self._seen = self._tracked = stop
        led.analyze([self.t_v, self.t_c, self.t_u])
        return n

    def _units(self, units: int, stop: int, workers: int) -> Iterator[Judged]:
        """The stream judged in ``units`` ranges of stream ids, in order (by ``workers`` processes)."""
        bounds = [i * (1 << 128) // units for i in range(units)]
        ranges = [(lo, bounds[i + 1] if i + 1 < units else None) for i, lo in enumerate(bounds)]
        if workers <= 1 or units == 1:
            for lo, hi in ranges:
                yield self.judge.cases(
                    self.ledger.case_streams(UUID(int=lo), UUID(int=hi) if hi is not None else None, stop=stop)
                )
            return
        # Several workers: each jurisdiction's jurisdiction-wide rules are a task of their own,
        # first in line, reading their cases from the store while the other workers judge the
        # units (the one-worker rebuild spools those cases on the way and judges them at the end)
        ctx = multiprocessing.get_context(start_method())
        jurisdictions = self.ledger.jurisdictions()
        if ctx.get_start_method() == "fork":  # the workers inherit the rules and calendars loaded once here
            for j in jurisdictions:
                self.judge.evaluator(j)
        tasks: list[tuple[Callable[..., Judged], tuple[Any, ...]]] = [
            (_worker_jurisdiction, (j, stop)) for j in jurisdictions
        ]
        ahead = 2 * workers + len(tasks)  # units in flight beside the jurisdictions' tasks
        tasks += [(_worker_unit, (lo, hi, stop)) for lo, hi in ranges]
        # results taken as they come (the rows are the same in any order): a worker never
        # waits for a long task of the other one to be taken first. A worker that dies (killed,
        # out of memory) breaks the pool: every task still owed fails, and so does the rebuild —
        # its transaction rolled back, the views as they were — rather than wait for it forever.
        with ProcessPoolExecutor(
            workers, mp_context=ctx, initializer=_worker_init, initargs=(self.ledger.config.url,)
        ) as pool:
            flying: set[Future[Judged]] = set()
            try:
                for f, args in tasks:
                    flying.add(pool.submit(f, *args))
                    while len(flying) >= ahead:
                        done, flying = wait(flying, return_when=FIRST_COMPLETED)
                        yield from (d.result() for d in done)
                while flying:
                    done, flying = wait(flying, return_when=FIRST_COMPLETED)
                    yield from (d.result() for d in done)
            except BrokenProcessPool as e:
                raise LedgerError(
                    "重建视图的工作进程意外退出，重建未完成，视图保持原样",
                    "a worker process of the rebuild ended unexpectedly: the rebuild is undone, the views are as they were",
                    code="rebuild_failed",
                ) from e

    # ---- reading ------------------------------------------------------------------------
    def violations(self, **filters: Any) -> list[dict[str, Any]]:
        from projections.queries import query_violations

        return query_violations(self, **filters)

    def unjudged_counts(self, **filters: Any) -> dict[str, int]:
        """How many acts each rule could not judge (:func:`projections.unjudged.counts`)."""
        return unjudged.counts(self, **filters)

    def table_snapshot(self) -> tuple[list[tuple[Any, ...]], ...]:
        """The tables, sorted (to compare a rebuild with the incremental result)."""
        v = self.ledger.query(f"SELECT {','.join(V_COLUMNS)} FROM {self.t_v} ORDER BY id")
        c = self.ledger.query(f"SELECT {','.join(C_COLUMNS)} FROM {self.t_c} ORDER BY jurisdiction, case_id")
        u = self.ledger.query(
            f"SELECT {','.join(unjudged.COLUMNS)} FROM {self.t_u} ORDER BY jurisdiction, rule, case_id, act_id, field"
        )
        return (
            [tuple(_col(r, k, i) for i, k in enumerate(V_COLUMNS)) for r in v],
            [tuple(_col(r, k, i) for i, k in enumerate(C_COLUMNS)) for r in c],
            [tuple(_col(r, k, i) for i, k in enumerate(unjudged.COLUMNS)) for r in u],
        )

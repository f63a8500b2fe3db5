"""The audit projection (审计视图): violations and case states, following the event log.

Follows the library's notification log in batches (SQLite cannot push notifications, so it
reads; PostgreSQL is read the same way), and for each batch re-evaluates the cases it
touched — every case of a jurisdiction whose org chart or pack changed, and the
jurisdiction-wide rules when a case of their kinds changed. The view rows and the tracking
position (the library's tracking table) are written in ONE transaction, so a follower that
stops anywhere resumes exactly where it stopped, and a full rebuild gives the identical
tables (violations are a deterministic function of the stored acts). The acts a rule could
not judge (:mod:`projections.unjudged`) are kept beside the violations in the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from eventsourcing.persistence import DatabaseError, Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder

from domain.acts import Act
from domain.calendar import WorkCalendar
from domain.rules.base import Case, Unjudged, Violation
from domain.rules.engine import Evaluator, group_cases
from domain.state import CaseState, case_state
from ledger import codec
from ledger.store import Ledger, _col
from projections import unjudged
from projections.columns import C_COLUMNS, V_COLUMNS

NAME = "audit"
#: Kinds no rule reads and no case view shows: the access log (查阅记录) grows with every read.
UNVIEWED_KINDS = frozenset({"access"})
VIOLATIONS = "ledger_violations"
CASES = "ledger_cases"

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
class Changes:
    """The rows one batch replaces."""

    cases: dict[tuple[str, str], tuple[list[Violation], CaseState | None]]
    jurisdiction_rules: dict[str, list[Violation]]
    #: The acts rules could not judge, per case and per jurisdiction (jurisdiction-wide rules).
    unjudged: dict[tuple[str, str], list[Unjudged]] = field(default_factory=dict)
    jurisdiction_unjudged: dict[str, list[Unjudged]] = field(default_factory=dict)

    def case(self, j: str, ev: Evaluator, c: Case) -> None:
        """Judge one case into these changes."""
        res = ev.judge_case(c)
        self.cases[(j, c.id)] = (res.violations, case_state(c))
        self.unjudged[(j, c.id)] = res.unjudged

    def jurisdiction(self, j: str, ev: Evaluator, cases: Iterable[Case]) -> None:
        """Judge the jurisdiction-wide rules into these changes."""
        res = ev.judge_jurisdiction(cases)
        self.jurisdiction_rules[j] = res.violations
        self.jurisdiction_unjudged[j] = res.unjudged


class AuditProjection:
    """Keeps ``ledger_violations`` and ``ledger_cases`` up to date with the event log."""

    def __init__(self, ledger: Ledger, *, name: str = NAME) -> None:
        self.ledger = ledger
        self.name = name
        ds = ledger.datastore
        self.tracking: Any = PostgresTrackingRecorder(ds) if ledger.is_postgres else SQLiteTrackingRecorder(ds)
        prefix = f'"{ledger.config.schema}".' if ledger.is_postgres else ""
        self.t_v = f"{prefix}{VIOLATIONS}"
        self.t_c = f"{prefix}{CASES}"
        self.t_u = f"{prefix}{unjudged.TABLE}"
        self.t_tracking = f"{prefix}{getattr(self.tracking, 'tracking_table_name', 'tracking')}"
        with ledger.schema_lock():  # the tables of an open, one opener at a time
            self.tracking.create_table()
            self._drop_views_without_state()
            with ledger.datastore.transaction(commit=True) as c:
                for s in _DDL:
                    c.execute(
                        s.replace(f"TABLE IF NOT EXISTS {VIOLATIONS} ", f"TABLE IF NOT EXISTS {self.t_v} ")
                        .replace(f"TABLE IF NOT EXISTS {CASES} ", f"TABLE IF NOT EXISTS {self.t_c} ")
                        .replace(f" ON {VIOLATIONS} ", f" ON {self.t_v} ")
                        .replace(f" ON {CASES} ", f" ON {self.t_c} ")
                    )
                for s in unjudged.ddl(self.t_u):
                    c.execute(s)
        self._evaluators: dict[str, tuple[int, Evaluator]] = {}

    def _drop_views_without_state(self) -> None:
        """Views written before violations had a ``state`` are dropped, to be rebuilt on the next run."""
        try:
            self.ledger.query(f"SELECT state FROM {self.t_v} LIMIT 0")
        except DatabaseError:  # no such column (or no table yet: nothing to drop)
            with self.ledger.datastore.transaction(commit=True) as c:
                c.execute(f"DROP TABLE IF EXISTS {self.t_v}")
                c.execute(f"DROP TABLE IF EXISTS {self.t_c}")
                c.execute(self.ledger.sql(f"DELETE FROM {self.t_tracking} WHERE application_name=?"), [self.name])

    # ---- position -----------------------------------------------------------------------
    def position(self) -> int:
        return int(self.tracking.max_tracking_id(self.name) or 0)

    def lag(self) -> int:
        return self.ledger.max_notification_id() - self.position()

    def evaluator(self, jurisdiction: str) -> Evaluator:
        org = self.ledger.org(jurisdiction)
        key = id(org)
        cached = self._evaluators.get(jurisdiction)
        if cached and cached[0] == key:
            return cached[1]
        ev = Evaluator(org, WorkCalendar.of(org))
        self._evaluators[jurisdiction] = (key, ev)
        return ev

    # ---- following ----------------------------------------------------------------------
    def run(self, *, batch: int = 2000, progress: Callable[[int], None] | None = None) -> int:
        """Catch up with the log; returns the number of acts processed."""
        done = 0
        while True:
            start = self.position()
            notes = self.ledger.notifications(start + 1, batch)
            if not notes:
                return done
            self.process(notes)
            done += len(notes)
            if progress:
                progress(len(notes))

    def process(self, notes: Sequence[tuple[int, Act]]) -> None:
        """Re-evaluate what one batch of notifications touched, and save with its tracking."""
        touched: dict[str, set[str]] = defaultdict(set)
        org_changed: set[str] = set()
        for _nid, a in notes:
            if a.kind == "org":
                org_changed.add(a.jurisdiction)
            elif a.kind not in UNVIEWED_KINDS:
                touched[a.jurisdiction].add(a.case)
        changes = Changes({}, {})
        for j in sorted(set(touched) | org_changed):
            ev = self.evaluator(j)
            if j in org_changed:
                cases = group_cases(
                    a for a in self.ledger.iter_acts(j) if a.kind != "org" and a.kind not in UNVIEWED_KINDS
                )
                for c in cases:
                    changes.case(j, ev, c)
                changes.jurisdiction(j, ev, cases)
                continue
            for case_id in sorted(touched[j]):
                changes.case(j, ev, Case.of(self.ledger.case_history(j, case_id)))
            kinds = ev.jurisdiction_kinds()
            if kinds and any(a.kind in kinds for _n, a in notes if a.jurisdiction == j):
                changes.jurisdiction(j, ev, self._cases_of_kinds(j, kinds))
        self._save(changes, notes[-1][0])

    def _cases_of_kinds(self, j: str, kinds: Iterable[str]) -> list[Case]:
        acts: list[Act] = []
        for k in sorted(kinds):
            after: tuple[str, int] | None = None
            while True:
                page = self.ledger.acts(j, kind=k, after=after, limit=5000)
                acts.extend(page)
                if len(page) < 5000:
                    break
                after = (j, page[-1].seq or 0)
        return group_cases(acts)

    def _save(self, ch: Changes, position: int, *, reset: bool = False) -> None:
        led = self.ledger
        vcols = ",".join(V_COLUMNS)
        ccols = ",".join(C_COLUMNS)
        vins = led.sql(f"INSERT INTO {self.t_v} ({vcols}) VALUES ({','.join('?' * len(V_COLUMNS))})")
        cins = led.sql(f"INSERT INTO {self.t_c} ({ccols}) VALUES ({','.join('?' * len(C_COLUMNS))})")
        uins = led.sql(
            f"INSERT INTO {self.t_u} ({','.join(unjudged.COLUMNS)}) VALUES ({','.join('?' * len(unjudged.COLUMNS))})"
        )
        urows = [r for us in ch.unjudged.values() for r in unjudged.rows(us, "case")]
        urows += [r for us in ch.jurisdiction_unjudged.values() for r in unjudged.rows(us, "jurisdiction")]
        vrows: list[tuple[Any, ...]] = []
        crows: list[tuple[Any, ...]] = []
        for (_j, _cid), (vs, st) in ch.cases.items():
            vrows.extend(violation_row(v, "case") for v in vs)
            if st is not None:
                crows.append(case_row(st))
        for vs in ch.jurisdiction_rules.values():
            vrows.extend(violation_row(v, "jurisdiction") for v in vs)
        with led.datastore.transaction(commit=True) as c:
            if reset:
                c.execute(f"DELETE FROM {self.t_u}")
                c.execute(f"DELETE FROM {self.t_v}")
                c.execute(f"DELETE FROM {self.t_c}")
                c.execute(led.sql(f"DELETE FROM {self.t_tracking} WHERE application_name=?"), [self.name])
            else:
                by_j: dict[str, list[str]] = defaultdict(list)
                for j, cid in ch.cases:
                    by_j[j].append(cid)
                for j, cids in by_j.items():
                    for i in range(0, len(cids), 500):
                        chunk = cids[i : i + 500]
                        marks = ",".join("?" * len(chunk))
                        c.execute(
                            led.sql(
                                f"DELETE FROM {self.t_v} WHERE jurisdiction=? AND scope='case' AND case_id IN ({marks})"
                            ),
                            [j, *chunk],
                        )
                        c.execute(
                            led.sql(f"DELETE FROM {self.t_c} WHERE jurisdiction=? AND case_id IN ({marks})"),
                            [j, *chunk],
                        )
                        c.execute(
                            led.sql(
                                f"DELETE FROM {self.t_u} WHERE jurisdiction=? AND scope='case' AND case_id IN ({marks})"
                            ),
                            [j, *chunk],
                        )
                for j in ch.jurisdiction_rules:
                    c.execute(led.sql(f"DELETE FROM {self.t_v} WHERE jurisdiction=? AND scope='jurisdiction'"), [j])
                    c.execute(led.sql(f"DELETE FROM {self.t_u} WHERE jurisdiction=? AND scope='jurisdiction'"), [j])
            if vrows:
                c.executemany(vins, vrows)
            if crows:
                c.executemany(cins, crows)
            if urows:
                c.executemany(uins, urows)
            self.tracking._insert_tracking(c, Tracking(self.name, position))

    # ---- rebuilding ---------------------------------------------------------------------
    def rebuild(self, *, batch: int = 20000, progress: Callable[[int], None] | None = None) -> int:
        """Drop the views and rebuild them from every stored act (one pass, in memory)."""
        stop = self.ledger.max_notification_id()
        by_j: dict[str, list[Act]] = defaultdict(list)
        start = 1
        n = 0
        while start <= stop:
            notes = self.ledger.notifications(start, batch, stop=stop)
            if not notes:
                break
            for _nid, a in notes:
                by_j[a.jurisdiction].append(a)
            n += len(notes)
            start = notes[-1][0] + 1
            if progress:
                progress(len(notes))
        changes = Changes({}, {})
        for j, acts in sorted(by_j.items()):
            ev = self.evaluator(j)
            cases = group_cases(a for a in acts if a.kind != "org" and a.kind not in UNVIEWED_KINDS)
            for c in cases:
                changes.case(j, ev, c)
            changes.jurisdiction(j, ev, cases)
        self._save(changes, stop, reset=True)
        return n

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

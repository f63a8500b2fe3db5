"""Reads the office's pages need beyond the JSON routes (页面查询): the violation table sorted
by any column with a total count, the dashboard's aggregates, the view's freshness.

Everything here reads the audit views (``ledger_violations``, ``ledger_cases``) the projection
keeps. A violation's follow-up status (督查跟踪状态) is the API's reading
(:meth:`api.services.Services.statuses`: a follow-up case's last act, by violation id); the
few violations that have one are passed in as ``statuses`` and enter the SQL as id lists, so
the table can be filtered, counted and sorted by status without a join per row. Scoping
(which units and jurisdiction a caller may read) is passed in from
:class:`api.auth.Principal`; nothing here decides who may read what.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from api.services import STATUSES, Services
from api.viewcache import ViewCache, newest_act
from domain.bulletin import BulletinRow, bulletin, month_bounds
from domain.rules.base import Case
from domain.rules.engine import group_cases
from domain.timeutil import CHINA_TZ
from ledger import codec
from ledger.store import Ledger, _col
from projections.audit import AuditProjection
from projections.queries import V_FIELDS, _violation

SEVERITY_ORDER = "CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END"
#: Columns the violation table sorts on (排序字段) → the SQL that orders by it (status: below).
SORTS: dict[str, str] = {
    "at": "at_us",
    "rule": "rule",
    "family": "family",
    "unit": "unit",
    "case": "case_id",
    "severity": SEVERITY_ORDER,
    "status": "",
}


@dataclass(frozen=True)
class ViolationFilter:
    """The filters of the violation table (筛选条件); ``jurisdiction`` and ``restrict`` (the SQL
    condition :func:`api.access.list_filter` gives for a clerk) scope the caller.

    ``statuses`` holds the status of every violation that has been followed up (the others
    are open), as :meth:`api.services.Services.statuses` reads it.
    """

    jurisdiction: str | None = None
    rule: str | None = None
    family: str | None = None
    pack: str | None = None
    unit: str | None = None
    restrict: tuple[str, tuple[Any, ...]] | None = None
    case: str | None = None
    severity: str | None = None
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    statuses: Mapping[str, str] = field(default_factory=dict)

    def key(self) -> tuple[Any, ...]:
        """The filters as a cache key (the statuses follow from the data version)."""
        return tuple(getattr(self, f) for f in self.__dataclass_fields__ if f != "statuses")

    def with_status(self, ids: list[str], ledger: Ledger) -> tuple[str, list[Any]]:
        """``id IN (ids)`` as one parameter (a JSON array on SQLite, an array on PostgreSQL)."""
        if ledger.is_postgres:
            return "id = ANY(?)", [ids]
        return "id IN (SELECT value FROM json_each(?))", [json.dumps(ids)]

    def where(self, ledger: Ledger) -> tuple[str, list[Any]]:
        """The WHERE clause (with its parameters) over the violations view."""
        clauses: list[str] = [self.restrict[0]] if self.restrict else []
        params: list[Any] = list(self.restrict[1]) if self.restrict else []
        for col, val in (
            ("jurisdiction", self.jurisdiction),
            ("rule", self.rule),
            ("family", self.family),
            ("pack", self.pack),
            ("unit", self.unit),
            ("case_id", self.case),
            ("severity", self.severity),
        ):
            if val is not None:
                clauses.append(f"{col}=?")
                params.append(val)
        if self.status is not None:
            if self.status == "open":
                sql, ps = self.with_status([v for v, st in self.statuses.items() if st != "open"], ledger)
                clauses.append(f"NOT ({sql})")
            else:
                sql, ps = self.with_status([v for v, st in self.statuses.items() if st == self.status], ledger)
                clauses.append(sql)
            params += ps
        if self.since is not None:
            clauses.append("at_us>=?")
            params.append(codec.micros(self.since))
        if self.until is not None:
            clauses.append("at_us<=?")
            params.append(codec.micros(self.until))
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def order(self, ledger: Ledger, sort: str, descending: bool) -> tuple[str, list[Any]]:
        """ORDER BY the column ``sort`` names (then business time and id, the same direction)."""
        d = "DESC" if descending else "ASC"
        params: list[Any] = []
        if sort == "status":  # the statuses' order, open first
            whens = []
            for i, st in enumerate(STATUSES[1:], start=1):
                sql, ps = self.with_status([v for v, s in self.statuses.items() if s == st], ledger)
                whens.append(f"WHEN {sql} THEN {i}")
                params += ps
            key = f"CASE {' '.join(whens)} ELSE 0 END"
        else:
            key = SORTS.get(sort) or SORTS["at"]
        return f" ORDER BY {key} {d}, at_us {d}, id {d}", params


def _ids(
    p: AuditProjection, flt: ViolationFilter, sort: str, descending: bool, limit: int | None = None, offset: int = 0
) -> list[str]:
    """The ids the filters match, in table order: sorted on the keys alone (small records), the
    rows fetched after, so a sort on a column without an index stays cheap."""
    where, params = flt.where(p.ledger)
    order, oparams = flt.order(p.ledger, sort, descending)
    sql = f"SELECT id FROM {p.t_v}{where}{order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    return [str(_col(r, "id", 0)) for r in p.ledger.query(sql, params + oparams)]


def _rows(p: AuditProjection, ids: list[str], statuses: Mapping[str, str]) -> list[dict[str, Any]]:
    """The violations ``ids`` names, in that order, with their follow-up status."""
    by_id: dict[str, dict[str, Any]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        rows = p.ledger.query(
            f"SELECT {','.join(V_FIELDS)} FROM {p.t_v} WHERE id IN ({','.join('?' * len(chunk))})", chunk
        )
        for r in rows:
            d = _violation(r)
            d["status"] = statuses.get(d["id"], "open")
            by_id[d["id"]] = d
    return [by_id[i] for i in ids if i in by_id]


def count(p: AuditProjection, flt: ViolationFilter) -> int:
    """How many violations the filters match."""
    where, params = flt.where(p.ledger)
    return int(_col(p.ledger.query(f"SELECT COUNT(*) AS n FROM {p.t_v}{where}", params)[0], "n", 0))


def violation_page(
    p: AuditProjection,
    flt: ViolationFilter,
    *,
    sort: str = "at",
    descending: bool = True,
    offset: int = 0,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """One page of the violation table (:func:`count` gives the total)."""
    return _rows(p, _ids(p, flt, sort, descending, limit, offset), flt.statuses)


def violation_rows(
    p: AuditProjection, flt: ViolationFilter, *, sort: str = "at", descending: bool = True, batch: int = 500
) -> Iterator[dict[str, Any]]:
    """Every violation the filters match, in table order, read in batches (for downloads)."""
    ids = _ids(p, flt, sort, descending)
    for i in range(0, len(ids), batch):
        yield from _rows(p, ids[i : i + batch], flt.statuses)


def by_family_and_month(p: AuditProjection, flt: ViolationFilter) -> dict[str, dict[str, int]]:
    """Violations per month (``YYYY-MM`` of the business time, in the act's own offset) and family."""
    where, params = flt.where(p.ledger)
    rows = p.ledger.query(
        f"SELECT substr(at, 1, 7) AS month, family, COUNT(*) AS n FROM {p.t_v}{where} "
        "GROUP BY substr(at, 1, 7), family ORDER BY 1, 2",
        params,
    )
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        out.setdefault(str(_col(r, "month", 0)), {})[str(_col(r, "family", 1))] = int(_col(r, "n", 2))
    return out


def years(p: AuditProjection, flt: ViolationFilter) -> list[str]:
    """The years that have violations (newest first), from the first and the last one."""
    where, params = flt.where(p.ledger)
    rows = p.ledger.query(f"SELECT MIN(at_us) AS a, MAX(at_us) AS b FROM {p.t_v}{where}", params)
    a, b = _col(rows[0], "a", 0), _col(rows[0], "b", 1)
    if a is None or b is None:
        return []
    first, last = (codec.from_micros(int(x)).astimezone(CHINA_TZ).year for x in (a, b))
    return [str(y) for y in range(last, first - 1, -1)]


def open_by_unit(p: AuditProjection, flt: ViolationFilter, limit: int = 10) -> list[tuple[str, str, int]]:
    """The units with most open violations: (jurisdiction, unit, count), most first."""
    where, params = replace(flt, status="open").where(p.ledger)
    rows = p.ledger.query(
        f"SELECT jurisdiction AS j, unit, COUNT(*) AS n FROM {p.t_v}{where} "
        f"GROUP BY jurisdiction, unit ORDER BY 3 DESC, 1, 2 LIMIT {int(limit)}",
        params,
    )
    return [(str(_col(r, "j", 0)), str(_col(r, "unit", 1) or ""), int(_col(r, "n", 2))) for r in rows]


def status_counts(p: AuditProjection, flt: ViolationFilter) -> dict[str, int]:
    """How many violations are in each follow-up status (every status listed, zeros included)."""
    out = {st: count(p, replace(flt, status=st)) for st in STATUSES[1:]}
    return {"open": count(p, replace(flt, status=None)) - sum(out.values()), **out}


@dataclass(frozen=True)
class Freshness:
    """How current the audit views are (视图时效): acts processed vs stored, the newest record."""

    position: int
    head: int
    last_recorded: datetime | None

    @property
    def lag(self) -> int:
        return max(0, self.head - self.position)


def freshness(p: AuditProjection, jurisdictions: list[str], position: int | None = None) -> Freshness:
    """The views' position (this projection's, or ``position``: the followers') beside the log's
    head, and when the newest act was recorded."""
    recorded = [n[1] for j in jurisdictions if (n := newest_act(p.ledger, j)) is not None]
    pos = p.position() if position is None else position
    return Freshness(pos, p.ledger.max_notification_id(), max(recorded, default=None))


# ---- the bulletin (督查通报) ---------------------------------------------------------------
def _supervision_cases(s: Services, j: str, start: datetime, cutoff: datetime) -> list[Case]:
    """The supervision items a month's bulletin can name, with their whole histories.

    From the case view: opened by the cut-off, and still open or with an act from the month's
    start on. An item closed, with every act, before the month began can be neither overdue in
    the month (its closure came before the month) nor of poor quality in it (no act in it), so
    :func:`domain.bulletin.bulletin` gives the same rows as over every item.
    """
    led, proj = s.ledger, s.projection()
    rows = led.query(
        f"SELECT case_id FROM {proj.t_c} WHERE jurisdiction=? AND kind='supervision' AND opened_us<=? "
        "AND (open=1 OR last_us>=?)",
        [j, codec.micros(cutoff), codec.micros(start)],
    )
    cases = [str(_col(r, "case_id", 0)) for r in rows]
    ids = [str(_col(r, "act_id", 0)) for r in led._rows_for(j, "case_id", cases, "act_id")]
    return group_cases(a for a in s.acts_by_ids(j, ids) if a.kind == "supervision")


#: What a bulletin reads: the supervision items, and the org chart (unit names, who may sign).
BULLETIN_KINDS = ("supervision", "org")


def month_bulletin(cache: ViewCache, s: Services, j: str, month: str, now: datetime) -> list[BulletinRow]:
    """The bulletin of ``month`` in jurisdiction ``j`` as of ``now`` (ValueError: a bad month).

    A finished month's is kept in ``cache`` until a supervision or org act is stored in the
    jurisdiction; a month not yet over is computed afresh each time (its cut-off is "now").
    """
    org = s.ledger.org(j)
    start, end = month_bounds(month, org)
    cutoff = min(end, now)

    def compute() -> list[BulletinRow]:
        return bulletin(_supervision_cases(s, j, start, cutoff), org, month, now)

    if cutoff >= now:
        return compute()
    return cache.get(("bulletin", j, month), s.view_version([j], BULLETIN_KINDS), compute)

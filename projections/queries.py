"""Reading the audit views (查询): violations by filter, cases by kind/unit/open."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson

from ledger import codec
from ledger.store import _col, _values
from projections.columns import C_COLUMNS, V_COLUMNS

if TYPE_CHECKING:
    from projections.audit import AuditProjection

V_FIELDS = tuple(c for c in V_COLUMNS if c != "scope")


def _violation(r: Any) -> dict[str, Any]:
    d = dict(zip(V_FIELDS, _values(r), strict=True))
    d["case"] = d.pop("case_id")
    d["evidence"] = orjson.loads(d["evidence"])
    d["detail"] = orjson.loads(d["detail"])
    d["message"] = d["message_zh"]
    return d


def audit_filters(
    *,
    jurisdiction: str | None = None,
    rule: str | None = None,
    family: str | None = None,
    pack: str | None = None,
    case: str | None = None,
    unit: str | None = None,
    units: list[str] | None = None,
    severity: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    restrict: tuple[str, Sequence[Any]] | None = None,
) -> tuple[list[str], list[Any]] | None:
    """The WHERE conditions (with their parameters) of the filters the violations and the
    unjudged views share; ``restrict`` is one more SQL condition with its parameters (the API's
    access filter). None when nothing can match (an empty ``units`` scope)."""
    where: list[str] = [restrict[0]] if restrict else []
    params: list[Any] = list(restrict[1]) if restrict else []
    for col, val in (
        ("jurisdiction", jurisdiction),
        ("rule", rule),
        ("family", family),
        ("pack", pack),
        ("case_id", case),
        ("unit", unit),
        ("severity", severity),
    ):
        if val is not None:
            where.append(f"{col}=?")
            params.append(val)
    if units is not None:
        if not units:
            return None
        where.append(f"unit IN ({','.join('?' * len(units))})")
        params += units
    if since is not None:
        where.append("at_us>=?")
        params.append(codec.micros(since))
    if until is not None:
        where.append("at_us<=?")
        params.append(codec.micros(until))
    return where, params


def violations_sql(
    p: AuditProjection,
    *,
    select: str = ",".join(V_FIELDS),
    state: str | None = None,
    ids: list[str] | None = None,
    after: tuple[int, str] | None = None,
    descending: bool = False,
    limit: int | None = None,
    **filters: Any,
) -> tuple[str, list[Any]] | None:
    """The query for violations by filter (:func:`audit_filters`, and ``state``:
    breach/late/missing), ordered by business time then id (``after`` = cursor), selecting
    ``select``; None when the filters select nothing."""
    found = audit_filters(**filters)
    if found is None:
        return None
    where, params = found
    if state is not None:
        where.append("state=?")
        params.append(state)
    if ids is not None:
        if not ids:
            return None
        where.append(f"id IN ({','.join('?' * len(ids))})")
        params += ids
    if after is not None:
        op = "<" if descending else ">"
        where.append(f"(at_us {op} ? OR (at_us = ? AND id {op} ?))")
        params += [after[0], after[0], after[1]]
    sql = f"SELECT {select} FROM {p.t_v}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    order = "DESC" if descending else "ASC"
    sql += f" ORDER BY at_us {order}, id {order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return sql, params


def query_violations(p: AuditProjection, **filters: Any) -> list[dict[str, Any]]:
    """Violations by filter (those of :func:`violations_sql`), as dicts."""
    q = violations_sql(p, **filters)
    return [] if q is None else [_violation(r) for r in p.ledger.query(*q, tuples=True)]


C_FIELDS = C_COLUMNS


def _case(r: Any) -> dict[str, Any]:
    d = dict(zip(C_FIELDS, _values(r), strict=True))
    d["case"] = d.pop("case_id")
    d["open"] = bool(d["open"])
    d["data"] = orjson.loads(d["data"])
    d["opened_at"] = codec.from_micros(int(d.pop("opened_us"))).isoformat()
    d["last_at"] = codec.from_micros(int(d.pop("last_us"))).isoformat()
    return d


def cases_sql(
    p: AuditProjection,
    *,
    select: str = ",".join(C_FIELDS),
    jurisdiction: str | None = None,
    kind: str | None = None,
    unit: str | None = None,
    units: list[str] | None = None,
    open: bool | None = None,
    open_at: datetime | None = None,
    after: tuple[str, str] | None = None,
    limit: int | None = None,
    restrict: tuple[str, Sequence[Any]] | None = None,
) -> tuple[str, list[Any]] | None:
    """The query for case states by kind, unit and open/closed, selecting ``select``;
    ``open_at`` = cases that may have been open then (opened by then and still open, or with
    acts after it); ``restrict`` as for violations. None when the filters select nothing."""
    where: list[str] = [restrict[0]] if restrict else []
    params: list[Any] = list(restrict[1]) if restrict else []
    for col, val in (("jurisdiction", jurisdiction), ("kind", kind), ("unit", unit)):
        if val is not None:
            where.append(f"{col}=?")
            params.append(val)
    if units is not None:
        if not units:
            return None
        where.append(f"unit IN ({','.join('?' * len(units))})")
        params += units
    if open is not None:
        where.append("open=?")
        params.append(1 if open else 0)
    if open_at is not None:
        where.append("opened_us<=? AND (open=1 OR last_us>=?)")
        params += [codec.micros(open_at), codec.micros(open_at)]
    if after is not None:
        where.append("(jurisdiction > ? OR (jurisdiction = ? AND case_id > ?))")
        params += [after[0], after[0], after[1]]
    sql = f"SELECT {select} FROM {p.t_c}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY jurisdiction, case_id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return sql, params


def query_cases(p: AuditProjection, **filters: Any) -> list[dict[str, Any]]:
    """Case states by filter (those of :func:`cases_sql`), as dicts."""
    q = cases_sql(p, **filters)
    return [] if q is None else [_case(r) for r in p.ledger.query(*q, tuples=True)]


def violations_by_family(p: AuditProjection) -> dict[str, int]:
    rows = p.ledger.query(f"SELECT family, COUNT(*) AS n FROM {p.t_v} GROUP BY family ORDER BY family")
    return {str(_col(r, "family", 0)): int(_col(r, "n", 1)) for r in rows}

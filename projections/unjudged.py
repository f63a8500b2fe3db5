"""The unjudged view (无法判断): acts a rule could not judge, kept beside the violations.

The audit projection writes these rows in the same transaction as the violations it found in
the same evaluation (:class:`~domain.rules.engine.Judgement`), replacing them per case (and
per jurisdiction for jurisdiction-wide rules) exactly as it replaces violations, so a rebuild
gives the identical table. ``ledger violations`` and ``GET /violations`` report, per rule,
how many acts it could not judge (:func:`counts`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from domain.rules.base import Unjudged
from ledger import codec
from ledger.store import _col
from projections.queries import audit_filters

if TYPE_CHECKING:
    from projections.audit import AuditProjection

TABLE = "ledger_unjudged"
COLUMNS = (
    "jurisdiction",
    "scope",
    "rule",
    "family",
    "pack",
    "severity",
    "case_id",
    "kind",
    "unit",
    "act_id",
    "field",
    "value",
    "at_us",
    "at",
    "reason_zh",
    "reason_en",
)


def ddl(table: str) -> list[str]:
    """The table and its indexes, under the (possibly schema-qualified) name ``table``."""
    name = table.rsplit(".", 1)[-1].strip('"')
    return [
        f"""CREATE TABLE IF NOT EXISTS {table} (
            jurisdiction TEXT NOT NULL, scope TEXT NOT NULL, rule TEXT NOT NULL, family TEXT NOT NULL,
            pack TEXT NOT NULL, severity TEXT NOT NULL, case_id TEXT NOT NULL, kind TEXT NOT NULL, unit TEXT,
            act_id TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, at_us BIGINT NOT NULL, at TEXT NOT NULL,
            reason_zh TEXT NOT NULL, reason_en TEXT NOT NULL,
            PRIMARY KEY (jurisdiction, rule, case_id, act_id, field))""",
        f"CREATE INDEX IF NOT EXISTS {name}_case ON {table} (jurisdiction, case_id)",
        f"CREATE INDEX IF NOT EXISTS {name}_rule ON {table} (rule)",
    ]


def rows(us: Iterable[Unjudged], scope: str) -> list[tuple[Any, ...]]:
    out = []
    for u in us:
        d = u.to_dict()
        out.append(
            (
                u.jurisdiction,
                scope,
                u.rule,
                u.family,
                u.pack,
                u.severity,
                u.case,
                u.kind,
                u.unit,
                u.act,
                u.field,
                u.value,
                codec.micros(u.at),
                d["at"],
                u.reason_zh,
                u.reason_en,
            )
        )
    return out


def _where(**filters: Any) -> tuple[str, list[Any]] | None:
    found = audit_filters(**filters)
    if found is None:
        return None
    where, params = found
    return (" WHERE " + " AND ".join(where) if where else ""), params


def counts(p: AuditProjection, **filters: Any) -> dict[str, int]:
    """How many acts each rule could not judge (the same filters as the violations)."""
    w = _where(**filters)
    if w is None:
        return {}
    sql, params = w
    rs = p.ledger.query(
        f"SELECT rule, COUNT(DISTINCT act_id) AS n FROM {p.t_u}{sql} GROUP BY rule ORDER BY rule", params
    )
    return {str(_col(r, "rule", 0)): int(_col(r, "n", 1)) for r in rs}


def query(p: AuditProjection, **filters: Any) -> list[dict[str, Any]]:
    """The unjudged rows themselves (rule, case, act, field, value, why), by business time."""
    w = _where(**filters)
    if w is None:
        return []
    sql, params = w
    cols = [c for c in COLUMNS if c != "scope"]
    rs = p.ledger.query(f"SELECT {','.join(cols)} FROM {p.t_u}{sql} ORDER BY at_us, rule, act_id", params)
    out = []
    for r in rs:
        d = {k: _col(r, k, i) for i, k in enumerate(cols)}
        d["case"] = d.pop("case_id")
        d["act"] = d.pop("act_id")
        d.pop("at_us")
        out.append(d)
    return out

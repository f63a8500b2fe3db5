"""Analytics (分析): the ledger as pandas frames, for notebooks and process mining.

Every function takes ``db``: an open :class:`~ledger.store.Ledger`, a database URL
(``sqlite:///ledger.db``, ``postgresql://…?schema=x``), a plain SQLite path or ``None``
(``LEDGER_DB`` or ``ledger.db``, as the CLI resolves it). A ledger opened here is closed
again before the function returns; one passed in stays open.

- :func:`events_frame` — the act log (行为日志), one row per stored act;
- :func:`violations_frame` — the audit projection's violations (违规记录), caught up first;
- :func:`cases_frame` — the projection's case states (案件状态);
- :func:`units_frame` — the units (单位) of each org chart, with their names;
- :func:`incident_report_delays` — minutes from ``occurred`` (事发) to the first
  ``reported`` (首报) of each incident (突发事件);
- :func:`to_pm4py` — an events frame in pm4py's column convention (过程挖掘).

Times are tz-aware: business time (业务时间) ``at`` in ``Asia/Shanghai`` (北京时间), recorded
time (记录时间) ``recorded_at`` in UTC, both ``datetime64[ns, …]``. Low-cardinality labels
(jurisdiction 辖区, kind 案件类型, act 行为, unit 单位, by 经办人, rule 规则, family 类别 …) are
categoricals.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from domain.rules.base import FAMILIES, STATES
from domain.timeutil import CHINA_TZ, parse_datetime
from ledger.config import DbConfig
from ledger.store import Ledger
from projections.columnar import ACT_COLUMNS, ActFilter, fetch_table, json_values, stored_acts

__all__ = [
    "BUSINESS_TZ",
    "CASE_COLUMNS",
    "EVENT_COLUMNS",
    "SEVERITIES",
    "VIOLATION_COLUMNS",
    "Db",
    "case_key",
    "cases_frame",
    "events_frame",
    "incident_report_delays",
    "open_ledger",
    "to_pm4py",
    "units_frame",
    "violations_frame",
]

#: Business time zone (北京时间) of ``at`` columns.
BUSINESS_TZ = "Asia/Shanghai"
AT_DTYPE = f"datetime64[ns, {BUSINESS_TZ}]"
UTC_DTYPE = "datetime64[ns, UTC]"

#: Columns of :func:`events_frame` (before any flattened ``data.<field>`` columns).
EVENT_COLUMNS = ("id", "jurisdiction", "case", "kind", "act", "at", "recorded_at", "by", "unit", "seq", "data")
EVENT_CATEGORIES = ("jurisdiction", "kind", "act", "unit", "by")

#: Columns of :func:`violations_frame`.
VIOLATION_COLUMNS = (
    "id",
    "jurisdiction",
    "rule",
    "family",
    "pack",
    "article",
    "severity",
    "state",
    "case",
    "kind",
    "unit",
    "person",
    "post",
    "at",
    "evidence",
    "message_zh",
    "message_en",
    "detail",
)
VIOLATION_CATEGORIES = ("jurisdiction", "rule", "pack", "kind", "unit", "person", "post")
#: Severity (严重程度), an ordered categorical: low < medium < high.
SEVERITIES = ("low", "medium", "high")

#: Columns of :func:`cases_frame`.
CASE_COLUMNS = (
    "jurisdiction",
    "case",
    "kind",
    "unit",
    "opened_at",
    "last_at",
    "last_act",
    "acts",
    "open",
    "stage",
    "holder",
    "data",
)
CASE_CATEGORIES = ("jurisdiction", "kind", "unit", "last_act", "stage")

Db = Ledger | DbConfig | str | os.PathLike[str] | None


# ---- opening ------------------------------------------------------------------------------
@contextlib.contextmanager
def open_ledger(db: Db = None) -> Iterator[Ledger]:
    """The ledger behind ``db`` (账本); closed on exit only when opened here."""
    if isinstance(db, Ledger):
        yield db
        return
    ledger = Ledger(str(db) if isinstance(db, Path | os.PathLike) else db)
    try:
        yield ledger
    finally:
        ledger.close()


def _when(value: datetime | date | str | pd.Timestamp | None, *, end: bool = False) -> datetime | None:
    """A filter bound as an aware datetime; naive values and bare dates are Beijing time
    (a bare date as ``until`` means the end of that day)."""
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, str) and len(value.strip()) == 10:
        value = date.fromisoformat(value.strip())
    if isinstance(value, date) and not isinstance(value, datetime):
        dt = datetime.combine(value, datetime.min.time(), CHINA_TZ)
        return dt.replace(hour=23, minute=59, second=59, microsecond=999999) if end else dt
    return parse_datetime(value, default_tz=CHINA_TZ)


def _from_us(us: Any, dtype: str) -> pd.Series:
    """Epoch microseconds (UTC) → a ``datetime64[ns, tz]`` series."""
    us = np.asarray(us, dtype="int64")
    limit = np.iinfo("int64").max // 1000  # beyond the nanosecond range (1677–2262): NaT, as before
    ns = np.where(np.abs(us) <= limit, us * 1000, np.iinfo("int64").min)
    return pd.Series(ns.view("datetime64[ns]")).dt.tz_localize("UTC").astype(dtype)


def _labels(col: pa.ChunkedArray, categories: Sequence[str] | None = None, *, ordered: bool = False) -> pd.Categorical:
    """A text column (plain or dictionary-encoded) → a categorical whose categories are the
    values in sorted order (or ``categories``); nulls stay missing."""
    if not pa.types.is_dictionary(col.type):
        col = pc.dictionary_encode(col)
    col = pa.Table.from_arrays([col], names=["c"]).unify_dictionaries().column("c")
    if col.num_chunks == 0:
        col = pa.chunked_array([pa.array([], pa.string()).dictionary_encode()])
    values = col.chunk(0).dictionary.to_pylist()
    cats = sorted(values) if categories is None else list(categories)
    where = {v: i for i, v in enumerate(cats)}
    remap = np.array([where.get(v, -1) for v in values] + [-1], dtype="int32")
    indices = pa.chunked_array([c.indices for c in col.chunks]).combine_chunks().cast(pa.int32())
    codes = remap[np.asarray(indices.fill_null(len(values)))]
    return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(cats, ordered=ordered))


def _text(col: pa.ChunkedArray) -> pd.Series:
    """A text column that is never null → a ``str`` series."""
    return col.to_pandas().astype("str")


def _objects(values: Sequence[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _categorical(s: pd.Series, categories: Sequence[Any] | None = None, *, ordered: bool = False) -> pd.Series:
    if categories is None:
        categories = sorted({v for v in s if v is not None and not (isinstance(v, float) and pd.isna(v))})
    return s.astype(pd.CategoricalDtype(list(categories), ordered=ordered))


# ---- the act log --------------------------------------------------------------------------
def act_columns(ledger: Ledger, f: ActFilter, data: Callable[[pa.Array], Sequence[Any] | pa.Array]) -> pd.DataFrame:
    """The acts ``f`` selects as :data:`EVENT_COLUMNS`, in chain order; ``data`` turns each
    batch's JSON texts into the ``data`` column's values (Python objects), or into an Arrow
    string array (a ``str`` column, no Python object per row)."""
    batches: list[pa.RecordBatch] = []
    values: list[Any] = []
    texts: list[pa.Array] = []
    for b in stored_acts(ledger, f):
        got = data(b.column("data"))
        if isinstance(got, pa.Array):
            texts.append(got)
        else:
            values.extend(got)
        batches.append(b.drop_columns(["data"]))
    table = (
        pa.Table.from_batches(batches)
        if batches
        else pa.schema(
            [
                (c, pa.int64() if c in ("at_us", "recorded_us", "seq") else pa.string())
                for c in ACT_COLUMNS
                if c != "data"
            ]
        ).empty_table()
    )
    del batches
    jurisdiction = _labels(table.column("jurisdiction"))
    seq = np.asarray(table.column("seq"), dtype="int64")
    order: np.ndarray | None = None
    j = jurisdiction.codes
    if len(seq) > 1 and not ((j[1:] > j[:-1]) | ((j[1:] == j[:-1]) & (seq[1:] > seq[:-1]))).all():
        order = np.lexsort((seq, j))  # storage order interleaves jurisdictions: chain order
        jurisdiction, seq = jurisdiction.take(order), seq[order]

    def col(name: str) -> pa.ChunkedArray:
        """A column in chain order, dropped from the table (one column copied at a time)."""
        nonlocal table
        c = table.column(name)
        table = table.drop_columns([name])
        return c if order is None else c.take(order)

    data_column: pd.Series
    if texts:
        chunks = pa.chunked_array(texts, type=pa.large_string())
        data_column = _text(chunks if order is None else chunks.take(order))
    else:
        data_values = _objects(values)
        del values
        data_column = pd.Series(data_values if order is None else data_values[order], dtype=object)
    return pd.DataFrame(
        {
            "id": _text(col("id")),
            "jurisdiction": jurisdiction,
            "case": _text(col("case")),
            "kind": _labels(col("kind")),
            "act": _labels(col("act")),
            "at": _from_us(col("at_us"), AT_DTYPE),
            "recorded_at": _from_us(col("recorded_us"), UTC_DTYPE),
            "by": _labels(col("by")),
            "unit": _labels(col("unit")),
            "seq": pd.Series(seq, dtype="int64"),
            "data": data_column,
        },
        columns=list(EVENT_COLUMNS),
        copy=False,
    )


def events_frame(
    db: Db = None,
    *,
    jurisdiction: str | None = None,
    kind: str | None = None,
    since: datetime | date | str | None = None,
    until: datetime | date | str | None = None,
    include_org: bool = True,
    data_columns: Sequence[str] = (),
) -> pd.DataFrame:
    """The act log (行为日志) as a DataFrame, one row per stored act in chain order.

    Columns: ``id`` (行为编号), ``jurisdiction`` (辖区), ``case`` (案件), ``kind`` (案件类型),
    ``act`` (行为), ``at`` (业务时间, ``datetime64[ns, Asia/Shanghai]``), ``recorded_at``
    (记录时间, ``datetime64[ns, UTC]``), ``by`` (经办人), ``unit`` (单位), ``seq`` (链序号,
    int64), ``data`` (数据, a JSON-compatible dict as the contract writes it). jurisdiction,
    kind, act, unit and by are categoricals.

    ``since``/``until`` bound business time (inclusive; naive values and bare dates are
    Beijing time). ``include_org=False`` drops the org chart's acts (kind ``org``).
    ``data_columns`` adds one ``data.<field>`` column per named data field (None where absent).

    Read column by column (:mod:`projections.columnar`): no act is decoded into an object;
    only the ``data`` dicts are built in Python.
    """
    f = ActFilter(jurisdiction, kind, _when(since), _when(until, end=True), include_org)
    with open_ledger(db) as ledger:
        df = act_columns(ledger, f, json_values)
    for name in data_columns:
        df[f"data.{name}"] = pd.Series([d.get(name) for d in df["data"]], dtype=object)
    return df


# ---- the audit views ----------------------------------------------------------------------
def _projection(ledger: Ledger) -> Any:
    from projections.audit import AuditProjection

    p = AuditProjection(ledger)
    p.run()
    return p


#: How the view tables are read into Arrow: (column, SQL expression, Arrow type); JSON text
#: columns get a trailing comma for :func:`~projections.columnar.json_values`.
_TEXT, _INT = pa.string(), pa.int64()
_V_READ = (
    *((c, c, _TEXT) for c in ("id", "jurisdiction", "rule", "family", "pack", "article", "severity", "state")),
    ("case_id", "case_id", _TEXT),
    *((c, c, _TEXT) for c in ("kind", "unit", "person", "post")),
    ("at_us", "at_us", _INT),
    ("evidence", "evidence || ','", _TEXT),
    ("message_zh", "message_zh", _TEXT),
    ("message_en", "message_en", _TEXT),
    ("detail", "detail || ','", _TEXT),
)
_C_READ = (
    *((c, c, _TEXT) for c in ("jurisdiction", "case_id", "kind", "unit", "last_act", "stage", "holder")),
    *((c, c, _INT) for c in ("opened_us", "last_us", "acts", "open")),
    ("data", "data || ','", _TEXT),
)


def _read(read: Sequence[tuple[str, str, pa.DataType]]) -> tuple[str, pa.Schema]:
    """The select list and the Arrow schema of a view read."""
    return ", ".join(f"{expr} AS {name}" for name, expr, _t in read), pa.schema([(n, t) for n, _e, t in read])


def violations_frame(db: Db = None, **filters: Any) -> pd.DataFrame:
    """Violations (违规记录) from the audit projection, caught up with the log first.

    ``filters`` are those of :func:`projections.queries.query_violations`: jurisdiction,
    rule (规则), family (类别), pack (规则包), case, unit, units, severity (严重程度), state, since,
    until (datetimes, ISO strings or dates), ids, limit …

    Columns: id, jurisdiction, rule, family, pack, article (条款), severity, state (breach 违规办理 /
    late 逾期办理 / missing 逾期未办, a categorical in that order), case, kind,
    unit, person (责任人), post (职务), at (``datetime64[ns, Asia/Shanghai]``), evidence
    (证据, a list of act ids), message_zh, message_en, detail (dict). family's categories are
    every rule family in catalog order (ESC, DOC, MTG …, so counts show zeros); severity is
    ordered low < medium < high; jurisdiction, rule, pack, kind, unit, person and post are
    categoricals too.
    """
    from projections.queries import violations_sql

    if "since" in filters:
        filters["since"] = _when(filters["since"])
    if "until" in filters:
        filters["until"] = _when(filters["until"], end=True)
    with open_ledger(db) as ledger:
        select, schema = _read(_V_READ)
        q = violations_sql(_projection(ledger), select=select, **filters)
        t = schema.empty_table() if q is None else fetch_table(ledger, *q, schema=schema)
    df = pd.DataFrame(
        {
            **{c: _text(t.column(c)) for c in ("id", "article", "message_zh", "message_en")},
            **{c: _labels(t.column(c)) for c in VIOLATION_CATEGORIES},
            "case": _text(t.column("case_id")),
            "family": _labels(t.column("family"), list(FAMILIES)),
            "severity": _labels(t.column("severity"), SEVERITIES, ordered=True),
            "state": _labels(t.column("state"), list(STATES)),
            "at": _from_us(t.column("at_us"), AT_DTYPE),
            "evidence": pd.Series(_objects(json_values(t.column("evidence"))), dtype=object),
            "detail": pd.Series(_objects(json_values(t.column("detail"))), dtype=object),
        },
        columns=list(VIOLATION_COLUMNS),
    )
    return df


def cases_frame(
    db: Db = None,
    *,
    jurisdiction: str | None = None,
    kind: str | None = None,
    unit: str | None = None,
    open: bool | None = None,
) -> pd.DataFrame:
    """Case states (案件状态) from the audit projection, caught up with the log first.

    Columns: jurisdiction, case, kind, unit (主办单位), opened_at (立案时间), last_at (最近行为
    时间; both ``datetime64[ns, Asia/Shanghai]``), last_act (最近行为), acts (行为数), open
    (未办结, bool), stage (阶段), holder (当前经办人), data (dict).
    """
    from projections.queries import cases_sql

    with open_ledger(db) as ledger:
        select, schema = _read(_C_READ)
        q = cases_sql(_projection(ledger), select=select, jurisdiction=jurisdiction, kind=kind, unit=unit, open=open)
        t = schema.empty_table() if q is None else fetch_table(ledger, *q, schema=schema)
    return pd.DataFrame(
        {
            **{c: _labels(t.column(c)) for c in CASE_CATEGORIES},
            "case": _text(t.column("case_id")),
            "opened_at": _from_us(t.column("opened_us"), AT_DTYPE),
            "last_at": _from_us(t.column("last_us"), AT_DTYPE),
            "acts": pd.Series(np.asarray(t.column("acts"), dtype="int64")),
            "open": pd.Series(np.asarray(t.column("open"), dtype="int64") != 0, dtype=bool),
            "holder": pd.Series(_objects(t.column("holder").to_pylist()), dtype=object),
            "data": pd.Series(_objects(json_values(t.column("data"))), dtype=object),
        },
        columns=list(CASE_COLUMNS),
    )


def units_frame(db: Db = None, *, jurisdiction: str | None = None) -> pd.DataFrame:
    """The units (单位) of each jurisdiction's org chart: jurisdiction, unit, name (名称),
    type (类型: government/office/department/town/division) and parent (上级单位)."""
    rows: list[tuple[str, str, str, str, str | None]] = []
    with open_ledger(db) as ledger:
        for j in [jurisdiction] if jurisdiction else ledger.jurisdictions():
            for u in ledger.org(j).units.values():
                rows.append((j, u.id, u.name, u.type, u.parent))
    df = pd.DataFrame(rows, columns=["jurisdiction", "unit", "name", "type", "parent"])
    df["jurisdiction"] = _categorical(df["jurisdiction"].astype(object))
    df["type"] = _categorical(df["type"].astype(object))
    return df


# ---- derived measures -------------------------------------------------------------------
def incident_report_delays(events: pd.DataFrame, *, to_levels: Sequence[str] | None = None) -> pd.DataFrame:
    """Time to report (报送时长) of each incident (突发事件): minutes from its ``occurred``
    (事发) act to its first ``reported`` (首次报告) act, from an :func:`events_frame`.

    ``to_levels`` counts only reports to those levels (报送对象), e.g. ``("local_gov",
    "city_gov")`` for the first report to a government above the unit.

    One row per incident case that has an ``occurred`` act: jurisdiction, case, unit, grade
    (等级), occurred_at, first_reported_at (NaT when never reported), first_channel (phone
    电话 / written 书面), first_to_level, minutes (float, NaN when never reported). A report
    dated before the occurrence (a data error) is kept, so minutes may be negative.
    """
    inc = events[events["kind"].astype(object) == "incident"]
    occ = inc[inc["act"].astype(object) == "occurred"].sort_values(["at", "seq"])
    occ = occ.drop_duplicates(subset=["jurisdiction", "case"], keep="first")
    rep = inc[inc["act"].astype(object) == "reported"]
    if to_levels is not None:
        wanted = set(to_levels)
        rep = rep[pd.Series([d.get("to_level") in wanted for d in rep["data"]], index=rep.index, dtype=bool)]
    rep = rep.sort_values(["at", "seq"])
    rep = rep.drop_duplicates(subset=["jurisdiction", "case"], keep="first")
    left = pd.DataFrame(
        {
            "jurisdiction": occ["jurisdiction"].astype(object),
            "case": occ["case"],
            "unit": occ["unit"].astype(object),
            "grade": [d.get("grade") for d in occ["data"]],
            "occurred_at": occ["at"],
        }
    )
    right = pd.DataFrame(
        {
            "jurisdiction": rep["jurisdiction"].astype(object),
            "case": rep["case"],
            "first_reported_at": rep["at"],
            "first_channel": [d.get("channel") for d in rep["data"]],
            "first_to_level": [d.get("to_level") for d in rep["data"]],
        }
    )
    out = left.merge(right, on=["jurisdiction", "case"], how="left")
    out["minutes"] = (out["first_reported_at"] - out["occurred_at"]).dt.total_seconds() / 60.0
    out["first_reported_at"] = out["first_reported_at"].astype(AT_DTYPE)
    for c in ("jurisdiction", "unit", "grade"):
        out[c] = _categorical(out[c])
    return out.sort_values(["jurisdiction", "occurred_at", "case"], ignore_index=True)


# ---- process mining ---------------------------------------------------------------------
def case_key(jurisdiction: Any, case: Any, *, qualify: bool) -> str:
    """A trace id: the case id, or ``jurisdiction/case`` when several jurisdictions mix
    (case ids are unique only within a jurisdiction)."""
    return f"{jurisdiction}/{case}" if qualify else str(case)


def to_pm4py(frame: pd.DataFrame, *, activity: str = "kind.act", include_org: bool = False) -> pd.DataFrame:
    """An :func:`events_frame` in pm4py's column convention (过程挖掘格式).

    Adds ``case:concept:name`` (the case id; ``jurisdiction/case`` when the frame holds more
    than one jurisdiction), ``concept:name`` (the activity: ``kind.act`` such as
    ``outgoing_document.signed``, or just the act with ``activity="act"``),
    ``time:timestamp`` (tz-aware business time), ``org:resource`` (经办人 ``by``) and
    ``org:group`` (单位 ``unit``), followed by the frame's own columns; sorted by case, then
    time, then chain order. Org acts are dropped unless ``include_org``. Pass the result to
    ``pm4py.format_dataframe``-free APIs directly (e.g. ``pm4py.discover_dfg``).
    """
    if activity not in ("kind.act", "act"):
        raise ValueError("activity must be 'kind.act' or 'act'")
    df = frame if include_org else frame[frame["kind"].astype(object) != "org"]
    qualify = df["jurisdiction"].astype(object).nunique() > 1
    cases = [
        case_key(j, c, qualify=qualify) for j, c in zip(df["jurisdiction"].astype(object), df["case"], strict=True)
    ]
    names = df["act"].astype(str)
    if activity == "kind.act":
        names = df["kind"].astype(str) + "." + names
    head = pd.DataFrame(
        {
            "case:concept:name": pd.Series(cases, index=df.index, dtype=object),
            "concept:name": names.astype(object),
            "time:timestamp": df["at"],
            "org:resource": df["by"].astype(object),
            "org:group": df["unit"].astype(object),
        },
        index=df.index,
    )
    rest = df.drop(columns=[c for c in head.columns if c in df.columns])
    out = pd.concat([head, rest], axis=1)
    keys = ["case:concept:name", "time:timestamp", *(["seq"] if "seq" in out.columns else [])]
    return out.sort_values(keys, kind="stable", ignore_index=True)

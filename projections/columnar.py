"""Columns straight from the store (列式读取): stored acts and view rows as Arrow, no ``Act`` per row.

The ledger's own reads (:mod:`ledger.store`) decode every stored act into an
:class:`~domain.acts.Act`; that is right for rules and replay and too slow for a million-row
frame. Analytics reads columns instead:

- rows leave the database as Arrow: from PostgreSQL as record batches through ADBC
  (``adbc-driver-postgresql``, binary COPY); from SQLite as newline-joined text, one string per
  batch of 65 536 acts (``group_concat`` in SQLite, cut into an Arrow string array without a
  copy) — no Python object per row or per cell. (ADBC's SQLite driver carries its own copy of
  SQLite: two copies in one process break each other's file locks, so it is not used.)
- each stored act (:mod:`ledger.codec`: the canonical JSON of the contract object plus
  ``recorded_at`` and ``seq``) is taken apart by DuckDB's ``json_transform`` — one C++ parse per
  act, streamed batch by batch, in parallel — into the contract's columns, with ``data`` kept
  as JSON text;
- only what a caller asks for becomes Python: :func:`json_values` turns a batch's ``data`` into
  dicts with one ``orjson`` call.

The acts come from a scan of the events table in storage order when the filters select much
of the log, and through the chain index (``ledger_chain``: jurisdiction, kind, business time)
when they select little; either way the filters are applied again to the decoded columns, so
both paths give the same rows.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import threading
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from domain.timeutil import parse_datetime
from ledger import codec
from ledger.store import ORG_KIND, Ledger, _col

__all__ = [
    "ACT_COLUMNS",
    "LABEL_COLUMNS",
    "ActFilter",
    "fetch_table",
    "json_values",
    "stored_acts",
]

T = TypeVar("T")

#: Columns of the batches :func:`stored_acts` yields (``data`` is JSON text).
ACT_COLUMNS = ("id", "jurisdiction", "case", "kind", "act", "at_us", "recorded_us", "by", "unit", "seq", "data")
#: Low-cardinality columns, dictionary-encoded batch by batch (辖区, 案件类型, 行为, 经办人, 单位).
LABEL_COLUMNS = ("jurisdiction", "kind", "act", "by", "unit")

#: Rows per Arrow batch (a batch's JSON text is the only thing held per act while reading).
BATCH_ROWS = 16384
#: Bytes per Arrow batch from PostgreSQL (about BATCH_ROWS stored acts).
BATCH_BYTES = 4 << 20
#: Below this share of the log, the chain index picks the rows; above it, one scan is cheaper.
INDEX_SHARE = 0.25

_SHAPE = json.dumps(
    {
        **dict.fromkeys(("id", "jurisdiction", "case", "kind", "act", "at", "by", "unit", "recorded_at"), "VARCHAR"),
        "seq": "BIGINT",
        "data": "JSON",
    }
)
# One json_transform per act; times parsed from their RFC 3339 text (offsets kept) to epoch µs.
_EXTRACT = f"""
WITH a AS (SELECT json_transform(s, '{_SHAPE}') AS j FROM src)
SELECT j.id AS id, j.jurisdiction AS jurisdiction, j."case" AS "case", j.kind AS kind, j.act AS act,
       epoch_us(TRY_CAST(j.at AS TIMESTAMPTZ)) AS at_us,
       epoch_us(TRY_CAST(j.recorded_at AS TIMESTAMPTZ)) AS recorded_us,
       j.by AS by, j.unit AS unit, j.seq AS seq,
       coalesce(j.data::VARCHAR, '{{}}') || ',' AS data,
       j.at AS at_text, j.recorded_at AS recorded_text
FROM a"""


@dataclass(frozen=True)
class ActFilter:
    """Which stored acts to read: a jurisdiction (辖区), a case kind (案件类型), a business-time
    window (业务时间, inclusive, aware datetimes) and whether the org chart's acts count."""

    jurisdiction: str | None = None
    kind: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    include_org: bool = True

    def chain_where(self) -> tuple[list[str], list[Any]]:
        """The filter as conditions on ``ledger_chain`` (alias ``c``) and their parameters."""
        where: list[str] = []
        params: list[Any] = []
        for cond, value in (
            ("c.jurisdiction=?", self.jurisdiction),
            ("c.kind=?", self.kind),
            ("c.at_us>=?", codec.micros(self.since) if self.since else None),
            ("c.at_us<=?", codec.micros(self.until) if self.until else None),
        ):
            if value is not None:
                where.append(cond)
                params.append(value)
        if not self.include_org:
            where.append(f"c.kind<>'{ORG_KIND}'")
        return where, params

    def label_where(self) -> tuple[str, list[Any]]:
        """The label conditions on decoded columns (DuckDB SQL; times are filtered after the
        decode, see :func:`_times`)."""
        where = ["TRUE"]
        params: list[Any] = []
        if self.jurisdiction is not None:
            where.append("jurisdiction = ?")
            params.append(self.jurisdiction)
        if self.kind is not None:
            where.append("kind = ?")
            params.append(self.kind)
        if not self.include_org:
            where.append(f"kind <> '{ORG_KIND}'")
        return " AND ".join(where), params


# ---- connections ------------------------------------------------------------------------------
@contextlib.contextmanager
def _postgres(ledger: Ledger) -> Iterator[Any]:
    """An ADBC DB-API connection to the ledger's PostgreSQL database (closed on exit)."""
    import adbc_driver_postgresql.dbapi as pg

    cfg = ledger.config
    password = cfg.password or os.environ.get("PGPASSWORD", "")
    auth = f"{quote(cfg.user)}:{quote(password)}" if password else quote(cfg.user)
    conn = pg.connect(f"postgresql://{auth}@{cfg.host}:{cfg.port}/{quote(cfg.dbname)}")
    try:
        yield conn
    finally:
        conn.close()


def _numbered(sql: str) -> str:
    """Our SQL is written with ``?``; ADBC's PostgreSQL driver numbers them (``$1``, ``$2`` …)."""
    parts = sql.split("?")
    return "".join(p + (f"${i}" if i < len(parts) else "") for i, p in enumerate(parts, start=1))


@contextlib.contextmanager
def _postgres_batches(ledger: Ledger, sql: str, params: Sequence[Any]) -> Iterator[pa.RecordBatchReader]:
    from adbc_driver_postgresql import StatementOptions

    with _postgres(ledger) as conn:
        cur = conn.cursor()
        try:
            # batches of a few MiB (the driver's default is 16): one batch's texts at a time in memory
            cur.adbc_statement.set_options(**{StatementOptions.BATCH_SIZE_HINT_BYTES.value: str(BATCH_BYTES)})
            cur.execute(_numbered(sql), list(params) if params else None)
            yield cur.fetch_record_batch()
        finally:
            cur.close()


def fetch_table(ledger: Ledger, sql: str, params: Sequence[Any] = (), *, schema: pa.Schema) -> pa.Table:
    """``sql``'s rows as an Arrow table with ``schema`` (the select list's names and types; a
    column NULL in every row still reads as text). For the view tables (thousands of rows per
    million acts): SQLite's rows are read with its own module, a batch at a time."""
    if ledger.is_postgres:
        with _postgres_batches(ledger, sql, params) as reader:
            table = reader.read_all()
        return pa.Table.from_arrays(
            [table.column(i).cast(field.type) for i, field in enumerate(schema)], schema=schema
        ).combine_chunks()
    rows = ledger.query(sql, params)
    cols = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    return pa.Table.from_arrays([pa.array(v, field.type) for v, field in zip(cols, schema, strict=True)], schema=schema)


# ---- the stored acts ----------------------------------------------------------------------------
_TEXTS = pa.schema([("s", pa.string())])


def _lines(data: bytes | None) -> pa.RecordBatch:
    """Newline-joined JSON texts (UTF-8) → an Arrow string column (``s``) over the same bytes
    (each value keeps its newline: trailing white space in a JSON text)."""
    data = data or b""
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10) + 1
    offsets = np.concatenate(([0], ends, [len(data)]) if data else ([0],)).astype(np.int32)
    arr = pa.StringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data))
    return pa.RecordBatch.from_arrays([arr], schema=_TEXTS)


def _index_selects(ledger: Ledger, f: ActFilter) -> bool:
    """Whether ``f`` selects under :data:`INDEX_SHARE` of the log (then the chain index picks the rows)."""
    where, params = f.chain_where()
    if not where or where == [f"c.kind<>'{ORG_KIND}'"]:
        return False
    cond = " AND ".join(where)
    row = ledger.query(f"SELECT COUNT(*) AS n FROM {ledger.t_chain} c WHERE {cond}", params)[0]
    return int(_col(row, "n", 0)) < INDEX_SHARE * ledger.max_notification_id()


def _indexed(ledger: Ledger, f: ActFilter, text: str) -> tuple[str, list[Any]]:
    where, params = f.chain_where()
    return (
        f"SELECT {text} AS s FROM {ledger.t_chain} c JOIN {ledger.t_events} e "
        f"ON e.originator_id=c.originator_id AND e.originator_version=c.originator_version "
        f"WHERE {' AND '.join(where)}",
        params,
    )


@contextlib.contextmanager
def _state_texts(ledger: Ledger, f: ActFilter) -> Iterator[pa.RecordBatchReader]:
    """The stored JSON texts (column ``s``) of the acts ``f`` may select, in one read snapshot."""
    indexed = _index_selects(ledger, f)
    if ledger.is_postgres:
        text = "convert_from(e.state, 'UTF8')"
        sql, params = _indexed(ledger, f, text) if indexed else (f"SELECT {text} AS s FROM {ledger.t_events} e", [])
        with _postgres_batches(ledger, sql, params) as reader:
            yield reader
        return
    with ledger.datastore.transaction(commit=False) as c:
        if indexed:
            sql, params = _indexed(ledger, f, "CAST(e.state AS TEXT)")

            def batches() -> Iterator[pa.RecordBatch]:
                c.execute(sql, params)  # under a quarter of the log: read at once
                yield pa.RecordBatch.from_arrays([pa.array([r[0] for r in c.fetchall()], pa.string())], schema=_TEXTS)

        else:
            c.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {ledger.t_events}")
            last = int(c.fetchone()[0])

            def batches() -> Iterator[pa.RecordBatch]:
                # storage order, a rowid range at a time, each range's texts as one string
                for lo in range(0, last, BATCH_ROWS):
                    c.execute(
                        f"SELECT CAST(group_concat(CAST(state AS TEXT), char(10)) AS BLOB) FROM {ledger.t_events} "
                        "WHERE rowid > ? AND rowid <= ?",
                        [lo, lo + BATCH_ROWS],
                    )
                    yield _lines(c.fetchone()[0])

        ahead = _ahead(batches())
        try:
            yield pa.RecordBatchReader.from_batches(_TEXTS, ahead)
        finally:
            ahead.close()  # the reading thread is done before the snapshot ends


def _ahead(items: Iterator[T], depth: int = 2) -> Generator[T, None, None]:
    """``items`` produced by a thread of their own, up to ``depth`` ahead of the consumer (the
    database reads the next batch while DuckDB decodes this one; both release the GIL)."""
    done = object()
    q: queue.Queue[Any] = queue.Queue(depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(done)
        except BaseException as e:  # handed to the consumer
            q.put(e)

    worker = threading.Thread(target=produce, name="ledger-columnar-read", daemon=True)
    worker.start()
    try:
        while (item := q.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


def _times(batch: pa.RecordBatch, f: ActFilter) -> pa.RecordBatch:
    """Fill the times DuckDB could not parse (none in practice) with Python's parser, then
    apply the business-time window."""
    cols = {name: batch.column(name) for name in batch.schema.names}
    for us, text in (("at_us", "at_text"), ("recorded_us", "recorded_text")):
        if cols[us].null_count:
            values = cols[us].to_pylist()
            texts = cols[text].to_pylist()
            cols[us] = pa.array(
                [v if v is not None else codec.micros(parse_datetime(t)) for v, t in zip(values, texts, strict=True)],
                pa.int64(),
            )
    out = pa.RecordBatch.from_arrays([cols[c] for c in ACT_COLUMNS], names=list(ACT_COLUMNS))
    mask = None
    if f.since is not None:
        mask = pc.greater_equal(out.column("at_us"), codec.micros(f.since))
    if f.until is not None:
        upto = pc.less_equal(out.column("at_us"), codec.micros(f.until))
        mask = upto if mask is None else pc.and_(mask, upto)
    return out if mask is None else out.filter(mask)


def stored_acts(ledger: Ledger, f: ActFilter = ActFilter()) -> Iterator[pa.RecordBatch]:
    """The stored acts ``f`` selects, as Arrow batches of :data:`ACT_COLUMNS` in storage order
    (within a jurisdiction that is chain order; sort by jurisdiction and seq for the chain's).

    ``at_us``/``recorded_us`` are epoch microseconds (UTC), ``seq`` int64, the
    :data:`LABEL_COLUMNS` dictionary-encoded, ``data`` the act's data as JSON text followed by
    a comma (see :func:`json_values`).
    """
    import duckdb

    cond, label_params = f.label_where()
    with _state_texts(ledger, f) as reader, contextlib.closing(duckdb.connect(config={"threads": 1})) as duck:
        for texts in reader:  # one query per batch: DuckDB holds one batch at a time
            duck.register("src", pa.Table.from_batches([texts]))
            decoded = duck.sql(f"SELECT * FROM ({_EXTRACT}) WHERE {cond}", params=label_params).to_arrow_table()
            duck.unregister("src")
            if decoded.num_rows == 0:
                continue
            batch = _times(decoded.combine_chunks().to_batches()[0], f)
            yield pa.RecordBatch.from_arrays([_own(c, batch.column(c)) for c in ACT_COLUMNS], names=list(ACT_COLUMNS))


def _own(name: str, arr: pa.Array) -> pa.Array:
    """A column in memory of its own: DuckDB frees a result's memory only when every column of
    it is released, so what outlives the batch is copied (labels dictionary-encoded); ``data``
    is left for the caller to read and drop."""
    if name == "data":
        return arr
    if name in LABEL_COLUMNS:
        return pc.dictionary_encode(arr)
    if pa.types.is_string(arr.type):  # pandas' str columns hold large_string: read without a copy
        arr = arr.cast(pa.large_string())
    return pa.concat_arrays([arr])


def json_values(texts: pa.Array | pa.ChunkedArray, *, share: bool = True) -> list[Any]:
    """Values from JSON texts that each end with a comma (``data`` of :func:`stored_acts`):
    one ``orjson`` parse of the batch's buffer read as a JSON array; ``share``: the rows' short
    texts as shared objects (values that are kept)."""
    arr = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
    if len(arr) == 0:
        return []
    if arr.type not in (pa.string(), pa.large_string()):
        arr = arr.cast(pa.large_string())
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64 if arr.type == pa.large_string() else np.int32)
    start, end = int(offsets[arr.offset]), int(offsets[arr.offset + len(arr)])
    body = memoryview(arr.buffers()[2])[start : end - 1]  # without the last comma
    values = orjson.loads(b"".join((b"[", body, b"]")))
    return _shared(values) if share else values


#: Text values of ``data`` up to this length are shared between the rows of a batch.
SHARED_TEXT = 24


def _shared(values: list[Any]) -> list[Any]:
    """The same short text in many rows' ``data`` (a unit id, a channel, a grade …) as one string
    object instead of one per row: a million acts' dicts weigh ≈ 40 MiB less."""
    seen: dict[str, str] = {}
    for d in values:
        if type(d) is dict:
            for k, v in d.items():
                if type(v) is str and len(v) <= SHARED_TEXT:
                    d[k] = seen.setdefault(v, v)  # the same keys: the dict does not change size
    return values

"""Export formats for analysis (分析用导出格式): Apache Parquet and XES event logs.

- :func:`write_parquet` — the act log as one Parquet file (列式存储), the columns of
  :func:`projections.analytics.events_frame` with ``data`` as canonical JSON text; categoricals
  become dictionary columns and times keep their zones, so ``pandas.read_parquet`` gives the
  frame back. Read column by column like the frame (no ``Act`` per row, no dict kept per row).
- :func:`write_xes` — an XES event log (IEEE 1849, 过程挖掘标准格式) for ProM, pm4py, Disco,
  Celonis …: one trace per case, one event per act, streamed to the file (gzip-compressed
  when the path ends with ``.gz``).

The contract's own formats (JSONL, CSV) are in :mod:`ledger.exporter`.
"""

from __future__ import annotations

import gzip
import os
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import quoteattr

from ledger import codec
from projections.analytics import Db, act_columns, case_key, open_ledger
from projections.columnar import ActFilter, json_values

__all__ = ["XES_NS", "parquet_frame", "write_parquet", "write_xes"]

XES_NS = "http://www.xes-standard.org/"

_EXTENSIONS = (
    ("Concept", "concept", "http://www.xes-standard.org/concept.xesext"),
    ("Time", "time", "http://www.xes-standard.org/time.xesext"),
    ("Organizational", "org", "http://www.xes-standard.org/org.xesext"),
    ("Lifecycle", "lifecycle", "http://www.xes-standard.org/lifecycle.xesext"),
)


# ---- Parquet ------------------------------------------------------------------------------
def _canonical(texts: Any) -> Any:
    """A batch's data objects as the ledger's canonical JSON (sorted keys, no spaces, UTF-8), an
    Arrow array: the texts of a million acts never live as Python strings all at once."""
    import pyarrow as pa

    return pa.array([codec.canonical(d).decode() for d in json_values(texts, share=False)], type=pa.large_string())


def parquet_frame(frame: Any) -> Any:
    """An events frame as written to Parquet: ``data`` dicts → canonical JSON text (the rest as is)."""
    import pandas as pd

    out = frame.copy()
    out["data"] = pd.Series([codec.canonical(d).decode() for d in out["data"]], index=out.index, dtype="str")
    return out


def write_parquet(db: Db, path: str | os.PathLike[str], jurisdiction: str | None = None) -> int:
    """Write the act log (or one jurisdiction's) to a Parquet file; returns the number of acts.

    Columns as :func:`~projections.analytics.events_frame` (org acts included): ``at``
    ``timestamp[ns, Asia/Shanghai]``, ``recorded_at`` ``timestamp[ns, UTC]``, jurisdiction /
    kind / act / unit / by as dictionary columns, ``data`` as canonical JSON text (UTF-8, keys
    sorted, no spaces — as the ledger hashes it). Read back with ``pandas.read_parquet(path)``
    and ``json.loads`` on ``data``.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    with open_ledger(db) as ledger:
        df = act_columns(ledger, ActFilter(jurisdiction=jurisdiction), _canonical)
    table = pa.Table.from_pandas(df, preserve_index=False)
    del df
    table = table.replace_schema_metadata(
        {
            **(table.schema.metadata or {}),
            b"ledger.format": b"compliance-ledger act log",
            b"ledger.jurisdiction": (jurisdiction or "").encode(),
        }
    )
    pq.write_table(table, Path(path), compression="zstd")
    return table.num_rows


# ---- XES ------------------------------------------------------------------------------
def _xes_time(dt: datetime) -> str:
    """xs:dateTime with milliseconds and the act's own offset (e.g. ``+08:00``)."""
    return dt.isoformat(timespec="milliseconds")


def _attr(tag: str, key: str, value: Any) -> str:
    return f"<{tag} key={quoteattr(key)} value={quoteattr(str(value))}/>"


def _open_out(path: Path) -> IO[str]:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "wt", encoding="utf-8", newline="\n")
    return path.open("w", encoding="utf-8", newline="\n")


def _header(name: str) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield f'<log xes.version="1.0" xes.features="nested-attributes" xmlns="{XES_NS}">\n'
    for ext_name, prefix, uri in _EXTENSIONS:
        yield f"  <extension name={quoteattr(ext_name)} prefix={quoteattr(prefix)} uri={quoteattr(uri)}/>\n"
    yield '  <global scope="trace">\n'
    yield "    " + _attr("string", "concept:name", "__INVALID__") + "\n"
    yield "  </global>\n"
    yield '  <global scope="event">\n'
    yield "    " + _attr("string", "concept:name", "__INVALID__") + "\n"
    yield "    " + _attr("date", "time:timestamp", "1970-01-01T00:00:00.000+00:00") + "\n"
    yield "    " + _attr("string", "lifecycle:transition", "complete") + "\n"
    yield "  </global>\n"
    yield '  <classifier name="Activity" keys="concept:name"/>\n'
    yield '  <classifier name="Activity and lifecycle" keys="concept:name lifecycle:transition"/>\n'
    yield "  " + _attr("string", "concept:name", name) + "\n"
    yield "  " + _attr("string", "lifecycle:model", "standard") + "\n"


def write_xes(
    db: Db,
    path: str | os.PathLike[str],
    jurisdiction: str | None = None,
    *,
    include_org: bool = False,
    activity: str = "kind.act",
) -> int:
    """Write the act log as an XES event log (IEEE 1849); returns the number of traces.

    One ``<trace>`` per case (案件) with ``concept:name`` = the case id (``jurisdiction/case``
    when the file holds several jurisdictions) and string attributes ``kind`` and
    ``jurisdiction``; one ``<event>`` per act in business-time order with ``concept:name``
    (``kind.act``, or the act alone with ``activity="act"``), ``time:timestamp`` (with the
    act's offset), ``org:resource`` (经办人), ``org:group`` (单位),
    ``lifecycle:transition=complete`` and ``act_id``. The org chart's acts are left out
    unless ``include_org``. Gzip-compressed when ``path`` ends with ``.gz``. Written as a
    stream (one jurisdiction's cases in memory at a time).
    """
    if activity not in ("kind.act", "act"):
        raise ValueError("activity must be 'kind.act' or 'act'")
    p = Path(path)
    traces = 0
    with open_ledger(db) as ledger, _open_out(p) as fh:
        js = [jurisdiction] if jurisdiction else ledger.jurisdictions()
        qualify = len(js) > 1
        name = f"compliance ledger — {jurisdiction or ', '.join(js) or 'empty'}"
        for line in _header(name):
            fh.write(line)
        for j in js:
            cases: dict[str, list[tuple[datetime, int, str, str, str, str, str]]] = defaultdict(list)
            kinds: dict[str, str] = {}
            for a in ledger.iter_acts(j):
                if a.kind == "org" and not include_org:
                    continue
                label = f"{a.kind}.{a.act}" if activity == "kind.act" else a.act
                cases[a.case].append((a.at, a.seq or 0, a.id, label, a.by, a.unit, a.act))
                kinds.setdefault(a.case, a.kind)
            for case in sorted(cases):
                fh.write("  <trace>\n")
                fh.write("    " + _attr("string", "concept:name", case_key(j, case, qualify=qualify)) + "\n")
                fh.write("    " + _attr("string", "kind", kinds[case]) + "\n")
                fh.write("    " + _attr("string", "jurisdiction", j) + "\n")
                for at, _seq, act_id, label, by, unit, _act in sorted(cases[case], key=lambda e: (e[0], e[1])):
                    fh.write(
                        "    <event>"
                        + _attr("string", "concept:name", label)
                        + _attr("date", "time:timestamp", _xes_time(at))
                        + _attr("string", "org:resource", by)
                        + _attr("string", "org:group", unit)
                        + _attr("string", "lifecycle:transition", "complete")
                        + _attr("string", "act_id", act_id)
                        + "</event>\n"
                    )
                fh.write("  </trace>\n")
                traces += 1
            del cases
        fh.write("</log>\n")
    return traces

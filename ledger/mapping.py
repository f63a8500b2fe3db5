"""Import of real process logs (流程日志导入): CSV and XES through a column mapping.

An event log exported by another system (OA, ERP, a process-mining tool) names its columns
(CSV) or attributes (XES) in its own way. A small YAML *mapping* says which of them is the
case, the activity, the time, the person and the unit, which become the act's ``data``,
and whether unknown people and units are registered on the way — so a real log imports
into a fresh ledger in one command::

    ledger import --mapping examples/bpi2020-domestic/mapping.yaml DomesticDeclarations.xes.gz

which calls ``import_mapped(ledger, log_path, mapping_path, progress=…)``.

The mapping (all keys but ``jurisdiction``/``case``/``activity``/``time`` optional)::

    jurisdiction: tue-domestic        # where the acts go
    kind: process                     # case kind (default: process, the open kind 通用流程)
    format: xes                       # csv | xes; default by the file extension (.csv/.xes, .gz allowed)
    timezone: Europe/Amsterdam        # the log's local time: for times without an offset (REQUIRED
                                      # when the log has any: a naive time is never guessed), and
                                      # with register: the jurisdiction's clock (timezone_set)
    calendar: NL                      # the jurisdiction's working-day calendar (calendar_set): CN
                                      # (PRC, with 调休; the default) or a `holidays` country code
    closed_days: [{date: 2011-04-30, reason: Koninginnedag}]   # its own closed days (day_closed)
    time_format: "%Y-%m-%d"           # strptime format; default ISO 8601 / RFC 3339
    case: "case:concept:name"         # a source name, or {from: NAME, prefix: "F-"}
    activity: concept:name            # → the act name
    time: time:timestamp              # → at
    person: {from: org:resource, default: unrecorded, prefix: ""}   # → by
    role: org:role                    # → data.role
    unit: {const: u-finance}          # → unit: a constant, or {from: NAME, default: …}
    id: id                            # optional: the act id (unique in the log); or
                                      # {from: id, scope: case}: the id is unique within a case
                                      # only (an event repeated in several traces), the act id
                                      # is "<id>@<case>"; without id: a hash of the event's
                                      # content (jurisdiction, case, activity, time, person,
                                      # unit, data) and its number among identical events of
                                      # the case — independent of the order of the rows
    data:                             # explicit data fields: field → source (or {from, type, default})
      amount: {from: "(case)_Amount", type: number}    # types: str number int bool datetime date
    keep_unmapped: true               # every other non-empty source value kept in data under its own name
    case_attributes: all              # all | first: unmapped case-level values on every act or the first only
    drop: [variant, variant-index]    # sources never kept
    csv: {delimiter: ",", encoding: utf-8}
    register: true                    # create unknown people (person_registered) and units
                                      # (unit_created), and the org skeleton (the government unit)
    prescan: true                     # with register: read the log once first for its people and
                                      # units, so all org acts come before the first process act
    government: {id: u-tue, name: "TU/e"}   # the skeleton's government unit (default u-<jurisdiction>)
    unit_type: department             # type of registered units (parent: the government unit)
    packs: [pack.yaml]                # YAML rule packs (relative to the mapping): pack_defined +
                                      # pack_adopted (from: the entry's `from`, else 2000-01-01)

Case-level values: XES trace attributes are named ``case:<key>`` (as pm4py names them), CSV
columns whose name starts with ``case:`` are case-level too. Mapped explicitly (``data:``)
they go on every act; kept by ``keep_unmapped`` they go on every act (``case_attributes:
all``, the default) or only on the case's first act in the file (``first``).

Streaming: CSV is read with the csv module over a text stream, XES with
``xml.etree.ElementTree.iterparse``, each trace cleared (and detached from the root) as soon
as its events are turned into acts, so memory stays bounded by one batch and one trace
(plus, for ids derived from the content, a count per distinct event of each case — for
XES only the current trace's). ``progress(n)`` is called with the number
of bytes of the file on disk consumed since the last call.

Errors: a row (CSV: its line number in the file) or event (XES: ``line`` is the 1-based
trace index; the message names the case id and the event position) that lacks a value,
carries a malformed time or typed value, or fails validation, is reported as a
:class:`~ledger.importer.LineError` naming the source column/attribute; the rest imports.
A bad mapping raises :class:`~domain.errors.LedgerError`.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from domain.acts import SYSTEM_ACTOR, Act
from domain.errors import ActError, LedgerError
from domain.orgfile import EPOCH
from domain.timeutil import format_datetime
from ledger.importer import BATCH, Importer, ImportResult, LineError
from ledger.store import Ledger, org_case

__all__ = ["LogMapping", "import_mapped", "load_mapping"]

TYPES = ("str", "number", "int", "bool", "datetime", "date")


def _bad(key: str, zh: str, en: str) -> LedgerError:
    return LedgerError(f"映射文件错误（{key}）：{zh}", f"mapping error ({key}): {en}", code="bad_mapping")


@dataclass(frozen=True)
class Source:
    """Where one target value comes from: a source name, or a constant, with a default."""

    name: str | None = None
    const: Any = None
    default: Any = None
    prefix: str = ""
    type: str = "str"
    #: For ``id``: ``log`` (unique in the log) or ``case`` (unique within a case: ``<id>@<case>``).
    scope: str = "log"

    @classmethod
    def parse(cls, spec: Any, key: str) -> Source:
        if isinstance(spec, str):
            return cls(name=spec)
        if isinstance(spec, Mapping):
            allowed = {"from", "const", "default", "prefix", "type", *(("scope",) if key == "id" else ())}
            unknown = set(spec) - allowed
            if unknown:
                raise _bad(key, f"未知的键 {sorted(unknown)}", f"unknown keys {sorted(unknown)}")
            if ("from" in spec) == ("const" in spec):
                raise _bad(key, "须给出 from 或 const 之一", "give exactly one of 'from' or 'const'")
            t = str(spec.get("type", "str"))
            if t not in TYPES:
                raise _bad(key, f"不支持的类型 {t}", f"unsupported type '{t}' (types: {', '.join(TYPES)})")
            name = spec.get("from")
            if name is not None and not isinstance(name, str):
                raise _bad(key, "from 必须是字符串", "'from' must be a string")
            scope = str(spec.get("scope") or "log")
            if scope not in ("log", "case"):
                raise _bad(key, "scope 须为 log 或 case", "'scope' must be 'log' or 'case'")
            return cls(name, spec.get("const"), spec.get("default"), str(spec.get("prefix") or ""), t, scope)
        raise _bad(key, "须为来源名或 {from: …}", "expected a source name or {from: …, …}")


@dataclass
class LogMapping:
    """A parsed mapping file (列映射)."""

    path: Path
    jurisdiction: str
    case: Source
    activity: Source
    time: Source
    kind: str = "process"
    format: str | None = None
    #: The log's local time zone; None when the mapping gives none (then a time without an offset is an error).
    timezone: ZoneInfo | None = None
    #: The jurisdiction's working-day calendar (``calendar_set``) and own closed days (``day_closed``).
    calendar: str | None = None
    closed_days: list[dict[str, str]] = field(default_factory=list)
    time_format: str | None = None
    person: Source | None = None
    role: Source | None = None
    unit: Source | None = None
    id: Source | None = None
    data: dict[str, Source] = field(default_factory=dict)
    keep_unmapped: bool = False
    case_attributes: str = "all"
    drop: frozenset[str] = frozenset()
    delimiter: str = ","
    encoding: str = "utf-8"
    register: bool = False
    prescan: bool = True
    government: dict[str, str] = field(default_factory=dict)
    unit_type: str = "department"
    packs: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def root_unit(self) -> str:
        return self.government.get("id") or f"u-{self.jurisdiction}"

    def consumed(self) -> set[str]:
        """Source names that a mapped field uses (not kept again by ``keep_unmapped``)."""
        srcs = [self.case, self.activity, self.time, self.person, self.role, self.unit, self.id, *self.data.values()]
        return {s.name for s in srcs if s is not None and s.name} | set(self.drop)


def load_mapping(path: str | Path) -> LogMapping:
    """Read and check a mapping file; raises :class:`LedgerError` naming the key."""
    p = Path(path)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise LedgerError(f"无法读取映射文件 {p}", f"cannot read mapping file {p}: {e}", code="no_file") from e
    except yaml.YAMLError as e:
        raise _bad(str(p), "YAML 无法解析", f"not valid YAML: {e}") from e
    if not isinstance(doc, Mapping):
        raise _bad(str(p), "须为对象", "the mapping must be a YAML mapping")
    known = {
        "jurisdiction", "kind", "format", "timezone", "time_format", "case", "activity", "time", "person",
        "role", "unit", "id", "data", "keep_unmapped", "case_attributes", "drop", "csv", "register", "prescan",
        "government", "unit_type", "packs", "name", "description", "source", "calendar", "closed_days",
    }  # fmt: skip
    unknown = set(doc) - known
    if unknown:
        raise _bad(", ".join(sorted(unknown)), "未知的键", f"unknown keys {sorted(unknown)}")
    for k in ("jurisdiction", "case", "activity", "time"):
        if not doc.get(k):
            raise _bad(k, "缺少必填项", "missing required key")
    tz: ZoneInfo | None = None
    if doc.get("timezone"):
        tzname = str(doc["timezone"])
        try:
            tz = ZoneInfo(tzname)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise _bad("timezone", f"未知时区 {tzname}", f"unknown time zone '{tzname}'") from e
    tfmt = doc.get("time_format")
    if tz is None and tfmt and "%z" not in str(tfmt):
        raise _bad(
            "timezone",
            f"time_format {tfmt!r} 读出的时间不带时区，须给出 timezone（如 Asia/Shanghai、Europe/Amsterdam）",
            f"times read with time_format {tfmt!r} have no UTC offset: give the log's 'timezone' (an IANA zone, "
            "e.g. Asia/Shanghai, Europe/Amsterdam)",
        )
    calendar = None
    if doc.get("calendar"):
        from domain.calendar import check_calendar

        try:
            calendar = check_calendar(str(doc["calendar"]))
        except ValueError as e:
            raise _bad("calendar", f"未知工作日历 {doc['calendar']}", str(e)) from e
    closed: list[dict[str, str]] = []
    for i, c in enumerate(doc.get("closed_days") or []):
        entry = c if isinstance(c, Mapping) else {"date": c}
        try:
            day = {k: date.fromisoformat(str(entry[k])[:10]).isoformat() for k in ("date", "until") if entry.get(k)}
        except (KeyError, ValueError) as e:
            raise _bad(
                f"closed_days[{i}]", "须为日期或 {date, until, reason}", "expected a date or {date, until, reason}"
            ) from e
        if "date" not in day:
            raise _bad(f"closed_days[{i}]", "缺少 date", "missing 'date'")
        closed.append({**day, **({"reason": str(entry["reason"])} if entry.get("reason") else {})})
    fmt = doc.get("format")
    if fmt is not None and fmt not in ("csv", "xes"):
        raise _bad("format", "须为 csv 或 xes", "must be csv or xes")
    ca = str(doc.get("case_attributes") or "all")
    if ca not in ("all", "first"):
        raise _bad("case_attributes", "须为 all 或 first", "must be 'all' or 'first'")
    data_spec = doc.get("data") or {}
    if not isinstance(data_spec, Mapping):
        raise _bad("data", "须为 字段: 来源 的对象", "must map data fields to sources")
    csv_opts = doc.get("csv") or {}
    packs: list[tuple[Path, str]] = []
    for i, entry in enumerate(doc.get("packs") or []):
        file, since = (entry, EPOCH) if isinstance(entry, str) else (entry.get("file"), entry.get("from", EPOCH))
        if not isinstance(file, str):
            raise _bad(f"packs[{i}]", "须为文件名或 {file, from}", "expected a file name or {file: …, from: …}")
        packs.append(((p.parent / file).resolve(), str(since)))
    gov = doc.get("government") or {}
    if not isinstance(gov, Mapping):
        raise _bad("government", "须为 {id, name}", "expected {id: …, name: …}")

    def src(k: str) -> Source | None:
        return Source.parse(doc[k], k) if doc.get(k) is not None else None

    return LogMapping(
        path=p,
        jurisdiction=str(doc["jurisdiction"]),
        case=Source.parse(doc["case"], "case"),
        activity=Source.parse(doc["activity"], "activity"),
        time=Source.parse(doc["time"], "time"),
        kind=str(doc.get("kind") or "process"),
        format=fmt,
        timezone=tz,
        calendar=calendar,
        closed_days=closed,
        time_format=doc.get("time_format"),
        person=src("person"),
        role=src("role"),
        unit=src("unit"),
        id=src("id"),
        data={str(k): Source.parse(v, f"data.{k}") for k, v in data_spec.items()},
        keep_unmapped=bool(doc.get("keep_unmapped", False)),
        case_attributes=ca,
        drop=frozenset(str(x) for x in doc.get("drop") or ()),
        delimiter=str(csv_opts.get("delimiter", ",")),
        encoding=str(csv_opts.get("encoding", "utf-8")),
        register=bool(doc.get("register", False)),
        prescan=bool(doc.get("prescan", True)),
        government={str(k): str(v) for k, v in gov.items()},
        unit_type=str(doc.get("unit_type") or "department"),
        packs=packs,
    )


# ---- reading the files ------------------------------------------------------------------
class _Counting(io.RawIOBase):
    """A binary file that counts the bytes read from disk (for progress by bytes)."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = self.fh.readinto(b)  # type: ignore[attr-defined]
        self.count += n or 0
        return n or 0

    def close(self) -> None:
        self.fh.close()
        super().close()


@dataclass
class Record:
    """One event as read: its values by source name, where it is, and which are case-level."""

    values: dict[str, Any]
    line: int
    where: str  # "" for CSV; "case 'X', event 3" for XES
    first_of_case: bool = True


def _xes_value(v: str, tag: str) -> Any:
    if tag.endswith("string") or tag.endswith("date") or tag.endswith("id"):
        return v
    try:
        if tag.endswith("int"):
            return int(v)
        if tag.endswith("float"):
            return float(v)
    except ValueError:
        return v
    if tag.endswith("boolean"):
        return v.strip().lower() == "true"
    return v


def _attrs(el: ET.Element, prefix: str = "") -> dict[str, Any]:
    """The attributes (key/value children) of a trace or event; events, traces, and nested
    attributes' children are not included."""
    out: dict[str, Any] = {}
    for child in el:
        key = child.get("key")  # events and traces have no key
        if key is not None:
            v = child.get("value")
            out[prefix + key] = None if v is None else _xes_value(v, child.tag)
    return out


def _is(tag: str, name: str) -> bool:
    return tag == name or tag.endswith("}" + name)


def iter_xes(fh: IO[bytes]) -> Iterator[Record]:
    """XES events, one trace at a time (iterparse; each trace cleared after use).

    After a trace is turned into records, the log element is cleared, which drops the trace
    (and the log's header elements already read) from the tree: memory holds one trace.
    """
    ctx = ET.iterparse(fh, events=("start", "end"))
    try:
        _ev, root = next(ctx)
    except StopIteration:
        return
    t_index = 0
    for ev, el in ctx:
        if ev == "start" or not _is(el.tag, "trace"):
            continue
        t_index += 1
        trace_attrs = _attrs(el, "case:")
        cid = trace_attrs.get("case:concept:name", "")
        n = 0
        for child in el:
            if not _is(child.tag, "event"):
                continue
            n += 1
            values = {**trace_attrs, **_attrs(child)}
            yield Record(values, t_index, f"case '{cid}', event {n}", first_of_case=n == 1)
        el.clear()
        root.clear()


def iter_csv(text: IO[str], delimiter: str, case_col: str | None) -> Iterator[Record]:
    """CSV rows as records (line = the row's line number in the file, header = 1)."""
    reader = csv.DictReader(text, delimiter=delimiter)
    seen: set[str] = set()
    for row in reader:
        cid = row.get(case_col) if case_col else None
        first = cid not in seen
        if first and cid is not None:
            seen.add(cid)
        values = {k: v for k, v in row.items() if k is not None and v is not None}
        if None in row:  # more cells than header names
            values["__extra__"] = row[None]  # type: ignore[index]
        yield Record(values, reader.line_num, "", first_of_case=first)


# ---- turning a record into a contract act -----------------------------------------------
class _RowError(Exception):
    def __init__(self, field: str, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.field, self.code, self.zh, self.en = field, code, zh, en


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


class _Converter:
    """Record → contract object, by the mapping."""

    def __init__(self, m: LogMapping) -> None:
        self.m = m
        self.consumed = m.consumed()
        #: Per case, how many events of each content were seen (derived ids of identical events).
        self.seen: dict[str, dict[str, int]] = {}

    def time(self, v: Any, src: str, *, iso_first: bool = False) -> str:
        """RFC 3339 text of a source time: ``time_format`` if given (data fields: ISO 8601 first)."""
        m = self.m
        formats: list[str | None] = [m.time_format] if m.time_format else []
        formats = [None, *formats] if iso_first or not formats else formats
        dt: datetime | None = None
        err: Exception | None = None
        for fmt in formats:
            try:
                if isinstance(v, datetime):
                    dt = v
                elif fmt:
                    dt = datetime.strptime(str(v).strip(), fmt)
                else:
                    text = str(v).strip()
                    if text.endswith(("Z", "z")):
                        text = text[:-1] + "+00:00"
                    dt = datetime.fromisoformat(text)
                break
            except (ValueError, TypeError) as e:
                err = e
        if dt is None:
            raise _RowError(
                src,
                "bad_time",
                f"时间格式错误: {v!r}",
                f"malformed time {v!r}" + (f" (expected {m.time_format})" if m.time_format else f": {err}"),
            )
        if dt.tzinfo is None:
            if m.timezone is None:
                raise _RowError(
                    src,
                    "no_timezone",
                    f"时间 {v!r} 不带时区，映射文件也未给出 timezone：请在映射中写明日志的时区（如 timezone: Asia/Shanghai）",
                    f"time {v!r} has no UTC offset and the mapping gives no 'timezone': say which zone the log's "
                    "times are in (e.g. timezone: Asia/Shanghai)",
                )
            dt = dt.replace(tzinfo=m.timezone)
        return format_datetime(dt)

    def derived_id(self, rec: Record, case: str, act: str, at: str, by: str, unit: str, data: dict[str, Any]) -> str:
        """An act id from the event's content and its number among identical events of its case.

        The order of the rows does not change it (a log re-exported in another order imports
        as the same acts); two identical events in one case are two acts. For XES the count
        restarts with each trace (memory: one trace).
        """
        body = json.dumps([case, act, at, by, unit, data], sort_keys=True, ensure_ascii=False, default=str)
        digest = hashlib.sha256(f"{self.m.jurisdiction}\x1f{body}".encode()).hexdigest()[:24]
        if rec.where and rec.first_of_case:  # XES: a new trace — only its events are counted
            self.seen.clear()
        counts = self.seen.setdefault(case, {})
        n = counts.get(digest, 0)
        counts[digest] = n + 1
        return f"m-{digest}" if n == 0 else f"m-{digest}-{n}"

    def value(self, s: Source, rec: Record, target: str, *, required: bool = False) -> Any:
        v = s.const if s.name is None else rec.values.get(s.name)
        if _blank(v):
            if not _blank(s.default):
                return s.default  # as given: neither typed nor prefixed
            if required:
                src = s.name or target
                raise _RowError(
                    src, "missing_field", f"缺少 {src} 的值（{target}）", f"no value for '{src}' ({target})"
                )
            return None
        try:
            v = self.typed(v, s.type)
        except (ValueError, TypeError) as e:
            raise _RowError(
                s.name or target,
                "wrong_type",
                f"{s.name or target} 的值 {v!r} 不是 {s.type}",
                f"value {v!r} of '{s.name or target}' is not a {s.type}",
            ) from e
        if s.prefix:
            v = f"{s.prefix}{v}"
        return v

    def typed(self, v: Any, t: str) -> Any:
        if t == "str":
            return v if isinstance(v, str) else (str(v) if not isinstance(v, bool) else str(v).lower())
        if t == "number":
            if isinstance(v, bool):
                raise ValueError(v)
            f = float(v)
            return int(f) if f.is_integer() and "." not in str(v) and "e" not in str(v).lower() else f
        if t == "int":
            if isinstance(v, bool):
                raise ValueError(v)
            f = float(v)
            if not f.is_integer():
                raise ValueError(v)
            return int(f)
        if t == "bool":
            if isinstance(v, bool):
                return v
            s = str(v).strip().lower()
            if s in ("true", "yes", "1", "是"):
                return True
            if s in ("false", "no", "0", "否"):
                return False
            raise ValueError(v)
        if t == "datetime":
            try:
                return self.time(v, "", iso_first=True)
            except _RowError as e:
                raise ValueError(e.en) from e
        if t == "date":
            return date.fromisoformat(str(v).strip()[:10]).isoformat()
        raise ValueError(t)

    def convert(self, rec: Record) -> dict[str, Any]:
        m = self.m
        case = self.value(m.case, rec, "case", required=True)
        act = self.value(m.activity, rec, "act", required=True)
        tv = rec.values.get(m.time.name) if m.time.name else m.time.const
        if _blank(tv):
            tv = m.time.default
        if _blank(tv):
            src = m.time.name or "time"
            raise _RowError(src, "missing_field", f"缺少 {src} 的值（时间）", f"no value for '{src}' (time)")
        at = self.time(tv, m.time.name or "time")
        by = self.value(m.person, rec, "by", required=True) if m.person else SYSTEM_ACTOR
        unit = self.value(m.unit, rec, "unit", required=True) if m.unit else m.root_unit
        case, act, by, unit = str(case), str(act), str(by), str(unit)
        aid = self.value(m.id, rec, "id") if m.id else None
        if aid is not None and m.id is not None and m.id.scope == "case":
            aid = f"{aid}@{case}"
        data: dict[str, Any] = {}
        if m.keep_unmapped:
            keep_case = rec.first_of_case or m.case_attributes == "all"
            for k, v in rec.values.items():
                if k in self.consumed or _blank(v) or (not keep_case and k.startswith("case:")):
                    continue
                data[k] = v
        if m.role is not None:
            role = self.value(m.role, rec, "data.role")
            if role is not None:
                data["role"] = role
        for name, s in m.data.items():
            v = self.value(s, rec, f"data.{name}")
            if v is not None:
                data[name] = v
        if aid is None:
            aid = self.derived_id(rec, case, act, at, by, unit, data)
        return {
            "id": str(aid),
            "jurisdiction": m.jurisdiction,
            "case": case,
            "kind": m.kind,
            "act": act,
            "at": at,
            "by": by,
            "unit": unit,
            "data": data,
        }


# ---- the org skeleton ---------------------------------------------------------------------
def _org_act(jur: str, root: str, act: str, data: dict[str, Any], on: str, tz: ZoneInfo) -> dict[str, Any]:
    """An org act with the id scheme of :mod:`domain.orgfile` (an org file with the same entry dedupes)."""
    body = json.dumps([act, on, data], sort_keys=True, ensure_ascii=False, default=str)
    aid = "org-" + hashlib.sha256(f"{jur}\x1f{body}".encode()).hexdigest()[:16]
    at = datetime.combine(date.fromisoformat(on), datetime.min.time(), tz).isoformat()
    return {
        "id": aid,
        "jurisdiction": jur,
        "case": org_case(jur),
        "kind": "org",
        "act": act,
        "at": at,
        "by": SYSTEM_ACTOR,
        "unit": root,
        "data": data,
    }


def _pack_id(path: Path, text: str, m: LogMapping) -> str:
    """The id of the pack in ``path``, which must compile — and must not read a field under the
    name this mapping consumed (always absent): else nothing is imported, and the error names
    the pack file and its line (not the mapping)."""
    from domain.rules.packcheck import located_error
    from domain.rules.yamlpack import PackError, load_pack

    try:
        cp = load_pack(text)
    except PackError as e:
        raise located_error(e, str(path)) from e
    renamed = cp.renamed_fields(renamed_sources(m))
    if renamed:
        raise located_error(renamed[0], str(path))
    return cp.id


class _Org:
    """Org acts the import needs first: the skeleton, the packs, newly seen people and units."""

    def __init__(self, m: LogMapping, importer: Importer) -> None:
        self.m = m
        self.validator = importer.validator
        self.new_people: set[str] = set()
        self.new_units: set[str] = set()

    def _chart(self) -> Any:
        return self.validator.org(self.m.jurisdiction)

    @property
    def tz(self) -> ZoneInfo | Any:
        """The zone of the org acts' dates: the mapping's, else the jurisdiction's (default Asia/Shanghai)."""
        return self.m.timezone or self._chart().tz

    def skeleton(self) -> list[dict[str, Any]]:
        m, jur, tz = self.m, self.m.jurisdiction, self.tz
        out: list[dict[str, Any]] = []
        if m.register and not self._chart().is_unit(m.root_unit):
            if m.timezone is not None:
                out.append(_org_act(jur, m.root_unit, "timezone_set", {"timezone": m.timezone.key}, EPOCH, tz))
            gov = {"id": m.root_unit, "name": m.government.get("name") or jur, "type": "government"}
            out.append(_org_act(jur, m.root_unit, "unit_created", gov, EPOCH, tz))
        if m.calendar is not None:
            out.append(_org_act(jur, m.root_unit, "calendar_set", {"calendar": m.calendar}, EPOCH, tz))
        for closed in m.closed_days:
            out.append(_org_act(jur, m.root_unit, "day_closed", closed, EPOCH, tz))
        for path, since in m.packs:
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as e:
                raise LedgerError(f"无法读取规则包 {path}", f"cannot read rule pack {path}: {e}", code="no_file") from e
            pid = _pack_id(path, text, m)
            on = since[:10]
            out.append(_org_act(jur, m.root_unit, "pack_defined", {"pack": pid, "source": text}, on, tz))
            out.append(_org_act(jur, m.root_unit, "pack_adopted", {"pack": pid, "from": on}, on, tz))
        return out

    def for_acts(self, raws: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``person_registered``/``unit_created`` for people and units these acts name first."""
        if not self.m.register:
            return []
        chart = self._chart()
        out: list[dict[str, Any]] = []
        jur, root, tz = self.m.jurisdiction, self.m.root_unit, self.tz
        for r in raws:
            u = r["unit"]
            if u != root and u not in self.new_units and not chart.is_unit(u):
                self.new_units.add(u)
                d = {"id": u, "name": u, "type": self.m.unit_type, "parent": root}
                out.append(_org_act(jur, root, "unit_created", d, EPOCH, tz))
            p = r["by"]
            if p != SYSTEM_ACTOR and p not in self.new_people and not chart.is_person(p):
                self.new_people.add(p)
                out.append(_org_act(jur, root, "person_registered", {"id": p, "name": p}, EPOCH, tz))
        return out


# ---- the import ----------------------------------------------------------------------------
def _format_of(path: Path, m: LogMapping) -> str:
    if m.format:
        return m.format
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".xes"):
        return "xes"
    if name.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    raise LedgerError(
        f"无法判断日志格式: {path.name}（请在映射中写 format: csv|xes）",
        f"cannot tell the log format of {path.name} (set format: csv|xes in the mapping)",
        code="unsupported_file",
    )


def _open_log(path: Path) -> _Counting:
    try:
        return _Counting(path.open("rb"))
    except OSError as e:
        raise LedgerError(f"文件不存在: {path}", f"cannot open {path}: {e}", code="no_file") from e


def _records(counter: _Counting, path: Path, fmt: str, m: LogMapping) -> Iterator[Record]:
    binary: IO[bytes] = gzip.GzipFile(fileobj=counter) if path.name.endswith(".gz") else counter  # type: ignore[assignment]
    if fmt == "xes":
        return iter_xes(binary)
    text = io.TextIOWrapper(binary, encoding=m.encoding, newline="")  # type: ignore[arg-type]
    return iter_csv(text, m.delimiter, m.case.name)


def _prescan(path: Path, fmt: str, m: LogMapping) -> list[dict[str, Any]]:
    """The (person, unit) pairs the log names, read in a first pass (``register`` + ``prescan``).

    Registering them all before the first act keeps the org acts at the head of the chain:
    the audit projection re-evaluates a whole jurisdiction for every batch that holds an org
    act, so people registered as they turn up deep in a big log would make it quadratic.
    """
    conv = _Converter(m)
    seen: dict[tuple[str, str], None] = {}
    with _open_log(path) as counter:
        try:
            for rec in _records(counter, path, fmt, m):
                try:
                    by = str(conv.value(m.person, rec, "by", required=True)) if m.person else SYSTEM_ACTOR
                    unit = str(conv.value(m.unit, rec, "unit", required=True)) if m.unit else m.root_unit
                except _RowError:
                    continue  # reported by the import pass
                seen.setdefault((by, unit))
        except (ET.ParseError, csv.Error, UnicodeDecodeError, EOFError, gzip.BadGzipFile):
            pass  # reported by the import pass
    return [{"by": b, "unit": u} for b, u in seen]


def _refuse_naive_times(path: Path, fmt: str, m: LogMapping) -> None:
    """A mapping without ``timezone`` over a log whose times carry no offset: refused before anything is stored."""
    conv = _Converter(m)
    with _open_log(path) as counter:
        try:
            for rec in _records(counter, path, fmt, m):
                tv = rec.values.get(m.time.name) if m.time.name else m.time.const
                if _blank(tv):
                    continue
                try:
                    conv.time(tv, m.time.name or "time")
                except _RowError as e:
                    if e.code == "no_timezone":
                        where = f"{path.name}:{rec.line}" + (f" ({rec.where})" if rec.where else "")
                        raise LedgerError(f"{where}: {e.zh}", f"{where}: {e.en}", code="no_timezone") from None
                return  # the first time tells: it has an offset (a later naive one is reported by its row)
        except (ET.ParseError, csv.Error, UnicodeDecodeError, EOFError, gzip.BadGzipFile):
            return  # reported by the import pass


_TOP = {"at": "time", "case": "case", "act": "activity", "by": "person", "unit": "unit", "id": "id"}


def import_mapped(
    ledger: Ledger,
    log_path: str | Path,
    mapping_path: str | Path,
    *,
    progress: Callable[[int], None] | None = None,
    rows: Callable[[int], None] | None = None,
    batch: int = BATCH,
) -> ImportResult:
    """Import a CSV(.gz) or XES(.gz) process log into ``ledger`` through a mapping file.

    Returns an :class:`ImportResult` (imported / duplicate / rejected with row or trace
    numbers and fields). Re-importing the same log stores nothing new. ``progress(n)`` is
    called with the bytes of the log file consumed since the last call, during the import
    pass (the ``prescan`` pass for people and units, if any, reports nothing); ``rows(n)``
    with the rows (CSV) or events (XES) read since the last call, at the same moments.
    """
    m = load_mapping(mapping_path)
    path = Path(log_path)
    fmt = _format_of(path, m)
    source = str(path)
    importer = Importer(ledger, jurisdiction=m.jurisdiction, batch=batch)
    org = _Org(m, importer)
    res = ImportResult()

    if m.timezone is None:
        _refuse_naive_times(path, fmt, m)
    skeleton = org.skeleton()
    if m.register and m.prescan and any(s is not None and s.name for s in (m.person, m.unit)):
        skeleton += org.for_acts(_prescan(path, fmt, m))
    if skeleton:
        _flush(importer, [(0, r, "") for r in skeleton], str(m.path), m, res)
    conv = _Converter(m)
    reported = 0
    read = read_reported = 0

    def report() -> None:
        nonlocal reported, read_reported
        if progress and counter.count > reported:
            progress(counter.count - reported)
        if rows and read > read_reported:
            rows(read - read_reported)
        reported, read_reported = counter.count, read

    with _open_log(path) as counter:
        records = _records(counter, path, fmt, m)
        chunk: list[tuple[int, dict[str, Any], str]] = []
        last = 0
        try:
            for rec in records:
                last = rec.line
                read += 1
                try:
                    raw = conv.convert(rec)
                except _RowError as e:
                    res.rejected.append(_line_error(source, rec.line, rec.where, e.field, e.code, e.zh, e.en))
                    continue
                chunk.append((rec.line, raw, rec.where))
                if len(chunk) >= batch:
                    _flush(importer, chunk, source, m, res, org)
                    chunk = []
                    report()
        except (ET.ParseError, csv.Error, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as e:
            # the file itself is broken here: what was read before still imports, the rest cannot
            where = f"XML line {e.position[0]}" if isinstance(e, ET.ParseError) else f"after record {last}"
            res.rejected.append(
                LineError(
                    source,
                    e.position[0] if isinstance(e, ET.ParseError) else last + 1,
                    "",
                    "bad_file",
                    f"文件在此处损坏（{where}），其后内容未导入: {e}",
                    f"the file is broken here ({where}); nothing after it was imported: {e}",
                )
            )
        if chunk:
            _flush(importer, chunk, source, m, res, org)
        report()
    return res


def _line_error(source: str, line: int, where: str, field: str, code: str, zh: str, en: str) -> LineError:
    if where:
        zh, en = f"{where}: {zh}", f"{where}: {en}"
    return LineError(source, line, field, code, zh, en)


def _flush(
    importer: Importer,
    chunk: list[tuple[int, dict[str, Any], str]],
    source: str,
    m: LogMapping,
    res: ImportResult,
    org: _Org | None = None,
) -> None:
    """Validate one batch (with the org acts it needs first) and append it."""
    if org is not None:
        chunk = [(0, r, "") for r in org.for_acts([r for _n, r, _w in chunk])] + chunk
    v = importer.validator
    v.prefetch([r for _n, r, _w in chunk])
    pending: list[Act] = []
    numbers: list[int] = []
    for n, raw, where in chunk:
        try:
            act = v.validate(raw)
        except ActError as e:
            top = _TOP.get(e.field)
            src = getattr(m, top) if top else None
            fname = src.name if isinstance(src, Source) and src.name else e.field
            res.rejected.append(_line_error(source, n, where, fname, e.code, e.message_zh, e.message_en))
            continue
        pending.append(act)
        numbers.append(n)
    if pending:
        importer._append(pending, numbers, source, res)


# ---- reading a log for a pack check (nothing stored) ------------------------------------------------
def renamed_sources(m: LogMapping) -> dict[str, str]:
    """What the mapping made of the source names it consumed (``'(case)_Amount' → 'renamed data.amount'``)
    — a rule that reads them under their old name reads nothing."""
    out = {name: "dropped" for name in m.drop}
    top = {"case": m.case, "act": m.activity, "at": m.time, "by": m.person, "unit": m.unit, "id": m.id}
    for target, src in top.items():
        if src is not None and src.name:
            out[src.name] = f"the act's '{target}'"
    if m.role is not None and m.role.name and m.role.name != "role":
        out[m.role.name] = "renamed data.role"
    for target, src in m.data.items():
        if src.name and src.name != target:
            out[src.name] = f"renamed data.{target}"
    for target in ("role", *m.data):
        out.pop(target, None)  # a field of that name is there after the mapping
    return out


def mapped_acts(log_path: str | Path, m: LogMapping, *, sample: int | None = None) -> tuple[list[Act], int]:
    """The acts of a log read through its mapping, stored nowhere (to check a pack against it):
    every act of the first ``sample`` cases (all cases when None), in file order (``seq``), and
    the number of rows the import would refuse (a missing value, a malformed time …)."""
    from dataclasses import replace

    from domain.acts import validate_act

    path = Path(log_path)
    fmt = _format_of(path, m)
    conv = _Converter(m)
    acts: list[Act] = []
    taken: set[str] = set()
    refused = 0
    with _open_log(path) as counter:
        try:
            for rec in _records(counter, path, fmt, m):
                try:
                    raw = conv.convert(rec)
                    if raw["case"] not in taken:
                        if sample is not None and len(taken) >= sample:
                            if fmt == "xes":
                                break  # a trace holds its case whole: the sample is complete
                            continue
                        taken.add(raw["case"])
                    act = validate_act(raw, jurisdiction=m.jurisdiction)
                except (_RowError, ActError):
                    refused += 1
                    continue
                acts.append(replace(act, seq=len(acts) + 1))
        except (ET.ParseError, csv.Error, UnicodeDecodeError, EOFError, gzip.BadGzipFile):
            refused += 1  # the file is broken here; what was read before is checked
    return acts, refused

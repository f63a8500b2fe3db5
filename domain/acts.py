"""Acts (行为记录): the immutable facts the ledger stores.

An :class:`Act` is one thing that happened in a case: a request filed, a document signed, a
seal used, leave granted, an incident reported, a deadline missed. Acts are facts in the past
tense and never change; a correction is a new act (``corrected`` 更正 / ``retracted`` 撤回).

The contract (``docs/act-log.md``, generated from :mod:`domain.kinds`) names for each case kind the acts it may hold and
the data they carry; :mod:`domain.kinds` spells that out as :class:`ActSpec` tables and
:func:`validate_act` turns a raw JSON object into a typed :class:`Act` or raises
:class:`~domain.errors.ActError` naming the field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, tzinfo
from types import MappingProxyType
from typing import Any

import orjson

from domain.errors import ActError
from domain.system_cases import check_case_id
from domain.timeutil import CHINA_TZ, MAX_YEAR, MIN_YEAR, check_year, format_datetime, parse_date, parse_datetime

#: Fields every act carries (内容全、时间准、责任明 — standardization:篇四(二)3).
REQUIRED_TOP_FIELDS = ("case", "kind", "act", "at", "by", "unit")

_ALL_TOP_FIELDS = ("id", *REQUIRED_TOP_FIELDS)
_ID_FIELDS = ("id", "case", "kind", "act", "by", "unit", "jurisdiction")

#: The actor id the ledger itself uses (the clock, imports of the org chart).
SYSTEM_ACTOR = "system"


@dataclass(frozen=True, slots=True)
class FieldType:
    """A data field's type: ``name`` for messages, ``parse`` to convert/validate, ``dump`` to JSON."""

    name: str
    parse: Callable[[Any], Any]
    dump: Callable[[Any], Any] = lambda v: v
    ref: str | None = None  # "person" | "unit" | "post" when the value names an org entity


def _str(v: Any) -> str:
    if isinstance(v, bool) or not isinstance(v, (str, int)):
        raise ValueError("expected a string")
    return str(v)


def _bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.lower() in ("true", "false", "yes", "no", "是", "否"):
        return v.lower() in ("true", "yes", "是")
    raise ValueError("expected true or false")


def _int(v: Any) -> int:
    if isinstance(v, bool):
        raise ValueError("expected a whole number")
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and v.strip().lstrip("-").isdigit():
        return int(v)
    raise ValueError("expected a whole number")


def _number(v: Any) -> float | int:
    if isinstance(v, bool):
        raise ValueError("expected a number")
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            pass
    raise ValueError("expected a number")


def _datetime(v: Any) -> datetime:
    """A time in ``data``: RFC 3339 with an offset, like ``at`` — a time of day without one is
    ambiguous and refused, never guessed to be Beijing time. A bare date (``2024-03-31``) is a
    day, not a time: its midnight, Beijing time, which a deadline reads as the whole day
    (:func:`domain.timeutil.deadline_end`). Within the accepted years."""
    is_day = isinstance(v, str) and len(v.strip()) == 10
    dt = parse_datetime(v, default_tz=CHINA_TZ if is_day else None)
    check_year(dt)
    return dt


def _date(v: Any) -> date:
    d = parse_date(v)
    check_year(d)
    return d


def _str_list(v: Any) -> tuple[str, ...]:
    if isinstance(v, str):
        return (v,)
    if not isinstance(v, (list, tuple)):
        raise ValueError("expected a list of strings")
    return tuple(_str(x) for x in v)


def enum(*choices: str) -> FieldType:
    """A string that must be one of ``choices``."""

    def parse(v: Any) -> str:
        s = _str(v)
        if s not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}")
        return s

    return FieldType("|".join(choices), parse)


STR = FieldType("string", _str)
BOOL = FieldType("boolean", _bool)
INT = FieldType("integer", _int)
NUMBER = FieldType("number", _number)
DATETIME = FieldType("datetime", _datetime, format_datetime)
DATE = FieldType("date", _date, lambda d: d.isoformat())
STR_LIST = FieldType("list of strings", _str_list, list)
PERSON = FieldType("person id", _str, ref="person")
PERSON_LIST = FieldType("list of person ids", _str_list, list, ref="person")
UNIT = FieldType("unit id", _str, ref="unit")
UNIT_LIST = FieldType("list of unit ids", _str_list, list, ref="unit")
POST = FieldType("post id", _str, ref="post")
POST_LIST = FieldType("list of post ids", _str_list, list, ref="post")


def _object(v: Any) -> dict[str, Any]:
    if not isinstance(v, Mapping):
        raise ValueError("expected an object")
    return dict(v)


OBJECT = FieldType("object", _object)


def _timezone(v: Any) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    s = _str(v)
    try:
        ZoneInfo(s)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ValueError(f"unknown time zone '{s}'") from e
    return s


TIMEZONE = FieldType("IANA time zone", _timezone)
#: A leader or office addressed: a post id or a person id (报送对象).
ADDRESSEE = FieldType("post or person id", _str)
ADDRESSEE_LIST = FieldType("list of post or person ids", _str_list, list)


@dataclass(frozen=True, slots=True)
class DataField:
    """One field of an act's ``data`` (数据项)."""

    name: str
    type: FieldType
    required: bool = False
    zh: str = ""


_FIELD_INDEX: dict[int, dict[str, DataField]] = {}


@dataclass(frozen=True, slots=True)
class ActSpec:
    """What one act of a case kind is and carries (行为类型)."""

    name: str
    zh: str
    en: str
    fields: tuple[DataField, ...] = ()

    def field(self, name: str) -> DataField | None:
        by_name = _FIELD_INDEX.get(id(self))
        if by_name is None:
            by_name = _FIELD_INDEX[id(self)] = {f.name: f for f in self.fields}
        return by_name.get(name)


@dataclass(frozen=True, slots=True)
class CaseKind:
    """A kind of case (案件类型), e.g. ``incident`` 突发事件, and the acts it may hold."""

    name: str
    zh: str
    en: str
    acts: Mapping[str, ActSpec]
    #: An open kind accepts any act name (a process imported from another system, 通用流程).
    open: bool = False


def F(name: str, type_: FieldType, zh: str = "", *, required: bool = False) -> DataField:  # noqa: N802
    """Shorthand for a :class:`DataField` in the schema tables."""
    return DataField(name, type_, required, zh)


@dataclass(frozen=True, slots=True)
class Act:
    """One stored fact (一条行为记录). Immutable; corrections are new acts.

    ``at`` is business time (业务时间, when it happened); ``recorded_at`` is when the ledger
    stored it (记录时间); ``seq`` its position in the jurisdiction's hash chain.
    """

    id: str
    jurisdiction: str
    case: str
    kind: str
    act: str
    at: datetime
    by: str
    unit: str
    data: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    recorded_at: datetime | None = None
    seq: int | None = None

    def get(self, name: str, default: Any = None) -> Any:
        """A data field, or ``default`` when absent."""
        return self.data.get(name, default)

    def to_contract(self) -> dict[str, Any]:
        """The act as the interchange contract's JSON object (act-log.md)."""
        return {
            "id": self.id,
            "jurisdiction": self.jurisdiction,
            "case": self.case,
            "kind": self.kind,
            "act": self.act,
            "at": format_datetime(self.at),
            "by": self.by,
            "unit": self.unit,
            "data": dump_data(self.kind, self.act, self.data),
        }


@dataclass(frozen=True, slots=True)
class OrgRefs:
    """What the validator may ask of the org chart (只读引用检查)."""

    is_person: Callable[[str], bool]
    is_unit: Callable[[str], bool]
    is_post: Callable[[str], bool]


_KINDS: Mapping[str, CaseKind] | None = None
_ANY: Mapping[str, ActSpec] = {}
_SPECS: dict[tuple[str, str], ActSpec | None] = {}


def _kinds() -> Mapping[str, CaseKind]:
    global _KINDS, _ANY
    if _KINDS is None:
        from domain.kinds import ANY_KIND_ACTS, KINDS

        _KINDS, _ANY = KINDS, ANY_KIND_ACTS
    return _KINDS


def act_spec(kind: str, act: str) -> ActSpec | None:
    """The spec of ``act`` in case kind ``kind``, including the acts open to any kind."""
    key = (kind, act)
    try:
        return _SPECS[key]
    except KeyError:
        pass
    k = _kinds().get(kind)
    spec = None if k is None else (k.acts.get(act) or _ANY.get(act))
    if spec is None and k is not None and k.open and isinstance(act, str) and act.strip():
        spec = ActSpec(act, act, act)
    _SPECS[key] = spec
    return spec


def dump_data(kind: str, act: str, data: Mapping[str, Any], skip: Container[str] = ()) -> dict[str, Any]:
    """Typed data back to JSON-compatible values (but for the fields named in ``skip``)."""
    spec = act_spec(kind, act)
    out: dict[str, Any] = {}
    for k, v in data.items():
        if k in skip:
            continue
        f = spec.field(k) if spec else None
        if f is not None and v is not None:
            out[k] = f.type.dump(v)
        elif isinstance(v, datetime):
            out[k] = format_datetime(v)
        elif isinstance(v, date):
            out[k] = v.isoformat()
        elif isinstance(v, tuple):
            out[k] = list(v)
        else:
            out[k] = v
    return out


#: How large one act may be, serialised (一条记录的大小上限): 256 KiB by default (a rule pack's
#: YAML travels in one act); the ledger's validator takes ``LEDGER_MAX_ACT_BYTES``.
MAX_ACT_BYTES = 256 * 1024
#: How deep an act's JSON may nest (objects and lists inside one another).
MAX_DEPTH = 64
_INT64 = (-(2**63), 2**64 - 1)


def _too_deep(obj: Any, limit: int) -> str | None:
    """Where a value nests deeper than ``limit`` levels (its path, given to two levels, e.g.
    ``data.x``), else None. Walked without recursion."""
    stack: list[tuple[Any, int, str]] = [(obj, 1, "")]
    while stack:
        o, depth, path = stack.pop()
        if not isinstance(o, (Mapping, list, tuple)):
            continue
        if depth > limit:
            return path or "?"
        if isinstance(o, Mapping):
            for k, v in o.items():
                stack.append((v, depth + 1, (f"{path}.{k}" if path else str(k)) if depth < 3 else path))
        else:
            for i, v in enumerate(o):
                stack.append((v, depth + 1, f"{path}[{i}]" if depth < 3 else path))
    return None


def _unstorable(obj: Any, path: str = "") -> str | None:
    """The path of the first value JSON cannot carry faithfully: an integer beyond 64 bits, a
    NaN or an infinity (else None). Walked only after serialising failed or looked suspect."""
    stack: list[tuple[Any, str]] = [(obj, path)]
    while stack:
        o, p = stack.pop()
        if isinstance(o, bool):
            continue
        if isinstance(o, int) and not _INT64[0] <= o <= _INT64[1]:
            return p or "?"
        if isinstance(o, float) and not math.isfinite(o):
            return p or "?"
        if isinstance(o, Mapping):
            stack.extend((v, f"{p}.{k}" if p else str(k)) for k, v in o.items())
        elif isinstance(o, (list, tuple)):
            stack.extend((v, f"{p}[{i}]") for i, v in enumerate(o))
    return None


def _serialised(raw: Mapping[str, Any], max_bytes: int) -> bytes:
    """The act as JSON once, for the checks that need it: depth, size, values JSON cannot hold."""
    try:
        blob = orjson.dumps(raw)
    except TypeError:  # orjson.JSONEncodeError: a huge integer, a lone surrogate, too deep …
        blob = b""
    # Nesting deeper than MAX_DEPTH takes more than MAX_DEPTH opening brackets: only then walk it.
    if not blob or blob.count(b"{") + blob.count(b"[") > MAX_DEPTH:
        deep = _too_deep(raw, MAX_DEPTH)
        if deep is not None:
            raise _err(
                deep,
                f"字段 {deep} 嵌套超过 {MAX_DEPTH} 层",
                f"'{deep}' is nested deeper than {MAX_DEPTH} levels",
                "too_deep",
            )
    if not blob or b"null" in blob:  # orjson writes NaN and infinities as null
        bad = _unstorable(raw)
        if bad is not None:
            raise _err(
                bad,
                f"字段 {bad} 的数值无法存储（超出 64 位整数，或为 NaN/无穷大）",
                f"'{bad}' holds a number that cannot be stored (beyond 64-bit, NaN or infinite)",
                "bad_number",
            )
    if len(blob) > max_bytes:
        raise _err(
            "",
            f"行为记录过大：{len(blob)} 字节，上限 {max_bytes} 字节",
            f"the act is too large: {len(blob)} bytes, at most {max_bytes}",
            "act_too_large",
        )
    return blob


#: Control characters (C0 and DEL) have no place in an identifier (ids, case, person, unit …).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _control_chars(obj: Any, path: str = "") -> str | None:
    """The path of the first string holding a NUL (no database stores it), else None."""
    if isinstance(obj, str):
        return path or "?" if "\x00" in obj else None
    if isinstance(obj, Mapping):
        for k, v in obj.items():
            hit = _control_chars(v, f"{path}.{k}" if path else str(k))
            if hit is not None:
                return hit
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            hit = _control_chars(v, f"{path}[{i}]")
            if hit is not None:
                return hit
    return None


def _err(field: str, zh: str, en: str, code: str = "invalid_field") -> ActError:
    return ActError(field, zh, en, code=code)


def validate_act(
    raw: Mapping[str, Any],
    *,
    jurisdiction: str,
    refs: OrgRefs | None = None,
    case_kind_of: Callable[[str], str | None] | None = None,
    allow_clock_acts: bool = False,
    max_bytes: int = MAX_ACT_BYTES,
) -> Act:
    """Turn a raw contract object into a typed :class:`Act`, or raise :class:`ActError`.

    Refuses only what is malformed (a missing/mistyped field, an unknown person or unit, an
    act that does not belong to its case's kind, a case id reused with another kind). It
    never refuses an act for breaking procedure or for arriving out of business-time order.
    ``case_kind_of`` answers the kind a case already has in the ledger (or None).
    """
    if type(raw) is not dict and not isinstance(raw, Mapping):
        raise _err("", "行为记录必须是 JSON 对象", "an act must be a JSON object", "not_an_object")
    for name in _ALL_TOP_FIELDS:
        v = raw.get(name)
        if v is None or (isinstance(v, str) and not v.strip()):
            raise _err(name, f"缺少必填字段 {name}", f"missing required field '{name}'", "missing_field")
        if name != "at" and not isinstance(v, str):
            raise _err(name, f"字段 {name} 必须是字符串", f"field '{name}' must be a string", "wrong_type")
    for name in _ID_FIELDS:
        v = raw.get(name)
        if isinstance(v, str) and not v.isprintable() and _CONTROL.search(v):
            raise _err(
                name,
                f"字段 {name} 含有控制字符（换行、制表符等）",
                f"field '{name}' contains a control character (newline, tab …)",
                "bad_character",
            )
    blob = _serialised(raw, max_bytes)
    bad = _control_chars(raw) if not blob or b"\\u0000" in blob else None
    if bad is not None:
        raise _err(
            bad,
            f"字段 {bad} 含有不可存储的控制字符（NUL）",
            f"field '{bad}' contains a NUL character, which cannot be stored",
            "bad_character",
        )
    kind_name = raw["kind"]
    kinds = _kinds()
    kind = kinds.get(kind_name)
    if kind is None:
        raise _err(
            "kind",
            f"未知的案件类型 {kind_name}",
            f"unknown case kind '{kind_name}' (known: {', '.join(sorted(kinds))})",
            "unknown_kind",
        )
    act_name = raw["act"]
    spec = act_spec(kind_name, act_name)
    if spec is None:
        raise _err(
            "act",
            f"行为 {act_name} 不属于案件类型 {kind_name}",
            f"act '{act_name}' does not belong to case kind '{kind_name}' (allowed: {', '.join(sorted(kind.acts))})",
            "act_not_of_kind",
        )
    if act_name == "deadline_missed" and not allow_clock_acts:
        raise _err(
            "act",
            "deadline_missed 只能由账本时钟记录，不能导入",
            "'deadline_missed' is recorded by the ledger's clock, never imported by hand",
            "clock_act",
        )
    try:
        at = parse_datetime(raw["at"])
    except (ValueError, TypeError) as e:
        raise _err(
            "at",
            f"时间格式错误: {raw['at']!r}（须为带时区的 RFC 3339）",
            f"malformed time {raw['at']!r}: {e}",
            "bad_time",
        ) from e
    try:
        check_year(at)
    except ValueError as e:
        raise _err(
            "at",
            f"时间超出范围: {raw['at']!r}（年份须在 {MIN_YEAR}–{MAX_YEAR} 之间）",
            f"time out of range {raw['at']!r}: {e}",
            "bad_time",
        ) from e
    by = raw["by"]
    unit = raw["unit"]
    if refs is not None:
        if by != SYSTEM_ACTOR and not refs.is_person(by) and kind_name != "org":
            raise _err("by", f"未知人员 {by}", f"unknown person '{by}'", "unknown_person")
        if not refs.is_unit(unit) and kind_name != "org":
            raise _err("unit", f"未知单位 {unit}", f"unknown unit '{unit}'", "unknown_unit")
    case = raw["case"]
    check_case_id(case, kind_name, jurisdiction)
    if case_kind_of is not None:
        existing = case_kind_of(case)
        if existing is not None and existing != kind_name:
            raise _err(
                "case",
                f"案件 {case} 已是 {existing} 类型，不能再用作 {kind_name}",
                f"case '{case}' already exists with kind '{existing}', not '{kind_name}'",
                "case_kind_mismatch",
            )
    data_raw = raw.get("data") or {}
    if type(data_raw) is not dict and not isinstance(data_raw, Mapping):
        raise _err("data", "data 必须是对象", "'data' must be an object", "wrong_type")
    data = parse_data(spec, data_raw, refs=None if kind_name == "org" else refs)
    if act_name == "corrected":
        _check_corrected_time(data.get("fields"))
    return Act(
        id=raw["id"],
        jurisdiction=jurisdiction,
        case=case,
        kind=kind_name,
        act=act_name,
        at=at,
        by=by,
        unit=unit,
        data=MappingProxyType(data),
    )


def _check_corrected_time(fields: Any) -> None:
    """A correction's new ``at`` obeys the rules of ``at`` (an offset, the accepted years)."""
    if not isinstance(fields, Mapping) or "at" not in fields:
        return
    try:
        check_year(parse_datetime(fields["at"]))
    except (ValueError, TypeError) as e:
        raise _err(
            "data.fields.at",
            f"更正后的时间无效: {fields['at']!r}（须为带时区的 RFC 3339，年份 {MIN_YEAR}–{MAX_YEAR}）",
            f"corrected time {fields['at']!r}: {e}",
            "bad_time",
        ) from e


def parse_data(spec: ActSpec, data_raw: Mapping[str, Any], *, refs: OrgRefs | None = None) -> dict[str, Any]:
    """Check and convert ``data`` by the act's spec; unknown extra fields are kept as they are."""
    data: dict[str, Any] = {}
    for f in spec.fields:
        if f.name not in data_raw or data_raw[f.name] is None:
            if f.required:
                raise _err(
                    f"data.{f.name}",
                    f"{spec.name} 缺少数据字段 {f.name}（{f.zh}）",
                    f"act '{spec.name}' is missing data field '{f.name}'",
                    "missing_field",
                )
            continue
        try:
            value = f.type.parse(data_raw[f.name])
        except (ValueError, TypeError) as e:
            raise _err(
                f"data.{f.name}",
                f"数据字段 {f.name} 类型错误，应为 {f.type.name}",
                f"data field '{f.name}': {e} (expected {f.type.name})",
                "wrong_type",
            ) from e
        if refs is not None and f.type.ref is not None:
            check = {"person": refs.is_person, "unit": refs.is_unit, "post": refs.is_post}[f.type.ref]
            values = value if isinstance(value, tuple) else (value,)
            for v in values:
                if not check(v):
                    label = {"person": "人员", "unit": "单位", "post": "职务"}[f.type.ref]
                    raise _err(
                        f"data.{f.name}",
                        f"数据字段 {f.name} 引用了未知{label} {v}",
                        f"data field '{f.name}' names an unknown {f.type.ref} '{v}'",
                        f"unknown_{f.type.ref}",
                    )
        data[f.name] = value
    for k, v in data_raw.items():
        if k not in data:
            data[k] = v
    return data


def _fast_datetime(v: Any) -> datetime:
    """A stored timestamp (always RFC 3339 with an offset); the general parser as fallback."""
    try:
        return datetime.fromisoformat(v)
    except (TypeError, ValueError):
        return parse_datetime(v, default_tz=CHINA_TZ)


_LOADERS: dict[tuple[str, str], dict[str, Callable[[Any], Any]]] = {}


def _loaders(kind: str, act: str) -> dict[str, Callable[[Any], Any]]:
    """The conversions a stored act's data needs (JSON already holds strings, numbers, booleans)."""
    key = (kind, act)
    out = _LOADERS.get(key)
    if out is None:
        spec = act_spec(kind, act)
        out = {}
        for f in spec.fields if spec else ():
            if f.type is DATETIME:
                out[f.name] = _fast_datetime
            elif f.type is DATE:
                out[f.name] = _date
            elif f.type.dump is list:
                out[f.name] = tuple
        _LOADERS[key] = out
    return out


#: Decoding many stored acts (a rebuild reads millions) builds each with its slots' setters —
#: a third cheaper than the frozen dataclass's ``__init__``, and the same object.
_NEW_ACT = object.__new__
_ACT_SLOTS = tuple(getattr(Act, f.name).__set__ for f in fields(Act))


def load_act(
    obj: Mapping[str, Any], *, recorded_at: datetime | None = None, seq: int | None = None, owned: bool = False
) -> Act:
    """Rebuild a typed act from its stored JSON form (already validated when stored). ``owned``:
    ``obj`` was just decoded for this act alone, and its ``data`` may become the act's."""
    raw = obj.get("data") or {}
    loaders = _loaders(obj["kind"], obj["act"])
    data: dict[str, Any] = raw if owned and not loaders else dict(raw)
    for k, conv in loaders.items():
        v = raw.get(k)
        if v is not None:
            try:  # noqa: SIM105 - a hot path: try/except is cheaper than contextlib.suppress
                data[k] = conv(v)
            except (ValueError, TypeError):
                pass
    a = _NEW_ACT(Act)  # every field set below: the frozen dataclass's __init__, without its checks
    for put, value in zip(
        _ACT_SLOTS,
        (
            obj["id"],
            obj["jurisdiction"],
            obj["case"],
            obj["kind"],
            obj["act"],
            _fast_datetime(obj["at"]),
            obj["by"],
            obj["unit"],
            MappingProxyType(data),
            recorded_at,
            seq,
        ),
        strict=True,
    ):
        put(a, value)
    return a


def sort_key(a: Act) -> tuple[datetime, int]:
    """Business-time order with recorded order breaking ties (业务时间顺序)."""
    return (a.at, a.seq if a.seq is not None else 0)


def in_business_order(acts: Iterable[Act]) -> list[Act]:
    return sorted(acts, key=sort_key)


def as_of_tz(dt: datetime, tz: tzinfo = CHINA_TZ) -> datetime:
    return dt.astimezone(tz)

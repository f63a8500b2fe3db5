"""What the rules can read of an act's values (值的可读性): the importer's warnings.

Each rule declares (``reads``) the data fields it reads through a vocabulary — a document's
``doc_type``, a leave's ``reason``, an addressee … — where a value it cannot read leaves it
unable to judge the act. :func:`value_warnings` looks at one validated act, as it arrives,
with the same readers the rules use, and names for each such value the rules in force that
cannot judge it (or, for an ``issuer`` outside the vocabulary, how it is read instead). The
rules themselves report the same acts when they are evaluated
(:class:`~domain.rules.base.Unjudged`); these warnings say so at the door.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from domain.acts import ADDRESSEE, ADDRESSEE_LIST, Act, act_spec
from domain.kinds.vocab import vocabulary_of
from domain.org import OrgChart
from domain.rules.base import Rule
from domain.rules.packs import citing_pack, pack_in_force


@dataclass(frozen=True, slots=True)
class ValueWarning:
    """A value some rules cannot read (值无法识别): where, what, and who cannot judge it."""

    field: str
    value: str
    rules: tuple[str, ...]
    message_zh: str
    message_en: str
    #: How the value is read instead, when a fallback applies (e.g. the drafting unit's type).
    read_as: str | None = None


#: A reader: (value, act, org) → None when readable, else (zh, en, read_as).
Reader = Callable[[Any, Act, OrgChart], tuple[str, str, str | None] | None]


def _issuer(v: Any, act: Act, org: OrgChart) -> tuple[str, str, str | None] | None:
    from domain.kinds.outgoing_document import ISSUER

    if ISSUER.resolve(v) is not None or v in org.units:
        return None
    u = org.units.get(act.unit)
    as_ = u.type if u is not None else None
    return (
        f"不在词表中，按拟稿单位类型（{as_ or '未知'}）判断",
        f"is outside the vocabulary; read as the drafting unit's type ({as_ or 'unknown'})",
        as_,
    )


def _office(v: Any, act: Act, org: OrgChart) -> tuple[str, str, str | None] | None:
    from domain.rules.lev import office_code

    if office_code(org, v) is not None:
        return None
    return "不是可识别的备案机关", "names no office the rules know", None


def _addressee(v: Any, act: Act, org: OrgChart) -> tuple[str, str, str | None] | None:
    from domain.rules.esc import addressee_known

    values = v if isinstance(v, (list, tuple)) else [v]
    for x in values:
        if isinstance(x, str) and x.strip() and not addressee_known(org, x, act.at):
            return "在组织机构中无法识别（非职务、人员或单位）", "is no post, person or unit of the org chart", None
    return None


def _limit(v: Any, act: Act, org: OrgChart) -> tuple[str, str, str | None] | None:
    from domain.rules.svc import time_limit

    if time_limit(act) is not None:
        return None
    return "不是有效的工作日数", "is not a valid number of working days", None


#: Readers that need more than a vocabulary (the org chart, the act), by field.
SPECIAL: Mapping[str, Reader] = {
    "outgoing_document.drafted.issuer": _issuer,
    "leave.filed.office": _office,
    "service_request.received.time_limit_working_days": _limit,
}


def _reader(kind: str, act: str, name: str) -> Reader | None:
    key = f"{kind}.{act}.{name}"
    if key in SPECIAL:
        return SPECIAL[key]
    spec = act_spec(kind, act)
    f = spec.field(name) if spec is not None else None
    if f is None:
        return None
    if f.type is ADDRESSEE or f.type is ADDRESSEE_LIST:
        return _addressee
    v = vocabulary_of(f.type)
    if v is None:
        return None
    vocab = v[0]

    def read(value: Any, a: Act, org: OrgChart) -> tuple[str, str, str | None] | None:
        if vocab.resolve(value) is not None:
            return None
        return f"不在词表“{vocab.zh}”中", f"is outside the vocabulary '{vocab.name}'", None

    return read


def readable_fields(rules: Iterable[Rule]) -> dict[str, Reader]:
    """The fields the rules declare they read, each with its reader (a field with none is an error)."""
    out: dict[str, Reader] = {}
    for r in rules:
        for key in r.reads:
            kind, act, name = key.split(".", 2)
            rd = _reader(kind, act, name)
            if rd is None:
                raise ValueError(f"{r.id} reads {key}, which has no vocabulary or reader")
            out[key] = rd
    return out


_INDEX: dict[str, list[Rule]] | None = None


def _index(rules: Iterable[Rule] | None) -> dict[str, list[Rule]]:
    """Rules by the field they read (``kind.act.field``); the catalog's is built once."""
    global _INDEX
    if rules is None:
        if _INDEX is None:
            from domain.rules.registry import RULES

            _INDEX = _index(RULES)
        return _INDEX
    out: dict[str, list[Rule]] = {}
    for r in rules:
        for key in r.reads:
            out.setdefault(key, []).append(r)
    return out


_FIELDS: dict[tuple[int, str, str], list[tuple[str, list[Rule]]]] = {}


def _read_fields(index: dict[str, list[Rule]], kind: str, act: str) -> list[tuple[str, list[Rule]]]:
    """The fields of ``kind.act`` some rule reads, with those rules (cached per index)."""
    key = (id(index), kind, act)
    found = _FIELDS.get(key)
    if found is None:
        prefix = f"{kind}.{act}."
        found = _FIELDS[key] = [(k[len(prefix) :], rs) for k, rs in index.items() if k.startswith(prefix)]
    return found


def value_warnings(act: Act, org: OrgChart, rules: Iterable[Rule] | None = None) -> list[ValueWarning]:
    """The values of ``act`` that rules in force at its time cannot read, with those rules
    (the catalog's rules unless ``rules`` is given)."""
    index = _index(rules)
    fields = _read_fields(index, act.kind, act.act)
    out: list[ValueWarning] = []
    for name, readers in fields:
        value = act.data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        pack = pack_in_force(org, act.at)
        readers = [r for r in readers if pack is not None and citing_pack(pack, r.citations) is not None]
        rd = _reader(act.kind, act.act, name)
        problem = rd(value, act, org) if rd is not None and readers else None
        if problem is None:
            continue
        zh, en, read_as = problem
        ids = tuple(r.id for r in readers)
        shown = value if not isinstance(value, (list, tuple)) else ", ".join(map(str, value))
        if read_as is not None:
            msg_zh = f"data.{name} 的值“{shown}”{zh}（{'、'.join(ids)}）"
            msg_en = f"data.{name} value {shown!r} {en} ({', '.join(ids)})"
        else:
            msg_zh = f"data.{name} 的值“{shown}”{zh}，以下规则无法判断此行为：{'、'.join(ids)}"
            msg_en = f"data.{name} value {shown!r} {en}; these rules cannot judge this act: {', '.join(ids)}"
        out.append(ValueWarning(f"data.{name}", str(shown), ids, msg_zh, msg_en, read_as))
    return out

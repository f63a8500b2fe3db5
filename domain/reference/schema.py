"""The act log's JSON Schema (行为日志的 JSON Schema), generated from :mod:`domain.kinds`.

One schema for one line of an act log (JSON Lines): the common fields, the case kinds, and
for every kind and act the data it carries — typed, required where the contract requires
it, with the Chinese name of every field and of every value of a vocabulary. A closed
vocabulary is an enumeration (a value outside it is refused on import); an open one lists
the values the rules read and admits any other string (a rule that cannot read it reports
the act as not judged).
"""

from __future__ import annotations

from typing import Any

from domain.acts import (
    ADDRESSEE,
    ADDRESSEE_LIST,
    BOOL,
    DATE,
    DATETIME,
    INT,
    NUMBER,
    OBJECT,
    REQUIRED_TOP_FIELDS,
    STR_LIST,
    TIMEZONE,
    ActSpec,
    CaseKind,
    DataField,
    FieldType,
)
from domain.kinds import ANY_KIND_ACTS, KINDS
from domain.kinds.vocab import Vocabulary, vocabulary_of

SCHEMA_ID = "https://compliance-ledger.invalid/schema/act-log.schema.json"

TOP_FIELDS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "id": ("行为编号", "the act's own identifier, unique in the jurisdiction", {"type": "string", "minLength": 1}),
    "jurisdiction": (
        "辖区",
        "the jurisdiction (optional when the org file or --jurisdiction says it)",
        {"type": "string"},
    ),
    "case": ("案件", "the matter it belongs to", {"type": "string", "minLength": 1}),
    "kind": ("案件类型", "the case kind", {"type": "string"}),
    "act": ("行为", "what was done", {"type": "string", "minLength": 1}),
    "at": (
        "业务时间",
        "when it happened (business time), RFC 3339 with an offset",
        {"type": "string", "format": "date-time"},
    ),
    "by": ("行为人", "the person who did it (a person id of the org chart)", {"type": "string", "minLength": 1}),
    "unit": (
        "单位",
        "the unit on whose behalf it was done (a unit id of the org chart)",
        {"type": "string", "minLength": 1},
    ),
    "data": ("数据", "what the act carries, by kind and act", {"type": "object"}),
}


def _vocab_def(v: Vocabulary, closed: bool) -> dict[str, Any]:
    terms = []
    for t in v.terms:
        d: dict[str, Any] = {"const": t.code, "title": f"{t.zh} — {t.en}"}
        if t.aliases:
            d["x-aliases"] = list(t.aliases)
        terms.append(d)
    out: dict[str, Any] = {
        "title": f"{v.zh} ({v.en})",
        "description": (
            "closed vocabulary: any other value is refused"
            if closed
            else (
                "open vocabulary: any string is stored; the rules read these values (their codes, "
                "Chinese names and aliases"
                + (", by the keywords a text contains" if v.match == "contains" else "")
                + "); a value they cannot read is reported as not judged"
            )
        )
        + (f"; {v.note}" if v.note else ""),
        "oneOf": terms,
    }
    if v.ref:
        out["x-or-ref"] = v.ref
    return out


def _type(ft: FieldType, vocabs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    v = vocabulary_of(ft)
    if v is not None:
        vocab, closed = v
        vocabs.setdefault(vocab.name, _vocab_def(vocab, closed))
        ref = {"$ref": f"#/$defs/vocabularies/{vocab.name}"}
        if closed:
            return ref
        return {"anyOf": [ref, {"type": "string"}]}
    if ft is BOOL:
        return {"type": "boolean"}
    if ft is INT:
        return {"type": "integer"}
    if ft is NUMBER:
        return {"type": "number"}
    if ft is DATETIME:
        return {"type": "string", "format": "date-time"}
    if ft is DATE:
        return {"type": "string", "format": "date"}
    if ft is OBJECT:
        return {"type": "object"}
    if ft is TIMEZONE:
        return {"type": "string", "description": "an IANA time zone, e.g. Asia/Shanghai"}
    if ft is STR_LIST or ft is ADDRESSEE_LIST or ft.dump is list:
        item: dict[str, Any] = {"type": "string"}
        if ft.ref:
            item["x-ref"] = ft.ref
        return {"type": "array", "items": item}
    out: dict[str, Any] = {"type": "string"}
    if ft.ref:
        out["x-ref"] = ft.ref
    if ft is ADDRESSEE:
        out["x-ref"] = "post or person"
    return out


def _field(f: DataField, vocabs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    d = {"title": f.zh or f.name, **_type(f.type, vocabs)}
    return d


def _data(spec: ActSpec, vocabs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    d: dict[str, Any] = {
        "title": f"{spec.zh} ({spec.en})",
        "type": "object",
        "properties": {f.name: _field(f, vocabs) for f in spec.fields},
        "additionalProperties": True,
    }
    req = [f.name for f in spec.fields if f.required]
    if req:
        d["required"] = req
    return d


def _kind_rules(k: CaseKind) -> list[dict[str, Any]]:
    acts = {**k.acts, **ANY_KIND_ACTS}
    if k.open:
        names: dict[str, Any] = {"type": "string", "minLength": 1}
    else:
        names = {"enum": sorted(acts)}
    out: list[dict[str, Any]] = [
        {"if": {"properties": {"kind": {"const": k.name}}}, "then": {"properties": {"act": names}}}
    ]
    for a in acts:
        out.append(
            {
                "if": {"properties": {"kind": {"const": k.name}, "act": {"const": a}}},
                "then": {"properties": {"data": {"$ref": f"#/$defs/acts/{k.name}.{a}"}}},
            }
        )
    return out


def act_log_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one act-log line, from the kinds."""
    vocabs: dict[str, dict[str, Any]] = {}
    acts: dict[str, Any] = {}
    kinds: list[dict[str, Any]] = []
    for k in KINDS.values():
        for name, spec in {**k.acts, **ANY_KIND_ACTS}.items():
            acts[f"{k.name}.{name}"] = _data(spec, vocabs)
        kinds.append({"const": k.name, "title": f"{k.zh} ({k.en})"})
    props = {n: {"title": zh, "description": en, **s} for n, (zh, en, s) in TOP_FIELDS.items()}
    props["kind"] = {"title": "案件类型", "description": "the case kind", "oneOf": kinds}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "行为日志的一行 (one line of an act log)",
        "description": (
            "An act of the compliance ledger as import reads and export writes it (JSON Lines, one act a line). "
            "Generated from domain/kinds by `ledger schema`; the contract in prose is docs/act-log.md."
        ),
        "type": "object",
        "required": ["id", *REQUIRED_TOP_FIELDS],
        "properties": props,
        "allOf": [r for k in KINDS.values() for r in _kind_rules(k)],
        "$defs": {"acts": acts, "vocabularies": dict(sorted(vocabs.items()))},
    }

"""A pack's YAML text: parsed with the line of every key, then checked against the JSON Schema.

- :func:`parse_yaml` — the document and a :class:`Lines` index (YAML line of every mapping
  key and sequence item, by path); anchors, aliases, duplicate keys and non-string keys are
  refused with the line.
- :func:`schema_error` — the first ``pack.schema.json`` violation as a :class:`PackError`
  naming the line, the rule and the field (or None).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from domain.rules.yamlpack.errors import PackError

#: The JSON Schema of a pack (beside the rule modules).
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "pack.schema.json"
TEMPLATES = ("precedence", "response", "deadline", "absence", "chain", "four_eyes", "escalation", "quorum")


class _Loader(yaml.SafeLoader):
    """A safe loader that leaves dates as strings (the schema checks them), reads only
    ``true``/``false`` as booleans (YAML 1.2: ``on``, ``off``, ``yes``, ``no`` stay words — a
    rule's ``extend: {on: …}`` is a key, not ``True``) and records lines."""


_BOOL = "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in ("tag:yaml.org,2002:timestamp", _BOOL)]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))

KeyPath = tuple[str | int, ...]


@dataclass
class Lines:
    """YAML line (1-based) of every mapping key and sequence item, by path."""

    at: dict[KeyPath, int]

    def of(self, path: Sequence[str | int]) -> int:
        p = tuple(path)
        while p:
            if p in self.at:
                return self.at[p]
            p = p[:-1]
        return self.at.get((), 1)


def _walk(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], seen: set[int]) -> None:
    if id(node) in seen:
        raise PackError(
            "不支持 YAML 锚点/别名（&/*）",
            "YAML anchors and aliases (&/*) are not supported in rule packs",
            line=node.start_mark.line + 1,
            code="pack_yaml",
        )
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for knode, vnode in node.value:
            if not isinstance(knode, yaml.ScalarNode):
                raise PackError(
                    "键必须是字符串",
                    "mapping keys must be plain strings",
                    line=knode.start_mark.line + 1,
                    code="pack_yaml",
                )
            key = knode.value
            if key in keys:
                raise PackError(
                    f"重复的键 {key}",
                    f"duplicate key '{key}'",
                    line=knode.start_mark.line + 1,
                    field=".".join(str(p) for p in (*path, key) if isinstance(p, str) and p != "rules") or key,
                    code="pack_yaml",
                )
            keys.add(key)
            lines[(*path, key)] = knode.start_mark.line + 1
            _walk(vnode, (*path, key), lines, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = item.start_mark.line + 1
            _walk(item, (*path, i), lines, seen)


def parse_yaml(text: str) -> tuple[Any, Lines]:
    try:
        loader = _Loader(text)  # refuses characters YAML cannot hold (control characters) right away
    except yaml.reader.ReaderError as e:
        raise PackError(
            f"YAML 不允许的字符 #x{e.character:04x}",
            f"a character YAML does not allow (#x{e.character:04x})",
            line=text.count("\n", 0, e.position) + 1,
            code="pack_yaml",
        ) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise PackError("规则包为空", "the rule pack is empty", line=1, code="pack_yaml")
        lines: dict[KeyPath, int] = {(): node.start_mark.line + 1}
        _walk(node, (), lines, set())
        doc = loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else None
        msg = e.problem or str(e)
        raise PackError(f"YAML 语法错误：{msg}", f"YAML syntax error: {msg}", line=line, code="pack_yaml") from None
    except yaml.YAMLError as e:
        raise PackError(f"YAML 错误：{e}", f"YAML error: {e}", code="pack_yaml") from None
    finally:
        loader.dispose()
    return doc, Lines(lines)


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema  # type: ignore[import-untyped]

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def rule_of(doc: Any, path: Sequence[str | int]) -> str | None:
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int) and isinstance(doc, Mapping):
        rules = doc.get("rules")
        if isinstance(rules, list) and path[1] < len(rules) and isinstance(rules[path[1]], Mapping):
            rid = rules[path[1]].get("id")
            return str(rid) if rid is not None else f"#{path[1] + 1}"
    return None


def field_of(path: Sequence[str | int]) -> str | None:
    p = list(path)
    if len(p) >= 2 and p[0] == "rules" and isinstance(p[1], int):
        p = p[2:]
    s = ".".join(str(x) for x in p)
    return s or None


def schema_error(doc: Any, lines: Lines) -> PackError | None:
    import jsonschema  # type: ignore[import-untyped]

    errors = list(_validator().iter_errors(doc))
    if not errors:
        return None
    best = [jsonschema.exceptions.best_match([e]) for e in errors]

    def where(e: Any) -> tuple[KeyPath, str | None]:
        path = tuple(e.absolute_path)
        extra = None
        if "propertyNames" in e.schema_path:
            extra = str(e.instance)
        elif e.validator == "additionalProperties" and isinstance(e.instance, Mapping):
            allowed = set((e.schema or {}).get("properties", {}))
            unknown = [k for k in e.instance if k not in allowed]
            extra = unknown[0] if unknown else None
        return ((*path, extra) if extra is not None else path), extra

    located = sorted(((lines.of(where(e)[0]), i, e) for i, e in enumerate(best)), key=lambda t: (t[0], t[1]))
    line, _, e = located[0]
    path, unknown = where(e)
    rid = rule_of(doc, path)
    fld = field_of(path)
    v = e.validator
    if unknown is not None:
        zh, en = f"未知字段 {unknown}", f"unknown field '{unknown}'"
        if rid is not None and len(path) == 3 and isinstance(doc, Mapping):
            tpl = doc["rules"][path[1]].get("template")
            if tpl in TEMPLATES:
                zh += f"（模板 {tpl} 不用此字段）"
                en += f" (not a field of template '{tpl}')"
    elif v == "required":
        missing = e.message.split("'")[1] if "'" in e.message else e.message
        zh, en = f"缺少必填字段 {missing}", f"missing required field '{missing}'"
        fld = ".".join(x for x in (fld, missing) if x)
    elif v == "oneOf" and all(isinstance(x, Mapping) and "required" in x for x in e.validator_value):
        keys = [x["required"][0] for x in e.validator_value]
        zh = f"须且只能给出 {' 或 '.join(keys)} 之一"
        en = f"give exactly one of {' or '.join(repr(k) for k in keys)}"
    elif v == "maxProperties" and isinstance(e.instance, Mapping):
        zh = f"只能给出一项（现有 {', '.join(map(str, e.instance))}）"
        en = f"give only one of these ({', '.join(map(str, e.instance))} given)"
    elif v == "enum" and path[-1:] == ("template",):
        zh = f"未知模板 {e.instance!r}（可用：{', '.join(TEMPLATES)}）"
        en = f"unknown template {e.instance!r} (known: {', '.join(TEMPLATES)})"
    elif v == "enum":
        zh = f"取值 {e.instance!r} 不在允许范围内：{e.validator_value}"
        en = f"{e.instance!r} is not one of {e.validator_value}"
    elif v == "pattern":
        zh = f"格式错误：{e.instance!r}（应匹配 {e.validator_value}）"
        en = f"{e.instance!r} has the wrong form (expected {e.validator_value})"
    elif v == "type":
        zh = f"类型错误：{e.instance!r} 应为 {e.validator_value}"
        en = f"{e.instance!r} is not of type {e.validator_value}"
    else:
        zh = f"不符合规则包格式：{e.message}"
        en = e.message
    return PackError(zh, en, line=line, rule=rid, field=fld, code="pack_schema")

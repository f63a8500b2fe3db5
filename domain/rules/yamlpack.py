"""Jurisdictions' own rule packs in YAML (自定义规则包) — compiled into engine rules.

A jurisdiction writes its own rules without Python, in the YAML rule language
(``docs/rule-language.md``), and records the
text in its ORG case with ``pack_defined {pack, source}``; ``pack_adopted {pack, from}``
puts it in force. The engine compiles ``org.custom_packs`` with :func:`compile_packs` and
runs the result beside the built-in catalog: every YAML rule IS an engine :class:`Rule`
built on the engine's templates (``deadline_rule``/``Due`` for ``response`` and
``deadline``, so the ledger's clock records ``deadline_missed`` for them; ``has_quorum``
for ``quorum``), with the same Context, Finding and Violation machinery.

API:

- :func:`load_pack` ``(text) -> CompiledPack`` — parse, validate against
  ``pack.schema.json`` (the error names the YAML line), check the semantics (conditions,
  ranks, kinds, placeholders, duplicate ids, ids colliding with the catalog), compile.
- :func:`compile_packs` ``(sources) -> list[Rule]`` — the rules of a jurisdiction's packs
  (pack id → YAML text), cached by source hash; also registers each pack
  (:func:`~domain.rules.packs.register_pack`) so its ``effective_from`` is honoured.
- :class:`PackError` — a :class:`~domain.errors.LedgerError` with ``line``, ``rule`` and
  ``field``.

Templates (one builder each below): ``precedence``, ``response``, ``deadline``,
``absence``, ``chain``, ``four_eyes``, ``escalation``, ``quorum``.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from domain.acts import SYSTEM_ACTOR, Act
from domain.errors import LedgerError
from domain.org import OrgChart
from domain.rules.base import Context, Finding, Obligation, Rule, Severity, cite, rule
from domain.rules.conditions import MISSING, Condition, ConditionError, as_number, compile_condition, lookup
from domain.rules.packs import PACKS, Pack, pack_in_force, register_pack
from domain.rules.templates import Due, _fmt_delay, deadline_findings, deadline_rule, has_quorum
from domain.timeutil import end_of_day, format_datetime, local_date, parse_datetime, start_of_day

SCHEMA_PATH = Path(__file__).with_name("pack.schema.json")
TEMPLATES = ("precedence", "response", "deadline", "absence", "chain", "four_eyes", "escalation", "quorum")
TEMPLATE_ZH = {
    "precedence": "先后顺序",
    "response": "限时响应",
    "deadline": "期限办结",
    "absence": "禁止/限次",
    "chain": "审批链",
    "four_eyes": "不相容职责分离",
    "escalation": "累计升级",
    "quorum": "法定人数",
}
#: Placeholders a message may use (each template fills those that mean something for it).
PLACEHOLDERS = frozenset({"act", "required", "limit", "delay", "case", "due", "count", "by"})
#: The seed recorded on a :class:`Pack` compiled from YAML (``yaml:<sha256 prefix>``).
YAML_SEED = "yaml:"
#: Largest pack source accepted (characters).
MAX_SOURCE = 1_000_000
#: Default start of a pack that gives no ``effective_from``.
EPOCH = date(1900, 1, 1)

_DURATION_TEXT = {
    "minutes": ("分钟", "min"),
    "hours": ("小时", "h"),
    "days": ("天", "days"),
    "working_days": ("个工作日", "working days"),
}


# ---- errors ------------------------------------------------------------------------------------
class PackError(LedgerError):
    """A rule pack that cannot be compiled (规则包错误), naming the YAML line, rule and field."""

    code = "invalid_pack"

    def __init__(
        self,
        message_zh: str,
        message_en: str,
        *,
        line: int | None = None,
        rule: str | None = None,
        field: str | None = None,
        pack: str | None = None,
        code: str | None = None,
    ) -> None:
        loc_zh: list[str] = []
        loc_en: list[str] = []
        if line is not None:
            loc_zh.append(f"第 {line} 行")
            loc_en.append(f"line {line}")
        if rule:
            loc_zh.append(f"规则 {rule}")
            loc_en.append(f"rule {rule}")
        if field:
            loc_zh.append(f"字段 {field}")
            loc_en.append(f"field '{field}'")
        zh = f"{'，'.join(loc_zh)}：{message_zh}" if loc_zh else message_zh
        en = f"{', '.join(loc_en)}: {message_en}" if loc_en else message_en
        super().__init__(zh, en, code=code)
        self.line = line
        self.rule = rule
        self.field = field
        self.pack = pack

    def as_dict(self) -> dict[str, Any]:  # type: ignore[override]
        return {**super().as_dict(), "line": self.line, "rule": self.rule, "field": self.field, "pack": self.pack}


# ---- YAML with line numbers ------------------------------------------------------------------
class _Loader(yaml.SafeLoader):
    """A safe loader that leaves dates as strings (the schema checks them) and records lines."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

Path_ = tuple[str | int, ...]


@dataclass
class _Lines:
    """YAML line (1-based) of every mapping key and sequence item, by path."""

    at: dict[Path_, int]

    def of(self, path: Sequence[str | int]) -> int:
        p = tuple(path)
        while p:
            if p in self.at:
                return self.at[p]
            p = p[:-1]
        return self.at.get((), 1)


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int], seen: set[int]) -> None:
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


def _parse_yaml(text: str) -> tuple[Any, _Lines]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise PackError("规则包为空", "the rule pack is empty", line=1, code="pack_yaml")
        lines: dict[Path_, int] = {(): node.start_mark.line + 1}
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
    return doc, _Lines(lines)


# ---- schema validation ---------------------------------------------------------------------
@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema  # type: ignore[import-untyped]

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _rule_of(doc: Any, path: Sequence[str | int]) -> str | None:
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int) and isinstance(doc, Mapping):
        rules = doc.get("rules")
        if isinstance(rules, list) and path[1] < len(rules) and isinstance(rules[path[1]], Mapping):
            rid = rules[path[1]].get("id")
            return str(rid) if rid is not None else f"#{path[1] + 1}"
    return None


def _field_of(path: Sequence[str | int]) -> str | None:
    p = list(path)
    if len(p) >= 2 and p[0] == "rules" and isinstance(p[1], int):
        p = p[2:]
    s = ".".join(str(x) for x in p)
    return s or None


def _schema_error(doc: Any, lines: _Lines) -> PackError | None:
    import jsonschema  # type: ignore[import-untyped]

    errors = list(_validator().iter_errors(doc))
    if not errors:
        return None
    best = [jsonschema.exceptions.best_match([e]) for e in errors]

    def where(e: Any) -> tuple[Path_, str | None]:
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
    rid = _rule_of(doc, path)
    fld = _field_of(path)
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
    elif v == "oneOf" and "then" in e.schema_path and rid is not None:
        zh, en = "须且只能给出 more_than 或 at_least 之一", "give exactly one of 'more_than' or 'at_least'"
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


# ---- selectors --------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _implicit_excluded() -> frozenset[str]:
    """Acts a selector without ``act`` never matches (the clock's and follow-up acts)."""
    from domain.kinds import ANY_KIND_ACTS

    return frozenset(ANY_KIND_ACTS)


@dataclass(frozen=True)
class Selector:
    """Which acts: by name, a condition on data, ``role`` (data field), org ``rank`` of the actor."""

    acts: frozenset[str] | None = None
    where: Condition | None = None
    roles: frozenset[str] | None = None
    ranks: frozenset[str] | None = None
    by_field: str | None = None
    names: tuple[str, ...] = ()

    def person(self, a: Act) -> str | None:
        """Who did the act: the data field ``by_field`` if given, else the act's ``by``."""
        if self.by_field:
            v = lookup(a.data, self.by_field)
            return None if v is MISSING else str(v)
        return a.by

    def matches(self, a: Act, org: OrgChart) -> bool:
        if self.acts is not None:
            if a.act not in self.acts:
                return False
        elif a.act in _implicit_excluded():
            return False
        if self.roles is not None:
            role = a.get("role")
            if isinstance(role, (list, tuple)):
                if not any(str(r) in self.roles for r in role):
                    return False
            elif role is None or str(role) not in self.roles:
                return False
        if self.where is not None and not self.where.evaluate(a.data):
            return False
        if self.ranks is not None:
            who = self.person(a)
            if who is None or org.rank_of(who, a.at) not in self.ranks:
                return False
        return True

    @property
    def text(self) -> str:
        """How messages name the acts it selects."""
        parts = [" / ".join(self.names) if self.names else "*"]
        if self.roles:
            parts.append(f"role {'/'.join(sorted(self.roles))}")
        if self.ranks:
            parts.append(f"rank {'/'.join(sorted(self.ranks))}")
        if self.where is not None:
            parts.append(f"[{self.where.text}]")
        return " ".join(parts)


def _names(v: Any) -> tuple[str, ...]:
    return (v,) if isinstance(v, str) else tuple(str(x) for x in v)


# ---- compiled rule specs ------------------------------------------------------------------------
@dataclass(frozen=True)
class _Spec:
    """One rule of a pack, checked and compiled (what the template builders read)."""

    pack: str
    id: str
    family: str
    template: str
    kinds: tuple[str, ...]
    citation: str
    severity: Severity
    title_zh: str
    title_en: str
    msg_zh: str | None
    msg_en: str | None
    effective_from: date | None
    condition: Condition | None
    line: int
    description: str
    raw: Mapping[str, Any]
    sel: Mapping[str, Selector]

    def in_force(self, ctx: Context, a: Act) -> bool:
        """Rule-level ``effective_from``: acts before it are not judged."""
        return self.effective_from is None or a.at >= start_of_day(self.effective_from, ctx.org.tz)

    def triggers(self, ctx: Context, sel: Selector, a: Act) -> bool:
        """``a`` matches ``sel``, the rule's ``condition`` holds on it, and the rule is in force."""
        return (
            sel.matches(a, ctx.org)
            and (self.condition is None or self.condition.evaluate(a.data))
            and self.in_force(ctx, a)
        )


Values = Mapping[str, str | tuple[str, str]]


class _Fill(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return ""


def _fill(tpl: str, values: Values, lang: int) -> str:
    vals = _Fill({k: (v[lang] if isinstance(v, tuple) else v) for k, v in values.items()})
    return tpl.format_map(vals)


def _message(spec: _Spec, default_zh: str, default_en: str, values: Values) -> tuple[str, str]:
    zh = _fill(spec.msg_zh, values, 0) if spec.msg_zh is not None else default_zh
    en = _fill(spec.msg_en, values, 1) if spec.msg_en is not None else default_en
    return zh, en


def _finding(
    ctx: Context,
    spec: _Spec,
    at: datetime,
    evidence: Iterable[Act],
    default: tuple[str, str],
    values: dict[str, str | tuple[str, str]],
    *,
    key: str,
    person: str | None,
    case: str | None = None,
    unit: str | None = None,
    **detail: Any,
) -> Finding:
    values.setdefault("case", case or (ctx.case.id if ctx.case is not None else ""))
    values.setdefault("by", person or "")
    zh, en = _message(spec, default[0], default[1], values)
    return ctx.finding(
        at, list(evidence), zh, en, key=key, person=person, case=case, unit=unit, template=spec.template, **detail
    )


def _duration(d: Mapping[str, Any]) -> tuple[str, float]:
    unit, n = next(iter(d.items()))
    return unit, float(n)


def _duration_text(d: Mapping[str, Any]) -> tuple[str, str]:
    unit, n = _duration(d)
    zh, en = _DURATION_TEXT[unit]
    return f"{n:g} {zh}", f"{n:g} {en}"


def _add(ctx: Context, at: datetime, d: Mapping[str, Any]) -> datetime:
    unit, n = _duration(d)
    if unit == "working_days":
        return ctx.cal.deadline_after(at, int(n))
    if unit == "days":  # calendar days on the jurisdiction's clock (a DST change is not an hour late)
        return at.astimezone(ctx.org.tz) + timedelta(days=n)
    return at + timedelta(**{unit: n})


def _due_time(v: Any, tz: tzinfo) -> datetime | None:
    """A due time read from a data field; a bare date (or 00:00 local) is the end of that day."""
    if v is MISSING or v is None:
        return None
    dt: datetime
    if isinstance(v, datetime):
        dt = v if v.tzinfo is not None else v.replace(tzinfo=tz)
    elif isinstance(v, date):
        return end_of_day(v, tz)
    elif isinstance(v, str):
        s = v.strip()
        try:
            if len(s) == 10:
                return end_of_day(date.fromisoformat(s), tz)
            dt = parse_datetime(s, default_tz=tz)
        except (ValueError, TypeError):
            return None
    else:
        return None
    if dt.astimezone(tz).time() == time(0, 0):
        return end_of_day(local_date(dt, tz), tz)
    return dt


def _first_after(ctx: Context, sel: Selector, trigger: Act) -> Act | None:
    for b in ctx.c.acts:
        if b is not trigger and b.at >= trigger.at and sel.matches(b, ctx.org):
            return b
    return None


def _field_ref(ctx: Context, ref: Any, a: Act, refs: Mapping[str, Selector], name: str) -> tuple[Any, Act | None]:
    """A ``present_field``/``members_field`` value: of the act itself, or of the first act matching ``of``."""
    if isinstance(ref, str):
        return lookup(a.data, ref), a
    sel = refs.get(name)
    for b in ctx.c.acts:
        if (sel is None or sel.matches(b, ctx.org)) and lookup(b.data, ref["field"]) is not MISSING:
            return lookup(b.data, ref["field"]), b
    return MISSING, None


def _count(v: Any) -> Fraction | None:
    if v is MISSING or v is None:
        return None
    if isinstance(v, (list, tuple, set, frozenset)):
        try:
            return Fraction(len(dict.fromkeys(v)))
        except TypeError:
            return Fraction(len(v))
    n = as_number(v)
    if n is None:
        return None
    return Fraction(str(n))


# ---- the templates ----------------------------------------------------------------------------------
RuleFactory = Callable[[_Spec], Rule]


def _declare(spec: _Spec, check: Callable[[Context], Iterator[Finding]], scope: str = "case") -> Rule:
    r = rule(
        spec.id,
        severity=spec.severity,
        zh=spec.title_zh,
        en=spec.title_en,
        kinds=spec.kinds,
        cites={spec.pack: cite(spec.citation, template=spec.template)},
        scope=scope,  # type: ignore[arg-type]
    )(check)
    return replace(r, family=spec.family, doc=spec.description)


def _precedence(spec: _Spec) -> Rule:
    when, req = spec.sel["when"], spec.sel["requires"]

    def check(ctx: Context) -> Iterator[Finding]:
        acts = ctx.c.acts
        for b in acts:
            if not spec.triggers(ctx, when, b):
                continue
            if any(a is not b and a.at <= b.at and req.matches(a, ctx.org) for a in acts):
                continue
            yield _finding(
                ctx,
                spec,
                b.at,
                [b],
                (f"「{b.act}」之前没有「{req.text}」", f"'{b.act}' without a prior '{req.text}'"),
                {"act": b.act, "required": req.text},
                key=b.id,
                person=when.person(b),
            )

    return _declare(spec, check)


def _deadline_like(spec: _Spec, dues: Callable[[Context], Iterator[Due]], limit: tuple[str, str] | None) -> Rule:
    """``response``/``deadline``: a :func:`deadline_rule` (late → flagged; missing → the clock)."""
    base = deadline_rule(
        spec.id,
        severity=spec.severity,
        zh=spec.title_zh,
        en=spec.title_en,
        kinds=spec.kinds,
        cites={spec.pack: cite(spec.citation, template=spec.template)},
        doc=spec.description,
    )(dues)

    def check(ctx: Context) -> Iterator[Finding]:
        ds = list(dues(ctx))
        by_key = {d.key: d for d in ds}
        for f in deadline_findings(ctx, ds):
            d = by_key.get(f.key)
            if d is None or (spec.msg_zh is None and spec.msg_en is None):
                yield f
                continue
            if d.response is not None:
                dz, de = _fmt_delay(d.response.at - d.due)
                delay = (f"晚 {dz}", f"{de} late")
                required = d.response.act
            else:
                delay = ("逾期未办", "missing")
                required = (d.extra or {}).get("expect", "")
            values: dict[str, str | tuple[str, str]] = {
                "act": d.trigger.act,
                "required": required,
                "delay": delay,
                "due": format_datetime(d.due),
                "case": f.case,
                "by": f.person or "",
            }
            if limit is not None:
                values["limit"] = limit
            zh, en = _message(spec, f.message_zh, f.message_en, values)
            yield replace(f, message_zh=zh, message_en=en)

    return replace(base, check=check, family=spec.family, doc=spec.description)


def _response(spec: _Spec) -> Rule:
    after, expect = spec.sel["after"], spec.sel["expect"]
    within = spec.raw["within"]
    limit = _duration_text(within)

    def dues(ctx: Context) -> Iterator[Due]:
        for a in ctx.c.acts:
            if not spec.triggers(ctx, after, a):
                continue
            due = _add(ctx, a.at, within)
            yield Due(
                a,
                due,
                _first_after(ctx, expect, a),
                f"「{expect.text}」（「{a.act}」后 {limit[0]}内）",
                f"'{expect.text}' within {limit[1]} of '{a.act}'",
                key=a.id,
                extra={"template": "response", "expect": expect.text},
            )

    return _deadline_like(spec, dues, limit)


def _deadline(spec: _Spec) -> Rule:
    expect = spec.sel["expect"]
    of = spec.sel.get("due.of")
    fld = spec.raw["due"]["field"]

    def dues(ctx: Context) -> Iterator[Due]:
        for a in ctx.c.acts:
            if of is not None and not of.matches(a, ctx.org):
                continue
            raw = lookup(a.data, fld)
            if raw is MISSING:
                continue
            if (spec.condition is not None and not spec.condition.evaluate(a.data)) or not spec.in_force(ctx, a):
                return
            due = _due_time(raw, ctx.org.tz)
            if due is None:
                return
            yield Due(
                a,
                due,
                _first_after(ctx, expect, a),
                f"「{expect.text}」（期限取自 {fld}）",
                f"'{expect.text}' (due by {fld})",
                key=f"{a.id}@{format_datetime(due)}",
                extra={"template": "deadline", "expect": expect.text, "due_field": fld},
            )
            return

    return _deadline_like(spec, dues, None)


def _absence(spec: _Spec) -> Rule:
    when = spec.sel["when"]
    before = spec.sel.get("before")
    at_most = int(spec.raw.get("at_most", 0))

    def check(ctx: Context) -> Iterator[Finding]:
        acts = ctx.c.acts
        if before is not None:
            stop = next((i for i, a in enumerate(acts) if before.matches(a, ctx.org)), len(acts))
            acts = acts[:stop]
        seen: list[Act] = []
        for a in acts:
            if not spec.triggers(ctx, when, a):
                continue
            seen.append(a)
            if len(seen) <= at_most:
                continue
            n = len(seen)
            where_zh = f"（在「{before.text}」之前）" if before is not None else ""
            where_en = f" before '{before.text}'" if before is not None else ""
            if at_most == 0:
                default = (f"不应有「{a.act}」{where_zh}", f"'{a.act}' must not occur{where_en}")
                ev = [a]
            else:
                default = (
                    f"「{a.act}」第 {n} 次{where_zh}，最多 {at_most} 次",
                    f"'{a.act}' occurred {n} times{where_en} (at most {at_most})",
                )
                ev = [seen[0], a]
            yield _finding(
                ctx,
                spec,
                a.at,
                ev,
                default,
                {"act": a.act, "count": str(n), "limit": str(at_most), "required": before.text if before else ""},
                key=a.id,
                person=when.person(a),
                count=n,
            )

    return _declare(spec, check)


def _chain(spec: _Spec) -> Rule:
    before = spec.sel["before"]
    steps = [spec.sel[f"steps.{i}"] for i in range(len(spec.raw["steps"]))]

    def check(ctx: Context) -> Iterator[Finding]:
        acts = ctx.c.acts
        idx = next((i for i, a in enumerate(acts) if spec.triggers(ctx, before, a)), None)
        if idx is None:
            return
        stop = acts[idx]
        prior = acts[:idx]
        pos = -1
        zh: list[str] = []
        en: list[str] = []
        ev: list[Act] = [stop]
        first_problem: str | None = None
        for step in steps:
            hits = [i for i, a in enumerate(prior) if step.matches(a, ctx.org)]
            if not hits:
                zh.append(f"缺少「{step.text}」")
                en.append(f"missing '{step.text}'")
                first_problem = first_problem or step.text
                continue
            later = [i for i in hits if i > pos]
            if not later:
                zh.append(f"「{step.text}」顺序颠倒")
                en.append(f"'{step.text}' out of order")
                first_problem = first_problem or step.text
                ev.insert(-1, prior[hits[0]])
                continue
            pos = later[0]
        if not zh:
            return
        yield _finding(
            ctx,
            spec,
            stop.at,
            ev,
            (
                f"「{stop.act}」之前的程序不完整：" + "；".join(zh),
                f"steps before '{stop.act}' incomplete: " + "; ".join(en),
            ),
            {"act": stop.act, "required": ("；".join(zh), "; ".join(en)), "count": str(len(zh))},
            key=stop.id,
            person=before.person(stop),
            problems=en,
            step=first_problem,
        )

    return _declare(spec, check)


def _four_eyes(spec: _Spec) -> Rule:
    first, second = spec.sel["first"], spec.sel["second"]

    def check(ctx: Context) -> Iterator[Finding]:
        acts = ctx.c.acts
        for i, s in enumerate(acts):
            if not spec.triggers(ctx, second, s):
                continue
            who = second.person(s)
            if not who or who == SYSTEM_ACTOR:
                continue
            for j, f in enumerate(acts):
                if f is s or not first.matches(f, ctx.org) or (j > i and second.matches(f, ctx.org)):
                    continue
                if first.person(f) != who:
                    continue
                yield _finding(
                    ctx,
                    spec,
                    s.at,
                    [f, s],
                    (
                        f"「{f.act}」与「{s.act}」由同一人（{who}）办理",
                        f"'{f.act}' and '{s.act}' by the same person ({who})",
                    ),
                    {"act": s.act, "required": f.act},
                    key=s.id,
                    person=who,
                )
                break

    return _declare(spec, check)


def _group_key(per: str, sel: Selector, a: Act) -> str | None:
    if per == "by":
        return sel.person(a)
    if per == "unit":
        return a.unit
    if per == "case":
        return a.case
    v = lookup(a.data, per[len("data.") :])
    return None if v is MISSING else str(v)


def _escalation(spec: _Spec) -> Rule:
    when, then = spec.sel["when"], spec.sel.get("then")
    per = spec.raw["per"]
    limit = int(spec.raw["max"])
    window = timedelta(**{k: float(v) for k, v in spec.raw["window"].items()}) if "window" in spec.raw else None
    win_txt = _duration_text(spec.raw["window"]) if "window" in spec.raw else None

    def check(ctx: Context) -> Iterator[Finding]:
        events: dict[str, list[tuple[datetime, int, int, Act]]] = defaultdict(list)
        for c in ctx.cases:
            for a in c.acts:
                kind = -1
                if spec.triggers(ctx, when, a):
                    kind = 0
                elif then is not None and then.matches(a, ctx.org) and spec.in_force(ctx, a):
                    kind = 1
                if kind < 0:
                    continue
                key = _group_key(per, when if kind == 0 else then, a)  # type: ignore[arg-type]
                if key is None or key == "":
                    continue
                events[key].append((a.at, a.seq if a.seq is not None else 0, kind, a))
        for key in sorted(events):
            evs = sorted(events[key], key=lambda t: (t[0], t[1], t[2]))
            win: deque[Act] = deque()
            pending: tuple[Act, list[Act]] | None = None
            for at, _, kind, a in evs:
                if kind == 1:
                    pending = None
                    win.clear()
                    continue
                if window is not None:
                    while win and win[0].at <= at - window:
                        win.popleft()
                win.append(a)
                count = len(win)
                wz = f"{win_txt[0]}内" if win_txt else ""
                we = f" within {win_txt[1]}" if win_txt else ""
                if then is None and count > limit:
                    yield _finding(
                        ctx,
                        spec,
                        a.at,
                        list(win),
                        (
                            f"「{a.act}」{wz}已达 {count} 次（{key}），超过 {limit} 次",
                            f"'{a.act}' {count} times{we} ({key}), more than {limit}",
                        ),
                        {"act": a.act, "count": str(count), "limit": str(limit)},
                        key=a.id,
                        person=when.person(a),
                        case=a.case,
                        unit=a.unit,
                        group=key,
                        count=count,
                    )
                elif then is not None and count >= limit and pending is None:
                    pending = (a, list(win))
            if pending is not None and then is not None:
                a, ev = pending
                yield _finding(
                    ctx,
                    spec,
                    a.at,
                    ev,
                    (
                        f"「{a.act}」达到 {len(ev)} 次（{key}）后没有「{then.text}」",
                        f"no '{then.text}' after {len(ev)} × '{a.act}' ({key})",
                    ),
                    {"act": a.act, "count": str(len(ev)), "limit": str(limit), "required": then.text},
                    key=a.id,
                    person=when.person(a),
                    case=a.case,
                    unit=a.unit,
                    group=key,
                    count=len(ev),
                )

    return _declare(spec, check, scope="jurisdiction")


def _quorum(spec: _Spec) -> Rule:
    when = spec.sel["when"]
    strict = "more_than" in spec.raw
    frac = Fraction(str(spec.raw["more_than" if strict else "at_least"]).replace(" ", ""))
    limit = (f"超过 {frac}", f"more than {frac}") if strict else (f"达到 {frac}", f"at least {frac}")
    pref, mref = spec.raw["present_field"], spec.raw["members_field"]

    def check(ctx: Context) -> Iterator[Finding]:
        for a in ctx.c.acts:
            if not spec.triggers(ctx, when, a):
                continue
            pv, pact = _field_ref(ctx, pref, a, spec.sel, "present_field.of")
            mv, mact = _field_ref(ctx, mref, a, spec.sel, "members_field.of")
            present, members = _count(pv), _count(mv)
            if present is None or members is None or members <= 0:
                continue
            if has_quorum(present, members, frac, strict=strict):  # type: ignore[arg-type]
                continue
            ev = list({x.id: x for x in (mact, pact, a) if x is not None}.values())
            ev.sort(key=lambda x: (x.at, x.seq or 0))
            yield _finding(
                ctx,
                spec,
                a.at,
                ev,
                (
                    f"「{a.act}」应到 {members} 人、实到 {present} 人，未{limit[0]}",
                    f"'{a.act}' with {present} of {members} present, not {limit[1]}",
                ),
                {"act": a.act, "count": str(present), "required": str(members), "limit": limit},
                key=a.id,
                person=when.person(a),
                present=str(present),
                members=str(members),
                fraction=str(frac),
                strict=strict,
            )

    return _declare(spec, check)


_BUILDERS: Mapping[str, RuleFactory] = {
    "precedence": _precedence,
    "response": _response,
    "deadline": _deadline,
    "absence": _absence,
    "chain": _chain,
    "four_eyes": _four_eyes,
    "escalation": _escalation,
    "quorum": _quorum,
}

#: Where each template keeps its selectors (paths inside a rule).
_SELECTOR_FIELDS: Mapping[str, tuple[str, ...]] = {
    "precedence": ("when", "requires"),
    "response": ("after", "expect"),
    "deadline": ("expect", "due.of"),
    "absence": ("when", "before"),
    "chain": ("before", "steps.*"),
    "four_eyes": ("first", "second"),
    "escalation": ("when", "then"),
    "quorum": ("when", "present_field.of", "members_field.of"),
}


# ---- compiling a pack -------------------------------------------------------------------------------
@dataclass(frozen=True)
class CompiledPack:
    """A pack compiled from YAML: its identity, start date and engine rules."""

    id: str
    name_zh: str
    name_en: str
    effective_from: date
    rules: tuple[Rule, ...]
    source_hash: str
    extends: str | None = None

    @property
    def pack(self) -> Pack:
        """The :class:`Pack` the engine's ``pack_in_force`` reads (registered by :func:`compile_packs`)."""
        return Pack(
            self.id,
            self.name_zh,
            self.name_en,
            f"{YAML_SEED}{self.source_hash[:16]}",
            self.effective_from,
            self.extends,
        )


def _text(v: Any, default: str) -> tuple[str, str]:
    if v is None:
        return default, default
    if isinstance(v, str):
        return v, v
    zh, en = v.get("zh"), v.get("en")
    return (zh or en or default), (en or zh or default)


def _date(v: str, line: int, rule_id: str | None, field: str) -> date:
    try:
        return date.fromisoformat(v)
    except ValueError:
        raise PackError(f"日期无效：{v}", f"invalid date {v!r}", line=line, rule=rule_id, field=field) from None


class _Compiler:
    def __init__(self, doc: Mapping[str, Any], lines: _Lines) -> None:
        self.doc = doc
        self.lines = lines
        self.pack = str(doc["pack"])

    def error(self, zh: str, en: str, path: Sequence[str | int], *, code: str = "pack_semantics") -> PackError:
        return PackError(
            zh,
            en,
            line=self.lines.of(path),
            rule=_rule_of(self.doc, path),
            field=_field_of(path),
            pack=self.pack,
            code=code,
        )

    def condition(self, text: str, path: Path_) -> Condition:
        try:
            return compile_condition(text)
        except ConditionError as e:
            raise self.error(f"条件表达式错误：{e}", f"bad condition: {e}", path) from None

    def selector(self, raw: Any, path: Path_) -> Selector:
        if isinstance(raw, str):
            return Selector(acts=frozenset({raw}), names=(raw,))
        from domain.kinds.org import RANKS

        acts = _names(raw["act"]) if "act" in raw else None
        where = self.condition(raw["where"], (*path, "where")) if "where" in raw else None
        roles = frozenset(_names(raw["role"])) if "role" in raw else None
        ranks = frozenset(_names(raw["rank"])) if "rank" in raw else None
        if ranks is not None:
            bad = sorted(ranks - set(RANKS))
            if bad:
                raise self.error(
                    f"未知级别 {', '.join(bad)}（可用：{', '.join(RANKS)}）",
                    f"unknown rank {', '.join(bad)} (known: {', '.join(RANKS)})",
                    (*path, "rank"),
                )
        by_field = raw.get("by_field")
        return Selector(
            acts=frozenset(acts) if acts is not None else None,
            where=where,
            roles=roles,
            ranks=ranks,
            by_field=by_field,
            names=acts or (),
        )

    def message(self, tpl: str, path: Path_) -> str:
        try:
            parts = list(string.Formatter().parse(tpl))
        except ValueError as e:
            raise self.error(
                f"消息模板错误：{e}", f"bad message template: {e} (write {{{{ and }}}} for braces)", path
            ) from None
        for _, name, spec, conv in parts:
            if name is None:
                continue
            if name not in PLACEHOLDERS or spec or conv:
                raise self.error(
                    f"未知占位符 {{{name}{('!' + conv) if conv else ''}{(':' + spec) if spec else ''}}}（可用：{', '.join(sorted(PLACEHOLDERS))}）",
                    f"unknown placeholder {{{name}{('!' + conv) if conv else ''}{(':' + spec) if spec else ''}}} (known: {', '.join('{' + p + '}' for p in sorted(PLACEHOLDERS))})",
                    path,
                )
        return tpl

    def rule_spec(self, i: int, raw: Mapping[str, Any]) -> _Spec:
        from domain.kinds import KINDS

        path: Path_ = ("rules", i)
        rid = str(raw["id"])
        template = raw["template"]
        kinds = tuple(raw.get("kinds") or ("process",))
        for k in kinds:
            if k not in KINDS or k == "org":
                known = ", ".join(sorted(x for x in KINDS if x != "org"))
                raise self.error(
                    f"未知案件类型 {k}（可用：{known}）", f"unknown case kind '{k}' (known: {known})", (*path, "kinds")
                )
        eff = (
            _date(raw["effective_from"], self.lines.of((*path, "effective_from")), rid, "effective_from")
            if "effective_from" in raw
            else None
        )
        cond = self.condition(raw["condition"], (*path, "condition")) if "condition" in raw else None
        msg = raw.get("message")
        msg_zh = msg_en = None
        if isinstance(msg, str):
            msg_zh = msg_en = self.message(msg, (*path, "message"))
        elif isinstance(msg, Mapping):
            if "zh" in msg:
                msg_zh = self.message(msg["zh"], (*path, "message", "zh"))
            if "en" in msg:
                msg_en = self.message(msg["en"], (*path, "message", "en"))
        sels: dict[str, Selector] = {}
        for name in _SELECTOR_FIELDS[template]:
            head, _, tail = name.partition(".")
            if head not in raw:
                continue
            if tail == "*":
                for j, s in enumerate(raw[head]):
                    sels[f"{head}.{j}"] = self.selector(s, (*path, head, j))
            elif tail:
                sub = raw[head]
                if isinstance(sub, Mapping) and tail in sub:
                    sels[name] = self.selector(sub[tail], (*path, head, tail))
            else:
                sels[name] = self.selector(raw[head], (*path, head))
        if template == "escalation" and "then" in raw and int(raw["max"]) < 1:
            raise self.error("有 then 时 max 至少为 1", "with 'then', 'max' must be at least 1", (*path, "max"))
        if template == "quorum":
            key = "more_than" if "more_than" in raw else "at_least"
            try:
                frac = Fraction(str(raw[key]).replace(" ", ""))
            except (ValueError, ZeroDivisionError):
                raise self.error(f"比例无效：{raw[key]}", f"invalid fraction {raw[key]!r}", (*path, key)) from None
            if not 0 < frac <= 1:
                raise self.error(
                    f"比例须在 0 与 1 之间：{raw[key]}", f"fraction {raw[key]!r} must be in (0, 1]", (*path, key)
                )
        title_zh, title_en = _text(raw.get("title"), "")
        if not title_zh:
            title_zh = f"{TEMPLATE_ZH[template]}：{rid}"
        if not title_en:
            title_en = f"{template.replace('_', ' ')}: {rid}"
        return _Spec(
            pack=self.pack,
            id=rid,
            family=str(raw.get("family") or rid.split("-", 1)[0]),
            template=template,
            kinds=kinds,
            citation=str(raw["citation"]),
            severity=raw.get("severity", "medium"),
            title_zh=title_zh,
            title_en=title_en,
            msg_zh=msg_zh,
            msg_en=msg_en,
            effective_from=eff,
            condition=cond,
            line=self.lines.of(path),
            description=str(
                raw.get("description") or f"{template} rule of pack {self.pack} (line {self.lines.of(path)})"
            ),
            raw=raw,
            sel=sels,
        )

    def compile(self, source_hash: str) -> CompiledPack:
        from domain.rules.registry import BY_ID

        doc = self.doc
        builtin = PACKS.get(self.pack)
        if builtin is not None and not builtin.seed.startswith(YAML_SEED):
            raise self.error(
                f"规则包编号 {self.pack} 与内置规则包重名",
                f"pack id '{self.pack}' is a built-in pack; choose another id",
                ("pack",),
            )
        name_zh, name_en = _text(doc.get("name"), self.pack)
        eff = (
            _date(doc["effective_from"], self.lines.of(("effective_from",)), None, "effective_from")
            if "effective_from" in doc
            else EPOCH
        )
        extends = doc.get("extends")
        if extends is not None and extends not in PACKS:
            raise self.error(
                f"extends 指向未知规则包 {extends}",
                f"'extends' names an unknown pack '{extends}' (known: {', '.join(sorted(PACKS))})",
                ("extends",),
            )
        seen: dict[str, int] = {}
        rules: list[Rule] = []
        for i, raw in enumerate(doc["rules"]):
            rid = str(raw["id"])
            if rid in seen:
                raise self.error(
                    f"规则编号 {rid} 重复（第 {seen[rid]} 行已定义）",
                    f"duplicate rule id '{rid}' (already defined on line {seen[rid]})",
                    ("rules", i, "id"),
                )
            if rid in BY_ID:
                raise self.error(
                    f"规则编号 {rid} 与内置规则目录重名",
                    f"rule id '{rid}' is a built-in catalog rule; choose another id (e.g. prefix it)",
                    ("rules", i, "id"),
                )
            seen[rid] = self.lines.of(("rules", i, "id"))
            spec = self.rule_spec(i, raw)
            rules.append(_BUILDERS[spec.template](spec))
        return CompiledPack(self.pack, name_zh, name_en, eff, tuple(rules), source_hash, extends)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_pack(text: str) -> CompiledPack:
    """Parse, validate and compile one pack's YAML text (raises :class:`PackError`)."""
    if not isinstance(text, str):
        raise PackError("规则包原文必须是文本", "a rule pack source must be text", code="pack_yaml")
    if len(text) > MAX_SOURCE:
        raise PackError(
            f"规则包过大（超过 {MAX_SOURCE} 字符）", f"rule pack larger than {MAX_SOURCE} characters", code="pack_yaml"
        )
    doc, lines = _parse_yaml(text)
    err = _schema_error(doc, lines)
    if err is not None:
        raise err
    return _Compiler(doc, lines).compile(_hash(text))


# ---- compile_packs (the engine's entry point) ---------------------------------------------------------
_CACHE: dict[str, CompiledPack] = {}
_MERGED: dict[tuple[str, ...], tuple[Rule, ...]] = {}
_CACHE_MAX = 256


def _compiled(pack_id: str, source: str) -> CompiledPack:
    h = _hash(f"{pack_id}\x1f{source}")
    cp = _CACHE.get(h)
    if cp is None:
        cp = load_pack(source)
        if cp.id != pack_id:
            raise PackError(
                f"规则包原文的 pack 为 {cp.id}，与定义的编号 {pack_id} 不一致",
                f"the source says pack '{cp.id}' but it was defined as '{pack_id}'",
                line=1,
                field="pack",
                pack=pack_id,
                code="pack_semantics",
            )
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()
            _MERGED.clear()
        _CACHE[h] = cp
    return cp


def _dispatch(items: list[tuple[str, Rule]]) -> Rule:
    """One engine rule for an id several packs define (versions of a pack): each pack's own check."""
    by_pack = dict(items)
    first = items[0][1]
    kinds = tuple(dict.fromkeys(k for _, r in items for k in r.kinds))
    citations = {p: c for _, r in items for p, c in r.citations.items()}

    def restamp(f: Finding, r: Rule) -> Finding:
        return f if f.severity is not None else replace(f, severity=r.severity)

    def check(ctx: Context) -> Iterator[Finding]:
        if first.scope == "case":
            r = by_pack.get(ctx.pack)
            if r is not None and ctx.case is not None and ctx.case.kind in r.kinds:
                for f in r.check(ctx):
                    yield restamp(f, r)
            return
        for p, r in by_pack.items():
            sub = replace(ctx, cases=[c for c in ctx.cases if c.kind in r.kinds])
            for f in r.check(sub):
                if pack_in_force(ctx.org, f.at) == p:
                    yield restamp(f, r)

    def owed(ctx: Context) -> Iterator[Obligation]:
        r = by_pack.get(ctx.pack)
        if r is not None and r.obligations is not None and ctx.case is not None and ctx.case.kind in r.kinds:
            yield from r.obligations(ctx)

    has_owed = any(r.obligations is not None for _, r in items)
    from types import MappingProxyType

    return replace(
        first,
        kinds=kinds,
        citations=MappingProxyType(citations),
        check=check,
        obligations=owed if has_owed else None,
        doc=f"defined by packs {', '.join(by_pack)}",
    )


def _merge(packs: Sequence[CompiledPack]) -> tuple[Rule, ...]:
    by_id: dict[str, list[tuple[str, Rule]]] = {}
    for cp in packs:
        for r in cp.rules:
            by_id.setdefault(r.id, []).append((cp.id, r))
    out: list[Rule] = []
    for rid, items in by_id.items():
        if len(items) == 1:
            out.append(items[0][1])
            continue
        if len({r.scope for _, r in items}) > 1:
            names = ", ".join(p for p, _ in items)
            raise PackError(
                f"规则 {rid} 在规则包 {names} 中的模板范围不一致（escalation 与其他模板不能同名）",
                f"rule {rid} is defined in packs {names} with templates of different scope (escalation vs case templates)",
                rule=rid,
                code="pack_semantics",
            )
        out.append(_dispatch(items))
    return tuple(out)


def compile_packs(sources: Mapping[str, str]) -> list[Rule]:
    """Rules of the YAML packs a jurisdiction defined (pack id → YAML source).

    Compiled once per source (cached by hash); each pack is registered with
    :func:`~domain.rules.packs.register_pack` so the engine honours its ``effective_from``.
    A rule id defined by several of the packs (versions of one pack) becomes one engine
    rule that runs the version of the pack in force. Raises :class:`PackError`.
    """
    if not sources:
        return []
    compiled = [_compiled(pid, sources[pid]) for pid in sorted(sources)]
    for cp in compiled:
        register_pack(cp.pack)
    key = tuple(f"{cp.id}\x1f{cp.source_hash}" for cp in compiled)
    merged = _MERGED.get(key)
    if merged is None:
        merged = _merge(compiled)
        _MERGED[key] = merged
    return list(merged)

"""Compiling one pack: its YAML checked (schema, then semantics) and each rule built by its template.

:func:`load_pack` ``(text) -> CompiledPack`` — parse, validate against ``pack.schema.json``
(the error names the YAML line), check the semantics (conditions, ranks, kinds,
placeholders, duplicate ids, ids colliding with the catalog), compile each rule with its
template's builder (one module per template in this package).
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from domain.rules.base import Rule
from domain.rules.conditions import Condition, ConditionError, compile_condition
from domain.rules.packs import PACKS, Pack
from domain.rules.patterns import NameMatcher, PatternError
from domain.rules.yamlpack import absence, chain, escalation, four_eyes, precedence, quorum, response
from domain.rules.yamlpack.errors import PackError
from domain.rules.yamlpack.selectors import Selector, names
from domain.rules.yamlpack.source import KeyPath, Lines, field_of, parse_yaml, rule_of, schema_error
from domain.rules.yamlpack.spec import PLACEHOLDERS, TEMPLATE_ZH, Builder, RuleSpec
from domain.rules.yamlpack.timeline import Timeline
from domain.terms import Duration

#: The seed recorded on a :class:`Pack` compiled from YAML (``yaml:<sha256 prefix>``).
YAML_SEED = "yaml:"
#: Largest pack source accepted (characters).
MAX_SOURCE = 1_000_000
#: Default start of a pack that gives no ``effective_from``.
EPOCH = date(1900, 1, 1)

#: Each template's builder.
BUILDERS: Mapping[str, Builder] = {
    "precedence": precedence.build,
    "response": response.build_response,
    "deadline": response.build_deadline,
    "absence": absence.build,
    "chain": chain.build,
    "four_eyes": four_eyes.build,
    "escalation": escalation.build,
    "quorum": quorum.build,
}

#: The selector of the act each template judges (the rule-level ``condition`` applies to it).
TRIGGERS: Mapping[str, str] = {
    "precedence": "when",
    "response": "after",
    "deadline": "due.of",
    "absence": "when",
    "chain": "before",
    "four_eyes": "second",
    "escalation": "when",
    "quorum": "when",
}

#: Where each template keeps its selectors (paths inside a rule; ``x.*`` a list, ``x.y`` a key of a mapping).
SELECTOR_FIELDS: Mapping[str, tuple[str, ...]] = {
    "precedence": precedence.SELECTORS,
    "response": response.RESPONSE_SELECTORS,
    "deadline": response.DEADLINE_SELECTORS,
    "absence": absence.SELECTORS,
    "chain": chain.SELECTORS,
    "four_eyes": four_eyes.SELECTORS,
    "escalation": escalation.SELECTORS,
    "quorum": quorum.SELECTORS,
}


def selector_sources(raw: Mapping[str, Any], path: KeyPath) -> Iterator[tuple[str, Any, KeyPath]]:
    """Each selector a rule of its template holds: its name in :data:`SELECTOR_FIELDS` (a list
    item as ``x.<i>``), its raw text and where it stands in the pack."""
    for name in SELECTOR_FIELDS[raw["template"]]:
        head, _, tail = name.partition(".")
        if head not in raw:
            continue
        if tail == "*":
            for j, s in enumerate(raw[head]):
                yield f"{head}.{j}", s, (*path, head, j)
        elif tail:
            sub = raw[head]
            if isinstance(sub, Mapping) and tail in sub:
                yield name, sub[tail], (*path, head, tail)
        else:
            yield name, raw[head], (*path, head)


@dataclass(frozen=True)
class FieldRef:
    """A data field a rule reads, and where the pack says so."""

    field: str
    line: int
    rule: str | None
    where: str | None


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
    #: Every data field the pack's rules read (conditions, ``correlate``, ``due.field``, ``by_field`` …).
    field_refs: tuple[FieldRef, ...] = ()
    #: The compiled rules as the pack states them (selectors with their act names and patterns,
    #: conditions, line numbers) — for checks of a pack against a log.
    specs: tuple[RuleSpec, ...] = ()

    def renamed_fields(self, renamed: Mapping[str, str]) -> list[PackError]:
        """Errors for fields read under the name a mapping consumed (``renamed``: source name →
        what the mapping made of it, e.g. ``'(case)_Amount' → 'data.amount'``): always absent, so
        a condition on them is always false."""
        out = []
        for ref in self.field_refs:
            now = renamed.get(ref.field) or renamed.get(ref.field.split(".", 1)[0])
            if now is None:
                continue
            out.append(
                PackError(
                    f"字段 {ref.field} 经映射后不在行为数据中（{now}），按此名读取永远取不到值",
                    f"field '{ref.field}' is not in the acts' data after the mapping ({now}): read under this name it "
                    "is always absent",
                    line=ref.line,
                    rule=ref.rule,
                    field=ref.where,
                    pack=self.id,
                    code="pack_field_renamed",
                )
            )
        return out

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
    def __init__(self, doc: Mapping[str, Any], lines: Lines) -> None:
        self.doc = doc
        self.lines = lines
        self.pack = str(doc["pack"])
        self.refs: list[FieldRef] = []
        self.order = tuple(self.matcher([n], ("order", i)) for i, n in enumerate(doc.get("order") or ()))

    def error(self, zh: str, en: str, path: Sequence[str | int], *, code: str = "pack_semantics") -> PackError:
        return PackError(
            zh,
            en,
            line=self.lines.of(path),
            rule=rule_of(self.doc, path),
            field=field_of(path),
            pack=self.pack,
            code=code,
        )

    def ref(self, field: str, path: KeyPath) -> None:
        """Note that the rule at ``path`` reads data field ``field``."""
        self.refs.append(FieldRef(field, self.lines.of(path), rule_of(self.doc, path), field_of(path)))

    def condition(self, text: str, path: KeyPath) -> Condition:
        try:
            c = compile_condition(text)
        except ConditionError as e:
            raise self.error(f"条件表达式错误：{e}", f"bad condition: {e}", path) from None
        for f in sorted(c.fields):
            self.ref(f, path)
        return c

    def matcher(self, acts: Sequence[str], path: KeyPath) -> NameMatcher:
        try:
            return NameMatcher(acts)
        except PatternError as e:
            raise self.error(f"名称模式错误：{e}", f"bad act-name pattern: {e}", path) from None

    def never(self, sel: Selector, cond: Condition, path: KeyPath, what: tuple[str, str]) -> None:
        """Refuse a condition that can never hold on the acts ``sel`` picks (``act == 'B'`` on ``act: A``)."""
        if sel.acts is None or cond.act_names is None:
            return
        if not any(sel.acts(n) for n in cond.act_names):
            wanted = " / ".join(sorted(cond.act_names)) or "(none)"
            raise self.error(
                f"条件永远不成立：{what[0]}只选「{' / '.join(sel.names)}」，条件却要求 act 为「{wanted}」",
                f"always false: {what[1]} picks only '{' / '.join(sel.names)}' but the condition asks for act '{wanted}'",
                path,
            )

    def selector(self, raw: Any, path: KeyPath) -> Selector:
        if isinstance(raw, str):
            return Selector(acts=self.matcher([raw], path), names=(raw,))
        from domain.kinds.org import RANKS

        acts = names(raw["act"]) if "act" in raw else None
        where = self.condition(raw["where"], (*path, "where")) if "where" in raw else None
        roles = frozenset(names(raw["role"])) if "role" in raw else None
        ranks = frozenset(names(raw["rank"])) if "rank" in raw else None
        if ranks is not None:
            bad = sorted(ranks - set(RANKS))
            if bad:
                raise self.error(
                    f"未知级别 {', '.join(bad)}（可用：{', '.join(RANKS)}）",
                    f"unknown rank {', '.join(bad)} (known: {', '.join(RANKS)})",
                    (*path, "rank"),
                )
        by_field = raw.get("by_field")
        if by_field:
            self.ref(by_field, (*path, "by_field"))
        sel = Selector(
            acts=self.matcher(acts, (*path, "act")) if acts is not None else None,
            where=where,
            roles=roles,
            ranks=ranks,
            by_field=by_field,
            names=acts or (),
        )
        if where is not None:
            self.never(sel, where, (*path, "where"), ("选择器", "the selector"))
        return sel

    def message(self, tpl: str, path: KeyPath) -> str:
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

    def rule_spec(self, i: int, raw: Mapping[str, Any]) -> RuleSpec:
        from domain.kinds import KINDS

        path: KeyPath = ("rules", i)
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
        for name, src, where in selector_sources(raw, path):
            sels[name] = self.selector(src, where)
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
        if template == "response" and "of" in (raw.get("due") or {}):
            raise self.error(
                "response 的期限取自触发行为（after）本身，不能写 due.of（取自其他行为请用 deadline 模板）",
                "in a response the due date is read from the triggering ('after') act: no 'due.of' (use the deadline template)",
                (*path, "due", "of"),
            )
        expect = sels.get("expect")
        for clock in ("extend.on", "suspend.from", "suspend.until"):
            sel = sels.get(clock)
            if expect is None or sel is None or sel.acts is None or expect.acts is None:
                continue
            both = sorted(n for n in sel.acts.plain if expect.acts(n))
            if both:
                raise self.error(
                    f"「{both[0]}」同时符合 expect 与 {clock}：它会被当作答复，期间不会因它而变",
                    f"'{both[0]}' matches both 'expect' and '{clock}': it would be taken as the answer and never "
                    "move the term (narrow the expect pattern)",
                    (*path, *clock.split(".")),
                )
        trigger = sels.get(TRIGGERS[template])
        if cond is not None and trigger is not None:
            self.never(
                trigger,
                cond,
                (*path, "condition"),
                (f"规则的 {TRIGGERS[template]}", f"the rule's '{TRIGGERS[template]}'"),
            )
        for key in ("within", "window"):
            if key in raw:
                self.duration(raw[key], (*path, key))
        if "extend" in raw and "by" in raw["extend"]:
            self.duration(raw["extend"]["by"], (*path, "extend", "by"))
        for key, sub in (("correlate", None), ("due", "field"), ("extend", "to")):
            v = raw.get(key)
            if isinstance(v, Mapping) and sub is not None:
                v = v.get(sub)
                v = v.get("field") if isinstance(v, Mapping) else v
            if isinstance(v, str):
                self.ref(v, (*path, key))
        for key in ("present_field", "members_field"):
            v = raw.get(key)
            if v is not None:
                self.ref(v if isinstance(v, str) else v["field"], (*path, key))
        per = raw.get("per")
        if isinstance(per, str) and per.startswith("data."):
            self.ref(per[len("data.") :], (*path, "per"))
        title_zh, title_en = _text(raw.get("title"), "")
        if not title_zh:
            title_zh = f"{TEMPLATE_ZH[template]}：{rid}"
        if not title_en:
            title_en = f"{template.replace('_', ' ')}: {rid}"
        return RuleSpec(
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
            timeline=Timeline(str(raw.get("granularity", "instant")), self.order),
            correlate=raw.get("correlate"),
        )

    def duration(self, raw: Any, path: KeyPath) -> Duration:
        try:
            return Duration.parse(raw)
        except ValueError as e:
            raise self.error(f"期间无效：{e}", f"bad duration: {e}", path) from None

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
        specs: list[RuleSpec] = []
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
            specs.append(spec)
            rules.append(BUILDERS[spec.template](spec))
        return CompiledPack(
            self.pack, name_zh, name_en, eff, tuple(rules), source_hash, extends, tuple(self.refs), tuple(specs)
        )


def hash_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_pack(text: str) -> CompiledPack:
    """Parse, validate and compile one pack's YAML text (raises :class:`PackError`)."""
    if not isinstance(text, str):
        raise PackError("规则包原文必须是文本", "a rule pack source must be text", code="pack_yaml")
    if len(text) > MAX_SOURCE:
        raise PackError(
            f"规则包过大（超过 {MAX_SOURCE} 字符）", f"rule pack larger than {MAX_SOURCE} characters", code="pack_yaml"
        )
    doc, lines = parse_yaml(text)
    err = schema_error(doc, lines)
    if err is not None:
        raise err
    return _Compiler(doc, lines).compile(hash_text(text))

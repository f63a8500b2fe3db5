"""Checking a rule pack before adopting it (规则包检查): errors and warnings that name the pack's line.

A pack that does not compile gives one *error*, located in the pack file
(``pack.yaml:14: rule X, field 'within': …``) — never in the mapping that names it. A pack
that compiles can still give all-or-nothing answers on a real log; :func:`check_pack`, given
the log's acts, *warns* where it would:

- an act name (or pattern) that never occurs in the log — the rule flags every case, or none;
- a field no act carries — also one read under the name the mapping consumed
  (``(case)_Amount`` mapped to ``amount``), or an act's own field (``act``) read as data;
- a condition never true on the acts it judges;
- a rule that flags every case of the log, or none (the pack run over the log's cases, the
  clock at the log's last act); a rule whose case kinds the log does not have.

``ledger pack check PACK.yaml [--mapping MAP --log LOG] [--sample N]`` prints the report and
exits 0 (clean), 1 (warnings only) or 2 (errors: the pack does not compile).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, tzinfo
from difflib import get_close_matches
from typing import Any, Literal

from domain.acts import Act
from domain.calendar import WorkCalendar
from domain.errors import LedgerError
from domain.org import OrgChart, PackAdoption
from domain.rules.conditions import MISSING, Condition, compile_condition, lookup
from domain.rules.custom import restoring_packs, run_clock
from domain.rules.engine import Evaluator, group_cases
from domain.rules.patterns import NameMatcher, PatternError
from domain.rules.yamlpack import PackError, load_pack
from domain.rules.yamlpack.compiler import TRIGGERS, selector_sources
from domain.rules.yamlpack.source import KeyPath, Lines, field_of, parse_yaml, rule_of
from domain.timeutil import CHINA_TZ, start_of_day

Level = Literal["error", "warning"]

#: The location :class:`PackError` puts before its message ("line 14, " / "第 14 行，").
_LINE_EN = re.compile(r"^line \d+(, |: )")
_LINE_ZH = re.compile(r"^第 \d+ 行(，|：)")


@dataclass(frozen=True)
class PackIssue:
    """One finding of a pack check: where in the pack file, what, and how bad."""

    path: str
    line: int | None
    level: Level
    code: str
    message_zh: str
    message_en: str
    rule: str | None = None
    field: str | None = None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    def text(self, lang: str = "en") -> str:
        """``pack.yaml:14: rule X, field 'within': …`` (English) or the Chinese message."""
        return f"{self.where}: {self.message_en if lang == 'en' else self.message_zh}"

    def line_text(self, lang: str = "en") -> str:
        """As a compiler prints it: ``pack.yaml:14: warning: rule X, field 'when.act': …``."""
        level = self.level if lang == "en" else {"error": "错误", "warning": "警告"}[self.level]
        return f"{self.where}: {level}: {self.message_en if lang == 'en' else self.message_zh}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "level": self.level,
            "code": self.code,
            "rule": self.rule,
            "field": self.field,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


def error_issue(e: PackError, path: str) -> PackIssue:
    """The error of a pack that does not compile, located in the pack file ``path``."""
    zh, en = e.message_zh, e.message_en
    if e.line is not None:
        zh, en = _LINE_ZH.sub("", zh, count=1), _LINE_EN.sub("", en, count=1)
    return PackIssue(path, e.line, "error", e.code, zh, en, e.rule, e.field)


def located_error(e: PackError, path: str) -> LedgerError:
    """A :class:`LedgerError` whose message starts with ``path:line:`` (for a command's error output)."""
    issue = error_issue(e, path)
    return LedgerError(issue.text("zh"), issue.text("en"), code=e.code or "invalid_pack")


# ---- reading the pack: what its rules name and read, and where -------------------------------------
#: An act's own fields: a condition reads the act's data, never these.
ACT_FIELDS = frozenset({"id", "case", "kind", "act", "at", "by", "unit", "jurisdiction"})


@dataclass(frozen=True)
class _Sel:
    """A selector of a rule: the act names it picks (with their paths), its condition, its fields."""

    path: KeyPath
    names: tuple[tuple[str, KeyPath], ...]
    where: tuple[Condition, KeyPath] | None = None
    fields: tuple[tuple[str, KeyPath], ...] = ()


@dataclass(frozen=True)
class _RuleRefs:
    """What one rule of the pack names and reads."""

    id: str
    template: str
    selectors: Mapping[str, _Sel]
    condition: tuple[Condition, KeyPath] | None
    fields: tuple[tuple[str, KeyPath], ...]


def _selector(raw: Any, path: KeyPath) -> _Sel:
    if isinstance(raw, str):
        return _Sel(path, ((raw, path),))
    acts = raw.get("act")
    if acts is None:
        names: tuple[tuple[str, KeyPath], ...] = ()
    elif isinstance(acts, str):
        names = ((acts, (*path, "act")),)
    else:
        names = tuple((str(n), (*path, "act", j)) for j, n in enumerate(acts))
    where = (compile_condition(raw["where"]), (*path, "where")) if "where" in raw else None
    fields = []
    if "role" in raw:
        fields.append(("role", (*path, "role")))
    if raw.get("by_field"):
        fields.append((str(raw["by_field"]), (*path, "by_field")))
    return _Sel(path, names, where, tuple(fields))


def _rule_refs(doc: Mapping[str, Any]) -> list[_RuleRefs]:
    out: list[_RuleRefs] = []
    for i, raw in enumerate(doc["rules"]):
        path: KeyPath = ("rules", i)
        template = raw["template"]
        sels: dict[str, _Sel] = {}
        for name, src, where in selector_sources(raw, path):
            sels[name] = _selector(src, where)
        fields: list[tuple[str, KeyPath]] = []
        if template == "deadline":
            fields.append((str(raw["due"]["field"]), (*path, "due", "field")))
        for key in ("present_field", "members_field"):
            if key in raw:
                ref = raw[key]
                fields.append(
                    (ref, (*path, key)) if isinstance(ref, str) else (str(ref["field"]), (*path, key, "field"))
                )
        per = raw.get("per")
        if isinstance(per, str) and per.startswith("data."):
            fields.append((per[len("data.") :], (*path, "per")))
        cond = (compile_condition(raw["condition"]), (*path, "condition")) if "condition" in raw else None
        out.append(_RuleRefs(str(raw["id"]), template, sels, cond, tuple(fields)))
    return out


# ---- the report ----------------------------------------------------------------------------------------
@dataclass
class PackReport:
    """What ``ledger pack check`` found: errors (the pack does not compile) or warnings."""

    path: str
    pack: str | None = None
    issues: list[PackIssue] = field(default_factory=list)
    cases: int = 0
    acts: int = 0
    #: Per rule of the pack: (cases it flags, cases of the kinds it reads) in the log read.
    outcomes: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def errors(self) -> list[PackIssue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[PackIssue]:
        return [i for i in self.issues if i.level == "warning"]

    @property
    def exit_code(self) -> int:
        """0 clean, 1 warnings only, 2 errors (``ledger pack check``)."""
        return 2 if self.errors else 1 if self.warnings else 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "pack": self.pack,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "cases": self.cases,
            "acts": self.acts,
            "outcomes": {r: {"flagged": f, "cases": n} for r, (f, n) in self.outcomes.items()},
            "issues": [i.as_dict() for i in self.issues],
        }


class _Checker:
    """The warnings of a pack that compiles, against the acts of a log."""

    def __init__(self, report: PackReport, doc: Mapping[str, Any], lines: Lines, acts: Sequence[Act]) -> None:
        self.report = report
        self.doc = doc
        self.lines = lines
        self.acts = acts
        self.by_name: dict[str, list[Act]] = defaultdict(list)
        self.by_case: dict[tuple[str, str], list[Act]] = defaultdict(list)  # what case.has(...) reads
        for a in acts:
            self.by_name[a.act].append(a)
            self.by_case[(a.jurisdiction, a.case)].append(a)
        self.warned_fields: set[tuple[str, int]] = set()

    def warn(self, code: str, zh: str, en: str, path: KeyPath) -> None:
        """A warning at ``path``, its message led by the rule and field as a pack error's is."""
        rule, fld = rule_of(self.doc, path), field_of(path)
        loc_zh = "，".join(x for x in (f"规则 {rule}" if rule else "", f"字段 {fld}" if fld else "") if x)
        loc_en = ", ".join(x for x in (f"rule {rule}" if rule else "", f"field '{fld}'" if fld else "") if x)
        self.report.issues.append(
            PackIssue(
                self.report.path,
                self.lines.of(path),
                "warning",
                code,
                f"{loc_zh}：{zh}" if loc_zh else zh,
                f"{loc_en}: {en}" if loc_en else en,
                rule,
                fld,
            )
        )

    def matching(self, pattern: str) -> list[str]:
        """The act names of the log a name (or a pattern, :mod:`domain.rules.patterns`) picks."""
        if pattern in self.by_name:
            return [pattern]
        try:
            picks = NameMatcher([pattern])
        except PatternError:
            return []
        return [n for n in self.by_name if picks(n)]

    def acts_of(self, sel: _Sel) -> list[Act]:
        if not sel.names:
            return list(self.acts)
        return [a for n, _p in sel.names for m in self.matching(n) for a in self.by_name[m]]

    # -- act names ---------------------------------------------------------------------------
    def act_names(self, sel: _Sel) -> None:
        for name, path in sel.names:
            if self.matching(name):
                continue
            close = get_close_matches(name, list(self.by_name), n=1, cutoff=0.6)
            hint_zh = f"；最接近的是「{close[0]}」" if close else ""
            hint_en = f"; the closest is '{close[0]}'" if close else ""
            self.warn(
                "act_never_seen",
                f"日志中从未出现行为「{name}」（共读 {self.report.cases} 个案件）{hint_zh}",
                f"act '{name}' never occurs in the log ({self.report.cases} cases read){hint_en}",
                path,
            )

    # -- fields ------------------------------------------------------------------------------
    def present(self, fld: str) -> bool:
        parts = tuple(fld.split("."))
        return any(lookup(a.data, parts) is not MISSING for a in self.acts)

    def field(self, fld: str, path: KeyPath, renamed: Mapping[str, str]) -> bool:
        """Warn if no act of the log has ``fld`` in its data; True when it is present."""
        if self.present(fld):
            return True
        key = (fld, self.lines.of(path))
        if key in self.warned_fields:
            return False
        self.warned_fields.add(key)
        zh = f"日志中没有任何行为的数据含字段 {fld}"
        en = f"field '{fld}' is never present in the acts' data"
        head = fld.split(".", 1)[0]
        if fld in renamed or head in renamed:
            now = renamed.get(fld) or renamed[head]
            zh += f"：映射已使用并改换了 {fld}（{now}），请读取改换后的字段"
            en += f": the mapping consumed '{fld}' ({now}); read the field it became"
        elif head in ACT_FIELDS:
            zh += f"：{head} 是行为本身的字段，不在 data 中（按名称选取请用 act:）"
            en += f": '{head}' is the act's own field, not its data (to pick acts by name use act:)"
        self.warn("field_never_present", zh, en, path)
        return False

    # -- conditions --------------------------------------------------------------------------
    def condition(
        self, cond: Condition, path: KeyPath, acts: Sequence[Act], what: str, renamed: Mapping[str, str]
    ) -> None:
        present = [self.field(f, path, renamed) for f in sorted(cond.fields)]
        if not acts or not all(present):
            return  # no act to judge, or a field that is never there (warned above)
        if not any(cond.evaluate(a.data, a, self.by_case[(a.jurisdiction, a.case)]) for a in acts):
            self.warn(
                "condition_never_true",
                f"条件「{cond.text}」在日志的 {len(acts)} 个「{what}」行为上从不成立",
                f"condition \"{cond.text}\" is never true on the {len(acts)} '{what}' acts of the log",
                path,
            )

    def rule(self, r: _RuleRefs, renamed: Mapping[str, str]) -> None:
        for sel in r.selectors.values():
            self.act_names(sel)
            for fld, path in sel.fields:
                self.field(fld, path, renamed)
            if sel.where is not None:
                what = " / ".join(n for n, _p in sel.names) or "*"
                self.condition(sel.where[0], sel.where[1], self.acts_of(sel), what, renamed)
        for fld, path in r.fields:
            self.field(fld, path, renamed)
        trigger = r.selectors.get(TRIGGERS[r.template])
        if r.condition is not None:
            acts = self.acts_of(trigger) if trigger is not None else list(self.acts)
            what = " / ".join(n for n, _p in trigger.names) if trigger is not None and trigger.names else "*"
            self.condition(r.condition[0], r.condition[1], acts, what, renamed)

    # -- outcomes ----------------------------------------------------------------------------
    def outcomes(self, compiled: Any, source: str, tz: tzinfo, rule_refs: Sequence[_RuleRefs]) -> None:
        """Run the pack over the log's cases (the clock at the log's last act) and warn for a rule
        that flags every case it reads, or none."""
        cases = group_cases(self.acts)
        if not cases:
            return
        now = max(a.at for a in self.acts)
        with restoring_packs():
            org = OrgChart(jurisdiction=cases[0].jurisdiction, tz=tz)
            org.custom_packs[compiled.id] = source
            org.packs.append(PackAdoption(compiled.id, start_of_day(date(1900, 1, 1), tz)))
            ev = Evaluator(org, WorkCalendar(tz))
            clocked = [run_clock(ev, c, now) for c in cases]
            flagged: dict[str, set[str]] = defaultdict(set)
            for c in clocked:
                for v in ev.case_violations(c):
                    flagged[v.rule].add(v.case)
            for v in ev.jurisdiction_violations(clocked):
                flagged[v.rule].add(v.case)
        warned = {i.rule for i in self.report.issues}
        refs = {r.id: r for r in rule_refs}
        for i, rule in enumerate(compiled.rules):
            trigger = refs[rule.id].selectors.get(TRIGGERS[refs[rule.id].template])
            picked = {(a.jurisdiction, a.case) for a in self.acts_of(trigger)} if trigger is not None else None
            judged = [c for c in cases if c.kind in rule.kinds and (picked is None or (c.jurisdiction, c.id) in picked)]
            n = len(flagged.get(rule.id, ()))
            self.report.outcomes[rule.id] = (n, len(judged))
            path: KeyPath = ("rules", i)
            if not any(c.kind in rule.kinds for c in cases):
                kinds = ", ".join(rule.kinds)
                self.warn(
                    "no_case_of_its_kinds",
                    f"日志中没有 {kinds} 类案件，本规则无可审查",
                    f"the log has no case of the kinds it reads ({kinds}): it judges nothing",
                    path,
                )
                continue
            if rule.id in warned:
                continue  # a warning of the rule already says why it flags all or nothing
            what = " / ".join(x for x, _p in trigger.names) if trigger is not None and trigger.names else ""
            with_zh, with_en = (f"含「{what}」的", f" with '{what}'") if what else ("", "")
            if n == 0:
                self.warn(
                    "flags_no_case",
                    f"在日志{with_zh} {len(judged)} 个案件中一个也没有标记",
                    f"flags none of the {len(judged)} cases{with_en} in the log",
                    path,
                )
            elif n >= len(judged) >= 2:
                self.warn(
                    "flags_every_case",
                    f"标记了日志中全部 {len(judged)} 个{with_zh}案件（所要求的行为是否从未出现？）",
                    f"flags every one of the {len(judged)} cases{with_en} in the log (does what it requires never occur?)",
                    path,
                )


def check_pack(
    text: str,
    path: str,
    acts: Iterable[Act] | None = None,
    *,
    renamed: Mapping[str, str] | None = None,
    tz: tzinfo | None = None,
) -> PackReport:
    """Check a pack before adopting it (规则包检查).

    Compiles ``text`` (the pack file ``path``): a pack that does not compile gives one error
    naming its line. With the ``acts`` of a log (read through its mapping; ``renamed`` — the
    source names the mapping consumed and what it made of them), warns for act names that never
    occur, fields never present (also a field read under its pre-mapping name), conditions never
    true on the acts they judge, and rules that flag every case of the log or none (the pack is
    run over the log's cases, the clock at the log's last act). ``tz``: the log's time zone.
    """
    report = PackReport(path)
    try:
        compiled = load_pack(text)
    except PackError as e:
        report.issues.append(error_issue(e, path))
        return report
    report.pack = compiled.id
    if acts is None:
        return report
    acts = list(acts)
    report.acts = len(acts)
    report.cases = len({(a.jurisdiction, a.case) for a in acts})
    doc, lines = parse_yaml(text)
    checker = _Checker(report, doc, lines, acts)
    refs = _rule_refs(doc)
    for r in refs:
        checker.rule(r, renamed or {})
    checker.outcomes(compiled, text, tz or CHINA_TZ, refs)
    report.issues.sort(key=lambda i: (i.level != "error", i.line or 0))
    return report

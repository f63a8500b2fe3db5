"""Validating incoming acts against what the ledger already holds (入账校验).

Places each raw act in its jurisdiction, checks it with :func:`domain.acts.validate_act`
against the jurisdiction's org chart (people, units, posts) and the kinds of the cases
already stored — including the acts accepted earlier in the same batch, so an org file and
the acts that use it can arrive together. Corrections must point at an act of the same case.
"""

from __future__ import annotations

import copy
import os
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from domain.acts import MAX_ACT_BYTES, Act, OrgRefs, validate_act
from domain.errors import ActError
from domain.org import OrgChart
from domain.orgfile import OrgNames, org_reference_error
from domain.rules.vocabulary import ValueWarning, value_warnings
from domain.system_cases import reserved_for
from ledger.store import Ledger

_UNITS = {
    "": 1,
    "k": 1024,
    "kb": 1024,
    "kib": 1024,
    "m": 1024**2,
    "mb": 1024**2,
    "mib": 1024**2,
    "g": 1024**3,
    "gb": 1024**3,
    "gib": 1024**3,
}


def env_size(name: str, default: int) -> int:
    """A size limit from the environment: bytes, or with a unit (``256KiB``, ``16MiB``, ``1G``)."""
    text = os.environ.get(name, "").strip().lower().replace(" ", "")
    if not text:
        return default
    digits = text.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = text[len(digits) :]
    if not digits.isdigit() or unit not in _UNITS or int(digits) <= 0:
        raise ValueError(f"{name}={os.environ[name]!r}: a size in bytes, or with KiB/MiB/GiB")
    return int(digits) * _UNITS[unit]


class ActGuard(Protocol):
    """Who may record what (the API's :class:`api.access.ActGuard`): raises :class:`ActError`."""

    def screen(self, raw: Mapping[str, Any], jurisdiction: str) -> None:
        """Before validation: may the caller write this kind, unit, jurisdiction at all?"""

    def check(self, act: Act, earlier: Sequence[Act]) -> None:
        """After validation: may it add ``act`` to its case (``earlier``: the case's acts
        accepted before it and not yet stored)?"""

    def forget(self) -> None:
        """The accepted acts were stored."""


class BatchValidator:
    """Validates a stream of raw acts; remembers what it accepted so far (not yet stored)."""

    def __init__(
        self,
        ledger: Ledger,
        *,
        jurisdiction: str | None = None,
        allow_clock_acts: bool = False,
        guard: ActGuard | None = None,
        max_act_bytes: int | None = None,
        orgs: Mapping[str, OrgChart] | None = None,
    ) -> None:
        self.ledger = ledger
        self.guard = guard
        self.max_act_bytes = max_act_bytes or env_size("LEDGER_MAX_ACT_BYTES", MAX_ACT_BYTES)
        self._pending: dict[tuple[str, str], list[Act]] = {}
        self.default_jurisdiction = jurisdiction
        self.allow_clock_acts = allow_clock_acts
        self._orgs: dict[str, OrgChart] = dict(orgs or {})  # read already by the caller, else from the ledger
        self._kinds: dict[tuple[str, str], str] = {}
        self._ids: dict[str, dict[str, str]] = {}  # accepted, not yet stored: act id → case
        self._handed: deque[dict[str, dict[str, str]]] = deque()  # handed to a writer, maybe not stored yet
        self._units: dict[str, list[str]] | None = None
        self._absent: set[tuple[str, str]] = set()
        self._refs: dict[str, OrgRefs] = {}
        self._names: dict[str, OrgNames] = {}
        self._owned: set[str] = set()
        self._current = ""

    def prefetch(self, raws: list[Any]) -> None:
        """Look up, in one query per jurisdiction, the kinds of the cases a batch names."""
        by_j: dict[str, set[str]] = {}
        for raw in raws:
            if (type(raw) is not dict and not isinstance(raw, Mapping)) or not isinstance(raw.get("case"), str):
                continue
            try:
                j = self.jurisdiction_of(raw)
            except ActError:
                continue
            if (j, raw["case"]) not in self._kinds:
                by_j.setdefault(j, set()).add(raw["case"])
        for j, cases in by_j.items():
            found = self.ledger.case_versions(j, cases)
            for c in cases:
                if c in found:
                    self._kinds[(j, c)] = found[c][1]
                else:
                    self._absent.add((j, c))

    def org(self, j: str) -> OrgChart:
        """The org chart the batch is checked against: the ledger's (shared, read-only) until an
        org act in the batch changes it, then a private copy (copy on write)."""
        chart = self._orgs.get(j)
        if chart is None:
            chart = self._orgs[j] = self.ledger.org(j)
        return chart

    def _own_org(self, j: str) -> OrgChart:
        if j not in self._owned:
            self._orgs[j] = copy.deepcopy(self.org(j))
            self._owned.add(j)
            self._refs.pop(j, None)
        return self._orgs[j]

    def jurisdiction_of(self, raw: Mapping[str, Any]) -> str:
        j = raw.get("jurisdiction") or self.default_jurisdiction
        if j:
            if not isinstance(j, str):
                raise ActError(
                    "jurisdiction", "jurisdiction 必须是字符串", "'jurisdiction' must be a string", code="wrong_type"
                )
            return j
        known = self.ledger.jurisdictions() or list(self._orgs)
        if len(known) == 1:
            return known[0]
        if self._units is None:
            self._units = self.ledger.unit_jurisdictions()
        unit = raw.get("unit")
        js = self._units.get(unit, []) if isinstance(unit, str) else []
        if len(js) == 1:
            return js[0]
        raise ActError(
            "jurisdiction",
            "无法确定所属辖区：请在行内给出 jurisdiction 或使用 --jurisdiction",
            "cannot tell the jurisdiction: add 'jurisdiction' to the line or pass --jurisdiction",
            code="unknown_jurisdiction",
        )

    def validate(self, raw: Mapping[str, Any]) -> Act:
        """A typed act, or :class:`ActError` naming the field. Accepted acts are remembered."""
        if type(raw) is not dict and not isinstance(raw, Mapping):
            raise ActError("", "行为记录必须是 JSON 对象", "an act must be a JSON object", code="not_an_object")
        j = self.jurisdiction_of(raw)
        if self.guard is not None:
            self.guard.screen(raw, j)
        org = self.org(j)
        has_org = bool(org.units)
        if not has_org and raw.get("kind") != "org":
            raise ActError(
                "unit",
                f"辖区 {j} 尚无组织机构，请先导入组织机构文件",
                f"jurisdiction '{j}' has no org chart yet: import its org file first",
                code="unknown_unit",
            )
        refs = self._refs.get(j)
        if refs is None:
            refs = self._refs[j] = OrgRefs(org.is_person, org.is_unit, org.is_post)
        self._current = j
        act = validate_act(
            raw,
            jurisdiction=j,
            refs=refs,
            case_kind_of=self._kind_of,
            allow_clock_acts=self.allow_clock_acts,
            max_bytes=self.max_act_bytes,
        )
        if act.act in ("corrected", "retracted"):
            self._check_correction(act)
        if act.act == "pack_defined":
            self._check_pack(act)
        elif act.act == "pack_adopted":
            self._check_adoption(act, org)
        if act.kind == "org":
            err = org_reference_error(act.act, act.data, self._org_names(j))
            if err is not None:
                raise ActError(f"data.{err[0]}", err[1], err[2], code="unknown_reference")
        if self.guard is not None:
            earlier = self._pending.setdefault((j, act.case), [])
            self.guard.check(act, earlier)
            earlier.append(act)
        self._kinds[(j, act.case)] = act.kind
        self._ids.setdefault(j, {})[act.id] = act.case
        if act.kind == "org":
            self._own_org(j).apply(act)
            self._org_names(j).add(act.act, act.data)
        return act

    def warnings(self, act: Act) -> list[ValueWarning]:
        """Values of an accepted act that rules in force cannot read (the import's warnings)."""
        if act.kind == "org":
            return []
        return value_warnings(act, self.org(act.jurisdiction))

    def _org_names(self, j: str) -> OrgNames:
        """The ids the batch's org chart knows (kept beside it as org acts are accepted)."""
        names = self._names.get(j)
        if names is None:
            names = self._names[j] = OrgNames.of(self.org(j))
        return names

    def batch_stored(self) -> None:
        """The accepted acts are stored now: forget their ids (the store answers from here on)."""
        self._ids.clear()
        self._handed.clear()
        self._pending.clear()
        if self.guard is not None:
            self.guard.forget()

    def batch_handed_over(self, in_flight: int) -> None:
        """The accepted acts went to a writer that stores them while this validator goes on (an
        import validating in a process of its own, :mod:`ledger.parallel_import`): their ids are
        still answered from here until ``in_flight`` later batches were handed over — by then the
        writer has stored them and the store answers."""
        self._handed.append(self._ids)
        self._ids = {}
        while len(self._handed) > in_flight:
            self._handed.popleft()

    def _accepted_case(self, j: str, act_id: str) -> str | None:
        """The case of an act accepted and not yet stored, by its id."""
        case = self._ids.get(j, {}).get(act_id)
        if case is None:
            for ids in reversed(self._handed):
                case = ids.get(j, {}).get(act_id)
                if case is not None:
                    break
        return case

    def forget(self, jurisdiction: str) -> None:
        """Drop what is cached of a jurisdiction (after its org chart changed in the store)."""
        self._orgs.pop(jurisdiction, None)
        self._refs.pop(jurisdiction, None)
        self._names.pop(jurisdiction, None)
        self._owned.discard(jurisdiction)
        self._units = None

    def _kind_of(self, case: str) -> str | None:
        j = self._current
        k = self._kinds.get((j, case))
        if k is not None or (j, case) in self._absent:
            return k
        reserved = reserved_for(case)
        if reserved:  # a system case id holds its one kind only (checked on every act): no lookup
            return reserved
        return self.ledger.case_kind(j, case)

    def _check_pack(self, act: Act) -> None:
        """A jurisdiction's own rule pack must compile before it is stored (else every evaluation would fail)."""
        from domain.rules.yamlpack import PackError, load_pack

        try:
            compiled = load_pack(act.get("source"))
        except PackError as e:
            raise ActError("data.source", e.message_zh, e.message_en, code="invalid_pack") from e
        if compiled.id != act.get("pack"):
            raise ActError(
                "data.pack",
                f"规则包编号 {act.get('pack')} 与 YAML 中的 {compiled.id} 不一致",
                f"pack '{act.get('pack')}' does not match the YAML's pack id '{compiled.id}'",
                code="invalid_pack",
            )

    def _check_adoption(self, act: Act, org: OrgChart) -> None:
        """A jurisdiction adopts a built-in pack or one it defined (else nothing would judge its cases)."""
        from domain.rules.packs import PACKS
        from domain.rules.yamlpack import YAML_SEED

        pid = act.get("pack")
        builtin = PACKS.get(pid)
        if pid in org.custom_packs or (builtin is not None and not builtin.seed.startswith(YAML_SEED)):
            return
        raise ActError(
            "data.pack",
            f"规则包 {pid} 既非内置规则包，也未在本辖区定义（请先记录 pack_defined）",
            f"pack '{pid}' is neither built-in nor defined in this jurisdiction (record its pack_defined first)",
            code="unknown_pack",
        )

    def _check_correction(self, act: Act) -> None:
        target = act.get("of")
        j = act.jurisdiction
        if self._accepted_case(j, target) == act.case:
            return
        found = [a for a in self.ledger.case_history(j, act.case) if a.id == target]
        if not found:
            raise ActError(
                "data.of",
                f"被更正/撤回的行为 {target} 不在案件 {act.case} 中",
                f"'{act.act}' points at act '{target}', which is not in case '{act.case}'",
                code="unknown_act",
            )

"""A jurisdiction's rule packs as they stand (规则包现状): which compile, which is in force, what they say.

The ledger refuses a pack that does not compile when it is recorded, but a stored pack can
still fail later (recorded before that check, or refused by a newer version of the
language), a jurisdiction may adopt a pack it never defined, or adopt none at all. In each
case its cases are not judged, and an empty violation list would read as a clean audit:
:func:`pack_status` says which, so that ``ledger violations``, ``ledger status`` and the API
can say so.

- :func:`compile_custom` — the rules of a jurisdiction's own packs that compile, and the
  :class:`~domain.rules.yamlpack.PackError` of each that does not (one broken pack does not
  stop the others; the engine's :class:`~domain.rules.engine.Evaluator` uses it).
- :func:`pack_status` — is the jurisdiction judged, by which pack, since when; or why not.
- :func:`run_clock`, :func:`restoring_packs` — what trying a pack needs: the clock run in
  memory, and the pack registry left as it was.
- :func:`rules_of_pack` — the rules one pack (built-in or a jurisdiction's own) puts in force,
  with its article and parameters (``ledger rules --pack``, ``GET /rules?pack=``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import yaml

from domain.acts import validate_act
from domain.errors import LedgerError
from domain.org import OrgChart
from domain.rules.base import Case, Rule
from domain.rules.packs import PACKS, citing_pack, pack_in_force
from domain.rules.yamlpack import YAML_SEED, PackError, compile_packs
from domain.timeutil import format_datetime, start_of_day

if TYPE_CHECKING:
    from domain.rules.engine import Evaluator

#: ``in_force`` — judged by a pack now; ``failed`` — an adopted pack of its own does not compile;
#: ``undefined`` — an adopted pack is neither built-in nor defined; ``none`` — no pack adopted;
#: ``not_yet`` — adopted, but not in force yet (its ``from`` or ``effective_from`` is later).
PackState = Literal["in_force", "failed", "undefined", "none", "not_yet"]

#: Keys of a YAML rule that are not its parameters (they are shown as its title, article …).
_NOT_PARAMS = frozenset({"id", "citation", "title", "message", "description", "severity", "family"})


@contextmanager
def restoring_packs() -> Iterator[None]:
    """Undo, on leaving, what compiling a draft registered in the process-wide pack registry
    (a pack that was tried, not adopted, must not judge anything afterwards)."""
    saved = dict(PACKS)
    try:
        yield
    finally:
        PACKS.clear()
        PACKS.update(saved)


def run_clock(ev: Evaluator, case: Case, now: datetime) -> Case:
    """``case`` with the ``deadline_missed`` acts the ledger's clock would record by ``now`` —
    in memory, for trying a pack (the real clock is ``ledger tick``)."""
    from domain.rules.engine import deadline_missed_act, due_obligations

    j = ev.org.jurisdiction
    due = due_obligations(ev, [case], now)
    if not due:
        return case
    extra = [validate_act(deadline_missed_act(ob, j), jurisdiction=j, allow_clock_acts=True) for ob in due]
    return Case.of([*case.history, *extra])


def compile_custom(sources: Mapping[str, str]) -> tuple[list[Rule], dict[str, PackError]]:
    """Rules of the packs (pack id → YAML) that compile, and the error of each that does not."""
    try:
        return compile_packs(sources), {}
    except PackError:
        pass
    errors: dict[str, PackError] = {}
    for pid in sorted(sources):
        try:
            compile_packs({pid: sources[pid]})
        except PackError as e:
            errors[pid] = e
    good = {p: s for p, s in sources.items() if p not in errors}
    try:
        return compile_packs(good), errors
    except PackError as e:  # the packs compile alone but not together (one rule id, two scopes)
        return [], {**errors, **dict.fromkeys(good, e)}


@dataclass(frozen=True)
class PackStatus:
    """Whether a jurisdiction's cases are judged (规则包是否生效), and by which pack."""

    jurisdiction: str
    state: PackState
    pack: str | None = None
    since: datetime | None = None
    error: PackError | None = None

    @property
    def judged(self) -> bool:
        return self.state == "in_force"

    @property
    def messages(self) -> tuple[str, str]:
        j, p = self.jurisdiction, self.pack
        since = format_datetime(self.since)[:10] if self.since is not None else "?"
        if self.state == "in_force":
            return (
                f"辖区 {j} 适用规则包 {p}（自 {since} 起）",
                f"jurisdiction {j} is judged by pack '{p}' (since {since})",
            )
        if self.state == "failed":
            err = self.error
            return (
                f"辖区 {j} 的规则包 {p} 无法编译，其案件未按该规则包审查，违规清单不完整：{err.message_zh if err else ''}",
                f"jurisdiction {j}: its pack '{p}' does not compile, so its cases are not judged by it and "
                f"the violation list is incomplete: {err.message_en if err else ''}",
            )
        if self.state == "undefined":
            return (
                f"辖区 {j} 采用的规则包 {p} 既非内置规则包也未定义（pack_defined），其案件未受审查",
                f"jurisdiction {j} adopted pack '{p}', which is neither built-in nor defined (pack_defined): "
                "its cases are not judged",
            )
        if self.state == "not_yet":
            return (
                f"辖区 {j} 的规则包 {p} 自 {since} 起施行，目前尚无规则包生效，其案件未受审查",
                f"jurisdiction {j}: pack '{p}' is in force only from {since}; no pack judges its cases yet",
            )
        return (
            f"辖区 {j} 未采用任何规则包，其案件未受审查",
            f"jurisdiction {j} has adopted no rule pack: its cases are not judged",
        )

    def as_dict(self) -> dict[str, Any]:
        zh, en = self.messages
        return {
            "jurisdiction": self.jurisdiction,
            "state": self.state,
            "judged": self.judged,
            "pack": self.pack,
            "since": format_datetime(self.since) if self.since is not None else None,
            "message_zh": zh,
            "message_en": en,
            "error": self.error.as_dict() if self.error is not None else None,
        }


def pack_status(org: OrgChart, now: datetime, errors: Mapping[str, PackError] | None = None) -> PackStatus:
    """Whether ``org``'s jurisdiction is judged at ``now`` (``errors``: from :func:`compile_custom`)."""
    j = org.jurisdiction
    if not org.packs:
        return PackStatus(j, "none")
    if errors is None:
        _rules, errors = compile_custom(org.custom_packs)
    for ad in org.packs:
        if ad.pack in errors:
            return PackStatus(j, "failed", ad.pack, ad.since, errors[ad.pack])
    for ad in org.packs:
        if ad.pack not in PACKS and ad.pack not in org.custom_packs:
            return PackStatus(j, "undefined", ad.pack, ad.since)
    current = pack_in_force(org, now)
    if current is None:
        adopted = org.pack_at(now)
        if adopted is None:  # every adoption starts later
            return PackStatus(j, "not_yet", org.packs[0].pack, org.packs[0].since)
        # adopted, but its effective_from has not come (an unregistered pack would be in force)
        return PackStatus(j, "not_yet", adopted, start_of_day(PACKS[adopted].effective_from, org.tz))
    since = max((ad.since for ad in org.packs if ad.pack == current and ad.since <= now), default=None)
    return PackStatus(j, "in_force", current, since)


# ---- what a pack puts in force -------------------------------------------------------------------
def yaml_rule_params(source: str) -> dict[str, dict[str, Any]]:
    """The parameters of each rule of a YAML pack (its template and what the template reads)."""
    doc = yaml.safe_load(source)
    out: dict[str, dict[str, Any]] = {}
    for raw in doc.get("rules") or () if isinstance(doc, Mapping) else ():
        if isinstance(raw, Mapping) and "id" in raw:
            out[str(raw["id"])] = {k: v for k, v in raw.items() if k not in _NOT_PARAMS}
    return out


@dataclass(frozen=True)
class PackRule:
    """A rule a pack puts in force, with the pack that cites it (itself or the one it extends)."""

    rule: Rule
    cited_by: str
    params: Mapping[str, Any]

    @property
    def article(self) -> str:
        return self.rule.article(self.cited_by)

    def describe(self) -> dict[str, Any]:
        """The rule's description with this pack's article and parameters."""
        d = self.rule.describe()
        d["packs"][self.cited_by]["params"] = dict(self.params)
        return {**d, "article": self.article, "params": dict(self.params)}


def pack_rules_in(pack: str, rules: Sequence[Rule], sources: Mapping[str, str] | None = None) -> list[PackRule]:
    """The rules ``pack`` puts in force among ``rules`` (built-in and compiled), with parameters.

    A pack that ``extends`` another puts both its own rules and the other's in force. For a
    YAML pack (``sources``: pack id → YAML) the parameters are the rule's YAML keys.
    """
    yaml_params = {p: yaml_rule_params(s) for p, s in (sources or {}).items()}
    out: list[PackRule] = []
    for r in rules:
        cited = citing_pack(pack, r.citations)
        if cited is None:
            continue
        params = {**r.params_for(cited), **yaml_params.get(cited, {}).get(r.id, {})}
        out.append(PackRule(r, cited, params))
    return out


def rules_of_pack(pack: str, orgs: Callable[[], Iterable[OrgChart]], jurisdiction: str | None = None) -> list[PackRule]:
    """The rules ``pack`` puts in force: a built-in pack, or one a jurisdiction defined itself.

    ``orgs`` gives the org charts to look in (read only when ``pack`` is not built-in). A pack
    defined with different texts by several jurisdictions needs ``jurisdiction``. Raises
    :class:`~domain.errors.LedgerError` (``unknown_pack``, ``ambiguous_pack``) or the pack's
    :class:`~domain.rules.yamlpack.PackError`.
    """
    from domain.rules.registry import RULES

    builtin = PACKS.get(pack)
    if builtin is not None and not builtin.seed.startswith(YAML_SEED):
        return pack_rules_in(pack, RULES)
    charts = list(orgs())
    found = [o for o in charts if pack in o.custom_packs and jurisdiction in (None, o.jurisdiction)]
    if not found:
        known = sorted({p for p, v in PACKS.items() if not v.seed.startswith(YAML_SEED)})
        known += sorted({p for o in charts for p in o.custom_packs} - set(known))
        where = f"辖区 {jurisdiction} 中" if jurisdiction else ""
        raise LedgerError(
            f"{where}未知规则包 {pack}（可用：{', '.join(known)}）",
            f"unknown pack '{pack}'{f' in jurisdiction {jurisdiction}' if jurisdiction else ''} "
            f"(known: {', '.join(known)})",
            code="unknown_pack",
        )
    if len({o.custom_packs[pack] for o in found}) > 1:
        js = ", ".join(o.jurisdiction for o in found)
        raise LedgerError(
            f"规则包 {pack} 在辖区 {js} 中内容不同，请指定辖区",
            f"pack '{pack}' is defined differently by jurisdictions {js}: name one (--jurisdiction)",
            code="ambiguous_pack",
        )
    org = found[0]
    custom, errors = compile_custom(org.custom_packs)
    if pack in errors:
        raise errors[pack]
    return pack_rules_in(pack, (*RULES, *custom), org.custom_packs)

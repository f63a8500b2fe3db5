"""Rule packs (规则包): which rules a jurisdiction is judged by, with which parameters, from when.

A pack is data: an id, the regulation it reads, the date from which it is in force, and —
derived from the catalog — the rules that cite it with the parameters it gives them. A
jurisdiction adopts a pack (``pack_adopted``, possibly several over time); an act is judged
by the pack in force at its business time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domain.org import OrgChart
from domain.timeutil import CHINA_TZ, start_of_day


@dataclass(frozen=True, slots=True)
class Pack:
    """A jurisdiction pack (辖区规则包)."""

    id: str
    name_zh: str
    name_en: str
    #: Where the regulation's text is: a file of the repository (``docs/regulations/…``), ""
    #: when it is cited by name only, or ``yaml:…`` for a jurisdiction's own pack.
    seed: str
    effective_from: date
    #: A pack whose rules also apply (this pack adds to it), e.g. a county's own YAML pack on changle-2022.
    extends: str | None = None

    def in_force(self, at: datetime) -> bool:
        return at >= start_of_day(self.effective_from, at.tzinfo or CHINA_TZ)


PACKS: dict[str, Pack] = {
    p.id: p
    for p in (
        Pack(
            "yiyuan",
            "沂源县机关工作运行程序",
            "Yiyuan county office procedures",
            "docs/regulations/yiyuan.txt",
            date(2004, 1, 1),
        ),
        Pack(
            "changle-2022",
            "昌乐县人民政府工作规则（乐政发〔2022〕7号）",
            "Changle county government work rules 2022",
            "docs/regulations/changle-2022.txt",
            date(2022, 10, 12),
        ),
        Pack(
            "dongqu-2012",
            "攀枝花市东区人民政府工作规则",
            "Dongqu district government work rules 2012",
            "docs/regulations/dongqu-2012.txt",
            date(2012, 5, 31),
        ),
        Pack(
            "standardization",
            "机关标准化建设方案（篇一至篇四）",
            "Office standardization plans (I–IV)",
            "",
            date(2010, 1, 1),
        ),
    )
}


def register_pack(pack: Pack) -> None:
    """Add a pack (e.g. one loaded from a jurisdiction's own YAML)."""
    PACKS[pack.id] = pack


def pack_in_force(org: OrgChart, at: datetime) -> str | None:
    """The pack that judges an act at ``at`` in ``org``'s jurisdiction (None if none yet)."""
    pid = org.pack_at(at)
    if pid is None:
        return None
    p = PACKS.get(pid)
    if p is not None and not p.in_force(at):
        return None
    return pid


def pack_chain(pack: str) -> list[str]:
    """The pack and the packs it extends, nearest first (规则包及其所扩展的规则包)."""
    chain: list[str] = []
    pid: str | None = pack
    while pid is not None and pid not in chain:
        chain.append(pid)
        p = PACKS.get(pid)
        pid = p.extends if p is not None else None
    return chain


def citing_pack(pack: str | None, citations: Mapping[str, Any]) -> str | None:
    """Which pack of ``pack``'s chain cites a rule (its article and parameters apply), if any."""
    if pack is None:
        return None
    for pid in pack_chain(pack):
        if pid in citations:
            return pid
    return None


def pack_rules(pack: str) -> Mapping[str, Mapping[str, Any]]:
    """The rules a pack names and its parameters for each (``ledger rules --pack P``)."""
    from domain.rules.registry import RULES

    out: dict[str, Mapping[str, Any]] = {}
    for r in RULES:
        p = citing_pack(pack, r.citations)
        if p is not None:
            out[r.id] = r.params_for(p)
    return out

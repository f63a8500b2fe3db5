"""The engine's entry point: a jurisdiction's packs compiled (once per source) into engine rules.

:func:`compile_packs` ``(sources) -> list[Rule]`` — the rules of a jurisdiction's packs
(pack id → YAML text), cached by source hash; also registers each pack
(:func:`~domain.rules.packs.register_pack`) so its ``effective_from`` is honoured. A rule id
that several of the packs define (versions of one pack) becomes one engine rule that runs
the version of the pack in force.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType

from domain.rules.base import Context, Finding, Obligation, Rule
from domain.rules.packs import pack_in_force, register_pack
from domain.rules.yamlpack.compiler import CompiledPack, hash_text, load_pack
from domain.rules.yamlpack.errors import PackError

_CACHE: dict[str, CompiledPack] = {}
_MERGED: dict[tuple[str, ...], tuple[Rule, ...]] = {}
_CACHE_MAX = 256


def _compiled(pack_id: str, source: str) -> CompiledPack:
    h = hash_text(f"{pack_id}\x1f{source}")
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

"""Jurisdictions' own rule packs in YAML (自定义规则包) — compiled into engine rules.

A jurisdiction writes its own rules without Python, in the YAML rule language
(``docs/rule-language.md``), and records the text in its ORG case with
``pack_defined {pack, source}``; ``pack_adopted {pack, from}`` puts it in force. The engine
compiles ``org.custom_packs`` with :func:`compile_packs` and runs the result beside the
built-in catalog: every YAML rule IS an engine :class:`~domain.rules.base.Rule` built on the
engine's templates (``deadline_rule``/``Due`` for ``response`` and ``deadline``, so the
ledger's clock records ``deadline_missed`` for them; ``has_quorum`` for ``quorum``), with
the same Context, Finding and Violation machinery.

The package, one module per concern:

- ``source`` — the YAML with the line of every key, and the JSON Schema check;
- ``compiler`` — :func:`load_pack` ``(text) -> CompiledPack``: semantic checks, and each
  rule built by its template;
- ``selectors`` — which acts a selector picks; ``spec`` — a compiled rule and what every
  template shares (messages, findings, durations);
- one module per template: ``precedence``, ``response`` (``response`` and ``deadline``),
  ``absence``, ``chain``, ``four_eyes``, ``escalation``, ``quorum``;
- ``engine_rules`` — :func:`compile_packs` ``(sources) -> list[Rule]``, the engine's entry
  point (cached by source hash; registers each pack so its ``effective_from`` is honoured);
- ``errors`` — :class:`PackError`, a :class:`~domain.errors.LedgerError` with ``line``,
  ``rule`` and ``field``.
"""

from __future__ import annotations

from domain.rules.yamlpack.compiler import BUILDERS, SELECTOR_FIELDS, YAML_SEED, CompiledPack, load_pack
from domain.rules.yamlpack.engine_rules import compile_packs
from domain.rules.yamlpack.errors import PackError
from domain.rules.yamlpack.selectors import Selector
from domain.rules.yamlpack.source import SCHEMA_PATH, TEMPLATES
from domain.rules.yamlpack.spec import PLACEHOLDERS, RuleSpec

__all__ = [
    "BUILDERS",
    "PLACEHOLDERS",
    "SCHEMA_PATH",
    "SELECTOR_FIELDS",
    "TEMPLATES",
    "YAML_SEED",
    "CompiledPack",
    "PackError",
    "RuleSpec",
    "Selector",
    "compile_packs",
    "load_pack",
]

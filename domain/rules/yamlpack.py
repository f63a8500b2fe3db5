"""Jurisdictions' own rule packs in YAML (自定义规则包) — compiled into engine rules."""

from __future__ import annotations

from collections.abc import Mapping

from domain.rules.base import Rule


def compile_packs(sources: Mapping[str, str]) -> list[Rule]:
    """Rules of the YAML packs a jurisdiction defined (pack id → YAML source)."""
    if not sources:
        return []
    raise NotImplementedError("YAML rule packs are being written (issue 5)")

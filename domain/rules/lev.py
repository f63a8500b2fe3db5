"""LEV rules."""

from __future__ import annotations

from domain.rules.base import Rule

RULES: list[Rule] = []

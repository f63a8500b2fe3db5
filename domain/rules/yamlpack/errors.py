"""The error a rule pack that cannot be compiled raises (规则包错误)."""

from __future__ import annotations

from typing import Any

from domain.errors import LedgerError


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

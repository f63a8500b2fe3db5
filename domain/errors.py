"""Errors raised for malformed input (格式错误的输入).

An act that breaks procedure is *not* an error: the ledger records it and the rules flag it.
These errors are only for input that cannot be an act at all.
"""

from __future__ import annotations


class LedgerError(Exception):
    """Base error with a machine code and a bilingual message (中文 / English)."""

    code: str = "ledger_error"

    def __init__(self, message_zh: str, message_en: str, *, code: str | None = None) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
        if code is not None:
            self.code = code

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message_zh": self.message_zh, "message_en": self.message_en}

    def __str__(self) -> str:
        return f"{self.message_en} ({self.message_zh})"


class ActError(LedgerError):
    """An act that is malformed: missing or mistyped field, unknown reference (无效行为记录)."""

    code = "invalid_act"

    def __init__(self, field: str, message_zh: str, message_en: str, *, code: str | None = None) -> None:
        super().__init__(message_zh, message_en, code=code)
        self.field = field

    def as_dict(self) -> dict[str, str]:
        return {**super().as_dict(), "field": self.field}

    def __str__(self) -> str:
        return f"field '{self.field}': {self.message_en} ({self.message_zh})"

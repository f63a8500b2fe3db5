"""Checking a rule pack before adopting it (规则包检查): errors and warnings that name the pack's line.

A pack that does not compile gives one *error*, located in the pack file
(``pack.yaml:14: rule X, field 'within': …``) — never in the mapping that names it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from domain.errors import LedgerError
from domain.rules.yamlpack import PackError

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

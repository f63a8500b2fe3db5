"""Act-name patterns (名称通配): a rule names a family of acts once instead of listing them.

In a YAML pack every place that takes act names — a selector's ``act``, ``case.has(...)`` in a
condition, the pack's tie ``order`` — takes patterns too:

- ``*`` any run of characters, ``?`` one character (``"Declaration * by SUPERVISOR"``);
- ``[abc]`` one of the characters, ``[!abc]`` none of them;
- ``{a,b,c}`` one of the alternatives (``"Declaration {APPROVED,FINAL_APPROVED} by *"``);
- ``\\`` before any of ``*?[]{},\\`` makes it a plain character.

A name without any of those characters is a plain name. A pattern always matches its own
text too (an activity literally named ``Is it paid?`` is matched by ``Is it paid?``).
Patterns are anchored: they match whole names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

SPECIAL = frozenset("*?[{")


class PatternError(ValueError):
    """A malformed pattern (an unclosed ``[`` or ``{``)."""


def is_pattern(name: str) -> bool:
    """Whether ``name`` has a wildcard (unescaped ``* ? [ {``)."""
    i = 0
    while i < len(name):
        ch = name[i]
        if ch == "\\":
            i += 2
            continue
        if ch in SPECIAL:
            return True
        i += 1
    return False


def translate(pat: str) -> str:
    """The regular expression (unanchored text) of a pattern."""
    out: list[str] = []
    i, n = 0, len(pat)
    depth = 0
    while i < n:
        ch = pat[i]
        if ch == "\\" and i + 1 < n:
            out.append(re.escape(pat[i + 1]))
            i += 2
            continue
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        elif ch == "[":
            end = pat.find("]", i + 2 if i + 1 < n and pat[i + 1] == "!" else i + 1)
            if end < 0:
                raise PatternError(f"unclosed '[' in {pat!r}")
            body = pat[i + 1 : end]
            neg = body.startswith("!")
            body = body[1:] if neg else body
            out.append("[" + ("^" if neg else "") + body.replace("\\", "\\\\").replace("^", "\\^") + "]")
            i = end
        elif ch == "{":
            depth += 1
            out.append("(?:")
        elif ch == "}" and depth:
            depth -= 1
            out.append(")")
        elif ch == "," and depth:
            out.append("|")
        else:
            out.append(re.escape(ch))
        i += 1
    if depth:
        raise PatternError(f"unclosed '{{' in {pat!r}")
    return "".join(out)


@lru_cache(maxsize=4096)
def compile_pattern(pat: str) -> re.Pattern[str]:
    """The anchored regular expression of a pattern (raises :class:`PatternError`)."""
    return re.compile(translate(pat), re.DOTALL)


def unescape(name: str) -> str:
    """A plain name written with escapes (``Paid\\?``) as the name itself."""
    return re.sub(r"\\(.)", r"\1", name)


class NameMatcher:
    """Plain names and patterns: ``matcher(name)`` says whether an act name is among them.

    Answers are remembered per name (a log has few distinct activity names).
    """

    __slots__ = ("_memo", "names", "patterns", "plain")

    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(names)
        self.plain = frozenset(unescape(n) if not is_pattern(n) else n for n in self.names)
        self.patterns = tuple(compile_pattern(n) for n in self.names if is_pattern(n))
        self._memo: dict[str, bool] = {}

    def __call__(self, name: str) -> bool:
        hit = self._memo.get(name)
        if hit is None:
            hit = name in self.plain or any(p.fullmatch(name) for p in self.patterns)
            if len(self._memo) < 65536:
                self._memo[name] = hit
        return hit

    def __repr__(self) -> str:
        return f"NameMatcher({list(self.names)!r})"

    @property
    def literal(self) -> bool:
        """Whether every name is plain (no pattern)."""
        return not self.patterns

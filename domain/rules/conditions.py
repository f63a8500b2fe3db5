"""Conditions of the YAML rule language (条件表达式) — a small, safe expression language.

A condition is a boolean expression over an act's ``data`` fields, as a jurisdiction writes
it in a rule pack::

    amount > 1000 and role in ['SUPERVISOR', 'DIRECTOR']
    not (grade == 'general') or sensitive
    approval.level >= 2                      # dotted: a nested field (data["approval"]["level"])
    `case:deadline` < '2012-01-01'           # back-quoted: a field name that is not an identifier

What it allows: literals (strings, numbers, ``True``/``False``; lists/tuples/sets of them
after ``in``), field names (dotted for nested dicts, back-quoted for any other name),
``== != < <= > >=``, ``in``, ``not in``, ``and``, ``or``, ``not``, parentheses, a bare field
as a truth value. Everything else — calls, attribute access on values, subscripts,
arithmetic, lambdas, comprehensions, names starting with ``_`` — is refused when the
condition is compiled (:class:`ConditionError`, a ``ValueError``). It is parsed with
:mod:`ast` and walked over an allow-list into closures; nothing is ever ``eval``-ed.

How values compare:

- A **missing** field (or ``null``) makes every comparison with it false — ``==``, ``!=``,
  ``<``, ``in`` and ``not in`` alike (``not (x == 1)`` is true when ``x`` is missing).
- **Numbers compare numerically even if the data holds numeric strings**: when one side is
  a number, a numeric string on the other side is read as a number (``amount > 1000`` is
  true for ``"1500.0"``); two numeric strings are ordered (``< <= > >=``) as numbers.
- A date/time field compares with an ISO string (``start >= '2024-01-01'``); a bare date
  in a comparison with a time is that day's midnight in the time's zone.
- ``True``/``False`` compare with ``"true"``/``"false"``/``"yes"``/``"no"`` strings too.
- Incomparable values (a string against a list, …) make the comparison false, never an error.
- A bare field is true when present and truthy; the strings ``""``, ``"false"``, ``"no"``,
  ``"0"``, ``"否"`` are false.
"""

from __future__ import annotations

import ast
import math
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

from domain.timeutil import CHINA_TZ, parse_date, parse_datetime

#: Longest condition accepted (characters) and most AST nodes — a condition is one line of
#: a rule, not a program.
MAX_LENGTH = 2000
MAX_NODES = 400


class ConditionError(ValueError):
    """A condition that is not in the language (条件表达式错误); ``offset`` is 0-based."""

    def __init__(self, message: str, text: str = "", offset: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.text = text
        self.offset = offset

    def __str__(self) -> str:
        where = f" at column {self.offset + 1}" if self.offset is not None else ""
        return f"{self.message}{where} in condition {self.text!r}"


class _Missing:
    """A field that is absent (or null)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()

Evaluator = Callable[[Mapping[str, Any]], Any]

_NUMERIC = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
_FALSE_STRINGS = frozenset({"", "false", "no", "0", "否", "n", "f"})
_TRUE_STRINGS = frozenset({"true", "yes", "1", "是", "y", "t"})


# ---- reading fields --------------------------------------------------------------------------
def lookup(data: Mapping[str, Any], path: tuple[str, ...] | str) -> Any:
    """A field of ``data`` by its path (``("a", "b")`` or ``"a.b"``): MISSING when absent or null.

    A flat key that itself contains the dots (``data["a.b"]``) wins over the nested path.
    """
    if isinstance(path, str):
        if path in data:
            v = data[path]
            return MISSING if v is None else v
        path = tuple(path.split("."))
    if len(path) > 1:
        flat = ".".join(path)
        if flat in data:
            v = data[flat]
            return MISSING if v is None else v
    cur: Any = data
    for seg in path:
        if not isinstance(cur, Mapping) or seg not in cur:
            return MISSING
        cur = cur[seg]
        if cur is None:
            return MISSING
    return cur


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def as_number(v: Any) -> int | float | None:
    """A number, or a numeric string read as one; None otherwise (booleans are not numbers)."""
    if _is_number(v):
        return v
    if isinstance(v, str) and _NUMERIC.match(v):
        f = float(v)
        if math.isfinite(f):
            return int(f) if f.is_integer() and "." not in v and "e" not in v.lower() else f
    return None


def truthy(v: Any) -> bool:
    """A field as a truth value (a bare field in a condition)."""
    if v is MISSING or v is None:
        return False
    if isinstance(v, str):
        return v.strip().lower() not in _FALSE_STRINGS
    return bool(v)


def _as_bool(v: Any) -> bool | None:
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        s = v.strip().lower()
        if s in _TRUE_STRINGS:
            return True
        if s in _FALSE_STRINGS and s:
            return False
    return None


def _as_time(v: Any, like: datetime | date) -> datetime | date | None:
    if isinstance(v, datetime):
        return v
    if isinstance(v, date):
        if isinstance(like, datetime):
            return datetime.combine(v, time(), like.tzinfo or CHINA_TZ) if like.tzinfo else datetime.combine(v, time())
        return v
    if isinstance(v, str):
        try:
            if isinstance(like, datetime):
                dt = parse_datetime(v, default_tz=like.tzinfo or CHINA_TZ)
                return dt if like.tzinfo else dt.replace(tzinfo=None)
            return parse_date(v)
        except (ValueError, TypeError):
            return None
    return None


def _coerce(a: Any, b: Any, ordering: bool) -> tuple[Any, Any]:
    """Bring two values to a comparable pair (numbers, booleans, times)."""
    if _is_number(a) or _is_number(b):
        na, nb = as_number(a), as_number(b)
        if na is not None and nb is not None:
            return na, nb
        return a, b
    if isinstance(a, bool) or isinstance(b, bool):
        ba, bb = _as_bool(a), _as_bool(b)
        if ba is not None and bb is not None:
            return ba, bb
        return a, b
    if isinstance(a, (datetime, date)) or isinstance(b, (datetime, date)):
        like = a if isinstance(a, (datetime, date)) else b
        if isinstance(a, datetime) or isinstance(b, datetime):
            like = a if isinstance(a, datetime) else b
        ta, tb = _as_time(a, like), _as_time(b, like)
        if ta is not None and tb is not None:
            return ta, tb
        return a, b
    if ordering and isinstance(a, str) and isinstance(b, str):
        na, nb = as_number(a), as_number(b)
        if na is not None and nb is not None:
            return na, nb
    return a, b


def _equal(a: Any, b: Any) -> bool:
    if a is MISSING or b is MISSING:
        return False
    a, b = _coerce(a, b, False)
    try:
        return bool(a == b)
    except Exception:
        return False


def _order(op: type[ast.cmpop], a: Any, b: Any) -> bool:
    if a is MISSING or b is MISSING:
        return False
    a, b = _coerce(a, b, True)
    try:
        if op is ast.Lt:
            return bool(a < b)
        if op is ast.LtE:
            return bool(a <= b)
        if op is ast.Gt:
            return bool(a > b)
        return bool(a >= b)
    except Exception:
        return False


def _contains(item: Any, container: Any) -> bool:
    if item is MISSING or container is MISSING:
        return False
    if isinstance(container, str):
        return isinstance(item, str) and item in container
    if isinstance(container, Mapping):
        return isinstance(item, str) and item in container
    if isinstance(container, (list, tuple, set, frozenset)):
        return any(_equal(item, x) for x in container)
    return False


def _compare(op: type[ast.cmpop], a: Any, b: Any) -> bool:
    if op is ast.Eq:
        return _equal(a, b)
    if op is ast.NotEq:
        return a is not MISSING and b is not MISSING and not _equal(a, b)
    if op is ast.In:
        return _contains(a, b)
    if op is ast.NotIn:
        return a is not MISSING and b is not MISSING and not _contains(a, b)
    return _order(op, a, b)


# ---- compiling --------------------------------------------------------------------------------
_CMP_OPS: tuple[type[ast.cmpop], ...] = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn)

_REFUSED: dict[type[ast.AST], str] = {
    ast.Call: "function calls are not allowed",
    ast.Subscript: "subscripts ([...]) are not allowed; write nested fields with dots",
    ast.BinOp: "arithmetic is not allowed",
    ast.Lambda: "lambdas are not allowed",
    ast.IfExp: "conditional expressions are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.Dict: "dict literals are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.NamedExpr: "assignment expressions are not allowed",
    ast.Starred: "starred expressions are not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.Slice: "slices are not allowed",
}


def _quote_names(text: str) -> tuple[str, dict[str, str]]:
    """Replace back-quoted field names by placeholder identifiers (outside string literals)."""
    k = 0
    while f"_q{k}_" in text:
        k += 1
    prefix = f"_q{k}_"
    out: list[str] = []
    names: dict[str, str] = {}
    i, n = 0, len(text)
    quote: str | None = None
    while i < n:
        ch = text[i]
        if quote is not None:
            out.append(ch)
            if ch == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if ch == quote:
                quote = None
            i += 1
            continue
        if ch in "'\"":
            quote = ch
            out.append(ch)
            i += 1
            continue
        if ch == "`":
            end = text.find("`", i + 1)
            if end < 0:
                raise ConditionError("unclosed back-quoted field name", text, i)
            name = text[i + 1 : end]
            if not name or "\n" in name:
                raise ConditionError("empty back-quoted field name", text, i)
            placeholder = f"{prefix}{len(names)}"
            names[placeholder] = name
            out.append(placeholder)
            i = end + 1
            continue
        out.append(ch)
        i += 1
    return "".join(out), names


class _Compiler:
    def __init__(self, text: str, quoted: dict[str, str]) -> None:
        self.text = text
        self.quoted = quoted
        self.fields: set[str] = set()
        self.nodes = 0

    def fail(self, node: ast.AST, message: str) -> ConditionError:
        off = getattr(node, "col_offset", None)
        return ConditionError(message, self.text, off)

    def segment(self, node: ast.AST, name: str) -> str:
        if name in self.quoted:
            return self.quoted[name]
        if name.startswith("_"):
            raise self.fail(node, f"names starting with '_' are not allowed ({name!r})")
        return name

    def path(self, node: ast.AST) -> tuple[str, ...]:
        if isinstance(node, ast.Name):
            return (self.segment(node, node.id),)
        if isinstance(node, ast.Attribute):
            if not isinstance(node.value, (ast.Name, ast.Attribute)):
                raise self.fail(node, "attribute access is not allowed (only dotted field names)")
            return (*self.path(node.value), self.segment(node, node.attr))
        raise self.fail(node, "attribute access is not allowed (only dotted field names)")

    def constant(self, node: ast.AST) -> Any:
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = self.constant(node.operand)
            if not _is_number(v):
                raise self.fail(node, "a sign applies to numbers only")
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.Constant):
            v = node.value
            if v is None:
                raise self.fail(node, "None/null is not a value here: a missing field already makes comparisons false")
            if isinstance(v, (bool, int, float, str)):
                if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 10**18:
                    raise self.fail(node, "number too large")
                return v
            raise self.fail(node, f"literal of type {type(v).__name__} is not allowed")
        raise self.fail(node, "expected a literal (string, number, True/False)")

    def compile(self, node: ast.AST, *, list_ok: bool = False) -> Evaluator:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(node, "condition too long")
        for typ, why in _REFUSED.items():
            if isinstance(node, typ):
                raise self.fail(node, why)
        if isinstance(node, ast.BoolOp):
            parts = [self.compile(v) for v in node.values]
            if isinstance(node.op, ast.And):
                return lambda d: all(truthy(p(d)) for p in parts)
            return lambda d: any(truthy(p(d)) for p in parts)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                inner = self.compile(node.operand)
                return lambda d: not truthy(inner(d))
            v = self.constant(node)
            return lambda d: v
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, (ast.Name, ast.Attribute)):
            path = self.path(node)
            self.fields.add(".".join(path))
            return lambda d: lookup(d, path)
        if isinstance(node, ast.Constant):
            v = self.constant(node)
            return lambda d: v
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            if not list_ok:
                raise self.fail(node, "a list is only allowed after 'in' / 'not in'")
            values = tuple(self.constant(e) for e in node.elts)
            return lambda d: values
        raise self.fail(node, f"{type(node).__name__} is not allowed in a condition")

    def compare(self, node: ast.Compare) -> Evaluator:
        left = self.compile(node.left)
        steps: list[tuple[type[ast.cmpop], Evaluator]] = []
        for op, right in zip(node.ops, node.comparators, strict=True):
            if type(op) not in _CMP_OPS:
                raise self.fail(node, f"operator {type(op).__name__} is not allowed (use == != < <= > >= in, not in)")
            steps.append((type(op), self.compile(right, list_ok=isinstance(op, (ast.In, ast.NotIn)))))

        def run(d: Mapping[str, Any]) -> bool:
            a = left(d)
            for op, fn in steps:
                b = fn(d)
                if not _compare(op, a, b):
                    return False
                a = b
            return True

        return run


@dataclass(frozen=True)
class Condition:
    """A compiled condition: call it (or :meth:`evaluate`) with an act's data."""

    text: str
    fields: frozenset[str]
    _fn: Evaluator

    def evaluate(self, data: Mapping[str, Any]) -> bool:
        """Whether the condition holds on ``data`` (never raises on odd data)."""
        try:
            return truthy(self._fn(data))
        except RecursionError:
            return False

    __call__ = evaluate


@lru_cache(maxsize=2048)
def compile_condition(text: str) -> Condition:
    """Parse and check a condition; raises :class:`ConditionError` (a ValueError) if refused."""
    if not isinstance(text, str):
        raise ConditionError("a condition is a string")
    if len(text) > MAX_LENGTH:
        raise ConditionError(f"condition longer than {MAX_LENGTH} characters", text[:80] + "…")
    if not text.strip():
        raise ConditionError("empty condition", text)
    source, quoted = _quote_names(text.strip())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", SyntaxWarning)  # "1and x" and the like: refused, not warned
            tree = ast.parse(source, mode="eval")
    except SyntaxError as e:
        off = (e.offset - 1) if e.offset else None
        raise ConditionError(f"syntax error: {e.msg}", text, off) from None
    except (ValueError, RecursionError, MemoryError, SyntaxWarning) as e:
        raise ConditionError(f"cannot parse: {type(e).__name__}", text) from None
    c = _Compiler(text, quoted)
    try:
        fn = c.compile(tree.body)
    except RecursionError:
        raise ConditionError("condition nested too deeply", text) from None
    return Condition(text, frozenset(c.fields), fn)


def evaluate(text: str, data: Mapping[str, Any]) -> bool:
    """Compile (cached) and evaluate ``text`` on ``data``."""
    return compile_condition(text).evaluate(data)

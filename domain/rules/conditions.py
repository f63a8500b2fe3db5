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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

from domain.rules.patterns import NameMatcher, PatternError, translate
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


class Env:
    """What a condition reads: the act's ``data``, the act itself (``act``), its case's acts (``case``)."""

    __slots__ = ("act", "case", "data")

    def __init__(self, data: Mapping[str, Any], act: Any = None, case: Sequence[Any] | None = None) -> None:
        self.data = data
        self.act = act
        self.case = case


Evaluator = Callable[[Env], Any]

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


#: Names a condition reads as the act itself, not as data fields (back-quote a data field of that name).
RESERVED = frozenset({"act", "case"})
AGGREGATES = frozenset({"sum", "max", "min", "count"})
CASE_FUNCTIONS = ("has", "count", "first", "last")


def _root(node: ast.AST) -> ast.AST:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node


def field_pattern(pat: str) -> re.Pattern[str]:
    """A field-name pattern of an aggregate: the act-name wildcards, and ``#`` for a number (``amount_#``)."""
    return re.compile(r"\d+".join(translate(part) for part in pat.split("#")), re.DOTALL)


def _act_names(node: ast.AST, quoted: Mapping[str, str]) -> frozenset[str] | None:
    """The act names a condition's top-level ``act == 'X'`` / ``act in [...]`` conjuncts allow."""

    def is_act(n: ast.AST) -> bool:
        return isinstance(n, ast.Name) and n.id == "act" and n.id not in quoted

    def literal(n: ast.AST) -> frozenset[str] | None:
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            return frozenset({n.value})
        if isinstance(n, (ast.List, ast.Tuple, ast.Set)) and all(
            isinstance(x, ast.Constant) and isinstance(x.value, str) for x in n.elts
        ):
            return frozenset(x.value for x in n.elts)  # type: ignore[attr-defined]
        return None

    parts = node.values if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And) else [node]
    allowed: frozenset[str] | None = None
    for p in parts:
        if not (isinstance(p, ast.Compare) and len(p.ops) == 1):
            continue
        op, left, right = p.ops[0], p.left, p.comparators[0]
        names: frozenset[str] | None = None
        if isinstance(op, ast.Eq) and is_act(left):
            names = literal(right) if isinstance(right, ast.Constant) else None
        elif isinstance(op, ast.Eq) and is_act(right):
            names = literal(left) if isinstance(left, ast.Constant) else None
        elif isinstance(op, ast.In) and is_act(left):
            names = literal(right)
        if names is not None:
            allowed = names if allowed is None else allowed & names
    return allowed


class _Compiler:
    def __init__(self, text: str, quoted: dict[str, str]) -> None:
        self.text = text
        self.quoted = quoted
        self.fields: set[str] = set()
        self.field_patterns: set[str] = set()
        self.case_acts: set[str] = set()
        self.uses_act = False
        self.uses_case = False
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
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Attribute) and isinstance(_root(node), ast.Call):
            return self.act_field(node)
        if isinstance(node, (ast.Name, ast.Attribute)) and self.reserved(_root(node)) is not None:
            return self.envelope(node)
        for typ, why in _REFUSED.items():
            if isinstance(node, typ):
                raise self.fail(node, why)
        if isinstance(node, ast.BoolOp):
            parts = [self.compile(v) for v in node.values]
            if isinstance(node.op, ast.And):
                return lambda e: all(truthy(p(e)) for p in parts)
            return lambda e: any(truthy(p(e)) for p in parts)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                inner = self.compile(node.operand)
                return lambda e: not truthy(inner(e))
            v = self.constant(node)
            return lambda e: v
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, (ast.Name, ast.Attribute)):
            path = self.path(node)
            self.fields.add(".".join(path))
            return lambda e: lookup(e.data, path)
        if isinstance(node, ast.Constant):
            v = self.constant(node)
            return lambda e: v
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            if not list_ok:
                raise self.fail(node, "a list is only allowed after 'in' / 'not in'")
            values = tuple(self.constant(x) for x in node.elts)
            return lambda e: values
        raise self.fail(node, f"{type(node).__name__} is not allowed in a condition")

    # ---- the act, the case, aggregates ----------------------------------------------------------
    def reserved(self, node: ast.AST) -> str | None:
        """``act`` or ``case`` when ``node`` is that reserved name (a back-quoted one is a data field)."""
        if isinstance(node, ast.Name) and node.id in RESERVED and node.id not in self.quoted:
            return node.id
        return None

    def envelope(self, node: ast.AST) -> Evaluator:
        name = self.reserved(_root(node))
        if name == "act" and isinstance(node, ast.Name):
            self.uses_act = True
            return lambda e: MISSING if e.act is None else e.act.act
        if name == "act":
            raise self.fail(node, "'act' is the act's name; a data field named act is written `act`")
        raise self.fail(node, f"'case' is used as {', '.join(f'case.{f}(...)' for f in CASE_FUNCTIONS)}")

    def patterns(self, node: ast.Call, what: str) -> NameMatcher:
        if node.keywords or not node.args:
            raise self.fail(node, f"{what} takes one or more act names (or patterns) in quotes")
        names: list[str] = []
        for a in node.args:
            if not (isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value):
                raise self.fail(a, f"{what} takes act names (or patterns) in quotes")
            names.append(a.value)
        try:
            m = NameMatcher(names)
        except PatternError as e:
            raise self.fail(node, str(e)) from None
        self.case_acts.update(names)
        return m

    def call(self, node: ast.Call) -> Evaluator:
        f = node.func
        if isinstance(f, ast.Name) and f.id in AGGREGATES and f.id not in self.quoted:
            return self.aggregate(f.id, node)
        if isinstance(f, ast.Attribute) and self.reserved(f.value) == "case" and f.attr in ("has", "count"):
            m = self.patterns(node, f"case.{f.attr}")
            self.uses_case = True
            if f.attr == "has":
                return lambda e: e.case is not None and any(m(a.act) for a in e.case)
            return lambda e: 0 if e.case is None else sum(1 for a in e.case if m(a.act))
        if isinstance(f, ast.Attribute) and self.reserved(f.value) == "case" and f.attr in ("first", "last"):
            raise self.fail(node, f"case.{f.attr}(...) names an act: read one of its fields, case.{f.attr}('A').FIELD")
        raise self.fail(
            node,
            "function calls are not allowed (only sum/max/min/count(...) over fields and "
            + ", ".join(f"case.{c}(...)" for c in CASE_FUNCTIONS)
            + ")",
        )

    def act_field(self, node: ast.Attribute) -> Evaluator:
        """``case.first('A').FIELD`` / ``case.last('A').FIELD``: a data field of another act of the case."""
        segs: list[str] = []
        cur: ast.AST = node
        while isinstance(cur, ast.Attribute):
            segs.append(self.segment(cur, cur.attr))
            cur = cur.value
        assert isinstance(cur, ast.Call)
        f = cur.func
        if not (isinstance(f, ast.Attribute) and self.reserved(f.value) == "case" and f.attr in ("first", "last")):
            raise self.fail(node, "attribute access is not allowed (only dotted field names)")
        m = self.patterns(cur, f"case.{f.attr}")
        self.uses_case = True
        path = tuple(reversed(segs))
        last = f.attr == "last"

        def run(e: Env) -> Any:
            if e.case is None:
                return MISSING
            for a in reversed(e.case) if last else e.case:
                if m(a.act):
                    return lookup(a.data, path)
            return MISSING

        return run

    def aggregate(self, fn: str, node: ast.Call) -> Evaluator:
        """``sum``/``max``/``min``/``count`` over fields: names, or quoted patterns (``'amount_#'``)."""
        if node.keywords or not node.args:
            raise self.fail(node, f"{fn}(...) takes fields: names, or patterns in quotes ('amount_#')")
        paths: list[tuple[str, ...]] = []
        pats: list[re.Pattern[str]] = []
        for a in node.args:
            if isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value:
                try:
                    pats.append(field_pattern(a.value))
                except PatternError as e:
                    raise self.fail(a, str(e)) from None
                self.field_patterns.add(a.value)
            elif isinstance(a, (ast.Name, ast.Attribute)) and self.reserved(_root(a)) is None:
                path = self.path(a)
                self.fields.add(".".join(path))
                paths.append(path)
            else:
                raise self.fail(a, f"{fn}(...) takes fields: names, or patterns in quotes ('amount_#')")

        def values(e: Env) -> list[Any]:
            out = [lookup(e.data, p) for p in paths]
            if pats:
                out += [v for k, v in e.data.items() if isinstance(k, str) and any(p.fullmatch(k) for p in pats)]
            return [v for v in out if v is not MISSING and v is not None and v != ""]

        if fn == "count":
            return lambda e: len(values(e))

        def numeric(e: Env) -> Any:
            nums = [n for n in (as_number(v) for v in values(e)) if n is not None]
            if not nums:
                return MISSING
            return sum(nums) if fn == "sum" else (max(nums) if fn == "max" else min(nums))

        return numeric

    def compare(self, node: ast.Compare) -> Evaluator:
        left = self.compile(node.left)
        steps: list[tuple[type[ast.cmpop], Evaluator]] = []
        for op, right in zip(node.ops, node.comparators, strict=True):
            if type(op) not in _CMP_OPS:
                raise self.fail(node, f"operator {type(op).__name__} is not allowed (use == != < <= > >= in, not in)")
            steps.append((type(op), self.compile(right, list_ok=isinstance(op, (ast.In, ast.NotIn)))))

        def run(e: Env) -> bool:
            a = left(e)
            for op, fn in steps:
                b = fn(e)
                if not _compare(op, a, b):
                    return False
                a = b
            return True

        return run


@dataclass(frozen=True)
class Condition:
    """A compiled condition: :meth:`evaluate` it with an act's data (and the act and its case)."""

    text: str
    #: Data fields it reads (dotted paths), and field patterns of its aggregates (``'amount_#'``).
    fields: frozenset[str]
    _fn: Evaluator
    field_patterns: frozenset[str] = frozenset()
    #: Act names and patterns it asks the case about (``case.has('A')`` …).
    case_acts: frozenset[str] = frozenset()
    #: Whether it reads the act's name (``act``) / the case (``case.…``).
    uses_act: bool = False
    uses_case: bool = False
    #: The act names its top-level ``act == '…'`` / ``act in [...]`` allow (None: any name).
    act_names: frozenset[str] | None = None

    def evaluate(self, data: Mapping[str, Any], act: Any = None, case: Sequence[Any] | None = None) -> bool:
        """Whether the condition holds on ``data`` (of ``act``, in ``case``); never raises on odd data."""
        try:
            return truthy(self._fn(Env(data, act, case)))
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
    return Condition(
        text,
        frozenset(c.fields),
        fn,
        frozenset(c.field_patterns),
        frozenset(c.case_acts),
        c.uses_act,
        c.uses_case,
        _act_names(tree.body, quoted),
    )


def evaluate(text: str, data: Mapping[str, Any], act: Any = None, case: Sequence[Any] | None = None) -> bool:
    """Compile (cached) and evaluate ``text`` on ``data`` (of ``act``, in ``case``)."""
    return compile_condition(text).evaluate(data, act, case)

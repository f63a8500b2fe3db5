"""Vocabularies (词表): the values a data field may take, with their Chinese names.

A field's vocabulary is *closed* when a value outside it is malformed input (the act is
refused, e.g. an incident's ``grade``), or *open* when any value is stored as given but the
rules only understand the vocabulary's terms (e.g. an outgoing document's ``doc_type``): a
rule that meets a value it cannot read says so — it records that it could not judge the act
(:class:`domain.rules.base.Unjudged`), and the importer warns — instead of skipping the act
silently.

Each :class:`Term` has a code (the canonical value), its Chinese and English names, and the
other spellings that mean it (Chinese names, OA systems' words); the code, the Chinese name
and every alias read as the term. A vocabulary matches a
value ``exact`` ly (after trimming; ASCII case ignored) or, for free text such as a leave's
``reason``, by the terms' keywords it ``contains``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from domain.acts import FieldType, enum

Match = Literal["exact", "contains"]


@dataclass(frozen=True, slots=True)
class Term:
    """One value of a vocabulary (词条): its code, names and other spellings."""

    code: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    """The values one field may take (词表). See the module docstring."""

    name: str
    zh: str
    en: str
    terms: tuple[Term, ...]
    match: Match = "exact"
    #: Besides the terms, the field may name an org-chart entity of this kind (e.g. a unit id).
    ref: str | None = None
    note: str = ""
    _index: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for t in self.terms:
            for s in (t.code, t.zh, *t.aliases):
                self._index.setdefault(_norm(s), t.code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.terms)

    def term(self, code: str) -> Term | None:
        return next((t for t in self.terms if t.code == code), None)

    def zh_of(self, code: str) -> str:
        t = self.term(code)
        return t.zh if t is not None else code

    def resolve(self, value: Any) -> str | None:
        """The code ``value`` means, or None when it is outside the vocabulary (or blank)."""
        if not isinstance(value, str) or not value.strip():
            return None
        if self.match == "exact":
            return self._index.get(_norm(value))
        found = self.matches(value)
        return found[0] if found else None

    def matches(self, text: str) -> list[str]:
        """For a ``contains`` vocabulary: the codes whose keywords occur in ``text``, in term order."""
        s = _norm(text)
        return [t.code for t in self.terms if any(_norm(k) in s for k in (t.code, t.zh, *t.aliases))]

    def closed(self) -> FieldType:
        """A field type that refuses values outside the codes (a closed vocabulary)."""
        ft = enum(*self.codes)
        _VOCAB_OF[id(ft)] = (self, True)
        return ft

    def open(self, base: FieldType) -> FieldType:
        """``base`` (a string type) tagged with this open vocabulary."""
        ft = FieldType(base.name, base.parse, base.dump, base.ref)
        _VOCAB_OF[id(ft)] = (self, False)
        return ft

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "zh": self.zh,
            "en": self.en,
            "match": self.match,
            "terms": [{"code": t.code, "zh": t.zh, "en": t.en, "aliases": list(t.aliases)} for t in self.terms],
            **({"ref": self.ref} if self.ref else {}),
            **({"note": self.note} if self.note else {}),
        }


def _norm(s: str) -> str:
    return s.strip().lower()


def terms(*rows: tuple[str, str, str] | tuple[str, str, str, Iterable[str]]) -> tuple[Term, ...]:
    """``terms(("general", "一般", "general"), ("larger", "较大", "larger", ["较大事件"]))``."""
    out = []
    for r in rows:
        code, zh, en = r[0], r[1], r[2]
        aliases = tuple(r[3]) if len(r) > 3 else ()  # type: ignore[misc]
        out.append(Term(code, zh, en, aliases))
    return tuple(out)


_VOCAB_OF: dict[int, tuple[Vocabulary, bool]] = {}


def vocabulary_of(ft: FieldType) -> tuple[Vocabulary, bool] | None:
    """The vocabulary a field type carries and whether it is closed, or None."""
    return _VOCAB_OF.get(id(ft))


def open_fields(kinds: Mapping[str, Any]) -> Iterator[tuple[str, str, str, Vocabulary]]:
    """``(kind, act, field, vocabulary)`` for every data field with an open vocabulary."""
    for k in kinds.values():
        for a in k.acts.values():
            for f in a.fields:
                v = vocabulary_of(f.type)
                if v is not None and not v[1]:
                    yield k.name, a.name, f.name, v[0]

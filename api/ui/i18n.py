"""Chinese by default, English with a switch (中英文切换): the page language and the labels of
the ledger's vocabulary (families, kinds, acts, statuses, severities) in it.

Pages write their text as pairs — ``t("违规记录", "Violations")`` — so the Chinese stays beside
the English where it is used; the vocabulary's own names come from the domain (``FAMILIES``,
``KINDS``), never from a second table here.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from api.auth import ROLE_ZH
from api.routes.violations import STATUS_ZH
from api.services import STATUSES
from domain.acts import ActSpec
from domain.kinds import ANY_KIND_ACTS, FOLLOWUP_ACTS, KINDS
from domain.rules.base import FAMILIES

LANGS = ("zh", "en")
LANG_COOKIE = "ledger_lang"

SEVERITY = {"high": ("高", "high"), "medium": ("中", "medium"), "low": ("低", "low")}
#: Follow-up status (督查跟踪状态) → (zh, en), named as the API names it.
STATUS = {s: (STATUS_ZH[s], s) for s in STATUSES}
#: Follow-up action (the button) → (zh, en).
ACTION = {
    "acknowledge": ("确认", "Acknowledge"),
    "justify": ("说明依据", "Justify"),
    "remediate": ("已整改", "Remediated"),
    "reopen": ("重新打开", "Reopen"),
}
ROLE = {r: (zh, r) for r, zh in ROLE_ZH.items()}


def page_lang(request: Request) -> str:
    """``?lang=`` first, then the cookie the switch sets, else Chinese."""
    q = request.query_params.get("lang")
    if q in LANGS:
        return q
    c = request.cookies.get(LANG_COOKIE)
    return c if c in LANGS else "zh"


def _act_spec(kind: str, act: str) -> ActSpec | None:
    k = KINDS.get(kind)
    spec = k.acts.get(act) if k is not None else None
    return spec or ANY_KIND_ACTS.get(act) or FOLLOWUP_ACTS.get(act)


@dataclass(frozen=True)
class Tr:
    """The page's language: ``t(zh, en)`` picks one; the ``*_label`` methods name vocabulary."""

    lang: str = "zh"

    @property
    def en(self) -> bool:
        return self.lang == "en"

    def __call__(self, zh: str, en: str) -> str:
        return en if self.en else zh

    def pair(self, p: tuple[str, str] | None, fallback: str = "") -> str:
        return fallback if p is None else self(*p)

    def family(self, f: str) -> str:
        return self.pair(FAMILIES.get(f), f)

    def kind(self, k: str) -> str:
        kd = KINDS.get(k)
        return self(kd.zh, kd.en) if kd else k

    def act(self, kind: str, act: str) -> str:
        spec = _act_spec(kind, act)
        return self(spec.zh, spec.en) if spec else act

    def field(self, kind: str, act: str, name: str) -> str:
        spec = _act_spec(kind, act)
        f = spec.field(name) if spec else None
        return f.zh if f is not None and f.zh and not self.en else name

    def severity(self, s: str) -> str:
        return self.pair(SEVERITY.get(s), s)

    def status(self, s: str) -> str:
        return self.pair(STATUS.get(s), s)

    def action(self, a: str) -> str:
        return self.pair(ACTION.get(a), a)

    def role(self, r: str) -> str:
        return self.pair(ROLE.get(r), r)

    def message(self, zh: str, en: str) -> str:
        return en if self.en and en else zh

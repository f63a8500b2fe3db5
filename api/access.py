"""Who may read or add to which case (访问控制) — the one place every route and page asks.

The rule itself is :mod:`domain.ownership`: a case belongs to the unit of its first act
recorded, and a unit becomes a party to another unit's case only by a hand-over act of the
contract. Here it meets the caller (:class:`api.auth.Principal`):

- supervisors, auditors and admins read every case (of their token's jurisdiction);
- a clerk reads a case when one of its units is a party to it (the whole case), and a
  violation when it may read the violation's case or the violation is attributed to one of
  its units (a unit sees the findings against it, with their evidence);
- a clerk adds an act to a case only on behalf of a party unit (a new case becomes the
  unit's own), corrects or retracts only its own units' acts, and never writes the ledger's
  own cases or kinds (org chart, access log, follow-up), nor acts ``by`` the ledger itself.

Single cases are checked against their history; lists filter on the case-parties index
(:mod:`projections.parties`), which holds the same function's answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from api.auth import Principal
from api.errors import ApiError, forbidden
from api.services import Services
from domain.acts import SYSTEM_ACTOR, Act
from domain.errors import ActError
from domain.ownership import CaseParties, case_parties

#: Kinds the API records itself (follow-up via /violations/{id}/…, access on every logged read).
RESERVED_KINDS = ("followup", "access")


def parties(s: Services, j: str, history: Sequence[Act]) -> CaseParties:
    """The case's owner and receiving units (see :func:`domain.ownership.case_parties`)."""
    return case_parties(history, s.ledger.org(j))


def may_read_case(p: Principal, j: str, cp: CaseParties) -> bool:
    if not p.may_see_jurisdiction(j):
        return False
    return p.reads_all or cp.any_of(p.units)


def check_case_read(s: Services, p: Principal, j: str, case: str) -> None:
    """403 unless the caller may read the case: its jurisdiction, and — for a clerk — a case
    its unit owns or was handed (read from the case's history; other roles read every case)."""
    if not p.may_see_jurisdiction(j):
        raise forbidden(f"令牌仅限辖区 {p.jurisdiction}", f"this token is limited to jurisdiction '{p.jurisdiction}'")
    if not p.reads_all and not parties(s, j, s.ledger.case_history(j, case)).any_of(p.units):
        raise forbidden(
            f"无权查看案件 {case}：该案件不属于、也未移交给本单位",
            f"this token may not read case '{case}': it neither belongs nor was handed to its unit(s)",
        )


def may_read_violation(s: Services, p: Principal, v: Mapping[str, Any]) -> bool:
    j = str(v["jurisdiction"])
    if not p.may_see_jurisdiction(j):
        return False
    if p.reads_all or v.get("unit") in p.units:
        return True
    return parties(s, j, s.ledger.case_history(j, str(v["case"]))).any_of(p.units)


def readable_cases(s: Services, p: Principal, cases: Sequence[tuple[str, str]]) -> set[tuple[str, str]] | None:
    """Which of ``cases`` (jurisdiction, case) a clerk may read; None: all (not a clerk)."""
    if p.reads_all:
        return None
    return s.parties().readable(p.units, cases)


def list_filter(s: Services, p: Principal, table: str, *, unit_col: str | None = None) -> tuple[str, list[str]] | None:
    """An SQL condition limiting a list view over ``table`` (its ``jurisdiction`` and
    ``case_id`` columns) to the cases a clerk may read — or, with ``unit_col``, to rows
    attributed to its units; None: no limit (not a clerk)."""
    if p.reads_all:
        return None
    cond, params = s.parties().filter_sql(
        list(p.units), jurisdiction_col=f"{table}.jurisdiction", case_col=f"{table}.case_id"
    )
    if unit_col is None or not p.units:
        return cond, params
    marks = ",".join("?" * len(p.units))
    return f"({table}.{unit_col} IN ({marks}) OR {cond})", [*p.units, *params]


# ---- writing -----------------------------------------------------------------------------
def _refuse(field: str, zh: str, en: str, code: str = "forbidden") -> ActError:
    return ActError(field, zh, en, code=code)


class ActGuard:
    """What the caller may record, checked by :class:`ledger.validation.BatchValidator` on every
    act of a request or an uploaded file: :meth:`screen` before the act is validated (who may
    write there at all), :meth:`check` after (whose case it is). Raises :class:`ActError` with a
    ``forbidden…`` code; the API answers 403, an import reports the line."""

    def __init__(self, s: Services, p: Principal) -> None:
        self.s = s
        self.p = p
        self._histories: dict[tuple[str, str], list[Act]] = {}

    def screen(self, raw: Mapping[str, Any], jurisdiction: str) -> None:
        p = self.p
        if p.jurisdiction is not None and jurisdiction != p.jurisdiction:
            raise _refuse(
                "jurisdiction",
                f"令牌仅限辖区 {p.jurisdiction}",
                f"this token is limited to jurisdiction '{p.jurisdiction}'",
            )
        kind, unit, by = raw.get("kind"), raw.get("unit"), raw.get("by")
        if kind == "org" and p.role != "admin":
            raise _refuse("kind", "只有管理员可以记录组织机构行为", "only an admin may record org acts")
        if kind in RESERVED_KINDS:
            raise _refuse(
                "kind",
                f"{kind} 行为由系统记录（督查跟踪请用 /violations/{{id}}/…）",
                f"'{kind}' acts are recorded by the API itself (follow-up: POST /violations/{{id}}/…)",
                "reserved_kind",
            )
        if p.role != "clerk":
            return
        if isinstance(unit, str) and unit not in p.units:
            raise _refuse(
                "unit",
                f"录入员只能为本单位记录行为，无权代表 {unit}",
                f"a clerk records acts only for its own unit(s), not for '{unit}'",
                "forbidden_unit",
            )
        if by == SYSTEM_ACTOR:
            raise _refuse(
                "by", "system 是账本自身的记录人，录入员不能使用", "'system' is the ledger's own actor, not a clerk's"
            )

    def _stored(self, j: str, case: str) -> list[Act]:
        key = (j, case)
        if key not in self._histories:
            self._histories[key] = self.s.ledger.case_history(j, case)
        return self._histories[key]

    def forget(self) -> None:
        """The accepted acts were stored: read the cases afresh from here on."""
        self._histories.clear()

    def check(self, a: Act, earlier: Sequence[Act]) -> None:
        if self.p.role != "clerk":
            return
        hist = [*self._stored(a.jurisdiction, a.case), *earlier]
        if hist:
            cp = parties(self.s, a.jurisdiction, hist)
            if not cp.includes(a.unit):
                raise _refuse(
                    "case",
                    f"案件 {a.case} 属于 {cp.owner}，未移交给 {a.unit}，不能添加行为",
                    f"case '{a.case}' belongs to '{cp.owner}' and was not handed to '{a.unit}': "
                    "no act may be added on its behalf",
                    "forbidden_case",
                )
        if a.act in ("corrected", "retracted"):
            target = next((x for x in hist if x.id == a.get("of")), None)
            if target is not None and target.unit not in self.p.units:
                raise _refuse(
                    "data.of",
                    f"只能更正或撤回本单位的行为，{target.id} 由 {target.unit} 记录",
                    f"a clerk corrects or retracts only its own units' acts; '{target.id}' is '{target.unit}''s",
                )


def act_error(e: ActError, *, prefix: str = "", index: int | None = None) -> ApiError:
    """A refused act as the API's error: 403 for what the caller may not do, else 422."""
    field = f"{prefix}.{e.field}" if prefix and e.field else (prefix or e.field)
    status = 403 if e.code.startswith("forbidden") else 422
    return ApiError(status, e.code, e.message_zh, e.message_en, field=field, index=index)

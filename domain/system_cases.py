"""Case ids the ledger makes itself (系统案件编号) — reserved: no user act may use them.

========================== ============================================ =====================
case id                    what it holds                                kind it is kept for
========================== ============================================ =====================
``ORG-<jurisdiction>``     the jurisdiction's org chart and rule packs  ``org`` (that case only)
``ACCESS-<reader>-<date>`` one reader's reads of one day (查阅留痕)      ``access``
``v-<16 hex digits>``      a violation's follow-up (督查跟踪)             ``followup``
``RES-QUOTA-<year>-<who>`` the synthetic case of RES-ANNUAL-QUOTA's      none: findings only,
                           findings (a leader's year of field research) never acts
========================== ============================================ =====================

Each id is made here and nowhere else; :func:`check_case_id` refuses an act whose case id
and kind do not match (an incident in an access case would break that reader's access log;
an act under a violation's id would make it impossible to follow up). The clock's
``deadline_missed`` acts go into the cases they concern and need no id of their own.
"""

from __future__ import annotations

import re
from datetime import date

from domain.errors import ActError

ORG_PREFIX = "ORG-"
ACCESS_PREFIX = "ACCESS-"
QUOTA_PREFIX = "RES-QUOTA-"
_VIOLATION_ID = re.compile(r"v-[0-9a-f]{16}")


def org_case(jurisdiction: str) -> str:
    """The case that holds a jurisdiction's org acts."""
    return f"{ORG_PREFIX}{jurisdiction}"


def access_case(reader: str, day: date) -> str:
    """The case of one reader's reads of one day (in the jurisdiction's zone)."""
    return f"{ACCESS_PREFIX}{reader}-{day.isoformat()}"


def quota_case(year: int, person: str) -> str:
    """The synthetic case of a leader's research quota for a year (RES-ANNUAL-QUOTA)."""
    return f"{QUOTA_PREFIX}{year}-{person}"


def violation_id(digest: str) -> str:
    """A violation's id from its hash (the follow-up case of the violation is this id)."""
    return f"v-{digest[:16]}"


def reserved_for(case: str) -> str | None:
    """The kind a case id is reserved for (``""``: no act at all), or None when it is free."""
    if case.startswith(ORG_PREFIX):
        return "org"
    if case.startswith(ACCESS_PREFIX):
        return "access"
    if _VIOLATION_ID.fullmatch(case):
        return "followup"
    if case.startswith(QUOTA_PREFIX):
        return ""
    return None


#: The system kinds and what their case ids look like (for messages).
_SHAPES = {"org": "ORG-<jurisdiction>", "access": "ACCESS-<reader>-<date>", "followup": "v-<16 hex digits>"}


def check_case_id(case: str, kind: str, jurisdiction: str) -> None:
    """Raise :class:`ActError` (field ``case``) unless ``case`` may hold an act of ``kind``."""
    reserved = reserved_for(case)
    if kind == "org" and case != org_case(jurisdiction):
        raise ActError(
            "case",
            f"组织机构行为须记入案件 {org_case(jurisdiction)}，不能记入 {case}",
            f"org acts belong in case '{org_case(jurisdiction)}', not '{case}'",
            code="reserved_case",
        )
    if kind in _SHAPES and reserved != kind:
        raise ActError(
            "case",
            f"{kind} 行为的案件编号须为 {_SHAPES[kind]}，不能是 {case}",
            f"'{kind}' acts belong in a case '{_SHAPES[kind]}', not '{case}'",
            code="reserved_case",
        )
    if reserved is not None and reserved != kind:
        raise ActError(
            "case",
            f"案件编号 {case} 为系统保留（{_SHAPES.get(reserved, 'RES-QUOTA-<year>-<person>')}），不能用于 {kind} 行为",
            f"case id '{case}' is reserved for the ledger's own "
            f"{reserved + ' acts' if reserved else 'findings'} ({_SHAPES.get(reserved, 'RES-QUOTA-<year>-<person>')}): "
            f"no '{kind}' act may use it",
            code="reserved_case",
        )

"""The rule catalog (规则目录): every rule with its articles and parameters per pack.

``?pack=`` lists the rules one pack puts in force — a built-in pack, or a jurisdiction's own
YAML pack stored in the ledger (``pack_defined``), like ``ledger rules --pack``.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from api.auth import READERS, Principal, require
from api.errors import COMMON, invalid
from api.models import RuleOut
from api.routing import OneHopRoute
from api.services import Services, services
from domain.errors import LedgerError
from domain.rules.base import FAMILIES, Rule
from domain.rules.custom import rules_of_pack
from domain.rules.registry import RULES

router = APIRouter(route_class=OneHopRoute, tags=["rules"], responses=COMMON)


def _jsonable(v: Any) -> Any:
    return json.loads(json.dumps(v, ensure_ascii=False, default=str))


def _out(d: dict[str, Any], r: Rule) -> dict[str, Any]:
    d = _jsonable(d)
    d["family_zh"], d["family_en"] = FAMILIES.get(r.family, ("", ""))
    return d


@router.get(
    "/rules",
    summary="The rule catalog, or the rules one pack puts in force with its parameters",
    response_model=list[RuleOut],
)
def list_rules(
    pack: Annotated[
        str | None,
        Query(
            description="Only the rules this pack (built-in, or a jurisdiction's own) puts in force, with its article and parameters"
        ),
    ] = None,
    jurisdiction: Annotated[
        str | None, Query(description="With pack=: the jurisdiction whose own pack it is (when several define it)")
    ] = None,
    p: Principal = Depends(require(*READERS)),
    s: Services = Depends(services),
) -> Any:
    if pack is None:
        return [_out(r.describe(), r) for r in RULES]
    j = p.jurisdiction_scope(jurisdiction)
    try:
        entries = rules_of_pack(pack, lambda: (s.ledger.org(x) for x in s.ledger.jurisdictions()), j)
    except LedgerError as e:
        raise invalid("pack", e.message_zh, e.message_en, e.code) from e
    return [_out(e.describe(), e.rule) for e in entries]

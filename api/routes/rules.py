"""The rule catalog (规则目录): every rule with its articles and parameters per pack."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from api.auth import READERS, Principal, require
from api.errors import COMMON, invalid
from api.models import RuleOut
from domain.rules.base import FAMILIES
from domain.rules.packs import PACKS
from domain.rules.registry import RULES

router = APIRouter(tags=["rules"], responses=COMMON)


def _jsonable(v: Any) -> Any:
    return json.loads(json.dumps(v, ensure_ascii=False, default=str))


@router.get(
    "/rules", summary="The rule catalog, or the rules one pack names with its parameters", response_model=list[RuleOut]
)
def list_rules(
    pack: Annotated[
        str | None, Query(description="Only the rules this pack names, with its article and parameters")
    ] = None,
    p: Principal = Depends(require(*READERS)),
) -> Any:
    if pack is not None and pack not in PACKS:
        raise invalid(
            "pack", f"未知规则包 {pack}", f"unknown pack '{pack}' (one of {', '.join(PACKS)})", "unknown_pack"
        )
    out = []
    for r in RULES:
        if pack is not None and pack not in r.citations:
            continue
        d = _jsonable(r.describe())
        zh, en = FAMILIES.get(r.family, ("", ""))
        d["family_zh"], d["family_en"] = zh, en
        if pack is not None:
            d["article"] = r.article(pack)
            d["params"] = _jsonable(dict(r.params_for(pack)))
        out.append(d)
    return out

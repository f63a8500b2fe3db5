"""Trying a draft rule pack on the stored history before adopting it (规则包试算).

``POST /packs/diff`` evaluates a draft pack over a jurisdiction's history beside the pack in
force and answers what it would add, remove and change, per rule (:mod:`projections.whatif`).
Nothing is stored — neither the draft nor its violations.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query

from api.auth import INTEGRITY, Principal, require
from api.errors import COMMON, invalid, parse_time
from api.models import PackDiffIn, PackDiffOut
from api.routing import OneHopRoute
from api.services import Services, refuse_nul, services
from domain.errors import LedgerError
from domain.rules.yamlpack import PackError
from projections.whatif import diff_pack

router = APIRouter(route_class=OneHopRoute, tags=["packs"], responses=COMMON)


@router.post(
    "/packs/diff",
    summary="What a draft pack would add and remove against the pack in force, over the stored history",
    response_model=PackDiffOut,
)
def post_pack_diff(
    body: Annotated[PackDiffIn, Body()],
    limit: Annotated[int, Query(ge=0, le=10000, description="Violations listed per rule and kind")] = 100,
    p: Principal = Depends(require(*INTEGRITY)),
    s: Services = Depends(services),
) -> Any:
    refuse_nul(body.model_dump(by_alias=True))
    j = p.jurisdiction_scope(body.jurisdiction)
    if j is None:
        js = s.ledger.jurisdictions()
        if len(js) != 1:
            raise invalid(
                "jurisdiction",
                f"账本中有 {len(js)} 个辖区，请指定 jurisdiction",
                f"the ledger holds {len(js)} jurisdictions ({', '.join(js)}): name one",
                "missing_field",
            )
        j = js[0]
    at = parse_time(body.now, "now") or s.now()
    try:
        since = date.fromisoformat(body.adopt_from) if body.adopt_from else None
    except ValueError:
        raise invalid(
            "from", f"日期无效：{body.adopt_from}", f"{body.adopt_from!r} is not a date (YYYY-MM-DD)"
        ) from None
    try:
        with s.projection_paused():  # the draft's pack registration must not leak into a projection run
            res = diff_pack(s.ledger, body.source, j, at, adopt_from=since)
    except PackError as e:
        raise invalid("source", e.message_zh, e.message_en, e.code) from e
    except LedgerError as e:
        raise invalid("jurisdiction", e.message_zh, e.message_en, e.code) from e
    return res.as_dict(limit)

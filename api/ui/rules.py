"""``/ui/rules`` — the rule packs in force (规则包) in each jurisdiction, and a pack's rules with
the article each cites and the parameters the pack gives it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from api.auth import READERS, Principal, check_role
from api.errors import invalid
from api.routing import OneHopRoute
from api.services import Services, services
from api.ui.render import Orgs, render
from api.ui.session import viewer
from domain.rules.base import Rule
from domain.rules.packs import PACKS
from domain.rules.registry import RULES
from domain.rules.yamlpack import compile_packs

router = APIRouter(route_class=OneHopRoute)


@router.get("/rules")
def rules_page(
    request: Request,
    pack: Annotated[str | None, Query()] = None,
    p: Principal = Depends(viewer),
    s: Services = Depends(services),
) -> Response:
    check_role(p, *READERS)
    orgs = Orgs(s)
    now = s.now()
    js = [j for j in s.ledger.jurisdictions() if p.may_see_jurisdiction(j)]
    custom: list[Rule] = []
    in_force: list[dict[str, Any]] = []
    for j in js:
        org = orgs[j]
        custom += compile_packs(org.custom_packs)  # also registers the jurisdiction's own packs
        in_force.append({"j": j, "now": org.pack_at(now), "history": list(org.packs), "own": sorted(org.custom_packs)})
    chosen = pack or next((x["now"] for x in in_force if x["now"]), None) or next(iter(PACKS), None)
    if chosen is not None and chosen not in PACKS:
        raise invalid("pack", f"未知规则包 {chosen}", f"unknown pack '{chosen}'", "unknown_pack")
    every = {r.id: r for r in (*RULES, *custom)}
    rules = [
        {"rule": r, "article": r.article(chosen), "params": dict(r.params_for(chosen))}
        for r in every.values()
        if chosen is not None and chosen in r.citations
    ]
    counts = {k: sum(1 for r in every.values() if k in r.citations) for k in PACKS}
    return render(
        request,
        "rules.html",
        packs=PACKS,
        counts=counts,
        chosen=chosen,
        rules=rules,
        in_force=in_force,
        org=orgs,
    )

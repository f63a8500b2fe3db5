"""``/ui/`` — the morning view (总览): violations by family and month, the units with most open
violations, overdue supervision items, follow-up status counts, and how fresh the views are."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import replace
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from api.access import list_filter
from api.auth import READERS, Principal, check_role
from api.queries import ViolationFilter, by_family_and_month, freshness, open_by_unit, status_counts, years
from api.routing import OneHopRoute
from api.services import Services, services
from api.ui.chart import series, stacked_bars
from api.ui.i18n import Tr, page_lang
from api.ui.render import render
from api.ui.session import viewer
from api.viewcache import ViewCache
from domain.rules.base import FAMILIES, Case
from domain.status import status
from domain.timeutil import CHINA_TZ, end_of_day, start_of_day
from projections.queries import query_cases

router = APIRouter(route_class=OneHopRoute)
#: How many overdue supervision items the dashboard lists (the count is of all of them).
OVERDUE_SHOWN = 20


def scope(p: Principal, s: Services, jurisdiction: str | None) -> tuple[str | None, list[str]]:
    """The jurisdiction asked for (limited to the token's) and the jurisdictions that covers."""
    j = p.jurisdiction_scope(jurisdiction)
    return j, [j] if j else [x for x in s.ledger.jurisdictions() if p.may_see_jurisdiction(x)]


def open_supervision(s: Services, p: Principal, js: list[str]) -> dict[str, list[Case]]:
    """Each jurisdiction's open supervision items (of the caller's units), with their histories."""
    proj = s.projection()
    out: dict[str, list[Case]] = {}
    for j in js:
        rows = query_cases(proj, jurisdiction=j, kind="supervision", open=True, restrict=list_filter(s, p, proj.t_c))
        out[j] = [Case.of(h) for h in (s.ledger.case_history(j, r["case"]) for r in rows) if h]
    return out


def overdue_items(s: Services, items: dict[str, list[Case]]) -> list[dict[str, Any]]:
    """Open supervision items past their deadline in force now (as ``ledger status`` reads them)."""
    now = s.now()
    out = [{"jurisdiction": j, **x} for j, cases in items.items() for x in status(cases, s.ledger.org(j), now).overdue]
    out.sort(key=lambda r: (-r["days_overdue"], r["case"]))
    return out


@router.get("/")
def dashboard(
    request: Request,
    jurisdiction: Annotated[str | None, Query()] = None,
    year: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
    p: Principal = Depends(viewer),
    s: Services = Depends(services),
) -> Response:
    check_role(p, *READERS)
    t = Tr(page_lang(request))
    j, js = scope(p, s, jurisdiction)
    cache: ViewCache = request.app.state.views
    version = s.view_version(js)  # taken before the views catch up
    proj = s.projection()
    scope_sql = list_filter(s, p, proj.t_v, unit_col="unit")  # a clerk: the API's own condition
    restrict = (scope_sql[0], tuple(scope_sql[1])) if scope_sql else None
    base = ViolationFilter(jurisdiction=j, restrict=restrict, statuses=s.statuses())
    fresh = freshness(proj, js, s.views_position())
    have = cache.get(("years", base.key()), version, lambda: years(proj, base))
    y = year or (have[0] if have else str(s.now().astimezone(CHINA_TZ).year))
    yr = replace(
        base, since=start_of_day(date(int(y), 1, 1), CHINA_TZ), until=end_of_day(date(int(y), 12, 31), CHINA_TZ)
    )
    grid = cache.get(("grid", yr.key()), version, lambda: by_family_and_month(proj, yr))
    months = [f"{y}-{m:02d}" for m in range(1, 13)]
    fams = [f for f in FAMILIES if any(f in grid.get(m, {}) for m in months)] or list(FAMILIES)
    ser = series(fams, {f: t.family(f) for f in fams})
    svg = stacked_bars(
        months,
        grid,
        ser,
        title=t(f"{y} 年各月违规（按类别）", f"Violations by month and family, {y}"),
        empty=t("无违规", "no violations"),
    )
    items = cache.get(("open-supervision", base.key()), version, lambda: open_supervision(s, p, js))
    overdue = overdue_items(s, items)
    s.log_access(p, "/ui/", {"jurisdiction": jurisdiction, "year": year}, [j] if j else None)
    return render(
        request,
        "dashboard.html",
        jurisdictions=js,
        jurisdiction=j,
        year=y,
        years=have or [y],
        months=months,
        spans={m: (f"{m}-01", f"{m}-{monthrange(int(y), int(m[-2:]))[1]:02d}") for m in months},
        grid=grid,
        series=ser,
        chart=svg,
        top_units=cache.get(("top-units", base.key()), version, lambda: open_by_unit(proj, base)),
        statuses=cache.get(("statuses", base.key()), version, lambda: status_counts(proj, base)),
        overdue=overdue[:OVERDUE_SHOWN],
        overdue_total=len(overdue),
        fresh=fresh,
        now=s.now(),
    )

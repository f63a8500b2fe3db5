"""``/ui/bulletin?month=YYYY-MM`` — the supervision bulletin (督查通报) of a month, with downloads
as Word (the form offices circulate) and Excel.

The rows are :func:`domain.bulletin.bulletin`'s (as ``GET /bulletin`` and ``ledger bulletin``
give them), read through :func:`api.queries.month_bulletin` (a finished month's kept until an act is stored); a clerk sees only the rows of
its own units, as in the API. Without ``month``: last month (the bulletin offices circulate
at the start of a month).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response

from api.auth import READERS, Principal, check_role
from api.errors import invalid
from api.queries import month_bulletin
from api.routing import OneHopRoute
from api.services import Services, services
from api.ui import exports
from api.ui.i18n import Tr, page_lang
from api.ui.render import Orgs, render
from api.ui.session import viewer
from domain.timeutil import CHINA_TZ

router = APIRouter(route_class=OneHopRoute)
#: Items listed on the page per section; a month with more lists the first ones and says how
#: many there are (the Word and Excel downloads hold them all).
SHOWN = 300
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def last_month(now: datetime) -> str:
    d = now.astimezone(CHINA_TZ).date().replace(day=1)
    prev = date.fromordinal(d.toordinal() - 1)
    return f"{prev.year:04d}-{prev.month:02d}"


def bulletin_rows(
    request: Request, p: Principal, s: Services, month: str | None, jurisdiction: str | None, resource: str
) -> tuple[str, str | None, list[str], list[dict[str, Any]]]:
    """(month, jurisdiction asked for, jurisdictions covered, rows the caller may read); the read logged."""
    check_role(p, *READERS)
    month = (month or "").strip() or last_month(s.now())
    if not _MONTH.match(month):
        raise invalid(
            "month", f"月份格式错误：{month}（须为 YYYY-MM）", f"malformed month '{month}' (YYYY-MM)", "bad_month"
        )
    j = p.jurisdiction_scope(jurisdiction or None)
    js = [j] if j else [x for x in s.ledger.jurisdictions() if p.may_see_jurisdiction(x)]
    now = s.now()
    rows = [
        {"jurisdiction": jj, **r.to_dict()}
        for jj in js
        for r in month_bulletin(request.app.state.views, s, jj, month, now)
        if p.may_read_unit(r.unit)
    ]
    s.log_access(p, resource, {"month": month, "jurisdiction": jurisdiction}, [j] if j else None)
    return month, j, js, rows


@router.get("/bulletin")
def bulletin_page(
    request: Request,
    month: Annotated[str | None, Query()] = None,
    jurisdiction: Annotated[str | None, Query()] = None,
    p: Principal = Depends(viewer),
    s: Services = Depends(services),
) -> Response:
    month, j, js, rows = bulletin_rows(request, p, s, month, jurisdiction, "/ui/bulletin")
    orgs = Orgs(s)
    visible = [x for x in s.ledger.jurisdictions() if p.may_see_jurisdiction(x)]
    return render(
        request,
        "bulletin.html",
        month=month,
        jurisdiction=j,
        jurisdictions=[(x, orgs.name(x)) for x in visible],
        covered=js,
        rows=rows,
        org=orgs,
        totals={
            "units": len(rows),
            "overdue": sum(r["overdue_count"] for r in rows),
            "poor": sum(r["poor_quality_count"] for r in rows),
        },
        issued=s.now(),
        shown=SHOWN,
    )


def _issuer(orgs: Orgs, js: list[str], t: Tr) -> str:
    if len(js) == 1:
        office = orgs[js[0]].office_unit()
        return office.name if office else orgs.name(js[0])
    return t("督查室", "Supervision office")


@router.get("/bulletin.{fmt}")
def bulletin_download(
    request: Request,
    fmt: Annotated[Literal["docx", "xlsx"], Path(description="docx (Word) or xlsx (Excel)")],
    month: Annotated[str | None, Query()] = None,
    jurisdiction: Annotated[str | None, Query()] = None,
    p: Principal = Depends(viewer),
    s: Services = Depends(services),
) -> Response:
    """The bulletin as the Word document offices circulate, or as an Excel workbook."""
    month, _j, js, rows = bulletin_rows(request, p, s, month, jurisdiction, f"/ui/bulletin.{fmt}")
    t, orgs = Tr(page_lang(request)), Orgs(s)
    name = t(f"督查通报-{month}.{fmt}", f"supervision-bulletin-{month}.{fmt}")
    if fmt == "docx":
        issued = s.now().astimezone(CHINA_TZ)
        return exports.download(
            exports.bulletin_docx(rows, month, t, orgs, issuer=_issuer(orgs, js, t), issued=issued), name
        )
    return exports.download(exports.xlsx_bytes(exports.bulletin_sheets(rows, t, orgs)), name)

"""Rendering a page (页面渲染): the Jinja2 templates and what every page is given.

Every page gets ``t`` (the language, :class:`api.ui.i18n.Tr`), ``me`` (the logged-in
:class:`api.auth.Principal`, or None), ``csrf`` (the form token), ``lang_url`` (this page in
the other language), ``org`` (jurisdiction → org chart, for unit and person names) and
``fmt_time``. ``?lang=`` also sets the language cookie, so the switch sticks.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from api.auth import Principal
from api.services import Services
from api.ui.i18n import LANG_COOKIE, LANGS, Tr, page_lang
from api.ui.session import csrf_token, set_login_csrf
from domain.org import OrgChart
from domain.timeutil import CHINA_TZ, parse_datetime

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


def fmt_time(value: Any, with_seconds: bool = False) -> str:
    """A time as office staff read it: ``2024-05-03 14:05``, Beijing time (北京时间)."""
    if value in (None, ""):
        return ""
    t = value if isinstance(value, datetime) else parse_datetime(str(value), default_tz=CHINA_TZ)
    if t.tzinfo is None:
        t = t.replace(tzinfo=CHINA_TZ)
    return t.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M")


def fmt_value(value: Any, t: Tr | None = None) -> str:
    """A data value as text: lists joined with 、, mappings as ``k: v``, yes/no for booleans."""
    tr = t or Tr()
    if value is True or value is False:
        return tr("是", "yes") if value else tr("否", "no")
    if isinstance(value, dict):
        return "；".join(f"{k}: {fmt_value(v, tr)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "、".join(fmt_value(v, tr) for v in value)
    return "" if value is None else str(value)


templates.env.filters["time"] = fmt_time
templates.env.filters["value"] = fmt_value


class Orgs(dict[str, OrgChart]):
    """Org charts by jurisdiction, read from the ledger when first asked for (for names)."""

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.s = services

    def __missing__(self, j: str) -> OrgChart:
        org = self.s.ledger.org(j)
        self[j] = org
        return org

    def unit(self, j: str, unit: str | None) -> str:
        if not unit:
            return ""
        u = self[j].units.get(unit)
        return u.name if u else unit

    def person(self, j: str, person: str | None, at: Any = None) -> str:
        if not person:
            return ""
        t = parse_datetime(at, default_tz=CHINA_TZ) if isinstance(at, str) else at
        return self[j].label(person, t)

    def person_name(self, person: str | None, js: list[str]) -> str:
        """A person's name from the first of ``js`` whose org chart knows them, else the id."""
        for j in js:
            if person and person in self[j].people:
                return self[j].people[person]
        return person or ""

    def name(self, j: str) -> str:
        """A jurisdiction by its government's name (昌乐县人民政府), else its id."""
        gov = self[j].government_unit()
        return gov.name if gov else j


def other_lang_url(request: Request, lang: str) -> str:
    other = "en" if lang == "zh" else "zh"
    q = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"] + [("lang", other)]
    return f"{request.url.path}?{urlencode(q)}"


def render(request: Request, name: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    """A page from its template, with what every page needs."""
    lang = page_lang(request)
    services: Services = request.app.state.services
    orgs: Orgs = ctx.pop("org", None) or Orgs(services)
    me: Principal | None = getattr(request.state, "principal", None)
    me_name = ""
    if me is not None and me.person:
        me_name = orgs.person_name(me.person, [me.jurisdiction] if me.jurisdiction else services.ledger.jurisdictions())
    context = {
        "t": Tr(lang),
        "lang": lang,
        "lang_url": other_lang_url(request, lang),
        "me": me,
        "me_name": me_name,
        "csrf": csrf_token(request),
        "org": orgs,
        "path": request.url.path,
        **ctx,
    }
    resp = templates.TemplateResponse(request, name, context, status_code=status_code)
    q = request.query_params.get("lang")
    if q in LANGS and request.cookies.get(LANG_COOKIE) != q:
        resp.set_cookie(LANG_COOKIE, q, path="/ui", samesite="lax", max_age=365 * 86400)
    set_login_csrf(resp, request)
    resp.headers["Cache-Control"] = "no-store"
    return resp

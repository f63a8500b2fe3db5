"""``/ui/violations`` — the violation list (违规清单) with filters, sorting, paging and downloads,
and ``/ui/violations/{id}`` — one violation, its rule and evidence, and its follow-up (督查跟踪).

The follow-up buttons post to ``/ui/violations/{id}/{action}``, which records the act through
the API's own follow-up service (:func:`api.routes.violations._follow`): the same act, by the
logged-in person, with the same transitions, optimistic version check and refusals.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from api.access import list_filter
from api.auth import FOLLOWERS, READERS, Principal, check_role
from api.errors import invalid, parse_time
from api.models import FollowupIn, JustifyIn
from api.queries import SORTS, ViolationFilter, count, violation_page, violation_rows
from api.routes.violations import TRANSITIONS, _follow, get_violation
from api.routing import OneHopRoute
from api.services import STATUSES, Services, services
from api.ui import exports
from api.ui.i18n import SEVERITY, Tr, page_lang
from api.ui.render import Orgs, render
from api.ui.session import check_csrf, viewer
from api.viewcache import ViewCache
from domain.rules.base import FAMILIES
from domain.rules.packs import PACKS
from domain.rules.registry import BY_ID, RULES

router = APIRouter(route_class=OneHopRoute)
PER_PAGE = (20, 50, 100, 200)
FILTERS = ("jurisdiction", "family", "rule", "pack", "unit", "severity", "status", "case", "since", "until")


def _opt(v: str | None) -> str | None:
    """A form field left empty means "any"."""
    v = v.strip() if v is not None else None
    return v or None


def _one_of(field: str, value: str | None, allowed: Any, zh: str, en: str) -> str | None:
    if value is not None and value not in allowed:
        raise invalid(field, f"未知的{zh}：{value}", f"unknown {en} '{value}'")
    return value


class Filters:
    """The list's query string, checked: unknown values are a 422 page naming the field, another
    unit's data a 403 page (the caller's scope is the API's, from :class:`~api.auth.Principal`)."""

    def __init__(self, request: Request, p: Principal, s: Services) -> None:
        q = {k: _opt(request.query_params.get(k)) for k in FILTERS}
        fam = q["family"].upper() if q["family"] else None
        self.raw = {k: v for k, v in q.items() if v is not None}
        self.j = p.jurisdiction_scope(q["jurisdiction"])
        js = [self.j] if self.j else [x for x in s.ledger.jurisdictions() if p.may_see_jurisdiction(x)]
        self.version = s.view_version(js)  # taken before the views catch up
        p.check_unit_filter(q["unit"])
        proj = s.projection()
        scope = list_filter(s, p, proj.t_v, unit_col="unit")  # a clerk: the API's own condition
        self.flt = ViolationFilter(
            jurisdiction=self.j,
            family=_one_of("family", fam, FAMILIES, "规则类别", "family"),
            rule=q["rule"],
            pack=_one_of("pack", q["pack"], PACKS, "规则包", "pack"),
            unit=q["unit"],
            restrict=(scope[0], tuple(scope[1])) if scope else None,
            case=q["case"],
            severity=_one_of("severity", q["severity"], SEVERITY, "严重程度", "severity"),
            status=_one_of("status", q["status"], STATUSES, "跟踪状态", "status"),
            since=parse_time(q["since"], "since", end=False),
            until=parse_time(q["until"], "until"),
            statuses=s.statuses(),
        )
        sort = request.query_params.get("sort") or "at"
        self.sort = _one_of("sort", sort, SORTS, "排序字段", "sort column") or "at"
        self.desc = (request.query_params.get("dir") or "desc") != "asc"
        self.per = int(
            _one_of("per", request.query_params.get("per") or "50", [str(n) for n in PER_PAGE], "每页条数", "page size")
            or 50
        )
        page = request.query_params.get("page") or "1"
        if not page.isdigit() or int(page) < 1:
            raise invalid("page", f"页码无效：{page}", f"bad page number '{page}'")
        self.page = int(page)

    def query(self, **change: Any) -> str:
        """This list's query string with some parameters changed (None drops one)."""
        q: dict[str, Any] = {**self.raw, "sort": self.sort, "dir": "desc" if self.desc else "asc", "per": self.per}
        q.update(change)
        return urlencode({k: v for k, v in q.items() if v not in (None, "")})

    def log_query(self) -> dict[str, Any]:
        return {**self.raw, "sort": self.sort, "dir": "desc" if self.desc else "asc"}


def _options(p: Principal, s: Services, t: Tr, orgs: Orgs) -> dict[str, Any]:
    js = [j for j in s.ledger.jurisdictions() if p.may_see_jurisdiction(j)]
    units = [
        (u.id, f"{u.name}（{orgs.name(j)}）" if len(js) > 1 else u.name)
        for j in js
        for u in orgs[j].units.values()
        if p.may_read_unit(u.id)
    ]
    return {
        "jurisdictions": [(j, orgs.name(j)) for j in js],
        "families": [(f, t.family(f)) for f in FAMILIES],
        "rules": [(r.id, f"{r.id} {t(r.title_zh, r.title_en)}") for r in RULES],
        "packs": [(k, t(pk.name_zh, pk.name_en)) for k, pk in PACKS.items()],
        "units": units,
        "severities": [(k, t(*v)) for k, v in SEVERITY.items()],
        "statuses": [(k, t.status(k)) for k in STATUSES],
    }


@router.get("/violations")
def violation_list(request: Request, p: Principal = Depends(viewer), s: Services = Depends(services)) -> Response:
    check_role(p, *READERS)
    f = Filters(request, p, s)
    proj = s.projection()
    items = violation_page(proj, f.flt, sort=f.sort, descending=f.desc, offset=(f.page - 1) * f.per, limit=f.per)
    cache: ViewCache = request.app.state.views
    total = cache.get(("count", f.flt.key()), f.version, lambda: count(proj, f.flt))
    pages = max(1, -(-total // f.per))
    s.log_access(p, "/ui/violations", {**f.log_query(), "page": f.page}, [f.j] if f.j else None)
    orgs = Orgs(s)
    return render(
        request,
        "violations.html",
        f=f,
        items=items,
        total=total,
        pages=pages,
        per_page=PER_PAGE,
        options=_options(p, s, Tr(page_lang(request)), orgs),
        org=orgs,
    )


@router.get("/violations.{fmt}")
def violations_download(
    request: Request,
    fmt: Annotated[Literal["csv", "xlsx"], Path(description="csv or xlsx (Excel)")],
    p: Principal = Depends(viewer),
    s: Services = Depends(services),
) -> Response:
    """Every violation the list's filters match, in its order, as CSV or an Excel workbook."""
    check_role(p, *READERS)
    f = Filters(request, p, s)
    s.log_access(p, f"/ui/violations.{fmt}", f.log_query(), [f.j] if f.j else None)
    t, orgs = Tr(page_lang(request)), Orgs(s)
    header = exports.violation_header(t)
    cells = (
        exports.violation_cells(v, t, orgs)
        for v in violation_rows(s.projection(), f.flt, sort=f.sort, descending=f.desc)
    )
    name = t(f"违规清单.{fmt}", f"violations.{fmt}")
    if fmt == "csv":
        return exports.csv_response(header, cells, name)
    return exports.download(
        exports.xlsx_bytes([(t("违规清单", "violations"), header, cells, exports.VIOLATION_WIDTHS)]), name
    )


VID = Annotated[str, Path(description="Violation id (v-…)")]


@router.get("/violations/{violation_id}")
def violation_detail(
    request: Request,
    violation_id: VID,
    done: Annotated[str | None, Query()] = None,
    p: Principal = Depends(viewer),
    s: Services = Depends(services),
) -> Response:
    check_role(p, *READERS)
    v = get_violation(violation_id, p, s)  # the API's read: access checked and logged there
    rule = BY_ID.get(v["rule"])
    may_follow = p.role in FOLLOWERS and bool(p.person)
    actions = [a for a, (_act, frm) in TRANSITIONS.items() if v["status"] in frm] if may_follow else []
    evidence = sorted(v["evidence_acts"], key=lambda a: (a["at"], a.get("seq") or 0))
    return render(
        request,
        "violation.html",
        v=v,
        rule=rule,
        evidence=evidence,
        actions=actions,
        may_follow=may_follow,
        follower_role=p.role in FOLLOWERS,
        done=done if done in TRANSITIONS else None,
    )


@router.post("/violations/{violation_id}/{action}")
def follow_up(
    request: Request,
    violation_id: VID,
    action: Annotated[str, Path(pattern="^(acknowledge|justify|remediate|reopen)$")],
    csrf: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    basis: Annotated[str, Form()] = "",
    expected_version: Annotated[int | None, Form()] = None,
    p: Principal = Depends(viewer),
    s: Services = Depends(services),
) -> Response:
    check_csrf(request, csrf)
    check_role(p, *FOLLOWERS)
    fields: dict[str, Any] = {"note": note.strip() or None, "expected_version": expected_version}
    try:
        body = JustifyIn(**fields, basis=basis.strip()) if action == "justify" else FollowupIn(**fields)
    except ValidationError as e:
        field = str(e.errors()[0]["loc"][0]) if e.errors() else "basis"
        raise invalid(
            field, "说明依据时须填写法律依据", "a justification needs its legal basis", "missing_field"
        ) from e
    _follow(s, p, violation_id, action, body)
    return RedirectResponse(f"/ui/violations/{violation_id}?done={action}", status_code=303)

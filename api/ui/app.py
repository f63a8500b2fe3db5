"""The pages' application (页面应用), mounted at ``/ui`` beside the API by :func:`api.app.create_app`.

A FastAPI app of its own, sharing the API's :class:`~api.services.Services` (the same ledger,
projection, token store and access log), so that its errors are pages, not JSON: a refusal
is a 403 page that says why, bad input a 422 page naming the field, and a missing or revoked
session the login form. Static files (the stylesheet and a small script, both written here)
are served from ``/ui/static``. Every response forbids framing and any script, style or
image from elsewhere (Content-Security-Policy: ``'self'`` only — no CDN).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response

from api.errors import ApiError, _loc_field
from api.services import Services
from api.ui import bulletin, cases, dashboard, login, rules, violations
from api.ui.i18n import Tr, page_lang
from api.ui.render import HERE, render
from api.ui.session import LoginRequiredError, login_url
from domain.errors import LedgerError
from ledger.store import WriteConflictError

log = logging.getLogger("ledger.ui")

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def error_page(request: Request, status: int, zh: str, en: str, field: str | None = None) -> Response:
    t = Tr(page_lang(request))
    titles = {
        403: ("无权访问", "Access refused"),
        404: ("页面或记录不存在", "Not found"),
        409: ("未保存：记录已变化", "Not saved: the record changed"),
        422: ("输入有误", "Invalid input"),
    }
    title = t(*titles.get(status, ("出错了", "Something went wrong")))
    return render(request, "error.html", status_code=status, title=title, message=t(zh, en), field=field, code=status)


def create_ui(services: Services, dependencies: Sequence[Any] = ()) -> FastAPI:
    """The pages over ``services`` (mount it at ``/ui``); ``dependencies`` run before every page
    (the API passes its own checks of query and path parameters)."""
    ui = FastAPI(
        title="督查室工作台 — supervision office pages",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=list(dependencies),
    )
    ui.state.services = services
    ui.state.views = services.views  # shared with the API (GET /bulletin)
    ui.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for m in (login, dashboard, violations, cases, bulletin, rules):
        ui.include_router(m.router)

    @ui.middleware("http")
    async def _headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        resp = await call_next(request)
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        return resp

    @ui.exception_handler(LoginRequiredError)
    async def _login(_: Request, e: LoginRequiredError) -> Response:
        return RedirectResponse(login_url(e.next_url, e.expired), status_code=303)

    @ui.exception_handler(ApiError)
    async def _api(request: Request, e: ApiError) -> Response:
        if e.status == 401:
            return RedirectResponse(login_url(request.url.path, True), status_code=303)
        return error_page(request, e.status, e.message_zh, e.message_en, e.field)

    @ui.exception_handler(WriteConflictError)
    async def _conflict(request: Request, e: WriteConflictError) -> Response:
        return error_page(request, 409, e.message_zh, e.message_en)

    @ui.exception_handler(LedgerError)
    async def _ledger(request: Request, e: LedgerError) -> Response:
        return error_page(request, 409 if e.code == "write_conflict" else 422, e.message_zh, e.message_en)

    @ui.exception_handler(RequestValidationError)
    async def _invalid(request: Request, e: RequestValidationError) -> Response:
        errs = e.errors()
        first = errs[0] if errs else {"loc": (), "msg": "invalid"}
        field = _loc_field(first.get("loc", ()))
        msg = str(first.get("msg", "invalid"))
        return error_page(request, 422, f"参数 {field} 无效：{msg}", f"'{field}': {msg}", field or None)

    @ui.exception_handler(StarletteHTTPException)
    async def _http(request: Request, e: StarletteHTTPException) -> Response:
        if e.status_code == 404:
            return error_page(request, 404, "没有这个页面", "there is no such page")
        if e.status_code == 405:
            return error_page(request, 405, "不支持该操作", "method not allowed")
        return error_page(request, e.status_code, "请求错误", str(e.detail))

    @ui.exception_handler(Exception)
    async def _any(request: Request, e: Exception) -> Response:  # pragma: no cover - a bug, not bad input
        log.exception("unhandled error in a page")
        return error_page(request, 500, "服务器内部错误", f"internal error: {type(e).__name__}")

    return ui

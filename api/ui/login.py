"""``/ui/login`` and ``/ui/logout`` (登录 / 退出): a token in, a session cookie out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from api.errors import ApiError
from api.routing import OneHopRoute
from api.ui.render import render
from api.ui.session import authenticate, check_csrf, clear_session, safe_next, set_session

router = APIRouter(route_class=OneHopRoute)


@router.get("/login")
def login_form(
    request: Request,
    next: Annotated[str | None, Query()] = None,
    expired: Annotated[str | None, Query()] = None,
) -> Response:
    return render(request, "login.html", next=safe_next(next), expired=bool(expired), failed=False)


@router.post("/login")
def login(
    request: Request,
    token: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf)
    bearer = token.strip()
    ok = False
    if bearer:
        try:
            authenticate(request, bearer)
            ok = True
        except ApiError:  # unknown or revoked: the form again, saying so
            ok = False
    if not ok:
        return render(request, "login.html", status_code=401, next=safe_next(next), expired=False, failed=True)
    resp = RedirectResponse(safe_next(next), status_code=303)
    set_session(resp, request, bearer)
    return resp


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf)
    resp = RedirectResponse("/ui/login", status_code=303)
    clear_session(resp)
    return resp

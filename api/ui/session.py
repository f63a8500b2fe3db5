"""Logging in to the pages (登录): the same tokens as the API, kept in a session cookie.

The login form takes a token (``ledger token create --role …``); the server checks it with
the API's own token store and sets it as an HttpOnly, SameSite=Lax cookie on ``/ui`` (no
expiry: it ends with the browser; ``Secure`` when served over HTTPS). Every page then
authenticates that cookie exactly as the API authenticates a bearer header
(:func:`api.auth.principal`), so a revoked token stops working at once, and roles, units and
the access log are the API's.

Forms are protected against cross-site requests (跨站请求伪造): every form carries a token
derived from the session (an HMAC of ``ui-csrf`` keyed with the session's secret, so a page
of another site can neither read nor compute it), checked on every POST together with the
``Origin`` header when the browser sends one. The login form, which has no session yet,
uses a random double-submit cookie instead.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api.auth import Principal, identify_caller
from api.errors import ApiError, forbidden

SESSION_COOKIE = "ledger_session"
LOGIN_CSRF_COOKIE = "ledger_login_csrf"
PATH = "/ui"


class LoginRequiredError(Exception):
    """No (valid) session: the page answers with the login form (a redirect to it)."""

    def __init__(self, next_url: str, expired: bool = False) -> None:
        super().__init__(next_url)
        self.next_url = next_url
        self.expired = expired


def login_url(next_url: str | None = None, expired: bool = False) -> str:
    url = f"{PATH}/login"
    q = []
    if next_url:
        q.append(f"next={quote(next_url, safe='')}")
    if expired:
        q.append("expired=1")
    return url + ("?" + "&".join(q) if q else "")


def safe_next(next_url: str | None) -> str:
    """Where to go after logging in: a page of ours, never another site (开放重定向)."""
    if not next_url:
        return f"{PATH}/"
    parts = urlsplit(next_url)
    if parts.scheme or parts.netloc or not parts.path.startswith(f"{PATH}/") or "\\" in next_url:
        return f"{PATH}/"
    return next_url


def authenticate(request: Request, bearer: str) -> Principal:
    """The caller a token string stands for, checked by the API's own dependency (401 if bad)."""
    return identify_caller(request, HTTPAuthorizationCredentials(scheme="Bearer", credentials=bearer))


async def viewer(request: Request) -> Principal:
    """The logged-in caller of a page (a FastAPI dependency); without a session: the login form."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    bearer = request.cookies.get(SESSION_COOKIE)
    if not bearer:
        raise LoginRequiredError(here)
    try:
        if request.app.state.services.ledger.is_postgres:  # a round trip: not on the event loop
            p = await run_in_threadpool(authenticate, request, bearer)
        else:
            p = authenticate(request, bearer)
    except ApiError as e:
        if e.status == 401:
            raise LoginRequiredError(here, expired=True) from e
        raise
    request.state.principal = p
    return p


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session(response: Response, request: Request, bearer: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, bearer, path=PATH, httponly=True, samesite="lax", secure=_secure(request), max_age=None
    )


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path=PATH)


# ---- cross-site request forgery ---------------------------------------------------------------
def csrf_token(request: Request) -> str:
    """The token every form of this session carries (empty without a session)."""
    bearer = request.cookies.get(SESSION_COOKIE)
    if bearer:
        return hmac.new(bearer.encode(), b"ui-csrf", hashlib.sha256).hexdigest()
    return login_csrf(request)


def login_csrf(request: Request) -> str:
    """The login form's double-submit token: the cookie's value, or a fresh one to set."""
    have = request.cookies.get(LOGIN_CSRF_COOKIE)
    if have:
        return have
    fresh = getattr(request.state, "login_csrf", None) or secrets.token_urlsafe(24)
    request.state.login_csrf = fresh
    return str(fresh)


def set_login_csrf(response: Response, request: Request) -> None:
    fresh = getattr(request.state, "login_csrf", None)
    if fresh:
        response.set_cookie(
            LOGIN_CSRF_COOKIE, fresh, path=PATH, httponly=True, samesite="strict", secure=_secure(request)
        )


def _refused() -> ApiError:
    return forbidden(
        "表单已失效或来自其他网站，请返回页面重新提交",
        "the form has expired or came from another site: reload and submit again",
    )


def check_origin(request: Request) -> None:
    """A POST from a page of another site is refused (when the browser names its origin)."""
    origin = request.headers.get("origin")
    # the host, not the scheme: behind a TLS-terminating proxy the app sees http
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        raise _refused()


def check_csrf(request: Request, submitted: str | None) -> None:
    """The form's token must be this session's (and the request from this site)."""
    check_origin(request)
    expected = csrf_token(request) if request.cookies.get(SESSION_COOKIE) else request.cookies.get(LOGIN_CSRF_COOKIE)
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise _refused()

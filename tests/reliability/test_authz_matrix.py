"""The authorization matrix (权限矩阵): every route of the app × every kind of caller, on SQLite
and PostgreSQL — the status each one gets, never a 500, every refusal in the error shape
(the API's JSON; a page for the pages under ``/ui``).

The routes are read from the app itself, mounted apps included (the pages, their static
files), so a route added without a row here fails ``test_every_route_of_the_app_is_in_the_matrix``.
Callers: a clerk of the case's unit (发改局), a clerk of another unit (司法局), the supervision
office, an auditor, an admin, and three that get in nowhere — no token, a revoked one, an
expired one. A page's caller is logged in by its session cookie (the same token); one that
is not is sent to the login form (303).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from api.ui.session import LOGIN_CSRF_COOKIE, SESSION_COOKIE
from tests.api.conftest import Env
from tests.conftest import act
from tests.reliability.api_env import CALLERS, UNAUTHENTICATED, fresh_violation, headers, seeded_api

Call = Callable[[Env, str], Any]
ROLES = ("clerk_unit", "clerk_other", "supervisor", "auditor", "admin")


@dataclass(frozen=True)
class Cell:
    """One route's row: how to call it as ``who``, and what each caller gets."""

    call: Call
    status: dict[str, int] = field(default_factory=dict)  # by caller; 200 unless named
    public: bool = False  # no token needed (docs, schema, the login form, static files)
    check: Callable[[Env, str, Any], None] | None = None  # on a 2xx answer: what the caller saw
    page: bool = False  # a page (/ui): without a session, the login form (303)

    def expected(self) -> dict[str, int]:
        out = {who: self.status.get(who, 200) for who in ROLES}
        for who in UNAUTHENTICATED:
            out[who] = self.status.get(who, 200 if self.public else 303 if self.page else 401)
        return out


def get(path: str, **params: Any) -> Call:
    return lambda env, who: env.client.get(path, params=params, headers=headers(env, who))


# ---- the pages (/ui): the same token, as a session cookie -----------------------------------
def _session(env: Env, who: str) -> dict[str, str]:
    return {} if who == "no_token" else {"Cookie": f"{SESSION_COOKIE}={env.secrets[who]}"}


def _csrf(env: Env, who: str) -> str:
    if who == "no_token":
        return ""
    return hmac.new(env.secrets[who].encode(), b"ui-csrf", hashlib.sha256).hexdigest()


LOGIN_FORM = {"Cookie": f"{LOGIN_CSRF_COOKIE}={'c' * 24}"}  # the login form's double-submit cookie


def page(path: str, **params: Any) -> Call:
    return lambda env, who: env.client.get(path, params=params, headers=_session(env, who), follow_redirects=False)


def _page_login(env: Env, who: str) -> Any:
    token = "" if who == "no_token" else env.secrets[who]
    data = {"token": token, "csrf": "c" * 24, "next": "/ui/"}
    return env.client.post("/ui/login", data=data, headers=LOGIN_FORM, follow_redirects=False)


def _page_logout(env: Env, who: str) -> Any:
    if who == "no_token":
        return env.client.post("/ui/logout", data={"csrf": "c" * 24}, headers=LOGIN_FORM, follow_redirects=False)
    data = {"csrf": _csrf(env, who)}
    return env.client.post("/ui/logout", data=data, headers=_session(env, who), follow_redirects=False)


def _page_follow(env: Env, who: str) -> Any:
    v = fresh_violation(env, f"ui-ack-{who}")
    data = {"csrf": _csrf(env, who)}
    return env.client.post(
        f"/ui/violations/{v}/acknowledge", data=data, headers=_session(env, who), follow_redirects=False
    )


DRAFT = """pack: draft-x
name: {zh: 草案, en: draft}
effective_from: "2000-01-01"
extends: changle-2022
rules:
  - id: DRAFT-LEAVE-AGREED
    template: precedence
    kinds: [leave]
    citation: 草案第一条
    severity: low
    message: {zh: 未经同意离岗, en: departed without agreement}
    when: {act: departed}
    requires: {act: agreed}
"""


def _pack_diff(env: Env, who: str) -> Any:
    return env.client.post("/packs/diff", json={"source": DRAFT, "jurisdiction": "lecheng"}, headers=headers(env, who))


def _new_act(env: Env, who: str) -> Any:
    a = act(f"m-{who}", f"INC-M-{who}", "incident", "occurred", "2024-05-01T10:00:00+08:00", grade="general")
    return env.client.post("/acts", json=a, headers=headers(env, who))


def _upload(env: Env, who: str) -> Any:
    a = act(f"u-{who}", f"INC-U-{who}", "incident", "occurred", "2024-05-01T10:00:00+08:00", grade="general")
    files = {"file": ("log.jsonl", json.dumps(a).encode(), "application/x-ndjson")}
    return env.client.post("/imports", files=files, headers=headers(env, who))


def _follow(action: str, after: tuple[str, ...] = (), body: dict[str, Any] | None = None) -> Call:
    """Follow-up ``action`` on a fresh violation first taken through ``after`` by the admin."""

    def call(env: Env, who: str) -> Any:
        v = fresh_violation(env, f"{action}-{who}")
        for step in after:
            assert env.post(f"/violations/{v}/{step}", "admin").status_code == 201
        return env.client.post(f"/violations/{v}/{action}", json=body, headers=headers(env, who))

    return call


def _vid(env: Env) -> str:
    return str(env.get("/violations", params={"rule": "LEV-PRIOR-APPROVAL", "case": "LEV-1"}).json()["items"][0]["id"])


def _sees_no_other_units_cases(env: Env, who: str, r: Any) -> None:
    items = r.json()["items"]
    cases = {x["case"] for x in items}
    if who == "clerk_other":
        assert cases and not cases & {"LEV-1", "INC-1"}, cases
    elif who == "clerk_unit":
        assert cases and "LEV-2" not in cases, cases
    else:
        assert {"LEV-1", "LEV-2"} <= cases, cases


def _import_refused_for_other_unit(env: Env, who: str, r: Any) -> None:
    body = r.json()
    if who == "clerk_other":
        assert body["imported"] == 0 and body["rejected_lines"][0]["code"] == "forbidden_unit"
    else:
        assert body["imported"] == 1 and body["rejected"] == 0


CLERKS_REFUSED = {"clerk_unit": 403, "clerk_other": 403}
OTHER_CLERK_REFUSED = {"clerk_other": 403}
FOLLOWERS = {"clerk_unit": 403, "clerk_other": 403, "auditor": 403, "supervisor": 201, "admin": 201}

MATRIX: dict[tuple[str, str], Cell] = {
    ("GET", "/openapi.json"): Cell(get("/openapi.json"), public=True),
    ("GET", "/docs"): Cell(get("/docs"), public=True),
    ("GET", "/docs/oauth2-redirect"): Cell(get("/docs/oauth2-redirect"), public=True),
    ("GET", "/redoc"): Cell(get("/redoc"), public=True),
    ("POST", "/acts"): Cell(
        _new_act, {"clerk_unit": 201, "admin": 201, "clerk_other": 403, "supervisor": 403, "auditor": 403}
    ),
    ("POST", "/imports"): Cell(_upload, {"supervisor": 403, "auditor": 403}, check=_import_refused_for_other_unit),
    ("GET", "/acts"): Cell(get("/acts"), check=_sees_no_other_units_cases),
    ("GET", "/cases"): Cell(get("/cases"), check=_sees_no_other_units_cases),
    ("GET", "/cases/{case_id:path}"): Cell(get("/cases/LEV-1"), OTHER_CLERK_REFUSED),
    ("GET", "/cases/{case_id:path}/timeline"): Cell(get("/cases/LEV-1/timeline"), OTHER_CLERK_REFUSED),
    ("GET", "/violations"): Cell(get("/violations"), check=_sees_no_other_units_cases),
    ("GET", "/unjudged"): Cell(get("/unjudged")),
    ("GET", "/violations/{violation_id}"): Cell(
        lambda env, who: env.client.get(f"/violations/{_vid(env)}", headers=headers(env, who)), OTHER_CLERK_REFUSED
    ),
    ("POST", "/violations/{violation_id}/acknowledge"): Cell(_follow("acknowledge"), FOLLOWERS),
    ("POST", "/violations/{violation_id}/justify"): Cell(
        _follow("justify", ("acknowledge",), {"basis": "《突发事件应对法》"}), FOLLOWERS
    ),
    ("POST", "/violations/{violation_id}/remediate"): Cell(_follow("remediate", ("acknowledge",)), FOLLOWERS),
    ("POST", "/violations/{violation_id}/reopen"): Cell(_follow("reopen", ("acknowledge",)), FOLLOWERS),
    ("GET", "/bulletin"): Cell(get("/bulletin", month="2024-04")),
    ("GET", "/checkpoint"): Cell(get("/checkpoint"), CLERKS_REFUSED),
    ("POST", "/verify"): Cell(lambda env, who: env.client.post("/verify", headers=headers(env, who)), CLERKS_REFUSED),
    ("GET", "/rules"): Cell(get("/rules")),
    ("POST", "/packs/diff"): Cell(_pack_diff, CLERKS_REFUSED),
    # the pages (督查室工作台)
    ("GET", "/ui/static/{path}"): Cell(get("/ui/static/ui.css"), public=True),
    ("GET", "/ui/login"): Cell(page("/ui/login"), public=True),
    ("POST", "/ui/login"): Cell(_page_login, dict.fromkeys(ROLES, 303) | dict.fromkeys(UNAUTHENTICATED, 401)),
    ("POST", "/ui/logout"): Cell(_page_logout, dict.fromkeys(CALLERS, 303)),
    ("GET", "/ui/"): Cell(page("/ui/"), page=True),
    ("GET", "/ui/violations"): Cell(page("/ui/violations"), page=True),
    ("GET", "/ui/violations.{fmt}"): Cell(page("/ui/violations.csv"), page=True),
    ("GET", "/ui/violations/{violation_id}"): Cell(
        lambda env, who: page(f"/ui/violations/{_vid(env)}")(env, who), OTHER_CLERK_REFUSED, page=True
    ),
    ("POST", "/ui/violations/{violation_id}/{action}"): Cell(
        _page_follow, {**FOLLOWERS, "supervisor": 303, "admin": 303}, page=True
    ),
    ("GET", "/ui/cases/{case_id:path}"): Cell(page("/ui/cases/LEV-1"), OTHER_CLERK_REFUSED, page=True),
    ("GET", "/ui/bulletin"): Cell(page("/ui/bulletin", month="2024-04"), page=True),
    ("GET", "/ui/bulletin.{fmt}"): Cell(page("/ui/bulletin.xlsx", month="2024-04"), page=True),
    ("GET", "/ui/rules"): Cell(page("/ui/rules"), page=True),
}

WHY = {"no_token": "missing", "revoked": "revoked", "expired": "expired"}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    with seeded_api(request.param, tmp_path_factory.mktemp("authz")) as env:
        yield env


def routes_of(routes: Sequence[Any], prefix: str = "") -> set[tuple[str, str]]:
    """(method, path) of every route, those of mounted apps included (a mount without routes,
    such as static files, as ``GET <mount>/{path}``)."""
    out: set[tuple[str, str]] = set()
    for c in iter_route_contexts(routes):
        route = c.original_route
        if isinstance(route, Mount):
            inner = getattr(route.app, "routes", None)
            if inner is None:
                out.add(("GET", f"{prefix}{route.path}/{{path}}"))
            else:
                out |= routes_of(inner, prefix + route.path)
            continue
        out |= {(m, prefix + c.path) for m in (c.methods or ()) if m != "HEAD"}
    return out


def app_routes(env: Env) -> set[tuple[str, str]]:
    return routes_of(env.app.routes)


def test_every_route_of_the_app_is_in_the_matrix(api: Env) -> None:
    routes = app_routes(api)
    assert routes - set(MATRIX) == set(), "a route without a row in the authorization matrix"
    assert set(MATRIX) - routes == set(), "a row for a route the app no longer has"


@pytest.mark.parametrize("route", list(MATRIX), ids=[f"{m} {p}" for m, p in MATRIX])
def test_each_caller_gets_what_the_matrix_says(api: Env, route: tuple[str, str]) -> None:
    cell = MATRIX[route]
    got: dict[str, int] = {}
    for who in CALLERS:
        r = cell.call(api, who)
        got[who] = r.status_code
        assert r.status_code < 500, (who, r.text)
        if route[1].startswith("/ui"):
            if r.status_code >= 400:  # a page that says why
                assert r.headers["content-type"].startswith("text/html") and r.text, (who, r.status_code)
            if r.status_code == 303 and route[0] == "GET":
                assert r.headers["location"].startswith("/ui/login"), (who, r.headers["location"])
        elif r.status_code >= 400:
            err = r.json()["error"]
            assert err["code"] and err["message_zh"] and err["message_en"], err
            if r.status_code == 401:
                assert WHY[who] in err["message_en"], (who, err)
                assert r.headers["www-authenticate"] == "Bearer"
        elif cell.check is not None:
            cell.check(api, who, r)
    assert got == cell.expected()

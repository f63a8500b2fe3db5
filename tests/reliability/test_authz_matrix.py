"""The authorization matrix (权限矩阵): every route of the app × every kind of caller, on SQLite
and PostgreSQL — the status each one gets, never a 500, every refusal in the error shape.

The routes are read from the app itself, so a route added without a row here fails
``test_every_route_of_the_app_is_in_the_matrix``. Callers: a clerk of the case's unit
(发改局), a clerk of another unit (司法局), the supervision office, an auditor, an admin, and
three that get in nowhere — no token, a revoked one, an expired one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts

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
    public: bool = False  # no token needed (docs, schema)
    check: Callable[[Env, str, Any], None] | None = None  # on a 2xx answer: what the caller saw

    def expected(self) -> dict[str, int]:
        out = {who: self.status.get(who, 200) for who in ROLES}
        for who in UNAUTHENTICATED:
            out[who] = 200 if self.public else 401
        return out


def get(path: str, **params: Any) -> Call:
    return lambda env, who: env.client.get(path, params=params, headers=headers(env, who))


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
}

WHY = {"no_token": "missing", "revoked": "revoked", "expired": "expired"}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    with seeded_api(request.param, tmp_path_factory.mktemp("authz")) as env:
        yield env


def app_routes(env: Env) -> set[tuple[str, str]]:
    return {(m, c.path) for c in iter_route_contexts(env.app.routes) for m in (c.methods or ()) if m != "HEAD"}


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
        if r.status_code >= 400:
            err = r.json()["error"]
            assert err["code"] and err["message_zh"] and err["message_en"], err
            if r.status_code == 401:
                assert WHY[who] in err["message_en"], (who, err)
                assert r.headers["www-authenticate"] == "Bearer"
        elif cell.check is not None:
            cell.check(api, who, r)
    assert got == cell.expected()

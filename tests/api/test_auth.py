"""Tokens, roles and units: 401/403 for every route, the clerk's unit walls, the access log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ledger.importer import Importer
from ledger.tokens import TokenStore
from tests.api.conftest import INCIDENT, LEAVE_FGJ, LEAVE_SFJ, TOKENS, Env
from tests.conftest import COUNTY, act

ROUTES = [
    ("POST", "/acts"),
    ("POST", "/imports"),
    ("GET", "/acts"),
    ("GET", "/cases"),
    ("GET", "/cases/LEV-1"),
    ("GET", "/cases/LEV-1/timeline"),
    ("GET", "/violations"),
    ("GET", "/violations/v-x"),
    ("POST", "/violations/v-x/acknowledge"),
    ("POST", "/violations/v-x/justify"),
    ("POST", "/violations/v-x/remediate"),
    ("POST", "/violations/v-x/reopen"),
    ("GET", "/bulletin"),
    ("GET", "/checkpoint"),
    ("POST", "/verify"),
    ("GET", "/rules"),
]


def seed(env: Env) -> dict[str, str]:
    """Leaves of 发改局 and 司法局, an incident of 发改局; their PRIOR-APPROVAL violation ids."""
    assert env.post("/acts", json={"acts": [*LEAVE_FGJ, *LEAVE_SFJ, *INCIDENT]}).status_code == 201
    vs = env.get("/violations", params={"rule": "LEV-PRIOR-APPROVAL"}).json()["items"]
    return {v["unit"]: v["id"] for v in vs}


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_needs_a_valid_token(env: Env, method: str, path: str) -> None:
    tok = TokenStore(env.services.ledger)
    _t, revoked = tok.create("admin")
    tok.revoke(_t.id)
    _t2, good = tok.create("admin")
    wrong_secret = good.split(".")[0] + ".not-the-secret"
    for headers in (
        {},
        {"Authorization": "Basic YWRtaW46YWRtaW4="},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer garbage"},
        {"Authorization": f"Bearer {wrong_secret}"},
        {"Authorization": f"Bearer {revoked}"},
    ):
        r = env.client.request(method, path, headers=headers)
        assert r.status_code == 401, (headers, r.text)
        assert r.json()["error"]["code"] == "unauthorized"
        assert r.headers["www-authenticate"] == "Bearer"


def test_unknown_routes_and_methods_answer_in_the_error_shape(env: Env) -> None:
    r = env.get("/nowhere")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = env.client.delete("/acts", headers=env.h("admin"))
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"


def _new_act(who: str) -> dict[str, Any]:
    return act(f"n-{who}", f"INC-{who}", "incident", "occurred", "2024-05-01T10:00:00+08:00", grade="general")


Call = Callable[[Env, dict[str, str], str], Any]
MATRIX: list[tuple[str, Call, dict[str, int]]] = [
    # name, call(env, violation ids, who), expected status per token (default 200)
    ("POST /acts", lambda e, v, w: e.post("/acts", w, json=_new_act(w)),
     {"clerk_fgj": 201, "admin": 201, "clerk_sfj": 403, "supervisor": 403, "auditor": 403}),
    ("POST /imports", lambda e, v, w: e.post("/imports", w, files={"file": ("x.jsonl", b"", "application/x-ndjson")}),
     {"supervisor": 403, "auditor": 403}),
    ("GET /acts", lambda e, v, w: e.get("/acts", w), {}),
    ("GET /cases", lambda e, v, w: e.get("/cases", w), {}),
    ("GET /cases/LEV-1", lambda e, v, w: e.get("/cases/LEV-1", w), {"clerk_sfj": 403}),
    ("GET /cases/LEV-1?as_of", lambda e, v, w: e.get("/cases/LEV-1", w, params={"as_of": "2024-04-01"}), {"clerk_sfj": 403}),
    ("GET /cases/LEV-1/timeline", lambda e, v, w: e.get("/cases/LEV-1/timeline", w), {"clerk_sfj": 403}),
    ("GET /violations", lambda e, v, w: e.get("/violations", w), {}),
    ("GET /violations/{fgj}", lambda e, v, w: e.get(f"/violations/{v['u-fgj']}", w), {"clerk_sfj": 403}),
    ("POST acknowledge", lambda e, v, w: e.post(f"/violations/{v['u-fgj']}/acknowledge", w),
     {"supervisor": 201, "admin": 201, "clerk_fgj": 403, "clerk_sfj": 403, "auditor": 403}),
    ("POST justify", lambda e, v, w: e.post(f"/violations/{v['u-sfj']}/justify", w, json={"basis": "x"}),
     {"supervisor": 409, "admin": 409, "clerk_fgj": 403, "clerk_sfj": 403, "auditor": 403}),
    ("GET /bulletin", lambda e, v, w: e.get("/bulletin", w, params={"month": "2024-04"}), {}),
    ("GET /checkpoint", lambda e, v, w: e.get("/checkpoint", w), {"clerk_fgj": 403, "clerk_sfj": 403}),
    ("POST /verify", lambda e, v, w: e.post("/verify", w), {"clerk_fgj": 403, "clerk_sfj": 403}),
    ("GET /rules", lambda e, v, w: e.get("/rules", w), {}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "call", "expect"), MATRIX, ids=[m[0] for m in MATRIX])
def test_each_role_is_allowed_or_refused(env: Env, name: str, call: Call, expect: dict[str, int]) -> None:
    vids = seed(env)
    got = {}
    for who in TOKENS:
        if name == "POST acknowledge":  # each acknowledgement starts from an open violation
            vids = {**vids, "u-fgj": _fresh_violation(env, who)}
        got[who] = call(env, vids, who).status_code
    assert got == {w: expect.get(w, 200) for w in TOKENS}, got


def _fresh_violation(env: Env, who: str) -> str:
    """A new open violation of 发改局 (a leave that departed unapproved)."""
    acts = [
        {**LEAVE_FGJ[0], "id": f"fr-{who}-1", "case": f"LEV-{who}"},
        {**LEAVE_FGJ[1], "id": f"fr-{who}-2", "case": f"LEV-{who}"},
    ]
    Importer(env.services.ledger, jurisdiction="lecheng").import_raws(acts)
    vs = env.get("/violations", params={"rule": "LEV-PRIOR-APPROVAL", "case": f"LEV-{who}"}).json()["items"]
    return vs[0]["id"]


def test_a_clerk_of_one_unit_can_neither_read_nor_write_another(env: Env) -> None:
    vids = seed(env)
    c = "clerk_fgj"
    # reads are limited to its unit
    assert {a["unit"] for a in env.get("/acts", c).json()["items"]} == {"u-fgj"}
    assert env.get("/acts", c, params={"case": "LEV-2"}).json()["items"] == []
    assert [x["case"] for x in env.get("/cases", c).json()["items"]] == ["INC-1", "LEV-1"]
    assert env.get("/cases", c, params={"unit": "u-sfj"}).status_code == 403
    assert {v["unit"] for v in env.get("/violations", c).json()["items"]} == {"u-fgj"}
    assert env.get("/violations", c, params={"unit": "u-sfj"}).status_code == 403
    assert env.get(f"/violations/{vids['u-sfj']}", c).status_code == 403
    assert env.get("/cases/LEV-2", c).status_code == 403
    assert env.get("/cases/LEV-2/timeline", c).status_code == 403
    assert env.get("/cases/LEV-1", c).status_code == 200
    # writes are limited to its unit: one act for another unit refuses the whole batch
    n = env.services.ledger.count()
    r = env.post("/acts", c, json={"acts": [_new_act("x"), {**_new_act("y"), "unit": "u-sfj", "by": "p-zhou"}]})
    assert r.status_code == 403
    assert (r.json()["error"]["field"], r.json()["error"]["index"]) == ("acts[1].unit", 1)
    assert env.services.ledger.count() == n
    org = act("o-9", "ORG-lecheng", "org", "unit_created", "2024-05-01T00:00:00+08:00", by="system", unit="u-fgj")
    org["data"] = {"id": "u-new", "name": "新单位", "type": "department", "parent": "u-gov"}
    r = env.post("/acts", c, json=org)
    assert r.status_code == 403 and r.json()["error"]["field"] == "kind"
    assert env.post("/acts", "admin", json=org).status_code == 201
    # paging through a clerk's acts skips the other unit's without losing any
    seen, cursor = [], None
    while True:
        page = env.get("/acts", c, params={"limit": 2} | ({"cursor": cursor} if cursor else {})).json()
        seen += [a["id"] for a in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == [a["id"] for a in env.get("/acts", c, params={"limit": 1000}).json()["items"]]
    assert "s-1" not in seen and "a-1" in seen


def test_a_token_bound_to_a_jurisdiction_stays_in_it(env: Env) -> None:
    Importer(env.services.ledger).import_chart(dict(COUNTY, jurisdiction="dongqu", pack="dongqu-2012"))
    env.post("/acts", json=INCIDENT[0] | {"jurisdiction": "dongqu"})
    env.post("/acts", json=INCIDENT[0] | {"jurisdiction": "lecheng"})
    env.token("local", "auditor", jurisdiction="lecheng")
    env.token("local_clerk", "clerk", units=["u-fgj"], jurisdiction="lecheng")
    assert env.get("/acts", "local", params={"jurisdiction": "dongqu"}).status_code == 403
    assert {a["jurisdiction"] for a in env.get("/acts", "local").json()["items"]} == {"lecheng"}
    assert env.get("/cases/INC-1", "local").json()["jurisdiction"] == "lecheng"  # not ambiguous for it
    assert env.get("/cases/INC-1", "local", params={"jurisdiction": "dongqu"}).status_code == 403
    r = env.post("/acts", "local_clerk", json=INCIDENT[1] | {"jurisdiction": "dongqu"})
    assert r.status_code == 403
    assert env.post("/acts", "local_clerk", json=INCIDENT[1]).status_code == 201


def test_reads_by_auditors_and_supervisors_are_recorded_in_the_ledger(env_any: Env) -> None:
    env = env_any
    vids = seed(env)
    assert env.access_acts() == []  # the admin's reads during seeding are not logged
    env.get("/cases/LEV-1", "auditor", params={"as_of": "2024-04-01T12:00:00+08:00"})
    env.get("/cases/LEV-1/timeline", "auditor")
    env.get("/violations", "auditor", params={"unit": "u-fgj"})
    env.get(f"/violations/{vids['u-sfj']}", "auditor")
    env.clock.advance(days=1)
    env.get("/cases", "supervisor", params={"kind": "leave"})
    env.get(f"/violations/{vids['u-fgj']}", "supervisor")
    # clerks' and admins' reads, and refused or failed reads, are not logged
    env.get("/cases/LEV-1", "clerk_fgj")
    env.get("/cases/LEV-1", "admin")
    env.get("/cases/NOPE", "auditor")
    logged = env.access_acts()
    got = [(a["act"], a["by"], a["data"]["role"], a["data"]["resource"]) for a in logged]
    assert got == [
        ("viewed", "system", "auditor", "/cases/LEV-1"),
        ("viewed", "system", "auditor", "/cases/LEV-1/timeline"),
        ("viewed", "system", "auditor", "/violations"),
        ("viewed", "system", "auditor", f"/violations/{vids['u-sfj']}"),
        ("viewed", "p-chen", "supervisor", "/cases"),
        ("viewed", "p-chen", "supervisor", f"/violations/{vids['u-fgj']}"),
    ]
    assert '"as_of": "2024-04-01T12:00:00+08:00"' in logged[0]["data"]["query"]
    assert '"unit": "u-fgj"' in logged[2]["data"]["query"]
    # who looked, when: one access case per reader and day, at the time of the read
    assert logged[0]["at"] == "2024-01-10T09:00:00+00:00" and logged[4]["at"] == "2024-01-11T09:00:00+00:00"
    assert {a["case"] for a in logged[:4]} == {f"ACCESS-token-{logged[0]['data']['token']}-2024-01-10"}
    assert logged[4]["case"] == "ACCESS-p-chen-2024-01-11" and logged[4]["unit"] == "u-office"
    # the access log is in the hash chain, and readable through the API like any act
    assert env.post("/verify", "auditor").json()["ok"]
    assert len(env.get("/acts", "admin", params={"kind": "access"}).json()["items"]) == 6


def test_docs_and_the_openapi_schema_need_no_token(env: Env) -> None:
    r = env.client.get("/docs")
    assert r.status_code == 200 and "swagger" in r.text.lower()
    spec = env.client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    assert {"ActIn", "ActBatchIn", "ErrorResponse"} <= set(spec["components"]["schemas"])
    # every operation documents its refusals in the error shape
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for code in ("401", "403", "422"):
                assert op["responses"][code]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorResponse"
                }, (method, path, code)

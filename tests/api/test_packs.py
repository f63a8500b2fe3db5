"""A jurisdiction's own pack over HTTP: GET /rules?pack=, and GET /violations that says when a
jurisdiction is not judged (规则包现状, 接口)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from api.app import create_app
from api.routes.violations import UNJUDGED_HEADER
from domain.rules.packs import PACKS
from ledger.mapping import import_mapped
from tests.api.conftest import Env
from tests.claims import JURISDICTION, broken_pack_act, write_claims
from tests.conftest import FakeClock


@pytest.fixture
def claims(tmp_path: Path, clock: FakeClock) -> Iterator[Env]:
    """An API over the claims log with its own pack (and the county of the other API tests: none)."""
    saved = dict(PACKS)
    app = create_app(f"sqlite:///{tmp_path / 'api.db'}", clock=clock)
    m, log, _ = write_claims(tmp_path)
    assert not import_mapped(app.state.services.ledger, log, m).rejected
    env = Env("", clock, app, TestClient(app))
    env.token("admin", "admin")
    env.token("auditor", "auditor")
    yield env
    env.services.close()
    PACKS.clear()
    PACKS.update(saved)


def test_get_rules_lists_a_jurisdictions_own_pack_like_a_builtin_one(claims: Env) -> None:
    r = claims.get("/rules", "auditor", params={"pack": "claims-rules"})
    assert r.status_code == 200, r.text
    rules = {x["id"]: x for x in r.json()}
    assert set(rules) == {"CLM-PAY-AFTER-APPROVAL", "CLM-PAY-WITHIN-2D", "CLM-BIG-NEEDS-REVIEW"}
    big = rules["CLM-BIG-NEEDS-REVIEW"]
    assert big["article"] == "claims-rules:§3" and big["family"] == "CLM"
    assert big["params"]["when"] == {"act": "approve", "where": "amount > 1000"}
    builtin = claims.get("/rules", params={"pack": "dongqu-2012"}).json()
    assert builtin and all(x["article"].startswith("dongqu-2012:") for x in builtin)


def test_get_rules_of_an_unknown_pack_names_the_known_ones(claims: Env) -> None:
    r = claims.get("/rules", params={"pack": "nowhere"})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "unknown_pack" and err["field"] == "pack" and "claims-rules" in err["message_en"]


def test_get_violations_of_a_judged_jurisdiction_has_no_unjudged_note(claims: Env) -> None:
    r = claims.get("/violations", "auditor")
    assert r.status_code == 200 and r.json()["items"] and r.json()["unjudged"] == []
    assert UNJUDGED_HEADER not in r.headers


def test_get_violations_says_which_jurisdiction_is_not_judged_and_why(claims: Env) -> None:
    claims.services.ledger.append([broken_pack_act()])  # as a ledger from before packs were checked
    r = claims.get("/violations", "auditor")
    assert r.status_code == 200
    body = r.json()
    assert body["items"] == []
    (st,) = body["unjudged"]
    assert st["jurisdiction"] == JURISDICTION and st["state"] == "failed" and st["pack"] == "claims-rules"
    assert st["error"]["field"] == "within" and "does not compile" in st["message_en"]
    assert r.headers[UNJUDGED_HEADER] == f"{JURISDICTION}=failed"

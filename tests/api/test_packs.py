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
from api.models import ViolationsPage
from api.routes.violations import UNJUDGED_HEADER
from ledger.mapping import import_mapped
from tests.api.conftest import Env
from tests.claims import BROKEN_PACK, JURISDICTION, PACK, broken_pack_act, write_claims
from tests.conftest import FakeClock


@pytest.fixture
def claims(tmp_path: Path, clock: FakeClock, restored_packs: None) -> Iterator[Env]:
    """An API over the claims log with its own pack (and the county of the other API tests: none)."""
    app = create_app(f"sqlite:///{tmp_path / 'api.db'}", clock=clock)
    m, log, _ = write_claims(tmp_path)
    assert not import_mapped(app.state.services.ledger, log, m).rejected
    env = Env("", clock, app, TestClient(app))
    env.token("admin", "admin")
    env.token("auditor", "auditor")
    yield env
    env.services.close()


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
    assert ViolationsPage.model_validate(body).model_dump(mode="json") == body  # as documented


# ---- POST /packs/diff ------------------------------------------------------------------------------
DRAFT = PACK.replace("within: {days: 2}", "within: {days: 10}").replace("amount > 1000", "amount > 100")


def test_post_packs_diff_answers_per_rule_and_stores_nothing(claims: Env) -> None:
    led = claims.services.ledger
    before = (led.count(), led.max_notification_id())
    r = claims.post("/packs/diff", "auditor", json={"source": DRAFT, "now": "2024-12-31"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["jurisdiction"], body["draft"], body["in_force"]) == (JURISDICTION, "claims-rules", "claims-rules")
    rules = {x["rule"]: x for x in body["rules"]}
    assert [v["case"] for v in rules["CLM-BIG-NEEDS-REVIEW"]["added_violations"]] == ["C4"]
    assert [(v["case"], v["state"]) for v in rules["CLM-PAY-WITHIN-2D"]["removed_violations"]] == [("C3", "late")]
    assert (led.count(), led.max_notification_id()) == before
    limited = claims.post("/packs/diff", json={"source": DRAFT, "now": "2024-12-31"}, params={"limit": 0}).json()
    assert limited["added"] == 1 and all(x["added_violations"] == [] for x in limited["rules"])


def test_post_packs_diff_names_the_drafts_line_and_refuses_clerks(claims: Env) -> None:
    r = claims.post("/packs/diff", json={"source": BROKEN_PACK})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["field"] == "source" and "line 17" in err["message_en"] and "within" in err["message_en"]
    claims.token("clerk", "clerk", units=["u-gov"], person="p-ann")
    assert claims.post("/packs/diff", "clerk", json={"source": DRAFT}).status_code == 403
    r = claims.post("/packs/diff", json={"source": DRAFT, "jurisdiction": "nope"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_jurisdiction"


def test_post_packs_diff_refuses_a_character_yaml_cannot_hold_naming_its_line(claims: Env) -> None:
    r = claims.post("/packs/diff", json={"source": "pack: x\nrules: \x1f"})
    assert r.status_code == 422
    assert r.json()["error"]["message_en"].startswith("line 2: a character YAML does not allow (#x001f)")

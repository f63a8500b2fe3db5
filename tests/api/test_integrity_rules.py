"""GET /checkpoint, POST /verify, GET /rules."""

from __future__ import annotations

from typing import Any

import pytest

from domain.rules.packs import PACKS
from domain.rules.registry import RULES
from tests.api.conftest import INCIDENT, Env


def test_checkpoint_and_verify(env_any: Env) -> None:
    env = env_any
    env.post("/acts", json={"acts": INCIDENT[:2]})
    cp = env.get("/checkpoint", "auditor").json()
    assert cp["jurisdictions"]["lecheng"]["count"] == env.services.ledger.count("lecheng")
    assert len(cp["digest"]) == 64 and cp["taken_at"] == "2024-01-10T09:00:00+00:00"
    rep = env.post("/verify", "auditor").json()
    assert rep["ok"] and rep["checked"] == env.services.ledger.count() and rep["problems"] == []
    # compared with the checkpoint kept elsewhere: still intact after more acts
    env.post("/acts", json=INCIDENT[2])
    assert env.post("/verify", "auditor", json={"checkpoint": cp}).json()["ok"]
    # a checkpoint from a longer chain than the ledger has now: records were cut off
    longer = {"jurisdictions": {"lecheng": {"count": 999, "head": "0" * 64}}}
    rep = env.post("/verify", "auditor", json={"checkpoint": longer}).json()
    assert not rep["ok"] and rep["problems"][0]["jurisdiction"] == "lecheng"
    gone = {"jurisdictions": {"atlantis": {"count": 1, "head": "0" * 64}}}
    assert not env.post("/verify", "auditor", json={"checkpoint": gone}).json()["ok"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"checkpoint": {"jurisdictions": {"lecheng": {"count": "many", "head": "x"}}}},
            "checkpoint.jurisdictions.lecheng.count",
        ),
        (
            {"checkpoint": {"jurisdictions": {"lecheng": {"count": -1, "head": "x"}}}},
            "checkpoint.jurisdictions.lecheng.count",
        ),
        ({"checkpoint": {"jurisdictions": []}}, "checkpoint.jurisdictions"),
        ({"checkpoint": "yesterday's"}, "checkpoint"),
    ],
)
def test_a_malformed_checkpoint_is_a_422(env: Env, body: Any, field: str) -> None:
    r = env.post("/verify", "auditor", json=body)
    assert r.status_code == 422 and r.json()["error"]["field"] == field


def test_rules_with_articles_and_parameters(env: Env) -> None:
    rules = env.get("/rules", "clerk_fgj").json()
    assert len(rules) == len(RULES)
    r0 = rules[0]
    assert r0["family_zh"] and r0["packs"] and all("article" in c and "params" in c for c in r0["packs"].values())
    pack = env.get("/rules", params={"pack": "dongqu-2012"}).json()
    assert pack and all(r["article"].startswith("dongqu-2012:") for r in pack)
    assert {r["id"] for r in pack} == {r.id for r in RULES if "dongqu-2012" in r.citations}
    phone = [r for r in pack if r["id"] == "INC-PHONE-DEADLINE"]
    assert phone and phone[0]["params"]
    assert set(PACKS) >= {p for r in rules for p in r["packs"]}
    r = env.get("/rules", params={"pack": "atlantis"})
    assert r.status_code == 422 and r.json()["error"] == r.json()["error"] | {"field": "pack", "code": "unknown_pack"}

"""GET /violations counts, per rule, the acts it could not judge; GET /unjudged lists them."""

from __future__ import annotations

from tests.api.conftest import Env
from tests.test_unjudged import ACTS


def test_get_violations_counts_unjudged_acts_and_get_unjudged_lists_them(env: Env) -> None:
    assert env.post("/acts", json={"acts": ACTS}).status_code == 201
    page = env.get("/violations").json()
    assert page["unjudged_acts"]["DOC-SIGNING-AUTHORITY"] == 1
    assert page["unjudged_acts"]["ESC-DIRECT-TO-LEADER"] == 1
    only = env.get("/violations", params={"rule": "DOC-ANNUAL-CAP"}).json()
    assert only["unjudged_acts"] == {"DOC-ANNUAL-CAP": 1}
    rows = env.get("/unjudged", params={"rule": "ESC-SKIP-LEVEL"}).json()
    assert [(r["case"], r["act"], r["field"], r["value"]) for r in rows] == [("REQ-1", "r-2", "data.to", "王县长")]
    # a clerk of another unit sees none of 发改局's
    assert env.get("/unjudged", who="clerk_sfj").json() == []

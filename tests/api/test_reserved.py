"""Reserved case ids (系统案件编号): the access log's and follow-up's cases belong to the system."""

from __future__ import annotations

import json

from tests.api.conftest import INCIDENT, LEAVE_FGJ, Env
from tests.conftest import act


def _incident(case: str, i: int = 1) -> dict[str, object]:
    return act(f"r-{i}", case, "incident", "occurred", "2024-05-01T10:00:00+08:00", grade="general")


def test_no_act_of_a_clerk_may_take_an_auditors_access_case(env: Env) -> None:
    env.get("/cases", "auditor")  # today's access case of that auditor exists now
    [logged] = env.access_acts()
    r = env.post("/acts", "clerk_fgj", json=_incident(logged["case"]))
    assert r.status_code == 422 and (r.json()["error"]["code"], r.json()["error"]["field"]) == (
        "reserved_case",
        "case",
    )
    # the next day's id cannot be taken in advance either, and the auditor keeps reading
    tomorrow = logged["case"][:-2] + "11"
    assert env.post("/acts", "clerk_fgj", json=_incident(tomorrow, 2)).status_code == 422
    env.clock.advance(days=1)
    assert env.get("/cases", "auditor").status_code == 200
    assert [a["case"] for a in env.access_acts()] == [logged["case"], tomorrow]


def test_no_act_may_take_a_violations_id_so_it_can_always_be_followed_up(env: Env) -> None:
    env.post("/acts", json={"acts": LEAVE_FGJ})
    v = env.get("/violations", params={"rule": "LEV-PRIOR-APPROVAL"}).json()["items"][0]["id"]
    r = env.post("/acts", "clerk_fgj", json=_incident(v))
    assert r.status_code == 422 and r.json()["error"]["code"] == "reserved_case"
    lines = "\n".join(json.dumps(x) for x in (_incident(v), _incident("ORG-lecheng", 2), INCIDENT[0])).encode()
    body = env.post("/imports", "admin", files={"file": ("x.jsonl", lines, "application/x-ndjson")}).json()
    assert body["imported"] == 1
    assert [(e["line"], e["code"], e["field"]) for e in body["rejected_lines"]] == [
        (1, "reserved_case", "case"),
        (2, "reserved_case", "case"),
    ]
    assert env.post(f"/violations/{v}/acknowledge", "supervisor").status_code == 201

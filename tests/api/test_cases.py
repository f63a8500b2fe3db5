"""GET /cases, /cases/{id}, /cases/{id}/timeline: lists, state and violations as of either clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from ledger.importer import Importer
from tests.api.conftest import INCIDENT, LEAVE_FGJ, LEAVE_SFJ, Env
from tests.conftest import COUNTY


def test_cases_are_listed_by_kind_unit_and_open(env: Env) -> None:
    env.post("/acts", json={"acts": [*INCIDENT, *LEAVE_FGJ, *LEAVE_SFJ]})
    env.post("/acts", json=LEAVE_SFJ[1] | {"id": "s-3", "act": "return_reported", "at": "2024-04-06T09:00:00+08:00"})
    cases = env.get("/cases", params={"kind": "leave"}).json()["items"]
    assert [(c["case"], c["unit"], c["open"]) for c in cases] == [("LEV-1", "u-fgj", True), ("LEV-2", "u-sfj", False)]
    assert [c["case"] for c in env.get("/cases", params={"unit": "u-sfj"}).json()["items"]] == ["LEV-2"]
    assert [c["case"] for c in env.get("/cases", params={"open": "true", "kind": "leave"}).json()["items"]] == ["LEV-1"]
    assert [c["case"] for c in env.get("/cases", params={"open": "false"}).json()["items"]] == ["LEV-2"]
    page = env.get("/cases", params={"limit": 1}).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = env.get("/cases", params={"limit": 10, "cursor": page["next_cursor"]}).json()["items"]
    assert page["items"][0]["case"] not in [c["case"] for c in rest] and len(rest) == 2


def test_a_case_as_of_several_moments_by_both_clocks(env_any: Env) -> None:
    env = env_any
    env.clock.now = datetime(2024, 3, 5, 3, 0, tzinfo=UTC)  # 11:00 Beijing
    env.post("/acts", json={"acts": INCIDENT[:2]})
    env.clock.now = datetime(2024, 3, 12, 3, 0, tzinfo=UTC)  # the written report entered a week later
    env.post("/acts", json=INCIDENT[2])

    def view(**params: str) -> dict[str, Any]:
        r = env.get("/cases/INC-1", params=params)
        assert r.status_code == 200, r.text
        return r.json()

    now = view()
    assert now["version"] == 3 and now["state"]["acts"] == 3 and now["kind"] == "incident"
    # business time
    assert view(as_of="2024-03-05T10:10:00+08:00")["state"]["acts"] == 1
    assert view(as_of="2024-03-05T10:30:00+08:00")["state"]["last_at"] == "2024-03-05T10:20:00+08:00"
    assert view(as_of="2024-03-04")["state"] is None  # before it happened
    # recorded time: what the ledger said on 2024-03-06
    then = view(recorded_as_of="2024-03-06")
    assert then["state"]["acts"] == 2 and then["recorded_as_of"].startswith("2024-03-06T23:59:59")
    assert view(recorded_as_of="2024-03-05T10:59:00+08:00")["state"] is None
    assert view(recorded_as_of="2024-03-13T00:00:00+08:00")["state"]["acts"] == 3
    # both: what the ledger knew on 03-06 had happened by 10:10 on 03-05
    assert view(as_of="2024-03-05T10:10:00+08:00", recorded_as_of="2024-03-06")["state"]["acts"] == 1
    # the timeline, the same way
    tl = env.get("/cases/INC-1/timeline", params={"recorded_as_of": "2024-03-06"}).json()
    assert [a["id"] for a in tl["timeline"]] == ["a-1", "a-2"]
    assert tl["timeline"][0]["recorded_at"] == "2024-03-05T03:00:00+00:00"
    tl = env.get("/cases/INC-1/timeline").json()["timeline"]
    assert [(a["id"], a["recorded_at"]) for a in tl][-1] == ("a-3", "2024-03-12T03:00:00+00:00")
    assert [
        a["id"]
        for a in env.get("/cases/INC-1/timeline", params={"as_of": "2024-03-05T10:00:00+08:00"}).json()["timeline"]
    ] == ["a-1"]


def test_violations_of_a_case_as_of_business_time(env: Env) -> None:
    env.post("/acts", json={"acts": LEAVE_FGJ})

    def rules(**params: str) -> list[str]:
        return sorted(v["rule"] for v in env.get("/cases/LEV-1", params=params).json()["violations"])

    assert "LEV-PRIOR-APPROVAL" in rules()
    assert "LEV-PRIOR-APPROVAL" not in rules(as_of="2024-04-01T12:00:00+08:00")
    assert rules(as_of="2024-03-31") == []


def test_unknown_cases_are_404_and_ambiguous_ones_need_a_jurisdiction(env: Env) -> None:
    r = env.get("/cases/NOPE-1")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert env.get("/cases/NOPE-1/timeline").status_code == 404
    env.post("/acts", json=INCIDENT[0])
    Importer(env.services.ledger).import_chart(dict(COUNTY, jurisdiction="dongqu", pack="dongqu-2012"))
    env.post("/acts", json=INCIDENT[0] | {"jurisdiction": "dongqu"})
    r = env.get("/cases/INC-1")
    assert r.status_code == 422 and r.json()["error"] == r.json()["error"] | {
        "field": "jurisdiction",
        "code": "ambiguous_case",
    }
    assert env.get("/cases/INC-1", params={"jurisdiction": "dongqu"}).json()["jurisdiction"] == "dongqu"
    assert env.get("/cases/INC-1/timeline", params={"jurisdiction": "lecheng"}).status_code == 200
    assert env.get("/cases/INC-1", params={"jurisdiction": "nowhere"}).status_code == 404


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/cases/INC-1", {"as_of": "last tuesday"}, "as_of"),
        ("/cases/INC-1", {"recorded_as_of": "2024-02-30"}, "recorded_as_of"),
        ("/cases/INC-1/timeline", {"as_of": "2024-03-05T25:00:00+08:00"}, "as_of"),
        ("/cases", {"open": "maybe"}, "open"),
        ("/cases", {"kind": "picnic"}, "kind"),
        ("/cases", {"limit": -1}, "limit"),
        ("/cases", {"cursor": "%%%"}, "cursor"),
    ],
)
def test_bad_case_query_params_are_a_422(env: Env, path: str, params: dict[str, Any], field: str) -> None:
    env.post("/acts", json=INCIDENT[0])
    r = env.get(path, params=params)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == field

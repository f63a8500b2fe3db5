"""The hot read routes send the JSON they build (api/jsonbody.py) instead of having FastAPI
validate it against their response model per request: every such body is what the model
documents — validated and dumped by the model, it is the same JSON, no field more or less —
with the headers the route sets."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from api.models import CasesPage, CaseView, TimelineOut, ViolationsPage
from tests.api.conftest import INCIDENT, LEAVE_FGJ, LEAVE_SFJ, Env


def _as_documented(model: type[BaseModel], body: Any) -> None:
    assert model.model_validate(body).model_dump(mode="json") == body


@pytest.fixture
def seeded(env_any: Env) -> Env:
    assert env_any.post("/acts", json={"acts": [*INCIDENT, *LEAVE_FGJ, *LEAVE_SFJ]}).status_code == 201
    return env_any


@pytest.mark.parametrize("query", ["", "?unit=u-fgj&limit=1", "?status=open", "?state=breach&sort=desc"])
def test_violations_page_is_as_documented(seeded: Env, query: str) -> None:
    r = seeded.get(f"/violations{query}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["items"], "the county's acts break rules: the page is not empty"
    _as_documented(ViolationsPage, body)
    if "limit=1" in query:
        assert body["next_cursor"] and len(body["items"]) == 1


@pytest.mark.parametrize("query", ["", "?kind=leave", "?unit=u-fgj&open=true", "?limit=1"])
def test_cases_page_is_as_documented(seeded: Env, query: str) -> None:
    body = seeded.get(f"/cases{query}").json()
    assert body["items"]
    _as_documented(CasesPage, body)


@pytest.mark.parametrize("query", ["", "?as_of=2024-04-03T12:00:00%2B08:00"])
def test_case_view_and_timeline_are_as_documented(seeded: Env, query: str) -> None:
    view = seeded.get(f"/cases/LEV-1{query}").json()
    assert view["violations"] and view["state"]
    _as_documented(CaseView, view)
    timeline = seeded.get(f"/cases/LEV-1/timeline{query}").json()
    assert [a["id"] for a in timeline["timeline"]] == ["l-1", "l-2"]
    _as_documented(TimelineOut, timeline)


def test_violations_page_carries_each_violations_follow_up_status(seeded: Env) -> None:
    """Each violation of a page carries its follow-up status (督查跟踪), in either order, on both backends."""
    first = seeded.get("/violations").json()["items"][0]["id"]
    assert seeded.post(f"/violations/{first}/acknowledge", json={"note": "已收到"}).status_code == 201
    body = seeded.get("/violations").json()
    _as_documented(ViolationsPage, body)
    statuses = {v["id"]: v["status"] for v in body["items"]}
    assert statuses.pop(first) == "acknowledged" and set(statuses.values()) == {"open"}
    desc = seeded.get("/violations", params={"sort": "desc"}).json()["items"]
    assert [v["id"] for v in desc] == list(reversed([v["id"] for v in body["items"]]))
    assert {v["id"]: v["status"] for v in desc}[first] == "acknowledged"

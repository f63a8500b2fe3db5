"""Case ownership (案件归属) and hand-overs (移交): a clerk's walls follow the case, not the clock.

A case belongs to the unit of its first act recorded; another unit reads it and adds to it
only once an act of the contract handed it over (交办/转交/呈送…).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api.conftest import LEAVE_FGJ, Env
from tests.conftest import act

OFFICE = "clerk_office"


@pytest.fixture
def office(env: Env) -> Env:
    """The county with a clerk of the government office (县政府办公室, 督查室's unit)."""
    env.token(OFFICE, "clerk", units=["u-office"], person="p-chen")
    return env


@pytest.fixture
def office_any(env_any: Env) -> Env:
    """The same on SQLite and PostgreSQL."""
    env_any.token(OFFICE, "clerk", units=["u-office"], person="p-chen")
    return env_any


def _item(case: str = "SUP-1") -> list[dict[str, Any]]:
    """A supervision item registered by the office and assigned to 发改局 (交办)."""
    return [
        act(
            f"{case}-r",
            case,
            "supervision",
            "registered",
            "2024-05-06T09:00:00+08:00",
            by="p-chen",
            unit="u-office",
            deadline="2024-06-30T17:00:00+08:00",
            title="项目推进",
        ),
        act(
            f"{case}-a",
            case,
            "supervision",
            "assigned",
            "2024-05-06T10:00:00+08:00",
            by="p-chen",
            unit="u-office",
            to_unit="u-fgj",
        ),
    ]


def _progress(case: str = "SUP-1", n: int = 1, at: str = "2024-05-20T09:00:00+08:00") -> dict[str, Any]:
    return act(f"{case}-p{n}", case, "supervision", "progress_reported", at, by="p-liu", signed_by_head=True)


def test_a_backdated_act_of_another_unit_does_not_take_a_case_over(env: Env) -> None:
    """The attack of issue 9: 司法局 backdates an act into 发改局's leave case."""
    assert env.post("/acts", "clerk_fgj", json={"acts": LEAVE_FGJ}).status_code == 201
    before = env.services.ledger.count()
    early = act("x-1", "LEV-1", "leave", "requested", "2024-03-01T09:00:00+08:00", by="p-zhou", unit="u-sfj")
    early["data"] = {"start": "2024-03-02T08:00:00+08:00", "end": "2024-03-03T18:00:00+08:00"}
    r = env.post("/acts", "clerk_sfj", json=early)
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "forbidden_case" and r.json()["error"]["field"] == "case"
    assert env.services.ledger.count() == before
    # even stored (an admin's import may hold anything), a backdated act moves nothing
    assert env.post("/acts", "admin", json=early).status_code == 201
    assert env.get("/cases/LEV-1", "clerk_fgj").status_code == 200
    assert env.get("/cases/LEV-1/timeline", "clerk_sfj").status_code == 403
    assert [c["unit"] for c in env.get("/cases", "admin", params={"kind": "leave"}).json()["items"]] == ["u-fgj"]
    assert [c["case"] for c in env.get("/cases", "clerk_fgj").json()["items"]] == ["LEV-1"]
    assert env.get("/cases", "clerk_sfj").json()["items"] == []
    assert env.get("/acts", "clerk_sfj", params={"case": "LEV-1"}).json()["items"] == []


def test_the_first_writer_of_a_new_case_owns_it(env: Env) -> None:
    mine = act("i-1", "INC-9", "incident", "occurred", "2024-05-01T10:00:00+08:00", grade="general")
    assert env.post("/acts", "clerk_fgj", json=mine).status_code == 201
    theirs = {**mine, "id": "i-2", "by": "p-zhou", "unit": "u-sfj", "at": "2024-04-01T10:00:00+08:00"}
    assert env.post("/acts", "clerk_sfj", json=theirs).json()["error"]["code"] == "forbidden_case"


def test_a_case_handed_over_is_read_and_added_to_by_the_receiving_unit(office_any: Env) -> None:
    env = office_any
    assert env.post("/acts", OFFICE, json={"acts": _item()}).status_code == 201
    # 发改局 was assigned the item (交办): it reads the whole case and reports progress on it
    timeline = env.get("/cases/SUP-1/timeline", "clerk_fgj").json()["timeline"]
    assert [a["act"] for a in timeline] == ["registered", "assigned"]
    assert env.get("/cases/SUP-1", "clerk_fgj").status_code == 200
    assert [c["case"] for c in env.get("/cases", "clerk_fgj", params={"kind": "supervision"}).json()["items"]] == [
        "SUP-1"
    ]
    assert {a["id"] for a in env.get("/acts", "clerk_fgj").json()["items"]} == {"SUP-1-r", "SUP-1-a"}
    assert env.post("/acts", "clerk_fgj", json=_progress()).status_code == 201
    # 司法局 was not: it neither reads nor writes it
    assert env.get("/cases/SUP-1", "clerk_sfj").status_code == 403
    assert env.get("/cases", "clerk_sfj").json()["items"] == []
    r = env.post("/acts", "clerk_sfj", json={**_progress(n=2), "by": "p-zhou", "unit": "u-sfj"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_case"
    # the owner is still the office
    assert env.get("/cases/SUP-1", "admin").json()["state"]["unit"] == "u-office"


def test_a_hand_over_earlier_in_the_same_request_counts(office: Env) -> None:
    env = office
    env.token("clerk_both", "clerk", units=["u-office", "u-fgj"])
    acts = [*_item("SUP-2"), _progress("SUP-2")]
    assert env.post("/acts", "clerk_both", json={"acts": acts}).status_code == 201
    without = [_item("SUP-3")[0], _progress("SUP-3")]  # registered, never assigned to 发改局
    r = env.post("/acts", "clerk_both", json={"acts": without})
    assert r.status_code == 403 and r.json()["error"]["index"] == 1


def test_a_hand_over_to_a_post_hands_the_case_to_the_posts_unit(office: Env) -> None:
    """A request filed to the office director's post (办公室主任) can be forwarded by the office."""
    env = office
    filed = act("q-1", "REQ-1", "request", "filed", "2024-05-06T09:00:00+08:00", by="p-liu", doc_type="请示", to="od")
    assert env.post("/acts", "clerk_fgj", json=filed).status_code == 201
    fwd = act("q-2", "REQ-1", "request", "forwarded", "2024-05-06T11:00:00+08:00", by="p-chen", unit="u-office")
    fwd["data"] = {"to": "vh-1"}
    assert env.post("/acts", OFFICE, json=fwd).status_code == 201
    assert env.get("/cases/REQ-1/timeline", OFFICE).status_code == 200
    assert env.get("/cases/REQ-1/timeline", "clerk_sfj").status_code == 403


def test_a_retracted_hand_over_hands_nothing_and_only_its_unit_may_retract_it(office: Env) -> None:
    env = office
    env.post("/acts", OFFICE, json={"acts": _item()})
    undo = act("SUP-1-x", "SUP-1", "supervision", "retracted", "2024-05-06T11:00:00+08:00", by="p-liu")
    undo["data"] = {"of": "SUP-1-a", "reason": "不是本单位的事"}
    r = env.post("/acts", "clerk_fgj", json=undo)  # 发改局 may not retract the office's act
    assert r.status_code == 403 and r.json()["error"]["field"] == "data.of"
    assert env.post("/acts", OFFICE, json={**undo, "by": "p-chen", "unit": "u-office"}).status_code == 201
    assert env.get("/cases/SUP-1", "clerk_fgj").status_code == 403
    assert env.get("/cases", "clerk_fgj").json()["items"] == []
    assert env.post("/acts", "clerk_fgj", json=_progress()).json()["error"]["code"] == "forbidden_case"


def test_a_violation_is_read_by_its_cases_parties(office_any: Env) -> None:
    """发改局 files a request of three matters (一文多事) to the office director: the office,
    handed the request, sees its violations; 司法局 does not."""
    env = office_any
    filed = act("q-1", "REQ-1", "request", "filed", "2024-05-06T09:00:00+08:00", by="p-liu", doc_type="请示", to="od")
    filed["data"]["matters"] = 3
    assert env.post("/acts", "clerk_fgj", json=filed).status_code == 201
    every = env.get("/violations", "admin", params={"case": "REQ-1"}).json()["items"]
    assert {v["rule"] for v in every} >= {"ESC-ONE-MATTER"}
    for who in ("clerk_fgj", OFFICE):
        seen = env.get("/violations", who, params={"case": "REQ-1"}).json()["items"]
        assert [v["id"] for v in seen] == [v["id"] for v in every], who
        assert all(env.get(f"/violations/{v['id']}", who).status_code == 200 for v in every)
    assert env.get("/violations", "clerk_sfj").json()["items"] == []
    assert env.get(f"/violations/{every[0]['id']}", "clerk_sfj").status_code == 403


def test_a_clerks_import_may_add_only_to_its_own_and_handed_cases(office: Env) -> None:
    env = office
    env.post("/acts", OFFICE, json={"acts": _item()})
    env.post("/acts", OFFICE, json={"acts": [_item("SUP-9")[0]]})
    lines = [_progress(), _progress("SUP-9")]
    data = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines).encode()
    body = env.post("/imports", "clerk_fgj", files={"file": ("p.jsonl", data, "application/x-ndjson")}).json()
    assert body["imported"] == 1
    assert [(e["line"], e["code"], e["field"]) for e in body["rejected_lines"]] == [(2, "forbidden_case", "case")]


def test_lists_follow_a_change_of_the_org_chart_like_single_reads(office_any: Env) -> None:
    """A request filed to a person goes to the unit of the post they held then; an appointment
    recorded later for that time moves it, in the case lists as in single reads."""
    env = office_any
    filed = act(
        "q-1", "REQ-1", "request", "filed", "2024-05-06T09:00:00+08:00", by="p-liu", doc_type="请示", to="p-zhou"
    )
    assert env.post("/acts", "clerk_fgj", json=filed).status_code == 201
    assert [c["case"] for c in env.get("/cases", "clerk_sfj").json()["items"]] == ["REQ-1"]
    assert env.get("/cases", OFFICE).json()["items"] == []
    moved = [
        act(f"o-{i}", "ORG-lecheng", "org", a, "2024-05-01T00:00:00+08:00", by="system", unit="u-gov", person="p-zhou", post=post)
        for i, (a, post) in enumerate([("relieved", "sfj-head"), ("appointed", "od")])
    ]  # fmt: skip
    assert env.post("/acts", "admin", json={"acts": moved}).status_code == 201
    assert env.get("/cases", "clerk_sfj").json()["items"] == []
    assert env.get("/cases/REQ-1", "clerk_sfj").status_code == 403
    assert [c["case"] for c in env.get("/cases", OFFICE).json()["items"]] == ["REQ-1"]
    assert env.get("/cases/REQ-1", OFFICE).status_code == 200

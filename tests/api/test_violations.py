"""GET /violations (filters, sort, cursor), GET /violations/{id}, follow-up, GET /bulletin."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.api.conftest import LEAVE_FGJ, LEAVE_SFJ, Env, make_env
from tests.conftest import act


def seed(env: Env) -> list[dict[str, Any]]:
    assert env.post("/acts", json={"acts": [*LEAVE_FGJ, *LEAVE_SFJ]}).status_code == 201
    vs = env.get("/violations").json()["items"]
    assert len(vs) == 4
    return vs


def vid(env: Env, rule: str, case: str) -> str:
    [v] = [v for v in env.get("/violations", params={"rule": rule, "case": case}).json()["items"]]
    return v["id"]


def test_violations_are_filtered_sorted_and_paged(env: Env) -> None:
    vs = seed(env)
    assert [v["at"] for v in vs] == sorted(v["at"] for v in vs)
    assert all(v["status"] == "open" and v["article"].startswith("changle-2022:") for v in vs)
    assert "at_us" not in vs[0]

    def got(**params: Any) -> list[tuple[str, str]]:
        r = env.get("/violations", params=params)
        assert r.status_code == 200, r.text
        return [(v["rule"], v["case"]) for v in r.json()["items"]]

    assert got(unit="u-sfj") == [("LEV-APPROVAL-CHAIN", "LEV-2"), ("LEV-PRIOR-APPROVAL", "LEV-2")]
    assert got(rule="LEV-PRIOR-APPROVAL") == [("LEV-PRIOR-APPROVAL", "LEV-1"), ("LEV-PRIOR-APPROVAL", "LEV-2")]
    assert got(case="LEV-1", family="lev") == [("LEV-APPROVAL-CHAIN", "LEV-1"), ("LEV-PRIOR-APPROVAL", "LEV-1")]
    assert len(got(pack="changle-2022", severity="high")) == 4
    assert got(severity="low") == []
    assert got(since="2024-04-03", until="2024-04-03") == [("LEV-APPROVAL-CHAIN", "LEV-2")]
    assert got(since="2024-04-02T08:00:00+08:00", until="2024-04-02T08:00:00+08:00") == [
        ("LEV-PRIOR-APPROVAL", "LEV-1")
    ]
    assert got(sort="desc") == list(reversed(got()))
    for sort in ("asc", "desc"):
        seen, cursor = [], None
        while True:
            page = env.get(
                "/violations", params={"limit": 3, "sort": sort} | ({"cursor": cursor} if cursor else {})
            ).json()
            seen += [v["id"] for v in page["items"]]
            if not (cursor := page["next_cursor"]):
                break
        assert seen == [v["id"] for v in env.get("/violations", params={"sort": sort}).json()["items"]]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"severity": "catastrophic"}, "severity"),
        ({"status": "forgotten"}, "status"),
        ({"sort": "sideways"}, "sort"),
        ({"family": "XYZ"}, "family"),
        ({"pack": "atlantis-2099"}, "pack"),
        ({"since": "2024-04-31"}, "since"),
        ({"until": "tomorrow"}, "until"),
        ({"limit": 0}, "limit"),
        ({"cursor": "abc"}, "cursor"),
    ],
)
def test_bad_violation_query_params_are_a_422(env: Env, params: dict[str, Any], field: str) -> None:
    r = env.get("/violations", params=params)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == field


def test_a_cursor_of_the_other_sort_order_is_refused(env: Env) -> None:
    seed(env)
    cursor = env.get("/violations", params={"limit": 1}).json()["next_cursor"]
    r = env.get("/violations", params={"cursor": cursor, "sort": "desc"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "cursor"


def test_a_violation_comes_with_its_evidence_acts_and_follow_up(env: Env) -> None:
    seed(env)
    v = vid(env, "LEV-PRIOR-APPROVAL", "LEV-1")
    d = env.get(f"/violations/{v}").json()
    assert d["id"] == v and d["status"] == "open" and d["followup"] == [] and d["followup_version"] == 0
    assert [a["id"] for a in d["evidence_acts"]] == ["l-1", "l-2"]
    assert d["evidence_acts"][0]["data"]["scope"] == "out_of_city"
    r = env.get("/violations/v-doesnotexist")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert env.post("/violations/v-doesnotexist/acknowledge", "supervisor").status_code == 404


def test_follow_up_moves_the_status_and_is_recorded_as_acts(env_any: Env) -> None:
    env = env_any
    seed(env)
    v = vid(env, "LEV-PRIOR-APPROVAL", "LEV-1")
    step = lambda action, body=None, who="supervisor": env.post(f"/violations/{v}/{action}", who, json=body)  # noqa: E731

    # only from acknowledged: justify/remediate
    r = step("justify", {"basis": "《请销假规定》第三条"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_transition"
    r = step("acknowledge", {"note": "已转发改局"})
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "acknowledged" and r.json()["followup_version"] == 1
    ack = r.json()["act"]
    assert (ack["kind"], ack["act"], ack["case"], ack["by"], ack["unit"]) == (
        "followup",
        "acknowledged",
        v,
        "p-chen",
        "u-office",
    )
    assert step("acknowledge").status_code == 409  # already acknowledged
    r = step("justify", {})
    assert r.status_code == 422 and r.json()["error"]["field"] == "basis"
    r = step("justify", {"basis": ""})
    assert r.status_code == 422 and r.json()["error"]["field"] == "basis"
    r = step("justify", {"basis": "《请销假规定》第三条：紧急公务可先行后补"})
    assert r.status_code == 201 and r.json()["status"] == "justified"
    assert r.json()["act"]["data"]["basis"].startswith("《请销假规定》")
    assert env.get(f"/violations/{v}").json()["status"] == "justified"
    assert [x["id"] for x in env.get("/violations", params={"status": "justified"}).json()["items"]] == [v]
    unfiltered = {x["id"]: x["status"] for x in env.get("/violations").json()["items"]}
    assert unfiltered[v] == "justified" and list(unfiltered.values()).count("open") == len(unfiltered) - 1
    assert v not in [x["id"] for x in env.get("/violations", params={"status": "open"}).json()["items"]]
    assert len(env.get("/violations", params={"status": "open"}).json()["items"]) == 3
    r = step("reopen", {"note": "依据不充分"})
    assert r.status_code == 201 and r.json()["status"] == "open"
    assert step("remediate").status_code == 409  # open again: acknowledge first
    assert step("acknowledge").status_code == 201
    env.token("nobody", "admin")  # a token without a person cannot sign a follow-up
    r = step("remediate", {"note": "已补办审批"}, who="nobody")
    assert r.status_code == 403 and "person" in r.json()["error"]["message_en"]
    r = step("remediate", {"note": "已补办审批"})
    assert r.status_code == 201 and r.json()["status"] == "remediated"
    d = env.get(f"/violations/{v}").json()
    assert [a["act"] for a in d["followup"]] == ["acknowledged", "justified", "reopened", "acknowledged", "remediated"]
    assert d["status"] == "remediated" and d["followup_version"] == 5
    assert [x["id"] for x in env.get("/violations", params={"status": "remediated"}).json()["items"]] == [v]
    assert env.get("/violations", params={"status": "acknowledged"}).json()["items"] == []
    # the follow-up is in the hash chain like every other act
    assert env.post("/verify", "auditor").json()["ok"]


def test_follow_up_with_a_stale_version_or_at_once_yields_409(env_any: Env) -> None:
    env = env_any
    seed(env)
    v = vid(env, "LEV-PRIOR-APPROVAL", "LEV-2")
    r = env.post(f"/violations/{v}/acknowledge", "supervisor", json={"expected_version": 3})
    assert r.status_code == 409 and r.json()["error"]["field"] == "expected_version"
    other = make_env(env.url, env.clock)
    try:
        barrier = threading.Barrier(2)
        codes: list[int] = []

        def go(e: Env) -> None:
            barrier.wait(5)
            codes.append(e.post(f"/violations/{v}/acknowledge", "supervisor", json={"expected_version": 0}).status_code)

        ts = [threading.Thread(target=go, args=(e,)) for e in (env, other)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(30)
        assert sorted(codes) == [201, 409]
        assert [a["act"] for a in env.get(f"/violations/{v}").json()["followup"]] == ["acknowledged"]
    finally:
        other.services.close()


def test_status_is_folded_from_the_acts_so_a_retracted_follow_up_no_longer_counts(env: Env) -> None:
    seed(env)
    v = vid(env, "LEV-APPROVAL-CHAIN", "LEV-1")
    ack = env.post(f"/violations/{v}/acknowledge", "supervisor").json()["act"]
    fix = act(
        "r-1",
        v,
        "followup",
        "retracted",
        "2024-05-01T09:00:00+08:00",
        by="p-chen",
        unit="u-office",
        of=ack["id"],
        reason="误操作",
    )
    from ledger.importer import Importer

    res = Importer(env.services.ledger, jurisdiction="lecheng").import_raws([fix])
    assert res.imported == 1
    assert env.get(f"/violations/{v}").json()["status"] == "open"


def supervision(case: str, unit: str, deadline: str) -> list[dict[str, Any]]:
    office = {"by": "p-chen", "unit": "u-office"}
    return [
        act(case + "-r", case, "supervision", "registered", "2024-03-01T09:00:00+08:00", **office, source="meeting",
            deadline=deadline, responsible_unit=unit, title=f"事项{case}"),
        act(case + "-a", case, "supervision", "assigned", "2024-03-01T15:00:00+08:00", **office, to_unit=unit),
    ]  # fmt: skip


def test_the_bulletin_lists_overdue_items_per_unit(env: Env) -> None:
    env.clock.now = datetime(2024, 5, 2, 1, 0, tzinfo=UTC)  # the bulletin is cut at "now"
    env.post(
        "/acts", json={"acts": [*supervision("S-1", "u-fgj", "2024-03-31"), *supervision("S-2", "u-sfj", "2024-03-20")]}
    )
    r = env.get("/bulletin", params={"month": "2024-04"})
    assert r.status_code == 200, r.text
    rows = r.json()["rows"]
    assert [(x["jurisdiction"], x["unit"], x["overdue_count"]) for x in rows] == [
        ("lecheng", "u-fgj", 1),
        ("lecheng", "u-sfj", 1),
    ]
    assert rows[0]["overdue"][0]["case"] == "S-1" and rows[0]["unit_name"] == "县发改局"
    assert env.get("/bulletin", params={"month": "2024-02"}).json()["rows"] == []
    # a clerk sees its own unit's line
    assert [x["unit"] for x in env.get("/bulletin", "clerk_sfj", params={"month": "2024-04"}).json()["rows"]] == [
        "u-sfj"
    ]
    env.clock.now = datetime(2024, 3, 25, 1, 0, tzinfo=UTC)  # in March only S-2 was overdue yet
    assert [x["unit"] for x in env.get("/bulletin", params={"month": "2024-03"}).json()["rows"]] == ["u-sfj"]
    for bad in ("2024-13", "April", "2024-4"):
        r = env.get("/bulletin", params={"month": bad})
        assert r.status_code == 422 and r.json()["error"]["field"] == "month", bad
    assert env.get("/bulletin").json()["error"]["field"] == "month"


def test_a_follow_up_is_in_the_views_when_it_is_answered(env: Env) -> None:
    """督查跟踪: the new status is in the views before the follow-up is answered — whoever reads
    the list after it sees it, whatever other request is catching the views up meanwhile."""
    seed(env)
    v = vid(env, "LEV-PRIOR-APPROVAL", "LEV-1")
    assert env.post(f"/violations/{v}/acknowledge", "supervisor", json={"note": "已转发"}).status_code == 201
    s = env.services
    assert s._projection.position() == s.ledger.max_notification_id(), "caught up before the answer"
    assert s.statuses([v]) == {v: "acknowledged"}

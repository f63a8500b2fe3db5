"""POST /acts, POST /imports, GET /acts: validation, idempotency, all-or-nothing, conflicts."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml

from ledger.importer import Importer
from tests.api.conftest import INCIDENT, LEAVE_FGJ, LEAVE_SFJ, Env, make_env
from tests.conftest import COUNTY, act


def ids(env: Env, case: str) -> list[str]:
    return [a.id for a in env.services.ledger.case_history("lecheng", case)]


# ---- recording --------------------------------------------------------------------------------
def test_one_act_and_a_batch_are_stored_with_recorded_times_and_case_versions(env_any: Env) -> None:
    env = env_any
    r = env.post("/acts", "clerk_fgj", json=INCIDENT[0])
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["stored"] == 1 and body["case_versions"] == {"INC-1": 1}
    [res] = body["results"]
    assert res["status"] == "stored" and res["id"] == "a-1" and res["recorded_at"] == "2024-01-10T09:00:00+00:00"
    env.clock.advance(hours=1)
    r = env.post("/acts", "clerk_fgj", json={"acts": INCIDENT})
    assert r.status_code == 201, r.text
    body = r.json()
    assert [x["status"] for x in body["results"]] == ["duplicate", "stored", "stored"]
    # the duplicate keeps the time it was first recorded
    assert body["results"][0]["recorded_at"] == "2024-01-10T09:00:00+00:00"
    assert body["results"][1]["recorded_at"] == "2024-01-10T10:00:00+00:00"
    assert body["case_versions"] == {"INC-1": 3}
    assert ids(env, "INC-1") == ["a-1", "a-2", "a-3"]


def test_posting_the_same_acts_again_stores_nothing_and_answers_200(env: Env) -> None:
    assert env.post("/acts", json={"acts": INCIDENT}).status_code == 201
    r = env.post("/acts", json={"acts": INCIDENT})
    assert r.status_code == 200 and r.json()["duplicate"] == 3 and r.json()["stored"] == 0


BAD: list[tuple[str, dict[str, Any], str, str]] = [
    ("missing field", {k: v for k, v in INCIDENT[1].items() if k != "at"}, "at", "missing_field"),
    ("unknown person", {**INCIDENT[1], "by": "p-ghost"}, "by", "unknown_person"),
    ("unknown unit", {**INCIDENT[1], "unit": "u-ghost"}, "unit", "unknown_unit"),
    ("unknown kind", {**INCIDENT[1], "kind": "picnic"}, "kind", "unknown_kind"),
    ("act not of kind", {**INCIDENT[1], "act": "signed"}, "act", "act_not_of_kind"),
    ("malformed time", {**INCIDENT[1], "at": "yesterday-ish"}, "at", "bad_time"),
    ("time without offset", {**INCIDENT[1], "at": "2024-03-05T10:20:00"}, "at", "bad_time"),
    ("case kind reuse", {**INCIDENT[1], "case": "LEV-1", "id": "x-9"}, "case", "case_kind_mismatch"),
    (
        "unknown act",
        act("c-1", "INC-1", "incident", "retracted", "2024-03-06T09:00:00+08:00", of="zz-9", reason="x"),
        "data.of",
        "unknown_act",
    ),
    ("wrong data type", {**INCIDENT[1], "data": {"channel": 5, "to_level": "local_gov"}}, "data.channel", "wrong_type"),
    ("id reused with other content", {**INCIDENT[0], "data": {"grade": "general"}}, "id", "id_conflict"),
    (
        "clock act",
        {**INCIDENT[1], "act": "deadline_missed", "data": {"rule": "X", "due": "2024-03-05"}},
        "act",
        "clock_act",
    ),
    (
        "reserved kind",
        act("f-1", "v-1", "followup", "acknowledged", "2024-03-06T09:00:00+08:00"),
        "kind",
        "reserved_kind",
    ),
    ("negative expected_version", {**INCIDENT[1], "expected_version": -1}, "expected_version", "wrong_type"),
]


@pytest.mark.parametrize(("what", "bad", "field", "code"), BAD, ids=[b[0] for b in BAD])
def test_an_invalid_act_in_a_batch_is_a_422_naming_index_and_field_and_nothing_is_stored(
    env: Env, what: str, bad: dict[str, Any], field: str, code: str
) -> None:
    env.post("/acts", json={"acts": [INCIDENT[0], *LEAVE_FGJ]})
    n = env.services.ledger.count()
    r = env.post("/acts", json={"acts": [INCIDENT[2] | {"id": "ok-1"}, LEAVE_SFJ[0], bad]})
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert (err["code"], err["field"], err["index"]) == (code, f"acts[2].{field}", 2), err
    assert err["message_zh"] and err["message_en"]
    assert env.services.ledger.count() == n  # all or nothing
    # the same act alone: the field without the batch prefix
    r = env.post("/acts", json=bad)
    assert r.status_code == 422 and r.json()["error"]["field"] == field


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"acts": "nope"}, "acts", "wrong_type"),
        ({"acts": []}, "acts", "empty_batch"),
        ({"acts": [1]}, "acts[0]", "not_an_object"),
        ([INCIDENT[0]], "body", "not_an_object"),
        ("just a string", "body", "not_an_object"),
    ],
)
def test_a_body_of_the_wrong_shape_is_a_422(env: Env, body: Any, field: str, code: str) -> None:
    r = env.post("/acts", json=body)
    assert r.status_code == 422
    assert (r.json()["error"]["code"], r.json()["error"].get("field", "")) == (code, field)


def test_a_body_that_is_not_json_is_a_422(env: Env) -> None:
    r = env.client.post("/acts", content=b"{not json", headers={**env.h("admin"), "content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_json"
    r = env.client.post("/acts", headers=env.h("admin"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "missing_field"


def test_a_batch_may_not_span_jurisdictions(env: Env) -> None:
    Importer(env.services.ledger).import_chart(dict(COUNTY, jurisdiction="dongqu", pack="dongqu-2012"))
    both = [INCIDENT[0] | {"jurisdiction": "lecheng"}, INCIDENT[0] | {"jurisdiction": "dongqu"}]
    r = env.post("/acts", json={"acts": both})
    assert r.status_code == 422 and r.json()["error"]["code"] == "mixed_jurisdictions"
    # without a jurisdiction the unit cannot place the act (the unit ids exist in both)
    r = env.post("/acts", json=INCIDENT[0])
    assert r.status_code == 422 and r.json()["error"]["field"] == "jurisdiction"


# ---- conflicts --------------------------------------------------------------------------------
def test_a_stale_expected_version_is_a_409_and_nothing_is_stored(env_any: Env) -> None:
    env = env_any
    assert env.post("/acts", json={"acts": INCIDENT[:2]}).json()["case_versions"] == {"INC-1": 2}
    r = env.post("/acts", json=INCIDENT[2] | {"expected_version": 1})
    assert r.status_code == 409 and r.json()["error"]["code"] == "write_conflict"
    assert r.json()["error"]["field"] == "expected_version"
    assert ids(env, "INC-1") == ["a-1", "a-2"]
    r = env.post("/acts", json=INCIDENT[2] | {"expected_version": 2})
    assert r.status_code == 201 and r.json()["case_versions"] == {"INC-1": 3}
    # a new case is at version 0
    assert env.post("/acts", json=LEAVE_FGJ[0] | {"expected_version": 0}).status_code == 201
    # one request, one case: the expected versions must agree
    r = env.post(
        "/acts",
        json={"acts": [INCIDENT[0] | {"expected_version": 3}, {**INCIDENT[1], "id": "z", "expected_version": 2}]},
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "inconsistent_version"


def _race(envs: list[Env], bodies: list[Any]) -> list[int]:
    """Send the bodies at once from one thread each; the status codes in order."""
    barrier = threading.Barrier(len(bodies))
    codes: list[int] = [0] * len(bodies)

    def go(i: int) -> None:
        barrier.wait(5)
        codes[i] = envs[i].post("/acts", "clerk_fgj", json=bodies[i]).status_code

    ts = [threading.Thread(target=go, args=(i,)) for i in range(len(bodies))]
    for t in ts:
        t.start()
    for t in ts:
        t.join(30)
    return codes


def test_concurrent_posts_with_the_same_expected_version_one_wins_one_gets_409(env_any: Env) -> None:
    env = env_any
    env.post("/acts", json=INCIDENT[0])
    other = make_env(env.url, env.clock)  # a second app (another server process) on the same database
    try:
        a = INCIDENT[1] | {"expected_version": 1}
        b = INCIDENT[2] | {"expected_version": 1}
        codes = _race([env, other], [a, b])
        assert sorted(codes) == [201, 409], codes
        assert len(ids(env, "INC-1")) == 2
    finally:
        other.services.close()


def test_concurrent_posts_without_versions_still_cannot_both_append_on_the_same_read(env_any: Env) -> None:
    """Both requests read the case at version 1 before either appends: the loser gets 409."""
    env = env_any
    env.post("/acts", json=INCIDENT[0])
    other = make_env(env.url, env.clock)
    barrier = threading.Barrier(2)
    try:
        for e in (env, other):
            real = e.services.current_versions
            done = threading.local()

            def read_then_wait(j: str, cases: Any, real: Any = real, done: Any = done) -> dict[str, int]:
                v = real(j, cases)
                if not getattr(done, "x", False):  # only the read before the append
                    done.x = True
                    barrier.wait(5)
                return v

            e.services.current_versions = read_then_wait  # type: ignore[method-assign]
        codes = _race([env, other], [INCIDENT[1], INCIDENT[2]])
        assert sorted(codes) == [201, 409], codes
        assert len(ids(env, "INC-1")) == 2
        assert env.services.ledger.case_versions("lecheng", ["INC-1"])["INC-1"][0] == 2
    finally:
        other.services.close()


def test_concurrent_posts_to_different_cases_both_succeed(env: Env) -> None:
    codes = _race([env, env], [INCIDENT[0], LEAVE_FGJ[0]])
    assert codes == [201, 201]
    from ledger.integrity import verify

    assert verify(env.services.ledger).ok


# ---- listing ------------------------------------------------------------------------------------
def test_acts_are_listed_by_filter_and_paged_with_an_opaque_cursor(env: Env) -> None:
    env.post("/acts", json={"acts": [*INCIDENT, *LEAVE_FGJ, *LEAVE_SFJ]})
    r = env.get("/acts", params={"case": "INC-1"})
    assert [a["id"] for a in r.json()["items"]] == ["a-1", "a-2", "a-3"]
    assert r.json()["items"][0]["recorded_at"] and r.json()["items"][0]["seq"]
    assert [a["id"] for a in env.get("/acts", params={"kind": "leave"}).json()["items"]] == ["l-1", "l-2", "s-1", "s-2"]
    got = env.get(
        "/acts", params={"kind": "leave", "since": "2024-04-02T00:00:00+08:00", "until": "2024-04-03"}
    ).json()["items"]
    assert [a["id"] for a in got] == ["l-2", "s-1"]
    seen, cursor = [], None
    while True:
        params = {"kind": "leave", "limit": 3} | ({"cursor": cursor} if cursor else {})
        page = env.get("/acts", params=params).json()
        seen += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["l-1", "l-2", "s-1", "s-2"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": 5000}, "limit"),
        ({"cursor": "!!garbage"}, "cursor"),
        ({"cursor": "WzEsMl0"}, "cursor"),  # valid base64 of [1,2], wrong types
        ({"since": "2024-13-01"}, "since"),
        ({"until": "soon"}, "until"),
        ({"kind": "picnic"}, "kind"),
    ],
)
def test_bad_query_params_are_a_422_naming_the_param(env: Env, params: dict[str, Any], field: str) -> None:
    r = env.get("/acts", params=params)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == field


# ---- import -----------------------------------------------------------------------------------
def _jsonl(*acts: Any) -> bytes:
    return "\n".join(json.dumps(a, ensure_ascii=False) if not isinstance(a, str) else a for a in acts).encode()


def test_a_jsonl_upload_imports_line_by_line_and_reports_rejected_lines(env_any: Env) -> None:
    env = env_any
    data = _jsonl(INCIDENT[0], "{broken", {**INCIDENT[1], "by": "p-ghost"}, INCIDENT[2]) + b"\n\xff\xfe\n"
    r = env.post("/imports", files={"file": ("log.jsonl", data, "application/x-ndjson")})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["imported"], body["duplicate"], body["rejected"]) == (2, 0, 3)
    assert [(e["line"], e["field"], e["code"]) for e in body["rejected_lines"]] == [
        (2, "", "bad_json"),
        (3, "by", "unknown_person"),
        (5, "", "bad_encoding"),
    ]
    again = env.post("/imports", files={"file": ("log.jsonl", _jsonl(*INCIDENT), "application/x-ndjson")}).json()
    assert (again["imported"], again["duplicate"]) == (1, 2)


def test_an_org_file_upload_imports_the_chart_and_a_bad_one_is_reported(env: Env) -> None:
    second = yaml.safe_dump(dict(COUNTY, jurisdiction="dongqu", pack="dongqu-2012"), allow_unicode=True).encode()
    r = env.post("/imports", files={"file": ("dongqu.yaml", second, "application/yaml")})
    assert r.status_code == 200 and r.json()["imported"] > 30 and r.json()["rejected"] == 0
    assert env.services.ledger.jurisdictions() == ["dongqu", "lecheng"]
    r = env.post("/imports", files={"file": ("bad.yaml", b"units: [unclosed", "application/yaml")})
    assert r.status_code == 200 and r.json()["rejected_lines"][0]["code"] == "bad_file"
    r = env.post("/imports", files={"file": ("bad.json", b"[1, 2]", "application/json")})
    assert r.status_code == 200 and r.json()["rejected_lines"][0]["code"] == "not_an_object"
    r = env.post("/imports", files={"file": ("notes.txt", b"hello", "text/plain")})
    assert r.status_code == 422 and r.json()["error"] == r.json()["error"] | {
        "field": "file",
        "code": "unsupported_file",
    }
    r = env.post("/imports")
    assert r.status_code == 422 and r.json()["error"]["field"] == "file"


def test_a_clerks_import_rejects_the_lines_of_other_units_and_org_files(env: Env) -> None:
    data = _jsonl(
        *INCIDENT, LEAVE_SFJ[0], act("o-1", "ORG-lecheng", "org", "unit_created", "2024-01-01T00:00:00+08:00")
    )
    body = env.post("/imports", "clerk_fgj", files={"file": ("log.jsonl", data, "application/x-ndjson")}).json()
    assert body["imported"] == 3
    assert [(e["line"], e["code"]) for e in body["rejected_lines"]] == [(4, "forbidden_unit"), (5, "forbidden")]
    org = yaml.safe_dump(COUNTY, allow_unicode=True).encode()
    r = env.post("/imports", "clerk_fgj", files={"file": ("county.yaml", org, "application/yaml")})
    assert r.status_code == 403
    for who in ("supervisor", "auditor"):
        assert env.post("/imports", who, files={"file": ("log.jsonl", data, "application/x-ndjson")}).status_code == 403


def test_recorded_times_come_from_the_apps_clock(env: Env) -> None:
    env.clock.now = datetime(2024, 3, 6, 1, 0, tzinfo=UTC)
    r = env.post("/acts", json=INCIDENT[0])
    assert r.json()["results"][0]["recorded_at"] == "2024-03-06T01:00:00+00:00"


def test_text_the_database_cannot_store_is_a_422_not_a_500(env_any: Env) -> None:
    """PostgreSQL text cannot hold NUL; a lone surrogate is not UTF-8 — refused on both backends."""
    env = env_any
    before = env.services.ledger.count("lecheng")
    r = env.post("/acts", json={"acts": [INCIDENT[0], {**INCIDENT[1], "data": {"channel": "pho\x00ne"}}]})
    assert r.status_code == 422 and (r.json()["error"]["field"], r.json()["error"]["index"]) == (
        "acts[1].data.channel",
        1,
    )
    surrogate = json.dumps(INCIDENT[0]).replace('"INC-1"', '"INC-\\ud800"').encode()
    r = env.client.post("/acts", content=surrogate, headers={**env.h("admin"), "content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "case"
    for path in ("/acts?case=a%00", "/cases/a%00b", "/violations/v-%00", "/violations?unit=%00"):
        r = env.get(path)
        assert r.status_code == 422 and r.json()["error"]["code"] == "bad_character", path
    data = _jsonl({**INCIDENT[0], "case": "A\x00"}, INCIDENT[1])
    body = env.post("/imports", files={"file": ("x.jsonl", data, "application/x-ndjson")}).json()
    assert body["imported"] == 1 and body["rejected_lines"][0]["code"] == "bad_character"
    assert env.services.ledger.count("lecheng") == before + 1  # the one good line; nothing of the rest

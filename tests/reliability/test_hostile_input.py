"""Hostile input (恶意输入), on SQLite and PostgreSQL: whatever a client sends, the API answers
in its error shape naming what is wrong — never a 500 — and stores nothing of a refused
request; an import stores its good lines exactly once and names each bad one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli import app as cli
from ledger.store import Ledger
from tests.api.conftest import Env
from tests.conftest import COUNTY, act
from tests.reliability.api_env import seeded_api


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    with seeded_api(request.param, tmp_path_factory.mktemp("hostile")) as env:
        yield env


def _incident(i: str, **over: Any) -> dict[str, Any]:
    a = act(f"h-{i}", f"INC-H-{i}", "incident", "occurred", "2024-05-01T10:00:00+08:00", grade="general")
    return {**a, **over}


def _deep(levels: int) -> Any:
    v: Any = 1
    for _ in range(levels):
        v = [v]
    return v


def _raw(body: Any) -> bytes:
    return body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()


#: (what, body of POST /acts as a clerk of 发改局, field the error names (prefix), status)
BODIES: list[tuple[str, Any, str, int]] = [
    ("malformed JSON", b'{"acts": [', "body", 422),
    ("invalid UTF-8", b'{"id": "\xff\xfe"}', "body", 422),
    ("not an object", b"[1, 2, 3]", "body", 422),
    ("a bare string", b'"acts"', "body", 422),
    ("acts not a list", {"acts": {"a": 1}}, "acts", 422),
    ("an empty batch", {"acts": []}, "acts", 422),
    ("an act that is a number", {"acts": [5]}, "acts[0]", 422),
    ("time as a number", _incident("t", at=1714528800), "at", 422),
    ("case as a list", _incident("c", case=["INC-1"]), "case", 422),
    ("data as a string", _incident("d", data="grade=general"), "data", 422),
    ("a missing field", {k: v for k, v in _incident("m").items() if k != "by"}, "by", 422),
    ("NUL in a value", _incident("n", case="INC\x00"), "case", 422),
    ("NUL in a data key", _incident("k", data={"grade": "general", "x\x00": 1}), "data", 422),
    ("a lone surrogate", b'{"id": "h-s", "case": "INC-\\ud800"}', "case", 422),
    ("a control character in an id", _incident("ctl", id="h-ctl\n"), "id", 422),
    ("a year out of range", _incident("y", at="9999-12-31T23:59:59-05:00"), "at", 422),
    ("a time in data without offset", _incident("o", act="occurred", data={"grade": "general"}) | {
        "kind": "supervision", "act": "registered", "case": "SUP-H", "data": {"deadline": "2024-06-30T17:00:00"}},
     "data.deadline", 422),
    ("nesting 300 deep", _incident("deep", data={"grade": "general", "x": _deep(300)}), "data.x", 422),
    ("nesting 100 000 deep", b'{"x":' + b"[" * 100_000 + b"]" * 100_000 + b"}", "body", 422),
    ("an integer beyond 64 bits", _incident("big", data={"grade": "general", "n": 2**80}), "data.n", 422),
    ("NaN", b'{"id": "h-nan", "case": "INC-NAN", "kind": "incident", "act": "occurred", "at": '
     b'"2024-05-01T10:00:00+08:00", "by": "p-sun", "unit": "u-fgj", "data": {"grade": "general", "n": NaN}}',
     "data.n", 422),
    ("one act too large", _incident("huge", data={"grade": "general", "note": "大" * 200_000}), "", 422),
    ("a reserved case id", _incident("r", case="ORG-lecheng"), "case", 422),
    ("an unknown kind", _incident("u", kind="picnic"), "kind", 422),
    ("5001 acts", {"acts": [_incident(f"b{i}") for i in range(5001)]}, "acts", 422),
    ("100 000 acts", {"acts": [_incident(f"c{i}") for i in range(100_000)]}, "", 413),
    ("another unit's act", _incident("x", unit="u-sfj", by="p-zhou"), "unit", 403),
]  # fmt: skip


@pytest.mark.parametrize(("what", "body", "field", "status"), BODIES, ids=[b[0] for b in BODIES])
def test_a_hostile_body_is_refused_naming_what_is_wrong_and_stores_nothing(
    api: Env, what: str, body: Any, field: str, status: int
) -> None:
    before = api.services.ledger.count()
    h = {**api.h("clerk_unit"), "content-type": "application/json"}
    r = api.client.post("/acts", content=_raw(body), headers=h)
    assert r.status_code == status, r.text[:500]
    err = r.json()["error"]
    assert err["code"] and err["message_zh"] and err["message_en"]
    assert (err.get("field") or "").startswith(field), err
    assert api.services.ledger.count() == before


def test_duplicate_ids_are_stored_once_and_a_reused_id_stores_nothing(api: Env) -> None:
    before = api.services.ledger.count()
    a, b = _incident("dup1"), _incident("dup2")
    r = api.post("/acts", "clerk_unit", json={"acts": [a, b, a]})
    assert r.status_code == 201 and (r.json()["stored"], r.json()["duplicate"]) == (2, 1)
    r = api.post("/acts", "clerk_unit", json={"acts": [a, b]})  # a retry: nothing doubled
    assert r.status_code == 200 and (r.json()["stored"], r.json()["duplicate"]) == (0, 2)
    other = {**_incident("dup3"), "id": a["id"]}  # the same id, other content
    r = api.post("/acts", "clerk_unit", json={"acts": [_incident("dup4"), other]})
    assert r.status_code == 422 and (r.json()["error"]["code"], r.json()["error"]["index"]) == ("id_conflict", 1)
    assert api.services.ledger.count() == before + 2


QUERIES = [
    ("/violations?since=9999-99-99", "since"),
    ("/violations?until=yesterday", "until"),
    ("/violations?sort=sideways", "sort"),
    ("/violations?severity=apocalyptic", "severity"),
    ("/cases?limit=0", "limit"),
    ("/cases?limit=100000", "limit"),
    ("/acts?cursor=not-a-cursor", "cursor"),
    ("/cases?open=perhaps", "open"),
    ("/cases/LEV-1?as_of=soon", "as_of"),
    ("/cases/LEV-1?recorded_as_of=0000-00-00", "recorded_as_of"),
    ("/bulletin?month=0000-13", "month"),
    ("/violations?unit=u%00fgj", "unit"),
    ("/cases/LEV%00-1", "case_id"),
]


@pytest.mark.parametrize(("path", "field"), QUERIES, ids=[q[0] for q in QUERIES])
def test_a_hostile_query_is_a_422_naming_the_parameter(api: Env, path: str, field: str) -> None:
    r = api.get(path, "auditor")
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == field


@pytest.mark.parametrize(
    "path",
    [
        "/cases/LEV-1?as_of=9999-12-31T23:59:59-05:00",
        "/cases/LEV-1?as_of=0001-01-01T00:00:00%2B14:00",
        "/violations?since=0001-01-01&until=9999-12-31",
        "/cases?kind=" + "x" * 10_000,
        "/cases/" + "y" * 10_000,
        "/violations/" + "v-" + "f" * 5_000,
    ],
)
def test_an_extreme_but_well_formed_query_is_answered(api: Env, path: str) -> None:
    r = api.get(path, "auditor")
    assert r.status_code in (200, 404, 422), r.text[:300]
    if r.status_code != 200:
        assert r.json()["error"]["code"]


def _lines(*items: Any) -> bytes:
    return b"\n".join(x if isinstance(x, bytes) else json.dumps(x, ensure_ascii=False).encode() for x in items)


def test_an_upload_stores_its_good_lines_once_and_names_each_bad_one(api: Env) -> None:
    good = [_incident(f"up{i}") for i in range(3)]
    data = _lines(
        good[0],
        b'{"id": "bad\xff"}',  # 2: not UTF-8
        b"{not json",  # 3
        _incident("upn", case="A\x00"),  # 4: NUL
        good[1],
        _incident("upd", data={"x": _deep(300)}),  # 6: too deep
        _incident("upr", case="ACCESS-p-li-2024-01-10"),  # 7: reserved
        _incident("upt", at="0001-01-01T00:00:00+08:00"),  # 8: year
        good[2],
    )
    before = api.services.ledger.count()
    for attempt in range(2):  # the second upload of the same file stores nothing more
        body = api.post("/imports", "clerk_unit", files={"file": ("log.jsonl", data, "application/x-ndjson")}).json()
        assert (body["imported"], body["duplicate"]) == ((3, 0) if attempt == 0 else (0, 3))
        codes = {e["line"]: e["code"] for e in body["rejected_lines"]}
        assert codes == {
            2: "bad_encoding",
            3: "bad_json",
            4: "bad_character",
            6: "too_deep",
            7: "reserved_case",
            8: "bad_time",
        }, codes
    assert api.services.ledger.count() == before + 3


def test_a_hostile_org_file_upload_stores_nothing(api: Env) -> None:
    before = api.services.ledger.count()
    broken = dict(COUNTY, units=[*COUNTY["units"], {"id": "u-a", "name": "甲", "parent": "u-a"}])
    for name, content in (
        ("cycle.json", json.dumps(broken).encode()),
        ("bomb.yaml", b"a: &a [1, 2]\nb: &b [*a, *a, *a]\nunits: [*b, *b, *b]\njurisdiction: lecheng\n"),
        ("deep.yaml", b"units: " + b"[" * 5000 + b"]" * 5000 + b"\n"),
        ("notutf8.yaml", b"jurisdiction: \xff\xfe\n"),
    ):
        r = api.post("/imports", "admin", files={"file": (name, content, "application/yaml")})
        assert r.status_code == 200, (name, r.text)
        assert r.json()["imported"] == 0 and r.json()["rejected_lines"], (name, r.json())
    assert api.services.ledger.count() == before


def test_the_chain_is_intact_after_all_of_it(api: Env) -> None:
    assert api.post("/verify", "auditor").json()["ok"]


def test_ledger_import_of_a_hostile_file_keeps_good_lines_exactly_once(db_url: str, tmp_path: Path) -> None:
    org = tmp_path / "county.json"
    org.write_text(json.dumps(COUNTY, ensure_ascii=False), encoding="utf-8")
    good = [_incident(f"cli{i}") for i in range(3)]
    log = tmp_path / "acts.jsonl"
    log.write_bytes(
        _lines(
            good[0],
            b'{"id": "bad\xff"}',
            _incident("cli-n", data={"grade": "general", "n": 2**70}),
            good[1],
            _incident("cli-d", data={"x": _deep(300)}),
            good[2],
        )
        + b"\n"
    )
    run = CliRunner().invoke
    for _ in range(2):
        r = run(cli, ["--db", db_url, "--lang", "en", "import", str(org), str(log)])
        assert r.exit_code == 1 and "Traceback" not in r.output, r.output
        assert "acts.jsonl:2" in r.output and "acts.jsonl:3" in r.output and "acts.jsonl:5" in r.output
    with Ledger(db_url) as led:
        assert sorted(a.id for a in led.acts("lecheng", kind="incident", limit=100)) == sorted(g["id"] for g in good)

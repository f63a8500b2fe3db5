"""Size limits (大小上限): a request body, an upload, one act — refused whole, nothing stored;
an act nested too deep is one bad line, never a lost batch."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import app as cli
from ledger.store import Ledger
from ledger.validation import BatchValidator, env_size
from tests.api.conftest import INCIDENT, Env
from tests.conftest import COUNTY, act


def _deep(levels: int) -> Any:
    v: Any = 1
    for _ in range(levels):
        v = {"v": v}
    return v


def _big_batch(n: int) -> dict[str, Any]:
    return {
        "acts": [
            act(f"b-{i}", f"INC-B{i}", "incident", "occurred", "2024-05-01T10:00:00+08:00", grade="general")
            for i in range(n)
        ]
    }


def _chunks(body: bytes, size: int = 1024) -> Iterator[bytes]:
    for i in range(0, len(body), size):
        yield body[i : i + size]


def test_a_body_over_the_limit_is_a_413_in_the_error_shape_and_stores_nothing(env: Env) -> None:
    small = create_app(env.url, clock=env.clock, max_body=4096, max_upload=8192)
    client = TestClient(small)
    h = {**env.h("admin"), "content-type": "application/json"}
    body = json.dumps(_big_batch(40)).encode()
    n = env.services.ledger.count()
    for content in (body, _chunks(body)):  # announced by Content-Length, or streamed
        r = client.post("/acts", content=content, headers=h)
        assert r.status_code == 413, r.text
        assert r.json()["error"] == r.json()["error"] | {"code": "too_large", "field": "body"}
        assert "4096" in r.json()["error"]["message_en"] and r.json()["error"]["message_zh"]
    lines = b"\n".join(json.dumps(a).encode() for a in _big_batch(100)["acts"])
    r = client.post("/imports", files={"file": ("x.jsonl", lines, "application/x-ndjson")}, headers=env.h("admin"))
    assert r.status_code == 413 and "8192" in r.json()["error"]["message_en"]
    assert env.services.ledger.count() == n
    # under the limit the same app stores, and an upload may be larger than a JSON body
    assert client.post("/acts", json=_big_batch(3), headers=env.h("admin")).status_code == 201
    few = b"\n".join(json.dumps(a).encode() for a in _big_batch(30)["acts"][3:])
    r = client.post("/imports", files={"file": ("x.jsonl", few, "application/x-ndjson")}, headers=env.h("admin"))
    assert r.status_code == 200 and r.json()["imported"] == 27
    small.state.services.close()


def test_one_act_over_its_limit_is_a_422_naming_the_act(env: Env) -> None:
    n = env.services.ledger.count()
    huge = {**INCIDENT[1], "data": {**INCIDENT[1]["data"], "note": "x" * 300_000}}  # type: ignore[dict-item]
    r = env.post("/acts", "clerk_fgj", json={"acts": [INCIDENT[0], huge]})
    assert r.status_code == 422 and (r.json()["error"]["code"], r.json()["error"]["index"]) == ("act_too_large", 1)
    assert env.services.ledger.count() == n


def test_nesting_too_deep_is_a_422_naming_the_field(env: Env) -> None:
    deep = {**INCIDENT[0], "data": {"grade": "general", "detail": _deep(300)}}
    r = env.post("/acts", "clerk_fgj", json=deep)
    assert r.status_code == 422 and (r.json()["error"]["field"], r.json()["error"]["code"]) == (
        "data.detail",
        "too_deep",
    )
    h = {**env.h("clerk_fgj"), "content-type": "application/json"}
    r = env.client.post("/acts", content=b'{"x":' + b"[" * 100_000 + b"]" * 100_000 + b"}", headers=h)
    assert r.status_code == 422 and r.json()["error"]["field"] == "body"


def test_ledger_import_refuses_a_line_nested_too_deep_and_keeps_the_good_lines(db_url: str, tmp_path: Path) -> None:
    """The batch the bad line arrived in is not lost (issue 9, point 7) — on both backends."""
    org = tmp_path / "county.json"
    org.write_text(json.dumps(COUNTY, ensure_ascii=False), encoding="utf-8")
    log = tmp_path / "acts.jsonl"
    good = [
        act(f"g-{i}", f"INC-{i}", "incident", "occurred", "2024-05-01T10:00:00+08:00", grade="general")
        for i in range(5)
    ]
    bad = {**good[0], "id": "bad", "case": "INC-BAD", "data": {"detail": _deep(300)}}
    worse = {**good[0], "id": "worse", "case": "INC-W", "data": {"n": 2**70}}
    log.write_text("\n".join(json.dumps(x) for x in [*good[:2], bad, worse, *good[2:]]) + "\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["--db", db_url, "import", str(org), str(log)])
    assert r.exit_code == 1, r.output  # bad lines: reported, exit 1
    assert "too_deep" in r.output or "nested deeper" in r.output
    with Ledger(db_url) as led:
        assert {a.id for a in led.acts("lecheng", kind="incident", limit=100)} == {a["id"] for a in good}


def test_the_act_size_limit_is_configurable(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEDGER_MAX_ACT_BYTES", "1KiB")
    assert env_size("LEDGER_MAX_ACT_BYTES", 0) == 1024
    with Ledger(db_url) as led:
        assert BatchValidator(led).max_act_bytes == 1024
    monkeypatch.setenv("LEDGER_MAX_ACT_BYTES", "lots")
    with pytest.raises(ValueError, match="LEDGER_MAX_ACT_BYTES"):
        env_size("LEDGER_MAX_ACT_BYTES", 0)

"""Every violation says whether a wrong act happened (``breach``), the owed act came ``late``,
or is ``missing`` — in JSON, CSV, the API and the frames, with a ``state`` filter (违规性质)."""

from __future__ import annotations

import csv
import io
import json
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import app
from ledger.clock import tick
from ledger.mapping import import_mapped
from ledger.store import Ledger
from projections.analytics import violations_frame
from projections.audit import VIOLATIONS, AuditProjection
from tests.claims import write_claims

runner = CliRunner()

#: The claims log's violations once the clock has run: (rule, case) → state.
EXPECTED = {
    ("CLM-PAY-AFTER-APPROVAL", "C2"): "breach",  # paid with no approval
    ("CLM-BIG-NEEDS-REVIEW", "C3"): "breach",  # approved 5000 with no review
    ("CLM-PAY-WITHIN-2D", "C3"): "late",  # paid 8 days after the approval
    ("CLM-PAY-WITHIN-2D", "C4"): "missing",  # never paid: the clock recorded it
}


@pytest.fixture
def db(tmp_path: Path, restored_packs: None) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'claims.db'}"
    m, log, _ = write_claims(tmp_path)
    with Ledger(url) as led:
        assert not import_mapped(led, log, m).rejected
        tick(led, datetime(2024, 12, 31, tzinfo=UTC))
    yield url


def cli(db: str, *args: str) -> str:
    r = runner.invoke(app, ["--db", db, "--lang", "en", *args])
    assert r.exit_code == 0, r.output
    return r.stdout


def test_violations_json_carries_the_state(db: str) -> None:
    vs = json.loads(cli(db, "violations", "--format", "json"))
    assert {(v["rule"], v["case"]): v["state"] for v in vs} == EXPECTED


def test_violations_csv_has_a_state_column(db: str) -> None:
    rows = list(csv.DictReader(io.StringIO(cli(db, "violations", "--format", "csv"))))
    assert {(r["rule"], r["case"]): r["state"] for r in rows} == EXPECTED


def test_violations_filtered_by_state(db: str) -> None:
    late = json.loads(cli(db, "violations", "--format", "json", "--state", "late"))
    assert [(v["rule"], v["case"]) for v in late] == [("CLM-PAY-WITHIN-2D", "C3")]
    r = runner.invoke(app, ["--db", db, "violations", "--state", "overdue"])
    assert r.exit_code == 2


def test_api_violations_carry_the_state_and_filter_by_it(db: str) -> None:
    api = create_app(db)
    try:
        _tok, secret = api.state.services.tokens.create("auditor")
        client = TestClient(api)
        h = {"Authorization": f"Bearer {secret}"}
        items = client.get("/violations", headers=h).json()["items"]
        assert {(v["rule"], v["case"]): v["state"] for v in items} == EXPECTED
        missing = client.get("/violations", headers=h, params={"state": "missing"}).json()["items"]
        assert [(v["rule"], v["case"]) for v in missing] == [("CLM-PAY-WITHIN-2D", "C4")]
        assert client.get("/violations", headers=h, params={"state": "overdue"}).status_code == 422
        one = client.get(f"/violations/{missing[0]['id']}", headers=h).json()
        assert one["state"] == "missing"
    finally:
        api.state.services.close()


def test_violations_frame_has_a_state_categorical(db: str) -> None:
    df = violations_frame(db)
    assert list(df["state"].cat.categories) == ["breach", "late", "missing"]
    assert {(r.rule, r.case): r.state for r in df.itertuples()} == EXPECTED
    assert list(violations_frame(db, state="late")["case"]) == ["C3"]


def test_a_violations_view_from_before_the_state_column_is_rebuilt(db: str) -> None:
    with Ledger(db) as led:
        AuditProjection(led).run()
        led.execute(f"ALTER TABLE {VIOLATIONS} DROP COLUMN state")  # as an older ledger left it
        p = AuditProjection(led)
        assert p.position() == 0  # dropped: the next run rebuilds it
        p.run()
        assert {(v["rule"], v["case"]): v["state"] for v in p.violations()} == EXPECTED

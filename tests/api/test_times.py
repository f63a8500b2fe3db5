"""Business times (业务时间): refused outside 1900–2200 and without an offset, in ``at`` and in
``data`` alike; and every read survives whatever time a ledger already holds."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli import app as cli
from domain.acts import Act
from tests.api.conftest import INCIDENT, Env
from tests.conftest import act

EDGES = ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+08:00", "1899-12-31T23:59:59+08:00"]


@pytest.mark.parametrize("at", EDGES)
def test_a_time_outside_the_accepted_years_is_a_422_naming_at(env: Env, at: str) -> None:
    n = env.services.ledger.count()
    r = env.post("/acts", "clerk_fgj", json={**INCIDENT[0], "at": at})
    assert r.status_code == 422 and (r.json()["error"]["field"], r.json()["error"]["code"]) == ("at", "bad_time")
    assert env.services.ledger.count() == n


def test_a_time_in_data_without_an_offset_is_a_422_naming_it(env: Env) -> None:
    item = act("s-1", "SUP-1", "supervision", "registered", "2024-05-06T09:00:00+08:00", deadline="2024-06-30T17:00:00")
    r = env.post("/acts", "clerk_fgj", json={"acts": [INCIDENT[0], item]})
    assert r.status_code == 422, r.text
    assert (r.json()["error"]["field"], r.json()["error"]["index"]) == ("acts[1].data.deadline", 1)
    item["data"]["deadline"] = "9999-12-31T23:59:59-05:00"
    assert env.post("/acts", "clerk_fgj", json=item).json()["error"]["field"] == "data.deadline"
    item["data"]["deadline"] = "2024-06-30"  # a bare day: the whole of that day
    assert env.post("/acts", "clerk_fgj", json=item).status_code == 201


def _stored_long_ago(env: Env) -> None:
    """Acts with times no longer accepted, appended past validation (a ledger written before)."""
    minus5, plus8 = timezone(timedelta(hours=-5)), timezone(timedelta(hours=8))
    late, early = datetime(9999, 12, 31, 23, 59, 59, tzinfo=minus5), datetime(1, 1, 1, tzinfo=plus8)
    ok = datetime(2024, 3, 5, 10, tzinfo=plus8)

    def a(i: str, case: str, kind: str, name: str, at: datetime, **data: Any) -> Act:
        return Act(i, "lecheng", case, kind, name, at, "p-sun", "u-fgj", MappingProxyType(data))

    env.services.ledger.append(
        [
            a("x-1", "INC-LATE", "incident", "occurred", late, grade="larger"),
            a("x-2", "INC-EARLY", "incident", "occurred", early, grade="larger"),
            a("x-3", "INC-EARLY", "incident", "reported", ok, channel="phone", to_level="local_gov"),
            a("x-4", "LEV-X", "leave", "requested", ok, start=late, end=early, scope="out_of_city"),
            a("x-5", "LEV-X", "leave", "departed", late),
            a("x-6", "SUP-X", "supervision", "registered", ok, deadline=late, responsible_unit="u-fgj"),
        ]
    )


def test_every_read_survives_any_stored_time(env_any: Env) -> None:
    env = env_any
    _stored_long_ago(env)
    for who in ("admin", "auditor", "clerk_fgj"):
        for path in (
            "/violations",
            "/cases",
            "/acts",
            "/cases/INC-LATE",
            "/cases/INC-EARLY/timeline",
            "/cases/LEV-X",
            "/cases/SUP-X?as_of=2024-12-31",
            "/bulletin?month=2024-03",
        ):
            r = env.get(path, who)
            assert r.status_code == 200, (who, path, r.text)
    assert {c["case"] for c in env.get("/cases").json()["items"]} >= {"INC-LATE", "INC-EARLY", "LEV-X", "SUP-X"}
    for args in (["violations"], ["replay", "LEV-X"], ["verify"]):
        r = CliRunner().invoke(cli, ["--db", env.url, *args])
        assert r.exit_code == 0, (args, r.output)

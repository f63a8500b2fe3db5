"""The pages' reads of the audit views (api/queries.py) on SQLite and PostgreSQL: the table's
status filter and sort, counts, the dashboard's aggregates and the bulletin's prefilter."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from api.queries import (
    ViolationFilter,
    by_family_and_month,
    count,
    freshness,
    month_bulletin,
    open_by_unit,
    status_counts,
    violation_page,
    violation_rows,
    years,
)
from api.viewcache import ViewCache
from tests.api.conftest import INCIDENT, LEAVE_FGJ, LEAVE_SFJ, Env, make_env
from tests.api.test_violations import supervision
from tests.conftest import FakeClock, act
from tests.ui.conftest import bulletin_of_every_item


@pytest.fixture
def county(db_url: str, clock: FakeClock) -> Iterator[Env]:
    """The small county with two leaves and an incident recorded, one violation acknowledged and
    one justified through the API."""
    e = make_env(db_url, clock)
    assert e.post("/acts", json={"acts": [*LEAVE_FGJ, *LEAVE_SFJ, *INCIDENT]}).status_code == 201
    vs = e.get("/violations").json()["items"]
    first, second = vs[0]["id"], vs[1]["id"]
    assert e.post(f"/violations/{first}/acknowledge", "supervisor").status_code == 201
    assert e.post(f"/violations/{second}/acknowledge", "supervisor").status_code == 201
    assert e.post(f"/violations/{second}/justify", "supervisor", json={"basis": "依据"}).status_code == 201
    yield e
    e.services.close()


def test_the_table_filters_counts_and_sorts_by_follow_up_status_as_the_api_reads_it(county: Env) -> None:
    s = county.services
    proj = s.projection()
    flt = ViolationFilter(statuses=s.statuses())
    every = county.get("/violations").json()["items"]
    rows = violation_page(proj, flt, sort="at", descending=False, limit=100)
    assert count(proj, flt) == len(every) and [r["id"] for r in rows] == [v["id"] for v in every]
    assert [r["status"] for r in rows] == [v["status"] for v in every]
    for st in ("open", "acknowledged", "justified", "remediated"):
        api = county.get("/violations", params={"status": st}).json()["items"]
        got = violation_page(proj, replace(flt, status=st), limit=100)
        assert count(proj, replace(flt, status=st)) == len(api) and {r["id"] for r in got} == {v["id"] for v in api}, st
    assert status_counts(proj, flt) == {
        st: len(county.get("/violations", params={"status": st}).json()["items"])
        for st in ("open", "acknowledged", "justified", "remediated")
    }
    by_status = violation_page(proj, flt, sort="status", descending=False, limit=100)
    order = ["open", "acknowledged", "justified", "remediated"]
    assert [r["status"] for r in by_status] == sorted((r["status"] for r in by_status), key=order.index)
    assert [r["id"] for r in violation_rows(proj, flt, sort="status", descending=False, batch=2)] == [
        r["id"] for r in by_status
    ]


def test_the_dashboards_aggregates_add_up(county: Env) -> None:
    s = county.services
    proj = s.projection()
    flt = ViolationFilter(statuses=s.statuses())
    every = county.get("/violations").json()["items"]
    grid = by_family_and_month(proj, flt)
    assert sum(n for m in grid.values() for n in m.values()) == len(every)
    assert set(grid) == {v["at"][:7] for v in every}
    assert years(proj, flt) == ["2024"]
    top = open_by_unit(proj, flt)
    opened = [v for v in every if v["status"] == "open"]
    assert sum(n for _j, _u, n in top) == len(opened)
    assert top[0][2] == max(sum(1 for v in opened if v["unit"] == u) for u in {v["unit"] for v in opened})
    clerk = replace(flt, restrict=("unit IN (?)", ("u-sfj",)))
    assert {u for _j, u, _n in open_by_unit(proj, clerk)} <= {"u-sfj"}
    f = freshness(proj, s.ledger.jurisdictions())
    assert f.lag == 0 and f.last_recorded is not None


def test_the_bulletin_cache_reads_through_the_case_view_on_either_backend(county: Env) -> None:
    done = act("S-3-c", "S-3", "supervision", "completed", "2024-03-05T10:00:00+08:00", unit="u-fgj", report=True)
    items = [*supervision("S-1", "u-fgj", "2024-03-31"), *supervision("S-2", "u-sfj", "2024-03-20")]
    items += [*supervision("S-3", "u-fgj", "2024-03-10"), done]
    assert county.post("/acts", json={"acts": items}).status_code == 201
    s = county.services
    cache = ViewCache()
    for now in (datetime(2024, 3, 25, 1, tzinfo=UTC), datetime(2024, 5, 2, 1, tzinfo=UTC)):
        county.clock.now = now
        for month in ("2024-02", "2024-03", "2024-04"):
            api = county.get("/bulletin", params={"month": month}).json()["rows"]
            ours = [
                {"jurisdiction": j, **r.to_dict()}
                for j in s.ledger.jurisdictions()
                for r in month_bulletin(cache, s, j, month, now)
            ]
            assert ours == api == bulletin_of_every_item(s, month, now), (now, month)
    assert any(r["overdue"] for r in api)

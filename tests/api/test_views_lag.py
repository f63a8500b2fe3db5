"""A request catches the audit views up by a bounded amount and sends the lag left as
``Ledger-Lag``; with ``ledger follow`` processes configured it only reads them."""

from __future__ import annotations

import pytest

from api import services as services_module
from projections.audit import AuditProjection
from tests.api.conftest import INCIDENT, LEAVE_FGJ, LEAVE_SFJ, Env


def test_a_request_catches_up_a_bounded_amount_and_sends_the_lag(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    assert env.get("/violations").headers["Ledger-Lag"] == "0"
    monkeypatch.setattr(services_module, "IN_REQUEST_ACTS", 1)
    assert env.post("/acts", json={"acts": [*LEAVE_FGJ, *LEAVE_SFJ, *INCIDENT]}).status_code == 201
    lags = [int(env.get("/violations", who="auditor").headers["Ledger-Lag"]) for _ in range(8)]
    assert lags[0] > 0, "seven acts stored, one caught up a time: some left"
    assert lags == sorted(lags, reverse=True) and lags[-1] == 0
    assert {v["case"] for v in env.get("/violations").json()["items"]} >= {"LEV-1", "LEV-2"}


def test_with_followers_configured_a_request_only_reads_the_views(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    env.get("/violations")
    monkeypatch.setattr(env.services, "followers", 1)
    assert env.post("/acts", json={"acts": LEAVE_FGJ}).status_code == 201
    r = env.get("/violations")
    assert r.json()["items"] == [] and int(r.headers["Ledger-Lag"]) >= 2
    AuditProjection(env.services.ledger).run()  # what ledger follow does
    r = env.get("/violations")
    assert r.headers["Ledger-Lag"] == "0" and {v["case"] for v in r.json()["items"]} == {"LEV-1"}


def test_page_results_are_not_kept_while_the_views_are_behind(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    s = env.services
    js = s.ledger.jurisdictions()
    assert s.view_version(js) is not None
    monkeypatch.setattr(s, "followers", 1)
    assert env.post("/acts", json={"acts": LEAVE_FGJ}).status_code == 201
    assert s.view_version(js) is None, "the views miss the new acts: nothing is kept"
    assert s.views_position() < s.ledger.max_notification_id()
    AuditProjection(s.ledger).run()  # what ledger follow does
    assert s.view_version(js) is not None
    assert s.views_position() == s.ledger.max_notification_id()


def test_a_write_is_in_the_views_when_it_is_answered(env: Env) -> None:
    """A writer's acts are caught up before its answer: whoever reads after it sees them."""
    env.get("/violations")
    s = env.services
    assert env.post("/acts", json={"acts": LEAVE_FGJ}).status_code == 201
    assert s._projection.position() == s.ledger.max_notification_id(), "caught up before the answer"


def test_a_read_does_not_wait_for_a_catch_up_under_way(env: Env) -> None:
    """While another request of the process catches the views up (or a what-if holds them), a
    read waits a moment at most (READ_WAITS_FOR_CATCH_UP), then is answered from the views as
    they are, with their lag in ``Ledger-Lag``."""
    import time

    from ledger.importer import Importer

    env.get("/violations")
    s = env.services
    assert not Importer(s.ledger).import_raws(LEAVE_FGJ).rejected  # stored beside the API: views behind
    with s.projection_paused():  # as a catch-up under way in another thread
        t0 = time.monotonic()
        r = env.get("/violations")
        assert r.status_code == 200 and time.monotonic() - t0 < 10 * services_module.READ_WAITS_FOR_CATCH_UP
        assert int(r.headers["Ledger-Lag"]) == len(LEAVE_FGJ)
        assert r.json()["items"] == []
    r = env.get("/violations")
    assert r.headers["Ledger-Lag"] == "0" and {v["case"] for v in r.json()["items"]} == {"LEV-1"}


def test_requests_waiting_for_a_catch_up_take_a_run_that_began_after_they_asked() -> None:
    """逐一追赶: three requests at once — the first runs the follower; of the two that waited, one
    runs it again (the first run began before they asked) and the other takes that second run's
    result: two runs, not three, and none older than its request."""
    import threading
    import time

    from api.services import Runs

    class Slow:
        def __init__(self) -> None:
            self.began: list[float] = []

        def run(self) -> int:
            self.began.append(time.monotonic())
            time.sleep(0.3)
            return 7

    follower = Slow()
    runs = Runs(follower)  # type: ignore[arg-type]
    asked: dict[str, float] = {}
    got: dict[str, int | None] = {}

    def request(name: str) -> None:
        asked[name] = time.monotonic()
        got[name] = runs.catch_up()

    first = threading.Thread(target=request, args=("first",))
    first.start()
    time.sleep(0.1)
    later = [threading.Thread(target=request, args=(n,)) for n in ("b", "c")]
    for t in later:
        t.start()
    for t in (first, *later):
        t.join(10)
    assert len(follower.began) == 2, "the two that waited shared one run"
    assert got == {"first": 7, "b": 7, "c": 7}
    assert all(follower.began[-1] >= asked[n] for n in ("b", "c")), "no request got a run older than itself"

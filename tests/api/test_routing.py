"""Routes cost one thread hand-over a request (api/routing.py): a plain ``def`` route runs in
the thread pool, its parameters parsed and its answer validated by its model as FastAPI does."""

from __future__ import annotations

import threading

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from api.routing import OneHopRoute, one_hop


class Out(BaseModel):
    n: int
    thread: str


def test_a_sync_route_runs_once_in_a_worker_thread_and_its_answer_is_validated() -> None:
    router = APIRouter(route_class=OneHopRoute)
    calls: list[str] = []

    @router.get("/double", response_model=Out)
    def double(n: int) -> dict[str, object]:
        calls.append(threading.current_thread().name)
        return {"n": n * 2, "thread": threading.current_thread().name, "secret": "not in the model"}

    app = FastAPI()
    app.include_router(router)
    with TestClient(app) as client:
        r = client.get("/double", params={"n": 21})
        assert r.status_code == 200
        assert r.json()["n"] == 42 and "secret" not in r.json(), "the model still shapes the answer"
        assert r.json()["thread"] != threading.main_thread().name
        assert len(calls) == 1
        assert client.get("/double", params={"n": "x"}).status_code == 422, "parameters still parsed"


def test_an_async_endpoint_is_left_as_it_is() -> None:
    async def already() -> int:
        return 1

    assert one_hop(already) is already

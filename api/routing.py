"""Routes that cost one thread hand-over a request (一次线程切换).

FastAPI runs a plain ``def`` route in its thread pool, and then — the route being "sync" —
validates and serializes its answer in the thread pool again: two hand-overs to a worker thread
and back a request, each dearer than the validation itself, and under load each a wait in the
pool's queue. :class:`OneHopRoute` gives FastAPI an ``async`` endpoint that runs the route's body
in the thread pool once; the answer is then validated and serialized on the event loop, as
FastAPI does for ``async`` routes. Every route module's router uses it.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

__all__ = ["OneHopRoute", "one_hop"]


def one_hop(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """``endpoint`` as an ``async`` function with the same signature that runs it in the thread
    pool (an ``async`` endpoint is returned as it is)."""
    if inspect.iscoroutinefunction(endpoint) or not inspect.isfunction(endpoint):
        return endpoint

    @functools.wraps(endpoint)
    async def run(*args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(endpoint, *args, **kwargs)

    return run


class OneHopRoute(APIRoute):
    """An API route whose plain ``def`` endpoint runs through :func:`one_hop`."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, one_hop(endpoint), **kwargs)

"""The access log (查阅留痕): every read by an auditor or the supervision office is recorded in
the ledger as an ``access``/``viewed`` act — durably, before the read is answered, and
group-committed.

A read builds its access act(s) in its own request thread (:func:`access_acts`) and hands them
to its process's committer (:class:`AccessLog`), then waits. The committer takes every act
waiting and appends them with one :meth:`~ledger.store.Ledger.append` (one transaction per
jurisdiction). Before it commits, it waits for the other requests of its process that are still
on their way (:data:`ON_THEIR_WAY`: arrived, their acts not yet handed over), up to
``LEDGER_ACCESS_LINGER_MS`` after the first read of the group — so fifty readers at once cost a
few transactions, not fifty, and a read alone (nobody else on the way) is committed at once.

No read is answered whose access act a crash could lose: the answer is sent only after the
transaction holding its act has committed (:class:`AccessCommitted` holds the answer on the
event loop, so the route's thread is free meanwhile), and a commit is durable when it returns
(SQLite in WAL mode with ``synchronous=FULL``, the library's default: the WAL is synced at each
commit; PostgreSQL with ``synchronous_commit`` on, its default). A crash after an answer finds
the act stored; a crash before the commit loses the act of a read that was never answered.
A commit that fails fails every read of its group (500 ``access_log_failed``; nothing is
answered). Acts carry fresh ids, and an append is idempotent by id, so nothing is stored twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from api.auth import Principal
from api.errors import ApiError, ErrorJSON
from api.layers import HTTPLayer
from domain.acts import SYSTEM_ACTOR, Act
from domain.errors import ActError
from domain.org import OrgChart
from domain.system_cases import access_case
from domain.timeutil import format_datetime, local_date
from ledger.store import Ledger
from ledger.validation import BatchValidator

__all__ = ["AccessCommitted", "AccessLog", "access_acts"]

log = logging.getLogger("ledger.api")


def access_acts(
    ledger: Ledger,
    p: Principal,
    resource: str,
    query: Mapping[str, Any],
    jurisdictions: Iterable[str] | None,
    *,
    now: datetime,
    unit_of: Callable[[Principal, str, OrgChart], str | None],
) -> list[Act]:
    """The ``access``/``viewed`` acts (查阅记录) of one read: one in each jurisdiction the read
    covered (all the token may see when None), in the reader's case of the day
    (``ACCESS-<person or token>-<date>``), validated like any act. ``unit_of`` names the unit the
    act is recorded for (the reader's, else the office). Each jurisdiction's org chart is read
    once, for the unit and the validation both (on PostgreSQL each read is a round trip)."""
    js = list(dict.fromkeys(jurisdictions)) if jurisdictions is not None else None
    if js is None:
        js = [p.jurisdiction] if p.jurisdiction else ledger.jurisdictions()
    q = json.dumps({k: v for k, v in query.items() if v is not None}, ensure_ascii=False, sort_keys=True)
    reader = p.person or f"token-{p.token.id}"
    acts: list[Act] = []
    for j in js:
        org = ledger.org(j)
        unit = unit_of(p, j, org)
        if unit is None:  # no org chart: nothing to record against
            continue
        raw = {
            "id": f"acc-{uuid.uuid4().hex}",
            "jurisdiction": j,
            "case": access_case(reader, local_date(now, org.tz)),
            "kind": "access",
            "act": "viewed",
            "at": format_datetime(now),
            "by": p.person if p.person and org.is_person(p.person) else SYSTEM_ACTOR,
            "unit": unit,
            "data": {"resource": resource, "query": q, "role": p.role, "token": p.token.id, "person": p.person},
        }
        try:
            acts.append(BatchValidator(ledger, jurisdiction=j, orgs={j: org}).validate(raw))
        except ActError as e:  # pragma: no cover - the raw act is built from the org chart
            raise _failed(e) from e
    return acts


def _failed(e: BaseException) -> ApiError:
    return ApiError(
        500,
        "access_log_failed",
        "查阅记录未能写入账本，本次查询未予答复",
        f"the access record could not be stored, so the read is not answered: {e}",
    )


@dataclass(eq=False)
class _Waiting:
    """One read's acts, waiting for their group's commit."""

    acts: Sequence[Act]
    arrived: float = field(default_factory=time.monotonic)
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _callbacks: list[Callable[[], None]] = field(default_factory=list)

    def finish(self, error: BaseException | None) -> None:
        """The group's commit is over (``error`` when it failed): wake whoever waits."""
        with self._lock:
            self.error = error
            self.done.set()
            callbacks, self._callbacks = self._callbacks, []
        for cb in callbacks:
            cb()

    def when_done(self, cb: Callable[[], None]) -> None:
        """Call ``cb`` once the commit is over (at once if it is)."""
        with self._lock:
            if not self.done.is_set():
                self._callbacks.append(cb)
                return
        cb()

    async def committed(self) -> None:
        """Wait on the event loop, holding no thread, until the commit is over."""
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()

        def settle() -> None:
            if not fut.done():
                fut.set_result(None)

        def wake() -> None:
            loop.call_soon_threadsafe(settle)

        self.when_done(wake)
        await fut


class OnTheirWay:
    """The HTTP requests of this process that may yet hand access acts to a committer (来途中的查阅):
    counted from the moment a request arrives until it has handed its acts or begun its answer.
    While some are on their way, a committer waits for them (up to its ``linger``) so that they
    share its commit; when none is, it commits at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0
        self._listeners: list[threading.Condition] = []

    def listen(self, cond: threading.Condition) -> None:
        """Notify ``cond`` whenever the count falls to zero."""
        with self._lock:
            self._listeners.append(cond)

    def forget(self, cond: threading.Condition) -> None:
        with self._lock:
            if cond in self._listeners:
                self._listeners.remove(cond)

    def arrived(self, request: Answering) -> None:
        """``request`` has arrived: it may bring acts."""
        with self._lock:
            request.counted = True
            self.count += 1

    def left(self, request: Answering) -> None:
        """``request`` has handed its acts or begun its answer (once; later calls do nothing)."""
        with self._lock:
            if not request.counted:
                return
            request.counted = False
            self.count -= 1
            listeners = list(self._listeners) if self.count == 0 else []
        for cond in listeners:
            with cond:
                cond.notify_all()


#: The requests of this process on their way to a committer (one per process, as the threads).
ON_THEIR_WAY = OnTheirWay()


class Answering:
    """The access acts one HTTP request has handed to the committer, which its answer waits
    for (:class:`AccessCommitted`); ``started`` once the answer has begun to be sent; ``counted``
    while the request is among those :data:`ON_THEIR_WAY`."""

    def __init__(self) -> None:
        self.waiting: list[_Waiting] = []
        self.started = False
        self.counted = False


#: Set by :class:`AccessCommitted` around each HTTP request.
ANSWERING: ContextVar[Answering | None] = ContextVar("ledger_access_answering", default=None)


class AccessCommitted(HTTPLayer):
    """ASGI layer: an answer is sent only once the access acts of its request have committed
    (先留痕，后答复). The route's thread does not wait for the commit — it hands its acts to the
    committer and returns, and the answer waits here, on the event loop — so a few threads serve
    many audited reads while their acts commit together. If the commit failed, the answer
    prepared is dropped and a 500 ``access_log_failed`` is sent instead."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        answering = Answering()
        ON_THEIR_WAY.arrived(answering)
        token = ANSWERING.set(answering)
        replaced = False

        async def send_after_commit(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start":
                answering.started = True
                ON_THEIR_WAY.left(answering)
                error: BaseException | None = None
                for w in answering.waiting:
                    await w.committed()
                    error = error or w.error
                if error is not None:
                    replaced = True
                    err = _failed(error)
                    resp = ErrorJSON(err.body(), status_code=err.status)
                    await send({"type": "http.response.start", "status": err.status, "headers": resp.raw_headers})
                    await send({"type": "http.response.body", "body": resp.body})
                    return
            elif replaced:
                return
            await send(message)

        try:
            await self.app(scope, receive, send_after_commit)
        finally:
            ON_THEIR_WAY.left(answering)
            ANSWERING.reset(token)


class AccessLog:
    """Group commit of access acts (查阅记录的成组提交), one committer thread per process.

    :meth:`record` blocks until the acts are committed. ``max_group`` bounds the acts of one
    transaction. ``groups`` and ``acts`` count what was committed (for tests and status).
    ``on_their_way`` counts the requests that may yet bring acts (:data:`ON_THEIR_WAY`).
    """

    def __init__(
        self,
        ledger: Ledger,
        *,
        max_group: int = 2000,
        linger: float | None = None,
        on_their_way: OnTheirWay | None = None,
    ) -> None:
        self.ledger = ledger
        self.max_group = max_group
        self.linger = linger if linger is not None else float(os.environ.get("LEDGER_ACCESS_LINGER_MS", "50")) / 1000
        self.groups = 0
        self.acts = 0
        self._waiting: list[_Waiting] = []
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False
        self.on_their_way = on_their_way if on_their_way is not None else ON_THEIR_WAY
        self.on_their_way.listen(self._cond)

    def record(self, acts: Sequence[Act]) -> None:
        """Store ``acts`` in the next group commit; returns once it has committed — or, within
        an HTTP request answered through :class:`AccessCommitted`, at once, the answer waiting
        for the commit there. Raises :class:`~api.errors.ApiError` (500) when that commit failed."""
        if not acts:
            return
        w = _Waiting(acts)
        answering = ANSWERING.get()
        with self._cond:
            if self._closed:
                raise _failed(RuntimeError("the access log is closed"))
            self._waiting.append(w)
            if self._thread is None:
                self._thread = threading.Thread(target=self._commit_groups, name="ledger-access-log", daemon=True)
                self._thread.start()
            self._cond.notify()
        if answering is not None:  # outside the lock: the count's listeners take their own
            self.on_their_way.left(answering)
        if answering is not None and not answering.started:
            answering.waiting.append(w)  # the answer waits for the commit (AccessCommitted)
            return
        w.done.wait()
        if w.error is not None:
            raise _failed(w.error) from w.error

    def close(self) -> None:
        """Commit what is waiting, then stop the committer."""
        with self._cond:
            self._closed = True
            self._cond.notify()
            thread = self._thread
        if thread is not None:
            thread.join()
        self.on_their_way.forget(self._cond)

    def _next_group(self) -> list[_Waiting] | None:
        """Every read waiting now (up to ``max_group`` acts); None once closed and drained.

        While other requests of this process are still on their way (:data:`ON_THEIR_WAY`:
        arrived, their acts not yet handed over), the committer waits for them, up to ``linger``
        seconds (``LEDGER_ACCESS_LINGER_MS``, default 50 ms) after the first read of the group
        arrived — as PostgreSQL's ``commit_delay`` waits for company, but only when company is
        coming. A commit's fixed cost is most of an access act's (measured on SQLite at 1 M acts:
        1.4 ms of CPU for a group of one, 3.1 ms for a group of ten), and the reads waiting hold
        no thread (:class:`AccessCommitted`), so under load a larger group costs a little
        latency and saves throughput. A lone reader — nobody else on the way — is committed at
        once."""
        with self._cond:
            while not self._waiting and not self._closed:
                self._cond.wait()
            if not self._waiting:
                return None
            deadline = self._waiting[0].arrived + self.linger
            while (
                not self._closed
                and self.on_their_way.count > 0
                and sum(len(w.acts) for w in self._waiting) < self.max_group
            ):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            n, take = 0, 0
            for w in self._waiting:
                if take and n + len(w.acts) > self.max_group:
                    break
                n += len(w.acts)
                take += 1
            group, self._waiting = self._waiting[:take], self._waiting[take:]
            return group

    def _commit_groups(self) -> None:
        while (group := self._next_group()) is not None:
            acts = [a for w in group for a in w.acts]
            try:
                self.ledger.append(acts, id_conflicts="report")  # fresh ids: no lookup first
                self.groups += 1
                self.acts += len(acts)
            except BaseException as e:  # every read of the group learns it, none is answered
                log.exception("access log: a group of %d reads could not be stored", len(group))
                for w in group:
                    w.error = e
            for w in group:
                w.finish(w.error)

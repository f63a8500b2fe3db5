"""The HTTP API (接口): record acts, read cases and violations, follow violations up.

``create_app(db_url)`` builds one FastAPI app over one :class:`~ledger.store.Ledger`; the
audit projection is caught up before every violation or case-list query. OpenAPI at
``/openapi.json``, interactive docs at ``/docs``; the supervision office's pages at ``/ui``
(:mod:`api.ui`). Every route needs a bearer token
(:mod:`api.auth`); every error is ``{"error": {code, message_zh, message_en, field?}}``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from pydantic import TypeAdapter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.accesslog import AccessCommitted
from api.errors import ApiError, ErrorJSON, install_handlers
from api.layers import HTTPLayer
from api.models import ActBatchIn, ActIn
from api.routes import acts, cases, integrity, packs, rules, violations
from api.services import VIEWS_LAG, Services, refuse_nul
from api.ui import create_ui
from ledger.store import READ_SCOPE
from ledger.validation import env_size

DESCRIPTION = """程序合规账本 — the compliance ledger's API.

Acts are immutable facts (act-log.md); violations are derived by the rule catalog and
followed up by the supervision office (督查室) with acts of its own. Reads by auditors and
the supervision office are recorded in the ledger (查阅留痕).

Authenticate with `Authorization: Bearer <token>` (`ledger token create --role …`).
"""


async def _plain_params(request: Request) -> None:
    """Query and path parameters must not hold NUL characters (PostgreSQL text cannot store them)."""
    refuse_nul(dict(request.query_params))
    refuse_nul(dict(request.path_params))


#: Request body limits (请求体大小上限), in bytes; ``LEDGER_MAX_BODY`` and ``LEDGER_MAX_UPLOAD``
#: override them (``16MiB``, ``1GiB`` …). A larger body is a 413 and nothing is stored.
MAX_BODY = 16 * 1024**2
MAX_UPLOAD = 256 * 1024**2


class TooLargeAsJSON(HTTPLayer):
    """Outermost ASGI layer: a 413 from the body limit (``LEDGER_MAX_BODY``/``LEDGER_MAX_UPLOAD``;
    plain text when sent before the app runs because ``Content-Length`` is too large, FastAPI's
    ``{"detail"}`` when a streamed body runs over) becomes the API's JSON error shape."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        replaced = False

        async def send_json(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start" and message["status"] == 413:
                replaced = True
                limit = scope.get("starlette.max_body_size")
                err = ApiError(
                    413,
                    "too_large",
                    f"请求体过大（上限 {limit} 字节），未保存任何内容",
                    f"the request body is too large (at most {limit} bytes); nothing was stored",
                    field="body",
                )
                resp = ErrorJSON(err.body(), status_code=413)
                await send({"type": "http.response.start", "status": 413, "headers": resp.raw_headers})
                await send({"type": "http.response.body", "body": resp.body})
            elif not replaced:
                await send(message)

        await self.app(scope, receive, send_json)


class LagHeader(HTTPLayer):
    """Sends ``Ledger-Lag: <acts>`` — how many stored acts the audit views do not reflect yet —
    on every response that read them (视图滞后). A request is one read scope of the ledger
    (:meth:`~ledger.store.Ledger.read_scope`: its jurisdictions and org versions read once), and
    catches the views up once for its reads."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        seen: dict[str, int] = {}
        token = VIEWS_LAG.set(seen)
        reads = READ_SCOPE.set({})

        async def send_lag(message: Message) -> None:
            if message["type"] == "http.response.start" and "lag" in seen:
                message = {**message, "headers": [*message.get("headers", []), (b"ledger-lag", b"%d" % seen["lag"])]}
            await send(message)

        try:
            await self.app(scope, receive, send_lag)
        finally:
            READ_SCOPE.reset(reads)
            VIEWS_LAG.reset(token)


class LedgerAPI(FastAPI):
    """FastAPI with :class:`TooLargeAsJSON` outside every layer (the body limit's included),
    :class:`LagHeader`, and :class:`~api.accesslog.AccessCommitted` (an answer waits for its
    access acts' commit)."""

    def build_middleware_stack(self) -> ASGIApp:
        return TooLargeAsJSON(LagHeader(AccessCommitted(super().build_middleware_stack())))


def create_app(
    db_url: str | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    max_body: int | None = None,
    max_upload: int | None = None,
) -> FastAPI:
    """The API over the ledger at ``db_url`` (else ``LEDGER_DB``, else ``ledger.db``).

    ``clock`` gives recorded times (and the time of follow-up and access acts); the wall
    clock by default. ``app.state.services`` holds the ledger, projection and token store.
    ``max_body`` limits a request's body (JSON), ``max_upload`` an upload to ``POST /imports``
    (else the environment's ``LEDGER_MAX_BODY`` / ``LEDGER_MAX_UPLOAD``, else the defaults).
    """
    app = LedgerAPI(
        max_body_size=max_body or env_size("LEDGER_MAX_BODY", MAX_BODY),
        title="Compliance ledger 程序合规账本",
        version="0.1.0",
        description=DESCRIPTION,
        docs_url="/docs",
        openapi_url="/openapi.json",
        dependencies=[Depends(_plain_params)],
    )
    app.state.services = Services(db_url, clock=clock)
    install_handlers(app)
    for r in (acts.router, cases.router, violations.router, integrity.router, rules.router, packs.router):
        app.include_router(r)
    app.include_router(acts.imports_router, max_body_size=max_upload or env_size("LEDGER_MAX_UPLOAD", MAX_UPLOAD))
    # the supervision office's pages (督查室工作台), same services and parameter checks
    app.mount("/ui", create_ui(app.state.services, dependencies=[Depends(_plain_params)]), name="ui")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        # POST /acts takes an act or a batch; its body is validated by the ledger's own
        # validator (to name the index and field), so its models are added here by hand.
        defs = TypeAdapter(ActIn | ActBatchIn).json_schema(ref_template="#/components/schemas/{model}")
        comps = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, d in defs.get("$defs", {}).items():
            comps.setdefault(name, d)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app

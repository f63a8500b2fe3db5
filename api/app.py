"""The HTTP API (接口): record acts, read cases and violations, follow violations up.

``create_app(db_url)`` builds one FastAPI app over one :class:`~ledger.store.Ledger`; the
audit projection is caught up before every violation or case-list query. OpenAPI at
``/openapi.json``, interactive docs at ``/docs``. Every route needs a bearer token
(:mod:`api.auth`); every error is ``{"error": {code, message_zh, message_en, field?}}``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from pydantic import TypeAdapter

from api.errors import install_handlers
from api.models import ActBatchIn, ActIn
from api.routes import acts, cases, integrity, rules, violations
from api.services import Services, refuse_nul

DESCRIPTION = """程序合规账本 — the compliance ledger's API.

Acts are immutable facts (act-log.md); violations are derived by the rule catalog and
followed up by the supervision office (督查室) with acts of its own. Reads by auditors and
the supervision office are recorded in the ledger (查阅留痕).

Authenticate with `Authorization: Bearer <token>` (`ledger token create --role …`).
"""


def _plain_params(request: Request) -> None:
    """Query and path parameters must not hold NUL characters (PostgreSQL text cannot store them)."""
    refuse_nul(dict(request.query_params))
    refuse_nul(dict(request.path_params))


def create_app(db_url: str | None = None, *, clock: Callable[[], datetime] | None = None) -> FastAPI:
    """The API over the ledger at ``db_url`` (else ``LEDGER_DB``, else ``ledger.db``).

    ``clock`` gives recorded times (and the time of follow-up and access acts); the wall
    clock by default. ``app.state.services`` holds the ledger, projection and token store.
    """
    app = FastAPI(
        title="Compliance ledger 程序合规账本",
        version="0.1.0",
        description=DESCRIPTION,
        docs_url="/docs",
        openapi_url="/openapi.json",
        dependencies=[Depends(_plain_params)],
    )
    app.state.services = Services(db_url, clock=clock)
    install_handlers(app)
    for r in (acts.router, cases.router, violations.router, integrity.router, rules.router):
        app.include_router(r)

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

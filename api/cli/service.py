"""``ledger token …`` and ``ledger serve`` — the HTTP API's tokens and server (令牌与服务).

The commands use the CLI's global ``--db`` when set, else their own ``--db``, else
``LEDGER_DB``, else ``ledger.db``.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from domain.errors import LedgerError
from domain.timeutil import utcnow
from ledger.tokens import ROLES, TokenStore

token_app = typer.Typer(help="API tokens (访问令牌): create, list, revoke.", no_args_is_help=True, add_completion=False)
out = Console()
err = Console(stderr=True)

DbOption = Annotated[
    str | None, typer.Option("--db", help="Database URL (default: the CLI's --db, LEDGER_DB, ledger.db)")
]


def _db(db: str | None) -> str | None:
    if db:
        return db
    from api.cli.base import state

    return state.db


def _store(db: str | None) -> TokenStore:
    from ledger.store import Ledger

    return TokenStore(Ledger(_db(db)))


_LIFETIME = re.compile(r"(\d+)\s*([hdw])")
_UNIT = {"h": "hours", "d": "days", "w": "weeks"}


def parse_lifetime(text: str) -> timedelta | None:
    """``90d``, ``12h``, ``2w`` → a timedelta; ``never`` → None. Else ValueError."""
    t = text.strip().lower()
    if t == "never":
        return None
    m = _LIFETIME.fullmatch(t)
    if m is None or int(m.group(1)) <= 0:
        raise ValueError(f"'{text}': a lifetime like 90d, 12h, 2w, or never")
    return timedelta(**{_UNIT[m.group(2)]: int(m.group(1))})


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option("--role", help=f"One of: {', '.join(ROLES)}")],
    unit: Annotated[list[str] | None, typer.Option("--unit", help="A unit of a clerk (repeat for several)")] = None,
    person: Annotated[str | None, typer.Option("--person", help="The person id acting with this token")] = None,
    jurisdiction: Annotated[
        str | None,
        typer.Option(
            "--jurisdiction",
            help="Limit the token to one jurisdiction (a clerk's: else the only one that has its units)",
        ),
    ] = None,
    expires: Annotated[
        str, typer.Option("--expires", help="How long the token is good for: 90d, 12h, 2w, or never")
    ] = "90d",
    db: DbOption = None,
) -> None:
    """Create a token and print its secret ONCE (only its hash is stored)."""
    try:
        lifetime = parse_lifetime(expires)
    except ValueError as e:
        err.print(f"[red]--expires {e}[/red]")
        raise typer.Exit(2) from e
    store = _store(db)
    try:
        tok, secret = store.create(role, units=unit or [], person=person, jurisdiction=jurisdiction, lifetime=lifetime)
    except LedgerError as e:
        err.print(f"[red]{e.message_zh} / {e.message_en}[/red]")
        raise typer.Exit(2) from e
    finally:
        store.ledger.close()
    until = f"expires {tok.expires_at:%Y-%m-%d %H:%M} UTC" if tok.expires_at else "never expires"
    where = f", jurisdiction {tok.jurisdiction}" if tok.jurisdiction else ""
    err.print(
        f"token {tok.id} ({tok.role}{where}, {until}) created — the secret is shown once / 令牌只显示一次，请妥善保存:"
    )
    print(secret)


@token_app.command("list")
def token_list(
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    db: DbOption = None,
) -> None:
    """List tokens (never their secrets)."""
    store = _store(db)
    try:
        toks = store.list()
    finally:
        store.ledger.close()
    now = utcnow()
    if fmt == "json":
        print(json.dumps([t.as_dict() | {"status": t.status(now)} for t in toks], ensure_ascii=False, indent=1))
        return
    t = Table(title=f"{len(toks)} tokens (times UTC)")
    for col in ("id", "role", "units", "person", "jurisdiction", "created", "expires", "status"):
        t.add_column(col)

    def short(dt: datetime | None) -> str:
        return f"{dt.astimezone(UTC):%Y-%m-%d %H:%M}" if dt else ""

    for tok in toks:
        t.add_row(
            tok.id,
            tok.role,
            ",".join(tok.units),
            tok.person or "",
            tok.jurisdiction or "",
            short(tok.created_at),
            short(tok.expires_at) or "never",
            tok.status(now),
        )
    out.print(t)


@token_app.command("revoke")
def token_revoke(token_id: Annotated[str, typer.Argument(help="Token id")], db: DbOption = None) -> None:
    """Revoke a token (it stops working at once)."""
    store = _store(db)
    try:
        ok = store.revoke(token_id)
    finally:
        store.ledger.close()
    if not ok:
        err.print(f"[red]没有有效的令牌 {token_id} / no active token '{token_id}'[/red]")
        raise typer.Exit(1)
    out.print(f"revoked {token_id} / 已吊销")


def serve(host: str = "127.0.0.1", port: int = 8000, db: str | None = None, workers: int | None = None) -> None:
    """Serve the API with uvicorn in ``workers`` processes (blocks until stopped; see :mod:`api.server`)."""
    from api.server import run

    run(host, port, _db(db), workers)


def serve_cmd(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Worker processes (default: the machine's cores)")
    ] = None,
    db: DbOption = None,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs) (接口服务)."""
    serve(host, port, db, workers)


def _wire() -> None:
    from api.cli.base import app

    app.add_typer(token_app, name="token", help="API tokens by role (clerk, supervisor, auditor, admin) — 令牌")
    app.command("serve", help="Serve the HTTP API with uvicorn (OpenAPI at /docs) — 启动服务")(serve_cmd)


_wire()

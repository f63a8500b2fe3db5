"""Where the ledger lives (数据库配置): ``--db URL``, else ``LEDGER_DB``, else ``ledger.db``.

- ``sqlite:///path/to/file.db`` or a plain path — the embedded default;
- ``postgresql://user@host:port/dbname?schema=name`` — PostgreSQL via psycopg.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

DEFAULT_DB = "ledger.db"


@dataclass(frozen=True)
class DbConfig:
    backend: str  # "sqlite" | "postgres"
    path: str = ""
    host: str = "127.0.0.1"
    port: int = 5432
    dbname: str = ""
    user: str = "postgres"
    password: str = ""
    schema: str = "public"

    def pg_connect(self, **options: Any) -> Any:
        """A new PostgreSQL connection of its own to this database, in autocommit mode
        (``options``: psycopg's, e.g. ``row_factory``); the caller closes it."""
        import psycopg

        return psycopg.connect(
            dbname=self.dbname,
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or os.environ.get("PGPASSWORD") or None,
            autocommit=True,
            connect_timeout=5,
            **options,
        )

    @property
    def url(self) -> str:
        if self.backend == "sqlite":
            return f"sqlite:///{self.path}"
        q = f"?schema={self.schema}" if self.schema != "public" else ""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.dbname}{q}"


def resolve_db(url: str | None = None) -> DbConfig:
    """Parse a database URL (or the environment's ``LEDGER_DB``, or the default file)."""
    url = url or os.environ.get("LEDGER_DB") or DEFAULT_DB
    if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        u = urlparse(url)
        q = parse_qs(u.query)
        return DbConfig(
            backend="postgres",
            host=u.hostname or "127.0.0.1",
            port=u.port or 5432,
            dbname=(u.path or "/").lstrip("/") or "postgres",
            user=unquote(u.username or "postgres"),
            password=unquote(u.password or ""),
            schema=(q.get("schema") or ["public"])[0],
        )
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
    elif url.startswith("sqlite://"):
        path = url[len("sqlite://") :]
    else:
        path = url
    if path in ("", ":memory:"):
        raise ValueError("an in-memory SQLite ledger cannot be shared; give a file path")
    return DbConfig(backend="sqlite", path=str(Path(path)))

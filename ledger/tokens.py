"""API tokens (访问令牌): who may call the API, in which role, for which units.

Kept in the ``ledger_tokens`` table of the ledger's own database (SQLite file or PostgreSQL
schema), beside the events but outside the hash chain: a token is configuration, not a fact
of procedure, and may be revoked. Only the SHA-256 hash of the secret is stored; the bearer
string ``<id>.<secret>`` is shown once, when the token is created.

Roles (角色):

- ``clerk`` 录入员 — records acts only for its own unit(s), reads only their cases/acts/violations;
- ``supervisor`` 督查室 — reads everything, manages the follow-up of violations, records no ordinary acts;
- ``auditor`` 审计 — reads everything (as-of, timelines, verify, checkpoint), writes nothing;
- ``admin`` 管理员 — everything.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.errors import LedgerError
from domain.timeutil import format_datetime, parse_datetime, utcnow
from ledger.store import Ledger, _col

TABLE = "ledger_tokens"
_TOKEN_ID = re.compile(r"[0-9a-f]{16}")
ROLES = ("clerk", "supervisor", "auditor", "admin")
COLUMNS = ("id", "secret_hash", "role", "units", "person", "jurisdiction", "created_at", "revoked_at")


@dataclass(frozen=True)
class Token:
    """A stored token (without its secret)."""

    id: str
    role: str
    units: tuple[str, ...] = ()
    person: str | None = None
    jurisdiction: str | None = None
    created_at: datetime | None = None
    revoked_at: datetime | None = None
    secret_hash: str = field(default="", repr=False)

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "role": self.role,
            "units": list(self.units),
            "person": self.person,
            "jurisdiction": self.jurisdiction,
            "created_at": format_datetime(self.created_at) if self.created_at else None,
            "revoked_at": format_datetime(self.revoked_at) if self.revoked_at else None,
        }


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenStore:
    """The ``ledger_tokens`` table of one ledger database."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        prefix = f'"{ledger.config.schema}".' if ledger.is_postgres else ""
        self.table = f"{prefix}{TABLE}"
        ddl = (
            f"CREATE TABLE IF NOT EXISTS {self.table} ("
            "id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, role TEXT NOT NULL, units TEXT NOT NULL, "
            "person TEXT, jurisdiction TEXT, created_at TEXT NOT NULL, revoked_at TEXT)"
        )
        with ledger.datastore.transaction(commit=True) as c:
            if ledger.is_postgres:  # two servers starting at once must not race on the DDL
                c.execute("SELECT pg_advisory_xact_lock(hashtext('ledger_ddl'))")
            c.execute(ddl)

    def create(
        self,
        role: str,
        *,
        units: list[str] | tuple[str, ...] = (),
        person: str | None = None,
        jurisdiction: str | None = None,
        now: datetime | None = None,
    ) -> tuple[Token, str]:
        """A new token and its bearer string ``<id>.<secret>`` (shown once, never stored)."""
        if role not in ROLES:
            raise LedgerError(
                f"未知角色 {role}（可选: {', '.join(ROLES)}）",
                f"unknown role '{role}' (one of: {', '.join(ROLES)})",
                code="unknown_role",
            )
        units = tuple(dict.fromkeys(u for u in units if u))
        if role == "clerk" and not units:
            raise LedgerError(
                "录入员令牌必须指定至少一个单位（--unit）",
                "a clerk token needs at least one unit (--unit)",
                code="missing_unit",
            )
        tid = secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        created = now or utcnow()
        tok = Token(tid, role, units, person or None, jurisdiction or None, created, None, hash_secret(secret))
        self.ledger.execute(
            f"INSERT INTO {self.table} ({','.join(COLUMNS)}) VALUES ({','.join('?' * len(COLUMNS))})",
            [
                tok.id,
                tok.secret_hash,
                tok.role,
                json.dumps(list(units)),
                tok.person,
                tok.jurisdiction,
                format_datetime(created),
                None,
            ],
        )
        return tok, f"{tid}.{secret}"

    def get(self, tid: str) -> Token | None:
        rows = self.ledger.query(f"SELECT {','.join(COLUMNS)} FROM {self.table} WHERE id=?", [tid])
        return _token(rows[0]) if rows else None

    def list(self) -> list[Token]:
        rows = self.ledger.query(f"SELECT {','.join(COLUMNS)} FROM {self.table} ORDER BY created_at, id")
        return [_token(r) for r in rows]

    def revoke(self, tid: str, *, now: datetime | None = None) -> bool:
        """Revoke a token; False when there is no such active token."""
        tok = self.get(tid)
        if tok is None or not tok.active:
            return False
        self.ledger.execute(f"UPDATE {self.table} SET revoked_at=? WHERE id=?", [format_datetime(now or utcnow()), tid])
        return True

    def authenticate(self, bearer: str) -> Token | None:
        """The active token whose bearer string this is, or None."""
        tid, sep, secret = bearer.strip().partition(".")
        if not sep or not secret or not _TOKEN_ID.fullmatch(tid):
            return None
        tok = self.get(tid)
        if tok is None or not tok.active:
            return None
        if not hmac.compare_digest(tok.secret_hash, hash_secret(secret)):
            return None
        return tok


def _token(r: Any) -> Token:
    vals = {k: _col(r, k, i) for i, k in enumerate(COLUMNS)}
    return Token(
        id=str(vals["id"]),
        role=str(vals["role"]),
        units=tuple(json.loads(vals["units"] or "[]")),
        person=vals["person"],
        jurisdiction=vals["jurisdiction"],
        created_at=parse_datetime(vals["created_at"]) if vals["created_at"] else None,
        revoked_at=parse_datetime(vals["revoked_at"]) if vals["revoked_at"] else None,
        secret_hash=str(vals["secret_hash"]),
    )

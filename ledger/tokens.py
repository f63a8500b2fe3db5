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

A clerk's token is bound to one jurisdiction (given, or the only one that has all its units
when it is created): unit ids repeat across counties, and a clerk of ``u-fgj`` in one is no
clerk in another. Every token expires (90 days unless ``expires`` says otherwise; ``None``
only when asked for: never); an expired token authenticates nobody.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from domain.errors import LedgerError
from domain.timeutil import format_datetime, parse_datetime, utcnow
from ledger.store import Ledger, _col

TABLE = "ledger_tokens"
_TOKEN_ID = re.compile(r"[0-9a-f]{16}")
ROLES = ("clerk", "supervisor", "auditor", "admin")
COLUMNS = ("id", "secret_hash", "role", "units", "person", "jurisdiction", "created_at", "revoked_at", "expires_at")
#: How long a token is good for unless its creator says otherwise (令牌有效期).
DEFAULT_LIFETIME = timedelta(days=90)


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
    expires_at: datetime | None = None
    secret_hash: str = field(default="", repr=False)

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at

    def status(self, now: datetime) -> str:
        """``active``, ``revoked`` or ``expired`` (有效/已吊销/已过期)."""
        if not self.active:
            return "revoked"
        return "expired" if self.expired(now) else "active"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "role": self.role,
            "units": list(self.units),
            "person": self.person,
            "jurisdiction": self.jurisdiction,
            "created_at": format_datetime(self.created_at) if self.created_at else None,
            "revoked_at": format_datetime(self.revoked_at) if self.revoked_at else None,
            "expires_at": format_datetime(self.expires_at) if self.expires_at else None,
        }


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


#: How long a process trusts a token it has read (seconds, 令牌信任期): within it, a request
#: with the same bearer string reads nothing from the database. A token revoked through this
#: process stops opening the API at once; one revoked by another process (another server
#: worker, ``ledger token revoke``) within this time. Expiry is checked on every request.
TRUST_SECONDS = 1.0
#: Tokens trusted at once, at most (the trusted set is emptied when full).
TRUSTED_MAX = 10_000


class TokenStore:
    """The ``ledger_tokens`` table of one ledger database."""

    def __init__(
        self, ledger: Ledger, *, trust_seconds: float = TRUST_SECONDS, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.ledger = ledger
        self.trust_seconds = trust_seconds
        self.monotonic = monotonic
        #: hash of a bearer string → (its token, when it was read): :meth:`trusted`
        self._trusted: dict[str, tuple[Token, float]] = {}
        prefix = f'"{ledger.config.schema}".' if ledger.is_postgres else ""
        self.table = f"{prefix}{TABLE}"
        ddl = (
            f"CREATE TABLE IF NOT EXISTS {self.table} ("
            "id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, role TEXT NOT NULL, units TEXT NOT NULL, "
            "person TEXT, jurisdiction TEXT, created_at TEXT NOT NULL, revoked_at TEXT, expires_at TEXT)"
        )
        with ledger.schema_lock(), ledger.datastore.transaction(commit=True) as c:
            c.execute(ddl)
            self._add_expiry(c)

    def _add_expiry(self, c: Any) -> None:
        """A table made before tokens expired gets ``expires_at``: its tokens expire
        :data:`DEFAULT_LIFETIME` after they were created."""
        if self.ledger.is_postgres:
            c.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_schema=%s AND table_name=%s "
                "AND column_name='expires_at'",
                [self.ledger.config.schema, TABLE],
            )
        else:
            c.execute(f"SELECT 1 FROM pragma_table_info('{TABLE}') WHERE name='expires_at'")
        if c.fetchall():
            return
        c.execute(f"ALTER TABLE {self.table} ADD COLUMN expires_at TEXT")
        c.execute(f"SELECT id, created_at FROM {self.table}")
        for r in c.fetchall():
            tid, created = _col(r, "id", 0), _col(r, "created_at", 1)
            until = format_datetime(parse_datetime(created) + DEFAULT_LIFETIME)
            c.execute(self.ledger.sql(f"UPDATE {self.table} SET expires_at=? WHERE id=?"), [until, tid])

    def create(
        self,
        role: str,
        *,
        units: list[str] | tuple[str, ...] = (),
        person: str | None = None,
        jurisdiction: str | None = None,
        now: datetime | None = None,
        lifetime: timedelta | None = DEFAULT_LIFETIME,
    ) -> tuple[Token, str]:
        """A new token and its bearer string ``<id>.<secret>`` (shown once, never stored).

        ``lifetime`` None: it never expires. A clerk's jurisdiction, when not given, is the
        only one that has all its units."""
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
        if role == "clerk":
            jurisdiction = self._clerk_jurisdiction(units, jurisdiction or None)
        if lifetime is not None and lifetime <= timedelta(0):
            raise LedgerError("有效期必须为正", "the lifetime must be positive", code="bad_expiry")
        tid = secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        created = now or utcnow()
        expires = created + lifetime if lifetime is not None else None
        tok = Token(tid, role, units, person or None, jurisdiction or None, created, None, expires, hash_secret(secret))
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
                format_datetime(expires) if expires else None,
            ],
        )
        return tok, f"{tid}.{secret}"

    def _clerk_jurisdiction(self, units: tuple[str, ...], jurisdiction: str | None) -> str:
        """The one jurisdiction a clerk's token is bound to: the given one, which must have
        all its units, or else the only one that has them."""
        by_unit = self.ledger.unit_jurisdictions()
        if jurisdiction is not None:
            missing = [u for u in units if jurisdiction not in by_unit.get(u, [])]
            if missing:
                raise LedgerError(
                    f"辖区 {jurisdiction} 没有单位 {', '.join(missing)}",
                    f"jurisdiction '{jurisdiction}' has no unit {', '.join(missing)}",
                    code="unknown_unit",
                )
            return jurisdiction
        common = set.intersection(*(set(by_unit.get(u, [])) for u in units))
        if len(common) == 1:
            return common.pop()
        if not common:
            raise LedgerError(
                f"没有一个辖区同时有单位 {', '.join(units)}（请先导入组织机构文件）",
                f"no jurisdiction has all of {', '.join(units)} (import its org file first)",
                code="unknown_unit",
            )
        raise LedgerError(
            f"单位 {', '.join(units)} 存在于多个辖区（{', '.join(sorted(common))}），请用 --jurisdiction 指定",
            f"{', '.join(units)} exist in several jurisdictions ({', '.join(sorted(common))}): pass --jurisdiction",
            code="ambiguous_jurisdiction",
        )

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
        for key in [k for k, (t, _at) in list(self._trusted.items()) if t.id == tid]:
            self._trusted.pop(key, None)  # (a request thread may add beside: the list is a copy)
        return True

    def trusted(self, bearer: str) -> Token | None:
        """The token of this bearer string if this process read it less than
        :attr:`trust_seconds` ago (no database read), else None."""
        return self._trusted_by(hash_secret(bearer))

    def _trusted_by(self, key: str) -> Token | None:
        hit = self._trusted.get(key)
        if hit is None or self.monotonic() - hit[1] >= self.trust_seconds:
            return None
        return hit[0]

    def identify(self, bearer: str) -> Token | None:
        """The stored token whose bearer string this is (active, revoked or expired), or None
        (:meth:`trusted` first: a token read within its trust period is not read again)."""
        key = hash_secret(bearer)
        tok = self._trusted_by(key)
        if tok is not None:
            return tok
        tid, sep, secret = bearer.strip().partition(".")
        if not sep or not secret or not _TOKEN_ID.fullmatch(tid):
            return None
        tok = self.get(tid)
        if tok is None or not hmac.compare_digest(tok.secret_hash, hash_secret(secret)):
            return None
        if self.trust_seconds > 0:
            if len(self._trusted) >= TRUSTED_MAX:
                self._trusted.clear()
            self._trusted[key] = (tok, self.monotonic())
        return tok

    def authenticate(self, bearer: str, *, now: datetime | None = None) -> Token | None:
        """The active, unexpired token whose bearer string this is, or None."""
        tok = self.identify(bearer)
        if tok is None or tok.status(now or utcnow()) != "active":
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
        expires_at=parse_datetime(vals["expires_at"]) if vals["expires_at"] else None,
        secret_hash=str(vals["secret_hash"]),
    )

"""Who may do what (权限): bearer tokens, roles and units.

``Authorization: Bearer <id>.<secret>`` (see :mod:`ledger.tokens`). 401 without a token or
with a bad/revoked one; 403 when the token's role or units forbid the call:

========== =================================== ============================== =========
role       records acts                        reads                          follow-up
========== =================================== ============================== =========
clerk      for its unit(s), in their own cases cases its unit(s) own or were  no
           and in cases handed to them         handed (api/access.py)
supervisor no                                  everything                     yes
auditor    no                                  everything, verify, checkpoint no
admin      everything                          everything                     yes
========== =================================== ============================== =========

A token may also be bound to one jurisdiction. Reads by an auditor or supervisor are
themselves recorded as ``access``/``viewed`` acts (:meth:`api.services.Services.log_access`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api.errors import forbidden, unauthorized
from domain.timeutil import format_datetime
from ledger.tokens import Token

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="A ledger token: `ledger token create --role R` prints `<id>.<secret>` once.",
)

ROLE_ZH = {"clerk": "录入员", "supervisor": "督查室", "auditor": "审计", "admin": "管理员"}

#: Roles whose reads are recorded in the ledger (查阅留痕).
LOGGED_ROLES = ("auditor", "supervisor")


@dataclass(frozen=True)
class Principal:
    """The caller: a token's role, units, person and jurisdiction."""

    token: Token

    @property
    def role(self) -> str:
        return self.token.role

    @property
    def units(self) -> tuple[str, ...]:
        return self.token.units

    @property
    def person(self) -> str | None:
        return self.token.person

    @property
    def jurisdiction(self) -> str | None:
        return self.token.jurisdiction

    @property
    def reads_all(self) -> bool:
        return self.role != "clerk"

    @property
    def logged(self) -> bool:
        return self.role in LOGGED_ROLES

    def may_read_unit(self, unit: str | None) -> bool:
        return self.reads_all or (unit is not None and unit in self.units)

    def check_unit_filter(self, unit: str | None, field: str = "unit") -> None:
        """A clerk asking for another unit's data: 403."""
        if unit is not None and not self.may_read_unit(unit):
            raise forbidden(f"无权查看单位 {unit} 的数据", f"this token may not read unit '{unit}'", field=field)

    def jurisdiction_scope(self, requested: str | None, field: str = "jurisdiction") -> str | None:
        """The jurisdiction to read: the requested one, limited to the token's own."""
        if self.jurisdiction is None:
            return requested
        if requested is not None and requested != self.jurisdiction:
            raise forbidden(
                f"令牌仅限辖区 {self.jurisdiction}",
                f"this token is limited to jurisdiction '{self.jurisdiction}'",
                field=field,
            )
        return self.jurisdiction

    def may_see_jurisdiction(self, j: str) -> bool:
        return self.jurisdiction is None or self.jurisdiction == j


async def principal(request: Request, creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Principal:
    """The authenticated caller, or 401 saying why (a FastAPI dependency).

    Async on purpose, like every dependency of the API: FastAPI runs a plain ``def`` dependency
    in its thread pool, and a hand-over to a worker thread and back costs more than the token's
    one indexed lookup in a SQLite file, which is done here on the event loop; each request then
    makes one hop to the thread pool, for its route. On PostgreSQL the lookup is a round trip
    to the server, which would hold the event loop: it goes to the thread pool — unless this
    process read the token within its trust period (``TokenStore.trusted``, one second), which
    needs no read at all."""
    s = request.app.state.services
    known = s.tokens.trusted(creds.credentials) if creds is not None and creds.credentials else None
    if s.ledger.is_postgres and known is None:
        return await run_in_threadpool(identify_caller, request, creds)
    return identify_caller(request, creds, known)


def identify_caller(
    request: Request, creds: HTTPAuthorizationCredentials | None, known: Token | None = None
) -> Principal:
    """The authenticated caller, or 401 saying why (unknown, revoked, expired, unbound clerk);
    ``known``: the caller's token, already trusted (not looked up again)."""
    if creds is None or not creds.credentials:
        raise unauthorized()
    s = request.app.state.services
    tok = known or s.tokens.identify(creds.credentials)
    if tok is None:
        raise unauthorized("未认证：令牌无效", "not authenticated: unknown token")
    status = tok.status(s.now())
    if status == "revoked":
        raise unauthorized("未认证：令牌已吊销", "not authenticated: the token was revoked")
    if status == "expired":
        when = format_datetime(tok.expires_at) if tok.expires_at else ""
        raise unauthorized(
            f"未认证：令牌已于 {when} 过期，请重新申请（ledger token create）",
            f"not authenticated: the token expired at {when}; ask for a new one (ledger token create)",
        )
    if tok.role == "clerk" and tok.jurisdiction is None:
        raise unauthorized(
            "未认证：录入员令牌未绑定辖区（旧令牌），请用 ledger token create --jurisdiction 重新创建",
            "not authenticated: this clerk token is bound to no jurisdiction (an old token); "
            "create a new one with ledger token create --jurisdiction",
        )
    return Principal(tok)


def require(*roles: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency: the caller, if its role is one of ``roles``; else 403."""

    async def dep(p: Principal = Depends(principal)) -> Principal:
        return check_role(p, *roles)

    return dep


def check_role(p: Principal, *roles: str) -> Principal:
    """``p``, if its role is one of ``roles``; else 403 (the check :func:`require` makes)."""
    if p.role not in roles:
        allowed = "、".join(ROLE_ZH[r] for r in roles)
        raise forbidden(
            f"角色 {ROLE_ZH.get(p.role, p.role)} 无权执行此操作（需要：{allowed}）",
            f"role '{p.role}' may not do this (needs: {', '.join(roles)})",
        )
    return p


ANY_ROLE = ("clerk", "supervisor", "auditor", "admin")
READERS = ANY_ROLE
RECORDERS = ("clerk", "admin")
FOLLOWERS = ("supervisor", "admin")
INTEGRITY = ("auditor", "supervisor", "admin")

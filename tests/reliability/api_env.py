"""A seeded API on each backend for a whole test module (the reliability suite's API half).

The county of ``tests/conftest.py`` with a leave of 发改局 (``LEV-1``, u-fgj) and one of
司法局 (``LEV-2``, u-sfj), an incident of 发改局, a token per role, and the three tokens that
must open nothing: none at all, a revoked one and an expired one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg

from ledger.importer import Importer
from tests.api.conftest import INCIDENT, LEAVE_FGJ, LEAVE_SFJ, Env, make_env
from tests.conftest import PG_DSN, FakeClock, require_pg

#: Who calls (the authorization matrix's columns): the token names of :func:`seeded_api`.
CALLERS = ("clerk_unit", "clerk_other", "supervisor", "auditor", "admin", "no_token", "revoked", "expired")
#: Those no route lets in.
UNAUTHENTICATED = ("no_token", "revoked", "expired")


@contextmanager
def seeded_api(backend: str, tmp: Path) -> Iterator[Env]:
    schema = None
    if backend == "postgres":
        require_pg()
        schema = f"t_{uuid.uuid4().hex[:12]}"
        url = f"{PG_DSN}?schema={schema}"
    else:
        url = f"sqlite:///{tmp / 'api.db'}"
    env = make_env(url, FakeClock())
    try:
        assert env.post("/acts", json={"acts": [*LEAVE_FGJ, *LEAVE_SFJ, *INCIDENT]}).status_code == 201
        env.secrets["clerk_unit"] = env.secrets["clerk_fgj"]
        env.secrets["clerk_other"] = env.secrets["clerk_sfj"]
        tokens = env.services.tokens
        tok, env.secrets["revoked"] = tokens.create("admin")
        tokens.revoke(tok.id)
        _t, env.secrets["expired"] = tokens.create(
            "admin", now=env.clock.now - timedelta(days=2), lifetime=timedelta(days=1)
        )
        yield env
    finally:
        env.services.close()
        if schema is not None:
            with psycopg.connect(PG_DSN, autocommit=True) as c:
                c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def headers(env: Env, who: str) -> dict[str, str]:
    return {} if who == "no_token" else env.h(who)


def fresh_violation(env: Env, tag: str) -> str:
    """A new open violation of 发改局 (a leave departed without approval), its id."""
    acts: list[dict[str, Any]] = [
        {**LEAVE_FGJ[0], "id": f"fv-{tag}-1", "case": f"LEV-{tag}"},
        {**LEAVE_FGJ[1], "id": f"fv-{tag}-2", "case": f"LEV-{tag}"},
    ]
    assert not Importer(env.services.ledger, jurisdiction="lecheng").import_raws(acts).rejected
    vs = env.get("/violations", params={"rule": "LEV-PRIOR-APPROVAL", "case": f"LEV-{tag}"}).json()["items"]
    return str(vs[0]["id"])

"""An API over a small county (COUNTY), with a token per role and a hand-moved clock."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette: "use httpx2" — httpx is what we have
    from fastapi.testclient import TestClient

from api.app import create_app
from api.services import Services
from ledger.importer import Importer
from tests.conftest import COUNTY, FakeClock, act

#: Tokens of the county: role (and units/person) by name.
TOKENS: dict[str, dict[str, Any]] = {
    "admin": {"role": "admin", "person": "p-li"},
    "auditor": {"role": "auditor"},
    "supervisor": {"role": "supervisor", "person": "p-chen", "units": ["u-office"]},
    "clerk_fgj": {"role": "clerk", "units": ["u-fgj"], "person": "p-sun"},
    "clerk_sfj": {"role": "clerk", "units": ["u-sfj"], "person": "p-zhou"},
}

#: A leave of the 发改局 head and one of the 司法局 head, both departing unapproved
#: (LEV-APPROVAL-CHAIN and LEV-PRIOR-APPROVAL on each).
LEAVE_FGJ = [
    act(
        "l-1",
        "LEV-1",
        "leave",
        "requested",
        "2024-04-01T09:00:00+08:00",
        by="p-liu",
        start="2024-04-02T08:00:00+08:00",
        end="2024-04-05T18:00:00+08:00",
        reason="事假",
        scope="out_of_city",
        written=True,
    ),
    act("l-2", "LEV-1", "leave", "departed", "2024-04-02T08:00:00+08:00", by="p-liu"),
]
LEAVE_SFJ = [
    act(
        "s-1",
        "LEV-2",
        "leave",
        "requested",
        "2024-04-03T09:00:00+08:00",
        by="p-zhou",
        unit="u-sfj",
        start="2024-04-04T08:00:00+08:00",
        end="2024-04-05T18:00:00+08:00",
        reason="事假",
        scope="out_of_city",
        written=True,
        contact="138",
    ),
    act("s-2", "LEV-2", "leave", "departed", "2024-04-04T08:00:00+08:00", by="p-zhou", unit="u-sfj"),
]
INCIDENT = [
    act("a-1", "INC-1", "incident", "occurred", "2024-03-05T10:00:00+08:00", grade="larger"),
    act("a-2", "INC-1", "incident", "reported", "2024-03-05T10:20:00+08:00", channel="phone", to_level="local_gov"),
    act("a-3", "INC-1", "incident", "reported", "2024-03-05T11:30:00+08:00", channel="written", to_level="local_gov"),
]


@dataclass
class Env:
    """One app, its client and a token per role."""

    url: str
    clock: FakeClock
    app: Any
    client: TestClient
    secrets: dict[str, str] = field(default_factory=dict)

    @property
    def services(self) -> Services:
        return self.app.state.services

    def h(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secrets[who]}"}

    def get(self, path: str, who: str = "admin", **kw: Any) -> Any:
        return self.client.get(path, headers=self.h(who), **kw)

    def post(self, path: str, who: str = "admin", **kw: Any) -> Any:
        return self.client.post(path, headers=self.h(who), **kw)

    def token(self, name: str, role: str, **kw: Any) -> str:
        _tok, secret = self.services.tokens.create(role, **kw)
        self.secrets[name] = secret
        return secret

    def access_acts(self) -> list[dict[str, Any]]:
        return [a.to_contract() for a in self.services.ledger.acts(kind="access", limit=100000)]


def make_env(url: str, clock: FakeClock) -> Env:
    app = create_app(url, clock=clock)
    res = Importer(app.state.services.ledger).import_chart(COUNTY)
    assert not res.rejected, res.rejected
    env = Env(url, clock, app, TestClient(app))
    for name, spec in TOKENS.items():
        env.token(name, **spec)
    return env


@pytest.fixture
def env(tmp_path: Path, clock: FakeClock) -> Iterator[Env]:
    """SQLite only (cheap)."""
    e = make_env(f"sqlite:///{tmp_path / 'api.db'}", clock)
    yield e
    e.services.close()


@pytest.fixture
def env_any(db_url: str, clock: FakeClock) -> Iterator[Env]:
    """The same test on SQLite and PostgreSQL."""
    e = make_env(db_url, clock)
    yield e
    e.services.close()

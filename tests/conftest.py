"""Shared fixtures: a ledger on each backend (SQLite file, PostgreSQL schema) and a small county.

PostgreSQL runs at 127.0.0.1:5432 (user postgres, database test) or wherever
``LEDGER_TEST_PG`` points. With ``CI=true`` an unreachable PostgreSQL fails the run;
elsewhere the PostgreSQL half of each store test is skipped with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
import yaml

PG_DSN = os.environ.get("LEDGER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
_pg_error: str | None = None
_pg_checked = False


def pg_unavailable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    global _pg_checked, _pg_error
    if not _pg_checked:
        _pg_checked = True
        try:
            with psycopg.connect(PG_DSN, connect_timeout=3) as c:
                c.execute("SELECT 1")
        except psycopg.Error as e:
            _pg_error = f"PostgreSQL at {PG_DSN} unreachable: {e}".strip()
    return _pg_error


def require_pg() -> None:
    why = pg_unavailable()
    if why:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {why}")
        pytest.skip(why)


#: The real process logs the tests cross-check against, kept in the repository (data/logs/,
#: with their provenance and licence in data/logs/README.md).
LOGS = Path(__file__).resolve().parents[1] / "data" / "logs"


def real_log(name: str) -> Path:
    """A real log of ``data/logs/``; a missing one is a failure (the repository ships them)."""
    path = LOGS / name
    if not path.exists():
        pytest.fail(f"the real log {path} is missing from the repository (see data/logs/README.md)")
    return path


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema, dropped afterwards."""
    require_pg()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield schema
    with psycopg.connect(PG_DSN, autocommit=True) as c:
        c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The same store test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    schema = request.getfixturevalue("pg_schema")
    yield f"{PG_DSN}?schema={schema}"


class FakeClock:
    """A recorded-time clock the test moves by hand."""

    def __init__(self, start: datetime = datetime(2024, 1, 10, 9, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> datetime:
        self.now += timedelta(**kw)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


COUNTY = {
    "jurisdiction": "lecheng",
    "pack": "changle-2022",
    "timezone": "Asia/Shanghai",
    "units": [
        {"id": "u-gov", "name": "县政府", "type": "government"},
        {"id": "u-office", "name": "县政府办公室", "type": "office", "parent": "u-gov"},
        {"id": "u-fgj", "name": "县发改局", "type": "department", "parent": "u-gov"},
        {"id": "u-sfj", "name": "县司法局", "type": "department", "parent": "u-gov"},
    ],
    "posts": [
        {"id": "head", "title": "县长", "unit": "u-gov", "rank": "head"},
        {"id": "evh", "title": "常务副县长", "unit": "u-gov", "rank": "exec_vice_head"},
        {"id": "vh-1", "title": "副县长", "unit": "u-gov", "rank": "vice_head"},
        {"id": "vh-2", "title": "副县长", "unit": "u-gov", "rank": "vice_head"},
        {"id": "od", "title": "办公室主任", "unit": "u-office", "rank": "office_director"},
        {"id": "fgj-head", "title": "发改局局长", "unit": "u-fgj", "rank": "dept_head"},
        {"id": "fgj-staff", "title": "科员", "unit": "u-fgj", "rank": "staff"},
        {"id": "sfj-head", "title": "司法局局长", "unit": "u-sfj", "rank": "dept_head"},
    ],
    "people": [
        {"id": "p-li", "name": "李明"},
        {"id": "p-zhang", "name": "张强"},
        {"id": "p-wang", "name": "王芳"},
        {"id": "p-zhao", "name": "赵磊"},
        {"id": "p-chen", "name": "陈静"},
        {"id": "p-liu", "name": "刘洋"},
        {"id": "p-sun", "name": "孙伟"},
        {"id": "p-zhou", "name": "周敏"},
        {"id": "p-wu", "name": "吴刚"},
    ],
    "appointments": [
        {"person": "p-li", "post": "head", "since": "2021-01-01"},
        {"person": "p-zhang", "post": "evh", "since": "2021-01-01"},
        {"person": "p-wang", "post": "vh-1", "since": "2021-01-01", "until": "2024-06-30"},
        {"person": "p-wu", "post": "vh-1", "since": "2024-07-01"},
        {"person": "p-zhao", "post": "vh-2", "since": "2021-01-01"},
        {"person": "p-chen", "post": "od", "since": "2021-01-01"},
        {"person": "p-liu", "post": "fgj-head", "since": "2021-01-01"},
        {"person": "p-sun", "post": "fgj-staff", "since": "2021-01-01"},
        {"person": "p-zhou", "post": "sfj-head", "since": "2021-01-01"},
    ],
    "in_charge": [
        {"post": "vh-1", "units": ["u-fgj"], "areas": ["发展改革"], "since": "2021-01-01"},
        {"post": "vh-2", "units": ["u-sfj"], "areas": ["司法"], "since": "2021-01-01"},
    ],
    "covers": [["vh-1", "vh-2"]],
    "delegations": [
        {"from_post": "head", "to_post": "evh", "scope": "sign", "since": "2024-03-01", "until": "2024-03-10"}
    ],
}


@pytest.fixture
def county_file(tmp_path: Path) -> Path:
    p = tmp_path / "lecheng.yaml"
    p.write_text(yaml.safe_dump(COUNTY, allow_unicode=True), encoding="utf-8")
    return p


def act(
    id: str, case: str, kind: str, act: str, at: str, by: str = "p-sun", unit: str = "u-fgj", **data: object
) -> dict[str, object]:
    """A contract act object."""
    return {"id": id, "case": case, "kind": kind, "act": act, "at": at, "by": by, "unit": unit, "data": data}


ActFactory = Callable[..., dict[str, object]]


@pytest.fixture
def restored_packs() -> Iterator[None]:
    """Packs a test compiles register in the process-wide pack registry: forget them after."""
    from domain.rules.custom import restoring_packs

    with restoring_packs():
        yield

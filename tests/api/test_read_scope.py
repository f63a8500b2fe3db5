"""One request, one look (一次请求一次读取): a request reads the jurisdictions and their org
charts' versions once, and catches the audit views up once for its reads, however many of its
parts need them — on PostgreSQL each was a round trip. An org act stored within the scope is
seen by what reads the chart after it. Both backends."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from ledger.importer import Importer
from ledger.store import Ledger
from tests.api.conftest import LEAVE_FGJ, Env
from tests.conftest import COUNTY, act

ORG_VERSIONS = "(SELECT DISTINCT jurisdiction FROM"
ORG_VERSION = "SELECT MAX(originator_version) FROM"
QUICK_LOOK = "SELECT (SELECT MAX("


def _statements(monkeypatch: pytest.MonkeyPatch, ledger: Ledger) -> list[str]:
    """Every statement the ledger's reads run from now on."""
    seen: list[str] = []
    real: Callable[..., Any] = ledger.query

    def counting(sql: str, params: Any = (), **how: Any) -> Any:
        seen.append(sql)
        return real(sql, params, **how)

    monkeypatch.setattr(ledger, "query", counting)
    return seen


def _count(statements: list[str], what: str) -> int:
    return sum(what in s for s in statements)


@pytest.mark.parametrize("who", ["admin", "auditor"])
def test_a_violations_read_reads_the_org_versions_once_and_catches_the_views_up_once(
    env_any: Env, who: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert env_any.post("/acts", json={"acts": LEAVE_FGJ}).status_code == 201
    assert env_any.get("/violations").status_code == 200  # the views caught up with the leave
    seen = _statements(monkeypatch, env_any.services.ledger)
    r = env_any.get("/violations?unit=u-fgj", who)
    assert r.status_code == 200 and r.json()["items"]
    assert r.headers["ledger-lag"] == "0"
    # the unjudged-packs header, and (audited) the access act's unit and validation all read the
    # charts; every part of the answer reads the views
    assert _count(seen, ORG_VERSIONS) == 1
    assert _count(seen, ORG_VERSION) == 0
    assert _count(seen, QUICK_LOOK) == 1


def test_without_a_scope_each_read_of_the_chart_checks_its_version(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Ledger(db_url) as ledger:
        Importer(ledger).import_chart(COUNTY)
        seen = _statements(monkeypatch, ledger)
        ledger.org("lecheng")
        ledger.org("lecheng")
        assert ledger.jurisdictions() == ["lecheng"]
        assert _count(seen, ORG_VERSION) == 2 and _count(seen, ORG_VERSIONS) == 1


def test_an_org_act_stored_within_a_scope_is_seen_by_the_reads_after_it(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = act("o-1", "ORG-lecheng", "org", "person_registered", "2024-05-01T09:00:00+08:00", by="system")
    person["unit"], person["data"] = "u-gov", {"id": "p-new", "name": "新人"}
    with Ledger(db_url) as ledger:
        Importer(ledger).import_chart(COUNTY)
        with ledger.read_scope():
            seen = _statements(monkeypatch, ledger)
            assert not ledger.org("lecheng").is_person("p-new")
            assert ledger.jurisdictions() == ["lecheng"]
            assert _count(seen, ORG_VERSIONS) == 1  # read once for both
            res = Importer(ledger).import_lines([json.dumps(person, ensure_ascii=False)])
            assert res.imported == 1, res.rejected
            assert ledger.org("lecheng").is_person("p-new")
            assert _count(seen, ORG_VERSIONS) == 2  # the store forgot what the scope had read
        assert ledger.org("lecheng").is_person("p-new")

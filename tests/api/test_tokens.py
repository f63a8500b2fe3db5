"""Tokens (访问令牌): a clerk's is bound to one jurisdiction, every token expires; and case ids
with a ``/`` are read like any other."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from typer.testing import CliRunner

from api.cli.service import parse_lifetime, token_app
from domain.errors import LedgerError
from ledger.importer import Importer
from ledger.store import Ledger
from ledger.tokens import DEFAULT_LIFETIME, TokenStore
from tests.api.conftest import Env
from tests.conftest import COUNTY, act


def test_a_clerk_token_is_bound_to_the_only_jurisdiction_with_its_units(env: Env) -> None:
    tokens = env.services.tokens
    tok, _ = tokens.create("clerk", units=["u-fgj"])
    assert tok.jurisdiction == "lecheng"
    Importer(env.services.ledger).import_chart(dict(COUNTY, jurisdiction="dongqu", pack="dongqu-2012"))
    with pytest.raises(LedgerError) as e:  # u-fgj is in both counties now: say which
        tokens.create("clerk", units=["u-fgj"])
    assert e.value.code == "ambiguous_jurisdiction" and "--jurisdiction" in e.value.message_en
    assert tokens.create("clerk", units=["u-fgj"], jurisdiction="dongqu")[0].jurisdiction == "dongqu"
    for units, jurisdiction in ((["u-nowhere"], None), (["u-fgj", "u-nowhere"], "dongqu")):
        with pytest.raises(LedgerError) as e:
            tokens.create("clerk", units=units, jurisdiction=jurisdiction)
        assert e.value.code == "unknown_unit" and "u-nowhere" in e.value.message_en


def test_a_clerk_token_bound_to_no_jurisdiction_is_refused_with_a_clear_message(env: Env) -> None:
    """A token made before clerks were bound (its row has no jurisdiction) works nowhere."""
    tok, secret = env.services.tokens.create("clerk", units=["u-fgj"])
    env.services.ledger.execute(f"UPDATE {env.services.tokens.table} SET jurisdiction=NULL WHERE id=?", [tok.id])
    r = env.client.get("/cases", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 401 and "--jurisdiction" in r.json()["error"]["message_en"]


def test_a_token_expires_and_then_says_so(env: Env) -> None:
    _tok, secret = env.services.tokens.create("auditor", now=env.clock.now, lifetime=timedelta(days=1))
    h = {"Authorization": f"Bearer {secret}"}
    assert env.client.get("/cases", headers=h).status_code == 200
    env.clock.advance(days=1)
    r = env.client.get("/cases", headers=h)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    assert "expired at 2024-01-11T09:00:00+00:00" in r.json()["error"]["message_en"]
    assert "过期" in r.json()["error"]["message_zh"]
    assert env.services.tokens.authenticate(secret, now=env.clock.now) is None
    never, secret2 = env.services.tokens.create("auditor", now=env.clock.now, lifetime=None)
    assert never.expires_at is None
    env.clock.advance(days=3650)
    assert env.client.get("/cases", headers={"Authorization": f"Bearer {secret2}"}).status_code == 200


def test_a_token_lasts_90_days_unless_told_otherwise(env: Env) -> None:
    tok, _ = env.services.tokens.create("supervisor", now=env.clock.now)
    assert tok.expires_at == env.clock.now + DEFAULT_LIFETIME == env.clock.now + timedelta(days=90)


def test_revoked_and_unknown_tokens_are_told_apart(env: Env) -> None:
    tok, secret = env.services.tokens.create("auditor")
    env.services.tokens.revoke(tok.id)
    r = env.client.get("/cases", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 401 and "revoked" in r.json()["error"]["message_en"]
    r = env.client.get("/cases", headers={"Authorization": f"Bearer {tok.id}.wrong"})
    assert r.status_code == 401 and "unknown token" in r.json()["error"]["message_en"]


def test_a_token_read_is_trusted_for_a_second_and_a_revocation_elsewhere_counts_after_it(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """令牌信任期: a server process trusts a token it has read for one second — the same bearer
    string reads nothing more from the database meanwhile; a revocation by another process
    (``ledger token revoke``, another worker) counts once that second is over, one through this
    process at once."""
    tokens = env.services.tokens
    tick = [100.0]
    tokens.monotonic = lambda: tick[0]
    reads: list[str] = []
    real_get = tokens.get
    monkeypatch.setattr(tokens, "get", lambda tid: reads.append(tid) or real_get(tid))
    tok, secret = tokens.create("auditor")
    h = {"Authorization": f"Bearer {secret}"}
    for _ in range(3):
        assert env.client.get("/cases", headers=h).status_code == 200
    assert reads == [tok.id], "read once, then trusted"
    TokenStore(env.services.ledger).revoke(tok.id)  # another process revokes it
    tick[0] += 0.5
    assert env.client.get("/cases", headers=h).status_code == 200  # still within the second
    tick[0] += 0.5
    r = env.client.get("/cases", headers=h)
    assert r.status_code == 401 and "revoked" in r.json()["error"]["message_en"]
    assert reads == [tok.id, tok.id]
    other, secret2 = tokens.create("auditor")
    h2 = {"Authorization": f"Bearer {secret2}"}
    assert env.client.get("/cases", headers=h2).status_code == 200
    tokens.revoke(other.id)  # through this process: refused at once
    assert env.client.get("/cases", headers=h2).status_code == 401
    assert env.client.get("/cases", headers={"Authorization": f"Bearer {other.id}.wrong"}).status_code == 401


def test_token_create_takes_an_expiry_and_list_shows_it(db_url: str) -> None:
    with Ledger(db_url) as led:
        Importer(led).import_chart(COUNTY)
    run = CliRunner().invoke
    r = run(token_app, ["create", "--role", "auditor", "--expires", "12h", "--db", db_url])
    assert r.exit_code == 0 and "expires" in r.stderr
    r = run(token_app, ["create", "--role", "admin", "--expires", "never", "--db", db_url])
    assert r.exit_code == 0 and "never expires" in r.stderr
    assert run(token_app, ["create", "--role", "admin", "--expires", "soon", "--db", db_url]).exit_code == 2
    r = run(token_app, ["create", "--role", "clerk", "--unit", "u-fgj", "--db", db_url])
    assert r.exit_code == 0 and "jurisdiction lecheng" in r.stderr
    listed = json.loads(run(token_app, ["list", "--format", "json", "--db", db_url]).stdout)
    by_role = {t["role"]: t for t in listed}
    created = datetime.fromisoformat(by_role["auditor"]["created_at"])
    assert datetime.fromisoformat(by_role["auditor"]["expires_at"]) - created == timedelta(hours=12)
    assert by_role["admin"]["expires_at"] is None and by_role["clerk"]["jurisdiction"] == "lecheng"
    assert {t["status"] for t in listed} == {"active"}
    table = run(token_app, ["list", "--db", db_url]).stdout
    assert "never" in table and "active" in table


@pytest.mark.parametrize(("text", "days"), [("90d", 90), ("2w", 14), ("36h", 1.5), ("never", None)])
def test_lifetimes_are_read_in_hours_days_or_weeks(text: str, days: float | None) -> None:
    got = parse_lifetime(text)
    assert (got.total_seconds() / 86400 if got else None) == days
    with pytest.raises(ValueError):
        parse_lifetime("0d")


def test_tokens_of_a_table_made_before_expiry_expire_90_days_after_their_creation(db_url: str) -> None:
    with Ledger(db_url) as led:
        old = TokenStore(led)
        old_table = old.table
        led.execute(f"DROP TABLE {old_table}")
        led.execute(
            f"CREATE TABLE {old_table} (id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, role TEXT NOT NULL, "
            "units TEXT NOT NULL, person TEXT, jurisdiction TEXT, created_at TEXT NOT NULL, revoked_at TEXT)"
        )
        led.execute(
            f"INSERT INTO {old_table} VALUES (?,?,?,?,?,?,?,?)",
            ["0123456789abcdef", "x", "auditor", "[]", None, None, "2024-01-01T00:00:00+00:00", None],
        )
        tok = TokenStore(led).get("0123456789abcdef")
        assert tok is not None and tok.expires_at == datetime(2024, 3, 31, tzinfo=UTC)
        TokenStore(led)  # opening again changes nothing
        assert TokenStore(led).list()[0].expires_at == datetime(2024, 3, 31, tzinfo=UTC)


def test_a_case_id_with_a_slash_is_read_like_any_other(env: Env) -> None:
    case = "昌政发〔2024〕/17 号#附件?2"
    a = act("s-1", case, "incident", "occurred", "2024-05-01T10:00:00+08:00", grade="general")
    assert env.post("/acts", "clerk_fgj", json=a).status_code == 201
    for path in (f"/cases/{quote(case, safe='/')}", f"/cases/{quote(case, safe='')}"):
        r = env.get(path, "clerk_fgj")
        assert r.status_code == 200 and r.json()["case"] == case, r.text
        r = env.get(path + "/timeline", "clerk_fgj")
        assert r.status_code == 200 and [x["id"] for x in r.json()["timeline"]] == ["s-1"]
    assert env.get("/cases/nope/nothing/timeline").status_code == 404
    assert [c["case"] for c in env.get("/cases", "clerk_fgj").json()["items"]] == [case]

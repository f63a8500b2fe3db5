"""A follower's quick look (一次查询): the audit views and the case-parties index go over the
reads recorded since they last looked (``access`` acts, 查阅记录 — one per audited read)
without decoding them, in one statement; an act they must judge after the reads is still
judged. And the SQLite reads that the API makes on a connection of their own raise the
eventsourcing library's error classes, as the library's own reads do. Both backends."""

from __future__ import annotations

import json
from typing import Any

import pytest
from eventsourcing.persistence import OperationalError, ProgrammingError

from ledger import codec
from ledger.importer import Importer
from ledger.store import Ledger
from projections.audit import AuditProjection
from projections.parties import PartiesIndex
from tests.api.conftest import LEAVE_FGJ
from tests.conftest import COUNTY, act
from tests.test_parties_index import J, viewed


def _count_decodes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many access acts (reads) are decoded from now on."""
    seen = [0]
    real = codec.decode

    def counting(state: bytes) -> object:
        a = real(state)
        seen[0] += a.kind == "access"
        return a

    monkeypatch.setattr(codec, "decode", counting)
    return seen


def test_the_views_go_over_reads_without_decoding_them_and_judge_the_act_after(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Ledger(db_url) as ledger:
        Importer(ledger).import_chart(COUNTY)
        Importer(ledger).import_lines(
            [json.dumps(act("i-1", "I-1", "incident", "occurred", "2024-05-06T08:00:00+08:00", grade="general"))]
        )
        views = AuditProjection(ledger)
        views.run()
        viewed(ledger, 25)
        decoded = _count_decodes(monkeypatch)
        assert views.run() == 25
        assert decoded[0] == 0, "reads are gone over from the topic column, not decoded"
        assert views.position() == ledger.max_notification_id()
        viewed(ledger, 3)
        Importer(ledger).import_lines(
            [json.dumps(act("i-2", "I-2", "incident", "occurred", "2024-05-06T10:00:00+08:00", grade="general"))]
        )
        views.run()
        assert decoded[0] == 0, "only the act after the reads is read"
        cases = {str(r["case_id"]) for r in ledger.query(f"SELECT case_id FROM {views.t_c}")}
        assert {"I-1", "I-2"} <= cases
        assert views.position() == ledger.max_notification_id()


def test_the_parties_index_goes_over_reads_without_decoding_them(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with Ledger(db_url) as ledger:
        Importer(ledger).import_chart(COUNTY)
        idx = PartiesIndex(ledger)
        idx.run()
        viewed(ledger, 10)
        decoded = _count_decodes(monkeypatch)
        assert idx.run() == 10
        assert decoded[0] == 0
        assert idx.position() == ledger.max_notification_id()


def test_the_quick_look_names_the_last_act_and_the_first_one_not_a_read(db_url: str) -> None:
    with Ledger(db_url) as ledger:
        Importer(ledger).import_chart(COUNTY)
        start = ledger.max_notification_id()
        viewed(ledger, 4)
        assert ledger.head_and_next(start, ["access"]) == (start + 4, None, None)
        Importer(ledger).import_lines(
            [json.dumps(act("i-9", "I-9", "incident", "occurred", "2024-05-06T08:00:00+08:00", grade="general"))]
        )
        head, nxt, extra = ledger.head_and_next(start, ["access"], ("SELECT 7", []))
        assert (head, nxt, extra) == (start + 5, start + 5, 7)
        assert ledger.head_and_next(start, [])[1] == start + 1, "nothing skipped: the next act"
        assert J in ledger.jurisdictions()


def test_a_sqlite_read_raises_the_librarys_error_classes(tmp_path: object) -> None:
    with Ledger(f"sqlite:///{tmp_path}/r.db") as ledger:
        with pytest.raises(OperationalError, match="no such table"):
            ledger.query("SELECT * FROM no_such_table")
        with pytest.raises(OperationalError):
            ledger.query("INSERT INTO ledger_chain (jurisdiction) VALUES ('x')")  # read-only connection


def test_a_rebuild_leaves_the_planner_statistics_of_its_views(pg_schema: str) -> None:
    """统计信息: PostgreSQL plans a view's page by its index only once it knows the table's size;
    a rebuild analyzes the tables it filled (autovacuum may be off)."""
    from tests.conftest import PG_DSN

    with Ledger(f"{PG_DSN}?schema={pg_schema}") as ledger:
        Importer(ledger).import_chart(COUNTY)
        views = AuditProjection(ledger)
        views.rebuild()
        rows = ledger.query(
            "SELECT relname, last_analyze FROM pg_stat_user_tables WHERE schemaname=? AND relname IN (?, ?)",
            [pg_schema, "ledger_cases", "ledger_violations"],
        )
        assert {r["relname"]: r["last_analyze"] is not None for r in rows} == {
            "ledger_cases": True,
            "ledger_violations": True,
        }


def test_a_postgresql_read_whose_connection_died_raises_once_and_the_next_reconnects(pg_schema: str) -> None:
    """每线程只读连接 (PostgreSQL): a read on a connection the server has ended (a restart, an
    administrator's pg_terminate_backend) raises the library's OperationalError; the thread's
    next read opens a fresh connection and answers."""
    import psycopg

    from tests.conftest import PG_DSN

    with Ledger(f"{PG_DSN}?schema={pg_schema}") as ledger:
        Importer(ledger).import_chart(COUNTY)
        (row,) = ledger.query("SELECT pg_backend_pid() AS pid")
        with psycopg.connect(PG_DSN, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [row["pid"]])
        with pytest.raises(OperationalError):
            ledger.query("SELECT 1 AS one")
        assert ledger.jurisdictions() == [COUNTY["jurisdiction"]]
        (again,) = ledger.query("SELECT pg_backend_pid() AS pid")
        assert again["pid"] != row["pid"]
        with pytest.raises(ProgrammingError):
            ledger.query("SELECT * FROM no_such_table")
        assert ledger.query("SELECT pg_backend_pid() AS pid")[0]["pid"] == again["pid"], "a bad statement keeps it"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_the_read_connections_of_ended_threads_are_closed(backend: str, request: pytest.FixtureRequest) -> None:
    """每线程只读连接: a thread pool retires idle threads; their connections do not pile up."""
    import threading

    if backend == "sqlite":
        url = f"sqlite:///{request.getfixturevalue('tmp_path')}/t.db"
    else:
        from tests.conftest import PG_DSN

        url = f"{PG_DSN}?schema={request.getfixturevalue('pg_schema')}"
    with Ledger(url) as ledger:
        for _ in range(20):
            t = threading.Thread(target=ledger.jurisdictions)
            t.start()
            t.join()
        ledger.jurisdictions()
        assert len(ledger._reader_conns) <= 2, "one for this thread, at most one of an ended one"


def test_an_audited_read_reads_the_org_chart_once_and_looks_up_no_case_kind(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Building a read's access act reads the jurisdiction's org chart once (for its unit and
    its validation both) and never looks up the kind of the reader's access case: that id is
    reserved for ``access`` acts. On PostgreSQL each of those would be a round trip a read."""
    from api.accesslog import access_acts
    from api.auth import Principal
    from domain.timeutil import parse_datetime
    from ledger.tokens import TokenStore

    with Ledger(db_url) as ledger:
        Importer(ledger).import_chart(COUNTY)
        tok, _bearer = TokenStore(ledger).create("auditor", person="p-chen")
        p = Principal(tok)
        calls: list[str] = []
        real_org, real_kind = ledger.org, ledger.case_kind
        monkeypatch.setattr(ledger, "org", lambda j: calls.append("org") or real_org(j))
        monkeypatch.setattr(ledger, "case_kind", lambda j, c: calls.append("case_kind") or real_kind(j, c))
        acts = access_acts(
            ledger,
            p,
            "/cases",
            {"kind": "incident"},
            [J],
            now=parse_datetime("2024-05-06T09:00:00+08:00"),
            unit_of=lambda _p, _j, org: next(iter(org.units)),
        )
        assert [(a.kind, a.case) for a in acts] == [("access", "ACCESS-p-chen-2024-05-06")]
        assert calls == ["org"]


def test_a_catch_up_over_one_act_reads_the_log_once_and_settles_only_what_it_marked(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the quick look, a catch-up over one new act reads its position once and the log
    once (fewer acts than a batch: the end of the log), and does not look for marks to settle
    when the quick look saw none and its batch made none — on PostgreSQL each was a round trip
    of every write's answer. A jurisdiction-kind act marks its rules, which are settled in the
    same run."""
    with Ledger(db_url) as ledger:
        Importer(ledger).import_chart(COUNTY)
        views = AuditProjection(ledger)
        views.run()
        reads = {"log": 0, "pending": 0, "tracked": 0}
        real_notes, real_pending, real_tracked = ledger.notifications, views.pending, views.tracked

        def count(what: str, f: Any) -> Any:
            def counted(*a: Any, **k: Any) -> Any:
                reads[what] += 1
                return f(*a, **k)

            return counted

        monkeypatch.setattr(ledger, "notifications", count("log", real_notes))
        monkeypatch.setattr(views, "pending", count("pending", real_pending))
        monkeypatch.setattr(views, "tracked", count("tracked", real_tracked))
        line = act("i-1", "I-1", "incident", "occurred", "2024-05-06T08:00:00+08:00", grade="general")
        Importer(ledger).import_lines([json.dumps(line)])
        assert views.run() == 1
        assert reads == {"log": 1, "pending": 0, "tracked": 1}
        assert views.position() == ledger.max_notification_id()
        leave = LEAVE_FGJ[0]  # a leave request: a kind the jurisdiction-wide rules read
        Importer(ledger).import_lines([json.dumps(leave, ensure_ascii=False)])
        reads.update(log=0, pending=0, tracked=0)
        assert views.run() == 1
        assert reads["log"] == 1 and reads["pending"] == 1  # its rules marked, then settled
        assert views.pending() == []

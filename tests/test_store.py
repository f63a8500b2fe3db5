"""The event store on both backends (one shared test case, run on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.timeutil import parse_datetime
from ledger.exporter import export
from ledger.importer import Importer
from ledger.store import Ledger, WriteConflictError
from ledger.validation import BatchValidator
from tests.conftest import COUNTY, FakeClock, act


def open_county(url: str, clock: FakeClock) -> Ledger:
    ledger = Ledger(url, clock=clock)
    res = Importer(ledger).import_chart(COUNTY)
    assert not res.rejected, res.rejected
    return ledger


def lines(*acts: dict) -> list[str]:
    return [json.dumps(a, ensure_ascii=False) for a in acts]


INCIDENT = [
    act("a-1", "INC-1", "incident", "occurred", "2024-03-05T10:00:00+08:00", grade="larger"),
    act("a-2", "INC-1", "incident", "reported", "2024-03-05T10:20:00+08:00", channel="phone", to_level="local_gov"),
    act("a-3", "INC-1", "incident", "reported", "2024-03-05T11:30:00+08:00", channel="written", to_level="local_gov"),
]


def test_import_is_batched_and_idempotent_by_act_id(db_url: str, clock: FakeClock) -> None:
    with open_county(db_url, clock) as ledger:
        first = Importer(ledger, batch=2).import_lines(lines(*INCIDENT))
        assert first.summary() == {"imported": 3, "duplicate": 0, "rejected": 0}
        again = Importer(ledger).import_lines(lines(*INCIDENT))
        assert again.summary() == {"imported": 0, "duplicate": 3, "rejected": 0}
        assert [a.id for a in ledger.case_history("lecheng", "INC-1")] == ["a-1", "a-2", "a-3"]


def test_org_file_imported_twice_is_stored_once(db_url: str, clock: FakeClock) -> None:
    with open_county(db_url, clock) as ledger:
        n = ledger.count("lecheng")
        res = Importer(ledger).import_chart(COUNTY)
        assert res.imported == 0 and res.duplicate == n


def test_a_bad_line_is_reported_with_its_line_and_field_and_the_rest_imports(db_url: str, clock: FakeClock) -> None:
    bad = [
        act("b-1", "INC-2", "incident", "occurred", "2024-03-05T10:00:00+08:00", by="p-ghost", grade="general"),
        act("b-2", "INC-2", "incident", "occurred", "not a time", grade="general"),
        act(
            "b-3",
            "INC-1",
            "leave",
            "requested",
            "2024-03-05T10:00:00+08:00",
            start="2024-03-06T08:00:00+08:00",
            end="2024-03-07T18:00:00+08:00",
        ),
        act("b-4", "INC-2", "incident", "minutes_issued", "2024-03-05T10:00:00+08:00"),
        act("b-5", "INC-2", "incident", "occurred", "2024-03-05T10:00:00+08:00", unit="u-ghost", grade="general"),
        {
            "id": "b-6",
            "case": "X",
            "kind": "incident",
            "act": "occurred",
            "at": "2024-03-05T10:00:00+08:00",
            "by": "p-sun",
        },
    ]
    text = [*lines(INCIDENT[0]), *lines(*bad), "{not json", *lines(INCIDENT[1])]
    with open_county(db_url, clock) as ledger:
        before = ledger.count()
        res = Importer(ledger).import_lines(text, source="acts.jsonl")
        assert res.imported == 2
        got = {(e.line, e.field, e.code) for e in res.rejected}
        assert got == {
            (2, "by", "unknown_person"),
            (3, "at", "bad_time"),
            (4, "case", "case_kind_mismatch"),
            (5, "act", "act_not_of_kind"),
            (6, "unit", "unknown_unit"),
            (7, "unit", "missing_field"),
            (8, "", "bad_json"),
        }
        assert ledger.count() == before + 2
        assert ledger.case_history("lecheng", "INC-2") == []


def test_an_id_reused_with_different_content_is_rejected(db_url: str, clock: FakeClock) -> None:
    with open_county(db_url, clock) as ledger:
        Importer(ledger).import_lines(lines(INCIDENT[0]))
        other = dict(INCIDENT[0], at="2024-03-05T09:00:00+08:00")
        res = Importer(ledger).import_lines(lines(other))
        assert [(e.line, e.field, e.code) for e in res.rejected] == [(1, "id", "id_conflict")]


def test_a_batch_mixing_new_stored_and_reused_ids_stores_the_new_ones_once(db_url: str, clock: FakeClock) -> None:
    """An import batch that meets an id stored already (the insert fails on the unique index)
    is planned again with the ids looked up: the new acts are stored once, in order, the same
    act again is a duplicate, the reused id with another body is rejected, and the chain holds."""
    from ledger.integrity import verify

    with open_county(db_url, clock) as ledger:
        Importer(ledger).import_lines(lines(INCIDENT[0]))
        other = dict(INCIDENT[0], at="2024-03-05T09:00:00+08:00")
        res = Importer(ledger).import_lines(lines(INCIDENT[1], INCIDENT[0], other, INCIDENT[2]))
        assert (res.imported, res.duplicate) == (2, 1)
        assert [(e.line, e.code) for e in res.rejected] == [(3, "id_conflict")]
        assert [a.id for a in ledger.case_history("lecheng", "INC-1")] == ["a-1", "a-2", "a-3"]
        assert verify(ledger).ok


def test_procedure_breaking_acts_are_stored_not_refused(db_url: str, clock: FakeClock) -> None:
    breaking = [
        # leave approved after departure
        act(
            "l-1",
            "LV-1",
            "leave",
            "requested",
            "2024-04-01T09:00:00+08:00",
            by="p-liu",
            start="2024-04-02T08:00:00+08:00",
            end="2024-04-05T18:00:00+08:00",
        ),
        act("l-2", "LV-1", "leave", "departed", "2024-04-02T08:00:00+08:00", by="p-liu"),
        act("l-3", "LV-1", "leave", "approved", "2024-04-03T10:00:00+08:00", by="p-li"),
        # minutes issued before they were reviewed (entered out of business order)
        act("m-2", "MTG-1", "meeting", "minutes_issued", "2024-04-10T09:00:00+08:00", by="p-chen", unit="u-office"),
        act(
            "m-1",
            "MTG-1",
            "meeting",
            "scheduled",
            "2024-04-08T09:00:00+08:00",
            by="p-chen",
            unit="u-office",
            type="executive",
        ),
        act("m-3", "MTG-1", "meeting", "minutes_reviewed", "2024-04-11T09:00:00+08:00", by="p-chen", unit="u-office"),
        # a report entered a week after the incident it reports, recorded late
        act(
            "r-2", "INC-9", "incident", "reported", "2024-04-20T10:00:00+08:00", channel="written", to_level="local_gov"
        ),
        act("r-1", "INC-9", "incident", "occurred", "2024-04-13T10:00:00+08:00", grade="major"),
    ]
    with open_county(db_url, clock) as ledger:
        res = Importer(ledger).import_lines(lines(*breaking))
        assert res.rejected == [] and res.imported == len(breaking)
        assert [a.act for a in ledger.case_history("lecheng", "MTG-1")] == [
            "scheduled",
            "minutes_issued",
            "minutes_reviewed",
        ]
        assert [a.id for a in ledger.case_history("lecheng", "LV-1")] == ["l-1", "l-2", "l-3"]


def test_export_round_trip_gives_identical_acts(db_url: str, clock: FakeClock, tmp_path: Path) -> None:
    with open_county(db_url, clock) as ledger:
        Importer(ledger).import_lines(lines(*INCIDENT))
        out = tmp_path / "out.jsonl"
        n = export(ledger, out)
        assert n == ledger.count()
        before = [a.to_contract() for a in ledger.iter_acts()]
    fresh = tmp_path / "fresh.db"
    with Ledger(f"sqlite:///{fresh}", clock=clock) as other:
        res = Importer(other).import_path(out)
        assert res.rejected == [] and res.imported == n
        assert [a.to_contract() for a in other.iter_acts()] == before
        out2 = tmp_path / "out2.jsonl"
        export(other, out2)
    assert out.read_text(encoding="utf-8") == out2.read_text(encoding="utf-8")


def test_export_csv_has_a_row_per_act(db_url: str, clock: FakeClock, tmp_path: Path) -> None:
    import csv

    with open_county(db_url, clock) as ledger:
        Importer(ledger).import_lines(lines(*INCIDENT))
        export(ledger, tmp_path / "a.csv", fmt="csv", jurisdiction="lecheng")
        rows = list(csv.DictReader((tmp_path / "a.csv").open(encoding="utf-8")))
        assert len(rows) == ledger.count("lecheng")
        last = rows[-1]
        assert (last["id"], last["case"], json.loads(last["data"])["channel"]) == ("a-3", "INC-1", "written")


def test_replay_as_of_business_time_and_recorded_time(db_url: str, clock: FakeClock) -> None:
    with open_county(db_url, clock) as ledger:
        clock.now = datetime(2024, 3, 5, 3, 0, tzinfo=UTC)  # 11:00 Beijing, recorded
        Importer(ledger).import_lines(lines(INCIDENT[0], INCIDENT[1]))
        clock.now = datetime(2024, 3, 12, 3, 0, tzinfo=UTC)  # the written report is entered a week later
        Importer(ledger).import_lines(lines(INCIDENT[2]))

        def ids(**kw: datetime) -> list[str]:
            return [a.id for a in ledger.case_history("lecheng", "INC-1", **kw)]

        assert ids(as_of=parse_datetime("2024-03-05T10:10:00+08:00")) == ["a-1"]
        assert ids(as_of=parse_datetime("2024-03-05T12:00:00+08:00")) == ["a-1", "a-2", "a-3"]
        # what did the ledger say on 2024-03-06? the written report was not yet recorded
        assert ids(recorded_as_of=parse_datetime("2024-03-06T23:59:59+08:00")) == ["a-1", "a-2"]
        assert ids(recorded_as_of=parse_datetime("2024-03-05T10:59:00+08:00")) == []
        assert ids(recorded_as_of=parse_datetime("2024-03-13T00:00:00+08:00")) == ["a-1", "a-2", "a-3"]
        [a3] = [a for a in ledger.case_history("lecheng", "INC-1") if a.id == "a-3"]
        assert a3.recorded_at == datetime(2024, 3, 12, 3, 0, tzinfo=UTC)


def test_org_queries_over_time_from_the_store(db_url: str, clock: FakeClock) -> None:
    with open_county(db_url, clock) as ledger:
        org = ledger.org("lecheng")
        t = parse_datetime
        assert org.holder("vh-1", t("2024-06-30T12:00:00+08:00")) == "p-wang"
        assert org.holder("vh-1", t("2024-07-01T00:00:00+08:00")) == "p-wu"
        assert org.in_charge(t("2024-05-01T10:00:00+08:00"), unit="u-fgj") == ["vh-1"]
        assert org.in_charge(t("2024-05-01T10:00:00+08:00"), area="司法") == ["vh-2"]
        assert org.delegated("head", "evh", "sign", t("2024-03-10T23:00:00+08:00"))
        assert not org.delegated("head", "evh", "sign", t("2024-03-11T00:00:00+08:00"))
        assert not org.delegated("head", "evh", "convene", t("2024-03-05T10:00:00+08:00"))
        assert org.cover_partners("vh-2", t("2024-05-01T10:00:00+08:00")) == ["vh-1"]
        assert org.pack_at(t("2024-05-01T10:00:00+08:00")) == "changle-2022"


def test_concurrent_write_to_one_case_conflicts_and_stores_nothing(db_url: str, clock: FakeClock) -> None:
    with open_county(db_url, clock) as ledger, Ledger(db_url, clock=clock) as other:
        v1 = BatchValidator(ledger).validate(INCIDENT[0])
        v2 = BatchValidator(other).validate(INCIDENT[1])
        # both writers saw the case empty; the first appends, the second must not fork it
        ledger.append([v1], expected={"INC-1": 0})
        with pytest.raises(WriteConflictError):
            other.append([v2], on_conflict="raise", expected={"INC-1": 0})
        assert [a.id for a in ledger.case_history("lecheng", "INC-1")] == ["a-1"]
        # retried on the new head, it goes through
        other.append([v2])
        assert [a.id for a in ledger.case_history("lecheng", "INC-1")] == ["a-1", "a-2"]


def test_several_jurisdictions_live_in_one_database_without_mixing(db_url: str, clock: FakeClock) -> None:
    second = dict(COUNTY, jurisdiction="dongqu", pack="dongqu-2012")
    with open_county(db_url, clock) as ledger:
        Importer(ledger).import_chart(second)
        Importer(ledger, jurisdiction="lecheng").import_lines(lines(*INCIDENT))
        Importer(ledger, jurisdiction="dongqu").import_lines(lines(INCIDENT[0]))
        assert ledger.jurisdictions() == ["dongqu", "lecheng"]
        assert len(ledger.case_history("lecheng", "INC-1")) == 3
        assert len(ledger.case_history("dongqu", "INC-1")) == 1
        assert ledger.org("dongqu").pack_at(parse_datetime("2024-01-01T00:00:00+08:00")) == "dongqu-2012"
        # same unit ids in both: an act line without a jurisdiction cannot be placed
        res = Importer(ledger).import_lines(lines(INCIDENT[0] | {"id": "x"}))
        assert [(e.field, e.code) for e in res.rejected] == [("jurisdiction", "unknown_jurisdiction")]


def test_a_correction_is_a_new_act_and_must_point_into_its_case(db_url: str, clock: FakeClock) -> None:
    with open_county(db_url, clock) as ledger:
        Importer(ledger).import_lines(lines(*INCIDENT))
        fix = act(
            "c-1",
            "INC-1",
            "incident",
            "corrected",
            "2024-03-06T09:00:00+08:00",
            of="a-2",
            reason="时间录错",
            fields={"at": "2024-03-05T10:10:00+08:00"},
        )
        stray = act("c-2", "INC-1", "incident", "retracted", "2024-03-06T09:00:00+08:00", of="zz-9", reason="x")
        res = Importer(ledger).import_lines(lines(fix, stray))
        assert res.imported == 1 and [(e.field, e.code) for e in res.rejected] == [("data.of", "unknown_act")]
        hist = ledger.case_history("lecheng", "INC-1")
        assert [a.id for a in hist] == ["a-1", "a-2", "a-3", "c-1"]  # the old act stays


def test_a_nul_character_is_refused_as_bad_input_on_both_backends(db_url: str, clock: FakeClock) -> None:
    with open_county(db_url, clock) as ledger:
        bad = act("n-1", "INC-7", "incident", "occurred", "2024-03-05T10:00:00+08:00", grade="general", place="a\x00b")
        res = Importer(ledger).import_lines(lines(bad))
        assert [(e.field, e.code) for e in res.rejected] == [("data.place", "bad_character")]
        assert ledger.case_history("lecheng", "INC-7") == []


def test_an_org_file_with_a_malformed_jurisdiction_is_refused(db_url: str, clock: FakeClock) -> None:
    with Ledger(db_url, clock=clock) as ledger:
        res = Importer(ledger).import_chart(dict(COUNTY, jurisdiction=["lecheng"]))
        assert [(e.field, e.code) for e in res.rejected] == [("jurisdiction", "wrong_type")]
        res = Importer(ledger).import_chart(dict(COUNTY, pack=5))
        assert [(e.field, e.code) for e in res.rejected] == [("pack", "wrong_type")]
        assert ledger.jurisdictions() == []


def test_a_cases_version_is_read_from_its_newest_row_whatever_its_length(db_url: str, clock: FakeClock) -> None:
    """Each append reads the version of the cases it writes: a long case (a reader's access log of
    a busy day, a long supervision item) is found through the case index, never by its rows."""
    with open_county(db_url, clock) as ledger:
        long = [
            act(
                f"r-{i}",
                "SUP-LONG",
                "supervision",
                "progress_reported",
                f"2024-03-{1 + i // 24:02d}T{i % 24:02d}:00:00+08:00",
            )
            for i in range(40)
        ]
        Importer(ledger, batch=7).import_lines(lines(*INCIDENT, *long))
        assert ledger.case_versions("lecheng", ["SUP-LONG", "INC-1", "NOPE", "INC-1"]) == {
            "SUP-LONG": (40, "supervision"),
            "INC-1": (3, "incident"),
        }
        assert ledger.case_versions("lecheng", []) == {}
        assert ledger.case_versions("elsewhere", ["INC-1"]) == {}
        if not ledger.is_postgres:
            plan = " ".join(
                str(r[-1])
                for r in ledger.query(
                    f"EXPLAIN QUERY PLAN SELECT rowid FROM {ledger.t_chain} WHERE jurisdiction=? AND case_id=? "
                    "ORDER BY originator_version DESC LIMIT 1",
                    ["lecheng", "SUP-LONG"],
                )
            )
            assert "USING COVERING INDEX" in plan or "USING INDEX" in plan, plan
            assert "TEMP B-TREE" not in plan, plan


def test_sqlite_writers_take_turns_on_the_file_lock_beside_the_database(tmp_path: Path, clock: FakeClock) -> None:
    """A writer in another process holds ``<db>-writer``: an append waits for it (the kernel wakes
    it when the lock is let go) instead of polling SQLite's busy handler, then stores its act."""
    import fcntl
    import os
    import threading

    db = tmp_path / "l.db"
    with open_county(f"sqlite:///{db}", clock) as ledger:
        fd = os.open(f"{db}-writer", os.O_RDWR | os.O_CREAT)
        fcntl.flock(fd, fcntl.LOCK_EX)  # as another process's writer would
        done = threading.Event()

        def write() -> None:
            Importer(ledger).import_lines(lines(INCIDENT[0]))
            done.set()

        t = threading.Thread(target=write)
        t.start()
        assert not done.wait(0.5), "the append waited for the other writer"
        os.close(fd)
        assert done.wait(10)
        t.join()
        assert [a.id for a in ledger.case_history("lecheng", "INC-1")] == ["a-1"]


def test_a_postgresql_read_is_one_statement_in_its_own_transaction(pg_schema: str) -> None:
    """Every page of the API reads through ``Ledger.query``: on PostgreSQL one round trip in
    autocommit mode (no BEGIN … ROLLBACK around it), so the statement started its transaction."""
    from tests.conftest import PG_DSN

    with Ledger(f"{PG_DSN}?schema={pg_schema}") as ledger:
        rows = ledger.query("SELECT transaction_timestamp() = statement_timestamp() AS own")
        assert rows[0]["own"] is True


def test_opening_a_postgresql_ledger_takes_no_lock_that_waits_for_a_writer(pg_schema: str, clock: FakeClock) -> None:
    """A server worker or an import opens the ledger while others append: its schema step must
    not take a lock that waits behind a writer that has read the chain (the append-only triggers
    are created once, not dropped and created again on every open — that was a deadlock)."""
    import threading

    import psycopg

    from tests.conftest import PG_DSN

    url = f"{PG_DSN}?schema={pg_schema}"
    with open_county(url, clock) as ledger:
        Importer(ledger).import_lines(lines(*INCIDENT))
        with psycopg.connect(PG_DSN) as writer:  # a writer's transaction that has read the chain
            writer.execute(f'SELECT count(*) FROM "{pg_schema}".ledger_chain').fetchone()
            writer.execute(f'SELECT count(*) FROM "{pg_schema}".stored_events').fetchone()
            opened = threading.Event()

            def open_again() -> None:
                with Ledger(url, clock=clock):
                    opened.set()

            t = threading.Thread(target=open_again, daemon=True)
            t.start()
            assert opened.wait(20), "opening waited for the writer's transaction"
            writer.rollback()
            t.join(10)
        with pytest.raises(Exception, match="append-only"):
            ledger.execute(f"DELETE FROM {ledger.t_chain}")

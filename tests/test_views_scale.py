"""The audit views at volume: a streamed rebuild over worker processes, catch-up that settles
the jurisdiction-wide rules once per run, reads that do not write the views, partitioned
followers — each giving the tables of a one-worker rebuild."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bench.synth import acts as synth_acts
from bench.synth import org_chart
from domain.system_cases import access_case
from ledger.importer import Importer
from ledger.store import Ledger
from ledger.validation import BatchValidator
from projections import audit, spool
from projections.audit import AuditProjection, Judge, partition_of
from tests.conftest import FakeClock

JURISDICTIONS = ("j-a", "j-b", "j-c")


def cover_conflict(j: str, n: int) -> list[dict[str, object]]:
    """Two cover partners (vh-0, vh-1) away at once: a jurisdiction-wide violation."""
    out: list[dict[str, object]] = []
    for who in ("p-vh-0", "p-vh-1"):
        case = f"LV-{who}-{n}"
        base = {"jurisdiction": j, "case": case, "kind": "leave", "by": who, "unit": "u-gov"}
        out.append(
            base
            | {
                "id": f"{case}-req",
                "act": "requested",
                "at": f"2024-0{n}-04T09:00:00+08:00",
                "data": {"start": f"2024-0{n}-05T08:00:00+08:00", "end": f"2024-0{n}-07T18:00:00+08:00"},
            }
        )
        out.append(base | {"id": f"{case}-ok", "act": "approved", "at": f"2024-0{n}-04T11:00:00+08:00", "data": {}})
        out.append(base | {"id": f"{case}-go", "act": "departed", "at": f"2024-0{n}-05T08:00:00+08:00", "data": {}})
    return out


def lines(per: int) -> list[str]:
    """Acts of three jurisdictions, interleaved as several sources would write them."""
    rows: list[dict[str, object]] = []
    for i, j in enumerate(JURISDICTIONS):
        rows += list(synth_acts(per, seed=i + 1, jurisdiction=j))
        rows += [a for n in (3, 5) for a in cover_conflict(j, n)]
    rows.sort(key=lambda a: str(a["id"]))
    return [json.dumps(a, ensure_ascii=False) for a in rows]


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    led = Ledger(db_url, clock=FakeClock())
    for j in JURISDICTIONS:
        Importer(led).import_chart(org_chart(j, pack="dongqu-2012" if j == "j-a" else "changle-2022"))
    yield led
    led.close()


def import_some(led: Ledger, rows: list[str]) -> None:
    Importer(led).import_lines(rows)


def reference(led: Ledger) -> tuple[list[tuple[object, ...]], ...]:
    p = AuditProjection(led, name="reference")
    p.rebuild()
    return p.table_snapshot()


def test_rebuild_over_two_worker_processes_gives_the_one_worker_tables(ledger: Ledger) -> None:
    import_some(ledger, lines(150))
    one = reference(ledger)
    assert any(v[2] == "jurisdiction" for v in one[0]), "the data holds jurisdiction-wide violations"
    assert {v[1] for v in one[0]} == set(JURISDICTIONS)
    p = AuditProjection(ledger)
    assert p.rebuild(workers=2) == ledger.max_notification_id()
    assert p.table_snapshot() == one
    assert p.position() == ledger.max_notification_id() and p.lag() == 0


@pytest.mark.parametrize("kept", ["on disk", "as bytes in memory"])
def test_spooled_cases_read_back_one_by_one_give_the_same_tables(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch, kept: str
) -> None:
    """Cases spooled beyond what is decoded once and kept (on disk beyond :data:`spool.MEMORY_BYTES`,
    else as their bytes in memory), read back and decoded one by one, give the same tables."""
    import_some(ledger, lines(120))
    in_memory = reference(ledger)
    monkeypatch.setattr(spool, "IN_MEMORY_ACTS", 0)
    if kept == "on disk":
        monkeypatch.setattr(spool, "MEMORY_BYTES", 0)
    assert reference(ledger) == in_memory


def test_catch_up_settles_jurisdiction_rules_once_per_run_not_per_batch(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = AuditProjection(ledger)
    p.run()
    calls: list[str] = []
    real = Judge.jurisdiction

    def counted(self: Judge, j: str, sp: spool.CaseSpool) -> audit.Judged:
        calls.append(j)
        return real(self, j, sp)

    monkeypatch.setattr(Judge, "jurisdiction", counted)
    import_some(ledger, lines(150))
    assert p.run(batch=20) > 20 * 10
    assert sorted(calls) == sorted(JURISDICTIONS), "one settling per jurisdiction for the whole run"
    assert p.pending() == []
    monkeypatch.setattr(Judge, "jurisdiction", real)
    assert p.table_snapshot() == reference(ledger)


def test_a_follower_stopped_before_settling_resumes_from_its_pending_work(ledger: Ledger) -> None:
    p = AuditProjection(ledger)
    p.run()
    import_some(ledger, lines(60))
    notes = ledger.notifications(p.position() + 1, 10_000)
    p.process(notes)  # saved with its tracking position; the jurisdiction rules are left pending
    assert {what for _j, what, _upto in p.pending()} == {"rules"}
    assert p.lag() == 0
    again = AuditProjection(ledger)  # a new process
    assert again.run() == 0
    assert again.pending() == []
    assert again.table_snapshot() == reference(ledger)


def test_reads_advance_the_follower_without_writing_the_views(ledger: Ledger) -> None:
    import_some(ledger, lines(30))
    p = AuditProjection(ledger)
    p.run()
    saved = p.tracked()
    now = datetime(2024, 6, 1, 2, 0, tzinfo=UTC)
    reads = [
        BatchValidator(ledger, jurisdiction="j-a").validate(
            {
                "id": f"acc-{i}",
                "jurisdiction": "j-a",
                "case": access_case("p-od", now.date()),
                "kind": "access",
                "act": "viewed",
                "at": now.isoformat(),
                "by": "p-od",
                "unit": "u-office",
                "data": {"resource": "violations", "query": "{}", "role": "auditor", "token": "t", "person": "p-od"},
            }
        )
        for i in range(5)
    ]
    before = p.table_snapshot()
    for a in reads:
        ledger.append([a])
        assert p.run() == 1
    assert p.tracked() == saved, "no tracking write per read"
    assert p.lag() == 0 and p.position() == ledger.max_notification_id()
    assert p.table_snapshot() == before
    p.save_position()
    assert p.tracked() == ledger.max_notification_id()
    import_some(ledger, lines(31)[-1:])
    p.run()
    assert p.table_snapshot() == reference(ledger)


@pytest.mark.parametrize("far_behind", [False, True])
def test_partitioned_followers_together_give_the_rebuilt_tables(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch, far_behind: bool
) -> None:
    if far_behind:
        monkeypatch.setattr(audit, "BULK_MIN", 10)
    assert len({partition_of(j, 3) for j in JURISDICTIONS}) > 1
    followers = [AuditProjection(ledger, partition=(k, 3)) for k in range(3)]
    rows = lines(90)
    for part in (rows[: len(rows) // 2], rows[len(rows) // 2 :]):
        import_some(ledger, part)
        for f in followers:
            f.run(batch=50)
    assert {f.name for f in followers} == {"audit:0/3", "audit:1/3", "audit:2/3"}
    assert all(f.lag() == 0 and f.pending() == [] for f in followers)
    assert followers[0].table_snapshot() == reference(ledger)


def test_a_follower_far_behind_rebuilds(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    import_some(ledger, lines(60))
    monkeypatch.setattr(audit, "BULK_MIN", 10)
    p = AuditProjection(ledger)
    rebuilt: list[int] = []
    real = AuditProjection.rebuild

    def spy(self: AuditProjection, **kw: object) -> int:
        rebuilt.append(1)
        return real(self, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(AuditProjection, "rebuild", spy)
    assert p.run() == ledger.max_notification_id()
    assert rebuilt == [1]
    monkeypatch.setattr(AuditProjection, "rebuild", real)
    assert p.table_snapshot() == reference(ledger)


@pytest.mark.parametrize("kept", ["on disk", "as bytes in memory"])
def test_a_spool_gives_cases_by_kind_in_opening_order(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch, kept: str
) -> None:
    from domain.rules.base import Case
    from ledger import codec

    import_some(ledger, lines(80))
    monkeypatch.setattr(spool, "IN_MEMORY_ACTS", 0)
    if kept == "on disk":
        monkeypatch.setattr(spool, "MEMORY_BYTES", 4096)  # a few cases in memory, then all moved to disk
    cases = [Case.of([codec.decode(s) for s in g]) for g in ledger.jurisdiction_cases("j-b")]
    with spool.CaseSpool() as sp:
        for c in cases:
            sp.add(c, [codec.encode_stored(a) for a in c.history])
        assert sp.on_disk == (kept == "on disk")
        src = sp.source("j-b")
        leave = src.cases(["leave"])
        assert isinstance(leave, spool.SpooledCases if kept == "on disk" else spool.ListedCases)
        want = [c.id for c in sorted((c for c in cases if c.kind == "leave"), key=lambda c: (c.opened_at, c.id))]
        assert len(want) > 3 and [c.id for c in leave] == want
        assert len(leave) == len(want) and leave[0].id == want[0] and leave[-1].id == want[-1]
        assert [c.id for c in leave[1:3]] == want[1:3]
        assert src.kind_of(want[0]) == "leave" and src.kind_of("no-such-case") is None
        assert not src.cases(["meeting"])
        assert sp.jurisdictions() == ["j-b"]


def test_jurisdiction_rules_read_from_the_store_see_corrected_opening_times(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The jurisdiction-wide rules' task orders the cases it reads from the store by opening time
    without decoding them — but a case whose opening act was corrected (更正) or retracted (撤回)
    opens when the corrected acts say: LEV-COVER-CONFLICT then flags the other leave of the pair."""
    from domain.rules.base import Case
    from ledger import codec

    rows = cover_conflict("j-b", 3)
    first = rows[0]  # p-vh-0's request, an hour before p-vh-1's: p-vh-1's leave opens later
    moved = {"at": "2024-03-04T12:00:00+08:00"}
    rows.append(
        {k: first[k] for k in ("jurisdiction", "case", "kind", "by", "unit")}
        | {"id": "fix-open", "act": "corrected", "at": "2024-03-04T13:00:00+08:00"}
        | {"data": {"of": first["id"], "reason": "时间录入错误", "fields": moved}}
    )
    import_some(ledger, [json.dumps(a, ensure_ascii=False) for a in rows])
    monkeypatch.setattr(spool, "IN_MEMORY_ACTS", 0)  # read back from disk, in the order it keeps
    monkeypatch.setattr(spool, "MEMORY_BYTES", 0)
    judge = Judge(ledger)
    stored = judge.jurisdiction_from_store("j-b").vrows
    cases = [Case.of([codec.decode(s) for s in g]) for g in ledger.jurisdiction_cases("j-b")]
    in_memory = judge.evaluator("j-b")[0].judge_jurisdiction(cases).violations
    flagged = [r[8] for r in stored if r[3] == "LEV-COVER-CONFLICT"]
    assert flagged == [v.case for v in in_memory if v.rule == "LEV-COVER-CONFLICT"] == [first["case"]]
    assert sorted(stored) == sorted(audit.violation_row(v, "jurisdiction") for v in in_memory)


def _view_indexes(led: Ledger, p: AuditProjection) -> set[str]:
    if led.is_postgres:
        rows = led.query("SELECT indexname AS name FROM pg_indexes WHERE schemaname=?", [led.config.schema])
    else:
        rows = led.query("SELECT name FROM sqlite_master WHERE type='index'")
    return {str(r["name"]) for r in rows if str(r["name"]).startswith(("ledger_violations", "ledger_cases"))}


def test_a_rebuild_keeps_the_views_indexes_and_a_failed_one_leaves_the_views_as_they_were(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite a rebuild builds the views' indexes once, after the rows, in its one transaction:
    afterwards every index is there; a rebuild that fails half-way leaves the views — rows and
    indexes — as they were."""
    import_some(ledger, lines(60))
    p = AuditProjection(ledger)
    indexes = _view_indexes(ledger, p)
    assert {"ledger_violations_unit", "ledger_cases_kind_list"} <= indexes
    p.rebuild()
    before = p.table_snapshot()
    assert _view_indexes(ledger, p) == indexes and before[0]

    units = 0
    real = Judge.cases

    def half(self: Judge, *a: object, **k: object) -> audit.Judged:
        nonlocal units
        units += 1
        if units > 1:
            raise RuntimeError("a worker died")
        return real(self, *a, **k)

    monkeypatch.setattr(audit, "UNIT_ACTS", 100)  # several units: the first judged, the next fails
    monkeypatch.setattr(Judge, "cases", half)
    with pytest.raises(RuntimeError, match="a worker died"):
        AuditProjection(ledger).rebuild()
    assert units == 2
    assert _view_indexes(ledger, p) == indexes
    assert p.table_snapshot() == before


def _die_on_second_unit(lo: int, hi: int | None, stop: int) -> audit.Judged:
    """A rebuild unit whose worker is killed (SIGKILL) but on the first range of streams."""
    import os
    import signal

    if lo != 0:
        os.kill(os.getpid(), signal.SIGKILL)
    return _real_worker_unit(lo, hi, stop)


_real_worker_unit = audit._worker_unit


@pytest.mark.skipif(__import__("sys").platform != "linux", reason="the killing unit reaches the workers by fork")
def test_a_rebuild_whose_worker_is_killed_fails_and_leaves_the_views_as_they_were(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """kill -9 of a rebuild's worker process: the rebuild fails with a clear error — it does not wait
    for the dead worker's result forever — and its transaction is rolled back."""
    from domain.errors import LedgerError

    import_some(ledger, lines(60))
    p = AuditProjection(ledger)
    p.rebuild()
    before = p.table_snapshot()
    monkeypatch.setattr(audit, "_worker_unit", _die_on_second_unit)  # forked workers inherit it
    with pytest.raises(LedgerError) as e:
        AuditProjection(ledger).rebuild(workers=2)
    assert e.value.code == "rebuild_failed" and "ended unexpectedly" in e.value.message_en
    assert p.table_snapshot() == before and p.lag() == 0

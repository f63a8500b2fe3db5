"""The audit projection follows the log, resumes where it stopped, and a rebuild from
scratch gives the identical tables (a property test over generated histories)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.clock import tick
from ledger.importer import Importer
from ledger.store import Ledger
from projections.audit import AuditProjection
from projections.queries import query_cases
from tests.conftest import COUNTY, FakeClock, act

PEOPLE = ["p-sun", "p-liu", "p-li", "p-zhang", "p-wang", "p-zhao", "p-chen", "p-zhou"]
UNITS = ["u-fgj", "u-sfj", "u-office"]


@st.composite
def histories(draw: st.DrawFn) -> list[dict]:
    """A random mix of incident, leave, supervision and request cases, some broken."""
    acts: list[dict] = []
    n_cases = draw(st.integers(1, 8))
    for c in range(n_cases):
        kind = draw(st.sampled_from(["incident", "leave", "supervision", "request"]))
        day = draw(st.integers(1, 27))
        hour = draw(st.integers(8, 17))
        base = f"2024-03-{day:02d}T{hour:02d}:00:00+08:00"
        later = [
            f"2024-03-{day:02d}T{hour:02d}:{m:02d}:00+08:00"
            for m in sorted(draw(st.lists(st.integers(1, 59), min_size=1, max_size=4)))
        ]
        by, unit = draw(st.sampled_from(PEOPLE)), draw(st.sampled_from(UNITS))
        cid = f"{kind[:3].upper()}-{c}"
        if kind == "incident":
            acts.append(
                act(
                    f"{cid}-0",
                    cid,
                    kind,
                    "occurred",
                    base,
                    by,
                    unit,
                    grade=draw(st.sampled_from(["general", "larger", "major"])),
                )
            )
            for i, t in enumerate(later):
                ch = draw(st.sampled_from(["phone", "written"]))
                lvl = draw(st.sampled_from(["unit_head", "local_gov", "line_ministry"]))
                acts.append(act(f"{cid}-{i + 1}", cid, kind, "reported", t, by, unit, channel=ch, to_level=lvl))
        elif kind == "leave":
            acts.append(
                act(
                    f"{cid}-0",
                    cid,
                    kind,
                    "requested",
                    base,
                    by,
                    unit,
                    start=f"2024-04-{day:02d}T08:00:00+08:00",
                    end=f"2024-04-{day:02d}T18:00:00+08:00",
                )
            )
            for i, (t, a) in enumerate(
                zip(later, draw(st.permutations(["agreed", "approved", "departed", "returned"])), strict=False)
            ):
                acts.append(act(f"{cid}-{i + 1}", cid, kind, a, t, draw(st.sampled_from(PEOPLE)), unit))
        elif kind == "supervision":
            acts.append(
                act(
                    f"{cid}-0",
                    cid,
                    kind,
                    "registered",
                    base,
                    by,
                    "u-office",
                    deadline=f"2024-04-{day:02d}T18:00:00+08:00",
                    responsible_unit=unit,
                )
            )
            if draw(st.booleans()):
                acts.append(act(f"{cid}-1", cid, kind, "completed", later[0], by, unit, report=True))
        else:
            acts.append(
                act(f"{cid}-0", cid, kind, "filed", base, by, unit, doc_type="请示", emergency=draw(st.booleans()))
            )
            for i, t in enumerate(later):
                acts.append(
                    act(
                        f"{cid}-{i + 1}",
                        cid,
                        kind,
                        "forwarded",
                        t,
                        by,
                        unit,
                        to=draw(st.sampled_from(["head", "vh-1", "vh-2"])),
                    )
                )
    return acts


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(history=histories(), cuts=st.lists(st.integers(1, 40), max_size=4), batch=st.integers(1, 7))
def test_rebuild_equals_incremental_on_generated_histories(history: list[dict], cuts: list[int], batch: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        ledger = Ledger(f"sqlite:///{Path(d) / 'l.db'}", clock=FakeClock())
        Importer(ledger).import_chart(COUNTY)
        follower = AuditProjection(ledger)
        follower.run(batch=batch)
        # the history arrives in several imports, the follower catching up between them
        bounds = sorted({min(c, len(history)) for c in cuts} | {len(history)})
        start = 0
        for b in bounds:
            Importer(ledger).import_lines([json.dumps(a) for a in history[start:b]])
            follower.run(batch=batch)
            start = b
        tick(ledger, FakeClock().now.replace(year=2024, month=12))
        follower.run(batch=batch)
        incremental = follower.table_snapshot()
        other = AuditProjection(ledger, name="audit-check")
        other.rebuild()
        assert other.table_snapshot() == incremental
        assert other.position() == follower.position() == ledger.max_notification_id()
        ledger.close()


def test_the_follower_resumes_exactly_where_it_stopped(db_url: str) -> None:
    ledger = Ledger(db_url, clock=FakeClock())
    Importer(ledger).import_chart(COUNTY)
    p = AuditProjection(ledger)
    assert p.run(batch=10) == ledger.count()
    assert p.lag() == 0
    lines = [
        json.dumps(act("x-1", "INC-1", "incident", "occurred", "2024-03-05T10:00:00+08:00", grade="major")),
        json.dumps(
            act(
                "x-2",
                "LV-1",
                "leave",
                "requested",
                "2024-03-05T10:00:00+08:00",
                start="2024-03-06T08:00:00+08:00",
                end="2024-03-06T18:00:00+08:00",
            )
        ),
    ]
    Importer(ledger).import_lines(lines)
    assert p.lag() == 2
    again = AuditProjection(ledger)  # a new process picks up the tracking position
    assert again.position() == p.position()
    assert again.run() == 2 and again.run() == 0
    cases = query_cases(again, jurisdiction="lecheng", open=True)
    assert sorted(c["case"] for c in cases) == ["INC-1", "LV-1"]
    assert {c["case"]: c["kind"] for c in cases} == {"INC-1": "incident", "LV-1": "leave"}
    ledger.close()


def test_rebuild_equals_incremental_on_both_backends(db_url: str) -> None:
    ledger = Ledger(db_url, clock=FakeClock())
    Importer(ledger).import_chart(COUNTY)
    p = AuditProjection(ledger)
    history = [
        act("i-1", "INC-1", "incident", "occurred", "2024-03-05T10:00:00+08:00", grade="major"),
        act("i-2", "INC-1", "incident", "reported", "2024-03-05T12:00:00+08:00", channel="phone", to_level="local_gov"),
        act(
            "l-1",
            "LV-1",
            "leave",
            "requested",
            "2024-03-05T10:00:00+08:00",
            by="p-liu",
            start="2024-03-06T08:00:00+08:00",
            end="2024-03-08T18:00:00+08:00",
        ),
        act("l-2", "LV-1", "leave", "departed", "2024-03-06T08:00:00+08:00", by="p-liu"),
        act("l-3", "LV-1", "leave", "approved", "2024-03-06T09:00:00+08:00", by="p-li"),
    ]
    for a in history:
        Importer(ledger).import_lines([json.dumps(a)])
        p.run(batch=1)
    tick(ledger, FakeClock().now.replace(year=2024, month=12))
    p.run()
    assert p.violations(case="LV-1"), "leave approved after departure is flagged"
    other = AuditProjection(ledger, name="check")
    other.rebuild()
    assert other.table_snapshot() == p.table_snapshot()
    ledger.close()


def test_the_case_lists_are_read_in_their_order_without_a_sort(tmp_path: Path) -> None:
    """GET /cases pages by (jurisdiction, case) within a kind and unit, or a unit: the view keeps
    an index in that order, so a page costs the same however many cases the unit has."""
    from projections.queries import cases_sql

    with Ledger(f"sqlite:///{tmp_path / 'l.db'}") as ledger:
        p = AuditProjection(ledger)
        for filters in ({"kind": "incident", "unit": "u-fgj"}, {"unit": "u-fgj"}):
            q = cases_sql(p, limit=51, **filters)  # type: ignore[arg-type]
            assert q is not None
            plan = " | ".join(str(r[-1]) for r in ledger.query("EXPLAIN QUERY PLAN " + q[0], q[1]))
            assert "TEMP B-TREE" not in plan, (filters, plan)

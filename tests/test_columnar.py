"""Frames read column by column (列式读取) hold exactly what the acts hold, on both backends.

The frames and the Parquet export no longer decode each stored act into an ``Act``: the
stored JSON is taken apart in bulk (projections/columnar.py). These tests compare them with
the acts as the ledger itself decodes them, for awkward values too (escapes, large floats,
nested data, odd offsets, case ids with quotes), through both ways of picking rows (a scan of
the log, the chain index).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import projections.columnar as columnar
from domain.timeutil import parse_datetime
from ledger.clock import tick
from ledger.importer import Importer
from ledger.store import Ledger
from projections.analytics import cases_frame, events_frame, violations_frame
from projections.formats import parquet_frame, write_parquet
from projections.queries import query_cases, query_violations
from tests.conftest import COUNTY, FakeClock, act

AWKWARD = {
    "grade": "general",
    "note": 'line\nbreak, tab\t, quote " and backslash \\ — 东街 \u001f',
    "amount": 1e21,
    "ratio": 1e-7,
    "big": 10_000_000_000_000_000.0,
    "count": 9_007_199_254_740_993,
    "nested": {"id": "not-the-act", "data": {"k": [1, 2.5, None, True]}, '},"id":"': "x"},
}
ACTS = [
    act("a-1", "INC-1", "incident", "occurred", "2024-03-05T10:00:00+08:00", **AWKWARD),
    act("a-2", "INC-1", "incident", "reported", "2024-03-05T10:20:00+05:45", channel="phone", to_level="unit_head"),
    act("a-3", 'INC-"2", {x}', "incident", "occurred", "2024-04-05T10:00:00.123456+00:00", grade="larger"),
    act("a-4", "SUP-1", "supervision", "registered", "2024-03-01T09:00:00+08:00", "p-chen", "u-office",
        deadline="2024-03-10T18:00:00+08:00", responsible_unit="u-fgj"),
]  # fmt: skip


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    led = Ledger(db_url, clock=FakeClock())
    for j in ("lecheng", "hexi"):
        Importer(led).import_chart({**COUNTY, "jurisdiction": j, "pack": "dongqu-2012"})
        res = Importer(led, jurisdiction=j).import_raws(ACTS if j == "lecheng" else ACTS[:2])
        assert not res.rejected, res.rejected
    tick(led, parse_datetime("2024-07-01T00:00:00+08:00"))
    yield led
    led.close()


def decoded(ledger: Ledger, **keep: object) -> list[tuple[object, ...]]:
    """Every act as the ledger decodes it (the reference), in chain order."""
    out = []
    for a in ledger.iter_acts():
        if any(getattr(a, k) != v for k, v in keep.items()):
            continue
        assert a.recorded_at is not None
        out.append(
            (a.id, a.jurisdiction, a.case, a.kind, a.act, pd.Timestamp(a.at), pd.Timestamp(a.recorded_at),
             a.by, a.unit, a.seq, a.to_contract()["data"])
        )  # fmt: skip
    return out


def rows(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    return [tuple(r) for r in frame.astype(object).itertuples(index=False)]


def test_events_frame_holds_what_the_ledger_decodes(ledger: Ledger) -> None:
    ev = events_frame(ledger)
    assert rows(ev) == decoded(ledger)
    one = ev.set_index(["jurisdiction", "id"]).loc[("lecheng", "a-1")]
    assert one["data"] == AWKWARD and type(one["data"]["count"]) is int
    assert rows(events_frame(ledger, jurisdiction="hexi", kind="incident")) == decoded(
        ledger, jurisdiction="hexi", kind="incident"
    )


@pytest.mark.parametrize("share", [0.0, 1.0], ids=["scan", "index"])
def test_the_scan_and_the_chain_index_give_the_same_rows(
    ledger: Ledger, share: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below INDEX_SHARE of the log the chain index picks the rows; the filters are applied
    again after decoding, so both ways give the same frame."""
    monkeypatch.setattr(columnar, "INDEX_SHARE", share)
    for filters in (
        {"jurisdiction": "lecheng"},
        {"kind": "incident"},
        {"since": "2024-03-05", "until": "2024-03-05"},
        {"jurisdiction": "hexi", "include_org": False},
    ):
        ev = events_frame(ledger, **filters)  # type: ignore[arg-type]
        expected = events_frame(ledger)
        keep = pd.Series(True, index=expected.index)
        if "jurisdiction" in filters:
            keep &= expected["jurisdiction"] == filters["jurisdiction"]
        if "kind" in filters:
            keep &= expected["kind"] == filters["kind"]
        if "since" in filters:
            day = expected["at"].dt.strftime("%Y-%m-%d") == "2024-03-05"
            keep &= day
        if filters.get("include_org") is False:
            keep &= expected["kind"] != "org"
        assert list(ev["id"]) == list(expected[keep]["id"]), filters
        assert len(ev) > 0


def test_parquet_data_is_the_canonical_json(ledger: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "acts.parquet"
    assert write_parquet(ledger, path) == ledger.count()
    back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(back, parquet_frame(events_frame(ledger)))
    from ledger import codec

    assert back.set_index(["jurisdiction", "id"]).loc[("lecheng", "a-1"), "data"] == codec.canonical(AWKWARD).decode()


def test_view_frames_hold_what_the_queries_return(ledger: Ledger) -> None:
    v = violations_frame(ledger)
    from projections.audit import AuditProjection

    p = AuditProjection(ledger)
    q = query_violations(p)
    assert len(v) == len(q) > 0
    assert list(v["id"]) == [r["id"] for r in q]
    assert [list(e) for e in v["evidence"]] == [r["evidence"] for r in q]
    assert list(v["detail"]) == [r["detail"] for r in q]
    assert [None if pd.isna(x) else x for x in v["person"].astype(object)] == [r["person"] for r in q]
    c = cases_frame(ledger)
    qc = query_cases(p)
    assert list(c["case"]) == [r["case"] for r in qc]
    assert list(c["holder"]) == [r["holder"] for r in qc]
    assert list(c["data"]) == [r["data"] for r in qc]
    assert list(c["opened_at"]) == [pd.Timestamp(r["opened_at"]) for r in qc]


def test_the_data_of_many_rows_shares_its_short_texts_and_keeps_its_values() -> None:
    """A unit id or a channel repeated in every row's ``data`` is one string object (a million
    acts' dicts weigh tens of MiB less); the values are what each text says."""
    import orjson
    import pyarrow as pa

    long = "2024-03-05T10:00:00+08:00"  # longer than SHARED_TEXT: left as parsed
    texts = [orjson.dumps({"channel": "phone", "n": i, "at": long, "to": ["u-fgj"]}).decode() + "," for i in range(3)]
    values = columnar.json_values(pa.array(texts))
    assert values == [orjson.loads(t[:-1]) for t in texts]
    assert values[0]["channel"] is values[1]["channel"] is values[2]["channel"]
    assert values[0]["at"] == values[1]["at"] and values[0]["at"] is not values[1]["at"]
    assert len(long) > columnar.SHARED_TEXT >= len("phone")

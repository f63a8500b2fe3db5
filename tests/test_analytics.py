"""Analytics frames (分析): dtypes, filters, the pm4py convention, Parquet and XES exports."""

from __future__ import annotations

import gzip
import json
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from domain.rules.base import FAMILIES
from domain.timeutil import parse_datetime
from ledger.clock import tick
from ledger.importer import Importer
from ledger.store import Ledger
from projections.analytics import (
    EVENT_COLUMNS,
    VIOLATION_COLUMNS,
    cases_frame,
    events_frame,
    incident_report_delays,
    to_pm4py,
    units_frame,
    violations_frame,
)
from projections.formats import parquet_frame, write_parquet, write_xes
from tests.conftest import COUNTY, FakeClock, act

XES = "{http://www.xes-standard.org/}"
ODD_CASE = 'INC-"&<odd>'  # a case id that needs XML escaping

LECHENG = [
    act("i1-0", "INC-1", "incident", "occurred", "2024-03-05T10:00:00+08:00", grade="larger", place="东街"),
    act("i1-1", "INC-1", "incident", "reported", "2024-03-05T10:20:00+08:00", channel="phone", to_level="unit_head"),
    act("i1-2", "INC-1", "incident", "reported", "2024-03-05T10:50:00+08:00", channel="phone", to_level="local_gov"),
    act("i2-0", "INC-2", "incident", "occurred", "2024-04-05T10:00:00+08:00", grade="general"),
    act(
        "s1-0",
        "SUP-1",
        "supervision",
        "registered",
        "2024-03-01T09:00:00+08:00",
        "p-chen",
        "u-office",
        deadline="2024-03-10T18:00:00+08:00",
        responsible_unit="u-fgj",
    ),
    act("s1-1", "SUP-1", "supervision", "assigned", "2024-03-01T10:00:00+08:00", "p-chen", "u-office", to_unit="u-fgj"),
    act(
        "l1-0",
        "LEV-1",
        "leave",
        "requested",
        "2024-05-06T09:00:00+08:00",
        "p-liu",
        "u-fgj",
        start="2024-05-08T08:00:00+08:00",
        end="2024-05-09T18:00:00+08:00",
        scope="in_city",
    ),
]
HEXI = [
    act("h1-0", "INC-1", "incident", "occurred", "2024-06-01T08:00:00+08:00", "p-zhou", "u-sfj", grade="general"),
    act(
        "h1-1",
        "INC-1",
        "incident",
        "reported",
        "2024-06-01T08:12:00+08:00",
        "p-zhou",
        "u-sfj",
        channel="phone",
        to_level="local_gov",
    ),
    act("h2-0", ODD_CASE, "incident", "occurred", "2024-06-02T08:00:00+08:00", "p-zhou", "u-sfj", grade="general"),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Ledger, str]]:
    """Two small jurisdictions judged by dongqu-2012 (which cites the INC rules), clock run."""
    path = tmp_path_factory.mktemp("analytics") / "ledger.db"
    url = f"sqlite:///{path}"
    ledger = Ledger(url, clock=FakeClock())
    Importer(ledger).import_chart({**COUNTY, "pack": "dongqu-2012"})
    Importer(ledger).import_chart({**COUNTY, "jurisdiction": "hexi", "pack": "dongqu-2012"})
    for j, acts in (("lecheng", LECHENG), ("hexi", HEXI)):
        res = Importer(ledger, jurisdiction=j).import_raws(acts)
        assert not res.rejected, res.rejected
    tick(ledger, parse_datetime("2024-07-01T00:00:00+08:00"))
    yield ledger, url
    ledger.close()


def is_categorical(s: pd.Series) -> bool:
    return isinstance(s.dtype, pd.CategoricalDtype)


# ---- events ---------------------------------------------------------------------------------
def test_events_frame_dtypes_and_values(db: tuple[Ledger, str]) -> None:
    ledger, _url = db
    ev = events_frame(ledger)
    assert list(ev.columns) == list(EVENT_COLUMNS)
    assert str(ev["at"].dtype) == "datetime64[ns, Asia/Shanghai]"
    assert str(ev["recorded_at"].dtype) == "datetime64[ns, UTC]"
    for c in ("jurisdiction", "kind", "act", "unit", "by"):
        assert is_categorical(ev[c]), c
    assert ev["seq"].dtype == "int64"
    assert all(isinstance(d, dict) for d in ev["data"])
    assert len(ev) == ledger.count()
    row = ev.set_index("id").loc["i1-0"]
    assert row["at"] == pd.Timestamp("2024-03-05 10:00", tz="Asia/Shanghai")
    assert row["recorded_at"] == pd.Timestamp("2024-01-10 09:00", tz="UTC")
    assert row["data"] == {"grade": "larger", "place": "东街"}
    assert set(ev["kind"].cat.categories) >= {"org", "incident", "supervision", "leave"}
    # data fields a deadline rule reads come back as the contract writes them
    sup = ev.set_index("id").loc["s1-0", "data"]
    assert sup["deadline"] == "2024-03-10T18:00:00+08:00"


def test_events_frame_filters_and_sources(db: tuple[Ledger, str]) -> None:
    ledger, url = db
    by_url = events_frame(url, jurisdiction="lecheng", kind="incident")
    by_ledger = events_frame(ledger, jurisdiction="lecheng", kind="incident")
    pd.testing.assert_frame_equal(by_url, by_ledger)
    assert set(by_url["kind"].astype(str)) == {"incident"}
    assert set(by_url["jurisdiction"].astype(str)) == {"lecheng"}

    day = events_frame(ledger, jurisdiction="lecheng", since="2024-03-05", until="2024-03-05")
    assert set(day["id"]).issuperset({"i1-0", "i1-1", "i1-2"})
    assert (day["at"].dt.strftime("%Y-%m-%d") == "2024-03-05").all()
    window = events_frame(
        ledger, since=datetime.fromisoformat("2024-03-05T10:10:00+08:00"), until="2024-03-05T10:30:00+08:00"
    )
    assert list(window["id"]) == ["i1-1"]

    no_org = events_frame(ledger, include_org=False, data_columns=["grade", "channel"])
    assert "org" not in set(no_org["kind"].astype(str))
    graded = no_org.set_index("id")
    assert graded.loc["i1-0", "data.grade"] == "larger"
    assert graded.loc["i1-1", "data.channel"] == "phone"
    assert graded.loc["s1-0", "data.grade"] is None


def test_empty_frames_keep_their_dtypes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    ev = events_frame(url)
    assert ev.empty and list(ev.columns) == list(EVENT_COLUMNS)
    assert str(ev["at"].dtype) == "datetime64[ns, Asia/Shanghai]"
    v = violations_frame(url)
    assert v.empty and list(v.columns) == list(VIOLATION_COLUMNS)
    assert str(v["at"].dtype) == "datetime64[ns, Asia/Shanghai]"
    assert to_pm4py(ev).empty


# ---- audit views ---------------------------------------------------------------------------
def test_violations_frame(db: tuple[Ledger, str]) -> None:
    ledger, url = db
    v = violations_frame(url)
    assert list(v.columns) == list(VIOLATION_COLUMNS)
    assert len(v) > 0
    for c in ("rule", "family", "pack", "severity", "unit", "kind", "jurisdiction"):
        assert is_categorical(v[c]), c
    assert list(v["family"].cat.categories) == list(FAMILIES)
    assert list(v["severity"].cat.categories) == ["low", "medium", "high"]
    assert v["severity"].cat.ordered
    assert str(v["at"].dtype) == "datetime64[ns, Asia/Shanghai]"
    assert all(isinstance(e, list) and e for e in v["evidence"])
    assert all(isinstance(d, dict) for d in v["detail"])
    assert set(v["pack"].astype(str)) == {"dongqu-2012"}
    # the never-reported incident is a violation whose evidence starts at its occurrence
    unreported = v[(v["rule"] == "INC-UNREPORTED") & (v["case"] == "INC-2")]
    assert len(unreported) == 1 and unreported.iloc[0]["evidence"][0] == "i2-0"

    inc = violations_frame(ledger, family="INC", jurisdiction="lecheng", since="2024-04-01")
    assert len(inc) > 0
    assert set(inc["family"].astype(str)) == {"INC"}
    assert (inc["at"] >= pd.Timestamp("2024-04-01", tz="Asia/Shanghai")).all()


def test_cases_and_units_frames(db: tuple[Ledger, str]) -> None:
    ledger, _url = db
    c = cases_frame(ledger, jurisdiction="lecheng")
    assert set(c["case"]) == {"INC-1", "INC-2", "SUP-1", "LEV-1"}
    assert str(c["opened_at"].dtype) == "datetime64[ns, Asia/Shanghai]"
    assert str(c["last_at"].dtype) == "datetime64[ns, Asia/Shanghai]"
    assert is_categorical(c["kind"]) and c["open"].dtype == bool and c["acts"].dtype == "int64"
    inc1 = c.set_index("case").loc["INC-1"]
    assert inc1["opened_at"] == pd.Timestamp("2024-03-05 10:00", tz="Asia/Shanghai")
    u = units_frame(ledger, jurisdiction="lecheng")
    assert dict(zip(u["unit"], u["name"], strict=True))["u-fgj"] == "县发改局"


def test_incident_report_delays(db: tuple[Ledger, str]) -> None:
    ledger, _url = db
    ev = events_frame(ledger)
    d = incident_report_delays(ev).set_index(["jurisdiction", "case"])
    assert d.loc[("lecheng", "INC-1"), "minutes"] == 20.0
    assert d.loc[("lecheng", "INC-1"), "first_to_level"] == "unit_head"
    assert math.isnan(d.loc[("lecheng", "INC-2"), "minutes"])
    assert d.loc[("hexi", "INC-1"), "minutes"] == 12.0
    assert str(d["first_reported_at"].dtype) == "datetime64[ns, Asia/Shanghai]"
    gov = incident_report_delays(ev, to_levels=["local_gov", "city_gov"]).set_index(["jurisdiction", "case"])
    assert gov.loc[("lecheng", "INC-1"), "minutes"] == 50.0


# ---- pm4py -------------------------------------------------------------------------------
def test_to_pm4py_columns_and_order(db: tuple[Ledger, str]) -> None:
    ledger, _url = db
    ev = events_frame(ledger)
    log = to_pm4py(ev)
    assert list(log.columns[:5]) == ["case:concept:name", "concept:name", "time:timestamp", "org:resource", "org:group"]
    assert str(log["time:timestamp"].dtype) == "datetime64[ns, Asia/Shanghai]"
    assert "org" not in set(log["kind"].astype(str))
    assert len(log) == int((ev["kind"] != "org").sum())
    # two jurisdictions: traces are qualified with the jurisdiction
    assert {"lecheng/INC-1", "hexi/INC-1", f"hexi/{ODD_CASE}"} <= set(log["case:concept:name"])
    # sorted by case, then time
    assert list(log["case:concept:name"]) == sorted(log["case:concept:name"])
    for _case, g in log.groupby("case:concept:name"):
        assert g["time:timestamp"].is_monotonic_increasing
    inc1 = log[log["case:concept:name"] == "lecheng/INC-1"]
    assert list(inc1["concept:name"])[:2] == ["incident.occurred", "incident.reported"]
    assert inc1.iloc[0]["org:resource"] == "p-sun" and inc1.iloc[0]["org:group"] == "u-fgj"

    one = to_pm4py(events_frame(ledger, jurisdiction="lecheng"), activity="act", include_org=True)
    assert "INC-1" in set(one["case:concept:name"]) and "ORG-lecheng" in set(one["case:concept:name"])
    assert set(one[one["case:concept:name"] == "INC-1"]["concept:name"]) >= {"occurred", "reported"}


# ---- Parquet -----------------------------------------------------------------------------
def test_parquet_round_trip(db: tuple[Ledger, str], tmp_path: Path) -> None:
    ledger, _url = db
    path = tmp_path / "acts.parquet"
    n = write_parquet(ledger, path)
    assert n == ledger.count()
    expected = events_frame(ledger)
    back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(back, parquet_frame(expected))
    assert [json.loads(s) for s in back["data"]] == list(expected["data"])
    schema = pq.read_schema(path)
    assert str(schema.field("at").type) == "timestamp[ns, tz=Asia/Shanghai]"
    assert str(schema.field("recorded_at").type) == "timestamp[ns, tz=UTC]"
    assert str(schema.field("kind").type).startswith("dictionary")
    table = pq.read_table(path)
    assert table.num_rows == n

    only = tmp_path / "hexi.parquet"
    assert write_parquet(ledger, only, jurisdiction="hexi") == ledger.count("hexi")
    assert set(pd.read_parquet(only)["jurisdiction"].astype(str)) == {"hexi"}


# ---- XES -----------------------------------------------------------------------------------
def _xes_counts(root: ET.Element) -> tuple[int, int]:
    traces = root.findall(f"{XES}trace")
    return len(traces), sum(len(t.findall(f"{XES}event")) for t in traces)


def _attrs(el: ET.Element) -> dict[str, str]:
    return {a.get("key", ""): a.get("value", "") for a in el if a.tag != f"{XES}event"}


@pytest.mark.parametrize("name", ["log.xes", "log.xes.gz"])
def test_xes_is_well_formed(db: tuple[Ledger, str], tmp_path: Path, name: str) -> None:
    ledger, _url = db
    path = tmp_path / name
    n = write_xes(ledger, path)
    if name.endswith(".gz"):
        with gzip.open(path, "rb") as fh:
            root = ET.parse(fh).getroot()
    else:
        root = ET.parse(path).getroot()
    assert root.tag == f"{XES}log"
    assert {e.get("prefix") for e in root.findall(f"{XES}extension")} == {"concept", "time", "org", "lifecycle"}
    ev = events_frame(ledger, include_org=False)
    cases = ev.groupby(["jurisdiction", "case"], observed=True).ngroups
    assert n == cases
    assert _xes_counts(root) == (cases, len(ev))
    traces = {_attrs(t)["concept:name"]: t for t in root.findall(f"{XES}trace")}
    assert f"hexi/{ODD_CASE}" in traces  # escaped on the way out, intact on the way back
    inc1 = traces["lecheng/INC-1"]
    assert _attrs(inc1)["kind"] == "incident"
    events = [_attrs(e) for e in inc1.findall(f"{XES}event")]
    assert events[0]["concept:name"] == "incident.occurred"
    assert events[0]["time:timestamp"] == "2024-03-05T10:00:00.000+08:00"
    assert events[0]["org:resource"] == "p-sun" and events[0]["org:group"] == "u-fgj"
    assert all(e["lifecycle:transition"] == "complete" for e in events)
    times = [datetime.fromisoformat(e["time:timestamp"]) for e in events]
    assert times == sorted(times)


def test_xes_one_jurisdiction(db: tuple[Ledger, str], tmp_path: Path) -> None:
    ledger, _url = db
    path = tmp_path / "lecheng.xes"
    assert write_xes(ledger, path, jurisdiction="lecheng", activity="act") == 4
    root = ET.parse(path).getroot()
    names = {_attrs(t)["concept:name"] for t in root.findall(f"{XES}trace")}
    assert names == {"INC-1", "INC-2", "SUP-1", "LEV-1"}
    with_org = tmp_path / "org.xes"
    assert write_xes(ledger, with_org, jurisdiction="lecheng", include_org=True) == 5

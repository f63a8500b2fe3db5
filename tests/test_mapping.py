"""Import of CSV/XES process logs through a mapping (ledger.mapping.import_mapped)."""

from __future__ import annotations

import gzip
import textwrap
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from domain.errors import LedgerError
from ledger.clock import tick
from ledger.mapping import LogMapping, Record, _Converter, import_mapped, iter_xes, load_mapping
from ledger.store import Ledger
from projections.audit import AuditProjection
from tests.conftest import real_log

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

PACK = """\
pack: test-pack
name: {zh: 测试规则, en: Test rules}
rules:
  - id: TST-PAY-AFTER-APPROVAL
    template: precedence
    citation: "§1"
    severity: high
    when: {act: pay}
    requires: {act: approve}
  - id: TST-PAY-WITHIN-2D
    template: response
    citation: "§2"
    severity: low
    after: {act: approve}
    expect: {act: pay}
    within: {days: 2}
  - id: TST-BIG-NEEDS-BOSS
    template: precedence
    citation: "§3"
    severity: medium
    when: {act: approve, where: "amount > 1000"}
    requires: {act: check, role: BOSS}
"""


# ---- helpers -------------------------------------------------------------------------------
@pytest.fixture
def ledger(tmp_path: Path) -> Any:
    with Ledger(f"sqlite:///{tmp_path / 'l.db'}") as led:
        yield led


def write(path: Path, text: str) -> Path:
    if path.name.endswith(".gz"):
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def mapping(tmp_path: Path, body: dict[str, Any], *, pack: bool = True) -> Path:
    if pack:
        (tmp_path / "pack.yaml").write_text(PACK, encoding="utf-8")
        body = {"packs": ["pack.yaml"], **body}
    p = tmp_path / "mapping.yaml"
    p.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


CSV = textwrap.dedent("""\
    case,activity,when,who,dept,role,eid,amount,urgent,filed,note,case:deadline,case:channel
    1,submit,2024-03-01 09:00,7,fin,CLERK,e1,1500.5,yes,2024-03-01,first,2024-03-10,web
    1,check,2024-03-01 10:00,8,,BOSS,e2,,,,,2024-03-10,web
    1,approve,2024-03-02 09:00,8,fin,BOSS,e3,1500.5,no,,ok,2024-03-10,web
    1,pay,2024-03-05 09:00,,fin,,e4,,,,,2024-03-10,web
    2,approve,2024-03-01 09:00,9,ops,BOSS,e5,2000,,,,2024-03-10,post
    2,pay,2024-03-01 12:00,9,ops,,e6,,,,,2024-03-10,post
    3,pay,2024-03-02 12:00,9,ops,,e7,,,,,,
    """)

CSV_MAP = {
    "jurisdiction": "t-csv",
    "format": "csv",
    "timezone": "Europe/Amsterdam",
    "time_format": "%Y-%m-%d %H:%M",
    "case": {"from": "case", "prefix": "C-"},
    "activity": "activity",
    "time": "when",
    "person": {"from": "who", "type": "int", "prefix": "p-", "default": "nobody"},
    "role": "role",
    "unit": {"from": "dept", "prefix": "u-", "default": "u-main"},
    "id": "eid",
    "data": {
        "amount": {"from": "amount", "type": "number"},
        "urgent": {"from": "urgent", "type": "bool"},
        "filed": {"from": "filed", "type": "date"},
        "deadline": {"from": "case:deadline", "type": "datetime"},
    },
    "keep_unmapped": True,
    "case_attributes": "first",
    "drop": ["note"],
    "register": True,
    "government": {"id": "u-gov", "name": "Test government"},
}


def xes(traces: list[tuple[list[tuple[str, str, str]], list[list[tuple[str, str, str]]]]]) -> str:
    """An XES text: traces of (trace attributes, events of attributes), attributes as (type, key, value)."""

    def attrs(items: list[tuple[str, str, str]], ind: str) -> str:
        return "".join(f'{ind}<{t} key="{k}" value="{v}"/>\n' for t, k, v in items)

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0" xmlns="http://www.xes-standard.org">\n',
        '\t<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>\n',
        '\t<global scope="event">\n\t\t<string key="concept:name" value="name"/>\n\t</global>\n',
        '\t<string key="creator" value="test"/>\n',
    ]
    for tattrs, events in traces:
        out.append("\t<trace>\n" + attrs(tattrs, "\t\t"))
        for ev in events:
            out.append("\t\t<event>\n" + attrs(ev, "\t\t\t") + "\t\t</event>\n")
        out.append("\t</trace>\n")
    out.append("</log>\n")
    return "".join(out)


def ev(name: str, ts: str, res: str = "ann", role: str = "CLERK", **extra: Any) -> list[tuple[str, str, str]]:
    out = [("string", "concept:name", name), ("date", "time:timestamp", ts), ("string", "org:resource", res)]
    out.append(("string", "org:role", role))
    for k, v in extra.items():
        t = "float" if isinstance(v, float) else "int" if isinstance(v, int) and not isinstance(v, bool) else "string"
        t = "boolean" if isinstance(v, bool) else t
        out.append((t, k, str(v).lower() if isinstance(v, bool) else str(v)))
    return out


XES_TRACES = [
    (
        [
            ("string", "concept:name", "d1"),
            ("float", "Amount", "1500.5"),
            ("date", "deadline", "2020-01-10T00:00:00+01:00"),
        ],
        [
            ev("submit", "2020-01-01T09:00:00+01:00", "ann", "EMPLOYEE", flag=True, n=3),
            ev("check", "2020-01-01T10:00:00+01:00", "bob", "BOSS"),
            ev("approve", "2020-01-02T09:00:00.500+01:00", "bob", "BOSS"),
            ev("pay", "2020-01-03T09:00:00Z", "SYSTEM", "UNDEFINED"),
        ],
    ),
    (
        [("string", "concept:name", "d2"), ("float", "Amount", "20.0")],
        [ev("pay", "2020-01-01T09:00:00+01:00", "SYSTEM", "UNDEFINED"), ev("approve", "2020-01-01T10:00:00+01:00")],
    ),
]

XES_MAP = {
    "jurisdiction": "t-xes",
    "case": "case:concept:name",
    "activity": "concept:name",
    "time": "time:timestamp",
    "person": "org:resource",
    "role": "org:role",
    "data": {"amount": {"from": "case:Amount", "type": "number"}},
    "keep_unmapped": True,
    "register": True,
}


def acts_of(led: Ledger, j: str) -> list[Any]:
    return [a for a in led.iter_acts(j) if a.kind != "org"]


# ---- CSV ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["log.csv", "log.csv.gz"])
def test_csv_maps_every_field(tmp_path: Path, ledger: Ledger, name: str) -> None:
    log = write(tmp_path / name, CSV)
    m = mapping(tmp_path, CSV_MAP)
    res = import_mapped(ledger, log, m)
    assert res.rejected == []
    acts = {a.id: a for a in acts_of(ledger, "t-csv")}
    assert len(acts) == 7
    e1 = acts["e1"]
    assert (e1.case, e1.kind, e1.act, e1.by, e1.unit) == ("C-1", "process", "submit", "p-7", "u-fin")
    assert e1.at == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)  # 09:00 Amsterdam (UTC+1 in March)
    assert e1.at.utcoffset().total_seconds() == 3600
    assert dict(e1.data) == {
        "role": "CLERK",
        "amount": 1500.5,
        "urgent": True,
        "filed": "2024-03-01",
        "deadline": "2024-03-10T00:00:00+01:00",
        "case:channel": "web",  # unmapped case-level column: on the case's first act only
    }
    e2 = acts["e2"]
    assert e2.unit == "u-main"  # default for the empty dept (neither typed nor prefixed)
    assert "case:channel" not in e2.data and "note" not in e2.data  # case_attributes: first; drop
    assert acts["e3"].data["urgent"] is False
    assert acts["e4"].by == "nobody"  # default person
    assert acts["e5"].data["amount"] == 2000 and "case:channel" in acts["e5"].data
    assert "deadline" not in acts["e7"].data  # empty cells are not data
    org = ledger.org("t-csv")
    assert {"p-7", "p-8", "p-9", "nobody"} <= set(org.people)
    assert {"u-gov", "u-fin", "u-ops", "u-main"} <= set(org.units)
    assert org.units["u-fin"].parent == "u-gov" and org.units["u-gov"].type == "government"
    assert set(org.custom_packs) == {"test-pack"} and org.pack_at(e1.at) == "test-pack"


def test_register_puts_every_org_act_before_the_first_process_act(tmp_path: Path, ledger: Ledger) -> None:
    """The prescan registers all people/units first (the projection re-evaluates a whole
    jurisdiction for each batch holding an org act)."""
    rows = "".join(f"{i},submit,2024-03-01 09:00,{i},d{i % 7},CLERK,x{i},1,,,,,\n" for i in range(100, 600))
    log = write(tmp_path / "log.csv", CSV + rows)
    res = import_mapped(ledger, log, mapping(tmp_path, CSV_MAP), batch=50)
    assert not res.rejected
    kinds = [a.kind for a in ledger.iter_acts("t-csv")]  # chain order
    assert kinds.index("process") == kinds.count("org") > 500


def test_reimport_is_idempotent(tmp_path: Path, ledger: Ledger) -> None:
    log = write(tmp_path / "log.csv", CSV)
    m = mapping(tmp_path, CSV_MAP)
    first = import_mapped(ledger, log, m)
    n = ledger.count("t-csv")
    second = import_mapped(ledger, log, m)
    assert first.imported == n and second.imported == 0 and not second.rejected
    assert second.duplicate == 7 + 2  # the acts and the pack acts (the skeleton is not re-proposed)
    assert ledger.count("t-csv") == n


def test_generated_ids_are_deterministic(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    body = {k: v for k, v in CSV_MAP.items() if k != "id"}
    log = write(tmp_path / "log.csv", CSV)
    m = mapping(tmp_path, body)
    ids = []
    for _ in range(2):
        with Ledger(f"sqlite:///{tmp_path_factory.mktemp('db') / 'l.db'}") as led:
            assert not import_mapped(led, log, m).rejected
            ids.append(sorted(a.id for a in acts_of(led, "t-csv")))
    assert ids[0] == ids[1] and len(set(ids[0])) == 7 and all(i.startswith("m-") for i in ids[0])


def test_csv_bad_rows_are_reported_and_the_rest_imports(tmp_path: Path, ledger: Ledger) -> None:
    bad = CSV.replace("1,check,2024-03-01 10:00", "1,check,2024-03-01T10:00") + "4,,2024-03-02 12:00,9,,,e8,,,,,,\n"
    bad += "5,pay,2024-03-02 12:00,9,,,e9,lots,,,,,\n"
    bad += "6,pay,2024-03-02 12:00,xx,,,e10,,,,,,\n"
    log = write(tmp_path / "log.csv", bad)
    res = import_mapped(ledger, log, mapping(tmp_path, CSV_MAP))
    got = {(e.line, e.field, e.code) for e in res.rejected}
    assert got == {
        (3, "when", "bad_time"),
        (9, "activity", "missing_field"),
        (10, "amount", "wrong_type"),
        (11, "who", "wrong_type"),
    }
    assert all(e.source == str(log) for e in res.rejected)
    assert "2024-03-01T10:00" in next(e for e in res.rejected if e.line == 3).message_en
    assert sorted(a.id for a in acts_of(ledger, "t-csv")) == ["e1", "e3", "e4", "e5", "e6", "e7"]


def test_unknown_people_without_register_are_rejected_by_source_column(tmp_path: Path, ledger: Ledger) -> None:
    body = {**CSV_MAP, "register": False}
    org = {"jurisdiction": "t-csv", "units": [{"id": "u-fin", "name": "Finance", "type": "government"}]}
    org["people"] = [{"id": "p-7", "name": "Seven"}, {"id": "p-9", "name": "Nine"}]
    from ledger.importer import Importer

    assert not Importer(ledger).import_chart(org).rejected
    res = import_mapped(ledger, write(tmp_path / "log.csv", CSV), mapping(tmp_path, body, pack=False))
    by_line = {e.line: (e.field, e.code) for e in res.rejected}
    assert by_line[3] == ("who", "unknown_person") and by_line[6] == ("dept", "unknown_unit")
    assert [a.id for a in acts_of(ledger, "t-csv")] == ["e1"]


def test_progress_reports_bytes_of_the_file(tmp_path: Path, ledger: Ledger) -> None:
    rows = "".join(f"{i},submit,2024-03-01 09:00,7,fin,CLERK,x{i},1,,,,,\n" for i in range(5000))
    for name in ("big.csv", "big.csv.gz"):
        log = write(tmp_path / name, CSV + rows)
        calls: list[int] = []
        import_mapped(ledger, log, mapping(tmp_path, CSV_MAP), progress=calls.append, batch=1000)
        assert sum(calls) == log.stat().st_size and len(calls) >= 2


# ---- XES ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["log.xes", "log.xes.gz"])
def test_xes_maps_events_and_trace_attributes(tmp_path: Path, ledger: Ledger, name: str) -> None:
    log = write(tmp_path / name, xes(XES_TRACES))
    res = import_mapped(ledger, log, mapping(tmp_path, XES_MAP))
    assert res.rejected == []
    acts = acts_of(ledger, "t-xes")
    assert len(acts) == 6
    d1 = sorted((a for a in acts if a.case == "d1"), key=lambda a: a.at)
    assert [a.act for a in d1] == ["submit", "check", "approve", "pay"]
    assert d1[0].by == "ann" and d1[0].unit == "u-t-xes"  # default unit: the government unit
    assert d1[2].at.microsecond == 500000 and d1[3].at == datetime(2020, 1, 3, 9, tzinfo=UTC)
    assert dict(d1[0].data) == {
        "role": "EMPLOYEE",
        "amount": 1500.5,
        "flag": True,  # XES boolean
        "n": 3,  # XES int
        "case:deadline": "2020-01-10T00:00:00+01:00",  # unmapped trace attribute, on every act (default)
    }
    assert d1[3].data["case:deadline"] == "2020-01-10T00:00:00+01:00" and "case:Amount" not in d1[3].data
    org = ledger.org("t-xes")
    assert {"ann", "bob", "SYSTEM"} <= set(org.people) and "u-t-xes" in org.units


def test_xes_case_attributes_first(tmp_path: Path, ledger: Ledger) -> None:
    log = write(tmp_path / "log.xes", xes(XES_TRACES))
    import_mapped(ledger, log, mapping(tmp_path, {**XES_MAP, "case_attributes": "first"}))
    d1 = sorted((a for a in acts_of(ledger, "t-xes") if a.case == "d1"), key=lambda a: a.at)
    assert "case:deadline" in d1[0].data and all("case:deadline" not in a.data for a in d1[1:])
    assert all(a.data["amount"] == 1500.5 for a in d1)  # mapped explicitly: on every act


def test_xes_bad_events_name_the_trace_case_and_field(tmp_path: Path, ledger: Ledger) -> None:
    traces = [
        *XES_TRACES,
        ([("string", "concept:name", "d3")], [ev("submit", "2020-01-01T09:00:00+01:00"), ev("pay", "not a time")]),
        ([], [ev("submit", "2020-01-01T09:00:00+01:00")]),  # no case id
    ]
    log = write(tmp_path / "log.xes", xes(traces))
    res = import_mapped(ledger, log, mapping(tmp_path, XES_MAP))
    assert [(e.line, e.field, e.code) for e in res.rejected] == [
        (3, "time:timestamp", "bad_time"),
        (4, "case:concept:name", "missing_field"),
    ]
    assert "case 'd3', event 2" in res.rejected[0].message_en
    assert {a.case for a in acts_of(ledger, "t-xes")} == {"d1", "d2", "d3"}


def test_broken_xes_keeps_what_came_before(tmp_path: Path, ledger: Ledger) -> None:
    text = xes(XES_TRACES)
    cut = text.index("<trace>", text.index("<trace>") + 1) + 40  # inside the second trace
    log = write(tmp_path / "log.xes", text[:cut] + "<<oops")
    res = import_mapped(ledger, log, mapping(tmp_path, XES_MAP))
    assert [e.code for e in res.rejected] == ["bad_file"] and "XML line" in res.rejected[0].message_en
    assert {a.case for a in acts_of(ledger, "t-xes")} == {"d1"}


def test_xes_reimport_is_idempotent(tmp_path: Path, ledger: Ledger) -> None:
    log = write(tmp_path / "log.xes.gz", xes(XES_TRACES))
    m = mapping(tmp_path, XES_MAP)
    import_mapped(ledger, log, m)
    n = ledger.count()
    again = import_mapped(ledger, log, m)
    assert again.imported == 0 and again.duplicate == 6 + 2 and ledger.count() == n


def test_pack_rules_run_on_the_imported_acts(tmp_path: Path, ledger: Ledger) -> None:
    log = write(tmp_path / "log.xes", xes(XES_TRACES))
    import_mapped(ledger, log, mapping(tmp_path, XES_MAP))
    tick(ledger, datetime(2030, 1, 1, tzinfo=UTC))
    proj = AuditProjection(ledger)
    proj.run()
    got = {(v["rule"], v["case"]) for v in proj.violations()}
    assert got == {
        ("TST-PAY-AFTER-APPROVAL", "d2"),  # pay before approve
        ("TST-PAY-WITHIN-2D", "d2"),  # no pay after the approval (the clock recorded it missed)
        # d1: 1500.5 > 1000 and a BOSS checked first: no TST-BIG-NEEDS-BOSS; paid within 2 days
    }
    assert all(v["pack"] == "test-pack" for v in proj.violations())


# ---- streaming ----------------------------------------------------------------------------
def test_xes_streaming_memory_stays_low(tmp_path: Path) -> None:
    """iterparse + clearing each trace: the peak stays far below the file size (~20 MB here)."""
    path = tmp_path / "big.xes"
    with path.open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<log xmlns="http://www.xes-standard.org">\n')
        for t in range(3500):
            fh.write(f'<trace><string key="concept:name" value="case-{t}"/><float key="Amount" value="{t}.5"/>\n')
            for e in range(6):
                fh.write(
                    f'<event><string key="concept:name" value="activity {e}"/>'
                    f'<date key="time:timestamp" value="2020-01-0{e + 1}T09:00:00.000+01:00"/>'
                    f'<string key="org:resource" value="person {t % 50}"/><string key="org:role" value="ROLE {e}"/>'
                    f'<string key="id" value="ev-{t}-{e}"/><string key="note" value="{"x" * 650}"/></event>\n'
                )
            fh.write("</trace>\n")
        fh.write("</log>\n")
    size = path.stat().st_size
    assert size > 15_000_000
    m = LogMapping(
        path, "big", case=_src("case:concept:name"), activity=_src("concept:name"), time=_src("time:timestamp")
    )
    m.keep_unmapped = True
    conv = _Converter(m)
    tracemalloc.start()
    n = 0
    try:
        with path.open("rb") as fh:
            for rec in iter_xes(fh):
                assert isinstance(rec, Record)
                conv.convert(rec)
                n += 1
        _cur, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n == 21000
    assert peak < 4_000_000, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.0f} MB file"


def _src(name: str) -> Any:
    from ledger.mapping import Source

    return Source(name=name)


# ---- the mapping file ---------------------------------------------------------------------
def test_bad_mappings_raise_naming_the_key(tmp_path: Path) -> None:
    cases = [
        ({"jurisdiction": "j", "case": "c", "activity": "a"}, "time"),
        ({**XES_MAP, "colour": "red"}, "colour"),
        ({**XES_MAP, "data": {"x": {"from": "y", "type": "money"}}}, "data.x"),
        ({**XES_MAP, "timezone": "Mars/Olympus"}, "timezone"),
        ({**XES_MAP, "case_attributes": "some"}, "case_attributes"),
    ]
    for body, key in cases:
        with pytest.raises(LedgerError) as ei:
            load_mapping(mapping(tmp_path, body, pack=False))
        assert key in ei.value.message_en and ei.value.code == "bad_mapping"


def test_unknown_extension_needs_a_format(tmp_path: Path, ledger: Ledger) -> None:
    log = write(tmp_path / "log.dat", CSV)
    with pytest.raises(LedgerError):
        import_mapped(ledger, log, mapping(tmp_path, {k: v for k, v in CSV_MAP.items() if k != "format"}))
    res = import_mapped(ledger, log, mapping(tmp_path, CSV_MAP))  # format: csv given
    assert not res.rejected


# ---- the real logs (examples/) ---------------------------------------------------------------
REAL = {
    "wabo-receipt": ("wabo_receipt_pm4py.csv.gz", 8577, 1434),
    "traffic-fines": ("road_traffic_fines_eventdataR_10k.csv.gz", 34724, 10000),
    "bpi2020-payment": ("RequestForPayment.xes.gz", 36072, 6760),
    "bpi2020-domestic": ("DomesticDeclarations.xes.gz", 55628, 10357),
}


@pytest.mark.parametrize("name", list(REAL))
def test_real_example_imports(tmp_path: Path, name: str) -> None:
    log, events, cases = REAL[name]
    path = real_log(log)
    with Ledger(f"sqlite:///{tmp_path / 'l.db'}") as led:
        res = import_mapped(led, path, EXAMPLES / name / "mapping.yaml")
        assert res.rejected == []
        acts = acts_of(led, led.jurisdictions()[0])
        assert len(acts) == events and len({a.case for a in acts}) == cases
        org = led.org(led.jurisdictions()[0])
        assert (
            org.pack_at(min(a.at for a in acts))
            == yaml.safe_load((EXAMPLES / name / "pack.yaml").read_text(encoding="utf-8"))["pack"]
        )


# ---- time zones, ids, calendars, field names (issues 11 and 14) -------------------------------------
NAIVE_MAP = {k: v for k, v in CSV_MAP.items() if k not in ("timezone", "time_format")}


def test_a_mapping_without_timezone_refuses_times_without_an_offset_and_stores_nothing(
    tmp_path: Path, ledger: Ledger
) -> None:
    log = write(tmp_path / "log.csv", CSV.replace(" 09:00", "T09:00"))
    with pytest.raises(LedgerError) as ei:
        import_mapped(ledger, log, mapping(tmp_path, NAIVE_MAP))
    assert ei.value.code == "no_timezone" and "log.csv:2" in ei.value.message_en
    assert "timezone" in ei.value.message_en and "时区" in ei.value.message_zh
    assert ledger.count() == 0  # never a silent +08:00, and nothing half-stored
    with pytest.raises(LedgerError, match="timezone"):  # a time_format without %z says so at once
        load_mapping(mapping(tmp_path, {**CSV_MAP, "timezone": None}))


def test_a_mapping_without_timezone_takes_times_that_carry_their_offset(tmp_path: Path, ledger: Ledger) -> None:
    text = "case,activity,when\n1,submit,2024-03-01T09:00:00+01:00\n1,pay,2024-03-02T09:00:00Z\n"
    body = {"jurisdiction": "t-off", "case": "case", "activity": "activity", "time": "when", "register": True}
    res = import_mapped(ledger, write(tmp_path / "log.csv", text), mapping(tmp_path, body, pack=False))
    assert not res.rejected and [a.at.utcoffset().total_seconds() for a in acts_of(ledger, "t-off")] == [3600, 0]
    # a naive time further down is that row's error (the rest imports)
    res = import_mapped(
        ledger, write(tmp_path / "log2.csv", text + "2,submit,2024-03-03 09:00\n"), mapping(tmp_path, body, pack=False)
    )
    assert [(e.line, e.code) for e in res.rejected] == [(4, "no_timezone")]


def test_derived_ids_do_not_depend_on_the_order_of_the_rows(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # (``case_attributes: first`` puts case-level values on the case's first row in the file — an
    # order the file decides; with ``all`` every act carries them)
    body = {**{k: v for k, v in CSV_MAP.items() if k != "id"}, "case_attributes": "all"}
    header, *rows = CSV.splitlines(keepends=True)
    rows.append(rows[-1])  # an identical event twice in one case: two acts
    got = []
    for order in (rows, rows[::-1], rows[3:] + rows[:3]):
        d = tmp_path_factory.mktemp("order")
        with Ledger(f"sqlite:///{d / 'l.db'}") as led:
            res = import_mapped(led, write(d / "log.csv", header + "".join(order)), mapping(d, body))
            assert not res.rejected
            tick(led, datetime(2030, 1, 1, tzinfo=UTC))
            proj = AuditProjection(led)
            proj.run()
            got.append(
                (
                    sorted(a.id for a in acts_of(led, "t-csv")),
                    sorted((v["id"], v["rule"], tuple(v["evidence"])) for v in proj.violations()),
                )
            )
    assert got[0] == got[1] == got[2] and len(set(got[0][0])) == 8


def test_id_scope_case_keeps_an_event_repeated_in_several_traces(tmp_path: Path, ledger: Ledger) -> None:
    trip = ev("Trip", "2020-01-01T00:00:00+01:00", id="st_1")
    traces = [
        ([("string", "concept:name", "decl-1")], [trip, ev("approve", "2020-01-02T09:00:00+01:00", id="st_2")]),
        ([("string", "concept:name", "decl-2")], [trip, ev("approve", "2020-01-03T09:00:00+01:00", id="st_3")]),
    ]
    log = write(tmp_path / "log.xes", xes(traces))
    res = import_mapped(ledger, log, mapping(tmp_path, {**XES_MAP, "id": "id"}, pack=False))
    assert [e.code for e in res.rejected] == ["id_conflict"] or len(res.rejected) == 1  # the log-wide id repeats
    scoped = tmp_path / "scoped"
    scoped.mkdir()
    with Ledger(f"sqlite:///{scoped / 'l.db'}") as led:
        m = mapping(scoped, {**XES_MAP, "jurisdiction": "t-scope", "id": {"from": "id", "scope": "case"}}, pack=False)
        res = import_mapped(led, log, m)
        assert not res.rejected
        assert sorted(a.id for a in acts_of(led, "t-scope")) == [
            "st_1@decl-1",
            "st_1@decl-2",
            "st_2@decl-1",
            "st_3@decl-2",
        ]


def test_mapping_calendar_and_closed_days_become_org_acts(tmp_path: Path, ledger: Ledger) -> None:
    body = {**CSV_MAP, "calendar": "nl", "closed_days": [{"date": "2024-03-06", "reason": "storm"}, "2024-03-08"]}
    import_mapped(ledger, write(tmp_path / "log.csv", CSV), mapping(tmp_path, body))
    org = ledger.org("t-csv")
    assert org.calendar == "NL" and org.tz.key == "Europe/Amsterdam"  # type: ignore[attr-defined]
    assert {d.isoformat(): r for d, r in org.closed_days.items()} == {"2024-03-06": "storm", "2024-03-08": ""}
    with pytest.raises(LedgerError, match="calendar"):
        load_mapping(mapping(tmp_path, {**CSV_MAP, "calendar": "Atlantis"}))


def test_a_pack_reading_a_field_by_its_pre_mapping_name_is_refused(tmp_path: Path, ledger: Ledger) -> None:
    (tmp_path / "pack.yaml").write_text(
        PACK.replace('where: "amount > 1000"', 'where: "`case:Amount` > 1000"'), encoding="utf-8"
    )
    body = {"packs": ["pack.yaml"], **XES_MAP}
    (tmp_path / "mapping.yaml").write_text(yaml.safe_dump(body), encoding="utf-8")
    with pytest.raises(LedgerError) as ei:
        import_mapped(ledger, write(tmp_path / "log.xes", xes(XES_TRACES)), tmp_path / "mapping.yaml")
    assert ei.value.code == "pack_field_renamed"
    assert (
        "pack.yaml:21: rule TST-BIG-NEEDS-BOSS" in ei.value.message_en and "renamed data.amount" in ei.value.message_en
    )
    assert ledger.count() == 0

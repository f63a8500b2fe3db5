"""The supervision bulletin 督查通报 (dongqu-2012 第一百一十三条): overdue and poor-quality items per unit and month."""

from __future__ import annotations

import pytest

from domain.bulletin import bulletin
from domain.rules.engine import group_cases
from tests.rules.history import History, t
from tests.rules.test_sup import OFFICE, assign, complete, progress, register


def cases(h: History):
    return group_cases(a for a in h.acts if a.kind != "org")


def county() -> History:
    """Items of 发改局 (u-fgj) and 司法局 (u-sfj) around April 2024."""
    h = History("dongqu-2012")
    # A: 发改局, due 03-31, still open → overdue all April
    register(h, "A", "2024-03-01 09:00", "2024-03-31", title="项目甲")
    assign(h, "A", "2024-03-01 15:00")
    # B: 司法局, due 04-10, completed 04-15 → closed late in April
    register(h, "B", "2024-03-20 09:00", "2024-04-10", title="事项乙", responsible_unit="u-sfj")
    assign(h, "B", "2024-03-20 15:00", to_unit="u-sfj")
    complete(h, "B", "2024-04-15 10:00", by="p-sfj", unit="u-sfj")
    # C: 发改局, due 04-20, completed on time 04-18 but without a report → poor quality
    register(h, "C", "2024-04-01 09:00", "2024-04-20", title="事项丙")
    assign(h, "C", "2024-04-01 15:00")
    complete(h, "C", "2024-04-18 10:00", report=False)
    # D: 发改局, due 03-15, completed late on 03-20 → overdue in March, not in April
    register(h, "D", "2024-03-01 09:00", "2024-03-15", title="事项丁")
    assign(h, "D", "2024-03-01 15:00")
    complete(h, "D", "2024-03-20 10:00")
    # E: 财政局, due 04-10 but extended in time to 05-10 by a vice head → not overdue in April
    register(h, "E", "2024-03-20 09:00", "2024-04-10", title="事项戊", responsible_unit="u-czj")
    assign(h, "E", "2024-03-20 15:00", to_unit="u-czj")
    h.add(
        "supervision",
        "E",
        "extension_approved",
        "2024-04-08 10:00",
        new_deadline="2024-05-10",
        by="p-vh1",
        unit="u-gov",
    )
    return h


def test_bulletin_dongqu_lists_overdue_and_poor_quality_items_per_unit_sorted_by_unit() -> None:
    h = county()
    rows = bulletin(cases(h), h.orgchart(), "2024-04")
    assert [r.unit for r in rows] == ["u-fgj", "u-sfj"]
    fgj, sfj = rows
    assert fgj.unit_name == "县发改局" and fgj.month == "2024-04"
    assert [i.case for i in fgj.overdue] == ["A"]
    assert fgj.overdue[0].closed_at is None and fgj.overdue[0].days_overdue == 30
    assert fgj.overdue[0].problems == ("overdue",)
    assert [i.case for i in fgj.poor_quality] == ["C"]
    assert fgj.poor_quality[0].problems == ("no_report",)
    assert (fgj.overdue_count, fgj.poor_quality_count, fgj.item_count) == (1, 1, 2)
    assert [i.case for i in sfj.overdue] == ["B"] and sfj.overdue[0].problems == ("closed_late",)
    assert sfj.overdue[0].days_overdue == 5 and sfj.poor_quality == ()


def test_bulletin_dongqu_item_closed_late_in_an_earlier_month_is_listed_in_that_month_only() -> None:
    h = county()
    march = bulletin(cases(h), h.orgchart(), "2024-03")
    # A falls due at the very end of March: it is overdue from April on
    assert {r.unit: [i.case for i in r.overdue] for r in march} == {"u-fgj": ["D"]}
    april = bulletin(cases(h), h.orgchart(), "2024-04")
    assert "D" not in {i.case for r in april for i in r.overdue}


def test_bulletin_dongqu_now_cuts_the_month_and_hides_later_acts() -> None:
    h = county()
    rows = bulletin(cases(h), h.orgchart(), "2024-04", now=t("2024-04-12 12:00"))
    by_unit = {r.unit: r for r in rows}
    # B is past its deadline and not yet closed as of now; C's completion is still to come
    [b] = by_unit["u-sfj"].overdue
    assert b.closed_at is None and b.problems == ("overdue",)
    assert by_unit["u-fgj"].poor_quality == ()


def test_bulletin_dongqu_unsigned_report_and_unsigned_termination_are_poor_quality() -> None:
    h = History("dongqu-2012")
    register(h, "F", "2024-04-01 09:00", "2024-05-31", title="事项己")
    assign(h, "F", "2024-04-01 15:00")
    rep = progress(h, "F", "2024-04-08 10:00", signed_by_head=False, sealed=False)
    register(h, "G", "2024-04-01 09:00", "2024-05-31", title="事项庚")
    assign(h, "G", "2024-04-01 15:00")
    term = h.add("supervision", "G", "terminated", "2024-04-09 10:00", note="并入其他事项", **OFFICE)
    [row] = bulletin(cases(h), h.orgchart(), "2024-04")
    f, g = row.poor_quality
    assert f.case == "F" and f.problems == ("not_signed", "not_sealed") and f.evidence == (rep.id,)
    assert g.case == "G" and g.problems == ("not_leader_signed",) and g.evidence == (term.id,)
    assert row.overdue == ()


def test_bulletin_dongqu_quiet_month_has_no_rows_and_rows_serialise() -> None:
    h = county()
    assert bulletin(cases(h), h.orgchart(), "2024-01") == []
    d = bulletin(cases(h), h.orgchart(), "2024-04")[0].to_dict()
    assert d["overdue_count"] == 1 and d["overdue"][0]["case"] == "A"


def test_bulletin_malformed_month_is_refused() -> None:
    h = county()
    with pytest.raises(ValueError):
        bulletin(cases(h), h.orgchart(), "2024-4")
    with pytest.raises(ValueError):
        bulletin(cases(h), h.orgchart(), "2024-13")

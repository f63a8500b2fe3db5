"""The supervision office's view of what stands now: open cases, pending approvals, people on
leave now, overdue supervision items (current-state projections)."""

from __future__ import annotations

from domain.rules.engine import group_cases
from domain.status import status
from tests.rules.history import History, t


def county() -> History:
    h = History("dongqu-2012")
    # a leave: approved, departed, not back yet
    h.add(
        "leave",
        "LV-1",
        "requested",
        "2024-05-06 09:00",
        by="p-vh1",
        unit="u-gov",
        start="2024-05-08T08:00:00+08:00",
        end="2024-05-10T18:00:00+08:00",
    )
    h.add("leave", "LV-1", "approved", "2024-05-06 15:00", by="p-head", unit="u-gov")
    h.add("leave", "LV-1", "departed", "2024-05-08 08:00", by="p-vh1", unit="u-gov")
    # a leave still waiting for approval: held by whoever it was filed with
    h.add(
        "leave",
        "LV-2",
        "requested",
        "2024-05-07 09:00",
        by="p-fgjd",
        start="2024-05-20T08:00:00+08:00",
        end="2024-05-21T18:00:00+08:00",
    )
    # a supervision item past its deadline, and one completed in time
    h.add(
        "supervision",
        "SUP-1",
        "registered",
        "2024-04-01 10:00",
        by="p-od",
        unit="u-office",
        deadline="2024-04-30T18:00:00+08:00",
        responsible_unit="u-fgj",
    )
    h.add(
        "supervision",
        "SUP-2",
        "registered",
        "2024-04-01 10:00",
        by="p-od",
        unit="u-office",
        deadline="2024-04-30T18:00:00+08:00",
        responsible_unit="u-sfj",
    )
    h.add("supervision", "SUP-2", "completed", "2024-04-29 10:00", by="p-sfj", unit="u-sfj", report=True)
    return h


def test_open_cases_by_kind_and_unit() -> None:
    h = county()
    rep = status(group_cases(a for a in h.acts if a.kind != "org"), h.orgchart(), t("2024-05-09 12:00"))
    assert rep.open_cases[("leave", "u-gov")] == 1
    assert rep.open_cases[("supervision", "u-office")] == 1  # SUP-2 is closed


def test_people_on_leave_now() -> None:
    h = county()
    now = t("2024-05-09 12:00")
    rep = status(group_cases(a for a in h.acts if a.kind != "org"), h.orgchart(), now)
    assert [r["person"] for r in rep.on_leave] == ["p-vh1"]
    before = status(group_cases(a for a in h.acts if a.kind != "org"), h.orgchart(), t("2024-05-07 12:00"))
    assert before.on_leave == []
    h.add("leave", "LV-1", "returned", "2024-05-10 17:00", by="p-vh1", unit="u-gov")
    after = status(group_cases(a for a in h.acts if a.kind != "org"), h.orgchart(), t("2024-05-11 09:00"))
    assert after.on_leave == []


def test_pending_approvals_show_who_holds_them() -> None:
    h = county()
    rep = status(group_cases(a for a in h.acts if a.kind != "org"), h.orgchart(), t("2024-05-09 12:00"))
    assert {(r["case"], r["holder"]) for r in rep.pending} >= {("LV-2", "p-fgjd")}


def test_overdue_supervision_items() -> None:
    h = county()
    rep = status(group_cases(a for a in h.acts if a.kind != "org"), h.orgchart(), t("2024-05-09 12:00"))
    assert [(r["case"], r["unit"]) for r in rep.overdue] == [("SUP-1", "u-fgj")]
    assert rep.overdue[0]["days_overdue"] == 8
    early = status(group_cases(a for a in h.acts if a.kind != "org"), h.orgchart(), t("2024-04-20 12:00"))
    assert early.overdue == []

"""RES — 调研: one test per clause, named after the rule."""

from __future__ import annotations

from domain.acts import Act
from tests.rules.history import History, t

LEADERS = ("p-head", "p-evh", "p-vh1", "p-vh2")


def visit(h: History, leader: str, at: str, days: float, unannounced: bool, *, case: str = "", **kw: object) -> Act:
    return h.add(
        "research",
        case or f"R-{leader}-{at[:4]}",
        "visit",
        at,
        by=leader,
        unit="u-gov",
        leader=leader,
        town="u-town1",
        days=days,
        unannounced=unannounced,
        **kw,
    )


def report(h: History, leader: str, at: str, year: int) -> Act:
    return h.add("research", f"R-{leader}-{year}", "report_submitted", at, by=leader, unit="u-gov", year=year)


def full_year(
    h: History,
    leader: str,
    *,
    days: float = 60,
    unannounced: float = 30,
    with_report: bool = True,
    year: int = 2023,
) -> list[Act]:
    out = [visit(h, leader, f"{year}-03-01 09:00", unannounced, True)]
    if days - unannounced:
        out.append(visit(h, leader, f"{year}-06-01 09:00", days - unannounced, False))
    if with_report:
        out.append(report(h, leader, f"{year}-12-20 10:00", year))
    return out


def close_year(h: History, at: str = "2024-01-05 10:00") -> Act:
    """A research act in the next year: the ledger now shows the year is over."""
    return visit(h, "p-head", at, 1, True, case="R-next")


# ---- RES-ANNUAL-QUOTA ---------------------------------------------------------------------
def test_res_annual_quota_changle_leaders_meeting_every_quota_pass() -> None:
    h = History("changle-2022")
    for p in LEADERS:
        full_year(h, p)  # 60 days, exactly half unannounced, one report
    close_year(h)
    assert h.violations("RES-ANNUAL-QUOTA") == []


def test_res_annual_quota_changle_fewer_than_sixty_days_is_flagged() -> None:
    h = History("changle-2022")
    for p in LEADERS[:3]:
        full_year(h, p)
    acts = full_year(h, "p-vh2", days=59.5, unannounced=30)
    close_year(h)
    [v] = h.violations("RES-ANNUAL-QUOTA")
    assert v.article == "changle-2022:九十二"
    assert v.person == "p-vh2" and v.detail["year"] == 2023
    assert set(v.evidence) == {a.id for a in acts if a.act == "visit"}
    assert v.at == t("2023-12-31T23:59:59.999999+08:00")


def test_res_annual_quota_changle_unannounced_share_below_half_is_flagged() -> None:
    h = History("changle-2022")
    for p in LEADERS[1:]:
        full_year(h, p)
    full_year(h, "p-head", days=60, unannounced=29)
    close_year(h, "2024-01-02 10:00")
    [v] = h.violations("RES-ANNUAL-QUOTA")
    assert v.person == "p-head"
    assert "四不两直" in v.message_zh


def test_res_annual_quota_changle_missing_report_is_flagged_and_a_january_report_for_the_year_counts() -> None:
    h = History("changle-2022")
    for p in LEADERS[:2]:
        full_year(h, p)
    full_year(h, "p-vh1", with_report=False)
    report(h, "p-vh1", "2024-01-10 10:00", 2023)  # next January, for 2023
    full_year(h, "p-vh2", with_report=False)
    close_year(h)
    [v] = h.violations("RES-ANNUAL-QUOTA")
    assert v.person == "p-vh2" and v.detail["reports"] == 0


def test_res_annual_quota_changle_leader_with_no_research_at_all_is_flagged_with_the_closing_act() -> None:
    h = History("changle-2022")
    for p in LEADERS[:3]:
        full_year(h, p)
    nxt = close_year(h)
    vs = h.violations("RES-ANNUAL-QUOTA")
    assert {v.person for v in vs} == {"p-vh2"}
    assert len(vs) == 2  # days and reports; no share of zero days
    assert all(v.evidence == (nxt.id,) for v in vs)


def test_res_annual_quota_changle_year_not_judged_until_the_ledger_shows_it_is_over() -> None:
    h = History("changle-2022")
    full_year(h, "p-head", days=10, unannounced=1)
    assert h.violations("RES-ANNUAL-QUOTA") == []
    close_year(h)
    assert len(h.violations("RES-ANNUAL-QUOTA")) > 0


def test_res_annual_quota_changle_first_partial_year_of_the_pack_is_not_judged() -> None:
    h = History("changle-2022")  # in force from 2022-10-12
    visit(h, "p-head", "2022-11-01 09:00", 3, True)
    visit(h, "p-head", "2023-01-05 09:00", 1, True)
    assert h.violations("RES-ANNUAL-QUOTA") == []


def test_res_annual_quota_changle_leader_appointed_mid_year_is_not_judged_that_year() -> None:
    h = History("changle-2022")
    h.org("relieved", "2023-07-01", person="p-vh2", post="vh-2")
    h.org("appointed", "2023-07-01", person="p-fgjd", post="vh-2")
    for p in LEADERS[:3]:
        full_year(h, p)
    close_year(h)
    assert h.violations("RES-ANNUAL-QUOTA") == []


def test_res_annual_quota_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("dongqu-2012")
    visit(h, "p-head", "2023-03-01 09:00", 1, False)
    close_year(h)
    assert h.violations("RES-ANNUAL-QUOTA") == []


# ---- RES-ESCORT-LIMIT ---------------------------------------------------------------------
def test_res_escort_limit_changle_two_town_principals_escorting_the_head_is_flagged() -> None:
    h = History("changle-2022")
    v0 = visit(h, "p-head", "2023-05-10 09:00", 1, True, escorts=["p-town1", "p-town1s"])
    [v] = h.violations("RES-ESCORT-LIMIT")
    assert v.article == "changle-2022:九十二"
    assert v.evidence == (v0.id,)
    assert v.unit == "u-town1" and v.person == "p-head"


def test_res_escort_limit_changle_town_named_by_its_name_is_matched() -> None:
    h = History("changle-2022")
    h.add(
        "research", "R-1", "visit", "2023-05-10 09:00", by="p-head", unit="u-gov",
        leader="p-head", town="一镇", days=1, escorts=["p-town1", "p-town1s"],
    )  # fmt: skip
    assert len(h.violations("RES-ESCORT-LIMIT")) == 1


def test_res_escort_limit_changle_one_principal_and_others_pass() -> None:
    h = History("changle-2022")
    visit(h, "p-head", "2023-05-10 09:00", 1, True, escorts=["p-town1", "p-fgjd", "p-vh1"])
    assert h.violations("RES-ESCORT-LIMIT") == []


def test_res_escort_limit_changle_vice_heads_visit_is_not_limited() -> None:
    h = History("changle-2022")
    visit(h, "p-vh1", "2023-05-10 09:00", 1, True, escorts=["p-town1", "p-town1s"])
    assert h.violations("RES-ESCORT-LIMIT") == []


def test_res_escort_limit_not_checked_in_a_pack_that_does_not_cite_it() -> None:
    h = History("dongqu-2012")
    visit(h, "p-head", "2023-05-10 09:00", 1, True, escorts=["p-town1", "p-town1s"])
    assert h.violations("RES-ESCORT-LIMIT") == []

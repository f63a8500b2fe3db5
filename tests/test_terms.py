"""Statutory terms (期间, domain/terms.py) and the working-day calendars (domain/calendar.py).

One test per rule of counting, as 民法典 第二百零一条–第二百零三条 state it: the first day is not
counted, months end on the corresponding day (or the month's last), a term ends at the end
of its last day (hours: the exact time), a last day that is a holiday may roll to the next
working day; extensions count only when granted in time; a suspension moves the due by
the time the clock stood still.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.calendar import WorkCalendar, check_calendar
from domain.terms import Duration, Term, add_months, term_end
from domain.timeutil import CHINA_TZ, end_of_day

CN = WorkCalendar()
AMS = ZoneInfo("Europe/Amsterdam")
NL = WorkCalendar(AMS, country="NL")


def t(s: str, tz: ZoneInfo | None = None) -> datetime:
    return datetime.fromisoformat(s).replace(tzinfo=tz or CHINA_TZ)


def d(unit: str, n: float) -> Duration:
    return Duration.parse({unit: n})


# ---- durations and where a term ends -----------------------------------------------------------
def test_a_term_in_days_does_not_count_its_first_day_and_ends_at_the_end_of_its_last() -> None:
    # received 2024-03-05 13:40: 5 days run over 6 … 10 March, ending at 24:00 on the 10th
    assert term_end(t("2024-03-05T13:40"), d("days", 5), CN) == end_of_day(date(2024, 3, 10))


def test_weeks_are_seven_days() -> None:
    assert term_end(t("2024-03-05T13:40"), d("weeks", 8), CN) == term_end(t("2024-03-05T08:00"), d("days", 56), CN)
    assert term_end(t("2024-03-05T13:40"), d("weeks", 8), CN) == end_of_day(date(2024, 4, 30))


@pytest.mark.parametrize(
    ("start", "months", "last"),
    [
        (date(2024, 1, 15), 1, date(2024, 2, 15)),  # the corresponding day
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # no 31 February: the month's last day (leap year)
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 8, 31), 1, date(2024, 9, 30)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 12, 31), 2, date(2025, 2, 28)),
    ],
)
def test_months_end_on_the_corresponding_day_or_the_last_day_of_the_month(start: date, months: int, last: date) -> None:
    assert add_months(start, months) == last
    at = datetime.combine(start, datetime.min.time(), CHINA_TZ).replace(hour=9)
    assert term_end(at, d("months", months), CN) == end_of_day(last)


def test_years_are_twelve_months() -> None:
    assert term_end(t("2024-02-29T10:00"), d("years", 1), CN) == end_of_day(date(2025, 2, 28))


def test_working_days_follow_the_prc_calendar_with_its_adjusted_weekends() -> None:
    # 2024: National Day 1–7 October; Sunday 29 September and Saturday 12 October were working days (调休)
    assert term_end(t("2024-09-28T10:00"), d("working_days", 1), CN) == end_of_day(date(2024, 9, 29))
    assert term_end(t("2024-09-30T10:00"), d("working_days", 1), CN) == end_of_day(date(2024, 10, 8))
    assert term_end(t("2024-10-11T10:00"), d("working_days", 1), CN) == end_of_day(date(2024, 10, 12))


def test_hour_terms_end_at_the_exact_time() -> None:
    assert term_end(t("2024-03-05T13:40"), d("hours", 24), CN) == t("2024-03-06T13:40")
    assert term_end(t("2024-03-05T13:40"), d("minutes", 30), CN) == t("2024-03-05T14:10")


def test_where_a_term_ends_can_be_said_explicitly() -> None:
    start = t("2024-03-05T13:40")
    assert term_end(start, d("days", 5), CN, "exact") == t("2024-03-10T13:40")
    assert term_end(start, d("hours", 2), CN, "end_of_day") == end_of_day(date(2024, 3, 5))
    # 民法典 第二百零三条: a last day that is a holiday gives way to the next working day
    # (5 days after 2024-09-26 end on Tuesday 1 October, National Day → Tuesday 8 October)
    assert term_end(t("2024-09-26T10:00"), d("days", 5), CN, "end_of_working_day") == end_of_day(date(2024, 10, 8))
    assert term_end(t("2024-09-26T10:00"), d("days", 5), CN, "end_of_day") == end_of_day(date(2024, 10, 1))


def test_a_day_term_ends_on_the_jurisdictions_clock() -> None:
    # 23:30 in Amsterdam is already the next day in Beijing: the day counted is Amsterdam's
    start = t("2024-03-05T23:30", AMS)
    assert term_end(start, d("days", 1), NL) == end_of_day(date(2024, 3, 6), AMS)


@pytest.mark.parametrize(
    "bad",
    [{"days": 1.5}, {"fortnights": 1}, {"days": -1}, {"days": True}, {"days": 1, "hours": 2}, {}],
)
def test_malformed_durations_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Duration.parse(bad)


# ---- extensions and suspensions -----------------------------------------------------------------
def test_an_extension_counts_only_when_granted_before_the_term_expired() -> None:
    term = Term.of(t("2024-03-01T10:00"), d("weeks", 8), CN, max_extensions=1)
    assert term.extend_by("x1", t("2024-04-26T09:00"), d("weeks", 6))
    assert term.due == end_of_day(date(2024, 4, 26) + timedelta(weeks=6))
    late = Term.of(t("2024-03-01T10:00"), d("weeks", 8), CN)
    assert not late.extend_by("x1", t("2024-04-27T09:00"), d("weeks", 6))
    assert late.due == end_of_day(date(2024, 4, 26))
    assert late.detail()["extensions_too_late"] == ["x1"]


def test_extensions_beyond_max_do_not_count() -> None:
    term = Term.of(t("2024-03-01T10:00"), d("days", 10), CN, max_extensions=1)
    assert term.extend_by("x1", t("2024-03-05T10:00"), d("days", 5))
    assert not term.extend_by("x2", t("2024-03-06T10:00"), d("days", 5))
    assert term.due == end_of_day(date(2024, 3, 16))
    assert term.detail()["extensions"] == ["x1"]


def test_a_suspension_moves_the_due_by_the_calendar_days_stopped() -> None:
    term = Term.of(t("2024-03-01T10:00"), d("weeks", 8), CN)
    assert term.suspend("ask", t("2024-03-10T15:00"))
    assert term.due is None  # the clock stands still: nothing is due
    assert term.resume("got", t("2024-03-22T09:00"))
    assert term.due == end_of_day(date(2024, 4, 26) + timedelta(days=12))
    assert term.detail()["days_suspended"] == 12
    assert term.detail()["initial_due"] == "2024-04-26T23:59:59.999999+08:00"


def test_a_suspension_of_a_working_day_term_counts_working_days() -> None:
    term = Term.of(t("2024-03-01T10:00"), d("working_days", 10), CN)  # Fri → 10 working days: Fri 15 March
    assert term.due == end_of_day(date(2024, 3, 15))
    term.suspend("ask", t("2024-03-08T10:00"))  # Friday
    term.resume("got", t("2024-03-11T10:00"))  # Monday: 1 working day stopped
    assert term.due == end_of_day(date(2024, 3, 18))


def test_a_suspension_of_an_hour_term_counts_the_exact_time() -> None:
    term = Term.of(t("2024-03-01T10:00"), d("hours", 24), CN)
    term.suspend("ask", t("2024-03-01T12:00"))
    term.resume("got", t("2024-03-01T15:30"))
    assert term.due == t("2024-03-02T13:30")


def test_a_suspension_after_the_term_expired_stops_nothing() -> None:
    term = Term.of(t("2024-03-01T10:00"), d("days", 5), CN)
    assert not term.suspend("ask", t("2024-03-07T10:00"))
    assert term.due == end_of_day(date(2024, 3, 6))


# ---- calendars ------------------------------------------------------------------------------------
def test_the_dutch_calendar_has_the_dutch_public_holidays() -> None:
    assert not NL.is_workday(date(2024, 4, 1))  # Easter Monday
    assert not NL.is_workday(date(2024, 12, 25))
    assert not NL.is_workday(date(2024, 3, 9))  # a Saturday
    assert NL.is_workday(date(2024, 10, 1))  # a Tuesday: China's National Day is not a Dutch holiday
    assert not CN.is_workday(date(2024, 10, 1))
    assert CN.is_workday(date(2024, 4, 1))


def test_a_jurisdictions_own_closed_days_are_not_working_days() -> None:
    cal = WorkCalendar(country="CN", closed=frozenset({date(2024, 3, 6)}))
    assert not cal.is_workday(date(2024, 3, 6))
    assert cal.add_working_days(date(2024, 3, 5), 1) == date(2024, 3, 7)


def test_calendar_codes_are_checked() -> None:
    assert check_calendar("nl") == "NL"
    assert check_calendar("DE-BY") == "DE-BY"
    with pytest.raises(ValueError):
        check_calendar("XX")


def test_the_org_file_chooses_the_calendar_and_the_closed_days() -> None:
    from domain.acts import validate_act
    from domain.org import OrgChart
    from domain.orgfile import org_acts

    jur, raws = org_acts(
        {
            "jurisdiction": "nl-town",
            "timezone": "Europe/Amsterdam",
            "calendar": "NL",
            "closed_days": [{"date": "2024-03-06", "until": "2024-03-07", "reason": "verhuizing"}, "2024-05-10"],
            "units": [{"id": "u-gem", "name": "Gemeente", "type": "government"}],
        }
    )
    org = OrgChart.from_acts([validate_act(r, jurisdiction=jur) for r in raws], jur)
    cal = WorkCalendar.of(org)
    assert (cal.country, cal.tz) == ("NL", AMS)
    assert sorted(cal.closed) == [date(2024, 3, 6), date(2024, 3, 7), date(2024, 5, 10)]
    assert cal.add_working_days(date(2024, 3, 5), 1) == date(2024, 3, 8)

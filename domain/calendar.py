"""The working-day calendar (工作日历) of a jurisdiction.

- **China** (``calendar: CN``, the default): PRC public holidays and 调休 working weekends
  from the ``chinese-calendar`` package; for years it does not cover, Monday–Friday is
  assumed and said so (``covered`` is False), so a violation's detail can mention it.
- **Any other country** (``calendar: NL``, ``DE-BY`` for a subdivision): its public holidays
  and weekend from the ``holidays`` package (computed for every year).
- **The jurisdiction's own closed days** (``day_closed`` org acts: a local holiday, an office
  closure) are not working days whatever the country's calendar says.

The calendar is chosen in the org chart (``calendar_set``, from the org file's or the import
mapping's ``calendar:``); :meth:`WorkCalendar.of` builds it for an org chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any, Protocol

import chinese_calendar

from domain.timeutil import CHINA_TZ, end_of_day, local_date

#: The default calendar: the PRC's, with 调休.
CHINA = "CN"


@lru_cache(maxsize=8192)
def _official(d: date) -> bool | None:
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError:
        return None


@lru_cache(maxsize=64)
def _country(code: str) -> Any:
    """The ``holidays`` calendar for ``CC`` or ``CC-SUBDIV`` (raises ValueError if unknown)."""
    import holidays

    country, _, subdiv = code.partition("-")
    try:
        return holidays.country_holidays(country, subdiv=subdiv or None)
    except NotImplementedError as e:
        raise ValueError(f"unknown calendar '{code}': {e}") from None


def check_calendar(code: str) -> str:
    """``code`` normalised (``nl`` → ``NL``) if it names a calendar; raises ValueError otherwise."""
    norm = code.strip().upper()
    if not norm:
        raise ValueError("empty calendar code")
    if norm != CHINA:
        _country(norm)
    return norm


class _HasCalendar(Protocol):
    tz: tzinfo
    calendar: str
    closed_days: dict[date, str]


@dataclass
class WorkCalendar:
    """Working days by the jurisdiction's calendar (法定工作日), in its zone."""

    tz: tzinfo = CHINA_TZ
    fallback_used: set[int] = field(default_factory=set)
    #: ``CN`` (chinese-calendar, with 调休) or a ``holidays`` country code (``NL``, ``DE-BY`` …).
    country: str = CHINA
    #: The jurisdiction's own closed days (``day_closed`` org acts).
    closed: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        self.country = check_calendar(self.country)

    @classmethod
    def of(cls, org: _HasCalendar) -> WorkCalendar:
        """The calendar an org chart chose (its zone, ``calendar_set``, ``day_closed``)."""
        return cls(org.tz, country=org.calendar, closed=frozenset(org.closed_days))

    def covered(self, d: date) -> bool:
        """Whether the official calendar covers ``d``'s year (else Monday–Friday is assumed)."""
        return self.country != CHINA or _official(d) is not None

    def is_workday(self, d: date) -> bool:
        if d in self.closed:
            return False
        if self.country != CHINA:
            return bool(_country(self.country).is_working_day(d))
        off = _official(d)
        if off is None:
            self.fallback_used.add(d.year)
            return d.weekday() < 5
        return off

    def next_workday(self, d: date) -> date:
        """``d`` if it is a working day, else the first working day after it."""
        while not self.is_workday(d):
            d += timedelta(days=1)
        return d

    def add_working_days(self, d: date, n: int) -> date:
        """The ``n``-th working day after ``d`` (``n`` ≥ 1); ``n`` = 0 gives ``d`` itself."""
        cur = d
        count = 0
        while count < n:
            cur += timedelta(days=1)
            if self.is_workday(cur):
                count += 1
        return cur

    def deadline_after(self, at: datetime, working_days: int) -> datetime:
        """ "Within N working days after ``at``": the end of the N-th working day after its date."""
        return end_of_day(self.add_working_days(local_date(at, self.tz), working_days), self.tz)

    def deadline_before(self, at: datetime, working_days: int) -> datetime:
        """ "At least N working days before ``at``": the end of the latest day that leaves N
        working days between it and ``at``'s date (e.g. 3 working days before Friday is the
        end of Monday)."""
        d = local_date(at, self.tz)
        count = 0
        cur = d
        while count < working_days:
            cur -= timedelta(days=1)
            if self.is_workday(cur):
                count += 1
        return end_of_day(cur - timedelta(days=1), self.tz)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``(start, end]`` (after ``start`` up to and including ``end``)."""
        if end <= start:
            return 0
        n = 0
        cur = start
        while cur < end:
            cur += timedelta(days=1)
            if self.is_workday(cur):
                n += 1
        return n

    def same_day(self, a: datetime, b: datetime) -> bool:
        return local_date(a, self.tz) == local_date(b, self.tz)

    def fallback_note(self, *days: date) -> str | None:
        """A note for a violation's detail when a year outside the official calendar was used."""
        years = sorted({d.year for d in days if not self.covered(d)})
        if not years:
            return None
        return f"years {', '.join(map(str, years))} not in the official calendar: Monday–Friday assumed"

"""The working-day calendar (工作日历): PRC public holidays and 调休 working weekends.

Backed by the ``chinese-calendar`` package; for years it does not cover, falls back to
Monday–Friday and says so (``covered`` is False), so a violation's detail can mention it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache

import chinese_calendar

from domain.timeutil import CHINA_TZ, end_of_day, local_date


@lru_cache(maxsize=8192)
def _official(d: date) -> bool | None:
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError:
        return None


@dataclass
class WorkCalendar:
    """Working days by the official calendar (法定工作日), in the jurisdiction's zone."""

    tz: tzinfo = CHINA_TZ
    fallback_used: set[int] = field(default_factory=set)

    def covered(self, d: date) -> bool:
        """Whether the official calendar covers ``d``'s year (else Monday–Friday is assumed)."""
        return _official(d) is not None

    def is_workday(self, d: date) -> bool:
        off = _official(d)
        if off is None:
            self.fallback_used.add(d.year)
            return d.weekday() < 5
        return off

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

"""Statutory terms (期间): durations with units, where a term ends, and a term's clock.

How a term is counted — the reading of 民法典 第二百零一条–第二百零三条 (and of the Dutch
Algemene termijnenwet / Awb, for packs of other jurisdictions):

- **The day the term starts is not counted** (开始的当日不计入): a term of N days after an act
  on day D runs over D+1 … D+N; ``weeks: N`` is ``days: 7N``.
- **Months and years** (按照年、月计算期间): the last day is the corresponding day of the last
  month (``months: 1`` after 31 January ends on 28/29 February — the month has no 31st, so
  its last day); ``years: N`` is ``months: 12N``.
- **Working days** (工作日): the last day is the N-th working day after D on the
  jurisdiction's calendar (:class:`~domain.calendar.WorkCalendar`).
- **Where it ends** (``ends``): day-based terms (days, weeks, months, years, working days)
  end **at the end of their last day** (``end_of_day``, 二十四时, on the jurisdiction's
  clock) — as the built-in rules count; hour and minute terms end at the **exact** time
  (``exact``: 按照小时计算期间的，自规定的时间开始计算). Either can be asked for explicitly;
  ``end_of_working_day`` is ``end_of_day`` moved, when the last day is not a working day, to
  the end of the next working day (期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日).
- **Extensions** (延长) move the due: by a duration counted from the last day of the term in
  force, or to a new due date; an extension counts only when it came at or before the due
  then in force (one granted after the term expired does not revive it), up to ``max``.
- **Suspensions** (中止/不计入期限): the clock stops at a ``from`` act and runs again at the
  next ``until`` act; the due moves by the time stopped — the calendar days between the two
  acts' dates for day terms (working days among them for working-day terms), the exact
  time for hour terms. A suspension that starts after the due has passed stops nothing.

:class:`Term` is that clock: the rules that follow an extension or a suspension (SUP's
deadline, the YAML ``response``/``deadline`` templates) run their acts through it, and its
:meth:`Term.detail` is what a violation shows (due as extended, days suspended).
"""

from __future__ import annotations

import calendar as _cal
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from domain.calendar import WorkCalendar
from domain.timeutil import end_of_day, format_datetime, local_date

Unit = Literal["minutes", "hours", "days", "weeks", "months", "years", "working_days"]
UNITS: tuple[str, ...] = ("minutes", "hours", "days", "weeks", "months", "years", "working_days")
DAY_UNITS = frozenset({"days", "weeks", "months", "years", "working_days"})
Ends = Literal["end_of_day", "exact", "end_of_working_day"]
ENDS: tuple[str, ...] = ("end_of_day", "exact", "end_of_working_day")

_TEXT = {
    "minutes": ("分钟", "min"),
    "hours": ("小时", "h"),
    "days": ("天", "days"),
    "weeks": ("周", "weeks"),
    "months": ("个月", "months"),
    "years": ("年", "years"),
    "working_days": ("个工作日", "working days"),
}


def add_months(d: date, n: int) -> date:
    """The corresponding day ``n`` months after ``d``, or the last day of that month when it has none."""
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    return date(y, m, min(d.day, _cal.monthrange(y, m)[1]))


@dataclass(frozen=True, slots=True)
class Duration:
    """A length of time with its unit (``{weeks: 8}``, ``{working_days: 40}``, ``{hours: 24}``)."""

    unit: str
    n: float

    @classmethod
    def parse(cls, v: Mapping[str, Any]) -> Duration:
        """From the one-key mapping of a pack (``{days: 60}``); raises ValueError if malformed."""
        if not isinstance(v, Mapping) or len(v) != 1:
            raise ValueError("a duration is one of {minutes|hours|days|weeks|months|years|working_days: N}")
        unit, n = next(iter(v.items()))
        if unit not in UNITS:
            raise ValueError(f"unknown unit '{unit}' (known: {', '.join(UNITS)})")
        if isinstance(n, bool) or not isinstance(n, (int, float)) or n < 0:
            raise ValueError(f"{unit}: {n!r} is not a number ≥ 0")
        if unit in DAY_UNITS and float(n) != int(n):
            raise ValueError(f"{unit}: {n!r} must be a whole number")
        return cls(str(unit), float(n))

    @property
    def day_based(self) -> bool:
        return self.unit in DAY_UNITS

    @property
    def default_ends(self) -> Ends:
        return "end_of_day" if self.day_based else "exact"

    def text(self) -> tuple[str, str]:
        """``("8 周", "8 weeks")``."""
        zh, en = _TEXT[self.unit]
        return f"{self.n:g} {zh}", f"{self.n:g} {en}"

    def last_day(self, d: date, cal: WorkCalendar) -> date:
        """The last day of a day-based term that starts after day ``d`` (``d`` not counted)."""
        n = int(self.n)
        if self.unit == "working_days":
            return cal.add_working_days(d, n)
        if self.unit in ("months", "years"):
            return add_months(d, n * (12 if self.unit == "years" else 1))
        return d + timedelta(days=n * (7 if self.unit == "weeks" else 1))

    def elapsed(self) -> timedelta:
        """An hour/minute term's length (day-based terms are counted in days, not hours)."""
        return timedelta(**{self.unit: self.n})


def term_end(start: datetime, d: Duration, cal: WorkCalendar, ends: str | None = None) -> datetime:
    """Where a term of ``d`` that starts at ``start`` ends (see the module docstring)."""
    ends = ends or d.default_ends
    tz = cal.tz
    if d.day_based:
        loc = start.astimezone(tz)
        last = d.last_day(loc.date(), cal)
        if ends == "exact":  # the same clock time on the last day
            return datetime.combine(last, loc.timetz().replace(tzinfo=None), tz)
    else:
        exact = start + d.elapsed()
        if ends == "exact":
            return exact
        last = local_date(exact, tz)
    if ends == "end_of_working_day":
        last = cal.next_workday(last)
    return end_of_day(last, tz)


@dataclass(frozen=True, slots=True)
class Extension:
    """One extension applied to a term: the act that granted it and the due it replaced."""

    act: str
    at: datetime
    before: datetime
    after: datetime


@dataclass(frozen=True, slots=True)
class Suspension:
    """The clock stopped from one act to another (``until`` None: still stopped)."""

    start: str
    until: str | None
    days: int
    elapsed: timedelta


@dataclass
class Term:
    """A running term (期间) and its due as moved by extensions and suspensions.

    Feed it the acts that move it, in business order: :meth:`extend_by` / :meth:`extend_to`
    (an extension granted at ``at``), :meth:`suspend` / :meth:`resume`. ``due`` is the due in
    force; ``None`` while the clock is stopped (nothing can be late or owed then).
    """

    start: datetime
    initial_due: datetime
    cal: WorkCalendar = field(default_factory=WorkCalendar)
    ends: str = "end_of_day"
    unit: str = "days"
    max_extensions: int | None = None
    current: datetime | None = None
    extensions: list[Extension] = field(default_factory=list)
    refused: list[tuple[str, datetime]] = field(default_factory=list)
    suspensions: list[Suspension] = field(default_factory=list)
    _stopped: tuple[str, datetime] | None = None

    def __post_init__(self) -> None:
        if self.current is None:
            self.current = self.initial_due

    @classmethod
    def of(cls, start: datetime, d: Duration, cal: WorkCalendar, ends: str | None = None, **kw: Any) -> Term:
        """A term of ``d`` from ``start``."""
        ends = ends or d.default_ends
        return cls(start, term_end(start, d, cal, ends), cal, ends, d.unit, **kw)

    # ---- reading ----------------------------------------------------------------------------
    @property
    def due(self) -> datetime | None:
        return None if self._stopped is not None else self.current

    @property
    def stopped(self) -> bool:
        return self._stopped is not None

    @property
    def days_suspended(self) -> int:
        return sum(s.days for s in self.suspensions)

    def open(self, at: datetime) -> bool:
        """Whether the term has not expired at ``at`` (stopped counts as open)."""
        return self._stopped is not None or (self.current is not None and at <= self.current)

    # ---- extensions -------------------------------------------------------------------------
    def _grant(self, act: str, at: datetime) -> bool:
        """Whether an extension granted at ``at`` counts (in time, and within ``max``)."""
        if self.max_extensions is not None and len(self.extensions) >= self.max_extensions:
            return False
        if not self.open(at):
            assert self.current is not None
            self.refused.append((act, self.current))
            return False
        return True

    def _apply(self, act: str, at: datetime, new_due: datetime) -> None:
        assert self.current is not None
        self.extensions.append(Extension(act, at, self.current, new_due))
        self.current = new_due

    def extend_to(self, act: str, at: datetime, new_due: datetime) -> bool:
        """An extension to ``new_due`` granted by ``act`` at ``at``; False if it came too late."""
        if not self._grant(act, at):
            return False
        self._apply(act, at, new_due)
        return True

    def extend_by(self, act: str, at: datetime, by: Duration) -> bool:
        """An extension by ``by``, counted from the last day of the term in force (with its ``ends``)."""
        if not self._grant(act, at):
            return False
        assert self.current is not None
        self._apply(act, at, term_end(self.current, by, self.cal, self.ends))
        return True

    # ---- suspensions ------------------------------------------------------------------------
    def suspend(self, act: str, at: datetime) -> bool:
        """Stop the clock at ``at`` (ignored if stopped already or expired)."""
        if self._stopped is not None or self.current is None or at > self.current:
            return False
        self._stopped = (act, at)
        return True

    def resume(self, act: str | None, at: datetime) -> bool:
        """Run the clock again at ``at``: the due moves by the time stopped."""
        if self._stopped is None or self.current is None:
            return False
        start_act, since = self._stopped
        self._stopped = None
        tz = self.cal.tz
        d0, d1 = local_date(since, tz), local_date(at, tz)
        days = max((d1 - d0).days, 0)
        elapsed = max(at - since, timedelta(0))
        if self.unit == "working_days":
            n = self.cal.working_days_between(d0, d1)
            last = self.cal.add_working_days(local_date(self.current, tz), n)
            self.current = self._at_end(last)
        elif self.unit in DAY_UNITS:
            self.current = self._at_end(local_date(self.current, tz) + timedelta(days=days))
        else:
            self.current = self.current + elapsed
        self.suspensions.append(Suspension(start_act, act, days, elapsed))
        return True

    def _at_end(self, last: date) -> datetime:
        assert self.current is not None
        if self.ends == "exact":
            return datetime.combine(
                last, self.current.astimezone(self.cal.tz).timetz().replace(tzinfo=None), self.cal.tz
            )
        if self.ends == "end_of_working_day":
            last = self.cal.next_workday(last)
        return end_of_day(last, self.cal.tz)

    def answered(self, at: datetime) -> None:
        """The awaited act came at ``at``: a stopped clock runs again then (so it is on time)."""
        if self._stopped is not None:
            self.resume(None, at)

    # ---- what a violation shows -------------------------------------------------------------
    def detail(self) -> dict[str, Any]:
        """The due as moved (``due``), and how: ``initial_due``, ``extensions``, ``days_suspended`` …"""
        out: dict[str, Any] = {}
        if self.current is not None:
            out["due"] = format_datetime(self.current)
        if self.extensions or self.suspensions:
            out["initial_due"] = format_datetime(self.initial_due)
        if self.extensions:
            out["extensions"] = [e.act for e in self.extensions]
        if self.refused:
            out["extensions_too_late"] = [a for a, _ in self.refused]
        if self.suspensions:
            out["days_suspended"] = self.days_suspended
            out["suspensions"] = [[s.start, s.until] for s in self.suspensions]
            if self.unit not in DAY_UNITS:
                out["time_suspended"] = str(sum((s.elapsed for s in self.suspensions), timedelta(0)))
        if self._stopped is not None:
            out["stopped_since"] = format_datetime(self._stopped[1])
        return out


__all__ = ["DAY_UNITS", "ENDS", "UNITS", "Duration", "Extension", "Suspension", "Term", "add_months", "term_end"]

"""Explicit time handling (时间): business time `at` is RFC 3339 with an offset."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

CHINA_TZ: tzinfo = ZoneInfo("Asia/Shanghai")


def parse_datetime(value: object, *, default_tz: tzinfo | None = None) -> datetime:
    """Parse an RFC 3339 timestamp; a bare date becomes midnight in ``default_tz``.

    Raises ValueError when the value is not a time or carries no offset and no default
    zone was given.
    """
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        if default_tz is None:
            raise ValueError("a date without a time zone")
        return datetime.combine(value, time(), default_tz)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError("empty time")
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        if len(text) == 10:
            d = date.fromisoformat(text)
            if default_tz is None:
                raise ValueError(f"'{value}' has no time and no offset")
            return datetime.combine(d, time(), default_tz)
        dt = datetime.fromisoformat(text)
    else:
        raise ValueError(f"not a time: {value!r}")
    if dt.tzinfo is None:
        if default_tz is None:
            raise ValueError(f"'{value}' has no UTC offset")
        dt = dt.replace(tzinfo=default_tz)
    return dt


def parse_date(value: object) -> date:
    """Parse an ISO date (or the date part of a timestamp)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10:
            return date.fromisoformat(text)
        return parse_datetime(text).date()
    raise ValueError(f"not a date: {value!r}")


def format_datetime(dt: datetime) -> str:
    """RFC 3339 with offset, seconds precision unless microseconds are present."""
    return dt.isoformat(timespec="microseconds" if dt.microsecond else "seconds")


def in_zone(dt: datetime, tz: tzinfo) -> datetime:
    """``dt`` on the clock of ``tz``; a time at the very edge of what ``datetime`` holds
    (year 1 or 9999, refused on input but perhaps stored long ago) stays on its own clock."""
    try:
        return dt.astimezone(tz)
    except OverflowError:
        return dt


def local_date(dt: datetime, tz: tzinfo = CHINA_TZ) -> date:
    """The calendar date of ``dt`` in the jurisdiction's zone (默认北京时间)."""
    return in_zone(dt, tz).date()


def end_of_day(d: date, tz: tzinfo = CHINA_TZ) -> datetime:
    """The last instant of day ``d`` (exclusive bound is the next midnight)."""
    if d == date.max:
        return datetime.combine(d, time.max, tz)
    return datetime.combine(d + timedelta(days=1), time(), tz) - timedelta(microseconds=1)


def start_of_day(d: date, tz: tzinfo = CHINA_TZ) -> datetime:
    return datetime.combine(d, time(), tz)


def utcnow() -> datetime:
    """The wall clock, for the outermost layer only (CLI/API); logic takes `now` as input."""
    return datetime.now(UTC)


def deadline_end(value: object, tz: tzinfo = CHINA_TZ) -> datetime | None:
    """A deadline as an instant: a bare date (00:00 local) means the end of that day (当日内)."""
    if not isinstance(value, datetime):
        return None
    dt = value if value.tzinfo is not None else value.replace(tzinfo=tz)
    loc = in_zone(dt, tz)
    if (loc.hour, loc.minute, loc.second, loc.microsecond) == (0, 0, 0, 0):
        return end_of_day(loc.date(), tz)
    return dt


#: Business times the ledger accepts (业务时间范围): older or later is a typing error, and
#: beyond it times no longer convert between zones (year 1, 9999) or into pandas (1677–2262).
MIN_YEAR = 1900
MAX_YEAR = 2200


def check_year(value: date) -> None:
    """Raise ValueError when ``value`` lies outside :data:`MIN_YEAR`–:data:`MAX_YEAR`."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"year {value.year} is outside {MIN_YEAR}–{MAX_YEAR}")

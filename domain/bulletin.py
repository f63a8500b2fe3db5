"""The supervision bulletin (督查通报): overdue and poor-quality items per unit and month.

dongqu-2012 第一百一十三条: 对交办事项没有按规定时限、质量完成任务的，在《督查通报》上予以全区通报批评
(and 第一百一十条: the office reports on supervision monthly, 每月……在全区通报督办情况).

:func:`bulletin` is pure: supervision cases and the org chart in, one row per responsible
unit out. It reads the cases with the same readings as the SUP rules
(:mod:`domain.rules.sup`: the deadline in force, extensions approved in time, the
responsible unit, closure by completion or termination), as of the *cut-off* — the end of
the month, or ``now`` if that is earlier (acts after the cut-off are not seen).

An item is **overdue in the month** (未按时限) when its deadline passed before the cut-off
and it was still open at some moment of the month after the deadline: its deadline fell in
the month and it was not closed by it; or it fell earlier and the item was still open when
the month began (including items closed late during the month).

An item is **of poor quality in the month** (未按质量) when an act of the month on it has a
defect: a completion without a completion report (dongqu-2012 第一百一十一条(一)); a
progress or completion report not signed by the unit's principal leader, not sealed, or
covering several matters (yiyuan 第十二条, the report's form); a termination without a note
or not signed by a government leader (第一百一十一条(二)).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.org import OrgChart
from domain.rules.base import Case
from domain.rules.sup import closure, deadline_state, report_problems, responsible_unit, termination_problems
from domain.timeutil import end_of_day, format_datetime, start_of_day


@dataclass(frozen=True, slots=True)
class BulletinItem:
    """One supervision item in the bulletin, with what is wrong with it."""

    case: str
    title: str
    unit: str
    deadline: datetime | None
    closed_at: datetime | None
    days_overdue: int | None
    problems: tuple[str, ...]
    message_zh: str
    message_en: str
    evidence: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "title": self.title,
            "unit": self.unit,
            "deadline": format_datetime(self.deadline) if self.deadline else None,
            "closed_at": format_datetime(self.closed_at) if self.closed_at else None,
            "days_overdue": self.days_overdue,
            "problems": list(self.problems),
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True, slots=True)
class BulletinRow:
    """One responsible unit's line in the month's bulletin."""

    unit: str
    unit_name: str
    month: str
    overdue: tuple[BulletinItem, ...] = ()
    poor_quality: tuple[BulletinItem, ...] = ()

    @property
    def overdue_count(self) -> int:
        return len(self.overdue)

    @property
    def poor_quality_count(self) -> int:
        return len(self.poor_quality)

    @property
    def item_count(self) -> int:
        """Distinct items named in the row (an item may be both overdue and of poor quality)."""
        return len({i.case for i in (*self.overdue, *self.poor_quality)})

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "unit_name": self.unit_name,
            "month": self.month,
            "overdue_count": self.overdue_count,
            "poor_quality_count": self.poor_quality_count,
            "item_count": self.item_count,
            "overdue": [i.to_dict() for i in self.overdue],
            "poor_quality": [i.to_dict() for i in self.poor_quality],
        }


@dataclass
class _Acc:
    overdue: list[BulletinItem] = field(default_factory=list)
    poor: list[BulletinItem] = field(default_factory=list)


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_bounds(month: str, org: OrgChart) -> tuple[datetime, datetime]:
    """The first and last instant of ``month`` ("YYYY-MM") in the jurisdiction's zone."""
    m = _MONTH.match(month.strip()) if isinstance(month, str) else None
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"month must be 'YYYY-MM', got {month!r}")
    y, mo = int(m.group(1)), int(m.group(2))
    first = date(y, mo, 1)
    nxt = date(y + 1, 1, 1) if mo == 12 else date(y, mo + 1, 1)
    return start_of_day(first, org.tz), end_of_day(date.fromordinal(nxt.toordinal() - 1), org.tz)


def _days(delta_seconds: float) -> int:
    return max(1, math.ceil(delta_seconds / 86400))


def bulletin(cases: Iterable[Case], org: OrgChart, month: str, now: datetime | None = None) -> list[BulletinRow]:
    """The 督查通报 of ``month``: per responsible unit, the items overdue and of poor quality.

    Rows are sorted by unit id, items by case id; only units with something to report get a
    row. Raises ValueError for a malformed ``month``; odd cases (no deadline, other kinds)
    are skipped, never fatal.
    """
    start, end = month_bounds(month, org)
    cutoff = end
    if now is not None:
        if now.tzinfo is None:
            now = now.replace(tzinfo=org.tz)
        cutoff = min(end, now)
    acc: dict[str, _Acc] = defaultdict(_Acc)
    if cutoff < start:
        return []
    for c in sorted(cases, key=lambda c: c.id):
        if c.kind != "supervision" or not c.acts or c.opened_at > cutoff:
            continue
        unit = responsible_unit(c, cutoff) or c.unit or ""
        reg = c.first("registered")
        title = str(reg.get("title")) if reg is not None and reg.get("title") else c.id
        st = deadline_state(c, cutoff)
        done = closure(c, cutoff)
        # ---- overdue (未按时限) ----
        due = st.due
        if due is not None and due < cutoff:
            closed = done.at if done is not None else None
            if closed is None or (closed > due and closed >= start):
                until = closed if closed is not None else cutoff
                days = _days((until - due).total_seconds())
                ev = [a.id for a in (st.set_by, done) if a is not None]
                if closed is None:
                    zh = f"“{title}”期限 {format_datetime(due)}，截至 {format_datetime(cutoff)} 仍未办结（逾期 {days} 天）"
                    en = f"'{title}' due {format_datetime(due)}, still open at {format_datetime(cutoff)} ({days} days overdue)"
                else:
                    zh = f"“{title}”期限 {format_datetime(due)}，于 {format_datetime(closed)} 才办结（逾期 {days} 天）"
                    en = f"'{title}' due {format_datetime(due)}, closed only at {format_datetime(closed)} ({days} days late)"
                acc[unit].overdue.append(
                    BulletinItem(
                        c.id,
                        title,
                        unit,
                        due,
                        closed,
                        days,
                        ("overdue" if closed is None else "closed_late",),
                        zh,
                        en,
                        tuple(ev),
                    )
                )
        # ---- poor quality (未按质量) ----
        probs: list[tuple[str, str, str]] = []
        ev2: list[str] = []
        for a in c.acts:
            if a.at < start or a.at > cutoff:
                continue
            found: list[tuple[str, str, str]] = []
            if a.act == "completed":
                if a.get("report") is not True:
                    found.append(("no_report", "办结未报送办结报告", "completed without a completion report"))
                else:
                    found += [(k, f"办结报告{zh}", f"completion report {en}") for k, zh, en in report_problems(a)]
            elif a.act == "progress_reported":
                found += [(k, f"进度报告{zh}", f"progress report {en}") for k, zh, en in report_problems(a)]
            elif a.act == "terminated":
                found += [(k, f"终止{zh}", f"termination: {en}") for k, zh, en in termination_problems(org, a)]
            if found:
                probs += found
                ev2.append(a.id)
        if probs:
            codes = tuple(dict.fromkeys(p[0] for p in probs))
            acc[unit].poor.append(
                BulletinItem(
                    c.id,
                    title,
                    unit,
                    st.due,
                    done.at if done is not None else None,
                    None,
                    codes,
                    f"“{title}”：" + "；".join(dict.fromkeys(p[1] for p in probs)),
                    f"'{title}': " + "; ".join(dict.fromkeys(p[2] for p in probs)),
                    tuple(ev2),
                )
            )
    rows = []
    for unit in sorted(acc):
        ac = acc[unit]
        u = org.units.get(unit)
        rows.append(
            BulletinRow(
                unit,
                u.name if u else unit,
                month,
                tuple(sorted(ac.overdue, key=lambda i: i.case)),
                tuple(sorted(ac.poor, key=lambda i: i.case)),
            )
        )
    return rows

"""A small county to write rule tests in (测试用县).

``History(pack)`` starts a jurisdiction with a standard org chart judged by ``pack`` and
lets a test add acts in a line each, then asks for the violations of one rule::

    h = History("dongqu-2012")
    occ = h.add("incident", "I-1", "occurred", "2024-03-05 10:00", by="p-fgj", unit="u-fgj", grade="larger")
    h.add("incident", "I-1", "reported", "2024-03-05 10:45", channel="phone", to_level="local_gov")
    assert h.violations("INC-PHONE-DEADLINE")

Times without an offset are Beijing time (``at`` and data fields alike — the ledger itself
refuses a time of day without an offset). Data fields are keyword arguments.

The county (ids used throughout the tests):

- units: u-gov 县政府 (government), u-office 县政府办公室 (office), u-fgj 发改局, u-sfj 司法局,
  u-czj 财政局, u-zcyj 政策研究室 (departments), u-town1 一镇, u-town2 二镇 (towns),
  u-fgj-div 发改局综合科 (division of u-fgj)
- posts → people:
  head 县长 → p-head; evh 常务副县长 → p-evh; vh-1 副县长 → p-vh1; vh-2 副县长 → p-vh2;
  od 办公室主任 → p-od; odd 办公室副主任 → p-odd; sec 秘书 → p-sec; csec 机要秘书 → p-csec;
  fgj-head 发改局局长 → p-fgj; fgj-deputy 发改局副局长 → p-fgjd; fgj-div 综合科科长 → p-div;
  fgj-staff 科员 → p-staff; fgj-pol 政治处 → p-pol; sfj-head 司法局局长 → p-sfj;
  czj-head 财政局局长 → p-czj; zcyj-head 政研室主任 → p-zcyj;
  town1-head 一镇镇长 → p-town1; town1-sec 一镇党委书记 → p-town1s;
  town2-head 二镇镇长 → p-town2
- in charge (分管): vh-1 → u-fgj, u-town1, area 发展改革; vh-2 → u-sfj, u-town2, area 司法;
  evh → u-czj, u-office, u-zcyj, area 财政
- cover pair (AB角): vh-1 ⇄ vh-2
- everything from 2020-01-01; pack adopted from 2012-06-01 (or the pack's start).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from itertools import count
from typing import Any

from domain.acts import Act, validate_act
from domain.calendar import WorkCalendar
from domain.org import OrgChart
from domain.rules.base import Unjudged, Violation
from domain.rules.engine import Evaluator, deadline_missed_act, due_obligations, group_cases, judge
from domain.timeutil import CHINA_TZ, parse_datetime

JURISDICTION = "testcounty"

UNITS = [
    ("u-gov", "县政府", "government", None),
    ("u-office", "县政府办公室", "office", "u-gov"),
    ("u-fgj", "县发改局", "department", "u-gov"),
    ("u-sfj", "县司法局", "department", "u-gov"),
    ("u-czj", "县财政局", "department", "u-gov"),
    ("u-zcyj", "县政府政策研究室", "department", "u-gov"),
    ("u-town1", "一镇", "town", "u-gov"),
    ("u-town2", "二镇", "town", "u-gov"),
    ("u-fgj-div", "发改局综合科", "division", "u-fgj"),
]
POSTS = [
    ("head", "县长", "u-gov", "head", "p-head"),
    ("evh", "常务副县长", "u-gov", "exec_vice_head", "p-evh"),
    ("vh-1", "副县长", "u-gov", "vice_head", "p-vh1"),
    ("vh-2", "副县长", "u-gov", "vice_head", "p-vh2"),
    ("od", "办公室主任", "u-office", "office_director", "p-od"),
    ("odd", "办公室副主任", "u-office", "office_deputy", "p-odd"),
    ("sec", "秘书", "u-office", "secretary", "p-sec"),
    ("csec", "机要秘书", "u-office", "confidential_secretary", "p-csec"),
    ("fgj-head", "发改局局长", "u-fgj", "dept_head", "p-fgj"),
    ("fgj-deputy", "发改局副局长", "u-fgj", "dept_deputy", "p-fgjd"),
    ("fgj-div", "综合科科长", "u-fgj-div", "division_head", "p-div"),
    ("fgj-staff", "科员", "u-fgj", "staff", "p-staff"),
    ("fgj-pol", "政治处主任", "u-fgj", "political_dept", "p-pol"),
    ("sfj-head", "司法局局长", "u-sfj", "dept_head", "p-sfj"),
    ("czj-head", "财政局局长", "u-czj", "dept_head", "p-czj"),
    ("zcyj-head", "政研室主任", "u-zcyj", "dept_head", "p-zcyj"),
    ("town1-head", "一镇镇长", "u-town1", "dept_head", "p-town1"),
    ("town1-sec", "一镇党委书记", "u-town1", "dept_head", "p-town1s"),
    ("town2-head", "二镇镇长", "u-town2", "dept_head", "p-town2"),
]
CHARGES = [
    ("vh-1", ["u-fgj", "u-town1"], ["发展改革"]),
    ("vh-2", ["u-sfj", "u-town2"], ["司法"]),
    ("evh", ["u-czj", "u-office", "u-zcyj"], ["财政"]),
]
PACK_START = {"changle-2022": "2022-10-12"}


_LOCAL_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?")


def _beijing(v: Any) -> Any:
    """A data value written '2024-03-05 08:00' in a test as Beijing time, with its offset."""
    if isinstance(v, str) and _LOCAL_TIME.fullmatch(v):
        return t(v).isoformat()
    if isinstance(v, list):
        return [_beijing(x) for x in v]
    return v


def t(s: str) -> datetime:
    """'2024-03-05 10:00' (Beijing time) or a full RFC 3339 string."""
    return parse_datetime(s.replace(" ", "T") if "T" not in s and len(s) > 10 else s, default_tz=CHINA_TZ)


class History:
    """A jurisdiction's acts, built up in a test."""

    def __init__(self, pack: str | None, *, jurisdiction: str = JURISDICTION, org: bool = True) -> None:
        self.jurisdiction = jurisdiction
        self.acts: list[Act] = []
        self._ids = count(1)
        self.cal: WorkCalendar | None = None  # None: the calendar the org chart chose
        if org:
            self._standard_org(pack)

    # ---- building ------------------------------------------------------------------
    def raw(self, obj: dict[str, Any]) -> Act:
        """Validate and add one contract object (the same validation the ledger uses)."""
        from domain.acts import OrgRefs

        org = self.orgchart()

        refs = OrgRefs(org.is_person, org.is_unit, org.is_post) if org.people else None
        kinds = {a.case: a.kind for a in self.acts}
        a = validate_act(obj, jurisdiction=self.jurisdiction, refs=refs, case_kind_of=kinds.get, allow_clock_acts=True)
        from dataclasses import replace

        a = replace(a, seq=len(self.acts) + 1)
        self.acts.append(a)
        return a

    def add(
        self,
        kind: str,
        case: str,
        act: str,
        at: str,
        *,
        by: str = "p-staff",
        unit: str = "u-fgj",
        act_id: str | None = None,
        data: dict[str, Any] | None = None,
        **fields: Any,
    ) -> Act:
        """Add one act; returns it. A data field named like a parameter (``unit``, ``by``)
        goes in ``data=`` instead: ``h.add(..., data={"unit": "u-sfj"})``.

        Returns it (its ``id`` is the evidence the rules cite; ``act_id`` sets it)."""
        return self.raw(
            {
                "id": act_id or f"a{next(self._ids)}",
                "case": case,
                "kind": kind,
                "act": act,
                "at": t(at).isoformat(),
                "by": by,
                "unit": unit,
                "data": {k: _beijing(v) for k, v in {**(data or {}), **fields}.items()},
            }
        )

    def org(self, act: str, at: str = "2020-01-01", **data: Any) -> Act:
        """Add an org act (appointment change, delegation, charge …)."""
        return self.raw(
            {
                "id": f"org{next(self._ids)}",
                "case": f"ORG-{self.jurisdiction}",
                "kind": "org",
                "act": act,
                "at": t(at).isoformat(),
                "by": "system",
                "unit": "u-gov",
                "data": data,
            }
        )

    def _standard_org(self, pack: str | None) -> None:
        for uid, name, typ, parent in UNITS:
            self.org("unit_created", id=uid, name=name, type=typ, **({"parent": parent} if parent else {}))
        people = sorted({p[4] for p in POSTS})
        for pid in people:
            self.org("person_registered", id=pid, name=pid)
        for pid, title, unit, rank, person in POSTS:
            self.org("post_created", id=pid, title=title, unit=unit, rank=rank)
            self.org("appointed", person=person, post=pid)
        for post, units, areas in CHARGES:
            self.org("charge_assigned", post=post, units=units, areas=areas)
        self.org("cover_paired", posts=["vh-1", "vh-2"])
        if pack:
            self.org("pack_adopted", pack=pack, **{"from": PACK_START.get(pack, "2012-06-01")})

    # ---- asking --------------------------------------------------------------------
    def orgchart(self) -> OrgChart:
        n = sum(1 for a in self.acts if a.kind == "org")
        if getattr(self, "_org_n", -1) != n:
            self._org = OrgChart.from_acts((a for a in self.acts if a.kind == "org"), self.jurisdiction)
            self._org_n = n
        return self._org

    def all_violations(self) -> list[Violation]:
        return judge(self.acts, self.orgchart(), self.cal).violations

    def unjudged(self, rule: str | None = None) -> list[Unjudged]:
        """The acts ``rule`` (or any rule) could not judge, and why."""
        return [u for u in judge(self.acts, self.orgchart(), self.cal).unjudged if rule is None or u.rule == rule]

    def violations(self, rule: str, case: str | None = None) -> list[Violation]:
        """Violations of ``rule`` (optionally in one case)."""
        return [v for v in self.all_violations() if v.rule == rule and (case is None or v.case == case)]

    def tick(self, now: str) -> list[Act]:
        """Run the ledger's clock at ``now``: record ``deadline_missed`` for what is overdue."""
        ev = Evaluator(self.orgchart(), self.cal or WorkCalendar.of(self.orgchart()))
        cases = group_cases(a for a in self.acts if a.kind != "org")
        added = []
        for ob in due_obligations(ev, cases, t(now)):
            added.append(self.raw(deadline_missed_act(ob, self.jurisdiction)))
        return added


def evidence(vs: Iterable[Violation]) -> set[str]:
    return {e for v in vs for e in v.evidence}

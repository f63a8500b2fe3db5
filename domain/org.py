"""The org chart over time (组织机构沿革).

Built from acts of kind ``org`` (the org file imports as such acts), so the organisation is
event-sourced too. Every fact has a validity window ``[since, until)``: an appointment from
its ``appointed`` act until a ``relieved`` act; a charge (分管), a cover pair (AB角) and a
delegation (授权) by their own ``since``/``until``. Queries take the moment they ask about.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from domain.acts import Act
from domain.timeutil import CHINA_TZ, parse_date, start_of_day

#: Ranks of principal leaders (主要领导) and of leaders in charge (分管领导).
HEAD_RANKS = ("head",)
VICE_RANKS = ("exec_vice_head", "vice_head")
UNIT_HEAD_RANKS = ("head", "dept_head", "office_director", "division_head")
#: Government leaders (政府领导): the head, the executive vice head and the vice heads.
GOV_LEADER_RANKS = (*HEAD_RANKS, *VICE_RANKS)
RANK_ORDER = {
    r: i
    for i, r in enumerate(
        (
            "head",
            "exec_vice_head",
            "vice_head",
            "office_director",
            "dept_head",
            "office_deputy",
            "dept_deputy",
            "division_head",
            "political_dept",
            "secretary",
            "confidential_secretary",
            "staff",
        )
    )
}

FAR_FUTURE = datetime(9999, 1, 1, tzinfo=CHINA_TZ)


@dataclass(frozen=True, slots=True)
class Unit:
    """单位 — government, office, department, town or internal division."""

    id: str
    name: str
    type: str
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Post:
    """职务 — a post in a unit, with its rank (级别)."""

    id: str
    title: str
    unit: str
    rank: str


@dataclass(slots=True)
class Window:
    """A validity window ``[since, until)`` in business time."""

    since: datetime
    until: datetime = FAR_FUTURE

    def covers(self, at: datetime) -> bool:
        return self.since <= at < self.until


@dataclass(slots=True)
class Appointment(Window):
    """任职 — ``person`` holds ``post``."""

    person: str = ""
    post: str = ""


@dataclass(slots=True)
class Charge(Window):
    """分管 — ``post`` is the leader in charge of ``areas`` and ``units``."""

    post: str = ""
    areas: tuple[str, ...] = ()
    units: tuple[str, ...] = ()


@dataclass(slots=True)
class CoverPair(Window):
    """AB角补位 — two posts that stand in for each other."""

    posts: tuple[str, str] = ("", "")


@dataclass(slots=True)
class Delegation(Window):
    """授权 — ``from_post`` lets ``to_post`` act for it within ``scope`` (sign/convene/all)."""

    from_post: str = ""
    to_post: str = ""
    scope: str = "all"


@dataclass(slots=True)
class PackAdoption:
    """采用规则包 — from ``since`` the jurisdiction is judged by ``pack``."""

    pack: str
    since: datetime


def _until(d: date | None, tz: tzinfo) -> datetime:
    """An inclusive end date becomes the exclusive next midnight."""
    if d is None:
        return FAR_FUTURE
    return start_of_day(d + timedelta(days=1), tz)


@dataclass
class OrgChart:
    """The organisation of one jurisdiction, as of any moment (某时点的组织机构)."""

    jurisdiction: str = ""
    tz: tzinfo = CHINA_TZ
    units: dict[str, Unit] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)
    appointments: list[Appointment] = field(default_factory=list)
    charges: list[Charge] = field(default_factory=list)
    covers: list[CoverPair] = field(default_factory=list)
    delegations: list[Delegation] = field(default_factory=list)
    packs: list[PackAdoption] = field(default_factory=list)
    #: The jurisdiction's own rule packs (pack id → YAML source), from ``pack_defined`` acts.
    custom_packs: dict[str, str] = field(default_factory=dict)
    #: The working-day calendar (``calendar_set``): ``CN`` (PRC, with 调休) or a country code (``NL``).
    calendar: str = "CN"
    #: The jurisdiction's own closed days (``day_closed``), with their reasons.
    closed_days: dict[date, str] = field(default_factory=dict)

    # ---- building -------------------------------------------------------------------
    @classmethod
    def from_acts(cls, acts: Iterable[Act], jurisdiction: str = "", tz: tzinfo = CHINA_TZ) -> OrgChart:
        chart = cls(jurisdiction=jurisdiction, tz=tz)
        for a in sorted(acts, key=lambda a: (a.at, a.seq or 0)):
            chart.apply(a)
        return chart

    def apply(self, a: Act) -> None:
        """Fold one ``org`` act into the chart (acts of other kinds are ignored)."""
        if a.kind != "org":
            return
        d = a.data
        if not self.jurisdiction:
            self.jurisdiction = a.jurisdiction
        match a.act:
            case "unit_created":
                self.units[d["id"]] = Unit(d["id"], d["name"], d["type"], d.get("parent"))
            case "post_created":
                self.posts[d["id"]] = Post(d["id"], d["title"], d["unit"], d["rank"])
            case "person_registered":
                self.people[d["id"]] = d["name"]
            case "appointed":
                self.appointments.append(
                    Appointment(a.at, _until(d.get("until"), self.tz), person=d["person"], post=d["post"])
                )
            case "relieved":
                for ap in self.appointments:
                    if ap.person == d["person"] and ap.post == d["post"] and ap.since <= a.at < ap.until:
                        ap.until = a.at
            case "charge_assigned":
                self.charges.append(
                    Charge(
                        a.at,
                        _until(d.get("until"), self.tz),
                        post=d["post"],
                        areas=tuple(d.get("areas") or ()),
                        units=tuple(d.get("units") or ()),
                    )
                )
            case "cover_paired":
                posts = tuple(d["posts"])
                if len(posts) == 2:
                    self.covers.append(CoverPair(a.at, _until(d.get("until"), self.tz), posts=(posts[0], posts[1])))
            case "delegated":
                since = start_of_day(parse_date(d["since"]), self.tz)
                self.delegations.append(
                    Delegation(
                        since,
                        _until(d.get("until"), self.tz),
                        from_post=d["from_post"],
                        to_post=d["to_post"],
                        scope=d["scope"],
                    )
                )
            case "timezone_set":
                from zoneinfo import ZoneInfo

                self.tz = ZoneInfo(d["timezone"])
            case "calendar_set":
                self.calendar = str(d["calendar"]).upper()
            case "day_closed":
                first = parse_date(d["date"])
                last = parse_date(d["until"]) if d.get("until") else first
                for i in range((last - first).days + 1):
                    self.closed_days[first + timedelta(days=i)] = str(d.get("reason") or "")
            case "pack_defined":
                self.custom_packs[d["pack"]] = d["source"]
            case "pack_adopted":
                self.packs.append(PackAdoption(d["pack"], start_of_day(parse_date(d["from"]), self.tz)))
                self.packs.sort(key=lambda p: p.since)

    # ---- references (for validation) --------------------------------------------------
    def is_person(self, pid: str) -> bool:
        return pid in self.people

    def is_unit(self, uid: str) -> bool:
        return uid in self.units

    def is_post(self, pid: str) -> bool:
        return pid in self.posts

    # ---- posts and people -----------------------------------------------------------
    def _index(self) -> tuple[dict[str, list[Appointment]], dict[str, list[Appointment]]]:
        """Appointments by post and by person (rebuilt when appointments were added)."""
        idx = self.__dict__.get("_idx")
        if idx is None or idx[0] != len(self.appointments):
            by_post: dict[str, list[Appointment]] = {}
            by_person: dict[str, list[Appointment]] = {}
            for ap in self.appointments:
                by_post.setdefault(ap.post, []).append(ap)
                by_person.setdefault(ap.person, []).append(ap)
            idx = (len(self.appointments), by_post, by_person)
            self.__dict__["_idx"] = idx
        return idx[1], idx[2]

    def holder(self, post: str, at: datetime) -> str | None:
        """Who held ``post`` at ``at`` (某时点的任职人员)."""
        for ap in reversed(self._index()[0].get(post, ())):
            if ap.covers(at):
                return ap.person
        return None

    def posts_of(self, person: str, at: datetime) -> list[Post]:
        """The posts ``person`` held at ``at``, highest rank first."""
        posts = [
            self.posts[ap.post] for ap in self._index()[1].get(person, ()) if ap.covers(at) and ap.post in self.posts
        ]
        return sorted(posts, key=lambda p: RANK_ORDER.get(p.rank, 99))

    def post_of(self, person: str, at: datetime) -> Post | None:
        posts = self.posts_of(person, at)
        return posts[0] if posts else None

    def label(self, person: str | None, at: datetime | None = None) -> str:
        """A person as messages show them: 姓名（职务） — the post held at ``at`` when given."""
        if not person:
            return "（未记录）"
        name = self.people.get(person) or person
        post = self.post_of(person, at) if at is not None else None
        return f"{name}（{post.title}）" if post else name

    def is_gov_leader(self, person: str, at: datetime) -> bool:
        """Whether ``person`` held a government leader's post (政府领导) at ``at``."""
        return any(p.rank in GOV_LEADER_RANKS for p in self.posts_of(person, at))

    def rank_of(self, person: str, at: datetime) -> str | None:
        p = self.post_of(person, at)
        return p.rank if p else None

    def unit_of(self, person: str, at: datetime) -> str | None:
        p = self.post_of(person, at)
        return p.unit if p else None

    def posts_with_rank(self, rank: str, unit: str | None = None) -> list[Post]:
        return [p for p in self.posts.values() if p.rank == rank and (unit is None or p.unit == unit)]

    def resolve_post(self, ref: str, at: datetime) -> Post | None:
        """A reference that names a post or a person, as the post it meant at ``at``."""
        if ref in self.posts:
            return self.posts[ref]
        return self.post_of(ref, at)

    def government_unit(self) -> Unit | None:
        for u in self.units.values():
            if u.type == "government":
                return u
        return None

    def head_post(self) -> Post | None:
        """The principal leader's post (县长/区长, rank ``head``) of the government."""
        gov = self.government_unit()
        for p in self.posts.values():
            if p.rank == "head" and (gov is None or p.unit == gov.id):
                return p
        return None

    def exec_vice_head_post(self) -> Post | None:
        """The executive vice head (常务副职)."""
        for p in self.posts.values():
            if p.rank == "exec_vice_head":
                return p
        return None

    def is_principal_leader(self, person: str, at: datetime) -> bool:
        hp = self.head_post()
        return hp is not None and self.holder(hp.id, at) == person

    def principal_head_post(self, unit: str) -> Post | None:
        """The principal head post of ``unit`` (单位主要负责人)."""
        posts = [p for p in self.posts.values() if p.unit == unit and p.rank in UNIT_HEAD_RANKS]
        return sorted(posts, key=lambda p: RANK_ORDER.get(p.rank, 99))[0] if posts else None

    def principal_head(self, unit: str, at: datetime) -> str | None:
        p = self.principal_head_post(unit)
        return self.holder(p.id, at) if p else None

    def office_unit(self) -> Unit | None:
        """The general office (办公室) of the government."""
        for u in self.units.values():
            if u.type == "office":
                return u
        return None

    # ---- charges, covers, delegations -----------------------------------------------
    def in_charge(self, at: datetime, *, unit: str | None = None, area: str | None = None) -> list[str]:
        """Posts of the leaders in charge (分管领导) of ``unit`` or ``area`` at ``at``."""
        out: list[str] = []
        for c in self.charges:
            if not c.covers(at):
                continue
            hit = (unit is not None and unit in c.units) or (area is not None and area in c.areas)
            if hit and c.post not in out:
                out.append(c.post)
        return out

    def charges_of(self, post: str, at: datetime) -> list[Charge]:
        return [c for c in self.charges if c.post == post and c.covers(at)]

    def is_in_charge(self, post: str, at: datetime, *, unit: str | None = None, area: str | None = None) -> bool:
        return post in self.in_charge(at, unit=unit, area=area)

    def cover_partners(self, post: str, at: datetime) -> list[str]:
        """Who covers for ``post`` (AB角) at ``at``."""
        out = []
        for c in self.covers:
            if c.covers(at) and post in c.posts:
                out.append(c.posts[1] if c.posts[0] == post else c.posts[0])
        return out

    def delegated(self, from_post: str, to_post: str, scope: str, at: datetime) -> bool:
        """Was there a written delegation from ``from_post`` to ``to_post`` for ``scope`` at ``at``?"""
        return any(
            d.from_post == from_post and d.to_post == to_post and d.scope in (scope, "all") and d.covers(at)
            for d in self.delegations
        )

    def delegations_to(self, to_post: str, at: datetime, scope: str | None = None) -> list[Delegation]:
        return [
            d
            for d in self.delegations
            if d.to_post == to_post and d.covers(at) and (scope is None or d.scope in (scope, "all"))
        ]

    # ---- packs --------------------------------------------------------------------
    def pack_at(self, at: datetime) -> str | None:
        """The rule pack in force for this jurisdiction at ``at``."""
        current = None
        for p in self.packs:
            if p.since <= at:
                current = p.pack
        return current

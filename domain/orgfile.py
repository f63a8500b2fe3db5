"""The org chart file (组织机构文件) as ``org`` acts.

The YAML/JSON org file of the contract (jurisdiction, pack, timezone, calendar,
closed_days, units, posts, people, appointments, in_charge, covers, delegations) becomes a
list of contract act objects of kind ``org``, so the organisation is event-sourced like everything else. Act ids
are derived from the content, so importing the same file twice stores each act once.

A file is refused whole, with an error naming the entry (``units[2].parent``,
``appointments[0].person``), when it does not hold together: a unit that is its own parent,
a parent that is neither in the file nor already in the ledger, parents in a cycle, an id
listed twice, a post in an unknown unit, an appointment of a person not listed or to an
unknown post, a charge, cover or delegation naming an unknown post or unit, a date outside
1900–2200 or an appointment that ends before it starts. :func:`org_reference_error` is the
same check for one org act (the validator runs it on org acts from any source).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.acts import SYSTEM_ACTOR
from domain.errors import ActError
from domain.kinds.org import RANKS, UNIT_TYPES
from domain.system_cases import org_case
from domain.timeutil import MAX_YEAR, MIN_YEAR, check_year

if TYPE_CHECKING:
    from domain.org import OrgChart

EPOCH = "2000-01-01"


def _iso_date(v: Any, field: str) -> str:
    d: date | None = None
    if isinstance(v, datetime):
        d = v.date()
    elif isinstance(v, date):
        d = v
    elif isinstance(v, str):
        with contextlib.suppress(ValueError):
            d = date.fromisoformat(v.strip()[:10])
    if d is None:
        raise ActError(field, f"日期格式错误: {v!r}", f"malformed date {v!r}", code="bad_time")
    try:
        check_year(d)
    except ValueError as e:
        raise ActError(
            field, f"日期超出范围: {v!r}（{MIN_YEAR}–{MAX_YEAR} 年）", f"date {v!r}: {e}", code="bad_time"
        ) from e
    return d.isoformat()


# ---- what an org chart knows, and what an org act may name --------------------------------
@dataclass
class OrgNames:
    """The ids an org chart knows (单位、人员、职务), for reference checks."""

    units: dict[str, str | None] = field(default_factory=dict)  # id → parent
    people: set[str] = field(default_factory=set)
    posts: dict[str, str] = field(default_factory=dict)  # id → unit

    @classmethod
    def of(cls, chart: OrgChart | None) -> OrgNames:
        if chart is None:
            return cls()
        return cls(
            {u.id: u.parent for u in chart.units.values()},
            set(chart.people),
            {p.id: p.unit for p in chart.posts.values()},
        )

    def add(self, act: str, data: Mapping[str, Any]) -> None:
        if act == "unit_created":
            self.units[str(data["id"])] = data.get("parent")
        elif act == "person_registered":
            self.people.add(str(data["id"]))
        elif act == "post_created":
            self.posts[str(data["id"])] = str(data["unit"])


def parent_cycle(unit: str, parent: str, parents: Mapping[str, str | None]) -> list[str] | None:
    """The chain ``unit → parent → … → unit`` when making ``parent`` the unit's parent closes a
    cycle, else None."""
    chain, seen = [unit, parent], {unit}
    p: str | None = parent
    while p is not None:
        if p in seen:
            return chain if p == unit else None
        seen.add(p)
        p = parents.get(p)
        if p is not None:
            chain.append(p)
    return None


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else []


def org_reference_error(act: str, data: Mapping[str, Any], names: OrgNames) -> tuple[str, str, str] | None:
    """Why an org act does not fit the chart it joins (field in ``data``, zh, en), or None."""
    refs: list[tuple[str, str, Collection[str], str]] = []  # (field, value, known ids, what)
    if act == "unit_created":
        uid, parent = str(data.get("id")), data.get("parent")
        if parent is None:
            return None
        parent = str(parent)
        if parent == uid:
            return "parent", f"单位 {uid} 不能是自己的上级单位", f"unit '{uid}' cannot be its own parent"
        if parent not in names.units:
            return "parent", f"上级单位 {parent} 不存在", f"unknown parent unit '{parent}'"
        cycle = parent_cycle(uid, parent, names.units)
        if cycle is not None:
            loop = " → ".join(cycle)
            return "parent", f"上级单位形成循环：{loop}", f"parent units form a cycle: {loop}"
        return None
    if act == "post_created":
        refs.append(("unit", str(data.get("unit")), names.units, "unit"))
    elif act in ("appointed", "relieved"):
        refs += [
            ("person", str(data.get("person")), names.people, "person"),
            ("post", str(data.get("post")), names.posts, "post"),
        ]
    elif act == "charge_assigned":
        refs.append(("post", str(data.get("post")), names.posts, "post"))
        refs += [(f"units[{i}]", u, names.units, "unit") for i, u in enumerate(_names(data.get("units")))]
    elif act == "cover_paired":
        refs += [(f"posts[{i}]", p, names.posts, "post") for i, p in enumerate(_names(data.get("posts")))]
    elif act == "delegated":
        refs += [(f, str(data.get(f)), names.posts, "post") for f in ("from_post", "to_post")]
    zh = {"unit": "单位", "person": "人员（须先在 people 中登记）", "post": "职务"}
    for f, value, known, what in refs:
        if value not in known:
            return f, f"未知{zh[what]} {value}", f"unknown {what} '{value}'"
    return None


def _at(d: str, tz: ZoneInfo) -> str:
    return datetime.combine(date.fromisoformat(d), time(), tz).isoformat()


def _need(obj: Mapping[str, Any], key: str, where: str) -> Any:
    if not isinstance(obj, Mapping) or obj.get(key) in (None, ""):
        raise ActError(
            f"{where}.{key}",
            f"组织机构文件缺少 {where}.{key}",
            f"org file: missing '{key}' in {where}",
            code="missing_field",
        )
    return obj[key]


def _entry_error(where: str, zh: str, en: str, code: str = "invalid_org") -> ActError:
    return ActError(where, zh, en, code=code)


def _units_in_order(units: list[Any], known: OrgNames) -> list[tuple[int, Mapping[str, Any]]]:
    """The file's units checked as a whole (each an object, ids listed once, known types, no
    parent cycle) and put parents first, so each unit's parent exists when it is created."""
    by_id: dict[str, int] = {}
    for i, u in enumerate(units):
        where = f"units[{i}]"
        if not isinstance(u, Mapping):
            raise _entry_error(where, "单位条目必须是对象", "a unit entry must be a mapping", "wrong_type")
        uid = str(_need(u, "id", where))
        _need(u, "name", where)
        if uid in by_id:
            raise _entry_error(
                f"{where}.id", f"单位 {uid} 重复列出（另见 units[{by_id[uid]}]）", f"unit '{uid}' is listed twice"
            )
        by_id[uid] = i
        utype = u.get("type") or "department"
        if utype not in UNIT_TYPES:
            raise _entry_error(
                f"{where}.type",
                f"未知单位类型 {utype}（可选：{'、'.join(UNIT_TYPES)}）",
                f"unknown unit type '{utype}' (one of {', '.join(UNIT_TYPES)})",
            )
    parents = {**known.units, **{str(u["id"]): (str(u["parent"]) if u.get("parent") else None) for u in units}}
    for uid, i in by_id.items():
        parent = parents[uid]
        if parent is not None and parent != uid and (cycle := parent_cycle(uid, parent, parents)) is not None:
            loop = " → ".join(cycle)
            raise _entry_error(f"units[{i}].parent", f"上级单位形成循环：{loop}", f"parent units form a cycle: {loop}")
    done: set[str] = set()
    out: list[tuple[int, Mapping[str, Any]]] = []

    def visit(uid: str) -> None:  # depth-first, parents first (no cycle: checked above)
        if uid in done:
            return
        done.add(uid)
        parent = parents.get(uid)
        if parent is not None and parent in by_id and parent != uid:
            visit(parent)
        out.append((by_id[uid], units[by_id[uid]]))

    for uid in by_id:
        visit(uid)
    return out


def org_acts(
    chart: Mapping[str, Any], known: Callable[[str], OrgChart] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """``(jurisdiction, acts)`` for an org chart mapping; raises :class:`ActError` naming the entry.

    ``known`` gives the jurisdiction's chart already in the ledger: a file may name units,
    people and posts listed by an earlier file."""
    if not isinstance(chart, Mapping):
        raise ActError("", "组织机构文件必须是对象", "the org file must be a mapping", code="not_an_object")
    jur = _need(chart, "jurisdiction", "file")
    if not isinstance(jur, str) or not jur.strip() or "\x00" in jur:
        raise ActError(
            "jurisdiction",
            "jurisdiction 必须是非空字符串",
            "'jurisdiction' must be a non-empty string",
            code="wrong_type",
        )
    for key in ("pack", "timezone"):
        if key in chart and chart[key] is not None and not isinstance(chart[key], str):
            raise ActError(key, f"{key} 必须是字符串", f"'{key}' must be a string", code="wrong_type")
    for key in ("units", "people", "posts", "appointments", "in_charge", "covers", "delegations", "packs"):
        if chart.get(key) is not None and not isinstance(chart[key], list):
            raise ActError(key, f"{key} 必须是列表", f"'{key}' must be a list", code="wrong_type")
    tzname = chart.get("timezone") or "Asia/Shanghai"
    try:
        tz = ZoneInfo(str(tzname))
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ActError("timezone", f"未知时区 {tzname}", f"unknown time zone '{tzname}'", code="bad_time") from e
    names = OrgNames.of(known(jur) if known is not None else None)
    units = chart.get("units") or []
    ordered_units = _units_in_order(units, names)
    root = next((u.get("id") for u in units if u.get("type") == "government"), None)
    root = root or (units[0].get("id") if units else next(iter(names.units), "root"))
    case = org_case(jur)
    acts: list[dict[str, Any]] = []
    places: list[str] = []  # the entry each act comes from, to name it in an error

    def add(act: str, on: str, data: dict[str, Any], where: str) -> None:
        body = json.dumps([act, on, data], sort_keys=True, ensure_ascii=False, default=str)
        aid = "org-" + hashlib.sha256(f"{jur}\x1f{body}".encode()).hexdigest()[:16]
        acts.append(
            {
                "id": aid,
                "case": case,
                "kind": "org",
                "act": act,
                "at": _at(on, tz),
                "by": SYSTEM_ACTOR,
                "unit": str(root),
                "data": data,
            }
        )
        places.append(where)

    def entries(key: str) -> list[tuple[str, Mapping[str, Any]]]:
        out = []
        for i, e in enumerate(chart.get(key) or []):
            if not isinstance(e, Mapping):
                raise _entry_error(
                    f"{key}[{i}]", f"{key} 的条目必须是对象", f"a {key} entry must be a mapping", "wrong_type"
                )
            out.append((f"{key}[{i}]", e))
        return out

    if chart.get("timezone"):
        add("timezone_set", EPOCH, {"timezone": str(tzname)}, "timezone")
    if chart.get("calendar"):  # the working-day calendar: CN (default) or a country code (NL, DE-BY …)
        add("calendar_set", EPOCH, {"calendar": str(chart["calendar"])}, "calendar")
    for i, c in enumerate(chart.get("closed_days") or []):  # the jurisdiction's own closed days
        where = f"closed_days[{i}]"
        entry = c if isinstance(c, Mapping) else {"date": c}
        closed = {"date": _iso_date(entry.get("date"), f"{where}.date")}
        if entry.get("until"):
            closed["until"] = _iso_date(entry["until"], f"{where}.until")
        if entry.get("reason"):
            closed["reason"] = str(entry["reason"])
        add("day_closed", closed["date"], dict(closed), where)
    for i, u in ordered_units:
        where = f"units[{i}]"
        d: dict[str, Any] = {"id": str(u["id"]), "name": str(u["name"]), "type": str(u.get("type") or "department")}
        if u.get("parent"):
            d["parent"] = str(u["parent"])
        add("unit_created", _iso_date(u.get("since", EPOCH), f"{where}.since"), d, where)

    def listed_once(key: str, zh: str, en: str) -> Iterator[tuple[str, Mapping[str, Any], str]]:
        """The entries of ``key`` with their ids, each id listed once."""
        seen: dict[str, str] = {}
        for where, e in entries(key):
            eid = str(_need(e, "id", where))
            if eid in seen:
                raise _entry_error(
                    f"{where}.id", f"{zh} {eid} 重复列出（另见 {seen[eid]}）", f"{en} '{eid}' is listed twice"
                )
            seen[eid] = where
            yield where, e, eid

    for where, p, pid in listed_once("people", "人员", "person"):
        add("person_registered", EPOCH, {"id": pid, "name": str(p.get("name") or pid)}, where)
    for where, p, pid in listed_once("posts", "职务", "post"):
        rank = str(_need(p, "rank", where))
        if rank not in RANKS:
            raise _entry_error(
                f"{where}.rank",
                f"未知级别 {rank}（可选：{'、'.join(RANKS)}）",
                f"unknown rank '{rank}' (one of {', '.join(RANKS)})",
            )
        add(
            "post_created",
            _iso_date(p.get("since", EPOCH), f"{where}.since"),
            {"id": pid, "title": str(p.get("title") or pid), "unit": str(_need(p, "unit", where)), "rank": rank},
            where,
        )
    for where, a in entries("appointments"):
        since = _iso_date(a.get("since", EPOCH), f"{where}.since")
        d = {"person": str(_need(a, "person", where)), "post": str(_need(a, "post", where))}
        add("appointed", since, d, where)
        if a.get("until"):  # the last day held: relieved from the next midnight
            last = _iso_date(a["until"], f"{where}.until")
            if last < since:
                raise _entry_error(
                    f"{where}.until",
                    f"任期止 {last} 早于任期起 {since}",
                    f"appointment ends ({last}) before it starts ({since})",
                )
            add("relieved", (date.fromisoformat(last) + timedelta(days=1)).isoformat(), d, where)
    for where, c in entries("in_charge"):
        d = {
            "post": str(_need(c, "post", where)),
            "areas": [str(x) for x in _names(c.get("areas"))],
            "units": _names(c.get("units")),
        }
        if c.get("until"):
            d["until"] = _iso_date(c["until"], f"{where}.until")
        add("charge_assigned", _iso_date(c.get("since", EPOCH), f"{where}.since"), d, where)
    for i, pair in enumerate(chart.get("covers") or []):
        posts = pair.get("posts") if isinstance(pair, Mapping) else pair
        if not isinstance(posts, list) or len(posts) != 2:
            raise ActError(
                f"covers[{i}]", "AB角须为两个职务", "a cover pair names exactly two posts", code="wrong_type"
            )
        since = pair.get("since", EPOCH) if isinstance(pair, Mapping) else EPOCH
        add("cover_paired", _iso_date(since, f"covers[{i}].since"), {"posts": [str(p) for p in posts]}, f"covers[{i}]")
    for where, dl in entries("delegations"):
        since = _iso_date(_need(dl, "since", where), f"{where}.since")
        d = {
            "from_post": str(_need(dl, "from_post", where)),
            "to_post": str(_need(dl, "to_post", where)),
            "scope": str(dl.get("scope") or "all"),
            "since": since,
        }
        if dl.get("until"):
            d["until"] = _iso_date(dl["until"], f"{where}.until")
        add("delegated", since, d, where)
    packs = list(chart.get("packs") or [])
    if chart.get("pack"):
        packs = [{"pack": chart["pack"], "from": chart.get("pack_from", EPOCH)}, *packs]
    for i, p in enumerate(packs):
        where = f"packs[{i}]"
        if not isinstance(p, Mapping):
            raise _entry_error(where, "packs 的条目必须是对象", "a packs entry must be a mapping", "wrong_type")
        on = _iso_date(p.get("from", EPOCH), f"{where}.from")
        add("pack_adopted", on, {"pack": str(_need(p, "pack", where)), "from": on}, where)
    for raw, where in zip(acts, places, strict=True):
        err = org_reference_error(raw["act"], raw["data"], names)
        if err is not None:
            f, zh, en = err
            raise _entry_error(f"{where}.{f}", f"{where}: {zh}", f"{where}: {en}", "unknown_reference")
        names.add(raw["act"], raw["data"])
    return jur, acts

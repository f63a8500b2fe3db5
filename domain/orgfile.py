"""The org chart file (组织机构文件) as ``org`` acts.

The YAML/JSON org file of the contract (jurisdiction, pack, timezone, units, posts,
people, appointments, in_charge, covers, delegations) becomes a list of contract act
objects of kind ``org``, so the organisation is event-sourced like everything else. Act ids
are derived from the content, so importing the same file twice stores each act once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.acts import SYSTEM_ACTOR
from domain.errors import ActError
from domain.system_cases import org_case

EPOCH = "2000-01-01"


def _iso_date(v: Any, field: str) -> str:
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, str):
        try:
            return date.fromisoformat(v.strip()[:10]).isoformat()
        except ValueError:
            pass
    raise ActError(field, f"日期格式错误: {v!r}", f"malformed date {v!r}", code="bad_time")


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


def org_acts(chart: Mapping[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """``(jurisdiction, acts)`` for an org chart mapping; raises :class:`ActError` naming the entry."""
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
    tzname = chart.get("timezone") or "Asia/Shanghai"
    try:
        tz = ZoneInfo(str(tzname))
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ActError("timezone", f"未知时区 {tzname}", f"unknown time zone '{tzname}'", code="bad_time") from e
    units = chart.get("units") or []
    root = next((u.get("id") for u in units if isinstance(u, Mapping) and u.get("type") == "government"), None)
    root = root or (units[0].get("id") if units and isinstance(units[0], Mapping) else "root")
    case = org_case(jur)
    acts: list[dict[str, Any]] = []

    def add(act: str, on: str, data: dict[str, Any]) -> None:
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

    if chart.get("timezone"):
        add("timezone_set", EPOCH, {"timezone": str(tzname)})
    for i, u in enumerate(units):
        where = f"units[{i}]"
        d: dict[str, Any] = {
            "id": str(_need(u, "id", where)),
            "name": str(_need(u, "name", where)),
            "type": str(u.get("type") or "department"),
        }
        if u.get("parent"):
            d["parent"] = str(u["parent"])
        add("unit_created", _iso_date(u.get("since", EPOCH), f"{where}.since"), d)
    for i, p in enumerate(chart.get("people") or []):
        where = f"people[{i}]"
        add("person_registered", EPOCH, {"id": str(_need(p, "id", where)), "name": str(p.get("name") or p["id"])})
    for i, p in enumerate(chart.get("posts") or []):
        where = f"posts[{i}]"
        add(
            "post_created",
            _iso_date(p.get("since", EPOCH), f"{where}.since"),
            {
                "id": str(_need(p, "id", where)),
                "title": str(p.get("title") or p["id"]),
                "unit": str(_need(p, "unit", where)),
                "rank": str(_need(p, "rank", where)),
            },
        )
    for i, a in enumerate(chart.get("appointments") or []):
        where = f"appointments[{i}]"
        since = _iso_date(a.get("since", EPOCH), f"{where}.since")
        d = {"person": str(_need(a, "person", where)), "post": str(_need(a, "post", where))}
        add("appointed", since, d)
        if a.get("until"):  # the last day held: relieved from the next midnight
            last = date.fromisoformat(_iso_date(a["until"], f"{where}.until"))
            add("relieved", (last + timedelta(days=1)).isoformat(), d)
    for i, c in enumerate(chart.get("in_charge") or []):
        where = f"in_charge[{i}]"
        d = {
            "post": str(_need(c, "post", where)),
            "areas": list(c.get("areas") or []),
            "units": list(c.get("units") or []),
        }
        if c.get("until"):
            d["until"] = _iso_date(c["until"], f"{where}.until")
        add("charge_assigned", _iso_date(c.get("since", EPOCH), f"{where}.since"), d)
    for i, pair in enumerate(chart.get("covers") or []):
        posts = pair.get("posts") if isinstance(pair, Mapping) else pair
        if not isinstance(posts, list) or len(posts) != 2:
            raise ActError(
                f"covers[{i}]", "AB角须为两个职务", "a cover pair names exactly two posts", code="wrong_type"
            )
        since = pair.get("since", EPOCH) if isinstance(pair, Mapping) else EPOCH
        add("cover_paired", _iso_date(since, f"covers[{i}].since"), {"posts": [str(p) for p in posts]})
    for i, dl in enumerate(chart.get("delegations") or []):
        where = f"delegations[{i}]"
        since = _iso_date(_need(dl, "since", where), f"{where}.since")
        d = {
            "from_post": str(_need(dl, "from_post", where)),
            "to_post": str(_need(dl, "to_post", where)),
            "scope": str(dl.get("scope") or "all"),
            "since": since,
        }
        if dl.get("until"):
            d["until"] = _iso_date(dl["until"], f"{where}.until")
        add("delegated", since, d)
    packs = chart.get("packs") or []
    if chart.get("pack"):
        packs = [{"pack": chart["pack"], "from": chart.get("pack_from", EPOCH)}, *packs]
    for i, p in enumerate(packs):
        where = f"packs[{i}]"
        on = _iso_date(p.get("from", EPOCH), f"{where}.from")
        add("pack_adopted", on, {"pack": str(_need(p, "pack", where)), "from": on})
    return jur, acts

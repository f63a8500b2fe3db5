"""A synthetic jurisdiction for benchmarks: an org chart and N acts of several kinds."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from domain.timeutil import CHINA_TZ

UNITS = [f"u-{i:02d}" for i in range(20)]


def org_chart(jurisdiction: str = "bench", pack: str = "dongqu-2012") -> dict:
    units = [
        {"id": "u-gov", "name": "县政府", "type": "government"},
        {"id": "u-office", "name": "办公室", "type": "office", "parent": "u-gov"},
    ]
    units += [{"id": u, "name": f"部门{u}", "type": "department", "parent": "u-gov"} for u in UNITS]
    posts = [
        {"id": "head", "title": "县长", "unit": "u-gov", "rank": "head"},
        {"id": "evh", "title": "常务副县长", "unit": "u-gov", "rank": "exec_vice_head"},
        {"id": "od", "title": "办公室主任", "unit": "u-office", "rank": "office_director"},
        {"id": "csec", "title": "机要秘书", "unit": "u-office", "rank": "confidential_secretary"},
    ]
    posts += [{"id": f"vh-{i}", "title": "副县长", "unit": "u-gov", "rank": "vice_head"} for i in range(4)]
    posts += [{"id": f"{u}-head", "title": "局长", "unit": u, "rank": "dept_head"} for u in UNITS]
    posts += [{"id": f"{u}-staff", "title": "科员", "unit": u, "rank": "staff"} for u in UNITS]
    people = [{"id": f"p-{p['id']}", "name": p["id"]} for p in posts]
    appts = [{"person": f"p-{p['id']}", "post": p["id"], "since": "2020-01-01"} for p in posts]
    charges = [
        {"post": f"vh-{i}", "units": UNITS[i * 5 : i * 5 + 5], "areas": [f"领域{i}"], "since": "2020-01-01"}
        for i in range(4)
    ]
    return {
        "jurisdiction": jurisdiction,
        "pack": pack,
        "units": units,
        "posts": posts,
        "people": people,
        "appointments": appts,
        "in_charge": charges,
        "covers": [["vh-0", "vh-1"]],
    }


def acts(n: int, *, seed: int = 1, jurisdiction: str = "bench") -> Iterator[dict]:
    """``n`` acts: incidents, supervision items, leave and service requests, a few broken."""
    rnd = random.Random(seed)
    t0 = datetime(2024, 1, 2, 9, 0, tzinfo=CHINA_TZ)
    i = 0
    case = 0
    while i < n:
        case += 1
        u = rnd.choice(UNITS)
        staff, head = f"p-{u}-staff", f"p-{u}-head"
        at = t0 + timedelta(minutes=rnd.randrange(0, 360 * 24 * 60))
        k = case % 4
        seq: list[tuple[str, str, dict, str]]
        if k == 0:
            late = rnd.random() < 0.1
            seq = [
                ("incident", "occurred", {"grade": rnd.choice(["general", "larger", "major"])}, staff),
                ("incident", "reported", {"channel": "phone", "to_level": "unit_head"}, staff),
                ("incident", "reported", {"channel": "phone", "to_level": "local_gov"}, head),
                ("incident", "reported", {"channel": "written", "to_level": "local_gov"}, head),
                ("incident", "response_ended", {}, head),
            ]
            gaps = [0, 5, 90 if late else 20, 50, 600]
        elif k == 1:
            dl = (at + timedelta(days=rnd.choice([5, 10, 30]))).isoformat()
            seq = [
                (
                    "supervision",
                    "registered",
                    {"deadline": dl, "responsible_unit": u, "source": "meeting", "source_at": at.isoformat()},
                    "p-od",
                ),
                ("supervision", "assigned", {"to_unit": u, "deadline": dl}, "p-od"),
                ("supervision", "progress_reported", {"signed_by_head": True, "sealed": True, "matters": 1}, head),
                (
                    "supervision",
                    "completed",
                    {"report": True, "signed_by_head": True, "sealed": True, "matters": 1},
                    head,
                ),
            ]
            gaps = [0, 60, 60 * 24 * 3, 60 * 24 * rnd.choice([4, 8, 40])]
        elif k == 2:
            start = at + timedelta(days=2)
            seq = [
                (
                    "leave",
                    "requested",
                    {
                        "start": start.isoformat(),
                        "end": (start + timedelta(days=2)).isoformat(),
                        "scope": "in_city",
                        "written": True,
                        "contact": "138",
                    },
                    staff,
                ),
                ("leave", "agreed", {}, head),
                ("leave", "approved", {}, head),
                ("leave", "filed", {"office": "u-office"}, staff),
                ("leave", "departed", {}, staff),
                ("leave", "returned", {}, staff),
                ("leave", "return_reported", {}, staff),
            ]
            gaps = [0, 60, 120, 30, 60 * 40, 60 * 24 * 2, 60 * 2]
        else:
            seq = [
                ("service_request", "received", {"matter": "营业执照", "time_limit_working_days": 5}, staff),
                ("service_request", "materials_requested", {"items": ["身份证"]}, staff),
                ("service_request", "completed", {}, staff),
            ]
            gaps = [0, 60, 60 * 24 * rnd.choice([2, 3, 9])]
        cid = f"C-{case}"
        t = at
        for (kind, act, data, by), gap in zip(seq, gaps, strict=True):
            if i >= n:
                return
            t = t + timedelta(minutes=gap)
            yield {
                "id": f"{cid}-{act}-{i}",
                "jurisdiction": jurisdiction,
                "case": cid,
                "kind": kind,
                "act": act,
                "at": t.isoformat(),
                "by": by,
                "unit": u,
                "data": data,
            }
            i += 1


def write_jsonl(path: Path, n: int, *, seed: int = 1) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for a in acts(n, seed=seed):
            fh.write(json.dumps(a, ensure_ascii=False) + "\n")
    return path

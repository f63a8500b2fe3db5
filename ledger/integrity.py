"""Integrity (防篡改校验): the hash chain, checkpoints and ``verify``.

Every stored act has a row in ``ledger_chain`` with the hash of every byte of its stored
event (``content_hash``), its predecessor's link hash (``prev_hash``) and its own link hash
(``hash`` = H(jurisdiction, seq, content_hash, prev_hash)). ``verify`` recomputes all of it
from the stored events, in order, and reports the first broken record: an event changed,
deleted, added outside the chain or reordered, or a chain row changed or removed. A
checkpoint (head hash and count per jurisdiction) printed and kept elsewhere also catches
the one thing a chain alone cannot: the newest records cut off together with their rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from ledger import codec
from ledger.store import Ledger, _col


@dataclass
class Problem:
    """The first broken record of a jurisdiction (篡改位置)."""

    jurisdiction: str
    seq: int
    act_id: str
    reason_zh: str
    reason_en: str

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class Report:
    """The result of ``verify`` (校验报告)."""

    ok: bool
    checked: int
    jurisdictions: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "jurisdictions": self.jurisdictions,
            "problems": [p.as_dict() for p in self.problems],
        }


def checkpoint(ledger: Ledger) -> dict[str, Any]:
    """Head hash and count of each jurisdiction's chain, and a digest over all of them."""
    heads: dict[str, dict[str, Any]] = {}
    for j in ledger.jurisdictions():
        seq, h = ledger.head(j)
        heads[j] = {"count": seq, "head": h}
    digest = hashlib.sha256(json.dumps(heads, sort_keys=True).encode()).hexdigest()
    return {"jurisdictions": heads, "digest": digest}


def verify(ledger: Ledger, *, against: Mapping[str, Any] | None = None, batch: int = 5000) -> Report:
    """Recompute every hash and link; compare with a kept checkpoint when given."""
    report = Report(ok=True, checked=0)
    nid = "e.notification_id" if ledger.is_postgres else "e.rowid"
    for j in ledger.jurisdictions():
        prev = codec.GENESIS
        expected_seq = 1
        last_nid = 0
        problem: Problem | None = None
        after = 0
        while problem is None:
            rows = ledger.query(
                f"SELECT c.seq AS seq, c.act_id AS act_id, c.case_id AS case_id, c.originator_id AS oid, "
                f"c.originator_version AS ver, c.content_hash AS content_hash, c.prev_hash AS prev_hash, "
                f"c.hash AS hash, e.topic AS topic, e.state AS state, {nid} AS nid "
                f"FROM {ledger.t_chain} c LEFT JOIN {ledger.t_events} e "
                "ON e.originator_id=c.originator_id AND e.originator_version=c.originator_version "
                f"WHERE c.jurisdiction=? AND c.seq>? ORDER BY c.seq LIMIT {batch}",
                [j, after],
            )
            if not rows:
                break
            for r in rows:
                seq = int(_col(r, "seq", 0))
                act_id = str(_col(r, "act_id", 1))
                problem = _check_row(j, r, seq, act_id, expected_seq, prev, last_nid)
                if problem is not None:
                    break
                report.checked += 1
                prev = str(_col(r, "hash", 7))
                last_nid = int(_col(r, "nid", 10))
                expected_seq = seq + 1
                after = seq
            if len(rows) < batch:
                break
        info: dict[str, Any] = {"count": expected_seq - 1, "head": prev}
        if problem is None and against is not None:
            kept = (against.get("jurisdictions") or {}).get(j)
            if kept is not None:
                kc, kh = int(kept.get("count", 0)), str(kept.get("head", ""))
                if expected_seq - 1 < kc:
                    problem = Problem(
                        j,
                        expected_seq,
                        "",
                        f"记录少于检查点（{expected_seq - 1} < {kc}），末尾记录被删除",
                        f"fewer records than the checkpoint ({expected_seq - 1} < {kc}): records cut off at the end",
                    )
                else:
                    srow = (
                        ledger.query(f"SELECT hash FROM {ledger.t_chain} WHERE jurisdiction=? AND seq=?", [j, kc])
                        if kc
                        else []
                    )
                    have = str(_col(srow[0], "hash", 0)) if srow else codec.GENESIS
                    if kc and have != kh:
                        problem = Problem(
                            j,
                            kc,
                            "",
                            "检查点处的哈希与保存的检查点不符",
                            "the hash at the checkpoint differs from the kept checkpoint",
                        )
        if problem is not None:
            report.ok = False
            report.problems.append(problem)
            info["broken_at"] = problem.seq
        report.jurisdictions[j] = info
    if against is not None:
        for j in against.get("jurisdictions") or {}:
            if j not in report.jurisdictions:
                report.ok = False
                report.problems.append(
                    Problem(j, 1, "", "检查点中的辖区已不存在", "a jurisdiction of the checkpoint is gone")
                )
    orphans = _events_outside_chain(ledger)
    if orphans:
        report.ok = False
        report.problems.append(
            Problem(
                "",
                0,
                "",
                f"{orphans} 条事件不在哈希链中（被直接插入）",
                f"{orphans} stored event(s) are not in any hash chain (inserted directly)",
            )
        )
    return report


def _check_row(j: str, r: Any, seq: int, act_id: str, expected_seq: int, prev: str, last_nid: int) -> Problem | None:
    if seq != expected_seq:
        return Problem(
            j,
            expected_seq,
            "",
            f"缺少第 {expected_seq} 条链记录（被删除）",
            f"chain record {expected_seq} is missing (deleted)",
        )
    state = _col(r, "state", 9)
    if state is None:
        return Problem(
            j, seq, act_id, "链记录对应的事件已不存在（被删除）", "the stored event of this record is gone (deleted)"
        )
    if str(_col(r, "prev_hash", 6)) != prev:
        return Problem(
            j,
            seq,
            act_id,
            "前序哈希不符（记录被改动、删除或重排）",
            "the link to the previous record is broken (changed, deleted or reordered)",
        )
    oid = _col(r, "oid", 3)
    state = state.encode() if isinstance(state, str) else bytes(state)
    ev = StoredEvent(
        UUID(str(oid)) if not isinstance(oid, UUID) else oid, int(_col(r, "ver", 4)), str(_col(r, "topic", 8)), state
    )
    content = codec.content_hash(ev)
    if content != str(_col(r, "content_hash", 5)):
        return Problem(
            j,
            seq,
            act_id,
            "事件内容的哈希不符（内容被改动）",
            "the stored event's bytes do not match their hash (modified)",
        )
    if codec.link_hash(j, seq, content, prev) != str(_col(r, "hash", 7)):
        return Problem(
            j, seq, act_id, "链哈希不符（链记录被改动）", "the link hash does not match (chain record modified)"
        )
    try:
        obj = json.loads(state)
    except ValueError:
        return Problem(j, seq, act_id, "事件无法解析", "the stored event cannot be parsed")
    if (
        obj.get("id") != act_id
        or obj.get("jurisdiction") != j
        or obj.get("seq") != seq
        or obj.get("case") != str(_col(r, "case_id", 2))
    ):
        return Problem(
            j, seq, act_id, "事件与链索引不一致（被调换）", "the stored event does not match its chain record (swapped)"
        )
    if int(_col(r, "nid", 10)) <= last_nid:
        return Problem(
            j,
            seq,
            act_id,
            "记录顺序与哈希链不符（被重排）",
            "the recorded order differs from the chain order (reordered)",
        )
    return None


def _events_outside_chain(ledger: Ledger) -> int:
    n_events = ledger.query(f"SELECT COUNT(*) AS n FROM {ledger.t_events}")
    n_chain = ledger.query(f"SELECT COUNT(*) AS n FROM {ledger.t_chain}")
    return max(0, int(_col(n_events[0], "n", 0)) - int(_col(n_chain[0], "n", 0)))

"""Integrity (防篡改校验): the hash chain, checkpoints and ``verify``.

Every stored act has a row in ``ledger_chain`` with the hash of every byte of its stored
event (``content_hash``), its predecessor's link hash (``prev_hash``) and its own link hash
(``hash`` = H(jurisdiction, seq, content_hash, prev_hash)). ``verify`` recomputes all of it
from the stored events, in order, and reports the first broken record: an event changed,
deleted, added outside the chain or reordered, or a chain row changed or removed. Every
other column of the chain row the ledger reads (act id, case, kind, act, times, body hash,
stream) is checked against the hashed event, and the jurisdictions are found from the events
themselves, so an index edited to hide a record or a whole jurisdiction is found too. A
checkpoint (head hash and count per jurisdiction) printed and kept elsewhere also catches
the one thing a chain alone cannot: the newest records cut off together with their rows;
signed with an Ed25519 key (:func:`sign_checkpoint`), it cannot be rewritten by whoever can
write the database.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from eventsourcing.persistence import StoredEvent

from domain.errors import LedgerError
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
    #: The chain column found changed, when it is one column.
    column: str = ""

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


# ---- signed checkpoints (签名检查点) ------------------------------------------------------------
SIGNATURE = "signature"


def generate_key() -> tuple[bytes, bytes]:
    """A new Ed25519 key pair: (private key PEM, public key PEM)."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public


def _fingerprint(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _signed_bytes(cp: Mapping[str, Any]) -> bytes:
    """What the signature covers: the checkpoint's canonical JSON without its signature."""
    return codec.canonical({k: v for k, v in cp.items() if k != SIGNATURE})


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as e:
        raise LedgerError("无法读取签名私钥", f"cannot read the signing key: {e}", code="bad_key") from e
    if not isinstance(key, Ed25519PrivateKey):
        raise LedgerError("签名私钥不是 Ed25519 密钥", "the signing key is not an Ed25519 key", code="bad_key")
    return key


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as e:
        raise LedgerError("无法读取公钥", f"cannot read the public key: {e}", code="bad_key") from e
    if not isinstance(key, Ed25519PublicKey):
        raise LedgerError("公钥不是 Ed25519 密钥", "the public key is not an Ed25519 key", code="bad_key")
    return key


def sign_checkpoint(cp: Mapping[str, Any], private_pem: bytes) -> dict[str, Any]:
    """The checkpoint with an Ed25519 signature over all its other fields (heads, digest, time)."""
    key = load_private_key(private_pem)
    body = {k: v for k, v in cp.items() if k != SIGNATURE}
    sig = key.sign(_signed_bytes(body))
    return {
        **body,
        SIGNATURE: {
            "algorithm": "ed25519",
            "key": _fingerprint(key.public_key()),
            "value": base64.b64encode(sig).decode(),
        },
    }


def signature_problem(cp: Mapping[str, Any], public_pem: bytes) -> Problem | None:
    """None when the checkpoint is signed by the key of ``public_pem``; else what is wrong."""
    public = load_public_key(public_pem)
    sig = cp.get(SIGNATURE)
    if not isinstance(sig, Mapping) or not isinstance(sig.get("value"), str):
        return Problem("", 0, "", "检查点未签名", "the checkpoint is not signed")
    try:
        public.verify(base64.b64decode(sig["value"], validate=True), _signed_bytes(cp))
    except (InvalidSignature, ValueError):
        other = sig.get("key") not in (None, _fingerprint(public))
        return Problem(
            "",
            0,
            "",
            "检查点由另一把密钥签名" if other else "检查点签名无效（签名后被改动）",
            "the checkpoint was signed with another key"
            if other
            else "the checkpoint's signature is not valid (it was changed after signing)",
        )
    return None


def verify(
    ledger: Ledger,
    *,
    against: Mapping[str, Any] | None = None,
    public_key: bytes | None = None,
    batch: int = 5000,
) -> Report:
    """Recompute every hash and link; compare with a kept checkpoint when given, whose
    signature must be that of ``public_key`` (PEM) when one is given."""
    report = Report(ok=True, checked=0)
    if public_key is not None:
        bad = signature_problem(against or {}, public_key)
        if bad is not None:
            report.ok = False
            report.problems.append(bad)
    nid = "e.notification_id" if ledger.is_postgres else "e.rowid"
    in_events = _events_by_jurisdiction(ledger)
    in_chain = [str(_col(r, "j", 0)) for r in ledger.query(f"SELECT DISTINCT jurisdiction AS j FROM {ledger.t_chain}")]
    for j in sorted({*(k for k in in_events if k is not None), *in_chain}):
        prev = codec.GENESIS
        expected_seq = 1
        last_nid = 0
        problem: Problem | None = None
        after = 0
        while problem is None:
            rows = ledger.query(
                f"SELECT c.seq AS seq, c.act_id AS act_id, c.case_id AS case_id, c.originator_id AS oid, "
                f"c.originator_version AS ver, c.content_hash AS content_hash, c.prev_hash AS prev_hash, "
                f"c.hash AS hash, e.topic AS topic, e.state AS state, {nid} AS nid, c.kind AS kind, c.act AS act, "
                "c.at_us AS at_us, c.recorded_us AS recorded_us, c.body_hash AS body_hash, c.jurisdiction AS jurisdiction "
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
        if problem is None and in_events.get(j, 0) != expected_seq - 1:
            n = in_events.get(j, 0)
            problem = Problem(
                j,
                expected_seq,
                "",
                f"辖区有 {n} 条事件，哈希链只有 {expected_seq - 1} 条记录（链记录被删除或事件被直接插入）",
                f"the jurisdiction has {n} stored event(s) but its chain {expected_seq - 1} record(s) "
                "(chain records removed or events inserted directly)",
            )
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
    orphans = in_events.get(None, 0)
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
        expected = _index_of(j, obj, state)
    except (ValueError, TypeError, KeyError, AttributeError):
        return Problem(j, seq, act_id, "事件无法解析", "the stored event cannot be parsed")
    for column, want in expected.items():
        have = _col(r, _ALIASES.get(column, column), -1)
        if column == "originator_id":
            have = UUID(str(have)).hex
        if str(have) != str(want):
            return Problem(
                j,
                seq,
                act_id,
                f"链记录的 {column} 列与事件内容不符（{have!s:.40} ≠ {want!s:.40}，被改动或调换）",
                f"column '{column}' of the chain record does not match its hashed event "
                f"({have!s:.40} ≠ {want!s:.40}: changed or swapped)",
                column,
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


#: Chain columns read under another name in verify's query.
_ALIASES = {"originator_id": "oid"}


def _index_of(j: str, obj: dict[str, Any], state: bytes) -> dict[str, Any]:
    """What each chain column the ledger reads must hold, from the hashed event itself."""
    suffix = state.rfind(b',"recorded_at":"')  # the stored bytes are the filed body + recorded time + seq
    body = state[:suffix] + b"}" if suffix > 0 else state
    return {
        "jurisdiction": obj["jurisdiction"],
        "act_id": obj["id"],
        "case_id": obj["case"],
        "kind": obj["kind"],
        "act": obj["act"],
        "at_us": codec.micros(datetime.fromisoformat(obj["at"])),
        "recorded_us": codec.micros(datetime.fromisoformat(obj["recorded_at"])),
        "seq": obj["seq"],
        "body_hash": hashlib.sha256(body).hexdigest(),
        "originator_id": codec.case_stream(j, obj["case"]).hex,
    }


def _events_by_jurisdiction(ledger: Ledger, batch: int = 5000) -> Counter[str | None]:
    """How many stored events name each jurisdiction, read from the events themselves (None:
    an event that names none, so belongs to no chain)."""
    counts: Counter[str | None] = Counter()
    start = 1
    while True:
        notes = ledger.recorder.select_notifications(start, batch)
        for n in notes:
            try:
                j = json.loads(n.state).get("jurisdiction")
            except (ValueError, AttributeError):
                j = None
            counts[j if isinstance(j, str) else None] += 1
        if len(notes) < batch:
            return counts
        start = notes[-1].id + 1

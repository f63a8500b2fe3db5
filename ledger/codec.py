"""How an act is stored (存储格式): canonical JSON bytes in the library's stored event.

``originator_id`` is the case (uuid5 of jurisdiction and case id: each case is one stream,
so two writers of one case conflict on its version), ``topic`` is ``act:<kind>.<act>``,
``state`` the canonical JSON of the contract object plus ``recorded_at``.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import orjson
from eventsourcing.persistence import StoredEvent

from domain.acts import Act, load_act
from domain.timeutil import format_datetime

NAMESPACE = uuid.UUID("6f1c8a52-5d7e-4a58-9a0e-2f1d2c3b4a59")
GENESIS = "0" * 64
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@functools.lru_cache(maxsize=1 << 16)
def case_stream(jurisdiction: str, case: str) -> uuid.UUID:
    """The stream (originator id) of one case."""
    return uuid.uuid5(NAMESPACE, f"{jurisdiction}\x1f{case}")


def topic(kind: str, act: str) -> str:
    return f"act:{kind}.{act}"


def canonical(obj: Any) -> bytes:
    """Canonical JSON: sorted keys, no spaces, UTF-8 (what the hashes cover)."""
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)


def body(a: Act) -> dict[str, Any]:
    """The contract object of an act (what export writes and body_hash covers)."""
    return a.to_contract()


def body_hash(a: Act) -> str:
    """Hash of the act as filed (without recorded time): same id + same body = duplicate."""
    return hashlib.sha256(canonical(body(a))).hexdigest()


class Encoded(NamedTuple):
    """An act ready for the chain (待入链): the fields the chain index keeps, and its canonical
    body with that body's hash. Plain values, so a validating process can hand it over cheaply."""

    id: str
    case: str
    kind: str
    act: str
    at_us: int
    body: bytes
    body_hash: str


def encode(a: Act) -> Encoded:
    """An act's :class:`Encoded` form (its body as :func:`canonical` JSON, hashed)."""
    b = canonical(a.to_contract())
    return Encoded(a.id, a.case, a.kind, a.act, micros(a.at), b, hashlib.sha256(b).hexdigest())


def encode_stored(a: Act) -> bytes:
    """The stored bytes: the contract object plus recorded time and chain position."""
    assert a.recorded_at is not None and a.seq is not None
    return stored_bytes(canonical(body(a)), a.recorded_at, a.seq)


def stored_bytes(body_bytes: bytes, recorded_at: datetime | str, seq: int) -> bytes:
    """The canonical body with the recorded time and chain position appended."""
    rec = recorded_at if isinstance(recorded_at, str) else format_datetime(recorded_at)
    return body_bytes[:-1] + f',"recorded_at":"{rec}","seq":{int(seq)}}}'.encode()


def decode(state: bytes) -> Act:
    obj = orjson.loads(state)
    rec = obj.get("recorded_at")
    return load_act(obj, recorded_at=datetime.fromisoformat(rec) if rec else None, seq=obj.get("seq"), owned=True)


def content_hash(ev: StoredEvent) -> str:
    """Hash of every stored byte of an event row."""
    return content_hash_of(str(ev.originator_id).encode(), ev.originator_version, ev.topic, ev.state)


def content_hash_of(originator_id: bytes, version: int, topic: str, state: bytes) -> str:
    """:func:`content_hash` of a row given its originator id's text (as bytes), version, topic and state."""
    return hashlib.sha256(b"%s\x1f%d\x1f%s\x1f%s" % (originator_id, version, topic.encode(), state)).hexdigest()


def link_hash(jurisdiction: str, seq: int, content: str, prev: str) -> str:
    """The chain link: this record's content hash bound to its predecessor's hash."""
    return hashlib.sha256(f"{jurisdiction}\x1f{seq}\x1f{content}\x1f{prev}".encode()).hexdigest()


def micros(dt: datetime) -> int:
    """Microseconds since the epoch (the index's sortable time)."""
    d = dt - EPOCH
    return (d.days * 86400 + d.seconds) * 1_000_000 + d.microseconds


def from_micros(us: int) -> datetime:
    """Back to an aware UTC datetime; a time beyond what ``datetime`` holds (a year-9999 act
    with a negative offset is year 10000 in UTC) is clamped to its limit, so reads never fail."""
    try:
        return EPOCH + timedelta(microseconds=us)
    except OverflowError:
        return datetime.max.replace(tzinfo=UTC) if us > 0 else datetime.min.replace(tzinfo=UTC)

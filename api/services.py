"""What the routes share (服务): one ledger, its audit projection, the tokens, the clock.

Also the pieces several routes need: finding a case's jurisdiction, acts by id, the
follow-up status of violations, opaque cursors, and the access log (查阅留痕) — every read by
an auditor or the supervision office is recorded as an ``access``/``viewed`` act
(group-committed, :mod:`api.accesslog`).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from eventsourcing.persistence import IntegrityError
from fastapi import Request

from api.accesslog import AccessLog, access_acts
from api.auth import Principal
from api.errors import invalid, not_found
from api.viewcache import Version, ViewCache
from domain.acts import Act
from domain.org import OrgChart
from domain.rules.base import Case
from domain.timeutil import format_datetime, utcnow
from ledger import codec
from ledger.store import Ledger, _col
from ledger.tokens import TokenStore
from projections.audit import AuditProjection
from projections.follow import followers_configured, views_lag
from projections.parties import PartiesIndex

#: Follow-up act → the violation status it leads to (督查跟踪状态).
STATUS_AFTER = {
    "acknowledged": "acknowledged",
    "justified": "justified",
    "remediated": "remediated",
    "reopened": "open",
}
STATUSES = ("open", "acknowledged", "justified", "remediated")


def act_out(a: Act) -> dict[str, Any]:
    return {
        **a.to_contract(),
        "recorded_at": format_datetime(a.recorded_at) if a.recorded_at else None,
        "seq": a.seq,
    }


def encode_cursor(*parts: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts), separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, types: Sequence[type]) -> list[Any] | None:
    """An opaque cursor back to its parts, or 422 naming ``cursor``."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw)
        if not isinstance(parts, list) or len(parts) != len(types):
            raise ValueError("shape")
        for p, t in zip(parts, types, strict=True):
            if not isinstance(p, t) or isinstance(p, bool):
                raise ValueError("type")
        return parts
    except (ValueError, TypeError, UnicodeDecodeError) as e:
        raise invalid("cursor", "分页游标无效", "invalid cursor", "bad_cursor") from e


def _bad_text(s: str) -> bool:
    if "\x00" in s:
        return True
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800" in JSON)
        return True
    return False


def find_nul(obj: Any, path: str = "") -> str | None:
    """The path of the first string the database cannot store: a NUL character (PostgreSQL
    text cannot hold it) or a lone surrogate (not UTF-8)."""
    if isinstance(obj, str):
        return path if _bad_text(obj) else None
    if isinstance(obj, Mapping):
        for k, v in obj.items():
            sub = f"{path}.{k}" if path else str(k)
            if isinstance(k, str) and _bad_text(k):
                return sub
            found = find_nul(v, sub)
            if found is not None:
                return found
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            found = find_nul(v, f"{path}[{i}]")
            if found is not None:
                return found
    return None


def refuse_nul(obj: Any, path: str = "", *, index: int | None = None) -> None:
    """422 naming the field when a string holds a NUL character or a lone surrogate."""
    where = find_nul(obj, path)
    if where is not None:
        where = where.encode("utf-8", "replace").decode()
        raise invalid(
            where,
            f"字段 {where} 含有无法存储的字符（NUL 或不成对的代理项）",
            f"'{where}' contains a character that cannot be stored (NUL or a lone surrogate)",
            "bad_character",
            index=index,
        )


def followup_status(acts: Iterable[Act]) -> str:
    """A violation's status folded from its follow-up acts (corrections applied)."""
    status = "open"
    for a in acts:
        status = STATUS_AFTER.get(a.act, status)
    return status


#: Acts one request brings the audit views forward by, at most: a request never waits on a long
#: catch-up (the next requests, or ``ledger follow``, take the rest; ``Ledger-Lag`` says how far).
IN_REQUEST_ACTS = 5000
#: The views' lag a request saw (set by :meth:`Services.projection`, sent as ``Ledger-Lag``).
VIEWS_LAG: ContextVar[dict[str, int] | None] = ContextVar("ledger_views_lag", default=None)


#: How long a read waits for another request's catch-up of the views before it is answered from
#: the views as they are (a quick look takes well under a millisecond; a long catch-up, or a
#: what-if holding the views, is not waited for).
READ_WAITS_FOR_CATCH_UP = 0.25


class Runs:
    """A follower of the log run by the requests of one process, one at a time (逐一追赶).

    A request that waited while another ran it takes that run's result when the run began after
    the request asked: what the run saw is at least as new as what the request would have seen
    (each run is a quick look of one statement when there is nothing to judge, but a round trip
    on PostgreSQL, and eight request threads queued for it one behind another)."""

    def __init__(self, follower: AuditProjection | PartiesIndex) -> None:
        self.follower = follower
        self.lock = threading.Lock()
        self._began = float("-inf")  # when the last run began (monotonic)
        self._done = 0  # the acts it went over

    def catch_up(self, limit: int | None = None, *, wait: float | None = None) -> int | None:
        """Run the follower to the end of the log (the audit projection: at most ``limit`` acts);
        returns the acts gone over. ``wait``: seconds to wait at most for another thread of this
        process running it (or holding it paused) — then None, nothing done; None: wait."""
        asked = time.monotonic()
        if not self.lock.acquire(timeout=-1 if wait is None else wait):
            return None
        try:
            if self._began >= asked:  # a run that began after this request asked: as new as its own
                return self._done
            began = time.monotonic()
            for attempt in range(5):
                try:
                    f = self.follower
                    done = f.run(limit=limit) if isinstance(f, AuditProjection) else f.run()
                    break
                except IntegrityError:  # another app's follower saved the same position first
                    if attempt == 4:
                        raise
            self._began, self._done = began, done
            return done
        finally:
            self.lock.release()


async def services(request: Request) -> Services:
    """The app's services (a FastAPI dependency; async: no hop to the thread pool)."""
    return request.app.state.services  # type: ignore[no-any-return]


class Services:
    """One per app: the ledger and what is built on it."""

    def __init__(self, db_url: str | None = None, *, clock: Callable[[], datetime] | None = None) -> None:
        self.ledger = Ledger(db_url, clock=clock or utcnow)
        self.tokens = TokenStore(self.ledger)
        self._projection = AuditProjection(self.ledger)
        self._proj_runs = Runs(self._projection)
        #: ``ledger follow`` processes keep the views (``LEDGER_FOLLOWERS``): requests only read them.
        self.followers = followers_configured()
        self._parties = PartiesIndex(self.ledger)
        self._parties_runs = Runs(self._parties)
        self.access_log = AccessLog(self.ledger)
        #: Aggregates kept until what they read changes (the dashboard, list totals, bulletins).
        self.views = ViewCache()

    def now(self) -> datetime:
        return self.ledger.clock()

    def close(self) -> None:
        self.access_log.close()
        self.ledger.close()

    # ---- the projection -------------------------------------------------------------------
    def projection(self) -> AuditProjection:
        """The audit projection, caught up with every act stored so far — by at most
        :data:`IN_REQUEST_ACTS` acts in this request, none when ``ledger follow`` keeps it; the lag
        left is sent as the ``Ledger-Lag`` header. A read waits for another request's catch-up
        :data:`READ_WAITS_FOR_CATCH_UP` at most: after that it is answered from the views as
        they are, its lag in the header (a write catches the views up before it is answered, so
        a reader after it sees its acts)."""
        self._views_lag(wait=READ_WAITS_FOR_CATCH_UP)
        return self._projection

    def caught_up(self) -> None:
        """After a write: catch the views up before answering (waiting for a catch-up under way)."""
        self._views_lag()

    def _views_lag(self, *, wait: float | None = None) -> int:
        """Catch the views up (a bounded amount, or not at all with followers); the lag left. A
        read (``wait`` given) in a request that caught them up already takes that lag: its reads
        are of the views as they were then."""
        seen = VIEWS_LAG.get()
        if wait is not None and seen is not None and "lag" in seen:
            return seen["lag"]
        if self.followers:
            lag = views_lag(self.ledger, self.followers)
        else:
            done = self._proj_runs.catch_up(IN_REQUEST_ACTS, wait=wait)
            lag = self._projection.lag() if done is None or done >= IN_REQUEST_ACTS else 0
        if seen is not None:
            seen["lag"] = lag
        return lag

    def views_position(self) -> int:
        """The last act the views reflect (with ``ledger follow``: the furthest-behind follower's)."""
        if self.followers:
            return self.ledger.max_notification_id() - views_lag(self.ledger, self.followers)
        return self._projection.position()

    def view_version(self, jurisdictions: Sequence[str], kinds: Sequence[str] = ()) -> Version | None:
        """The version a result read from the views is kept under (:meth:`ViewCache.version`,
        taken before the views catch up), or None — compute afresh, keep nothing — while the views
        are behind the acts (a bounded catch-up, or followers not there yet)."""
        version = ViewCache.version(self.ledger, jurisdictions, kinds)
        return version if self._views_lag(wait=READ_WAITS_FOR_CATCH_UP) == 0 else None

    # ---- who may read which case (api/access.py) ------------------------------------------
    def parties(self) -> PartiesIndex:
        """The case-parties index, caught up with every act stored so far."""
        self._parties_runs.catch_up()
        return self._parties

    def projection_paused(self) -> threading.Lock:
        """Held while nothing may run the projection (a what-if swaps pack registrations)."""
        return self._proj_runs.lock

    # ---- cases ----------------------------------------------------------------------------
    def find_case(self, case: str, jurisdiction: str | None, p: Principal) -> tuple[str, str]:
        """(jurisdiction, kind) of a case id; 404 when unknown, 422 when ambiguous."""
        if jurisdiction is not None:
            kind = self.ledger.case_kind(jurisdiction, case)
            if kind is None:
                raise not_found("case", case, "案件")
            return jurisdiction, kind
        found = [(j, k) for j in self.ledger.jurisdictions() if (k := self.ledger.case_kind(j, case))]
        found = [f for f in found if p.may_see_jurisdiction(f[0])]
        if not found:
            raise not_found("case", case, "案件")
        if len(found) > 1:
            js = ", ".join(j for j, _ in found)
            raise invalid(
                "jurisdiction",
                f"案件 {case} 存在于多个辖区（{js}），请给出 jurisdiction",
                f"case '{case}' exists in several jurisdictions ({js}): pass ?jurisdiction=",
                "ambiguous_case",
            )
        return found[0]

    def case_version(self, j: str, case: str) -> int:
        return self.current_versions(j, [case]).get(case, 0)

    def current_versions(self, j: str, cases: Iterable[str]) -> dict[str, int]:
        """Each case's current version (0 for a new case)."""
        cases = list(dict.fromkeys(cases))
        have = self.ledger.case_versions(j, cases)
        return {c: have[c][0] if c in have else 0 for c in cases}

    def acts_by_ids(self, j: str, ids: Sequence[str]) -> list[Act]:
        """Stored acts by id (in chain order); unknown ids are skipped."""
        ids = list(dict.fromkeys(i for i in ids if isinstance(i, str)))
        found: list[tuple[int, bytes]] = []
        led = self.ledger
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            # ordered here, not in SQL: an ORDER BY seq makes SQLite walk the jurisdiction's
            # whole chain in seq order instead of looking the ids up (≈ 1 s at 1 M acts)
            rows = led.query(
                f"SELECT c.seq AS seq, e.state AS state FROM {led.t_chain} c JOIN {led.t_events} e "
                "ON e.originator_id=c.originator_id AND e.originator_version=c.originator_version "
                f"WHERE c.jurisdiction=? AND c.act_id IN ({','.join('?' * len(chunk))})",
                [j, *chunk],
            )
            found.extend((int(_col(r, "seq", 0)), bytes(_col(r, "state", 1))) for r in rows)
        return [codec.decode(state) for _seq, state in sorted(found, key=lambda f: f[0])]

    def recorded(self, j: str, ids: Sequence[str]) -> dict[str, tuple[datetime, int]]:
        """Recorded time and chain seq of stored acts, by id."""
        led = self.ledger
        out: dict[str, tuple[datetime, int]] = {}
        ids = list(dict.fromkeys(ids))
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            rows = led.query(
                f"SELECT act_id, recorded_us, seq FROM {led.t_chain} WHERE jurisdiction=? "
                f"AND act_id IN ({','.join('?' * len(chunk))})",
                [j, *chunk],
            )
            for r in rows:
                out[str(_col(r, "act_id", 0))] = (
                    codec.from_micros(int(_col(r, "recorded_us", 1))),
                    int(_col(r, "seq", 2)),
                )
        return out

    # ---- follow-up ------------------------------------------------------------------------
    def followup(self, j: str, violation: str) -> tuple[list[Act], str, int]:
        """The follow-up history of a violation, its status and the follow-up case version."""
        hist = [a for a in self.ledger.case_history(j, violation) if a.kind == "followup"]
        if not hist:
            return [], "open", 0
        effective = Case.of(hist).acts
        return hist, followup_status(effective), self.case_version(j, violation)

    def statuses(self, violations: Iterable[str] | None = None) -> dict[str, str]:
        """Status of every violation that has follow-up acts (violation id → status), or of those
        of ``violations`` that have, read from the case view: a follow-up case's id is its
        violation's id, its last act its status."""
        proj = self.projection()
        sql = f"SELECT case_id, last_act FROM {proj.t_c} WHERE kind='followup'"
        if violations is None:
            rows = self.ledger.query(sql)
        else:
            wanted = list(dict.fromkeys(violations))
            rows = []
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                rows += self.ledger.query(f"{sql} AND case_id IN ({','.join('?' * len(chunk))})", chunk)
        return {str(_col(r, "case_id", 0)): STATUS_AFTER.get(str(_col(r, "last_act", 1)), "open") for r in rows}

    # ---- acting on the caller's behalf ------------------------------------------------------
    def actor_unit(
        self, p: Principal, j: str, org: OrgChart | None = None, *, fallback: str | None = None
    ) -> str | None:
        """The unit an oversight act is recorded for: the token's unit, else the office
        (``org``: the jurisdiction's chart, when the caller has read it already)."""
        org = org if org is not None else self.ledger.org(j)
        for u in p.units:
            if org.is_unit(u):
                return u
        for unit in (org.office_unit(), org.government_unit()):
            if unit is not None:
                return unit.id
        if fallback and org.is_unit(fallback):
            return fallback
        return next(iter(org.units), None)

    def log_access(
        self, p: Principal, resource: str, query: Mapping[str, Any], jurisdictions: Iterable[str] | None = None
    ) -> int:
        """Record an ``access``/``viewed`` act for a read by an auditor or supervisor (in each
        jurisdiction the read covered), group-committed; returns once stored (:mod:`api.accesslog`).
        Returns the number of acts recorded."""
        if not p.logged:
            return 0
        acts = access_acts(self.ledger, p, resource, query, jurisdictions, now=self.now(), unit_of=self.actor_unit)
        self.access_log.record(acts)
        return len(acts)

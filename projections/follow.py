"""Long-running followers of the log (跟随进程) and how far behind the views are (视图滞后).

``ledger follow`` keeps the audit views within about a second of an append: on PostgreSQL it
is woken by ``NOTIFY`` (a statement trigger on the events table notifies :data:`CHANNEL`
after every insert), on SQLite it polls. Several followers share the jurisdictions by hash
(:func:`projections.audit.partition_of`), each with its own tracking position (its own
tracking application name, ``audit:K/N``) against one database — the database is the
coordinator; a follower killed anywhere resumes from its position and its pending work.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

from ledger.store import Ledger, _col
from projections.audit import NAME, AuditProjection, follower_name

#: The channel appends notify on PostgreSQL (the payload is the ledger's schema).
CHANNEL = "ledger_acts"
#: ``LEDGER_FOLLOWERS``: how many ``ledger follow`` processes keep the views; ``ledger serve``
#: then leaves catching up to them (unset or 0: each request catches up, a bounded amount).
ENV_FOLLOWERS = "LEDGER_FOLLOWERS"


def followers_configured() -> int:
    """The number of external followers ``LEDGER_FOLLOWERS`` names (0: none)."""
    try:
        return max(0, int(os.environ.get(ENV_FOLLOWERS, "0") or 0))
    except ValueError:
        return 0


def install_notify(ledger: Ledger) -> None:
    """PostgreSQL: the trigger that notifies :data:`CHANNEL` after each insert of acts (idempotent)."""
    if not ledger.is_postgres:
        return
    schema = ledger.config.schema
    fn = f'"{schema}".ledger_notify_acts'
    with ledger.schema_lock(), ledger.datastore.transaction(commit=True) as c:
        c.execute(
            f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN PERFORM pg_notify('{CHANNEL}', '{schema}'); RETURN NULL; END $$"
        )
        # created once, not dropped and created on every start: that takes the events table's
        # ACCESS EXCLUSIVE lock while writers append (a deadlock with one that has read it)
        c.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'ledger_notify_acts' "
            f"AND tgrelid = '{ledger.t_events}'::regclass) THEN "
            f"CREATE TRIGGER ledger_notify_acts AFTER INSERT ON {ledger.t_events} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {fn}(); END IF; END $$"
        )


def positions(ledger: Ledger) -> dict[str, int]:
    """Every audit follower's saved position (``audit``, ``audit:K/N`` …)."""
    table = f'"{ledger.config.schema}".notification_tracking' if ledger.is_postgres else "tracking"
    rows = ledger.query(
        f"SELECT application_name, MAX(notification_id) AS n FROM {table} "
        f"WHERE application_name=? OR application_name LIKE ? GROUP BY application_name",
        [NAME, f"{NAME}:%"],
    )
    return {str(_col(r, "application_name", 0)): int(_col(r, "n", 1) or 0) for r in rows}


def views_lag(ledger: Ledger, followers: int = 1) -> int:
    """Acts stored but not yet in the views, for ``followers`` sharing them (the furthest behind)."""
    head = ledger.max_notification_id()
    saved = positions(ledger)
    names = [follower_name((k, followers)) for k in range(max(1, followers))]
    return max(head - saved.get(n, 0) for n in names)


def follow(
    ledger: Ledger,
    *,
    partition: tuple[int, int] | None = None,
    interval: float = 0.5,
    workers: int = 1,
    stop: threading.Event | None = None,
    progress: Callable[[int], None] | None = None,
    on_run: Callable[[int], None] | None = None,
) -> None:
    """Keep the views up to date until ``stop`` is set: catch up, then wait for a NOTIFY
    (PostgreSQL) or ``interval`` seconds (SQLite; on PostgreSQL the longest wait)."""
    stop = stop or threading.Event()
    p = AuditProjection(ledger, partition=partition)
    listener: Any = None
    if ledger.is_postgres:
        install_notify(ledger)
        listener = _listen(ledger)
    try:
        first = True
        while not stop.is_set():
            n = p.run(workers=workers, progress=progress if first else None)
            p.save_position()
            first = False
            if on_run is not None:
                on_run(n)
            if n:
                continue
            if listener is not None:
                for _note in listener.notifies(timeout=interval, stop_after=1):
                    pass
            else:
                stop.wait(interval)
    finally:
        if listener is not None:
            listener.close()


def _listen(ledger: Ledger) -> Any:
    conn = ledger.config.pg_connect()
    conn.execute(f"LISTEN {CHANNEL}")
    return conn

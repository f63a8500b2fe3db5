"""What the pages read from the audit views, kept until the data under it changes (视图缓存).

The dashboard's aggregates, a filtered list's total and a finished month's bulletin read many
rows of the views; they change only when an act is stored. A result is kept under its key and
the *version* of the jurisdictions it covers — each one's newest act that is not a read (the
access log's own acts never reach the views, and every read adds one), or, for a result read
from some kinds of case only (the bulletin: supervision items and the org chart), the newest
act of those kinds. Take the version
*before* the projection catches up: a result is then never kept under a version newer than the
acts it saw, so a later act always makes the next read compute afresh. One cache per app (per
worker process); thread-safe; the oldest entries are dropped past ``size``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from ledger import codec
from ledger.store import Ledger, _col

T = TypeVar("T")
Version = tuple[tuple[str, int], ...]


def newest_act(led: Ledger, j: str, kinds: Sequence[str] = ()) -> tuple[int, datetime] | None:
    """Chain position and recorded time of a jurisdiction's newest act that is not a read (of
    one of ``kinds``, when given)."""
    cond, params = ("kind<>'access'", []) if not kinds else (f"kind IN ({','.join('?' * len(kinds))})", list(kinds))
    rows = led.query(
        f"SELECT seq, recorded_us FROM {led.t_chain} WHERE jurisdiction=? AND {cond} ORDER BY seq DESC LIMIT 1",
        [j, *params],
    )
    if not rows:
        return None
    return int(_col(rows[0], "seq", 0)), codec.from_micros(int(_col(rows[0], "recorded_us", 1)))


class ViewCache:
    """Results by (key, version); see the module docstring."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[Hashable, Version], Any] = OrderedDict()

    @staticmethod
    def version(led: Ledger, jurisdictions: Sequence[str], kinds: Sequence[str] = ()) -> Version:
        """The data version of ``jurisdictions``: each one's newest act that is not a read — or,
        for a result that reads only some kinds of case, the newest act of one of ``kinds``."""
        return tuple((j, n[0] if (n := newest_act(led, j, kinds)) else 0) for j in sorted(set(jurisdictions)))

    def get(self, key: Hashable, version: Version | None, compute: Callable[[], T]) -> T:
        """The result kept for ``key`` at ``version``, else ``compute()`` (kept; with no version —
        the views behind the acts — computed and not kept)."""
        if version is None:
            return compute()
        k = (key, version)
        with self._lock:
            if k in self._items:
                self._items.move_to_end(k)
                return self._items[k]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            self._items[k] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

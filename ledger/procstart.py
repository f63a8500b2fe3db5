"""How this ledger starts its helper processes (进程启动方式): an import's validator, a rebuild's workers."""

from __future__ import annotations

import sys
import threading


def start_method() -> str:
    """``fork`` on Linux while this process runs one thread (a copy of it starts at once, its
    modules loaded; it opens connections of its own and never touches the ones it inherited —
    a forked child ends with ``os._exit``, so not even a finalizer closes them), else ``spawn``
    — a fresh interpreter (≈ 0.3 s more): forking beside other threads can copy a lock one of
    them holds, and macOS's system libraries do not survive a fork without exec."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"

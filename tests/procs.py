"""What the kernel says of processes and sockets (/proc, Linux): for the tests that start
servers and imports as real processes and check what they left behind."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path


def _stats() -> Iterator[tuple[int, list[str]]]:
    """Each live process with the fields of its ``stat`` after the command name (state, ppid, pgrp …)."""
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:  # ended meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":  # a zombie is not alive
            yield int(d.name), fields


def group(pgid: int) -> list[int]:
    """The live processes of a process group."""
    return [pid for pid, f in _stats() if int(f[2]) == pgid]


def children(pid: int) -> list[int]:
    """The live children of a process."""
    return [p for p, f in _stats() if int(f[1]) == pid]


def _tcp(port: int, state: str) -> Iterator[str]:
    """The socket inodes of the kernel's TCP table on local ``port`` in ``state`` (hex code)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as fh:
            for line in fh.readlines()[1:]:
                f = line.split()
                if int(f[1].rsplit(":", 1)[1], 16) == port and f[3] == state:
                    yield f[9]


def listening(port: int) -> int:
    """How many sockets listen on ``port``."""
    return sum(1 for _ in _tcp(port, "0A"))


def established(pids: list[int], port: int) -> dict[int, int]:
    """How many connections to ``port`` each process holds open (its socket descriptors matched
    with the established connections of the kernel's table)."""
    inodes = set(_tcp(port, "01"))
    out = {}
    for pid in pids:
        links = []
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                links.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
            except OSError:  # closed meanwhile
                continue
        out[pid] = sum(link.startswith("socket:[") and link[8:-1] in inodes for link in links)
    return out

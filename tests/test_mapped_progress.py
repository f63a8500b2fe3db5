"""A long import through a mapping shows the rows done, their rate and the time left (导入进度)."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from api.cli.records import RowsProgress
from ledger.mapping import import_mapped
from ledger.store import Ledger
from tests.claims import LOG, write_claims


def test_import_mapped_reports_the_rows_read_with_the_bytes(tmp_path: Path) -> None:
    rows = "".join(f"{100 + i},submit,2024-03-05 09:00,ann,{i}\n" for i in range(2500))
    m, log, _ = write_claims(tmp_path, log=LOG + rows)
    read: list[int] = []
    done: list[int] = []
    with Ledger(f"sqlite:///{tmp_path / 'x.db'}") as led:
        import_mapped(led, log, m, progress=done.append, rows=read.append, batch=1000)
    assert sum(read) == len((LOG + rows).splitlines()) - 1  # every row but the header
    assert len(read) >= 3 and sum(done) == log.stat().st_size


def test_the_mapped_import_progress_shows_rows_rate_and_time_left() -> None:
    console = Console(file=io.StringIO(), force_terminal=True, width=140)
    p = RowsProgress.on(console, "log.xes.gz", 1000)
    assert p is not None
    p.bytes(500)
    p.rows(2000)
    console.print(p.bar.make_tasks_table(p.bar.tasks))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "log.xes.gz" in text and "50%" in text and "2,000 rows" in text and "rows/s" in text
    assert "-:--:--" in text or "0:00:" in text  # the time left column


def test_no_progress_is_drawn_when_stderr_is_not_a_terminal() -> None:
    assert RowsProgress.on(Console(file=io.StringIO(), force_terminal=False), "log.csv", 10) is None

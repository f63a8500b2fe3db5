"""The ``ledger`` command (命令行): the application object and what every command shares.

Every command takes ``--db URL`` (or ``LEDGER_DB``; default: ``ledger.db`` in the working
directory). Times are RFC 3339; a bare date means the end of that day, Beijing time.
Messages are in Chinese with English beside them (``--lang en`` for English only).
"""

import sys
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from domain.errors import LedgerError
from domain.timeutil import CHINA_TZ, end_of_day, parse_date, parse_datetime

app = typer.Typer(
    help="程序合规账本 — compliance ledger: record acts, replay cases, verify integrity, flag violations.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)


class State:
    db: str | None = None
    lang: str = "zh"


state = State()


@app.callback()
def _global(
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL: sqlite:///file.db or postgresql://… (env LEDGER_DB)")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="zh (中文, default) or en")] = "zh",
) -> None:
    state.db = db
    state.lang = lang


def _ledger() -> Any:
    from ledger.store import Ledger

    return Ledger(state.db)


def _msg(zh: str, en: str) -> str:
    return en if state.lang == "en" else f"{zh} / {en}"


def _fail(e: Exception, code: int = 2) -> typer.Exit:
    if isinstance(e, LedgerError):
        err.print(f"[red]{_msg(e.message_zh, e.message_en)}[/red]")
    else:
        err.print(f"[red]{e}[/red]")
    return typer.Exit(code)


def parse_time(value: str, name: str) -> datetime:
    """A CLI time: RFC 3339, or a bare date meaning the end of that day (Beijing time)."""
    try:
        if len(value.strip()) == 10:
            return end_of_day(parse_date(value), CHINA_TZ)
        return parse_datetime(value, default_tz=CHINA_TZ)
    except ValueError as e:
        raise typer.BadParameter(f"{value!r} is not a time (RFC 3339 or YYYY-MM-DD)", param_hint=name) from e


class RateColumn(TextColumn):
    """Rows a second (行/秒)."""

    def __init__(self) -> None:
        super().__init__("")

    def render(self, task: Any) -> Any:
        from rich.text import Text

        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f}/s" if speed else "")


def _progress(total: int | None, label: str, *, force: bool = False, auto_refresh: bool = True) -> Progress | None:
    """A progress bar on stderr (rows done, rate, time left) when it is a terminal, or ``force``.
    ``auto_refresh=False``: drawn when the caller refreshes it, with no thread of its own (an
    import forks its validator only from a process of one thread)."""
    if not (force or err.is_terminal):
        return None
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=not force,
        auto_refresh=auto_refresh,
    )


def main() -> None:
    try:
        app()
    except LedgerError as e:
        err.print(f"[red]{_msg(e.message_zh, e.message_en)}[/red]")
        sys.exit(2)

"""``ledger import | export | replay | verify | checkpoint`` — the records themselves (记录)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table

from api.cli.base import _fail, _ledger, _msg, _progress, app, err, out, parse_time
from domain.errors import LedgerError
from domain.timeutil import utcnow


# ---- import / export ------------------------------------------------------------------
class RowsProgress:
    """A long import's progress (导入进度): the bar and time left by bytes of the file, with the
    rows read and their rate — a mapped log's rows are not its bytes (gzip, wide rows)."""

    def __init__(self, console: Console, label: str, size: int) -> None:
        self.bar = Progress(
            TextColumn(label),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[done]} rows"),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self.task = self.bar.add_task(label, total=size, done="0", rate="")
        self.count = 0
        self.start = time.monotonic()

    @classmethod
    def on(cls, console: Console, label: str, size: int) -> RowsProgress | None:
        """A progress display on ``console`` if it is a terminal (else None: nothing is drawn)."""
        return cls(console, label, size) if console.is_terminal else None

    def bytes(self, n: int) -> None:
        self.bar.advance(self.task, n)

    def rows(self, n: int) -> None:
        self.count += n
        per_s = self.count / max(time.monotonic() - self.start, 1e-6)
        self.bar.update(self.task, done=f"{self.count:,}", rate=f"{per_s:,.0f} rows/s")


@app.command("import")
def import_cmd(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Org chart (.yaml/.yml/.json) and act logs (.jsonl); with --mapping, CSV/XES(.gz) logs"),
    ],
    jurisdiction: Annotated[str | None, typer.Option(help="Jurisdiction for lines that do not name one")] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="Column mapping (YAML) for CSV/XES process logs: see examples/README.md")
    ] = None,
) -> None:
    """Import org charts and act logs (导入). Exits 1 when any line was rejected."""
    from ledger.importer import Importer, ImportResult
    from ledger.mapping import import_mapped

    total = ImportResult()
    with _ledger() as ledger:
        for p in paths:
            if not p.exists():
                raise _fail(LedgerError(f"文件不存在: {p}", f"no such file: {p}", code="no_file"))
            size = p.stat().st_size
            bar = _progress(size, f"{p.name}", auto_refresh=False)
            importer = Importer(ledger, jurisdiction=jurisdiction)
            if mapping is not None:  # a CSV/XES process log with a column mapping
                if not mapping.exists():
                    raise _fail(LedgerError(f"文件不存在: {mapping}", f"no such file: {mapping}", code="no_file"))
                rows_bar = RowsProgress.on(err, p.name, size)
                try:
                    if rows_bar is None:
                        res = import_mapped(ledger, p, mapping)
                    else:
                        with rows_bar.bar:
                            res = import_mapped(ledger, p, mapping, progress=rows_bar.bytes, rows=rows_bar.rows)
                except LedgerError as e:
                    raise _fail(e) from e
            elif bar is None or not p.name.endswith(".jsonl"):
                res = importer.import_path(p)
            else:
                with bar:
                    task = bar.add_task(p.name, total=size)
                    bar.refresh()

                    def read(n: int, task: Any = task, bar: Progress = bar) -> None:
                        bar.update(task, advance=n, refresh=True)

                    res = importer.import_path(p, progress_bytes=read)
            for bad in res.rejected:
                err.print(
                    f"[yellow]{bad.source}:{bad.line}[/yellow] {bad.field or '-'}: {_msg(bad.message_zh, bad.message_en)}"
                )
            for w in res.warnings:  # one line each, unwrapped: a script may grep them
                err.print(
                    f"[cyan]{w.source}:{w.line}[/cyan] {_msg('警告', 'warning')}: {_msg(w.message_zh, w.message_en)}",
                    soft_wrap=True,
                )
            total.merge(res)
    s = {**total.summary(), "warnings": len(total.warnings)}
    out.print(
        _msg(
            f"导入 {s['imported']} 条，重复 {s['duplicate']} 条，拒绝 {s['rejected']} 条，警告 {s['warnings']} 条",
            f"imported {s['imported']}, duplicate {s['duplicate']}, rejected {s['rejected']}, warnings {s['warnings']}",
        )
    )
    if total.rejected:
        raise typer.Exit(1)


@app.command("export")
def export_cmd(
    path: Annotated[Path, typer.Argument(help="Output file")],
    jurisdiction: Annotated[str | None, typer.Option(help="Only this jurisdiction")] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="jsonl (the contract), csv, parquet or xes (.xes.gz gzips)")
    ] = "jsonl",
) -> None:
    """Export acts to the contract's JSONL, CSV, Parquet or XES (导出)."""
    from ledger.exporter import export
    from projections.formats import write_parquet, write_xes

    if fmt not in ("jsonl", "csv", "parquet", "xes"):
        raise typer.BadParameter("jsonl, csv, parquet or xes", param_hint="--format")
    with _ledger() as ledger:
        if fmt == "xes":
            n = write_xes(ledger, path, jurisdiction=jurisdiction)
            out.print(_msg(f"已导出 {n} 个案件轨迹到 {path}", f"exported {n} case traces to {path}"))
            return
        n = (
            write_parquet(ledger, path, jurisdiction=jurisdiction)
            if fmt == "parquet"
            else export(ledger, path, fmt=fmt, jurisdiction=jurisdiction)
        )
    out.print(_msg(f"已导出 {n} 条到 {path}", f"exported {n} acts to {path}"))


# ---- replay -----------------------------------------------------------------------------
def _find_jurisdiction(ledger: Any, case: str, jurisdiction: str | None) -> str:
    if jurisdiction:
        return jurisdiction
    found = [j for j in ledger.jurisdictions() if ledger.case_kind(j, case)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise _fail(LedgerError(f"找不到案件 {case}", f"no case '{case}'", code="not_found"), 1)
    raise _fail(
        LedgerError(
            f"案件 {case} 存在于多个辖区，请用 --jurisdiction",
            f"case '{case}' exists in several jurisdictions: pass --jurisdiction",
            code="ambiguous",
        )
    )


@app.command("replay")
def replay_cmd(
    case: Annotated[str, typer.Argument(help="Case id")],
    jurisdiction: Annotated[str | None, typer.Option(help="Jurisdiction (when the case id is not unique)")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Business time: what had happened by then")] = None,
    recorded_as_of: Annotated[
        str | None, typer.Option("--recorded-as-of", help="Recorded time: what the ledger held then")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Replay a case: its timeline, state and violations, as of any moment (回放)."""
    from ledger.replay import replay

    with _ledger() as ledger:
        j = _find_jurisdiction(ledger, case, jurisdiction)
        r = replay(
            ledger,
            j,
            case,
            as_of=parse_time(as_of, "--as-of") if as_of else None,
            recorded_as_of=parse_time(recorded_as_of, "--recorded-as-of") if recorded_as_of else None,
        )
    if fmt == "json":
        out.print_json(json.dumps(r, ensure_ascii=False, default=str))
        return
    if not r["timeline"]:
        out.print(_msg("该时点尚无记录", "nothing recorded for this case at that moment"))
        return
    t = Table(title=f"{case} ({r['state']['kind']}) — {j}")
    for col in ("at", "act", "by", "unit", "data", "recorded_at"):
        t.add_column(col)
    for a in r["timeline"]:
        t.add_row(
            a["at"],
            a["act"],
            a["by"],
            a["unit"],
            json.dumps(a["data"], ensure_ascii=False)[:60],
            a.get("recorded_at") or "",
        )
    out.print(t)
    s = r["state"]
    out.print(
        _msg(
            f"状态: {'办理中' if s['open'] else '已办结'}，环节 {s['stage']}",
            f"state: {'open' if s['open'] else 'closed'}, stage {s['stage']}",
        )
    )
    for v in r["violations"]:
        out.print(f"[red]{v['rule']}[/red] {v['article']} {v['severity']}: {_msg(v['message_zh'], v['message_en'])}")


# ---- integrity --------------------------------------------------------------------------
@app.command("verify")
def verify_cmd(
    checkpoint: Annotated[
        Path | None, typer.Option("--checkpoint", help="A checkpoint JSON kept elsewhere, to compare with")
    ] = None,
    pubkey: Annotated[
        Path | None,
        typer.Option("--pubkey", help="Public key (from ledger keygen): the checkpoint must carry its signature"),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text",
) -> None:
    """Recompute the hash chain; exit 0 when intact, 1 with a report when not (校验)."""
    from ledger.integrity import verify

    if pubkey is not None and checkpoint is None:
        err.print(_msg("--pubkey 需与 --checkpoint 一起使用", "--pubkey checks a --checkpoint: give one"))
        raise typer.Exit(2)
    try:
        against = json.loads(checkpoint.read_text(encoding="utf-8")) if checkpoint else None
        public = pubkey.read_bytes() if pubkey else None
        with _ledger() as ledger:
            rep = verify(ledger, against=against, public_key=public)
    except (OSError, ValueError, LedgerError) as e:
        raise _fail(e) from e
    if fmt == "json":
        out.print_json(json.dumps(rep.as_dict(), ensure_ascii=False))
    elif rep.ok:
        out.print(_msg(f"完整：已校验 {rep.checked} 条记录", f"intact: {rep.checked} records verified"))
    else:
        for p in rep.problems:
            where = escape(f"{p.jurisdiction} #{p.seq} {p.act_id}" + (f" [{p.column}]" if p.column else ""))
            out.print(f"[red]{where}[/red]: {escape(_msg(p.reason_zh, p.reason_en))}")
    if not rep.ok:
        raise typer.Exit(1)


@app.command("checkpoint")
def checkpoint_cmd(
    sign: Annotated[
        str | None,
        typer.Option(
            "--sign",
            envvar="LEDGER_SIGNING_KEY",
            help="Sign with this Ed25519 private key file (from ledger keygen); env LEDGER_SIGNING_KEY",
        ),
    ] = None,
) -> None:
    """Print the chain heads (head hash + count per jurisdiction) to keep elsewhere (检查点);
    signed, whoever can write the database cannot forge one."""
    from ledger.integrity import checkpoint, sign_checkpoint

    try:
        key = Path(sign).read_bytes() if sign else None
        with _ledger() as ledger:
            cp = checkpoint(ledger)
        cp["taken_at"] = utcnow().isoformat()
        if key is not None:
            cp = sign_checkpoint(cp, key)
    except (OSError, LedgerError) as e:
        raise _fail(e) from e
    print(json.dumps(cp, ensure_ascii=False, indent=2))


@app.command("keygen")
def keygen_cmd(
    path: Annotated[
        Path, typer.Argument(help="Private key file to write (mode 0600); the public key goes to PATH.pub")
    ],
) -> None:
    """A new Ed25519 key pair for signed checkpoints (签名密钥): keep the private key off the
    database's machine, give the public key to whoever verifies."""
    from ledger.integrity import generate_key

    pub = path.with_name(path.name + ".pub")
    for p in (path, pub):
        if p.exists():
            err.print(_msg(f"{p} 已存在，不覆盖", f"{p} exists: not overwritten"))
            raise typer.Exit(2)
    private, public = generate_key()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(private)
        pub.write_bytes(public)
    except OSError as e:
        raise _fail(e) from e
    out.print(_msg(f"私钥：{path}（仅本人可读）；公钥：{pub}", f"private key: {path} (owner only); public key: {pub}"))

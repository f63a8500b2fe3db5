"""The ``ledger`` command (命令行): import, export, replay, verify, checkpoint, demo, tick,
violations, rebuild, rules.

Every command takes ``--db URL`` (or ``LEDGER_DB``; default: ``ledger.db`` in the working
directory). Times are RFC 3339; a bare date means the end of that day, Beijing time.
Messages are in Chinese with English beside them (``--lang en`` for English only).
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from domain.errors import LedgerError
from domain.timeutil import CHINA_TZ, end_of_day, parse_date, parse_datetime, utcnow

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


def _progress(total: int | None, label: str) -> Progress | None:
    if not err.is_terminal:
        return None
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


# ---- import / export ------------------------------------------------------------------
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
            bar = _progress(size, f"{p.name}")
            importer = Importer(ledger, jurisdiction=jurisdiction)
            if mapping is not None:  # a CSV/XES process log with a column mapping
                if not mapping.exists():
                    raise _fail(LedgerError(f"文件不存在: {mapping}", f"no such file: {mapping}", code="no_file"))
                try:
                    if bar is None:
                        res = import_mapped(ledger, p, mapping)
                    else:
                        with bar:
                            task = bar.add_task(p.name, total=size)
                            res = import_mapped(ledger, p, mapping, progress=partial(bar.advance, task))
                except LedgerError as e:
                    raise _fail(e) from e
            elif bar is None or not p.name.endswith(".jsonl"):
                res = importer.import_path(p)
            else:
                with bar, p.open(encoding="utf-8") as fh:
                    task = bar.add_task(p.name, total=size)

                    def lines(fh: Any = fh, task: Any = task, bar: Progress = bar) -> Any:
                        for line in fh:
                            bar.advance(task, len(line.encode()))
                            yield line

                    res = importer.import_lines(lines(), source=str(p))
            for bad in res.rejected:
                err.print(
                    f"[yellow]{bad.source}:{bad.line}[/yellow] {bad.field or '-'}: {_msg(bad.message_zh, bad.message_en)}"
                )
            total.merge(res)
    s = total.summary()
    out.print(
        _msg(
            f"导入 {s['imported']} 条，重复 {s['duplicate']} 条，拒绝 {s['rejected']} 条",
            f"imported {s['imported']}, duplicate {s['duplicate']}, rejected {s['rejected']}",
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
    from ledger.formats import write_parquet, write_xes

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
    fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text",
) -> None:
    """Recompute the hash chain; exit 0 when intact, 1 with a report when not (校验)."""
    from ledger.integrity import verify

    against = json.loads(checkpoint.read_text()) if checkpoint else None
    with _ledger() as ledger:
        rep = verify(ledger, against=against)
    if fmt == "json":
        out.print_json(json.dumps(rep.as_dict(), ensure_ascii=False))
    elif rep.ok:
        out.print(_msg(f"完整：已校验 {rep.checked} 条记录", f"intact: {rep.checked} records verified"))
    else:
        for p in rep.problems:
            out.print(f"[red]{p.jurisdiction} #{p.seq} {p.act_id}[/red]: {_msg(p.reason_zh, p.reason_en)}")
    if not rep.ok:
        raise typer.Exit(1)


@app.command("checkpoint")
def checkpoint_cmd() -> None:
    """Print the chain heads (head hash + count per jurisdiction) to keep elsewhere (检查点)."""
    from ledger.integrity import checkpoint

    with _ledger() as ledger:
        cp = checkpoint(ledger)
    cp["taken_at"] = utcnow().isoformat()
    print(json.dumps(cp, ensure_ascii=False, indent=2))


# ---- clock and audit ------------------------------------------------------------------
@app.command("tick")
def tick_cmd(
    now: Annotated[str, typer.Option("--now", help="The moment to run the clock at (RFC 3339)")],
    jurisdiction: Annotated[str | None, typer.Option(help="Only this jurisdiction")] = None,
) -> None:
    """Record deadline_missed for every obligation past due by NOW (时钟)."""
    from ledger.clock import tick

    with _ledger() as ledger:
        res = tick(ledger, parse_time(now, "--now"), jurisdiction=jurisdiction)
    out.print(_msg(f"记录逾期 {res.recorded} 条", f"recorded {res.recorded} deadline_missed acts"))
    for rule, n in sorted(res.by_rule.items()):
        out.print(f"  {rule}: {n}")


def _projection(ledger: Any, show: bool = True) -> Any:
    from projections.audit import AuditProjection

    p = AuditProjection(ledger)
    lag = p.lag()
    bar = _progress(lag, "projection") if show and lag > 5000 else None
    if bar is None:
        p.run()
    else:
        with bar:
            task = bar.add_task("projection", total=lag)
            p.run(progress=lambda n: bar.advance(task, n))
    return p


VIOLATION_COLUMNS = (
    "id",
    "rule",
    "family",
    "pack",
    "article",
    "severity",
    "jurisdiction",
    "case",
    "kind",
    "unit",
    "person",
    "post",
    "at",
    "evidence",
    "message",
    "message_en",
)


@app.command("violations")
def violations_cmd(
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv")] = "table",
    rule: Annotated[str | None, typer.Option(help="Rule ID, e.g. INC-PHONE-DEADLINE")] = None,
    family: Annotated[str | None, typer.Option(help="Family, e.g. ESC")] = None,
    case: Annotated[str | None, typer.Option(help="Case id")] = None,
    unit: Annotated[str | None, typer.Option(help="Unit id")] = None,
    severity: Annotated[str | None, typer.Option(help="high, medium or low")] = None,
    since: Annotated[str | None, typer.Option(help="From this business time")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this business time")] = None,
    jurisdiction: Annotated[str | None, typer.Option(help="Only this jurisdiction")] = None,
) -> None:
    """List violations, each citing its article and evidence acts (违规清单)."""
    if fmt not in ("table", "json", "csv"):
        raise typer.BadParameter("table, json or csv", param_hint="--format")
    with _ledger() as ledger:
        p = _projection(ledger, show=fmt == "table")
        vs = p.violations(
            rule=rule,
            family=family.upper() if family else None,
            case=case,
            unit=unit,
            severity=severity,
            since=parse_time(since, "--since") if since else None,
            until=parse_time(until, "--until") if until else None,
            jurisdiction=jurisdiction,
        )
    rows = [{k: v.get(k) for k in VIOLATION_COLUMNS} for v in vs]
    if fmt == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        w = csv.DictWriter(sys.stdout, fieldnames=VIOLATION_COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow({**r, "evidence": " ".join(r["evidence"])})
    else:
        t = Table(title=_msg(f"违规 {len(rows)} 条", f"{len(rows)} violations"))
        for col in ("at", "rule", "article", "severity", "case", "unit", "message"):
            t.add_column(col)
        for r in rows:
            t.add_row(
                r["at"][:16],
                r["rule"],
                r["article"],
                r["severity"],
                r["case"],
                r["unit"] or "",
                (r["message"] if state.lang != "en" else r["message_en"])[:70],
            )
        out.print(t)


@app.command("rebuild")
def rebuild_cmd() -> None:
    """Rebuild all projections from the stored acts (重建投影)."""
    from projections.audit import AuditProjection

    with _ledger() as ledger:
        p = AuditProjection(ledger)
        total = ledger.max_notification_id()
        bar = _progress(total, "rebuild")
        if bar is None:
            n = p.rebuild()
        else:
            with bar:
                task = bar.add_task("rebuild", total=total)
                n = p.rebuild(progress=lambda k: bar.advance(task, k))
    out.print(_msg(f"已重建，处理 {n} 条", f"rebuilt from {n} acts"))


@app.command("rules")
def rules_cmd(
    pack: Annotated[str | None, typer.Option(help="Only the rules this pack names, with its parameters")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """List the rule catalog, or the rules in force in one pack (规则)."""
    from domain.rules.packs import PACKS
    from domain.rules.registry import RULES

    if pack is not None and pack not in PACKS:
        raise _fail(
            LedgerError(f"未知规则包 {pack}", f"unknown pack '{pack}' (known: {', '.join(PACKS)})", code="unknown_pack")
        )
    rules = [r for r in RULES if pack is None or pack in r.citations]
    if fmt == "json":
        print(json.dumps([r.describe() for r in rules], ensure_ascii=False, indent=1, default=str))
        return
    t = Table(title=_msg(f"规则 {len(rules)} 条", f"{len(rules)} rules") + (f" — {pack}" if pack else ""))
    for col in ("id", "severity", "title", "articles", "params"):
        t.add_column(col)
    for r in rules:
        cites = [pack] if pack else list(r.citations)
        t.add_row(
            r.id,
            r.severity,
            r.title_zh if state.lang != "en" else r.title_en,
            "; ".join(r.article(p) for p in cites),
            json.dumps(dict(r.params_for(pack)), ensure_ascii=False, default=str) if pack else "",
        )
    out.print(t)


@app.command("status")
def status_cmd(
    now: Annotated[str, typer.Option("--now", help="The moment to look at (RFC 3339 or YYYY-MM-DD)")],
    jurisdiction: Annotated[str | None, typer.Option(help="Only this jurisdiction")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """What stands now: open cases, pending approvals, people on leave, overdue items (现状)."""
    from domain.rules.base import Case
    from domain.status import status
    from projections.queries import query_cases

    at = parse_time(now, "--now")
    reports = {}
    with _ledger() as ledger:
        p = _projection(ledger, show=fmt == "table")
        for j in [jurisdiction] if jurisdiction else ledger.jurisdictions():
            ids = [c["case"] for c in query_cases(p, jurisdiction=j, open_at=at)]
            cases = [Case.of(h) for h in (ledger.case_history(j, cid) for cid in ids) if h]
            reports[j] = status(cases, ledger.org(j), at)
    if fmt == "json":
        print(json.dumps({j: r.as_dict() for j, r in reports.items()}, ensure_ascii=False, indent=1))
        return
    for j, r in reports.items():
        out.rule(f"{j} — {r.now.isoformat()}")
        t = Table(title=_msg("办理中案件", "open cases"))
        for col in ("kind", "unit", "open"):
            t.add_column(col)
        for (k, u), n in sorted(r.open_cases.items()):
            t.add_row(k, u, str(n))
        out.print(t)
        out.print(
            _msg(
                f"待办 {len(r.pending)} 件，在外 {len(r.on_leave)} 人，超期督办 {len(r.overdue)} 项",
                f"{len(r.pending)} pending, {len(r.on_leave)} away, {len(r.overdue)} overdue items",
            )
        )
        for x in r.on_leave:
            out.print(f"  {_msg('在外', 'away')}: {x['name']} {x['since'][:16]} → {x['until'][:16]} ({x['case']})")
        for x in r.overdue:
            out.print(
                f"  {_msg('超期', 'overdue')}: {x['case']} {x['unit']} {_msg('逾期', 'late')} {x['days_overdue']} d"
            )


@app.command("bulletin")
def bulletin_cmd(
    month: Annotated[str, typer.Option("--month", help="YYYY-MM")],
    jurisdiction: Annotated[str | None, typer.Option(help="Only this jurisdiction")] = None,
    now: Annotated[str | None, typer.Option("--now", help="Cut-off inside the month (default: its end)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """The supervision bulletin of a month (督查通报, dongqu-2012:第一百一十三条): overdue and poor-quality items per unit."""
    from domain.bulletin import bulletin
    from domain.rules.engine import group_cases

    cut = parse_time(now, "--now") if now else None
    rows: dict[str, list[Any]] = {}
    with _ledger() as ledger:
        for j in [jurisdiction] if jurisdiction else ledger.jurisdictions():
            acts = []
            after: tuple[str, int] | None = None
            while True:
                page = ledger.acts(j, kind="supervision", after=after, limit=5000)
                acts += page
                if len(page) < 5000:
                    break
                after = (j, page[-1].seq or 0)
            try:
                rows[j] = bulletin(group_cases(acts), ledger.org(j), month, cut)
            except ValueError as e:
                raise typer.BadParameter(str(e), param_hint="--month") from e
    if fmt == "json":
        print(json.dumps({j: [r.to_dict() for r in rs] for j, rs in rows.items()}, ensure_ascii=False, indent=1))
        return
    for j, rs in rows.items():
        t = Table(title=f"督查通报 / supervision bulletin {month} — {j}")
        for col in ("unit", "overdue", "poor quality", "items"):
            t.add_column(col)
        for r in rs:
            t.add_row(
                f"{r.unit_name} ({r.unit})",
                str(r.overdue_count),
                str(r.poor_quality_count),
                " ".join(i.case for i in (*r.overdue, *r.poor_quality)),
            )
        out.print(t)


# ---- demo -------------------------------------------------------------------------------
@app.command("demo")
def demo_cmd(
    year: Annotated[int, typer.Option(help="Year of acts to generate")] = 2024,
    seed: Annotated[int, typer.Option(help="Random seed")] = 7,
) -> None:
    """Build realistic demo jurisdictions (a county of ~20 units, a year of acts) and audit them (演示)."""
    from ledger.clock import tick
    from ledger.demo import build_demo
    from ledger.importer import Importer
    from projections.queries import violations_by_family

    with _ledger() as ledger:
        for j in build_demo(year=year, seed=seed):
            imp = Importer(ledger)
            r1 = imp.import_chart(j.org, source=f"{j.org['jurisdiction']}.yaml")
            r2 = Importer(ledger, jurisdiction=j.org["jurisdiction"]).import_raws(
                j.acts, source=f"{j.org['jurisdiction']}.jsonl"
            )
            for e in r1.rejected + r2.rejected:
                err.print(f"[red]{e}[/red]")
            tk = tick(ledger, parse_datetime(j.clock), jurisdiction=j.org["jurisdiction"])
            out.print(
                _msg(
                    f"{j.org['jurisdiction']}（{j.org['pack']}）：导入 {r1.imported + r2.imported} 条（重复 {r1.duplicate + r2.duplicate}），时钟记录逾期 {tk.recorded} 条",
                    f"{j.org['jurisdiction']} ({j.org['pack']}): imported {r1.imported + r2.imported} (duplicate {r1.duplicate + r2.duplicate}), clock recorded {tk.recorded} deadline_missed",
                )
            )
        p = _projection(ledger)
        fam = violations_by_family(p)
        sample = (p.violations(family="LEV", limit=1) or p.violations(limit=1) or [{"case": "<CASE>"}])[0]["case"]
        db = ledger.config.url
    from domain.rules.base import FAMILIES

    t = Table(title=_msg("违规（按类别）", "violations by family"))
    t.add_column("family")
    t.add_column("名称")
    t.add_column("n", justify="right")
    for f, (zh, _en) in FAMILIES.items():
        t.add_row(f, zh, str(fam.get(f, 0)))
    out.print(t)
    out.print(
        _msg("接下来可以试试：", "Try next:")
        + f"\n  ledger --db {db} violations --family INC"
        + f"\n  ledger --db {db} violations --format json | head -40"
        + f"\n  ledger --db {db} replay {sample}"
        + f"\n  ledger --db {db} replay {sample} --as-of {year}-06-30"
        + f"\n  ledger --db {db} verify"
        + f"\n  ledger --db {db} checkpoint > checkpoint.json"
        + f"\n  ledger --db {db} rules --pack changle-2022"
        + f"\n  ledger --db {db} export --format csv acts.csv"
    )


def _wire_api() -> None:
    """``ledger token …`` (API tokens) and ``ledger serve`` (the FastAPI application)."""
    from api.commands import serve_cmd, token_app

    app.add_typer(token_app, name="token", help="API tokens by role (clerk, supervisor, auditor, admin) — 令牌")
    app.command("serve", help="Serve the HTTP API with uvicorn (OpenAPI at /docs) — 启动服务")(serve_cmd)


_wire_api()


def main() -> None:
    try:
        app()
    except LedgerError as e:
        err.print(f"[red]{_msg(e.message_zh, e.message_en)}[/red]")
        sys.exit(2)


if __name__ == "__main__":
    main()

"""``ledger pack check | diff`` — a rule pack checked and tried before it is adopted (规则包检查与试算)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from api.cli.base import _fail, _ledger, _msg, _progress, app, out, parse_time, state
from domain.errors import LedgerError

pack_app = typer.Typer(
    help="Check a rule pack and try it on the stored history before adopting it (规则包检查与试算).",
    no_args_is_help=True,
)
app.add_typer(pack_app, name="pack")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise _fail(LedgerError(f"无法读取 {path}", f"cannot read {path}: {e}", code="no_file")) from e


def _only_jurisdiction(ledger: Any, jurisdiction: str | None) -> str:
    if jurisdiction is not None:
        return jurisdiction
    js = ledger.jurisdictions()
    if len(js) == 1:
        return str(js[0])
    raise typer.BadParameter(
        f"the ledger holds {len(js)} jurisdictions ({', '.join(js) or 'none'}): name one", param_hint="--jurisdiction"
    )


@pack_app.command("diff")
def diff_cmd(
    draft: Annotated[Path, typer.Argument(help="The draft pack (YAML)")],
    jurisdiction: Annotated[
        str | None, typer.Option(help="Whose history to try it on (default: the only jurisdiction)")
    ] = None,
    now: Annotated[str | None, typer.Option("--now", help="Run the clock up to this time (default: now)")] = None,
    adopt_from: Annotated[
        str | None,
        typer.Option("--from", help="Adopt the draft from this date (default: in place of the pack in force)"),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    limit: Annotated[
        int | None, typer.Option(help="At most this many violations listed per rule (the counts are whole)")
    ] = None,
) -> None:
    """What DRAFT would add and remove against the pack in force, over the stored history, per rule (试算).

    Stores nothing. The draft replaces the pack in force from that pack's adoption date (or, when
    the jurisdiction already defined a pack with the draft's id, becomes its new text); the clock
    is run in memory at --now for both packs, so what the draft owes shows up as missing.
    """
    from domain.rules.packcheck import located_error
    from domain.rules.yamlpack import PackError
    from domain.timeutil import utcnow
    from projections.whatif import case_count, diff_pack

    if fmt not in ("table", "json"):
        raise typer.BadParameter("table or json", param_hint="--format")
    try:
        since = date.fromisoformat(adopt_from) if adopt_from else None
    except ValueError as e:
        raise typer.BadParameter(f"{adopt_from!r} is not a date (YYYY-MM-DD)", param_hint="--from") from e
    at = parse_time(now, "--now") if now else utcnow()
    source = _read(draft)
    with _ledger() as ledger:
        j = _only_jurisdiction(ledger, jurisdiction)
        bar = _progress(None, "diff") if fmt == "table" else None
        try:
            if bar is None:
                res = diff_pack(ledger, source, j, at, adopt_from=since)
            else:
                with bar:
                    task = bar.add_task("diff", total=case_count(ledger, j))
                    res = diff_pack(ledger, source, j, at, adopt_from=since, progress=lambda n: bar.advance(task, n))
        except PackError as e:
            raise _fail(located_error(e, str(draft))) from e
        except LedgerError as e:
            raise _fail(e) from e
    if fmt == "json":
        print(json.dumps(res.as_dict(limit), ensure_ascii=False, indent=1, default=str))
        return
    out.print(
        _msg(
            f"{j}：以 {res.draft} 代替 {res.in_force or '（无）'}，{res.cases} 个案件，"
            f"新增 {res.added}、消除 {res.removed}、变化 {res.changed} 条违规（未保存任何内容）",
            f"{j}: {res.draft} instead of {res.in_force or '(none)'} over {res.cases} cases: "
            f"{res.added} added, {res.removed} removed, {res.changed} changed (nothing stored)",
        )
    )
    t = Table()
    for col in ("rule", "added", "removed", "changed", "kept"):
        t.add_column(col)
    for r in res.rules:
        t.add_row(r.rule, str(len(r.added)), str(len(r.removed)), str(len(r.changed)), str(r.kept))
    out.print(t)
    shown = 10 if limit is None else limit
    for r in res.rules:
        for sign, vs in (("+", r.added), ("-", r.removed), ("~", [b for _a, b in r.changed])):
            for v in vs[:shown]:
                msg = v.message_en if state.lang == "en" else v.message_zh
                out.print(f"{sign} {v.rule} {v.case} {v.state} {v.at.isoformat()[:16]} {msg[:80]}", highlight=False)
            if len(vs) > shown:
                out.print(f"{sign} {v.rule} … {len(vs) - shown} more", highlight=False)


@pack_app.command("check")
def check_cmd(
    pack: Annotated[Path, typer.Argument(help="The pack (YAML)")],
    mapping: Annotated[Path | None, typer.Option(help="The log's column mapping (with --log: a CSV/XES log)")] = None,
    log: Annotated[
        Path | None, typer.Option(help="A log to check the pack against: CSV/XES with --mapping, else JSONL acts")
    ] = None,
    sample: Annotated[
        int | None, typer.Option(min=1, help="Only the first N cases of the log (every act of theirs)")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text",
) -> None:
    """Check a pack before adopting it (规则包检查): does it compile, and on a log, does it give all-or-nothing answers.

    Errors (the pack does not compile) and warnings (an act name that never occurs, a field
    never present — also one read under its pre-mapping name —, a condition never true, a rule
    that flags every case or none) name the pack file and line. Exit 0 clean, 1 warnings only,
    2 errors (or a file that cannot be read). Nothing is stored.
    """
    from domain.rules.packcheck import check_pack

    if fmt not in ("text", "json"):
        raise typer.BadParameter("text or json", param_hint="--format")
    if mapping is not None and log is None:
        raise typer.BadParameter("--mapping needs --log (the log it maps)", param_hint="--mapping")
    text = _read(pack)
    acts, refused, renamed, tz = _log_acts(log, mapping, sample)
    report = check_pack(text, str(pack), acts, renamed=renamed, tz=tz)
    if fmt == "json":
        print(json.dumps({**report.as_dict(), "refused_rows": refused}, ensure_ascii=False, indent=1))
        raise typer.Exit(report.exit_code)
    lang = "en" if state.lang == "en" else "zh"
    for issue in report.issues:
        colour = "red" if issue.level == "error" else "yellow"
        out.print(f"[{colour}]{issue.line_text(lang)}[/{colour}]", highlight=False, soft_wrap=True)
    if report.outcomes:
        t = Table(title=_msg("各规则在日志上的结果", "what each rule flags in the log"))
        for col in ("rule", "flagged", "judged cases"):
            t.add_column(col)
        for rule, (flagged, judged) in report.outcomes.items():
            t.add_row(rule, str(flagged), str(judged))
        out.print(t)
    n_err, n_warn = len(report.errors), len(report.warnings)
    against = ""
    if acts is not None:
        against = _msg(
            f"，对照日志 {log} 的 {report.cases} 个案件（{report.acts} 个行为；{refused} 行将被导入拒绝）",
            f" against {report.cases} cases ({report.acts} acts) of {log}; {refused} rows the import would refuse",
        )
    out.print(
        _msg(f"{pack}：错误 {n_err}，警告 {n_warn}", f"{pack}: {n_err} errors, {n_warn} warnings") + against,
        highlight=False,
        soft_wrap=True,
    )
    raise typer.Exit(report.exit_code)


def _log_acts(log: Path | None, mapping: Path | None, sample: int | None) -> tuple[Any, int, dict[str, str], Any]:
    """The log's acts (read through the mapping, or a JSONL act log), refused rows, renamed sources, time zone."""
    from domain.acts import validate_act
    from ledger.mapping import load_mapping, mapped_acts, renamed_sources

    if log is None:
        return None, 0, {}, None
    if not log.exists():
        raise _fail(LedgerError(f"文件不存在: {log}", f"no such file: {log}", code="no_file"))
    try:
        if mapping is not None:
            m = load_mapping(mapping)
            mapped, refused = mapped_acts(log, m, sample=sample)
            return mapped, refused, renamed_sources(m), m.timezone
        acts: list[Any] = []
        refused = 0
        seen: set[str] = set()
        for line in _read(log).splitlines():
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                if raw.get("kind") == "org":
                    continue
                act = validate_act(raw, jurisdiction=raw.get("jurisdiction") or "pack-check", allow_clock_acts=True)
            except (ValueError, AttributeError, LedgerError):
                refused += 1
                continue
            if act.case not in seen and sample is not None and len(seen) >= sample:
                continue
            seen.add(act.case)
            acts.append(act)
        return acts, refused, {}, None
    except LedgerError as e:
        raise _fail(e) from e

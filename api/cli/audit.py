"""``ledger tick | violations | unjudged | rebuild | rules | status | bulletin`` — the clock and the audit views (审计)."""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from api.cli.base import _fail, _ledger, _msg, _progress, app, err, out, parse_time, state
from domain.errors import LedgerError
from domain.rules.base import STATES


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


def _projection(ledger: Any, *, progress: bool = False) -> Any:
    """The audit projection caught up; a long catch-up (the first ``violations`` after a big import)
    shows its progress on stderr when that is a terminal (or ``progress``) — whatever the output
    format. Far behind, it rebuilds with the machine's cores. With ``LEDGER_FOLLOWERS`` set,
    ``ledger follow`` keeps the views and this reads them as they are."""
    from projections.audit import AuditProjection, default_workers
    from projections.follow import followers_configured, views_lag

    n = followers_configured()
    if n:
        lag = views_lag(ledger, n)
        if lag:
            err.print(
                _msg(
                    f"视图滞后 {lag} 条（由 ledger follow 更新）",
                    f"the views are {lag} acts behind (kept by ledger follow)",
                )
            )
        return AuditProjection(ledger)
    p = AuditProjection(ledger)
    lag = p.lag()
    bar = _progress(lag, "projection", force=progress) if lag > 5000 else None
    if bar is None:
        p.run(workers=default_workers())
    else:
        with bar:
            task = bar.add_task("projection", total=lag)
            p.run(progress=lambda k: bar.advance(task, k), workers=default_workers())
    p.save_position()
    return p


VIOLATION_COLUMNS = (
    "id",
    "rule",
    "family",
    "pack",
    "article",
    "severity",
    "state",
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
    state_: Annotated[
        str | None,
        typer.Option("--state", help="breach (a wrong act), late (after its deadline) or missing (never came)"),
    ] = None,
    since: Annotated[str | None, typer.Option(help="From this business time")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this business time")] = None,
    jurisdiction: Annotated[str | None, typer.Option(help="Only this jurisdiction")] = None,
    progress: Annotated[
        bool, typer.Option("--progress", help="Show the catch-up's progress even when stderr is not a terminal")
    ] = False,
) -> None:
    """List violations, each citing its article and evidence acts (违规清单), and per rule how
    many acts it could not judge (无法判断: a value outside what it reads — ``ledger unjudged``
    lists them).

    Exits 3 (after the list) when a jurisdiction in scope is not judged — its own pack does
    not compile, or no pack is in force — and says which on stderr.
    """
    if fmt not in ("table", "json", "csv"):
        raise typer.BadParameter("table, json or csv", param_hint="--format")
    if state_ is not None and state_ not in STATES:
        raise typer.BadParameter(", ".join(STATES), param_hint="--state")
    filters: dict[str, Any] = {
        "rule": rule,
        "family": family.upper() if family else None,
        "case": case,
        "unit": unit,
        "severity": severity,
        "since": parse_time(since, "--since") if since else None,
        "until": parse_time(until, "--until") if until else None,
        "jurisdiction": jurisdiction,
    }
    with _ledger() as ledger:
        p = _projection(ledger, progress=progress)
        vs = p.violations(**filters, state=state_)
        not_judged = p.unjudged_counts(**filters) if state_ is None else {}
        unjudged = [st for st in _pack_statuses(ledger, jurisdiction) if not st.judged]
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
        for col in ("at", "rule", "article", "severity", "state", "case", "unit", "message"):
            t.add_column(col)
        for r in rows:
            t.add_row(
                r["at"][:16],
                r["rule"],
                r["article"],
                r["severity"],
                r["state"],
                r["case"],
                r["unit"] or "",
                (r["message"] if state.lang != "en" else r["message_en"])[:70],
            )
        out.print(t)
    _print_unjudged_counts(not_judged, to_stderr=fmt != "table")
    for st in unjudged:  # never a silent empty list: say which jurisdictions were not judged, and why
        err.print(f"[yellow]{_msg(*st.messages)}[/yellow]")
    if unjudged:
        raise typer.Exit(3)


def _print_unjudged_counts(counts: dict[str, int], *, to_stderr: bool) -> None:
    """One line per rule that could not judge some acts (on stderr beside JSON/CSV output)."""
    if not counts:
        return
    console = err if to_stderr else out
    total = sum(counts.values())
    console.print(
        _msg(
            f"另有 {total} 条行为规则无法判断（值不在规则词表中；详见 ledger unjudged）：",
            f"{total} acts could not be judged by a rule (values outside its vocabulary; see ledger unjudged):",
        )
    )
    for r, n in counts.items():
        console.print(f"  {r}: {n}")


def _pack_statuses(ledger: Any, jurisdiction: str | None, now: datetime | None = None) -> list[Any]:
    """Whether each jurisdiction (or the one named) is judged by a pack at ``now`` (规则包状态)."""
    from domain.rules.custom import pack_status
    from domain.timeutil import utcnow

    now = now or utcnow()
    return [pack_status(ledger.org(j), now) for j in ([jurisdiction] if jurisdiction else ledger.jurisdictions())]


UNJUDGED_COLUMNS = ("rule", "pack", "jurisdiction", "case", "act", "field", "value", "at", "reason_zh", "reason_en")


@app.command("unjudged")
def unjudged_cmd(
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv")] = "table",
    rule: Annotated[str | None, typer.Option(help="Rule ID, e.g. DOC-SIGNING-AUTHORITY")] = None,
    family: Annotated[str | None, typer.Option(help="Family, e.g. DOC")] = None,
    case: Annotated[str | None, typer.Option(help="Case id")] = None,
    unit: Annotated[str | None, typer.Option(help="Unit id")] = None,
    jurisdiction: Annotated[str | None, typer.Option(help="Only this jurisdiction")] = None,
) -> None:
    """List the acts a rule could not judge, with the field, the value and why (无法判断)."""
    if fmt not in ("table", "json", "csv"):
        raise typer.BadParameter("table, json or csv", param_hint="--format")
    from projections.unjudged import query

    with _ledger() as ledger:
        p = _projection(ledger)
        rows = query(
            p,
            rule=rule,
            family=family.upper() if family else None,
            case=case,
            unit=unit,
            jurisdiction=jurisdiction,
        )
    rows = [{k: r.get(k) for k in UNJUDGED_COLUMNS} for r in rows]
    if fmt == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        w = csv.DictWriter(sys.stdout, fieldnames=UNJUDGED_COLUMNS)
        w.writeheader()
        w.writerows(rows)
    else:
        t = Table(title=_msg(f"无法判断 {len(rows)} 条", f"{len(rows)} not judged"))
        for col in ("at", "rule", "case", "act", "field", "value", "reason"):
            t.add_column(col)
        for r in rows:
            t.add_row(
                str(r["at"])[:16],
                r["rule"],
                r["case"],
                r["act"],
                r["field"],
                str(r["value"])[:20],
                (r["reason_zh"] if state.lang != "en" else r["reason_en"])[:60],
            )
        out.print(t)


WorkersOption = Annotated[
    int | None, typer.Option("--workers", min=1, help="Worker processes (default: the machine's cores)")
]
ProgressOption = Annotated[bool, typer.Option("--progress", help="Show progress even when stderr is not a terminal")]


@app.command("rebuild")
def rebuild_cmd(workers: WorkersOption = None, progress: ProgressOption = False) -> None:
    """Rebuild all projections from the stored acts, streamed case by case over worker processes (重建投影)."""
    from projections.audit import AuditProjection, default_workers

    with _ledger() as ledger:
        p = AuditProjection(ledger)
        total = ledger.max_notification_id()
        bar = _progress(total, "rebuild", force=progress)
        w = workers or default_workers()
        if bar is None:
            n = p.rebuild(workers=w)
        else:
            with bar:
                task = bar.add_task("rebuild", total=total)
                n = p.rebuild(workers=w, progress=lambda k: bar.advance(task, k))
    out.print(_msg(f"已重建，处理 {n} 条", f"rebuilt from {n} acts"))


def _partition(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        k, n = -1, 0
    if not 0 <= k < n:
        raise typer.BadParameter(f"{text!r}: K/N with 0 ≤ K < N, e.g. 0/3", param_hint="--partition")
    return k, n


@app.command("follow")
def follow_cmd(
    partition: Annotated[
        str | None, typer.Option("--partition", help="K/N: keep the jurisdictions of partition K of N followers")
    ] = None,
    interval: Annotated[
        float, typer.Option("--interval", min=0.05, help="Seconds between polls (SQLite); longest wait (PostgreSQL)")
    ] = 0.5,
    workers: WorkersOption = None,
    progress: ProgressOption = False,
) -> None:
    """Keep the audit views up to date until stopped: woken by PostgreSQL NOTIFY, polling on SQLite (跟随更新视图)."""
    import signal
    import threading

    from projections.audit import default_workers
    from projections.follow import follow

    part = _partition(partition)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with _ledger() as ledger:
        total = ledger.max_notification_id()
        bar = _progress(total, "follow", force=progress)
        who = f" {partition}" if partition else ""
        err.print(_msg(f"跟随进程{who}已启动", f"follower{who} started"))
        try:
            if bar is None:
                follow(ledger, partition=part, interval=interval, workers=workers or default_workers(), stop=stop)
            else:
                with bar:
                    task = bar.add_task("catch-up", total=total)
                    follow(
                        ledger,
                        partition=part,
                        interval=interval,
                        workers=workers or default_workers(),
                        stop=stop,
                        progress=lambda k: bar.advance(task, k),
                    )
        except KeyboardInterrupt:
            pass
    err.print(_msg("跟随进程已停止", "follower stopped"))


@app.command("rules")
def rules_cmd(
    pack: Annotated[
        str | None,
        typer.Option(
            help="Only the rules this pack puts in force (built-in or a jurisdiction's own), with its parameters"
        ),
    ] = None,
    jurisdiction: Annotated[
        str | None, typer.Option(help="With --pack: the jurisdiction whose own pack it is (when several define it)")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """List the rule catalog, or the rules in force in one pack — built-in or stored in the ledger (规则)."""
    from domain.rules.custom import PackRule, rules_of_pack
    from domain.rules.registry import RULES

    def charts() -> list[Any]:  # the ledger is opened only for a pack that is not built-in
        with _ledger() as ledger:
            return [ledger.org(j) for j in ledger.jurisdictions()]

    entries: list[PackRule] = []
    if pack is not None:
        try:
            entries = rules_of_pack(pack, charts, jurisdiction)
        except LedgerError as exc:
            raise _fail(exc) from exc
    if fmt == "json":
        descs = [e.describe() for e in entries] if pack else [r.describe() for r in RULES]
        print(json.dumps(descs, ensure_ascii=False, indent=1, default=str))
        return
    n = len(entries) if pack else len(RULES)
    t = Table(title=_msg(f"规则 {n} 条", f"{n} rules") + (f" — {pack}" if pack else ""))
    for col in ("id", "severity", "title", "articles", "params"):
        t.add_column(col)
    for r in RULES if pack is None else ():
        t.add_row(
            r.id,
            r.severity,
            r.title_zh if state.lang != "en" else r.title_en,
            "; ".join(map(r.article, r.citations)),
            "",
        )
    for e in entries:
        t.add_row(
            e.rule.id,
            e.rule.severity,
            e.rule.title_zh if state.lang != "en" else e.rule.title_en,
            e.article,
            json.dumps(dict(e.params), ensure_ascii=False, default=str),
        )
    out.print(t)


def _views_lags(ledger: Any, jurisdictions: list[str]) -> dict[str, int]:
    """Acts stored but not yet in each jurisdiction's views (its follower's lag)."""
    from projections.audit import follower_name, partition_of
    from projections.follow import followers_configured, positions

    n = followers_configured() or 1
    head = ledger.max_notification_id()
    saved = positions(ledger)
    return {j: head - saved.get(follower_name((partition_of(j, n), n)), 0) for j in jurisdictions}


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
        p = _projection(ledger)
        for j in [jurisdiction] if jurisdiction else ledger.jurisdictions():
            ids = [c["case"] for c in query_cases(p, jurisdiction=j, open_at=at)]
            cases = [Case.of(h) for h in (ledger.case_history(j, cid) for cid in ids) if h]
            reports[j] = status(cases, ledger.org(j), at)
        packs = {st.jurisdiction: st for st in _pack_statuses(ledger, jurisdiction, at)}
        lags = _views_lags(ledger, list(reports))
    if fmt == "json":
        doc = {j: {**r.as_dict(), "pack": packs[j].as_dict(), "views_lag": lags[j]} for j, r in reports.items()}
        print(json.dumps(doc, ensure_ascii=False, indent=1))
        return
    for j, r in reports.items():
        out.rule(f"{j} — {r.now.isoformat()}")
        st = packs[j]
        out.print(_msg(*st.messages) if st.judged else f"[yellow]{_msg(*st.messages)}[/yellow]")
        out.print(_msg(f"视图滞后 {lags[j]} 条", f"views lag: {lags[j]} acts"))
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

"""``ledger schema | docs`` — the project's own vocabulary and reference (词表与参考文档).

``ledger schema`` prints the JSON Schema of an act-log line (every kind, act and data field,
with the vocabularies and their Chinese names), generated from ``domain/kinds``.
``ledger docs`` writes ``docs/act-log.md``, ``docs/act-log.schema.json`` and ``docs/rules.md``
from the code; ``--check`` writes nothing and exits 1 when the committed files differ.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from api.cli.base import _msg, app, err, out


def schema_text() -> str:
    from domain.reference.schema import act_log_schema

    return json.dumps(act_log_schema(), ensure_ascii=False, indent=1) + "\n"


def documents() -> dict[str, str]:
    """The generated reference files, by name under ``docs/``."""
    from domain.reference.render import render_act_log, render_rules

    return {"act-log.md": render_act_log(), "act-log.schema.json": schema_text(), "rules.md": render_rules()}


@app.command("schema")
def schema_cmd(
    output: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout")] = None,
) -> None:
    """Print the JSON Schema of an act-log line, generated from the kinds (行为日志 JSON Schema)."""
    text = schema_text()
    if output is None:
        print(text, end="")
    else:
        output.write_text(text, encoding="utf-8")
        out.print(_msg(f"已写入 {output}", f"written to {output}"))


@app.command("docs")
def docs_cmd(
    directory: Annotated[Path, typer.Option("--dir", help="Where the docs live")] = Path("docs"),
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if a file differs")] = False,
) -> None:
    """Regenerate docs/act-log.md, docs/act-log.schema.json and docs/rules.md from the code (生成文档)."""
    stale = []
    for name, text in documents().items():
        path = directory / name
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(name)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if check and stale:
        err.print(
            _msg(
                f"与代码不一致：{', '.join(stale)}（运行 ledger docs）",
                f"out of date: {', '.join(stale)} (run ledger docs)",
            )
        )
        raise typer.Exit(1)
    verb = ("一致", "up to date") if check or not stale else ("已更新", "written")
    out.print(_msg(f"{verb[0]}：{', '.join(stale) or '全部'}", f"{verb[1]}: {', '.join(stale) or 'all'}"))

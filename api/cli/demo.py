"""``ledger demo`` — build the demo jurisdictions and audit them (演示)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from api.cli.audit import _projection
from api.cli.base import _ledger, _msg, app, err, out
from domain.timeutil import parse_datetime


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

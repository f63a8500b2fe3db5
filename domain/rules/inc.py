"""INC — 突发事件信息报送 (emergency incident reports).

Sources: dongqu-2012:第一百二十四条; standardization:篇四(三)8.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from domain.rules.base import Context, Finding, Obligation, Rule, cite, rule, with_obligations


@rule(
    "INC-FIRST-REPORT",
    severity="high",
    zh="现场人员未立即向本单位负责人报告",
    en="Staff at the scene did not report to the unit head at once",
    kinds=("incident",),
    cites={"dongqu-2012": cite("第一百二十四条(二)", minutes=15)},
)
def inc_first_report(ctx: Context) -> Iterator[Finding]:
    """事发后现场人员须立即（默认 15 分钟内）向本单位负责人报告。

    "At once" (立即) is read as the pack's ``minutes`` (default 15). Flags a first report to
    the unit head that came later than that, or none at all (then the clock's
    ``deadline_missed`` act is the evidence).
    """
    occ = ctx.c.first("occurred")
    if occ is None:
        return
    limit = timedelta(minutes=ctx.params.get("minutes", 15))
    due = occ.at + limit
    first = next((a for a in ctx.c.all("reported") if a.get("to_level") == "unit_head"), None)
    if first is not None and first.at > due:
        late = first.at - occ.at
        yield ctx.finding(
            first.at,
            [occ, first],
            f"事发 {int(late.total_seconds() // 60)} 分钟后才向单位负责人报告（应立即，{limit.seconds // 60} 分钟内）",
            f"reported to the unit head {int(late.total_seconds() // 60)} min after the incident (limit {limit.seconds // 60} min)",
            person=first.by,
        )
    elif first is None:
        for m in ctx.c.missed(ctx.rule.id):
            yield ctx.finding(
                m.at,
                [occ, m],
                "现场人员未向单位负责人报告，已逾期",
                "no report to the unit head by the deadline",
            )


@with_obligations(inc_first_report)
def INC_FIRST_REPORT(ctx: Context) -> Iterator[Obligation]:  # noqa: N802
    occ = ctx.c.first("occurred")
    if occ is not None and not any(a.get("to_level") == "unit_head" for a in ctx.c.all("reported")):
        yield ctx.owe(occ.at + timedelta(minutes=ctx.params.get("minutes", 15)), "reported(to_level=unit_head)")


RULES: list[Rule] = [INC_FIRST_REPORT]

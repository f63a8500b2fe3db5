"""INC — 突发事件信息报送 (emergency incident reports).

Sources: dongqu-2012:第一百二十四条; standardization:篇四(三)8.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from domain.rules.base import Context, Rule, cite
from domain.rules.templates import Due, deadline_rule, first_after


@deadline_rule(
    "INC-FIRST-REPORT",
    severity="high",
    zh="现场人员未立即向本单位负责人报告",
    en="Staff at the scene did not report to the unit head at once",
    kinds=("incident",),
    cites={"dongqu-2012": cite("第一百二十四条(二)", minutes=15)},
)
def inc_first_report(ctx: Context) -> Iterator[Due]:
    """事发后现场人员须立即（默认 15 分钟内）向本单位负责人报告。

    "At once" (立即) is read as the pack's ``minutes`` (default 15). A first report to the
    unit head later than that is flagged; none at all is owed to the clock, and the
    ``deadline_missed`` act it records is flagged.
    """
    occ = ctx.c.first("occurred")
    if occ is None:
        return
    due = occ.at + timedelta(minutes=ctx.params.get("minutes", 15))
    rep = first_after(ctx.c.acts, occ, "reported", where=lambda a: a.get("to_level") == "unit_head")
    yield Due(occ, due, rep, "向单位负责人报告", "report to the unit head")


RULES: list[Rule] = [inc_first_report]

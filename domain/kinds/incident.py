"""``incident`` 突发事件: emergency incidents and their reports."""

from __future__ import annotations

from domain.acts import BOOL, STR, ActSpec, CaseKind, F, enum

GRADES = ("general", "larger", "major", "especially_major")

KIND = CaseKind(
    "incident",
    "突发事件",
    "incident",
    {
        a.name: a
        for a in (
            ActSpec(
                "occurred",
                "发生",
                "occurred",
                (
                    F("grade", enum(*GRADES), "等级", required=True),
                    F("sensitive", BOOL, "敏感（涉恐/涉爆/涉枪/涉外等）"),
                    F("place", STR, "地点"),
                ),
            ),
            ActSpec(
                "reported",
                "报告",
                "reported",
                (
                    F("channel", enum("phone", "written"), "方式", required=True),
                    F(
                        "to_level",
                        enum("unit_head", "local_gov", "city_gov", "line_ministry"),
                        "报告对象",
                        required=True,
                    ),
                    F("report", enum("initial", "followup", "verification"), "报告类型"),
                ),
            ),
            ActSpec("verification_requested", "要求核报", "verification requested"),
            ActSpec("response_ended", "应急处置结束", "response ended"),
        )
    },
)

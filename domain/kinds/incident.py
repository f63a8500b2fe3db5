"""``incident`` 突发事件: emergency incidents and their reports."""

from __future__ import annotations

from domain.acts import BOOL, STR, ActSpec, CaseKind, F
from domain.kinds.vocab import Vocabulary, terms

GRADE = Vocabulary(
    "incident_grade",
    "突发事件等级",
    "incident grade",
    terms(
        ("general", "一般", "general (IV)"),
        ("larger", "较大", "larger (III)"),
        ("major", "重大", "major (II)"),
        ("especially_major", "特别重大", "especially major (I)"),
    ),
)
CHANNEL = Vocabulary(
    "report_channel",
    "报告方式",
    "report channel",
    terms(("phone", "电话报告", "by phone"), ("written", "书面报告", "in writing")),
)
TO_LEVEL = Vocabulary(
    "report_to_level",
    "报告对象",
    "reported to",
    terms(
        ("unit_head", "本单位负责人", "the unit's head"),
        ("local_gov", "本级政府（县/区）", "the local government"),
        ("city_gov", "市政府", "the city government"),
        ("line_ministry", "上级主管部门", "the line ministry upward"),
    ),
)
REPORT_TYPE = Vocabulary(
    "report_type",
    "报告类型",
    "report type",
    terms(
        ("initial", "首报", "initial report"),
        ("followup", "续报", "follow-up report"),
        ("verification", "核报", "verification"),
    ),
)
GRADES = GRADE.codes

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
                    F("grade", GRADE.closed(), "等级", required=True),
                    F("sensitive", BOOL, "敏感（涉恐/涉爆/涉枪/涉外等）"),
                    F("place", STR, "地点"),
                ),
            ),
            ActSpec(
                "reported",
                "报告",
                "reported",
                (
                    F("channel", CHANNEL.closed(), "方式", required=True),
                    F("to_level", TO_LEVEL.closed(), "报告对象", required=True),
                    F("report", REPORT_TYPE.closed(), "报告类型"),
                ),
            ),
            ActSpec("verification_requested", "要求核报", "verification requested"),
            ActSpec("response_ended", "应急处置结束", "response ended"),
        )
    },
)

"""``decision`` 重大决策: major administrative decisions."""

from __future__ import annotations

from domain.acts import BOOL, STR, ActSpec, CaseKind, F, enum

STEPS = (
    "public_participation",
    "expert_review",
    "risk_assessment",
    "legality_review",
    "finance_opinion",
    "legal_opinion",
    "policy_review",
    "congress_consulted",
    "cppcc_consulted",
    "leadership_collective",
    "county_approval",
)

MEETING_TYPES = ("executive", "plenary", "head_office", "thematic", "county_work", "leadership")

KIND = CaseKind(
    "decision",
    "重大决策",
    "major decision",
    {
        a.name: a
        for a in (
            ActSpec(
                "proposed",
                "提出",
                "proposed",
                (
                    F("title", STR, "名称"),
                    F("uses_public_funds", BOOL, "使用财政资金"),
                    F("touches_law", BOOL, "涉法"),
                    F("is_policy", BOOL, "政策性"),
                    F("concerns_public", BOOL, "涉及全县发展或群众利益"),
                    F("department", BOOL, "部门决策事项"),
                ),
            ),
            ActSpec("step_done", "完成程序", "step done", (F("step", enum(*STEPS), "程序", required=True),)),
            ActSpec(
                "decided",
                "作出决策",
                "decided",
                (
                    F("meeting_case", STR, "会议案件"),
                    # Optional (DEC-STATUTORY-STEPS): the kind of meeting that decided it, so a
                    # pack that names plenary/executive meetings can be checked in-case.
                    F("meeting_type", enum(*MEETING_TYPES), "会议类型"),
                ),
            ),
        )
    },
)

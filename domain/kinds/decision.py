"""``decision`` 重大决策: major administrative decisions."""

from __future__ import annotations

from domain.acts import BOOL, STR, ActSpec, CaseKind, F
from domain.kinds.meeting import MEETING_TYPE
from domain.kinds.vocab import Term, Vocabulary, terms

STEP = Vocabulary(
    "decision_step",
    "决策程序",
    "decision step",
    terms(
        ("public_participation", "公众参与", "public participation"),
        ("expert_review", "专家论证", "expert review"),
        ("risk_assessment", "风险评估", "risk assessment"),
        ("legality_review", "合法性审查", "legality review"),
        ("finance_opinion", "财政部门意见", "the finance department's opinion"),
        ("legal_opinion", "法制部门意见", "the legal office's opinion"),
        ("policy_review", "政策研究机构审查", "the policy-research office's review"),
        ("congress_consulted", "征求人大意见", "people's congress consulted"),
        ("cppcc_consulted", "征求政协意见", "CPPCC consulted"),
        ("leadership_collective", "领导班子集体讨论决定", "decided collectively by the leadership"),
        ("county_approval", "报县（区）政府批准", "approved by the county government"),
    ),
)
STEPS = STEP.codes
DECIDING_MEETING = Vocabulary(
    "deciding_meeting_type",
    "决策会议类型",
    "meeting type (deciding)",
    (*MEETING_TYPE.terms, Term("leadership", "领导班子会议", "leadership meeting")),
)
MEETING_TYPES = DECIDING_MEETING.codes

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
            ActSpec("step_done", "完成程序", "step done", (F("step", STEP.closed(), "程序", required=True),)),
            ActSpec(
                "decided",
                "作出决策",
                "decided",
                (
                    F("meeting_case", STR, "会议案件"),
                    # Optional (DEC-STATUTORY-STEPS): the kind of meeting that decided it, so a
                    # pack that names plenary/executive meetings can be checked in-case.
                    F("meeting_type", DECIDING_MEETING.closed(), "会议类型"),
                ),
            ),
        )
    },
)

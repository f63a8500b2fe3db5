"""``meeting`` 会议: executive/plenary/head-office/thematic/county-work meetings."""

from __future__ import annotations

from domain.acts import (
    BOOL,
    DATETIME,
    PERSON,
    PERSON_LIST,
    POST,
    STR,
    UNIT,
    UNIT_LIST,
    ActSpec,
    CaseKind,
    F,
)
from domain.kinds.vocab import Vocabulary, terms

MEETING_TYPE = Vocabulary(
    "meeting_type",
    "会议类型",
    "meeting type",
    terms(
        ("executive", "常务会议", "executive meeting"),
        ("plenary", "全体会议", "plenary meeting"),
        ("head_office", "县（区）长办公会议", "head's office meeting"),
        ("thematic", "专题会议", "thematic meeting"),
        ("county_work", "全县性工作会议", "county-wide work meeting"),
    ),
)
MEETING_TYPES = MEETING_TYPE.codes
#: ``topic_step_done.step`` (议题程序): the approval chain's steps (MTG-TOPIC-APPROVAL), a major
#: decision's statutory steps (MTG-PREREQUISITES) and the consultation (MTG-CONSULTATION-TIMING).
TOPIC_STEP = Vocabulary(
    "topic_step",
    "议题程序",
    "topic step",
    terms(
        (
            "vice_head_approved",
            "分管副职审核同意",
            "approved by the vice head in charge",
            ["分管副职审核", "分管领导审核同意"],
        ),
        ("secretary_reviewed", "常务会议秘书初审", "checked by the meeting secretary", ["秘书初审"]),
        ("deputy_director_reviewed", "办公室副主任初审", "checked by the office's deputy director", ["副主任初审"]),
        ("director_reviewed", "办公室主任初审", "checked by the office director", ["主任初审"]),
        (
            "exec_vice_head_reviewed",
            "常务副职审核",
            "reviewed by the executive vice head",
            ["常务副县长审核", "常务副区长审核"],
        ),
        ("head_approved", "主要领导批准", "approved by the head", ["县长批准", "区长批准", "县长同意"]),
        ("public_participation", "公众参与", "public participation", ["征求公众意见"]),
        ("expert_review", "专家论证（咨询）", "expert review", ["expert_consultation", "专家论证", "专家咨询"]),
        ("risk_assessment", "风险评估", "risk assessment", ["社会稳定风险评估"]),
        ("legality_review", "合法性审查", "legality review", ["legal_review", "合法性审核"]),
        ("fair_competition_review", "公平竞争审查", "fair-competition review", ["fair_competition"]),
        (
            "consultation",
            "咨询论证（征求相关单位意见）完成",
            "consultation of the concerned units done",
            ["consultation_done", "consulted", "咨询论证", "征求意见"],
        ),
    ),
)

KIND = CaseKind(
    "meeting",
    "会议",
    "meeting",
    {
        a.name: a
        for a in (
            ActSpec(
                "scheduled",
                "安排会议",
                "scheduled",
                (
                    F("type", MEETING_TYPE.closed(), "会议类型", required=True),
                    F("members", PERSON_LIST, "应出席人员"),
                    F("start", DATETIME, "开始"),
                    F("end", DATETIME, "结束"),
                    F("in_county_name", BOOL, "以县名义召开"),
                ),
            ),
            ActSpec("approved", "批准召开", "approved (by a leader)"),
            ActSpec("reported_in_writing", "书面报告", "reported in writing beforehand"),
            ActSpec(
                "topic_proposed",
                "提出议题",
                "topic proposed",
                (
                    F("topic", STR, "议题", required=True),
                    F("major_decision", BOOL, "重大决策"),
                    F("market_related", BOOL, "涉及市场"),
                    F("lead_unit", UNIT, "牵头单位"),
                    F("concerned_units", UNIT_LIST, "相关单位"),
                ),
            ),
            ActSpec(
                "topic_step_done",
                "议题前置程序",
                "topic step done",
                (F("topic", STR, "议题", required=True), F("step", TOPIC_STEP.open(STR), "程序", required=True)),
            ),
            ActSpec("topic_approved", "议题审定", "topic approved", (F("topic", STR, "议题", required=True),)),
            ActSpec("materials_submitted", "报送材料", "materials submitted", (F("topic", STR, "议题"),)),
            ActSpec("materials_distributed", "分送材料", "materials distributed"),
            ActSpec("absence_requested", "请假", "absence requested", (F("member", PERSON, "成员", required=True),)),
            ActSpec(
                "absence_granted",
                "准假",
                "absence granted",
                (
                    F("member", PERSON, "成员", required=True),
                    # optional (MTG-ABSENCE-LEAVE): the person allowed to attend in the member's place
                    F("substitute", PERSON, "同意代会人员"),
                ),
            ),
            ActSpec("office_notified", "告知办公室", "office notified", (F("member", PERSON, "成员", required=True),)),
            ActSpec(
                "convened",
                "召开",
                "convened",
                (
                    F("chair", PERSON, "主持人", required=True),
                    F("present", PERSON_LIST, "出席"),
                    F("substitutes", PERSON_LIST, "代会人员"),
                ),
            ),
            ActSpec(
                "topic_discussed",
                "讨论议题",
                "topic discussed",
                (F("topic", STR, "议题", required=True), F("urgent", BOOL, "特别重大紧急")),
            ),
            ActSpec(
                "decided",
                "议定",
                "decided",
                (F("topic", STR, "议题"), F("responsible_unit", UNIT, "责任单位"), F("deadline", DATETIME, "时限")),
            ),
            ActSpec("minutes_drafted", "起草纪要", "minutes drafted"),
            ActSpec(
                "minutes_reviewed",
                "审核纪要",
                "minutes reviewed",
                (F("step", STR, "环节"), F("post", POST, "审核人职务")),
            ),
            ActSpec("minutes_issued", "印发纪要", "minutes issued"),
        )
    },
)

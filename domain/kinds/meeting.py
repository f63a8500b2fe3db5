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
    enum,
)

MEETING_TYPES = ("executive", "plenary", "head_office", "thematic", "county_work")

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
                    F("type", enum(*MEETING_TYPES), "会议类型", required=True),
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
                (F("topic", STR, "议题", required=True), F("step", STR, "程序", required=True)),
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

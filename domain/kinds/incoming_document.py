"""``incoming_document`` 收文: documents received and handled."""

from __future__ import annotations

from domain.acts import ADDRESSEE, BOOL, DATE, DATETIME, STR, UNIT, ActSpec, CaseKind, F
from domain.kinds.common import CLASSIFICATION, DESTROYED
from domain.kinds.vocab import Vocabulary, terms

HANDLING = Vocabulary(
    "handling",
    "办理类型",
    "handling",
    terms(
        ("in_remit", "职权范围内事项", "within the unit's remit"),
        ("needs_approval", "需政府审批事项", "needs the government's approval"),
        ("multi_unit", "会同相关部门办理事项", "lead unit with co-units"),
        ("urgent", "特急、紧急公文", "urgent"),
    ),
)
#: 文件类别 of an incoming document; only 阅件 (for reading) changes what the rules ask.
CATEGORY = Vocabulary(
    "incoming_category",
    "来文类别",
    "incoming category",
    terms(
        ("办件", "办件", "for handling", ["for_handling"]),
        ("阅件", "阅件", "for reading only", ["for_reading"]),
        ("密件", "密件", "classified"),
        ("会议通知", "会议通知", "meeting notice"),
        ("接待", "接待", "reception"),
        ("工作检查", "工作检查", "inspection"),
    ),
)

KIND = CaseKind(
    "incoming_document",
    "收文",
    "incoming document",
    {
        a.name: a
        for a in (
            ActSpec(
                "received",
                "签收",
                "received",
                (
                    F("title", STR, "标题"),
                    F("from_unit", STR, "来文单位"),
                    F("level", STR, "来文层级"),
                    F("same_day", BOOL, "当日办结"),
                    F("urgent", BOOL, "紧急"),
                    F("bypassed_level", BOOL, "越级来文"),
                    # Optional, added for the DOC rules (see domain/rules/doc.py):
                    F("category", CATEGORY.open(STR), "文件类别"),
                    F("doc_type", STR, "文种（请示/报告/函/通知…）"),
                    F("has_request", BOOL, "有具体请示事项"),
                    F("classification", CLASSIFICATION.open(STR), "密级"),
                ),
            ),
            ActSpec("passed_to_director", "呈办公室主任", "passed to the office director"),
            ActSpec("handling_proposed", "拟办", "handling proposed"),
            ActSpec("submitted_for_signoff", "呈批", "submitted for sign-off", (F("to", ADDRESSEE, "呈送领导"),)),
            ActSpec(
                "signed_off",
                "批示",
                "signed off",
                (F("opinion", STR, "意见"), F("name", STR, "签名"), F("date", DATE, "日期")),
            ),
            ActSpec(
                "transferred",
                "转办",
                "transferred to the handling unit",
                (
                    F("to_unit", UNIT, "承办单位"),
                    F("handling", HANDLING.closed(), "办理类型"),
                    F("deadline", DATETIME, "期限"),
                ),
            ),
            ActSpec("completed", "办结", "completed"),
            ActSpec("archived", "归档", "archived"),
            DESTROYED,
        )
    },
)

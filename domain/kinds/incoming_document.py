"""``incoming_document`` 收文: documents received and handled."""

from __future__ import annotations

from domain.acts import ADDRESSEE, BOOL, DATE, DATETIME, STR, UNIT, ActSpec, CaseKind, F, enum
from domain.kinds.common import DESTROYED

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
                    F("category", STR, "文件类别（办件/阅件/密件/会议通知/接待/工作检查）"),
                    F("doc_type", STR, "文种（请示/报告/函/通知…）"),
                    F("has_request", BOOL, "有具体请示事项"),
                    F("classification", STR, "密级（none/秘密/机密/绝密）"),
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
                    F("handling", enum("in_remit", "needs_approval", "multi_unit", "urgent"), "办理类型"),
                    F("deadline", DATETIME, "期限"),
                ),
            ),
            ActSpec("completed", "办结", "completed"),
            ActSpec("archived", "归档", "archived"),
            DESTROYED,
        )
    },
)

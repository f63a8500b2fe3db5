"""``supervision`` 督查: supervision of assigned matters."""

from __future__ import annotations

from domain.acts import BOOL, DATETIME, INT, PERSON, STR, UNIT, ActSpec, CaseKind, F
from domain.kinds.vocab import Vocabulary, terms

SOURCE = Vocabulary(
    "supervision_source",
    "督查事项来源",
    "where the item comes from",
    terms(
        ("meeting", "会议议定事项", "a meeting's decision"),
        ("instruction", "领导批示", "a leader's instruction"),
        ("research", "调研发现", "field research"),
    ),
)

KIND = CaseKind(
    "supervision",
    "督查督办",
    "supervision item",
    {
        a.name: a
        for a in (
            ActSpec(
                "registered",
                "立项",
                "registered",
                (
                    F("source", SOURCE.closed(), "来源"),
                    F("source_case", STR, "来源案件"),
                    F("source_at", DATETIME, "来源时间"),
                    F("deadline", DATETIME, "办结时限", required=True),
                    F("responsible_unit", UNIT, "责任单位"),
                    # optional (SUP rules, 督查通报): what the item is, for messages and the bulletin
                    F("title", STR, "督查事项"),
                ),
            ),
            ActSpec("assigned", "交办", "assigned", (F("to_unit", UNIT, "承办单位"), F("deadline", DATETIME, "时限"))),
            ActSpec(
                "progress_reported",
                "报告进展",
                "progress reported",
                (
                    F("signed_by_head", BOOL, "主要负责人签字"),
                    F("sealed", BOOL, "加盖公章"),
                    F("matters", INT, "事项数"),
                ),
            ),
            ActSpec("extension_requested", "申请延期", "extension requested", (F("new_deadline", DATETIME, "新期限"),)),
            ActSpec(
                "extension_approved",
                "批准延期",
                "extension approved",
                (F("new_deadline", DATETIME, "新期限", required=True),),
            ),
            ActSpec(
                "completed",
                "办结",
                "completed",
                (F("report", BOOL, "有办结报告"), F("signed_by_head", BOOL), F("sealed", BOOL), F("matters", INT)),
            ),
            ActSpec(
                "terminated",
                "终止",
                "terminated",
                (
                    F("note", STR, "终止说明"),
                    # optional (SUP-CLOSURE): the government leader who signed the termination
                    # note (送请区政府领导签字同意); when absent, the act's ``by`` is taken as the signer
                    F("signed_by", PERSON, "签字同意的政府领导"),
                ),
            ),
        )
    },
)

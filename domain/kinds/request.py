"""``request`` 请示/报告: requests and reports up the chain."""

from __future__ import annotations

from domain.acts import ADDRESSEE, BOOL, DATE, DATETIME, INT, STR, ActSpec, CaseKind, F
from domain.kinds.common import CLASSIFICATION
from domain.kinds.vocab import Vocabulary, terms

REQUEST_TYPE = Vocabulary(
    "request_type",
    "文种（请示/报告）",
    "request or report",
    terms(("请示", "请示", "request (asks for an answer)"), ("报告", "报告", "report (asks for nothing)")),
)

KIND = CaseKind(
    "request",
    "请示/报告",
    "request or report",
    {
        a.name: a
        for a in (
            ActSpec(
                "filed",
                "呈报",
                "filed",
                (
                    F("doc_type", REQUEST_TYPE.closed(), "文种", required=True),
                    F("subject_area", STR, "事项领域"),
                    F("matters", INT, "事项数"),
                    F("contains_request_items", BOOL, "夹带请示事项"),
                    F("emergency", BOOL, "重大紧急"),
                    F("leader_assigned", BOOL, "领导直接交办"),
                    F("classification", CLASSIFICATION.closed(), "密级"),
                    F("to", ADDRESSEE, "报送对象"),
                    F("assigned_by_leader", BOOL, "县领导交办事项"),
                    # Optional (ESC-REPLY-DEADLINE): when the county leader assigned the matter,
                    # if earlier than the filing; the 5-day reply clock runs from here.
                    F("assigned_at", DATETIME, "交办时间"),
                ),
            ),
            ActSpec("signed", "签发", "signed (by the submitting unit's head)", (F("name", STR), F("date", DATE))),
            ActSpec(
                "forwarded", "呈送", "forwarded to a leader or office", (F("to", ADDRESSEE, "送达", required=True),)
            ),
            ActSpec("opinion_given", "提出意见", "opinion given", (F("opinion", STR, "意见"),)),
            ActSpec("answered", "答复", "answered", (F("opinion", STR, "意见"),)),
            ActSpec("informed_afterwards", "事后说明", "informed afterwards", (F("to", ADDRESSEE, "告知对象"),)),
        )
    },
)

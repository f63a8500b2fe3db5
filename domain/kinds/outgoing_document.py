"""``outgoing_document`` 发文: documents drafted, reviewed, signed, sealed and sent."""

from __future__ import annotations

from domain.acts import (
    BOOL,
    DATE,
    DATETIME,
    INT,
    PERSON,
    POST,
    STR,
    STR_LIST,
    UNIT,
    UNIT_LIST,
    ActSpec,
    CaseKind,
    F,
)
from domain.kinds.common import DESTROYED

KIND = CaseKind(
    "outgoing_document",
    "发文",
    "outgoing document",
    {
        a.name: a
        for a in (
            ActSpec(
                "drafted",
                "拟稿",
                "drafted",
                (
                    F("doc_type", STR, "文件类型", required=True),
                    F("issuer", STR, "发文机关（government/office/unit id）"),
                    F("areas", STR_LIST, "涉及领域"),
                    F("concerned_units", UNIT_LIST, "涉及单位"),
                    F("normative", BOOL, "规范性文件"),
                    F("market_related", BOOL, "涉及市场主体经济活动"),
                    F("implements_higher", BOOL, "贯彻上级文件"),
                    F("deadline", DATETIME, "时限"),
                    F("urgent", BOOL, "紧急"),
                    F("directive_to_lower", BOOL, "向下级政府发指令性文件"),
                    F("classification", STR, "密级"),
                    # Optional, added for the DOC rules (see domain/rules/doc.py):
                    F("title", STR, "标题"),
                ),
            ),
            ActSpec("submitted_to_office", "送办公室", "submitted to the office"),
            ActSpec(
                "countersigned", "会签", "countersigned", (F("post", POST, "会签职务"), F("unit", UNIT, "会签单位"))
            ),
            ActSpec("reviewed", "审核", "reviewed", (F("level", INT, "审核级次 1/2"),)),
            ActSpec("vetted", "审签", "vetted by the leader in charge before signing"),
            ActSpec("government_approved", "经政府同意", "approved by the government"),
            ActSpec(
                "legality_reviewed",
                "合法性审查",
                "legality reviewed",
                (F("body", STR, "审查机构（legal 法制部门 / policy_research 政策研究机构）"),),
            ),
            ActSpec("fair_competition_reviewed", "公平竞争审查", "fair-competition reviewed"),
            ActSpec(
                "signed",
                "签发",
                "signed",
                (
                    F("opinion", STR, "意见"),
                    F("name", STR, "签名"),
                    F("date", DATE, "日期"),
                    F("delegation", BOOL, "依授权签发"),
                ),
            ),
            ActSpec("proofread", "校对", "proofread"),
            ActSpec("printed", "缮印", "printed"),
            ActSpec(
                "sealed",
                "用印",
                "sealed",
                (F("seal", STR, "印章（unit/head_personal）"), F("approved_by", PERSON, "批准人")),
            ),
            ActSpec("registered", "登记", "registered"),
            ActSpec("distributed", "分发", "distributed", (F("to", STR_LIST, "主送/抄送"),)),
            ActSpec("archived", "归档", "archived"),
            DESTROYED,
        )
    },
)

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
from domain.kinds.common import CLASSIFICATION, DESTROYED
from domain.kinds.org import UNIT_TYPE
from domain.kinds.vocab import Vocabulary, terms

#: ``drafted.doc_type`` (文件类型): the categories of the packs' signing-authority tables (签发权限,
#: changle-2022 六十, dongqu-2012 第九十五条, yiyuan 第九条), and ``general`` for the ordinary 文种
#: of 党政机关公文处理工作条例 that carry no special category (通知, 函, 意见 … — signed as the
#: tables' "other" row). 请示/报告 and 议案/纪要 are categories of their own.
DOC_TYPE = Vocabulary(
    "doc_type",
    "文件类型",
    "document type",
    terms(
        (
            "report_to_higher",
            "上报请示、报告",
            "request or report to a higher level",
            ["上报请示", "上报报告", "请示", "报告", "报市政府", "报上级"],
        ),
        ("major_policy", "重大方针政策事项", "major policy", ["重大方针政策", "重大政策"]),
        ("npc_motion", "向人大提出的议案", "motion to the people's congress", ["议案", "人大议案"]),
        (
            "to_congress",
            "报送人大、政协及与兄弟区联系重要事项的文件",
            "to the congress, the CPPCC or sister districts",
            ["报送人大政协", "报人大政协", "兄弟区联系"],
        ),
        ("normative", "规范性文件", "normative document", ["规范性文件", "行政规范性文件"]),
        ("personnel", "人事任免公文", "personnel appointment", ["人事任免", "任免"]),
        ("trip_abroad", "出国审批公文", "approval of a trip abroad", ["出国审批", "出国"]),
        (
            "state_assets",
            "涉及国有资产、国土资源、财政预算的文件",
            "state assets, land, budget",
            ["国有资产", "国土资源", "财政预算"],
        ),
        ("meeting_minutes", "会议纪要", "meeting minutes", ["会议纪要", "纪要"]),
        ("review_decision", "行政复议决定书", "administrative review decision", ["行政复议决定书", "复议决定"]),
        ("important", "其它重要文件", "other important document", ["重要文件", "其它重要文件", "其他重要文件"]),
        (
            "major_document",
            "涉及全县重大问题的重要文件",
            "document on major county-wide matters",
            ["重大问题文件", "常委会议文件"],
        ),
        ("joint", "县委县政府联合发文", "joint Party-government document", ["联合发文", "县委县政府联合发文"]),
        (
            "routine_approval",
            "会议决定、例行批准事项",
            "meeting decision or routine approval",
            ["例行批准", "会议决定事项", "书面请示同意事项"],
        ),
        ("office_business", "办公室业务类公文", "office document on business matters", ["政务类", "业务", "业务工作"]),
        (
            "office_routine",
            "办公室日常事务类公文",
            "office document on routine matters",
            ["事务类", "日常工作", "办公室日常工作"],
        ),
        (
            "general",
            "一般公文（通知、函、意见等）",
            "ordinary document (notice, letter, opinion …)",
            ["决议", "决定", "命令", "令", "公报", "公告", "通告", "意见", "通知", "通报", "批复", "函", "other"],
        ),
    ),
)
#: ``drafted.issuer`` (发文机关): a unit type word of the contract, or a unit id (``ref``).
ISSUER = Vocabulary(
    "issuer",
    "发文机关",
    "issuer",
    UNIT_TYPE.terms,
    ref="unit",
    note="a value outside the vocabulary is read as the drafting unit's type",
)
SEAL = Vocabulary(
    "seal",
    "印章",
    "seal",
    terms(
        ("unit", "单位印章（公章）", "the unit's seal", ["公章", "政府印章", "县政府印章", "区政府印章", "单位印章"]),
        (
            "head_personal",
            "县（区）长个人印章",
            "the head's personal seal",
            ["县长印章", "区长印章", "个人印章", "县长名章", "区长名章"],
        ),
    ),
)
REVIEW_BODY = Vocabulary(
    "review_body",
    "审查机构",
    "reviewing body",
    terms(
        ("legal", "法制部门（司法局、法制办）", "the legal office", ["司法局", "法制办", "法制部门", "法制机构"]),
        ("policy_research", "政策研究机构", "the policy-research office", ["政策研究室", "政研室", "政策研究机构"]),
    ),
)

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
                    F("doc_type", DOC_TYPE.open(STR), "文件类型", required=True),
                    F("issuer", ISSUER.open(STR), "发文机关"),
                    F("areas", STR_LIST, "涉及领域"),
                    F("concerned_units", UNIT_LIST, "涉及单位"),
                    F("normative", BOOL, "规范性文件"),
                    F("market_related", BOOL, "涉及市场主体经济活动"),
                    F("implements_higher", BOOL, "贯彻上级文件"),
                    F("deadline", DATETIME, "时限"),
                    F("urgent", BOOL, "紧急"),
                    F("directive_to_lower", BOOL, "向下级政府发指令性文件"),
                    F("classification", CLASSIFICATION.open(STR), "密级"),
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
                (F("body", REVIEW_BODY.open(STR), "审查机构"),),
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
                (F("seal", SEAL.open(STR), "印章"), F("approved_by", PERSON, "批准人")),
            ),
            ActSpec("registered", "登记", "registered"),
            ActSpec("distributed", "分发", "distributed", (F("to", STR_LIST, "主送/抄送"),)),
            ActSpec("archived", "归档", "archived"),
            DESTROYED,
        )
    },
)

"""Acts open to every case kind (通用行为): the clock's and corrections."""

from __future__ import annotations

from domain.acts import BOOL, DATETIME, OBJECT, PERSON, PERSON_LIST, STR, ActSpec, F
from domain.kinds.vocab import Vocabulary, terms

#: 密级 of a document (incoming, outgoing, a request): only 秘密/机密/绝密 are state secrets.
CLASSIFICATION = Vocabulary(
    "classification",
    "密级",
    "classification",
    terms(
        ("none", "非密", "not classified", ["无", "普通", "公开", "非涉密", "内部", "不涉密", "public", "internal"]),
        ("秘密", "秘密", "secret", ["secret"]),
        ("机密", "机密", "confidential (higher than secret)", ["confidential"]),
        ("绝密", "绝密", "top secret", ["top_secret", "top secret"]),
    ),
)
CLASSIFIED = ("秘密", "机密", "绝密")

ANY_KIND_ACTS: dict[str, ActSpec] = {
    "deadline_missed": ActSpec(
        "deadline_missed",
        "逾期未办",
        "deadline missed (recorded by the ledger's clock)",
        (
            F("rule", STR, "规则", required=True),
            F("due", DATETIME, "期限", required=True),
            F("missing", STR, "缺少的行为"),
        ),
    ),
    "corrected": ActSpec(
        "corrected",
        "更正",
        "corrected (points at an earlier act; the old act stays)",
        (
            F("of", STR, "被更正的行为", required=True),
            F("reason", STR, "理由", required=True),
            F("fields", OBJECT, "更正后的字段值（at/by/unit/data）"),
        ),
    ),
    "retracted": ActSpec(
        "retracted",
        "撤回",
        "retracted (points at an earlier act; the old act stays)",
        (F("of", STR, "被撤回的行为", required=True), F("reason", STR, "理由", required=True)),
    ),
}

#: The supervision office's own follow-up of a violation (督查室跟踪), recorded as acts of
#: kind ``followup`` whose case is the violation id.
FOLLOWUP_ACTS: dict[str, ActSpec] = {
    "acknowledged": ActSpec("acknowledged", "已确认", "acknowledged", (F("note", STR, "说明"),)),
    "justified": ActSpec(
        "justified",
        "已说明依据",
        "justified with a legal basis",
        (F("basis", STR, "法律依据", required=True), F("note", STR)),
    ),
    "remediated": ActSpec("remediated", "已整改", "remediated", (F("note", STR, "整改说明"),)),
    "reopened": ActSpec("reopened", "重新打开", "reopened", (F("note", STR, "理由"),)),
}

#: Destroying a document (销毁), the same act for incoming and outgoing documents:
#: a classified one is registered, witnessed by two people and approved by the office director.
DESTROYED = ActSpec(
    "destroyed",
    "销毁",
    "destroyed",
    (
        F("classified", BOOL, "涉密"),
        F("witnesses", PERSON_LIST, "监销人"),
        F("approved_by", PERSON, "批准人"),
        F("registered", BOOL, "已办理销毁登记"),
    ),
)

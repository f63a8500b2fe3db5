"""``leave`` 请销假: leave and official travel of officials."""

from __future__ import annotations

from domain.acts import BOOL, DATETIME, PERSON, STR, ActSpec, CaseKind, F
from domain.kinds.vocab import Vocabulary, terms

SCOPE = Vocabulary(
    "leave_scope",
    "去向范围",
    "where to",
    terms(
        ("in_city", "市内", "within the city"),
        ("out_of_city", "离市", "out of the city"),
        ("out_of_province", "出省", "out of the province"),
        ("abroad", "出国（境）", "abroad"),
    ),
)
SCOPES = SCOPE.codes
#: What a leave's ``reason`` (事由) says, read by its keywords. Personal business (因私事 — yiyuan
#: 第十六条's 私事, i.e. 事假) wins over every other keyword in the same text ("事假（回乡参加
#: 会议）" is personal). Statutory leave (年休假, 病假, 婚丧产假, 探亲假) is granted under its own
#: regulations and is not 私事 in that clause's sense. A reason that matches none of these (or is
#: absent) does not say whether the leave is personal; the ``personal`` flag, when given, does.
REASON = Vocabulary(
    "leave_reason",
    "请假事由",
    "leave reason",
    terms(
        (
            "personal",
            "因私（事假）",
            "personal business",
            [
                "事假",
                "因私",
                "私事",
                "私人事务",
                "个人事务",
                "个人原因",
                "家事",
                "家庭事务",
                "家中有事",
                "家里有事",
                "private",
            ],
        ),
        (
            "official",
            "因公（会议、出差、培训、考察）",
            "official business",
            [
                "因公",
                "公务",
                "公干",
                "出差",
                "会议",
                "开会",
                "培训",
                "学习",
                "考察",
                "调研",
                "汇报",
                "对接",
                "招商",
                "挂职",
                "business trip",
                "meeting",
                "training",
            ],
        ),
        (
            "statutory",
            "法定假期（年休假、病假、婚丧产假、探亲假）",
            "statutory leave (annual, sick, marriage, bereavement, maternity, family visit)",
            [
                "年休假",
                "年假",
                "休假",
                "病假",
                "婚假",
                "丧假",
                "产假",
                "陪产假",
                "护理假",
                "育儿假",
                "探亲",
                "疗养",
                "annual leave",
                "sick leave",
                "vacation",
            ],
        ),
    ),
    match="contains",
)
#: ``filed.office`` (备案机关): a code, or a name containing one of the keywords — tried in this
#: order, so 县委办公室 is the Party office and a bare 办公室 (standardization 篇一: the bureau's own
#: office) the government office. A unit id reads as that unit's name (the government office's
#: own id as ``gov_office``).
OFFICE = Vocabulary(
    "filing_office",
    "备案机关",
    "office filed with",
    terms(
        ("party_office", "党委办公室", "the Party committee office", ["委办", "党委办", "县委办公室", "区委办公室"]),
        ("org_dept", "组织部", "the organisation department", ["组织部"]),
        ("gov_office", "政府办公室", "the government office", ["政府办", "值班室", "办公室"]),
    ),
    match="contains",
    ref="unit",
)


KIND = CaseKind(
    "leave",
    "请销假",
    "leave",
    {
        a.name: a
        for a in (
            ActSpec(
                "requested",
                "请假",
                "requested",
                (
                    F("start", DATETIME, "起", required=True),
                    F("end", DATETIME, "止", required=True),
                    F("reason", REASON.open(STR), "事由"),
                    F("scope", SCOPE.closed(), "去向范围"),
                    F("written", BOOL, "书面请假"),
                    F("contact", STR, "联系方式"),
                    F("personal", BOOL, "因私"),
                    # optional, added for LEV rules (not in the contract table):
                    F("person", PERSON, "请假人（代他人录入时）"),
                    F("place", STR, "去向地点"),
                ),
            ),
            ActSpec("agreed", "同意", "agreed"),
            ActSpec("reviewed", "审核", "reviewed"),
            ActSpec(
                "approved",
                "批准",
                "approved",
                # optional, added for LEV-TRAVEL-SCOPE: the higher level's approval (报上级审批)
                (F("higher_level", BOOL, "上级审批"),),
            ),
            ActSpec(
                "filed",
                "备案",
                "filed with an office",
                (
                    # gov_office / party_office / org_dept, a unit id, or the office's name
                    F("office", OFFICE.open(STR), "备案机关"),
                    # optional, added for LEV-CONTACT-ON-FILE (告值班室的地点、联系电话)
                    F("place", STR, "去向地点"),
                    F("contact", STR, "联系方式"),
                ),
            ),
            ActSpec("delegate_named", "明确代理人", "delegate named", (F("person", PERSON, "代理人", required=True),)),
            ActSpec("departed", "离岗", "departed"),
            ActSpec("returned", "返岗", "returned"),
            ActSpec("return_reported", "销假", "return reported"),
        )
    },
)

"""``leave`` 请销假: leave and official travel of officials."""

from __future__ import annotations

from domain.acts import BOOL, DATETIME, PERSON, STR, ActSpec, CaseKind, F, enum

SCOPES = ("in_city", "out_of_city", "out_of_province", "abroad")

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
                    F("reason", STR, "事由"),
                    F("scope", enum(*SCOPES), "去向范围"),
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
                    F("office", STR, "备案机关"),
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

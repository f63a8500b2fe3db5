"""``research`` 调研: field research by county leaders."""

from __future__ import annotations

from domain.acts import BOOL, INT, NUMBER, PERSON, PERSON_LIST, STR, ActSpec, CaseKind, F

KIND = CaseKind(
    "research",
    "调研",
    "field research",
    {
        a.name: a
        for a in (
            ActSpec(
                "visit",
                "调研",
                "visit",
                (
                    F("leader", PERSON, "调研领导"),
                    F("town", STR, "乡镇"),
                    F("days", NUMBER, "天数"),
                    F("unannounced", BOOL, "四不两直"),
                    F("escorts", PERSON_LIST, "陪同人员"),
                ),
            ),
            ActSpec(
                "report_submitted",
                "提交调研报告",
                "report submitted",
                (
                    F("year", INT, "年度"),
                    # optional (RES-ANNUAL-QUOTA): whose report it is; defaults to the act's ``by``
                    F("leader", PERSON, "调研领导"),
                ),
            ),
        )
    },
)

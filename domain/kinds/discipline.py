"""``discipline`` 纪律与奖惩: breaches, sanctions, ratings."""

from __future__ import annotations

from domain.acts import INT, NUMBER, STR, ActSpec, CaseKind, F, enum

KIND = CaseKind(
    "discipline",
    "纪律与奖惩",
    "discipline and evaluation",
    {
        a.name: a
        for a in (
            ActSpec(
                "breach_found",
                "查实违反禁令",
                "breach found",
                (
                    F("subject_person", STR, "当事人"),
                    F("subject_unit", STR, "当事单位"),
                    F("ban", INT, "五条禁令第几条"),
                ),
            ),
            ActSpec(
                "sanction_recorded",
                "作出处理",
                "sanction recorded",
                (
                    F("sanction", enum("criticism", "media_exposure", "transfer", "admonition"), "处理", required=True),
                    F("subject_person", STR),
                    F("subject_unit", STR),
                ),
            ),
            ActSpec(
                "rating_recorded",
                "行风评议",
                "rating recorded",
                (
                    F("year", INT, "年度", required=True),
                    F("score", NUMBER, "得分"),
                    F("rank", INT, "名次"),
                    F("of", INT, "参评数"),
                    F("subject_unit", STR),
                ),
            ),
            ActSpec(
                "veto_condition",
                "一票否决情形",
                "veto condition",
                (F("year", INT, "年度", required=True), F("condition", STR, "情形"), F("subject_unit", STR)),
            ),
            ActSpec(
                "rated",
                "评定等次",
                "rated",
                (
                    F("year", INT, "年度", required=True),
                    F("rating", STR, "等次", required=True),
                    F("subject_person", STR),
                    F("subject_unit", STR),
                ),
            ),
        )
    },
)

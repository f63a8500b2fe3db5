"""``discipline`` 纪律与奖惩: breaches, sanctions, ratings."""

from __future__ import annotations

from domain.acts import INT, NUMBER, PERSON, STR, ActSpec, CaseKind, F, enum

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
                    F(
                        "sanction",
                        enum(
                            "criticism",  # 通报批评 (yiyuan 第二十一条, 1st breach)
                            "media_exposure",  # 新闻媒体曝光 (2nd breach)
                            "transfer",  # 调离原工作岗位 (3rd breach, individual)
                            "admonition",  # 诫勉 (3rd breach, unit: its principal head)
                            # added for DIS-BOTTOM-THREE (yiyuan 第二十五条):
                            "admonishing_talk",  # 诫勉谈话 of a bottom-three unit's principal heads
                            "yellow_card",  # 黄牌警告 (recorded; not required by any rule)
                            "resignation_offered",  # 主要负责人提出辞职 (worst two years in a row)
                        ),
                        "处理",
                        required=True,
                    ),
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
                (
                    F("year", INT, "年度", required=True),
                    F("condition", STR, "情形"),
                    F("subject_unit", STR),
                    # optional (DIS-RATING-VETO): the deputy in charge (分管负责人) of the vetoed work,
                    # who may not be rated excellent either
                    F("leader_in_charge", PERSON, "分管负责人"),
                ),
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

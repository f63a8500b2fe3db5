"""``discipline`` 纪律与奖惩: breaches, sanctions, ratings."""

from __future__ import annotations

from domain.acts import INT, NUMBER, PERSON, STR, ActSpec, CaseKind, F
from domain.kinds.vocab import Vocabulary, terms

SANCTION = Vocabulary(
    "sanction",
    "处理",
    "sanction",
    terms(
        ("criticism", "通报批评", "public criticism (yiyuan 第二十一条, 1st breach)"),
        ("media_exposure", "新闻媒体曝光", "exposure in the media (2nd breach)"),
        ("transfer", "调离原工作岗位", "transfer from the post (3rd breach, an individual)"),
        ("admonition", "对单位主要负责人实行诫勉", "admonition of the unit's principal head (a unit's breach)"),
        ("admonishing_talk", "诫勉谈话", "admonishing talk (第二十五条, bottom three)"),
        ("yellow_card", "黄牌警告", "yellow card"),
        ("resignation_offered", "主要负责人提出辞职", "the principal head offers resignation (worst two years)"),
    ),
)
#: ``rated.rating`` (评定等次), read by its keywords: 先进/优秀 is a good rating (DIS-RATING-VETO).
RATING = Vocabulary(
    "rating",
    "等次",
    "rating",
    terms(
        ("good", "先进、优秀", "advanced or excellent", ["先进", "优秀", "advanced", "excellent", "outstanding"]),
        (
            "other",
            "其他等次（称职、合格、良好、一般…）",
            "any other rating (competent, qualified, good, fair …)",
            ["称职", "合格", "良好", "较好", "一般", "好", "差", "competent", "qualified", "good", "fair", "poor"],
        ),
    ),
    match="contains",
)

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
                    F("sanction", SANCTION.closed(), "处理", required=True),
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
                    F("rating", RATING.open(STR), "等次", required=True),
                    F("subject_person", STR),
                    F("subject_unit", STR),
                ),
            ),
        )
    },
)

"""``org`` 组织机构: the org chart as acts, so that it is event-sourced too."""

from __future__ import annotations

from domain.acts import DATE, POST, POST_LIST, STR, STR_LIST, TIMEZONE, UNIT_LIST, ActSpec, CaseKind, F, enum

UNIT_TYPES = ("government", "office", "department", "town", "division", "committee", "other")
RANKS = (
    "head",
    "exec_vice_head",
    "vice_head",
    "office_director",
    "office_deputy",
    "secretary",
    "confidential_secretary",
    "dept_head",
    "dept_deputy",
    "division_head",
    "political_dept",
    "staff",
)

KIND = CaseKind(
    "org",
    "组织机构",
    "organisation chart",
    {
        a.name: a
        for a in (
            ActSpec(
                "unit_created",
                "设立单位",
                "unit created",
                (
                    F("id", STR, "单位编号", required=True),
                    F("name", STR, "名称", required=True),
                    F("type", enum(*UNIT_TYPES), "类型", required=True),
                    F("parent", STR, "上级单位"),
                ),
            ),
            ActSpec(
                "post_created",
                "设立职务",
                "post created",
                (
                    F("id", STR, "职务编号", required=True),
                    F("title", STR, "职务名称", required=True),
                    F("unit", STR, "所在单位", required=True),
                    F("rank", enum(*RANKS), "级别", required=True),
                ),
            ),
            ActSpec(
                "person_registered",
                "人员登记",
                "person registered",
                (F("id", STR, "人员编号", required=True), F("name", STR, "姓名", required=True)),
            ),
            ActSpec(
                "appointed",
                "任职",
                "appointed",
                (
                    F("person", STR, "人员", required=True),
                    F("post", POST, "职务", required=True),
                    F("until", DATE, "任期止"),
                ),
            ),
            ActSpec(
                "relieved",
                "免职",
                "relieved",
                (F("person", STR, "人员", required=True), F("post", POST, "职务", required=True)),
            ),
            ActSpec(
                "charge_assigned",
                "分管",
                "charge assigned (leader in charge of areas/units)",
                (
                    F("post", POST, "分管领导职务", required=True),
                    F("areas", STR_LIST, "分管领域"),
                    F("units", UNIT_LIST, "分管单位"),
                    F("until", DATE, "止"),
                ),
            ),
            ActSpec(
                "cover_paired",
                "AB角补位",
                "cover paired (two posts that stand in for each other)",
                (F("posts", POST_LIST, "互为补位的职务", required=True), F("until", DATE, "止")),
            ),
            ActSpec(
                "delegated",
                "授权",
                "delegated (written delegation from one post to another)",
                (
                    F("from_post", POST, "授权职务", required=True),
                    F("to_post", POST, "被授权职务", required=True),
                    F("scope", enum("sign", "convene", "all"), "范围", required=True),
                    F("since", DATE, "起", required=True),
                    F("until", DATE, "止"),
                ),
            ),
            ActSpec(
                "timezone_set",
                "设定时区",
                "time zone set (the jurisdiction's local time: dates, working days, day limits)",
                (F("timezone", TIMEZONE, "时区（IANA）", required=True),),
            ),
            ActSpec(
                "pack_defined",
                "定义规则包",
                "rule pack defined (a jurisdiction's own pack, in the YAML rule language)",
                (F("pack", STR, "规则包", required=True), F("source", STR, "YAML 原文", required=True)),
            ),
            ActSpec(
                "pack_adopted",
                "采用规则包",
                "rule pack adopted",
                (F("pack", STR, "规则包", required=True), F("from", DATE, "生效日期", required=True)),
            ),
        )
    },
)

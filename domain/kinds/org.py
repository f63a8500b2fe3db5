"""``org`` 组织机构: the org chart as acts, so that it is event-sourced too."""

from __future__ import annotations

from typing import Any

from domain.acts import DATE, POST, POST_LIST, STR, STR_LIST, TIMEZONE, UNIT_LIST, ActSpec, CaseKind, F, FieldType
from domain.kinds.vocab import Vocabulary, terms


def _calendar(v: Any) -> str:
    from domain.calendar import check_calendar

    return check_calendar(STR.parse(v))


#: A working-day calendar: ``CN`` (PRC, with 调休) or a country code of the ``holidays`` package (``NL``, ``DE-BY``).
CALENDAR = FieldType("calendar code", _calendar)

UNIT_TYPE = Vocabulary(
    "unit_type",
    "单位类型",
    "unit type",
    terms(
        ("government", "人民政府", "government", ["政府", "县政府", "区政府", "人民政府", "县人民政府", "区人民政府"]),
        (
            "office",
            "政府办公室",
            "the government's general office",
            ["政府办公室", "县政府办公室", "区政府办公室", "县人民政府办公室", "区人民政府办公室", "政府办"],
        ),
        ("department", "政府工作部门", "department", ["部门", "工作部门", "县直部门", "区级部门"]),
        ("town", "乡镇（街道）", "town or street", ["乡镇", "镇", "街道", "乡"]),
        ("division", "内设机构", "internal division", ["内设机构", "科室", "处室"]),
        ("committee", "委员会", "committee", ["委员会"]),
        ("other", "其他单位", "other unit", ["其他"]),
    ),
)
RANK = Vocabulary(
    "rank",
    "职级",
    "rank",
    terms(
        ("head", "县（区）长（主要领导）", "head of government (principal leader)"),
        ("exec_vice_head", "常务副县（区）长", "executive vice head"),
        ("vice_head", "副县（区）长", "vice head"),
        ("office_director", "政府办公室主任", "office director"),
        ("office_deputy", "政府办公室副主任", "office deputy director"),
        ("secretary", "秘书", "secretary"),
        ("confidential_secretary", "机要秘书", "confidential secretary"),
        ("dept_head", "单位主要负责人", "principal head of a unit"),
        ("dept_deputy", "单位副职", "deputy head of a unit"),
        ("division_head", "处（科）室负责人", "head of a division"),
        ("political_dept", "政治处", "political department"),
        ("staff", "工作人员", "staff"),
    ),
)
DELEGATION_SCOPE = Vocabulary(
    "delegation_scope",
    "授权范围",
    "delegation scope",
    terms(
        ("sign", "签发", "signing"),
        ("convene", "召集主持会议", "convening meetings"),
        ("all", "全部事项", "everything"),
    ),
)
UNIT_TYPES = UNIT_TYPE.codes
RANKS = RANK.codes

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
                    F("type", UNIT_TYPE.closed(), "类型", required=True),
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
                    F("rank", RANK.closed(), "级别", required=True),
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
                    F("scope", DELEGATION_SCOPE.closed(), "范围", required=True),
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
                "calendar_set",
                "设定工作日历",
                "working-day calendar set (CN: the PRC calendar with 调休; else a country's public holidays)",
                (F("calendar", CALENDAR, "工作日历", required=True),),
            ),
            ActSpec(
                "day_closed",
                "停止办公日",
                "day closed (the jurisdiction's own non-working day(s): a local holiday, an office closure)",
                (
                    F("date", DATE, "日期", required=True),
                    F("until", DATE, "止（含）"),
                    F("reason", STR, "事由"),
                ),
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

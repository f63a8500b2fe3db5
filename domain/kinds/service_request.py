"""``service_request`` 办事: first-contact and time-limited service to the public."""

from __future__ import annotations

from domain.acts import INT, STR, STR_LIST, UNIT, ActSpec, CaseKind, F

KIND = CaseKind(
    "service_request",
    "办事",
    "service request",
    {
        a.name: a
        for a in (
            ActSpec(
                "received",
                "受理",
                "received",
                (F("matter", STR, "事项"), F("time_limit_working_days", INT, "承诺时限（工作日）")),
            ),
            ActSpec("referred", "转交", "referred", (F("to_unit", UNIT, "转交单位"),)),
            ActSpec("materials_requested", "告知补正材料", "materials requested", (F("items", STR_LIST, "材料"),)),
            ActSpec("completed", "办结", "completed"),
            ActSpec("refused", "不予办理", "refused", (F("reason", STR, "理由"), F("basis", STR, "依据"))),
        )
    },
)

"""The columns of the audit views (审计视图的列), shared by the projection and its queries."""

from __future__ import annotations

#: ``ledger_violations``: one row per violation (违规记录).
V_COLUMNS = (
    "id",
    "jurisdiction",
    "scope",
    "rule",
    "family",
    "pack",
    "article",
    "severity",
    "case_id",
    "kind",
    "unit",
    "person",
    "post",
    "at_us",
    "at",
    "evidence",
    "message_zh",
    "message_en",
    "detail",
    "state",
)

#: ``ledger_cases``: one row per case (案件状态).
C_COLUMNS = (
    "jurisdiction",
    "case_id",
    "kind",
    "unit",
    "opened_us",
    "last_act",
    "last_us",
    "acts",
    "open",
    "stage",
    "holder",
    "data",
)

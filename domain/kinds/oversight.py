"""The ledger's own oversight acts: the supervision office's follow-up of violations
(``followup`` 督查跟踪) and the record of who looked at what (``access`` 查阅记录).

A follow-up case's id is the violation id it follows; an access case groups one reader's
reads of one day. Both live in the hash chain like every other act, so the audit trail
includes the auditors' and the supervision office's own work.
"""

from __future__ import annotations

from domain.acts import STR, ActSpec, CaseKind, F
from domain.kinds.common import FOLLOWUP_ACTS

FOLLOWUP = CaseKind("followup", "督查跟踪", "violation follow-up", dict(FOLLOWUP_ACTS))

ACCESS = CaseKind(
    "access",
    "查阅记录",
    "access log",
    {
        "viewed": ActSpec(
            "viewed",
            "查阅",
            "viewed (a read by an auditor or the supervision office)",
            (F("resource", STR, "查阅对象", required=True), F("query", STR, "查询条件"), F("role", STR, "角色")),
        )
    },
)

#: A process imported from another system (通用流程): any act name, data kept as given.
PROCESS = CaseKind("process", "通用流程", "imported process (any activity)", {}, open=True)

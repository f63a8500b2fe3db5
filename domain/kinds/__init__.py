"""The case kinds of the contract (案件类型), one module per kind.

Each module defines ``KIND``: a :class:`~domain.acts.CaseKind` with the acts it may hold
and the data each act carries. ``ANY_KIND_ACTS`` are open to every kind.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.acts import CaseKind
from domain.kinds import (
    decision,
    discipline,
    incident,
    incoming_document,
    leave,
    meeting,
    org,
    outgoing_document,
    oversight,
    request,
    research,
    service_request,
    supervision,
)
from domain.kinds.common import ANY_KIND_ACTS, FOLLOWUP_ACTS

KINDS: Mapping[str, CaseKind] = {
    k.KIND.name: k.KIND
    for k in (
        org,
        request,
        incoming_document,
        outgoing_document,
        meeting,
        leave,
        incident,
        supervision,
        service_request,
        decision,
        discipline,
        research,
    )
}
KINDS = {
    **KINDS,
    oversight.FOLLOWUP.name: oversight.FOLLOWUP,
    oversight.ACCESS.name: oversight.ACCESS,
    oversight.PROCESS.name: oversight.PROCESS,
}

__all__ = ["ANY_KIND_ACTS", "FOLLOWUP_ACTS", "KINDS"]

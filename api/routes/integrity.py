"""Integrity (防篡改): the chain heads to keep elsewhere, and ``verify``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends

from api.auth import INTEGRITY, Principal, require
from api.errors import COMMON
from api.models import CheckpointOut, VerifyIn, VerifyOut
from api.routing import OneHopRoute
from api.services import Services, services
from domain.timeutil import format_datetime
from ledger.integrity import checkpoint, verify

router = APIRouter(route_class=OneHopRoute, tags=["integrity"], responses=COMMON)


@router.get(
    "/checkpoint",
    summary="Head hash and count per jurisdiction, and a digest: keep it elsewhere (检查点)",
    response_model=CheckpointOut,
)
def get_checkpoint(p: Principal = Depends(require(*INTEGRITY)), s: Services = Depends(services)) -> Any:
    cp = checkpoint(s.ledger)
    cp["taken_at"] = format_datetime(s.now())
    return cp


@router.post(
    "/verify",
    summary="Recompute the hash chain; compare with a kept checkpoint when given (校验)",
    response_model=VerifyOut,
)
def post_verify(
    body: Annotated[VerifyIn | None, Body()] = None,
    p: Principal = Depends(require(*INTEGRITY)),
    s: Services = Depends(services),
) -> Any:
    against = body.checkpoint.model_dump() if body is not None and body.checkpoint is not None else None
    return verify(s.ledger, against=against).as_dict()

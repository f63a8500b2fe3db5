"""The API's errors (错误): one JSON shape for every refusal, never a 500 for bad input.

``{"error": {"code", "message_zh", "message_en", "field"?, "index"?}}`` — ``field`` names the
offending parameter or body field (``acts[2].data.grade``), ``index`` the act of a batch.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import ActError, LedgerError
from domain.timeutil import CHINA_TZ, end_of_day, parse_date, parse_datetime, start_of_day
from ledger.store import WriteConflictError

log = logging.getLogger("ledger.api")


class ErrorJSON(JSONResponse):
    """JSON that renders even when a message echoes text that is not valid UTF-8."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "replace")


class ErrorBody(BaseModel):
    code: str
    message_zh: str
    message_en: str
    field: str | None = None
    index: int | None = None


class ErrorResponse(BaseModel):
    """Every error the API returns."""

    error: ErrorBody


Responses = dict[int | str, dict[str, Any]]


def _resp(description: str) -> dict[str, Any]:
    return {"model": ErrorResponse, "description": description}


R401: Responses = {401: _resp("No or bad bearer token (未认证)")}
R403: Responses = {403: _resp("The token's role or units forbid this (无权限)")}
R404: Responses = {404: _resp("Unknown id (不存在)")}
R409: Responses = {409: _resp("Write conflict: the case changed meanwhile; nothing was stored (写入冲突)")}
R413: Responses = {413: _resp("The request body is larger than the server accepts; nothing was stored (请求体过大)")}
R422: Responses = {422: _resp("Invalid input, naming the field (输入无效)")}
COMMON: Responses = {**R401, **R403, **R422}


class ApiError(Exception):
    """An error with its HTTP status and the bilingual message."""

    def __init__(
        self,
        status: int,
        code: str,
        message_zh: str,
        message_en: str,
        *,
        field: str | None = None,
        index: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.status = status
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field
        self.index = index
        self.headers = headers

    def body(self) -> dict[str, Any]:
        e: dict[str, Any] = {"code": self.code, "message_zh": self.message_zh, "message_en": self.message_en}
        if self.field is not None:
            e["field"] = self.field
        if self.index is not None:
            e["index"] = self.index
        return {"error": e}


def unauthorized(
    zh: str = "未认证：缺少或无效的令牌", en: str = "not authenticated: missing or bad bearer token"
) -> ApiError:
    return ApiError(401, "unauthorized", zh, en, headers={"WWW-Authenticate": "Bearer"})


def forbidden(zh: str, en: str, *, field: str | None = None, index: int | None = None) -> ApiError:
    return ApiError(403, "forbidden", zh, en, field=field, index=index)


def not_found(what: str, ident: str, zh_what: str) -> ApiError:
    return ApiError(404, "not_found", f"{zh_what} {ident} 不存在", f"no {what} '{ident}'")


def invalid(field: str, zh: str, en: str, code: str = "invalid_param", *, index: int | None = None) -> ApiError:
    return ApiError(422, code, zh, en, field=field, index=index)


def from_act_error(e: ActError, *, prefix: str = "", index: int | None = None) -> ApiError:
    field = f"{prefix}.{e.field}" if prefix and e.field else (prefix or e.field)
    return ApiError(422, e.code, e.message_zh, e.message_en, field=field, index=index)


def parse_time(value: str | None, field: str, *, end: bool = True) -> datetime | None:
    """A query time: RFC 3339, or a bare date (its end, or its start for ``since``), Beijing time."""
    if value is None:
        return None
    try:
        text = value.strip()
        if len(text) == 10:
            d = parse_date(text)
            return end_of_day(d, CHINA_TZ) if end else start_of_day(d, CHINA_TZ)
        return parse_datetime(text, default_tz=CHINA_TZ)
    except (ValueError, TypeError, OverflowError) as e:
        raise invalid(
            field,
            f"时间格式错误: {value!r}（须为 RFC 3339 或 YYYY-MM-DD）",
            f"malformed time {value!r} (RFC 3339 or YYYY-MM-DD)",
            "bad_time",
        ) from e


def _loc_field(loc: Sequence[Any]) -> str:
    parts = list(loc)
    if parts and parts[0] in ("query", "path", "body", "header", "form", "cookie"):
        parts = parts[1:]
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


def install_handlers(app: FastAPI) -> None:
    """Map every failure to the error shape; FastAPI's own validation errors included."""

    @app.exception_handler(ApiError)
    async def _api(_: Request, e: ApiError) -> ErrorJSON:
        return ErrorJSON(e.body(), status_code=e.status, headers=e.headers)

    @app.exception_handler(WriteConflictError)
    async def _conflict(_: Request, e: WriteConflictError) -> ErrorJSON:
        return ErrorJSON(ApiError(409, e.code, e.message_zh, e.message_en, field="case").body(), status_code=409)

    @app.exception_handler(ActError)
    async def _act(_: Request, e: ActError) -> ErrorJSON:
        return ErrorJSON(from_act_error(e).body(), status_code=422)

    @app.exception_handler(LedgerError)
    async def _ledger(_: Request, e: LedgerError) -> ErrorJSON:
        status = 409 if e.code == "write_conflict" else 422
        return ErrorJSON(ApiError(status, e.code, e.message_zh, e.message_en).body(), status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, e: RequestValidationError) -> ErrorJSON:
        errs = e.errors()
        first = errs[0] if errs else {"loc": (), "msg": "invalid request", "type": "invalid"}
        kind = str(first.get("type", "invalid"))
        if kind == "json_invalid":  # its loc is a character position, not a field
            at = [x for x in first.get("loc", ()) if isinstance(x, int)]
            where = f"（第 {at[0]} 个字符处）" if at else ""
            return ErrorJSON(
                ApiError(
                    422,
                    "bad_json",
                    f"请求体不是有效的 JSON{where}",
                    f"the body is not valid JSON{f' (at character {at[0]})' if at else ''}",
                    field="body",
                ).body(),
                status_code=422,
            )
        field = _loc_field(first.get("loc", ()))
        code = {"missing": "missing_field", "json_invalid": "bad_json"}.get(kind, "invalid_param")
        msg = str(first.get("msg", "invalid"))
        zh = f"参数 {field} 缺失" if kind == "missing" else f"参数 {field or '请求体'} 无效：{msg}"
        en = f"'{field or 'body'}': {msg}"
        return ErrorJSON(ApiError(422, code, zh, en, field=field or None).body(), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, e: StarletteHTTPException) -> ErrorJSON:
        if e.status_code == 400:  # a body FastAPI could not even decode: bad input like any other
            return ErrorJSON(
                ApiError(
                    422, "bad_body", "请求体无法解析", f"the body cannot be parsed: {e.detail}", field="body"
                ).body(),
                status_code=422,
            )
        codes = {
            404: ("not_found", "不存在", "not found"),
            405: ("method_not_allowed", "不支持该方法", "method not allowed"),
        }
        code, zh, en = codes.get(e.status_code, ("http_error", "请求错误", str(e.detail)))
        if e.status_code not in codes and isinstance(e.detail, str):
            en = e.detail
        return ErrorJSON(
            ApiError(e.status_code, code, zh, en).body(), status_code=e.status_code, headers=getattr(e, "headers", None)
        )

    @app.exception_handler(Exception)
    async def _any(_: Request, e: Exception) -> ErrorJSON:  # pragma: no cover - a bug, not bad input
        log.exception("unhandled error")
        return ErrorJSON(
            ApiError(500, "internal_error", "服务器内部错误", f"internal error: {type(e).__name__}").body(),
            status_code=500,
        )

"""Acts (行为记录): record one act or a batch, import a file, list acts.

``POST /acts`` validates like ``ledger import`` (same errors, idempotent by act id) but is
all or nothing: the first invalid act makes a 422 naming its index and field, and nothing
is stored. A write conflict on a case — the client's ``expected_version`` is stale, or
another request appended to the same case meanwhile — is a 409 and nothing is stored.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator, Mapping
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Body, Depends, File, Form, Query, UploadFile
from fastapi.responses import JSONResponse

from api.access import ActGuard, act_error, readable_cases
from api.auth import READERS, RECORDERS, Principal, require
from api.errors import COMMON, R409, R413, ApiError, forbidden, invalid, parse_time
from api.models import ActsPage, AppendOut, ImportOut
from api.routing import OneHopRoute
from api.services import Services, act_out, decode_cursor, encode_cursor, find_nul, refuse_nul, services
from domain.acts import Act
from domain.errors import ActError
from domain.kinds import KINDS
from domain.timeutil import format_datetime
from ledger import codec
from ledger.importer import Importer, ImportResult, LineError
from ledger.validation import BatchValidator

router = APIRouter(route_class=OneHopRoute, tags=["acts"], responses=COMMON)
#: Uploads have their own body limit (``LEDGER_MAX_UPLOAD``), set where the app includes them.
imports_router = APIRouter(route_class=OneHopRoute, tags=["acts"], responses={**COMMON, **R413})

MAX_BATCH = 5000


@router.post(
    "/acts",
    summary="Record one act or a batch (all or nothing)",
    response_model=AppendOut,
    status_code=201,
    responses={**R409, **R413, 200: {"model": AppendOut, "description": "Every act was already stored (duplicates)"}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "anyOf": [{"$ref": "#/components/schemas/ActIn"}, {"$ref": "#/components/schemas/ActBatchIn"}]
                    }
                }
            },
        }
    },
)
def post_acts(
    payload: Annotated[Any, Body(description="An act object, or {acts: [...]}")],
    p: Principal = Depends(require(*RECORDERS)),
    s: Services = Depends(services),
) -> Any:
    if isinstance(payload, Mapping) and "acts" in payload and "case" not in payload:
        raws = payload["acts"]
        batch = True
        if not isinstance(raws, list):
            raise invalid("acts", "acts 必须是数组", "'acts' must be a list of act objects", "wrong_type")
        if not raws:
            raise invalid("acts", "acts 不能为空", "'acts' must not be empty", "empty_batch")
        if len(raws) > MAX_BATCH:
            raise invalid("acts", f"一次最多提交 {MAX_BATCH} 条", f"at most {MAX_BATCH} acts per request", "too_many")
    elif isinstance(payload, Mapping):
        raws = [payload]
        batch = False
    else:
        raise invalid(
            "body",
            "请求体必须是行为对象或 {acts: [...]}",
            "the body must be an act object or {acts: [...]}",
            "not_an_object",
        )

    validator = BatchValidator(s.ledger, jurisdiction=p.jurisdiction, guard=ActGuard(s, p))
    acts: list[Act] = []
    expected: dict[str, tuple[int, int]] = {}  # case -> (expected version, index)
    for i, raw in enumerate(raws):
        prefix = f"acts[{i}]." if batch else ""
        if not isinstance(raw, Mapping):
            raise invalid(
                prefix.rstrip(".") or "",
                "行为记录必须是 JSON 对象",
                "an act must be a JSON object",
                "not_an_object",
                index=i,
            )
        refuse_nul(raw, prefix.rstrip("."), index=i)
        try:
            a = validator.validate(raw)
        except ActError as e:
            raise act_error(e, prefix=prefix.rstrip("."), index=i) from e
        ev = raw.get("expected_version")
        if ev is not None:
            if isinstance(ev, bool) or not isinstance(ev, int) or ev < 0:
                raise invalid(
                    f"{prefix}expected_version",
                    "expected_version 必须是非负整数",
                    "'expected_version' must be a whole number >= 0",
                    "wrong_type",
                    index=i,
                )
            if a.case in expected and expected[a.case][0] != ev:
                raise invalid(
                    f"{prefix}expected_version",
                    f"同一请求中案件 {a.case} 的 expected_version 不一致",
                    f"acts of case '{a.case}' in one request give different expected_version values",
                    "inconsistent_version",
                    index=i,
                )
            expected.setdefault(a.case, (ev, i))
        acts.append(a)

    js = {a.jurisdiction for a in acts}
    if len(js) > 1:
        i = next(k for k, a in enumerate(acts) if a.jurisdiction != acts[0].jurisdiction)
        raise invalid(
            f"acts[{i}].jurisdiction",
            "一次请求只能写入一个辖区",
            "one request writes one jurisdiction",
            "mixed_jurisdictions",
            index=i,
        )
    j = acts[0].jurisdiction

    # same id already stored (or earlier in this request) with other content: refuse, as import does
    existing = s.ledger.existing_ids(j, (a.id for a in acts))
    seen: dict[str, str] = {}
    for i, a in enumerate(acts):
        bh = codec.body_hash(a)
        prior = existing.get(a.id) or seen.get(a.id)
        if prior is not None and prior != bh:
            raise invalid(
                f"acts[{i}].id" if batch else "id",
                f"行为编号 {a.id} 已用于另一条内容不同的记录",
                f"act id '{a.id}' is already used by an act with different content",
                "id_conflict",
                index=i,
            )
        seen[a.id] = bh

    current = s.current_versions(j, (a.case for a in acts))
    for case, (ev, i) in expected.items():
        if current.get(case, 0) != ev:
            raise ApiError(
                409,
                "write_conflict",
                f"案件 {case} 当前版本为 {current.get(case, 0)}，不是 {ev}；本次未保存",
                f"case '{case}' is at version {current.get(case, 0)}, not {ev}; nothing was stored",
                field=f"acts[{i}].expected_version" if batch else "expected_version",
                index=i,
            )
    # the versions we read are the ones we append on: a concurrent writer of the same case makes a 409
    results = s.ledger.append(acts, on_conflict="raise", expected=current)
    s.caught_up()  # the views include them before the answer: a reader sees the writer's acts
    rec = s.recorded(j, [r.act.id for r in results if r.status == "duplicate"])
    out = []
    for i, r in enumerate(results):
        if r.status == "stored":
            recorded_at, seq = r.act.recorded_at, r.act.seq
        else:
            recorded_at, seq = rec.get(r.act.id, (None, None))
        out.append(
            {
                "index": i,
                "id": r.act.id,
                "jurisdiction": j,
                "case": r.act.case,
                "status": r.status,
                "recorded_at": format_datetime(recorded_at) if recorded_at else None,
                "seq": seq,
            }
        )
    stored = sum(1 for r in results if r.status == "stored")
    # the append stored them on the versions read (else it refused): each case is now one
    # version further for each act of it stored — no read of the versions again
    versions = dict(current)
    for r in results:
        if r.status == "stored":
            versions[r.act.case] += 1
    body = {
        "stored": stored,
        "duplicate": len(results) - stored,
        "results": out,
        "case_versions": versions,
    }
    return JSONResponse(AppendOut.model_validate(body).model_dump(), status_code=201 if stored else 200)


# ---- import ---------------------------------------------------------------------------------
def _screen(raw: Any) -> tuple[str, str, str, str] | None:
    """Why a line cannot be stored at all (field, code, zh, en), or None. Who may record what
    is checked with the act (:class:`api.access.ActGuard`)."""
    nul = find_nul(raw)
    if nul is not None:
        return (
            _safe(nul),
            "bad_character",
            "字段含有无法存储的字符（NUL 或不成对的代理项）",
            "a field holds a NUL or a lone surrogate",
        )
    return None


def _safe(text: str) -> str:
    return text.encode("utf-8", "replace").decode()


def _screened_lines(fh: Any, source: str, refused: list[LineError]) -> Iterator[str]:
    """The upload's lines as text, one at a time (streamed). A line that is not UTF-8, holds
    text the database cannot store is noted in ``refused``
    and passed on blank (so the importer's line numbers stay right)."""
    for n, line in enumerate(fh, start=1):
        try:
            text = codecs.decode(line, "utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError as e:
            refused.append(LineError(source, n, "", "bad_encoding", "不是有效的 UTF-8 文本", f"not UTF-8 text: {e}"))
            yield "\n"
            continue
        if text.strip():
            try:
                raw = json.loads(text)
            except ValueError:
                raw = None  # the importer reports the bad JSON
            why = _screen(raw) if raw is not None else None
            if why is not None:
                refused.append(LineError(source, n, *why))
                yield "\n"
                continue
        yield text


def _import_result(res: ImportResult) -> dict[str, Any]:
    rej = sorted(res.rejected, key=lambda e: e.line)
    return {
        "imported": res.imported,
        "duplicate": res.duplicate,
        "rejected": len(rej),
        "rejected_lines": [e.as_dict() for e in rej],
        "warnings": [w.as_dict() for w in sorted(res.warnings, key=lambda w: w.line)],
    }


@imports_router.post(
    "/imports", summary="Import an act log (.jsonl) or org file (.yaml/.yml/.json)", response_model=ImportOut
)
def post_import(
    file: Annotated[UploadFile, File(description="A JSONL act log (one act per line) or a YAML/JSON org chart")],
    jurisdiction: Annotated[str | None, Form(description="Jurisdiction for lines that do not name one")] = None,
    p: Principal = Depends(require(*RECORDERS)),
    s: Services = Depends(services),
) -> Any:
    refuse_nul({"jurisdiction": jurisdiction, "file": file.filename})
    j = p.jurisdiction_scope(jurisdiction or None)
    name = (file.filename or "").lower()
    source = file.filename or "<upload>"
    if name.endswith((".yaml", ".yml", ".json")):
        if p.role != "admin":
            raise forbidden("只有管理员可以导入组织机构文件", "only an admin may import an org file", field="file")
        text = file.file.read()
        res = ImportResult()
        try:
            chart = json.loads(text) if name.endswith(".json") else yaml.safe_load(text)
        except (yaml.YAMLError, ValueError, RecursionError) as e:
            res.rejected.append(
                LineError(source, getattr(e, "lineno", 0) or 0, "", "bad_file", "文件无法解析", str(e)[:500])
            )
            return _import_result(res)
        nul = find_nul(chart)
        if nul is not None:
            res.rejected.append(
                LineError(
                    source,
                    0,
                    _safe(nul),
                    "bad_character",
                    "字段含有无法存储的字符",
                    "a field holds a NUL or a lone surrogate",
                )
            )
            return _import_result(res)
        if p.jurisdiction is not None and isinstance(chart, Mapping) and chart.get("jurisdiction") != p.jurisdiction:
            raise forbidden(
                f"令牌仅限辖区 {p.jurisdiction}",
                f"this token is limited to jurisdiction '{p.jurisdiction}'",
                field="file",
            )
        try:
            return _import_result(Importer(s.ledger).import_chart(chart, source=source))
        except (TypeError, ValueError, KeyError, AttributeError) as e:  # an org file of an odd shape
            res.rejected.append(
                LineError(source, 0, "", "bad_file", "组织机构文件结构无效", f"malformed org file: {e}"[:500])
            )
            return _import_result(res)
    if name.endswith(".jsonl"):
        refused: list[LineError] = []
        importer = Importer(s.ledger, jurisdiction=j)
        importer.validator.guard = ActGuard(s, p)
        res = importer.import_lines(_screened_lines(file.file, source, refused), source=source)
        res.rejected.extend(refused)
        return _import_result(res)
    raise invalid(
        "file",
        "不支持的文件类型（支持 .jsonl 行为日志、.yaml/.yml/.json 组织机构文件）",
        "unsupported file type (.jsonl act log, .yaml/.yml/.json org chart)",
        "unsupported_file",
    )


# ---- listing ----------------------------------------------------------------------------------
@router.get("/acts", summary="Acts by jurisdiction, case, kind and business time (paged)", response_model=ActsPage)
def get_acts(
    jurisdiction: str | None = None,
    case: str | None = None,
    kind: str | None = None,
    since: Annotated[str | None, Query(description="From this business time (RFC 3339 or YYYY-MM-DD)")] = None,
    until: Annotated[str | None, Query(description="Up to this business time (RFC 3339 or YYYY-MM-DD)")] = None,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    p: Principal = Depends(require(*READERS)),
    s: Services = Depends(services),
) -> Any:
    j = p.jurisdiction_scope(jurisdiction)
    if kind is not None and kind not in KINDS:
        raise invalid("kind", f"未知的案件类型 {kind}", f"unknown case kind '{kind}'", "unknown_kind")
    t0 = parse_time(since, "since", end=False)
    t1 = parse_time(until, "until")
    after_parts = decode_cursor(cursor, (str, int))
    after = (after_parts[0], after_parts[1]) if after_parts else None
    items: list[Act] = []
    more = False
    for _ in range(50):  # a clerk's case filter may need several pages of the chain
        page = s.ledger.acts(j, case=case, kind=kind, since=t0, until=t1, after=after, limit=limit + 1)
        ok = readable_cases(s, p, [(a.jurisdiction, a.case) for a in page])
        for a in page:
            if len(items) == limit:
                more = True
                break
            after = (a.jurisdiction, a.seq or 0)
            if ok is None or (a.jurisdiction, a.case) in ok:
                items.append(a)
        if more or len(page) <= limit:
            break
    else:
        more = True
    s.log_access(
        p,
        "/acts",
        {"jurisdiction": jurisdiction, "case": case, "kind": kind, "since": since, "until": until, "cursor": cursor},
        [j] if j else None,
    )
    return {
        "items": [act_out(a) for a in items],
        "next_cursor": encode_cursor(after[0], after[1]) if more and after else None,
    }

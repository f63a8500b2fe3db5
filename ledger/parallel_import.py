"""Importing a large act log on two cores (并行导入): one process validates, this one stores.

Validating an act against the contract and the org chart costs about as much as storing it.
For a file of many acts, a process of its own (the validator) reads the file, parses each
line, validates it and encodes the accepted acts (:class:`ledger.codec.Encoded`: canonical
body and its hash), batch by batch; this process appends each batch (chain, versions,
recorded time, the event rows) while the validator works on the next ones.

What it reports is what the one-process import reports: the same rejected lines (bad JSON,
a field the contract refuses, an id reused with another body), the same warnings, the same
counts; the acts are stored in the file's order. The validator sees what this process has
stored through the database, and remembers what it accepted itself until the store holds it
(:meth:`ledger.validation.BatchValidator.batch_handed_over`): the hand-over queue holds at
most :data:`QUEUE` batches, so a batch handed over ``QUEUE + 2`` batches ago is stored.

A validator that fails or dies ends the import with an error naming it; the batches stored
before it stay stored (each batch is one transaction, as in the one-process import, and an
import run again stores each act once). An importer that dies (``kill -9``) leaves a validator
that ends by itself within a second of finding the hand-over queue full.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from domain.errors import ActError, LedgerError
from ledger import codec
from ledger.config import DbConfig
from ledger.procstart import start_method as _start_method

#: Batches validated ahead of the store (the hand-over queue's length).
QUEUE = 2
#: The first batch handed over (then twice as many each time, up to the import's batch): the
#: store starts on it while the validator goes on.
FIRST_BATCH = 500
#: A file at least this large is validated in a process of its own (smaller ones are over
#: before the process has started).
MIN_BYTES = 2 * 1024 * 1024

BytesProgress = Callable[[int], None]


def validate_file(
    config: DbConfig,
    path: str,
    source: str,
    jurisdiction: str | None,
    allow_clock_acts: bool,
    batch: int,
    out: Any,
) -> None:
    """The validator process: every batch of ``path`` as ``("batch", bytes read, rejected,
    warnings, lines, jurisdictions, columns)`` on ``out`` — the accepted acts' line numbers,
    jurisdictions and :class:`~ledger.codec.Encoded` fields as one list each (quicker to hand
    over than a tuple an act) — then ``("done",)``; or ``("error", message, traceback)``."""
    from ledger.importer import LineError, LineWarning, _loads, _open_text
    from ledger.store import Ledger
    from ledger.validation import BatchValidator

    try:
        ledger = Ledger(config)
        try:
            validator = BatchValidator(ledger, jurisdiction=jurisdiction, allow_clock_acts=allow_clock_acts)
            encode = codec.encode
            rejected: list[LineError] = []
            chunk: list[tuple[int, Any]] = []
            nbytes = 0
            size = min(FIRST_BATCH, batch)

            def hand_over() -> None:
                nonlocal rejected, chunk, nbytes, size
                validator.prefetch([raw for _n, raw in chunk])
                warnings: list[LineWarning] = []
                numbers: list[int] = []
                jurisdictions: list[str] = []
                encoded: list[codec.Encoded] = []
                for n, raw in chunk:
                    try:
                        act = validator.validate(raw)
                    except ActError as e:
                        rejected.append(LineError(source, n, e.field, e.code, e.message_zh, e.message_en))
                        continue
                    numbers.append(n)
                    jurisdictions.append(act.jurisdiction)
                    encoded.append(encode(act))
                    for w in validator.warnings(act):
                        warnings.append(LineWarning(source, n, w.field, w.value, w.rules, w.message_zh, w.message_en))
                columns = [list(c) for c in zip(*encoded, strict=True)] if encoded else []
                _put(out, ("batch", nbytes, rejected, warnings, numbers, jurisdictions, columns))
                validator.batch_handed_over(QUEUE + 2)
                rejected, chunk, nbytes, size = [], [], 0, min(size * 2, batch)

            with _open_text(Path(path)) as fh:
                for n, line in enumerate(fh, start=1):
                    nbytes += len(line.encode("utf-8", "surrogateescape"))
                    if not line.strip():
                        continue
                    try:
                        chunk.append((n, _loads(line)))
                    except orjson.JSONDecodeError as e:
                        rejected.append(
                            LineError(source, n, "", "bad_json", f"不是有效的 JSON: {e}", f"not valid JSON: {e}")
                        )
                        continue
                    if len(chunk) >= size:
                        hand_over()
            if chunk or rejected or nbytes:
                hand_over()
        finally:
            ledger.close()
        _put(out, ("done",))
    except _ImporterGoneError:
        out.cancel_join_thread()  # what is still in the pipe has no reader: do not wait to flush it
        return
    except BaseException as e:  # everything reaches the importing process, which raises it
        with contextlib.suppress(_ImporterGoneError):
            _put(out, ("error", f"{type(e).__name__}: {e}", traceback.format_exc()))


class _ImporterGoneError(Exception):
    """The importing process ended (killed, say): the validator has no one to hand over to."""


def _put(out: Any, msg: tuple[Any, ...]) -> None:
    """Hand ``msg`` over; while the queue is full, check every second that the importing process
    is still there (a validator whose importer was killed ends, not waits forever)."""
    parent = multiprocessing.parent_process()
    while True:
        try:
            out.put(msg, timeout=1.0)
            return
        except queue.Full:
            if parent is not None and not parent.is_alive():
                raise _ImporterGoneError from None


def import_file(
    importer: Any,
    path: Path,
    source: str,
    progress_bytes: BytesProgress | None = None,
) -> Any:
    """Import the act log at ``path`` with a validator process (``importer``: the
    :class:`ledger.importer.Importer` whose ledger, jurisdiction and batch size apply)."""
    from ledger.importer import ImportResult, tally

    ledger = importer.ledger
    res = ImportResult()
    ctx: Any = multiprocessing.get_context(_start_method())
    out = ctx.Queue(maxsize=QUEUE)
    v = importer.validator
    proc = ctx.Process(
        target=validate_file,
        args=(ledger.config, str(path), source, v.default_jurisdiction, v.allow_clock_acts, importer.batch, out),
        name="ledger-import-validator",
        daemon=True,
    )
    proc.start()
    try:
        while True:
            msg = _next(out, proc)
            if msg[0] == "done":
                break
            if msg[0] == "error":
                raise LedgerError(
                    f"导入校验进程出错: {msg[1]}", f"the import's validating process failed: {msg[1]}\n{msg[2]}"
                )
            _tag, nbytes, rejected, warnings, numbers, jurisdictions, columns = msg
            res.rejected.extend(rejected)
            res.warnings.extend(warnings)
            encoded = list(map(codec.Encoded, *columns)) if columns else []
            by_j: dict[str, tuple[list[int], list[codec.Encoded]]] = {}
            if jurisdictions and jurisdictions.count(jurisdictions[0]) == len(jurisdictions):
                by_j[jurisdictions[0]] = (numbers, encoded)  # one jurisdiction, as most files
            else:
                for n, j, enc in zip(numbers, jurisdictions, encoded, strict=True):
                    ns, es = by_j.setdefault(j, ([], []))
                    ns.append(n)
                    es.append(enc)
            for j, (ns, es) in by_j.items():
                _recorded, outcomes = ledger.append_encoded(j, es)
                for n, enc, (status, _seq) in zip(ns, es, outcomes, strict=True):
                    tally(res, source, n, status, enc.id)
            if encoded and importer.progress:
                importer.progress(len(encoded))
            if progress_bytes:
                progress_bytes(nbytes)
        proc.join(timeout=30)
    finally:
        if proc.is_alive():
            proc.kill()
            proc.join()
        out.close()
        out.cancel_join_thread()
    return res


def _next(out: Any, proc: Any) -> tuple[Any, ...]:
    """The validator's next message; an error when it died without one."""
    while True:
        try:
            return out.get(timeout=0.5)
        except queue.Empty:
            if not proc.is_alive():
                try:  # it may have put its last message just before it ended
                    return out.get(timeout=0.5)
                except queue.Empty:
                    raise LedgerError(
                        f"导入校验进程意外退出（退出码 {proc.exitcode}）",
                        f"the import's validating process ended unexpectedly (exit code {proc.exitcode})",
                        code="import_failed",
                    ) from None

"""Import (导入): org chart files (YAML/JSON) and act logs (JSONL) into the ledger.

Batched (many acts per transaction), idempotent by act id (a file imported twice stores
each act once), with a progress bar on a terminal. A bad line is reported with its line
number and field and stores nothing; the other lines still import. A stored act with a value
that rules in force cannot read (a ``doc_type`` outside the vocabulary …) is imported and
reported as a warning naming the line, the field, the value and those rules.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import orjson
import yaml

from domain.acts import Act
from domain.errors import ActError, LedgerError
from domain.orgfile import org_acts
from ledger.store import Ledger
from ledger.validation import BatchValidator

BATCH = 5000
#: An import of at least this many acts refreshes the planner's statistics after it (PostgreSQL).
ANALYZE_AFTER = 10_000


@dataclass
class LineError:
    """A rejected line (被拒绝的行): where, which field, why."""

    source: str
    line: int
    field: str
    code: str
    message_zh: str
    message_en: str

    def __str__(self) -> str:
        f = f" field '{self.field}'" if self.field else ""
        return f"{self.source}:{self.line}:{f} {self.message_en} — {self.message_zh}"

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class LineWarning:
    """An imported line with a value some rules cannot read (无法判断): where, which value, which rules."""

    source: str
    line: int
    field: str
    value: str
    rules: tuple[str, ...]
    message_zh: str
    message_en: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message_en} — {self.message_zh}"

    def as_dict(self) -> dict[str, Any]:
        d = self.__dict__.copy()
        d["rules"] = list(self.rules)
        return d


@dataclass
class ImportResult:
    """What an import did (导入结果)."""

    imported: int = 0
    duplicate: int = 0
    rejected: list[LineError] = field(default_factory=list)
    stored: list[Act] = field(default_factory=list)
    warnings: list[LineWarning] = field(default_factory=list)

    def merge(self, other: ImportResult) -> None:
        self.imported += other.imported
        self.duplicate += other.duplicate
        self.rejected.extend(other.rejected)
        self.stored.extend(other.stored)
        self.warnings.extend(other.warnings)

    def summary(self) -> dict[str, int]:
        return {"imported": self.imported, "duplicate": self.duplicate, "rejected": len(self.rejected)}


Progress = Callable[[int], None]


def tally(res: ImportResult, source: str, line: int, status: str, act_id: str) -> None:
    """Count one appended act in ``res``: ``stored``, ``duplicate``, or ``conflict`` — its id
    already used with another body, the line rejected."""
    if status == "stored":
        res.imported += 1
    elif status == "duplicate":
        res.duplicate += 1
    else:
        res.rejected.append(
            LineError(
                source,
                line,
                "id",
                "id_conflict",
                f"行为编号 {act_id} 已用于另一条内容不同的记录",
                f"act id '{act_id}' is already used by an act with different content",
            )
        )


#: Bytes to find a run of 19 ASCII digits with (a JSON number's digits are ASCII): every digit
#: becomes ``9``, everything else a space. Faster than a regular expression by five.
_DIGITS_ONLY = bytes(0x39 if 0x30 <= i <= 0x39 else 0x20 for i in range(256))
_LONG_NUMBER = b"9" * 19


def _loads(line: str) -> Any:
    """One line's JSON. orjson reads an integer beyond 64 bits as a float, silently: a line
    with a 19-digit run is read exactly instead, so validation can refuse what cannot be kept."""
    obj = orjson.loads(line)
    if _LONG_NUMBER in line.encode("utf-8", "surrogateescape").translate(_DIGITS_ONLY):
        return json.loads(line)
    return obj


def _counted(lines: TextIO, progress_bytes: Callable[[int], None] | None) -> Iterator[str] | TextIO:
    """The lines, telling ``progress_bytes`` how many bytes were read, every 64 KiB and at the end."""
    if progress_bytes is None:
        return lines

    def each() -> Iterator[str]:
        read = 0
        for line in lines:
            read += len(line.encode("utf-8", "surrogateescape"))
            if read >= 65536:
                progress_bytes(read)
                read = 0
            yield line
        if read:
            progress_bytes(read)

    return each()


def _open_text(path: Path) -> TextIO:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="surrogateescape")
    return path.open(encoding="utf-8", errors="surrogateescape")  # a line not UTF-8: that line's error


class Importer:
    """Validates and appends acts in batches; reports per-line errors."""

    def __init__(
        self,
        ledger: Ledger,
        *,
        jurisdiction: str | None = None,
        batch: int = BATCH,
        progress: Progress | None = None,
        keep_stored: bool = False,
        allow_clock_acts: bool = False,
        parallel: bool | None = None,
    ) -> None:
        self.ledger = ledger
        self.validator = BatchValidator(ledger, jurisdiction=jurisdiction, allow_clock_acts=allow_clock_acts)
        self.batch = batch
        self.progress = progress
        self.keep_stored = keep_stored
        #: Validate a large act log in a process of its own (:mod:`ledger.parallel_import`):
        #: ``None`` decides by the file's size and the machine's cores.
        self.parallel = parallel

    def import_path(self, path: str | Path, *, progress_bytes: Callable[[int], None] | None = None) -> ImportResult:
        """An org chart or an act log file (``progress_bytes``: told the bytes of the act log read)."""
        p = Path(path)
        name = p.name.lower().removesuffix(".gz")
        if name.endswith((".yaml", ".yml", ".json")):
            return self.import_org(p)
        if name.endswith(".jsonl"):
            if self._in_parallel(p):
                from ledger.parallel_import import import_file

                res = import_file(self, p, str(p), progress_bytes)
                # what this process's validator remembers of cases and charts is older than the store now
                self.validator = BatchValidator(
                    self.ledger,
                    jurisdiction=self.validator.default_jurisdiction,
                    allow_clock_acts=self.validator.allow_clock_acts,
                )
                if res.imported >= ANALYZE_AFTER:
                    self.ledger.analyze()
                return res
            with _open_text(p) as fh:
                return self.import_lines(_counted(fh, progress_bytes), source=str(p))
        raise LedgerError(
            f"不支持的文件类型: {p.name}（支持 .yaml/.yml/.json 组织机构文件、.jsonl 行为日志）",
            f"unsupported file type: {p.name} (.yaml/.yml/.json org chart, .jsonl act log)",
            code="unsupported_file",
        )

    def _in_parallel(self, path: Path) -> bool:
        if self.keep_stored:  # the acts stored are wanted back as objects: one process
            return False
        if self.parallel is not None:
            return self.parallel
        from ledger.parallel_import import MIN_BYTES

        return (os.cpu_count() or 1) > 1 and path.stat().st_size >= MIN_BYTES

    def import_org(self, path: Path) -> ImportResult:
        with _open_text(path) as fh:
            try:
                chart = (
                    yaml.safe_load(fh) if not path.name.lower().removesuffix(".gz").endswith(".json") else json.load(fh)
                )
            except (yaml.YAMLError, json.JSONDecodeError) as e:
                res = ImportResult()
                res.rejected.append(
                    LineError(str(path), getattr(e, "lineno", 0) or 0, "", "bad_file", "文件无法解析", str(e))
                )
                return res
        return self.import_chart(chart, source=str(path))

    def import_chart(self, chart: Any, *, source: str = "<org>") -> ImportResult:
        """An org chart mapping, all or nothing (an org file with an error stores nothing)."""
        res = ImportResult()
        try:
            jur, raws = org_acts(chart, known=self.ledger.org)
            validator = BatchValidator(self.ledger, jurisdiction=jur)
            acts = [validator.validate(r) for r in raws]
        except ActError as e:
            res.rejected.append(LineError(source, 0, e.field, e.code, e.message_zh, e.message_en))
            return res
        self._append(acts, [0] * len(acts), source, res)
        self.validator.forget(jur)
        return res

    def import_lines(self, lines: Iterator[str] | TextIO, *, source: str = "<stdin>") -> ImportResult:
        """A JSONL act log: one act per line; blank lines are skipped."""
        res = ImportResult()
        chunk: list[tuple[int, Any]] = []
        for n, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                chunk.append((n, _loads(line)))
            except orjson.JSONDecodeError as e:
                res.rejected.append(
                    LineError(source, n, "", "bad_json", f"不是有效的 JSON: {e}", f"not valid JSON: {e}")
                )
                continue
            if len(chunk) >= self.batch:
                self._validate_and_append(chunk, source, res)
                chunk = []
        if chunk:
            self._validate_and_append(chunk, source, res)
        if res.imported >= ANALYZE_AFTER:
            self.ledger.analyze()
        return res

    def _validate_and_append(self, chunk: list[tuple[int, Any]], source: str, res: ImportResult) -> None:
        self.validator.prefetch([raw for _n, raw in chunk])
        pending: list[Act] = []
        numbers: list[int] = []
        for n, raw in chunk:
            self.add_raw(raw, n, source, res, pending, numbers)
        if pending:
            self._append(pending, numbers, source, res)

    def import_raws(self, raws: list[Any], *, source: str = "<request>") -> ImportResult:
        """Contract objects already parsed (the API's batches, the clock's acts)."""
        res = ImportResult()
        for i in range(0, len(raws), self.batch):
            self._validate_and_append(list(enumerate(raws[i : i + self.batch], start=i + 1)), source, res)
        return res

    def add_raw(self, raw: Any, n: int, source: str, res: ImportResult, pending: list[Act], numbers: list[int]) -> None:
        try:
            act = self.validator.validate(raw)
        except ActError as e:
            res.rejected.append(LineError(source, n, e.field, e.code, e.message_zh, e.message_en))
            return
        pending.append(act)
        numbers.append(n)
        for w in self.validator.warnings(act):
            res.warnings.append(LineWarning(source, n, w.field, w.value, w.rules, w.message_zh, w.message_en))

    def _append(self, acts: list[Act], numbers: list[int], source: str, res: ImportResult) -> None:
        """Append one batch; an id reused with another body rejects that line only."""
        for r, n in zip(self.ledger.append(acts, id_conflicts="report"), numbers, strict=True):
            tally(res, source, n, r.status, r.act.id)
            if r.status == "stored" and self.keep_stored:
                res.stored.append(r.act)
        self.validator.batch_stored()
        if self.progress:
            self.progress(len(acts))

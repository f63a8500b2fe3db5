"""Export (导出): the ledger back to the contract's JSONL, or CSV for spreadsheets.

A round trip import → export → import gives identical acts: the export writes each act's
contract object (plus its ``jurisdiction``) in recorded order, org acts included.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from domain.acts import Act
from domain.timeutil import format_datetime
from ledger.store import Ledger

CSV_COLUMNS = ("id", "jurisdiction", "case", "kind", "act", "at", "by", "unit", "data", "recorded_at", "seq")


def iter_export(ledger: Ledger, jurisdiction: str | None = None) -> Iterator[Act]:
    js = [jurisdiction] if jurisdiction else ledger.jurisdictions()
    for j in js:
        yield from ledger.iter_acts(j)


def write_jsonl(acts: Iterator[Act], fh: TextIO) -> int:
    n = 0
    for a in acts:
        fh.write(json.dumps(a.to_contract(), ensure_ascii=False, sort_keys=False) + "\n")
        n += 1
    return n


def write_csv(acts: Iterator[Act], fh: TextIO) -> int:
    w = csv.writer(fh)
    w.writerow(CSV_COLUMNS)
    n = 0
    for a in acts:
        c = a.to_contract()
        w.writerow(
            [
                c["id"],
                c["jurisdiction"],
                c["case"],
                c["kind"],
                c["act"],
                c["at"],
                c["by"],
                c["unit"],
                json.dumps(c["data"], ensure_ascii=False, sort_keys=True),
                format_datetime(a.recorded_at) if a.recorded_at else "",
                a.seq if a.seq is not None else "",
            ]
        )
        n += 1
    return n


def export(ledger: Ledger, path: str | Path, *, fmt: str = "jsonl", jurisdiction: str | None = None) -> int:
    """Write the ledger (or one jurisdiction) to ``path``; returns the number of acts."""
    p = Path(path)
    with p.open("w", encoding="utf-8", newline="") as fh:
        acts = iter_export(ledger, jurisdiction)
        if fmt == "jsonl":
            return write_jsonl(acts, fh)
        if fmt == "csv":
            return write_csv(acts, fh)
    raise ValueError(f"unknown export format '{fmt}' (jsonl, csv)")

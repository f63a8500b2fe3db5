"""Import the four real logs through their mappings and print what each rule pack finds.

    python examples/run_examples.py [--db DIR] [NAME ...]

For each example (bpi2020-domestic, bpi2020-payment, traffic-fines, wabo-receipt): a fresh
SQLite ledger ``DIR/NAME.db``, ``import_mapped`` of the log, ``tick`` far in the future (so
every owed response/deadline is recorded as missed), the audit projection, and the
violations per rule (count of violations and of distinct cases). This is how the numbers
in ``examples/README.md`` were made.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ledger.clock import tick  # noqa: E402
from ledger.mapping import import_mapped  # noqa: E402
from ledger.store import Ledger  # noqa: E402
from projections.audit import AuditProjection  # noqa: E402

DATA = ROOT / "data" / "logs"  # the real logs, kept in the repository (data/logs/README.md)
EXAMPLES = {
    "bpi2020-domestic": "DomesticDeclarations.xes.gz",
    "bpi2020-payment": "RequestForPayment.xes.gz",
    "traffic-fines": "road_traffic_fines_eventdataR_10k.csv.gz",
    "wabo-receipt": "wabo_receipt_pm4py.csv.gz",
}
#: "Far in the future" for the clock: every owed act whose limit passed is recorded as missed.
FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)


def run(name: str, db_dir: Path, data: Path = DATA) -> dict[str, tuple[int, int]]:
    """Import, tick, project; returns {rule: (violations, distinct cases)}."""
    db = db_dir / f"{name}.db"
    db.unlink(missing_ok=True)
    mapping = ROOT / "examples" / name / "mapping.yaml"
    with Ledger(f"sqlite:///{db}") as led:
        t0 = time.perf_counter()
        res = import_mapped(led, data / EXAMPLES[name], mapping)
        t1 = time.perf_counter()
        tr = tick(led, FAR_FUTURE)
        t2 = time.perf_counter()
        proj = AuditProjection(led)
        proj.run()
        t3 = time.perf_counter()
        vs = proj.violations()
        by_rule: Counter[str] = Counter(v["rule"] for v in vs)
        cases: dict[str, set[str]] = {}
        missing: Counter[str] = Counter()
        for v in vs:
            cases.setdefault(v["rule"], set()).add(v["case"])
            missing[v["rule"]] += any(e.startswith("dm-") for e in v["evidence"])  # the clock's act
        print(
            f"## {name}: {res.summary()} — import {t1 - t0:.1f}s, tick {t2 - t1:.1f}s "
            f"({tr.recorded} deadline_missed), projection {t3 - t2:.1f}s"
        )
        for e in res.rejected[:5]:
            print("   rejected:", e)
        out = {r: (n, len(cases[r])) for r, n in sorted(by_rule.items())}
        for r, (n, c) in out.items():
            note = f"  ({missing[r]} missing at the deadline, {n - missing[r]} late)" if missing[r] else ""
            print(f"   {r:32s} {n:6d} violations in {c:6d} cases{note}")
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", default=list(EXAMPLES))
    ap.add_argument("--db", type=Path, default=None, help="directory for the SQLite files (default: a temp dir)")
    ap.add_argument("--data", type=Path, default=DATA)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = args.db or Path(tmp)
        d.mkdir(parents=True, exist_ok=True)
        for n in args.names:
            run(n, d, args.data)


if __name__ == "__main__":
    main()

"""Rule evaluation speed: our engine vs pm4py's Declare conformance, on the real BPI 2020 logs.

    python bench/pm4py_compare.py [domestic|payment ...] [--repeat N]

For each log: import it through ``examples/<name>/mapping.yaml`` into a temporary SQLite
ledger and tick the clock far in the future (not timed), load the acts into memory and read
the XES with pm4py (not timed). Then, best of N:

- **ours** — ``domain.rules.engine``: group the acts into cases (``group_cases``) and run
  ``Evaluator.case_violations`` with the pack's rules that Declare can express (the
  ``precedence`` rules and the payment ``response``), and again with the whole pack;
- **pm4py** — ``pm4py.conformance_declare`` on the event DataFrame, one call per rule (the
  alternatives of a rule merged into one activity label beforehand, not timed).

Prints both times, the ratio pm4py / ours (target > 1: ours faster) and the number of
violating cases each reports per rule (equal, but for the timestamp ties explained in
``tests/test_real_logs.py``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this file's folder comes first on the path, where bench/http.py would stand in
# for the standard library's `http`: the repository root takes its place.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import yaml

from domain.calendar import WorkCalendar
from domain.rules.engine import Evaluator, group_cases
from domain.rules.yamlpack import compile_packs
from ledger.clock import tick
from ledger.mapping import import_mapped
from ledger.store import Ledger

DATA = ROOT / "data" / "logs"  # the real logs, kept in the repository (data/logs/README.md)
LOGS = {
    "domestic": ("bpi2020-domestic", "DomesticDeclarations.xes.gz", "Declaration", "DOM"),
    "payment": ("bpi2020-payment", "RequestForPayment.xes.gz", "Request For Payment", "RFP"),
}
CASE, ACT, TS = "case:concept:name", "concept:name", "time:timestamp"


def declare_rules(prefix: str, rp: str) -> dict[str, tuple[str, set[str], set[str]]]:
    """rule id → (Declare template, A activities, B activities) for the rules pm4py can express."""
    final = {f"{prefix} FINAL_APPROVED by SUPERVISOR", f"{prefix} FINAL_APPROVED by DIRECTOR"}
    admin = {f"{prefix} APPROVED by ADMINISTRATION", f"{prefix} APPROVED by PRE_APPROVER"}
    out = {
        f"{rp}-PAY-AFTER-FINAL": ("precedence", final, {"Payment Handled"}),
        f"{rp}-REQUEST-AFTER-FINAL": ("precedence", final, {"Request Payment"}),
        f"{rp}-FINAL-AFTER-ADMIN": ("precedence", admin, final),
        # the response rule's *missing* half (its 14-day limit is beyond Declare)
        f"{rp}-PAY-WITHIN-14D": ("response", {"Request Payment"}, {"Payment Handled"}),
    }
    if rp == "RFP":
        out["RFP-DIRECTOR-AFTER-SUPERVISOR"] = (
            "precedence",
            {f"{prefix} APPROVED by SUPERVISOR"},
            {f"{prefix} FINAL_APPROVED by DIRECTOR"},
        )
    return out


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def run(which: str, repeat: int) -> float:
    import pm4py

    name, log, prefix, rp = LOGS[which]
    rules = declare_rules(prefix, rp)
    pack_text = (ROOT / "examples" / name / "pack.yaml").read_text(encoding="utf-8")
    pack_id = yaml.safe_load(pack_text)["pack"]
    with tempfile.TemporaryDirectory() as tmp, Ledger(f"sqlite:///{tmp}/l.db") as led:
        t = time.perf_counter()
        import_mapped(led, DATA / log, ROOT / "examples" / name / "mapping.yaml")
        tick(led, datetime(2100, 1, 1, tzinfo=UTC))
        j = led.jurisdictions()[0]
        org = led.org(j)
        acts = [a for a in led.iter_acts(j) if a.kind != "org"]
        prep = time.perf_counter() - t
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = pm4py.read_xes(str(DATA / log), show_progress_bar=False)
    frames = {}
    for rid, (_tpl, a, b) in rules.items():
        d = df[[CASE, ACT, TS]].copy()
        d[ACT] = [("A" if x in a else "B" if x in b else x) for x in d[ACT]]
        frames[rid] = d

    all_rules = compile_packs({pack_id: pack_text})
    subset = [r for r in all_rules if r.id in rules]
    cal = WorkCalendar.of(org)

    def ours(rs: list[Any]) -> Callable[[], dict[str, set[str]]]:
        def go() -> dict[str, set[str]]:
            ev = Evaluator(org, cal, rules=rs)
            found: dict[str, set[str]] = {}
            for c in group_cases(acts):
                for v in ev.case_violations(c):
                    found.setdefault(v.rule, set()).add(v.case)
                    if any(e.startswith("dm-") for e in v.evidence):  # missing: the clock's act
                        found.setdefault(v.rule + "/missing", set()).add(v.case)
            return found

        return go

    def theirs() -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for rid, (tpl, _a, _b) in rules.items():
                model = {tpl: {("A", "B"): {"support": 1.0, "confidence": 1.0}}}
                res = pm4py.conformance_declare(frames[rid], model)
                found[rid] = {str(i) for i, r in enumerate(res) if r["no_dev_total"] > 0}  # trace positions
        return found

    t_ours, f_ours = best(ours(subset), repeat)
    t_all, f_all = best(ours(all_rules), repeat)
    t_pm, f_pm = best(theirs, repeat)
    print(f"## {log}: {len(acts)} acts in {len({a.case for a in acts})} cases (import+tick {prep:.1f}s, not timed)")
    print(f"   ours  (same {len(subset)} rules)      {t_ours * 1000:8.0f} ms")
    print(f"   ours  (whole pack, {len(all_rules)} rules)   {t_all * 1000:8.0f} ms")
    print(f"   pm4py conformance_declare ({len(rules)} calls) {t_pm * 1000:8.0f} ms")
    print(f"   ratio pm4py / ours (same rules): {t_pm / t_ours:.2f}x")
    for rid in rules:
        ours_n = len(f_ours.get(rid, ()))
        note = ""
        if rules[rid][0] == "response":
            miss = len(f_ours.get(rid + "/missing", ()))
            note = f"  (ours: {miss} missing = Declare's response, {ours_n - miss} late = the 14-day limit)"
        print(f"   {rid:32s} ours {ours_n:5d} cases   pm4py {len(f_pm[rid]):5d} traces{note}")
    del f_all
    return t_pm / t_ours


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("logs", nargs="*", help=f"any of {', '.join(LOGS)} (default: all)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    ratios = [run(w, args.repeat) for w in args.logs or LOGS]
    print(f"ratio pm4py / ours: {' '.join(f'{r:.2f}x' for r in ratios)}")


if __name__ == "__main__":
    main()

"""A small claims process (报销流程) to try rule packs on: a CSV log, its mapping and a pack.

Five cases, each telling one thing apart:

- C1 submitted, approved, paid the next day — nothing to flag;
- C2 paid without an approval (CLM-PAY-AFTER-APPROVAL: a wrong act, ``breach``);
- C3 approved for 5000 without a review (CLM-BIG-NEEDS-REVIEW), paid 8 days later
  (CLM-PAY-WITHIN-2D: ``late``);
- C4 approved and never paid (CLM-PAY-WITHIN-2D once the clock has run: ``missing``);
- C5 reviewed, approved for 2000 and paid the next day — nothing to flag.

The log's column ``Claim Amount`` is mapped to the data field ``amount``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from domain.acts import Act, validate_act
from ledger.store import org_case

JURISDICTION = "t-claims"

LOG = """\
case,activity,time,who,Claim Amount
1,submit,2024-03-01 09:00,ann,100
1,approve,2024-03-02 09:00,bob,100
1,pay,2024-03-03 09:00,cat,100
2,submit,2024-03-01 09:00,ann,200
2,pay,2024-03-01 12:00,cat,200
3,submit,2024-03-01 09:00,ann,5000
3,approve,2024-03-01 10:00,bob,5000
3,pay,2024-03-10 10:00,cat,5000
4,submit,2024-03-02 09:00,ann,300
4,approve,2024-03-02 10:00,bob,300
5,submit,2024-03-04 09:00,ann,2000
5,review,2024-03-04 11:00,dan,2000
5,approve,2024-03-05 09:00,bob,2000
5,pay,2024-03-06 09:00,cat,2000
"""

PACK = """\
pack: claims-rules
name: {zh: 报销规则, en: Claim rules}
effective_from: 2024-01-01
rules:
  - id: CLM-PAY-AFTER-APPROVAL
    template: precedence
    citation: "§1"
    severity: high
    when: {act: pay}
    requires: {act: approve}
  - id: CLM-PAY-WITHIN-2D
    template: response
    citation: "§2"
    severity: low
    after: {act: approve}
    expect: {act: pay}
    within: {days: 2}
  - id: CLM-BIG-NEEDS-REVIEW
    template: precedence
    citation: "§3"
    when: {act: approve, where: "amount > 1000"}
    requires: {act: review}
"""

MAPPING: dict[str, Any] = {
    "jurisdiction": JURISDICTION,
    "format": "csv",
    "timezone": "Asia/Shanghai",
    "time_format": "%Y-%m-%d %H:%M",
    "case": {"from": "case", "prefix": "C"},
    "activity": "activity",
    "time": "time",
    "person": {"from": "who", "prefix": "p-"},
    "data": {"amount": {"from": "Claim Amount", "type": "number"}},
    "register": True,
    "government": {"id": "u-gov", "name": "Claims office"},
}


#: The pack with a mistake in ``within`` (a string where a duration is expected).
BROKEN_PACK = PACK.replace("within: {days: 2}", 'within: "2 days"')


def broken_pack_act(source: str = BROKEN_PACK) -> Act:
    """A ``pack_defined`` that does not compile, validated as the contract only: how a ledger
    written before packs were checked on recording holds one."""
    raw = {
        "id": "org-broken",
        "case": org_case(JURISDICTION),
        "kind": "org",
        "act": "pack_defined",
        "at": "2024-01-01T00:00:00+08:00",
        "by": "system",
        "unit": "u-gov",
        "data": {"pack": "claims-rules", "source": source},
    }
    return validate_act(raw, jurisdiction=JURISDICTION)


def write_claims(tmp_path: Path, *, pack: str | None = PACK, log: str = LOG, **mapping: Any) -> tuple[Path, Path, Path]:
    """Write the log, the pack (unless None) and the mapping naming it: (mapping, log, pack) paths."""
    pack_path = tmp_path / "pack.yaml"
    body = {**MAPPING, **mapping}
    if pack is not None:
        pack_path.write_text(pack, encoding="utf-8")
        body["packs"] = ["pack.yaml"]
    m = tmp_path / "mapping.yaml"
    m.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    log_path = tmp_path / "claims.csv"
    log_path.write_text(log, encoding="utf-8")
    return m, log_path, pack_path

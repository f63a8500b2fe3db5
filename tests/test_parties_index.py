"""The case-parties index (案件当事单位索引) follows the log without a write per read: acts that
change no row (the access log's 查阅记录) move it on in memory, and the position is saved with
the next change or after :data:`projections.parties.UNSAVED_MAX` such acts."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest

from domain.acts import SYSTEM_ACTOR
from domain.system_cases import access_case
from ledger.importer import Importer
from ledger.store import Ledger
from ledger.validation import BatchValidator
from projections import parties
from projections.parties import PartiesIndex
from tests.conftest import COUNTY, act

J = COUNTY["jurisdiction"]


def viewed(ledger: Ledger, n: int) -> None:
    """``n`` reads by an auditor, recorded as the access log records them."""
    v = BatchValidator(ledger, jurisdiction=J)
    raws = [
        {
            "id": f"acc-{uuid.uuid4().hex}",
            "jurisdiction": J,
            "case": access_case("p-chen", date(2024, 5, 6)),
            "kind": "access",
            "act": "viewed",
            "at": "2024-05-06T09:00:00+08:00",
            "by": SYSTEM_ACTOR,
            "unit": "u-office",
            "data": {"resource": "/violations", "query": "{}", "role": "auditor", "token": "t", "person": None},
        }
        for i in range(n)
    ]
    ledger.append([v.validate(r) for r in raws])


def test_reads_move_the_index_on_without_a_write_and_a_new_case_saves_the_position(db_url: str) -> None:
    with Ledger(db_url) as ledger:
        Importer(ledger).import_chart(COUNTY)
        lines = [json.dumps(act("i-1", "I-1", "incident", "occurred", "2024-05-06T08:00:00+08:00", grade="general"))]
        Importer(ledger).import_lines(lines)
        idx = PartiesIndex(ledger)
        idx.run()
        saved = idx.saved_position()
        assert saved == ledger.max_notification_id()
        viewed(ledger, 3)
        assert idx.run() == 3
        assert idx.saved_position() == saved, "reads alone write nothing"
        assert idx.position() == ledger.max_notification_id()
        assert PartiesIndex(ledger).position() == saved, "another process re-reads them (harmless)"
        lines = [json.dumps(act("i-2", "I-2", "incident", "occurred", "2024-05-06T10:00:00+08:00", unit="u-sfj",
                                by="p-zhou", grade="general"))]  # fmt: skip
        Importer(ledger).import_lines(lines)
        assert idx.run() == 1
        assert idx.saved_position() == ledger.max_notification_id()
        assert idx.readable(["u-sfj"], [(J, "I-1"), (J, "I-2")]) == {(J, "I-2")}


def test_the_position_is_saved_after_many_reads_so_a_restart_rereads_few(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parties, "UNSAVED_MAX", 5)
    with Ledger(db_url) as ledger:
        Importer(ledger).import_chart(COUNTY)
        idx = PartiesIndex(ledger)
        idx.run()
        saved = idx.saved_position()
        viewed(ledger, 3)
        idx.run(batch=1)
        assert idx.saved_position() == saved
        viewed(ledger, 4)
        idx.run(batch=1)
        assert idx.saved_position() > saved and ledger.max_notification_id() - idx.saved_position() < 5

"""A jurisdiction is judged by the rules its packs cite (规则包所引用的规则): the rules of a
regulation it never adopted are not run over its cases, and the jurisdiction-wide ones do not
read its cases at all — a county under one regulation reads no other regulation's cases."""

from __future__ import annotations

from domain.rules.engine import Evaluator
from tests.rules.history import History


def _cover_conflict(h: History) -> None:
    """The cover pair vh-1 ⇄ vh-2 away on leave at the same time (changle-2022 第七条)."""
    for cid, who in (("L-1", "p-vh1"), ("L-2", "p-vh2")):
        h.add(
            "leave",
            cid,
            "requested",
            "2024-03-01 09:00",
            by=who,
            unit="u-gov",
            start="2024-03-04 08:00",
            end="2024-03-06 18:00",
            scope="out_of_province",
            written=True,
        )
        h.add("leave", cid, "approved", "2024-03-01 10:00", by="p-head", unit="u-gov")
        h.add("leave", cid, "departed", "2024-03-04 08:00", by=who, unit="u-gov")
        h.add("leave", cid, "returned", "2024-03-06 18:00", by=who, unit="u-gov")


def test_jurisdiction_wide_rules_read_only_the_kinds_of_rules_its_packs_cite() -> None:
    # LEV-COVER-CONFLICT cites changle-2022 alone: a dongqu-2012 county reads no leave case for it
    dongqu = Evaluator(History("dongqu-2012").orgchart())
    assert "leave" not in dongqu.jurisdiction_kinds()
    assert "LEV-COVER-CONFLICT" not in {r.id for r in dongqu.jurisdiction_rules}
    assert "supervision" in dongqu.jurisdiction_kinds()  # MTG-DECISION-FOLLOWTHROUGH, dongqu-2012 第六十四条
    changle = Evaluator(History("changle-2022").orgchart())
    assert "LEV-COVER-CONFLICT" in {r.id for r in changle.jurisdiction_rules}
    assert "leave" in changle.jurisdiction_kinds()


def test_a_pack_adopted_later_brings_its_rules_for_the_acts_it_judges() -> None:
    h = History("dongqu-2012")
    assert "leave" not in Evaluator(h.orgchart()).jurisdiction_kinds()
    h.org("pack_adopted", pack="changle-2022", **{"from": "2024-01-01"})
    assert "leave" in Evaluator(h.orgchart()).jurisdiction_kinds()
    _cover_conflict(h)
    [v] = h.violations("LEV-COVER-CONFLICT")
    assert v.pack == "changle-2022"


def test_a_rule_no_adopted_pack_cites_judges_nothing() -> None:
    h = History("dongqu-2012")
    _cover_conflict(h)
    assert h.violations("LEV-COVER-CONFLICT") == []
    h2 = History("changle-2022")
    _cover_conflict(h2)
    assert len(h2.violations("LEV-COVER-CONFLICT")) == 1

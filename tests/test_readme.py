"""The README's examples work as written."""

from __future__ import annotations

import re
from pathlib import Path

from domain.rules.yamlpack import load_pack

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_rule_pack_compiles() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    packs = [b for b in blocks if b.startswith("pack:")]
    assert packs, "the README shows a rule pack"
    for text in packs:
        compiled = load_pack(text)
        assert [r.id for r in compiled.rules] == [
            "TRF-PENALTY-60D",
            "DOM-PAY-AFTER-FINAL",
            "DOM-BUDGET-OWNER-OVER-1000",
        ]


def test_the_readme_commands_name_real_commands() -> None:
    from typer.main import get_command

    from api.cli import app

    names = set(get_command(app).commands)  # type: ignore[attr-defined]
    used = set(
        re.findall(r"^\s*ledger (?:--db \S+ )?(?:--lang \w+ )?([a-z]+)", README.read_text(encoding="utf-8"), re.M)
    )
    assert used and used <= names, used - names

"""One direction of dependency: api → projections → ledger → domain.

The domain imports nothing of ours, the store never imports an interface or a projection,
and the projections never import an interface. Checked on the source (every ``import``,
also those inside functions), so a late import cannot hide a reversed dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("domain", "ledger", "projections", "api")
ALLOWED = {
    "domain": {"domain"},
    "ledger": {"domain", "ledger"},
    "projections": {"domain", "ledger", "projections"},
    "api": {"domain", "ledger", "projections", "api"},
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name.split(".")[0]) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module.split(".")[0]))
    return out


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_imports_only_the_layers_below_it(layer: str) -> None:
    wrong = [
        f"{p.relative_to(ROOT)}:{line} imports {top}"
        for p in sorted((ROOT / layer).rglob("*.py"))
        for line, top in _imports(p)
        if top in LAYERS and top not in ALLOWED[layer]
    ]
    assert not wrong, "\n".join(wrong)

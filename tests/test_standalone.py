"""The repository stands on its own: its README and docs point only at files it holds, and
the real logs and regulation texts it ships are the copies its READMEs name (SHA-256)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")), *sorted((ROOT / "examples").rglob("*.md"))]
DOCS += [ROOT / "data" / "logs" / "README.md"]


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_docs_point_only_inside_the_repository(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "../shared" not in text and "shared/spec" not in text and "shared/seeds" not in text
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if re.match(r"[a-z]+://", target):
            continue
        assert (path.parent / target).resolve().exists(), f"{path.relative_to(ROOT)} links to a missing {target}"


@pytest.mark.parametrize("readme", [ROOT / "data" / "logs" / "README.md", ROOT / "docs" / "regulations" / "README.md"])
def test_bundled_files_are_the_copies_their_readme_names(readme: Path) -> None:
    listed = re.findall(r"^([0-9a-f]{64})  (\S+)$", readme.read_text(encoding="utf-8"), re.M)
    assert listed
    for digest, name in listed:
        assert hashlib.sha256((readme.parent / name).read_bytes()).hexdigest() == digest, name

"""The code stays linted, formatted and type-checked (ruff, mypy) — checked in CI with the tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_finds_no_problems() -> None:
    r = run("ruff", "check", ".")
    assert r.returncode == 0, r.stdout + r.stderr


def test_code_is_formatted() -> None:
    r = run("ruff", "format", "--check", ".")
    assert r.returncode == 0, r.stdout + r.stderr


def test_type_hints_check() -> None:
    r = run("mypy")
    assert r.returncode == 0, r.stdout + r.stderr

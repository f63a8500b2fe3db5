"""The violations-overview notebook runs top to bottom on the demo ledger (演示数据笔记本)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from typer.testing import CliRunner

from api.cli import app

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "violations-overview.ipynb"
KERNEL = "ledger-test-python"


def kernel_dir(base: Path) -> Path:
    """A kernelspec for *this* interpreter in a private Jupyter path, so the test never picks up
    a user's or system's ``python3`` kernel that lacks the project (works from a clean venv)."""
    spec = base / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python (ledger tests)",
                "language": "python",
                "metadata": {"debugger": False},
            }
        ),
        encoding="utf-8",
    )
    return base


def test_violations_overview_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    result = CliRunner().invoke(app, ["--db", url, "demo"])
    assert result.exit_code == 0, result.output

    jupyter = kernel_dir(tmp_path / "jupyter")
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter))
    monkeypatch.setenv("LEDGER_DB", url)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))

    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        nb, kernel_name=KERNEL, timeout=300, resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    ).execute()  # raises CellExecutionError on the first failing cell

    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    by_family = [c for c in code if "violations-by-family" in c.metadata.get("tags", [])]
    assert len(by_family) == 1
    shown = [o for o in by_family[0].outputs if o.output_type == "execute_result"]
    assert shown, "the violations-by-family cell produced no table"
    text = shown[0].data["text/plain"]
    assert "ESC" in text and "INC" in text and "合计 total" in text
    images = [o for c in code for o in c.outputs if o.output_type == "display_data" and "image/png" in o.data]
    assert len(images) >= 3  # by family/month, top units, time to report

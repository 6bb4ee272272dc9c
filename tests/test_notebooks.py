"""Every notebook in notebooks/ runs end to end, in a kernel of this Python, without an error."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each notebook runs in a kernel of its own

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def this_python_kernel(tmp_path_factory, monkeypatch_module):
    """A `python3` kernelspec that starts this interpreter (the venv with autograd_lite in it)."""
    pytest.importorskip("nbclient", reason="pip install '.[notebook]' to execute the notebooks")
    pytest.importorskip("ipykernel", reason="pip install '.[notebook]' to execute the notebooks")
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / "python3"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "Python 3", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    monkeypatch_module.setenv("JUPYTER_PATH", str(root))
    # Jupyter's inline backend is non-interactive: a figure becomes a PNG output, no window opens.
    monkeypatch_module.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return "python3"


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_the_notebooks_are_there():
    assert [p.name[:3] for p in NOTEBOOKS if p.name[:2] in {"10", "11", "12", "13", "14"}] == [
        "10_",
        "11_",
        "12_",
        "13_",
        "14_",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, this_python_kernel, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name=this_python_kernel,
        timeout=120,
        resources={"metadata": {"path": str(tmp_path)}},  # files a notebook writes land here
    )
    client.execute()
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert errors == []
    if any("matplotlib" in cell.source for cell in notebook.cells):
        images = [
            output
            for cell in notebook.cells
            for output in cell.get("outputs", [])
            if "image/png" in output.get("data", {})
        ]
        assert images, f"{path.name} plots with matplotlib but no figure was rendered"

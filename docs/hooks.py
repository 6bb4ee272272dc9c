"""MkDocs hook: the notebooks of notebooks/ in the site, executed, so their drawings, tables and
step-through viewers show (the repository stores them without outputs).

Each notebook runs in a kernel of the Python that runs MkDocs, in a temporary folder, and the
executed copy is what mkdocs-jupyter renders. Executed copies are kept in the system's temporary
folder under a key made from the notebook and the package's sources, so `mkdocs serve` runs a
notebook again only when it or the package changed. A notebook that raises fails the build; one
whose packages (its metadata's `autograd_lite.requires`) are missing is rendered unexecuted with
a warning, which `mkdocs build --strict` turns into a failure.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CACHE = Path(tempfile.gettempdir()) / "autograd_lite_docs_notebooks"
log = logging.getLogger("mkdocs.hooks.notebooks")


def sources_key(notebook: Path) -> str:
    """A digest of the notebook and every file of the package it imports."""
    digest = hashlib.sha256(notebook.read_bytes())
    for path in sorted((ROOT / "autograd_lite").rglob("*")):
        if path.is_file() and path.suffix in {".py", ".css", ".js"}:
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def kernel_of_this_python(folder: Path) -> None:
    """A `python3` kernelspec under `folder` that starts this interpreter, found through
    JUPYTER_PATH, so the notebooks import the autograd_lite that MkDocs sees."""
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "Python 3", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))


def missing_packages(document: Any) -> list[str]:
    """The packages a notebook's metadata says it needs that are not installed."""
    requires = document.metadata.get("autograd_lite", {}).get("requires", [])
    return [name for name in requires if importlib.util.find_spec(name) is None]


def execute(document: Any) -> None:
    """Run the notebook `document` in place, in a fresh folder, in a kernel of this Python."""
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory() as workdir:
        kernel_of_this_python(Path(workdir) / "jupyter")
        saved = {name: os.environ.get(name) for name in ("JUPYTER_PATH", "MPLBACKEND")}
        os.environ["JUPYTER_PATH"] = str(Path(workdir) / "jupyter")
        # Jupyter's inline backend: a figure becomes a PNG output, no window opens.
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
        try:
            client = NotebookClient(
                document,
                kernel_name="python3",
                timeout=300,
                resources={"metadata": {"path": workdir}},
            )
            client.execute()  # raises CellExecutionError on the first failing cell
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


@event_priority(100)  # before mkdocs-jupyter turns .ipynb files into pages
def on_files(files: Files, config: Any) -> Files:
    import nbformat

    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        document = nbformat.read(notebook, as_version=4)
        missing = missing_packages(document)
        folder = CACHE / sources_key(notebook)
        if missing:
            log.warning(
                "%s needs %s to run; it is rendered without outputs (pip install %s)",
                notebook.name,
                ", ".join(missing),
                " ".join(missing),
            )
            folder = CACHE / "unexecuted"
        executed = folder / "notebooks" / notebook.name
        if missing or not executed.exists():
            if not missing:
                log.info("executing %s", notebook.name)
                execute(document)
            executed.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(document, executed)
        files.append(
            File(
                f"notebooks/{notebook.name}",
                src_dir=str(folder),
                dest_dir=config["site_dir"],
                use_directory_urls=config["use_directory_urls"],
            )
        )
    return files

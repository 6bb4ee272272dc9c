"""The package: what it exports, and that the engine loads nothing else."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import autograd_lite as al


def test_every_exported_name_resolves():
    for name in al.__all__:
        assert getattr(al, name) is not None, name
    assert {"Value", "grad", "draw", "step_through", "nn", "NonFiniteError"} <= set(al.__all__)


def test_importing_the_engine_loads_no_drawing_and_no_derivations():
    code = (
        "import sys, autograd_lite.engine, autograd_lite\n"
        "heavy = [m for m in ('graphviz', 'autograd_lite.derivations', 'autograd_lite.drawing',"
        " 'autograd_lite.nn') if m in sys.modules]\n"
        "print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_the_names_for_type_checkers_are_the_names_loaded_lazily():
    tree = ast.parse(Path(al.__file__).read_text(encoding="utf-8"))
    guarded = next(n for n in tree.body if isinstance(n, ast.If))  # if TYPE_CHECKING:
    imported: dict[str, set[str]] = {}
    for node in guarded.body:
        assert isinstance(node, ast.ImportFrom)
        imported.setdefault(node.module or "", set()).update(a.name for a in node.names)
    submodules = imported.pop("")
    assert submodules == set(al._SUBMODULES)
    assert {module: set(names) for module, names in al._LAZY.items()} == imported

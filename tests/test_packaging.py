"""What a pip install gets: the sdist holds everything the test suite reads, the wheel ships the
notebooks inside the package (for `autograd-lite notebooks`)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tarfile
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import autograd_lite as al

ROOT = Path(__file__).parent.parent
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    "__pycache__",
    "*.egg-info",
    "build",
    "dist",
    ".venv",
    "test-artifacts",
    ".*_cache",
    ".hypothesis",
    ".ipynb_checkpoints",
)


def is_installed(requirement: str) -> bool:
    """Whether a version that meets `requirement` (such as "setuptools>=77") is installed."""
    wanted = Requirement(requirement)
    try:
        return wanted.specifier.contains(version(wanted.name), prereleases=True)
    except PackageNotFoundError:
        return False


def project_files(folder: str, pattern: str) -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / folder).glob(pattern)}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sdist, and the wheel built from it, of a copy of this project."""
    build = pytest.importorskip("build", reason="pip install build to build the sdist and wheel")
    source = tmp_path_factory.mktemp("project") / "autograd_lite"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    # With the build backend installed here (setuptools>=77), build with it; otherwise let build
    # install it in an isolated environment.
    requires = build.ProjectBuilder(source).build_system_requires
    isolation = ["--no-isolation"] if all(map(is_installed, requires)) else []
    out = source / "dist"
    command = [sys.executable, "-m", "build", *isolation, "--outdir", str(out), str(source)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return sdist, wheel


@pytest.mark.slow
def test_sdist_holds_what_the_tests_need(built):
    sdist, _ = built
    with tarfile.open(sdist) as archive:
        top = archive.getnames()[0].split("/")[0]
        names = {name.removeprefix(top + "/") for name in archive.getnames()}
    needed = (
        project_files("tests", "*.py")  # conftest.py, worked_examples.py, random_graphs.py too
        | project_files("notebooks", "*.ipynb")
        | project_files("benchmarks", "*.py")
        | project_files("autograd_lite", "**/*.py")
        | project_files("docs", "**/*.md")  # test_readme.py runs their examples
        | {"README.md", "LICENSE", "pyproject.toml", ".ci/run", "mkdocs.yml", "CONTRIBUTING.md"}
    )
    assert {"tests/conftest.py", "tests/worked_examples.py", "tests/random_graphs.py"} <= needed
    assert needed - names == set()
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


@pytest.mark.slow
def test_wheel_ships_every_notebook_in_the_package(built):
    _, wheel = built
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    notebooks = {f"autograd_lite/{name}" for name in project_files("notebooks", "*.ipynb")}
    assert notebooks and notebooks <= names
    assert project_files("autograd_lite", "**/*.py") <= names
    assert not [name for name in names if name.startswith(("tests/", "notebooks/"))]


@pytest.mark.slow
def test_the_wheel_installed_alone_shows_the_viewer(built, tmp_path):
    """Installed as a user gets it (the wheel, not this checkout), the viewer still finds its
    CSS and JS: they are package data."""
    _, wheel = built
    target = tmp_path / "site"
    install = [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target)]
    subprocess.run([*install, str(wheel)], check=True, capture_output=True)
    script = (
        "import autograd_lite as al; x = al.Value(2.0, 'x'); page = al.step_through(x * x).html();"
        " print(al.__file__); print('al-controls' in page, '.al-steps' in page)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    )
    where, found = result.stdout.splitlines()
    assert where.startswith(str(target)) and found == "True True"


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


def test_each_module_reads_in_one_sitting():
    """Issue 17: engine.py was 1,049 lines and Derivation a 690-line class. The engine's core,
    read beside micrograd's, stays about 400 lines; no class passes 300 lines."""
    package = ROOT / "autograd_lite"
    core = package / "engine" / "core.py"
    assert len(core.read_text(encoding="utf-8").splitlines()) <= 420
    long_classes = {}
    for path in package.rglob("*.py"):
        lines = path.read_text(encoding="utf-8").splitlines()
        tops = [i for i, line in enumerate(lines) if line[:1].strip() and line[0] != "#"]
        for start, end in zip(tops, [*tops[1:], len(lines)]):
            if lines[start].startswith("class ") and end - start > 300:  # to the next top line
                long_classes[f"{path.relative_to(package)}: {lines[start]}"] = end - start
    assert long_classes == {}

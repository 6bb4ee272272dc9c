"""Shared test settings.

- Hypothesis runs 10 examples per property with no deadline (the engine is pure Python and the
  machine may be busy): the development loop stays quick. HYPOTHESIS_PROFILE=thorough, which
  `.ci/run` sets for the full suite, runs 100. A test that asks for its own number (`@settings`)
  gets it in both.
- The slow rule: a test whose call takes over SLOW_SECONDS of CPU (this process and the
  subprocesses it waited for) must be marked `@pytest.mark.slow`, or it fails saying so (a
  property test is allowed that much per 20 examples of the loaded profile). CPU
  time, not wall-clock time, so a busy machine does not make a quick test fail.
- The quick suite, `pytest -m "not slow"`, does not even import a module whose every test is
  slow (it says `pytestmark = pytest.mark.slow`): importing torch alone takes seconds
  (test_torch.py), playwright most of one (test_viewer_browser.py, test_docs_site.py).
"""

from __future__ import annotations

import ast
import os
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st

try:
    import resource
except ImportError:  # Windows: this process's CPU time only
    resource = None  # type: ignore[assignment]

settings.register_profile("autograd_lite", max_examples=10, deadline=None)
settings.register_profile("thorough", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "autograd_lite"))

pytest_plugins = ("pytester",)  # test_suite_rules.py runs the rules on small suites

SLOW_SECONDS = float(os.environ.get("AUTOGRAD_LITE_SLOW_SECONDS", "2"))


def cpu_seconds() -> float:
    """CPU time of this process and of the child processes it has waited for."""
    if resource is None:
        return time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def allowed_seconds(item: pytest.Item) -> float:
    """SLOW_SECONDS, scaled for a property test by how many more examples the loaded profile
    runs than 20 (CI's thorough profile runs 100: 10 s)."""
    if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
        return SLOW_SECONDS * max(1.0, settings().max_examples / 20)
    return SLOW_SECONDS


@pytest.hookimpl(trylast=True)  # after Hypothesis's plugin has finished starting
def pytest_sessionstart(session: pytest.Session) -> None:
    """Hypothesis's tables of the characters st.text() draws: built once per clone (3 s of CPU,
    kept in .hypothesis/), read in milliseconds after. Here, so that the slow rule does not
    charge a fresh clone's first test that draws text with them."""
    st.text().validate()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    start = cpu_seconds()
    result = yield
    spent = cpu_seconds() - start
    allowed = allowed_seconds(item)
    if spent > allowed and item.get_closest_marker("slow") is None:
        pytest.fail(
            f"{item.nodeid} took {spent:.1f} s of CPU, over the {allowed:g} s of a quick"
            " test: make it quicker, or mark it @pytest.mark.slow",
            pytrace=False,
        )
    return result


ALL_SLOW = "pytestmark = pytest.mark.slow"


def is_all_slow(path: Path) -> bool:
    """Whether the test module marks every test slow with `pytestmark = pytest.mark.slow`
    (a statement of the module, not text in a string)."""
    source = path.read_text(encoding="utf-8")
    return ALL_SLOW in source and any(
        isinstance(node, ast.Assign) and ast.unparse(node) == ALL_SLOW
        for node in ast.parse(source).body
    )


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if (
        config.getoption("markexpr") == "not slow"
        and collection_path.suffix == ".py"
        and collection_path.name.startswith("test_")
        and is_all_slow(collection_path)
    ):
        return True
    return None

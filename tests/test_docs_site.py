"""The documentation site: `mkdocs build --strict` builds it offline, and in a built notebook
page a learner steps through backprop in the browser, with nothing loaded from the internet.

The site is the one `.ci/run` built (its folder in AUTOGRAD_LITE_SITE), or one built here into
a temporary folder (skipped without `pip install ".[docs]"`). The browser is Debian's chromium
driven by Playwright, as in test_viewer_browser.py (skipped, saying why, without them).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import test_viewer_browser as viewer_tests

pytestmark = pytest.mark.slow  # a site build and a real browser

ROOT = Path(__file__).resolve().parent.parent
browser = viewer_tests.browser  # the fixture: one chromium for this module


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The built site's folder."""
    if os.environ.get("AUTOGRAD_LITE_SITE"):
        return Path(os.environ["AUTOGRAD_LITE_SITE"])
    for module in ("mkdocs", "material", "mkdocstrings", "mkdocs_jupyter", "nbclient"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not installed: pip install '.[docs]' builds the site")
    folder = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(folder)]
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=1200, check=False
    )
    assert result.returncode == 0, result.stderr[-5000:]
    return folder


def test_a_learner_steps_through_backprop_in_a_built_notebook_page(site, browser) -> None:
    """Notebook 01, rendered with its outputs: its step-through viewer is live in the page
    (the notebooks are stored without outputs, so the build must have executed them, and the
    viewer's script must survive mkdocs-jupyter's rendering)."""
    page_file = site / "notebooks" / "01_see_the_graph" / "index.html"
    assert page_file.exists(), sorted(p.name for p in (site / "notebooks").iterdir())
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_file.as_uri())
    viewer = page.locator(".al-steps").first
    viewer.scroll_into_view_if_needed()
    counter = viewer.locator(".al-counter")
    first, total = counter.inner_text().split(" / ")
    assert first == "1" and int(total) > 5
    for _ in range(3):
        viewer.locator(".al-next").click()
    assert counter.inner_text() == f"4 / {total}"
    viewer.focus()
    page.keyboard.press("End")
    assert counter.inner_text() == f"{total} / {total}"
    done = viewer.locator(".al-now").inner_text()  # the done frame: a table of the leaves' grads
    assert "gradients of the leaves" in done and "L1.N0.w0" in done
    viewer_tests.ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(viewer_tests.ARTIFACTS / "docs_site_notebook_01.png"))
    assert errors == []
    offline = ("file:", "data:", "blob:", "about:")
    assert [url for url in requests if not url.startswith(offline)] == []
    context.close()


def test_the_site_has_every_guide_the_api_and_every_notebook(site) -> None:
    guides = sorted(p.stem for p in (ROOT / "docs" / "guide").glob("*.md"))
    assert guides and all((site / "guide" / name / "index.html").exists() for name in guides)
    notebooks = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    built = sorted(p.parent.name for p in (site / "notebooks").glob("*/index.html"))
    assert built == notebooks
    engine = (site / "api" / "engine" / "index.html").read_text(encoding="utf-8")
    assert "reverse_sweep" in engine and "topological_order" in engine

"""The step-through viewer and draw() output in a real JupyterLab, light and dark, at 1280x800
and 390x844: a JupyterLab server in a temporary folder on a free port, notebook 01 run from
its Run menu in Debian's chromium (Playwright), then what a learner sees measured: every number
of the current step's explanation in view, every text at 4.5:1 contrast, the viewer's keys
stepping it without reaching JupyterLab (whose command mode inserts cells for A and B and
moves between cells for the arrows), draw()'s zoom buttons themed.

Skipped, with what to install, when JupyterLab, playwright or chromium is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a JupyterLab server, a kernel and a browser

pytest.importorskip(
    "jupyterlab",
    reason="JupyterLab is not installed (pip install jupyterlab ipykernel, or '.[jupyterlab]')",
)
from test_viewer_browser import (  # noqa: E402  (skips the module without playwright or chromium)
    ARTIFACTS,
    CONTRAST_OF_EVERY_TEXT,
    SEEN,
    browser,  # noqa: F401  (the fixture)
)

REPOSITORY = Path(__file__).resolve().parent.parent
NOTEBOOK = "01_see_the_graph.ipynb"  # a neuron drawn, then stepped through; an MLP's lens
#: The notebook's cells, and its first viewer's steps: 5 forward (start, 2 steps, seed...),
#: then 6 backward.
CELLS = 20
STEPS = 11

#: The notebook's cells: how many, which one is active, and whether JupyterLab is in command
#: mode (where its one-letter shortcuts act).
NOTEBOOK_STATE = """() => {
    const cells = [...document.querySelectorAll(".jp-Notebook .jp-Cell")];
    return [cells.length, cells.findIndex(c => c.classList.contains("jp-mod-active"))];
}"""

#: The text colour and the background of draw()'s zoom buttons, and the filter on its picture.
DRAWING_LOOK = """root => {
    const button = root.querySelector(".al-zoom button");
    const style = getComputedStyle(button);
    return [style.color, style.backgroundColor, getComputedStyle(root.querySelector("img")).filter];
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory) -> Iterator[str]:
    """A JupyterLab server serving a copy of notebook 01, its settings, workspaces and runtime
    files in a temporary folder (light theme, no news); its URL."""
    home = tmp_path_factory.mktemp("jupyterlab")
    (home / "notebooks").mkdir()
    shutil.copy(REPOSITORY / "notebooks" / NOTEBOOK, home / "notebooks")
    settings = home / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "themes.jupyterlab-settings").write_text(json.dumps({"theme": "JupyterLab Light"}))
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    port = free_port()
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPOSITORY), os.environ.get("PYTHONPATH", "")]),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
    }
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}"]
    command += ["--ServerApp.token=", "--ServerApp.password="]
    command.append(f"--ServerApp.root_dir={home / 'notebooks'}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI runs as root
    log = (home / "server.log").open("w")
    server = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/status", timeout=2):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                log_text = (home / "server.log").read_text()[-2000:]
                pytest.fail(f"JupyterLab did not start: {log_text}")
            time.sleep(0.3)
    yield url
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


def run_notebook(browser, url: str, width: int, height: int):  # noqa: F811
    """Open notebook 01 in JupyterLab in a window `width` by `height`, run all its cells from
    the Run menu (outputs made in the session are trusted, so their scripts run) and wait for
    the viewers; on a phone the file browser is closed, as a learner would."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(f"{url}/lab/tree/{NOTEBOOK}")
    page.wait_for_selector("text=Python 3 (ipykernel) | Idle", timeout=60_000)
    if width < 600:
        page.click(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    for attempt in range(2):  # a Run All clicked while the kernel connects can be lost
        page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
        try:
            page.wait_for_selector(".al-steps.al-live >> nth=1", state="attached", timeout=40_000)
            break
        except Exception:
            if attempt:
                raise
    page.wait_for_selector(".al-drawing", state="attached")
    return context, page


def set_theme(page, theme: str) -> None:
    """Choose a theme from JupyterLab's Settings menu, as a learner does."""
    page.click(".lm-MenuBar-itemLabel:text-is('Settings')")
    page.hover(".lm-Menu-itemLabel:text-is('Theme')")
    page.click(f".lm-Menu-itemLabel:text-is('{theme}')")
    light = "true" if theme == "JupyterLab Light" else "false"
    page.wait_for_selector(f"body[data-jp-theme-light='{light}']", state="attached")
    page.wait_for_timeout(500)  # the theme's style sheet applies


def luminance(css: str) -> float:
    channels = [float(v) / 255 for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    high, low = sorted([luminance(one), luminance(other)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def check_viewer(page, name: str) -> None:
    """Step the neuron's viewer with its keys as a learner does (Next clicked, then B and the
    arrows); the notebook's cells stay as they are, and after each key every number of the
    step's explanation is seen; every text of the viewer has 4.5:1 contrast."""
    viewer = page.locator(".al-steps").first
    viewer.locator(".al-next").click()
    before = page.evaluate(NOTEBOOK_STATE)
    assert before[0] == CELLS
    expected = {"b": 5, "ArrowRight": 6, "ArrowDown": 7, "ArrowUp": 6, "ArrowLeft": 5}
    for key, position in expected.items():
        page.keyboard.press(key)
        page.wait_for_timeout(150)
        assert viewer.locator(".al-counter").inner_text() == f"{position} / {STEPS}", key
        assert page.evaluate(NOTEBOOK_STATE) == before, key  # no cell added, none other active
        numbers = viewer.evaluate(SEEN, ".al-now .al-num")
        assert len(numbers) >= 3 and all(seen for _, seen in numbers), (name, key, numbers)
        controls = viewer.evaluate(SEEN, ".al-controls > *")  # previous, slider, next, play, count
        assert len(controls) == 5 and all(seen for _, seen in controls), (name, key, controls)
    for key in ("a", "s", "w", "l"):  # A inserts a cell in command mode; S, W, L are the viewer's
        page.keyboard.press(key)
    assert page.evaluate(NOTEBOOK_STATE) == before
    page.keyboard.press("b")
    page.wait_for_timeout(1600)  # the stages fade in
    results = viewer.evaluate(CONTRAST_OF_EVERY_TEXT)
    low = [(text, round(ratio, 2)) for text, ratio in results if ratio < 4.5]
    assert len(results) > 100 and low == [], (name, low)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"jupyterlab-viewer-{name}.png"))
    network = page.locator(".al-steps").nth(1)  # the MLP's: its counter is the widest
    network.locator(".al-now").click()  # a click in the viewer gives it the keys
    page.keyboard.press("End")
    page.wait_for_timeout(150)
    assert network.locator(".al-counter").inner_text() == "180 / 180"
    controls = network.evaluate(SEEN, ".al-controls > *")
    assert all(seen for _, seen in controls), (name, controls)


def check_drawing(page, name: str, dark: bool) -> None:
    """draw()'s output: its keys stay out of the notebook, its zoom buttons are readable in
    the theme and its picture is inverted in the dark one."""
    drawing = page.locator(".al-drawing").first
    drawing.click()
    before = page.evaluate(NOTEBOOK_STATE)
    for key in ("a", "b", "ArrowDown", "ArrowUp", "0", "-"):
        page.keyboard.press(key)
    assert page.evaluate(NOTEBOOK_STATE) == before
    root = drawing.locator("xpath=..")
    assert root.get_attribute("data-zoom") == "0.8"
    colour, background, picture_filter = root.evaluate(DRAWING_LOOK)
    assert contrast(colour, background) >= 4.5, (name, colour, background)
    assert ("invert" in picture_filter) is dark, picture_filter
    drawing.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"jupyterlab-draw-{name}.png"))


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_notebook_01_in_jupyterlab_light_and_dark(browser, jupyterlab, width, height) -> None:  # noqa: F811
    """Seen in JupyterLab 4.6 before: at 1280x800 a learner who clicked Next at the bottom of
    the notebook and pressed B saw none of the step's numbers (they lay below the panel); at
    390x844 the explanation hid all 5 of them under its own scroll and the step counter ran
    past the output's edge; with a draw() output
    focused, A and B inserted cells, the arrows moved to other cells and 0 0 restarted the
    kernel."""
    context, page = run_notebook(browser, jupyterlab, width, height)
    for theme, dark in (("JupyterLab Light", False), ("JupyterLab Dark", True)):
        set_theme(page, theme)  # the choice is kept in the settings: the other size's may be on
        name = f"{'dark' if dark else 'light'}-{width}x{height}"
        assert page.locator(".al-steps.al-dark").count() == (2 if dark else 0)
        check_viewer(page, name)
        check_drawing(page, name, dark)
    assert page.errors == []
    context.close()

"""The step-through viewer in a real headless browser (Debian's chromium driven by Playwright):
open the saved page, step with the buttons, the keys and the slider, and check what is
highlighted and which arithmetic is shown. Screenshots go to test-artifacts/.

Skipped, with the reason, when chromium or the playwright package is missing; `.ci/run`
installs both.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from worked_examples import neuron

from autograd_lite import Value, step_through

pytestmark = pytest.mark.slow  # a real browser

CHROMIUM = os.environ.get("AUTOGRAD_LITE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="the playwright package is not installed (pip install '.[browser]')",
)
if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
    pytest.skip(
        f"no chromium at {CHROMIUM} (apt-get install -y chromium, or set AUTOGRAD_LITE_CHROMIUM)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with sync_api.sync_playwright() as playwright:
        executable = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
        browser = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, tmp_path):
    """Save a StepThrough as a page and open it; dialogs (alert) and script errors are kept."""
    opened = []

    def open_(steps, javascript: bool = True):
        """Open a StepThrough's saved page, or an HTML file given by its path."""
        if isinstance(steps, Path):
            path = steps
        else:
            path = steps.save(tmp_path / f"steps{len(opened)}.html")
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, java_script_enabled=javascript
        )
        page = context.new_page()
        page.dialogs, page.errors = [], []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(path.as_uri())
        opened.append(context)
        return page

    yield open_
    for context in opened:
        context.close()


def highlighted(page, kind: str) -> list[str]:
    """Ids of the SVG groups carrying the class al-<kind> (focus, source, active)."""
    return page.eval_on_selector_all(f".al-graph svg g.al-{kind}", "gs => gs.map(g => g.id)")


def field(page, node_id: str, index: int) -> str:
    """The text of a record's field counted from the end: -1 grad, -2 data."""
    return page.eval_on_selector_all(
        f'.al-graph svg g[id="{node_id}"] text', f"ts => ts[ts.length + ({index})].textContent"
    )


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(1600)  # the stages fade in one after another
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_next_steps_through_forward_then_backward(open_page) -> None:
    o = neuron()[0]
    steps = step_through(o)
    ids = {node.label: steps.ids[node] for node in steps.order if node.label}
    page = open_page(steps)
    assert page.inner_text(".al-counter") == "1 / 17"
    assert page.is_disabled(".al-prev")
    assert field(page, ids["n"], -2) == "data ?"  # nothing computed yet
    assert field(page, ids["x1"], -2) == "data 2.000"

    page.click(".al-next")  # forward 1: x1 * w1
    now = page.inner_text(".al-now")
    assert "forward 1 of 5:" in now and "= 2.000 * (-3.000)" in now and "= -6.000" in now
    product = steps.forward_steps[0].node_id
    assert highlighted(page, "focus") == [product]
    assert sorted(highlighted(page, "source")) == sorted([ids["x1"], ids["w1"]])
    assert field(page, product, -2) == "data -6.000"

    for _ in range(5):  # the rest of the forward pass, then the seed
        page.click(".al-next")
    assert "o.grad: 0 -> 1.000" in page.inner_text(".al-now")
    assert field(page, ids["o"], -1) == "grad 1.000"

    page.click(".al-next")  # backward 1: o = tanh(n) sends to n
    now = page.inner_text(".al-now")
    assert "do/dn += do/do * ∂o/∂n, with ∂o/∂n = 1 - o * o" in now
    assert "= 1.000 * (1 - 0.7071 * 0.7071)" in now
    assert "= 1.000 * 0.5000 = 0.5000" in now
    assert "n.grad: 0 -> 0.5000" in now
    assert highlighted(page, "focus") == [ids["n"]]
    assert highlighted(page, "source") == [ids["o"]]
    tanh_op = f"{ids['o']}_op"
    assert sorted(highlighted(page, "active")) == sorted(
        [tanh_op, f"{tanh_op}_in0", f"{tanh_op}_out"]
    )
    assert field(page, ids["n"], -1) == "grad 0.5000"
    assert field(page, ids["w1"], -1) == "grad 0"  # not reached yet
    assert page.inner_text(".al-counter") == "8 / 17"
    screenshot(page, "viewer-backward-step-1.png")
    assert page.errors == []


def test_keys_and_slider(open_page) -> None:
    o = neuron()[0]
    steps = step_through(o)
    w1 = next(n for n in steps.order if n.label == "w1")
    page = open_page(steps)
    page.focus(".al-steps")
    page.keyboard.press("End")
    assert page.inner_text(".al-counter") == "17 / 17"
    assert "w1.grad = 1.000" in page.inner_text(".al-now")
    assert field(page, steps.ids[w1], -1) == "grad 1.000"
    page.keyboard.press("ArrowLeft")  # backward 9: x1 * w1 sends to w1
    assert highlighted(page, "focus") == [steps.ids[w1]]
    assert "do/d(w1) += do/d(v5) * ∂(v5)/∂(w1), with ∂(v5)/∂(w1) = x1" in page.inner_text(".al-now")
    page.keyboard.press("Home")
    assert page.inner_text(".al-counter") == "1 / 17"
    page.fill(".al-slider", "7")
    assert "backward 1 of 9" in page.inner_text(".al-now")
    page.keyboard.press("ArrowRight")
    assert "backward 2 of 9" in page.inner_text(".al-now")
    assert page.errors == []


def test_keys_reach_the_viewer_when_the_page_takes_them_first(open_page) -> None:
    """Notebook 7 handles keys on the document in the capture phase and stops them; the viewer
    still steps, and keys aimed elsewhere on the page are left to the page."""
    page = open_page(step_through(neuron()[0]))
    page.evaluate(
        """window.taken = [];
        document.addEventListener("keydown", e => {
          window.taken.push(e.key); e.preventDefault(); e.stopPropagation();
        }, true)"""
    )
    page.focus(".al-steps")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.inner_text(".al-counter") == "3 / 17"
    page.focus("summary")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("ArrowRight")
    assert page.inner_text(".al-counter") == "3 / 17"
    assert page.evaluate("window.taken") == ["ArrowRight"]


def test_a_sum_over_two_paths_is_shown(open_page) -> None:
    x, y = Value(2.0, "x"), Value(-3.0, "y")
    a = x * y
    a.label = "a"
    loss = a + x
    loss.label = "L"
    steps = step_through(loss)
    page = open_page(steps)
    page.fill(".al-slider", "5")  # backward 2: L sends to x, the first of x's two uses
    now = page.inner_text(".al-now")
    assert "sum over the 2 uses of x: dL/dx = dL/dL * ∂L/∂x + dL/da * ∂a/∂x" in now
    assert "= 1.000 + ? (1 of 2 terms so far)" in now
    page.click(".al-next")
    now = page.inner_text(".al-now")
    assert "x.grad: 1.000 -> -2.000" in now
    assert "= 1.000 + (-3.000) = -2.000" in now
    assert highlighted(page, "focus") == [steps.ids[x]]
    screenshot(page, "viewer-sum-over-uses.png")


def test_hostile_labels_stay_text(open_page) -> None:
    x = Value(2.0, "<script>alert(1)</script>")
    y = Value(3.0, 'a|b{c}"d<img src=x onerror=alert(2)>')
    z = x * y
    z.label = "z"
    page = open_page(step_through(z))
    page.click(".al-next")
    page.keyboard.press("End")
    page.wait_for_timeout(200)
    assert page.dialogs == [] and page.errors == []
    assert page.locator("img").count() == 0
    texts = page.eval_on_selector_all(".al-graph svg text", "ts => ts.map(t => t.textContent)")
    assert "<script>alert(1)</script>" in texts
    assert 'a|b{c}"d<img src=x onerror=alert(2)>' in texts
    assert "<script>alert(1)</script>.grad = 3.000" in page.inner_text(".al-now")


INSERT_LIKE_CLASSIC_NOTEBOOK = """fragment => {
    const out = document.createElement("div");
    out.className = "output";
    out.innerHTML = fragment;  // scripts inserted this way do not run...
    document.body.appendChild(out);
    for (const old of out.querySelectorAll("script")) {  // ...so run them from <head>, as jQuery
        const script = document.createElement("script");
        script.text = old.text;
        document.head.appendChild(script);
    }
}"""


def test_two_fragments_on_one_page_step_independently(browser) -> None:
    """Two viewers in one notebook page, their scripts run from <head> (classic Notebook)."""
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_content("<!DOCTYPE html><html><head></head><body></body></html>")
    for steps in (step_through(neuron()[0]), step_through(Value(2.0, "x") * Value(3.0, "y"))):
        page.evaluate(INSERT_LIKE_CLASSIC_NOTEBOOK, steps.html())
    first, second = page.locator(".al-steps").nth(0), page.locator(".al-steps").nth(1)
    for _ in range(3):  # forward, seed, backward 1
        second.locator(".al-next").click()
    assert second.locator(".al-counter").inner_text() == "4 / 6"
    assert first.locator(".al-counter").inner_text() == "1 / 17"
    assert (
        "d(v2)/dx += d(v2)/d(v2) * ∂(v2)/∂x, with ∂(v2)/∂x = y"
        in second.locator(".al-now").inner_text()
    )
    assert first.locator("g.al-focus").count() == 0 and second.locator("g.al-focus").count() == 1
    assert errors == []
    context.close()


def picture_width(page) -> int:
    """The drawn width of the graph image (0 if it did not load)."""
    return page.eval_on_selector(".al-graph img", "img => img.complete ? img.naturalWidth : 0")


def test_without_javascript_the_graph_and_all_steps_show(open_page) -> None:
    steps = step_through(neuron()[0])
    page = open_page(steps, javascript=False)
    assert page.is_visible(".al-graph img") and picture_width(page) > 100
    assert not page.is_visible(".al-controls")
    items = page.locator("li.al-frame")
    assert items.count() == 17
    assert items.nth(7).is_visible()
    assert "n.grad: 0 -> 0.5000" in items.nth(7).inner_text()
    screenshot(page, "viewer-without-javascript.png")


def test_a_sanitised_copy_still_shows_the_graph_and_steps(open_page, tmp_path) -> None:
    """What JupyterLab 4.6 does to untrusted HTML (seen in the browser): no <script>, no <style>,
    no data-*, aria-*, id, tabindex or hidden attributes."""
    steps = step_through(neuron()[0])
    page_html = steps.save(tmp_path / "full.html").read_text()
    page_html = re.sub(r"<script>.*?</script>|<style>.*?</style>", "", page_html, flags=re.S)
    page_html = re.sub(
        r'\s(?:data-[\w-]+|aria-[\w-]+|id|tabindex)="[^"]*"|\shidden\b', "", page_html
    )
    sanitised = tmp_path / "sanitised.html"
    sanitised.write_text(page_html)
    page = open_page(sanitised)
    assert picture_width(page) > 100
    assert page.locator(".al-controls, .al-now, button, input").count() == 0
    assert page.locator("li.al-frame").count() == 17
    assert "do/dn += do/do * ∂o/∂n, with ∂o/∂n = 1 - o * o" in page.inner_text(".al-frames")

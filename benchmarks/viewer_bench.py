"""Speed of the step-through viewer, as a learner meets it, and of its text form.

Run:  python benchmarks/viewer_bench.py          (needs chromium and playwright for the viewer)

- Viewer, graph (c) `nn.MLP(2, [16, 16, 1])` on one sample: the time from opening the saved
  page to its first painted frame (the browser's first-contentful-paint, after the viewer's
  script has run), and the median time of one step (key press to the view settled, motion
  reduced), over 200 steps of the backward pass.
- Text: `step_through(dot(...)).text()` for 10^3 to 10^5 terms, with the time per term (linear
  time keeps it flat).
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd_lite import Value, nn, step_through
from autograd_lite.engine import dot
from autograd_lite.nn import mean_squared_error

CHROMIUM = os.environ.get("AUTOGRAD_LITE_CHROMIUM", "/usr/bin/chromium")
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
STEPS = 200


def graph_c() -> Value:
    """`nn.MLP(2, [16, 16, 1])` on one sample, its squared error."""
    model = nn.MLP(2, [16, 16, 1], rng=0)
    return mean_squared_error([model([0.5, -1.5])], [1.0])


def bench_viewer() -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("viewer: skipped (pip install playwright)")
        return
    executable = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not executable:
        print("viewer: skipped (no chromium)")
        return
    started = time.perf_counter()
    steps = step_through(graph_c())
    with tempfile.TemporaryDirectory() as folder:
        page_path = steps.save(Path(folder) / "c.html")
        built = time.perf_counter() - started
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
            context = browser.new_context(
                viewport={"width": 1280, "height": 800}, reduced_motion="reduce"
            )
            page = context.new_page()
            page.goto(page_path.as_uri())
            paint = page.evaluate(
                """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(
                    () => done(performance.getEntriesByName("first-contentful-paint")[0]
                        ?.startTime ?? performance.now()))))"""
            )
            page.focus(".al-steps")
            page.keyboard.press("b")
            times = page.evaluate(
                """n => {
                    const root = document.querySelector(".al-steps");
                    const graph = root.querySelector(".al-graph");
                    const times = [];
                    for (let i = 0; i < n; i++) {
                        const t = performance.now();
                        root.dispatchEvent(new KeyboardEvent("keydown",
                            {key: "ArrowRight", bubbles: true}));
                        graph.getBoundingClientRect();
                        document.body.offsetHeight;  // the layout of the step, done
                        times.push(performance.now() - t);
                    }
                    return times;
                }""",
                STEPS,
            )
            browser.close()
    print(
        f"viewer (c) MLP(2,[16,16,1]), {len(steps.backward_steps)} backward steps:"
        f" steps+page built in {built:.2f} s; first painted frame {paint / 1000:.2f} s"
        f" after opening; one step {statistics.median(times):.1f} ms median"
        f" ({max(times):.1f} ms max) over {STEPS} steps"
    )


def bench_text() -> None:
    for n in (1_000, 10_000, 100_000):
        weights = [Value(0.5 + i / n, f"w{i}") for i in range(n)]
        y = dot(weights, [1.0] * n)
        started = time.perf_counter()
        step_through(y).text()
        seconds = time.perf_counter() - started
        print(
            f"text of a dot of {n:>7,} terms: {seconds:7.2f} s"
            f" ({seconds / n * 1e6:.0f} us per term)"
        )


if __name__ == "__main__":
    bench_viewer()
    bench_text()

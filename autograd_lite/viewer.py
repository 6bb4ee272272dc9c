"""The step-through viewer: one self-contained piece of HTML (the SVG, CSS and a little
JavaScript; nothing from the network) that walks through a `StepThrough`.

Without JavaScript (an untrusted notebook, a sanitising viewer) it is a static page: the final
graph and the full list of steps. The graph travels as an `<img>` with the SVG in a data URI,
because sanitisers (JupyterLab's among them) drop inline `<svg>` and `<style>` but keep images.
The script swaps that image for the same SVG inline, adds previous/next buttons, a slider and
the arrow keys, and at each step highlights the nodes and edges involved, shows the arithmetic in
stages and rewrites the drawn data and grad fields to their values at that moment.
"""

from __future__ import annotations

import base64
import html
import json
import uuid
from typing import TYPE_CHECKING

from .drawing import DEFAULT_MAX_NODES, draw

if TYPE_CHECKING:
    from .step import Frame, StepThrough

__all__ = ["viewer_document", "viewer_fragment"]


def viewer_fragment(
    steps: StepThrough,
    rankdir: str = "LR",
    cluster: bool = True,
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> str:
    """The viewer as an HTML fragment (a `<div>` with its style and script), for Jupyter."""
    labels = {node: name for node, name in steps.names.items() if name != node.label}
    graph = draw(
        steps.root,
        rankdir=rankdir,
        precision=steps.precision,
        cluster=cluster,
        max_nodes=max_nodes,
        labels=labels,
    )
    svg = graph.to_svg()
    svg = base64.b64encode(svg[svg.index("<svg") :].encode()).decode()
    frames = steps.frames()
    viewer_id = f"al-steps-{uuid.uuid4().hex[:12]}"
    title = f"Step through the forward and backward pass of {steps.names[steps.root]}"
    alt = f"the graph of {steps.names[steps.root]} with its final gradients"
    items = "\n".join(_frame_item(frame) for frame in frames)
    return f"""<div class="al-steps" id="{viewer_id}" tabindex="0" aria-label="{_escape(title)}">
<style>{STYLE}</style>
<div class="al-graph"><img class="al-picture" src="data:image/svg+xml;base64,{svg}"
 alt="{_escape(alt)}"></div>
<details class="al-all" open>
<summary>All {len(frames)} steps: the forward pass, then the backward pass
(the graph shows the result)</summary>
<ol class="al-frames">
{items}
</ol>
</details>
<script>{_script(viewer_id)}</script>
</div>"""


def viewer_document(steps: StepThrough, **options: object) -> str:
    """The viewer as a standalone HTML page (options as for `viewer_fragment`)."""
    title = f"Backward pass of {steps.names[steps.root]} - autograd_lite"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_escape(title)}</title>
<style>body {{ font-family: system-ui, sans-serif; margin: 1.5rem; }}</style>
</head>
<body>
{viewer_fragment(steps, **options)}
</body>
</html>
"""


def _frame_item(frame: Frame) -> str:
    """One step as a list item: its text, and data attributes saying what to highlight."""
    attributes = {
        "data-kind": frame.kind,
        "data-target": frame.target,
        "data-sources": " ".join(frame.sources),
        "data-active": " ".join(frame.active),
        "data-field": frame.field,
        "data-before": frame.before,
        "data-after": frame.after,
    }
    attribute_text = " ".join(f'{k}="{_escape(v)}"' for k, v in attributes.items() if v)
    stages = "".join(
        f'<div class="al-stage al-{kind}">{_escape(text)}</div>' for kind, text in frame.stages
    )
    return (
        f'<li class="al-frame al-{frame.kind}" {attribute_text}>'
        f'<div class="al-title">{_escape(frame.title)}</div>{stages}</li>'
    )


def _script(viewer_id: str) -> str:
    """The script, with the viewer's id and the controls it adds (as a JavaScript string)."""
    return SCRIPT.replace("VIEWER_ID", viewer_id).replace("CONTROLS", json.dumps(CONTROLS))


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


CONTROLS = """<div class="al-controls">
<button type="button" class="al-prev" aria-label="previous step">&#9664; Previous</button>
<input type="range" class="al-slider" min="0" value="0" aria-label="step">
<button type="button" class="al-next" aria-label="next step">Next &#9654;</button>
<span class="al-counter"></span>
<span class="al-legend"><span class="al-chip al-chip-focus"></span>changes
<span class="al-chip al-chip-source"></span>reads
<span class="al-keys">(&larr; &rarr; keys)</span></span>
</div>
<div class="al-now" aria-live="polite"></div>"""

STYLE = """
.al-steps { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, sans-serif;
  font-size: 14px; color: #222; max-width: 100%; outline: none; }
.al-steps:focus-visible { box-shadow: 0 0 0 2px #90caf9; border-radius: 6px; }
.al-steps .al-controls { display: flex; align-items: center; gap: 0.6em; flex-wrap: wrap;
  margin: 0.3em 0 0.5em; }
.al-steps button { font: inherit; padding: 0.25em 0.8em; border: 1px solid #bbb;
  border-radius: 4px; background: #f7f7f7; cursor: pointer; }
.al-steps button:disabled { opacity: 0.4; cursor: default; }
.al-steps .al-slider { flex: 1 1 12em; min-width: 8em; }
.al-steps .al-counter { font-variant-numeric: tabular-nums; min-width: 5em; }
.al-steps .al-legend { color: #666; font-size: 12px; }
.al-steps .al-chip { display: inline-block; width: 0.9em; height: 0.9em; margin: 0 0.25em 0 0.6em;
  vertical-align: -0.1em; border: 1px solid #888; border-radius: 2px; }
.al-steps .al-chip-focus { background: #ffd54f; }
.al-steps .al-chip-source { background: #a5d6a7; }
.al-steps .al-now { border: 1px solid #ddd; border-left: 4px solid #ffb300; border-radius: 4px;
  padding: 0.5em 0.8em; min-height: 7.5em; background: #fffdf5; }
.al-steps .al-title { font-weight: 600; margin-bottom: 0.2em; }
.al-steps .al-stage { font-family: ui-monospace, Menlo, Consolas, monospace; white-space: pre-wrap;
  margin-left: 1em; }
.al-steps .al-stage.al-total { color: #8a4b00; font-weight: 600; }
.al-steps .al-stage.al-sum { color: #1b5e20; }
.al-steps .al-now .al-stage { animation: al-appear 0.3s ease-out both; }
.al-steps .al-now .al-stage:nth-child(3) { animation-delay: 0.35s; }
.al-steps .al-now .al-stage:nth-child(4) { animation-delay: 0.7s; }
.al-steps .al-now .al-stage:nth-child(5) { animation-delay: 1.05s; }
.al-steps .al-now .al-stage:nth-child(6) { animation-delay: 1.4s; }
@keyframes al-appear { from { opacity: 0; transform: translateY(-3px); } to { opacity: 1; } }
@media (prefers-reduced-motion: reduce) { .al-steps .al-now .al-stage { animation: none; } }
.al-steps .al-graph { overflow: auto; margin: 0.5em 0; }
.al-steps .al-graph svg, .al-steps .al-graph img { max-width: 100%; height: auto; }
.al-steps svg g.al-focus > polygon, .al-steps svg g.al-focus > ellipse {
  fill: #ffd54f; stroke: #b26a00; stroke-width: 2.5px; }
.al-steps svg g.al-source > polygon, .al-steps svg g.al-source > ellipse {
  fill: #a5d6a7; stroke: #2e7d32; stroke-width: 2px; }
.al-steps svg g.al-active > path { stroke: #e65100; stroke-width: 2.5px; }
.al-steps svg g.al-active > polygon { fill: #e65100; stroke: #e65100; }
.al-steps svg g.op.al-active > ellipse { fill: #ffccbc; stroke: #e65100; stroke-width: 2px; }
.al-steps svg text.al-changed { fill: #b00020; font-weight: bold; }
.al-steps .al-all { margin-top: 0.5em; }
.al-steps .al-all summary { cursor: pointer; color: #444; }
.al-steps .al-frames { padding-left: 2.5em; }
.al-steps.al-live .al-frames { max-height: 28em; overflow: auto; }
.al-steps .al-frame { padding: 0.25em 0.4em; border-radius: 4px; }
.al-steps .al-frame.al-current { background: #fff3c4; }
.al-steps.al-live .al-frame { cursor: pointer; }
"""

SCRIPT = """
(function () {
  // The enclosing viewer: found from this script where it runs in place (a saved page,
  // JupyterLab), by id where the script was moved out to run (classic Notebook's jQuery).
  var script = document.currentScript;
  var root = (script && script.closest && script.closest(".al-steps")) ||
    document.getElementById("VIEWER_ID");
  if (!root || root.getAttribute("data-ready")) { return; }
  root.setAttribute("data-ready", "1");
  var frames = Array.prototype.slice.call(root.querySelectorAll("li.al-frame"));
  // The controls exist only where this script runs, so a sanitised copy shows none that do
  // nothing (sanitisers drop the `hidden` attribute along with the script).
  root.querySelector(".al-graph").insertAdjacentHTML("beforebegin", CONTROLS);
  var svg = inline(root.querySelector(".al-graph img"));
  var now = root.querySelector(".al-now");
  var slider = root.querySelector(".al-slider");
  var counter = root.querySelector(".al-counter");
  var previous = root.querySelector(".al-prev");
  var next = root.querySelector(".al-next");
  slider.max = String(frames.length - 1);
  var current = 0;
  var marked = [];

  // The graph arrives as an image (it survives sanitisers); inline it so it can be highlighted.
  function inline(picture) {
    try {
      var bytes = atob(picture.getAttribute("src").split(",")[1]);
      var codes = Uint8Array.from(bytes, function (c) { return c.charCodeAt(0); });
      var text = new TextDecoder().decode(codes);
      var parsed = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
      if (parsed.nodeName !== "svg") { return null; }
      var svg = document.importNode(parsed, true);
      picture.parentNode.replaceChild(svg, picture);
      return svg;
    } catch (error) {
      return null;
    }
  }
  function data(li, key) { return li.getAttribute("data-" + key) || ""; }
  function node(id) { return id && svg ? svg.querySelector('g[id="' + id + '"]') : null; }
  // A record's texts are [label,] data, grad: the field is counted from the end.
  function field(id, name) {
    var g = node(id);
    if (!g || !name) { return null; }
    var texts = g.querySelectorAll("text");
    var k = texts.length - (name === "grad" ? 1 : 2);
    return k >= 0 ? texts[k] : null;
  }
  var initial = [];
  var seen = {};
  frames.forEach(function (li) {
    var key = data(li, "target") + " " + data(li, "field");
    var text = field(data(li, "target"), data(li, "field"));
    if (text && !seen[key]) { seen[key] = true; initial.push([text, data(li, "before")]); }
  });
  function mark(id, name) {
    var g = node(id);
    if (g) { g.classList.add(name); marked.push([g, name]); }
  }
  function show(k) {
    k = Math.max(0, Math.min(frames.length - 1, k));
    current = k;
    initial.forEach(function (pair) {
      pair[0].textContent = pair[1];
      pair[0].classList.remove("al-changed");
    });
    for (var i = 1; i <= k; i++) {
      var text = field(data(frames[i], "target"), data(frames[i], "field"));
      if (text) { text.textContent = data(frames[i], "after"); }
    }
    marked.forEach(function (pair) { pair[0].classList.remove(pair[1]); });
    marked = [];
    var li = frames[k];
    data(li, "sources").split(" ").forEach(function (id) { mark(id, "al-source"); });
    data(li, "active").split(" ").forEach(function (id) { mark(id, "al-active"); });
    mark(data(li, "target"), "al-focus");
    var changed = field(data(li, "target"), data(li, "field"));
    if (changed) { changed.classList.add("al-changed"); }
    var copy = li.cloneNode(true);
    while (now.firstChild) { now.removeChild(now.firstChild); }
    while (copy.firstChild) { now.appendChild(copy.firstChild); }
    now.setAttribute("data-kind", data(li, "kind"));
    frames.forEach(function (f, j) { f.classList.toggle("al-current", j === k); });
    slider.value = String(k);
    counter.textContent = (k + 1) + " / " + frames.length;
    previous.disabled = k === 0;
    next.disabled = k === frames.length - 1;
  }
  previous.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });
  slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
  frames.forEach(function (li, j) {
    li.addEventListener("click", function () { show(j); });
  });
  // Keys are taken on the window in the capture phase: Notebook 7 handles them on the document
  // in that phase, before they reach the viewer. Only keys aimed inside this viewer are taken.
  function onKey(event) {
    if (!root.isConnected) { window.removeEventListener("keydown", onKey, true); return; }
    if (!root.contains(event.target)) { return; }
    if (event.target === slider) { event.stopPropagation(); return; }
    var moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    if (event.key in moves) { show(current + moves[event.key]); }
    else if (event.key === "Home") { show(0); }
    else if (event.key === "End") { show(frames.length - 1); }
    else { return; }
    event.preventDefault();
    event.stopPropagation();
  }
  window.addEventListener("keydown", onKey, true);
  root.querySelector(".al-all").open = false;
  root.classList.add("al-live");
  show(0);
})();
"""

"""Drawing a computation graph: DOT source with the `graphviz` package, SVG and PNG through
whichever `dot` program is present (a system Graphviz, or the `graphviz-pure` package's).

Every Value is a record (label | data | grad) and every operation a small circle between its
operands and its result, so edges point the way data flows. Node ids are stable: the Value at
position i of `topological_order(root)` is `v{i}`, its operation `v{i}_op`, and the edge from the
operation's k-th operand is `v{i}_op_in{k}` (`v{i}_op_out` leads to the result); the step-through
viewer finds nodes and edges in the SVG by these ids.

A network's inputs, the constants a neuron's weighted sum (`dot`) is given, are drawn once per
sample as labelled nodes (`x0 = 0.5`, or `s1:x0 = 1.5` when several samples are drawn) with an
edge to every neuron that reads them. Clusters box a neuron's parameters (inside its layer's
box); the computed nodes stay outside, because boxes around them make the layout a staircase.
"""

from __future__ import annotations

import base64
import html
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import graphviz

from .engine import ADD, DOT, Value, as_float, as_value
from .errors import (
    ArgumentTypeError,
    DrawError,
    GraphTooLargeError,
    RendererNotFoundError,
    RenderError,
    describe,
)
from .formatting import (
    check_precision,
    constant_text,
    field_text,
    node_ids,
    sample_names,
)

__all__ = [
    "DEFAULT_MAX_NODES",
    "DrawError",
    "Graph",
    "GraphTooLargeError",
    "RenderError",
    "RendererNotFoundError",
    "as_path",
    "draw",
    "escape_label",
    "escape_record_field",
    "find_renderer",
    "save",
    "to_svg",
]

#: More Values than this and `draw` asks for a part of the graph instead (see GraphTooLargeError).
DEFAULT_MAX_NODES = 1000
#: How long `dot` may run before the rendering is given up.
RENDER_TIMEOUT_SECONDS = 120

RANKDIRS = ("LR", "RL", "TB", "BT")
HIGHLIGHT_COLOR = "#ffd54f"
LEAF_COLOR = "#e8f1fb"
VALUE_COLOR = "#ffffff"
OP_COLOR = "#f1f1f1"
CLUSTER_COLOR = "#616161"  # 6.2:1 on white: cluster titles are text too
FONT_SIZE = "12"
#: Neuron and layer boxes nest at most this deep (a network needs 2: `L1`, `L1.N0`).
MAX_BOX_DEPTH = 4
#: Edges between Values and operations pull harder than a constant's or an input's, so a chain
#: with a constant at every step lies straight instead of as a staircase.
VALUE_EDGE_WEIGHT = "3"


def find_renderer() -> str:
    """The path of a `dot` program: a system Graphviz first, else graphviz-pure's."""
    script_dirs = [sysconfig.get_path("scripts"), str(Path(sys.executable).parent)]
    for name in ("dot", "graphviz-pure"):
        found = shutil.which(name) or shutil.which(name, path=os.pathsep.join(script_dirs))
        if found:
            return found
    raise RendererNotFoundError(
        "no Graphviz renderer found: install one with `pip install graphviz-pure` (or a system"
        " Graphviz that provides `dot`). DOT source (draw(...).source) needs no renderer."
    )


def render(source: str, fmt: str) -> bytes:
    """Run the renderer on DOT `source` and return the picture in format `fmt` (svg, png)."""
    program = find_renderer()
    try:
        result = subprocess.run(
            [program, f"-T{fmt}"],
            input=source.encode(),
            capture_output=True,
            check=False,
            timeout=RENDER_TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"{program} did not finish within {RENDER_TIMEOUT_SECONDS} s; draw a smaller part"
            " of the graph (draw(node) for an inner node, or draw(root, depth=3))"
        ) from None
    if result.returncode != 0:
        raise RenderError(f"{program} failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


class Graph(graphviz.Digraph):  # type: ignore[misc]  # graphviz has no type hints
    """A `graphviz.Digraph` that renders with `find_renderer()` and shows itself in Jupyter as
    SVG and, for an untrusted notebook (which drops SVG output), as an `<img>` of that SVG."""

    #: What the picture shows, for the image's alt text.
    alt = "a computation graph"

    def pipe(  # the graphviz package's signature, hence `format`
        self,
        format: str | None = None,  # noqa: A002
        *args: Any,
        encoding: str | None = None,
        **kwargs: Any,
    ) -> bytes | str:
        data = render(self.source, format or self.format)
        return data.decode(encoding) if encoding else data

    def to_svg(self) -> str:
        """The picture as an SVG document."""
        return render(self.source, "svg").decode("utf-8")

    def _repr_mimebundle_(
        self,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
        **_: Any,
    ) -> dict[str, str]:
        """What Jupyter shows: the SVG, and HTML holding it as an image. A notebook that is
        not trusted drops the SVG but keeps an `<img>` with a data URI after sanitising."""
        svg = self.to_svg()
        bundle = {"image/svg+xml": svg, "text/html": notebook_picture(svg, self.alt)}
        wanted = set(include) if include is not None else set(bundle)
        wanted -= set(exclude or ())
        return {kind: data for kind, data in bundle.items() if kind in wanted}


#: How a drawing shows in a notebook: at its own size (12 pt text), in a box that scrolls when
#: it is larger than the output area, zoomed by its buttons or ctrl-wheel (a trackpad's pinch),
#: inverted in JupyterLab's dark themes.
NOTEBOOK_STYLE = (
    ".al-drawing img { display: block; max-width: none !important; height: auto; }"
    " .al-zoom button { font: 14px system-ui, sans-serif; min-width: 2.2em;"
    " margin-right: 0.25em; color: var(--jp-content-font-color1, CanvasText);"
    " background: var(--jp-layout-color2, Canvas);"
    " border: 1px solid var(--jp-border-color1, GrayText); border-radius: 3px; }"
    ' body[data-jp-theme-light="false"] .al-drawing img'
    " { filter: invert(0.9) hue-rotate(180deg); }"
)

#: The zoom of a drawing in a notebook (buttons, ctrl-wheel, + - 0 keys): the picture's width
#: is its own size times the zoom, from 1/8 to 4, about the box's centre; "fit" shows it whole.
#: Without scripts (an untrusted notebook) the buttons stay hidden and the box still scrolls.
NOTEBOOK_SCRIPT = """(function () {
  var root = document.getElementById("__ID__"), box = root.querySelector(".al-drawing");
  var img = box.querySelector("img"), own = Number(img.getAttribute("width")), zoom = 1;
  function set(z) {
    var keep = [(box.scrollLeft + box.clientWidth / 2) / zoom,
                (box.scrollTop + box.clientHeight / 2) / zoom];
    zoom = Math.min(4, Math.max(0.125, z));
    img.style.width = own * zoom + "px";
    box.scrollLeft = keep[0] * zoom - box.clientWidth / 2;
    box.scrollTop = keep[1] * zoom - box.clientHeight / 2;
    root.dataset.zoom = String(zoom);
  }
  function fit() {  // the whole drawing inside the box, never larger than its own size
    var high = parseFloat(getComputedStyle(box).maxHeight) || box.clientHeight;
    return Math.min(1, box.clientWidth / own, high / (own * img.naturalHeight / img.naturalWidth));
  }
  root.querySelector(".al-zoom").hidden = false;
  root.querySelectorAll(".al-zoom button").forEach(function (button) {
    button.addEventListener("click", function () {
      var step = Number(button.dataset.zoom);
      set(step ? zoom * step : fit());
    });
  });
  box.addEventListener("wheel", function (event) {
    if (!event.ctrlKey) { return; }
    event.preventDefault();
    set(zoom * Math.exp(-event.deltaY / 300));
  }, { passive: false });
  // Keys aimed inside the drawing stay out of the notebook (JupyterLab's command mode would
  // insert cells for a and b, restart the kernel for 0 0, move between cells for the arrows,
  // which scroll the box instead); Tab, Escape, Shift+Enter and shortcuts with Ctrl, Alt or
  // Meta pass on.
  function onKey(event) {
    if (!root.isConnected) { window.removeEventListener("keydown", onKey, true); return; }
    if (!root.contains(event.target) || event.ctrlKey || event.altKey || event.metaKey ||
      event.key === "Tab" || event.key === "Escape" || (event.shiftKey && event.key === "Enter")) {
      return;
    }
    event.stopPropagation();
    var step = { "+": 1.25, "=": 1.25, "-": 0.8 }[event.key];
    if (step) { set(zoom * step); event.preventDefault(); }
    if (event.key === "0") { set(1); event.preventDefault(); }
  }
  window.addEventListener("keydown", onKey, true);
})();"""


def notebook_picture(svg: str, alt: str) -> str:
    """The drawing as notebook HTML: an `<img>` of the SVG (sanitisers keep it) at the SVG's
    own size, in a box that scrolls, with zoom buttons (see NOTEBOOK_SCRIPT), themed for
    JupyterLab."""
    picture = base64.b64encode(svg.encode()).decode()
    size = re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', svg)
    width = f' width="{round(float(size.group(1)) * 4 / 3)}"' if size else ""
    drawing_id = f"al-drawing-{uuid.uuid4().hex[:12]}"
    return (
        f'<div id="{drawing_id}"><style>{NOTEBOOK_STYLE}</style>'
        '<div class="al-zoom" role="group" aria-label="zoom the drawing" hidden>'
        '<button type="button" data-zoom="1.25" aria-label="zoom in">+</button>'
        '<button type="button" data-zoom="0.8" aria-label="zoom out">\u2212</button>'
        '<button type="button" data-zoom="0" aria-label="fit the whole drawing">fit</button></div>'
        '<div class="al-drawing" tabindex="0" style="overflow: auto; max-height: 80vh;'
        ' max-width: 100%">'
        f'<img src="data:image/svg+xml;base64,{picture}"{width}'
        f' style="max-width: none" alt="{html.escape(alt, quote=True)}"></div>'
        f"<script>{NOTEBOOK_SCRIPT.replace('__ID__', drawing_id)}</script></div>"
    )


def draw(
    root: Value,
    rankdir: str = "LR",
    precision: int = 4,
    show_grad: bool = True,
    *,
    highlight: Iterable[Value] = (),
    cluster: bool = True,
    fold: bool = False,
    depth: int | None = None,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    labels: Mapping[Value, str] | None = None,
) -> Graph:
    """The graph of everything `root` depends on, as a `Graph` (a `graphviz.Digraph`).

    - `rankdir`: "LR" (left to right), "RL", "TB" (top to bottom) or "BT".
    - `precision`: significant digits of data and grad (4: 0.7071, -6.000, 9.000e-7);
      `show_grad=False` hides grads.
    - `highlight`: Values to fill in colour.
    - `cluster`: box each neuron's parameters together, by the dotted prefixes of their labels
      (`L1.N0.w2` and `L1.N0.b` go in box `L1.N0`, inside box `L1`); only leaves are boxed, so
      computed nodes such as `L1.N0.z` stay outside and the layout stays compact.
    - `fold`: draw each neuron (per sample) as one record `L1.N0 | z | a | grad` in place of
      its parameters, its weighted sum and its activation: a smaller layout of a big network.
    - `depth`: draw only the Values at most `depth` operations before `root`; a Value whose
      operands are cut off is drawn dashed.
    - `max_nodes`: refuse (GraphTooLargeError) to draw more Values than this; None for no limit.
    - `labels`: text to show instead of the label of some Values (the Values are not changed).
      Per-sample copies of a network's nodes are shown as `s0:L1.N0.z`, `s1:L1.N0.z`.
    """
    as_value(root, "draw: root")
    _check_options(rankdir, precision, depth, max_nodes, show_grad, cluster, fold)
    highlighted = _check_highlight(highlight)
    labels = _check_labels(labels)
    ids = node_ids(root)
    labels = {**sample_names(list(ids)), **labels}
    shown = _within_depth(root, depth)
    if max_nodes is not None and len(shown) > max_nodes:
        raise GraphTooLargeError(
            f"draw: the graph has {len(shown)} Values, more than max_nodes={max_nodes}; drawing"
            " it all would be slow and unreadable. Draw a part: draw(node) for a Value inside it"
            " (a neuron's output, say), or draw(root, depth=3) for the last 3 operations; or"
            " raise the limit with max_nodes=N (None for no limit)."
        )
    graph = Graph(
        # remincross=false keeps a box's nodes in the order they are declared (see below).
        graph_attr={
            "rankdir": rankdir,
            "nodesep": "0.25",
            "ranksep": "0.35",
            "remincross": "false",
        },
        node_attr={"fontname": "Helvetica", "fontsize": FONT_SIZE, "color": "#555555"},
        edge_attr={"color": "#555555", "arrowsize": "0.7"},
    )
    graph.alt = f"the graph of {labels.get(root, root.label) or 'a Value'}"
    folded = _Neurons(shown) if fold else None
    clusters = _Clusters(graph) if cluster and not folded else None
    # Records read across in every direction: braces turn a record's fields when ranks go LR.
    braces = ("{ ", " }") if rankdir in ("LR", "RL") else ("", "")
    edges: list[tuple[str, str, str, str, str]] = []
    inputs = _NetworkInputs(graph, [node for node in ids if node in shown], precision)
    for node, node_id in _declaration_order(ids, rankdir):
        if node not in shown or (folded and folded.hidden(node)):
            continue
        if folded and node in folded.outputs:
            z = folded.outputs[node]
            text = labels.get(node, node.label)
            name = text.rpartition(".")[0] or text
            fields = [escape_record_field(name), field_text("z", z.data, precision)]
            if z is not node:
                fields.append(field_text("a", node.data, precision))
            if show_grad:
                grad = as_float(node.grad, f"draw: the grad of {describe(node)}")
                fields.append(field_text("grad", grad, precision))
            _add_value(
                graph,
                node,
                node_id,
                braces[0] + " | ".join(fields) + braces[1],
                node in highlighted,
                False,
            )
            edges += _add_operation(graph, z, node_id, ids, inputs, precision)
            continue
        target = clusters.for_label(node.label) if clusters and node.is_leaf else graph
        # An unlabelled node is called by its id, as the step-through calls it: v5.
        fields = [escape_record_field(labels.get(node, node.label) or node_id)]
        fields.append(field_text("data", node.data, precision))
        if show_grad:
            grad = as_float(node.grad, f"draw: the grad of {describe(node)} (zero_grad() sets it)")
            fields.append(field_text("grad", grad, precision))
        label = braces[0] + " | ".join(f for f in fields if f) + braces[1]
        cut_off = not node.is_leaf and shown[node] == depth
        _add_value(target, node, node_id, label, node in highlighted, cut_off)
        if not (node.is_leaf or cut_off):
            edges += _add_operation(graph, node, node_id, ids, inputs, precision)
    if clusters:
        clusters.close()
    hidden_ids = {node_id for node, node_id in ids.items() if folded and folded.hidden(node)}
    for tail, head, edge_id, mark, weight in edges:
        if tail in hidden_ids:  # a parameter folded into its neuron
            continue
        marks = (
            {"headlabel": mark, "labelfontsize": FONT_SIZE, "labeldistance": "1.4"} if mark else {}
        )
        graph.edge(tail, head, id=edge_id, weight=weight, **marks)
    return graph


def to_svg(root: Value, **options: Any) -> str:
    """The graph of `root` as an SVG document (options as for `draw`)."""
    return draw(root, **options).to_svg()


def save(root: Value, path: str | os.PathLike[str], **options: Any) -> Path:
    """Write the graph of `root` to `path`: .svg, .png or .dot, chosen by the suffix
    (options as for `draw`). Returns the path."""
    path = as_path(path, "save")
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png", "dot"):
        raise DrawError(f"save: cannot write {path.name!r}; use a .svg, .png or .dot file name")
    graph = draw(root, **options)
    path.write_bytes(graph.source.encode() if fmt == "dot" else render(graph.source, fmt))
    return path


def as_path(path: Any, where: str) -> Path:
    """`path`, a file to write, as a Path; an ArgumentTypeError saying what `where` wants, or a
    DrawError when its folder does not exist."""
    if not isinstance(path, (str, os.PathLike)) or isinstance(os.fspath(path), bytes):
        raise ArgumentTypeError(
            f"{where}: path must be a str or a path, got {type(path).__name__} {path!r}"
        )
    file = Path(path)
    if not file.parent.is_dir():
        raise DrawError(
            f"{where}: cannot write {file.name!r}: the folder {str(file.parent)!r} does not"
            " exist; make it first, or choose another"
        )
    return file


def escape_label(text: str) -> str:
    """Make user text literal inside a DOT string label: backslashes and quotes are escaped,
    `&` cannot start an entity, and control characters (newlines too) become spaces."""
    text = "".join(" " if ord(char) < 32 or ord(char) == 127 else char for char in text)
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")


def escape_record_field(text: str) -> str:
    """Make user text literal inside one field of a DOT record label: also `| { } < >`."""
    text = escape_label(text)
    for char in "{}|<>":
        text = text.replace(char, "\\" + char)
    return text


def _check_options(
    rankdir: str,
    precision: int,
    depth: int | None,
    max_nodes: int | None,
    show_grad: bool,
    cluster: bool,
    fold: bool,
) -> None:
    if type(rankdir) is not str or rankdir not in RANKDIRS:
        raise DrawError(f"draw: rankdir must be one of {', '.join(RANKDIRS)}; got {rankdir!r}")
    for name, flag in (("show_grad", show_grad), ("cluster", cluster), ("fold", fold)):
        if type(flag) is not bool:
            raise ArgumentTypeError(f"draw: {name} must be True or False, got {flag!r}")
    check_precision(precision, "draw")
    if depth is not None and (type(depth) is not int or depth < 0):
        raise DrawError(f"draw: depth must be None or an int >= 0; got {depth!r}")
    if max_nodes is not None and (type(max_nodes) is not int or max_nodes < 1):
        raise DrawError(f"draw: max_nodes must be None or a positive int; got {max_nodes!r}")


def _check_highlight(highlight: Iterable[Value]) -> set[Value]:
    """The Values to highlight, each checked."""
    try:
        values = list(highlight)
    except TypeError:
        raise ArgumentTypeError(
            f"draw: highlight must be an iterable of Values, got {type(highlight).__name__}"
            f" {highlight!r}"
        ) from None
    for value in values:
        if type(value) is not Value:
            raise ArgumentTypeError(
                f"draw: highlight: expected Values, got {type(value).__name__} {value!r}"
            )
    return set(values)


def _check_labels(labels: Mapping[Value, str] | None) -> Mapping[Value, str]:
    """The labels to show instead of some Values' own, each checked."""
    if labels is None:
        return {}
    if not isinstance(labels, Mapping):
        raise ArgumentTypeError(
            f"draw: labels must map Values to str, got {type(labels).__name__} {labels!r}"[:200]
        )
    for key, text in labels.items():
        if type(key) is not Value:
            raise ArgumentTypeError(
                f"draw: labels: a key is {type(key).__name__} {key!r}, not a Value; map each"
                " Value to the text to show for it"
            )
        if type(text) is not str:
            raise ArgumentTypeError(
                f"draw: labels[{describe(key)}] must be a str, got {type(text).__name__} {text!r}"
            )
    return labels


def _declaration_order(ids: dict[Value, str], rankdir: str) -> list[tuple[Value, str]]:
    """The Values with their ids in the order to declare them. Graphviz lays a box's nodes out
    in the order they are declared, left to right when ranks go top to bottom but bottom to top
    when they go left to right: there the leaves are declared in reverse, so that a neuron's box
    reads w0..wn, b from the top (topological order visits operands in operand order)."""
    items = list(ids.items())
    if rankdir in ("TB", "BT"):
        return items
    return [item for item in reversed(items) if item[0].is_leaf] + [
        item for item in items if not item[0].is_leaf
    ]


def _within_depth(root: Value, depth: int | None) -> dict[Value, int]:
    """Each Value to draw, with its distance from root in operations (breadth first)."""
    distance = {root: 0}
    frontier = [root]
    level = 0
    while frontier and (depth is None or level < depth):
        level += 1
        next_frontier = []
        for node in frontier:
            for parent in node.parents:
                if parent not in distance:
                    distance[parent] = level
                    next_frontier.append(parent)
        frontier = next_frontier
    return distance


def _add_value(
    target: graphviz.Digraph,
    node: Value,
    node_id: str,
    label: str,
    highlighted: bool,
    cut_off: bool,
) -> None:
    """A Value's record; leaves tinted, highlighted ones filled, cut-off ones dashed."""
    classes = ["value", "leaf" if node.is_leaf else "computed"]
    if highlighted:
        classes.append("highlight")
        fill = HIGHLIGHT_COLOR
    else:
        fill = LEAF_COLOR if node.is_leaf else VALUE_COLOR
    target.node(
        node_id,
        graphviz.nohtml(label),
        shape="record",
        id=node_id,
        style="filled,dashed" if cut_off else "filled",
        fillcolor=fill,
        penwidth="2" if highlighted else "1",
        **{"class": " ".join(classes)},
    )


def _add_operation(
    target: graphviz.Digraph,
    node: Value,
    node_id: str,
    ids: dict[Value, str],
    inputs: _NetworkInputs,
    precision: int,
) -> list[tuple[str, str, str, str, str]]:
    """The circle of the operation that made `node` (and a node per constant operand that is
    not a network input); returns its edges (tail, head, id, mark, weight): each operand in, in
    operand order (kept top to bottom by `ordering=in`), and the result out. An operation
    whose operand order matters marks its in-edges 1 and 2."""
    op = node.operation
    assert op is not None, "only a computed node has an operation to draw"
    op_id = f"{node_id}_op"
    target.node(
        op_id,
        graphviz.nohtml(escape_label(str(op))),
        shape="circle",
        width="0.3",
        margin="0.02",
        id=op_id,
        style="filled",
        fillcolor=OP_COLOR,
        ordering="in",
        **{"class": "op"},
    )
    edges = [(op_id, node_id, f"{op_id}_out", "", VALUE_EDGE_WEIGHT)]
    ordered = not op.commutative and len(node.operands) == 2
    for i, x in enumerate(node.operands):
        mark = str(i + 1) if ordered else ""  # which operand: a - b, a / b, a ** b
        if type(x) is Value:
            edges.append((ids[x], op_id, f"{op_id}_in{i}", mark, VALUE_EDGE_WEIGHT))
        elif inputs.drawn(node, i):
            edges.append((inputs.drawn(node, i), op_id, f"{op_id}_in{i}", mark, "1"))
        elif op is ADD and x == 0:
            continue  # the 0 that sum() starts from
        else:
            const_id = f"{op_id}_c{i}"
            target.node(
                const_id,
                graphviz.nohtml(constant_text(float(x), precision)),
                shape="plaintext",
                id=const_id,
                **{"class": "constant"},
            )
            edges.append((const_id, op_id, f"{op_id}_in{i}", mark, "1"))
    return edges


class _NetworkInputs:
    """The inputs of a network: the constant inputs x_k of each neuron's weighted sum
    (`dot(w, x, b)`). Every neuron of a layer reads the same sample, so each distinct tuple of
    inputs (one per sample) is drawn once, its entries labelled `x0 = 0.5`, or `s1:x0 = 1.5`
    when there are several samples."""

    def __init__(self, graph: graphviz.Digraph, nodes: Sequence[Value], precision: int) -> None:
        self.samples: dict[tuple[float, ...], int] = {}
        for node in nodes:
            sample = self._sample(node)
            if sample and sample not in self.samples:
                self.samples[sample] = len(self.samples)
        for sample, k in self.samples.items():
            prefix = f"s{k}:" if len(self.samples) > 1 else ""
            for j, x in enumerate(sample):
                graph.node(
                    f"input{k}_{j}",
                    graphviz.nohtml(escape_label(f"{prefix}x{j} = {constant_text(x, precision)}")),
                    shape="box",
                    style="rounded",
                    id=f"input{k}_{j}",
                    **{"class": "input"},
                )

    def drawn(self, node: Value, index: int) -> str:
        """The id of the input node drawn for operand `index` of `node` ('' if none)."""
        sample = self._sample(node)
        n = len(node.operands) // 2
        if not sample or not n <= index < 2 * n:
            return ""
        return f"input{self.samples[sample]}_{index - n}"

    @staticmethod
    def _sample(node: Value) -> tuple[float, ...]:
        """The inputs of a weighted sum whose inputs are all constants, else ()."""
        if node.operation is not DOT:
            return ()
        n = len(node.operands) // 2
        xs = node.operands[n : 2 * n]
        return () if any(type(x) is Value for x in xs) else tuple(float(x) for x in xs)


class _Neurons:
    """The neurons among the drawn Values, to fold: a neuron's output (`L1.N0.a`, made from
    `L1.N0.z`; or a linear neuron's `L1.N0.z`) with its weighted sum `z = dot(w, x, b)`.
    Its parameters and a folded `z` are hidden; the output is drawn as the whole neuron."""

    def __init__(self, shown: Mapping[Value, int]) -> None:
        self.outputs: dict[Value, Value] = {}
        # A weighted sum whose operands are all drawn (not cut off by `depth`).
        sums = [
            n
            for n in shown
            if n.operation is DOT and n.label.endswith(".z") and all(p in shown for p in n.parents)
        ]
        for z in sums:
            self.outputs[z] = z
        for node in shown:
            made_from = node.parents[0] if len(node.parents) == 1 else None
            if (
                made_from in self.outputs
                and node.label.endswith(".a")
                and node.label[:-1] == made_from.label[:-1]  # L1.N0.a made from L1.N0.z
            ):
                self.outputs[node] = self.outputs.pop(made_from)
        self.inside = {z for a, z in self.outputs.items() if z is not a}
        for z in sums:
            prefix = z.label[:-1]
            self.inside.update(
                p for p in z.parents if p.is_leaf and p.label.startswith(prefix) and p in shown
            )

    def hidden(self, node: Value) -> bool:
        """Whether `node` is drawn as part of its neuron's record rather than on its own."""
        return node in self.inside


class _Clusters:
    """Nested `cluster_*` subgraphs, one per dotted label prefix (`L1`, then `L1.N0`)."""

    def __init__(self, graph: graphviz.Digraph) -> None:
        self.graph = graph
        self.subgraphs: dict[str, graphviz.Digraph] = {}

    def for_label(self, label: str) -> graphviz.Digraph:
        """The subgraph a node labelled `label` belongs in (the graph itself if none): boxes
        nest at most MAX_BOX_DEPTH deep, so a label of a thousand dotted parts is one box."""
        parts = label.split(".")[:-1][:MAX_BOX_DEPTH]
        if not parts:
            return self.graph
        prefixes = [".".join(parts[: k + 1]) for k in range(len(parts))]
        for prefix in prefixes:  # the enclosing boxes exist first, so they come first
            if prefix in self.subgraphs:
                continue
            self.subgraphs[prefix] = graphviz.Digraph(
                name=f"cluster_{len(self.subgraphs)}",
                graph_attr={
                    "label": graphviz.nohtml(escape_label(prefix)),
                    "style": "rounded,dashed",
                    "color": CLUSTER_COLOR,
                    "fontcolor": CLUSTER_COLOR,
                    "fontname": "Helvetica",
                    "fontsize": FONT_SIZE,
                },
            )
        return self.subgraphs[prefixes[-1]]

    def close(self) -> None:
        """Put each cluster inside its enclosing one (in order of appearance), then all of them
        into the graph. A cluster is complete before it is added: graphviz copies its body."""
        children: dict[str, list[str]] = {}
        for prefix in self.subgraphs:
            children.setdefault(prefix.rpartition(".")[0], []).append(prefix)

        def complete(prefix: str) -> graphviz.Digraph:
            subgraph = self.subgraphs[prefix]
            for child in children.get(prefix, []):
                subgraph.subgraph(complete(child))
            return subgraph

        for top in children.get("", []):
            self.graph.subgraph(complete(top))

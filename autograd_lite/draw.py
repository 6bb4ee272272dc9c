"""Drawing a computation graph: DOT source with the `graphviz` package, SVG and PNG through
whichever `dot` program is present (a system Graphviz, or the `graphviz-pure` package's)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import graphviz

from .engine import AutogradError, Value, topological_order

__all__ = ["Graph", "RendererNotFoundError", "draw", "find_renderer", "save", "to_svg"]


class RendererNotFoundError(AutogradError, RuntimeError):
    """No program that turns DOT source into a picture is installed."""


class RenderError(AutogradError, RuntimeError):
    """The `dot` program ran and failed."""


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
    result = subprocess.run(
        [find_renderer(), f"-T{fmt}"], input=source.encode(), capture_output=True, check=False
    )
    if result.returncode != 0:
        raise RenderError(f"dot failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


class Graph(graphviz.Digraph):
    """A `graphviz.Digraph` that renders with `find_renderer()` and shows itself in Jupyter."""

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
        return self.pipe("svg", encoding="utf-8")


def draw(root: Value, rankdir: str = "LR", precision: int = 4, show_grad: bool = True) -> Graph:
    """The graph of everything `root` depends on: a record per Value (label | data | grad), a
    small node per operation, and edges in the direction data flows."""
    if type(root) is not Value:
        raise TypeError(f"draw: expected a Value, got {type(root).__name__}")
    graph = Graph(graph_attr={"rankdir": rankdir}, node_attr={"fontname": "Helvetica"})
    order = topological_order(root)
    ids = {node: f"v{i}" for i, node in enumerate(order)}
    for node in order:
        fields = [_escape(node.label)] if node.label else []
        fields.append(f"data {node.data:.{precision}f}")
        if show_grad:
            fields.append(f"grad {node.grad:.{precision}f}")
        graph.node(ids[node], graphviz.nohtml("{ " + " | ".join(fields) + " }"), shape="record")
        if node.is_leaf:
            continue
        op_id = f"{ids[node]}_op"
        graph.node(op_id, graphviz.nohtml(_escape(node.op)), shape="circle", fontsize="10")
        graph.edge(op_id, ids[node])
        for i, x in enumerate(node.operands):
            if type(x) is Value:
                graph.edge(ids[x], op_id)
            else:
                const_id = f"{op_id}_c{i}"
                graph.node(const_id, graphviz.nohtml(f"{x:g}"), shape="plaintext")
                graph.edge(const_id, op_id)
    return graph


def to_svg(root: Value, **options: Any) -> str:
    """The graph of `root` as an SVG document (options as for `draw`)."""
    return draw(root, **options).to_svg()


def save(root: Value, path: str | os.PathLike[str], **options: Any) -> Path:
    """Write the graph of `root` to `path`: .svg, .png or .dot, chosen by the suffix."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png", "dot"):
        raise ValueError(f"save: cannot write {path.name!r}; use a .svg, .png or .dot file name")
    graph = draw(root, **options)
    path.write_bytes(graph.source.encode() if fmt == "dot" else graph.pipe(fmt))
    return path


def _escape(text: str) -> str:
    """Make user text literal inside a DOT record label."""
    for char in '\\{}|<>"':
        text = text.replace(char, "\\" + char)
    return text.replace("\n", " ")

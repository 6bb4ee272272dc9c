"""The step-through viewer: one self-contained piece of HTML (the SVG, CSS and a little
JavaScript; nothing from the network) that walks through a list of `Frame`s.

The viewer knows nothing of Values: it is given plain data (a title, the drawing as SVG, the
frames as strings) by the recorder in `stepping.py`. Its style and script are the package data
files `viewer.css` and `viewer.js`.

Without JavaScript (an untrusted notebook, a sanitising viewer) it is a static page: the final
graph and the full list of steps. The graph travels as an `<img>` with the SVG in a data URI,
because sanitisers (JupyterLab's among them) drop inline `<svg>` and `<style>` but keep images.
The script swaps that image for the same SVG inline, adds the controls (previous/next, a slider,
play, jump to the backward pass, a node to follow, predict-then-reveal) and the keys, and at
each step highlights the nodes and edges involved, shows the arithmetic with each number
coloured and linked to its field, and rewrites the drawn data and grad fields to their values
at that moment. The chain-rule lens: each backward step brings what changes, what sends and
what its rule reads into view at a readable size (or an inset circuit of them), writes the
local derivative on the active edge and puts backward arrowheads at the tails. Zoomed out, the
graph is an overview coloured by grad, with a minimap. Folded (a big network opens so), a
second drawing shows each neuron as one record, laid out again; the step's participants show
in the inset. Colours follow JupyterLab's theme or the system's scheme, at 4.5:1 contrast or
more.
"""

from __future__ import annotations

import base64
import html
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Frame", "viewer_document", "viewer_fragment"]


#: A number in a frame's text linked to the field of the drawing it comes from: (stage index,
#: start, end, node id, field), the number being `stages[stage][1][start:end]`.
Link = tuple[int, int, int, str, str]


@dataclass(frozen=True)
class Frame:
    """One position of the step-through: what happens, the arithmetic in stages, and what it
    touches in the drawing (ids as `draw` gives them).

    `stages` are (kind, text) pairs in order: kind is "rule" (symbols), "numbers" (substituted),
    "result", "total" (a gradient before and after) or "sum" (the sum over a node's uses).
    `field` ("data" or "grad") of node `target` changes from `before` to `after`; `sources`
    are the nodes it is computed from, `active` the operation and edges at work, `reads` the
    nodes a backward step's local derivative reads (or the edge of a constant it reads).
    `links` tie numbers of the text to the fields they come from; `local` is written on the
    active edge of a backward step (its local derivative). A start or done frame lists its
    numbers in `table` as (name, number, node id) rows, each number its node's `field`.
    """

    kind: str
    title: str
    stages: tuple[tuple[str, str], ...] = ()
    target: str = ""
    sources: tuple[str, ...] = ()
    active: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    field: str = ""
    before: str = ""
    after: str = ""
    links: tuple[Link, ...] = ()
    local: str = ""
    table: tuple[tuple[str, str, str], ...] = ()


def viewer_fragment(
    title: str, svg: str, frames: Sequence[Frame], alt: str, portrait: str = "", folded: str = ""
) -> str:
    """The viewer as an HTML fragment (a `<div>` with its style and script), for Jupyter:
    `svg` is the drawing, `alt` describes it, `title` names the viewer for screen readers.
    `portrait`, the same drawing laid out top to bottom, replaces it where the viewer is at
    most 600 px wide (a phone held upright). `folded`, the drawing with each neuron one
    record, is what the Fold button shows (a big network opens folded)."""
    alternatives = f' data-portrait="{_data_uri(portrait)}"' if portrait else ""
    alternatives += f' data-folded="{_data_uri(folded)}"' if folded else ""
    viewer_id = f"al-steps-{uuid.uuid4().hex[:12]}"
    items = "\n".join(_frame_item(frame) for frame in frames)
    script = _package_text("viewer.js").replace("__VIEWER_ID__", viewer_id)
    return f"""<div class="al-steps" id="{viewer_id}" tabindex="0" role="group"
 aria-roledescription="step-through viewer" aria-label="{_escape(title)}"
 aria-keyshortcuts="ArrowLeft ArrowRight Home End + - 0 F">
<style>{_package_text("viewer.css")}</style>
<div class="al-graph"><img class="al-picture" src="{_data_uri(svg)}"{alternatives}
 alt="{_escape(alt)}"></div>
<p class="al-untrusted">These are the steps without their controls: the notebook is not
trusted, or scripts are off. Trust the notebook (JupyterLab: the command "Trust Notebook";
Notebook 7: File, Trust Notebook) and run the cell again to step through them.</p>
<details class="al-all" open>
<summary>All {len(frames)} steps: the forward pass, then the backward pass
(the graph shows the result)</summary>
<ol class="al-frames">
{items}
</ol>
</details>
<script>{script}</script>
</div>"""


def viewer_document(
    title: str, svg: str, frames: Sequence[Frame], alt: str, portrait: str = "", folded: str = ""
) -> str:
    """The viewer as a standalone HTML page (arguments as for `viewer_fragment`)."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_escape(title)} - autograd_lite</title>
<meta name="color-scheme" content="light dark">
<style>body {{ font-family: system-ui, sans-serif; margin: 1.5rem; background: Canvas;
  color: CanvasText; }}</style>
</head>
<body>
{viewer_fragment(title, svg, frames, alt, portrait, folded)}
</body>
</html>
"""


def _data_uri(svg: str) -> str:
    """An SVG document (from its `<svg` tag on) as a data URI."""
    return (
        "data:image/svg+xml;base64," + base64.b64encode(svg[svg.index("<svg") :].encode()).decode()
    )


@cache
def _package_text(name: str) -> str:
    """A data file shipped inside the package (the viewer's CSS and JavaScript)."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _frame_item(frame: Frame) -> str:
    """One step as a list item: its text, and data attributes saying what to highlight."""
    attributes = {
        "data-kind": frame.kind,
        "data-target": frame.target,
        "data-sources": " ".join(frame.sources),
        "data-active": " ".join(frame.active),
        "data-reads": " ".join(frame.reads),
        "data-field": frame.field,
        "data-before": frame.before,
        "data-after": frame.after,
        "data-local": frame.local,
    }
    attribute_text = " ".join(f'{k}="{_escape(v)}"' for k, v in attributes.items() if v)
    stages = "".join(
        f'<div class="al-stage al-{kind}">{_linked(text, i, frame.links)}</div>'
        for i, (kind, text) in enumerate(frame.stages)
    )
    if frame.table:  # a compact table instead of a wall of text
        rows = "".join(
            f'<tr><th scope="row">{_escape(name)}</th><td><span class="al-num"'
            f' data-node="{_escape(node_id)}" data-field="{frame.field}">{_escape(number)}'
            "</span></td></tr>"
            for name, number, node_id in frame.table
        )
        stages = f'<table class="al-table al-stage"><tbody>{rows}</tbody></table>'

    return (
        f'<li class="al-frame al-{frame.kind}" {attribute_text}>'
        f'<div class="al-title">{_escape(frame.title)}</div>{stages}</li>'
    )


def _linked(text: str, stage: int, links: Sequence[Link]) -> str:
    """A stage's text, escaped, its linked numbers as spans naming the node and field."""
    parts, at = [], 0
    for _, start, end, node_id, field in sorted(link for link in links if link[0] == stage):
        parts.append(_escape(text[at:start]))
        parts.append(
            f'<span class="al-num" data-node="{_escape(node_id)}" data-field="{field}">'
            f"{_escape(text[start:end])}</span>"
        )
        at = end
    parts.append(_escape(text[at:]))
    return "".join(parts)


def _escape(text: str) -> str:
    return html.escape(text, quote=True)

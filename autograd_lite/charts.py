"""Two pictures of training, written as SVG text directly (no plotting library): where a
two-input model puts its decision boundary, and how the loss fell."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from numbers import Real
from typing import Any
from xml.sax.saxutils import escape

from .engine import Value
from .errors import ArgumentTypeError, DrawError, ShapeError

Axis = tuple[str, str, str]  # its name, and the numbers written at its two ends

__all__ = ["CLASS_COLOURS", "decision_boundary_svg", "loss_curve_svg"]

#: The fill of class 0 and class 1 (points, and the regions the model gives them).
CLASS_COLOURS = ("#d95f02", "#1b9e77")

SIZE = 400  # the plot's width and height in pixels
MARGIN = 40  # room for the axis labels


def decision_boundary_svg(
    model: Callable[[list[float]], Any],  # a point [x, y] -> one score (a Value or a float)
    points: Sequence[Sequence[float]],
    classes: Sequence[int],
    resolution: int = 30,
    title: str = "decision boundary",
) -> str:
    """The plane around `points`, cut into `resolution` x `resolution` cells, each coloured by
    the class the model predicts at its centre (score s > 0 means class 1; the stronger |s|, the
    deeper the colour), with every point drawn on top in its own class's colour."""
    if len(points) != len(classes) or not points:
        raise ShapeError(
            f"decision_boundary_svg: got {len(points)} points and {len(classes)} classes;"
            " they must match and be non-empty"
        )
    if type(resolution) is not int or resolution < 1:
        raise DrawError(
            f"decision_boundary_svg: resolution must be a positive int, got {resolution!r}"
        )
    if any(c not in (0, 1) for c in classes):
        raise DrawError(
            "decision_boundary_svg: classes must be 0 or 1 (for labels y = ±1, give (y + 1) // 2)"
        )
    to_x, to_y, (x0, x1), (y0, y1) = _plane(points)
    cell = (x1 - x0) / resolution, (y1 - y0) / resolution
    shapes = []
    for i in range(resolution):
        for j in range(resolution):
            x, y = x0 + (i + 0.5) * cell[0], y0 + (j + 0.5) * cell[1]
            score = model([x, y])
            if not isinstance(score, (Value, Real)):
                raise ArgumentTypeError(
                    "decision_boundary_svg: the model must give one score (a Value or a number)"
                    f" for a point, got {type(score).__name__}"
                )
            score = float(score)
            colour = CLASS_COLOURS[score > 0]
            left, top = to_x(x - cell[0] / 2), to_y(y + cell[1] / 2)
            shapes.append(
                f'<rect x="{left:.2f}" y="{top:.2f}" width="{SIZE / resolution:.2f}"'
                f' height="{SIZE / resolution:.2f}" fill="{colour}"'
                f' fill-opacity="{0.1 + 0.4 * abs(math.tanh(score)):.3f}"/>'
            )
    for (x, y), c in zip(points, classes):
        shapes.append(
            f'<circle class="point" cx="{to_x(x):.2f}" cy="{to_y(y):.2f}" r="4"'
            f' fill="{CLASS_COLOURS[c]}" stroke="white" stroke-width="1">'
            f"<title>({x:.3f}, {y:.3f}): class {c}</title></circle>"
        )
    shapes += _legend()
    return _svg(title, shapes, ("x", f"{x0:.2f}", f"{x1:.2f}"), ("y", f"{y0:.2f}", f"{y1:.2f}"))


def _legend() -> list[str]:
    """Which colour is which class, at the right end of the title line."""
    shapes = []
    for c, colour in enumerate(CLASS_COLOURS):
        x = MARGIN + SIZE - 130 + 70 * c
        shapes.append(
            f'<g class="legend"><circle cx="{x}" cy="{MARGIN - 16}" r="4" fill="{colour}"/>'
            f'<text x="{x + 8}" y="{MARGIN - 12}" font-family="sans-serif" font-size="12">'
            f"class {c}</text></g>"
        )
    return shapes


def loss_curve_svg(losses: Sequence[float], title: str = "training loss") -> str:
    """The loss after 0, 1, 2, ... steps as a line, on an axis from 0 (or the lowest loss, if
    negative) to the largest loss."""
    if not losses:
        raise ShapeError("loss_curve_svg: got no losses; give at least one number")
    if not all(math.isfinite(loss) for loss in losses):
        raise DrawError("loss_curve_svg: every loss must be a finite number")
    low, high = min(0.0, *losses), max(0.0, *losses)
    high = high if high > low else low + 1.0
    last = max(len(losses) - 1, 1)

    def to_point(step: int, loss: float) -> str:
        height = (loss - low) / (high - low)
        return f"{MARGIN + SIZE * step / last:.2f},{MARGIN + SIZE * (1 - height):.2f}"

    corners = [to_point(step, loss) for step, loss in enumerate(losses)]
    final_x, final_y = corners[-1].split(",")
    shapes = [
        f'<polyline class="loss" points="{" ".join(corners)}" fill="none" stroke="#7570b3"'
        ' stroke-width="2"/>',
        f'<circle cx="{final_x}" cy="{final_y}" r="3" fill="#7570b3">'
        f"<title>final loss {losses[-1]:.4f}</title></circle>",
    ]
    loss_axis: Axis = ("loss", f"{low:.3g}", f"{high:.3g}")
    return _svg(title, shapes, ("step", "0", str(len(losses) - 1)), loss_axis)


def _plane(
    points: Sequence[Sequence[float]],
) -> tuple[
    Callable[[float], float], Callable[[float], float], tuple[float, float], tuple[float, float]
]:
    """Pixel maps for x and y (y grows upwards on the page), and the ranges they cover: the
    points' bounding box with a tenth of its size added on every side."""
    ranges = []
    for axis in (0, 1):
        low, high = min(p[axis] for p in points), max(p[axis] for p in points)
        pad = (high - low) / 10 or 1.0
        ranges.append((low - pad, high + pad))
    (x0, x1), (y0, y1) = ranges
    return (
        lambda x: MARGIN + SIZE * (x - x0) / (x1 - x0),
        lambda y: MARGIN + SIZE * (y1 - y) / (y1 - y0),
        ranges[0],
        ranges[1],
    )


def _svg(title: str, shapes: list[str], x_axis: Axis, y_axis: Axis) -> str:
    """An SVG document: the title, the shapes, a frame, and each axis's name and end values."""
    (x_name, x_low, x_high), (y_name, y_low, y_high) = x_axis, y_axis
    side, bottom = MARGIN + SIZE, MARGIN + SIZE + 16
    text = 'font-family="sans-serif" font-size="12"'
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{side + MARGIN}"'
            f' height="{side + MARGIN}" viewBox="0 0 {side + MARGIN} {side + MARGIN}">',
            f"<title>{escape(title)}</title>",
            f'<text x="{MARGIN}" y="{MARGIN - 12}" font-family="sans-serif" font-size="14">'
            f"{escape(title)}</text>",
            *shapes,
            f'<rect x="{MARGIN}" y="{MARGIN}" width="{SIZE}" height="{SIZE}" fill="none"'
            ' stroke="#444"/>',
            f'<text x="{MARGIN}" y="{bottom}" {text}>{x_low}</text>',
            f'<text x="{side}" y="{bottom}" {text} text-anchor="end">{x_high}</text>',
            f'<text x="{MARGIN + SIZE / 2}" y="{bottom}" {text} text-anchor="middle">'
            f"{x_name}</text>",
            f'<text x="{MARGIN - 4}" y="{side}" {text} text-anchor="end">{y_low}</text>',
            f'<text x="{MARGIN - 4}" y="{MARGIN + 10}" {text} text-anchor="end">{y_high}</text>',
            f'<text x="{MARGIN - 4}" y="{MARGIN + SIZE / 2}" {text} text-anchor="end">'
            f"{y_name}</text>",
            "</svg>",
            "",
        ]
    )

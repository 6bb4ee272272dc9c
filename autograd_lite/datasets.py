"""Small 2-D data sets, generated on the spot (nothing is downloaded)."""

from __future__ import annotations

import math
import random
from numbers import Real

from .errors import ArgumentTypeError, DatasetError

__all__ = ["DatasetError", "make_moons"]


def make_moons(
    n_samples: int = 100, noise: float = 0.1, seed: int | None = 0
) -> tuple[list[list[float]], list[int]]:
    """Two interleaving half circles in the plane, like scikit-learn's `make_moons`.

    Returns the points (each `[x, y]`) and their classes (0 for the upper moon, 1 for the
    lower one), with Gaussian noise of standard deviation `noise` added to each coordinate.
    """
    if type(n_samples) is not int or n_samples < 2:
        raise DatasetError(
            f"make_moons: n_samples must be an int >= 2 (one point per moon at least),"
            f" got {n_samples!r}"
        )
    if not isinstance(noise, Real):
        raise ArgumentTypeError(
            f"make_moons: noise must be a number (a standard deviation such as 0.1),"
            f" got {type(noise).__name__} {noise!r}"
        )
    if not 0 <= noise < math.inf:
        raise DatasetError(
            f"make_moons: noise must be >= 0 and finite (0 for no noise), got {noise!r}"
        )
    rng = random.Random(seed)
    n_upper = n_samples // 2
    n_lower = n_samples - n_upper
    points, classes = [], []
    for i in range(n_upper):
        t = math.pi * i / max(n_upper - 1, 1)
        points.append([math.cos(t), math.sin(t)])
        classes.append(0)
    for i in range(n_lower):
        t = math.pi * i / max(n_lower - 1, 1)
        points.append([1 - math.cos(t), 0.5 - math.sin(t)])
        classes.append(1)
    for point in points:
        point[0] += rng.gauss(0, noise)
        point[1] += rng.gauss(0, noise)
    return points, classes

"""Small 2-D data sets, generated on the spot (nothing is downloaded)."""

from __future__ import annotations

import math
import random
from numbers import Real

from .engine import check_size
from .errors import ArgumentTypeError, DatasetError

__all__ = ["DatasetError", "make_moons", "make_spirals"]


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
            f" got {n_samples!r:.60}"
        )
    check_size(n_samples, "make_moons: n_samples", DatasetError)
    _check_noise(noise, "make_moons")
    rng = random.Random(_check_seed(seed, "make_moons"))
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
    return _finite(points, noise, "make_moons"), classes


def make_spirals(
    n_samples: int = 300, n_classes: int = 3, noise: float = 0.2, seed: int | None = 0
) -> tuple[list[list[float]], list[int]]:
    """`n_classes` spiral arms around the origin, one class per arm: CS231n's spiral data.

    CS231n's generator (cs231n.github.io/neural-networks-case-study), with its defaults of 100
    points on each of 3 arms and noise 0.2: the n points of arm k have radius
    r = linspace(0, 1, n) and angle t = linspace(4k, 4(k + 1), n) + noise * N(0, 1) (radians),
    at (r sin t, r cos t). Returns the points (each `[x, y]`) and their classes
    0 ... n_classes-1; the arms get n_samples // n_classes points each, the first ones one more
    for a remainder. The noise comes from Python's `random` (seeded), not NumPy's.
    """
    if type(n_classes) is not int or n_classes < 2:
        raise DatasetError(f"make_spirals: n_classes must be an int >= 2, got {n_classes!r:.60}")
    check_size(n_classes, "make_spirals: n_classes", DatasetError)
    if type(n_samples) is not int or n_samples < 2 * n_classes:
        raise DatasetError(
            f"make_spirals: n_samples must be an int >= {2 * n_classes} (two points per arm at"
            f" least), got {n_samples!r:.60}"
        )
    check_size(n_samples, "make_spirals: n_samples", DatasetError)
    _check_noise(noise, "make_spirals")
    rng = random.Random(_check_seed(seed, "make_spirals"))
    points, classes = [], []
    for k in range(n_classes):
        n = n_samples // n_classes + (k < n_samples % n_classes)
        radii = _linspace(0.0, 1.0, n)
        angles = [t + noise * rng.gauss(0, 1) for t in _linspace(4.0 * k, 4.0 * (k + 1), n)]
        if not all(math.isfinite(t) for t in angles):  # sin and cos refuse them
            raise _not_finite(noise, "make_spirals")
        points += [[r * math.sin(t), r * math.cos(t)] for r, t in zip(radii, angles)]
        classes += [k] * n
    return points, classes


def _linspace(start: float, stop: float, n: int) -> list[float]:
    """n evenly spaced numbers from start to stop, computed as numpy.linspace computes them."""
    step = (stop - start) / (n - 1)
    return [i * step + start for i in range(n - 1)] + [stop]


def _check_noise(noise: object, where: str) -> None:
    if not isinstance(noise, Real):
        raise ArgumentTypeError(
            f"{where}: noise must be a number (a standard deviation such as 0.1),"
            f" got {type(noise).__name__} {noise!r}"
        )
    try:
        value = float(noise)
    except OverflowError:  # an int beyond any float
        value = math.inf
    if not 0 <= value < math.inf:
        raise DatasetError(
            f"{where}: noise must be >= 0 and finite (0 for no noise), got {noise!r}"
        )


def _check_seed(seed: object, where: str) -> int | None:
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ArgumentTypeError(
            f"{where}: seed must be an int (or None for fresh numbers each call), got"
            f" {type(seed).__name__} {seed!r:.60}"
        )
    return seed


def _finite(points: list[list[float]], noise: float, where: str) -> list[list[float]]:
    """The points, once every coordinate is checked to be a finite float."""
    if not all(math.isfinite(c) for point in points for c in point):
        raise _not_finite(noise, where)
    return points


def _not_finite(noise: float, where: str) -> DatasetError:
    return DatasetError(
        f"{where}: noise {noise!r} makes coordinates that are not finite (inf); use a"
        " standard deviation a float can hold many times over, such as 0.1"
    )

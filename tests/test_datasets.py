"""The generated data sets: sizes, classes, the curves they lie on, and refused arguments."""

from __future__ import annotations

import math

import pytest

import autograd_lite as al
from autograd_lite import datasets


def test_make_moons_refuses_noise_that_overflows_the_coordinates():
    with pytest.raises(al.DatasetError, match=r"noise 1e\+308 .*not finite"):
        al.make_moons(noise=1e308)  # it returned inf coordinates
    points, _ = al.make_moons(noise=1e150)  # huge but representable
    assert all(math.isfinite(c) for p in points for c in p)


def test_make_spirals_classes_sizes_and_arms():
    points, classes = datasets.make_spirals(302, n_classes=3, noise=0.0, seed=0)
    assert len(points) == len(classes) == 302
    assert [classes.count(k) for k in range(3)] == [101, 101, 100]
    for (x, y), k in zip(points, classes):
        r = math.hypot(x, y)
        assert 0.0 <= r <= 1.0 + 1e-12
        if r > 0.2:  # away from the centre, a point's angle places it on its own arm
            turn = 4 * r  # radians the arm has turned at this radius
            expected = (k * 2 * math.pi / 3 + turn) % (2 * math.pi)
            angle = math.atan2(y, x) % (2 * math.pi)
            gap = abs(angle - expected)
            assert min(gap, 2 * math.pi - gap) < 1e-9
    assert datasets.make_spirals(60, seed=1) == datasets.make_spirals(60, seed=1)
    assert datasets.make_spirals(60, seed=1) != datasets.make_spirals(60, seed=2)
    assert al.make_spirals is datasets.make_spirals


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_samples": 2}, al.DatasetError, "n_samples"),
        ({"n_classes": 1}, al.DatasetError, "n_classes"),
        ({"n_classes": 2.0}, al.DatasetError, "n_classes"),
        ({"noise": -0.1}, al.DatasetError, "noise"),
        ({"noise": "0.1"}, al.ArgumentTypeError, "noise"),
    ],
)
def test_make_spirals_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        datasets.make_spirals(**kwargs)


def test_make_spirals_with_a_huge_noise_raises_dataset_error_not_math_domain_error():
    with pytest.raises(al.DatasetError, match="not finite"):
        al.make_spirals(30, 3, noise=1e308)

"""The generated data sets: sizes, classes, the curves they lie on, and refused arguments."""

from __future__ import annotations

import math
import random

import pytest
from messages import raises_naming

import autograd_lite as al
from autograd_lite import datasets


def test_make_moons_refuses_noise_that_overflows_the_coordinates():
    with raises_naming(al.DatasetError, "make_moons", "noise 1e+308", "inf", "0.1"):
        al.make_moons(noise=1e308)  # it returned inf coordinates
    points, _ = al.make_moons(noise=1e150)  # huge but representable
    assert all(math.isfinite(c) for p in points for c in p)


def cs231n_spirals(points_per_class, classes, randn):
    """CS231n's generator as the case study writes it (cs231n.github.io/
    neural-networks-case-study), with its np.random.randn(N) given as `randn`."""
    np = pytest.importorskip("numpy")
    N, D, K = points_per_class, 2, classes
    X = np.zeros((N * K, D))
    y = np.zeros(N * K, dtype="uint8")
    for j in range(K):
        ix = range(N * j, N * (j + 1))
        r = np.linspace(0.0, 1, N)  # radius
        t = np.linspace(j * 4, (j + 1) * 4, N) + randn(N) * 0.2  # theta
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[ix] = j
    return X.tolist(), y.tolist()


def test_make_spirals_is_cs231n_generator_with_its_defaults():
    """Issue 18 item 6: the docstring said "CS231n's spiral data", but the arms were 2 pi/3
    apart (CS231n's: 4 radians), the radius started at 1/n (CS231n's at 0), the points were
    (r cos t, r sin t) (CS231n's: (r sin t, r cos t)) and the noise 0.1 (CS231n's: 0.2).
    Given the same standard normal draws, make_spirals' points are CS231n's, bit for bit."""
    np = pytest.importorskip("numpy")
    draws = random.Random(7)
    points, classes = cs231n_spirals(
        100, 3, lambda n: np.array([draws.gauss(0, 1) for _ in range(n)])
    )
    assert al.make_spirals(seed=7) == (points, classes)
    assert al.make_spirals(seed=7) == al.make_spirals(300, 3, 0.2, 7)  # CS231n's N, K, noise
    zero = cs231n_spirals(10, 4, np.zeros)
    assert al.make_spirals(40, n_classes=4, noise=0.0) == zero


def test_make_spirals_classes_sizes_and_arms():
    points, classes = datasets.make_spirals(302, n_classes=3, noise=0.0, seed=0)
    assert len(points) == len(classes) == 302
    assert [classes.count(k) for k in range(3)] == [101, 101, 100]
    for (x, y), k in zip(points, classes):
        r = math.hypot(x, y)
        assert 0.0 <= r <= 1.0 + 1e-12
        if r > 0.2:  # away from the centre, a point's angle places it on its own arm
            expected = (4 * k + 4 * r) % (
                2 * math.pi
            )  # angle t from the y axis: (r sin t, r cos t)
            angle = math.atan2(x, y) % (2 * math.pi)
            gap = abs(angle - expected)
            assert min(gap, 2 * math.pi - gap) < 1e-9
    assert datasets.make_spirals(60, seed=1) == datasets.make_spirals(60, seed=1)
    assert datasets.make_spirals(60, seed=1) != datasets.make_spirals(60, seed=2)
    assert al.make_spirals is datasets.make_spirals


@pytest.mark.parametrize(
    ("kwargs", "error", "terms"),
    [
        ({"n_samples": 2}, al.DatasetError, ("n_samples", "int >= 6", "2")),
        ({"n_classes": 1}, al.DatasetError, ("n_classes", "int >= 2", "1")),
        ({"n_classes": 2.0}, al.DatasetError, ("n_classes", "int >= 2", "2.0")),
        ({"noise": -0.1}, al.DatasetError, ("noise", ">= 0", "-0.1")),
        ({"noise": "0.1"}, al.ArgumentTypeError, ("noise", "number", "str '0.1'")),
    ],
)
def test_make_spirals_bad_arguments(kwargs, error, terms):
    with raises_naming(error, "make_spirals", *terms):
        datasets.make_spirals(**kwargs)


def test_make_spirals_with_a_huge_noise_raises_dataset_error_not_math_domain_error():
    with raises_naming(al.DatasetError, "make_spirals", "noise 1e+308", "inf", "0.1"):
        al.make_spirals(30, 3, noise=1e308)

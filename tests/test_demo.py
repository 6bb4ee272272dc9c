"""The demo: two-moons data, training to at least 95% accuracy, and the command line."""

import math
import subprocess
import sys

import pytest

import autograd_lite as al
from autograd_lite.demo import train_moons


def test_make_moons_shape_and_classes():
    points, classes = al.make_moons(101, noise=0.1, seed=0)
    assert len(points) == len(classes) == 101
    assert all(len(p) == 2 and all(type(c) is float for c in p) for p in points)
    assert sorted(set(classes)) == [0, 1]
    assert classes.count(0) == 50 and classes.count(1) == 51


def test_make_moons_is_deterministic():
    assert al.make_moons(50, seed=3) == al.make_moons(50, seed=3)
    assert al.make_moons(50, seed=3) != al.make_moons(50, seed=4)


def test_make_moons_without_noise_lies_on_the_half_circles():
    points, classes = al.make_moons(40, noise=0.0)
    for (x, y), c in zip(points, classes):
        if c == 0:  # upper moon: the unit circle's upper half
            assert math.hypot(x, y) == pytest.approx(1.0) and y >= -1e-12
        else:  # lower moon: centred at (1, 0.5), lower half
            assert math.hypot(x - 1, y - 0.5) == pytest.approx(1.0) and y <= 0.5 + 1e-12


@pytest.mark.parametrize("n_samples", [1, 0, 2.5])
def test_make_moons_bad_size(n_samples):
    with pytest.raises(ValueError):
        al.make_moons(n_samples)
    with pytest.raises(al.DatasetError, match="n_samples must be an int >= 2"):
        al.make_moons(n_samples)


def test_make_moons_bad_noise():
    with pytest.raises(ValueError):
        al.make_moons(10, noise=-0.1)
    with pytest.raises(al.DatasetError, match="noise must be >= 0"):
        al.make_moons(10, noise=float("nan"))
    with pytest.raises(al.DatasetError, match="noise must be >= 0 and finite"):
        al.make_moons(10, noise=math.inf)
    with pytest.raises(al.ArgumentTypeError, match="noise must be a number"):
        al.make_moons(10, noise="0.1")


@pytest.mark.slow
def test_demo_training_reaches_95_percent():
    lines = []
    loss, accuracy = train_moons(report=lines.append)
    assert accuracy >= 0.95
    assert math.isfinite(loss) and loss < 0.2
    assert any("accuracy" in line for line in lines)  # progress is reported


def test_command_line_demo(tmp_path):
    output = tmp_path / "n.svg"
    result = subprocess.run(
        [sys.executable, "-m", "autograd_lite", "demo", "--steps", "3", "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "training accuracy" in result.stdout, result.stderr
    try:
        al.find_renderer()
    except al.RendererNotFoundError:
        pytest.skip("no Graphviz renderer (pip install graphviz-pure): the SVG is not drawn")
    assert result.returncode == 0, result.stdout + result.stderr
    svg = output.read_text()
    assert "<svg" in svg
    assert "x0" in svg and "x1" in svg  # the neuron's labelled inputs

"""The demo and the command line: two-moons data, training to at least 95% accuracy, the
pictures it writes, its options, and copying the notebooks."""

import contextlib
import functools
import io
import json
import math
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from messages import raises_naming

import autograd_lite as al
from autograd_lite import __main__ as command_line
from autograd_lite import demo
from autograd_lite.charts import CLASS_COLOURS, decision_boundary_svg, loss_curve_svg
from autograd_lite.demo import progress_printer, train_moons
from autograd_lite.shipped_notebooks import copy_notebooks, notebook_folder

SVG = "{http://www.w3.org/2000/svg}"
REPOSITORY_NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


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
    with raises_naming(al.DatasetError, "make_moons", "n_samples", "int >= 2", str(n_samples)):
        al.make_moons(n_samples)


def test_make_moons_bad_noise():
    with pytest.raises(ValueError):
        al.make_moons(10, noise=-0.1)
    with raises_naming(al.DatasetError, "make_moons", "noise", ">= 0", "nan"):
        al.make_moons(10, noise=float("nan"))
    with raises_naming(al.DatasetError, "make_moons", "noise", "finite", "inf"):
        al.make_moons(10, noise=math.inf)
    with raises_naming(al.ArgumentTypeError, "make_moons", "noise", "number", "str '0.1'"):
        al.make_moons(10, noise="0.1")


@pytest.mark.slow
def test_demo_training_reaches_95_percent():
    steps = []
    training = train_moons(progress=lambda *numbers: steps.append(numbers))
    assert len(training.losses) == len(training.accuracies) == 101  # before each step, and after
    assert training.accuracies[-1] >= 0.95
    assert math.isfinite(training.losses[-1]) and training.losses[-1] < 0.2
    assert training.losses[-1] < training.losses[0] / 10
    assert [s[0] for s in steps] == list(range(101))
    assert steps[-1] == (100, 100, training.losses[-1], training.accuracies[-1])


@functools.cache
def untrained_loss_and_accuracy(seed=0):
    """micrograd's loss of the freshly built demo network, computed here with plain floats."""
    points, classes = al.make_moons(100, noise=0.1, seed=seed)
    model = al.nn.MLP(2, [16, 16, 1], activation="relu", rng=seed)
    scores = [model(p).data for p in points]
    labels = [2 * c - 1 for c in classes]
    hinge = sum(max(0.0, 1 - y * s) for s, y in zip(scores, labels)) / len(labels)
    penalty = 1e-4 * sum(p.data**2 for p in model.parameters())
    accuracy = sum((s > 0) == (y > 0) for s, y in zip(scores, labels)) / len(labels)
    return hinge + penalty, accuracy


def test_zero_steps_evaluates_the_untrained_model():
    training = train_moons(steps=0)  # issue 10: raised UnboundLocalError
    loss, accuracy = untrained_loss_and_accuracy()
    assert training.losses == [pytest.approx(loss, rel=1e-12)]
    assert training.accuracies == [accuracy]


def test_one_step_is_one_sgd_update_with_the_scheduled_rate():
    training = train_moons(steps=1)
    model = al.nn.MLP(2, [16, 16, 1], activation="relu", rng=0)
    points, classes = al.make_moons(100, noise=0.1, seed=0)
    parameters = model.parameters()
    loss = al.nn.hinge_loss([model(p) for p in points], [2 * c - 1 for c in classes])
    (loss + 1e-4 * sum(p * p for p in parameters)).backward()
    expected = [p.data - 0.1 * p.grad for p in parameters]  # lr 1 - 0.9 * 1/1
    assert [p.data for p in training.model.parameters()] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("steps", [-1, 2.5, "3"])
def test_bad_step_counts(steps):
    with raises_naming(al.ModelError, "training steps", "int >= 0", repr(steps)):
        train_moons(steps=steps)


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_on_a_terminal_is_one_line_redrawn_in_place():
    stream = Terminal()
    show = progress_printer(stream, width=10)
    for step in range(5):
        show(step, 4, 1.0 / (step + 1), step / 4)
    text = stream.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")
    frames = text.rstrip("\n").split("\r")[1:]
    assert len(frames) == 5
    assert frames[0] == "[----------] step 0/4  loss 1.0000  accuracy 0%"
    assert frames[2] == "[#####-----] step 2/4  loss 0.3333  accuracy 50%"
    assert frames[4] == "[##########] step 4/4  loss 0.2000  accuracy 100%"


def test_progress_elsewhere_is_plain_lines():
    stream = io.StringIO()
    show = progress_printer(stream, every=10)
    for step in range(26):
        show(step, 25, 0.5, 0.75)
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert [line.split()[1] for line in lines] == ["0/25", "10/25", "20/25", "25/25"]
    assert lines[-1] == "step 25/25  loss 0.5000  accuracy 75%"


# ---------------------------------------------------------------------------
# The pictures


def parse_svg(text):
    root = ElementTree.fromstring(text)  # raises if the SVG is not well-formed XML
    assert root.tag == SVG + "svg"
    return root


def affine_fit(inputs, outputs):
    """Slope and intercept through the first and last pair; every pair must lie on the line."""
    slope = (outputs[-1] - outputs[0]) / (inputs[-1] - inputs[0])
    intercept = outputs[0] - slope * inputs[0]
    for x, y in zip(inputs, outputs):
        assert y == pytest.approx(slope * x + intercept, abs=0.01)
    return slope, intercept


def test_decision_boundary_draws_every_point_where_it_is():
    points, classes = al.make_moons(60, noise=0.2, seed=5)
    svg = parse_svg(decision_boundary_svg(lambda p: p[0] - p[1], points, classes, resolution=8))
    circles = svg.findall(f"{SVG}circle")
    assert len(circles) == 60
    for circle, (x, y), c in zip(circles, points, classes):
        assert circle.get("fill") == CLASS_COLOURS[c]
        assert circle.find(f"{SVG}title").text == f"({x:.3f}, {y:.3f}): class {c}"
    cx = [float(c.get("cx")) for c in circles]
    cy = [float(c.get("cy")) for c in circles]
    order_x = sorted(range(60), key=lambda i: points[i][0])
    order_y = sorted(range(60), key=lambda i: points[i][1])
    x_slope, _ = affine_fit([points[i][0] for i in order_x], [cx[i] for i in order_x])
    y_slope, _ = affine_fit([points[i][1] for i in order_y], [cy[i] for i in order_y])
    assert x_slope > 0 > y_slope  # y grows upwards on the page


def test_the_demos_compiled_scorer_gives_the_models_scores_and_the_same_picture():
    """The demo scores the boundary's 900 points with the model compiled once (it built a
    graph per point: 0.4 s of the demo's 0.6 s with 2 steps); its numbers must be the
    model's, to the last bit, and so must the picture."""
    training = demo.train_moons(0)
    score = demo.scorer(training.model)
    for point in [[0.0, 0.0], [1.5, -0.25], [-1.0, 0.75], *training.points[:5]]:
        assert score(point) == training.model(point).data
    points, classes = training.points[:20], training.classes[:20]
    assert decision_boundary_svg(score, points, classes, resolution=6) == decision_boundary_svg(
        training.model, points, classes, resolution=6
    )
    with raises_naming(al.ModelError, "one score", "2"):
        demo.scorer(al.nn.MLP(2, [3, 2], rng=0))


def test_decision_boundary_has_a_legend_naming_each_class_colour():
    points, classes = al.make_moons(10, noise=0.2, seed=5)
    svg = parse_svg(decision_boundary_svg(lambda p: p[0] - p[1], points, classes, resolution=4))
    entries = [g for g in svg.findall(f"{SVG}g") if g.get("class") == "legend"]
    assert [e.find(f"{SVG}text").text for e in entries] == ["class 0", "class 1"]
    assert [e.find(f"{SVG}circle").get("fill") for e in entries] == list(CLASS_COLOURS)


def test_decision_boundary_colours_each_cell_by_the_models_prediction():
    points, classes = al.make_moons(60, noise=0.2, seed=5)
    svg = parse_svg(decision_boundary_svg(lambda p: p[0] - p[1], points, classes, resolution=8))
    circles = svg.findall(f"{SVG}circle")
    # Invert the page mapping from the drawn points, then check each cell's centre.
    ends = [min(range(60), key=lambda i: points[i][0]), max(range(60), key=lambda i: points[i][0])]
    x_map = affine_fit([points[i][0] for i in ends], [float(circles[i].get("cx")) for i in ends])
    ends = [min(range(60), key=lambda i: points[i][1]), max(range(60), key=lambda i: points[i][1])]
    y_map = affine_fit([points[i][1] for i in ends], [float(circles[i].get("cy")) for i in ends])
    cells = [r for r in svg.findall(f"{SVG}rect") if r.get("fill") in CLASS_COLOURS]
    assert len(cells) == 64
    for cell in cells:
        centre_x = float(cell.get("x")) + float(cell.get("width")) / 2
        centre_y = float(cell.get("y")) + float(cell.get("height")) / 2
        x = (centre_x - x_map[1]) / x_map[0]
        y = (centre_y - y_map[1]) / y_map[0]
        assert cell.get("fill") == CLASS_COLOURS[x - y > 0]
        assert float(cell.get("fill-opacity")) == pytest.approx(
            0.1 + 0.4 * abs(math.tanh(x - y)), abs=0.002
        )


def test_loss_curve_has_one_corner_per_loss_at_its_height():
    losses = [0.9, 0.5, 0.52, 0.2, 0.1, 0.05]
    svg = parse_svg(loss_curve_svg(losses))
    (line,) = svg.findall(f"{SVG}polyline")
    corners = [tuple(map(float, corner.split(","))) for corner in line.get("points").split()]
    assert len(corners) == len(losses)
    affine_fit(list(range(len(losses))), [x for x, _ in corners])
    slope, _ = affine_fit(losses, [y for _, y in corners])
    assert slope < 0  # a larger loss is drawn higher
    assert "0.9" in [t.text for t in svg.findall(f"{SVG}text")]  # the axis goes up to the largest


def test_loss_curve_with_negative_losses_stays_in_its_frame():
    svg = parse_svg(loss_curve_svg([-1.0, -3.0]))
    heights = [float(c.split(",")[1]) for c in svg.find(f"{SVG}polyline").get("points").split()]
    assert heights == [
        pytest.approx(40 + 400 / 3, abs=0.005),
        440.0,
    ]  # -1 a third down from 0, -3 at the bottom


def test_loss_curve_of_a_single_loss():
    svg = parse_svg(loss_curve_svg([0.75]))
    (marker,) = svg.findall(f"{SVG}circle")
    assert marker.find(f"{SVG}title").text == "final loss 0.7500"


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: loss_curve_svg([]), al.ShapeError),
        (lambda: decision_boundary_svg(float, [[0.0, 1.0]], []), al.ShapeError),
        (lambda: decision_boundary_svg(float, [[0.0, 1.0]], [1], resolution=0), al.DrawError),
        (lambda: decision_boundary_svg(sum, [[0.0, 1.0], [1.0, 0.0]], [1, -1]), al.DrawError),
        (lambda: decision_boundary_svg(list, [[0.0, 1.0]], [1]), al.ArgumentTypeError),
        (lambda: loss_curve_svg([1.0, math.nan]), al.DrawError),
    ],
)
def test_pictures_refuse_what_they_cannot_draw(call, error):
    with pytest.raises(error):
        call()


# ---------------------------------------------------------------------------
# The command line


def run_command(*arguments, cwd=None):
    """`autograd-lite ARGUMENTS` in the folder `cwd`, run in this process (a new Python for
    each command made these tests the slowest of the quick suite): its exit code and output."""
    stdout, stderr = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = command_line.main(list(arguments))
            except SystemExit as exit_:
                code = exit_.code
    finally:
        os.chdir(previous)
    return subprocess.CompletedProcess(arguments, code, stdout.getvalue(), stderr.getvalue())


def run_program(*arguments, cwd=None):
    """`python -m autograd_lite ARGUMENTS` in a new Python, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "autograd_lite", *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
    )


def test_python_dash_m_runs_the_command_line():
    result = run_program("--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout == run_command("--help").stdout


def test_help_lists_every_command():
    result = run_command("--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: autograd-lite")
    for command in ("demo", "notebooks"):
        assert f"    {command} " in result.stdout or f"    {command}\n" in result.stdout
    without_command = run_command()
    assert without_command.returncode == 2
    assert without_command.stdout == result.stdout


def test_demo_help_lists_every_option_with_its_default(capsys):
    with pytest.raises(SystemExit) as exit_:
        command_line.main(["demo", "--help"])
    assert exit_.value.code == 0
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    for option, default in [
        ("--steps", "100"),
        ("--seed", "0"),
        ("--output", "neuron.svg"),
        ("--boundary", "boundary.svg"),
        ("--loss-curve", "loss_curve.svg"),
    ]:
        assert option in text
        assert f"(default: {default})" in text
    assert "train_spirals" not in text  # a Python function, not something this command does


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--output", "neuron.txt"], "cannot write 'neuron.txt'; use a .svg, .png or .dot file"),
        (["--output", "missing/neuron.svg"], "the folder 'missing' does not exist"),
        (["--boundary", "boundary.png"], "boundary.png': give a file name ending in .svg"),
        (["--loss-curve", "missing/loss.svg"], "the folder 'missing' does not exist"),
        (["--steps", "-3"], "training steps must be an int >= 0, got -3"),
        (["--steps", "many"], "invalid int value: 'many'"),
    ],
)
def test_bad_demo_options_fail_before_training(arguments, message, monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    trained = []
    monkeypatch.setattr(demo, "train_moons", lambda *args: trained.append(args))
    with pytest.raises(SystemExit) as exit_:
        command_line.main(["demo", *arguments])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
    assert trained == []  # issue 10: a bad --output suffix was reported only after training
    assert list(tmp_path.iterdir()) == []  # and nothing was drawn


def test_command_line_demo_writes_three_pictures(tmp_path):
    result = run_command("demo", "--steps", "1", cwd=tmp_path)
    assert "training accuracy" in result.stdout, result.stderr
    boundary = parse_svg((tmp_path / "boundary.svg").read_text())
    assert len(boundary.findall(f"{SVG}circle")) == 100
    (line,) = parse_svg((tmp_path / "loss_curve.svg").read_text()).findall(f"{SVG}polyline")
    assert len(line.get("points").split()) == 2  # the loss before the one step, and after
    try:
        al.find_renderer()
    except al.RendererNotFoundError:
        pytest.skip("no Graphviz renderer (pip install graphviz-pure): the neuron is not drawn")
    assert result.returncode == 0, result.stdout + result.stderr
    neuron = (tmp_path / "neuron.svg").read_text()
    assert "<svg" in neuron
    assert "x0" in neuron and "x1" in neuron  # the neuron's labelled inputs


def test_command_line_demo_with_zero_steps(tmp_path):
    result = run_command("demo", "--steps", "0", "--output", "n.dot", cwd=tmp_path)
    assert result.returncode == 0, result.stderr  # issue 10: UnboundLocalError
    loss, accuracy = untrained_loss_and_accuracy()
    assert f"final loss {loss:.4f}, training accuracy {accuracy:.1%}" in result.stdout
    svg = parse_svg((tmp_path / "loss_curve.svg").read_text())
    assert len(svg.find(f"{SVG}polyline").get("points").split()) == 1


# ---------------------------------------------------------------------------
# Copying the notebooks


def test_the_shipped_notebooks_are_the_repositorys():
    assert sorted(p.name for p in notebook_folder().glob("*.ipynb")) == [
        p.name for p in REPOSITORY_NOTEBOOKS
    ]


def test_notebooks_command_copies_every_notebook(tmp_path):
    target = tmp_path / "learn"
    result = run_command("notebooks", str(target))
    assert result.returncode == 0, result.stderr
    assert f"copied {len(REPOSITORY_NOTEBOOKS)} notebooks into {target}" in result.stdout
    for source in REPOSITORY_NOTEBOOKS:
        assert (target / source.name).read_bytes() == source.read_bytes()
        json.loads((target / source.name).read_text())
    again = run_command("notebooks", str(target))
    assert again.returncode == 0 and "copied 0 notebooks" in again.stdout


def test_notebooks_command_default_folder(tmp_path):
    assert run_command("notebooks", cwd=tmp_path).returncode == 0
    copied = sorted(p.name for p in (tmp_path / "autograd_lite_notebooks").iterdir())
    assert copied == [p.name for p in REPOSITORY_NOTEBOOKS]


def test_changed_copies_are_kept_unless_forced(tmp_path):
    copy_notebooks(tmp_path)
    first, second = (tmp_path / p.name for p in REPOSITORY_NOTEBOOKS[:2])
    first.write_text("my notes")
    second.unlink()
    result = run_command("notebooks", str(tmp_path))
    assert result.returncode == 1
    assert f"changed copies of {first.name}; nothing was copied" in result.stderr
    assert "--force" in result.stderr
    assert first.read_text() == "my notes" and not second.exists()
    with pytest.raises(al.errors.ChangedFilesError):
        copy_notebooks(tmp_path)
    with pytest.raises(FileExistsError):
        copy_notebooks(tmp_path)
    forced = run_command("notebooks", str(tmp_path), "--force")
    assert forced.returncode == 0 and "copied 2 notebooks" in forced.stdout
    assert first.read_bytes() == REPOSITORY_NOTEBOOKS[0].read_bytes()
    assert second.read_bytes() == REPOSITORY_NOTEBOOKS[1].read_bytes()


def test_notebooks_command_into_a_file_says_so(tmp_path):
    (tmp_path / "taken").write_text("")
    result = run_command("notebooks", str(tmp_path / "taken"))
    assert result.returncode == 1
    assert (
        result.stderr.startswith("autograd-lite notebooks: ") and "Traceback" not in result.stderr
    )
    assert "is a file, not a folder" in result.stderr and "Errno" not in result.stderr
    with raises_naming(al.errors.ChangedFilesError, str(tmp_path / "taken"), "file", "folder"):
        copy_notebooks(tmp_path / "taken")
    assert (tmp_path / "taken").read_text() == ""


def test_notebooks_command_names_the_folder_it_copied_into(tmp_path):
    result = run_command("notebooks", "", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"copied {len(REPOSITORY_NOTEBOOKS)} notebooks into .;")
    assert "`jupyter lab .`" in result.stdout


def test_notebooks_command_counts_in_words(tmp_path):
    copy_notebooks(tmp_path)
    (tmp_path / REPOSITORY_NOTEBOOKS[0].name).unlink()
    result = run_command("notebooks", str(tmp_path))
    assert result.returncode == 0 and result.stdout.startswith("copied 1 notebook into ")
    again = run_command("notebooks", str(tmp_path))
    assert again.stdout.startswith(
        f"copied 0 notebooks into {tmp_path}: the {len(REPOSITORY_NOTEBOOKS)} there are up to date"
    )

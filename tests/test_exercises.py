"""The exercises are answerable: the hidden answers (only here) are graded correct, and typical
slips are graded wrong with their names."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest
from messages import raises_naming

import autograd_lite as al
from autograd_lite.derivations import Derivation, hadamard, matvec, outer, transpose
from autograd_lite.derivations.exercises import DRAWS, EXERCISES, grade


def sigmoid_prime(a):
    return [x * (1 - x) for x in a]


def answer_1(q):
    return (q["z0"] - q["z0_desired"]) * q["z0"] * (1 - q["z0"]) * q["y1"]


def answer_2(q):
    via_z0 = (q["z0"] - q["z0_desired"]) * q["z0"] * (1 - q["z0"]) * q["w110"]
    via_z1 = (q["z1"] - q["z1_desired"]) * q["z1"] * (1 - q["z1"]) * q["w111"]
    return (via_z0 + via_z1) * q["y1"] * (1 - q["y1"]) * q["x1"]


def d_delta(q):
    delta2 = hadamard([a - y for a, y in zip(q.a[2], q.y)], sigmoid_prime(q.a[2]))
    delta1 = hadamard(matvec(transpose(q.w[2]), delta2), sigmoid_prime(q.a[1]))
    return delta1, delta2


def answer_3(q):
    return d_delta(q)[0][2]


def answer_4(q):
    return outer(d_delta(q)[1], q.a[1])


def b_sample(q):
    a = q.a[3][1]
    return 2 * (a - q.y[1]) * a * (1 - a) * q.a[2][2]


def answer_5(qs):
    return sum(map(b_sample, qs)) / len(qs)


def answer_6(q):
    delta3 = hadamard([x - t for x, t in zip(q.a[3], q.y)], sigmoid_prime(q.a[3]))
    delta2 = hadamard(matvec(transpose(q.w[3]), delta3), sigmoid_prime(q.a[2]))
    return outer(delta2, q.a[1])


ANSWERS = {1: answer_1, 2: answer_2, 3: answer_3, 4: answer_4, 5: answer_5, 6: answer_6}


def test_every_exercise_has_a_hidden_answer_that_is_graded_correct(capsys):
    assert sorted(ANSWERS) == sorted(EXERCISES)
    for number, answer in ANSWERS.items():
        verdict = grade(number, answer)  # fresh random draws each run
        assert verdict.agrees and verdict.draws == DRAWS, number
        assert capsys.readouterr().out == f"exercise {number}: correct (on all {DRAWS} networks)\n"


def test_typical_slips_are_graded_wrong_and_named(capsys):
    assert grade(1, lambda q: -answer_1(q), seed=1).patterns == ("sign",)
    assert grade(2, lambda q: 2 * answer_2(q), seed=1).patterns == ("factor 2",)
    assert grade(5, lambda qs: sum(map(b_sample, qs)), seed=1).patterns == ("1/N",)
    assert grade(4, lambda q: [[0.0] * 4] * 2, seed=1).patterns == ("zero",)
    out = capsys.readouterr().out
    assert "exercise 1: not yet: sign:" in out and "exercise 5: not yet: 1/N:" in out
    with raises_naming(al.DerivationKeyError, "exercise 9", "1, 2, 3, 4, 5, 6"):
        grade(9, answer_1)
    with raises_naming(al.DerivationKeyError, "exercise True", "1, 2, 3, 4, 5, 6"):
        grade(True, answer_1)  # True == 1 as a dict key, but it is not an exercise number
    with raises_naming(al.DerivationKeyError, "exercise 1.0", "1, 2, 3, 4, 5, 6"):
        grade(1.0, answer_1)


def test_a_constant_answer_fails_every_exercise_and_is_named():
    """Graded at one fixed point, a not-yet verdict showed engine_values; returning them
    passed all six exercises. Several draws give a copied number away."""
    for number, answer in ANSWERS.items():
        exercise = EXERCISES[number]
        published = exercise.network()
        copied = answer(
            [published.quantities(i) for i in range(published.batch_size)]
            if exercise.over_batch
            else published.quantities()
        )
        verdict = grade(number, lambda q, copied=copied: copied, seed=2)
        assert not verdict.agrees and verdict.patterns == ("constant",), number
        assert "same numbers" in verdict.advice
        assert verdict.wrong_draws == DRAWS - 1  # right on the published network only


def engine_answer(number):
    """A formula that rebuilds the network from q and asks backward() for the gradient."""
    exercise = EXERCISES[number]
    published = exercise.network()
    activations = [layer.neurons[0].activation for layer in published.mlp.layers]
    cost_of = getattr(al.nn, published.loss)

    def ask(q):
        samples = q if exercise.over_batch else [q]
        first = samples[0]
        layers = range(1, first.L + 1)
        biases = None if first.b[1] is None else [first.b[n] for n in layers]
        mlp = al.nn.MLP.from_weights(
            [first.w[n] for n in layers], biases, activations[:-1], activations[-1]
        )
        cost = sum(cost_of(mlp(s.x), s.y) for s in samples) / len(samples)
        cost.backward()
        if exercise.target.startswith("W"):
            return [[w.grad for w in n.w] for n in mlp.layers[int(exercise.target[1:]) - 1].neurons]
        names = Derivation(mlp, first.x, first.y, published.loss, aliases=published.aliases)
        return names.parameter(exercise.target).grad

    return ask


def test_an_answer_that_asks_the_engine_fails_every_exercise_and_is_named():
    """The engine inside the formula (the network rebuilt from q, then backward()) gave the
    right numbers on every draw."""
    for number in EXERCISES:
        verdict = grade(number, engine_answer(number), seed=3)
        assert not verdict.agrees and verdict.patterns == ("asks the engine",), number
        assert "derive the gradient" in verdict.advice


def test_numpy_answers_are_graded_by_their_shape():
    np = pytest.importorskip("numpy")

    def numpy_4(q):
        a2, a1 = np.array(q.a[2]), np.array(q.a[1])
        delta2 = (a2 - np.array(q.y)) * a2 * (1 - a2)
        return np.outer(delta2, a1)

    def numpy_6(q):
        x3, x2, x1 = (np.array(q.a[n]) for n in (3, 2, 1))
        delta3 = (x3 - np.array(q.y)) * x3 * (1 - x3)
        delta2 = (np.array(q.w[3]).T @ delta3) * x2 * (1 - x2)
        return delta2[:, None] @ x1[None, :]

    assert grade(4, numpy_4, seed=4).agrees
    assert grade(6, numpy_6, seed=4).agrees
    assert grade(1, lambda q: np.float64(answer_1(q)), seed=4).agrees
    assert grade(3, lambda q: np.array(answer_3(q)), seed=4).agrees


def test_a_transposed_answer_is_not_yet_with_the_shape_explained():
    """A 4x2 answer for the 2x4 dC/dW2 raised ShapeError out of grade()."""
    verdict = grade(4, lambda q: transpose(answer_4(q)), seed=5)
    assert not verdict.agrees
    assert "4x2" in verdict.advice and "2x4" in verdict.advice
    assert verdict.patterns == ("W vs W^T",)
    ragged = grade(4, lambda q: [[0.0] * 3] * 2, seed=5)
    assert ragged.patterns == ("shape",) and "2x3" in ragged.advice and "2x4" in ragged.advice


def test_a_verdict_shows_no_gradient_numbers():
    verdict = grade(1, lambda q: 0.5 * answer_1(q), seed=6)
    published = EXERCISES[1].network()
    gradient = published.engine_gradients()[published.parameter("w110")]
    shown = str(verdict) + repr(verdict)
    assert verdict.patterns == ("factor 1/2",)
    for digits in (f"{gradient:.3g}", f"{gradient:.4f}", f"{abs(gradient):.3g}"[:5]):
        assert digits not in shown
    assert not any(isinstance(v, float) for v in vars(verdict).values())


NOTEBOOKS = Path(__file__).parent.parent / "notebooks"


def test_notebook_02_exercise_ships_without_its_answer_and_the_answer_checks_ok(capsys):
    """Notebook 02's "write a local derivative" cell shipped its answer (the sigmoid) on the
    line the learner is told to edit. The answer lives here; the cell's check says "ok" for
    it and "NOT the derivative" for the shipped placeholder."""
    cells = json.loads((NOTEBOOKS / "02_how_gradients_flow.ipynb").read_text())["cells"]
    (cell,) = [
        "".join(c["source"]) for c in cells if "my_softplus_derivative" in "".join(c["source"])
    ]
    edit = next(line for line in cell.splitlines() if "my_softplus_derivative(x):" in line)
    placeholder = cell.split(edit + "\n")[1].splitlines()[0]
    assert placeholder.strip() == "return 0.0" and "math.exp(-x)" not in cell

    def run(source):
        exec(source, {"math": math, "al": al, "Value": al.Value})
        return capsys.readouterr().out.splitlines()

    assert all(line.endswith("NOT the derivative") for line in run(cell))
    answer = cell.replace(placeholder, "    return 1 / (1 + math.exp(-x))")
    lines = run(answer)
    assert len(lines) == 4 and all(line.endswith(" ok") for line in lines)


def test_the_w_vs_wt_explanation_names_the_exercises_neuron_and_blames_no_missing_half():
    """Notebook 16, exercise 2 (dE/dw011, about y1): the W vs W^T diagnosis spoke only of y0's
    weights, and a halved answer on network C (whose cost has the 1/2) was blamed on "a cost
    (a - y)^2 without the 1/2"."""

    def untransposed(q):  # w101 (y0 -> z1) where w110 (y1 -> z0) belongs
        via_z0 = (q["z0"] - q["z0_desired"]) * q["z0"] * (1 - q["z0"]) * q["w101"]
        via_z1 = (q["z1"] - q["z1_desired"]) * q["z1"] * (1 - q["z1"]) * q["w111"]
        return (via_z0 + via_z1) * q["y1"] * (1 - q["y1"]) * q["x1"]

    verdict = grade(2, untransposed, seed=7)
    assert verdict.patterns == ("W vs W^T",)
    assert "y1: w110, w111" in verdict.advice  # y1's weights out of it: a column of W^2
    halved = grade(1, lambda q: answer_1(q) / 2, seed=7)
    assert halved.patterns == ("factor 1/2",)
    assert "without the 1/2" not in halved.advice and "the cost does not have" in halved.advice


def test_an_answer_fitted_to_the_published_network_is_found_out():
    """Right on the published network, wrong elsewhere: a formula tuned to the one network
    the learner can see."""
    published_x = EXERCISES[1].network().quantities().x

    def fitted(q):
        return answer_1(q) if q.x == published_x else 1.3 * answer_1(q) + 0.01

    verdict = grade(1, fitted, seed=8)
    assert not verdict.agrees and verdict.wrong_draws == DRAWS - 1
    assert "right on the published network only" in verdict.advice


def test_grading_leaves_a_users_profiler_in_place():
    """One profile hook per thread: grade() watches for engine walks only when it is free, and
    hands it back as it found it."""
    calls = []

    def users_profiler(frame, event, arg):
        calls.append(event)

    sys.setprofile(users_profiler)
    try:
        verdict = grade(1, answer_1, seed=9)
    finally:
        hook = sys.getprofile()
        sys.setprofile(None)
    assert hook is users_profiler and calls and verdict.agrees
    assert sys.getprofile() is None
    grade(1, answer_1, seed=9)
    assert sys.getprofile() is None


def test_numpy_numbers_and_bad_arguments_to_grade():
    """QA: grade(np.int64(1), ...) said "no exercise np.int64(1)"; grade(1, f, seed=np.int64(3))
    raised random's raw TypeError and grade(1, 0.5) "'float' object is not callable". A NumPy
    whole number now names the exercise and the seed (the same draws as the int), and a
    formula that is no function or a seed that is no whole number raise DerivationTypeError."""
    import numpy as np

    by_int = grade(1, answer_1, seed=3)
    by_numpy = grade(np.int64(1), answer_1, seed=np.int64(3))
    assert by_int == by_numpy and by_numpy.agrees and by_numpy.exercise == 1
    assert grade(2, lambda q: 0.0, seed=np.int32(5)) == grade(2, lambda q: 0.0, seed=5)
    with raises_naming(al.DerivationTypeError, "formula", "function", "lambda q", "float 0.5"):
        grade(1, 0.5)
    for seed in (float("nan"), 1.5, True, "abc"):
        with raises_naming(al.DerivationTypeError, "seed", "whole number", repr(seed)):
            grade(1, answer_1, seed=seed)
    for number in (True, 1.0, "1"):
        with raises_naming(al.DerivationKeyError, f"exercise {number!r}", "1, 2, 3, 4, 5, 6"):
            grade(number, answer_1)


def test_an_answer_that_gives_nan_is_not_called_a_shape_slip():
    """QA: grade(1, lambda q: float("nan")) reported the pattern ('shape',) with advice about a
    nan: the pattern named a slip the learner did not make. It is ('not finite',) now, and a
    result of the wrong shape stays ('shape',)."""
    nan = grade(1, lambda q: float("nan"))
    assert not nan.agrees and nan.patterns == ("not finite",) and "nan" in nan.advice
    shaped = grade(1, lambda q: [0.0, 0.0])
    assert not shaped.agrees and shaped.patterns == ("shape",)

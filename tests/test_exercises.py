"""The exercises are answerable: the hidden answers (only here) are graded correct, and typical
slips are graded wrong with their names."""

from __future__ import annotations

import pytest

import autograd_lite as al
from autograd_lite.derivations import hadamard, matvec, outer, transpose
from autograd_lite.derivations.exercises import EXERCISES, grade


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
        assert grade(number, answer).agrees, number
        assert capsys.readouterr().out == f"exercise {number}: correct\n"


def test_typical_slips_are_graded_wrong_and_named(capsys):
    assert grade(1, lambda q: -answer_1(q)).patterns == ("sign",)
    assert grade(2, lambda q: 2 * answer_2(q)).patterns == ("factor 2",)
    assert grade(5, lambda qs: sum(map(b_sample, qs))).patterns == ("1/N",)
    assert grade(4, lambda q: [[0.0] * 4] * 2).patterns == ("zero",)
    out = capsys.readouterr().out
    assert "exercise 1: not yet (sign:" in out and "exercise 5: not yet (1/N:" in out
    assert grade(4, lambda q: outer(q.a[1], d_delta(q)[1])).patterns == ("W vs W^T",)
    with pytest.raises(al.DerivationKeyError, match="no exercise 9"):
        grade(9, answer_1)
    with pytest.raises(al.DerivationKeyError, match="no exercise True"):
        grade(True, answer_1)  # True == 1 as a dict key, but it is not an exercise number
    with pytest.raises(al.DerivationKeyError, match=r"no exercise 1\.0"):
        grade(1.0, answer_1)

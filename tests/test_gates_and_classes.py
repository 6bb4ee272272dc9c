"""max and min route the gradient; per-layer activations, softmax and cross-entropy over
classes, by hand, by finite differences, and against PyTorch float64 when it is installed."""

from __future__ import annotations

import math
import random

import pytest

import autograd_lite as al
from autograd_lite import Value, nn


def test_max_and_min_route_the_whole_gradient_to_one_operand():
    a, b = Value(2.0, "a"), Value(-1.0, "b")
    out = al.max(a, b) * 3 + al.min(a, b) * 5
    out.backward()
    assert out.data == 2.0 * 3 + -1.0 * 5
    assert (a.grad, b.grad) == (3.0, 5.0)  # max sends its 3 to a, min its 5 to b
    assert a.max(b).data == 2.0 and a.min(b).data == -1.0
    assert al.max(1.5, 2.5) == 2.5 and al.min(1.5, 2.5) == 1.5  # numbers in, a number out
    assert al.max(a, 7).data == 7 and al.max(7, a).op == "max"


def test_a_tie_sends_everything_to_the_first_operand():
    a, b = Value(1.0), Value(1.0)
    al.max(a, b).backward()
    assert (a.grad, b.grad) == (1.0, 0.0)
    c, d = Value(1.0), Value(1.0)
    al.min(c, d).backward()
    assert (c.grad, d.grad) == (1.0, 0.0)


def test_max_min_gradients_match_finite_differences_off_ties():
    rng = random.Random(3)
    h = 1e-6
    for _ in range(20):
        x, y = rng.uniform(-2, 2), rng.uniform(-2, 2)
        if abs(x - y) < 1e-3:
            continue
        for f in (al.max, al.min):
            a, b = Value(x), Value(y)
            out = f(a * a, b.tanh())
            out.backward()
            fd_a = (f((x + h) ** 2, math.tanh(y)) - f((x - h) ** 2, math.tanh(y))) / (2 * h)
            fd_b = (f(x * x, math.tanh(y + h)) - f(x * x, math.tanh(y - h))) / (2 * h)
            assert a.grad == pytest.approx(fd_a, rel=1e-6, abs=1e-8)
            assert b.grad == pytest.approx(fd_b, rel=1e-6, abs=1e-8)


def test_per_layer_activations_agree_with_the_equations_and_finite_differences():
    mlp = nn.MLP(3, [4, 3, 2], activation=["tanh", "relu"], output_activation="sigmoid", rng=4)
    derivation = al.derivations.Derivation(mlp, [0.3, -0.8, 0.5], [1.0, 0.0])
    table = derivation.compare()
    assert table.max_equations_error < 1e-12
    assert table.max_finite_difference_error < 1e-6


# ---------------------------------------------------------------------------
# Against PyTorch float64


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch", reason="pip install torch to compare with PyTorch")


def test_max_min_and_cross_entropy_match_torch(torch):
    rng = random.Random(8)
    for _ in range(10):
        values = [rng.uniform(-3, 3) for _ in range(4)]
        ours = [Value(v) for v in values]
        theirs = torch.tensor(values, dtype=torch.float64, requires_grad=True)
        loss = nn.cross_entropy([al.max(ours[0], ours[1]), al.min(ours[2], ours[3]), ours[1]], 0)
        logits = torch.stack(
            [torch.maximum(theirs[0], theirs[1]), torch.minimum(theirs[2], theirs[3]), theirs[1]]
        )
        torch_loss = torch.nn.functional.cross_entropy(logits[None], torch.tensor([0]))
        loss.backward()
        torch_loss.backward()
        assert loss.data == pytest.approx(torch_loss.item(), rel=1e-13)
        assert [v.grad for v in ours] == pytest.approx(theirs.grad.tolist(), rel=1e-12, abs=1e-15)


def test_softmax_matches_torch(torch):
    values = [0.5, -2.0, 3.0, 1.0]
    ours = [Value(v) for v in values]
    theirs = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    weights = [0.3, -1.0, 2.0, 0.7]
    sum(w * p for w, p in zip(weights, nn.softmax(ours))).backward()
    (torch.softmax(theirs, 0) * torch.tensor(weights, dtype=torch.float64)).sum().backward()
    assert [v.grad for v in ours] == pytest.approx(theirs.grad.tolist(), rel=1e-12, abs=1e-15)


def test_per_layer_activation_mlp_matches_torch(torch):
    mlp = nn.MLP(3, [4, 3, 2], activation=["tanh", "sigmoid"], output_activation="linear", rng=6)
    x = [0.2, -0.4, 0.9]
    nn.cross_entropy(mlp(x), 1).backward()
    t = torch.tensor(x, dtype=torch.float64)
    functions = [torch.tanh, torch.sigmoid, lambda z: z]
    tensors = []
    for layer, g in zip(mlp.layers, functions):
        w = torch.tensor(
            [[p.data for p in n.w] for n in layer.neurons], dtype=torch.float64, requires_grad=True
        )
        b = torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64, requires_grad=True)
        tensors.append((layer, w, b))
        t = g(w @ t + b)
    torch.nn.functional.cross_entropy(t[None], torch.tensor([1])).backward()
    for layer, w, b in tensors:
        for j, n in enumerate(layer.neurons):
            assert [p.grad for p in n.w] == pytest.approx(w.grad[j].tolist(), rel=1e-12, abs=1e-15)
            assert n.b.grad == pytest.approx(b.grad[j].item(), rel=1e-12, abs=1e-15)

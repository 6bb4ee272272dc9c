"""The benchmark's workloads compute the same loss and gradients every way (no timing here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from autograd_lite import Value

spec = importlib.util.spec_from_file_location(
    "bench", Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"
)
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


@pytest.mark.slow
def test_every_training_step_agrees_with_the_plain_float_floor():
    reference = bench.plain_float_step()()
    assert reference[0] > 0 and len(reference[1]) == 3 * 16 + 17 * 16 + 17
    for step in (
        bench.arithmetic_step(Value),
        bench.autograd_lite_mlp_step(),
        bench.compiled_mlp_step(),
    ):
        assert bench.agree(reference, step())


def test_agree_notices_a_wrong_gradient():
    loss, grads = bench.plain_float_step()()
    assert not bench.agree((loss, grads), (loss, [*grads[:-1], grads[-1] + 1e-6]))
    assert not bench.agree((loss, grads), (loss * (1 + 1e-6), grads))


def test_tree_and_chain_gradients_by_hand():
    # A chain y <- 0.9999 y + 0.0001 of 2n operations: dy/dx = 0.9999^n.
    data, (grad,) = bench.chain(Value, operations=2_000)()
    assert grad == pytest.approx(0.9999**1_000, rel=1e-12)
    assert data == pytest.approx(0.9999**1_000 + 0.0001 * sum(0.9999**k for k in range(1_000)))
    # The tree sums x_i x_(i+1): d/dx_0 = x_1, d/dx_i = x_(i-1) + x_(i+1) inside.
    total, grads = bench.tree(Value, leaves=9)()
    xs = [1.0 + (i % 7) * 0.01 for i in range(10)]
    assert total == pytest.approx(sum(xs[i] * xs[i + 1] for i in range(9)))
    assert grads[0] == pytest.approx(xs[1])
    assert grads[1:5] == pytest.approx([xs[i - 1] + xs[i + 1] for i in range(1, 5)])


def test_the_step_through_text_workload_gives_backwards_gradients():
    text, grads = bench.step_through_text(points=3)
    model = bench.benchmark_mlp()
    loss = bench.nn.mean_squared_error([model(x) for x in bench.POINTS[:3]], bench.TARGETS[:3])
    loss.backward()
    assert grads == [p.grad for p in model.parameters()]
    assert max(len(line) for line in text.splitlines()) <= 100
    # Every backward step says who sends to whom (a long header wraps inside the phrase).
    assert text.count("\nbackward ") == " ".join(text.split()).count("sends its gradient to")

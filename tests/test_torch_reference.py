"""compare(reference="torch"): PyTorch's gradients of the same network, or a clear error."""

from __future__ import annotations

import sys

import pytest

import autograd_lite as al
from autograd_lite import derivations as d
from autograd_lite import nn

BUILDERS = {
    "A": d.network_a,
    "A batch": lambda: d.network_a(batch=True),
    "B": d.network_b,
    "C": d.network_c,
    "D": d.network_d,
}


@pytest.mark.parametrize("name", BUILDERS)
def test_the_published_networks_agree_with_torch(name):
    pytest.importorskip("torch", reason="pip install torch to compare with PyTorch")
    table = BUILDERS[name]().compare(reference="torch")
    assert table.max_reference_error < 1e-12
    assert all(row.reference is not None for row in table.rows)
    assert "torch grad" in str(table) and "engine vs torch" in str(table)


@pytest.mark.parametrize(
    ("loss", "output", "targets"),
    [
        ("squared_error", "tanh", [[0.3, -0.2], [0.1, 0.4]]),
        ("mean_squared_error", "linear", [[0.3, -0.2], [0.1, 0.4]]),
        ("binary_cross_entropy", "sigmoid", [[1.0, 0.0], [0.25, 1.0]]),
        ("hinge_loss", "linear", [[1, -1], [-1, 1]]),
    ],
)
def test_every_loss_agrees_with_torch(loss, output, targets):
    pytest.importorskip("torch", reason="pip install torch to compare with PyTorch")
    mlp = nn.MLP(3, [4, 2], activation=["relu"], output_activation=output, rng=2)
    derivation = d.Derivation(mlp, [[0.5, -0.1, 0.9], [0.2, 0.8, -0.6]], targets, loss)
    assert derivation.compare(reference="torch").max_reference_error < 1e-12


def test_a_cost_of_your_own_agrees_with_torch():
    pytest.importorskip("torch", reason="pip install torch to compare with PyTorch")

    def quartic(outputs, targets):
        return sum((a - y) ** 4 for a, y in zip(outputs, targets))

    derivation = d.Derivation(d.network_d().mlp, [1.0, 0.5, -0.5], [1.0, 0.0], loss=quartic)
    assert derivation.compare(reference="torch").max_reference_error < 1e-12


def test_without_torch_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    with pytest.raises(al.MissingDependencyError, match=r'pip install "autograd-lite\[torch\]"'):
        d.network_c().compare(reference="torch")
    assert issubclass(al.MissingDependencyError, ImportError)
    with pytest.raises(al.DerivationError, match="reference must be"):
        d.network_c().compare(reference="jax")

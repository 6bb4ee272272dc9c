"""The four equations of backpropagation on one sample, and a batch's gradients.

For one sample's cost C_i, from its forward quantities (`quantities.forward`):

    (1) delta^L = dC_i/da^L ⊙ g^L'(z^L)
    (2) delta^l = ((W^{l+1})^T delta^{l+1}) ⊙ g^l'(z^l)
    (3) dC_i/db^l_j = delta^l_j
    (4) dC_i/dw^l_jk = a^{l-1}_k delta^l_j

A batch's gradient is the mean or the sum of the samples'. Each step is a method of `Rules`;
a known slip (`slips`) is a small subclass that does one step wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import DerivationIndexError, DomainError
from .losses import Loss
from .matrices import Matrix, Vector, hadamard, matvec, outer, transpose
from .quantities import LayerSnapshot, Quantities, g_prime

__all__ = [
    "CORRECT",
    "Equations",
    "Location",
    "Rules",
    "SampleEquations",
    "batch_equations",
    "gradient",
    "sample_equations",
]


@dataclass(frozen=True)
class Location:
    """Where a parameter sits: layer l (from 1), neuron j, input k (None for the bias)."""

    layer: int
    neuron: int
    input: int | None


@dataclass(frozen=True)
class SampleEquations:
    """The four equations on one sample: its quantities, dC_i/da^L, g'(z^l), delta^l, the
    per-sample gradients dC_i/dW^l = delta^l (a^{l-1})^T and dC_i/db^l = delta^l, and
    dC_i/da^l for every layer (`activation_grads`; dC_i/da^L is `output_error`)."""

    quantities: Quantities
    output_error: Vector
    g_prime: dict[int, Vector]
    delta: dict[int, Vector]
    weight_grads: dict[int, Matrix]
    bias_grads: dict[int, Vector | None]
    activation_grads: dict[int, Vector]


@dataclass(frozen=True)
class Equations:
    """Every sample's equations and the batch gradients dC/dW^l, dC/db^l: the per-sample
    gradients summed and multiplied by `batch_factor` (1/N for a mean, 1 for a sum)."""

    samples: list[SampleEquations]
    batch_factor: float
    weight_grads: dict[int, Matrix]
    bias_grads: dict[int, Vector | None]

    def delta(self, layer: int, sample: int = 0) -> Vector:
        """delta^layer on one sample."""
        if type(sample) is not int or not 0 <= sample < len(self.samples):
            raise DerivationIndexError(
                f"sample {sample!r}: there are {len(self.samples)} samples, numbered from 0"
            )
        deltas = self.samples[sample].delta
        if layer not in deltas:
            raise DerivationIndexError(f"layer {layer!r}: the layers are 1 to {len(deltas)}")
        return deltas[layer]


class Rules:
    """The steps of the equations, done right. A slip overrides one of them."""

    def output_error(self, q: Quantities, loss: Loss) -> Vector:
        """dC_i/da^L_j: the loss's rule."""
        return loss.output_error(q.a[q.L], q.y)

    def derivative(self, q: Quantities, layers: Sequence[LayerSnapshot], l: int) -> Vector:  # noqa: E741
        """g^l'(z^l), the engine's rule at each neuron's z and a = g(z)."""
        return [g_prime(n, z, a) for n, z, a in zip(layers[l - 1].activations, q.z[l], q.a[l])]

    def upstream(self, q: Quantities, delta: dict[int, Vector], l: int) -> Vector:  # noqa: E741
        """dC_i/da^l = (W^{l+1})^T delta^{l+1}: the sum over the paths through layer l + 1."""
        return matvec(transpose(q.w[l + 1]), delta[l + 1])

    def weight_gradient(self, delta: Vector, incoming: Vector) -> Matrix:
        """(4) dC_i/dW^l = delta^l (a^{l-1})^T."""
        return outer(delta, incoming)


CORRECT = Rules()


def sample_equations(
    layers: Sequence[LayerSnapshot], q: Quantities, loss: Loss, rules: Rules = CORRECT
) -> SampleEquations:
    """Equations (1)-(4) on one sample, each step done by `rules`."""
    L = q.L
    if not all(loss.predicts(a) for a in q.a[L]):
        raise DomainError(
            f"{loss.name} needs {loss.predictions}, got {q.a[L]}; use output_activation='sigmoid'"
        )
    output_error = rules.output_error(q, loss)
    derivatives = {n: rules.derivative(q, layers, n) for n in range(1, L + 1)}
    upstream = {L: output_error}
    delta = {L: hadamard(output_error, derivatives[L])}  # (1)
    for l in range(L - 1, 0, -1):  # noqa: E741
        upstream[l] = rules.upstream(q, delta, l)
        delta[l] = hadamard(upstream[l], derivatives[l])  # (2)
    bias_grads = {n: None if q.b[n] is None else list(delta[n]) for n in delta}  # (3)
    weight_grads = {n: rules.weight_gradient(delta[n], q.a[n - 1]) for n in delta}  # (4)
    return SampleEquations(q, output_error, derivatives, delta, weight_grads, bias_grads, upstream)


def batch_equations(samples: list[SampleEquations], factor: float) -> Equations:
    """The batch gradients: `factor` times the sum of the samples' gradients."""
    layers = range(1, samples[0].quantities.L + 1)
    weight_grads = {
        n: [
            [factor * sum(column) for column in zip(*rows)]
            for rows in zip(*(s.weight_grads[n] for s in samples))
        ]
        for n in layers
    }
    bias_grads: dict[int, Vector | None] = {
        n: None
        if samples[0].bias_grads[n] is None
        else [factor * sum(column) for column in zip(*(s.delta[n] for s in samples))]
        for n in layers
    }
    return Equations(samples, factor, weight_grads, bias_grads)


def gradient(equations: Equations | SampleEquations, location: Location) -> float:
    """The equations' gradient for the parameter at `location`."""
    if location.input is None:
        biases = equations.bias_grads[location.layer]
        assert biases is not None  # a bias sits there, so its layer has biases
        return biases[location.neuron]
    return equations.weight_grads[location.layer][location.neuron][location.input]

"""One sample's forward pass in floats, from a snapshot of a network's weights.

For one sample x (a^0 = x), layer l computes z^l_j = sum_k w^l_jk a^{l-1}_k (+ b^l_j) and
a^l_j = g^l(z^l_j). The activations g and their derivatives g' are the engine's own rules,
evaluated on floats.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine import OPS, Op, dot
from ..errors import DerivationIndexError, DerivationKeyError
from ..nn import ACTIVATIONS, MLP
from ..symbolic import Symbol
from .matrices import Matrix, Vector

__all__ = [
    "LayerSnapshot",
    "Quantities",
    "forward",
    "g",
    "g_prime",
    "g_prime_rule",
    "snapshot",
]


def _activation_op(name: str) -> Op | None:
    """The engine's Op for an activation of `nn` (None for "linear", g(z) = z)."""
    return None if ACTIVATIONS[name] is None else OPS[name]


_ACTIVATION_OPS = {name: _activation_op(name) for name in ACTIVATIONS}


def g(activation: str, z: float) -> float:
    """g(z) for an activation of `nn`."""
    op = _ACTIVATION_OPS[activation]
    return z if op is None else op.forward(z)


def g_prime(activation: str, z: float, a: float) -> float:
    """g'(z), by the engine's rule, given z and a = g(z)."""
    op = _ACTIVATION_OPS[activation]
    return 1.0 if op is None else op.derivatives(a, z)[0]


def g_prime_rule(activation: str, a: str = "a", z: str = "z") -> str:
    """g'(z) as the engine writes it, in terms of z and a = g(z) (named `z` and `a`)."""
    op = _ACTIVATION_OPS[activation]
    return "1" if op is None else str(op.derivatives(Symbol(a), Symbol(z))[0])


@dataclass(frozen=True)
class LayerSnapshot:
    """One layer's numbers at one moment: W (rows = neurons), b (None without biases) and
    each neuron's activation."""

    weights: Matrix
    biases: Vector | None
    activations: tuple[str, ...]


def snapshot(mlp: MLP) -> tuple[LayerSnapshot, ...]:
    """Every layer's weights, biases and activations as floats, copied from the network."""
    return tuple(
        LayerSnapshot(
            [[p.data for p in n.w] for n in layer.neurons],
            [n.b.data for n in layer.neurons if n.b is not None] or None,
            tuple(n.activation for n in layer.neurons),
        )
        for layer in mlp.layers
    )


class ByLayer(dict[int, Any]):
    """Quantities by layer number; a layer the network does not have is a
    DerivationIndexError naming the layers it has."""

    def __missing__(self, layer: Any) -> Any:
        raise DerivationIndexError(
            f"layer {layer!r}: this network's layers are {min(self)} to {max(self)}"
        )


class Quantities:
    """One sample's forward pass in floats, indexed the textbook way (layers from 1):
    `x`, `y` (targets), and per layer l: `w[l]` (W^l, rows = neurons), `b[l]` (None without
    biases), `z[l]`, `a[l]` with `a[0] = x`. `L` is the number of layers. A network's own names
    (network C's "y0", "z0s", "w100", ...) read as `q["y0"]`."""

    def __init__(
        self,
        x: Vector,
        y: Vector,
        w: Mapping[int, Matrix],
        b: Mapping[int, Vector | None],
        z: Mapping[int, Vector],
        a: Mapping[int, Vector],
        aliases: Mapping[str, tuple[Any, ...]],
    ) -> None:
        self.x, self.y = x, y
        self.w, self.b, self.z, self.a = ByLayer(w), ByLayer(b), ByLayer(z), ByLayer(a)
        self.L = len(w)
        self._aliases = aliases

    def __getitem__(self, name: str) -> float:
        if name not in self._aliases:
            known = ", ".join(self._aliases) or "none: use q.a[l][j], q.z[l][j], q.w[l][j][k]"
            raise DerivationKeyError(
                f"no quantity named {name!r}; this network's names are {known}"
            )
        kind, *index = self._aliases[name]
        if kind in ("x", "y"):
            return float(getattr(self, kind)[index[0]])
        table = getattr(self, kind)[index[0]]
        for i in index[1:]:
            table = table[i]
        return float(table)

    def __repr__(self) -> str:
        sizes = [len(self.x)] + [len(self.z[n]) for n in range(1, self.L + 1)]
        return f"Quantities(sizes={sizes})"


def forward(
    layers: Sequence[LayerSnapshot],
    x: Vector,
    y: Vector,
    aliases: Mapping[str, tuple[Any, ...]],
) -> Quantities:
    """One sample's forward pass: z^l = W^l a^{l-1} (+ b^l), a^l = g^l(z^l), with the
    engine's own dot on floats, so z matches the graph's z nodes to the bit."""
    a: dict[int, Vector] = {0: list(x)}
    z: dict[int, Vector] = {}
    for l, layer in enumerate(layers, start=1):  # noqa: E741 - the textbook's layer index
        biases = layer.biases
        z[l] = [
            dot(row, a[l - 1], None if biases is None else biases[j])
            for j, row in enumerate(layer.weights)
        ]
        a[l] = [g(name, zj) for name, zj in zip(layer.activations, z[l])]
    numbered = list(enumerate(layers, start=1))
    w = {n: [list(row) for row in layer.weights] for n, layer in numbered}
    b = {n: None if layer.biases is None else list(layer.biases) for n, layer in numbered}
    return Quantities(list(x), list(y), w, b, z, a, aliases)

"""The layer-wise equations of backpropagation on an `nn.MLP`, and `Derivation`.

For one sample x (a^0 = x), layer l computes z^l_j = sum_k w^l_jk a^{l-1}_k (+ b^l_j) and
a^l_j = g^l(z^l_j). For that sample's cost C_i:

    (1) delta^L = dC_i/da^L ⊙ g^L'(z^L)
    (2) delta^l = ((W^{l+1})^T delta^{l+1}) ⊙ g^l'(z^l)
    (3) dC_i/db^l_j = delta^l_j
    (4) dC_i/dw^l_jk = a^{l-1}_k delta^l_j

A batch's gradient is the mean or the sum of the samples'. `Derivation` evaluates the
equations with plain floats, beside the engine's `backward()` and a central finite
difference; it explains one gradient as its chain of factors and checks a learner's formula.
The activation derivatives g' are the engine's own rules, evaluated on floats.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine import OPS, Op, Value, dot, recompute
from ..errors import (
    DerivationError,
    DerivationIndexError,
    DerivationKeyError,
    DerivationTypeError,
    DomainError,
    NonFiniteError,
    ShapeError,
)
from ..nn import ACTIVATIONS, MLP
from ..symbolic import Symbol
from .losses import LOSSES, custom_loss
from .matrices import Matrix, Vector, hadamard, matvec, outer, shape, transpose
from .notation import Notation
from .reports import (
    Chain,
    Comparison,
    ComparisonRow,
    Explanation,
    Factor,
    FactorCheck,
    FormulaCheck,
    PathTerm,
    number,
)
from .slips import Candidate, Slip, constant_slips, diagnose

__all__ = ["Derivation", "Equations", "Quantities", "SampleEquations", "Target"]


def _activation_op(name: str) -> Op | None:
    """The engine's Op for an activation of `nn` (None for "linear", g(z) = z)."""
    return None if ACTIVATIONS[name] is None else OPS[name]


_ACTIVATION_OPS = {name: _activation_op(name) for name in ACTIVATIONS}


def _g(activation: str, z: float) -> float:
    op = _ACTIVATION_OPS[activation]
    return z if op is None else op.forward(z)


def _g_prime(activation: str, z: float, a: float) -> float:
    op = _ACTIVATION_OPS[activation]
    return 1.0 if op is None else op.derivatives(a, z)[0]


def _g_prime_rule(activation: str, a: str = "a", z: str = "z") -> str:
    """g'(z) as the engine writes it, in terms of z and a = g(z) (named `z` and `a`)."""
    op = _ACTIVATION_OPS[activation]
    return "1" if op is None else str(op.derivatives(Symbol(a), Symbol(z))[0])


# ---------------------------------------------------------------------------
# One sample's forward quantities and equations.


class Quantities:
    """One sample's forward pass in floats, indexed the textbook way (layers from 1):
    `x`, `y` (targets), and per layer l: `w[l]` (W^l, rows = neurons), `b[l]` (None without
    biases), `z[l]`, `a[l]` with `a[0] = x`. `L` is the number of layers. A network's own names
    (network C's "y0", "z0s", "w100", ...) read as `q["y0"]`."""

    def __init__(
        self,
        x: Vector,
        y: Vector,
        w: dict[int, Matrix],
        b: dict[int, Vector | None],
        z: dict[int, Vector],
        a: dict[int, Vector],
        aliases: dict[str, tuple[Any, ...]],
    ) -> None:
        self.x, self.y, self.w, self.b, self.z, self.a = x, y, w, b, z, a
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


@dataclass(frozen=True)
class SampleEquations:
    """The four equations on one sample: its quantities, dC_i/da^L, g'(z^l), delta^l and the
    per-sample gradients dC_i/dW^l = delta^l (a^{l-1})^T and dC_i/db^l = delta^l."""

    quantities: Quantities
    output_error: Vector
    g_prime: dict[int, Vector]
    delta: dict[int, Vector]
    weight_grads: dict[int, Matrix]
    bias_grads: dict[int, Vector | None]


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
        if not 0 <= sample < len(self.samples):
            raise DerivationIndexError(
                f"sample {sample!r}: there are {len(self.samples)} samples, numbered from 0"
            )
        deltas = self.samples[sample].delta
        if layer not in deltas:
            raise DerivationIndexError(f"layer {layer!r}: the layers are 1 to {len(deltas)}")
        return deltas[layer]


# ---------------------------------------------------------------------------
# The derivation of one network on one sample or a batch.


@dataclass(frozen=True)
class _Variant:
    """A deliberate slip to make in the equations: `kind` is "at z" (g' applied to z), "other
    derivative" (layer `other`'s g'), "W not transposed" or "one path" (only through neuron
    `other` of the next layer), at layer `layer`."""

    kind: str
    layer: int
    other: int = 0


@dataclass(frozen=True)
class _Location:
    layer: int
    neuron: int
    input: int | None  # None for the bias


Target = Value | str
_ALIAS_SIZES = {"w": 4, "b": 3, "z": 3, "a": 3, "x": 2, "y": 2}


class Derivation:
    """An MLP, data and a loss: the layer-wise equations beside the engine, weight by weight.

    `inputs` is one sample (a list of numbers) or a batch (a list of such lists); `targets`
    matches it (a number or a list per sample). `loss` names a loss of `nn`
    (see `LOSSES`); `reduction` says how the per-sample costs of `half_squared_error` and
    `squared_error` combine over a batch, "mean" or "sum" (the other losses average).
    `loss` may also be a per-sample cost of your own, `cost(outputs, targets)` returning a
    Value (its derivative is then the engine's). `aliases` gives textbook names to
    quantities: name -> ("w", l, j, k), ("b", l, j), ("z", l, j), ("a", l, j), ("x", k) or
    ("y", j); `notation` says how everything else is written (`Notation`: the cost's name,
    a^l_j, g', ...). Both are used in every table, explanation and check.
    """

    def __init__(
        self,
        mlp: MLP,
        inputs: Any,
        targets: Any,
        loss: str | Callable[[list[Value], list[float]], Any] = "half_squared_error",
        reduction: str = "mean",
        aliases: dict[str, tuple[Any, ...]] | None = None,
        title: str = "",
        notation: Notation | None = None,
    ) -> None:
        if not isinstance(mlp, MLP):
            raise DerivationTypeError(
                f"Derivation needs an nn.MLP, got {type(mlp).__name__}; build one with"
                " nn.MLP(nin, [sizes]) or nn.MLP.from_weights(...)"
            )
        if isinstance(loss, str) and loss not in LOSSES:
            raise DerivationError(
                f"unknown loss {loss!r}; choose one of {', '.join(map(repr, LOSSES))}, or give"
                " a function cost(outputs, targets)"
            )
        self._loss = LOSSES[loss] if isinstance(loss, str) else custom_loss(loss)
        if reduction not in self._loss.reductions:
            raise DerivationError(
                f"{self._loss.name} combines a batch by {' or '.join(self._loss.reductions)},"
                f" not {reduction!r}"
            )
        if notation is not None and not isinstance(notation, Notation):
            raise DerivationTypeError(
                f"notation must be a derivations.Notation, got {type(notation).__name__}"
            )
        self.mlp = mlp
        self.loss = self._loss.name
        self.reduction = reduction
        self.notation = notation or Notation()
        self.title = title or f"{mlp!r} with {self.loss}"
        self.inputs, self.targets = self._samples(inputs, targets)
        self._locations = {
            p: _Location(depth, j, k)
            for depth, layer in enumerate(mlp.layers, start=1)
            for j, neuron in enumerate(layer.neurons)
            for k, p in [*enumerate(neuron.w), (None, neuron.b)]
            if p is not None
        }
        self.aliases = dict(aliases or {})
        for alias, spec in self.aliases.items():
            problem = self._alias_problem(spec)
            if problem:
                raise DerivationError(f"alias {alias!r}: {spec!r} {problem}")
        self._names = {loc: name for name, loc in self._alias_locations().items()}
        self._spelled = {tuple(spec): name for name, spec in reversed(self.aliases.items())}

    def _alias_problem(self, spec: Any) -> str:
        """Why `spec` names no quantity of this network ('' when it does)."""
        if (
            not isinstance(spec, tuple)
            or not spec
            or spec[0] not in _ALIAS_SIZES
            or len(spec) != _ALIAS_SIZES[spec[0]]
            or not all(type(i) is int for i in spec[1:])
        ):
            return (
                "is not one of ('w', l, j, k), ('b', l, j), ('z', l, j), ('a', l, j), ('x', k),"
                " ('y', j) with whole-number indices"
            )
        kind, *index = spec
        layers = self.mlp.layers
        sizes = [layers[0].neurons[0].nin] + [len(layer.neurons) for layer in layers]
        if kind in ("x", "y"):
            count, what = (sizes[0], "input") if kind == "x" else (sizes[-1], "output")
            if not 0 <= index[0] < count:
                return f"names {what} {index[0]}; the network has {count} {what}s, from 0"
            return ""
        first = 0 if kind == "a" else 1
        layer, j = index[0], index[1]
        if not first <= layer < len(sizes):
            return f"names layer {layer}; this network has layers {first} to {len(sizes) - 1}"
        if not 0 <= j < sizes[layer]:
            return f"names neuron {j}; layer {layer} has {sizes[layer]} neurons, from 0"
        if kind == "w" and not 0 <= index[2] < sizes[layer - 1]:
            return f"names input {index[2]}; layer {layer} has {sizes[layer - 1]} inputs, from 0"
        if kind == "b" and layers[layer - 1].neurons[0].b is None:
            return f"names a bias, but layer {layer} has no biases"
        return ""

    def _sample_index(self, sample: Any) -> int:
        """`sample` itself when it numbers one of the samples, else a DerivationIndexError."""
        if type(sample) is not int or not 0 <= sample < self.batch_size:
            count = "1 sample" if self.batch_size == 1 else f"{self.batch_size} samples"
            raise DerivationIndexError(
                f"sample {sample!r}: this derivation has {count}, numbered from 0"
            )
        return sample

    # -- data ---------------------------------------------------------------------------

    def _samples(self, inputs: Any, targets: Any) -> tuple[Matrix, Matrix]:
        nin = self.mlp.layers[0].neurons[0].nin
        nout = len(self.mlp.layers[-1].neurons)
        is_batch = isinstance(inputs, Sequence) and any(isinstance(x, Sequence) for x in inputs)
        xs = [_numbers(x, "an input") for x in (inputs if is_batch else [inputs])]
        ys = [_numbers(y, "a target") for y in (targets if is_batch else [targets])]
        if not xs:
            raise DerivationError("no samples: give at least one input")
        if len(xs) != len(ys):
            raise DerivationError(f"{len(xs)} inputs but {len(ys)} targets; give one per input")
        for i, (x, y) in enumerate(zip(xs, ys)):
            if len(x) != nin or len(y) != nout:
                raise DerivationError(
                    f"sample {i} has {len(x)} inputs and {len(y)} targets; this network takes"
                    f" {nin} inputs and has {nout} outputs"
                )
            loss = self._loss
            if not all(loss.accepts(t) for t in y):
                raise DerivationError(f"{loss.name} needs {loss.targets}, got {y}")
        return xs, ys

    @property
    def batch_size(self) -> int:
        """N, the number of samples."""
        return len(self.inputs)

    @property
    def batch_factor(self) -> float:
        """1/N when the batch cost is the mean of the per-sample costs, 1 when it is their sum."""
        return 1 / self.batch_size if self.reduction == "mean" else 1.0

    def parameters(self) -> list[Value]:
        """The network's weights and biases, as `MLP.parameters()` lists them."""
        return self.mlp.parameters()

    def parameter(self, name: Target) -> Value:
        """A parameter of the network, by itself, its label ('L1.N0.w2') or an alias ('w100')."""
        if isinstance(name, Value):
            if name not in self._locations:
                raise DerivationError(
                    f"{name!r} is not a weight or bias of this network; pass one of"
                    " derivation.parameters()"
                )
            return name
        if not isinstance(name, str):
            raise DerivationTypeError(
                f"expected a parameter Value or its name, got {type(name).__name__}"
            )
        locations = self._alias_locations()
        for p, location in self._locations.items():
            if p.label == name or locations.get(name) == location:
                return p
        raise DerivationError(
            f"no parameter named {name!r}; use a label such as"
            f" {self.parameters()[0].label!r} or one of the aliases {sorted(locations) or '[]'}"
        )

    def _alias_locations(self) -> dict[str, _Location]:
        return {
            name: _Location(spec[1], spec[2], spec[3] if spec[0] == "w" else None)
            for name, spec in self.aliases.items()
            if spec[0] in ("w", "b")
        }

    def _display_name(self, p: Value) -> str:
        alias = self._names.get(self._locations[p])
        return f"{alias} ({p.label})" if alias else p.label

    def _written(self, kind: str, layer: int = 0, j: int = 0, k: int = 0) -> str:
        """How this derivation writes a quantity ("w", "b", "z", "a", "x" or "y", with its
        indices): by its alias when it has one, else by its notation. a^0 is x."""
        if kind == "a" and layer == 0:
            return self._spelled.get(("a", 0, j)) or self._written("x", k=j)
        spec = {
            "w": ("w", layer, j, k),
            "b": ("b", layer, j),
            "z": ("z", layer, j),
            "a": ("a", layer, j),
            "x": ("x", k),
            "y": ("y", j),
        }[kind]
        alias = self._spelled.get(spec)
        if alias:
            return alias
        n = self.notation
        template = {
            "w": n.weight,
            "b": n.bias,
            "z": n.pre_activation,
            "a": n.activation,
            "x": n.input,
            "y": n.target,
        }[kind]
        return n.write(template, layer, j, k)

    def _neuron_names(self, layer: int, j: int) -> dict[str, str]:
        """The names of a neuron's pre-activation and activation, for templates that use them."""
        return {"z": self._written("z", layer, j), "a": self._written("a", layer, j)}

    def _delta_name(self, layer: int, j: int) -> str:
        names = self._neuron_names(layer, j)
        return self.notation.write(self.notation.delta, layer, j, z=names["z"], a=names["a"])

    def _symbol(self, location: _Location) -> str:
        """The parameter as this derivation writes it: w^l_jk, or network C's w100."""
        if location.input is None:
            return self._written("b", location.layer, location.neuron)
        return self._written("w", location.layer, location.neuron, location.input)

    def _gradient_name(self, p: Value) -> str:
        """dC/dp as this derivation writes it, with the label where the name differs."""
        location = self._locations[p]
        symbol, cost = self._symbol(location), self.notation.cost
        return f"d{cost}/d{symbol}" if symbol == p.label else f"d{cost}/d{symbol} ({p.label})"

    # -- the forward pass and the equations -----------------------------------------------

    def quantities(self, sample: int = 0) -> Quantities:
        """One sample's forward pass in floats: z^l = W^l a^{l-1} (+ b^l), a^l = g^l(z^l)."""
        sample = self._sample_index(sample)
        x, y = self.inputs[sample], self.targets[sample]
        w: dict[int, Matrix] = {}
        b: dict[int, Vector | None] = {}
        z: dict[int, Vector] = {}
        a: dict[int, Vector] = {0: list(x)}
        for layer, module in enumerate(self.mlp.layers, start=1):
            neurons = module.neurons
            w[layer] = [[p.data for p in n.w] for n in neurons]
            biases = [n.b.data for n in neurons if n.b is not None]
            b[layer] = biases or None
            # The engine's own dot on floats, so z matches the graph's z nodes to the bit.
            z[layer] = [
                dot(row, a[layer - 1], biases[j] if biases else None)
                for j, row in enumerate(w[layer])
            ]
            a[layer] = [_g(n.activation, zj) for n, zj in zip(neurons, z[layer])]
        return Quantities(x, y, w, b, z, a, self.aliases)

    def _activations(self, layer: int) -> list[str]:
        return [n.activation for n in self.mlp.layers[layer - 1].neurons]

    def sample_equations(self, sample: int = 0) -> SampleEquations:
        """Equations (1)-(4) on one sample."""
        return self._sample_equations(self._sample_index(sample), None)

    def _sample_equations(self, sample: int, slip: _Variant | None) -> SampleEquations:
        """Equations (1)-(4) on one sample, made with one deliberate `slip` when given."""
        q = self.quantities(sample)
        loss = self._loss
        L = q.L
        g_prime = {
            layer: [self._g_prime(layer, z, a, slip) for z, a in zip(q.z[layer], q.a[layer])]
            for layer in range(1, L + 1)
        }
        if not all(loss.predicts(a) for a in q.a[L]):
            raise DomainError(
                f"{loss.name} needs {loss.predictions}, got {q.a[L]};"
                " use output_activation='sigmoid'"
            )
        output_error = loss.output_error(q.a[L], q.y)
        delta = {L: hadamard(output_error, g_prime[L])}  # (1)
        for layer in range(L - 1, 0, -1):
            delta[layer] = hadamard(self._upstream(q, delta, layer, slip), g_prime[layer])  # (2)
        bias_grads = {
            layer: None if q.b[layer] is None else list(delta[layer]) for layer in delta
        }  # (3)
        weight_grads = {layer: outer(delta[layer], q.a[layer - 1]) for layer in delta}  # (4)
        return SampleEquations(q, output_error, g_prime, delta, weight_grads, bias_grads)

    def _g_prime(self, layer: int, z: float, a: float, slip: _Variant | None) -> float:
        """g^l'(z): the engine's rule, or with the slip at this layer, the rule at z in place
        of a = g(z), or another layer's g' at this z."""
        activation = self._activations(layer)[0]
        if slip is not None and slip.layer == layer and slip.kind == "at z":
            return _g_prime(activation, z, z)
        if slip is not None and slip.layer == layer and slip.kind == "other derivative":
            other = self._activations(slip.other)[0]
            return _g_prime(other, z, _g(other, z))
        return _g_prime(activation, z, a)

    def _upstream(
        self, q: Quantities, delta: dict[int, Vector], layer: int, slip: _Variant | None
    ) -> Vector:
        """dC/da^l = (W^{l+1})^T delta^{l+1}: the sum over the paths through layer l + 1; or,
        with the slip at this layer, W^{l+1} untransposed, or only the path through one neuron."""
        w, after = q.w[layer + 1], delta[layer + 1]
        if slip is not None and slip.layer == layer and slip.kind == "W not transposed":
            return matvec(w, after)
        if slip is not None and slip.layer == layer and slip.kind == "one path":
            return [w[slip.other][j] * after[slip.other] for j in range(len(w[0]))]
        return matvec(transpose(w), after)

    def equations(self) -> Equations:
        """The equations on every sample, and the batch gradients."""
        return self._equations(None)

    def _equations(self, slip: _Variant | None) -> Equations:
        samples = [self._sample_equations(i, slip) for i in range(self.batch_size)]
        factor = self.batch_factor
        layers = range(1, len(self.mlp.layers) + 1)
        weight_grads = {
            layer: [
                [
                    factor * sum(s.weight_grads[layer][j][k] for s in samples)
                    for k in range(len(row))
                ]
                for j, row in enumerate(samples[0].weight_grads[layer])
            ]
            for layer in layers
        }
        bias_grads: dict[int, Vector | None] = {  # (3): dC/db^l = delta^l
            layer: None
            if samples[0].bias_grads[layer] is None
            else [factor * sum(column) for column in zip(*(s.delta[layer] for s in samples))]
            for layer in layers
        }
        return Equations(samples, factor, weight_grads, bias_grads)

    def _equations_gradient(self, equations: Equations | SampleEquations, p: Value) -> float:
        location = self._locations[p]
        if location.input is None:
            biases = equations.bias_grads[location.layer]
            assert biases is not None  # p is a bias, so its layer has biases
            return biases[location.neuron]
        return equations.weight_grads[location.layer][location.neuron][location.input]

    # -- the engine and finite differences ------------------------------------------------

    def engine_cost(self) -> Value:
        """The batch cost as a graph, built by the network and the `nn` loss."""
        outputs = [self.mlp.forward(x) for x in self.inputs]
        return self._loss.batch_cost(outputs, self.targets, self.reduction)

    def engine_gradients(self) -> dict[Value, float]:
        """Zero every parameter's grad, run backward() on the cost, return the grads."""
        cost = self.engine_cost()
        self.mlp.zero_grad()
        cost.backward()
        return {p: p.grad for p in self.parameters()}

    def finite_difference(self, p: Target, h: float = 1e-6) -> float:
        """(C(p + h) - C(p - h)) / 2h with the engine's forward pass, the cost recomputed with
        p moved by a forward sweep: no Value changes, so no graph built before goes stale."""
        p = self.parameter(p)
        h = _positive(h, "h")
        cost, up, down = self.engine_cost(), p.data + h, p.data - h
        plus, minus = (recompute(cost, {p: x}).get(cost, cost.data) for x in (up, down))
        return (plus - minus) / (up - down)

    def compare(self, h: float = 1e-6, reference: str | None = None) -> Comparison:
        """Every weight and bias: engine grad, equations, central finite difference (step h),
        and with `reference="torch"` PyTorch's gradient of the same network, data and loss
        (float64; MissingDependencyError names what to install when PyTorch is missing)."""
        h = _positive(h, "h")
        if reference not in (None, "torch"):
            raise DerivationError(f"reference must be None or 'torch', got {reference!r}")
        equations = self.equations()
        grads = self.engine_gradients()
        theirs: dict[Value, float] = {}
        if reference == "torch":
            from .torch_reference import torch_gradients

            theirs = torch_gradients(
                self.mlp, self.inputs, self.targets, self._loss, self.reduction
            )
        rows = [
            ComparisonRow(
                p.label,
                self._names.get(self._locations[p], ""),
                self._symbol(self._locations[p]),
                grads[p],
                self._equations_gradient(equations, p),
                self.finite_difference(p, h),
                theirs.get(p),
            )
            for p in self.parameters()
        ]
        samples = "1 sample" if self.batch_size == 1 else f"{self.batch_size} samples"
        return Comparison(f"{self.title}, {samples}", rows, h, reference or "")

    # -- explain and check a formula ---------------------------------------------------------

    def explain(self, parameter: Target) -> Explanation:
        """The chain of factors of dC/dp for one weight or bias, with numbers, checked against
        the engine's grad (from a fresh backward pass)."""
        p = self.parameter(parameter)
        location = self._locations[p]
        equations = self.equations()
        chains = [self._chain(s, i, location) for i, s in enumerate(equations.samples)]
        grad = self.engine_gradients()[p]
        return Explanation(
            self._display_name(p),
            self._symbol(location),
            chains,
            equations.batch_factor,
            grad,
            self._gradient_name(p),
        )

    def _chain(self, eq: SampleEquations, sample: int, location: _Location) -> Chain:
        q = eq.quantities
        layer, j = location.layer, location.neuron
        cost, a_name = self.notation.cost, self._written("a", layer, j)
        if layer == q.L:
            numbers = self._loss.with_numbers(q.a[layer][j], q.y[j], len(q.y))
            upstream = Factor(
                "upstream error",
                f"d{cost}/d{a_name}",
                f"{self._loss.formula(a_name, self._written('y', j=j))} = {numbers}",
                eq.output_error[j],
            )
        else:
            paths = tuple(
                PathTerm(
                    i,
                    q.w[layer + 1][i][j],
                    eq.delta[layer + 1][i],
                    self._written("a", layer + 1, i),
                    self._written("w", layer + 1, i, j),
                    self._delta_name(layer + 1, i),
                )
                for i in range(len(q.w[layer + 1]))
            )
            terms = " + ".join(f"{p.weight_name} × {p.delta_name}" for p in paths)
            upstream = Factor(
                "upstream error",
                f"d{cost}/d{a_name}",
                f"sum over {len(paths)} path{'s' if len(paths) > 1 else ''}: {terms}",
                matvec(transpose(q.w[layer + 1]), eq.delta[layer + 1])[j],
                paths,
            )
        activation = self._activations(layer)[j]
        names = self._neuron_names(layer, j)
        derivative = Factor(
            "activation derivative",
            self.notation.write(self.notation.derivative, layer, j, z=names["z"], a=names["a"]),
            f"{activation}': {_g_prime_rule(activation, names['a'], names['z'])}"
            f" at {names['z']} = {number(q.z[layer][j])}, {names['a']} = {number(q.a[layer][j])}",
            eq.g_prime[layer][j],
        )
        factors = [upstream, derivative]
        if location.input is not None:
            k = location.input
            name = self._written("a", layer - 1, k)
            factors.append(
                Factor("incoming activation", name, _incoming(layer, k), q.a[layer - 1][k])
            )
        return Chain(sample, tuple(factors))

    def check_formula(
        self,
        target: Target,
        formula: Callable[[Any], Any] | None = None,
        *,
        factors: Sequence[Callable[[Quantities], float]] | None = None,
        over_batch: bool = False,
        rtol: float = 1e-9,
        atol: float | None = None,
    ) -> FormulaCheck:
        """Compare a learner's formula for a gradient with the engine's, and diagnose it.

        `target` is a parameter (a Value, label or alias; the formula returns a number) or
        "W<l>" / "b<l>" (the formula returns that layer's matrix, W^l's shape, or vector), or
        "Wb<l>": W^l with the biases as one more column, the weights from an always-on neuron
        whose activation is 1. A result of another shape raises ShapeError naming both shapes.
        `formula(q)` gets one sample's `Quantities` and its values are combined as the loss
        combines the samples' costs (mean or sum); with `over_batch=True` it gets the list of
        every sample's and returns the batch gradient itself. `factors` instead gives a single
        parameter's formula as factors, compared one by one with `explain()`'s (their product
        is the formula). Agreement: |formula - grad| <= atol, by default rtol times the largest
        |grad| of the target (so a tiny gradient is judged relative to its own size; give
        atol where the gradient is exactly 0). A disagreeing formula is diagnosed: the known
        slips whose numbers it reproduces are in `slips`.
        """
        parameters, label, expected = self._target(target)
        engine = self.engine_gradients()
        names = tuple(self._display_name(p) for p in parameters)
        engine_values = tuple(engine[p] for p in parameters)
        tolerance = _tolerance(rtol, atol, engine_values)
        factor_checks: tuple[FactorCheck, ...] = ()
        for n, given in enumerate(factors or (), start=1):
            _check_callable(given, f"factor {n} for {label}")
        if factors is not None:
            if formula is not None or expected != () or over_batch:
                raise DerivationError(
                    "check_formula: factors are for one parameter, in place of a formula"
                )
            factor_checks = self._factor_checks(parameters[0], factors, rtol)
            formula = _product(factors)
        if formula is None:
            raise DerivationError("check_formula needs a formula (or factors)")
        _check_callable(formula, f"the formula for {label}")
        quantities = _Samples(self.quantities(i) for i in range(self.batch_size))
        try:
            results = [formula(quantities)] if over_batch else [formula(q) for q in quantities]
        except ShapeError as error:
            return FormulaCheck(label, names, (), engine_values, str(error), tolerance)
        per_sample = [_entries(result, expected, label) for result in results]
        factor = 1.0 if over_batch else self.batch_factor
        values = tuple(factor * sum(s[n] for s in per_sample) for n in range(len(parameters)))
        broken = [(name, v) for name, v in zip(names, values) if not math.isfinite(v)]
        if broken:
            name, value = broken[0]
            entry = f" at {name}" if len(names) > 1 else ""
            problem = (
                f"the formula for {label} gave {value!r}{entry}: a division by zero, an"
                " overflow, or a log or square root of a negative number"
            )
            return FormulaCheck(label, names, values, engine_values, problem, tolerance)
        slips: tuple[Slip, ...] = ()
        if any(math.fabs(f - e) > tolerance for f, e in zip(values, engine_values)):
            candidates = self._candidates(parameters, expected)
            constants = constant_slips(
                self.batch_size, self.reduction == "mean", self._difference()
            )
            slips = diagnose(values, engine_values, candidates, constants, tolerance, rtol)
        return FormulaCheck(
            label, names, values, engine_values, "", tolerance, slips, factor_checks
        )

    def _factor_checks(
        self, p: Value, factors: Sequence[Callable[[Quantities], float]], rtol: float
    ) -> tuple[FactorCheck, ...]:
        """Each given factor beside explain()'s, on every sample, with the slips of each."""
        explanation = self.explain(p)
        expected = [factor.name for factor in explanation.factors]
        if len(factors) != len(expected):
            raise DerivationError(
                f"{explanation.name} has {len(expected)} factors ({', '.join(expected)});"
                f" got {len(factors)}"
            )
        location = self._locations[p]
        at_z = _Variant("at z", location.layer)
        checks = []
        for chain in explanation.chains:
            q = self.quantities(chain.sample)
            for given, factor in zip(factors, chain.factors):
                value = _entries(given(q), (), factor.name)[0]
                tolerance = rtol * math.fabs(factor.value)
                slips: tuple[Slip, ...] = ()
                if math.fabs(value - factor.value) > tolerance:
                    candidates = [Candidate((), (factor.value,))]
                    if factor.name == "activation derivative":
                        z = q.z[location.layer][location.neuron]
                        wrong = self._g_prime(location.layer, z, z, at_z)
                        candidates.append(Candidate((self._slip(at_z),), (wrong,)))
                    constants = constant_slips(1, True, self._difference())
                    slips = diagnose(
                        [value], [factor.value], candidates, constants, tolerance, rtol
                    )
                checks.append(
                    FactorCheck(
                        chain.sample,
                        factor.name,
                        factor.symbol,
                        value,
                        factor.value,
                        tolerance,
                        slips,
                    )
                )
        return tuple(checks)

    def _variants(self) -> list[_Variant]:
        """Every structural slip this network can show."""
        layers = self.mlp.layers
        variants = []
        for layer in range(1, len(layers) + 1):
            variants.append(_Variant("at z", layer))
            variants += [
                _Variant("other derivative", layer, other)
                for other in range(1, len(layers) + 1)
                if self._activations(other)[0] != self._activations(layer)[0]
            ]
        for layer in range(1, len(layers)):
            following = layers[layer].neurons
            if len(following) == following[0].nin:
                variants.append(_Variant("W not transposed", layer))
            if len(following) > 1:
                variants += [_Variant("one path", layer, i) for i in range(len(following))]
        return variants

    def _slip(self, variant: _Variant) -> Slip:
        """The slip a variant makes, explained in this network's terms."""
        layer, other = variant.layer, variant.other
        activation = self._activations(layer)[0]
        z, a = self._written("z", layer, 0), self._written("a", layer, 0)
        if variant.kind == "at z":
            return Slip(
                "derivative at z",
                f"{activation}' at layer {layer} is applied to the pre-activation: its rule"
                f" {_g_prime_rule(activation, a, z)} needs the activation {a} = {activation}({z}),"
                f" not {z}",
            )
        if variant.kind == "other derivative":
            return Slip(
                "wrong layer's derivative",
                f"layer {other}'s activation derivative ({self._activations(other)[0]}') is"
                f" used at layer {layer}, whose activation is {activation}",
            )
        if variant.kind == "W not transposed":
            n = len(self.mlp.layers[layer].neurons)
            column = ", ".join(self._written("w", layer + 1, i, 0) for i in range(n))
            row = ", ".join(self._written("w", layer + 1, 0, k) for k in range(n))
            return Slip(
                "W vs W^T",
                f"W^{layer + 1} where (W^{layer + 1})^T belongs: {a} reaches layer {layer + 1}"
                f" through the weights out of it, column 0 of W^{layer + 1} ({column}), not"
                f" row 0 ({row})",
            )
        return Slip(
            "missing path",
            f"only the path through {self._written('a', layer + 1, other)}: each neuron of layer"
            f" {layer} feeds all {len(self.mlp.layers[layer].neurons)} neurons of layer"
            f" {layer + 1}, and the paths add up",
        )

    def _difference(self) -> tuple[str, str]:
        """The output error as this derivation writes it, the wrong way round and the right
        way: ("y_0 - a^2_0", "a^2_0 - y_0"), network C's ("z0_desired - z0", "z0 - z0_desired")."""
        a, y = self._written("a", len(self.mlp.layers), 0), self._written("y", j=0)
        return f"{y} - {a}", f"{a} - {y}"

    def _candidates(self, parameters: list[Value], expected: tuple[int, ...]) -> list[Candidate]:
        """What the equations give for the target, correct and after each structural slip."""
        correct = self._equations(None)
        values = tuple(self._equations_gradient(correct, p) for p in parameters)
        candidates = [Candidate((), values)]
        for variant in self._variants():
            equations = self._equations(variant)
            slipped = tuple(self._equations_gradient(equations, p) for p in parameters)
            candidates.append(Candidate((self._slip(variant),), slipped))
        if len(expected) == 2 and expected[0] == expected[1]:
            n = expected[0]
            transposed = tuple(values[k * n + j] for j in range(n) for k in range(n))
            slip = Slip(
                "W vs W^T",
                "the gradient is transposed: row j of dC/dW belongs to neuron j (delta_j times"
                " each incoming activation a_k), so dC/dW = delta a^T, not a delta^T",
            )
            candidates.append(Candidate((slip,), transposed))
        if self.batch_size > 1:
            for i, sample in enumerate(correct.samples):
                slip = Slip(
                    "one sample",
                    f"sample {i}'s gradient alone: the batch gradient combines all"
                    f" {self.batch_size} samples' ({self.reduction})",
                )
                own = tuple(self._equations_gradient(sample, p) for p in parameters)
                candidates.append(Candidate((slip,), own))
        return candidates

    def _target(self, target: Target) -> tuple[list[Value], str, tuple[int, ...]]:
        """The target's parameters (row by row), its name and the shape a formula must give."""
        cost = f"d{self.notation.cost}"
        name = target if isinstance(target, str) else ""
        kind = name.rstrip("0123456789")
        if kind in ("W", "b", "Wb") and len(kind) < len(name):
            layer = int(name[len(kind) :])
            if not 1 <= layer <= len(self.mlp.layers):
                raise DerivationError(
                    f"{target}: this network has layers 1 to {len(self.mlp.layers)}"
                )
            neurons = self.mlp.layers[layer - 1].neurons
            if kind == "W":
                parameters = [p for n in neurons for p in n.w]
                return parameters, f"{cost}/d{target}", (len(neurons), neurons[0].nin)
            biases = [n.b for n in neurons if n.b is not None]
            if not biases:
                raise DerivationError(f"{target}: layer {layer} has no biases")
            if kind == "b":
                return biases, f"{cost}/d{target}", (len(neurons),)
            # The bias as the weight from an always-on neuron (a_k = 1): W's last column.
            augmented = [p for n, b in zip(neurons, biases) for p in (*n.w, b)]
            return augmented, f"{cost}/d{target}", (len(neurons), neurons[0].nin + 1)
        p = self.parameter(target)
        return [p], self._gradient_name(p), ()

    def __repr__(self) -> str:
        return f"<Derivation: {self.title}, {self.batch_size} sample(s)>"


class _Samples(list[Quantities]):
    """Every sample's quantities, as an `over_batch` formula gets them; reading a quantity
    from the list itself (a per-sample formula given the batch) says what it holds."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy, pickle and NumPy probe for optional hooks
            raise AttributeError(name)
        raise DerivationTypeError(
            f"with over_batch=True the formula gets the list of the {len(self)} samples'"
            f" quantities, which has no .{name}: read one sample's as qs[0].{name}, or combine"
            " them (sum(... for q in qs) / len(qs)); or leave out over_batch to give a"
            " per-sample formula"
        )


def _check_callable(formula: Any, what: str) -> None:
    if not callable(formula):
        raise DerivationTypeError(
            f"{what} must be a function of the quantities (def f(q): ... or lambda q: ...),"
            f" got {type(formula).__name__} {formula!r}"
        )


def _incoming(layer: int, k: int) -> str:
    return f"input {k} of the network" if layer == 1 else f"output {k} of layer {layer - 1}"


def _entries(result: Any, expected: tuple[int, ...], label: str) -> list[float]:
    """A formula's number, vector or matrix, checked to have the `expected` shape (() for a
    number), as a flat list in parameter order (row by row)."""
    if isinstance(result, str):
        raise DerivationTypeError(f"the formula for {label} must return numbers, got {result!r}")
    got = shape(result) if isinstance(result, (list, tuple)) else ()
    if got != expected:
        hint = (
            " (W's shape: one row per neuron, one column per input)" if len(expected) == 2 else ""
        )
        raise ShapeError(
            f"the formula for {label} gave {_shape_text(got)}; {label} is"
            f" {_shape_text(expected)}{hint}"
        )
    if len(got) == 2:
        flat = [x for row in result for x in row]
    else:
        flat = list(result) if got else [result]
    try:
        return [float(x) for x in flat]
    except (TypeError, ValueError):
        raise DerivationTypeError(
            f"the formula for {label} must return numbers, got {result!r}"
        ) from None


def _shape_text(shape: tuple[int, ...]) -> str:
    if not shape:
        return "one number"
    if len(shape) == 1:
        return f"a vector of {shape[0]} entries"
    return f"a {shape[0]}x{shape[1]} matrix"


def _tolerance(rtol: Any, atol: Any, engine: Sequence[float]) -> float:
    """The absolute bound for agreement: atol, or rtol times the largest |engine| entry."""
    if atol is not None:
        if isinstance(atol, bool) or not isinstance(atol, (int, float)) or not 0 <= atol < math.inf:
            raise DerivationError(f"atol must be a finite number >= 0, got {atol!r}")
        return float(atol)
    if isinstance(rtol, bool) or not isinstance(rtol, (int, float)) or not 0 < rtol < 1:
        raise DerivationError(f"rtol must be a number between 0 and 1 such as 1e-9, got {rtol!r}")
    return rtol * max(math.fabs(e) for e in engine)


def _product(factors: Sequence[Callable[[Quantities], float]]) -> Callable[[Quantities], float]:
    """A formula that multiplies the factors' values."""

    def formula(q: Quantities) -> float:
        result = 1.0
        for factor in factors:
            result *= factor(q)
        return result

    return formula


def _numbers(x: Any, what: str) -> Vector:
    values = x if isinstance(x, Sequence) and not isinstance(x, str) else [x]
    result = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, float, Value)):
            raise DerivationTypeError(f"{what} must be numbers, got {type(v).__name__} {v!r}")
        try:
            number = float(v)
        except OverflowError:  # an int beyond any float (10**400)
            number = math.inf
        if not math.isfinite(number):
            raise NonFiniteError(f"{what} must be finite numbers, got {number}")
        result.append(number)
    return result


def _positive(h: Any, name: str) -> float:
    if isinstance(h, bool) or not isinstance(h, (int, float)) or not 0 < h < math.inf:
        raise DerivationError(f"{name} must be a small positive number such as 1e-6, got {h!r}")
    return float(h)

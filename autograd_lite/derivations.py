"""Backpropagation as textbooks derive it, checked against the engine weight by weight.

An `nn.MLP` with layers l = 1..L computes, for one sample x (a^0 = x),

    z^l_j = sum_k w^l_jk a^{l-1}_k (+ b^l_j),    a^l_j = g^l(z^l_j).

For that sample's cost C_i the layer-wise equations give every gradient from z and a alone:

    (1) delta^L = dC_i/da^L ⊙ g^L'(z^L)
    (2) delta^l = ((W^{l+1})^T delta^{l+1}) ⊙ g^l'(z^l)
    (3) dC_i/db^l_j = delta^l_j
    (4) dC_i/dw^l_jk = a^{l-1}_k delta^l_j

A batch cost is the mean (1/N) sum_i C_i or the sum of the per-sample costs, and its gradient
is the mean or sum of theirs. `Derivation` evaluates these equations with plain floats and puts
them beside the engine's `backward()` and a central finite difference; it explains one weight's
gradient as its chain of factors and checks a formula a learner wrote. `nudge` shows what a
derivative predicts when a leaf moves by h. `network_a` ... `network_d` build the four networks
of the published derivations (matrix form, per-node form, the 2-2-2 network, the four
equations). The activation derivatives g' are the engine's own rules, evaluated on floats.
"""

from __future__ import annotations

import html
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .engine import OPS, Op, Value, dot, local_derivatives, step, topological_order
from .errors import (
    DerivationError,
    DerivationKeyError,
    DerivationTypeError,
    DomainError,
    NonFiniteError,
    ShapeError,
)
from .nn import (
    ACTIVATIONS,
    MLP,
    binary_cross_entropy,
    half_squared_error,
    hinge_loss,
    mean_squared_error,
    squared_error,
)
from .symbolic import Symbol

__all__ = [
    "LOSSES",
    "Comparison",
    "ComparisonRow",
    "Derivation",
    "DerivationError",
    "DerivationKeyError",
    "DerivationTypeError",
    "Equations",
    "Explanation",
    "Factor",
    "FormulaCheck",
    "Nudge",
    "NudgeRow",
    "PathTerm",
    "Quantities",
    "SampleEquations",
    "ShapeError",
    "hadamard",
    "matvec",
    "network_a",
    "network_b",
    "network_c",
    "network_d",
    "nudge",
    "outer",
    "relative_error",
    "shape",
    "transpose",
]

Vector = list[float]
Matrix = list[list[float]]


# ---------------------------------------------------------------------------
# The matrix form with plain lists: each operation checks the shapes it needs.


def shape(x: Sequence[Any]) -> tuple[int, ...]:
    """(rows, columns) of a matrix (a list of rows) or (entries,) of a vector."""
    if x and isinstance(x[0], (list, tuple)):
        return (len(x), len(x[0]))
    return (len(x),)


def transpose(matrix: Matrix) -> Matrix:
    """M^T: row j of the result is column j of M."""
    return [list(column) for column in zip(*matrix)]


def matvec(matrix: Matrix, vector: Vector) -> Vector:
    """M v: entry j is sum_k M_jk v_k. M must have as many columns as v has entries."""
    if len(shape(matrix)) != 2:
        raise ShapeError(
            f"matvec: the first argument must be a matrix (a list of rows), got {matrix!r}"
        )
    rows, columns = shape(matrix)
    if columns != len(vector):
        raise ShapeError(
            f"matvec: a {rows}x{columns} matrix times a vector of {len(vector)} entries; the"
            f" vector needs {columns} entries (check which matrix, and whether it is transposed)"
        )
    return [sum(m * v for m, v in zip(row, vector)) for row in matrix]


def hadamard(u: Vector, v: Vector) -> Vector:
    """u ⊙ v: the entry-by-entry product of two vectors of the same length."""
    if len(u) != len(v):
        raise ShapeError(
            f"hadamard: vectors of {len(u)} and {len(v)} entries; ⊙ needs equal lengths"
            " (both factors must belong to the same layer)"
        )
    return [a * b for a, b in zip(u, v)]


def outer(u: Vector, v: Vector) -> Matrix:
    """u v^T: entry (j, k) is u_j v_k."""
    return [[a * b for b in v] for a in u]


def relative_error(a: float, b: float) -> float:
    """|a - b| / max(|a|, |b|), and 0 when both are 0."""
    scale = max(math.fabs(a), math.fabs(b))
    return math.fabs(a - b) / scale if scale else 0.0


# ---------------------------------------------------------------------------
# Losses: each sample's cost C_i, its derivative dC_i/da^L_j, and how a batch combines them.


@dataclass(frozen=True)
class LossRule:
    """dC_i/da_j for one sample's cost, written out: `formula` in symbols, `with_numbers` to
    substitute a, y and n (the number of outputs); `reductions` lists how a batch may combine
    the per-sample costs ("mean", and "sum" for the losses that are per-sample sums)."""

    name: str
    formula: str
    with_numbers: str
    derivative: Callable[[float, float, int], float]
    reductions: tuple[str, ...]


LOSSES: dict[str, LossRule] = {
    rule.name: rule
    for rule in (
        LossRule(
            "half_squared_error", "a_j - y_j", "{a} - {y}", lambda a, y, n: a - y, ("mean", "sum")
        ),
        LossRule(
            "squared_error",
            "2 (a_j - y_j)",
            "2 ({a} - {y})",
            lambda a, y, n: 2 * (a - y),
            ("mean", "sum"),
        ),
        LossRule(
            "mean_squared_error",
            "2 (a_j - y_j)",
            "2 ({a} - {y})",
            lambda a, y, n: 2 * (a - y),
            ("mean",),
        ),
        LossRule(
            "binary_cross_entropy",
            "-(y_j / a_j - (1 - y_j) / (1 - a_j)) / n",
            "-({y} / {a} - (1 - {y}) / (1 - {a})) / {n}",
            lambda a, y, n: -(y / a - (1 - y) / (1 - a)) / n,
            ("mean",),
        ),
        LossRule(
            "hinge_loss",
            "-y_j step(1 - y_j a_j) / n",
            "-{y} step(1 - {y} * {a}) / {n}",
            lambda a, y, n: -y * step(1 - y * a) / n,
            ("mean",),
        ),
    )
}


def _engine_cost(loss: str, reduction: str, outputs: list[list[Value]], targets: Matrix) -> Value:
    """The batch cost built from the engine's own loss functions in `nn`."""
    if loss in ("half_squared_error", "squared_error"):
        per_sample = half_squared_error if loss == "half_squared_error" else squared_error
        total = sum(per_sample(a, y) for a, y in zip(outputs, targets))
        return total / len(outputs) if reduction == "mean" else total
    if loss == "mean_squared_error":
        return mean_squared_error(outputs, targets)
    flat_outputs = [a for sample in outputs for a in sample]
    flat_targets = [y for sample in targets for y in sample]
    batch_loss = binary_cross_entropy if loss == "binary_cross_entropy" else hinge_loss
    return batch_loss(flat_outputs, flat_targets)


# ---------------------------------------------------------------------------
# Activation derivatives: the engine's rule for each activation, evaluated on floats.


def _activation_op(name: str) -> Op | None:
    function = ACTIVATIONS[name]
    return None if function is None else OPS[name]


_ACTIVATION_OPS = {name: _activation_op(name) for name in ACTIVATIONS}


def _g(activation: str, z: float) -> float:
    op = _ACTIVATION_OPS[activation]
    return z if op is None else op.forward(z)


def _g_prime(activation: str, z: float, a: float) -> float:
    op = _ACTIVATION_OPS[activation]
    return 1.0 if op is None else op.derivatives(a, z)[0]


def _g_prime_rule(activation: str) -> str:
    """g'(z) as the engine writes it, in terms of z and a = g(z)."""
    op = _ACTIVATION_OPS[activation]
    return "1" if op is None else str(op.derivatives(Symbol("a"), Symbol("z"))[0])


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
            return getattr(self, kind)[index[0]]
        table = getattr(self, kind)[index[0]]
        for i in index[1:]:
            table = table[i]
        return table

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
        return self.samples[sample].delta[layer]


# ---------------------------------------------------------------------------
# Tables that print in a terminal and render as HTML in Jupyter.


def _number(x: float) -> str:
    return f"{x:.10g}"


def _small(x: float) -> str:
    return f"{x:.1e}"


def _text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells))
    return "\n".join(lines)


def _html_table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td style="text-align:{"left" if i == 0 else "right"}">{html.escape(c)}</td>'
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return (
        f"<table><caption>{html.escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _html_text(text: str) -> str:
    return f"<pre>{html.escape(text)}</pre>"


class _Table:
    """A result shown as a table: a title, `HEADERS`, one row of cells per entry and an
    optional summary line below, as text (`print`) and as HTML (Jupyter)."""

    HEADERS: tuple[str, ...] = ()

    def _title(self) -> str:
        raise NotImplementedError

    def _cells(self) -> list[list[str]]:
        raise NotImplementedError

    def _summary(self) -> str:
        return ""

    def __str__(self) -> str:
        text = f"{self._title()}\n{_text_table(self.HEADERS, self._cells())}"
        return f"{text}\n{self._summary()}" if self._summary() else text

    def _repr_html_(self) -> str:
        summary = f"<p>{html.escape(self._summary())}</p>" if self._summary() else ""
        return _html_table(self._title(), self.HEADERS, self._cells()) + summary

    def __repr__(self) -> str:
        return str(self)


# ---------------------------------------------------------------------------
# The comparison table.


@dataclass(frozen=True)
class ComparisonRow:
    """One parameter: the engine's grad, the equations' value and a central finite difference."""

    label: str
    alias: str
    symbol: str
    engine: float
    equations: float
    finite_difference: float

    @property
    def name(self) -> str:
        """The alias with the label in brackets, or the label alone."""
        return f"{self.alias} ({self.label})" if self.alias else self.label

    @property
    def disagreement(self) -> float:
        """The largest absolute difference between any two of the three numbers."""
        values = (self.engine, self.equations, self.finite_difference)
        return max(values) - min(values)

    @property
    def equations_error(self) -> float:
        """Relative error between the engine and the equations."""
        return relative_error(self.engine, self.equations)

    @property
    def finite_difference_error(self) -> float:
        """Relative error between the engine and the finite difference."""
        return relative_error(self.engine, self.finite_difference)


class Comparison(_Table):
    """The comparison table for every weight and bias of a network."""

    HEADERS = ("parameter", "symbol", "engine grad", "equations", "finite diff", "largest gap")

    def __init__(self, title: str, rows: list[ComparisonRow], h: float) -> None:
        self.title = title
        self.rows = rows
        self.h = h

    @property
    def max_disagreement(self) -> float:
        """The largest absolute gap between the three numbers of any row."""
        return max(row.disagreement for row in self.rows)

    @property
    def max_equations_error(self) -> float:
        """The largest relative error between engine and equations."""
        return max(row.equations_error for row in self.rows)

    @property
    def max_finite_difference_error(self) -> float:
        """The largest relative error between engine and finite difference."""
        return max(row.finite_difference_error for row in self.rows)

    def row(self, name: str) -> ComparisonRow:
        """The row of a parameter, by label ('L1.N0.w2'), alias ('w100') or symbol ('w^1_02')."""
        for row in self.rows:
            if name in (row.label, row.alias, row.symbol):
                return row
        raise DerivationKeyError(
            f"no row for {name!r}: give a label, an alias or a symbol such as w^1_00"
        )

    def _cells(self) -> list[list[str]]:
        return [
            [
                r.name,
                r.symbol,
                _number(r.engine),
                _number(r.equations),
                _number(r.finite_difference),
                _small(r.disagreement),
            ]
            for r in self.rows
        ]

    def _title(self) -> str:
        return self.title

    def _summary(self) -> str:
        return (
            f"largest gap {_small(self.max_disagreement)}; relative error engine vs equations"
            f" {_small(self.max_equations_error)}, engine vs finite difference (h = {self.h:g})"
            f" {_small(self.max_finite_difference_error)}"
        )


# ---------------------------------------------------------------------------
# explain(): one gradient as its chain of factors.


@dataclass(frozen=True)
class PathTerm:
    """One path from a hidden neuron j of layer l to the cost: through neuron i of layer l + 1,
    contributing w^{l+1}_ij delta^{l+1}_i."""

    neuron: int
    weight: float
    delta: float

    @property
    def value(self) -> float:
        """w^{l+1}_ij delta^{l+1}_i."""
        return self.weight * self.delta


@dataclass(frozen=True)
class Factor:
    """A named factor of a gradient: what it is, its symbol, how it is computed, its number.
    `paths` lists the terms of the sum over paths when the factor is a hidden upstream error."""

    name: str
    symbol: str
    formula: str
    value: float
    paths: tuple[PathTerm, ...] = ()


@dataclass(frozen=True)
class Chain:
    """One sample's contribution to a gradient: the product of its factors."""

    sample: int
    factors: tuple[Factor, ...]

    @property
    def product(self) -> float:
        """The product of the factors' values."""
        result = 1.0
        for factor in self.factors:
            result *= factor.value
        return result


class Explanation:
    """dC/dp for one parameter p as the chain rule builds it: per sample, the upstream error
    dC_i/da, the activation derivative g'(z) and (for a weight) the incoming activation; then
    the batch factor. `total` is checked against the engine's `grad`."""

    def __init__(
        self, name: str, symbol: str, chains: list[Chain], batch_factor: float, grad: float
    ) -> None:
        self.name = name
        self.symbol = symbol
        self.chains = chains
        self.batch_factor = batch_factor
        self.grad = grad

    @property
    def factors(self) -> tuple[Factor, ...]:
        """The first sample's factors (the only ones on a one-sample derivation)."""
        return self.chains[0].factors

    def factor(self, name: str, sample: int = 0) -> Factor:
        """The factor called `name` ('upstream error', ...) on one sample."""
        for factor in self.chains[sample].factors:
            if factor.name == name:
                return factor
        raise DerivationKeyError(f"{self.name} has no factor {name!r}")

    @property
    def total(self) -> float:
        """dC/dp by the chain rule: batch_factor * the sum over samples of each chain's product."""
        return self.batch_factor * sum(chain.product for chain in self.chains)

    @property
    def difference(self) -> float:
        """|total - engine grad|."""
        return math.fabs(self.total - self.grad)

    @property
    def agrees(self) -> bool:
        """True when |total - grad| <= 1e-12 max(1, |grad|)."""
        return self.difference <= 1e-12 * max(1.0, math.fabs(self.grad))

    def __str__(self) -> str:
        lines = [f"dC/d{self.name} = dC/d{self.symbol}, by the chain rule"]
        for chain in self.chains:
            if len(self.chains) > 1:
                lines.append(f" sample {chain.sample}:")
            for i, factor in enumerate(chain.factors):
                sign = "  " if i == 0 else "× "
                lines.append(
                    f"  {sign}{factor.name:<22} {factor.symbol:<14} = {factor.formula}"
                    f" = {_number(factor.value)}"
                )
                lines.extend(
                    f"        via neuron {p.neuron}: {_number(p.weight)} × {_number(p.delta)}"
                    f" = {_number(p.value)}"
                    for p in factor.paths
                )
            lines.append(f"  = {_number(chain.product)}")
        if len(self.chains) > 1 or self.batch_factor != 1.0:
            lines.append(
                f" batch: {_number(self.batch_factor)} × the sum over {len(self.chains)} samples"
                f" = {_number(self.total)}"
            )
        verdict = "agrees" if self.agrees else "DISAGREES"
        lines.append(
            f" engine grad {_number(self.grad)}: {verdict} (difference {_small(self.difference)})"
        )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return _html_text(str(self))

    __repr__ = __str__


# ---------------------------------------------------------------------------
# Checking a learner's formula.


@dataclass(frozen=True)
class FormulaCheck:
    """A learner's formula beside the engine's gradient, entry by entry (one entry for a single
    parameter, one per weight for a whole matrix). `error` holds why the formula could not be
    evaluated (a shape that does not fit), in which case it does not agree."""

    target: str
    names: tuple[str, ...]
    formula_values: tuple[float, ...]
    engine_values: tuple[float, ...]
    error: str = ""
    rtol: float = 1e-9

    @property
    def max_disagreement(self) -> float:
        """The largest |formula - engine| over the entries (inf if it could not be evaluated)."""
        if self.error:
            return math.inf
        return max(math.fabs(f - e) for f, e in zip(self.formula_values, self.engine_values))

    @property
    def max_relative_error(self) -> float:
        """The largest relative error over the entries (inf if it could not be evaluated)."""
        if self.error:
            return math.inf
        return max(relative_error(f, e) for f, e in zip(self.formula_values, self.engine_values))

    @property
    def agrees(self) -> bool:
        """True when every entry has |formula - engine| <= rtol max(1, |engine|)."""
        return not self.error and all(
            math.fabs(f - e) <= self.rtol * max(1.0, math.fabs(e))
            for f, e in zip(self.formula_values, self.engine_values)
        )

    def __str__(self) -> str:
        if self.error:
            return f"formula for {self.target}: could not be evaluated: {self.error}"
        if self.agrees:
            verdict = f"agrees with the engine (largest gap {_small(self.max_disagreement)})"
        else:
            verdict = (
                f"DISAGREES with the engine: largest gap {_number(self.max_disagreement)},"
                f" relative error {_number(self.max_relative_error)}"
            )
        rows = [
            [n, _number(f), _number(e), _small(math.fabs(f - e))]
            for n, f, e in zip(self.names, self.formula_values, self.engine_values)
        ]
        table = _text_table(("parameter", "formula", "engine grad", "gap"), rows)
        return f"formula for {self.target}: {verdict}\n{table}"

    def _repr_html_(self) -> str:
        return _html_text(str(self))

    __repr__ = __str__


# ---------------------------------------------------------------------------
# The derivation of one network on one sample or a batch.


@dataclass(frozen=True)
class _Location:
    layer: int
    neuron: int
    input: int | None  # None for the bias

    @property
    def symbol(self) -> str:
        if self.input is None:
            return f"b^{self.layer}_{self.neuron}"
        sep = "" if self.neuron < 10 and self.input < 10 else ","
        return f"w^{self.layer}_{self.neuron}{sep}{self.input}"


Target = Value | str
_ALIAS_SIZES = {"w": 4, "b": 3, "z": 3, "a": 3, "x": 2, "y": 2}


class Derivation:
    """An MLP, data and a loss: the layer-wise equations beside the engine, weight by weight.

    `inputs` is one sample (a list of numbers) or a batch (a list of such lists); `targets`
    matches it (a number or a list per sample). `loss` names a loss of `nn`
    (see `LOSSES`); `reduction` says how the per-sample costs of `half_squared_error` and
    `squared_error` combine over a batch, "mean" or "sum" (the other losses average).
    `aliases` gives textbook names to quantities: name -> ("w", l, j, k), ("b", l, j),
    ("z", l, j), ("a", l, j), ("x", k) or ("y", j).
    """

    def __init__(
        self,
        mlp: MLP,
        inputs: Any,
        targets: Any,
        loss: str = "half_squared_error",
        reduction: str = "mean",
        aliases: dict[str, tuple[Any, ...]] | None = None,
        title: str = "",
    ) -> None:
        if not isinstance(mlp, MLP):
            raise DerivationTypeError(
                f"Derivation needs an nn.MLP, got {type(mlp).__name__}; build one with"
                " nn.MLP(nin, [sizes]) or nn.MLP.from_weights(...)"
            )
        if loss not in LOSSES:
            raise DerivationError(
                f"unknown loss {loss!r}; choose one of {', '.join(map(repr, LOSSES))}"
            )
        if reduction not in LOSSES[loss].reductions:
            raise DerivationError(
                f"{loss} combines a batch by {' or '.join(LOSSES[loss].reductions)},"
                f" not {reduction!r}"
            )
        self.mlp = mlp
        self.loss = loss
        self.reduction = reduction
        self.title = title or f"{mlp!r} with {loss}"
        self.inputs, self.targets = self._samples(inputs, targets)
        self._locations = {
            p: _Location(number, j, k)
            for number, layer in enumerate(mlp.layers, start=1)
            for j, neuron in enumerate(layer.neurons)
            for k, p in [*enumerate(neuron.w), (None, neuron.b)]
            if p is not None
        }
        self.aliases = dict(aliases or {})
        for alias, spec in self.aliases.items():
            if not spec or spec[0] not in _ALIAS_SIZES or len(spec) != _ALIAS_SIZES[spec[0]]:
                raise DerivationError(
                    f"alias {alias!r}: {spec!r} is not one of ('w', l, j, k), ('b', l, j),"
                    " ('z', l, j), ('a', l, j), ('x', k), ('y', j)"
                )
        self._names = {loc: name for name, loc in self._alias_locations().items()}

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
            if self.loss == "binary_cross_entropy" and not all(0 <= t <= 1 for t in y):
                raise DerivationError(f"binary_cross_entropy needs targets in [0, 1], got {y}")
            if self.loss == "hinge_loss" and not all(t in (-1, 1) for t in y):
                raise DerivationError(f"hinge_loss needs labels -1 or +1, got {y}")
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

    # -- the forward pass and the equations -----------------------------------------------

    def quantities(self, sample: int = 0) -> Quantities:
        """One sample's forward pass in floats: z^l = W^l a^{l-1} (+ b^l), a^l = g^l(z^l)."""
        x, y = self.inputs[sample], self.targets[sample]
        w: dict[int, Matrix] = {}
        b: dict[int, Vector | None] = {}
        z: dict[int, Vector] = {}
        a: dict[int, Vector] = {0: list(x)}
        for layer, module in enumerate(self.mlp.layers, start=1):
            neurons = module.neurons
            w[layer] = [[p.data for p in n.w] for n in neurons]
            b[layer] = None if neurons[0].b is None else [n.b.data for n in neurons]
            # The engine's own dot on floats, so z matches the graph's z nodes to the bit.
            z[layer] = [
                dot(row, a[layer - 1], None if b[layer] is None else b[layer][j])
                for j, row in enumerate(w[layer])
            ]
            a[layer] = [_g(n.activation, zj) for n, zj in zip(neurons, z[layer])]
        return Quantities(x, y, w, b, z, a, self.aliases)

    def _activations(self, layer: int) -> list[str]:
        return [n.activation for n in self.mlp.layers[layer - 1].neurons]

    def sample_equations(self, sample: int = 0) -> SampleEquations:
        """Equations (1)-(4) on one sample."""
        q = self.quantities(sample)
        rule = LOSSES[self.loss]
        L = q.L
        g_prime = {
            layer: [
                _g_prime(g, z, a)
                for g, z, a in zip(self._activations(layer), q.z[layer], q.a[layer])
            ]
            for layer in range(1, L + 1)
        }
        if self.loss == "binary_cross_entropy" and not all(0 < a < 1 for a in q.a[L]):
            raise DomainError(
                f"binary_cross_entropy needs outputs strictly between 0 and 1, got {q.a[L]};"
                " use output_activation='sigmoid'"
            )
        output_error = [rule.derivative(a, y, len(q.y)) for a, y in zip(q.a[L], q.y)]
        delta = {L: hadamard(output_error, g_prime[L])}  # (1)
        for layer in range(L - 1, 0, -1):
            delta[layer] = hadamard(
                matvec(transpose(q.w[layer + 1]), delta[layer + 1]), g_prime[layer]
            )  # (2)
        bias_grads = {
            layer: None if q.b[layer] is None else list(delta[layer]) for layer in delta
        }  # (3)
        weight_grads = {layer: outer(delta[layer], q.a[layer - 1]) for layer in delta}  # (4)
        return SampleEquations(q, output_error, g_prime, delta, weight_grads, bias_grads)

    def equations(self) -> Equations:
        """The equations on every sample, and the batch gradients."""
        samples = [self.sample_equations(i) for i in range(self.batch_size)]
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
        bias_grads = {
            layer: None
            if samples[0].bias_grads[layer] is None
            else [
                factor * sum(s.bias_grads[layer][j] for s in samples)
                for j in range(len(samples[0].delta[layer]))
            ]
            for layer in layers
        }
        return Equations(samples, factor, weight_grads, bias_grads)

    def _equations_gradient(self, equations: Equations, p: Value) -> float:
        location = self._locations[p]
        if location.input is None:
            return equations.bias_grads[location.layer][location.neuron]
        return equations.weight_grads[location.layer][location.neuron][location.input]

    # -- the engine and finite differences ------------------------------------------------

    def engine_cost(self) -> Value:
        """The batch cost as a graph, built by the network and the `nn` loss."""
        outputs = [self.mlp.forward(x) for x in self.inputs]
        return _engine_cost(self.loss, self.reduction, outputs, self.targets)

    def engine_gradients(self) -> dict[Value, float]:
        """Zero every parameter's grad, run backward() on the cost, return the grads."""
        cost = self.engine_cost()
        self.mlp.zero_grad()
        cost.backward()
        return {p: p.grad for p in self.parameters()}

    def finite_difference(self, p: Target, h: float = 1e-6) -> float:
        """(C(p + h) - C(p - h)) / 2h with the engine's forward pass; p is restored after."""
        p = self.parameter(p)
        h = _positive(h, "h")
        original = p.data
        try:
            p.data = original + h
            plus = self.engine_cost().data
            p.data = original - h
            minus = self.engine_cost().data
        finally:
            p.data = original
        return (plus - minus) / ((original + h) - (original - h))

    def compare(self, h: float = 1e-6) -> Comparison:
        """Every weight and bias: engine grad, equations, central finite difference (step h)."""
        h = _positive(h, "h")
        equations = self.equations()
        grads = self.engine_gradients()
        rows = [
            ComparisonRow(
                p.label,
                self._names.get(self._locations[p], ""),
                self._locations[p].symbol,
                grads[p],
                self._equations_gradient(equations, p),
                self.finite_difference(p, h),
            )
            for p in self.parameters()
        ]
        samples = "1 sample" if self.batch_size == 1 else f"{self.batch_size} samples"
        return Comparison(f"{self.title}, {samples}", rows, h)

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
            self._display_name(p), location.symbol, chains, equations.batch_factor, grad
        )

    def _chain(self, eq: SampleEquations, sample: int, location: _Location) -> Chain:
        q = eq.quantities
        layer, j = location.layer, location.neuron
        if layer == q.L:
            rule = LOSSES[self.loss]
            numbers = rule.with_numbers.format(
                a=_number(q.a[layer][j]), y=_number(q.y[j]), n=len(q.y)
            )
            upstream = Factor(
                "upstream error",
                f"dC/da^{layer}_{j}",
                f"{rule.formula.replace('_j', f'_{j}')} = {numbers}",
                eq.output_error[j],
            )
        else:
            paths = tuple(
                PathTerm(i, q.w[layer + 1][i][j], eq.delta[layer + 1][i])
                for i in range(len(q.w[layer + 1]))
            )
            upstream = Factor(
                "upstream error",
                f"dC/da^{layer}_{j}",
                f"sum over {len(paths)} paths through layer {layer + 1}:"
                f" sum_i w^{layer + 1}_i{j} delta^{layer + 1}_i",
                matvec(transpose(q.w[layer + 1]), eq.delta[layer + 1])[j],
                paths,
            )
        activation = self._activations(layer)[j]
        derivative = Factor(
            "activation derivative",
            f"g'(z^{layer}_{j})",
            f"{activation}': {_g_prime_rule(activation)} at z = {_number(q.z[layer][j])},"
            f" a = {_number(q.a[layer][j])}",
            eq.g_prime[layer][j],
        )
        factors = [upstream, derivative]
        if location.input is not None:
            k = location.input
            name = f"x_{k}" if layer == 1 else f"a^{layer - 1}_{k}"
            factors.append(
                Factor("incoming activation", name, _incoming(layer, k), q.a[layer - 1][k])
            )
        return Chain(sample, tuple(factors))

    def check_formula(
        self, target: Target, formula: Callable[[Quantities], Any], rtol: float = 1e-9
    ) -> FormulaCheck:
        """Compare a learner's formula for one sample's gradient with the engine's batch grad.

        `target` is a parameter (a Value, label or alias; the formula returns a number) or
        "W<l>" / "b<l>" (the formula returns that layer's matrix / vector). `formula(q)` gets one
        sample's `Quantities`; over a batch its values are combined as the loss combines the
        per-sample costs (their mean or sum). Agreement: |formula - grad| <= rtol max(1, |grad|).
        """
        parameters, label = self._target(target)
        engine = self.engine_gradients()
        names = tuple(self._display_name(p) for p in parameters)
        engine_values = tuple(engine[p] for p in parameters)
        try:
            per_sample = [
                _flatten(formula(self.quantities(i)), len(parameters), label)
                for i in range(self.batch_size)
            ]
        except ShapeError as error:
            return FormulaCheck(label, names, (), engine_values, str(error), rtol)
        values = tuple(
            self.batch_factor * sum(s[n] for s in per_sample) for n in range(len(parameters))
        )
        return FormulaCheck(label, names, values, engine_values, "", rtol)

    def _target(self, target: Target) -> tuple[list[Value], str]:
        if isinstance(target, str) and target[:1] in ("W", "b") and target[1:].isdigit():
            layer = int(target[1:])
            if not 1 <= layer <= len(self.mlp.layers):
                raise DerivationError(
                    f"{target}: this network has layers 1 to {len(self.mlp.layers)}"
                )
            neurons = self.mlp.layers[layer - 1].neurons
            if target[0] == "W":
                return [p for n in neurons for p in n.w], f"dC/d{target}"
            if neurons[0].b is None:
                raise DerivationError(f"{target}: layer {layer} has no biases")
            return [n.b for n in neurons], f"dC/d{target}"
        p = self.parameter(target)
        return [p], f"dC/d{self._display_name(p)}"

    def __repr__(self) -> str:
        return f"<Derivation: {self.title}, {self.batch_size} sample(s)>"


def _incoming(layer: int, k: int) -> str:
    return f"input {k} of the network" if layer == 1 else f"output {k} of layer {layer - 1}"


def _flatten(result: Any, count: int, label: str) -> list[float]:
    """A formula's number, vector or matrix as a flat list in parameter order (row by row)."""
    if isinstance(result, str):
        raise DerivationTypeError(f"the formula for {label} must return numbers, got {result!r}")
    if isinstance(result, Sequence):
        flat = [x for row in result for x in (row if isinstance(row, Sequence) else [row])]
    else:
        flat = [result]
    if len(flat) != count:
        raise ShapeError(f"the formula gave {len(flat)} numbers; {label} has {count}")
    try:
        return [float(x) for x in flat]
    except (TypeError, ValueError):
        raise DerivationTypeError(
            f"the formula for {label} must return numbers, got {result!r}"
        ) from None


def _numbers(x: Any, what: str) -> Vector:
    values = x if isinstance(x, Sequence) and not isinstance(x, str) else [x]
    result = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, float, Value)):
            raise DerivationTypeError(f"{what} must be numbers, got {type(v).__name__} {v!r}")
        number = float(v)
        if not math.isfinite(number):
            raise NonFiniteError(f"{what} must be finite numbers, got {number}")
        result.append(number)
    return result


def _positive(h: Any, name: str) -> float:
    if isinstance(h, bool) or not isinstance(h, (int, float)) or not 0 < h < math.inf:
        raise DerivationError(f"{name} must be a small positive number such as 1e-6, got {h!r}")
    return float(h)


# ---------------------------------------------------------------------------
# The nudge check.


@dataclass(frozen=True)
class NudgeRow:
    """A node's value, its derivative with respect to the leaf, and its change when the leaf
    moves by h: predicted (derivative × h) and actual."""

    name: str
    value: float
    derivative: float
    predicted: float
    actual: float

    @property
    def gap(self) -> float:
        """actual - predicted: what the first-order prediction misses."""
        return self.actual - self.predicted


class Nudge(_Table):
    """Every node that depends on a leaf: what its derivative predicts for a nudge, and what
    happens. The last row is the root."""

    HEADERS = ("node", "value", "d node/d leaf", "predicted change", "actual change", "gap")

    def __init__(self, leaf: str, h: float, rows: list[NudgeRow]) -> None:
        self.leaf = leaf
        self.h = h
        self.rows = rows

    @property
    def root(self) -> NudgeRow:
        """The root's row (the last one)."""
        return self.rows[-1]

    def _cells(self) -> list[list[str]]:
        return [
            [
                r.name,
                _number(r.value),
                _number(r.derivative),
                _number(r.predicted),
                _number(r.actual),
                _small(r.gap),
            ]
            for r in self.rows
        ]

    def _title(self) -> str:
        return f"nudging {self.leaf} by h = {self.h:g}"


def nudge(root: Value, leaf: Value, h: float = 1e-3) -> Nudge:
    """For every node between `leaf` and `root`: its derivative with respect to the leaf (a
    forward pass of the engine's local derivatives), times h, beside the change the node
    actually shows when the forward pass is replayed with leaf + h. Nothing is modified."""
    if not isinstance(root, Value) or not isinstance(leaf, Value):
        raise DerivationTypeError("nudge(root, leaf, h) needs two Values")
    if not leaf.is_leaf:
        raise DerivationError(
            f"nudge: {leaf.label or 'the node'} was made by {leaf.op!r}; nudge a leaf (an input or"
            " a weight) so that everything downstream can be recomputed"
        )
    if isinstance(h, bool) or not isinstance(h, (int, float)) or h == 0 or not math.isfinite(h):
        raise DerivationError(f"nudge: h must be a non-zero finite number, got {h!r}")
    order = topological_order(root)
    if leaf not in set(order):
        raise DerivationError(f"nudge: {leaf.label or 'the leaf'} is not part of the graph of root")
    derivative: dict[Value, float] = {leaf: 1.0}
    nudged: dict[Value, float] = {leaf: leaf.data + h}
    rows = [NudgeRow(leaf.label or "the leaf", leaf.data, 1.0, h, (leaf.data + h) - leaf.data)]
    for index, node in enumerate(order):
        if node is leaf or node.is_leaf:
            continue
        operands = node.operands
        if not any(type(x) is Value and x in derivative for x in operands):
            continue
        local = local_derivatives(node)
        derivative[node] = sum(
            d * derivative[x]
            for x, d in zip(operands, local)
            if type(x) is Value and x in derivative
        )
        new_datas = [nudged.get(x, x.data) if type(x) is Value else x for x in operands]
        try:
            nudged[node] = node.operation.forward(*new_datas)
        except (ValueError, ZeroDivisionError):
            raise DomainError(
                f"nudge: with the leaf moved by {h:g}, {node.op} leaves its domain; use a smaller h"
            ) from None
        except OverflowError:
            nudged[node] = math.inf
        if nudged[node] - nudged[node] != 0.0:
            raise NonFiniteError(
                f"nudge: with the leaf moved by {h:g}, {node.op} overflows; use a smaller h"
            )
        name = node.label or f"[{index}] {node.operation}"
        rows.append(
            NudgeRow(
                name, node.data, derivative[node], derivative[node] * h, nudged[node] - node.data
            )
        )
    if root not in derivative:
        raise DerivationError("nudge: the root does not depend on the leaf")
    return Nudge(leaf.label or "the leaf", h, rows)


# ---------------------------------------------------------------------------
# The four networks of the published derivations.


def _rounded(rng: random.Random, rows: int, columns: int) -> Matrix:
    return [[round(rng.uniform(-1, 1), 2) for _ in range(columns)] for _ in range(rows)]


def network_a(batch: bool = False) -> Derivation:
    """A, the matrix form: x1 = f1(W1 x0), x2 = f2(W2 x1), x3 = f3(W3 x2), no biases, with W1 5x4,
    W2 3x5, W3 2x3, f1 = f2 = tanh, f3 = sigmoid, E = 1/2 ||x3 - t||^2 (summed over a batch of
    three samples with `batch=True`)."""
    rng = random.Random(1)
    weights = [_rounded(rng, 5, 4), _rounded(rng, 3, 5), _rounded(rng, 2, 3)]
    mlp = MLP.from_weights(weights, None, "tanh", "sigmoid")
    inputs = [[0.5, -1.0, 0.25, 2.0], [1.0, 0.3, -0.7, 0.0], [-0.4, 0.8, 1.5, -1.2]]
    targets = [[0.2, 0.9], [0.7, 0.1], [0.5, 0.5]]
    if not batch:
        inputs, targets = inputs[0], targets[0]
    return Derivation(
        mlp, inputs, targets, "half_squared_error", "sum", title="A: matrix form, 4-5-3-2"
    )


def network_b(batch_size: int = 4) -> Derivation:
    """B, the per-node form: 3 inputs, hidden layers of 4 and 3 tanh neurons, 2 sigmoid outputs,
    with biases; C_i = sum_j (a^L_j - y_j)^2 (no 1/2) averaged over `batch_size` samples.
    Aliases name B's example weights: "w^L_12" (L3.N1.w2) and "w^L-1_22" (L2.N2.w2)."""
    if type(batch_size) is not int or not 1 <= batch_size <= 16:
        raise DerivationError(
            f"network_b: batch_size must be an int from 1 to 16, got {batch_size!r}"
        )
    rng = random.Random(2)
    sizes = [3, 4, 3, 2]
    weights = [_rounded(rng, sizes[i + 1], sizes[i]) for i in range(3)]
    biases = [[round(rng.uniform(-0.5, 0.5), 2) for _ in range(n)] for n in sizes[1:]]
    mlp = MLP.from_weights(weights, biases, "tanh", "sigmoid")
    inputs = [[round(rng.uniform(-1, 1), 2) for _ in range(3)] for _ in range(batch_size)]
    targets = [[float(i % 2), float((i + 1) % 2)] for i in range(batch_size)]
    aliases = {"w^L_12": ("w", 3, 1, 2), "w^L-1_22": ("w", 2, 2, 2)}
    return Derivation(
        mlp, inputs, targets, "squared_error", "mean", aliases, "B: per-node form, 3-4-3-2"
    )


#: Network C's weights, w{layer}{from}{to}, and its input and targets.
NETWORK_C_WEIGHTS = {
    "w000": 0.3, "w010": -0.2, "w001": 0.5, "w011": 0.4,
    "w100": 0.7, "w110": -0.6, "w101": -0.3, "w111": 0.8,
}  # fmt: skip
NETWORK_C_INPUT = (0.6, -0.4)
NETWORK_C_TARGET = (0.9, 0.1)


def network_c() -> Derivation:
    """C: the 2-2-2 sigmoid network without biases, inputs x0, x1, hidden y0, y1, outputs z0, z1,
    E = 1/2 (z0 - z0_desired)^2 + 1/2 (z1 - z1_desired)^2. Weight w{layer}{from}{to} goes from
    neuron `from` to neuron `to` (w100: y0 -> z0). Every name is an alias: w000..w111, x0, x1,
    y0, y1, z0, z1, the pre-activations y0s, y1s, z0s, z1s and z0_desired, z1_desired."""
    w = NETWORK_C_WEIGHTS
    weights = [
        [[w["w000"], w["w010"]], [w["w001"], w["w011"]]],
        [[w["w100"], w["w110"]], [w["w101"], w["w111"]]],
    ]
    mlp = MLP.from_weights(weights, None, "sigmoid", "sigmoid")
    aliases: dict[str, tuple[Any, ...]] = {}
    for layer in (0, 1):
        for source in (0, 1):
            for to in (0, 1):
                aliases[f"w{layer}{source}{to}"] = ("w", layer + 1, to, source)
    for i in (0, 1):
        aliases[f"x{i}"] = ("x", i)
        aliases[f"y{i}"] = ("a", 1, i)
        aliases[f"y{i}s"] = ("z", 1, i)
        aliases[f"z{i}"] = ("a", 2, i)
        aliases[f"z{i}s"] = ("z", 2, i)
        aliases[f"z{i}_desired"] = ("y", i)
    return Derivation(
        mlp,
        list(NETWORK_C_INPUT),
        list(NETWORK_C_TARGET),
        "half_squared_error",
        aliases=aliases,
        title="C: the 2-2-2 sigmoid network",
    )


#: Network D's weights W^1 (4x3), W^2 (2x4), biases, input and target.
NETWORK_D_WEIGHTS = (
    [[0.2, -0.4, 0.7], [0.5, 0.1, -0.3], [-0.6, 0.8, 0.2], [0.3, 0.3, -0.9]],
    [[0.6, -0.2, 0.4, 0.9], [-0.5, 0.7, 0.1, -0.3]],
)
NETWORK_D_BIASES = ([0.1, -0.2, 0.05, 0.3], [-0.1, 0.2])
NETWORK_D_INPUT = (1.0, 0.5, -0.5)
NETWORK_D_TARGET = (1.0, 0.0)


def network_d() -> Derivation:
    """D, the four equations: a 3-4-2 sigmoid network with biases, C = 1/2 sum_j (y_j - a^L_j)^2."""
    mlp = MLP.from_weights(NETWORK_D_WEIGHTS, NETWORK_D_BIASES, "sigmoid", "sigmoid")
    return Derivation(
        mlp,
        list(NETWORK_D_INPUT),
        list(NETWORK_D_TARGET),
        "half_squared_error",
        title="D: the four equations, 3-4-2",
    )

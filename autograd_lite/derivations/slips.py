"""The slips hand-derived gradients are known for, and how to recognise one by its numbers.

Each kind of slip is a `SlipKind`. A structural slip is a small `Rules` subclass that does one
step of the equations wrong (g' applied to z, another layer's g' or z, W for W^T, one path of
a sum, a wrong index, a cost without its square, ...); a constant slip multiplies the
gradient (the sign, a factor 2 or 1/2, a factor N or 1/N). A formula that disagrees with the
engine is compared with what the equations give after each: the fewest slips that reproduce
every number of the formula are its diagnosis.
"""

from __future__ import annotations

import enum
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import DerivationTypeError
from .backprop import Rules
from .losses import Loss
from .matrices import Matrix, Vector, matvec
from .notation import Kind, Names
from .quantities import LayerSnapshot, Quantities, g, g_prime, g_prime_rule

__all__ = [
    "TRANSPOSED",
    "Candidate",
    "Slip",
    "SlipKind",
    "Variant",
    "constant_slips",
    "diagnose",
    "structural_variants",
]


class SlipKind(enum.Enum):
    """Every slip `check_formula` names; the value is the short name in `FormulaCheck.patterns`."""

    SIGN = "sign"
    TWO = "factor 2"
    HALF = "factor 1/2"
    ONE_OVER_N = "1/N"
    ZERO = "zero"
    AT_Z = "derivative at z"
    OTHER_DERIVATIVE = "wrong layer's derivative"
    OTHER_PATTERN = "wrong activation's pattern"
    WRONG_Z = "wrong layer's z"
    EQUATION_2 = "equation (2) with delta^L"
    W_VS_WT = "W vs W^T"
    MISSING_PATH = "missing path"
    WRONG_INDEX = "wrong index"
    MISSING_SQUARE = "missing square"
    ONE_SAMPLE = "one sample"


@dataclass(frozen=True)
class Slip:
    """One slip found: its kind and what the formula did, in the derivation's own names."""

    kind: SlipKind
    explanation: str

    def __post_init__(self) -> None:
        if not isinstance(self.kind, SlipKind):
            raise DerivationTypeError(
                f"a slip's kind must be a SlipKind (one of {', '.join(k.name for k in SlipKind)}),"
                f" got {type(self.kind).__name__} {self.kind!r}"
            )

    @property
    def pattern(self) -> str:
        """The slip's short name: 'sign', 'factor 2', 'W vs W^T', ..."""
        return self.kind.value


@dataclass(frozen=True)
class Candidate:
    """What the equations give after some structural slips (none for the correct gradient)."""

    slips: tuple[Slip, ...]
    values: tuple[float, ...]


# ---------------------------------------------------------------------------
# Structural slips: each a variant of the equations' rules.


class Variant(Rules):
    """The equations with one step done wrong at layer `layer`; `other` says which other
    layer, neuron, activation or index the slip used instead."""

    kind: SlipKind

    def __init__(self, layer: int, other: int | str = 0) -> None:
        self.layer, self.other = layer, other

    def slip(self, names: Names, layers: Sequence[LayerSnapshot]) -> Slip:
        """The slip this variant makes, in the derivation's names."""
        return Slip(self.kind, self.explain(names, layers))

    def explain(self, names: Names, layers: Sequence[LayerSnapshot]) -> str:
        raise NotImplementedError


class AtZ(Variant):
    kind = SlipKind.AT_Z

    def derivative(self, q: Quantities, layers: Sequence[LayerSnapshot], l: int) -> Vector:  # noqa: E741
        if l != self.layer:
            return super().derivative(q, layers, l)
        return [g_prime(n, z, z) for n, z in zip(layers[l - 1].activations, q.z[l])]

    def explain(self, names: Names, layers: Sequence[LayerSnapshot]) -> str:
        activation = layers[self.layer - 1].activations[0]
        z, a = (
            names.write(Kind.PRE_ACTIVATION, self.layer),
            names.write(Kind.ACTIVATION, self.layer),
        )
        return (
            f"{activation}' at layer {self.layer} is applied to the pre-activation: its rule"
            f" {g_prime_rule(activation, a, z)} needs the activation {a} = {activation}({z}),"
            f" not {z}"
        )


class OtherDerivative(Variant):
    kind = SlipKind.OTHER_DERIVATIVE

    def derivative(self, q: Quantities, layers: Sequence[LayerSnapshot], l: int) -> Vector:  # noqa: E741
        if l != self.layer:
            return super().derivative(q, layers, l)
        other = layers[int(self.other) - 1].activations[0]
        return [g_prime(other, z, g(other, z)) for z in q.z[l]]

    def explain(self, names: Names, layers: Sequence[LayerSnapshot]) -> str:
        other = layers[int(self.other) - 1].activations[0]
        return (
            f"layer {self.other}'s activation derivative ({other}') is used at layer"
            f" {self.layer}, whose activation is {layers[self.layer - 1].activations[0]}"
        )


class OtherPattern(Variant):
    kind = SlipKind.OTHER_PATTERN

    def derivative(self, q: Quantities, layers: Sequence[LayerSnapshot], l: int) -> Vector:  # noqa: E741
        if l != self.layer:
            return super().derivative(q, layers, l)
        return [g_prime(str(self.other), z, a) for z, a in zip(q.z[l], q.a[l])]

    def explain(self, names: Names, layers: Sequence[LayerSnapshot]) -> str:
        own = layers[self.layer - 1].activations[0]
        z, a = (
            names.write(Kind.PRE_ACTIVATION, self.layer),
            names.write(Kind.ACTIVATION, self.layer),
        )
        return (
            f"{self.other}'s pattern {g_prime_rule(str(self.other), a, z)} is applied to"
            f" layer {self.layer}'s output {a} = {own}({z}); {own}' is"
            f" {g_prime_rule(own, a, z)}"
        )


def _entry(values: Vector, j: int) -> float:
    """values[j], or nan where the slip's index does not exist (a candidate that cannot match)."""
    return values[j] if j < len(values) else math.nan


class WrongZ(Variant):
    kind = SlipKind.WRONG_Z

    def derivative(self, q: Quantities, layers: Sequence[LayerSnapshot], l: int) -> Vector:  # noqa: E741
        if l != self.layer:
            return super().derivative(q, layers, l)
        z = q.z[int(self.other)]
        return [
            g_prime(n, _entry(z, j), g(n, _entry(z, j)))
            for j, n in enumerate(layers[l - 1].activations)
        ]

    def explain(self, names: Names, layers: Sequence[LayerSnapshot]) -> str:
        m = int(self.other)
        right, wrong = (names.write(Kind.PRE_ACTIVATION, n) for n in (self.layer, m))
        return (
            f"layer {self.layer}'s activation derivative is taken at layer {m}'s"
            f" pre-activation ({wrong}) where its own ({right}) belongs"
        )


class Equation2AsPrinted(Variant):
    """delta^l = ((W^{l+1})^T delta^L) ⊙ g^L'(z^L): equation (2) printed with L for l + 1 and l."""

    kind = SlipKind.EQUATION_2

    def derivative(self, q: Quantities, layers: Sequence[LayerSnapshot], l: int) -> Vector:  # noqa: E741
        if l != self.layer:
            return super().derivative(q, layers, l)
        return super().derivative(q, layers, q.L)

    def upstream(self, q: Quantities, delta: dict[int, Vector], l: int) -> Vector:  # noqa: E741
        if l != self.layer:
            return super().upstream(q, delta, l)
        return super().upstream(q, {**delta, l + 1: delta[q.L]}, l)

    def explain(self, names: Names, layers: Sequence[LayerSnapshot]) -> str:
        L, l = len(layers), self.layer  # noqa: E741
        return (
            f"equation (2) as printed with L (here {L}): delta^{l} = ((W^{l + 1})^T delta^L) ⊙"
            f" g'(z^L). It needs delta^{l + 1} and layer {l}'s own g'(z^{l}); the printed line"
            " fits the shapes only because the layers have the same size, and gives other"
            " numbers"
        )


class WNotTransposed(Variant):
    kind = SlipKind.W_VS_WT

    def upstream(self, q: Quantities, delta: dict[int, Vector], l: int) -> Vector:  # noqa: E741
        if l != self.layer:
            return super().upstream(q, delta, l)
        return matvec(q.w[l + 1], delta[l + 1])

    def explain(self, names: Names, layers: Sequence[LayerSnapshot]) -> str:
        l, n = self.layer, len(layers[self.layer - 1].activations)  # noqa: E741
        columns = "; ".join(
            f"{names.write(Kind.ACTIVATION, l, j)}: "
            + ", ".join(names.write_all(Kind.WEIGHT, [(l + 1, i, j) for i in range(n)]))
            for j in range(n)
        )
        return (
            f"W^{l + 1} where (W^{l + 1})^T belongs: neuron j of layer {l} reaches layer {l + 1}"
            f" through the weights out of it, column j of W^{l + 1}, not row j ({columns})"
        )


class OnePath(Variant):
    kind = SlipKind.MISSING_PATH

    def upstream(self, q: Quantities, delta: dict[int, Vector], l: int) -> Vector:  # noqa: E741
        if l != self.layer:
            return super().upstream(q, delta, l)
        i, w = int(self.other), q.w[l + 1]
        return [w[i][j] * delta[l + 1][i] for j in range(len(w[0]))]

    def explain(self, names: Names, layers: Sequence[LayerSnapshot]) -> str:
        l = self.layer  # noqa: E741
        return (
            f"only the path through {names.write(Kind.ACTIVATION, l + 1, int(self.other))}: each"
            f" neuron of layer {l} feeds all {len(layers[l].activations)} neurons of layer"
            f" {l + 1}, and the paths add up"
        )


class WrongTarget(Variant):
    """The output error with y_{j + other} (mod the outputs) in place of y_j."""

    kind = SlipKind.WRONG_INDEX

    def output_error(self, q: Quantities, loss: Loss) -> Vector:
        n, shift = len(q.y), int(self.other)
        return loss.output_error(q.a[q.L], [q.y[(j + shift) % n] for j in range(n)])

    def explain(self, names: Names, layers: Sequence[LayerSnapshot]) -> str:
        n = len(layers[-1].activations)
        right, wrong = (
            names.write(Kind.TARGET, j=0),
            names.write(Kind.TARGET, j=int(self.other) % n),
        )
        output = names.write(Kind.ACTIVATION, len(layers), 0)
        return (
            f"a wrong target index: an output is compared with another output's target (such as"
            f" {output} - {wrong} where {output} - {right} belongs); each output pairs with its"
            " own target"
        )


class SwappedIndices(Variant):
    """(4) with j and k swapped: dC/dw^l_jk = a^{l-1}_j delta^l_k."""

    kind = SlipKind.WRONG_INDEX

    def weight_gradient(self, delta: Vector, incoming: Vector) -> Matrix:
        return [
            [_entry(delta, k) * _entry(incoming, j) for k in range(len(incoming))]
            for j in range(len(delta))
        ]

    def explain(self, names: Names, layers: Sequence[LayerSnapshot]) -> str:
        return (
            "j and k swapped: dC/dw_jk = delta_j a_k, the error of neuron j (the weight's"
            " destination) times the activation of input k (its source), not delta_k a_j"
        )


class MissingSquare(Variant):
    """The output error of the cost written without its square: d/da of (a - y) is 1."""

    kind = SlipKind.MISSING_SQUARE

    def output_error(self, q: Quantities, loss: Loss) -> Vector:
        assert loss.unsquared is not None  # made only for the squared losses
        return [loss.unsquared(a, y, len(q.y)) for a, y in zip(q.a[q.L], q.y)]

    def explain(self, names: Names, layers: Sequence[LayerSnapshot]) -> str:
        a = names.write(Kind.ACTIVATION, len(layers), 0)
        y = names.write(Kind.TARGET, j=0)
        return (
            f"the cost's error is not squared: d/d{a} of ({a} - {y}) is a constant (1, times the"
            f" cost's factor), but the cost squares the error, so its derivative keeps the"
            f" factor ({a} - {y})"
        )


def structural_variants(layers: Sequence[LayerSnapshot], loss: Loss) -> list[Variant]:
    """Every structural slip a network of these layers, with this loss, can show."""
    L = len(layers)
    sizes = [len(layer.activations) for layer in layers]
    activation = [layer.activations[0] for layer in layers]
    variants: list[Variant] = []
    for l in range(1, L + 1):  # noqa: E741
        variants.append(AtZ(l))
        variants += [OtherDerivative(l, m) for m in range(1, L + 1)
                     if activation[m - 1] != activation[l - 1]]  # fmt: skip
        variants += [OtherPattern(l, name) for name in ("sigmoid", "tanh")
                     if name != activation[l - 1]]  # fmt: skip
        if l < L and sizes[l - 1] == sizes[l] == sizes[-1]:
            variants.append(Equation2AsPrinted(l))
        variants += [WrongZ(l, m) for m in range(1, L + 1) if m != l]
    for l in range(1, L):  # noqa: E741
        if sizes[l] == sizes[l - 1]:
            variants.append(WNotTransposed(l))
        if sizes[l] > 1:
            variants += [OnePath(l, i) for i in range(sizes[l])]
    variants += [WrongTarget(L, shift) for shift in range(1, sizes[-1])]
    variants.append(SwappedIndices(0))
    if loss.unsquared is not None:
        variants.append(MissingSquare(L))
    return variants


#: A whole gradient matrix given transposed.
TRANSPOSED = Slip(
    SlipKind.W_VS_WT,
    "the gradient is transposed: row j of dC/dW belongs to neuron j (delta_j times each"
    " incoming activation a_k), so dC/dW = delta a^T, not a delta^T",
)


# ---------------------------------------------------------------------------
# Constant slips, and the diagnosis.

TWO = Slip(
    SlipKind.TWO,
    "a factor 2 too many (formula = 2 × gradient): a term counted twice, or the 2 of a square"
    " kept where a 1/2 in the cost cancels it",
)
HALF = Slip(
    SlipKind.HALF,
    "a factor 2 missing (formula = gradient / 2): the 2 of a square dropped where the cost has"
    " no 1/2 to cancel it, or a 1/2 applied that the cost does not have (or applied twice)",
)
ZERO = Slip(SlipKind.ZERO, "the formula gives 0 where the gradient is not 0")


def constant_slips(
    batch_size: int, mean: bool, difference: tuple[str, str] = ("y - a", "a - y")
) -> list[tuple[float, tuple[Slip, ...]]]:
    """Every constant a slip multiplies a gradient by, with the slips that make it: the sign
    (a `difference` written the wrong way round: (wrong, right)), 2 or 1/2, and for a batch of
    N > 1 a forgotten or extra 1/N."""
    n = batch_size
    wrong, right = difference
    flipped = Slip(
        SlipKind.SIGN,
        f"the sign is flipped (formula = -1 × gradient): a difference written the wrong way"
        f" round, such as {wrong} where {right} belongs",
    )
    batch: list[tuple[float, tuple[Slip, ...]]] = [(1.0, ())]
    over_n = SlipKind.ONE_OVER_N
    if n > 1 and mean:
        batch.append(
            (n, (Slip(over_n, f"the 1/N is missing (formula = N × gradient, N = {n}): the batch"
                              " cost is the mean of the samples' costs, so is its gradient"),))
        )  # fmt: skip
        batch.append(
            (1 / n, (Slip(over_n, f"an extra 1/N (formula = gradient / N, N = {n}): the batch"
                                  " gradient is the mean already"),))
        )  # fmt: skip
    elif n > 1:
        batch.append(
            (1 / n, (Slip(over_n, f"a 1/N too many (formula = gradient / N, N = {n}): this"
                                  " batch cost is the sum of the samples' costs, not their mean"),))
        )  # fmt: skip
    sign: list[tuple[float, tuple[Slip, ...]]] = [(1.0, ()), (-1.0, (flipped,))]
    two: list[tuple[float, tuple[Slip, ...]]] = [(1.0, ()), (2.0, (TWO,)), (0.5, (HALF,))]
    return [
        (s * t * b, s_slips + t_slips + b_slips)
        for (s, s_slips), (t, t_slips), (b, b_slips) in itertools.product(sign, two, batch)
    ]


def diagnose(
    values: Sequence[float],
    engine: Sequence[float],
    candidates: Sequence[Candidate],
    constants: Sequence[tuple[float, tuple[Slip, ...]]],
    tolerance: float,
    rtol: float,
) -> tuple[Slip, ...]:
    """The fewest slips whose candidate, times a constant, gives every one of `values` (to
    `tolerance`, or rtol times the candidate's size); () when no combination does."""
    best: tuple[Slip, ...] | None = None
    for candidate, (factor, slips) in itertools.product(candidates, constants):
        combined = candidate.slips + slips
        if not combined or (best is not None and len(combined) >= len(best)):
            continue
        expected = [factor * v for v in candidate.values]
        scale = max(tolerance, rtol * max(map(math.fabs, expected), default=0.0))
        if all(math.fabs(f - e) <= scale for f, e in zip(values, expected)):
            best = combined
    if best is None and all(v == 0 for v in values) and any(e != 0 for e in engine):
        return (ZERO,)
    return best or ()

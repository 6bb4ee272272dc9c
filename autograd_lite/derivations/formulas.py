"""check_formula: a learner's formula for a gradient beside the engine's, diagnosed.

A target is one parameter, a layer's W^l, b^l or [W^l b^l], or one sample's delta^l (dC/dz^l)
or dC/da^l. The formula's numbers are compared with the engine's; when they disagree, with
what the equations give after each known slip (`slips`), and the fewest slips that
reproduce them are the diagnosis.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import TYPE_CHECKING, Any

from ..engine import Value, as_float, as_value
from ..errors import DerivationError, DerivationTypeError, ShapeError
from ..functional import grad
from .backprop import CORRECT, Equations, SampleEquations
from .matrices import shape
from .notation import Kind
from .quantities import LayerSnapshot, Quantities, g_prime, snapshot
from .reports import FactorCheck, FormulaCheck
from .slips import (
    TRANSPOSED,
    AtZ,
    Candidate,
    Slip,
    SlipKind,
    Variant,
    constant_slips,
    diagnose,
    structural_variants,
)

if TYPE_CHECKING:
    from .equations import Derivation, Target

__all__ = ["check_formula"]


@dataclass(frozen=True)
class Goal:
    """What a formula must give: its name, its entries' names, the shape of one result, the
    engine's numbers, and how to read the same entries from the equations. A `per_sample`
    goal (delta^l, dC/da^l) is checked sample by sample instead of combined over the batch."""

    label: str
    names: tuple[str, ...]
    shape: tuple[int, ...]
    engine: tuple[float, ...]
    of: Callable[[Equations | SampleEquations], tuple[float, ...]]
    parameters: tuple[Value, ...] = ()
    per_sample: bool = False


_LAYER_TARGET = re.compile(r"(Wb|W|b|delta|dz|da)([0-9]+)")


def goal(derivation: Derivation, target: Target) -> Goal:
    """The goal `target` names: a parameter (itself, its label or alias: these come first, so
    Mazur's bias "b1" is his bias), "W<l>", "b<l>", "Wb<l>", "delta<l>", "dC/dz<l>" or
    "dC/da<l>" (C, or the notation's name of the cost)."""
    if not isinstance(target, (str, Value)):
        raise DerivationTypeError(
            f"check_formula: the target must be a parameter, its name, or 'W2', 'b2', 'delta2',"
            f" 'dC/da2'...; got {type(target).__name__} {target!r:.60}"
        )
    cost = derivation.notation.cost
    name = target if isinstance(target, str) else ""
    for prefix in ("dC/", f"d{cost}/"):
        if name.startswith(prefix) and name[len(prefix) :].startswith(("dz", "da")):
            name = name[len(prefix) :]
    found = _LAYER_TARGET.fullmatch(name)
    if found and not any(target in (p.label, derivation.name(p).alias) for p in derivation.uses):
        return _layer_goal(derivation, str(target), found.group(1), int(found.group(2)), cost)
    p = derivation.parameter(target)
    return Goal(
        derivation.name(p).gradient,
        (derivation.name(p).display,),
        (),
        (derivation.engine_gradients()[p],),
        lambda eq: (derivation.equations_gradient(eq, p),),
        (p,),
    )


def _layer_goal(derivation: Derivation, target: str, kind: str, layer: int, cost: str) -> Goal:
    """A whole layer's goal: W^l, b^l, [W^l b^l], delta^l or dC/da^l."""
    if not 1 <= layer <= len(derivation.mlp.layers):
        raise DerivationError(
            f"{target}: this network has layers 1 to {len(derivation.mlp.layers)}"
        )
    if kind in ("delta", "dz", "da"):
        return _node_goal(derivation, "a" if kind == "da" else "z", layer, cost)
    neurons = derivation.mlp.layers[layer - 1].neurons
    label = f"d{cost}/d{target}"
    if kind != "W" and neurons[0].b is None:
        raise DerivationError(f"{target}: layer {layer} has no biases")
    rows: list[list[Value]] = {
        "W": [n.w for n in neurons],
        "b": [[n.b] for n in neurons if n.b is not None],
        "Wb": [[*n.w, n.b] for n in neurons if n.b is not None],
    }[kind]
    parameters = tuple(p for row in rows for p in row)
    shared = [p for p in parameters if len(derivation.uses[p]) > 1]
    if shared:
        raise DerivationError(
            f"{target} holds {shared[0].label}, which the network uses in several places: its"
            f" gradient is the sum over its uses, not one entry of {target}. Check it by name:"
            f" check_formula({shared[0].label!r}, ...)"
        )
    size = (len(rows),) if kind == "b" else (len(rows), len(rows[0]))
    engine = derivation.engine_gradients()
    return Goal(
        label,
        tuple(derivation.name(p).display for p in parameters),
        size,
        tuple(engine[p] for p in parameters),
        lambda eq: tuple(derivation.equations_gradient(eq, p) for p in parameters),
        parameters,
    )


def _node_goal(derivation: Derivation, kind: str, layer: int, cost: str) -> Goal:
    """delta^l = dC_i/dz^l or dC_i/da^l on every sample: the engine's gradient of the sample's
    own cost with respect to the nodes of layer l in its graph."""
    neurons = derivation.mlp.layers[layer - 1].neurons
    engine: list[float] = []
    for x, y in zip(derivation.inputs, derivation.targets):
        activations = [derivation.mlp.layers[0].forward(x)]
        for module in derivation.mlp.layers[1:]:
            activations.append(module.forward(activations[-1]))
        cost_i = derivation.loss_rule.batch_cost([activations[-1]], [y], derivation.reduction)
        nodes = activations[layer - 1]  # a^l; z^l is what each activation was applied to
        if kind == "z":  # (a linear neuron's activation is its z)
            nodes = [
                a if n.activation == "linear" else as_value(a.operands[0], "z")
                for n, a in zip(neurons, nodes)
            ]
        engine += grad(cost_i, nodes)
    size = len(neurons)
    samples = derivation.batch_size
    written = [
        derivation.names.write(Kind.DELTA, layer, j)
        if kind == "z"
        else f"d{cost}/d{derivation.names.write(Kind.ACTIVATION, layer, j)}"
        for j in range(size)
    ]
    names = tuple(
        name + (f" (sample {i})" if samples > 1 else "") for i in range(samples) for name in written
    )
    label = f"delta^{layer}" if kind == "z" else f"d{cost}/da^{layer}"

    def of(eq: Equations | SampleEquations) -> tuple[float, ...]:
        rows = eq.samples if isinstance(eq, Equations) else [eq]
        return tuple(
            v for s in rows for v in (s.delta if kind == "z" else s.activation_grads)[layer]
        )

    return Goal(label, names, (size,), tuple(engine), of, per_sample=True)


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


def check_formula(
    derivation: Derivation,
    target: Target,
    formula: Callable[[Any], Any] | None,
    factors: Sequence[Callable[[Quantities], float]] | None,
    over_batch: bool,
    rtol: float,
    atol: float | None,
) -> FormulaCheck:
    """`Derivation.check_formula` (see there)."""
    if type(over_batch) is not bool:
        raise DerivationTypeError(f"over_batch must be True or False, got {over_batch!r}")
    given = _factors(factors, target)
    aim = goal(derivation, target)
    tolerance = _tolerance(rtol, atol, aim.engine)
    formula, factor_checks = _formula(derivation, aim, formula, given, over_batch, rtol)
    quantities = _Samples(derivation.quantities(i) for i in range(derivation.batch_size))
    try:
        results = [formula(quantities)] if over_batch else [formula(q) for q in quantities]
        read = [_entries(result, aim.shape, aim.label) for result in results]
    except ShapeError as error:
        return FormulaCheck(aim.label, aim.names, (), aim.engine, str(error), tolerance)
    values = _combined(derivation, aim, [entries for entries, _ in read], over_batch)
    problem = _non_finite(aim, values)
    if problem:
        return FormulaCheck(aim.label, aim.names, values, aim.engine, problem, tolerance)
    transposed = any(flipped for _, flipped in read)
    slips: tuple[Slip, ...] = (_transposed(aim),) if transposed else ()
    if any(math.fabs(f - e) > tolerance for f, e in zip(values, aim.engine)):
        constants = constant_slips(
            derivation.batch_size, derivation.reduction == "mean", _difference(derivation)
        )
        candidates = _candidates(derivation, aim)
        slips += diagnose(values, aim.engine, candidates, constants, tolerance, rtol)
    return FormulaCheck(
        aim.label, aim.names, values, aim.engine, "", tolerance, slips, factor_checks, transposed
    )


def _formula(
    derivation: Derivation,
    aim: Goal,
    formula: Any,
    given: tuple[Callable[[Quantities], float], ...],
    over_batch: bool,
    rtol: float,
) -> tuple[Callable[[Any], Any], tuple[FactorCheck, ...]]:
    """The formula to evaluate (the product of the factors, when given as factors), and the
    factors' checks against explain()'s."""
    factor_checks: tuple[FactorCheck, ...] = ()
    if given:
        if formula is not None or aim.shape != () or over_batch:
            raise DerivationError(
                "check_formula: factors are for one parameter, in place of a formula"
            )
        factor_checks = _factor_checks(derivation, aim.parameters[0], given, rtol)
        formula = _product(given)
    if formula is None:
        raise DerivationError("check_formula needs a formula (or factors)")
    _check_callable(formula, f"the formula for {aim.label}")
    if over_batch and aim.per_sample:
        raise DerivationError(
            f"{aim.label} is one sample's: give a per-sample formula (without over_batch)"
        )
    return formula, factor_checks


def _non_finite(aim: Goal, values: tuple[float, ...]) -> str:
    """Why the formula's numbers cannot be compared: an inf or nan ('' when all are finite)."""
    broken = [(name, v) for name, v in zip(aim.names, values) if not math.isfinite(v)]
    if not broken:
        return ""
    name, value = broken[0]
    entry = f" at {name}" if len(aim.names) > 1 else ""
    return (
        f"the formula for {aim.label} gave {value!r}{entry}: a division by zero, an"
        " overflow, or a log or square root of a negative number"
    )


def _transposed(aim: Goal) -> Slip:
    """A non-square gradient matrix given with the transposed shape."""
    rows, columns = aim.shape
    return Slip(
        SlipKind.W_VS_WT,
        f"the formula gave a {columns}x{rows} matrix, the transpose of {aim.label}, which is"
        f" {rows}x{columns}: {TRANSPOSED.explanation}",
    )


def _combined(
    derivation: Derivation, aim: Goal, per_sample: list[list[float]], over_batch: bool
) -> tuple[float, ...]:
    """The formula's numbers for the goal: each sample's in turn for a per-sample goal, else
    the samples' combined as the batch cost combines them."""
    if aim.per_sample:
        return tuple(v for entries in per_sample for v in entries)
    factor = 1.0 if over_batch else derivation.batch_factor
    return tuple(factor * sum(s[n] for s in per_sample) for n in range(len(aim.names)))


def _candidates(derivation: Derivation, aim: Goal) -> list[Candidate]:
    """What the equations give for the goal, correct and after each structural slip."""
    layers = snapshot(derivation.mlp)
    correct, slipped = _equations(derivation, layers)
    values = aim.of(correct)
    candidates = [Candidate((), values)]
    if len(aim.shape) == 2 and aim.shape[0] == aim.shape[1]:
        n = aim.shape[0]
        transposed = tuple(values[k * n + j] for j in range(n) for k in range(n))
        candidates.append(Candidate((TRANSPOSED,), transposed))
    for variant, equations in slipped:
        slip = variant.slip(derivation.names, layers)
        candidates.append(Candidate((slip,), aim.of(equations)))
    if derivation.batch_size > 1 and not aim.per_sample:
        for i, sample in enumerate(correct.samples):
            slip = Slip(
                SlipKind.ONE_SAMPLE,
                f"sample {i}'s gradient alone: the batch gradient combines all"
                f" {derivation.batch_size} samples' ({derivation.reduction})",
            )
            candidates.append(Candidate((slip,), aim.of(sample)))
    return candidates


Slipped = list[tuple[Variant, Equations]]


def _equations(
    derivation: Derivation, layers: tuple[LayerSnapshot, ...]
) -> tuple[Equations, Slipped]:
    """The correct equations, and each structural slip's variant with its equations, kept by
    the derivation until a weight, bias or sample changes."""

    def compute() -> tuple[Equations, Slipped]:
        variants = structural_variants(layers, derivation.loss_rule)
        correct, *equations = derivation.equations_by([CORRECT, *variants])
        return correct, list(zip(variants, equations))

    return derivation.kept("slipped equations", compute)


def _factor_checks(
    derivation: Derivation,
    p: Value,
    factors: Sequence[Callable[[Quantities], float]],
    rtol: float,
) -> tuple[FactorCheck, ...]:
    """Each given factor beside explain()'s, on every sample, with the slips of each."""
    explanation = derivation.explain(p)
    expected = [factor.name for factor in explanation.factors]
    if len(explanation.chains) > derivation.batch_size:
        raise DerivationError(
            f"{explanation.name} is used in several places: give its formula whole, not as"
            " factors (its gradient is the sum of one product per use)"
        )
    if len(factors) != len(expected):
        raise DerivationError(
            f"{explanation.name} has {len(expected)} factors ({', '.join(expected)});"
            f" got {len(factors)}"
        )
    at = derivation.uses[p][0]
    layers = snapshot(derivation.mlp)
    at_z = AtZ(at.layer).slip(derivation.names, layers)
    activation = layers[at.layer - 1].activations[at.neuron]
    checks = []
    for chain in explanation.chains:
        q = derivation.quantities(chain.sample)
        for given, factor in zip(factors, chain.factors):
            value = _entries(given(q), (), factor.name)[0][0]
            tolerance = rtol * math.fabs(factor.value)
            slips: tuple[Slip, ...] = ()
            if math.fabs(value - factor.value) > tolerance:
                candidates = [Candidate((), (factor.value,))]
                if factor.name == "activation derivative":
                    z = q.z[at.layer][at.neuron]
                    candidates.append(Candidate((at_z,), (g_prime(activation, z, z),)))
                constants = constant_slips(1, True, _difference(derivation))
                slips = diagnose([value], [factor.value], candidates, constants, tolerance, rtol)
            checks.append(
                FactorCheck(
                    chain.sample, factor.name, factor.symbol, value, factor.value, tolerance, slips
                )
            )
    return tuple(checks)


def _difference(derivation: Derivation) -> tuple[str, str]:
    """The output error as the derivation writes it, the wrong way round and the right way:
    ("y_0 - a^2_0", "a^2_0 - y_0"), network C's ("z0_desired - z0", "z0 - z0_desired")."""
    names = derivation.names
    a = names.write(Kind.ACTIVATION, len(derivation.mlp.layers), 0)
    y = names.write(Kind.TARGET, j=0)
    return f"{y} - {a}", f"{a} - {y}"


def _factors(factors: Any, target: Any) -> tuple[Callable[[Quantities], float], ...]:
    """The factors as a tuple of functions (empty for None)."""
    if factors is None:
        return ()
    if isinstance(factors, (str, bytes)) or not isinstance(factors, Sequence):
        raise DerivationTypeError(
            "factors must be a list of functions of the quantities, one per factor"
            f" ([lambda q: ..., lambda q: ...]), got {type(factors).__name__} {factors!r:.60}"
        )
    for n, given in enumerate(factors, start=1):
        _check_callable(given, f"factor {n} for {target}")
    return tuple(factors)


def _check_callable(formula: Any, what: str) -> None:
    if not callable(formula):
        raise DerivationTypeError(
            f"{what} must be a function of the quantities (def f(q): ... or lambda q: ...),"
            f" got {type(formula).__name__} {formula!r}"
        )


#: What a formula may return: a number (a Value's is read), or lists or tuples of them.
_READABLE: tuple[type, ...] = (list, tuple, Real, Value)


def _entries(result: Any, expected: tuple[int, ...], label: str) -> tuple[list[float], bool]:
    """A formula's number, vector or matrix (lists, tuples or a NumPy array, read by its
    shape) as a flat list in parameter order (row by row), and whether it came transposed (a
    matrix of the transposed shape, read back). Any other shape is a ShapeError."""
    if hasattr(result, "ndim") and hasattr(result, "tolist"):
        result = result.tolist()
    if not issubclass(type(result), _READABLE):  # None, a str, a dict...
        raise DerivationTypeError(
            f"the formula for {label} must return numbers, got {result!r:.80}"
        )
    got = shape(result) if isinstance(result, (list, tuple)) else ()
    transposed = len(expected) == 2 and expected[0] != expected[1] and got == expected[::-1]
    if got != expected and not transposed:
        hint = (
            " (W's shape: one row per neuron, one column per input)" if len(expected) == 2 else ""
        )
        raise ShapeError(
            f"the formula for {label} gave {_shape_text(got)}; {label} is"
            f" {_shape_text(expected)}{hint}"
        )
    rows = [list(column) for column in zip(*result)] if transposed else result
    flat = [x for row in rows for x in row] if len(got) == 2 else (list(rows) if got else [rows])
    return [_number(x, label, result) for x in flat], transposed


def _number(x: Any, label: str, result: Any) -> float:
    """One entry of a formula's result as a float (inf for an int too large for one)."""
    x = x.data if type(x) is Value else x
    if isinstance(x, bool) or not isinstance(x, Real):
        raise DerivationTypeError(
            f"the formula for {label} must return numbers, got {result!r:.80}"
        )
    try:
        return float(x)
    except OverflowError:
        return math.inf


def _shape_text(size: tuple[int, ...]) -> str:
    if not size:
        return "one number"
    if len(size) == 1:
        return f"a vector of {size[0]} entries"
    return f"a {size[0]}x{size[1]} matrix"


def _tolerance(rtol: Any, atol: Any, engine: Sequence[float]) -> float:
    """The absolute bound for agreement: atol, or rtol times the largest |engine| entry."""
    if atol is not None:
        bound = as_float(atol, "check_formula: atol")
        if bound < 0:
            raise DerivationError(f"atol must be a finite number >= 0, got {atol!r}")
        return bound
    relative = as_float(rtol, "check_formula: rtol")
    if not 0 < relative < 1:
        raise DerivationError(f"rtol must be a number between 0 and 1 such as 1e-9, got {rtol!r}")
    return relative * max(math.fabs(e) for e in engine)


def _product(factors: Sequence[Callable[[Quantities], float]]) -> Callable[[Quantities], float]:
    """A formula that multiplies the factors' values."""

    def formula(q: Quantities) -> float:
        result = 1.0
        for factor in factors:
            result *= factor(q)
        return result

    return formula

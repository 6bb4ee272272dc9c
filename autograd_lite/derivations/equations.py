"""`Derivation`: an MLP, data and a loss, with the layer-wise equations beside the engine.

The parts it puts together: `quantities` (one sample's forward pass in floats), `backprop`
(the four equations), `notation` (the names), `explaining` (one gradient as its chain of
factors), `formulas` (a learner's formula checked and diagnosed with `slips`). A question
asked of a Derivation never changes the network: the engine's gradients come from
`functional.grad`, which leaves every `.grad` alone, and finite differences from a forward
sweep that moves no Value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from ..codegen import compile_graph
from ..engine import Value, as_float
from ..errors import DerivationError, DerivationIndexError, DerivationTypeError
from ..functional import grad
from ..nn import MLP
from .backprop import (
    CORRECT,
    Equations,
    Location,
    Rules,
    SampleEquations,
    batch_equations,
    gradient,
    sample_equations,
)
from .explaining import explain
from .formulas import check_formula
from .losses import LOSSES, Loss, custom_loss
from .matrices import Matrix
from .notation import Kind, Names, Notation, ParameterName, check_aliases
from .quantities import LayerSnapshot, Quantities, forward, snapshot
from .reports import Comparison, ComparisonRow, Explanation, FormulaCheck

__all__ = ["Derivation", "Target"]

Target = Value | str
T = TypeVar("T")


class Derivation:
    """An MLP, data and a loss: the layer-wise equations beside the engine, weight by weight.

    `inputs` is one sample (a list or NumPy array of numbers) or a batch (a list of such
    lists, or a 2-d array); `targets` matches it (a number or a list per sample). `loss`
    names a loss of `nn` (see `LOSSES`); `reduction` says how the per-sample costs of
    `half_squared_error` and `squared_error` combine over a batch, "mean" or "sum" (the
    other losses average). `loss` may also be a per-sample cost of your own,
    `cost(outputs, targets)` returning a Value (its derivative is then the engine's).
    `aliases` gives textbook names to quantities: name -> ("w", l, j, k), ("b", l, j),
    ("z", l, j), ("a", l, j), ("x", k) or ("y", j); `notation` says how everything else is
    written (`Notation`: the cost's name, a^l_j, g', ...). Both are used in every table,
    explanation and check. A parameter the network uses in several places (a shared bias)
    has the sum over its uses as its gradient, and is shown as such; `uses` maps each
    parameter to the places (layer, neuron, input) it is used.
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
                f"Derivation: mlp must be an nn.MLP, got {type(mlp).__name__}; build one with"
                " nn.MLP(nin, [sizes]) or nn.MLP.from_weights(...)"
            )
        if not isinstance(title, str):
            raise DerivationTypeError(
                f"Derivation: title must be a str (or '' for the network's name), got"
                f" {type(title).__name__} {title!r:.60}"
            )
        self.loss_rule = _loss(loss, reduction)  # the rule dC_i/da, the batch cost, ...
        if notation is not None and not isinstance(notation, Notation):
            raise DerivationTypeError(
                f"notation must be a derivations.Notation, got {type(notation).__name__}"
            )
        self.mlp = mlp
        self.loss = self.loss_rule.name
        self.reduction = reduction
        self.notation = notation or Notation()
        self.title = title or f"{mlp!r} with {self.loss}"
        self.inputs, self.targets = _samples(mlp, self.loss_rule, inputs, targets)
        self.uses: dict[Value, list[Location]] = {}
        for depth, layer in enumerate(mlp.layers, start=1):
            for j, neuron in enumerate(layer.neurons):
                for k, p in [*enumerate(neuron.w), (None, neuron.b)]:
                    if p is not None:
                        self.uses.setdefault(p, []).append(Location(depth, j, k))
        labels = {p.label: _spec(uses[0]) for p, uses in self.uses.items()}
        self.aliases = check_aliases(aliases, self._layers(), labels)
        self.names = Names(self.notation, self.aliases)
        self._kept: tuple[tuple[Any, ...], dict[str, Any]] = ((), {})
        self._aliased = {
            Location(spec[1], spec[2], spec[3] if spec[0] == "w" else None): name
            for name, spec in self.aliases.items()
            if spec[0] in ("w", "b")
        }

    # -- data and parameters --------------------------------------------------------------

    @property
    def batch_size(self) -> int:
        """N, the number of samples."""
        return len(self.inputs)

    @property
    def batch_factor(self) -> float:
        """1/N when the batch cost is the mean of the per-sample costs, 1 when it is their sum."""
        return 1 / self.batch_size if self.reduction == "mean" else 1.0

    def parameters(self) -> list[Value]:
        """The network's weights and biases, each once, in `MLP.parameters()` order."""
        return list(self.uses)

    def parameter(self, name: Target) -> Value:
        """A parameter of the network, by itself, its label ('L1.N0.w2') or an alias ('w100')."""
        if isinstance(name, Value):
            if name not in self.uses:
                raise DerivationError(
                    f"{name!r} is not a weight or bias of this network; pass one of"
                    " derivation.parameters()"
                )
            return name
        if not isinstance(name, str):
            raise DerivationTypeError(
                f"expected a parameter Value or its name, got {type(name).__name__}"
            )
        for p, uses in self.uses.items():
            if p.label == name or any(self._aliased.get(use) == name for use in uses):
                return p
        raise DerivationError(
            f"no parameter named {name!r}; use a label such as {self.parameters()[0].label!r}"
            f" or one of the aliases {sorted(self._aliased.values()) or '[]'}"
        )

    def name(self, p: Value) -> ParameterName:
        """How this derivation names a parameter: its alias, and each place the network uses it
        written all by aliases when each has one, else all by the notation."""
        uses = self.uses[p]
        alias = next((self._aliased[u] for u in uses if u in self._aliased), "")
        places = [(u.layer, u.neuron, 0 if u.input is None else u.input) for u in uses]
        kind = Kind.BIAS if uses[0].input is None else Kind.WEIGHT
        written = self.names.write_all(kind, places)
        return ParameterName(
            p.label, "" if alias == p.label else alias, tuple(written), self.notation.cost
        )

    # -- the forward pass and the equations -----------------------------------------------

    def _layers(self) -> tuple[LayerSnapshot, ...]:
        return snapshot(self.mlp)

    def _sample(self, sample: Any) -> int:
        """`sample` itself when it numbers one of the samples, else a DerivationIndexError."""
        if type(sample) is not int or not 0 <= sample < self.batch_size:
            count = "1 sample" if self.batch_size == 1 else f"{self.batch_size} samples"
            raise DerivationIndexError(
                f"sample {sample!r}: this derivation has {count}, numbered from 0"
            )
        return sample

    def state(self) -> tuple[Any, ...]:
        """A copy of every number the equations and gradients are computed from: each layer's
        weights, biases and activations, the inputs and the targets. Equal states, equal
        answers (what a question may keep from one call to the next)."""
        copied = (tuple(map(tuple, self.inputs)), tuple(map(tuple, self.targets)))
        return (self._layers(), *copied)

    def kept(self, name: str, compute: Callable[[], T]) -> T:
        """`compute()`, kept under `name` and given again until a weight, bias or sample
        changes (`state()`): a learner asks question after question of the same network."""
        state = self.state()
        if self._kept[0] != state:
            self._kept = (state, {})
        if name not in self._kept[1]:
            self._kept[1][name] = compute()
        return cast(T, self._kept[1][name])

    def quantities(self, sample: int = 0) -> Quantities:
        """One sample's forward pass in floats: z^l = W^l a^{l-1} (+ b^l), a^l = g^l(z^l)."""
        i = self._sample(sample)
        return forward(self._layers(), self.inputs[i], self.targets[i], self.aliases)

    def sample_equations(self, sample: int = 0) -> SampleEquations:
        """Equations (1)-(4) on one sample."""
        i, layers = self._sample(sample), self._layers()
        q = forward(layers, self.inputs[i], self.targets[i], self.aliases)
        return sample_equations(layers, q, self.loss_rule)

    def equations(self, rules: Rules = CORRECT) -> Equations:
        """The equations on every sample, and the batch gradients (each step done by `rules`:
        the correct ones, or a slip of `slips`)."""
        return self.equations_by([rules])[0]

    def equations_by(self, variants: Sequence[Rules]) -> list[Equations]:
        """`equations(rules)` for each rules of `variants`, the forward pass done once."""
        if isinstance(variants, (str, bytes)) or not isinstance(variants, Sequence):
            raise DerivationTypeError(
                f"equations_by: variants must be a list of derivations.Rules, got"
                f" {type(variants).__name__} {variants!r:.60}"
            )
        for rules in variants:
            if not isinstance(rules, Rules):
                raise DerivationTypeError(
                    f"rules must be a derivations.Rules (the correct equations, or a slip's"
                    f" variant of them), got {type(rules).__name__} {rules!r:.60}"
                )
        layers = self._layers()
        samples = [forward(layers, x, y, self.aliases) for x, y in zip(self.inputs, self.targets)]
        return [
            batch_equations(
                [sample_equations(layers, q, self.loss_rule, rules) for q in samples],
                self.batch_factor,
            )
            for rules in variants
        ]

    def equations_gradient(self, equations: Equations | SampleEquations, p: Value) -> float:
        """The equations' gradient for p: the sum over its uses."""
        uses = self.uses[p]
        total = gradient(equations, uses[0])
        for use in uses[1:]:
            total += gradient(equations, use)
        return total

    # -- the engine and finite differences ------------------------------------------------

    def engine_cost(self) -> Value:
        """The batch cost as a graph, built by the network and the `nn` loss."""
        outputs = [self.mlp.forward(x) for x in self.inputs]
        return self.loss_rule.batch_cost(outputs, self.targets, self.reduction)

    def engine_gradients(self) -> dict[Value, float]:
        """d cost/d p for every parameter p, by the engine's reverse sweep (`functional.grad`:
        no parameter's `.grad` is touched). Kept until a weight, bias or sample changes."""

        def gradients() -> dict[Value, float]:
            parameters = self.parameters()
            return dict(zip(parameters, grad(self.engine_cost(), parameters)))

        return dict(self.kept("engine gradients", gradients))

    def finite_difference(self, p: Target, h: float = 1e-6) -> float:
        """(C(p + h) - C(p - h)) / 2h with the engine's forward pass: the cost's graph compiled
        (`compile_graph`) and run with p moved, so no Value changes and no graph built before
        goes stale."""
        return _central_differences(self.engine_cost(), [self.parameter(p)], h)[0]

    def compare(self, h: float = 1e-6, reference: str | None = None) -> Comparison:
        """Every weight and bias: engine grad, equations, central finite difference (step h),
        and with `reference="torch"` PyTorch's gradient of the same network, data and loss
        (float64; MissingDependencyError names what to install when PyTorch is missing)."""
        h = as_float(h, "compare: h")
        for p in self.parameters():
            _step(h, p.data)
        if reference not in (None, "torch"):
            raise DerivationError(f"reference must be None or 'torch', got {reference!r}")
        equations = self.equations()
        grads = self.engine_gradients()
        theirs: dict[Value, float] = {}
        if reference == "torch":
            from .torch_reference import torch_gradients

            theirs = torch_gradients(
                self.mlp, self.inputs, self.targets, self.loss_rule, self.reduction
            )
        names = {p: self.name(p) for p in self.parameters()}
        differences = _central_differences(self.engine_cost(), self.parameters(), h)
        rows = [
            ComparisonRow(
                p.label,
                names[p].alias,
                names[p].symbol,
                grads[p],
                self.equations_gradient(equations, p),
                difference,
                theirs.get(p),
            )
            for p, difference in zip(self.parameters(), differences)
        ]
        samples = "1 sample" if self.batch_size == 1 else f"{self.batch_size} samples"
        return Comparison(f"{self.title}, {samples}", rows, h, reference or "")

    # -- explain and check a formula --------------------------------------------------------

    def explain(self, parameter: Target) -> Explanation:
        """The chain of factors of dC/dp for one weight or bias, with numbers, per sample and
        per use, checked against the engine's gradient."""
        return explain(self, self.parameter(parameter))

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

        `target` is a parameter (a Value, label or alias; the formula returns a number);
        "W<l>" / "b<l>" (that layer's matrix, W^l's shape, or vector); "Wb<l>" (W^l with the
        biases as one more column, the weights from an always-on neuron whose activation is
        1); or "delta<l>" (= "dC/dz<l>") or "dC/da<l>" (one sample's vector of layer l, checked
        sample by sample). A NumPy array is read by its shape. A result of another shape does
        not agree and says both shapes; a transposed matrix is named as such.
        `formula(q)` gets one sample's `Quantities` and its values are combined as the loss
        combines the samples' costs (mean or sum); with `over_batch=True` it gets the list of
        every sample's and returns the batch gradient itself. `factors` instead gives a single
        parameter's formula as factors, compared one by one with `explain()`'s (their product
        is the formula). Agreement: |formula - grad| <= atol, by default rtol times the largest
        |grad| of the target (so a tiny gradient is judged relative to its own size; give
        atol where the gradient is exactly 0). A disagreeing formula is diagnosed: the known
        slips whose numbers it reproduces are in `slips`.
        """
        return check_formula(self, target, formula, factors, over_batch, rtol, atol)

    def __repr__(self) -> str:
        return f"<Derivation: {self.title}, {self.batch_size} sample(s)>"


def _spec(at: Location) -> tuple[Any, ...]:
    """A location as an alias spells it: ("w", l, j, k) or ("b", l, j)."""
    return ("b", at.layer, at.neuron) if at.input is None else ("w", at.layer, at.neuron, at.input)


def _loss(loss: Any, reduction: Any) -> Loss:
    """The loss named or given, checked to combine a batch by `reduction`."""
    if isinstance(loss, str) and loss not in LOSSES:
        raise DerivationError(
            f"unknown loss {loss!r}; choose one of {', '.join(map(repr, LOSSES))}, or give"
            " a function cost(outputs, targets)"
        )
    chosen = LOSSES[loss] if isinstance(loss, str) else custom_loss(loss)
    if reduction not in chosen.reductions:
        raise DerivationError(
            f"{chosen.name} combines a batch by {' or '.join(chosen.reductions)}, not {reduction!r}"
        )
    return chosen


def _listed(x: Any) -> Any:
    """A NumPy array as nested lists (read by its shape); anything else as it is."""
    return x.tolist() if hasattr(x, "ndim") and hasattr(x, "tolist") else x


def _floats(x: Any, what: str) -> list[float]:
    """One sample's numbers (a number, or a list, tuple or array of them) as floats, each
    checked by the engine's `as_float`."""
    x = _listed(x)
    values = x if isinstance(x, (list, tuple)) else [x]
    return [
        as_float(v.data if type(v) is Value else v, f"{what}[{i}]") for i, v in enumerate(values)
    ]


def _samples(mlp: MLP, loss: Loss, inputs: Any, targets: Any) -> tuple[Matrix, Matrix]:
    """The inputs and targets as one list of floats per sample, checked against the network."""
    nin, nout = mlp.layers[0].neurons[0].nin, len(mlp.layers[-1].neurons)
    inputs, targets = _listed(inputs), _listed(targets)
    is_batch = isinstance(inputs, (list, tuple)) and any(
        isinstance(_listed(x), (list, tuple)) for x in inputs
    )
    if isinstance(inputs, (list, tuple)) and not inputs:
        raise DerivationError("inputs is empty: give one sample's numbers, or a list of samples")
    samples = inputs if is_batch else [inputs]
    xs = [_floats(x, f"inputs[{i}]" if is_batch else "inputs") for i, x in enumerate(samples)]
    for i, x in enumerate(xs):
        if len(x) != nin:
            raise DerivationError(
                f"inputs: sample {i} has {len(x)} numbers; this network takes {nin} inputs"
            )
    if is_batch and not isinstance(targets, (list, tuple)):
        raise DerivationTypeError(
            f"a batch of inputs needs a list of targets, one per input; got"
            f" {type(targets).__name__} {targets!r:.60}"
        )
    samples = targets if is_batch else [targets]
    ys = [_floats(y, f"targets[{i}]" if is_batch else "targets") for i, y in enumerate(samples)]
    if len(xs) != len(ys):
        raise DerivationError(f"{len(xs)} inputs but {len(ys)} targets; give one per input")
    for i, y in enumerate(ys):
        if len(y) != nout:
            raise DerivationError(
                f"targets: sample {i} has {len(y)} numbers; this network has {nout} outputs"
            )
        if not all(loss.accepts(t) for t in y):
            raise DerivationError(f"{loss.name} needs {loss.targets}, got {y}")
    return xs, ys


def _central_differences(cost: Value, parameters: list[Value], h: float) -> list[float]:
    """(C(p + h) - C(p - h)) / 2h for each parameter p: the graph `cost` compiled once as a
    function of the parameters, run with one moved at a time."""
    forward = compile_graph(cost, [], parameters)
    at = [p.data for p in parameters]
    differences = []
    for i, p in enumerate(parameters):
        step = _step(h, p.data)
        up, down = p.data + step, p.data - step
        plus, minus = (forward([], [*at[:i], x, *at[i + 1 :]])[0] for x in (up, down))
        differences.append((plus - minus) / (up - down))
    return differences


def _step(given: Any, at: float) -> float:
    """A finite-difference step for a parameter whose value is `at`: above 1e-13 times its
    size (below that, p + h and p - h keep no digits of the difference) and at most 1 (above
    that, the difference says little about the derivative)."""
    h = as_float(given, "h")
    if not 1e-13 * max(1.0, abs(at)) < h <= 1:
        raise DerivationError(
            f"h must be a small positive number such as 1e-6: above 1e-13 times the"
            f" parameter's size ({abs(at):g}) and at most 1; got {h!r}"
        )
    return h

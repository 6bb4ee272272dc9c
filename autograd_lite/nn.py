"""Neurons, layers and multi-layer perceptrons built from `Value`s, with losses and SGD.

Notation follows the textbook derivations: layer l computes z^l_j = sum_k w^l_jk a^{l-1}_k + b^l_j
and a^l_j = g(z^l_j). Layers are numbered from 1 (the inputs are layer 0), neurons and weights
from 0, and every parameter is labelled where it lives: `L1.N0.w2` is w^1_02, the weight from
input 2 into neuron 0 of layer 1; `L1.N0.b` is that neuron's bias.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from numbers import Integral, Real
from typing import Any, Protocol, cast

from .engine import (
    Number,
    Value,
    as_float,
    as_list,
    as_value,
    check_size,
    dot,
    exp,
    grad_error,
    log,
    relu,
    sigmoid,
    tanh,
)
from .errors import (
    ArgumentTypeError,
    AutogradError,
    MissingDependencyError,
    ModelError,
    NonFiniteError,
    ShapeError,
    describe,
)

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "SGD",
    "Layer",
    "ModelError",
    "Module",
    "Neuron",
    "binary_cross_entropy",
    "cross_entropy",
    "half_squared_error",
    "hinge_loss",
    "mean_squared_error",
    "softmax",
    "squared_error",
]

Operand = Value | Number


class RandomSource(Protocol):
    """Where starting weights come from: a `random.Random`, or the `random` module itself."""

    def uniform(self, a: float, b: float, /) -> float: ...


Rng = RandomSource | int | None


#: The activation functions g a neuron can apply to its weighted sum z ("linear": g(z) = z).
ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {
    "tanh": tanh,
    "relu": relu,
    "sigmoid": sigmoid,
    "linear": None,
}


class Module:
    """Anything with parameters: `parameters()` lists them, `zero_grad()` clears their grads.

    A parameter may be shared (one Value used as the bias of several neurons, say):
    `parameters()` lists it once, and backward() adds up its gradient over every use."""

    def parameters(self) -> list[Value]:
        """Every weight and bias, in a fixed order, each once."""
        return _once(self._uses())

    def _uses(self) -> list[Value]:
        """Every weight and bias in order, a shared one at each of its uses."""
        return []

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0.0 (before the next backward())."""
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    """z = sum_k w_k x_k + b, then a = g(z).

    Weights (and the bias) start uniform in [-1/sqrt(nin), 1/sqrt(nin)], PyTorch's default for a
    linear layer, drawn from `rng`: a `random.Random`, an int seed, or None for the `random`
    module's global generator (so `random.seed(...)` repeats a run).

    Shared parameters: `bias` may be an existing leaf Value (used as this neuron's bias, and
    maybe other neurons' too), and `weights` a list of nin existing leaf Values.
    """

    def __init__(
        self,
        nin: int,
        activation: str = "tanh",
        bias: bool | Value = True,
        rng: Rng = None,
        name: str = "",
        weights: Sequence[Value] | None = None,
    ) -> None:
        _check_size(nin, "nin")
        if type(bias) is not bool and type(bias) is not Value:
            raise ArgumentTypeError(
                f"bias must be True or False (whether the neuron adds a bias b), or a Value to"
                f" share, got {type(bias).__name__} {bias!r:.60}"
            )
        self.activation = _check_activation(activation)
        self._g = ACTIVATIONS[activation]
        source = _as_rng(rng)
        bound = 1 / math.sqrt(nin)
        prefix = f"{name}." if _check_name(name) else ""
        if weights is None:
            self.w = [Value(source.uniform(-bound, bound), f"{prefix}w{k}") for k in range(nin)]
        else:
            self.w = _shared(weights, nin, f"{prefix or 'Neuron.'}weights")
        if isinstance(bias, Value):
            self.b: Value | None = _shared([bias], 1, f"{prefix or 'Neuron.'}bias")[0]
        else:
            self.b = Value(source.uniform(-bound, bound), f"{prefix}b") if bias else None
        self._z_label = f"{prefix}z"
        self._a_label = f"{prefix}a"

    @property
    def nin(self) -> int:
        """The number of inputs (and of weights)."""
        return len(self.w)

    def __call__(self, x: Sequence[Operand] | Operand) -> Value:
        inputs = _as_inputs(x, self.nin)
        try:
            z: Value = dot(self.w, inputs, self.b)
        except AutogradError:
            raise _input_error(inputs, self._z_label[:-2] or "neuron") from None
        z.label = self._z_label
        if self._g is None:
            return z
        a = self._g(z)
        a.label = self._a_label
        return a

    def _uses(self) -> list[Value]:
        return self.w + ([self.b] if self.b is not None else [])

    def set_weights(self, weights: Sequence[Number], bias: Number | None = None) -> None:
        """Type the weights (and bias) in: a worked example's numbers, for instance. If any
        number does not fit, nothing is changed."""
        _assign(self._assignments(weights, bias))

    def _assignments(
        self, weights: Sequence[Number], bias: Number | None
    ) -> list[tuple[Value, float]]:
        """Each parameter with its new value, every number checked."""
        numbers = _column(_as_items(weights, "set_weights: weights"), "set_weights: weights")
        if len(numbers) != self.nin:
            raise ShapeError(f"this neuron has {self.nin} weights, got {len(numbers)} numbers")
        parameters = list(self.w)
        if bias is not None:
            if self.b is None:
                raise ModelError("this neuron has no bias (it was built with bias=False)")
            parameters.append(self.b)
            numbers.append(_entry(bias, "set_weights: bias"))
        return [(p, Value(number, p.label).data) for p, number in zip(parameters, numbers)]

    def __repr__(self) -> str:
        return f"Neuron(nin={self.nin}, activation={self.activation!r}, bias={self.b is not None})"


class Layer(Module):
    """`nout` neurons that all read the same inputs. Calling it gives one Value per neuron
    (a single Value when nout == 1). `bias` may be an existing leaf Value: one bias shared by
    every neuron of the layer (as in Mazur's worked example)."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "tanh",
        bias: bool | Value = True,
        rng: Rng = None,
        name: str = "",
    ) -> None:
        _check_size(nin, "nin")
        _check_size(nout, "nout")
        check_size(nin * nout, "nin * nout (the layer's weights)", ModelError)
        source = _as_rng(rng)
        prefix = f"{name}." if _check_name(name) else ""
        self.neurons = [Neuron(nin, activation, bias, source, f"{prefix}N{j}") for j in range(nout)]

    def forward(self, x: Sequence[Operand] | Operand) -> list[Value]:
        """One Value per neuron, always as a list."""
        return [n(x) for n in self.neurons]

    def __call__(self, x: Sequence[Operand] | Operand) -> Value | list[Value]:
        out = self.forward(x)
        return out[0] if len(out) == 1 else out

    def _uses(self) -> list[Value]:
        return [p for n in self.neurons for p in n._uses()]

    def set_weights(
        self, weights: Sequence[Sequence[Number]], biases: Sequence[Number] | None = None
    ) -> None:
        """Set W (row j = the weights into neuron j) and optionally the biases b. If any number
        does not fit, nothing is changed."""
        _assign(self._assignments(weights, biases))

    def _assignments(
        self, weights: Sequence[Sequence[Number]], biases: Sequence[Number] | None
    ) -> list[tuple[Value, float]]:
        weights = _as_items(weights, "set_weights: weights")
        if biases is not None:
            biases = _column(_as_items(biases, "set_weights: biases"), "set_weights: biases")
        if len(weights) != len(self.neurons):
            raise ShapeError(f"this layer has {len(self.neurons)} neurons, got {len(weights)} rows")
        if biases is not None and len(biases) != len(self.neurons):
            raise ShapeError(
                f"this layer has {len(self.neurons)} neurons, got {len(biases)} biases"
            )
        return [
            pair
            for j, (neuron, row) in enumerate(zip(self.neurons, weights))
            for pair in neuron._assignments(row, None if biases is None else biases[j])
        ]

    def __repr__(self) -> str:
        first = self.neurons[0]
        return (
            f"Layer(nin={first.nin}, nout={len(self.neurons)}, "
            f"activation={first.activation!r}, bias={first.b is not None})"
        )


class MLP(Module):
    """A multi-layer perceptron: layers of sizes `nouts` on `nin` inputs.

    Hidden layers use `activation`: one name for all of them, or a list with one name per
    hidden layer (`["tanh", "sigmoid"]`); the last layer uses `output_activation`. Layers are
    named L1, L2, ... Calling it gives the last layer's outputs (a single Value for one output).
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str | Sequence[str] = "tanh",
        output_activation: str = "linear",
        bias: bool = True,
        rng: Rng = None,
    ) -> None:
        _check_size(nin, "nin")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence):
            raise ArgumentTypeError(
                f"nouts must be a list of layer sizes such as [16, 1], got"
                f" {type(nouts).__name__} {nouts!r}"
            )
        if not nouts:
            raise ModelError("MLP needs at least one layer size in nouts, e.g. MLP(2, [16, 1])")
        for i, nout in enumerate(nouts):
            _check_size(nout, f"nouts[{i}]")
        hidden = _hidden_activations(activation, len(nouts) - 1)
        activations = [*hidden, _check_activation(output_activation, "output_activation")]
        source = _as_rng(rng)
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activations[i], bias, source, f"L{i + 1}")
            for i in range(len(nouts))
        ]

    @classmethod
    def from_weights(
        cls,
        weights: Sequence[Sequence[Sequence[Number]]],
        biases: Sequence[Sequence[Number]] | None = None,
        activation: str | Sequence[str] = "tanh",
        output_activation: str = "linear",
    ) -> MLP:
        """Build an MLP from its weight matrices W^1, W^2, ... (W^l is nout x nin).

        Without `biases` the network has none, as in the textbook derivations.
        """
        weights = _as_matrices(weights, "from_weights: weights")
        if not weights or not weights[0] or not weights[0][0]:
            raise ModelError("from_weights needs at least one non-empty weight matrix")
        nouts = [len(matrix) for matrix in weights]
        # Every parameter is overwritten below: a fixed seed spares the global random state.
        has_bias = biases is not None
        mlp = cls(len(weights[0][0]), nouts, activation, output_activation, has_bias, rng=0)
        mlp.set_weights(weights, biases)
        return mlp

    @classmethod
    def from_layers(cls, layers: Sequence[Layer]) -> MLP:
        """An MLP of layers built by hand (with shared parameters, say): each layer's inputs
        are the previous layer's outputs."""
        layers = _as_items(layers, "from_layers: layers")
        if not layers or not all(isinstance(layer, Layer) for layer in layers):
            raise ArgumentTypeError("from_layers needs a non-empty list of nn.Layer objects")
        for i, (before, after) in enumerate(zip(layers, layers[1:]), start=1):
            if len(before.neurons) != after.neurons[0].nin:
                raise ShapeError(
                    f"from_layers: layer {i} has {len(before.neurons)} outputs but layer"
                    f" {i + 1} takes {after.neurons[0].nin} inputs"
                )
        mlp = cls.__new__(cls)
        mlp.layers = list(layers)
        return mlp

    def to_torch(self) -> Any:
        """This network as a `torch.nn.Sequential`: per layer a float64 `Linear` holding the same
        weights (W^l as its weight, b^l as its bias), then the layer's activation module (none
        for "linear"). Needs PyTorch: pip install "autograd-lite[torch]"."""
        return _to_torch_sequential(self)

    @classmethod
    def from_torch(cls, module: Any) -> MLP:
        """The reverse of `to_torch`: an MLP with the weights of a `torch.nn.Sequential` of
        `Linear` layers, each optionally followed by a supported activation module."""
        return cls.from_weights(*_weights_from_torch(module))

    def forward(self, x: Sequence[Operand] | Operand) -> list[Value]:
        """The last layer's outputs, always as a list."""
        outputs = self.layers[0].forward(x)
        for layer in self.layers[1:]:
            outputs = layer.forward(outputs)
        return outputs

    def __call__(self, x: Sequence[Operand] | Operand) -> Value | list[Value]:
        out = self.forward(x)
        return out[0] if len(out) == 1 else out

    def _uses(self) -> list[Value]:
        return [p for layer in self.layers for p in layer._uses()]

    def set_weights(
        self,
        weights: Sequence[Sequence[Sequence[Number]]],
        biases: Sequence[Sequence[Number]] | None = None,
    ) -> None:
        """Set every layer's W (and b): weights[l - 1] is W^l, biases[l - 1] is b^l. If any
        number does not fit, nothing is changed."""
        weights = _as_matrices(weights, "set_weights: weights")
        if biases is not None:
            biases = _as_items(biases, "set_weights: biases")
        if len(weights) != len(self.layers):
            raise ShapeError(f"this MLP has {len(self.layers)} layers, got {len(weights)} matrices")
        if biases is not None and len(biases) != len(self.layers):
            raise ShapeError(f"this MLP has {len(self.layers)} layers, got {len(biases)} biases")
        pairs = []
        for i, (layer, matrix) in enumerate(zip(self.layers, weights)):
            if any(len(row) != layer.neurons[0].nin for row in matrix):
                raise ShapeError(
                    f"W^{i + 1} must have {layer.neurons[0].nin} columns (one per input of"
                    f" layer {i + 1})"
                )
            pairs += layer._assignments(matrix, None if biases is None else biases[i])
        _assign(pairs)

    def __repr__(self) -> str:
        sizes = [len(layer.neurons) for layer in self.layers]
        first, last = self.layers[0].neurons[0], self.layers[-1].neurons[0]
        hidden = [layer.neurons[0].activation for layer in self.layers[:-1]]
        activation = hidden if len(set(hidden)) > 1 else first.activation
        return (
            f"MLP(nin={first.nin}, nouts={sizes}, activation={activation!r}, "
            f"output_activation={last.activation!r})"
        )


# ---------------------------------------------------------------------------
# Losses. One sample's outputs and targets are a Value or number, or equal-length sequences.
# Each loss of a model's outputs (Values) is a Value: the node to call backward() on.


def squared_error(outputs: Any, targets: Any) -> Value:
    """C = sum_j (a_j - y_j)^2 for one sample.  dC/da_j = 2 (a_j - y_j)."""
    pairs = _pairs(outputs, targets, "squared_error")
    index: Callable[[int], str] = (lambda j: str(j)) if len(pairs) > 1 else (lambda j: "")
    squares = [
        _labelled(_labelled(a - y, f"err{index(j)}") ** 2, f"sq_err{index(j)}")
        for j, (a, y) in enumerate(pairs)
    ]
    return cast(Value, _labelled(_sum(squares), "C"))


def half_squared_error(outputs: Any, targets: Any) -> Value:
    """C = 1/2 sum_j (a_j - y_j)^2 for one sample.  dC/da_j = a_j - y_j."""
    return cast(
        Value, _labelled(0.5 * _labelled(squared_error(outputs, targets), "sum_sq_err"), "C")
    )


def mean_squared_error(predictions: Sequence[Any], targets: Sequence[Any]) -> Value:
    """C = (1/N) sum_i sum_j (a_ij - y_ij)^2 over a batch of N samples: the average of each
    sample's squared_error (for one output per sample, PyTorch's MSELoss)."""
    _check_batch(predictions, targets, "mean_squared_error")
    costs = [squared_error(a, y) for a, y in zip(predictions, targets)]
    return cast(Value, _labelled(_labelled(_sum(costs), "sum_C") / len(predictions), "loss"))


def binary_cross_entropy(probabilities: Any, targets: Any) -> Value:
    """C = -(1/N) sum_i [y_i ln p_i + (1 - y_i) ln(1 - p_i)] for sigmoid outputs p_i in (0, 1)
    and targets y_i in [0, 1]. A term whose weight (y or 1 - y) is 0 is left out."""
    pairs = _pairs(probabilities, targets, "binary_cross_entropy", ("probabilities", "targets"))
    terms = []
    for p, y in pairs:
        if not 0 <= y <= 1:
            raise ModelError(f"binary_cross_entropy: targets must lie in [0, 1], got {y!r}")
        probability = p.data if type(p) is Value else p
        if not 0 < probability < 1 and not (probability == y and y in (0, 1)):
            raise ModelError(
                "binary_cross_entropy needs predictions strictly between 0 and 1 (a sigmoid"
                f" output), got {probability!r} for target {y!r}; use output_activation='sigmoid'"
            )
        if y > 0:
            terms.append(y * log(p))
        if y < 1:
            terms.append((1 - y) * log(1 - p))
    return cast(Value, -_sum(terms) / len(pairs))


def hinge_loss(scores: Any, labels: Any) -> Value:
    """C = (1/N) sum_i max(0, 1 - y_i s_i) for scores s_i and labels y_i in {-1, +1}:
    the max-margin loss of micrograd's demo."""
    pairs = _pairs(scores, labels, "hinge_loss", ("scores", "labels"))
    for _, y in pairs:
        if y not in (-1, 1):
            raise ModelError(f"hinge_loss: labels must be -1 or +1, got {y!r}")
    return cast(Value, _sum([relu(1 - y * s) for s, y in pairs]) / len(pairs))


def softmax(logits: Sequence[Operand]) -> list[Value]:
    """p_k = e^{s_k} / sum_i e^{s_i}: scores into probabilities that add up to 1.

    Computed as e^{s_k - m} / sum_i e^{s_i - m} with m = max_i s_i (a constant), the same
    numbers and gradients without overflow for large scores.
    dp_k/ds_i = p_k ([k == i] - p_i)."""
    scores = _as_sequence(logits, "softmax: logits")
    if not scores:
        raise ShapeError("softmax: logits is empty; it needs at least one score")
    m = _largest_score(scores, "softmax")
    exps = [_labelled(exp(s - m), f"e{k}") for k, s in enumerate(scores)]
    total = _labelled(_sum(exps), "sum_e")
    return [_labelled(e / total, f"p{k}") for k, e in enumerate(exps)]


def cross_entropy(logits: Sequence[Operand], class_index: int) -> Value:
    """C = -ln p_c = ln sum_k e^{s_k} - s_c for scores s (logits) of one sample of class c.

    Computed as m + ln sum_k e^{s_k - m} - s_c with m = max_k s_k, so large scores neither
    overflow nor lose the answer. dC/ds_k = p_k - [k == c] with p = softmax(s)."""
    scores = _as_sequence(logits, "cross_entropy: logits")
    if not scores:
        raise ShapeError("cross_entropy: logits is empty; it needs at least one score")
    if isinstance(class_index, Integral) and not isinstance(class_index, bool):
        class_index = int(class_index)  # a NumPy integer label, say
    if type(class_index) is not int:
        raise ArgumentTypeError(
            f"cross_entropy: class_index must be an int, got {type(class_index).__name__}"
            f" {class_index!r}"
        )
    if not 0 <= class_index < len(scores):
        raise ShapeError(
            f"cross_entropy: class_index {class_index} does not name one of the"
            f" {len(scores)} scores (0 to {len(scores) - 1})"
        )
    m = _largest_score(scores, "cross_entropy")
    shifted = [_labelled(s - m, f"t{k}") for k, s in enumerate(scores)]
    total = _labelled(_sum([_labelled(exp(t), f"e{k}") for k, t in enumerate(shifted)]), "sum_e")
    return cast(Value, _labelled(_labelled(log(total), "log_sum_e") - shifted[class_index], "C"))


class SGD:
    """Gradient descent: p <- p - lr * (dC/dp + weight_decay * p) for every parameter p.

    `weight_decay` (lambda, default 0) is L2 regularisation: the step of the loss
    C + (lambda / 2) * sum_p p^2, whose gradient adds lambda * p (PyTorch's SGD convention).
    Parameters must be leaves (weights and biases), each listed once."""

    def __init__(self, parameters: Iterable[Value], lr: float, weight_decay: float = 0.0) -> None:
        if not isinstance(parameters, Iterable) or isinstance(parameters, (str, Value)):
            raise ArgumentTypeError(
                "SGD: parameters must be a list of Values (model.parameters()), got"
                f" {type(parameters).__name__}"
            )
        self.parameters = list(parameters)
        if not self.parameters:
            raise ModelError("SGD: parameters is empty; give it the Values to train")
        for i, p in enumerate(self.parameters):
            as_value(p, f"SGD: parameters[{i}]")
            if not p.is_leaf:
                raise ModelError(
                    f"SGD: parameters[{i}] is {describe(p)}, not a leaf: step() cannot change"
                    " a computed Value; give SGD the leaf Values to train (weights, biases:"
                    " model.parameters())"
                )
        if len(set(self.parameters)) != len(self.parameters):
            twice = next(p for p in self.parameters if self.parameters.count(p) > 1)
            raise ModelError(
                f"SGD: {describe(twice)} is listed twice; list each parameter once (it would be"
                " updated once anyway)"
            )
        self.lr = lr
        weight_decay = as_float(weight_decay, "SGD: weight_decay")
        if weight_decay < 0:
            raise ModelError(f"SGD: weight_decay must be 0 or more, got {weight_decay}")
        self.weight_decay = weight_decay

    @property
    def lr(self) -> float:
        """The learning rate: a positive finite number (set it to schedule it)."""
        return self._lr

    @lr.setter
    def lr(self, lr: float) -> None:
        lr = as_float(lr, "SGD: lr (the learning rate)")
        if lr <= 0:
            raise ModelError(f"SGD: the learning rate must be positive, got {lr}")
        self._lr = lr

    def step(self) -> None:
        """Update every parameter, or (if any would become inf or nan) none of them."""
        advice = (
            "no parameter was changed. Run backward() on the loss (after zero_grad(),"
            " which sets every grad to 0.0) before step()"
        )
        bad_grad = grad_error(self.parameters, "SGD step: ", advice)  # None, 10**400, 1j...
        if bad_grad is not None:
            raise bad_grad
        # p - lr (g + lambda p) = (1 - lr lambda) p - lr g; exactly p - lr g for lambda = 0
        lr, shrink = self._lr, 1.0 - self._lr * self.weight_decay
        updated = [shrink * p.data - lr * p.grad for p in self.parameters]
        for p, new in zip(self.parameters, updated):
            if not math.isfinite(new):
                raise NonFiniteError(
                    f"SGD step: parameter {describe(p)} would become {new}"
                    f" (data {p.data}, grad {p.grad}, lr {self._lr}); no parameter was changed."
                    " Lower the learning rate"
                )
        for p, new in zip(self.parameters, updated):
            p.data = new

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0.0."""
        for p in self.parameters:
            p.grad = 0.0


# ---------------------------------------------------------------------------
# Input checks.


def _sum(terms: Sequence[Any]) -> Any:
    """terms[0] + terms[1] + ...: Python's sum() would add a node for 0 + terms[0]."""
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def _labelled(x: Any, label: str) -> Any:
    """x with `label` if it is a Value (a loss of plain numbers is a number)."""
    if type(x) is Value:
        x.label = label
    return x


def _assign(pairs: list[tuple[Value, float]]) -> None:
    """Give each parameter its new value: only once every value has been checked, and a
    shared parameter given one value however often it appears."""
    given: dict[Value, float] = {}
    for p, number in pairs:
        if given.setdefault(p, number) != number:
            raise ModelError(
                f"set_weights: {describe(p)} is shared (it appears more than once), but got two"
                f" values for it, {given[p]} and {number}; give it the same value everywhere"
            )
    for p, number in pairs:
        p.data = number


def _once(parameters: list[Value]) -> list[Value]:
    """The parameters in order, a shared one listed at its first use only (a Value is equal
    only to itself; a set says quickly that nothing is shared, the common case)."""
    if len(set(parameters)) == len(parameters):
        return parameters
    return list(dict.fromkeys(parameters))


def _shared(values: Sequence[Any], count: int, where: str) -> list[Value]:
    """Existing Values to use as parameters: `count` leaf Values."""
    values = _as_items(values, where)
    if len(values) != count:
        raise ShapeError(f"{where}: expected {count} Values, got {len(values)}")
    for v in values:
        if not isinstance(v, Value):
            raise ArgumentTypeError(
                f"{where}: a shared parameter must be a Value, got {type(v).__name__} {v!r:.60}"
            )
        if not v.is_leaf:
            raise ModelError(
                f"{where}: {describe(v)} is not a leaf; a parameter must be a leaf Value"
                " (Value(number, label)) that training can move"
            )
    return list(values)


def _entry(x: Any, what: str) -> Any:
    """A number given as itself or as a one-number row: an (n, 1) column array (Nielsen's
    network.py keeps biases, inputs and targets so) has such rows."""
    if isinstance(x, (Value, Real, str, bytes)) or not isinstance(x, Iterable):
        return x
    row = list(x)
    if len(row) != 1:
        raise ShapeError(
            f"{what} is a row of {len(row)} numbers; give one number each (a list, or an"
            " (n, 1) column)"
        )
    return row[0]


def _column(items: Iterable[Any], what: str) -> list[Any]:
    """The entries of a vector given as a list, a NumPy vector or an (n, 1) column."""
    return [_entry(x, f"{what}[{i}]") for i, x in enumerate(items)]


def _check_name(name: Any) -> str:
    if not isinstance(name, str):
        raise ArgumentTypeError(
            f"name must be a str (the prefix of the parameters' labels), got"
            f" {type(name).__name__} {name!r:.60}"
        )
    return name


def _check_size(n: Any, name: str) -> None:
    if type(n) is not int or n < 1:
        raise ModelError(f"{name} must be a positive int, got {n!r:.60}")
    check_size(n, name, ModelError)


def _check_activation(activation: Any, name: str = "activation") -> str:
    if not isinstance(activation, str):
        raise ArgumentTypeError(
            f"{name} must be a name such as 'tanh', got {type(activation).__name__} {activation!r}"
        )
    if activation not in ACTIVATIONS:
        raise ModelError(
            f"unknown {name} {activation!r}; choose one of {', '.join(map(repr, ACTIVATIONS))}"
        )
    return activation


def _hidden_activations(activation: Any, hidden: int) -> list[str]:
    """One activation name per hidden layer, from one name or a list of them."""
    if isinstance(activation, str):
        return [_check_activation(activation)] * hidden
    if not isinstance(activation, Sequence):
        return [_check_activation(activation)]
    if len(activation) != hidden:
        layers = "1 hidden layer" if hidden == 1 else f"{hidden} hidden layers"
        raise ModelError(
            f"activation: {len(activation)} names for {layers}; give one name per hidden layer"
            " (the last layer's is output_activation), or one name for all"
        )
    return [_check_activation(a, f"activation {i}") for i, a in enumerate(activation)]


def _as_rng(rng: Rng) -> RandomSource:
    if rng is None:
        return random
    if type(rng) is int:
        return random.Random(rng)
    if isinstance(rng, random.Random) or rng is random:
        return rng
    raise ArgumentTypeError(
        f"rng must be a random.Random, an int seed or None, got {type(rng).__name__}"
    )


def _as_inputs(x: Any, nin: int) -> Sequence[Any]:
    """x as a sequence of nin inputs (each is checked by `dot`, which reads it)."""
    inputs: Sequence[Any] = x
    if type(x) is list or type(x) is tuple:  # the common case, checked first (it is hot)
        pass
    elif type(x) is Value or isinstance(x, Real):
        inputs = (x,)
    elif hasattr(x, "__array__") and not isinstance(x, AbstractSet):  # a NumPy vector or column
        inputs = _column(x, "input")
    elif not isinstance(x, Sequence) or isinstance(x, str):
        raise ArgumentTypeError(
            f"the inputs must be a list or tuple of numbers or Values, in order; got"
            f" {type(x).__name__} {x!r:.60}"
        )
    if len(inputs) != nin:
        raise ShapeError(f"expected {nin} inputs, got {len(inputs)}")
    return inputs


def _input_error(inputs: Sequence[Any], where: str) -> AutogradError:
    """The error for the first input that is not a finite number or a Value."""
    for i, x in enumerate(inputs):
        if type(x) is not Value:
            try:
                as_float(x, f"{where}: input {i}")
            except AutogradError as error:
                return error
    return AutogradError(f"{where}: the weighted sum of the inputs failed")


def _as_items(x: Any, where: str) -> list[Any]:
    """The items of a list, tuple, NumPy array (a matrix's rows) or other ordered collection;
    ArgumentTypeError naming `where` for a number, None, a str or an unordered set."""
    if isinstance(x, (str, bytes, AbstractSet, Mapping)) or not isinstance(x, Iterable):
        raise ArgumentTypeError(
            f"{where} must be a list of numbers (or of lists), got {type(x).__name__} {x!r:.60}"
        )
    return list(x)


def _as_matrices(weights: Any, where: str) -> list[list[list[Any]]]:
    """W^1, W^2, ... as lists of rows (nested lists or NumPy arrays in)."""
    return [
        [
            _as_items(row, f"{where}[{i}][{j}]")
            for j, row in enumerate(_as_items(matrix, f"{where}[{i}]"))
        ]
        for i, matrix in enumerate(_as_items(weights, where))
    ]


def _as_sequence(x: Any, where: str) -> list[Any]:
    """One sample's numbers as a list: a single Value or number, or any iterable of them."""
    if type(x) is list or type(x) is tuple:  # the common case, checked first
        return list(x)
    if isinstance(x, (Value, Real)):
        return [x]
    if isinstance(x, (str, bytes, AbstractSet, Mapping)) or not isinstance(x, Iterable):
        raise ArgumentTypeError(  # a set has no order: which score is class 0?
            f"{where} must be a Value, a number or a list of them, got {type(x).__name__} {x!r:.60}"
        )
    return _column(x, where)


def _largest_score(scores: list[Any], where: str) -> float:
    """max_k s_k, every score checked to be a Value or a finite number."""
    return max(
        as_float(s.data if type(s) is Value else s, f"{where}: logits[{k}]")
        for k, s in enumerate(scores)
    )


def _pairs(
    outputs: Any, targets: Any, where: str, names: tuple[str, str] = ("outputs", "targets")
) -> list[tuple[Any, Any]]:
    """(output, target) pairs, every one a Value or a finite float, named as the loss's
    arguments in messages."""
    columns = []
    for name, items in zip(names, (outputs, targets)):
        items = _as_sequence(items, f"{where}: {name}")
        columns.append(
            [
                x if type(x) is Value else as_float(x, f"{where}: {name}[{i}]")
                for i, x in enumerate(items)
            ]
        )
    outputs, targets = columns
    if len(outputs) != len(targets) or not outputs:
        raise ShapeError(
            f"{where}: got {len(outputs)} {names[0]} and {len(targets)} {names[1]}; they must"
            " match and be non-empty"
        )
    return list(zip(outputs, targets))


def _check_batch(predictions: Sequence[Any], targets: Sequence[Any], where: str) -> None:
    as_list(predictions, f"{where}: predictions")
    as_list(targets, f"{where}: targets")
    if len(predictions) != len(targets) or not predictions:
        raise ShapeError(
            f"{where}: got {len(predictions)} predictions and {len(targets)} targets;"
            " they must match and be non-empty"
        )


# ---------------------------------------------------------------------------
# Graduating to PyTorch: the same network as a torch.nn.Sequential, and back. torch is imported
# only here, when asked for, so autograd_lite does not need it.

#: The torch.nn module that applies each activation ("linear" needs none).
TORCH_ACTIVATIONS = {"tanh": "Tanh", "relu": "ReLU", "sigmoid": "Sigmoid"}


def _import_torch() -> Any:
    try:
        import torch
    except ModuleNotFoundError as error:
        raise MissingDependencyError(
            "moving a model to or from PyTorch needs torch, which is not installed:"
            ' pip install "autograd-lite[torch]" (or pip install torch)'
        ) from error
    return torch


def _to_torch_sequential(mlp: MLP) -> Any:
    torch = _import_torch()
    modules = []
    for layer in mlp.layers:
        first = layer.neurons[0]
        if first.activation != "linear" and first.activation not in TORCH_ACTIVATIONS:
            raise ModelError(f"to_torch: activation {first.activation!r} has no PyTorch module")
        linear = torch.nn.utils.skip_init(  # no random initialisation: every weight is set below
            torch.nn.Linear,
            first.nin,
            len(layer.neurons),
            bias=first.b is not None,
            dtype=torch.float64,
        )
        with torch.no_grad():
            weights = [[w.data for w in n.w] for n in layer.neurons]
            linear.weight.copy_(torch.tensor(weights, dtype=torch.float64))
            if linear.bias is not None:
                biases = [n.b.data for n in layer.neurons if n.b is not None]
                linear.bias.copy_(torch.tensor(biases, dtype=torch.float64))
        modules.append(linear)
        if first.activation != "linear":
            modules.append(getattr(torch.nn, TORCH_ACTIVATIONS[first.activation])())
    return torch.nn.Sequential(*modules)


def _weights_from_torch(
    module: Any,
) -> tuple[list[list[list[float]]], list[list[float]] | None, list[str], str]:
    """`MLP.from_weights`'s arguments for a Sequential of Linear layers and activations."""
    torch = _import_torch()
    if not isinstance(module, torch.nn.Sequential):
        raise ArgumentTypeError(
            f"from_torch needs a torch.nn.Sequential, got {type(module).__name__}"
        )
    activation_of = {getattr(torch.nn, name): key for key, name in TORCH_ACTIVATIONS.items()}
    supported = ", ".join(TORCH_ACTIVATIONS.values())
    layers: list[list[Any]] = []  # [Linear, its activation]
    for index, child in enumerate(module):
        if type(child) is torch.nn.Linear and child.weight.is_floating_point():
            layers.append([child, "linear"])
        elif type(child) in activation_of and layers and layers[-1][1] == "linear":
            layers[-1][1] = activation_of[type(child)]
        else:
            raise ModelError(
                f"from_torch: module {index} ({child}) has no autograd_lite equivalent; an MLP is"
                f" floating-point Linear layers, each followed by at most one of {supported}"
            )
    if not layers:
        raise ModelError("from_torch: the Sequential has no Linear layer")
    if len({linear.bias is None for linear, _ in layers}) > 1:
        raise ModelError(
            "from_torch: some Linear layers have a bias and some not; an MLP has"
            " biases in every layer or in none"
        )
    for i, ((before, _), (after, _)) in enumerate(zip(layers, layers[1:])):
        if before.out_features != after.in_features:
            raise ShapeError(
                f"from_torch: Linear layer {i + 1} has {before.out_features} outputs but layer"
                f" {i + 2} takes {after.in_features} inputs"
            )
    weights = [linear.weight.detach().tolist() for linear, _ in layers]
    has_bias = layers[0][0].bias is not None
    biases = [linear.bias.detach().tolist() for linear, _ in layers] if has_bias else None
    hidden = [activation for _, activation in layers[:-1]]
    return weights, biases, hidden, layers[-1][1]

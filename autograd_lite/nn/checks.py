"""Checks of the models' arguments (sizes, names, activations, random sources, inputs,
weight matrices), each refusing bad input with an error that names it."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from numbers import Real
from typing import Any, Protocol

from ..engine import Value, as_float, check_size
from ..errors import ArgumentTypeError, AutogradError, ModelError, ShapeError
from .activations import ACTIVATIONS


class RandomSource(Protocol):
    """Where starting weights come from: a `random.Random`, or the `random` module itself."""

    def uniform(self, a: float, b: float, /) -> float: ...


Rng = RandomSource | int | None


def entry(x: Any, what: str) -> Any:
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


def column(items: Iterable[Any], what: str) -> list[Any]:
    """The entries of a vector given as a list, a NumPy vector or an (n, 1) column."""
    return [entry(x, f"{what}[{i}]") for i, x in enumerate(items)]


def check_name(name: Any) -> str:
    if not isinstance(name, str):
        raise ArgumentTypeError(
            f"name must be a str (the prefix of the parameters' labels), got"
            f" {type(name).__name__} {name!r:.60}"
        )
    return name


def check_layer_size(n: Any, name: str) -> None:
    if type(n) is not int or n < 1:
        raise ModelError(f"{name} must be a positive int, got {n!r:.60}")
    check_size(n, name, ModelError)


def check_activation(activation: Any, name: str = "activation") -> str:
    if not isinstance(activation, str):
        raise ArgumentTypeError(
            f"{name} must be a name such as 'tanh', got {type(activation).__name__}"
            f" {activation!r:.60}"
        )
    if activation not in ACTIVATIONS:
        raise ModelError(
            f"unknown {name} {activation!r:.60}; choose one of {', '.join(map(repr, ACTIVATIONS))}"
        )
    return activation


def hidden_activations(activation: Any, hidden: int) -> list[str]:
    """One activation name per hidden layer, from one name or a list of them."""
    if isinstance(activation, str):
        return [check_activation(activation)] * hidden
    if not isinstance(activation, Sequence):
        return [check_activation(activation)]
    if len(activation) != hidden:
        layers = "1 hidden layer" if hidden == 1 else f"{hidden} hidden layers"
        raise ModelError(
            f"activation: {len(activation)} names for {layers}; give one name per hidden layer"
            " (the last layer's is output_activation), or one name for all"
        )
    return [check_activation(a, f"activation {i}") for i, a in enumerate(activation)]


def as_rng(rng: Rng) -> RandomSource:
    if rng is None:
        return random
    if type(rng) is int:
        return random.Random(rng)
    if isinstance(rng, random.Random) or rng is random:
        return rng
    raise ArgumentTypeError(
        f"rng must be a random.Random, an int seed or None, got {type(rng).__name__} {rng!r:.60}"
    )


def as_inputs(x: Any, nin: int, model: object) -> Sequence[Any]:
    """x as a sequence of nin inputs (each is checked by `dot`, which reads it); a wrong
    count is refused with an error naming `model`, the Neuron, Layer or MLP called."""
    inputs: Sequence[Any] = x
    if type(x) is list or type(x) is tuple:  # the common case, checked first (it is hot)
        pass
    elif type(x) is Value or isinstance(x, Real):
        inputs = (x,)
    elif hasattr(x, "__array__") and not isinstance(x, AbstractSet):  # a NumPy vector or column
        inputs = column(x, "input")
    elif not isinstance(x, Sequence) or isinstance(x, str):
        raise ArgumentTypeError(
            f"the inputs must be a list or tuple of numbers or Values, in order; got"
            f" {type(x).__name__} {x!r:.60}"
        )
    if len(inputs) != nin:
        raise _count_error(inputs, nin, model)
    return inputs


def _count_error(inputs: Sequence[Any], nin: int, model: object) -> ShapeError:
    numbers = "1 number" if nin == 1 else f"{nin} numbers"
    what = f"{model!r} takes {nin} input{'s' * (nin != 1)}, got {len(inputs)}"
    if any(isinstance(x, Iterable) and not isinstance(x, (str, bytes)) for x in inputs):
        return ShapeError(
            f"{what} rows: a model takes one sample at a time ({numbers}); call it once per sample"
        )
    rebuild = f", or build the model with nin={len(inputs)}" if inputs else ""
    return ShapeError(f"{what}; give {numbers} per sample{rebuild}")


def input_error(inputs: Sequence[Any], where: str) -> AutogradError:
    """The error for the first input that is not a finite number or a Value."""
    for i, x in enumerate(inputs):
        if type(x) is not Value:
            try:
                as_float(x, f"{where}: input {i}")
            except AutogradError as error:
                return error
    return AutogradError(f"{where}: the weighted sum of the inputs failed")


def as_items(x: Any, where: str) -> list[Any]:
    """The items of a list, tuple, NumPy array (a matrix's rows) or other ordered collection;
    ArgumentTypeError naming `where` for a number, None, a str or an unordered set."""
    if isinstance(x, (str, bytes, AbstractSet, Mapping)) or not isinstance(x, Iterable):
        raise ArgumentTypeError(
            f"{where} must be a list of numbers (or of lists), got {type(x).__name__} {x!r:.60}"
        )
    return list(x)


def as_matrices(weights: Any, where: str) -> list[list[list[Any]]]:
    """W^1, W^2, ... as lists of rows (nested lists or NumPy arrays in)."""
    return [
        [
            as_items(row, f"{where}[{i}][{j}]")
            for j, row in enumerate(as_items(matrix, f"{where}[{i}]"))
        ]
        for i, matrix in enumerate(as_items(weights, where))
    ]

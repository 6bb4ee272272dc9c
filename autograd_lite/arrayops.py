"""The engine's functions on NumPy arrays, for batched code generated from a graph.

Batched code (`to_code(..., batched=True)`, `compile_batched`) is the code `to_code` writes,
run with one number per sample in every variable that depends on the samples: each line
applies one operation to a whole batch at once. Python's operators already work on arrays;
the functions a listing calls by name (`relu(z)`, `step(z)`) come from here, one for each of
`floatops.functions()` (that is, for each operation of `engine.OPS` that is called by name).
Each gives, sample by sample, the float its operation's `forward` gives (to rounding: NumPy's
`exp` may differ from `math.exp` in the last bit); tests/test_batched.py checks every one. An
operation without a NumPy form here still works, applying its `forward` element by element
(correct, but at Python's speed); `element_by_element()` lists such operations.

Where a float function raises (log of 0), NumPy run under `numpy.errstate(all="raise")`
raises FloatingPointError; the bases of `a ** b` that NumPy accepts but the engine refuses
raise it too, so one exception type marks every value the engine would refuse.

`batch_sum` and `batch_dot` are where per-sample gradients meet a parameter: the chain rule's
term for a parameter is the sum of its terms over the samples.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy import full_like, mean

from . import floatops
from .engine import DOT, OPS

__all__ = ["batch_dot", "batch_sum", "element_by_element", "full_like", "functions", "mean"]


def batch_sum(u: Any) -> Any:
    """sum over the samples of u: a per-sample gradient, summed where it meets a parameter.
    (A per-sample gradient is an array, or the number 0.0 where every sample's is 0.) A
    Python float, so that the arithmetic on parameters alone stays quick."""
    return float(u.sum()) if type(u) is np.ndarray else u


def batch_dot(u: Any, v: Any) -> Any:
    """sum over the samples of u * v: the chain rule's product u * v for each sample, summed."""
    try:
        return float(u @ v)  # two arrays of one number per sample
    except (ValueError, TypeError):  # a number on one side
        return batch_sum(u * v)


def _sigmoid(x: Any) -> Any:
    """1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) below, as the engine computes it."""
    e = np.exp(-np.fabs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))[()]  # [()]: a number stays one


def _power(a: Any, n: Any) -> Any:
    """a ** n: NumPy raises where math.pow does (0 to a negative power, a negative base to a
    fractional one) under errstate(all="raise")."""
    return np.power(a, n)


def _power_positive_base(a: Any, b: Any) -> Any:
    """a ** b where b is a Value: the engine needs a > 0 (d/db = a^b ln a)."""
    if np.any(np.less_equal(a, 0.0)):
        raise FloatingPointError("invalid value: a ** b with the exponent a Value needs a > 0")
    return np.power(a, b)


def _weighted_sum(*operands: Any) -> Any:
    """sum_i w_i x_i (+ b): for number weights and inputs of one number per sample, one
    matrix product (which may add in another order than the engine: equal to rounding)."""
    n = len(operands) // 2
    try:
        weights, inputs = np.array(operands[:n]), np.array(operands[n : 2 * n])
    except ValueError:  # numbers and arrays mixed
        weights = inputs = np.array(())
    if weights.ndim != 1 or inputs.ndim != 2 or weights.dtype.kind != "f":
        return DOT.forward(*operands)  # per-sample weights: the engine's sum (+ and *) on arrays
    total = weights @ inputs
    return total + operands[-1] if len(operands) % 2 else total


def _relu(x: Any) -> Any:
    return np.maximum(x, 0.0)


def _step(x: Any) -> Any:
    return np.heaviside(x, 0.0)


#: The NumPy form of each function generated code calls, by the name floatops gives it.
_ARRAY_FORMS: dict[str, Callable[..., Any]] = {
    "pow": _power,
    "rpow": _power_positive_base,
    "pow_values": _power_positive_base,
    "exp": np.exp,
    "log": np.log,
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
    "relu": _relu,
    "sqrt": np.sqrt,
    "abs": np.fabs,
    "max": np.maximum,
    "min": np.minimum,
    "step": _step,
    "sign": np.sign,
    "sin": np.sin,
    "cos": np.cos,
    "dot": _weighted_sum,
}


def functions() -> dict[str, Callable[..., Any]]:
    """One array function for each name batched code calls by name, from the table now: the
    names of floatops.functions() and the operations of any number of operands (written as a
    call when they have many). An operation with no NumPy form above (one registered later)
    applies its `forward` to one element at a time: correct, at Python's speed."""
    called = {
        **floatops.functions(),
        **{op.name: op.forward for op in OPS.values() if op.split is not None},
    }
    return {
        name: _ARRAY_FORMS.get(name) or np.vectorize(forward, otypes=[float])
        for name, forward in called.items()
    }


def element_by_element() -> list[str]:
    """The operations that have no NumPy form here, so run one element at a time."""
    return [name for name in functions() if name not in _ARRAY_FORMS]


def __getattr__(name: str) -> Callable[..., Any]:
    function = functions().get(name)
    if function is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return function


def __dir__() -> list[str]:
    return sorted({*globals(), *functions()})

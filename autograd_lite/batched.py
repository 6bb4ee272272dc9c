"""The graph of ONE sample, run on a whole batch at NumPy's speed.

Record a network's loss on one sample, with the sample's numbers in leaves of their own
(its inputs, and its class as a one-hot vector), then

    step = compile_batched(loss, model.parameters(), [*x, *target])
    mean_loss, gradients = step(parameter_values, batch)

runs the code `to_code(loss, parameters, samples, batched=True)` shows: one line per node of
the graph a learner drew and stepped through, each line applied to every sample of the batch
at once (`batch` holds one row per sample, one column per sample leaf). The parameters are
shared by every sample; the result is the mean of the loss over the batch and its gradient
(each parameter's is the sum over the samples of its per-sample gradients, divided by the
batch size): the numbers `backward()` gives on the mean of per-sample losses, to rounding.
A term that depends on the parameters alone (L2 regularisation) is computed once.

NumPy is needed (`pip install numpy`); the rest of autograd_lite does not need it.
"""

from __future__ import annotations

import functools
import importlib
import math
import operator
from collections.abc import Sequence
from typing import Any, cast

from .codegen import check_arguments, compile_graph, to_code
from .engine import Operand, Value, as_float, as_list, as_value, exp, log, topological_order
from .engine import max as maximum
from .errors import (
    ArgumentTypeError,
    AutogradError,
    MissingDependencyError,
    NonFiniteError,
    ShapeError,
    describe,
)

__all__ = ["BatchedGraph", "compile_batched", "cross_entropy_one_hot"]


def compile_batched(
    output: Value, parameters: Sequence[Value], samples: Sequence[Value]
) -> BatchedGraph:
    """Compile the graph behind `output`, recorded for one sample, into a function of the
    `parameters` (shared by every sample, given gradients) and a batch of values for the
    `samples` leaves (one row per sample). See `BatchedGraph`."""
    return BatchedGraph(output, parameters, samples)


class BatchedGraph:
    """A one-sample graph's forward and backward pass, run on every sample of a batch at once.

    `graph(parameter_values, batch)` returns `(mean, gradients)`: the mean of the output over
    the batch and its derivative by each parameter (a NumPy array, in the order of
    `parameters`), for `parameter_values` (one number per parameter) and `batch` (a 2-D array
    with one row per sample and one column per leaf of `samples`). `source` is the code.
    Values an operation refuses raise the engine's error for the first sample that has one.
    """

    def __init__(
        self, output: Value, parameters: Sequence[Value], samples: Sequence[Value]
    ) -> None:
        self._np = _numpy()
        self.output = as_value(output, "compile_batched: output")
        leaves = check_arguments(
            topological_order(output),
            as_list(parameters, "compile_batched: parameters"),  # None is not "every leaf" here
            samples,
            "compile_batched",
            ("parameters", "samples"),
        )
        self.parameters, self.samples = tuple(leaves[0]), tuple(leaves[1])
        if not self.samples:
            raise ShapeError(
                "compile_batched: samples is empty: list the leaves that take each sample's"
                " numbers (a graph with none is the same for every sample; use compile_graph"
                " for it)"
            )
        self.source: str = to_code(output, self.parameters, self.samples, batched=True)
        namespace: dict[str, Any] = {}
        exec(compile(self.source, "<autograd_lite batched graph>", "exec"), namespace)
        self._function = namespace["forward_backward"]

    def __call__(self, parameter_values: Any, batch: Any) -> tuple[float, Any]:
        np = self._np
        values = self._array(parameter_values, "parameter_values", 1)
        if values.shape != (len(self.parameters),):
            raise ShapeError(
                f"parameter_values: this graph has {len(self.parameters)} parameters, got"
                f" {values.shape[0]} values; give one per parameter, in the order given"
            )
        rows = self._array(batch, "batch", 2)
        if rows.shape[0] == 0 or rows.shape[1] != len(self.samples):
            raise ShapeError(
                f"batch: one row per sample with {len(self.samples)} numbers each (one per"
                f" sample leaf, in the order given) is needed, got an array of shape"
                f" {rows.shape}"
            )
        columns = np.ascontiguousarray(rows.T, dtype=float)
        try:
            with np.errstate(all="raise", under="ignore"):
                mean, gradients = self._function(*values.tolist(), *columns)
                gradients = np.array(gradients, dtype=float)
                finite = np.isfinite(gradients)
        except (ArithmeticError, ValueError) as error:  # FloatingPointError is one
            raise self._error(values, rows, error) from None
        if not (math.isfinite(mean) and finite.all()):  # from a constant the code holds
            if not math.isfinite(mean):
                which, bad = "the mean", mean
            else:
                i = int(np.argmin(finite))
                leaf = describe(self.parameters[i])
                which = f"the gradient with respect to parameters[{i}] ({leaf})"
                bad = gradients[i]
            raise NonFiniteError(
                f"at these values {which} is {bad} (not a finite number); the engine refuses"
                " such values. Move the parameters or the samples back into range"
            )
        return float(mean), gradients

    def __repr__(self) -> str:
        return (
            f"BatchedGraph(parameters={len(self.parameters)}, samples={len(self.samples)},"
            f" lines={self.source.count(chr(10))})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # The function was made by exec: compile it again from the graph when loaded.
        return compile_batched, (self.output, self.parameters, self.samples)

    def _array(self, given: Any, where: str, dimensions: int) -> Any:
        """`given` as a float array of `dimensions` dimensions, every number finite."""
        np = self._np
        if isinstance(given, (str, bytes)):
            given = [given]  # refused below, as text
        try:
            array = np.asarray(given)
        except (ValueError, TypeError):
            array = np.asarray(given, dtype=object)  # rows of different lengths
        if array.dtype.kind not in "biuf":
            raise ArgumentTypeError(
                f"{where} must hold real numbers only (a list of numbers or a NumPy array),"
                f" got {type(given).__name__} of {array.dtype}: {given!r:.80}"
            )
        if array.ndim != dimensions:
            raise ShapeError(
                f"{where} must have {dimensions} dimension{'s' * (dimensions > 1)}, got an"
                f" array of shape {array.shape}"
                + ("; give one row per sample, one column per sample leaf" * (dimensions == 2))
            )
        array = array.astype(float)
        finite = np.isfinite(array)
        if not finite.all():
            where_bad = tuple(int(i) for i in np.argwhere(~finite)[0])
            leaf = (self.parameters if dimensions == 1 else self.samples)[where_bad[-1]]
            raise NonFiniteError(
                f"{where}{list(where_bad)} (for {describe(leaf)}) is {array[where_bad]}; every"
                " value must be a finite number"
            )
        return array

    def _error(self, values: Any, rows: Any, error: Exception) -> AutogradError:
        """The engine's error for the first sample at which an operation fails: the sample
        run alone through the one-sample compiled code, which raises as the engine does."""
        one_sample = compile_graph(self.output, list(self.parameters), list(self.samples))
        for i, row in enumerate(rows.tolist()):
            try:
                one_sample(values.tolist(), row)
            except AutogradError as failure:
                return type(failure)(f"sample {i} (row {i} of the batch): {failure}")
        return NonFiniteError(
            f"a gradient summed over the batch overflows ({error}) although every sample's is"
            " finite; use a smaller batch or scale the loss down"
        )


def cross_entropy_one_hot(logits: Sequence[Operand], target: Sequence[Operand]) -> Value:
    """C = ln sum_k e^{s_k} - sum_k t_k s_k: the cross-entropy of scores s (logits) for a
    sample whose class is given as a one-hot vector t of Values (1 for its class, else 0),
    so that one recorded graph serves samples of every class. dC/ds_k = p_k - t_k.

    Computed as ln sum_k e^{s_k - m} - sum_k t_k (s_k - m), m = max_k s_k (the same number
    when the t_k add up to 1), so large scores neither overflow nor lose the answer; m is a
    node of the graph, so each sample of a batch subtracts its own largest score."""
    scores = _operands(logits, "cross_entropy_one_hot: logits")
    targets = _operands(target, "cross_entropy_one_hot: target")
    if len(scores) != len(targets) or not scores:
        raise ShapeError(
            f"cross_entropy_one_hot: {len(scores)} logits but {len(targets)} target entries;"
            " give at least one score, and one target entry (1 for the class, 0 for the"
            " others) per score"
        )
    largest = functools.reduce(maximum, scores)
    shifted = [s - largest for s in scores]
    spread = functools.reduce(operator.add, [exp(s) for s in shifted])
    picked = functools.reduce(operator.add, [t * s for t, s in zip(targets, shifted)])
    return cast(Value, log(spread) - picked)


def _operands(values: Any, where: str) -> list[Operand]:
    """The entries of `where` (a list or tuple), each a Value or a finite number."""
    return [
        v if type(v) is Value else as_float(v, f"{where}[{i}]")
        for i, v in enumerate(as_list(values, where))
    ]


def _numpy() -> Any:
    """NumPy, or the error saying how to install it (the batched path runs on its arrays)."""
    try:
        importlib.import_module("autograd_lite.arrayops")
        return importlib.import_module("numpy")
    except ImportError:
        raise MissingDependencyError(
            "the batched path runs on NumPy arrays, and NumPy is not installed:"
            " pip install numpy (or pip install 'autograd-lite[batched]')"
        ) from None

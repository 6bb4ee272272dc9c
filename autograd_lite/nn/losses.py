"""Losses, and softmax. One sample's outputs and targets are a Value or number, or
equal-length sequences. Each loss of a model's outputs (Values) is a Value: the node to call
backward() on."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from numbers import Integral, Real
from typing import Any, cast

from ..engine import Operand, Value, as_float, as_list, exp, log, relu
from ..errors import ArgumentTypeError, ModelError, ShapeError
from .checks import column

__all__ = [
    "binary_cross_entropy",
    "cross_entropy",
    "half_squared_error",
    "hinge_loss",
    "mean_squared_error",
    "softmax",
    "squared_error",
]


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
            f" {class_index!r:.60}"
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
    return column(x, where)


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

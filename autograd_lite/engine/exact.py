"""The exact-fraction retry: when a float product on the way back overflows but the true one
does not, compute it again with `Fraction`s.

A local derivative may overflow where its product with the upstream gradient does not:
d(a/b)/db = -out/b is inf for a tiny b, yet upstream * (-out/b) can be an ordinary number.
`backward()` then goes again with `exact_accumulate`, which multiplies with `chain_product`.
`recover_backward` decides, after the fast path failed, between that retry and an error.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, cast

from ..errors import NonFiniteError
from .checks import grad_error, gradient_error
from .core import Accumulate, Value, local_derivatives, reverse_sweep


def chain_product(node: Value, index: int, upstream: float, local: float) -> float:
    """upstream * local, the chain rule's product for operand `index` of `node`.

    Where the local derivative overflowed to inf (or the float product does) but the true
    product fits a float, it is computed again exactly, with fractions: the rule evaluated
    on the node's numbers as Fractions, times the upstream gradient.
    """
    product = upstream * local
    if math.isfinite(product) or not math.isfinite(upstream) or upstream == 0.0:
        return product
    try:
        return float(_fraction_derivatives(node)[index] * Fraction(upstream))
    except (ArithmeticError, ValueError):
        return product


def exact_local_derivatives(node: Value) -> tuple[Any, ...]:
    """`local_derivatives(node)`, except that a derivative beyond a float but finite in exact
    arithmetic (d(x**-2)/dx = -2 x**-3 at x = 1e-103) comes out as inf, for `chain_product`
    to multiply exactly. One infinite in exact arithmetic too raises as before."""
    try:
        return local_derivatives(node)
    except NonFiniteError as error:
        try:
            exact = _fraction_derivatives(node)
        except (ArithmeticError, ValueError):
            raise error from None
        return tuple(_float_or_infinity(d) for d in exact)


def _fraction_derivatives(node: Value) -> tuple[Any, ...]:
    """The node's local derivatives by its rule evaluated on its numbers as Fractions."""
    op = node._op
    assert op is not None
    operands = [
        Fraction(x._data) if type(x) is Value else Fraction(cast(float, x)) for x in node.operands
    ]
    return op.derivatives(Fraction(node._data), *operands)


def _float_or_infinity(x: Any) -> float:
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


def exact_accumulate(output: Value) -> Accumulate:
    """The accumulate of a reverse sweep on floats, as `backward()` does it: it multiplies
    with `chain_product`, adds, and refuses an inf or nan gradient of `output`."""

    def accumulate(node: Value, i: int, x: Value, upstream: Any, d: Any, previous: Any) -> float:
        product = chain_product(node, i, upstream, d)
        return check_gradient(output, x, product if previous is None else previous + product)

    return accumulate


def check_gradient(output: Value, node: Value, gradient: float) -> float:
    """`gradient` (d output/d node) if it is finite, else the one NonFiniteError for it."""
    if not math.isfinite(gradient):
        raise gradient_error(output, node, gradient)
    return gradient


def backward_exactly(root: Value, order: list[Value]) -> None:
    """`backward()` again, as the reverse sweep with `exact_accumulate`: the grads of `order`
    (root's topological order) change only if every gradient comes out finite."""
    grads = reverse_sweep(root, exact_accumulate(root), local=exact_local_derivatives)
    for node in order:
        gradient = grads.get(node, 0.0)
        node.grad = node.grad + gradient if node._op is None else gradient


def recover_backward(root: Value, order: list[Value], saved: list[float], error: Exception) -> None:
    """After `backward()`'s fast path failed with `error`: every grad of `order` goes back to
    `saved`, then a leaf's grad backward cannot add to (None, 10**400, inf, 1j...) is named,
    and any failure but a non-finite gradient is raised again.

    A local derivative may overflow where its product with the upstream gradient does not
    (d(a/b)/db = -out/b for a tiny b): then backward goes again, multiplying exactly. A rule
    that failed otherwise fails again there, named by its checked derivatives.
    """
    for node, grad in zip(order, saved):
        node.grad = grad
    if isinstance(error, (OverflowError, TypeError)):
        leaves = (node for node in order if node._op is None)
        advice = "backward() cannot add to it: set it to 0.0 (zero_grad() does) instead"
        bad_grad = grad_error(leaves, "", advice)
        if bad_grad is not None or not isinstance(error, NonFiniteError):
            raise bad_grad or error from None
    backward_exactly(root, order)

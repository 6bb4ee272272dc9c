"""The engine's argument checks and its messages: what was wrong, and what to do.

Numbers come in as anything real (an int, a Fraction, a NumPy scalar) and are kept as finite
Python floats; everything else is refused with an `ArgumentTypeError`, and inf or nan with a
`NonFiniteError`. Each message names the argument or the Value it is about.
"""

from __future__ import annotations

import builtins
import math
import sys
from collections.abc import Iterable, Sequence
from numbers import Real
from typing import TYPE_CHECKING, Any, NoReturn

from ..errors import (
    ArgumentTypeError,
    AutogradError,
    DivisionByZeroError,
    DomainError,
    NonFiniteError,
    RegistrationError,
    describe,
)
from .core import Value

if TYPE_CHECKING:
    from .ops import Op


def as_float(x: Any, where: str) -> float:
    """`x` as a finite Python float, for any real number type (int, Fraction, NumPy scalar);
    ArgumentTypeError for anything else, NonFiniteError for inf, nan or an int too large,
    each message starting with `where` (the argument the number was given as)."""
    number: float = x
    if type(x) is not float:
        if not isinstance(x, Real):
            raise ArgumentTypeError(f"{where} must be a number, got {type(x).__name__} {x!r:.60}")
        try:
            number = float(x)
        except OverflowError:
            raise NonFiniteError(
                f"{where} must be a number a float can hold (below about 1.8e308), got"
                f" {type(x).__name__} {_short(x)}"
            ) from None
    if not math.isfinite(number):
        raise NonFiniteError(f"{where} must be a finite number, got {number}")
    return number


def as_value(x: Any, where: str) -> Value:
    """`x` if it is a Value, else ArgumentTypeError naming `where` (the argument)."""
    if type(x) is not Value:
        raise ArgumentTypeError(f"{where} must be a Value, got {type(x).__name__} {x!r:.60}")
    return x


def as_list(x: Any, where: str) -> list[Any]:
    """The items of a list, tuple or other sequence; ArgumentTypeError naming `where` (the
    argument) for anything else: None, a number, a str, an unordered set."""
    if type(x) is list:
        return x
    if type(x) is tuple:
        return list(x)
    if isinstance(x, (str, bytes)) or not isinstance(x, (Sequence, range)):
        raise ArgumentTypeError(
            f"{where} must be a list or tuple, got {type(x).__name__} {x!r:.60}"
        )
    return list(x)


#: The most things (inputs, neurons, samples) one argument may ask for: 2**32 Values, of about
#: 100 bytes each, would already need over 400 GB of memory.
LARGEST_SIZE = 2**32


def check_size(n: int, where: str, error: type[AutogradError]) -> None:
    """Refuse a count (`where`, already an int) that no machine's memory holds, with `error`
    (the module's own class): building it would run until memory ran out."""
    if n > LARGEST_SIZE:
        raise error(
            f"{where} = {_short(n)} asks for more than any machine's memory holds (each item"
            f" takes about 100 bytes); use at most {LARGEST_SIZE:,}"
        )


def check_leaf(data: Any, label: Any) -> float:
    """The data of a new leaf `Value(data, label)` as a finite float, after checking both."""
    check_label(label)
    if isinstance(data, Value):
        raise ArgumentTypeError(
            "Value(...) takes a number, got a Value: use that Value itself, or"
            " Value(v.data) for a new leaf with its number"
        )
    return as_float(data, f"Value {label!r}: data" if label else "Value data")


def check_label(label: Any) -> str:
    """`label` if it is a str (a Value's name), else ArgumentTypeError."""
    if not isinstance(label, str):
        raise ArgumentTypeError(
            f"Value label must be a str, got {type(label).__name__} {label!r:.60}"
        )
    return label


def check_constants(op: Op, operands: tuple[Any, ...]) -> None:
    """Refuse a Value where `op` needs a plain number (the exponent of `x ** 2`)."""
    for i in op.constants:
        if i < len(operands) and type(operands[i]) is Value:
            raise ArgumentTypeError(
                f"{op}: operand {op.params[i]!r} must be a plain number, not a Value (its"
                " derivative is not computed); use the operation that differentiates it"
            )


def apply_elsewhere(op: Op, operands: tuple[Any, ...], i: int) -> Any:
    """`op` on operands whose operand i is neither a Value nor a number: the work of its
    type's `apply_op` (a Symbol's), or ArgumentTypeError if it has none."""
    apply_op = getattr(type(operands[i]), "apply_op", None)
    if apply_op is None:
        raise ArgumentTypeError(
            f"{where(op, operands, i)}: expected a Value or a real number (int, float,"
            f" Fraction, NumPy float), got {type(operands[i]).__name__} {operands[i]!r:.60};"
            " convert it with float(...) first"
        )
    return apply_op(op, operands)


def check_dot_arguments(weights: tuple[Any, ...], inputs: tuple[Any, ...], bias: Any) -> None:
    """Say which argument of `dot` is not a finite number, if one is not."""
    for name, items in (("weights", weights), ("inputs", inputs)):
        for i, x in enumerate(items):
            if type(x) is not Value:
                as_float(x, f"dot: {name}[{i}]")
    if bias is not None and type(bias) is not Value:
        as_float(bias, "dot: bias")


def data_of(x: object) -> Any:
    """The number a Value is compared by (its data), or a number as it is."""
    if type(x) is Value:
        return x._data
    if isinstance(x, Real):
        return x  # compared as it is: a float and a huge int compare exactly
    raise ArgumentTypeError(f"cannot compare a Value with {type(x).__name__} {x!r}")


def where(op: Op, operands: tuple[Any, ...], i: int) -> str:
    """Operand i of op, for a message: `* with Value 'w1', operand b`."""
    values = [describe(x) for x in operands if type(x) is Value]
    param = op.params[i] if len(op.params) == len(operands) else str(i)
    return f"{op}{' with ' + ', '.join(values) if values else ''}, operand {param}"


def forward_error(op: Op, error: Exception, operands: tuple[Any, ...]) -> AutogradError:
    """The error to raise when computing `op` on `operands` failed with `error`."""
    inputs = _describe_operands(op, operands)
    if isinstance(error, ZeroDivisionError):
        return DivisionByZeroError(
            f"{op} is defined only for {op.domain}; got {inputs}. Keep the divisor away from zero"
        )
    if isinstance(error, OverflowError):
        return NonFiniteError(
            f"{op} of {inputs} overflows: a float cannot hold the result."
            " Scale the inputs down (or lower the learning rate that made them)"
        )
    return DomainError(
        f"{op} is defined only for {op.domain}; got {inputs}."
        " Keep the input inside that range (shift or clamp it) before this operation"
    )


def derivative_error(op: Op, operands: tuple[Any, ...]) -> NonFiniteError:
    """The error to raise when `op`'s local derivative at `operands` is infinite."""
    return NonFiniteError(
        f"the derivative of {op} at {_describe_operands(op, operands)} is infinite,"
        " so the gradient cannot be computed there"
    )


class NumberRead(Exception):
    """A derivative rule asked a `RuleProbe` for its number (see `check_rule`)."""


class RuleProbe:
    """An operand that is a graph node holding no number: what `check_rule` gives a rule.

    What a rule may do with an operand on floats, Values and symbols alike gives another probe:
    `+ - * / **` and the engine's functions (`cos(x)` calls `apply_op`). Reading its number
    (`float(x)`, `math.cos(x)`, `int(x)`, `round(x)`, `x > 0`, `if x:`) raises NumberRead.
    """

    __slots__ = ()

    def _node(self, *_: Any) -> RuleProbe:
        return RuleProbe()

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _node
    __truediv__ = __rtruediv__ = __pow__ = __rpow__ = __neg__ = _node

    def _number(self, *_: Any) -> NoReturn:
        raise NumberRead

    __float__ = __int__ = __index__ = __complex__ = __bool__ = __round__ = _number
    __trunc__ = __floor__ = __ceil__ = __lt__ = __le__ = __gt__ = __ge__ = _number

    @classmethod
    def apply_op(cls, op: Op, operands: tuple[Any, ...]) -> RuleProbe:
        """An operation of the engine on a probe: another probe."""
        return cls()


def check_rule(op: Op) -> None:
    """Refuse (RegistrationError) a derivative rule that works on floats only.

    The rule runs once on RuleProbes (a number, 2.0, where `op.constants` needs one). One that
    reads an operand's number (`math.cos(x)` reads a Value's through `__float__`) would give,
    on Values, a derivative cut off from the graph: `grad(create_graph=True)` and `hessian`
    would take its own derivative as 0. One that uses what a graph node lacks (`x.cos()`,
    `np.cos(x)`, `abs(x)`) fails on floats or on symbols. A rule that fails otherwise (on
    purpose, outside a domain, or calling a function not registered yet, as sin's rule calls
    cos) is named where it runs, by `Op.checked_derivatives`.
    """
    operands = [2.0 if i in op.constants else RuleProbe() for i in range(len(op.params))]
    try:
        op.derivatives(RuleProbe(), *operands)
        return
    except NumberRead:
        what = "reads an operand's number (as float(x), math's functions, int(x) and x > 0 do)"
    except (TypeError, AttributeError) as error:
        what = f"raises {type(error).__name__} ({error})"
    except Exception:  # on purpose, outside a domain, or a function registered later (sin's cos)
        return
    raise RegistrationError(
        f"register: the derivative rule of {op!r} {what} when its operands are graph nodes, as"
        " in grad(create_graph=True) and hessian. A rule must run on floats, on Values and on"
        " symbols, and never read an operand's number: a derivative computed from the number"
        " is cut off from the graph, so its own derivative would come out 0. Write it with"
        " + - * / ** and autograd_lite's functions: cos(x), not math.cos(x) or x.cos();"
        " step(x), not x > 0"
    ) from None


def rule_error(op: Op, local: Any, count: int) -> RegistrationError:
    """The error for a rule of `op` that did not give one derivative per operand."""
    return RegistrationError(
        f"the derivative rule of {op!r} returned {_short(local)} for {count} operand(s):"
        " derivatives(out, *xs) must return a tuple with one derivative per operand"
    )


def gradient_error(output: Value, node: Value, gradient: float) -> NonFiniteError:
    """The one error for a gradient that became inf or nan on the way back."""
    return NonFiniteError(
        f"the gradient of {describe(output)} with respect to {describe(node)} is {gradient}:"
        " it overflowed on the way back; scale the loss or the inputs down"
    )


def grad_error(nodes: Iterable[Value], where: str, advice: str) -> AutogradError | None:
    """The error for the first of `nodes` whose grad is not a number a float can hold (None,
    a str, 10**400): `where`, what the grad is, then `advice`. None if every grad is one."""
    for node in nodes:
        grad = node.grad
        if type(grad) is float and grad - grad == 0.0:
            continue
        if not (isinstance(grad, Real) and builtins.abs(grad) <= sys.float_info.max):
            error = NonFiniteError if isinstance(grad, Real) else ArgumentTypeError
            return error(
                f"{where}the grad of {describe(node)} is {type(grad).__name__} {_short(grad)},"
                f" not a number a float can hold; {advice}"
            )
    return None


def _short(x: Any) -> str:
    """A number for a message, without thousands of digits."""
    text = repr(x)
    return text if len(text) <= 40 else f"{text[:12]}...{text[-6:]} ({len(text)} digits)"


def _describe_operands(op: Op, operands: tuple[Any, ...]) -> str:
    params = (
        op.params
        if len(op.params) == len(operands)
        else [f"operand {i}" for i in range(len(operands))]
    )
    parts = []
    for param, x in zip(params, operands):
        if type(x) is Value:
            label = f" (Value {x.label!r})" if x.label else ""
            parts.append(f"{param} = {x._data!r}{label}")
        else:
            parts.append(f"{param} = {x!r}")
    return ", ".join(parts)

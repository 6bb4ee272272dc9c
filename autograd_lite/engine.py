"""The engine: a scalar `Value`, the table of operations on it, and the two sweeps.

Every operation is one `Op` in `OPS`: its forward value and its local derivatives, side by
side, and how it is written. A derivative rule is written once, with `+ - * / **` and this
module's functions, so the same rule works on plain floats (an ordinary backward pass), on
`Value`s (a gradient that is itself a graph) and on any other number-like type that
implements `apply_op` (symbols that print the rule).

Every feature walks the graph with `reverse_sweep` (the chain rule, output to leaves) or
`forward_sweep` (leaves to output), asking `local_derivatives(node)` for each node's rule.
`Value.backward()` is the reverse sweep with gradients stored on the nodes: the fast path.

Nothing here depends on the rest of the package but its errors. On the hot paths (marked FAST
PATH) `x - x != 0.0` is the test for inf and nan (both give nan), quicker than math.isfinite.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from numbers import Real
from typing import Any, cast, overload

from .errors import (
    ArgumentTypeError,
    AutogradError,
    DivisionByZeroError,
    DomainError,
    NonFiniteError,
    ShapeError,
    StaleGraphError,
    describe,
)

__all__ = [
    "OPS",
    "Number",
    "Op",
    "Operand",
    "Value",
    "abs",
    "apply",
    "cos",
    "dot",
    "exp",
    "forward_sweep",
    "local_derivatives",
    "log",
    "max",
    "min",
    "reachable",
    "relu",
    "reverse_sweep",
    "sigmoid",
    "sign",
    "sin",
    "sqrt",
    "step",
    "tanh",
    "topological_order",
]


class Op:
    """One operation: its forward value, its local derivatives, and how it is written.

    `forward(*xs)` computes the value from plain floats. `derivatives(out, *xs)` returns
    d(out)/d(x_i) for every operand, given the operation's output and its operands; it is
    written with `+ - * / **` and this module's functions, so it also runs on Values and on
    symbols. `params` names the operands in messages; `domain` says where it is defined;
    `constants` lists the operand positions that must be plain numbers (the fixed exponent
    of `x ** 2`), for which the rule gives no derivative.

    How printers write it: `symbol` is its Python operator ("+", or "-" with one operand for
    negation), "" for a call `name(x)`; `formula`, when given, writes it with operators
    (a weighted sum as `w0 * x0 + w1 * x1 + b`) and works on any number-like operands;
    `split(operands, size)`, for a variadic op, cuts a long operand list into consecutive parts
    whose formulas add up to the whole. `word` says what it does (a comment, a caption);
    `commutative` says operand order does not matter (drawings mark order where it does).
    """

    __slots__ = (
        "name",
        "forward",
        "derivatives",
        "params",
        "domain",
        "constants",
        "symbol",
        "formula",
        "split",
        "word",
        "commutative",
    )

    def __init__(
        self,
        name: str,
        forward: Callable[..., float],
        derivatives: Callable[..., tuple[Any, ...]],
        params: tuple[str, ...] = ("x",),
        domain: str = "",
        *,
        constants: tuple[int, ...] = (),
        symbol: str = "",
        formula: Callable[..., Any] | None = None,
        split: Callable[[tuple[Any, ...], int], list[tuple[Any, ...]]] | None = None,
        word: str = "",
        commutative: bool = False,
    ) -> None:
        self.name = name
        self.forward = forward
        self.derivatives = derivatives
        self.params = params
        self.domain = domain
        self.constants = constants
        self.symbol = symbol
        self.formula = formula
        self.split = split
        self.word = word or name
        self.commutative = commutative

    def __repr__(self) -> str:
        return f"Op({self.name!r})"

    @property
    def is_python_operator(self) -> bool:
        """True when Python's own operator `symbol` computes exactly `forward` on floats (so
        generated code may write it); `**` is not one: on a negative base it makes complex
        numbers where the engine refuses."""
        return self.forward in _PYTHON_OPERATORS

    def __str__(self) -> str:
        """How messages name it: its operator if it has one (`/`), else its name (`log`)."""
        return self.symbol or self.name

    def __reduce__(self) -> str:
        # An Op pickles as its name in this module: its rules are lambdas.
        return _OP_NAMES[self.name]


Number = int | float


class Value:
    """One float in a computation graph, with the gradient backward() gives it.

    A leaf is made by the user (`Value(2.0, label="x")`); every other Value is made by an
    operation and remembers that operation and its operands, in order.
    """

    __slots__ = ("_data", "grad", "label", "_op", "_operands", "_birth")

    def __init__(self, data: Number, label: str = "") -> None:
        if not isinstance(label, str):
            raise ArgumentTypeError(
                f"Value label must be a str, got {type(label).__name__} {label!r:.60}"
            )
        if type(data) is not float or data - data != 0.0:  # anything but a finite float
            if isinstance(data, Value):
                raise ArgumentTypeError(
                    "Value(...) takes a number, got a Value: use that Value itself, or"
                    " Value(v.data) for a new leaf with its number"
                )
            data = as_float(data, f"Value {label!r}: data" if label else "Value data")
        self._data: float = data
        self.grad = 0.0
        self.label = label
        self._op: Op | None = None
        self._operands: tuple[Operand, ...] = ()
        self._birth = next(_births)

    @property
    def data(self) -> float:
        """The number this Value holds."""
        return self._data

    @data.setter
    def data(self, data: Number) -> None:
        # A changed number makes the Value new: the graphs computed from the old number are
        # then older than their operand, and walking one raises StaleGraphError.
        if type(data) is not float or data - data != 0.0:  # anything but a finite float
            data = as_float(data, f"the data of {describe(self)}")
        if self._op is not None:
            raise StaleGraphError(
                f"{describe(self)} was computed by {self._op}; its data follows from its"
                " operands: change a leaf's data and compute the graph again instead"
            )
        if data != self._data:
            global _last_change
            self._data = data
            self._birth = _last_change = next(_births)

    @property
    def op(self) -> str:
        """The name of the operation that made this Value ('' for a leaf): 'mul', 'tanh'..."""
        return self._op.name if self._op is not None else ""

    @property
    def operation(self) -> Op | None:
        """The `Op` that made this Value, from `OPS` (None for a leaf)."""
        return self._op

    @property
    def operands(self) -> tuple[Operand, ...]:
        """Everything the operation used, in order: parent Values and constant numbers."""
        return self._operands

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this one was computed from, in operand order."""
        return tuple(x for x in self._operands if type(x) is Value)

    @property
    def is_leaf(self) -> bool:
        """True for a Value made by the user rather than by an operation."""
        return self._op is None

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self._data!r}, grad={self.grad!r}{label})"

    def __float__(self) -> float:
        return self._data

    # Ordering compares data; == and hash stay by identity so Values can key dicts and sets.
    def __lt__(self, other: object) -> bool:
        return bool(self._data < _data_of(other))

    def __le__(self, other: object) -> bool:
        return bool(self._data <= _data_of(other))

    def __gt__(self, other: object) -> bool:
        return bool(self._data > _data_of(other))

    def __ge__(self, other: object) -> bool:
        return bool(self._data >= _data_of(other))

    def __add__(self, other: Operand) -> Value:
        return _binary(ADD, self, other)

    def __radd__(self, other: Number) -> Value:
        return _binary(ADD, other, self)

    def __sub__(self, other: Operand) -> Value:
        return _binary(SUB, self, other)

    def __rsub__(self, other: Number) -> Value:
        return _binary(SUB, other, self)

    def __mul__(self, other: Operand) -> Value:
        return _binary(MUL, self, other)

    def __rmul__(self, other: Number) -> Value:
        return _binary(MUL, other, self)

    def __truediv__(self, other: Operand) -> Value:
        return _binary(DIV, self, other)

    def __rtruediv__(self, other: Number) -> Value:
        return _binary(DIV, other, self)

    def __pow__(self, exponent: Operand) -> Value:
        return _binary(POW_VALUES if type(exponent) is Value else POW, self, exponent)

    def __rpow__(self, base: Number) -> Value:
        return _binary(RPOW, base, self)

    def __neg__(self) -> Value:
        return apply(NEG, self)

    def __abs__(self) -> Value:
        return apply(ABS, self)

    def exp(self) -> Value:
        return apply(EXP, self)

    def log(self) -> Value:
        return apply(LOG, self)

    def tanh(self) -> Value:
        return apply(TANH, self)

    def sigmoid(self) -> Value:
        return apply(SIGMOID, self)

    def relu(self) -> Value:
        return apply(RELU, self)

    def sqrt(self) -> Value:
        return apply(SQRT, self)

    def max(self, other: Operand) -> Value:
        return apply(MAX, self, other)

    def min(self, other: Operand) -> Value:
        return apply(MIN, self, other)

    def sin(self) -> Value:
        return apply(SIN, self)

    def cos(self) -> Value:
        return apply(COS, self)

    def backward(self) -> None:
        """Fill in d(self)/d(node) as `grad` on every node this Value depends on.

        Walks the graph in reverse topological order, applying each operation's chain rule
        once. Leaves accumulate (a second call adds the same gradient again, as in
        PyTorch); the other nodes' grads are recomputed from zero on every call. If a
        gradient would be inf or nan, NonFiniteError is raised and every grad is left as
        it was.
        """
        order = topological_order(self)
        saved = [node.grad for node in order]
        try:
            _backward_fast(self, order)
        except NonFiniteError:
            # A local derivative may overflow where its product with the upstream gradient
            # does not (d(a/b)/db = -out/b for a tiny b): go again, multiplying exactly.
            for node, grad in zip(order, saved):
                node.grad = grad
            grads = reverse_sweep(self, exact_accumulate(self))
            for node, grad in zip(order, saved):
                node.grad = (
                    grad + grads.get(node, 0.0) if node._op is None else grads.get(node, 0.0)
                )
        except TypeError:
            for node, grad in zip(order, saved):
                node.grad = grad
            leaf = next((n for n in order if n._op is None and not isinstance(n.grad, Real)), None)
            if leaf is None:
                raise
            raise ArgumentTypeError(
                f"the grad of {describe(leaf)} is {type(leaf.grad).__name__} {leaf.grad!r:.60},"
                " not a number, so backward() cannot add to it; set it to 0.0 (zero_grad()"
                " does) instead of None"
            ) from None

    def zero_grad(self) -> None:
        """Set grad to 0.0 on this Value and everything it depends on."""
        for node in topological_order(self):
            node.grad = 0.0

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle and deepcopy without recursion, whatever the depth: the first Value of a
        graph to be saved lists every node it depends on first, in topological order, so
        each node's operands are already saved (or copied) when its turn comes. Loaded,
        every node is made anew in that order, so the order stays topological."""
        state = (self._op, self._operands, self._data, self.grad, self.label)
        if self in _saving:
            _saving.discard(self)
            return _restore, state
        earlier = topological_order(self)[:-1]
        _saving.update(earlier)
        # The marks go when the list is done: nodes already saved earlier keep none.
        return _restore_after, (tuple(earlier), _Unmark(earlier), *state)


Operand = Value | Number


#: Values whose graph is being pickled or copied: they come before the one that asked.
_saving: set[Value] = set()


def _restore(
    op: Op | None, operands: tuple[Operand, ...], data: float, grad: float, label: str
) -> Value:
    node = _new_node(data, op, operands)
    node.grad = grad
    node.label = label
    return node


def _restore_after(earlier: tuple[Value, ...], done: _Unmark | None, *state: Any) -> Value:
    if done is not None:  # copy.copy passes the marker itself, unsaved
        _saving.difference_update(done.nodes)
    return _restore(*state)


class _Unmark:
    """Saved right after a graph's list of nodes: takes their marks off `_saving` (a node
    the pickle already held is not saved again, so it would keep its mark)."""

    __slots__ = ("nodes",)

    def __init__(self, nodes: list[Value]) -> None:
        self.nodes = nodes

    def __reduce__(self) -> tuple[Any, ...]:
        _saving.difference_update(self.nodes)
        return type(None), ()


def _backward_fast(root: Value, order: list[Value]) -> None:
    """FAST PATH of `backward()`: `reverse_sweep` with the gradients kept on the nodes
    themselves, the rules evaluated inline and two-operand nodes unrolled. Same order and
    arithmetic; raises NonFiniteError when a leaf's gradient is not finite."""
    for node in order:
        if node._op is not None:
            node.grad = 0.0
    root.grad += 1.0
    for node in reversed(order):
        op = node._op
        upstream = node.grad
        if op is None:
            # A leaf comes after everything that uses it, so its grad is final here. An
            # inf or nan anywhere on the way back reaches some leaf (inf * 0 is nan).
            if upstream - upstream != 0.0:
                raise _gradient_error(root, node, upstream)
            continue
        operands: tuple[Any, ...] = node._operands
        try:
            if len(operands) == 2:  # the common case, unrolled: same as the loop below
                a, b = operands
                a_is_value = type(a) is Value
                b_is_value = type(b) is Value
                da, db = op.derivatives(
                    node._data, a._data if a_is_value else a, b._data if b_is_value else b
                )
                if a_is_value:
                    a.grad += upstream * da
                if b_is_value:
                    b.grad += upstream * db
                continue
            local = op.derivatives(
                node._data, *[x._data if type(x) is Value else x for x in operands]
            )
        except (ZeroDivisionError, OverflowError, ValueError):
            raise _derivative_error(op, operands) from None
        for x, d in zip(operands, local):
            if type(x) is Value:
                x.grad += upstream * d


# ---------------------------------------------------------------------------
# Walking the graph: the order, the two sweeps, and each node's local derivatives.


def topological_order(root: Value) -> list[Value]:
    """Every Value `root` depends on, each after all of its operands; `root` comes last.

    A Value is always made after its operands, so the order in which the Values were made
    is a topological order: find them (with a stack, not recursion, so any depth works) and
    sort them by birth.
    """
    as_value(root, "topological_order: root")
    seen = {root}
    stack = [root]
    changed = _last_change
    while stack:
        node = stack.pop()
        if node._birth < changed:  # made before some data changed: is an operand newer?
            _check_not_stale(node)
        for x in node._operands:
            if type(x) is Value and x not in seen:
                seen.add(x)
                stack.append(x)
    return sorted(seen, key=_birth_of)


def _check_not_stale(node: Value) -> None:
    for x in node._operands:
        if type(x) is Value and x._birth > node._birth:  # its data changed after node was made
            raise _stale_error(node, x)


def _stale_error(node: Value, operand: Value) -> StaleGraphError:
    return StaleGraphError(
        f"the data of {describe(operand)} changed after {describe(node)} was computed from it,"
        " so the graph no longer holds the numbers it was built with; compute the graph again"
        " (run the forward pass) after changing data, then call backward()"
    )


_births = itertools.count()
_birth_of = operator.attrgetter("_birth")
#: The birth a Value took when its data last changed: a node born later cannot be stale.
_last_change = -1


def reachable(order: Sequence[Value], targets: Iterable[Value]) -> set[Value]:
    """The nodes of `order` (a topological order) from which some target can be reached:
    the targets themselves and every node computed from one of them, directly or not."""
    found = set(targets)
    for node in order:
        if node not in found and any(type(x) is Value and x in found for x in node._operands):
            found.add(node)
    return found


def local_derivatives(node: Value, on_values: bool = False) -> tuple[Any, ...]:
    """d node/d operand_i for every operand of `node`, by its operation's one rule.

    Evaluated at the node's floats, or with `on_values=True` on the node and its operands
    themselves, so each derivative is a Value computed from the graph (for create_graph).
    An infinite local derivative raises NonFiniteError.
    """
    op = node._op
    if op is None:
        return ()
    out: Value | float = node
    operands: tuple[Any, ...] = node._operands
    if not on_values:
        out = node._data
        operands = tuple(x._data if type(x) is Value else x for x in operands)
    try:
        return op.derivatives(out, *operands)
    except (ZeroDivisionError, OverflowError, ValueError):
        raise _derivative_error(op, node._operands) from None


#: accumulate(node, index, operand, upstream, local, previous) -> the operand's new gradient
Accumulate = Callable[[Value, int, Value, Any, Any, Any], Any]


def reverse_sweep(
    output: Value,
    accumulate: Accumulate,
    wrt: Iterable[Value] | None = None,
    local: Callable[[Value], tuple[Any, ...]] = local_derivatives,
) -> dict[Value, Any]:
    """The chain rule from `output` back to the leaves, one node at a time.

    In reverse topological order, for each node whose gradient is known and each operand
    Value x, x's gradient becomes `accumulate(node, i, x, upstream, d, previous)`: upstream
    is d output/d node, d the local derivative d node/d x (from `local(node)`), previous x's
    gradient so far (None before its first term). `output` starts at 1.0. With `wrt`, only
    nodes that lead to one of those Values are visited. Returns every gradient it made.
    `Value.backward()` is this sweep with `upstream * d` added on the nodes' `grad`.
    """
    order = topological_order(output)
    wanted = reachable(order, wrt) if wrt is not None else None
    grads: dict[Value, Any] = {output: 1.0}
    for node in reversed(order):
        if node._op is None or node not in grads:
            continue
        upstream = grads[node]
        for i, (x, d) in enumerate(zip(node._operands, local(node))):
            if type(x) is Value and (wanted is None or x in wanted):
                grads[x] = accumulate(node, i, x, upstream, d, grads.get(x))
    return grads


#: propagate(node, known) -> the node's entry, given the entries known for earlier nodes
Propagate = Callable[[Value, dict[Value, Any]], Any]


def forward_sweep(
    output: Value, seeds: Mapping[Value, Any], propagate: Propagate
) -> dict[Value, Any]:
    """From the `seeds` (entries for some nodes) forwards to `output`, one node at a time.

    In topological order, every node computed from a node with an entry gets the entry
    `propagate(node, known)` (known: every entry so far). A tangent (forward mode) or a
    value recomputed after moving a leaf travels this way. Returns every entry.
    """
    known = dict(seeds)
    for node in topological_order(output):
        if node._op is not None and any(type(x) is Value and x in known for x in node._operands):
            known[node] = propagate(node, known)
    return known


def _gradient_error(output: Value, node: Value, gradient: float) -> NonFiniteError:
    """The one error for a gradient that became inf or nan on the way back."""
    return NonFiniteError(
        f"the gradient of {describe(output)} with respect to {describe(node)} is {gradient}:"
        " it overflowed on the way back; scale the loss or the inputs down"
    )


def chain_product(node: Value, index: int, upstream: float, local: float) -> float:
    """upstream * local, the chain rule's product for operand `index` of `node`.

    Where the local derivative overflowed to inf (or the float product does) but the true
    product fits a float, it is computed again exactly, with fractions: the rule evaluated
    on the node's numbers as Fractions, times the upstream gradient.
    """
    product = upstream * local
    if math.isfinite(product) or not math.isfinite(upstream) or upstream == 0.0:
        return product
    op = node._op
    assert op is not None
    operands = [
        Fraction(x._data) if type(x) is Value else Fraction(cast(float, x)) for x in node._operands
    ]
    try:
        exact = op.derivatives(Fraction(node._data), *operands)[index] * Fraction(upstream)
        return float(exact)
    except (ArithmeticError, ValueError):
        return product


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
        raise _gradient_error(output, node, gradient)
    return gradient


# ---------------------------------------------------------------------------
# Applying an operation: numbers in, a number out; a Value in, a new node out.


@overload
def apply(op: Op, *operands: Value) -> Value: ...
@overload
def apply(op: Op, *operands: float) -> float: ...
@overload
def apply(op: Op, *operands: Any) -> Any: ...


def apply(op: Op, *operands: Any) -> Any:
    """Compute `op` on the operands: a float for numbers, a new Value if any is a Value, and
    whatever a number-like type's `apply_op` makes of it (a Symbol prints the formula)."""
    for i in op.constants:
        if i < len(operands) and type(operands[i]) is Value:
            raise ArgumentTypeError(
                f"{op}: operand {op.params[i]!r} must be a plain number, not a Value (its"
                " derivative is not computed); use the operation that differentiates it"
            )
    datas = []
    makes_node = False
    converted = False
    for x in operands:
        if type(x) is Value:
            datas.append(x._data)
            makes_node = True
        elif type(x) is float and x - x == 0.0:
            datas.append(x)
        elif isinstance(x, Real):
            datas.append(as_float(x, _where(op, operands, len(datas))))
            converted = True
        else:
            apply_op = getattr(type(x), "apply_op", None)
            if apply_op is None:
                raise ArgumentTypeError(
                    f"{_where(op, operands, len(datas))}: expected a Value or a number, got"
                    f" {type(x).__name__} {x!r}"
                )
            return apply_op(op, operands)
    if converted:  # a constant is kept as a Python float (a NumPy float32 would stay one)
        operands = tuple(x if type(x) is Value else d for x, d in zip(operands, datas))
    try:
        data = op.forward(*datas)
    except (ArithmeticError, ValueError) as error:
        raise _forward_error(op, error, operands) from None
    if data - data != 0.0:
        raise _forward_error(op, OverflowError(), operands)
    return _new_node(data, op, operands) if makes_node else data


def _binary(op: Op, a: Any, b: Any) -> Value:
    """FAST PATH: `apply` for the arithmetic operators, where one side is a Value. For anything
    but a number on the other side it returns NotImplemented, so Python can ask that type."""
    # A finite float passes as it is; another number (an int, a NumPy scalar) is stored as
    # the Python float it converts to, and inf or nan is refused.
    if type(a) is Value:
        x = a._data
    elif type(a) is float and a - a == 0.0:
        x = a
    elif isinstance(a, Real):
        x = a = as_float(a, _where(op, (a, b), 0))
    else:
        return cast(Value, NotImplemented)  # Python then asks the other operand's type
    if type(b) is Value:
        y = b._data
    elif type(b) is float and b - b == 0.0:
        y = b
    elif isinstance(b, Real):
        y = b = as_float(b, _where(op, (a, b), 1))
    else:
        return cast(Value, NotImplemented)
    operands = (a, b)
    try:
        data = op.forward(x, y)
    except (ArithmeticError, ValueError) as error:
        raise _forward_error(op, error, operands) from None
    if data - data != 0.0:
        raise _forward_error(op, OverflowError(), operands)
    return _new_node(data, op, operands)


def _where(op: Op, operands: tuple[Any, ...], i: int) -> str:
    """Operand i of op, for a message: `* with Value 'w1', operand b`."""
    values = [describe(x) for x in operands if type(x) is Value]
    param = op.params[i] if len(op.params) == len(operands) else str(i)
    return f"{op}{' with ' + ', '.join(values) if values else ''}, operand {param}"


def _new_node(data: float, op: Op | None, operands: tuple[Operand, ...]) -> Value:
    node = _new_value(Value)
    node._data = data
    node.grad = 0.0
    node.label = ""
    node._birth = next(_births)
    node._op = op
    node._operands = operands
    return node


_new_value = Value.__new__


def _forward_error(op: Op, error: Exception, operands: tuple[Any, ...]) -> AutogradError:
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


def _derivative_error(op: Op, operands: tuple[Any, ...]) -> NonFiniteError:
    """The error to raise when `op`'s local derivative at `operands` is infinite."""
    return NonFiniteError(
        f"the derivative of {op} at {_describe_operands(op, operands)} is infinite,"
        " so the gradient cannot be computed there"
    )


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


def _short(x: Any) -> str:
    """A number for a message, without thousands of digits."""
    text = repr(x)
    return text if len(text) <= 40 else f"{text[:12]}...{text[-6:]} ({len(text)} digits)"


def _data_of(x: object) -> Any:
    if type(x) is Value:
        return x._data
    if isinstance(x, Real):
        return x  # compared as it is: a float and a huge int compare exactly
    raise ArgumentTypeError(f"cannot compare a Value with {type(x).__name__} {x!r}")


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


# ---------------------------------------------------------------------------
# The operations. Each: forward value, then local derivatives, then how it is written.


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _pow_number_exponent(a: float, n: float) -> float:
    if a == 0 and n < 0:
        raise ZeroDivisionError("0 to a negative power")
    return math.pow(a, n)


def _pow_positive_base(a: float, b: float) -> float:
    if a <= 0:
        raise ValueError("d(a^b)/db = a^b ln a needs a > 0")
    return math.pow(a, b)


def _dot(*operands: Any) -> Any:
    """w0 * x0 + w1 * x1 + ... (+ b), added left to right: the same sum `*` and `+` give."""
    n = len(operands) // 2
    total = functools.reduce(operator.add, map(operator.mul, operands[:n], operands[n : 2 * n]))
    return total + operands[-1] if len(operands) % 2 else total


def _dot_derivatives(out: Any, *operands: Any) -> tuple[Any, ...]:
    """d(sum_i w_i x_i + b)/dw_i = x_i,  d/dx_i = w_i,  d/db = 1."""
    n = len(operands) // 2
    weights, inputs = operands[:n], operands[n : 2 * n]
    return (*inputs, *weights) + (1.0,) * (len(operands) % 2)


def _dot_split(operands: tuple[Any, ...], size: int) -> list[tuple[Any, ...]]:
    """The weighted sum in parts of `size` terms (the bias in the last part)."""
    n = len(operands) // 2
    weights, inputs, bias = operands[:n], operands[n : 2 * n], operands[2 * n :]
    return [
        (*weights[i : i + size], *inputs[i : i + size], *(bias if i + size >= n else ()))
        for i in range(0, n, size)
    ]


AB = ("a", "b")
_PYTHON_OPERATORS = (operator.add, operator.sub, operator.mul, operator.truediv, operator.neg)

# d(a + b)/da = 1, d(a + b)/db = 1
ADD = Op("add", operator.add, lambda out, a, b: (1.0, 1.0), AB, symbol="+", commutative=True)
# d(a - b)/da = 1, d(a - b)/db = -1
SUB = Op("sub", operator.sub, lambda out, a, b: (1.0, -1.0), AB, symbol="-", word="subtract")
# d(a * b)/da = b, d(a * b)/db = a
MUL = Op(
    "mul", operator.mul, lambda out, a, b: (b, a), AB, symbol="*", word="multiply", commutative=True
)
# d(a / b)/da = 1/b, d(a / b)/db = -a/b^2 = -out/b
DIV = Op(
    "div",
    operator.truediv,
    lambda out, a, b: (1 / b, -out / b),
    AB,
    "b != 0",
    symbol="/",
    word="divide",
)
# d(-x)/dx = -1
NEG = Op("neg", operator.neg, lambda out, x: (-1.0,), symbol="-", word="negate")
# d(a^n)/da = n a^(n-1); the exponent n is a fixed number, so it needs no derivative
POW = Op(
    "pow",
    _pow_number_exponent,
    lambda out, a, n: (n * a ** (n - 1) if n else 0.0, 0.0),
    ("a", "n"),
    "a > 0, a = 0 with n >= 0, or a < 0 with a whole-number n",
    constants=(1,),
    symbol="**",
    word="power",
)
# d(c^x)/dx = c^x ln c; the base c is a fixed number, so it needs no derivative
RPOW = Op(
    "rpow",
    _pow_positive_base,
    lambda out, c, x: (0.0, out * log(c)),
    ("c", "x"),
    "c > 0 (d(c^x)/dx = c^x ln c needs ln c)",
    constants=(0,),
    symbol="**",
    word="power",
)
# d(a^b)/da = b a^(b-1), d(a^b)/db = a^b ln a
POW_VALUES = Op(
    "pow_values",
    _pow_positive_base,
    lambda out, a, b: (b * a ** (b - 1), out * log(a)),
    AB,
    "a > 0 when the exponent is a Value (d(a^b)/db = a^b ln a needs ln a)",
    symbol="**",
    word="power",
)
# d(e^x)/dx = e^x
EXP = Op("exp", math.exp, lambda out, x: (out,))
# d(ln x)/dx = 1/x
LOG = Op("log", math.log, lambda out, x: (1 / x,), domain="x > 0")
# d(tanh x)/dx = 1 - tanh(x)^2
TANH = Op("tanh", math.tanh, lambda out, x: (1 - out * out,))
# d(sigmoid x)/dx = sigmoid(x) (1 - sigmoid(x))
SIGMOID = Op("sigmoid", _sigmoid, lambda out, x: (out * (1 - out),))
# d(relu x)/dx = 1 for x > 0, else 0
RELU = Op("relu", lambda x: x if x > 0 else 0.0, lambda out, x: (step(x),))
# d(sqrt x)/dx = 1 / (2 sqrt x)
SQRT = Op("sqrt", math.sqrt, lambda out, x: (1 / (2 * out),), domain="x >= 0")
# d|x|/dx = sign(x), taken as 0 at x = 0
ABS = Op("abs", math.fabs, lambda out, x: (sign(x),))
# d max(a, b)/da = 1 where a >= b, else 0; d/db = 1 - that (at a tie all of it goes to a)
MAX = Op(
    "max", lambda a, b: a if a >= b else b, lambda out, a, b: (1 - step(b - a), step(b - a)), AB
)
# d min(a, b)/da = 1 where a <= b, else 0; d/db = 1 - that (at a tie all of it goes to a)
MIN = Op(
    "min", lambda a, b: a if a <= b else b, lambda out, a, b: (1 - step(a - b), step(a - b)), AB
)
# The unit step and the sign are flat wherever they are differentiable.
STEP = Op("step", lambda x: 1.0 if x > 0 else 0.0, lambda out, x: (0.0,))
SIGN = Op("sign", lambda x: (x > 0) - (x < 0) + 0.0, lambda out, x: (0.0,))
# d(sin x)/dx = cos x
SIN = Op("sin", math.sin, lambda out, x: (cos(x),))
# d(cos x)/dx = -sin x
COS = Op("cos", math.cos, lambda out, x: (-sin(x),))
# One node for a neuron's weighted sum: sum_i w_i x_i (+ b)
DOT = Op(
    "dot", _dot, _dot_derivatives, ("w", "x"), formula=_dot, split=_dot_split, word="weighted sum"
)

#: Every operation, by name, in the order defined above: the one table each feature reads.
OPS: dict[str, Op] = {op.name: op for op in list(globals().values()) if isinstance(op, Op)}
_OP_NAMES = {op.name: name for name, op in globals().items() if isinstance(op, Op)}


def exp(x: Operand) -> Any:
    """e^x, for a Value or a number.  d(e^x)/dx = e^x."""
    return apply(EXP, x)


def log(x: Operand) -> Any:
    """Natural logarithm, for x > 0.  d(ln x)/dx = 1/x."""
    return apply(LOG, x)


def tanh(x: Operand) -> Any:
    """Hyperbolic tangent.  d(tanh x)/dx = 1 - tanh(x)^2."""
    return apply(TANH, x)


def sigmoid(x: Operand) -> Any:
    """1 / (1 + e^-x).  d(sigmoid x)/dx = sigmoid(x) (1 - sigmoid(x))."""
    return apply(SIGMOID, x)


def relu(x: Operand) -> Any:
    """max(x, 0).  d(relu x)/dx = 1 for x > 0, else 0."""
    return apply(RELU, x)


def sqrt(x: Operand) -> Any:
    """Square root, for x >= 0.  d(sqrt x)/dx = 1 / (2 sqrt x)."""
    return apply(SQRT, x)


def abs(x: Operand) -> Any:  # noqa: A001 - same answer as the builtin for numbers
    """|x|.  d|x|/dx = sign(x), taken as 0 at x = 0 (as PyTorch does)."""
    return apply(ABS, x)


def max(a: Operand, b: Operand) -> Any:  # noqa: A001 - the builtin's answer for two numbers
    """The larger of a and b: the gradient goes to it.  d max(a, b)/da = 1 where a >= b, else
    0, and d/db = 1 - d/da; at a tie a gets all of it (a subgradient; PyTorch's maximum gives
    each half)."""
    return apply(MAX, a, b)


def min(a: Operand, b: Operand) -> Any:  # noqa: A001 - the builtin's answer for two numbers
    """The smaller of a and b: the gradient goes to it.  d min(a, b)/da = 1 where a <= b, else
    0, and d/db = 1 - d/da; at a tie a gets all of it (PyTorch's minimum gives each half)."""
    return apply(MIN, a, b)


def step(x: Operand) -> Any:
    """1 for x > 0, else 0: the derivative of relu."""
    return apply(STEP, x)


def sign(x: Operand) -> Any:
    """-1, 0 or 1: the derivative of abs."""
    return apply(SIGN, x)


def sin(x: Operand) -> Any:
    """Sine (x in radians).  d(sin x)/dx = cos x."""
    return apply(SIN, x)


def cos(x: Operand) -> Any:
    """Cosine (x in radians).  d(cos x)/dx = -sin x."""
    return apply(COS, x)


def dot(weights: Sequence[Operand], inputs: Sequence[Operand], bias: Operand | None = None) -> Any:
    """sum_i w_i x_i (+ b) as one node whose operands are every weight, input and the bias.

    d/dw_i = x_i, d/dx_i = w_i, d/db = 1: the same gradients as building the sum from
    `*` and `+`, with one node instead of 2n, and the same sum, added left to right.
    """
    weights, inputs = tuple(as_list(weights, "dot: weights")), tuple(as_list(inputs, "dot: inputs"))
    if len(weights) != len(inputs):
        raise ShapeError(f"dot: {len(weights)} weights but {len(inputs)} inputs; they must match")
    if not weights:
        raise ShapeError("dot: needs at least one weight and one input")
    operands = weights + inputs if bias is None else (*weights, *inputs, bias)
    try:
        return apply(DOT, *operands)
    except AutogradError:  # say which argument it was
        for name, items in (("weights", weights), ("inputs", inputs)):
            for i, x in enumerate(items):
                if type(x) is not Value:
                    as_float(x, f"dot: {name}[{i}]")
        if bias is not None and type(bias) is not Value:
            as_float(bias, "dot: bias")
        raise

"""The core of the engine: `Value`, `apply`, the topological order and the two sweeps.

A `Value` holds one float and remembers the operation (an `Op` from `ops.OPS`) and the
operands that made it. `apply(op, *operands)` computes an operation: a float for numbers, a
new node for Values. Every feature walks the graph with `reverse_sweep` (the chain rule,
output to leaves) or `forward_sweep` (leaves to output), asking `local_derivatives(node)` for
each node's rule; `Value.backward()` is the reverse sweep with the gradients kept on the
nodes, run by the fast path in `fast.py`.

On the hot paths (marked FAST PATH) `x - x != 0.0` is the test for inf and nan (both give
nan), quicker than math.isfinite.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from numbers import Real
from typing import TYPE_CHECKING, Any, overload

from ..errors import ArgumentTypeError, RegistrationError

if TYPE_CHECKING:
    from .ops import Op

Number = int | float


class Value:
    """One float in a computation graph, with the gradient backward() gives it.

    A leaf is made by the user (`Value(2.0, label="x")`); every other Value is made by an
    operation and remembers that operation and its operands, in order (as micrograd's
    `Value(data, _children, _op)`). Every Value, leaf or node, is made by `new_node`.

    The operands are kept in two slots: one operand in `_a`, two in `_a` and `_b`, three or
    more as a tuple in `_a`. A node is then one object, not two (a Value and a tuple), for
    Python's garbage collector to track: that halves the time of a training step.
    """

    __slots__ = ("_data", "grad", "_label", "_op", "_a", "_b", "_birth")
    _data: float
    grad: float
    _label: str
    _op: Op | None
    _a: Any
    _b: Any
    _birth: int  # when it was made (see staleness.py)

    def __new__(cls, data: Number, label: str = "") -> Value:
        if type(data) is not float or data - data != 0.0 or type(label) is not str:
            data = check_leaf(data, label)
        return new_node(data, None, label=label)

    @property
    def data(self) -> float:
        """The number this Value holds."""
        return self._data

    @data.setter
    def data(self, data: Number) -> None:
        # A changed number makes the Value new: the graphs computed from the old number are
        # then older than their operand, and walking one raises StaleGraphError.
        change_data(self, data)

    @property
    def label(self) -> str:
        """The Value's name in drawings, generated code and messages ('' for none)."""
        return self._label

    @label.setter
    def label(self, label: str) -> None:
        self._label = label if type(label) is str else check_label(label)

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
        a = self._a
        if type(a) is tuple:
            return a
        if self._b is not None:
            return (a, self._b)
        return () if a is None else (a,)

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this one was computed from, in operand order."""
        return tuple(x for x in self.operands if type(x) is Value)

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
        return bool(self._data < data_of(other))

    def __le__(self, other: object) -> bool:
        return bool(self._data <= data_of(other))

    def __gt__(self, other: object) -> bool:
        return bool(self._data > data_of(other))

    def __ge__(self, other: object) -> bool:
        return bool(self._data >= data_of(other))

    # The operators. Every other operation of `OPS` becomes a method when it is registered
    # (`x.tanh()`, `a.max(b)`); these are declared here for type checkers.
    def __add__(self, other: Operand) -> Value:
        return apply_binary(ADD, self, other)

    def __radd__(self, other: Number) -> Value:
        return apply_binary(ADD, other, self)

    def __sub__(self, other: Operand) -> Value:
        return apply_binary(SUB, self, other)

    def __rsub__(self, other: Number) -> Value:
        return apply_binary(SUB, other, self)

    def __mul__(self, other: Operand) -> Value:
        return apply_binary(MUL, self, other)

    def __rmul__(self, other: Number) -> Value:
        return apply_binary(MUL, other, self)

    def __truediv__(self, other: Operand) -> Value:
        return apply_binary(DIV, self, other)

    def __rtruediv__(self, other: Number) -> Value:
        return apply_binary(DIV, other, self)

    def __pow__(self, exponent: Operand) -> Value:
        return apply_binary(POW_VALUES if type(exponent) is Value else POW, self, exponent)

    def __rpow__(self, base: Number) -> Value:
        return apply_binary(RPOW, base, self)

    def __neg__(self) -> Value:
        return apply_unary(NEG, self)

    def __abs__(self) -> Value:
        return apply_unary(ABS, self)

    if TYPE_CHECKING:  # made by `register` from the table

        def _unary(self) -> Value: ...
        def _binary(self, other: Operand) -> Value: ...

        exp = log = tanh = sigmoid = relu = sqrt = abs = step = sign = sin = cos = _unary
        max = min = _binary

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
            backward_fast(self, order)
        except Exception as error:  # every grad back as it was; a clear error or an exact retry
            recover_backward(self, order, saved, error)

    def zero_grad(self) -> None:
        """Set grad to 0.0 on this Value and everything it depends on (stale or not: zeroing
        reads no data)."""
        for node in dependencies(self):
            node.grad = 0.0

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle without recursion, whatever the depth (see pickling.py)."""
        return reduce_value(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        """Deep-copy without recursion, whatever the depth (see pickling.py)."""
        return deepcopy_value(self, memo)

    def __copy__(self) -> Value:
        """A new Value made as this one was: the same operation, operands and numbers."""
        return copy_value(self)


Operand = Value | Number


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
    check_constants(op, operands)
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
            datas.append(as_float(x, where(op, operands, len(datas))))
            converted = True
        else:
            return apply_elsewhere(op, operands, len(datas))
    if converted:  # a constant is kept as a Python float (a NumPy float32 would stay one)
        operands = tuple(x if type(x) is Value else d for x, d in zip(operands, datas))
    try:
        data = op.forward(*datas)
    except (ArithmeticError, ValueError) as error:
        raise forward_error(op, error, operands) from None
    if data - data != 0.0:
        raise forward_error(op, OverflowError(), operands)
    return node(data, op, operands) if makes_node else data


def node(data: float, op: Op, operands: tuple[Operand, ...]) -> Value:
    """A new Value made by `op` from `operands`, holding `data`."""
    if len(operands) == 2:
        return new_node(data, op, operands[0], operands[1])
    return new_node(data, op, operands[0] if len(operands) == 1 else operands)


def new_node(data: float, op: Op | None, a: Any = None, b: Any = None, label: str = "") -> Value:
    """The one place a Value's fields are set: `data`, made by `op` from the operands `a` and
    `b` (one operand: `a`; three or more: their tuple in `a`). FAST PATH: no checks."""
    made = _allocate(Value)
    made._data = data
    made.grad = 0.0
    made._label = label
    made._op = op
    made._a = a
    made._b = b
    made._birth = next_birth()
    return made


_allocate = object.__new__


# ---------------------------------------------------------------------------
# Walking the graph: the order, the two sweeps, and each node's local derivatives.


def topological_order(root: Value) -> list[Value]:
    """Every Value `root` depends on, each after all of its operands; `root` comes last.

    A Value is always made after its operands, so the order in which the Values were made
    is a topological order: find them (with a stack, not recursion, so any depth works) and
    sort them by birth.
    """
    as_value(root, "topological_order: root")
    return sorted(_dependencies(root, last_change()), key=_birth_of)


def dependencies(root: Value) -> set[Value]:
    """`root` and every Value it depends on, in no order, stale or not."""
    return _dependencies(root, -1)


def _dependencies(root: Value, changed: int) -> set[Value]:
    """`root` and every Value it depends on; each one made before the birth `changed` (a
    change of data) is checked not to be stale."""
    seen = {root}
    stack = [root]
    while stack:
        node = stack.pop()
        if node._birth < changed:  # made before some data changed: is an operand newer?
            check_not_stale(node)
        a = node._a
        for x in a if type(a) is tuple else (a, node._b):
            if type(x) is Value and x not in seen:
                seen.add(x)
                stack.append(x)
    return seen


_birth_of = operator.attrgetter("_birth")


def local_derivatives(node: Value, on_values: bool = False) -> tuple[Any, ...]:
    """d node/d operand_i for every operand of `node`, by its operation's one rule.

    Evaluated at the node's floats, or with `on_values=True` on the node and its operands
    themselves, so each derivative is a Value computed from the graph (for create_graph).
    An infinite local derivative raises NonFiniteError.
    """
    if type(node) is not Value or type(on_values) is not bool:
        as_value(node, "local_derivatives: node")
        raise ArgumentTypeError(
            f"local_derivatives: on_values must be True or False, got {on_values!r:.60}"
        )
    op = node._op
    if op is None:
        return ()
    out: Value | float = node
    operands: tuple[Any, ...] = node.operands
    if not on_values:
        out = node._data
        operands = tuple(x._data if type(x) is Value else x for x in operands)
    try:
        return op.checked_derivatives(out, *operands)
    except RegistrationError:
        raise
    except (ZeroDivisionError, OverflowError, ValueError):
        raise derivative_error(op, node.operands) from None


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
        for i, (x, d) in enumerate(zip(node.operands, local(node))):
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
        if node._op is not None and any(type(x) is Value and x in known for x in node.operands):
            known[node] = propagate(node, known)
    return known


# The engine's other parts build on Value and apply above, so they are imported last.
from .checks import (  # noqa: E402
    apply_elsewhere,
    as_float,
    as_value,
    check_constants,
    check_label,
    check_leaf,
    data_of,
    derivative_error,
    forward_error,
    where,
)
from .exact import recover_backward  # noqa: E402
from .fast import apply_binary, apply_unary, backward_fast  # noqa: E402
from .ops import ABS, ADD, DIV, MUL, NEG, POW, POW_VALUES, RPOW, SUB  # noqa: E402
from .paths import reachable  # noqa: E402
from .pickling import copy_value, deepcopy_value, reduce_value  # noqa: E402
from .staleness import change_data, check_not_stale, last_change, next_birth  # noqa: E402

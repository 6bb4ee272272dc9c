"""The table of operations, `OPS`, and `register`, which adds one to it.

Every operation is one `Op`: its forward value and its local derivatives, side by side, and
how it is written. A derivative rule is written once, with `+ - * / **` and this module's
functions, so the same rule works on plain floats (an ordinary backward pass), on `Value`s (a
gradient that is itself a graph) and on any other number-like type that implements
`apply_op` (symbols that print the rule). `register(op)` puts an operation in `OPS` and makes
its function and its `Value` method; every feature (backward, grad and hessian, jvp, drawing,
the step-through, generated code, pickling) finds it there.
"""

from __future__ import annotations

import functools
import inspect
import keyword
import math
import operator
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import (
    ArgumentTypeError,
    AutogradError,
    NonFiniteError,
    RegistrationError,
    ShapeError,
)
from .checks import as_list, check_dot_arguments, check_rule, rule_error
from .core import Operand, Value, apply
from .fast import apply_unary


class Op:
    """One operation: its forward value, its local derivatives, and how it is written.

    `forward(*xs)` computes the value from plain floats. `derivatives(out, *xs)` returns
    d(out)/d(x_i) for every operand, given the operation's output and its operands; it is
    written with `+ - * / **` and this module's functions, so it also runs on Values and on
    symbols. `params` names the operands in messages; `domain` says where it is defined;
    `constants` lists the operand positions that must be plain numbers (the fixed exponent
    of `x ** 2`), for which the rule gives no derivative. `doc` states the math (the
    docstring of its function and method).

    How printers write it: `symbol` is its Python operator ("+", or "-" with one operand for
    negation), "" for a call `name(x)`; `formula`, when given, writes it with operators
    (a weighted sum as `w0 * x0 + w1 * x1 + b`) and works on any number-like operands;
    `split(operands, size)`, for a variadic op, cuts a long operand list into consecutive parts
    whose formulas add up to the whole. `word` says what it does (a comment, a caption);
    `commutative` says operand order does not matter (drawings mark order where it does).

    FAST PATH: `chain_rule(node, upstream)`, when given, adds `upstream * d node/d x` to the
    grad of each operand Value x of a node the op made: the arithmetic `derivatives` states,
    written out for `backward()` (a property test checks the two agree bit for bit).
    """

    __slots__ = (
        "name",
        "forward",
        "derivatives",
        "params",
        "domain",
        "doc",
        "constants",
        "symbol",
        "formula",
        "split",
        "word",
        "commutative",
        "chain_rule",
    )

    def __init__(
        self,
        name: str,
        forward: Callable[..., float],
        derivatives: Callable[..., tuple[Any, ...]],
        params: tuple[str, ...] = ("x",),
        domain: str = "",
        *,
        doc: str = "",
        constants: tuple[int, ...] = (),
        symbol: str = "",
        formula: Callable[..., Any] | None = None,
        split: Callable[[tuple[Any, ...], int], list[tuple[Any, ...]]] | None = None,
        word: str = "",
        commutative: bool = False,
        chain_rule: Callable[[Value, float], None] | None = None,
    ) -> None:
        self.name = name
        self.forward = forward
        self.derivatives = derivatives
        self.params = params
        self.domain = domain
        self.doc = doc
        self.constants = constants
        self.symbol = symbol
        self.formula = formula
        self.split = split
        self.word = word or name
        self.commutative = commutative
        self.chain_rule = chain_rule

    def __repr__(self) -> str:
        return f"Op({self.name!r})"

    def checked_derivatives(self, out: Any, *operands: Any) -> tuple[Any, ...]:
        """`derivatives(out, *operands)`, refused (RegistrationError) unless it gives one
        derivative per operand: a short rule would silently leave an operand's gradient 0.
        A rule that fails otherwise than by leaving its domain is named (RegistrationError)."""
        try:
            local = self.derivatives(out, *operands)
        except (ArithmeticError, ValueError, AutogradError):
            raise  # outside the domain: the caller says where
        except Exception as error:
            raise RegistrationError(
                f"the derivative rule of {self!r} raised {type(error).__name__}: {error}."
                " Write it with + - * / ** and autograd_lite's functions (cos, exp...), not"
                " math's, so that it runs on floats, on Values and on symbols"
            ) from error
        if not isinstance(local, (tuple, list)) or len(local) != len(operands):
            raise rule_error(self, local, len(operands))
        return tuple(local)

    @property
    def is_python_operator(self) -> bool:
        """True when Python's own operator `symbol` computes exactly `forward` on floats (so
        generated code may write it); `**` is not one: on a negative base it makes complex
        numbers where the engine refuses."""
        return self.forward in _PYTHON_OPERATORS

    def __str__(self) -> str:
        """How messages name it: its operator if it has one (`/`), else its name (`log`)."""
        return self.symbol or self.name

    def __reduce__(self) -> tuple[Any, ...]:
        # An Op pickles as its name in OPS (its rules are lambdas): the process that loads
        # it must have registered an operation of that name.
        if OPS.get(self.name) is not self:
            raise RegistrationError(
                f"{self!r} is not in OPS, so a pickle cannot name it; register(op) it first"
            )
        return registered, (self.name,)


#: Every operation, by name, in the order registered: the one table each feature reads.
OPS: dict[str, Op] = {}


def register(op: Op, *, method: bool = True) -> Callable[..., Any]:
    """Add `op` to `OPS` and return its function, `apply(op, *operands)` named `op.name`.

    From then on the operation works like a built-in one: backward, grad and hessian, jvp,
    drawing, the step-through, `to_code`/`compile_graph` and pickling all read it from the
    table. With `method` (the default) `Value` gets it as a method too: `x.atan()`.

        atan = register(Op("atan", math.atan, lambda out, x: (1 / (1 + x * x),)))
        atan(Value(1.0)).backward()

    A pickle names the operation, so the process that loads it must register it first.
    RegistrationError if the name is not an identifier or is already taken, or if the
    derivative rule works on floats only: it is run once on operands that are graph nodes
    holding no number, and must not read their numbers (`math.cos(x)`; write `cos(x)`).
    """
    if not isinstance(op, Op):
        raise ArgumentTypeError(f"register: expected an Op, got {type(op).__name__} {op!r:.60}")
    if OPS.get(op.name) is not op:
        _check_new(op, method)
        check_rule(op)
        OPS[op.name] = op
        if method:
            setattr(Value, op.name, _method(op))
    return _function(op)


def registered(name: str) -> Op:
    """The operation registered as `name` (how a pickled graph finds its operations)."""
    if name not in OPS:
        raise RegistrationError(
            f"the operation {name!r} is not registered in this process; import the module"
            " that registers it before loading a graph that uses it"
        )
    return OPS[name]


#: Names the generated code's helper modules (floatops, arrayops) define besides the
#: operations: an operation of one of these names would be shadowed in compiled code.
HELPER_NAMES = frozenset(
    {"batch_dot", "batch_sum", "element_by_element", "float", "full_like", "functions", "mean"}
)


def _check_new(op: Op, method: bool) -> None:
    name = op.name
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise RegistrationError(
            f"register: an operation's name must be a Python identifier, got {name!r}"
        )
    if not isinstance(op.word, str) or not op.word.isprintable():  # printed in code comments
        raise RegistrationError(
            f"register: {op!r}'s word must be one line of printable text, got {op.word!r:.60}"
        )
    if unicodedata.normalize("NFKC", name) != name:  # how Python reads an identifier
        raise RegistrationError(
            f"register: Python reads the name {name!r} as"
            f" {unicodedata.normalize('NFKC', name)!r} in code; use that spelling"
        )
    if name in OPS:
        raise RegistrationError(
            f"register: the name {name!r} is taken by {OPS[name]!r} of OPS; choose another name"
        )
    if name in HELPER_NAMES:
        raise RegistrationError(
            f"register: generated code uses the name {name!r} for a helper of its own; choose"
            " another name"
        )
    if method and hasattr(Value, name):
        raise RegistrationError(
            f"register: Value already has an attribute {name!r}; choose another name, or"
            " register(op, method=False)"
        )


def _function(op: Op) -> Callable[..., Any]:
    """`apply(op, ...)` as a function whose parameters are the op's `params`: exp(x), max(a, b)."""
    signature = inspect.Signature(
        [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD) for name in op.params]
    )

    unary = len(op.params) == 1 and not op.constants

    def function(*operands: Any, **named: Any) -> Any:
        if named:  # max(a=1.0, b=x): in the order of the parameters
            operands = signature.bind(*operands, **named).args
        if unary and len(operands) == 1 and type(operands[0]) is Value:  # FAST PATH: relu(z)
            return apply_unary(op, operands[0])
        _check_count(op, len(operands))
        return apply(op, *operands)

    function.__name__ = function.__qualname__ = op.name
    function.__doc__ = op.doc
    function.__signature__ = signature  # type: ignore[attr-defined]
    return function


def _check_count(op: Op, count: int) -> None:
    """ArgumentTypeError unless `count` operands fit `op` (one per parameter; any number for
    a variadic op, one with `split`)."""
    if count != len(op.params) and op.split is None:
        raise ArgumentTypeError(
            f"{op.name} takes {len(op.params)} operand(s), {', '.join(op.params)}; got {count}"
        )


def _method(op: Op) -> Callable[..., Value]:
    def method(self: Value, *others: Any) -> Value:
        _check_count(op, 1 + len(others))
        node: Value = apply(op, self, *others)
        return node

    def unary_method(self: Value) -> Value:  # FAST PATH: x.relu()
        return apply_unary(op, self)

    if len(op.params) == 1 and not op.constants:
        method = unary_method
    method.__name__ = op.name
    method.__qualname__ = f"Value.{op.name}"
    method.__doc__ = op.doc
    return method


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


def _dot_chain_rule(node: Value, upstream: float) -> None:
    """d/dw_i = x_i, d/dx_i = w_i, d/db = 1, added to the weights, then the inputs, then b."""
    operands: tuple[Any, ...] = node.operands
    n = len(operands) // 2
    weights, inputs = operands[:n], operands[n : 2 * n]
    for w, x in zip(weights, inputs):
        if type(w) is Value:
            w.grad += upstream * (x._data if type(x) is Value else x)
    for w, x in zip(weights, inputs):
        if type(x) is Value:
            x.grad += upstream * (w._data if type(w) is Value else w)
    if len(operands) % 2 and type(operands[-1]) is Value:
        operands[-1].grad += upstream


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

# The operators: Value's __add__, __sub__... apply them.


def _add_chain_rule(node: Value, upstream: float) -> None:
    """d(a + b)/da = 1, d(a + b)/db = 1."""
    a, b = node._a, node._b
    if type(a) is Value:
        a.grad += upstream
    if type(b) is Value:
        b.grad += upstream


def _sub_chain_rule(node: Value, upstream: float) -> None:
    """d(a - b)/da = 1, d(a - b)/db = -1."""
    a, b = node._a, node._b
    if type(a) is Value:
        a.grad += upstream
    if type(b) is Value:
        b.grad -= upstream


def _mul_chain_rule(node: Value, upstream: float) -> None:
    """d(a * b)/da = b, d(a * b)/db = a."""
    a, b = node._a, node._b
    if type(a) is Value:
        a.grad += upstream * (b._data if type(b) is Value else b)
    if type(b) is Value:
        b.grad += upstream * (a._data if type(a) is Value else a)


ADD = Op(
    "add",
    operator.add,
    lambda out, a, b: (1.0, 1.0),
    AB,
    doc="a + b.  d(a + b)/da = 1, d(a + b)/db = 1.",
    symbol="+",
    commutative=True,
    chain_rule=_add_chain_rule,
)
SUB = Op(
    "sub",
    operator.sub,
    lambda out, a, b: (1.0, -1.0),
    AB,
    doc="a - b.  d(a - b)/da = 1, d(a - b)/db = -1.",
    symbol="-",
    word="subtract",
    chain_rule=_sub_chain_rule,
)
MUL = Op(
    "mul",
    operator.mul,
    lambda out, a, b: (b, a),
    AB,
    doc="a * b.  d(a * b)/da = b, d(a * b)/db = a.",
    symbol="*",
    word="multiply",
    commutative=True,
    chain_rule=_mul_chain_rule,
)
DIV = Op(
    "div",
    operator.truediv,
    lambda out, a, b: (1 / b, -out / b),
    AB,
    "b != 0",
    doc="a / b.  d(a / b)/da = 1/b, d(a / b)/db = -a/b^2 = -out/b.",
    symbol="/",
    word="divide",
)
NEG = Op(
    "neg",
    operator.neg,
    lambda out, x: (-1.0,),
    doc="-x.  d(-x)/dx = -1.",
    symbol="-",
    word="negate",
)
POW = Op(
    "pow",
    _pow_number_exponent,
    lambda out, a, n: (n * a ** (n - 1) if n else 0.0, 0.0),
    ("a", "n"),
    "a > 0, a = 0 with n >= 0, or a < 0 with a whole-number n",
    doc="a ** n for a fixed number n.  d(a^n)/da = n a^(n-1); n needs no derivative.",
    constants=(1,),
    symbol="**",
    word="power",
)
RPOW = Op(
    "rpow",
    _pow_positive_base,
    lambda out, c, x: (0.0, out * log(c)),
    ("c", "x"),
    "c > 0 (d(c^x)/dx = c^x ln c needs ln c)",
    doc="c ** x for a fixed number c.  d(c^x)/dx = c^x ln c; c needs no derivative.",
    constants=(0,),
    symbol="**",
    word="power",
)
POW_VALUES = Op(
    "pow_values",
    _pow_positive_base,
    lambda out, a, b: (b * a ** (b - 1), out * log(a)),
    AB,
    "a > 0 when the exponent is a Value (d(a^b)/db = a^b ln a needs ln a)",
    doc="a ** b for two Values.  d(a^b)/da = b a^(b-1), d(a^b)/db = a^b ln a.",
    symbol="**",
    word="power",
)
for _operator in (ADD, SUB, MUL, DIV, NEG, POW, RPOW, POW_VALUES):
    register(_operator, method=False)

# The functions: each is also a method of Value (x.exp()).
EXP = Op("exp", math.exp, lambda out, x: (out,), doc="e^x.  d(e^x)/dx = e^x.")
exp: Callable[..., Any] = register(EXP)
LOG = Op(
    "log",
    math.log,
    lambda out, x: (1 / x,),
    domain="x > 0",
    doc="Natural logarithm, for x > 0.  d(ln x)/dx = 1/x.",
)
log: Callable[..., Any] = register(LOG)
TANH = Op(
    "tanh",
    math.tanh,
    lambda out, x: (1 - out * out,),
    doc="Hyperbolic tangent.  d(tanh x)/dx = 1 - tanh(x)^2.",
)
tanh: Callable[..., Any] = register(TANH)
SIGMOID = Op(
    "sigmoid",
    _sigmoid,
    lambda out, x: (out * (1 - out),),
    doc="1 / (1 + e^-x).  d(sigmoid x)/dx = sigmoid(x) (1 - sigmoid(x)).",
)
sigmoid: Callable[..., Any] = register(SIGMOID)


def _relu_chain_rule(node: Value, upstream: float) -> None:
    """d(relu x)/dx = step(x): 1 for x > 0, else 0."""
    x = node._a
    x.grad += upstream * (1.0 if x._data > 0 else 0.0)


RELU = Op(
    "relu",
    lambda x: x if x > 0 else 0.0,
    lambda out, x: (step(x),),
    doc="max(x, 0).  d(relu x)/dx = 1 for x > 0, else 0.",
    chain_rule=_relu_chain_rule,
)
relu: Callable[..., Any] = register(RELU)
SQRT = Op(
    "sqrt",
    math.sqrt,
    lambda out, x: (1 / (2 * out),),
    domain="x >= 0",
    doc="Square root, for x >= 0.  d(sqrt x)/dx = 1 / (2 sqrt x).",
)
sqrt: Callable[..., Any] = register(SQRT)
ABS = Op(
    "abs",
    math.fabs,
    lambda out, x: (sign(x),),
    doc="|x|.  d|x|/dx = sign(x), taken as 0 at x = 0 (as PyTorch does).",
)
abs: Callable[..., Any] = register(ABS)  # noqa: A001 - the builtin's answer for a number


def _step_of_difference(b: Any, a: Any) -> Any:
    """step(b - a), max's and min's derivative: 1 where b > a, else 0. Where b - a is a node
    that overflows (max(1e308, -1e308) with create_graph=True), it is step(b/2 - a/2): the
    halves of numbers that far apart are exact and keep the sign of their difference."""
    try:
        return step(b - a)
    except NonFiniteError:
        return step(b * 0.5 - a * 0.5)


MAX = Op(
    "max",
    lambda a, b: a if a >= b else b,
    lambda out, a, b: (1 - (b_wins := _step_of_difference(b, a)), b_wins),
    AB,
    doc="The larger of a and b: the gradient goes to it.  d max(a, b)/da = 1 where a >= b,"
    " else 0, and d/db = 1 - d/da; at a tie a gets all of it (a subgradient; PyTorch's"
    " maximum gives each half).",
)
max: Callable[..., Any] = register(MAX)  # noqa: A001 - the builtin's answer for two numbers
MIN = Op(
    "min",
    lambda a, b: a if a <= b else b,
    lambda out, a, b: (1 - (b_wins := _step_of_difference(a, b)), b_wins),
    AB,
    doc="The smaller of a and b: the gradient goes to it.  d min(a, b)/da = 1 where a <= b,"
    " else 0, and d/db = 1 - d/da; at a tie a gets all of it (PyTorch's minimum gives each"
    " half).",
)
min: Callable[..., Any] = register(MIN)  # noqa: A001 - the builtin's answer for two numbers
# The unit step and the sign are flat wherever they are differentiable.
STEP = Op(
    "step",
    lambda x: 1.0 if x > 0 else 0.0,
    lambda out, x: (0.0,),
    doc="1 for x > 0, else 0: the derivative of relu.",
)
_step = register(STEP)


def step(x: Operand) -> Any:
    """1 for x > 0, else 0: the derivative of relu. Defined at inf and -inf too (1 and 0):
    max's rule step(b - a) meets one where b - a overflows (max(1e308, -1e308))."""
    if type(x) is float and x - x != 0.0 and x == x:  # inf or -inf
        return STEP.forward(x)
    return _step(x)


SIGN = Op(
    "sign",
    lambda x: (x > 0) - (x < 0) + 0.0,
    lambda out, x: (0.0,),
    doc="-1, 0 or 1: the derivative of abs.",
)
sign: Callable[..., Any] = register(SIGN)
SIN = Op("sin", math.sin, lambda out, x: (cos(x),), doc="Sine (radians).  d(sin x)/dx = cos x.")
sin: Callable[..., Any] = register(SIN)
COS = Op("cos", math.cos, lambda out, x: (-sin(x),), doc="Cosine (radians).  d(cos x)/dx = -sin x.")
cos: Callable[..., Any] = register(COS)
DOT = Op(
    "dot",
    _dot,
    _dot_derivatives,
    ("w", "x"),
    doc="sum_i w_i x_i (+ b): one node for a neuron's weighted sum.",
    formula=_dot,
    split=_dot_split,
    word="weighted sum",
    chain_rule=_dot_chain_rule,
)
register(DOT, method=False)


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
        check_dot_arguments(weights, inputs, bias)
        raise

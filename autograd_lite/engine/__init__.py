"""The engine: a scalar `Value`, the table of operations on it, and the two sweeps.

Read `core.py` first: `Value`, `apply`, the topological order, `reverse_sweep` and
`forward_sweep`. `paths.py` answers questions with them: `reachable`, and `recompute` (the
forward sweep that applies each operation again). `ops.py` holds `Op`, the table `OPS` and
`register`, which adds an operation to it once its name is free and its derivative rule passes
`checks.check_rule` (run on `RuleProbe`s, graph nodes holding no number, the rule must not
read their numbers). The rest serve the core: `fast.py` is `backward()`'s fast path,
`exact.py` its exact-fraction retry, `staleness.py` refuses a graph whose leaf changed,
`pickling.py` saves graphs of any depth, `checks.py` checks arguments (and rules) and words
the messages. Nothing here depends on the rest of the package but its errors.
"""

# ruff: noqa: I001 - core first: it imports the other modules at its end, once Value exists
from __future__ import annotations

from .core import (
    Number,
    Operand,
    Value,
    apply,
    forward_sweep,
    local_derivatives,
    reverse_sweep,
    topological_order,
)
from .paths import reachable, recompute
from .ops import OPS, Op, cos, dot, exp, log, register, relu, sigmoid, sign, sin, sqrt, step, tanh
from .ops import abs, max, min  # noqa: A004 - the builtins' answers for numbers

# For the package's other modules, not among the public names (`__all__`).
from .core import Accumulate as Accumulate, Propagate as Propagate
from .checks import as_float as as_float, as_list as as_list, as_value as as_value
from .checks import LARGEST_SIZE as LARGEST_SIZE, check_size as check_size
from .checks import grad_error as grad_error
from .exact import chain_product as chain_product, check_gradient as check_gradient
from .exact import exact_accumulate as exact_accumulate
from .exact import exact_local_derivatives as exact_local_derivatives
from .ops import ABS as ABS, ADD as ADD, COS as COS
from .ops import DIV as DIV, DOT as DOT, EXP as EXP
from .ops import LOG as LOG, MAX as MAX, MIN as MIN
from .ops import MUL as MUL, NEG as NEG, POW as POW
from .ops import POW_VALUES as POW_VALUES, RELU as RELU, RPOW as RPOW
from .ops import SIGMOID as SIGMOID, SIGN as SIGN, SIN as SIN
from .ops import SQRT as SQRT, STEP as STEP, SUB as SUB
from .ops import TANH as TANH

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
    "recompute",
    "register",
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

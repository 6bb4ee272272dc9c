"""autograd_lite: backpropagation you can read, one scalar at a time.

`Value` holds one float and remembers how it was made; `backward()` applies the chain rule
through the graph. `autograd_lite.nn` builds neurons, layers and MLPs from Values;
`autograd_lite.derivations` checks the textbook backprop equations against them.
"""

from . import derivations, nn
from .datasets import make_moons
from .derivations import Derivation, DerivationError, ShapeError, nudge
from .draw import RendererNotFoundError, draw, find_renderer, save, to_svg
from .engine import (
    AutogradError,
    DivisionByZeroError,
    DomainError,
    NonFiniteError,
    Value,
    abs,  # noqa: A004 - gives the builtin's answer for numbers
    dot,
    exp,
    log,
    relu,
    sigmoid,
    sqrt,
    tanh,
    topological_order,
)

__version__ = "0.1.0"

__all__ = [
    "AutogradError",
    "Derivation",
    "DerivationError",
    "DivisionByZeroError",
    "DomainError",
    "NonFiniteError",
    "RendererNotFoundError",
    "ShapeError",
    "Value",
    "abs",
    "derivations",
    "dot",
    "draw",
    "exp",
    "find_renderer",
    "log",
    "make_moons",
    "nn",
    "nudge",
    "relu",
    "save",
    "sigmoid",
    "sqrt",
    "tanh",
    "to_svg",
    "topological_order",
]

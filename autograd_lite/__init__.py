"""autograd_lite: backpropagation you can read, one scalar at a time.

`Value` holds one float and remembers how it was made; `backward()` applies the chain rule
through the graph. `autograd_lite.nn` builds neurons, layers and MLPs from Values.
"""

from . import nn
from .datasets import make_moons
from .draw import (
    DrawError,
    GraphTooLargeError,
    RendererNotFoundError,
    RenderError,
    draw,
    find_renderer,
    save,
    to_svg,
)
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
from .step import BackwardStep, ForwardStep, StepThrough, step_through

__version__ = "0.1.0"

__all__ = [
    "AutogradError",
    "BackwardStep",
    "DivisionByZeroError",
    "DomainError",
    "DrawError",
    "ForwardStep",
    "GraphTooLargeError",
    "NonFiniteError",
    "RenderError",
    "RendererNotFoundError",
    "StepThrough",
    "Value",
    "abs",
    "dot",
    "draw",
    "exp",
    "find_renderer",
    "log",
    "make_moons",
    "nn",
    "relu",
    "save",
    "sigmoid",
    "sqrt",
    "step_through",
    "tanh",
    "to_svg",
    "topological_order",
]

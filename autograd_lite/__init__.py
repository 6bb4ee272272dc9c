"""autograd_lite: backpropagation you can read, one scalar at a time.

`Value` holds one float and remembers how it was made; `backward()` applies the chain rule
through the graph. `autograd_lite.nn` builds neurons, layers and MLPs from Values.
`grad`/`hessian`/`jvp` differentiate again and in forward mode; `to_code`/`compile_graph`
write a graph's forward and backward pass out as Python; `autograd_lite.derivations` checks
the textbook backprop equations against the engine.
"""

from . import derivations, errors, nn
from .codegen import CompiledGraph, compile_graph, to_code
from .datasets import DatasetError, make_moons
from .derivations import Derivation, DerivationError, nudge
from .drawing import (
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
    ArgumentTypeError,
    AutogradError,
    DivisionByZeroError,
    DomainError,
    NonFiniteError,
    ShapeError,
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
from .functional import (
    GraphArgumentError,
    ModeComparison,
    compare_modes,
    grad,
    hessian,
    jvp,
)
from .nn import ModelError
from .stepping import BackwardStep, ForwardStep, StepThrough, step_through

__version__ = "0.1.0"

__all__ = [
    "ArgumentTypeError",
    "AutogradError",
    "BackwardStep",
    "CompiledGraph",
    "DatasetError",
    "Derivation",
    "DerivationError",
    "DivisionByZeroError",
    "DomainError",
    "DrawError",
    "ForwardStep",
    "GraphArgumentError",
    "GraphTooLargeError",
    "ModeComparison",
    "ModelError",
    "NonFiniteError",
    "RenderError",
    "RendererNotFoundError",
    "ShapeError",
    "StepThrough",
    "Value",
    "abs",
    "compare_modes",
    "compile_graph",
    "derivations",
    "dot",
    "draw",
    "errors",
    "exp",
    "find_renderer",
    "grad",
    "hessian",
    "jvp",
    "log",
    "make_moons",
    "nn",
    "nudge",
    "relu",
    "save",
    "sigmoid",
    "sqrt",
    "step_through",
    "tanh",
    "to_code",
    "to_svg",
    "topological_order",
]

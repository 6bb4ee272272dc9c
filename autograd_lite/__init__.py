"""autograd_lite: backpropagation you can read, one scalar at a time.

`Value` holds one float and remembers how it was made; `backward()` applies the chain rule
through the graph. `autograd_lite.nn` builds neurons, layers and MLPs from Values.
`grad`/`hessian`/`jvp` differentiate again and in forward mode; `to_code`/`compile_graph`
write a graph's forward and backward pass out as Python; `autograd_lite.derivations` checks
the textbook backprop equations against the engine.

The engine and the errors load with the package; every other module loads the first time one
of its names is used, so `import autograd_lite` stays quick and draws in no graphviz.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .engine import *  # Value, every operation, the sweeps
from .engine import __all__ as _engine_names
from .errors import *  # every error class
from .errors import __all__ as _error_names

if TYPE_CHECKING:  # the names _LAZY loads on first use, for type checkers
    from . import derivations, nn
    from .batched import BatchedGraph, compile_batched, cross_entropy_one_hot
    from .codegen import (
        CompiledGraph,
        compile_graph,
        to_code,
    )
    from .datasets import make_moons, make_spirals
    from .derivations import Derivation, nudge
    from .drawing import (
        draw,
        find_renderer,
        save,
        to_svg,
    )
    from .functional import (
        ModeComparison,
        compare_modes,
        grad,
        hessian,
        jvp,
    )
    from .stepping import (
        BackwardStep,
        ForwardStep,
        StepThrough,
        step_through,
    )

#: The modules loaded on first use, with the names the package takes from each.
_LAZY: dict[str, tuple[str, ...]] = {
    "batched": ("BatchedGraph", "compile_batched", "cross_entropy_one_hot"),
    "codegen": ("CompiledGraph", "compile_graph", "to_code"),
    "datasets": ("make_moons", "make_spirals"),
    "derivations": ("Derivation", "nudge"),
    "drawing": ("draw", "find_renderer", "save", "to_svg"),
    "functional": ("ModeComparison", "compare_modes", "grad", "hessian", "jvp"),
    "stepping": ("BackwardStep", "ForwardStep", "StepThrough", "step_through"),
}
_MODULE_OF = {name: module for module, names in _LAZY.items() for name in names}
_SUBMODULES = ("derivations", "nn")

__version__ = "0.1.0"

__all__ = sorted({*_engine_names, *_error_names, *_MODULE_OF, *_SUBMODULES})


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        value: Any = importlib.import_module(f".{name}", __name__)
    elif name in _MODULE_OF:
        value = getattr(importlib.import_module(f".{_MODULE_OF[name]}", __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

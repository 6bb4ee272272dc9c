"""The engine's functions on plain floats, for code generated from a graph.

Generated code (`autograd_lite.codegen`) imports these so that `relu(z)` or `step(z)` in a
listing runs exactly the engine's own arithmetic: each name is its operation's `forward`,
not a second copy of it. The infix operations (`+ - * / **`, unary `-`) are Python's.
"""

from __future__ import annotations

from .engine import ABS, EXP, LOG, RELU, SIGMOID, SIGN, SQRT, STEP, TANH

__all__ = ["abs", "exp", "log", "relu", "sigmoid", "sign", "sqrt", "step", "tanh"]

abs = ABS.forward  # noqa: A001 - |x|, as the builtin gives for a float
exp = EXP.forward
log = LOG.forward
relu = RELU.forward
sigmoid = SIGMOID.forward
sign = SIGN.forward
sqrt = SQRT.forward
step = STEP.forward
tanh = TANH.forward

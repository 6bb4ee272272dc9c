"""Every error autograd_lite raises on purpose, in one place.

Each class is an `AutogradError` and also the builtin a Python user would expect
(`DomainError` is a `ValueError`, `ArgumentTypeError` a `TypeError`, ...), so
`except ValueError` keeps working. `describe(node)` is the one way messages name a node.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ArgumentTypeError",
    "AutogradError",
    "ChangedFilesError",
    "DatasetError",
    "DerivationError",
    "DerivationIndexError",
    "DerivationKeyError",
    "DerivationTypeError",
    "DivisionByZeroError",
    "DomainError",
    "DrawError",
    "GraphArgumentError",
    "GraphTooLargeError",
    "MissingDependencyError",
    "ModelError",
    "NonFiniteError",
    "RegistrationError",
    "RenderError",
    "RendererNotFoundError",
    "ShapeError",
    "StaleGraphError",
]


class AutogradError(Exception):
    """Base class of every error autograd_lite raises on purpose."""


# The engine: numbers and graphs.


class DomainError(AutogradError, ValueError):
    """An operation got an input outside the set where it is defined (log of -1, ...)."""


class DivisionByZeroError(DomainError, ZeroDivisionError):
    """A division (or a power) would divide by zero."""


class NonFiniteError(AutogradError, OverflowError, ValueError):
    """A value or gradient would become inf or nan: the graph never holds either."""


class ArgumentTypeError(AutogradError, TypeError):
    """An argument of the wrong type: not a Value where a node is needed, not a number..."""


class ShapeError(AutogradError, ValueError):
    """Sequences that must match in length (weights and inputs, outputs and targets) do not."""


class StaleGraphError(AutogradError, RuntimeError):
    """A graph is used after the data of one of its Values changed (as PyTorch's version
    counter detects): its recorded numbers are out of date, so compute it again."""


class RegistrationError(AutogradError, ValueError):
    """An operation cannot be registered: its name is not an identifier, is taken, or is a
    helper's or a Value attribute's; or its derivative rule, run by `register` once on probes
    (graph nodes holding no number), reads its operands' numbers (`math.cos(x)`, `float(x)`,
    `x > 0`) or fails on them. Also a rule that gives the wrong number of derivatives or
    raises where it first runs, and a pickle that names an operation not registered."""


class GraphArgumentError(AutogradError, ValueError):
    """An argument does not fit the graph: a direction on an interior node, a wrong count..."""


# Models and data.


class ModelError(AutogradError, ValueError):
    """A network, loss or optimiser got an argument it cannot use: an unknown activation, a
    label outside {-1, +1}, a learning rate that is not positive..."""


class DatasetError(AutogradError, ValueError):
    """A data set was asked for with a size or noise level it cannot have."""


class ChangedFilesError(AutogradError, FileExistsError):
    """Copying the notebooks would overwrite copies the learner has changed (or the folder
    given is a file)."""


# Pictures.


class DrawError(AutogradError, ValueError):
    """An option of draw/save was not one it understands."""


class GraphTooLargeError(DrawError):
    """The graph has more Values than `max_nodes`: drawing it all would be slow and unreadable."""


class RendererNotFoundError(AutogradError, RuntimeError):
    """No program that turns DOT source into a picture is installed."""


class MissingDependencyError(AutogradError, ImportError):
    """An optional package a feature needs (PyTorch for a comparison with it) is not installed;
    the message says what to install."""


class RenderError(AutogradError, RuntimeError):
    """The `dot` program ran and failed."""


# Derivations.


class DerivationError(AutogradError, ValueError):
    """A derivation was asked something that does not fit its network, data or loss."""


class DerivationKeyError(AutogradError, KeyError):
    """A quantity, table row or factor was asked for by a name the derivation does not have."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0])


class DerivationIndexError(AutogradError, IndexError):
    """A sample or layer was asked for by a number the derivation does not have."""


class DerivationTypeError(AutogradError, TypeError):
    """A derivation got an object of the wrong kind (not an MLP, not a number, ...)."""


def describe(node: Any) -> str:
    """A node as messages name it: `Value 'w1'`, or `an unnamed Value made by mul`."""
    label = getattr(node, "label", "")
    if label:
        return f"Value {label!r}"
    op = getattr(node, "op", "")
    return f"an unnamed Value made by {op}" if op else "an unnamed leaf Value"

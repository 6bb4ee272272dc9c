"""How a derivation writes its quantities: the textbook's own names, not one generic set.

A `Notation` holds format strings. Their fields: `l` (the layer), `p` (l - 1, the layer
before), `j` (a neuron), `k` (an input of it), `jk` (j and k, with a comma when either has two
digits); `delta` and `derivative` may also use `z` and `a`, the names of the neuron's
pre-activation and activation. A derivation's `aliases` name single quantities and win over
the notation (network C calls a^1_0 "y0" and y_0 "z0_desired").
"""

from __future__ import annotations

import string
from dataclasses import dataclass, fields

from ..errors import DerivationError, DerivationTypeError

__all__ = ["Notation"]


@dataclass(frozen=True)
class Notation:
    """The names a derivation prints: the cost, a^l_j, x_k, z^l_j, y_j, g^l'(z), w^l_jk, b^l_j
    and delta^l_j = dC/dz^l_j, as format strings (see the module docstring for the fields)."""

    cost: str = "C"
    activation: str = "a^{l}_{j}"
    input: str = "x_{k}"
    pre_activation: str = "z^{l}_{j}"
    target: str = "y_{j}"
    derivative: str = "g^{l}'({z})"
    weight: str = "w^{l}_{jk}"
    bias: str = "b^{l}_{j}"
    delta: str = "delta^{l}_{j}"

    def __post_init__(self) -> None:
        """Refuse a template with a field `write` cannot fill, when the notation is made."""
        for field in fields(self):
            template = getattr(self, field.name)
            if not isinstance(template, str):
                raise DerivationTypeError(
                    f"Notation {field.name} must be a format string such as 'w^{{l}}_{{jk}}',"
                    f" got {type(template).__name__} {template!r}"
                )
            allowed = ["l", "p", "j", "k", "jk"]
            if field.name in ("derivative", "delta"):
                allowed += ["z", "a"]
            try:
                used = [name for _, name, _, _ in string.Formatter().parse(template) if name]
            except ValueError as error:
                raise DerivationError(
                    f"Notation {field.name}={template!r} is not a format string ({error});"
                    " write a brace as {{ or }}"
                ) from None
            unknown = [name for name in used if name not in allowed]
            if unknown:
                raise DerivationError(
                    f"Notation {field.name}={template!r} uses {{{unknown[0]}}}; its fields are"
                    f" {', '.join('{' + name + '}' for name in allowed)}"
                )

    def write(self, template: str, l: int = 0, j: int = 0, k: int = 0, **names: str) -> str:  # noqa: E741 - the textbook's layer index
        """One of the templates with the indices (and names) put in."""
        jk = f"{j}{k}" if j < 10 and k < 10 else f"{j},{k}"
        return template.format(l=l, p=l - 1, j=j, k=k, jk=jk, **names)

"""How a derivation writes its quantities: the textbook's own names, not one generic set.

A `Notation` holds format strings. Their fields: `l` (the layer), `p` (l - 1, the layer
before), `j` (a neuron), `k` (an input of it), `jk` (j and k, with a comma when either has two
digits); `delta` and `derivative` may also use `z` and `a`, the names of the neuron's
pre-activation and activation. A derivation's `aliases` name single quantities and win over
the notation (network C calls a^1_0 "y0" and y_0 "z0_desired"). `Names` puts the two together:
its `write` is the one way a derivation names a quantity.
"""

from __future__ import annotations

import enum
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from ..errors import DerivationError, DerivationTypeError
from ..formatting import constant_text
from .quantities import LayerSnapshot

__all__ = ["DIGITS", "Kind", "Names", "Notation", "ParameterName", "check_aliases", "number"]


#: The significant digits of every number a derivation prints.
DIGITS = 10


def number(x: float) -> str:
    """A number as the tables and formulas print it: as written when it has at most 10
    significant digits (0.25, -1), else rounded to 10 (the shared `formatting` rules)."""
    return constant_text(float(f"{x:.{DIGITS}g}"), DIGITS)


class Kind(enum.Enum):
    """The quantities a derivation names, by the letter an alias spells them with."""

    WEIGHT = "w"
    BIAS = "b"
    PRE_ACTIVATION = "z"
    ACTIVATION = "a"
    INPUT = "x"
    TARGET = "y"
    DELTA = "delta"
    DERIVATIVE = "derivative"


#: How many indices an alias of each kind has: ("w", l, j, k), ("b", l, j), ... ("y", j).
ALIAS_INDICES = {Kind.WEIGHT: 3, Kind.BIAS: 2, Kind.PRE_ACTIVATION: 2, Kind.ACTIVATION: 2,
                 Kind.INPUT: 1, Kind.TARGET: 1}  # fmt: skip
ALIAS_FORMS = "('w', l, j, k), ('b', l, j), ('z', l, j), ('a', l, j), ('x', k), ('y', j)"


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
        """Refuse a template with a field `Names.write` cannot fill, when the notation is made."""
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
                used = [name for _, name, _, _ in string.Formatter().parse(template)]
            except ValueError as error:
                raise DerivationError(
                    f"Notation {field.name}={template!r} is not a format string ({error});"
                    " write a brace as {{ or }}"
                ) from None
            unknown = [name for name in used if name is not None and name not in allowed]
            if unknown:
                raise DerivationError(
                    f"Notation {field.name}={template!r} uses {{{unknown[0]}}}; its fields are"
                    f" {', '.join('{' + name + '}' for name in allowed)}"
                )


class Names:
    """A derivation's names: its aliases (name -> spec such as ("w", 2, 0, 1)) where it has
    them, else its notation."""

    def __init__(self, notation: Notation, aliases: Mapping[str, tuple[Any, ...]]) -> None:
        self.notation = notation
        self._templates = {
            Kind.WEIGHT: notation.weight,
            Kind.BIAS: notation.bias,
            Kind.PRE_ACTIVATION: notation.pre_activation,
            Kind.ACTIVATION: notation.activation,
            Kind.INPUT: notation.input,
            Kind.TARGET: notation.target,
            Kind.DELTA: notation.delta,
            Kind.DERIVATIVE: notation.derivative,
        }
        self._spelled = {(Kind(spec[0]), *spec[1:]): name for name, spec in aliases.items()}

    def write(self, kind: Kind, layer: int = 0, j: int = 0, k: int = 0, alias: bool = True) -> str:
        """How this derivation writes a quantity: by its alias when it has one (and `alias`),
        else by its notation. a^0_j is the input x_j; layer and j index the other kinds as in
        the alias specs (x's index is k, y's is j)."""
        spelled = self._alias(kind, layer, j, k) if alias else None
        if spelled:
            return spelled
        if kind is Kind.ACTIVATION and layer == 0:
            return self.write(Kind.INPUT, k=j, alias=alias)
        jk = f"{j}{k}" if j < 10 and k < 10 else f"{j},{k}"
        neuron = {}
        if kind in (Kind.DELTA, Kind.DERIVATIVE):
            neuron = {
                "z": self.write(Kind.PRE_ACTIVATION, layer, j, alias=alias),
                "a": self.write(Kind.ACTIVATION, layer, j, alias=alias),
            }
        return self._templates[kind].format(l=layer, p=layer - 1, j=j, k=k, jk=jk, **neuron)

    def write_all(self, kind: Kind, places: Sequence[tuple[int, int, int]]) -> list[str]:
        """Several quantities written side by side (layer, j, k each), all by their aliases
        when every one has one, else all by the notation: one line never mixes the two
        (w^3_02 beside w^L_12)."""
        aliased = all(self._alias(kind, *at) for at in places)
        return [self.write(kind, *at, alias=aliased) for at in places]

    def _alias(self, kind: Kind, layer: int, j: int, k: int) -> str | None:
        """The alias of a quantity (None without one); a^0_j's is x_j's unless a^0_j has one."""
        if kind is Kind.ACTIVATION and layer == 0:
            return self._spelled.get((kind, 0, j)) or self._spelled.get((Kind.INPUT, j))
        spec = {Kind.INPUT: (kind, k), Kind.TARGET: (kind, j), Kind.WEIGHT: (kind, layer, j, k)}
        return self._spelled.get(spec.get(kind, (kind, layer, j)))


@dataclass(frozen=True)
class ParameterName:
    """How a derivation names one parameter: its label, its alias ('' without one, or when it
    is the label itself), each place the network uses it as written (`uses`: one for a
    parameter used once), and the cost's name."""

    label: str
    alias: str
    uses: tuple[str, ...]
    cost: str

    @property
    def symbol(self) -> str:
        """w^l_jk (network C's w100); a shared parameter as the sum of its uses, b^1_0 + b^1_1."""
        return " + ".join(self.uses)

    @property
    def display(self) -> str:
        """The alias with the label in brackets, or the label."""
        return f"{self.alias} ({self.label})" if self.alias else self.label

    @property
    def gradient(self) -> str:
        """dC/dp, with the label where the symbol differs: dE/dw100 (L2.N0.w0)."""
        symbol = f"({self.symbol})" if len(self.uses) > 1 else self.symbol
        name = f"d{self.cost}/d{symbol}"
        return name if self.symbol == self.label else f"{name} ({self.label})"


def check_aliases(
    aliases: Any, layers: Sequence[LayerSnapshot], labels: Mapping[str, tuple[Any, ...]]
) -> dict[str, tuple[Any, ...]]:
    """The aliases as a dict, each checked to name a quantity of a network of these layers
    and not to shadow another parameter's label (`labels`: label -> that parameter's spec)."""
    if aliases is None:
        return {}
    if not isinstance(aliases, Mapping):
        raise DerivationTypeError(
            f"aliases must be a dict of name -> spec such as {{'w100': ('w', 2, 0, 0)}}, got"
            f" {type(aliases).__name__} {aliases!r:.60}"
        )
    for name, spec in aliases.items():
        if not isinstance(name, str):
            raise DerivationTypeError(f"an alias must be a str, got {type(name).__name__} {name!r}")
        problem = _alias_problem(spec, layers)
        if not problem and name in labels and labels[name] != tuple(spec):
            problem = (
                f"would shadow the parameter labelled {name!r}, which is {labels[name]!r};"
                " choose a name that is not another parameter's label"
            )
        if problem:
            raise DerivationError(f"alias {name!r}: {spec!r} {problem}")
    return dict(aliases)


def _alias_problem(spec: Any, layers: Sequence[LayerSnapshot]) -> str:
    """Why `spec` names no quantity of a network of these layers ('' when it does)."""
    kinds = {kind.value: kind for kind in ALIAS_INDICES}
    if (
        not isinstance(spec, tuple)
        or not spec
        or spec[0] not in kinds
        or len(spec) != 1 + ALIAS_INDICES[kinds[spec[0]]]
        or not all(type(i) is int for i in spec[1:])
    ):
        return f"is not one of {ALIAS_FORMS} with whole-number indices"
    kind, *index = spec
    sizes = [len(layers[0].weights[0])] + [len(layer.activations) for layer in layers]
    if kind in ("x", "y"):
        count, what = (sizes[0], "input") if kind == "x" else (sizes[-1], "output")
        if not 0 <= index[0] < count:
            return f"names {what} {index[0]}; the network has {count} {what}s, from 0"
        return ""
    first = 0 if kind == "a" else 1
    layer, j = index[0], index[1]
    if not first <= layer < len(sizes):
        return f"names layer {layer}; this network has layers {first} to {len(sizes) - 1}"
    if not 0 <= j < sizes[layer]:
        return f"names neuron {j}; layer {layer} has {sizes[layer]} neurons, from 0"
    if kind == "w" and not 0 <= index[2] < sizes[layer - 1]:
        return f"names input {index[2]}; layer {layer} has {sizes[layer - 1]} inputs, from 0"
    if kind == "b" and layers[layer - 1].biases is None:
        return f"names a bias, but layer {layer} has no biases"
    return ""

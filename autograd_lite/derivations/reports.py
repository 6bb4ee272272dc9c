"""The tables and reports a derivation prints: in a terminal as text, in Jupyter as HTML.

`Comparison` (engine, equations and finite difference for every parameter), `Explanation`
(one gradient as its chain of factors), `FormulaCheck` (a learner's formula against the
engine) and `Nudge` (what a derivative predicts for a small change, and what happens).
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import DerivationKeyError
from .matrices import relative_error
from .notation import number

if TYPE_CHECKING:
    from .slips import Slip

__all__ = [
    "Chain",
    "Comparison",
    "ComparisonRow",
    "Explanation",
    "Factor",
    "FactorCheck",
    "FormulaCheck",
    "Nudge",
    "NudgeRow",
    "PathTerm",
    "Table",
    "html_table",
    "html_text",
    "number",
    "small",
    "text_table",
]


def small(x: float) -> str:
    """A gap or an error: one digit after the point, in scientific notation."""
    return f"{x:.1e}"


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell: the first left-aligned, the numbers right-aligned."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells))
    return "\n".join(lines)


def html_table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """The same table as HTML, every cell escaped."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td style="text-align:{"left" if i == 0 else "right"}">{html.escape(c)}</td>'
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return (
        f"<table><caption>{html.escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def html_text(text: str) -> str:
    """Preformatted text as HTML, escaped."""
    return f"<pre>{html.escape(text)}</pre>"


class Table:
    """A result shown as a table: a title, `HEADERS`, one row of cells per entry and an
    optional summary line below, as text (`print`) and as HTML (Jupyter)."""

    HEADERS: tuple[str, ...] = ()

    def _title(self) -> str:
        raise NotImplementedError

    def _cells(self) -> list[list[str]]:
        raise NotImplementedError

    def _summary(self) -> str:
        return ""

    def __str__(self) -> str:
        """The table as text, summary wrapped to 80 columns."""
        text = f"{self._title()}\n{text_table(self.HEADERS, self._cells())}"
        summary = "\n".join(textwrap.wrap(self._summary(), 80))
        return f"{text}\n{summary}" if summary else text

    def _repr_html_(self) -> str:
        summary = f"<p>{html.escape(self._summary())}</p>" if self._summary() else ""
        return html_table(self._title(), self.HEADERS, self._cells()) + summary

    def __repr__(self) -> str:
        return str(self)


# ---------------------------------------------------------------------------
# The comparison table.


@dataclass(frozen=True)
class ComparisonRow:
    """One parameter: the engine's grad, the equations' value, a central finite difference and
    (when asked for) a reference library's gradient, such as PyTorch's."""

    label: str
    alias: str
    symbol: str
    engine: float
    equations: float
    finite_difference: float
    reference: float | None = None

    @property
    def name(self) -> str:
        """The alias with the label in brackets, or the label alone."""
        return f"{self.alias} ({self.label})" if self.alias else self.label

    @property
    def disagreement(self) -> float:
        """The largest absolute difference between any two of the numbers."""
        values = [self.engine, self.equations, self.finite_difference]
        if self.reference is not None:
            values.append(self.reference)
        return max(values) - min(values)

    @property
    def equations_error(self) -> float:
        """Relative error between the engine and the equations."""
        return relative_error(self.engine, self.equations)

    @property
    def finite_difference_error(self) -> float:
        """Relative error between the engine and the finite difference."""
        return relative_error(self.engine, self.finite_difference)

    @property
    def reference_error(self) -> float:
        """Relative error between the engine and the reference (0 without one)."""
        return 0.0 if self.reference is None else relative_error(self.engine, self.reference)


class Comparison(Table):
    """The comparison table for every weight and bias of a network (with a column for the
    `reference` library's gradients, "torch", when one was asked for)."""

    def __init__(
        self, title: str, rows: list[ComparisonRow], h: float, reference: str = ""
    ) -> None:
        self.title = title
        self.rows = rows
        self.h = h
        self.reference = reference
        reference_column = (f"{reference} grad",) if reference else ()
        # A symbol that only repeats the alias (network C's w100) gets no column of its own.
        self._symbols = any(row.symbol != row.alias for row in rows)
        self.HEADERS = (
            "parameter",
            *(("symbol",) if self._symbols else ()),
            "engine grad",
            "equations",
            "finite diff",
            *reference_column,
            "gap",
        )

    @property
    def max_reference_error(self) -> float:
        """The largest gap between engine and reference, relative to the largest gradient
        (0 without a reference)."""
        if not self.reference:
            return 0.0
        return self._relative_to_largest(lambda r: 0.0 if r.reference is None else r.reference)

    @property
    def max_disagreement(self) -> float:
        """The largest absolute gap between the three numbers of any row."""
        return max(row.disagreement for row in self.rows)

    @property
    def max_equations_error(self) -> float:
        """The largest gap between engine and equations, relative to the largest gradient."""
        return self._relative_to_largest(lambda r: r.equations)

    @property
    def max_finite_difference_error(self) -> float:
        """The largest gap between engine and finite difference, relative to the largest
        gradient."""
        return self._relative_to_largest(lambda r: r.finite_difference)

    def _relative_to_largest(self, other: Callable[[ComparisonRow], float]) -> float:
        """max |engine - other| / max |engine| over the rows: a gradient that is 0 in exact
        arithmetic (rounding noise of 1e-17 either way) does not read as a 100% error."""
        scale = max(math.fabs(r.engine) for r in self.rows)
        gap = max(math.fabs(r.engine - other(r)) for r in self.rows)
        return gap / scale if scale else gap

    def row(self, name: str) -> ComparisonRow:
        """The row of a parameter, by label ('L1.N0.w2'), alias ('w100') or symbol ('w^1_02')."""
        for row in self.rows:
            if name in (row.label, row.alias, row.symbol):
                return row
        raise DerivationKeyError(
            f"no row for {name!r}: give a label, an alias or a symbol such as w^1_00"
        )

    def _cells(self) -> list[list[str]]:
        return [
            [
                r.name,
                *([r.symbol] if self._symbols else []),
                number(r.engine),
                number(r.equations),
                number(r.finite_difference),
                *([] if r.reference is None else [number(r.reference)]),
                small(r.disagreement),
            ]
            for r in self.rows
        ]

    def _title(self) -> str:
        return self.title

    def _summary(self) -> str:
        reference = (
            f", engine vs {self.reference} {small(self.max_reference_error)}"
            if self.reference
            else ""
        )
        return (
            f"largest gap {small(self.max_disagreement)}; relative to the largest gradient,"
            f" engine vs equations {small(self.max_equations_error)}, engine vs finite"
            f" difference (h = {self.h:g}) {small(self.max_finite_difference_error)}{reference}"
        )


# ---------------------------------------------------------------------------
# explain(): one gradient as its chain of factors.


@dataclass(frozen=True)
class PathTerm:
    """One path from a hidden neuron j of layer l to the cost: through neuron i of layer l + 1,
    contributing w^{l+1}_ij delta^{l+1}_i; `via`, `weight_name` and `delta_name` are how the
    derivation writes that neuron, weight and delta."""

    neuron: int
    weight: float
    delta: float
    via: str = ""
    weight_name: str = ""
    delta_name: str = ""

    @property
    def value(self) -> float:
        """w^{l+1}_ij delta^{l+1}_i."""
        return self.weight * self.delta


@dataclass(frozen=True)
class Factor:
    """A named factor of a gradient: what it is, its symbol, how it is computed, its number.
    `paths` lists the terms of the sum over paths when the factor is a hidden upstream error."""

    name: str
    symbol: str
    formula: str
    value: float
    paths: tuple[PathTerm, ...] = ()


@dataclass(frozen=True)
class Chain:
    """One sample's contribution to a gradient: the product of its factors. `use` names the
    place of a parameter the network uses in several places ('' for one used once)."""

    sample: int
    factors: tuple[Factor, ...]
    use: str = ""

    @property
    def product(self) -> float:
        """The product of the factors' values."""
        result = 1.0
        for factor in self.factors:
            result *= factor.value
        return result


class Explanation:
    """dC/dp for one parameter p as the chain rule builds it: per sample, the upstream error
    dC_i/da, the activation derivative g'(z) and (for a weight) the incoming activation; then
    the batch factor. `total` is checked against the engine's `grad`. `gradient` is how the
    derivation writes dC/dp (dE/dw100 for network C)."""

    def __init__(
        self,
        name: str,
        symbol: str,
        chains: list[Chain],
        batch_factor: float,
        grad: float,
        gradient: str = "",
    ) -> None:
        self.name = name
        self.symbol = symbol
        self.gradient = gradient or f"dC/d{symbol}"
        self.chains = chains
        self.batch_factor = batch_factor
        self.grad = grad

    @property
    def factors(self) -> tuple[Factor, ...]:
        """The first sample's factors (the only ones on a one-sample derivation)."""
        return self.chains[0].factors

    def factor(self, name: str, sample: int = 0) -> Factor:
        """The factor called `name` ('upstream error', ...) on one sample."""
        for factor in self.chains[sample].factors:
            if factor.name == name:
                return factor
        raise DerivationKeyError(f"{self.name} has no factor {name!r}")

    @property
    def total(self) -> float:
        """dC/dp by the chain rule: batch_factor * the sum over samples of each chain's product."""
        return self.batch_factor * sum(chain.product for chain in self.chains)

    @property
    def difference(self) -> float:
        """|total - engine grad|."""
        return math.fabs(self.total - self.grad)

    @property
    def agrees(self) -> bool:
        """True when |total - grad| <= 1e-12 max(1, |grad|)."""
        return self.difference <= 1e-12 * max(1.0, math.fabs(self.grad))

    def _summed(self) -> str:
        """What the total adds up: the samples, and each use of a shared parameter."""
        samples = len({chain.sample for chain in self.chains})
        uses = len(self.chains) // samples
        counted = f"{samples} sample{'s' if samples > 1 else ''}"
        return counted if uses == 1 else f"{counted} and {uses} uses"

    def __str__(self) -> str:
        lines = [f"{self.gradient}, by the chain rule"]
        for chain in self.chains:
            if len(self.chains) > 1:
                use = f", as {chain.use}" if chain.use else ""
                lines.append(f" sample {chain.sample}{use}:")
            for i, factor in enumerate(chain.factors):
                sign = "  " if i == 0 else "× "
                lines.append(
                    f"  {sign}{factor.name:<22} {factor.symbol:<14} = {factor.formula}"
                    f" = {number(factor.value)}"
                )
                lines.extend(
                    f"        via {p.via or f'neuron {p.neuron}'}: {p.weight_name} × {p.delta_name}"
                    f" = {number(p.weight)} × {number(p.delta)} = {number(p.value)}"
                    for p in factor.paths
                )
            lines.append(f"  = {number(chain.product)}")
        if len(self.chains) > 1 or self.batch_factor != 1.0:
            lines.append(
                f" batch: {number(self.batch_factor)} × the sum over {self._summed()}"
                f" = {number(self.total)}"
            )
        verdict = "agrees" if self.agrees else "DISAGREES"
        lines.append(
            f" engine grad {number(self.grad)}: {verdict} (difference {small(self.difference)})"
        )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return html_text(str(self))

    __repr__ = __str__


# ---------------------------------------------------------------------------
# Checking a learner's formula.


@dataclass(frozen=True)
class FactorCheck:
    """One factor of a formula given factor by factor, beside `explain()`'s factor: on one
    sample, its name and symbol, both numbers, and the slips that explain a difference."""

    sample: int
    name: str
    symbol: str
    formula_value: float
    explained_value: float
    tolerance: float
    slips: tuple[Slip, ...] = ()

    @property
    def agrees(self) -> bool:
        """True when |formula - explained| <= tolerance (a relative one, for this factor)."""
        return math.fabs(self.formula_value - self.explained_value) <= self.tolerance


@dataclass(frozen=True)
class FormulaCheck:
    """A learner's formula beside the engine's gradient, entry by entry (one entry for a single
    parameter, one per weight for a whole matrix), and when they disagree, the known slips
    that explain the formula's numbers (`slips`; empty when none does).

    Agreement: every |formula - engine| <= `tolerance`, an absolute bound (rtol times the
    largest |engine| entry of the target, unless an atol was given). `error` holds why the
    formula could not be evaluated (a shape that does not fit), in which case it does not
    agree. `factors` compares a formula given as factors with `explain()`, factor by factor.
    `transposed`: the formula gave the transpose of the target's (non-square) shape; its
    numbers are read back in the target's shape, and it does not agree."""

    target: str
    names: tuple[str, ...]
    formula_values: tuple[float, ...]
    engine_values: tuple[float, ...]
    error: str = ""
    tolerance: float = 0.0
    slips: tuple[Slip, ...] = ()
    factors: tuple[FactorCheck, ...] = ()
    transposed: bool = False

    @property
    def max_disagreement(self) -> float:
        """The largest |formula - engine| over the entries (inf if it could not be evaluated)."""
        if self.error:
            return math.inf
        return max(math.fabs(f - e) for f, e in zip(self.formula_values, self.engine_values))

    @property
    def max_relative_error(self) -> float:
        """The largest relative error over the entries (inf if it could not be evaluated)."""
        if self.error:
            return math.inf
        return max(relative_error(f, e) for f, e in zip(self.formula_values, self.engine_values))

    @property
    def agrees(self) -> bool:
        """True when every entry has |formula - engine| <= tolerance."""
        return not self.error and not self.transposed and self.max_disagreement <= self.tolerance

    @property
    def patterns(self) -> tuple[str, ...]:
        """The short names of the slips found ('sign', 'factor 2', ...)."""
        return tuple(slip.pattern for slip in self.slips)

    def __str__(self) -> str:
        if self.error:
            return f"formula for {self.target}: could not be evaluated: {self.error}"
        if self.transposed:
            matches = self.max_disagreement <= self.tolerance
            verdict = (
                "DISAGREES with the engine: the matrix has the transposed shape; read back as its"
                f" transpose it {'matches the gradient' if matches else 'still differs'}"
            )
        elif self.agrees:
            verdict = (
                f"agrees with the engine (largest gap {small(self.max_disagreement)},"
                f" tolerance {small(self.tolerance)})"
            )
        else:
            verdict = (
                f"DISAGREES with the engine: largest gap {number(self.max_disagreement)},"
                f" relative error {number(self.max_relative_error)}"
            )
        lines = [f"formula for {self.target}: {verdict}"]
        if not self.agrees:
            lines += [f" diagnosis: {s.pattern}: {s.explanation}" for s in self.slips] or [
                " diagnosis: no known slip reproduces these numbers"
            ]
        rows = [
            [n, number(f), number(e), small(math.fabs(f - e))]
            for n, f, e in zip(self.names, self.formula_values, self.engine_values)
        ]
        lines.append(text_table(("parameter", "formula", "engine grad", "gap"), rows))
        if self.factors:
            lines.append("factor by factor, against explain():")
            factor_rows = [
                [
                    f"{f.name} (sample {f.sample})",
                    f.symbol,
                    number(f.formula_value),
                    number(f.explained_value),
                    "agrees"
                    if f.agrees
                    else "DIFFERS" + "".join(f": {s.pattern}" for s in f.slips),
                ]
                for f in self.factors
            ]
            headers = ("factor", "symbol", "yours", "explain()", "verdict")
            lines.append(text_table(headers, factor_rows))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return html_text(str(self))

    __repr__ = __str__


@dataclass(frozen=True)
class NudgeRow:
    """A node's value, its derivative with respect to the leaf, and its change when the leaf
    moves by h: predicted (derivative × h) and actual."""

    name: str
    value: float
    derivative: float
    predicted: float
    actual: float

    @property
    def gap(self) -> float:
        """actual - predicted: what the first-order prediction misses."""
        return self.actual - self.predicted


class Nudge(Table):
    """Every node that depends on a leaf: what its derivative predicts for a nudge, and what
    happens. The last row is the root."""

    HEADERS = ("node", "value", "d node/d leaf", "predicted change", "actual change", "gap")

    def __init__(self, leaf: str, h: float, rows: list[NudgeRow]) -> None:
        self.leaf = leaf
        self.h = h
        self.rows = rows

    @property
    def root(self) -> NudgeRow:
        """The root's row (the last one)."""
        return self.rows[-1]

    def _cells(self) -> list[list[str]]:
        return [
            [
                r.name,
                number(r.value),
                number(r.derivative),
                number(r.predicted),
                number(r.actual),
                small(r.gap),
            ]
            for r in self.rows
        ]

    def _title(self) -> str:
        return f"nudging {self.leaf} by h = {self.h:g}"

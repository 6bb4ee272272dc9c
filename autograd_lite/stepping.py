"""Stepping through a computation: the forward pass node by node, and the backward pass one
chain-rule application at a time.

`step_through(root)` runs the backward pass as `root.backward()` does on a fresh graph (same
order, same arithmetic, same resulting grads: it starts from zeroed grads, so running it twice
gives the same result) and records every application of the chain rule

    d root/d parent += d root/d node * ∂node/∂parent

with the parent's gradient before and after, so a sum over several paths is visible. `∂` marks
the local derivative of one operation, `d` the accumulated total. The rule for ∂node/∂parent is
printed by evaluating the operation's own derivative rule on symbols
(`symbolic.symbolic_derivatives`), so the text is the code that computed the number.

The record is plain data: `ForwardStep`s and `BackwardStep`s of names, ids (as `draw` gives
them) and floats, and the `Frame`s the viewer shows. The steps print as plain text
(`print(steps)`) and show as an HTML viewer (`steps.save(path)`, or the last line of a Jupyter
cell); `viewer.py` renders the frames and knows nothing of Values.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from .engine import (
    Op,
    Value,
    as_value,
    chain_product,
    check_gradient,
    reverse_sweep,
    topological_order,
)
from .errors import ArgumentTypeError, DrawError, describe
from .formatting import (
    NumberTexts,
    check_precision,
    constant_text,
    field_text,
    format_number,
    node_ids,
    operand_text,
    sample_names,
)
from .symbolic import ATOM, UNARY, Symbol, symbolic_forward
from .viewer import Frame, Link, viewer_document, viewer_fragment

__all__ = ["BackwardStep", "ForwardStep", "Frame", "StepThrough", "step_through"]

#: A node used more often than this has its sum over uses summarised, not written out term by
#: term at every use, so the text grows linearly with the graph.
MAX_SUM_TERMS = 4
#: The text form's lines are wrapped to this many columns.
TEXT_WIDTH = 100
#: The options of `draw` that the viewer passes on.
VIEWER_DRAW_OPTIONS = ("rankdir", "cluster", "max_nodes")

#: A frame's arithmetic: (kind, text) pairs, see `viewer.Frame`.
Stages = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class BackwardStep:
    """One application of the chain rule: `parent.grad += upstream * local`.

    Node `node` (its id in the drawing `node_id`) pushes its gradient `upstream` (d root/d node)
    to its operand number `operand`, `parent`, whose local derivative ∂node/∂parent is `local`
    (printed as `rule`, which reads the nodes `reads`). `use` counts which of the parent's
    `uses` (appearances as an operand) this is. Nodes are given by name and id: a step is plain
    data.
    """

    node: str
    node_id: str
    parent: str
    parent_id: str
    operand: int
    rule: str
    reads: tuple[str, ...]
    upstream: float
    local: float
    product: float
    grad_before: float
    grad_after: float
    use: int
    uses: int


@dataclass(frozen=True)
class ForwardStep:
    """One node computed from its operands: `node = formula`, which is `value`."""

    node: str
    node_id: str
    formula: str
    value: float


class StepThrough:
    """The recorded forward and backward pass of `root` (see `step_through`)."""

    def __init__(self, root: Value, precision: int = 4) -> None:
        as_value(root, "step_through: root")
        check_precision(precision, "step_through")
        self.root = root
        self.precision = precision
        self.order = topological_order(root)
        self.ids = node_ids(root)
        self.names = _names(self.order, self.ids)
        self.nodes = {node_id: node for node, node_id in self.ids.items()}
        name_of = {node: _Operand(name) for node, name in self.names.items()}.__getitem__
        self.forward_steps = [
            ForwardStep(
                self.names[node], self.ids[node], _formula(node, name_of, precision), node.data
            )
            for node in self.order
            if not node.is_leaf
        ]
        self.formulas = {step.node_id: step.formula for step in self.forward_steps}
        self.backward_steps = _record_backward(
            root, self.order, self.names, self.ids, name_of, precision
        )
        self._numbers = NumberTexts(partial(format_number, digits=precision))
        self._operands = NumberTexts(partial(operand_text, digits=precision))  # as factors
        self._totals = {name: _total(self.names[root], name) for name in self.names.values()}
        #: Each node's local rules with numbers in, as factors, and whether each is a number.
        self._number_rules: dict[str, list[tuple[str, bool]]] = {}
        self._number_symbols: dict[float, Symbol] = {}
        self._sums: dict[str, str] = {}  # each node's sum over uses in symbols, by id
        self._repeated_operands: dict[Value, set[Value]] = {}
        self.grads = {node: node.grad for node in self.order}
        #: The steps that send to each node, by id: the terms of its sum over uses.
        self.uses: dict[str, list[BackwardStep]] = {}
        for step in self.backward_steps:
            self.uses.setdefault(step.parent_id, []).append(step)

    def __repr__(self) -> str:
        return (
            f"<StepThrough of {self.names[self.root]}: {len(self.forward_steps)} forward steps,"
            f" {len(self.backward_steps)} backward steps>"
        )

    def frames(self) -> list[Frame]:
        """Every position in order: start, each forward step, the seed, each backward step,
        and the final gradients of the leaves."""
        forward, backward = len(self.forward_steps), len(self.backward_steps)
        return [
            self._start_frame(),
            *(self._forward_frame(s, i + 1, forward) for i, s in enumerate(self.forward_steps)),
            self._seed_frame(),
            *(self._backward_frame(s, i + 1, backward) for i, s in enumerate(self.backward_steps)),
            self._done_frame(),
        ]

    def text(self) -> str:
        """The steps as plain text: the frames' titles and stages in the same order (start,
        forward steps and done one paragraph each; the seed and backward steps with their
        arithmetic in stages on the lines below), lines wrapped to 100 columns. The frames'
        links, tables and highlights, which only the viewer shows, are not made."""
        lines: list[str] = []
        start, seed, done = self._start_frame(), self._seed_frame(), self._done_frame()
        _write(lines, start.title, start.stages, indented=False)
        total = len(self.forward_steps)
        for i, step in enumerate(self.forward_steps):
            title, stages = self._forward_text(step, i + 1, total)
            _write(lines, title, stages, indented=False)
        _write(lines, seed.title, seed.stages, indented=True)
        total = len(self.backward_steps)
        for i, backward in enumerate(self.backward_steps):
            title, stages = self._backward_text(backward, i + 1, total)
            _write(lines, title, stages, indented=True)
        _write(lines, done.title, done.stages, indented=False)
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.text()

    def html(self, **draw_options: Any) -> str:
        """The step-through viewer as an HTML fragment (what Jupyter displays); `rankdir`,
        `cluster` and `max_nodes` are passed on to `draw`."""
        return viewer_fragment(*_viewer_input(self, **draw_options))

    def _repr_html_(self) -> str:
        return self.html()

    def save(self, path: str | os.PathLike[str], **draw_options: Any) -> Path:
        """Write the viewer to a standalone `.html` file, or the text form to a `.txt` file."""
        from .drawing import as_path  # the drawing (and graphviz) only when a picture is made

        path = as_path(path, "save")
        suffix = path.suffix.lower()
        if suffix in (".html", ".htm"):
            document = viewer_document(*_viewer_input(self, **draw_options))
            path.write_text(document, encoding="utf-8")
        elif suffix == ".txt":
            path.write_text(self.text(), encoding="utf-8")
        else:
            raise DrawError(f"save: cannot write {path.name!r}; use a .html or .txt file name")
        return path

    # -----------------------------------------------------------------------
    # Frames: the arithmetic of each step, in stages.

    def _start_frame(self) -> Frame:
        title = "start: the leaves hold their values:"
        return self._leaves_frame("start", title, "data", lambda leaf: leaf.data)

    def _forward_text(self, step: ForwardStep, index: int, total: int) -> tuple[str, Stages]:
        """A forward step's title and stages: all the text needs of its frame."""
        node = self.nodes[step.node_id]
        return f"forward {index} of {total}:", (
            ("rule", f"{step.node} = {step.formula}"),
            ("numbers", f"= {_formula(node, self._number_symbol, self.precision)}"),
            ("result", f"= {self._numbers[step.value]}"),
        )

    def _forward_frame(self, step: ForwardStep, index: int, total: int) -> Frame:
        node, node_id = self.nodes[step.node_id], step.node_id
        title, stages = self._forward_text(step, index, total)
        op_id = f"{node_id}_op"
        operands = [(self._numbers[x.data], self.ids[x], "data") for x in node.parents]
        return Frame(
            "forward",
            title,
            stages,
            links=(
                *_links(1, stages[1][1], operands, 2),
                (2, 2, len(stages[2][1]), node_id, "data"),
            ),
            target=node_id,
            sources=tuple(self.ids[p] for p in node.parents),
            active=(op_id, f"{op_id}_out", *_input_edges(node, op_id)),
            field="data",
            before="data ?",
            after=field_text("data", step.value, self.precision),
        )

    def _seed_frame(self) -> Frame:
        root = self.names[self.root]
        total = self._total_stage(root, 0.0, 1.0)
        return Frame(
            "seed",
            f"seed: the gradient of {root} with respect to itself is 1",
            (("rule", f"{self._totals[root]} = 1"), ("total", total)),
            links=_total_links(1, total, root, self.ids[self.root]),
            target=self.ids[self.root],
            field="grad",
            before=field_text("grad", 0.0, self.precision),
            after=field_text("grad", 1.0, self.precision),
        )

    def _backward_text(self, step: BackwardStep, index: int, total: int) -> tuple[str, Stages]:
        """A backward step's title and stages: all the text needs of its frame."""
        node, parent, value = step.node, step.parent, self.nodes[step.node_id]
        local = _local(node, parent)
        repeated = self.nodes[step.parent_id] in self._repeated(value)
        which = f" (operand {step.operand + 1})" if repeated else ""
        head = f"backward {index} of {total}: {node} = "
        tail = f" sends its gradient to {parent}{which}"
        formula = self.formulas[step.node_id]
        if len(head) + len(formula) + len(tail) > TEXT_WIDTH:  # written in its forward step
            formula = f"the {_operation(value).word}"
        local_factor, local_is_number = self._local_numbers(step)
        upstream = self._operands[step.upstream]
        result = f"= {self._numbers[step.product]}"
        if not local_is_number:
            result = f"= {upstream} * {self._operands[step.local]} {result}"
        stages: Stages = (
            (
                "rule",
                f"{self._totals[parent]} += {self._totals[node]} * {local},"
                f" with {local} = {step.rule}",
            ),
            ("numbers", f"= {upstream} * {local_factor}"),
            ("result", result),
            ("total", self._total_stage(parent, step.grad_before, step.grad_after)),
        )
        if step.uses > 1:
            stages += self._sum_stages(step)
        return head + formula + tail, stages

    def _backward_frame(self, step: BackwardStep, index: int, total: int) -> Frame:
        title, stages = self._backward_text(step, index, total)
        end = 2 + len(self._operands[step.upstream])
        links = [(1, 2, end, step.node_id, "grad")]
        links += _links(1, stages[1][1], self._read_numbers(step), end)
        if not self._local_numbers(step)[1]:  # the result multiplies out a formula
            links.append((2, 2, end, step.node_id, "grad"))
        links += _total_links(3, stages[3][1], step.parent, step.parent_id)
        op_id = f"{step.node_id}_op"
        return Frame(
            "backward",
            title,
            stages,
            target=step.parent_id,
            sources=(step.node_id,),
            active=(op_id, f"{op_id}_out", f"{op_id}_in{step.operand}"),
            reads=step.reads,
            field="grad",
            before=field_text("grad", step.grad_before, self.precision),
            after=field_text("grad", step.grad_after, self.precision),
            links=tuple(links),
            local=f"∂ = {self._numbers[step.local]}",
        )

    def _local_numbers(self, step: BackwardStep) -> tuple[str, bool]:
        """The step's local derivative rule with numbers in, as a factor (bracketed unless a
        number that is not negative), and whether it is a plain number; once per node."""
        if step.node_id not in self._number_rules:
            rules = _rules(self.nodes[step.node_id], self._number_symbol, self.precision)
            self._number_rules[step.node_id] = [_factor(rule) for rule in rules]
        return self._number_rules[step.node_id][step.operand]

    def _total_stage(self, name: str, before: float, after: float) -> str:
        """`name.grad: before -> after`."""
        return f"{name}.grad: {self._numbers[before]} -> {self._numbers[after]}"

    def _read_numbers(self, step: BackwardStep) -> list[tuple[str, str, str]]:
        """The numbers a step's local rule reads, as written in its rule, with where each
        lives: a node's data, or a constant operand (named by its edge in the drawing)."""
        node = self.nodes[step.node_id]
        numbers = []
        for read in step.reads:
            if read in self.nodes:
                numbers.append((self._numbers[self.nodes[read].data], read, "data"))
            else:
                constant = node.operands[int(read.rpartition("_in")[2])]
                numbers.append((constant_text(float(constant), self.precision), read, "data"))
        return numbers

    def _done_frame(self) -> Frame:
        title = "done: the gradients of the leaves are"
        return self._leaves_frame("done", title, "grad", self.grads.__getitem__)

    def _leaves_frame(
        self, kind: str, title: str, field: str, number: Callable[[Value], float]
    ) -> Frame:
        """Every leaf's `field` (its data at the start, its grad when done), as one line of text
        (`x = 2.000`, `x.grad = -3.000`) and as a table."""
        leaves = [n for n in self.order if n.is_leaf]
        rows = tuple((self.names[n], self._numbers[number(n)], self.ids[n]) for n in leaves)
        written = "" if field == "data" else f".{field}"
        text = ", ".join(f"{name}{written} = {value}" for name, value, _ in rows)
        return Frame(kind, title, (("result", text),), field=field, table=rows)

    def _sum_stages(self, step: BackwardStep) -> Stages:
        """d root/d parent as the sum over every use of parent: each term written out for a
        node with few uses, the running total for one with many (so the text stays linear)."""
        if step.parent_id not in self._sums:
            self._sums[step.parent_id] = self._sum(step.parent_id, step.parent)
        complete = step.use == step.uses
        if step.uses > MAX_SUM_TERMS:
            done = "all terms" if complete else "so far"
            numbers = f"{self._numbers[step.grad_after]} ({step.use} of {step.uses}, {done})"
            return ("sum", self._sums[step.parent_id]), ("sum", f"= {numbers}")
        uses = self.uses[step.parent_id]
        known = [self._operands[s.product] for s in uses if s.use <= step.use]
        numbers = " + ".join(known + ["?"] * (step.uses - len(known)))
        if complete:
            numbers += f" = {self._numbers[step.grad_after]}"
        else:
            numbers += f" ({len(known)} of {step.uses} terms so far)"
        return ("sum", self._sums[step.parent_id]), ("sum", f"= {numbers}")

    def _sum(self, parent_id: str, parent: str) -> str:
        """The sum over the uses of a node, in symbols: the same at each of its uses."""
        uses = self.uses[parent_id]
        heading = f"sum over the {len(uses)} uses of {parent}: {self._totals[parent]} = "
        if len(uses) > MAX_SUM_TERMS:
            user = _total(self.names[self.root], "user")
            return f"{heading}the sum of {user} * {_local('user', parent)}"
        return heading + " + ".join(
            f"{self._totals[s.node]} * {_local(s.node, parent)}" for s in uses
        )

    def _repeated(self, node: Value) -> set[Value]:
        """The operands `node` reads more than once (x in x * x), found once per node: a scan
        per step made the text quadratic in a node's operand count."""
        if node not in self._repeated_operands:
            count = Counter(x for x in node.operands if isinstance(x, Value))
            self._repeated_operands[node] = {x for x, n in count.items() if n > 1}
        return self._repeated_operands[node]

    def _number_symbol(self, x: Value) -> Symbol:
        """A node's value inside a formula, made once per number."""
        data = x.data
        if data not in self._number_symbols:
            self._number_symbols[data] = _number_operand(self._numbers[data])
        return self._number_symbols[data]


def step_through(root: Value, precision: int = 4) -> StepThrough:
    """Run `root`'s backward pass one chain-rule step at a time and record every step (and the
    forward pass, node by node). Every grad in the graph is set to 0 first, so the grads end as
    one `root.backward()` on a fresh graph leaves them, however often this runs.

    `precision` is the number of significant digits shown. `print(result)` shows the steps as
    text; in Jupyter the result displays as a step-through viewer; `result.save("steps.html")`
    writes the viewer as a standalone page.
    """
    return StepThrough(root, precision)


# ---------------------------------------------------------------------------
# Recording.


def _viewer_input(
    steps: StepThrough, **draw_options: Any
) -> tuple[str, str, list[Frame], str, str, str]:
    """What the viewer shows: its title, the drawing as SVG, the frames, the drawing's alt,
    (unless a `rankdir` is chosen) the drawing laid out top to bottom for phones, and (for
    a network) the drawing with each neuron folded into one record."""
    from .drawing import draw  # the drawing (and graphviz) only when a picture is made

    unknown = sorted(set(draw_options) - set(VIEWER_DRAW_OPTIONS))
    if unknown:
        raise ArgumentTypeError(
            f"step_through viewer: unknown option {unknown[0]!r}; the drawing options it"
            f" takes are {', '.join(VIEWER_DRAW_OPTIONS)}"
        )
    labels = {node: name for node, name in steps.names.items() if name != node.label}
    graph = draw(steps.root, precision=steps.precision, labels=labels, **draw_options)
    portrait = ""
    if "rankdir" not in draw_options:
        portrait = draw(
            steps.root, precision=steps.precision, labels=labels, rankdir="TB", **draw_options
        ).to_svg()
    folded = draw(steps.root, precision=steps.precision, labels=labels, fold=True, **draw_options)
    root = steps.names[steps.root]
    return (
        f"Step through the forward and backward pass of {root}",
        graph.to_svg(),
        steps.frames(),
        f"the graph of {root} with its final gradients",
        portrait,
        folded.to_svg() if folded.source != graph.source else "",
    )


def _record_backward(
    root: Value,
    order: list[Value],
    names: dict[Value, str],
    ids: dict[Value, str],
    name_of: Callable[[Value], Symbol],
    precision: int,
) -> list[BackwardStep]:
    """`root.backward()` from zeroed grads, one `parent.grad += upstream * local` at a time,
    recorded: the engine's reverse sweep, with an `accumulate` that writes each step down,
    multiplying and checking as backward() does (`chain_product`, `check_gradient`). The
    grads are written into the graph only once every one is known to be finite. `name_of`
    gives each node's name as a symbol, for the printed rules."""
    uses: dict[Value, int] = {}
    for node in order:
        for parent in node.parents:
            uses[parent] = uses.get(parent, 0) + 1
    steps: list[BackwardStep] = []
    seen: dict[Value, int] = {}
    printed: dict[Value, tuple[list[str], list[tuple[str, ...]]]] = {}

    def accumulate(
        node: Value, i: int, x: Value, upstream: float, local: float, previous: float | None
    ) -> float:
        if node not in printed:
            printed[node] = (
                _rules(node, name_of, precision),
                _reads(node, ids),
            )
        rules, reads = printed[node]
        before = 0.0 if previous is None else previous
        product = chain_product(node, i, upstream, local)
        after = check_gradient(root, x, before + product)
        seen[x] = seen.get(x, 0) + 1
        steps.append(
            BackwardStep(
                node=names[node],
                node_id=ids[node],
                parent=names[x],
                parent_id=ids[x],
                operand=i,
                rule=rules[i],
                reads=reads[i],
                upstream=upstream,
                local=float(local),
                product=product,
                grad_before=before,
                grad_after=after,
                use=seen[x],
                uses=uses[x],
            )
        )
        return after

    grads = reverse_sweep(root, accumulate)
    for node in order:
        node.grad = grads.get(node, 0.0)
    return steps


class _Reads:
    """Stands in for a node in a derivative rule and collects the ids of the nodes the rule
    reads: `∂(a * b)/∂a = b` reads b; `∂(a + b)/∂a = 1` reads nothing."""

    __slots__ = ("ids",)

    def __init__(self, ids: frozenset[str]) -> None:
        self.ids = ids

    def _join(self, other: Any) -> _Reads:
        return _Reads(self.ids | other.ids) if isinstance(other, _Reads) else self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _join
    __truediv__ = __rtruediv__ = __pow__ = __rpow__ = _join

    def __neg__(self) -> _Reads:
        return self

    @classmethod
    def apply_op(cls, op: Any, operands: tuple[Any, ...]) -> _Reads:
        """What the engine calls for `log(reads)` and the like."""
        return cls(frozenset().union(*(x.ids for x in operands if isinstance(x, _Reads))))


def _reads(node: Value, ids: dict[Value, str]) -> list[tuple[str, ...]]:
    """For each operand, the ids of the nodes its local derivative rule reads; a constant
    operand is named by the id of its edge in the drawing, `v7_op_in3` (∂(w·x)/∂w3 reads x3)."""
    stand_ins = [
        _Reads(frozenset([ids[x] if type(x) is Value else f"{ids[node]}_op_in{i}"]))
        for i, x in enumerate(node.operands)
    ]
    rules = _operation(node).checked_derivatives(_Reads(frozenset([ids[node]])), *stand_ins)
    return [tuple(sorted(r.ids)) if isinstance(r, _Reads) else () for r in rules]


# ---------------------------------------------------------------------------
# Text.


def _wrt(name: str) -> str:
    """A name as it follows d or ∂: bare when one character, else bracketed: `dL`, `d(w1)`."""
    return name if len(name) == 1 else f"({name})"


def _total(root: str, name: str) -> str:
    """The accumulated derivative d root/d name: `dL/dx`, `d(L)/d(L1.N0.w0)`."""
    return f"d{_wrt(root)}/d{_wrt(name)}"


def _local(node: str, operand: str) -> str:
    """The local derivative of one operation: `∂a/∂x`, `∂(L1.N0.a)/∂(L1.N0.z)`."""
    return f"∂{_wrt(node)}/∂{_wrt(operand)}"


def _write(lines: list[str], title: str, stages: Stages, indented: bool) -> None:
    """Append a frame's text to `lines`: its title and stages as one paragraph, or (indented)
    the title with each stage on an indented line below."""
    if indented:
        _wrap(lines, title, "")
        for _, text in stages:
            if len(text) <= TEXT_WIDTH - 4:  # most do: no need to look for spaces
                lines.append("    " + text)
            else:
                _wrap(lines, text, "    ")
    else:
        _wrap(lines, " ".join([title, *(text for _, text in stages)]), "")


def _wrap(lines: list[str], line: str, indent: str) -> None:
    """Append one line of the text form to `lines`, wrapped at spaces to TEXT_WIDTH columns,
    continuations indented four more (a word longer than a line stays whole): each piece
    ends at the last space that lets it fit."""
    start, prefix = 0, indent
    while len(prefix) + len(line) - start > TEXT_WIDTH:
        cut = line.rfind(" ", start, start + TEXT_WIDTH - len(prefix) + 1)
        if cut < 0:
            cut = line.find(" ", start)
            if cut < 0:
                break
        lines.append(prefix + line[start:cut])
        start, prefix = cut + 1, indent + "    "
    lines.append(prefix + line[start:])


def _rules(node: Value, symbol: Callable[[Value], Symbol], precision: int) -> list[str]:
    """∂node/∂operand for every operand as a formula, the node and each operand Value written
    as `symbol` gives (constants stay numbers, so the rule's arithmetic on them is done): the
    operation's own rule on symbols. A rule that is a number reads as the text's constants."""
    operands = tuple(symbol(x) if type(x) is Value else x for x in node.operands)
    rules = _operation(node).checked_derivatives(symbol(node), *operands)
    return [str(r) if isinstance(r, Symbol) else constant_text(r, precision) for r in rules]


def _operation(node: Value) -> Op:
    """The Op that made a computed node."""
    op = node.operation
    assert op is not None, f"{describe(node)} is a leaf: no operation made it"
    return op


class _Operand(Symbol):
    """A name or a number in a printed rule. Its power of one prints as itself: the power
    rule n * a ** (n - 1) at n = 2 reads 2 * a."""

    __slots__ = ()

    def __pow__(self, other: Any) -> Symbol:
        if not isinstance(other, Symbol) and other == 1:
            return self
        return super().__pow__(other)


def _formula(node: Value, symbol: Callable[[Value], Symbol], precision: int) -> str:
    """How node is computed from its operands, each Value written as `symbol` gives: `x * y`;
    constants to `precision` digits, bracketed when negative."""
    operands = tuple(
        symbol(x) if isinstance(x, Value) else _number_operand(constant_text(x, precision))
        for x in node.operands
    )
    return str(symbolic_forward(_operation(node), operands))


def _names(order: list[Value], ids: dict[Value, str]) -> dict[Value, str]:
    """What each node is called in formulas: its label as drawn (one network's per-sample
    copies as `s0:L1.N0.z`, see `formatting.sample_names`) when no other node has it; the label
    with the id for leaves that share a label, `w[v3]`; the id alone for an unlabelled node."""
    copies = sample_names(order)
    count: dict[str, int] = {}
    for node in order:
        count[node.label] = count.get(node.label, 0) + 1
    names = {}
    for node in order:
        if node in copies:
            names[node] = copies[node]
        elif not node.label:
            names[node] = ids[node]
        elif count[node.label] == 1:
            names[node] = node.label
        else:
            names[node] = f"{node.label}[{ids[node]}]"
    return names


def _number_operand(text: str) -> Symbol:
    """A number inside a formula: a negative number binds like a unary minus, so a formula
    brackets it where it needs to, `2 * (-3.000)`, `-(-2.000)`."""
    return _Operand(text, UNARY if text.startswith("-") else ATOM)


def _links(stage: int, text: str, numbers: list[tuple[str, str, str]], start: int) -> list[Link]:
    """Where each number (text, node id, field) appears in `text`, in order from `start` on
    (each searched for after the one before, so a wide formula is read once)."""
    links = []
    for number, node_id, field in numbers:
        at = text.find(number, start)
        if at >= 0:
            start = at + len(number)
            links.append((stage, at, start, node_id, field))
    return links


def _total_links(stage: int, text: str, name: str, node_id: str) -> tuple[Link, Link]:
    """The two numbers of a total stage, `name.grad: before -> after`, linked to the node's
    grad field."""
    start = len(name) + len(".grad: ")
    arrow = text.index(" -> ", start)
    return (stage, start, arrow, node_id, "grad"), (stage, arrow + 4, len(text), node_id, "grad")


def _input_edges(node: Value, op_id: str) -> list[str]:
    return [f"{op_id}_in{i}" for i in range(len(node.operands))]


def _factor(rule: str) -> tuple[str, bool]:
    """A printed local rule as a factor of a product, bracketed unless a number that is not
    negative, and whether it is a plain number (`1`, `-3.000`) rather than a formula."""
    number = _reads_as_number(rule)
    return (rule if number and not rule.startswith("-") else f"({rule})"), number


def _reads_as_number(text: str) -> bool:
    """Whether a printed rule is a plain number (`1`, `(-3.000)`) rather than a formula."""
    try:
        float(text.strip("()"))
    except ValueError:
        return False
    return True

"""Stepping through a computation: the forward pass node by node, and the backward pass one
chain-rule application at a time.

`step_through(root)` runs the backward pass exactly as `root.backward()` does (same order, same
arithmetic, same resulting grads) and records every application of the chain rule

    d root/d parent += d root/d node * d node/d parent

with the parent's gradient before and after, so a sum over several paths is visible. The rule
for d node/d parent is printed by evaluating the operation's own derivative rule on symbols
(`symbolic.symbolic_derivatives`), so the text is the code that computed the number.

The record is plain data: `ForwardStep`s and `BackwardStep`s of names, ids (as `draw` gives
them) and floats, and the `Frame`s the viewer shows. The steps print as plain text
(`print(steps)`) and show as an HTML viewer (`steps.save(path)`, or the last line of a Jupyter
cell); `viewer.py` renders the frames and knows nothing of Values.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .drawing import DEFAULT_MAX_NODES, draw, field_text, node_ids
from .engine import Value, topological_order
from .errors import ArgumentTypeError, DrawError, NonFiniteError
from .functional import _local_derivatives
from .symbolic import Symbol, number_text, symbolic_derivatives, symbolic_forward
from .viewer import Frame, viewer_document, viewer_fragment

__all__ = ["BackwardStep", "ForwardStep", "Frame", "StepThrough", "step_through"]


@dataclass(frozen=True)
class BackwardStep:
    """One application of the chain rule: `parent.grad += upstream * local`.

    Node `node` (its id in the drawing `node_id`) pushes its gradient `upstream` (d root/d node)
    to its operand number `operand`, `parent`, whose local derivative d node/d parent is `local`
    (printed as `rule`). `use` counts which of the parent's `uses` (appearances as an operand)
    this is. Nodes are given by name and id: a step is plain data.
    """

    node: str
    node_id: str
    parent: str
    parent_id: str
    operand: int
    rule: str
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
        if type(root) is not Value:
            raise ArgumentTypeError(f"step_through: expected a Value, got {type(root).__name__}")
        if type(precision) is not int or not 0 <= precision <= 17:
            raise DrawError(
                f"step_through: precision must be an int from 0 to 17; got {precision!r}"
            )
        self.root = root
        self.precision = precision
        self.order = topological_order(root)
        self.ids = node_ids(root)
        self.names = _names(self.order, self.ids)
        self.nodes = {node_id: node for node, node_id in self.ids.items()}
        self.forward_steps = [
            ForwardStep(self.names[node], self.ids[node], self._formula(node), node.data)
            for node in self.order
            if not node.is_leaf
        ]
        self.seed_before = root.grad if root.is_leaf else 0.0
        self.backward_steps = _record_backward(root, self.order, self.names, self.ids)
        self.grads = {node: node.grad for node in self.order}

    def __repr__(self) -> str:
        return (
            f"<StepThrough of {self.names[self.root]}: {len(self.forward_steps)} forward steps,"
            f" {len(self.backward_steps)} backward steps>"
        )

    def frames(self) -> list[Frame]:
        """Every position in order: start, each forward step, the seed, each backward step,
        and the final gradients of the leaves."""
        frames = [self._start_frame()]
        total = len(self.forward_steps)
        frames += [self._forward_frame(s, i + 1, total) for i, s in enumerate(self.forward_steps)]
        frames.append(self._seed_frame())
        total = len(self.backward_steps)
        frames += [self._backward_frame(s, i + 1, total) for i, s in enumerate(self.backward_steps)]
        frames.append(self._done_frame())
        return frames

    def text(self) -> str:
        """The steps as plain text: forward steps one per line, backward steps with their
        arithmetic in stages on the lines below."""
        lines = []
        for frame in self.frames():
            if frame.kind in ("start", "forward", "done"):
                lines.append(" ".join([frame.title, *(text for _, text in frame.stages)]))
            else:
                lines.append(frame.title)
                lines += ["    " + text for _, text in frame.stages]
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.text()

    def html(self, **draw_options: Any) -> str:
        """The step-through viewer as an HTML fragment (what Jupyter displays); `rankdir`,
        `cluster` and `max_nodes` are passed on to `draw`."""
        return viewer_fragment(*self._viewer_input(**draw_options))

    def _repr_html_(self) -> str:
        return self.html()

    def save(self, path: str | os.PathLike[str], **draw_options: Any) -> Path:
        """Write the viewer to a standalone `.html` file, or the text form to a `.txt` file."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix in (".html", ".htm"):
            document = viewer_document(*self._viewer_input(**draw_options))
            path.write_text(document, encoding="utf-8")
        elif suffix == ".txt":
            path.write_text(self.text(), encoding="utf-8")
        else:
            raise DrawError(f"save: cannot write {path.name!r}; use a .html or .txt file name")
        return path

    def _viewer_input(
        self,
        rankdir: str = "LR",
        cluster: bool = True,
        max_nodes: int | None = DEFAULT_MAX_NODES,
    ) -> tuple[str, str, list[Frame], str]:
        """What the viewer shows: its title, the drawing as SVG, the frames, the drawing's alt."""
        labels = {node: name for node, name in self.names.items() if name != node.label}
        graph = draw(
            self.root,
            rankdir=rankdir,
            precision=self.precision,
            cluster=cluster,
            max_nodes=max_nodes,
            labels=labels,
        )
        root = self.names[self.root]
        return (
            f"Step through the forward and backward pass of {root}",
            graph.to_svg(),
            self.frames(),
            f"the graph of {root} with its final gradients",
        )

    # -----------------------------------------------------------------------
    # Frames: the arithmetic of each step, in stages.

    def _start_frame(self) -> Frame:
        leaves = [n for n in self.order if n.is_leaf]
        given = ", ".join(f"{self.names[n]} = {self._number(n.data)}" for n in leaves)
        return Frame("start", "start: the leaves hold their values:", (("result", given),))

    def _forward_frame(self, step: ForwardStep, index: int, total: int) -> Frame:
        node, node_id = self.nodes[step.node_id], step.node_id
        numbers = _formula(node, lambda x: self._operand_number(x.data))
        op_id = f"{node_id}_op"
        return Frame(
            "forward",
            f"forward {index} of {total}:",
            (
                ("rule", f"{step.node} = {step.formula}"),
                ("numbers", f"= {numbers}"),
                ("result", f"= {self._number(step.value)}"),
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
        after = self.seed_before + 1.0
        return Frame(
            "seed",
            f"seed: the gradient of {root} with respect to itself is 1",
            (
                ("rule", f"d{root}/d{root} = 1"),
                (
                    "total",
                    f"{root}.grad: {self._number(self.seed_before)} -> {self._number(after)}",
                ),
            ),
            target=self.ids[self.root],
            field="grad",
            before=field_text("grad", self.seed_before, self.precision),
            after=field_text("grad", after, self.precision),
        )

    def _backward_frame(self, step: BackwardStep, index: int, total: int) -> Frame:
        number = self._number
        node, parent, root = step.node, step.parent, self.names[self.root]
        value, parent_value = self.nodes[step.node_id], self.nodes[step.parent_id]
        local = f"d{node}/d{parent}"
        repeated = sum(1 for x in value.operands if x is parent_value) > 1
        which = f" (operand {step.operand + 1})" if repeated else ""
        formula = self._formula(value)
        title = (
            f"backward {index} of {total}: {node} = {formula} sends its gradient to {parent}{which}"
        )
        local_numbers = _rule(value, step.operand, lambda x: self._operand_number(x.data))
        local_text = local_numbers if _reads_as_number(local_numbers) else f"({local_numbers})"
        stages = [
            (
                "rule",
                f"d{root}/d{parent} += d{root}/d{node} * {local}, with {local} = {step.rule}",
            ),
            ("numbers", f"= {self._operand_number(step.upstream)} * {local_text}"),
        ]
        result = f"= {number(step.product)}"
        if not _reads_as_number(local_numbers):
            factors = f"{self._operand_number(step.upstream)} * {self._operand_number(step.local)}"
            result = f"= {factors} {result}"
        stages.append(("result", result))
        stages.append(
            ("total", f"{parent}.grad: {number(step.grad_before)} -> {number(step.grad_after)}")
        )
        if step.uses > 1:
            stages += self._sum_stages(step)
        op_id = f"{step.node_id}_op"
        return Frame(
            "backward",
            title,
            tuple(stages),
            target=step.parent_id,
            sources=(step.node_id,),
            active=(op_id, f"{op_id}_out", f"{op_id}_in{step.operand}"),
            field="grad",
            before=field_text("grad", step.grad_before, self.precision),
            after=field_text("grad", step.grad_after, self.precision),
        )

    def _done_frame(self) -> Frame:
        leaves = [n for n in self.order if n.is_leaf]
        grads = ", ".join(f"{self.names[n]}.grad = {self._number(n.grad)}" for n in leaves)
        return Frame("done", "done: the gradients of the leaves are", (("result", grads),))

    def _sum_stages(self, step: BackwardStep) -> list[tuple[str, str]]:
        """d root/d parent as the sum over every use of parent, with the terms known so far."""
        root, parent = self.names[self.root], step.parent
        uses = [s for s in self.backward_steps if s.parent_id == step.parent_id]
        terms = " + ".join(f"d{root}/d{s.node} * d{s.node}/d{parent}" for s in uses)
        known = [self._operand_number(s.product) for s in uses[: step.use]]
        numbers = " + ".join(known + ["?"] * (len(uses) - len(known)))
        if len(known) < len(uses):
            numbers += f" ({len(known)} of {len(uses)} terms so far)"
        else:
            numbers += f" = {self._number(sum((s.product for s in uses), 0.0))}"
        return [
            ("sum", f"sum over the {len(uses)} uses of {parent}: d{root}/d{parent} = {terms}"),
            ("sum", f"= {numbers}"),
        ]

    def _formula(self, node: Value) -> str:
        return _formula(node, self.names.__getitem__)

    def _number(self, x: float) -> str:
        return f"{x:.{self.precision}f}"

    def _operand_number(self, x: float) -> str:
        """A number inside a formula: negative numbers in brackets, `2 * (-3.0000)`."""
        text = self._number(x)
        return f"({text})" if text.startswith("-") else text


def step_through(root: Value, precision: int = 4) -> StepThrough:
    """Run `root`'s backward pass one chain-rule step at a time and record every step (and the
    forward pass, node by node). Grads end exactly as `root.backward()` leaves them.

    `print(result)` shows the steps as text; in Jupyter the result displays as a step-through
    viewer; `result.save("steps.html")` writes the viewer as a standalone page.
    """
    return StepThrough(root, precision)


# ---------------------------------------------------------------------------
# Recording.


def _record_backward(
    root: Value, order: list[Value], names: dict[Value, str], ids: dict[Value, str]
) -> list[BackwardStep]:
    """`root.backward()`, one `parent.grad += upstream * local` at a time, recorded."""
    uses: dict[Value, int] = {}
    for node in order:
        for parent in node.parents:
            uses[parent] = uses.get(parent, 0) + 1
    for node in order:
        if not node.is_leaf:
            node.grad = 0.0
    root.grad += 1.0
    steps = []
    seen: dict[Value, int] = {}
    for node in reversed(order):
        # Each node's grad is final when its turn comes (a leaf's too), so check it here.
        upstream = node.grad
        if upstream - upstream != 0.0:
            raise NonFiniteError(
                f"the gradient reaching {names[node]} is {upstream}: it overflowed on the way"
                " back; scale the loss or the inputs down"
            )
        if node.is_leaf:
            continue
        for i, (x, local) in enumerate(zip(node.operands, _local_derivatives(node, False))):
            if type(x) is not Value:
                continue
            local = float(local)
            before = x.grad
            product = upstream * local
            x.grad = before + product
            seen[x] = seen.get(x, 0) + 1
            steps.append(
                BackwardStep(
                    node=names[node],
                    node_id=ids[node],
                    parent=names[x],
                    parent_id=ids[x],
                    operand=i,
                    rule=_rule(node, i, names.__getitem__),
                    upstream=upstream,
                    local=local,
                    product=product,
                    grad_before=before,
                    grad_after=x.grad,
                    use=seen[x],
                    uses=uses[x],
                )
            )
    return steps


def _rule(node: Value, operand: int, name: Callable[[Value], str]) -> str:
    """d node/d operand as a formula in the names `name` gives (numbers stay numbers)."""
    rule = symbolic_derivatives(node, name)[operand]
    return str(rule) if isinstance(rule, Symbol) else number_text(rule)


def _formula(node: Value, name: Callable[[Value], str]) -> str:
    """How node is computed from its operands, in the names `name` gives: `x * y`."""
    operands = tuple(Symbol(name(x)) if type(x) is Value else x for x in node.operands)
    return str(symbolic_forward(node._op, operands))


def _names(order: list[Value], ids: dict[Value, str]) -> dict[Value, str]:
    """What each node is called in formulas: its label when no other node has it, else the
    label with the node's id (`z[v5]`), and the id alone for an unlabelled node."""
    count: dict[str, int] = {}
    for node in order:
        count[node.label] = count.get(node.label, 0) + 1
    names = {}
    for node in order:
        if not node.label:
            names[node] = ids[node]
        elif count[node.label] == 1:
            names[node] = node.label
        else:
            names[node] = f"{node.label}[{ids[node]}]"
    return names


def _input_edges(node: Value, op_id: str) -> list[str]:
    return [f"{op_id}_in{i}" for i in range(len(node.operands))]


def _reads_as_number(text: str) -> bool:
    try:
        float(text.strip("()"))
    except ValueError:
        return False
    return True

"""The forward and backward pass of a recorded graph, written out as straight-line Python.

`to_code(output)` writes what a learner writes by hand: one line per operation forward, then
one line per chain-rule step backward, every variable named after a node's label:

    n = w1 * x1 + w2 * x2 + b  # weighted sum
    o = tanh(n)  # tanh
    do_dn = 1 - o * o  # tanh
    do_dx1 = do_dn * w1  # weighted sum

The text of each line comes from the engine's own rules, evaluated on `Symbol`s
(`symbolic_forward`, `symbolic_derivatives`), so the listing is the engine's arithmetic and
cannot drift from it: the results agree with the engine's (a weighted sum is added left to
right in both: the engine's `dot` with `functools.reduce`, the listing with `+`). A local derivative
that depends on a branch stays a formula (`step(z)`, `sign(z)`), so the code is right for
inputs on either side of the branch.

`compile_graph(output, inputs)` runs that code as a function of new input values: a training
loop over a fixed network can use it in place of building the graph again every step.

`to_code(..., batched=True)` writes the same lines for the graph of one sample run on a whole
batch (what `autograd_lite.batched` compiles): the data arguments and every node computed from
them hold NumPy arrays, one number per sample, and where a per-sample gradient meets a node that
does not depend on the data it is summed over the samples (`batch_dot`, `batch_sum` from
`autograd_lite.arrayops`).
"""

from __future__ import annotations

import functools
import keyword
import linecache
import math
import re
import unicodedata
import weakref
from collections.abc import Sequence
from itertools import count
from operator import countOf
from typing import Any

from . import floatops
from .engine import (
    OPS,
    Number,
    Op,
    Value,
    as_float,
    as_list,
    as_value,
    reachable,
    reverse_sweep,
    topological_order,
)
from .errors import (
    ArgumentTypeError,
    AutogradError,
    DivisionByZeroError,
    DomainError,
    GraphArgumentError,
    NonFiniteError,
    describe,
)
from .symbolic import (
    PRODUCT,
    Symbol,
    symbolic_call,
    symbolic_derivatives,
    symbolic_forward,
)

__all__ = ["CompiledGraph", "compile_graph", "to_code"]


def _helpers(batched: bool) -> list[str]:
    """The functions generated code may call: floatops' (one per operation of the table that
    needs one, registered ones included); batched, arrayops' forms of those, its sums over the
    batch, NumPy's full_like and mean, and the operations of any number of operands (a
    weighted sum), called by name when they have many."""
    names = list(floatops.functions())
    if batched:
        names += ["batch_dot", "batch_sum", "full_like", "mean"]
        names += [op.name for op in OPS.values() if op.split is not None]
    return names


#: A longer weighted sum is written over several lines (see _split_lines).
_TERMS_PER_LINE = 256
#: Batched, a weighted sum of more terms is one call (`dot(w0, w1, ..., x0, x1, ..., b)`):
#: one matrix product instead of two array operations per term.
_BATCH_TERMS = 4


def _called() -> set[str]:
    """Every name generated code calls: the floatops helpers (one per operation of the table
    that needs one, registered ones included), and float (for `float("inf")`)."""
    return {*floatops.functions(), "float"}


def to_code(
    output: Value,
    inputs: Sequence[Value] | None = None,
    data: Sequence[Value] = (),
    function_name: str = "forward_backward",
    batched: bool = False,
) -> str:
    """Python source for `function_name(*inputs, *data) -> (output, (d output/d input, ...))`.

    `inputs` are the leaves that become arguments with a gradient (default: every leaf not in
    `data`, in graph order); `data` leaves become arguments without one (a batch of samples).
    Any other leaf is written in as the constant it holds now. Labels become identifiers: every
    character that cannot be in one becomes `_`, keywords and helper names get a `_` suffix,
    clashes a `_2`, `_3`..., and unlabelled nodes a name from their operation (`mul1`).

    `batched=True` writes the same lines for a whole batch at once (what `compile_batched`
    runs): each data argument holds one number per sample (a NumPy array), so does every node
    computed from one, and the function returns the mean of the output over the samples and
    its derivatives, each the sum over the samples (`batch_dot`, `batch_sum`) where the
    per-sample gradients meet a node that does not depend on the data.
    """
    if not isinstance(batched, bool):
        raise ArgumentTypeError(f"to_code: batched must be True or False, got {batched!r:.60}")
    return _Listing(output, inputs, data, function_name, batched, "to_code").source


class CompiledGraph:
    """A graph's forward and backward pass as one function of its input values.

    `compiled(values, data_values)` returns `(output, gradients)`: the output's value and its
    derivatives with respect to `inputs`, as floats, for new `values` (one per input, in order)
    and `data_values` (one per data leaf). The graph structure is the recorded one; only the
    numbers change. `source` is the generated code.
    """

    def __init__(self, output: Value, inputs: Sequence[Value], data: Sequence[Value] = ()) -> None:
        listing = _Listing(output, inputs, data, "forward_backward", caller="compile_graph")
        self._load(listing.source, listing.inputs, listing.data)

    def _load(self, source: str, inputs: Sequence[Value], data: Sequence[Value]) -> None:
        """Run the generated `source` to make the function."""
        self.inputs: tuple[Value, ...] = tuple(inputs)
        self.data: tuple[Value, ...] = tuple(data)
        self.source: str = source
        self._filename = f"<autograd_lite compiled graph {id(self):#x}>"
        # Register the source so tracebacks through generated code show its lines.
        lines = self.source.splitlines(keepends=True)
        linecache.cache[self._filename] = (len(self.source), None, lines, self._filename)
        weakref.finalize(self, linecache.cache.pop, self._filename, None)
        namespace: dict[str, Any] = {}
        exec(compile(self.source, self._filename, "exec"), namespace)
        self._function = namespace["forward_backward"]

    def __call__(
        self, values: Sequence[Number], data_values: Sequence[Number] = ()
    ) -> tuple[float, tuple[float, ...]]:
        arguments = _numbers(values, self.inputs, "values", "inputs")
        arguments += _numbers(data_values, self.data, "data_values", "data")
        try:
            output, gradients = self._function(*arguments)
        except (ArithmeticError, ValueError, TypeError) as error:
            raise self._error(error) from None
        # One sum checks them all at once; only if it is not a finite float is each looked at
        # (finite numbers can add up to inf).
        total = output + sum(gradients)
        if type(total) is not float or total - total != 0.0:
            results = (output, *gradients)
            bad = [i for i, x in enumerate(results) if type(x) is not float or x - x != 0.0]
            if not bad:
                return output, gradients
            i = bad[0]
            which = (
                f"the gradient with respect to inputs[{i - 1}] ({describe(self.inputs[i - 1])})"
                if i
                else "the graph's output"
            )
            raise NonFiniteError(
                f"at these inputs {which} is {results[i]!r} (not a finite real number); the"
                " engine refuses such values. Move the inputs back into the range where every"
                " operation is defined"
            )
        return output, gradients

    def __reduce__(self) -> tuple[Any, ...]:
        # The function was made by exec, so pickle cannot name it: save the source instead,
        # run again when loaded (a deepcopy too, which then registers its own lines).
        return _load_compiled, (self.source, self.inputs, self.data)

    def __repr__(self) -> str:
        lines = self.source.count("\n")
        return f"CompiledGraph(inputs={len(self.inputs)}, data={len(self.data)}, lines={lines})"

    def _error(self, error: Exception) -> AutogradError:
        """The engine's error for what failed in a generated line: in the forward lines an
        operation left its domain, divided by zero or overflowed; in the backward lines a
        local derivative was infinite (the engine's backward() raises the same)."""
        lines = self.source.splitlines()
        number = 0
        traceback = error.__traceback__
        while traceback is not None:
            if traceback.tb_frame.f_code.co_filename == self._filename:
                number = traceback.tb_lineno
            traceback = traceback.tb_next
        line = lines[number - 1].strip() if number else "?"
        backward = number > next(i for i, text in enumerate(lines) if "# backward:" in text)
        where = f"at these inputs the generated line `{line}`"
        advice = "; the engine raises here too. Keep the inputs inside every operation's domain"
        if backward:
            return NonFiniteError(
                f"{where} has an infinite local derivative ({error}), so the gradient cannot be"
                f" computed there{advice}"
            )
        if isinstance(error, ZeroDivisionError):
            return DivisionByZeroError(f"{where} divides by zero ({error}){advice}")
        if isinstance(error, OverflowError):
            return NonFiniteError(f"{where} overflows ({error}){advice}")
        return DomainError(f"{where} leaves its domain ({error}){advice}")


def _load_compiled(source: str, inputs: Sequence[Value], data: Sequence[Value]) -> CompiledGraph:
    compiled = CompiledGraph.__new__(CompiledGraph)
    compiled._load(source, inputs, data)
    return compiled


def _numbers(given: Any, leaves: Sequence[Value], what: str, kind: str) -> list[float]:
    """`given` (the argument `what`) as a list of finite floats, one for each leaf of `leaves`
    (the compiled graph's `kind`), or the error saying what is wrong with it."""
    where = f"compiled graph: {what}"
    numbers = given if type(given) is list else as_list(given, where)
    if len(numbers) != len(leaves):
        raise GraphArgumentError(
            f"{where}: this compiled graph has {len(leaves)} {kind}, got {len(numbers)} values"
            " for them; give one per Value, in the order given to compile_graph"
        )
    # FAST PATH: floats whose sum is finite are finite floats; only otherwise is each
    # converted (an int, a NumPy float) or refused with a message naming its Value.
    if (
        countOf(map(type, numbers), float) == len(numbers)
        and (total := sum(numbers)) - total == 0.0
    ):
        return list(numbers)
    return [as_float(v, f"{where}: the value for {describe(x)}") for v, x in zip(numbers, leaves)]


def compile_graph(
    output: Value, inputs: Sequence[Value], data: Sequence[Value] = ()
) -> CompiledGraph:
    """Compile the graph behind `output` into a function of the leaves `inputs` (which get
    gradients) and `data` (which do not: the samples of a batch, say).

    Named `compile_graph` so that it does not hide Python's builtin `compile`.
    """
    return CompiledGraph(output, inputs, data)


class _Listing:
    """The generated source, with the names it gave to every node."""

    def __init__(
        self,
        output: Value,
        inputs: Sequence[Value] | None,
        data: Sequence[Value],
        function_name: str,
        batched: bool = False,
        caller: str = "to_code",
    ) -> None:
        as_value(output, f"{caller}: output")
        if not isinstance(function_name, str):
            raise ArgumentTypeError(
                f"to_code: function_name must be a str, got {type(function_name).__name__}"
                f" {function_name!r:.60}"
            )
        if not function_name.isidentifier() or keyword.iskeyword(function_name):
            raise GraphArgumentError(
                f"to_code: function_name must be a Python identifier, got {function_name!r}"
            )
        read_as = unicodedata.normalize("NFKC", function_name)
        helpers = _helpers(batched)
        if read_as in {*helpers, "float"}:  # as Python reads it: ｔａｎｈ is tanh
            raise GraphArgumentError(
                f"to_code: function_name {function_name!r} is the name of a function the code"
                " calls; choose another name"
            )
        if read_as != function_name:  # ℌ is read as H, ｉｆ as if
            raise GraphArgumentError(
                f"to_code: Python reads the function_name {function_name!r} as {read_as!r} (it"
                " normalises identifiers to NFKC), so the name asked for would not be defined;"
                f" use {read_as!r} itself"
                + (", which is a keyword, or another name" if keyword.iskeyword(read_as) else "")
            )
        self.order = topological_order(output)
        for node in self.order:
            op = node.operation
            if op is not None and OPS.get(op.name) is not op:
                raise GraphArgumentError(
                    f"{caller}: {describe(node)} was made by {op!r}, which is not in"
                    " engine.OPS, so there is no way to write it as code; register(op) it first"
                )
        self.output = output
        self.inputs, self.data = check_arguments(self.order, inputs, data, caller)
        # Batched, the nodes computed from the data hold one number per sample.
        self.batched = batched
        self.per_sample = reachable(self.order, self.data) if batched else set()
        self.names = _Names({*helpers, "float", function_name})
        self._name_nodes()
        body = [*self._forward_lines(), *self._backward_lines(), self._return_line()]
        root = self.names.of(output)
        which = f"the first {len(self.inputs)} arguments" if self.data else "each argument"
        docstring = f'"""{root} and d{root}/d({which}), generated by autograd_lite.codegen."""'
        if batched:
            docstring = (
                f'"""The mean of {root} over a batch and its derivatives by {which} (the others'
                ' hold one number per sample), generated by autograd_lite.codegen."""'
            )
        arguments = ", ".join(self.names.of(x) for x in [*self.inputs, *self.data])
        header = f"def {function_name}({arguments}):"
        function = "\n".join([header, "    " + docstring, *("    " + line for line in body)])
        # Only helpers are ever called in generated code, so "name(" marks a use.
        called = set(re.findall(r"\b(\w+)\(", function))  # one pass: the source may be long
        helpers = [helper for helper in helpers if helper in called]
        module = "arrayops" if batched else "floatops"
        prelude = (
            f"from autograd_lite.{module} import {', '.join(helpers)}\n\n\n" if helpers else ""
        )
        self.source = prelude + function + "\n"

    def _name_nodes(self) -> None:
        """Labelled nodes first (arguments first of all), so a label keeps its own name."""
        for node in [*self.inputs, *self.data, *self.order]:
            if node.label:
                self.names.add(node, node.label)
        if not self.output.label:
            self.names.add(self.output, "out")
        for node in [*self.inputs, *self.data, *self.order]:
            if node not in self.names:
                self.names.add_numbered(node, "x" if node.is_leaf else node.op)
        # Nodes that lead to an argument carry a gradient; no other node needs one.
        self.needs_grad = reachable(self.order, self.inputs)
        for node in [*self.inputs, *self.order]:
            if node in self.needs_grad and node not in self.names.gradients:
                self.names.add_gradient(node, self.output)

    def _forward_lines(self) -> list[str]:
        arguments = {*self.inputs, *self.data}
        lines = ["# forward: one line per operation"]
        for node in self.order:
            name, op = self.names.of(node), node.operation
            if op is None:
                if node not in arguments:
                    lines.append(f"{name} = {float(node.data)!r}  # constant leaf")
                continue
            operands = tuple(self._symbol(x) for x in node.operands)
            if self.batched and op.split is not None and len(op.split(operands, _BATCH_TERMS)) > 1:
                lines.append(f"{name} = {symbolic_call(op, operands)}  # {op.word}")
                continue
            if op.split is not None and len(operands) > 2 * _TERMS_PER_LINE:
                lines += _split_lines(name, op, operands)
                continue
            lines.append(f"{name} = {_code(op, operands)}  # {op.word}")
        return lines

    def _backward_lines(self) -> list[str]:
        """The engine's reverse sweep, with each chain-rule step written as a statement."""
        root = self.names.of(self.output)
        lines = [f"# backward: one line per chain-rule step, from d{root}/d{root} = 1"]
        # The output's own gradient is the number 1, or batched 1/B for each of B samples (the
        # derivative of the mean); every other one is a variable.
        seed = None
        if self.output in self.per_sample and self.output in self.needs_grad:
            seed = self.names.gradient(self.output)
            lines[0] = f"# backward: one line per chain-rule step, from d{root}/d{root} = 1/B"
            lines.append(
                f"{seed} = full_like({root}, 1 / {root}.size)  # d(mean)/d{root}: 1/B each"
            )

        def accumulate(
            node: Value, i: int, x: Value, upstream: Any, local: Any, previous: Any
        ) -> Symbol:
            target = self.names.gradient(x)
            factor = seed if type(upstream) is float else str(upstream)
            assert node.operation is not None
            over_batch = node in self.per_sample and x not in self.per_sample
            first = previous is None
            statement = _accumulate(target, factor, local, first, self.batched, over_batch)
            if statement:
                lines.append(f"{statement}  # {node.operation.word}")
            return Symbol(target)

        assigned = reverse_sweep(
            self.output,
            accumulate,
            wrt=self.inputs,
            local=lambda node: symbolic_derivatives(node, self.names.of),
        )
        for x in self.inputs:
            if x is self.output:
                lines.append(f"{self.names.gradient(x)} = 1.0")
            elif x not in assigned:
                lines.append(f"{self.names.gradient(x)} = 0.0  # {root} does not depend on it")
        return lines

    def _return_line(self) -> str:
        output = self.names.of(self.output)
        if self.output in self.per_sample:
            output = f"mean({output})"
        gradients = [self.names.gradient(x) for x in self.inputs]
        line = f"return {output}, ({', '.join(gradients)}{',' if len(gradients) == 1 else ''})"
        if len(line) <= 92:
            return line
        return "\n    ".join([f"return {output}, (", *(f"    {g}," for g in gradients), ")"])

    def _symbol(self, x: Any) -> Any:
        return Symbol(self.names.of(x)) if type(x) is Value else x


def _code(op: Op, operands: tuple[Any, ...]) -> Symbol:
    """The operation as Python that computes exactly what the engine does: its operator or
    formula where Python's operators compute it, else a call of its floatops function."""
    if op.is_python_operator or op.formula is not None:
        return symbolic_forward(op, operands)
    return symbolic_call(op, operands)


def _split_lines(name: str, op: Op, operands: tuple[Any, ...]) -> list[str]:
    """A long formula (a weighted sum of many terms) over several lines, added left to right as
    the engine adds it: Python cannot compile one expression of thousands of additions."""
    assert op.split is not None
    parts = op.split(operands, _TERMS_PER_LINE)
    lines = []
    for i, part in enumerate(parts):
        formula = symbolic_forward(op, part)
        total = f"{name} + {formula}" if i else str(formula)
        lines.append(f"{name} = {total}  # {op.word}, part {i + 1} of {len(parts)}")
    return lines


def _accumulate(
    target: str,
    upstream: str | None,
    local: Any,
    first: bool,
    batched: bool = False,
    over_batch: bool = False,
) -> str:
    """One chain-rule step, `target (+)= upstream * local`, as a statement.

    `upstream` None stands for the output's own gradient, 1. A factor 1 is left out, adding
    -u is written `-= u`, and adding a constant 0 only starts the gradient at 0.0 (the node
    still passes it on, as in the engine); each is exactly what the engine computes.

    In `batched` code a gradient may be an array that another gradient variable shares
    (`dL_da = dL_db`), so it grows as `t = t + u` (`+=` would change both in place). Where the
    product is per sample and the target is not (`over_batch`: a parameter), its sum over the
    samples is added: `batch_dot(upstream, local)`, `batch_sum(upstream)`.
    """
    negate = False
    if isinstance(local, Symbol):
        formula = f"({local})" if local.binding <= PRODUCT else str(local)
        term = str(local) if upstream is None else f"{upstream} * {formula}"
        if over_batch and upstream is not None:
            term = f"batch_dot({upstream}, {local})"
    elif upstream is None:
        term = _float_code(local)
    elif local == 0:
        return f"{target} = 0.0" if first else ""
    else:
        term = f"batch_sum({upstream})" if over_batch else upstream
        if local == -1:
            negate = True
        elif local != 1:
            term = f"{term} * {_float_code(local)}"
    if first:
        return f"{target} = {'-' * negate}{term}"
    if batched:
        return f"{target} = {target} {'-' if negate else '+'} {term}"
    return f"{target} {'-=' if negate else '+='} {term}"


def _float_code(x: Any) -> str:
    """A constant as a float literal (`3.0`, not `3`: a gradient made of constants alone must
    be a float, computed as the engine does), `float("inf")` where the rule overflowed."""
    x = float(x)
    return repr(x) if math.isfinite(x) else f'float("{x}")'


def check_arguments(
    order: list[Value],
    inputs: Sequence[Value] | None,
    data: Sequence[Value],
    caller: str,
    names: tuple[str, str] = ("inputs", "data"),
) -> tuple[list[Value], list[Value]]:
    """The argument leaves of the graph `order`, checked: inputs (default: every leaf not in
    data), then data. Messages start with `caller` and call the two lists `names`."""
    both = " and ".join(names)
    data = as_list(data, f"{caller}: {names[1]}")
    if inputs is None:
        data_set = set(data)
        inputs = [node for node in order if node.is_leaf and node not in data_set]
    inputs = as_list(inputs, f"{caller}: {names[0]}")
    for name, values in zip(names, (inputs, data)):
        for i, x in enumerate(values):
            as_value(x, f"{caller}: {name}[{i}]")
            if not x.is_leaf:
                raise GraphArgumentError(
                    f"{caller}: {name}[{i}] is {describe(x)}, computed by {x.op!r}; {both} must"
                    " be leaves (the Values you made yourself), since the code computes every"
                    " other node"
                )
    if len({*inputs, *data}) != len(inputs) + len(data):
        raise GraphArgumentError(
            f"{caller}: the same Value is listed twice in {both}; list each argument once"
        )
    return inputs, data


class _Names:
    """Unique, harmless Python identifiers for nodes and for their gradients."""

    def __init__(self, reserved: set[str]) -> None:
        self._taken = set(reserved)
        self._values: dict[Value, str] = {}
        self.gradients: dict[Value, str] = {}
        self._numbers: dict[str, count[int]] = {}  # per stem, for unlabelled nodes: mul1, mul2...
        self._suffixes: dict[str, count[int]] = {}  # per name, for clashes: z_2, z_3...

    def __contains__(self, node: Value) -> bool:
        return node in self._values

    def of(self, node: Value) -> str:
        return self._values[node]

    def gradient(self, node: Value) -> str:
        return self.gradients[node]

    def add(self, node: Value, label: str) -> None:
        if node not in self._values:
            self._values[node] = self._claim(_identifier(label))

    def add_numbered(self, node: Value, stem: str) -> None:
        """The first free name of stem1, stem2, ...: for a node without a label."""
        if not (stem.isascii() and stem.isidentifier()):  # an operation with an unusual name
            stem = _identifier(stem)
        counter = self._numbers.setdefault(stem, count(1))
        self._values[node] = self._claim(
            next(n for i in counter if (n := f"{stem}{i}") not in self._taken)
        )

    def add_gradient(self, node: Value, output: Value) -> None:
        """d{output}_d{node}: made of two identifiers, so one itself."""
        self.gradients[node] = self._claim(f"d{self.of(output)}_d{self.of(node)}")

    def _claim(self, name: str) -> str:
        """`name` if it is free, else the first free one of name_2, name_3, ..."""
        if name in self._taken:
            suffixes = self._suffixes.setdefault(name, count(2))
            name = next(n for i in suffixes if (n := f"{name}_{i}") not in self._taken)
        self._taken.add(name)
        return name


@functools.lru_cache(maxsize=4096)
def _identifier(label: str) -> str:
    """A label as a harmless identifier: `L1.N0.w2` -> `L1_N0_w2`, `x); import os` ->
    `x_import_os`. Python reads identifiers in NFKC form, so names are compared in it."""
    if label.isascii() and label.isidentifier() and "__" not in label:
        text = label.strip("_") or "v"
    else:
        text = unicodedata.normalize("NFKC", label)
        text = "".join(c if ("_" + c).isidentifier() else "_" for c in text)
        text = re.sub("_+", "_", text).strip("_") or "v"
    if not text.isidentifier():
        text = "v_" + text
    if keyword.iskeyword(text) or keyword.issoftkeyword(text) or text in _called():
        text += "_"
    return text

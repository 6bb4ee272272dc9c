"""The step-through recorder: its steps and final grads against backward(), hand-worked
numbers, the rule text coming from the operation's own derivative rule, the text form, and the
static HTML of the viewer (the browser tests are in test_viewer_browser.py)."""

from __future__ import annotations

import ast
import base64
import math
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from messages import raises_naming
from worked_examples import neuron as neuron_with_named_leaves

import autograd_lite as al
from autograd_lite import Value, nn, step_through
from autograd_lite.engine import Op, apply


def two_paths() -> tuple[Value, list[Value]]:
    """L = x*y + x: x reaches L along two paths, so dL/dx = y + 1 = -2."""
    x, y = Value(2.0, "x"), Value(-3.0, "y")
    a = x * y
    a.label = "a"
    loss = a + x
    loss.label = "L"
    return loss, [x, y]


def neuron() -> tuple[Value, list[Value]]:
    """o = tanh(x1*w1 + x2*w2 + b), the classic worked example, with its leaves in order."""
    o, leaves = neuron_with_named_leaves()
    return o, list(leaves.values())


def many_ops() -> tuple[Value, list[Value]]:
    """Every kind of operation, and a square x*x (one node used twice by one operation)."""
    x, y = Value(0.7, "x"), Value(1.3, "y")
    z = (x * x - y / (x + 2)) ** 2 + al.exp(-x) * al.log(y) + al.sigmoid(x * y)
    z = z + al.sqrt(y) - abs(x - y) + al.relu(x - 0.2) + y**x
    return z, [x, y]


def small_mlp() -> tuple[Value, list[Value]]:
    model = nn.MLP(3, [4, 2], rng=1)
    loss = nn.half_squared_error(model([0.5, -1.0, 2.0]), [1.0, 0.0])
    return loss, model.parameters()


GRAPHS: list[Callable[[], tuple[Value, list[Value]]]] = [two_paths, neuron, many_ops, small_mlp]


@pytest.mark.parametrize("build", GRAPHS, ids=lambda f: f.__name__)
def test_final_grads_equal_backward(build: Callable) -> None:
    recorded_root, recorded_leaves = build()
    steps = step_through(recorded_root)
    root, leaves = build()
    root.backward()
    order, recorded_order = al.topological_order(root), al.topological_order(recorded_root)
    assert [n.grad for n in recorded_order] == [n.grad for n in order]
    assert [p.grad for p in recorded_leaves] == [p.grad for p in leaves]
    assert [steps.grads[n] for n in recorded_order] == [n.grad for n in order]


@pytest.mark.parametrize("build", GRAPHS, ids=lambda f: f.__name__)
def test_each_step_is_one_chain_rule_application(build: Callable) -> None:
    root, _ = build()
    steps = step_through(root).backward_steps
    order = al.topological_order(root)
    ids = {node: f"v{i}" for i, node in enumerate(order)}
    # One step per Value operand of every operation, in reverse topological order.
    expected = [(ids[n], ids[x]) for n in reversed(order) for x in n.operands if type(x) is Value]
    assert [(s.node_id, s.parent_id) for s in steps] == expected
    grad = {ids[n]: 0.0 for n in order}
    grad[ids[root]] = 1.0
    for s in steps:
        assert s.upstream == grad[s.node_id]
        assert s.product == s.upstream * s.local
        assert s.grad_before == grad[s.parent_id]
        assert s.grad_after == s.grad_before + s.product
        grad[s.parent_id] = s.grad_after


def test_two_paths_by_hand() -> None:
    loss, (x, y) = two_paths()
    steps = step_through(loss).backward_steps
    table = [(s.node, s.parent, s.upstream, s.local, s.grad_before, s.grad_after) for s in steps]
    assert table == [
        ("L", "a", 1.0, 1.0, 0.0, 1.0),
        ("L", "x", 1.0, 1.0, 0.0, 1.0),
        ("a", "x", 1.0, -3.0, 1.0, -2.0),  # the second path adds on: 1 + (-3)
        ("a", "y", 1.0, 2.0, 0.0, 2.0),
    ]
    assert [(s.use, s.uses) for s in steps if s.parent == "x"] == [(1, 2), (2, 2)]
    assert (x.grad, y.grad) == (-2.0, 2.0)


@pytest.mark.parametrize("build", GRAPHS, ids=lambda f: f.__name__)
def test_running_twice_gives_the_grads_of_one_backward(build: Callable) -> None:
    """Re-running a notebook cell: the second run starts from zeroed grads, so nothing doubles,
    and every sum over uses agrees with the total it explains."""
    recorded_root, recorded_leaves = build()
    step_through(recorded_root)
    second = step_through(recorded_root)
    root, leaves = build()
    root.backward()
    assert [p.grad for p in recorded_leaves] == [p.grad for p in leaves]
    for parent_id, uses in second.uses.items():
        assert uses[0].grad_before == 0.0
        assert uses[-1].grad_after == second.grads[second.nodes[parent_id]]
    x_steps = [s for s in second.backward_steps if s.parent == "x"]
    if build is two_paths:
        assert [(s.grad_before, s.grad_after) for s in x_steps] == [(0.0, 1.0), (1.0, -2.0)]
        assert "x.grad: 1.000 -> -2.000" in second.text()
        assert "= 1.000 + (-3.000) = -2.000" in second.text()


@pytest.mark.slow  # imports torch (seconds)
def test_grads_match_pytorch() -> None:
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed: pip install torch to compare with it"
    )
    root, leaves = many_ops()
    step_through(root)
    x, y = (torch.tensor(v.data, dtype=torch.float64, requires_grad=True) for v in leaves)
    z = (x * x - y / (x + 2)) ** 2 + torch.exp(-x) * torch.log(y) + torch.sigmoid(x * y)
    z = z + torch.sqrt(y) - torch.abs(x - y) + torch.relu(x - 0.2) + y**x
    z.backward()
    assert leaves[0].grad == pytest.approx(x.grad.item(), rel=1e-12)
    assert leaves[1].grad == pytest.approx(y.grad.item(), rel=1e-12)


def test_rule_text_is_the_operation_rule_evaluated() -> None:
    """An operation the library has never seen: its rule prints and computes from one lambda."""
    cube = Op("cube", lambda x: x**3, lambda out, x: (3 * x**2,))
    x = Value(2.0, "x")
    y = apply(cube, x)
    y.label = "y"
    (step,) = step_through(y).backward_steps
    assert step.rule == "3 * x ** 2"
    assert step.local == 12.0 and x.grad == 12.0
    rules = [s.rule for s in step_through(neuron()[0]).backward_steps]
    assert rules[0] == "1 - o * o"  # tanh: d tanh(n)/dn = 1 - tanh(n)^2, in the output's name
    assert rules[-2:] == ["w1", "x1"]  # d(x1*w1)/dx1 = w1, d(x1*w1)/dw1 = x1


def test_forward_steps_in_topological_order() -> None:
    o, _ = neuron()
    steps = step_through(o)
    computed = [n for n in al.topological_order(o) if not n.is_leaf]
    assert [s.node_id for s in steps.forward_steps] == [steps.ids[n] for n in computed]
    assert [s.formula for s in steps.forward_steps] == [
        "x1 * w1",
        "x2 * w2",
        "v5 + v6",
        "v7 + b",
        "tanh(n)",
    ]
    assert steps.forward_steps[-1].value == pytest.approx(math.sqrt(0.5), abs=1e-12)


def test_unlabelled_and_duplicate_labels_get_distinct_names() -> None:
    a, b = Value(1.0, "w"), Value(2.0, "w")
    product = a * b
    total = product + 1
    steps = step_through(total)
    ids = steps.ids
    assert steps.names[a] == f"w[{ids[a]}]" and steps.names[b] == f"w[{ids[b]}]"
    assert steps.names[product] == ids[product] and steps.names[total] == ids[total]
    assert len(set(steps.names.values())) == 4


TWO_PATHS_TEXT = """\
start: the leaves hold their values: x = 2.000, y = -3.000
forward 1 of 2: a = x * y = 2.000 * (-3.000) = -6.000
forward 2 of 2: L = a + x = -6.000 + 2.000 = -4.000
seed: the gradient of L with respect to itself is 1
    dL/dL = 1
    L.grad: 0 -> 1.000
backward 1 of 4: L = a + x sends its gradient to a
    dL/da += dL/dL * ∂L/∂a, with ∂L/∂a = 1
    = 1.000 * 1
    = 1.000
    a.grad: 0 -> 1.000
backward 2 of 4: L = a + x sends its gradient to x
    dL/dx += dL/dL * ∂L/∂x, with ∂L/∂x = 1
    = 1.000 * 1
    = 1.000
    x.grad: 0 -> 1.000
    sum over the 2 uses of x: dL/dx = dL/dL * ∂L/∂x + dL/da * ∂a/∂x
    = 1.000 + ? (1 of 2 terms so far)
backward 3 of 4: a = x * y sends its gradient to x
    dL/dx += dL/da * ∂a/∂x, with ∂a/∂x = y
    = 1.000 * (-3.000)
    = -3.000
    x.grad: 1.000 -> -2.000
    sum over the 2 uses of x: dL/dx = dL/dL * ∂L/∂x + dL/da * ∂a/∂x
    = 1.000 + (-3.000) = -2.000
backward 4 of 4: a = x * y sends its gradient to y
    dL/dy += dL/da * ∂a/∂y, with ∂a/∂y = x
    = 1.000 * 2.000
    = 2.000
    y.grad: 0 -> 2.000
done: the gradients of the leaves are x.grad = -2.000, y.grad = 2.000
"""


def test_text_form_of_two_paths() -> None:
    assert str(step_through(two_paths()[0])) == TWO_PATHS_TEXT


def test_text_form_shows_a_composite_rule_with_numbers() -> None:
    text = step_through(neuron()[0], precision=3).text()
    assert (
        "backward 1 of 9: o = tanh(n) sends its gradient to n\n"
        "    do/dn += do/do * ∂o/∂n, with ∂o/∂n = 1 - o * o\n"
        "    = 1.00 * (1 - 0.707 * 0.707)\n"
        "    = 1.00 * 0.500 = 0.500\n"
        "    n.grad: 0 -> 0.500\n"
    ) in text


def test_a_square_names_which_operand() -> None:
    x = Value(3.0, "x")
    y = x * x
    y.label = "y"
    text = step_through(y).text()
    assert "y = x * x sends its gradient to x (operand 1)" in text
    assert "y = x * x sends its gradient to x (operand 2)" in text
    assert x.grad == 6.0


def test_a_leaf_root_has_only_the_seed() -> None:
    x = Value(5.0, "x")
    steps = step_through(x)
    assert steps.backward_steps == [] and x.grad == 1.0
    assert [f.kind for f in steps.frames()] == ["start", "seed", "done"]


def test_an_overflowing_gradient_is_reported_like_backward() -> None:
    x = Value(1.0, "x")
    z = x * 1e-300 * 1e200 * 1e200  # 1e100 forward; dz/d(x * 1e-300) = 1e400 overflows
    messages = []
    for run in (z.backward, lambda: step_through(z)):
        with raises_naming(al.NonFiniteError, "made by mul", "inf", "overflowed", "scale") as error:
            run()
        messages.append(str(error.value))
    assert messages[0] == messages[1]


def test_an_infinite_leaf_gradient_is_reported_like_backward_and_changes_no_grad() -> None:
    x = Value(1e-310, "x")
    y = al.log(x)  # finite forward; dy/dx = 1/x overflows to inf in the last step, at a leaf
    with raises_naming(al.NonFiniteError, "made by log", "Value 'x'", "inf") as error:
        y.backward()
    x.grad = y.grad = 0.25
    with pytest.raises(al.NonFiniteError) as recorded:
        step_through(y)
    assert str(recorded.value) == str(error.value)
    assert x.grad == y.grad == 0.25


def test_bad_arguments() -> None:
    with raises_naming(TypeError, "root", "Value", "float 2.0"):
        step_through(2.0)
    with raises_naming(al.ArgumentTypeError, "root", "Value", "NoneType"):
        step_through(None)
    for bad in (40, 0, 2.5, None, "4"):
        with raises_naming(al.DrawError, "precision", "significant digits", "1 to 17"):
            step_through(Value(1.0), precision=bad)


def test_frames_say_what_to_highlight() -> None:
    loss, _ = two_paths()
    steps = step_through(loss)
    ids = steps.ids
    frames = steps.frames()
    assert [f.kind for f in frames] == [
        "start",
        "forward",
        "forward",
        "seed",
        *["backward"] * 4,
        "done",
    ]
    third = frames[6]  # backward 3: a sends to x through its operand 0
    a_id, x_id = steps.backward_steps[2].node_id, steps.backward_steps[2].parent_id
    assert (a_id, x_id) == (ids[loss.operands[0]], ids[loss.operands[1]])
    assert third.target == x_id and third.sources == (a_id,)
    op = f"{a_id}_op"
    assert third.active == (op, f"{op}_out", f"{op}_in0")
    assert (third.field, third.before, third.after) == ("grad", "grad 1.000", "grad -2.000")


@pytest.mark.slow
def test_rerunning_notebook_01s_step_cell_then_its_check_cell_passes() -> None:
    """Issue 13: re-running `steps = step_through(a)` doubled the grads, so the check cell
    after it raised AssertionError (step_through +2, backward +1)."""
    nbformat = pytest.importorskip("nbformat", reason="pip install '.[notebook]'")
    nbclient = pytest.importorskip("nbclient", reason="pip install '.[notebook]'")
    path = PACKAGE.parent / "notebooks" / "01_see_the_graph.ipynb"
    if not path.exists():
        pytest.skip("not running from a source checkout")
    notebook = nbformat.read(path, as_version=4)
    steps_cell = next(i for i, c in enumerate(notebook.cells) if "steps = step_through" in c.source)
    check_cell = next(i for i, c in enumerate(notebook.cells) if "assert recorded.grad" in c.source)
    client = nbclient.NotebookClient(notebook, timeout=120)
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        for index in (steps_cell, check_cell, steps_cell, check_cell):
            client.execute_cell(notebook.cells[index], index)
    outputs = notebook.cells[check_cell].outputs
    assert [o for o in outputs if o.output_type == "error"] == []
    assert "L1.N0.w0 step_through +1.0000   backward +1.0000" in outputs[0].text


# ---------------------------------------------------------------------------
# Notation, numbers and size of the text form (issue 13).


def test_local_derivatives_are_marked_apart_from_totals_with_bracketed_labels() -> None:
    """∂ for one operation's local derivative, d for the accumulated total; a label longer
    than one character in brackets, so a dotted label reads as one name."""
    neuron = nn.Neuron(2, activation="tanh", name="L1.N0")
    neuron.set_weights([-3.0, 1.0], bias=6.8813735870195432)
    a = neuron([Value(2.0, "x0"), Value(0.0, "x1")])
    text = " ".join(step_through(a).text().split())  # wrapped lines joined
    assert (
        "d(L1.N0.a)/d(L1.N0.z) += d(L1.N0.a)/d(L1.N0.a) * ∂(L1.N0.a)/∂(L1.N0.z),"
        " with ∂(L1.N0.a)/∂(L1.N0.z) = 1 - L1.N0.a * L1.N0.a"
    ) in text
    assert "dL1.N0" not in text and "/dL1" not in text
    two_paths_text = step_through(two_paths()[0]).text()
    assert "dL/dx += dL/da * ∂a/∂x, with ∂a/∂x = y" in two_paths_text
    assert "sum over the 2 uses of x: dL/dx = dL/dL * ∂L/∂x + dL/da * ∂a/∂x" in two_paths_text


def test_small_gradients_keep_significant_digits() -> None:
    x = Value(3e-7, "x")
    y = x * x
    y.label = "y"
    text = step_through(y).text()
    assert "x.grad: 0 -> 3.000e-7" in text and "x.grad: 3.000e-7 -> 6.000e-7" in text
    assert "0.0000" not in text
    assert step_through(y, precision=2).backward_steps[1].grad_after == 6e-7


def test_formulas_bracket_negative_numbers_once_and_drop_a_power_of_one() -> None:
    x = Value(-0.2336, "x")
    t = al.tanh(x)
    t.label = "t"
    shifted = t - (-1.0)
    shifted.label = "s"
    squared = shifted**2
    squared.label = "q"
    text = step_through(squared).text()
    assert "t = tanh(x) = tanh(-0.2336) = -0.2294" in text
    assert "s = t - (-1) = -0.2294 - (-1) = 0.7706" in text
    assert "= 1.541 * (1 - (-0.2294) * (-0.2294))" in text
    assert "with ∂q/∂s = 2 * s\n" in text and "** 1" not in text
    assert "((" not in text and "- -" not in text


def test_text_lines_fit_100_columns_for_an_mlp() -> None:
    model = nn.MLP(2, [4, 4, 1], rng=0)
    points = [[0.5, -1.0], [1.5, 0.25]]
    loss = nn.mean_squared_error([model(p) for p in points], [1.0, -1.0])
    text = step_through(loss).text()
    widths = [len(line) for line in text.splitlines()]
    assert max(widths) <= 100 and len(widths) > 500


def test_the_text_form_grows_linearly_with_how_often_a_node_is_used() -> None:
    """A node used n times: the text per use stays the same size (it was quadratic)."""

    def text_size(uses: int) -> int:
        x = Value(0.5, "x")
        total = x * 1.0
        for _ in range(uses - 1):
            total = total + x
        total.label = "L"
        return len(step_through(total).text())

    small, large = text_size(250), text_size(500)
    assert large < 2.05 * small
    assert small < 250 * 600  # a few hundred characters per use


def test_per_sample_copies_are_named_by_sample() -> None:
    """A network called once per sample: each copy of L1.N0.z is named by its sample."""
    model = nn.MLP(2, [1], activation="tanh", rng=3)
    loss = nn.mean_squared_error([model([1.0, 2.0]), model([0.5, -1.0])], [1.0, 0.0])
    steps = step_through(loss)
    names = set(steps.names.values())
    assert {"s0:L1.N0.z", "s1:L1.N0.z"} <= names
    assert {"L1.N0.w0", "L1.N0.w1", "L1.N0.b"} <= names  # shared weights keep their label
    assert not any("[v" in name for name in names)


def test_a_loss_labels_its_nodes_and_sums_without_a_zero() -> None:
    """Issue 13: a loss's nodes were unlabelled (v27...v34) and sum() started from 0."""
    model = nn.MLP(2, [1], activation="tanh", rng=3)
    loss = nn.mean_squared_error([model([1.0, 2.0]), model([0.5, -1.0])], [1.0, 0.0])
    steps = step_through(loss)
    computed = [steps.names[n] for n in steps.order if not n.is_leaf]
    assert computed[-6:] == ["s0:err", "s0:C", "s1:err", "s1:C", "sum_C", "loss"]
    assert not any(re.fullmatch(r"v\d+", name) for name in computed)
    assert not any(s.formula.startswith("0 + ") for s in steps.forward_steps)
    two = nn.squared_error([Value(1.0, "a"), Value(2.0, "b")], [0.0, 0.0])
    assert two.label == "C" and [p.label for p in two.parents] == ["sq_err0", "sq_err1"]
    assert loss.data == pytest.approx(
        ((model([1.0, 2.0]).data - 1.0) ** 2 + model([0.5, -1.0]).data ** 2) / 2, abs=1e-15
    )


def test_a_backward_step_records_which_nodes_its_rule_reads() -> None:
    loss, (x, y) = two_paths()
    steps = step_through(loss)
    ids = steps.ids
    by_pair = {(s.node, s.parent): s for s in steps.backward_steps}
    assert by_pair["a", "x"].reads == (ids[y],)  # ∂(x * y)/∂x = y
    assert by_pair["a", "y"].reads == (ids[x],)
    assert by_pair["L", "x"].reads == ()  # ∂(a + x)/∂x = 1 reads nothing
    o, _ = neuron()
    first = step_through(o).backward_steps[0]
    assert first.reads == (first.node_id,)  # ∂tanh(n)/∂n = 1 - o * o reads the output o
    frame = next(f for f in step_through(loss).frames() if f.title.startswith("backward 3"))
    assert frame.reads == (ids[y],)


# ---------------------------------------------------------------------------
# The viewer's HTML, without a browser.


def test_viewer_html_is_self_contained_and_lists_every_step(tmp_path) -> None:
    steps = step_through(neuron()[0])
    page = steps.save(tmp_path / "steps.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing to fetch
    assert "@import" not in page and "url(" not in page
    assert page.count("<script>") == 1 and page.count("<img") == 1
    picture = re.search(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)
    svg = base64.b64decode(picture.group(1)).decode()
    assert svg.startswith("<svg") and "data 0.7071" in svg and "grad 1.000" in svg
    assert page.count('<li class="al-frame') == len(steps.frames()) == 17
    assert "do/dn += do/do * ∂o/∂n, with ∂o/∂n = 1 - o * o" in page
    words = re.sub(r"<span [^>]*>|</span>", "", page)  # numbers linked to their fields
    assert "n.grad: 0 -&gt; 0.5000" in words
    assert re.search(
        r'n\.grad: <span class="al-num" data-node="v\d+" data-field="grad">0</span>', page
    )
    assert "<details" in page and "open>" in page  # the list shows without scripts
    assert steps._repr_html_().startswith('<div class="al-steps"')
    assert steps.save(tmp_path / "s.txt").read_text() == steps.text()
    with raises_naming(al.DrawError, "save", "'s.pdf'", ".html", ".txt"):
        steps.save(tmp_path / "s.pdf")


@pytest.mark.parametrize("label", ["<script>alert(1)</script>", 'a|b{c}"d', "</li><b>x</b>&amp;"])
def test_viewer_escapes_labels(label: str) -> None:
    x = Value(2.0, label)
    y = x * 3
    y.label = "y"
    page = step_through(y).html()
    assert page.count("<script") == 1 and "alert(1)</script>" not in page
    assert "<b>x</b>" not in page
    escaped = (
        label.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
    assert f"with ∂y/∂({escaped}) = 3" in page


# ---------------------------------------------------------------------------
# The recorder/viewer split: the viewer is given plain data and ships its CSS and JS as files.

PACKAGE = Path(al.__file__).parent


def test_the_viewer_imports_nothing_from_the_package() -> None:
    """No cycle and no reading of recorder internals: viewer.py takes strings, not Values."""
    tree = ast.parse((PACKAGE / "viewer.py").read_text())
    relative = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level > 0]
    assert relative == []
    frames = step_through(two_paths()[0]).frames()
    assert all(isinstance(v, str) for f in frames for v in (f.kind, f.title, f.target, *f.sources))


def test_the_viewer_style_and_script_are_package_files() -> None:
    page = step_through(two_paths()[0]).html()
    for name in ("viewer.css", "viewer.js"):
        text = (PACKAGE / name).read_text()
        assert len(text) > 1000 and text.strip().splitlines()[-1] in page


def test_the_negation_of_a_negative_number_reads_with_brackets() -> None:
    """Issue 16: `-a` at a = -2 printed `--2.000`, which reads as a typo."""
    a = Value(-2.0, "a")
    text = str(step_through(-a))
    assert "= -a = -(-2.000) = 2.000" in text
    assert "--" not in text


def test_constants_read_with_the_precision_of_the_drawing() -> None:
    """Issue 16: a constant was printed with 17 digits in the text (0.3333333333333333) and 6
    in the graph (0.333333); both use formatting.constant_text now."""
    a = Value(-2.0, "a")
    y = a * (1 / 3)
    steps = step_through(y)
    text = str(steps)
    assert "a * 0.3333 = (-2.000) * 0.3333 = -0.6667" in text
    assert "3333333" not in text
    assert "0.3333" in al.draw(y).source and "0.333333" not in al.draw(y).source
    assert "3333333" not in str(step_through(y, precision=6))
    assert "a * 0.333333 " in str(step_through(y, precision=6))


def test_the_text_form_needs_no_drawing_package() -> None:
    """Issue 16: stepping imported drawing (and graphviz) for its number formatting; the text
    form now imports neither."""
    import subprocess
    import sys

    code = (
        "import sys; from autograd_lite import Value, step_through;"
        "a = Value(2.0, 'a'); print(step_through(a * a));"
        "assert 'graphviz' not in sys.modules and 'autograd_lite.drawing' not in sys.modules"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _lines_run_in_stepping(n: int) -> int:
    """How many lines of stepping.py run to write the text of a dot of n terms."""
    import sys

    from autograd_lite import stepping
    from autograd_lite.engine import dot

    weights = [Value(0.5 + i / n, f"w{i}") for i in range(n)]
    y = dot(weights, [1.0] * n)
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename == stepping.__file__:
            if event == "line":
                count += 1
            return trace
        return None

    sys.settrace(trace)
    try:
        step_through(y).text()
    finally:
        sys.settrace(None)
    return count


def test_the_text_of_one_wide_node_is_linear_in_its_operands() -> None:
    """Issue 19 item 18: each backward step scanned all of its node's operands to see whether
    the operand repeats, so a dot of 1,000/2,000/4,000 terms took 0.11/0.37/1.03 s and 10^5
    terms over 120 s. Counted in lines run, not seconds: doubling the terms doubles them."""
    small, large = _lines_run_in_stepping(200), _lines_run_in_stepping(400)
    assert large < 2.2 * small


def test_numbers_in_a_step_are_linked_to_the_fields_they_come_from() -> None:
    """Issue 16: the learner read `= (-0.2681) * (-0.2182)` without seeing where either number
    lives. Each number of a backward step's arithmetic names its node and field: the upstream
    gradient the sending node's grad, the local rule's numbers the data of what it reads, the
    total the target's grad; a first-layer weight's rule reads its input x_k (an edge)."""
    x1, w1 = Value(2.0, "x1"), Value(-3.0, "w1")
    y = x1 * w1
    y.label = "y"
    steps = step_through(y)
    ids = {n.label: steps.ids[n] for n in steps.order}
    frame = steps.frames()[-2]  # backward 2 of 2: y sends to w1, the rule reads x1
    stage_text = dict(enumerate(text for _, text in frame.stages))
    linked = {(stage_text[s][a:b], node, field) for s, a, b, node, field in frame.links}
    assert linked == {
        ("1.000", ids["y"], "grad"),
        ("2.000", ids["x1"], "data"),
        ("0", ids["w1"], "grad"),
        ("2.000", ids["w1"], "grad"),
    }
    assert frame.local == "∂ = 2.000"
    model = nn.MLP(2, [1])
    out = model([0.5, -1.5])
    steps = step_through(out)
    to_weight = next(s for s in steps.backward_steps if s.parent == "L1.N0.w1")
    assert to_weight.reads == (f"{to_weight.node_id}_op_in3",)  # x1, the dot's 4th operand
    frame = steps.frames()[len(steps.forward_steps) + 2 + steps.backward_steps.index(to_weight)]
    numbers = frame.stages[1][1]
    assert [numbers[a:b] for s, a, b, n, f in frame.links if s == 1] == ["1.000", "-1.5"]


def test_start_and_done_are_compact_tables_in_the_viewer() -> None:
    """Issue 16: the start and done frames were walls of text (337 values in one paragraph for
    MLP(2,[16,16,1])); the viewer shows them as a table of names and numbers, each linked to
    its node's field."""
    o, leaves = neuron()
    steps = step_through(o)
    start, done = steps.frames()[0], steps.frames()[-1]
    assert [(name, number) for name, number, _ in start.table][:2] == [
        ("x1", "2.000"),
        ("x2", "0"),
    ]
    assert start.field == "data" and done.field == "grad"
    assert {node_id for _, _, node_id in done.table} == {steps.ids[leaf] for leaf in leaves}
    page = steps.html()
    assert page.count('<table class="al-table al-stage">') == 2
    assert re.search(
        r'<th scope="row">w1</th><td><span class="al-num" data-node="v\d+"'
        r' data-field="grad">1\.000</span>',
        page,
    )


def hinge_mlp() -> tuple[Value, list[Value]]:
    """A hinge loss of nn.MLP(2, [3, 1]) on three points: each weight used three times (every
    term of its sum written out), constant inputs read through the dot's edges, relu."""
    model = nn.MLP(2, [3, 1], rng=2)
    points, labels = [[0.5, -1.0], [1.5, 0.25], [-2.0, 0.75]], [1, -1, 1]
    loss = nn.hinge_loss([model(p) for p in points], labels)
    return loss, model.parameters()


def widely_used() -> tuple[Value, list[Value]]:
    """x used seven times (its sum summarised past MAX_SUM_TERMS), x * x, constants that print
    as written, rounded and negative, and a long label that wraps the text."""
    x, y = Value(0.75, "x"), Value(-1.25, "a_rather_long_label_for_y_to_wrap_the_lines_of_text")
    total = x * x + x / 3 - 2.5 * x + (-0.125) * x + x * y + 1e-7 * x + x**3
    total.label = "L"
    return total, [x, y]


GOLDEN_GRAPHS = [two_paths, many_ops, hinge_mlp, widely_used]
#: sha256 of the text form and of the frames' reprs, made by the code before the text form got a
#: path of its own (see test_the_text_and_frames_are_exactly_as_before).
GOLDEN = {
    "two_paths": (
        "b84980c78d3ad5ac7e3c8b0cfcc498190358dd4cae8d65486cca1c803756eab6",
        "08ca14bf382cee5b88d5660b94f2a8b7568811988ed77750ee6d28c659775d1a",
    ),
    "many_ops": (
        "3b56c2a2c58ac89125e55a2ceac011a6ab3c591566824719b9fabe69ca7c4377",
        "1f28bec8e5b6e879b44fd4ca15df5a86fccc673b657e709ee89b342e05bb958e",
    ),
    "hinge_mlp": (
        "181664689e3082b62baefd312dc596356ef93215b5e6e2cc9f6afc19fba02058",
        "65a11b3b0383242fac13209a31e5bcead71187c85d4fdb104002cbf3f4235bd9",
    ),
    "widely_used": (
        "5fb56a70c440fa3e9bdd1ab3ea12f3cc7166a98ede9455c57c0a6288da310558",
        "c4b27d3bac6d57d33b0f7475684bad1dcba4cacf7a14678e4024de947767466a",
    ),
}


@pytest.mark.parametrize("build", GOLDEN_GRAPHS, ids=lambda f: f.__name__)
def test_the_text_and_frames_are_exactly_as_before(build: Callable) -> None:
    """Issue: print(step_through(loss)) of MLP(2,[16,16,1]) on 100 points went from 3.9 s to
    13.7 s when the viewer's frames grew links, tables and stages: the text was written from
    the frames. Making the text fast must not change one character of it, nor of the frames
    the viewer shows: both are pinned here by hash, made by the code before the change."""
    import hashlib

    steps = step_through(build()[0])
    text, frames = steps.text(), repr(steps.frames())
    digests = tuple(hashlib.sha256(s.encode()).hexdigest() for s in (text, frames))
    assert digests == GOLDEN[build.__name__], f"{build.__name__}: text or frames changed"


WORDS = st.text(alphabet="ab∂", max_size=12) | st.text(alphabet="ab", min_size=90, max_size=110)


@given(words=st.lists(WORDS, max_size=60), indent=st.sampled_from(["", "    "]))
def test_wrapping_is_greedy_at_spaces(words: list[str], indent: str) -> None:
    """The text form's wrapping (made faster for the issue above: it cuts at the last space
    that fits instead of adding word by word) keeps the greedy rule that wrote the pinned
    texts: the pieces are the line's words in order, each piece fits (or is one word too
    long for any line) and the next piece's first word would not have fitted on it."""
    from autograd_lite.stepping import TEXT_WIDTH, _wrap

    line, pieces = " ".join(words), []
    _wrap(pieces, line, indent)
    prefixes = [indent] + [indent + "    "] * (len(pieces) - 1)
    assert all(piece.startswith(prefix) for piece, prefix in zip(pieces, prefixes))
    texts = [piece[len(prefix) :] for piece, prefix in zip(pieces, prefixes)]
    assert " ".join(texts) == line
    for piece, text in zip(pieces, texts):
        assert len(piece) <= TEXT_WIDTH or " " not in text
    for piece, following in zip(pieces, texts[1:]):
        assert len(piece) + 1 + len(following.split(" ")[0]) > TEXT_WIDTH

"""Drawing: the structure of the DOT source, stable ids, the options, escaping of user text,
the node limit, and rendering to SVG/PNG with graphviz-pure alone or a system `dot`."""

from __future__ import annotations

import base64
import functools
import os
import re
import shutil
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest
from messages import argument_refusal_failure, raises_naming
from test_bad_arguments import BAD
from worked_examples import neuron

import autograd_lite as al
from autograd_lite import Value, draw, nn
from autograd_lite import drawing as draw_module

SVG = "{http://www.w3.org/2000/svg}"
STATEMENT = re.compile(
    r'^\s*("(?:[^"\\]|\\.)*"|[\w.]+)(?:\s*->\s*("(?:[^"\\]|\\.)*"|[\w.]+))?\s*(\[.*\])?$'
)
ATTRIBUTE = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s\]]+)')
NASTY = ["<script>alert(1)</script>", 'a|b{c}"d', "back\\slash", "&lt;b&gt; & <i>", "tab\there"]


def parse_dot(source: str) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, str]]]:
    """The nodes (id -> attributes) and edges (tail, head, id) of DOT source as graphviz writes
    it: one statement per line. Cluster headers and default attribute lines are skipped."""
    nodes, edges = {}, []
    for line in source.splitlines():
        line = line.strip()
        if line.startswith(("digraph", "subgraph", "graph ", "node ", "edge ", "}")) or not line:
            continue
        match = STATEMENT.match(line)
        assert match, f"unexpected DOT line {line!r}"
        tail, head, attributes = match.groups()
        attrs = {
            k: v[1:-1] if v.startswith('"') else v for k, v in ATTRIBUTE.findall(attributes or "")
        }
        if head:
            edges.append((tail, head, attrs.get("id", "")))
        else:
            nodes[tail] = attrs
    return nodes, edges


def record_fields(label: str) -> list[str]:
    return [field.strip() for field in label.strip("{} ").split(" | ")]


def test_dot_structure_of_a_neuron() -> None:
    o, _ = neuron()
    o.backward()
    nodes, edges = parse_dot(draw(o).source)
    records = {k: v for k, v in nodes.items() if v.get("shape") == "record"}
    ops = {k: v for k, v in nodes.items() if v.get("shape") == "circle"}
    assert len(records) == 10  # 5 leaves, 2 products, their sum, n and o
    assert sorted(v["label"] for v in ops.values()) == ["*", "*", "+", "+", "tanh"]
    fields = {record_fields(v["label"])[0]: record_fields(v["label"]) for v in records.values()}
    assert fields["o"] == ["o", "data 0.7071", "grad 1.000"]
    assert fields["n"] == ["n", "data 0.8814", "grad 0.5000"]
    assert fields["w1"] == ["w1", "data -3.000", "grad 1.000"]
    assert fields["x1"] == ["x1", "data 2.000", "grad -1.500"]
    # Edges flow from operands into the operation and from the operation to its result.
    by_label = {record_fields(v["label"])[0]: k for k, v in records.items()}
    tanh_op = next(k for k, v in ops.items() if v["label"] == "tanh")
    assert (by_label["n"], tanh_op, f"{tanh_op}_in0") in edges
    assert (tanh_op, by_label["o"], f"{tanh_op}_out") in edges
    assert len(edges) == 5 + 4 * 2 + 1  # an out-edge per op; in-edges: 2 per binary op, 1 for tanh


def test_ids_follow_topological_order_and_are_stable() -> None:
    first, _ = neuron()
    second, _ = neuron()
    assert draw(first).source == draw(second).source
    order = al.topological_order(first)
    nodes, edges = parse_dot(draw(first).source)
    for i, node in enumerate(order):
        assert nodes[f"v{i}"]["id"] == f"v{i}"
        if not node.is_leaf:
            ins = [tail for tail, head, _ in edges if head == f"v{i}_op"]
            assert ins == [f"v{order.index(p)}" for p in node.parents]  # operand order


def test_constants_and_repeated_operands() -> None:
    x = Value(3.0, "x")
    y = x * x + 2
    nodes, edges = parse_dot(draw(y).source)
    square = next(k for k, v in nodes.items() if v.get("label") == "*")
    assert [(t, e) for t, h, e in edges if h == square] == [
        ("v0", f"{square}_in0"),
        ("v0", f"{square}_in1"),
    ]
    plus = next(k for k, v in nodes.items() if v.get("label") == "+")
    constant = f"{plus}_c1"
    assert nodes[constant]["label"] == "2" and nodes[constant]["shape"] == "plaintext"
    assert (constant, plus, f"{plus}_in1") in edges


def edge_attributes(source: str) -> dict[str, dict[str, str]]:
    """Each edge's attributes, by its id."""
    found = {}
    for line in source.splitlines():
        if "->" in line:
            attrs = {k: v.strip('"') for k, v in ATTRIBUTE.findall(line)}
            found[attrs["id"]] = attrs
    return found


def test_operand_order_is_marked_where_it_matters() -> None:
    x, y = Value(3.0, "x"), Value(2.0, "y")
    for node in (x - y, x / y, x**y, x**2, 2**x):
        edges = edge_attributes(draw(node).source)
        op = f"{draw_module.node_ids(node)[node]}_op"
        assert [edges[f"{op}_in{i}"].get("headlabel") for i in range(2)] == ["1", "2"]
    for node in (x + y, x * y):
        edges = edge_attributes(draw(node).source)
        assert not any("headlabel" in e for e in edges.values())


def test_the_zero_that_sum_starts_from_is_not_drawn() -> None:
    a, b = Value(1.0, "a"), Value(2.0, "b")
    total = sum([a, b])  # 0 + a + b
    nodes, edges = parse_dot(draw(total).source)
    assert not [v for v in nodes.values() if v.get("label") == "0"]
    assert len([e for e in edges if e[2].endswith(("_in0", "_in1"))]) == 3  # 0 + a drops the 0


def test_options_direction_precision_grads_highlight() -> None:
    o, leaves = neuron()
    o.backward()
    nodes, _ = parse_dot(draw(o, rankdir="TB", precision=2, show_grad=False).source)
    assert "rankdir=TB" in draw(o, rankdir="TB").source
    labels = [v["label"] for v in nodes.values() if v.get("shape") == "record"]
    assert "o | data 0.71" in labels  # TB: no braces, so the fields still read across
    assert not any("grad" in label for label in labels)
    nodes, _ = parse_dot(draw(o, highlight=[leaves["w1"]]).source)
    highlighted = [v for v in nodes.values() if "highlight" in v.get("class", "")]
    assert len(highlighted) == 1 and highlighted[0]["label"].startswith("{ w1 |")
    assert highlighted[0]["fillcolor"] == draw_module.HIGHLIGHT_COLOR


@pytest.mark.parametrize(
    ("options", "terms"),
    [
        ({"rankdir": "sideways"}, ("rankdir", "LR, RL, TB, BT", "'sideways'")),
        ({"precision": -1}, ("precision", "significant digits", "1 to 17", "-1")),
        ({"depth": -2}, ("depth", "None", "int >= 0", "-2")),
        ({"max_nodes": 0}, ("max_nodes", "None", "positive", "0")),
    ],
)
def test_bad_options_say_what_is_allowed(options: dict, terms: tuple[str, ...]) -> None:
    with raises_naming(al.DrawError, "draw", *terms):
        draw(Value(1.0), **options)


def test_a_constant_of_any_real_type_is_drawn() -> None:
    y = Value(3.0, "x") * Fraction(1, 3)  # Fraction takes no "g" format before Python 3.12
    nodes, _ = parse_dot(draw(y).source)
    assert nodes["v1_op_c1"]["label"] == "0.3333"  # precision=4 digits, as the text


def test_drawing_something_other_than_a_value_is_an_argument_type_error() -> None:
    with raises_naming(al.ArgumentTypeError, "draw", "root", "Value", "float"):
        draw(1.0)
    with raises_naming(al.ArgumentTypeError, "draw", "root", "Value", "NoneType"):
        draw(None)


@pytest.mark.parametrize(
    ("options", "error", "terms"),
    [
        ({"labels": [1]}, al.ArgumentTypeError, ("labels", "Values to str", "list [1]")),
        ({"labels": {"x": "a"}}, al.ArgumentTypeError, ("labels", "key", "str 'x'", "Value")),
        ({"labels": "x"}, al.ArgumentTypeError, ("labels", "Values to str", "str 'x'")),
        ({"highlight": [1]}, al.ArgumentTypeError, ("highlight", "Values", "int 1")),
        ({"highlight": 3}, al.ArgumentTypeError, ("highlight", "iterable of Values", "int 3")),
        ({"show_grad": "no"}, al.ArgumentTypeError, ("show_grad", "True or False", "'no'")),
        ({"cluster": None}, al.ArgumentTypeError, ("cluster", "True or False", "None")),
        ({"fold": 1}, al.ArgumentTypeError, ("fold", "True or False", "1")),
        ({"rankdir": None}, al.DrawError, ("rankdir", "LR, RL, TB, BT", "None")),
    ],
)
def test_bad_arguments_raise_autograd_errors_naming_the_argument(options, error, terms) -> None:
    """Issue 10: draw(labels=[1]) raised AttributeError, draw(labels={x: 3}) TypeError."""
    with raises_naming(error, "draw", *terms):
        draw(Value(1.0, "x") * 2, **options)
    assert issubclass(error, al.AutogradError)


@pytest.mark.parametrize("path", [None, 3, b"g.svg"])
def test_save_to_something_that_is_not_a_path_names_the_argument(path, tmp_path) -> None:
    with raises_naming(al.ArgumentTypeError, "save", "path", "str"):
        al.save(Value(1.0, "x"), path)
    with raises_naming(al.ArgumentTypeError, "save", "path", "str"):
        al.step_through(Value(1.0, "x")).save(path)


def test_a_label_that_is_not_text_names_its_value() -> None:
    x = Value(1.0, "x")
    with raises_naming(al.ArgumentTypeError, "labels[Value 'x']", "str", "int 3"):
        draw(x * 2, labels={x: 3})


def placements(source: str) -> dict[str, tuple[str, ...]]:
    """Which cluster labels enclose each record, by the record's first field."""
    stack, placed = [], {}
    for line in source.splitlines():
        line = line.strip()
        if line.startswith("subgraph cluster_"):
            stack.append(None)
        elif line.startswith("graph [") and stack:
            stack[-1] = dict(ATTRIBUTE.findall(line))["label"].strip('"')
        elif line == "}" and stack:
            stack.pop()
        elif "shape=record" in line:
            label = dict(ATTRIBUTE.findall(line))["label"].strip('"')
            placed[record_fields(label)[0]] = tuple(stack)
    return placed


def test_clusters_group_each_neurons_parameters_inside_its_layer() -> None:
    model = nn.MLP(2, [2, 1], rng=0)
    out = model([Value(0.5, "x0"), Value(-1.0, "x1")])
    placed = placements(draw(out).source)
    assert placed["L1.N0.w1"] == ("L1", "L1.N0")
    assert placed["L2.N0.b"] == ("L2", "L2.N0")
    # Computed nodes stay outside the boxes: boxes around them stack into a staircase.
    assert placed["L1.N1.z"] == () and placed["x0"] == ()
    assert "cluster" not in draw(out, cluster=False).source


def mlp_on_two_samples() -> Value:
    model = nn.MLP(2, [4, 4, 1], rng=0)
    points = [[0.5, -1.0], [1.5, 0.25]]
    return nn.mean_squared_error([model(p) for p in points], [1.0, -1.0])


def svg_size(svg: str) -> tuple[float, float]:
    width, height = re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups()
    return float(width), float(height)


def test_an_mlp_on_two_samples_lays_out_compactly() -> None:
    """Issue 13: MLP(2, [4, 4, 1]) on 2 samples was a diagonal staircase of 2781 x 3314 pt."""
    width, height = svg_size(al.to_svg(mlp_on_two_samples()))
    assert width < 3000 and height < 2000, (width, height)


def test_folding_draws_each_neuron_as_one_record_in_a_smaller_layout() -> None:
    """Issue 16: folding a box only hid its nodes and left the box full size. draw(fold=True)
    lays out again with each neuron per sample one record: its name, z, a and grad."""
    loss = mlp_on_two_samples()
    loss.backward()
    unfolded, folded = (al.to_svg(loss, fold=fold) for fold in (False, True))
    (width, height), (folded_width, folded_height) = svg_size(unfolded), svg_size(folded)
    assert folded_width * folded_height < 0.5 * width * height, (width, height, folded)
    nodes, edges = parse_dot(draw(loss, fold=True).source)
    records = {
        record_fields(v["label"])[0]: k for k, v in nodes.items() if v.get("shape") == "record"
    }
    neurons = [f"s{s}:L{layer}.N{n}" for s in (0, 1) for layer in (1, 2) for n in range(4)]
    assert set(neurons) | {"s0:L3.N0", "s1:L3.N0"} <= set(records)
    assert not any(".w" in name or name.endswith((".b", ".z", ".a")) for name in records)
    a = nn.MLP(2, [4, 4, 1], rng=0).layers[0].neurons[0]([0.5, -1.0])
    _, z_field, a_field, grad_field = record_fields(nodes[records["s0:L1.N0"]]["label"])
    assert z_field.startswith("z ") and a_field.startswith("a ") and grad_field.startswith("grad")
    assert float(z_field[2:]) == pytest.approx(a.operands[0].data, rel=1e-3)
    assert float(a_field[2:]) == pytest.approx(a.data, rel=1e-3)
    # Layer 2's neurons read layer 1's folded neurons: edges run record -> dot -> record.
    readers = {tail for tail, head, _ in edges if head == f"{records['s0:L2.N0']}_op"}
    assert {records[f"s0:L1.N{n}"] for n in range(4)} <= readers, readers
    assert not any(tail not in nodes for tail, _, _ in edges)  # no parameter left implicit


def test_network_inputs_are_drawn_once_per_sample_as_labelled_nodes() -> None:
    nodes, edges = parse_dot(draw(mlp_on_two_samples()).source)
    inputs = {k: v["label"] for k, v in nodes.items() if "input" in v.get("class", "")}
    assert sorted(inputs.values()) == ["s0:x0 = 0.5", "s0:x1 = -1", "s1:x0 = 1.5", "s1:x1 = 0.25"]
    # Each feeds the 4 neurons of the first layer.
    for input_id in inputs:
        assert len([e for e in edges if e[0] == input_id]) == 4
    single = nn.Neuron(2, rng=0)([2.0, 3.0])
    nodes, _ = parse_dot(draw(single).source)
    labels = sorted(v["label"] for v in nodes.values() if "input" in v.get("class", ""))
    assert labels == ["x0 = 2", "x1 = 3"]


def test_per_sample_copies_are_drawn_with_their_sample() -> None:
    nodes, _ = parse_dot(draw(mlp_on_two_samples()).source)
    first_fields = [record_fields(v["label"])[0] for v in nodes.values() if "record" in str(v)]
    assert "s0:L1.N0.z" in first_fields and "s1:L3.N0.z" in first_fields
    assert "L1.N0.z" not in first_fields and "L1.N0.w0" in first_fields


def test_the_inputs_of_a_dot_are_drawn_in_operand_order() -> None:
    """Top to bottom as w0, w1, x0, x1, b (they were drawn b, w1, w0). With the parameters
    boxed (cluster=True) the renderer still places the box on its own."""
    neuron = nn.Neuron(2, rng=0, name="N")
    z = neuron([Value(2.0, "x0"), Value(3.0, "x1")])
    op = f"{draw_module.node_ids(z)[z.operands[0]]}_op"  # the dot under the tanh
    tree = ET.fromstring(al.to_svg(z, cluster=False))
    tails = {}
    for g in tree.iter(f"{SVG}g"):
        if (g.get("id") or "").startswith(f"{op}_in"):
            path = g.find(f"{SVG}path").get("d")
            tails[g.get("id")] = float(re.match(r"M[\d.-]+,([\d.-]+)", path).group(1))
    heights = [tails[f"{op}_in{k}"] for k in range(5)]
    assert heights == sorted(heights), tails


def test_depth_draws_the_last_operations_only() -> None:
    o, _ = neuron()
    nodes, edges = parse_dot(draw(o, depth=1).source)
    records = {
        record_fields(v["label"])[0]: v for v in nodes.values() if v.get("shape") == "record"
    }
    assert set(records) == {"o", "n"}
    assert "dashed" in records["n"]["style"]  # its operands are cut off
    assert len([e for e in edges if e[2].endswith("_in0")]) == 1


def test_large_graph_refuses_and_says_how_to_draw_part() -> None:
    x = Value(1.0, "x")
    total = x
    for _ in range(30):
        total = total * 1.01 + x
    with raises_naming(
        al.GraphTooLargeError, "61 Values", "max_nodes=20", "draw(node)", "depth=3"
    ) as error:
        draw(total, max_nodes=20)
    assert isinstance(error.value, ValueError)
    nodes, _ = parse_dot(draw(total, max_nodes=20, depth=3).source)
    assert len([v for v in nodes.values() if v.get("shape") == "record"]) == 5  # root, x, 3 more
    assert draw(total, max_nodes=None).source


@pytest.mark.parametrize("label", NASTY)
def test_user_text_is_escaped_in_dot(label: str) -> None:
    source = draw(Value(1.0, label) * 2).source
    nodes, _ = parse_dot(source)  # still one statement per line
    record = next(v for v in nodes.values() if v.get("shape") == "record" and "1.000" in v["label"])
    field = record_fields(record["label"])[0]
    unescaped = re.sub(r"\\(.)", r"\1", field).replace("&amp;", "&")
    assert unescaped == label.replace("\t", " ")
    assert not re.search(r"(?<!\\)[|{}<>]", field)  # no live record separators


def test_escape_functions() -> None:
    assert draw_module.escape_record_field('a|b{c}"d') == 'a\\|b\\{c\\}\\"d'
    assert draw_module.escape_record_field("<x>") == "\\<x\\>"
    assert draw_module.escape_label("a\\b\nc & d") == "a\\\\b c &amp; d"


def svg_texts(svg: str) -> list[str]:
    tree = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in tree.iter(f"{SVG}text")]


def svg_ids(svg: str, kind: str) -> set[str]:
    tree = ET.fromstring(svg)
    return {g.get("id") for g in tree.iter(f"{SVG}g") if kind in g.get("class", "").split()}


def check_svg(svg: str, root: Value) -> None:
    """The SVG has a group per DOT node and edge, with the same ids, and the labels as text."""
    nodes, edges = parse_dot(draw(root).source)
    assert svg_ids(svg, "node") == set(nodes)
    assert svg_ids(svg, "edge") == {e[2] for e in edges}
    texts = svg_texts(svg)
    assert "data 0.7071" in texts and "grad 1.000" in texts and "tanh" in texts


def path_with_only(tmp_path, program: str) -> str:
    """A PATH holding a link to `program` and nothing else."""
    found = shutil.which(program, path=draw_module.sysconfig.get_path("scripts"))
    assert found, f"{program} is not installed next to this Python"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / program).symlink_to(found)
    return str(bin_dir)


def test_svg_with_only_graphviz_pure(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", path_with_only(tmp_path, "graphviz-pure"))
    assert os.path.basename(draw_module.find_renderer()) == "graphviz-pure"
    o, _ = neuron()
    o.backward()
    check_svg(al.to_svg(o), o)


@pytest.mark.skipif(shutil.which("dot") is None, reason="no system Graphviz `dot` on PATH")
def test_svg_with_system_dot() -> None:
    assert draw_module.find_renderer() == shutil.which("dot")
    o, _ = neuron()
    o.backward()
    check_svg(al.to_svg(o), o)


@pytest.mark.parametrize("label", NASTY)
def test_user_text_is_literal_in_svg(label: str) -> None:
    svg = al.to_svg(Value(1.0, label).tanh())
    assert label.replace("\t", " ") in svg_texts(svg)
    tree = ET.fromstring(svg)
    assert not [e for e in tree.iter() if e.tag.endswith("script")]


def test_no_renderer_says_what_to_install(monkeypatch) -> None:
    monkeypatch.setattr(draw_module.shutil, "which", lambda *args, **kwargs: None)
    graph = draw(Value(1.0, "x") + 1)
    assert "->" in graph.source  # DOT needs no renderer
    with raises_naming(al.RendererNotFoundError, "pip install graphviz-pure", "draw(...).source"):
        graph.to_svg()


def test_save_by_suffix(tmp_path) -> None:
    o, _ = neuron()
    assert al.save(o, tmp_path / "g.dot").read_text() == draw(o).source
    assert al.save(o, tmp_path / "g.svg").read_text().lstrip().startswith("<?xml")
    assert al.save(o, tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with raises_naming(al.DrawError, "save", "'g.jpg'", ".svg", ".png", ".dot"):
        al.save(o, tmp_path / "g.jpg")


def test_save_into_a_missing_folder_says_which(tmp_path) -> None:
    o, _ = neuron()
    missing = tmp_path / "no such folder"
    with raises_naming(al.DrawError, "save", "'g.svg'", f"'{missing}'", "does not exist"):
        al.save(o, missing / "g.svg")
    with raises_naming(al.DrawError, "save", "'s.html'", f"'{missing}'", "does not exist"):
        al.step_through(o).save(missing / "s.html")
    assert not missing.exists()


def test_jupyter_displays_svg_and_an_image_that_survives_an_untrusted_notebook() -> None:
    """An untrusted notebook drops image/svg+xml; the sanitised HTML keeps an <img> whose
    source is the same SVG as a data URI."""
    o, _ = neuron()
    bundle = draw(o)._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/html"}
    assert "<svg" in bundle["image/svg+xml"] and "data 0.7071" in bundle["image/svg+xml"]
    page = bundle["text/html"]
    assert page.count("<img") == 1 and 'alt="the graph of o"' in page
    encoded = re.search(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page).group(1)
    assert base64.b64decode(encoded).decode() == bundle["image/svg+xml"]
    assert set(draw(o)._repr_mimebundle_(include=["image/svg+xml"])) == {"image/svg+xml"}


def test_an_mlp_graph_renders() -> None:
    model = nn.MLP(2, [16, 16, 1], rng=0)
    out = model([0.5, -1.0])
    out.backward()
    svg = al.to_svg(out)
    assert len(svg_ids(svg, "value")) == len(al.topological_order(out)) == 402


def drawing_calls() -> list[tuple[str, object, dict[str, object]]]:
    """(name, function, good keyword arguments) for drawing and stepping through."""
    x = Value(0.5, "x")
    y = al.tanh(x * 2.0)
    options = {"rankdir": "LR", "precision": 4, "show_grad": True, "highlight": [x]}
    options |= {"cluster": True, "depth": 2, "max_nodes": 100, "labels": {x: "a"}}
    return [
        ("draw", draw, {"root": y, **options}),
        ("to_svg", al.to_svg, {"root": y}),
        ("save", al.save, {"root": y, "path": "g.svg"}),
        ("step_through", al.step_through, {"root": y, "precision": 4}),
    ]


DOCUMENTED_NONE = {("depth", "None"), ("max_nodes", "None"), ("labels", "None")}


@pytest.mark.parametrize(
    ("name", "function", "good", "argument"),
    [
        pytest.param(name, function, good, argument, id=f"{name}-{argument}")
        for name, function, good in drawing_calls()
        for argument in good
    ],
)
def test_a_bad_argument_to_draw_or_step_through_is_an_autograd_error_naming_it(
    name, function, good, argument, tmp_path, monkeypatch
) -> None:
    """Issue 10: draw(labels=[1]) gave AttributeError, draw(labels={x: 3}) TypeError. Every
    bad value in turn (one test per argument); a failure lists each value that failed."""
    monkeypatch.chdir(tmp_path)
    failed = {}
    for bad, value in BAD.items():
        if (argument, bad) in DOCUMENTED_NONE | {("highlight", "an empty list")} or (
            type(value) is type(good[argument]) and not isinstance(value, list)
        ):
            continue
        call = functools.partial(function, **{**good, argument: value})
        failure = argument_refusal_failure(call, argument)
        if failure:
            failed[bad] = failure
    assert not failed, f"{name}({argument}=...): {failed}"


def test_a_grad_set_to_none_is_named_when_drawing():
    """Issue 19 item 9: `x.grad = None` then to_svg(y) raised TypeError from a format string
    (backward already says it clearly)."""
    x = Value(0.5, label="x")
    y = (x * 2.0).tanh()
    x.grad = None
    with raises_naming(al.ArgumentTypeError, "grad", "Value 'x'", "zero_grad()", "None"):
        al.to_svg(y)


def test_a_label_of_a_thousand_dotted_parts_draws() -> None:
    """Issue 19 item 15: a leaf label with about 1,000 dotted parts made draw, to_svg and the
    viewer hit RecursionError (one nested box per prefix, made recursively). Boxes nest at
    most MAX_BOX_DEPTH deep now."""
    label = ".".join(f"p{i}" for i in range(1000))
    a = Value(2.0, label)
    y = a * a
    source = draw(y).source
    assert source.count("subgraph cluster_") == draw_module.MAX_BOX_DEPTH
    assert "p0.p1.p2.p3" in source and "p0.p1.p2.p3.p4" not in source.replace(label, "")
    assert "<svg" in al.to_svg(y)
    assert "al-steps" in al.step_through(y).html()


def test_a_notebook_shows_a_drawing_at_its_own_size_scrolling_and_themed() -> None:
    """Issue 16: draw() output in a notebook was scaled to the cell width (node text 5.35 px
    for MLP(2,[4,4,1]), 0.44 px for a 30-step chain), could not be zoomed and stayed white in
    JupyterLab Dark. It shows at its own size (12 pt text) in a box that scrolls, inverted
    when JupyterLab's theme is dark."""
    model = nn.MLP(2, [4, 4, 1], rng=0)
    page = draw(model([0.5, -1.0]))._repr_mimebundle_()["text/html"]
    svg_width = float(
        re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', draw(model([0.5, -1.0])).to_svg()).group(1)
    )
    assert f'width="{round(svg_width * 4 / 3)}"' in page  # pt to px: the SVG's own size
    assert 'style="max-width: none"' in page and "max-width: none !important" in page
    assert "overflow: auto" in page
    assert 'body[data-jp-theme-light="false"] .al-drawing img' in page


def test_an_unlabelled_node_is_drawn_with_the_name_the_steps_give_it() -> None:
    """Issue 16: unlabelled nodes were unnamed in draw() but called v5, v6 in the steps."""
    a, b = Value(2.0, "a"), Value(3.0, "b")
    y = (a * b) + a
    y.label = "y"
    nodes, _ = parse_dot(draw(y).source)
    product = al.step_through(y).forward_steps[0]
    assert product.node == product.node_id
    assert nodes[product.node_id]["label"].split("|")[0].strip("{ ") == product.node


def test_a_chain_with_a_constant_at_every_step_lies_straight() -> None:
    """Issue 16: a 30-step chain laid out as a staircase 30,088 x 2,336 px, one row per
    constant. Edges between Values and operations pull harder than a constant's, so the chain
    is one row (here 100 pt high, not 1,752 pt)."""
    y = Value(0.5, "x")
    for _ in range(30):
        y = (y * 0.9 + 0.1).tanh()
    try:
        svg = al.to_svg(y)
    except al.RendererNotFoundError:
        pytest.skip("no Graphviz renderer")
    height = float(re.search(r'<svg[^>]*\sheight="([\d.]+)pt"', svg).group(1))
    assert height < 200


def parameter_order(svg: str, along: int) -> dict[str, list[str]]:
    """Each neuron's parameters (labels L1.N0.w0 ... L1.N0.b) as the picture reads them:
    sorted by their records' top edge (`along` 1) or left edge (`along` 0)."""
    corners = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if "leaf" in (group.get("class") or "").split():
            points = group.find(f"{SVG}polygon").get("points").split()
            xy = [tuple(float(c) for c in point.split(",")) for point in points]
            name = next(group.iter(f"{SVG}text")).text
            corners[name] = (min(p[0] for p in xy), min(p[1] for p in xy))
    neurons: dict[str, list[str]] = {}
    for name in sorted(corners, key=lambda name: corners[name][along]):
        neurons.setdefault(name.rpartition(".")[0], []).append(name.rpartition(".")[2])
    return neurons


@pytest.mark.parametrize("rankdir", ["LR", "RL", "TB", "BT"])
def test_a_neurons_parameters_are_drawn_in_order(rankdir) -> None:
    """Issue 16: the parameters in a neuron's box were drawn in scrambled order (b, w3, w0,
    w2, w1 from the top). They read w0..wn, b: top to bottom when ranks go across, left to
    right when they go down."""
    neurons = parameter_order(
        al.to_svg(mlp_on_two_samples(), rankdir=rankdir), 1 if rankdir in ("LR", "RL") else 0
    )
    assert len(neurons) == 9
    for name, parameters in neurons.items():
        n = 2 if name.startswith("L1.") else 4
        assert parameters == [f"w{k}" for k in range(n)] + ["b"], name


def test_the_parameters_of_a_wide_network_are_drawn_in_order() -> None:
    """The same for nn.MLP(2, [16, 16, 1]): 33 boxes, up to 17 parameters each."""
    model = nn.MLP(2, [16, 16, 1], rng=0)
    neurons = parameter_order(al.to_svg(model([0.5, -1.5])), 1)
    assert len(neurons) == 33
    for name, parameters in neurons.items():
        n = 2 if name.startswith("L1.") else 16
        assert parameters == [f"w{k}" for k in range(n)] + ["b"], name

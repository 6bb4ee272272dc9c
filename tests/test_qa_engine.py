"""Defects found by a hostile QA pass over the engine, codegen and nn, each with its test."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import autograd_lite as al
from autograd_lite import Value, compile_graph, nn, to_code


def _chain(n: int) -> Value:
    z = Value(0.5, label="x")
    for _ in range(n):
        z = z * 1.0001
    return z


def test_pickling_a_node_beside_its_own_user_leaves_nothing_behind():
    # pickle/deepcopy memoize z's graph, so the user's list of earlier nodes is not pickled
    # again; those nodes must not stay marked as being saved (a leak, then a RecursionError).
    z = _chain(3000)
    y = z + 1.0
    pickle.dumps([z, y])
    copy.deepcopy([z, y])
    copied = copy.deepcopy(z)
    loaded = pickle.loads(pickle.dumps(z))
    for node in (copied, loaded):
        node.backward()
        assert al.topological_order(node)[0].grad == pytest.approx(1.0001**3000, rel=1e-12)


def test_a_label_float_does_not_shadow_the_float_generated_code_calls():
    x = Value(1.0, label="float")
    y = x * 1e-10 / 1e-310  # d y/d(x * 1e-10) = 1/1e-310 is inf: written float("inf")
    source = to_code(y)
    assert "def forward_backward(float_)" in source
    with pytest.raises(al.NonFiniteError) as caught:
        compile_graph(y, [x])([1.0])
    assert "not callable" not in str(caught.value)


def test_function_name_float_is_refused():
    with pytest.raises(al.GraphArgumentError, match="function the code calls"):
        to_code(Value(1.0) * 2.0, function_name="float")


@pytest.mark.parametrize("loss", [nn.softmax, lambda s: nn.cross_entropy(s, 0)])
@pytest.mark.parametrize("bad", [None, "a", [1.0]])
def test_softmax_and_cross_entropy_name_a_bad_score(loss, bad):
    with pytest.raises(al.ArgumentTypeError, match=r"logits\[1\]"):
        loss([Value(1.0), bad])


@pytest.mark.parametrize("loss", [nn.softmax, lambda s: nn.cross_entropy(s, 0)])
def test_softmax_and_cross_entropy_say_inf_for_an_infinite_score(loss):
    with pytest.raises(al.NonFiniteError, match=r"logits\[0\] must be a finite number, got inf"):
        loss([float("inf"), Value(1.0)])


def test_cross_entropy_takes_a_numpy_integer_class_index():
    scores = [Value(1.0), Value(2.0), Value(0.5)]
    loss = nn.cross_entropy(scores, np.int64(1))
    assert loss.data == nn.cross_entropy(scores, 1).data


def test_from_weights_and_set_weights_take_numpy_matrices():
    weights = [np.array([[0.1, -0.2], [0.3, 0.4]]), np.array([[0.5, -0.6]])]
    biases = [np.array([0.01, 0.02]), np.array([0.03])]
    mlp = nn.MLP.from_weights(weights, biases)
    lists = nn.MLP.from_weights([w.tolist() for w in weights], [b.tolist() for b in biases])
    assert mlp([1.0, 2.0]).data == lists([1.0, 2.0]).data
    mlp.set_weights(weights, biases)
    assert mlp([1.0, 2.0]).data == lists([1.0, 2.0]).data


@pytest.mark.parametrize("weights", [3, None, 2.5])
def test_set_weights_with_a_number_instead_of_a_list_names_the_argument(weights):
    with pytest.raises(al.ArgumentTypeError, match="weights"):
        nn.Neuron(2, rng=0).set_weights(weights)
    with pytest.raises(al.ArgumentTypeError, match="weights"):
        nn.Layer(2, 2, rng=0).set_weights(weights)
    with pytest.raises(al.ArgumentTypeError, match="weights"):
        nn.MLP(2, [2, 1], rng=0).set_weights(weights)


@pytest.mark.parametrize(
    "call",
    [
        lambda bad: nn.softmax(bad),
        lambda bad: nn.cross_entropy(bad, 0),
        lambda bad: nn.squared_error(bad, [1.0]),
        lambda bad: nn.hinge_loss([Value(1.0)], bad),
    ],
)
@pytest.mark.parametrize("bad", [None, "ab", object()])
def test_a_loss_given_no_list_of_numbers_says_so(call, bad):
    with pytest.raises(al.ArgumentTypeError, match="must be a Value, a number or a list of them"):
        call(bad)


def test_make_spirals_with_a_huge_noise_raises_dataset_error_not_math_domain_error():
    with pytest.raises(al.DatasetError, match="not finite"):
        al.make_spirals(30, 3, noise=1e308)


def test_from_weights_given_one_matrix_instead_of_a_list_of_them_names_the_row():
    with pytest.raises(
        al.ArgumentTypeError, match=r"from_weights: weights\[0\]\[0\] must be a list"
    ):
        nn.MLP.from_weights([[1.0, 2.0], [3.0, 4.0]])


def test_compare_modes_with_an_interior_input_says_so_in_its_own_terms():
    x = Value(2.0, label="x")
    hidden = x * 2.0
    with pytest.raises(al.GraphArgumentError, match=r"compare_modes: inputs\[0\] is") as caught:
        al.compare_modes(hidden * 3.0, [hidden])
    assert "direction" not in str(caught.value)


def test_a_grad_set_to_none_gets_a_clear_error_from_backward_and_sgd():
    # PyTorch's habit: p.grad = None instead of zero_grad()
    w = Value(1.0, label="w")
    x = Value(2.0, label="x")
    y = w * x
    x.grad = 0.5
    w.grad = None
    with pytest.raises(al.ArgumentTypeError, match="the grad of Value 'w' is NoneType None"):
        y.backward()
    assert (w.grad, x.grad) == (None, 0.5)  # nothing changed
    with pytest.raises(al.ArgumentTypeError, match="SGD step: the grad of Value 'w' is"):
        nn.SGD([x, w], 0.1).step()
    assert (w.data, x.data) == (1.0, 2.0)
    w.grad = 0.0
    y.backward()
    assert (w.grad, x.grad) == (2.0, 1.5)


def test_a_compiled_graph_pickles_and_copies():
    w, x = Value(0.3, label="w"), Value(2.0, label="x")
    compiled = compile_graph((w * x).tanh() * w, [w], data=[x])
    expected = compiled([0.7], [-1.5])
    for twin in (pickle.loads(pickle.dumps(compiled)), copy.deepcopy(compiled)):
        assert twin([0.7], [-1.5]) == expected
        assert twin.source == compiled.source
        assert [v.label for v in (*twin.inputs, *twin.data)] == ["w", "x"]


def test_a_finite_difference_leaves_graphs_built_before_it_usable():
    from autograd_lite import derivations

    network = derivations.network_a()
    cost = network.engine_cost()
    p = network.parameters()[0]
    difference = network.finite_difference(p)
    cost.backward()  # raised StaleGraphError: p.data was moved and put back
    assert difference == pytest.approx(p.grad, rel=1e-6)
    assert derivations.nudge(cost, p).rows[-1].actual == pytest.approx(1e-3 * p.grad, rel=1e-2)


@pytest.mark.parametrize(
    "build",
    [
        lambda x, w: x + w,
        lambda x, w: x * 3 - w,
        lambda x, w: -x * w.max(1.0),
        lambda x, w: x * 3e15 * 3e15 * 7e15 + w,  # ints would multiply exactly: 6.3e46
    ],
)
def test_compiled_gradients_are_the_engines_floats_even_when_only_constants_make_them(build):
    x, w = Value(1.0, label="x"), Value(2.0, label="w")
    y = build(x, w)
    y.backward()
    _, gradients = compile_graph(y, [x, w])([1.0, 2.0])
    assert [type(g) for g in gradients] == [float, float]
    assert list(gradients) == [x.grad, w.grad]

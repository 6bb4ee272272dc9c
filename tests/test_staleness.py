"""Stale graphs: changing a leaf's data makes every graph built from its old number stale, and
walking one (backward, grad, jvp, compile_graph, step_through) raises StaleGraphError instead
of mixing the old outputs with the new number (as PyTorch's version counter detects)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from messages import raises_naming
from random_graphs import build, leaf_values, recipes

import autograd_lite as al
from autograd_lite import Value, compile_graph, grad, jvp, nn, step_through


def test_backward_after_changing_a_leaf_raises_instead_of_mixing_two_points():
    """Changing a leaf's data after building a graph made backward mix the old outputs with the
    new number, silently; every mode now raises StaleGraphError naming the leaf."""
    w, x = Value(0.5, label="w"), Value(2.0, label="x")
    y = (w * x).tanh()
    w.data = 1.5
    with raises_naming(
        al.StaleGraphError, "Value 'w'", "changed", "made by mul", "compute the graph again"
    ) as error:
        y.backward()
    assert isinstance(error.value, RuntimeError)
    for mode in (
        lambda: grad(y, [x]),
        lambda: jvp(y, {x: 1.0}),
        lambda: compile_graph(y, [x]),
        lambda: step_through(y),
    ):
        with pytest.raises(al.StaleGraphError):
            mode()
    fresh = (w * x).tanh()  # built again: the new point
    fresh.backward()
    assert x.grad == pytest.approx(1.5 * (1 - math.tanh(3.0) ** 2))


def test_setting_the_same_data_again_keeps_the_graph_usable():
    w = Value(0.5, label="w")
    y = w * 3
    w.data = 0.5
    y.backward()
    assert w.grad == 3.0


def test_an_interior_node_data_cannot_be_set():
    w = Value(0.5, label="w")
    y = w * 3
    with raises_naming(al.StaleGraphError, "made by mul", "computed by *", "leaf's data"):
        y.data = 2.0


def test_training_with_sgd_rebuilds_the_graph_each_step_as_before():
    model = nn.MLP(2, [3, 1], rng=0)
    opt = nn.SGD(model.parameters(), 0.1)
    for _ in range(3):
        opt.zero_grad()
        loss = nn.mean_squared_error([model([1.0, -1.0])], [0.5])
        loss.backward()
        opt.step()
    with pytest.raises(al.StaleGraphError):
        loss.backward()  # the last loss was built before the last step


@given(recipe=recipes(), data=st.data())
def test_a_mutated_leaf_makes_the_graph_stale_unless_it_is_not_used(recipe, data):
    leaves, output = build(recipe, data.draw(leaf_values(recipe[0])))
    used = set(al.topological_order(output))
    leaf = data.draw(st.sampled_from(leaves))
    leaf.data = leaf.data + 0.25
    if leaf in used and leaf is not output:
        with pytest.raises(al.StaleGraphError):
            output.backward()
    else:
        output.backward()


def test_a_finite_difference_leaves_graphs_built_before_it_usable():
    from autograd_lite import derivations

    network = derivations.network_a()
    cost = network.engine_cost()
    p = network.parameters()[0]
    difference = network.finite_difference(p)
    cost.backward()  # raised StaleGraphError: p.data was moved and put back
    assert difference == pytest.approx(p.grad, rel=1e-6)
    assert derivations.nudge(cost, p).rows[-1].actual == pytest.approx(1e-3 * p.grad, rel=1e-2)

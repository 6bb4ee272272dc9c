"""Pickling and copying: Values, graphs, models and compiled graphs pickle and `copy.deepcopy`
at any depth, keep shared nodes shared, leave nothing marked behind, and work in the process
that loads them."""

from __future__ import annotations

import copy
import inspect
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from random_graphs import build, leaf_values, recipes

import autograd_lite as al
from autograd_lite import Value, compile_graph, nn, topological_order

ROOT = Path(__file__).resolve().parent.parent


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


def test_a_compiled_graph_pickles_and_copies():
    w, x = Value(0.3, label="w"), Value(2.0, label="x")
    compiled = compile_graph((w * x).tanh() * w, [w], data=[x])
    expected = compiled([0.7], [-1.5])
    for twin in (pickle.loads(pickle.dumps(compiled)), copy.deepcopy(compiled)):
        assert twin([0.7], [-1.5]) == expected
        assert twin.source == compiled.source
        assert [v.label for v in (*twin.inputs, *twin.data)] == ["w", "x"]


def test_a_deep_chain_pickles_and_copies_and_still_differentiates():
    """Pickling or copying a deep graph must not recurse once per node: a chain 3,000 nodes
    deep (three times Python's recursion limit) works."""
    x = Value(0.5, label="x")
    y = x
    for _ in range(1500):
        y = y * 1.0001 + 0.0001
    for loaded in (pickle.loads(pickle.dumps(y)), copy.deepcopy(y)):
        loaded.backward()
        (leaf,) = [n for n in al.topological_order(loaded) if n.is_leaf]
        assert loaded.data == y.data and leaf.label == "x"
        assert leaf.grad == pytest.approx(1.0001**1500, rel=1e-12)


def test_shared_nodes_stay_shared_after_pickling():
    a = Value(2.0, label="a")
    b = a * a
    c = b + a
    a2, b2, c2 = pickle.loads(pickle.dumps((a, b, c)))
    assert b2.operands == (a2, a2) and c2.operands == (b2, a2)
    c2.backward()
    assert a2.grad == 5.0


def test_a_model_pickled_in_one_process_trains_and_compiles_in_a_fresh_one(tmp_path):
    """A model loaded in a fresh process trains, compiles and raises the engine's errors there."""
    model = nn.MLP(2, [3, 1], rng=1)
    path = tmp_path / "model.pickle"
    path.write_bytes(pickle.dumps(model))
    script = textwrap.dedent(
        f"""
        import pickle
        import autograd_lite as al
        from autograd_lite import nn
        model = pickle.loads(open({str(path)!r}, "rb").read())
        params = model.parameters()
        loss = nn.mean_squared_error([model([0.5, -1.0])], [1.0])
        compiled = al.compile_graph(loss, params)
        value, grads = compiled([p.data for p in params])
        loss.backward()
        assert value == loss.data and list(grads) == [p.grad for p in params]
        tiny = (params[0] * 0.0 + 1e-310).log()  # its gradient is inf
        try:
            tiny.backward()
        except al.NonFiniteError:
            print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT
    )
    assert result.stdout.strip() == "ok", result.stderr


@given(recipe=recipes(), data=st.data())
def test_a_pickled_graph_gives_the_same_gradients(recipe, data):
    leaves, output = build(recipe, data.draw(leaf_values(recipe[0])))
    loaded_leaves, loaded = pickle.loads(pickle.dumps((leaves, output)))
    output.backward()
    loaded.backward()
    assert loaded.data == output.data
    assert [x.grad for x in loaded_leaves] == [x.grad for x in leaves]
    assert [x.label for x in loaded_leaves] == [x.label for x in leaves]


def test_pickling_graphs_that_share_nodes_leaves_no_node_marked():
    a = Value(2.0, label="a")
    b = a * a
    c = b + a  # its list of nodes holds b and a, which the pickle already has
    references = sys.getrefcount(a)
    for copied in (pickle.loads(pickle.dumps((b, c))), copy.deepcopy((b, c))):
        assert copied[1].operands[0] is copied[0]
    shallow = copy.copy(c)
    assert shallow is not c and shallow.operands == c.operands and shallow.data == c.data
    del copied, shallow
    assert sys.getrefcount(a) == references  # a mark left behind would keep a alive


# Issue 19 item 7: the saving state belongs to one pickle, in one thread.


def _deep_chain(n: int) -> Value:
    z = Value(0.5, label="x")
    for _ in range(n):
        z = z * 1.0001
    return z


class _Unpicklable:
    def __reduce__(self):
        raise TypeError("not picklable")


def test_a_failed_pickle_leaves_no_state_behind():
    """Issue 19 item 7: pickling marked nodes in a module-level set; an unpicklable grad in a
    5,000-op chain left 2,498 nodes marked and alive, and pickling a node of that graph
    afterwards raised RecursionError."""
    import gc

    z = _deep_chain(2500)  # as deep as it needs to be: 2.5 times Python's recursion limit
    middle = topological_order(z)[1250]
    probe = topological_order(z)[10]
    references = sys.getrefcount(probe)
    middle.grad = _Unpicklable()
    for save in (pickle.dumps, copy.deepcopy):
        with pytest.raises(TypeError, match="not picklable"):
            save(z)
    gc.collect()
    assert sys.getrefcount(probe) == references  # no mark keeps the graph alive
    middle.grad = 0.0
    for node in (z, middle):
        assert pickle.loads(pickle.dumps(node)).data == node.data
        assert copy.deepcopy(node).data == node.data


@pytest.mark.slow
def test_threads_pickling_and_copying_overlapping_deep_graphs_never_fail():
    """Issue 19 item 7: three threads pickling or deep-copying overlapping 6,000-deep graphs
    got 2-4 RecursionErrors per 20 s (one module-level set of marks for every thread)."""
    import threading
    import time

    trunk = _deep_chain(6000)
    tips = [trunk * float(k) for k in range(1, 5)]
    expected = [tip.data for tip in tips]
    errors: list[BaseException] = []
    stop = time.monotonic() + 3.0

    def work(k: int) -> None:
        rounds = 0
        while time.monotonic() < stop or rounds < 2:
            rounds += 1
            for i, tip in enumerate((tips[k], tips[(k + 1) % 4], trunk)):
                try:
                    twins = (pickle.loads(pickle.dumps(tip)), copy.deepcopy(tip))
                except BaseException as error:
                    errors.append(error)
                    return
                want = trunk.data if i == 2 else expected[(k + i) % 4]
                if any(twin.data != want for twin in twins):
                    errors.append(AssertionError(f"thread {k}: a copy holds another number"))
                    return

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.parametrize("name", ["Module", "Neuron", "Layer", "MLP", "SGD"])
def test_models_pickled_before_nn_became_a_package_still_load(name):
    """nn.py became the package autograd_lite/nn/ (the classes now live in nn/modules.py and
    nn/optim.py). A pickle names each object's class by module path, so a model pickled before
    the split asks for `autograd_lite.nn.MLP`: that path must still give the class. New pickles
    name the defining module (`autograd_lite.nn.modules`): rewriting `__module__` to the old
    path would break `inspect.getsource` (Jupyter's `nn.MLP??`)."""
    cls = getattr(nn, name)
    assert pickle.loads(f"cautograd_lite.nn\n{name}\n.".encode()) is cls
    assert pickle.loads(pickle.dumps(cls)) is cls
    assert inspect.getsource(cls).startswith(f"class {name}")

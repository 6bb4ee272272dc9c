"""The engine: every operation's value and gradient, graph bookkeeping, and bad input.

Gradients are checked against central finite differences of the same function written with
`math`, with hypothesis drawing the inputs from each operation's valid domain (and away from
the kinks of relu and abs).
"""

import math
import operator
import pickle
import re
import sys

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from messages import raises_naming
from random_graphs import build, leaf_values, recipes

import autograd_lite as al
from autograd_lite import (
    AutogradError,
    DivisionByZeroError,
    DomainError,
    NonFiniteError,
    RegistrationError,
    Value,
    nn,
    topological_order,
)
from autograd_lite.engine import OPS, Op, register, reverse_sweep

# ---------------------------------------------------------------------------
# Finite differences


def central_difference(f, xs, i):
    """(f(x + h e_i) - f(x - h e_i)) / 2h, with a step relative to the size of x_i."""
    h = 1e-6 * max(1.0, abs(xs[i]))
    up, down = list(xs), list(xs)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (2 * h)


def check_against_math(build, reference, xs):
    """`build` on Value leaves gives `reference`'s value, and each leaf's grad matches the
    central difference of `reference`."""
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
    out = build(*leaves)
    assert type(out) is Value
    expected = reference(*xs)
    assert out.data == pytest.approx(expected, rel=1e-12, abs=1e-300)
    out.backward()
    for i, leaf in enumerate(leaves):
        numeric = central_difference(reference, xs, i)
        assert type(leaf.grad) is float
        assert leaf.grad == pytest.approx(numeric, rel=1e-5, abs=1e-7 * (1 + abs(expected))), (
            f"d/d{leaf.label} at {xs}"
        )


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


# Input domains: each operation's valid inputs, away from kinks and far from overflow.
anywhere = st.floats(-10, 10)
positive = st.floats(0.01, 100)
base = st.floats(0.1, 5)
exponent = st.floats(-3, 3)
away_from_zero = st.builds(operator.mul, st.floats(0.01, 10), st.sampled_from([-1.0, 1.0]))

# name, as a Value method/operator, as a module function, math reference, domain
UNARY = [
    ("exp", lambda v: v.exp(), al.exp, math.exp, st.floats(-20, 20)),
    ("log", lambda v: v.log(), al.log, math.log, positive),
    ("tanh", lambda v: v.tanh(), al.tanh, math.tanh, anywhere),
    ("sigmoid", lambda v: v.sigmoid(), al.sigmoid, sigmoid, st.floats(-30, 30)),
    ("relu", lambda v: v.relu(), al.relu, lambda x: max(x, 0.0), away_from_zero),
    ("sqrt", lambda v: v.sqrt(), al.sqrt, math.sqrt, positive),
    ("abs", abs, al.abs, math.fabs, away_from_zero),
]

# name, expression, math reference, domain
POWERS = [
    ("-x", operator.neg, operator.neg, anywhere),
    ("x ** 2", lambda x: x**2, lambda x: x * x, anywhere),
    ("x ** 3", lambda x: x**3, lambda x: x * x * x, anywhere),
    ("x ** 0", lambda x: x**0, lambda x: 1.0, away_from_zero),
    ("x ** -1", lambda x: x**-1, lambda x: 1 / x, away_from_zero),
    ("x ** -2", lambda x: x**-2, lambda x: 1 / (x * x), away_from_zero),
    ("x ** 0.5", lambda x: x**0.5, math.sqrt, positive),
    ("x ** -2.5", lambda x: x**-2.5, lambda x: math.pow(x, -2.5), base),
    ("2 ** x", lambda x: 2**x, lambda x: math.pow(2, x), anywhere),
    ("0.5 ** x", lambda x: 0.5**x, lambda x: math.pow(0.5, x), anywhere),
]

# name, operator, first operand's domain, second operand's domain
BINARY = [
    ("+", operator.add, anywhere, anywhere),
    ("-", operator.sub, anywhere, anywhere),
    ("*", operator.mul, anywhere, anywhere),
    ("/", operator.truediv, anywhere, away_from_zero),
    ("**", operator.pow, base, exponent),
]


def reference_of(op):
    return math.pow if op is operator.pow else op


@pytest.mark.parametrize(("name", "method", "function", "reference", "domain"), UNARY)
@given(data=st.data())
def test_unary_operation_value_and_gradient(data, name, method, function, reference, domain):
    x = data.draw(domain, label="x")
    check_against_math(method, reference, [x])
    check_against_math(function, reference, [x])


@pytest.mark.parametrize(("name", "expression", "reference", "domain"), POWERS)
@given(data=st.data())
def test_negation_and_powers_value_and_gradient(data, name, expression, reference, domain):
    check_against_math(expression, reference, [data.draw(domain, label="x")])


@given(a=base, n=exponent)
def test_power_with_any_number_exponent(a, n):
    check_against_math(lambda x: x**n, lambda x: math.pow(x, n), [a])


@given(a=away_from_zero, n=st.integers(-4, 4))
def test_negative_base_to_whole_number_power(a, n):
    check_against_math(lambda x: x**n, lambda x: float(x) ** n, [a])


@pytest.mark.parametrize(("name", "op", "first", "second"), BINARY)
@given(data=st.data())
def test_binary_operation_on_two_values(data, name, op, first, second):
    a, b = data.draw(first, label="a"), data.draw(second, label="b")
    check_against_math(op, reference_of(op), [a, b])


@pytest.mark.parametrize(("name", "op", "first", "second"), BINARY)
@given(data=st.data())
def test_binary_operation_with_a_number_on_the_right(data, name, op, first, second):
    a, b = data.draw(first, label="a"), data.draw(second, label="b")
    reference = reference_of(op)
    check_against_math(lambda x: op(x, b), lambda x: reference(x, b), [a])


@pytest.mark.parametrize(("name", "op", "first", "second"), BINARY)
@given(data=st.data())
def test_binary_operation_with_a_number_on_the_left(data, name, op, first, second):
    a, b = data.draw(first, label="a"), data.draw(second, label="b")
    reference = reference_of(op)
    check_against_math(lambda x: op(a, x), lambda x: reference(a, x), [b])


def test_reflected_forms_by_hand():
    x = Value(4.0, label="x")
    for expression, value, grad in [
        (lambda: 2 * x, 8.0, 2.0),
        (lambda: 2 + x, 6.0, 1.0),
        (lambda: 1 - x, -3.0, -1.0),
        (lambda: 1 / x, 0.25, -1 / 16),
        (lambda: 2**x, 16.0, 16 * math.log(2)),
        (lambda: 3 - -x, 7.0, 1.0),
    ]:
        x.grad = 0.0
        y = expression()
        y.backward()
        assert (y.data, x.grad) == pytest.approx((value, grad), rel=1e-15)


def test_integer_operands_work_like_floats():
    x = Value(3, label="x")
    assert type(x.data) is float
    y = 2 * x**2 + 1
    y.backward()
    assert (y.data, x.grad) == (19.0, 12.0)


def test_zero_to_the_power_zero_has_gradient_zero():
    x = Value(0.0, label="x")
    y = x**0  # the constant 1, so dy/dx = 0 (as in PyTorch), not 0 * 0^-1
    y.backward()
    assert (y.data, x.grad) == (1.0, 0.0)


@pytest.mark.parametrize("function", [al.relu, al.abs])
def test_kinks_take_gradient_zero_at_zero(function):
    x = Value(0.0, label="x")
    y = function(x)
    y.backward()
    assert (y.data, x.grad) == (0.0, 0.0)  # PyTorch's choice at the kink


def test_value_exponent_gradient_by_hand():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    c = a**b
    c.backward()
    assert c.data == 8.0
    assert a.grad == pytest.approx(3 * 2.0**2)  # b a^(b-1)
    assert b.grad == pytest.approx(8 * math.log(2))  # a^b ln a


# ---------------------------------------------------------------------------
# The module functions


@pytest.mark.parametrize(("name", "method", "function", "reference", "domain"), UNARY)
@given(data=st.data())
def test_module_function_on_a_plain_number_gives_a_plain_float(
    data, name, method, function, reference, domain
):
    x = data.draw(domain, label="x")
    result = function(x)
    assert type(result) is float
    assert result == pytest.approx(reference(x), rel=1e-12, abs=1e-300)


@pytest.mark.parametrize(
    ("function", "number", "expected"),
    [
        (al.exp, 0, 1.0),
        (al.log, 1, 0.0),
        (al.tanh, 0, 0.0),
        (al.sigmoid, 0, 0.5),
        (al.relu, -3, 0.0),
        (al.relu, 3, 3.0),
        (al.sqrt, 9, 3.0),
        (al.abs, -3, 3.0),
    ],
)
def test_module_function_on_an_int(function, number, expected):
    result = function(number)
    assert type(result) is float
    assert result == expected


@pytest.mark.parametrize(("name", "method", "function", "reference", "domain"), UNARY)
def test_module_function_on_a_value_builds_a_node(name, method, function, reference, domain):
    x = Value(0.7, label="x")
    y = function(x)
    assert type(y) is Value
    assert y.parents == (x,)
    assert not y.is_leaf
    assert y.op != ""
    assert y.data == pytest.approx(reference(0.7), rel=1e-12)


# ---------------------------------------------------------------------------
# Graph bookkeeping: reuse, repeated backward, zero_grad, topological order


def test_node_used_twice_gets_both_paths():
    x = Value(3.0, label="x")
    y = x * x
    assert y.parents == (x, x)
    y.backward()
    assert x.grad == 6.0
    z = Value(3.0, label="z")
    (z * z * z).backward()
    assert z.grad == 27.0


def test_diamond_graph_by_hand():
    x = Value(3.0, label="x")
    a = x + 1  # 4
    b = x * 2  # 6
    c = a * b  # 24
    c.backward()
    assert c.data == 24.0
    assert (a.grad, b.grad) == (6.0, 4.0)  # dc/da = b, dc/db = a
    assert x.grad == 14.0  # b * 1 + a * 2


def test_weight_feeding_two_neurons():
    w, u, v = Value(0.5, label="w"), Value(1.0, label="u"), Value(2.0, label="v")
    n1 = al.dot([w, u], [2.0, 3.0])  # 0.5*2 + 1*3 = 4
    n2 = al.dot([w, v], [-1.0, 4.0])  # 0.5*-1 + 2*4 = 7.5
    loss = n1 * n2
    loss.backward()
    assert loss.data == 30.0
    assert w.grad == 2.0 * 7.5 + (-1.0) * 4.0  # both paths: 11
    assert u.grad == 3.0 * 7.5
    assert v.grad == 4.0 * 4.0


def test_dot_matches_the_sum_it_stands_for():
    w = [Value(0.5, label="w0"), Value(-1.5, label="w1")]
    x = [Value(2.0, label="x0"), Value(0.25, label="x1")]
    b = Value(0.1, label="b")
    z = al.dot(w, x, b)
    assert z.operands == (*w, *x, b)
    z.backward()
    assert z.data == pytest.approx(0.5 * 2.0 - 1.5 * 0.25 + 0.1)
    assert [p.grad for p in (*w, *x, b)] == [2.0, 0.25, 0.5, -1.5, 1.0]


def test_second_backward_adds_the_same_gradient_to_leaves():
    x = Value(2.0, label="x")
    m = x * 3
    y = m * 4
    y.backward()
    assert x.grad == 12.0
    y.backward()
    assert x.grad == 24.0
    assert m.grad == 4.0  # interior grads are recomputed, not doubled
    assert y.grad == 1.0


def test_zero_grad_on_a_value_clears_its_whole_graph():
    x, w = Value(2.0, label="x"), Value(-1.0, label="w")
    unrelated = Value(5.0, label="unrelated")
    unrelated.grad = 7.0
    m = x * 3
    y = (m * w).tanh()
    y.backward()
    assert x.grad != 0.0 and w.grad != 0.0 and m.grad != 0.0
    y.zero_grad()
    assert [v.grad for v in (x, w, m, y)] == [0.0, 0.0, 0.0, 0.0]
    assert unrelated.grad == 7.0
    y.backward()
    assert x.grad == pytest.approx(3 * w.data * (1 - y.data**2))


def test_topological_order_places_each_node_once_after_its_operands():
    x, w = Value(1.0, label="x"), Value(2.0, label="w")
    a = x * w
    b = a + x
    c = a * b + w.exp()
    order = topological_order(c)
    assert order[-1] is c
    assert len(order) == len({id(v) for v in order})
    assert set(order) >= {x, w, a, b, c}
    position = {v: i for i, v in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[parent] < position[node]
    assert topological_order(c) == order  # repeatable


def test_parents_and_operands_keep_operand_order():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    for make in (operator.add, operator.sub, operator.mul, operator.truediv, operator.pow):
        assert make(a, b).parents == (a, b)
        assert make(b, a).parents == (b, a)
    y = 2 - a
    assert y.operands == (2, a)
    assert y.parents == (a,)
    z = a - 2
    assert z.operands == (a, 2)
    assert z.parents == (a,)


def test_leaf_and_node_properties():
    x = Value(1.5, label="x")
    assert x.is_leaf and x.op == "" and x.parents == () and x.operands == ()
    y = x + 1
    assert not y.is_leaf and y.op != "" and y.label == ""
    assert (x.grad, y.grad) == (0.0, 0.0)


# ---------------------------------------------------------------------------
# A million operations at the default recursion limit


@pytest.fixture
def default_recursion_limit():
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    yield
    sys.setrecursionlimit(previous)


@pytest.mark.slow
@pytest.mark.usefixtures("default_recursion_limit")
def test_chain_of_a_million_operations():
    n, factor = 1_000_000, 1.0000001
    x = Value(1.0, label="x")
    y = x
    for _ in range(n):
        y = y * factor
    y.backward()
    expected = math.pow(factor, n)  # y = x factor^n, dy/dx = factor^n (about e^0.1)
    assert y.data == pytest.approx(expected, rel=1e-9)
    assert x.grad == pytest.approx(expected, rel=1e-9)


# ---------------------------------------------------------------------------
# Python protocols


def test_repr():
    w1 = Value(0.5, label="w1")
    w1.backward()
    assert repr(w1) == "Value(data=0.5, grad=1.0, label='w1')"
    unnamed = repr(Value(2.0))
    assert unnamed.startswith("Value(data=2.0, grad=0.0")


def test_ordering_compares_data():
    a, b = Value(1.0), Value(2.0)
    same = Value(1.0)
    assert a < b and a <= b and b > a and b >= a
    assert not (b < a) and not (a > b)
    assert a <= same and a >= same and not (a < same)
    assert a < 1.5 and a <= 1 and a > 0 and a >= 1
    # a number on the left: Python turns 0.5 < a into a > 0.5
    assert operator.lt(0.5, a) and operator.gt(2, a) and operator.le(1, a) and operator.ge(1, a)
    assert not operator.lt(1, a) and not operator.gt(1, a)
    assert type(a < b) is bool
    assert sorted([b, a, Value(-3.0)])[0].data == -3.0
    assert max([a, b, same]) is b


def test_equality_and_hash_are_by_identity():
    a, b = Value(1.0), Value(1.0)
    assert a == a
    assert a != b
    assert a != 1.0
    assert len({a, b, a}) == 2
    table = {a: "a", b: "b"}
    assert table[a] == "a" and table[b] == "b"
    a.data = 5.0  # changing the data keeps the key
    assert table[a] == "a"


def test_float_of_a_value():
    assert float(Value(2.5)) == 2.5
    assert type(float(Value(3))) is float


def test_sum_of_values():
    xs = [Value(float(i), label=f"x{i}") for i in range(1, 5)]
    total = sum(xs)
    assert type(total) is Value
    assert total.data == 10.0
    total.backward()
    assert [x.grad for x in xs] == [1.0] * 4


# ---------------------------------------------------------------------------
# Bad input: the documented error type, naming the operation, the value and the label


def check_error(action, error_types, *mentions):
    with pytest.raises(error_types[0]) as caught:
        action()
    for error_type in error_types[1:]:
        assert isinstance(caught.value, error_type)
    message = str(caught.value)
    for mention in mentions:
        assert mention in message, f"{mention!r} missing from {message!r}"


def case(name, action, *mentions):
    return pytest.param(action, mentions, id=name)


@pytest.mark.parametrize(
    ("action", "mentions"),
    [
        case("log-zero", lambda: Value(0.0, label="w1").log(), "log", "0.0", "'w1'"),
        case("log-negative", lambda: al.log(Value(-2.0, label="w1")), "log", "-2.0", "'w1'"),
        case("log-negative-number", lambda: al.log(-2), "log", "-2"),
        case("sqrt-negative", lambda: Value(-4.0, label="s").sqrt(), "sqrt", "-4.0", "'s'"),
        case("sqrt-negative-number", lambda: al.sqrt(-4.0), "sqrt", "-4.0"),
        case(
            "negative-base-value-exponent",
            lambda: Value(-2.0, label="a") ** Value(0.5, label="b"),
            "**",
            "-2.0",
            "'a'",
        ),
        case(
            "negative-base-whole-value-exponent",
            lambda: Value(-2.0, label="a") ** Value(2.0, label="b"),
            "**",
            "-2.0",
            "'a'",
        ),
        case("negative-number-base", lambda: (-2) ** Value(0.5, label="b"), "**", "-2", "'b'"),
        case("negative-base-fraction", lambda: Value(-8.0, label="a") ** 0.5, "**", "-8.0", "'a'"),
    ],
)
def test_domain_errors(action, mentions):
    check_error(action, (DomainError, ValueError, AutogradError), *mentions)


@pytest.mark.parametrize(
    ("action", "mentions"),
    [
        case(
            "value-by-zero-value",
            lambda: Value(1.5, label="n") / Value(0.0, label="d"),
            "/",
            "0.0",
            "'d'",
        ),
        case("value-by-zero", lambda: Value(1.5, label="n") / 0, "/", "1.5", "'n'"),
        case("number-by-zero-value", lambda: 1 / Value(0.0, label="d"), "/", "0.0", "'d'"),
        case("zero-to-negative-power", lambda: Value(0.0, label="z") ** -1, "**", "0.0", "'z'"),
    ],
)
def test_division_by_zero(action, mentions):
    check_error(
        action, (DivisionByZeroError, ZeroDivisionError, DomainError, AutogradError), *mentions
    )


NON_FINITE = (NonFiniteError, OverflowError, AutogradError)


@pytest.mark.parametrize(
    ("action", "mentions"),
    [
        case("exp", lambda: al.exp(Value(1000.0, label="z")), "exp", "1000.0", "'z'"),
        case("exp-method", lambda: Value(710.0, label="z").exp(), "exp", "710.0", "'z'"),
        case("exp-number", lambda: al.exp(1000), "exp", "1000"),
        case("mul", lambda: Value(1e200, label="big") * Value(1e200), "*", "1e+200", "'big'"),
        case("add", lambda: Value(1e308, label="big") + 1e308, "+", "1e+308", "'big'"),
        case("sub", lambda: -1e308 - Value(1e308, label="big"), "-", "1e+308", "'big'"),
        case("div", lambda: Value(1e300, label="big") / 1e-300, "/", "1e+300", "'big'"),
        case("pow", lambda: Value(1e200, label="big") ** 2, "**", "1e+200", "'big'"),
        case("rpow", lambda: 2 ** Value(5000.0, label="e"), "**", "5000.0", "'e'"),
    ],
)
def test_overflow_from_finite_inputs(action, mentions):
    check_error(action, NON_FINITE, *mentions)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_value_of_nan_or_inf(bad):
    check_error(lambda: Value(bad), (NonFiniteError, ValueError, AutogradError), str(bad))


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_operand_of_nan_or_inf(bad):
    check_error(lambda: Value(1.0, label="x") + bad, (NonFiniteError, ValueError), "+", str(bad))
    check_error(lambda: al.tanh(bad), (NonFiniteError, ValueError), "tanh", str(bad))


@pytest.mark.parametrize(
    ("bad", "type_name"),
    [("abc", "str"), (None, "NoneType"), ([1.0], "list"), (1 + 2j, "complex")],
)
def test_non_numeric_data(bad, type_name):
    check_error(lambda: Value(bad), (TypeError,), type_name, repr(bad))


@pytest.mark.parametrize("bad", ["abc", float("nan")])
def test_bad_data_error_names_the_label(bad):
    with pytest.raises((TypeError, NonFiniteError)) as caught:
        Value(bad, label="x1")
    assert "'x1'" in str(caught.value)


def test_non_numeric_operands():
    x = Value(1.0, label="x")
    check_error(lambda: x + "a", (TypeError,), "+", "str")
    check_error(lambda: "a" - x, (TypeError,), "-", "str")
    check_error(lambda: x ** [2], (TypeError,), "**", "list")
    check_error(lambda: al.exp("a"), (TypeError,), "exp", "str")
    check_error(lambda: al.dot([x], ["a"]), (TypeError,), "dot", "str")
    check_error(lambda: x < "a", (TypeError,), "str")


def test_infinite_derivative_of_sqrt_at_zero():
    y = al.sqrt(Value(0.0, label="x"))
    assert y.data == 0.0
    check_error(y.backward, NON_FINITE, "sqrt", "0.0", "'x'")


def test_infinite_derivative_of_fractional_power_at_zero():
    y = Value(0.0, label="x") ** 0.5
    assert y.data == 0.0
    check_error(y.backward, NON_FINITE, "**", "0.0", "'x'")


def test_gradient_that_overflows_on_the_way_back():
    x = Value(1e-300, label="x")
    y = x.log() * 1e10  # finite, but dy/dx = 1e10 / 1e-300 is not
    check_error(y.backward, NON_FINITE, "'x'", "inf")


def test_sgd_step_that_blows_up():
    w = Value(1e308, label="w")
    w.grad = -1e308
    optimizer = al.nn.SGD([w], lr=10.0)
    check_error(optimizer.step, NON_FINITE, "SGD", "w", "inf")
    assert w.data == 1e308


# ---------------------------------------------------------------------------
# The fast path of backward() is the reverse sweep


def exact_sum(node, i, x, upstream, d, previous):
    """What backward() adds on a node's grad: its grad so far (0.0 at first) + upstream * d."""
    return (0.0 if previous is None else previous) + upstream * d


@settings(deadline=None)
@given(recipe=recipes(max_steps=14), data=st.data())
def test_backward_fast_path_equals_the_reverse_sweep_bit_for_bit(recipe, data):
    """`backward()` runs a fast path (gradients kept on the nodes, two-operand nodes
    unrolled, rules inlined) that must do exactly the arithmetic of `reverse_sweep`: every
    node's grad, leaves and interior, compared bit for bit on random graphs of every op."""
    _, out = build(recipe, data.draw(leaf_values(recipe[0])))
    order = topological_order(out)
    try:
        swept = reverse_sweep(out, exact_sum)
        out.backward()
    except NonFiniteError:
        assume(False)
    for node in order:
        assert node.grad.hex() == float(swept.get(node, 0.0)).hex(), node


# ---------------------------------------------------------------------------
# An operation defined outside the package, registered as a user would


@pytest.fixture
def atan():
    """atan, registered with the public `register`; taken out of the table afterwards."""
    op = Op(
        "atan",
        math.atan,
        lambda out, x: (1 / (1 + x * x),),
        doc="Arctangent.  d(atan x)/dx = 1 / (1 + x^2).",
    )
    function = register(op)
    yield function
    del OPS["atan"]
    delattr(Value, "atan")


def test_an_operation_registered_outside_the_package_works_like_a_built_in(atan, tmp_path):
    """An Op made outside engine.py could not be pickled (a raw KeyError) and to_code refused
    it: there was no public way to register an operation. Registered, it pickles, compiles,
    draws and steps like a built-in, with the gradient d(atan x)/dx = 1 / (1 + x^2)."""
    x, w = Value(0.5, label="x"), Value(-2.0, label="w")
    y = atan(w * x) * x.atan()  # the function and the method
    expected = math.atan(-1.0) * math.atan(0.5)
    assert y.data == expected and atan(1.0) == math.atan(1.0)
    y.backward()
    dx = -2.0 / 2.0 * math.atan(0.5) + math.atan(-1.0) / 1.25
    assert math.isclose(x.grad, dx, rel_tol=1e-15)
    assert math.isclose(w.grad, 0.5 / 2.0 * math.atan(0.5), rel_tol=1e-15)

    copy = pickle.loads(pickle.dumps(y))
    assert copy.data == y.data and copy.operands[1].operation is OPS["atan"]

    compiled = al.compile_graph(y, [x, w])
    assert compiled([0.5, -2.0]) == (y.data, (x.grad, w.grad))
    source = al.to_code(y, [x, w])
    assert "from autograd_lite.floatops import atan" in source and "1 / (1 + x * x)" in source

    svg = al.to_svg(y)
    assert svg.count(">atan<") == 2  # both atan nodes, by name

    steps = al.step_through(y)
    text = str(steps)
    assert "atan" in text and "1 / (1 + x * x)" in text
    rules = {(s.parent, s.rule, s.local) for s in steps.backward_steps}
    assert ("x", "1 / (1 + x * x)", 1 / 1.25) in rules
    assert steps.grads[x] == x.grad


def test_registering_refuses_a_taken_or_unusable_name(atan):
    """A second op under a taken name would make OPS ambiguous, a name that is no identifier
    cannot be a method or appear in generated code: both are refused, naming the name."""
    with raises_naming(RegistrationError, "register", "'atan'", "OPS", "another name"):
        register(Op("atan", math.atan, lambda out, x: (1.0,)))
    with raises_naming(RegistrationError, "register", "identifier", "'not-a-name'"):
        register(Op("not-a-name", math.atan, lambda out, x: (1.0,)))
    with raises_naming(RegistrationError, "register", "'backward'", "method=False"):
        register(Op("backward", math.atan, lambda out, x: (1.0,)))
    assert "backward" not in OPS and "not-a-name" not in OPS
    with raises_naming(TypeError, "register", "Op", "atan"):
        register(math.atan)
    assert register(OPS["atan"]) is not None  # registering the same op again is harmless


def test_pickling_needs_the_operation_registered(atan):
    """A graph pickles its operations by name: an unregistered op cannot be named, and a
    pickle whose op is not registered where it is loaded says which one to register."""
    unregistered = Op("atan2", math.atan, lambda out, x: (1 / (1 + x * x),))
    with raises_naming(RegistrationError, "Op('atan2')", "OPS", "register(op)"):
        pickle.dumps(al.apply(unregistered, Value(1.0)))
    saved = pickle.dumps(atan(Value(1.0)))
    del OPS["atan"]
    try:
        with raises_naming(RegistrationError, "'atan'", "not registered", "import"):
            pickle.loads(saved)
    finally:
        OPS["atan"] = atan_op = Op("atan", math.atan, lambda out, x: (1 / (1 + x * x),))
    assert pickle.loads(saved).operation is atan_op


@pytest.mark.parametrize(
    "name, rule",
    [
        ("qa_short_rule", lambda out, a, b: (b + 1,)),  # d/db forgotten
        ("qa_long_rule", lambda out, a, b: (b + 1, a, 5.0)),
        ("qa_bare_rule", lambda out, a, b: b + 1),  # a number, not a tuple
    ],
)
def test_a_rule_without_one_derivative_per_operand_is_refused_everywhere(name, rule):
    """QA: Op(f, lambda out, a, b: (b + 1,)) for f = a*b + a, registered, gave backward()
    x.grad = 4 and y.grad = 0 (zip dropped the missing d/db), and compile_graph/to_code the same
    silent 0; a rule returning a bare number raised a raw TypeError from backward(). Every
    feature now refuses the rule with a RegistrationError naming the op."""
    op = Op(name, lambda a, b: a * b + a, rule, ("a", "b"))
    function = register(op, method=False)
    try:
        x, y = Value(2.0, label="x"), Value(3.0, label="y")
        z = function(x, y)
        assert z.data == 8.0
        for use in (
            z.backward,
            lambda: al.grad(z, [x, y]),
            lambda: al.grad(z, [x, y], create_graph=True),
            lambda: al.compile_graph(z, [x, y]),
            lambda: al.to_code(z, [x, y]),
            lambda: al.step_through(z),
        ):
            with raises_naming(RegistrationError, name, "one derivative per operand"):
                use()
        assert x.grad == 0.0 and y.grad == 0.0
        three = function(x, y) + al.dot([x, y], [y, function(y, x)])  # also inside a graph
        with raises_naming(RegistrationError, name):
            three.backward()
    finally:
        del OPS[name]


def test_an_operation_called_with_the_wrong_number_of_operands_names_its_parameters(atan):
    """QA: atan(x, y) for a registered atan, al.exp(x, y) and x.max() raised math's or Python's
    raw TypeError ("math.atan() takes exactly one argument"); an ArgumentTypeError now names
    the operation and its parameters. dot, whose operand list is any length, is unaffected."""
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    for call in (lambda: atan(x, y), lambda: al.exp(x, y), lambda: x.max(), lambda: al.max(x)):
        with pytest.raises(al.ArgumentTypeError) as caught:
            call()
        assert re.search(r"(atan|exp|max) takes [12] operand", str(caught.value))
    assert al.dot([x, y], [y, x], 1.0).data == 5.0 and atan(x).data == math.atan(1.0)


def test_a_rule_that_raises_is_named_with_advice_wherever_it_runs():
    """QA: a rule raising RuntimeError reached grad() raw (and a rule written with math.cos,
    registered, gave to_code/compile_graph a raw "TypeError: must be real number, not Symbol";
    register now refuses that one, see below). Each use is a RegistrationError naming the op
    and the error, saying to write the rule with autograd_lite's functions, not math's."""

    def broken(out, x):
        raise RuntimeError("boom")

    function = register(Op("qa_broken", math.sin, broken), method=False)
    try:
        x = Value(1.0, label="x")
        y = function(x)
        for use in (
            lambda: al.grad(y, [x]),
            lambda: al.to_code(y),
            lambda: al.compile_graph(y, [x]),
            lambda: al.step_through(y),
        ):
            with raises_naming(RegistrationError, "qa_broken", "RuntimeError", "boom", "not math"):
                use()
    finally:
        del OPS["qa_broken"]


@pytest.mark.parametrize(
    "rule",
    [
        lambda out, x: (math.cos(x),),  # reads a Value's number through Value.__float__
        lambda out, x: (np.cos(float(x)),),
        lambda out, x: (1.0 - 2.0 * out * out if x > 0 else 0.0,),  # a comparison reads it too
        lambda out, x: (x.cos(),),  # a Value's method: right on Values, AttributeError on floats
    ],
    ids=["math.cos", "float", "comparison", "method"],
)
def test_a_rule_written_with_math_is_refused_by_register(rule):
    """QA (issue 19, left open): Op("qa_sin", math.sin, lambda out, x: (math.cos(x),)) gave
    the right backward(), but hessian(qa_sin, [1.0]) returned [[0.0]], not -sin(1) = -0.841:
    on Values math.cos(x) works through Value.__float__, so the derivative was a float cut off
    from the graph. register() runs the rule once on operands that are graph nodes holding no
    number and refuses one that reads their numbers, naming the op and saying to write cos(x);
    the name stays free, and float(Value) outside a rule still works."""
    with raises_naming(RegistrationError, "qa_sin", "graph node", "cos(x), not math.cos(x)"):
        register(Op("qa_sin", math.sin, rule))
    assert "qa_sin" not in OPS and not hasattr(Value, "qa_sin")
    x = Value(1.0, label="x")
    assert float(x) == 1.0 and math.cos(x) == math.cos(1.0)  # reading a number is fine outside


def test_a_rule_that_raises_in_backward_changes_no_grad():
    """QA: y = broken(x) + 3 * x with a rule raising RuntimeError: y.backward() raised the raw
    RuntimeError and left x.grad = 3.0 (the other path's share). It must raise a
    RegistrationError naming the op and leave every grad as it was."""

    def broken(out, x):
        raise RuntimeError("boom")

    function = register(Op("qa_broken_backward", math.sin, broken), method=False)
    try:
        x = Value(1.0, label="x")
        y = function(x) + x * 3
        with pytest.raises(RegistrationError):
            y.backward()
        assert x.grad == 0.0
    finally:
        del OPS["qa_broken_backward"]


def test_a_name_python_reads_as_another_is_refused():
    """QA: Op("\ufb01x", ...) (the ligature fi) passed as an identifier, but Python reads
    identifiers in NFKC form, so `x.\ufb01x()` looked up `fix` (AttributeError) and
    compile_graph's generated import failed with a raw ImportError. register refuses such a
    name; "Ωmega", already in NFKC form, stays usable."""
    with raises_naming(RegistrationError, "\ufb01x", "fix"):
        register(Op("\ufb01x", math.sin, lambda out, x: (al.cos(x),)))
    assert "\ufb01x" not in OPS and not hasattr(Value, "\ufb01x")
    omega = register(Op("Ωmega", math.sin, lambda out, x: (al.cos(x),)), method=False)
    try:
        x = Value(1.0, label="x")
        assert al.compile_graph(omega(x), [x])([1.0]) == (math.sin(1.0), (math.cos(1.0),))
    finally:
        del OPS["Ωmega"]


def test_a_word_that_is_not_one_line_is_refused():
    """QA: Op(..., word="sine\n    return 42.0, (0.0,)") was written into the generated code's
    comment, so compile_graph ran the second line and returned (42.0, (0.0,)) for sin(1):
    a wrong answer. register refuses a word that is not one printable line."""
    word = "sine\n    return 42.0, (0.0,)"
    with raises_naming(RegistrationError, "qa_newline", "word"):
        register(Op("qa_newline", math.sin, lambda out, x: (al.cos(x),), word=word))
    assert "qa_newline" not in OPS and not hasattr(Value, "qa_newline")
    with raises_naming(RegistrationError, "qa_not_text", "word"):
        register(Op("qa_not_text", math.sin, lambda out, x: (al.cos(x),), word=42))


# ---------------------------------------------------------------------------
# Reliability, second pass (issue 19): what a call does behind the user's back


@pytest.mark.parametrize(("op", "expected"), [("max", (1.0, 0.0)), ("min", (0.0, 1.0))])
def test_max_and_min_whose_operands_differ_by_more_than_a_float_holds(op, expected):
    """Issue 19 item 4: max(1e308, -1e308)'s rule step(b - a) overflowed, so backward, grad,
    jvp and step_through raised NonFiniteError where compiled code and PyTorch give (1, 0)."""
    a, b = Value(1e308, label="a"), Value(-1e308, label="b")
    out = getattr(a, op)(b)
    out.backward()
    assert (a.grad, b.grad) == expected
    assert tuple(al.grad(out, [a, b])) == expected
    assert (al.jvp(out, {a: 1.0}), al.jvp(out, {b: 1.0})) == expected
    assert al.compile_graph(out, [a, b])([1e308, -1e308])[1] == expected
    steps = al.step_through(out)
    assert (steps.grads[a], steps.grads[b]) == expected  # as PyTorch (test_torch.py)


def test_a_local_derivative_beyond_a_float_is_computed_exactly_when_the_product_fits():
    """Issue 19 item 5: d(x**-2)/dx = -2 x**-3 overflows at x = 1e-103 (pow raised
    OverflowError, so the exact retry never ran), yet times 1e-10 it is -2e299."""
    x = Value(1e-103, label="x")
    y = (x**-2) * 1e-10
    y.backward()
    assert x.grad == pytest.approx(-2e299, rel=1e-15)
    assert al.grad(y, [x])[0] == pytest.approx(-2e299, rel=1e-15)


def test_running_init_again_on_a_leaf_changes_nothing_behind_the_graph():
    """Issue 19 item 6: `w.__init__(1.5, "w")` changed w's number behind the graph's back:
    backward on the old graph gave d(w*w)/dw from the old number, with no StaleGraphError.
    A Value is made by `__new__` alone now, so running `__init__` again changes nothing."""
    w = Value(1.0, label="w")
    y = w * w
    w.__init__(1.5, "w")
    assert (w.data, w.label) == (1.0, "w")
    y.backward()
    assert w.grad == 2.0


@pytest.mark.parametrize("label", [3, None, b"x", ["x"]])
def test_a_label_set_after_construction_is_checked_as_the_constructor_does(label):
    """Issue 19 item 8: `x.label = 3` was accepted, then to_svg raised AttributeError
    ('rpartition'), to_code AttributeError ('isascii'), str(step_through(y)) TypeError."""
    x = Value(0.5, label="x")
    with raises_naming(al.ArgumentTypeError, "Value label", "str", repr(label)):
        x.label = label
    assert x.label == "x"
    with raises_naming(al.ArgumentTypeError, "Value label", "str", repr(label)):
        Value(0.5, label=label)


@pytest.mark.parametrize(
    ("make", "culprit"),
    [
        (lambda x: x + None, "NoneType"),
        (lambda x: None + x, "NoneType"),
        (lambda x: x * "1.5", "str"),
        (lambda x: "1.5" * x, "str"),
        (lambda x: x + __import__("decimal").Decimal("1.5"), "Decimal"),
        (lambda x: __import__("decimal").Decimal("1.5") - x, "Decimal"),
        (lambda x: x**1j, "complex"),
        (lambda x: x / [1.0], "list"),
    ],
    ids=[
        "add-None",
        "None-add",
        "mul-str",
        "str-mul",
        "add-Decimal",
        "Decimal-sub",
        "pow-1j",
        "div-list",
    ],
)
def test_arithmetic_with_what_is_not_a_number_names_the_value(make, culprit):
    """Issue 19 item 11: `Value + None`, `Value * "1.5"`, `Value + Decimal("1.5")`,
    `Value ** 1j` raised Python's "unsupported operand type", naming no Value."""
    x = Value(0.5, label="x")
    with raises_naming(al.ArgumentTypeError, "Value 'x'", culprit, "float(...)"):
        make(x)


def test_zeroing_and_pickling_a_graph_after_a_step_are_no_false_alarms():
    """Issue 19 item 16: after `opt.step()`, `loss.zero_grad()` raised StaleGraphError
    (zeroing needs no data) and `pickle.dumps(loss)` raised it advising "call backward()".
    The loaded copy is as stale as the original: backward on it still refuses."""
    w = Value(0.3, label="w")
    loss = (w * 2.0).tanh()
    loss.backward()
    al.nn.SGD([w], 0.1).step()
    loss.zero_grad()
    assert w.grad == 0.0 and loss.grad == 0.0
    loaded = pickle.loads(pickle.dumps(loss))
    assert loaded.data == loss.data  # the old numbers, kept
    (leaf,) = [n for n in loaded.parents[0].parents if n.is_leaf]
    assert leaf.data == w.data
    for graph in (loss, loaded):
        with raises_naming(al.StaleGraphError, "Value 'w'", "made by mul", "forward pass"):
            graph.backward()


def test_a_grad_set_to_none_gets_a_clear_error_from_backward_and_sgd():
    """PyTorch's habit, `p.grad = None`, gave a raw TypeError deep in backward or the SGD step."""
    # PyTorch's habit: p.grad = None instead of zero_grad()
    w = Value(1.0, label="w")
    x = Value(2.0, label="x")
    y = w * x
    x.grad = 0.5
    w.grad = None
    with raises_naming(al.ArgumentTypeError, "Value 'w'", "None", "zero_grad()"):
        y.backward()
    assert (w.grad, x.grad) == (None, 0.5)  # nothing changed
    with raises_naming(al.ArgumentTypeError, "SGD", "Value 'w'", "None", "zero_grad()"):
        nn.SGD([x, w], 0.1).step()
    assert (w.data, x.data) == (1.0, 2.0)
    w.grad = 0.0
    y.backward()
    assert (w.grad, x.grad) == (2.0, 1.5)


@pytest.mark.parametrize("scalar", [np.float16, np.float32, np.float64, np.int8, np.int64])
def test_a_numpy_constant_is_stored_as_the_python_float_it_equals(scalar):
    """NumPy scalar constants kept their type in the graph: a float32 constant made gradients
    float32 (and less precise). A number of any real type is stored as the float it equals."""
    constant = scalar(3)
    w = Value(0.1)
    y = ((w * constant - 1) * 1.2345678901234567) ** 2
    y.backward()
    reference = Value(0.1)
    ((reference * float(constant) - 1) * 1.2345678901234567) ** 2
    (((reference * float(constant) - 1) * 1.2345678901234567) ** 2).backward()
    assert type(w.grad) is float and w.grad == reference.grad
    assert all(type(x) is not scalar for n in al.topological_order(y) for x in n.operands)


def test_the_issue_example_float32_gives_a_python_float_and_sgd_keeps_it():
    """The reported case: a float32 constant gave a float32 grad, and SGD a float32 weight."""
    w = Value(0.1)
    (((w * np.float32(0.3) - 1) * 1.2345678901234567) ** 2).backward()
    exact = 2 * (0.1 * float(np.float32(0.3)) - 1) * 1.2345678901234567**2 * float(np.float32(0.3))
    assert type(w.grad) is float and w.grad == pytest.approx(exact, rel=1e-15)
    nn.SGD([w], 0.1).step()
    assert type(w.data) is float


def test_an_int8_exponent_does_not_wrap():
    """An int8 exponent wrapped around in NumPy's arithmetic: -128 * 1.01**-129 came out -452.9."""
    x = Value(1.01)
    (x ** np.int8(-128)).backward()
    assert x.grad == pytest.approx(-128 * 1.01**-129, rel=1e-14)  # -35.46, not -452.9


def test_numpy_inputs_to_a_network_and_to_functions():
    """NumPy scalars as a network's inputs or a function's argument give Python-float results."""
    model = nn.MLP(1, [1], rng=0)
    assert model(np.float32(1.0)).data == model(1.0).data
    assert type(al.tanh(np.float32(0.5))) is float


NUMPY_SCALARS = [np.float16, np.float32, np.int8, np.int64]


@given(recipe=recipes(), data=st.data())
def test_numpy_constants_give_the_python_float_results(recipe, data):
    """Random graphs with a NumPy constant give exactly the results of the float it equals."""
    values = data.draw(leaf_values(recipe[0]))
    scalar = data.draw(st.sampled_from(NUMPY_SCALARS))
    constant = scalar(data.draw(st.integers(-3, 3)))
    leaves, output = build(recipe, values)
    with_numpy = output * constant + constant
    with_float = output * float(constant) + float(constant)
    with_numpy.backward()
    numpy_grads = [leaf.grad for leaf in leaves]
    for leaf in leaves:
        leaf.grad = 0.0
    with_float.backward()
    assert with_numpy.data == with_float.data
    assert numpy_grads == [leaf.grad for leaf in leaves]
    assert all(type(g) is float for g in numpy_grads)


def test_a_constant_base_power_does_not_compute_the_unused_derivative():
    """`c ** x` computed the derivative for the constant base too: it overflowed for 1e-300**x."""
    x = Value(0.5, label="x")
    (1e-300**x).backward()
    assert x.grad == pytest.approx(1e-150 * math.log(1e-300), rel=1e-12)


def test_a_failed_backward_leaves_every_grad_as_it_was():
    """A backward that failed on an infinite gradient left some grads changed; it changes none."""
    p, q = Value(1e-310, label="p"), Value(2.0, label="q")  # d(log p)/dp = 1/p is inf
    log_p = al.log(p)
    p.grad, q.grad, log_p.grad = 5.0, -1.0, 7.0
    y = log_p * q
    with raises_naming(al.NonFiniteError, "Value 'p'", "inf", "scale"):
        y.backward()
    assert (p.grad, q.grad, log_p.grad, y.grad) == (5.0, -1.0, 7.0, 0.0)


def test_a_rule_written_with_the_engines_functions_gives_the_second_derivative():
    """The fix of the rule refused above: d(sin x)/dx written cos(x) with autograd_lite's cos
    registers, and its derivative is a node of the graph, so hessian gives d2 sin/dx2 = -sin x,
    as the central difference of the gradient (by backward()) says."""
    sine = register(Op("qa_sin", math.sin, lambda out, x: (al.cos(x),)))
    try:
        assert al.hessian(lambda v: sine(v), [1.0])[0][0] == pytest.approx(
            -math.sin(1.0), rel=1e-12
        )
        assert al.hessian(lambda v: v.qa_sin() * v, [0.3])[0][0] == pytest.approx(
            2 * math.cos(0.3) - 0.3 * math.sin(0.3), rel=1e-12
        )

        def slope(at):
            x = Value(at)
            sine(x).backward()
            return x.grad

        h = 1e-5
        difference = (slope(1.0 + h) - slope(1.0 - h)) / (2 * h)
        assert al.hessian(lambda v: sine(v), [1.0])[0][0] == pytest.approx(difference, rel=1e-8)
    finally:
        del OPS["qa_sin"]
        delattr(Value, "qa_sin")


@pytest.mark.parametrize(("op", "expected"), [("max", (1.0, 0.0)), ("min", (0.0, 1.0))])
def test_max_and_min_far_apart_with_create_graph(op, expected):
    """QA: grad(max(a, b), [a, b], create_graph=True) at a = 1e308, b = -1e308 raised
    NonFiniteError (the rule's step(b - a) made b - a a node, which overflows) where backward()
    gives (1, 0); so did hessian. It gives backward's numbers as Values, and their own
    derivatives (the step is flat) are 0."""
    a, b = Value(1e308, label="a"), Value(-1e308, label="b")
    out = getattr(a, op)(b)
    first = al.grad(out, [a, b], create_graph=True)
    assert tuple(g.data for g in first) == expected
    out.backward()
    assert (a.grad, b.grad) == expected
    assert [al.grad(g, [a, b]) for g in first] == [[0.0, 0.0], [0.0, 0.0]]
    assert al.hessian(lambda u, v: getattr(u, op)(v), [1e308, -1e308]) == [[0.0, 0.0], [0.0, 0.0]]

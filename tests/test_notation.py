"""Each derivation speaks its own notation in explain, compare and check_formula output."""

from __future__ import annotations

import re

from messages import raises_naming

from autograd_lite import derivations as d
from autograd_lite.derivations.notation import Kind, Names

GENERIC = re.compile(r"\^|dC|g'|y_0|y_1|a_\d|\bz\b|\ba\b")


def test_network_c_explains_w100_in_its_own_names_only():
    text = str(d.network_c().explain("w100"))
    assert "dE/dw100" in text
    assert "z0 - z0_desired" in text  # C's target is z0_desired; its y0 is a hidden neuron
    assert "z0 * (1 - z0)" in text and "dz0/dz0s" in text
    assert "y0" in text
    assert GENERIC.search(text) is None, GENERIC.search(text)


def test_network_c_explains_the_two_paths_of_w000_in_its_own_names():
    text = str(d.network_c().explain("w000"))
    assert "w100 × dE/dz0s + w101 × dE/dz1s" in text
    assert "via z0: w100 × dE/dz0s" in text
    assert "y0 * (1 - y0)" in text and "x0" in text
    assert GENERIC.search(text) is None, GENERIC.search(text)


def test_network_c_tables_and_checks_use_its_names():
    c = d.network_c()
    assert c.compare().row("w100").symbol == "w100"
    check = c.check_formula("w100", lambda q: 0.0)
    assert str(check).startswith("formula for dE/dw100")


def test_the_four_equations_speak_of_sigma_prime_and_a_l():
    text = str(d.network_d().explain("L2.N1.w3"))
    assert "sigma'(z^2_1)" in text and "a^1_3" in text and "dC/da^2_1" in text


def test_the_matrix_form_speaks_of_x_t_f_prime_and_e():
    text = str(d.network_a().explain("L1.N2.w0"))
    assert "dE/dx1_2" in text and "f1'((W1 x0)_2)" in text and "x0_0" in text
    out = str(d.network_a().explain("L3.N0.w1"))
    assert "x3_0 - t_0" in out and "f3'((W3 x2)_0)" in out and "x2_1" in out


def test_a_notation_with_an_unknown_field_is_refused_when_made():
    with raises_naming(d.DerivationError, "weight='w^{q}_{jk}'", "{q}", "{l}, {p}, {j}, {k}, {jk}"):
        d.Notation(weight="w^{q}_{jk}")
    with raises_naming(d.DerivationError, "cost='C_{z}'", "{z}", "{l}, {p}, {j}, {k}, {jk}"):
        d.Notation(cost="C_{z}")  # z and a are only for derivative and delta
    with raises_naming(d.DerivationError, "cost='C_{'", "format string", "{{"):
        d.Notation(cost="C_{")  # not a format string at all
    with raises_naming(d.DerivationTypeError, "cost", "format string", "int 3"):
        d.Notation(cost=3)
    with raises_naming(d.DerivationError, "weight='w{}'", "{l}, {p}, {j}, {k}, {jk}"):
        d.Notation(weight="w{}")  # a positional field raised IndexError when used
    written = d.Notation(derivative="f{l}'({z}) at {a}", delta="δ{l}{j}")
    names = Names(written, {})
    assert names.write(Kind.DERIVATIVE, 2, 1) == "f2'(z^2_1) at a^2_1"
    assert names.write(Kind.DELTA, 2, 1) == "δ21"


def test_a_sum_of_paths_is_written_in_one_notation():
    """Issue 18 item 7: network B's alias w^L_12 sat beside the notation's w^3_02 in one
    line: `w^3_02 × delta^3_0 + w^L_12 × delta^3_1`. The weights of one sum are written all
    by alias or all by the notation."""
    text = str(d.network_b().explain("L2.N2.w2"))
    assert "w^3_02 × delta^3_0 + w^3_12 × delta^3_1" in text
    assert "w^L_12 ×" not in text
    c = str(d.network_c().explain("w000"))  # every weight of C has an alias: all aliases
    assert "w100 × dE/dz0s + w101 × dE/dz1s" in c


def test_a_shared_parameter_is_written_as_the_sum_of_its_uses_in_one_notation():
    mazur = d.network_mazur()  # the alias b1 names the first use only
    b1 = mazur.parameter("b1")
    name = mazur.name(b1)
    assert name.symbol == "b^1_0 + b^1_1" and name.uses == ("b^1_0", "b^1_1")
    assert name.gradient == "dE_total/d(b^1_0 + b^1_1) (b1)" and name.display == "b1"

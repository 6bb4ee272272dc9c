"""explain(): one gradient as the chain rule builds it, factor by factor, in the derivation's
names: per sample (and per use of a shared parameter), the upstream error dC_i/da, the
activation derivative g'(z) and, for a weight, the incoming activation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..engine import Value
from .backprop import Location, SampleEquations
from .matrices import matvec, transpose
from .notation import Kind, number
from .quantities import g_prime_rule
from .reports import Chain, Explanation, Factor, PathTerm

if TYPE_CHECKING:
    from .equations import Derivation

__all__ = ["explain"]


def explain(derivation: Derivation, p: Value) -> Explanation:
    """dC/dp for one parameter: every sample's chain of factors (one per use of p), the
    batch factor, and the engine's gradient to check the total against."""
    equations = derivation.equations()
    uses = derivation.uses[p]
    name = derivation.name(p)
    named = name.uses if len(uses) > 1 else ("",)
    chains = [
        _chain(derivation, s, i, use, written)
        for i, s in enumerate(equations.samples)
        for use, written in zip(uses, named)
    ]
    return Explanation(
        name.display,
        name.symbol,
        chains,
        equations.batch_factor,
        derivation.engine_gradients()[p],
        name.gradient,
    )


def _chain(
    derivation: Derivation, eq: SampleEquations, sample: int, at: Location, use: str
) -> Chain:
    """One sample's factors for the parameter at one location (named `use` when the
    parameter is shared)."""
    names, q = derivation.names, eq.quantities
    layer, j = at.layer, at.neuron
    cost, a_name = derivation.notation.cost, names.write(Kind.ACTIVATION, layer, j)
    loss = derivation.loss_rule
    if layer == q.L:
        numbers = loss.with_numbers(q.a[layer][j], q.y[j], len(q.y))
        rule = loss.formula(a_name, names.write(Kind.TARGET, j=j))
        upstream = Factor(
            "upstream error", f"d{cost}/d{a_name}", f"{rule} = {numbers}", eq.output_error[j]
        )
    else:
        after = range(len(q.w[layer + 1]))
        weights = names.write_all(Kind.WEIGHT, [(layer + 1, i, j) for i in after])
        paths = tuple(
            PathTerm(
                i,
                q.w[layer + 1][i][j],
                eq.delta[layer + 1][i],
                names.write(Kind.ACTIVATION, layer + 1, i),
                weights[i],
                names.write(Kind.DELTA, layer + 1, i),
            )
            for i in after
        )
        terms = " + ".join(f"{path.weight_name} × {path.delta_name}" for path in paths)
        upstream = Factor(
            "upstream error",
            f"d{cost}/d{a_name}",
            f"sum over {len(paths)} path{'s' if len(paths) > 1 else ''}: {terms}",
            matvec(transpose(q.w[layer + 1]), eq.delta[layer + 1])[j],
            paths,
        )
    activation = derivation.mlp.layers[layer - 1].neurons[j].activation
    z, a = names.write(Kind.PRE_ACTIVATION, layer, j), a_name
    derivative = Factor(
        "activation derivative",
        names.write(Kind.DERIVATIVE, layer, j),
        f"{activation}': {g_prime_rule(activation, a, z)} at {z} = {number(q.z[layer][j])},"
        f" {a} = {number(q.a[layer][j])}",
        eq.g_prime[layer][j],
    )
    factors = [upstream, derivative]
    if at.input is not None:
        k = at.input
        incoming = f"input {k} of the network" if layer == 1 else f"output {k} of layer {layer - 1}"
        name = names.write(Kind.ACTIVATION, layer - 1, k)
        factors.append(Factor("incoming activation", name, incoming, q.a[layer - 1][k]))
    return Chain(sample, tuple(factors), use)

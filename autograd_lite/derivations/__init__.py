"""Backpropagation as textbooks derive it, checked against the engine weight by weight.

An `nn.MLP` with layers l = 1..L computes, for one sample x (a^0 = x),

    z^l_j = sum_k w^l_jk a^{l-1}_k (+ b^l_j),    a^l_j = g^l(z^l_j).

For that sample's cost C_i the layer-wise equations give every gradient from z and a alone:

    (1) delta^L = dC_i/da^L ⊙ g^L'(z^L)
    (2) delta^l = ((W^{l+1})^T delta^{l+1}) ⊙ g^l'(z^l)
    (3) dC_i/db^l_j = delta^l_j
    (4) dC_i/dw^l_jk = a^{l-1}_k delta^l_j

The package's modules, in the order the ideas build on each other:

- `matrices`: vectors and matrices as plain lists (shape, transpose, matvec, hadamard, outer).
- `losses`: each loss's cost and its derivative dC_i/da_j, written once.
- `quantities`: one sample's forward pass in floats, from a snapshot of the weights.
- `notation`: how a derivation writes its quantities (network C's y0, z0s, E; the four
  equations' sigma'; the matrix form's x1, f1', t), and its aliases.
- `backprop`: the four equations as pure functions, each step a method of `Rules`.
- `slips`: the known slips of hand-derived gradients (`SlipKind`), each a variant of the
  rules, recognised by their numbers.
- `reports`: the tables and reports (Comparison, Explanation, FormulaCheck, Nudge), as text
  and as HTML.
- `explaining`: one gradient as its chain of factors.
- `formulas`: a learner's formula checked against the engine and diagnosed.
- `equations`: `Derivation`, which puts the parts together beside the engine's gradients
  and a central finite difference.
- `nudging`: `nudge`, what a derivative predicts when a leaf moves by h.
- `networks`: `network_a` ... `network_d`, the four networks of the published derivations
  (matrix form, per-node form, the 2-2-2 network, the four equations), and
  `network_mazur`, Matt Mazur's step-by-step example.
- `exercises`: gradients to derive on those networks, graded by `check_formula`.
- `torch_reference`: the same network in PyTorch, for `compare(reference="torch")` (loaded
  only when asked for).

Every public name is importable from `autograd_lite.derivations` itself.
"""

from ..errors import (
    DerivationError,
    DerivationIndexError,
    DerivationKeyError,
    DerivationTypeError,
    ShapeError,
)
from .backprop import Equations, Rules, SampleEquations
from .equations import Derivation
from .losses import LOSSES, Loss, custom_loss
from .matrices import hadamard, matvec, outer, relative_error, shape, transpose
from .networks import (
    FOUR_EQUATIONS,
    MATRIX_FORM,
    MAZUR_BIASES,
    MAZUR_INPUT,
    MAZUR_LEARNING_RATE,
    MAZUR_TARGET,
    MAZUR_WEIGHTS,
    NETWORK_C_INPUT,
    NETWORK_C_NOTATION,
    NETWORK_C_TARGET,
    NETWORK_C_WEIGHTS,
    NETWORK_D_BIASES,
    NETWORK_D_INPUT,
    NETWORK_D_TARGET,
    NETWORK_D_WEIGHTS,
    network_a,
    network_b,
    network_c,
    network_d,
    network_mazur,
)
from .notation import Notation
from .nudging import nudge
from .quantities import Quantities
from .reports import (
    Chain,
    Comparison,
    ComparisonRow,
    Explanation,
    Factor,
    FactorCheck,
    FormulaCheck,
    Nudge,
    NudgeRow,
    PathTerm,
)
from .slips import Slip, SlipKind

__all__ = [
    "FOUR_EQUATIONS",
    "LOSSES",
    "MATRIX_FORM",
    "MAZUR_BIASES",
    "MAZUR_INPUT",
    "MAZUR_LEARNING_RATE",
    "MAZUR_TARGET",
    "MAZUR_WEIGHTS",
    "NETWORK_C_INPUT",
    "NETWORK_C_NOTATION",
    "NETWORK_C_TARGET",
    "NETWORK_C_WEIGHTS",
    "NETWORK_D_BIASES",
    "NETWORK_D_INPUT",
    "NETWORK_D_TARGET",
    "NETWORK_D_WEIGHTS",
    "Chain",
    "Comparison",
    "ComparisonRow",
    "Derivation",
    "DerivationError",
    "DerivationIndexError",
    "DerivationKeyError",
    "DerivationTypeError",
    "Equations",
    "Explanation",
    "Factor",
    "FactorCheck",
    "FormulaCheck",
    "Loss",
    "Notation",
    "Nudge",
    "NudgeRow",
    "PathTerm",
    "Quantities",
    "Rules",
    "SampleEquations",
    "ShapeError",
    "Slip",
    "SlipKind",
    "custom_loss",
    "hadamard",
    "matvec",
    "network_a",
    "network_b",
    "network_c",
    "network_d",
    "network_mazur",
    "nudge",
    "outer",
    "relative_error",
    "shape",
    "transpose",
]

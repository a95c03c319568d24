"""The seed's names for what the cost lab shows: h₁⁽²⁾, z⁽³⁾, δ⁽³⁾, and w1_11 for ``W1_11``.

The lab's naming goes through :mod:`grader.notation`, like every other part's.
"""

from __future__ import annotations

from .. import notation
from ..engine.generators import Problem


def activation(layer: int, i: int, layers: tuple) -> str:
    """h₁⁽²⁾, or y for a single output."""
    return notation.symbol(notation.activation(layer, i, layers), latex=False)


def preactivation(layer: int, i: int, layers: tuple) -> str:
    """z₁⁽²⁾, or z⁽³⁾ for a single output."""
    return notation.symbol(notation.preactivation(layer, i, layers), latex=False)


def output_delta(layers: tuple) -> str:
    """δ⁽³⁾ in the seed's network."""
    return notation.symbol(notation.output_delta(layers), latex=False)


def display_names(problem: Problem) -> dict:
    """sympy symbol name (:mod:`grader.engine.witness`'s ``W1_11``, ``b3_1``, ``x_1``, ``t_1``)
    -> the learner's name (``w1_11``, ``b3``, ``x1``, ``y_target``), for the seed network.

    The witness writes the two indices side by side, which is unambiguous only while every
    layer has fewer than ten neurons, as in the seed's network."""
    layers = tuple(problem.layers)
    if layers != notation.SEED_LAYERS:
        return {}
    names = {}
    for name, kind, layer, index in notation.parameter_slots(layers):
        written = "".join(str(k + 1) for k in index)
        names[f"{kind}{layer + 1}_{written}"] = name
    names.update({f"x_{j}": x for j, x in enumerate(notation.inputs(layers), start=1)})
    names["t_1"] = "y_target"
    return names

"""The seed's names for what the cost lab shows: h₁⁽²⁾, z⁽³⁾, δ⁽³⁾, and w1_11 for ``W1_11``.

All of the lab's naming is here, so that it can follow the seed's notation from one place.
"""

from __future__ import annotations

from ..engine.generators import SEED_LAYERS, Problem

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")


def _h(layer: int, i: int, depth: int) -> str:
    if layer == depth:
        return "y" if i == 1 else f"y{str(i).translate(_SUB)}"
    return f"h{str(i).translate(_SUB)}{f'({layer})'.translate(_SUP)}"


def _z(layer: int, i: int, depth: int, width: int) -> str:
    index = "" if layer == depth and width == 1 else str(i).translate(_SUB)
    return f"z{index}{f'({layer})'.translate(_SUP)}"


def _display_names(problem: Problem) -> dict:
    """sympy symbol name -> the learner's name (w1_11, v1, b3) for the seed network."""
    if tuple(problem.layers) != SEED_LAYERS:
        return {}
    names = {}
    for l, W in enumerate(problem.weights, start=1):
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                names[f"W{l}_{i + 1}{j + 1}"] = f"v{j + 1}" if l == 3 else f"w{l}_{i + 1}{j + 1}"
            names[f"b{l}_{i + 1}"] = "b3" if l == 3 else f"b{l}_{i + 1}"
    names.update({"x_1": "x1", "x_2": "x2", "t_1": "y_target"})
    return names

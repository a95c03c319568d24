"""Central finite differences of L: an independent check of the backward pass."""

from __future__ import annotations

import numpy as np

from .forward import run
from ..tolerances import FINITE_DIFFERENCE_STEP as EPSILON


def _central_at(f, value: np.ndarray, index: tuple, eps: float) -> float:
    """(f(value + eps at index) - f(value - eps at index)) / 2 eps."""
    up, down = value.astype(float), value.astype(float)
    up[index] += eps
    down[index] -= eps
    return (f(up) - f(down)) / (2 * eps)


def _central(f, value: np.ndarray, eps: float) -> np.ndarray:
    grad = np.empty_like(value, dtype=float)
    for index in np.ndindex(value.shape):
        grad[index] = _central_at(f, value, index, eps)
    return grad


def _loss_with(problem, kind: str, layer: int):
    """L as a function of one layer's weights (``kind`` "W") or biases ("b")."""
    def loss(value):
        if kind == "W":
            weights = problem.weights[:layer] + (value,) + problem.weights[layer + 1:]
            return run(problem, weights=weights).loss
        biases = problem.biases[:layer] + (value,) + problem.biases[layer + 1:]
        return run(problem, biases=biases).loss

    return loss


def _loss_from(problem, layer: int):
    """L as a function of the activations h of layer ``layer`` (0-based), running on."""
    return lambda h: run(problem, start_layer=layer + 1, start_h=h).loss


def parameter_gradient(problem, kind: str, layer: int, index: tuple, eps: float = EPSILON) -> float:
    """dL/d(one weight or bias): ``kind`` "W" or "b", ``layer`` 0-based, ``index`` in it."""
    arrays = problem.weights if kind == "W" else problem.biases
    return _central_at(_loss_with(problem, kind, layer), arrays[layer], index, eps)


def activation_gradient(problem, trace, layer: int, index: int, eps: float = EPSILON) -> float:
    """dL/dh for one unit of layer ``layer`` (0-based; the last layer's h is y)."""
    return _central_at(_loss_from(problem, layer), trace.h[layer], (index,), eps)


def parameter_gradients(problem, eps: float = EPSILON) -> tuple[tuple, tuple]:
    """(dW, db) for every layer, each entry from two forward passes."""
    dW, db = [], []
    for l in range(len(problem.weights)):
        dW.append(_central(_loss_with(problem, "W", l), problem.weights[l], eps))
        db.append(_central(_loss_with(problem, "b", l), problem.biases[l], eps))
    return tuple(dW), tuple(db)


def activation_gradients(problem, trace, eps: float = EPSILON) -> tuple:
    """dL/dh for every layer's output h (the last one is dL/dy), nudging h and running on."""
    return tuple(_central(_loss_from(problem, l), trace.h[l], eps)
                 for l in range(len(problem.weights)))

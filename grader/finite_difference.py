"""Central finite differences of L: an independent check of the backward pass."""

from __future__ import annotations

import numpy as np

from .forward import run
from .tolerances import FINITE_DIFFERENCE_STEP as EPSILON


def _central(f, value: np.ndarray, eps: float) -> np.ndarray:
    grad = np.empty_like(value, dtype=float)
    for index in np.ndindex(value.shape):
        up, down = value.astype(float), value.astype(float)
        up[index] += eps
        down[index] -= eps
        grad[index] = (f(up) - f(down)) / (2 * eps)
    return grad


def parameter_gradients(problem, eps: float = EPSILON) -> tuple[tuple, tuple]:
    """(dW, db) for every layer, each entry from two forward passes."""
    dW, db = [], []
    for l in range(len(problem.weights)):
        def with_W(W, l=l):
            weights = problem.weights[:l] + (W,) + problem.weights[l + 1:]
            return run(problem, weights=weights).loss

        def with_b(b, l=l):
            biases = problem.biases[:l] + (b,) + problem.biases[l + 1:]
            return run(problem, biases=biases).loss

        dW.append(_central(with_W, problem.weights[l], eps))
        db.append(_central(with_b, problem.biases[l], eps))
    return tuple(dW), tuple(db)


def activation_gradients(problem, trace, eps: float = EPSILON) -> tuple:
    """dL/dh for every layer's output h (the last one is dL/dy), nudging h and running on."""
    grads = []
    for l in range(len(problem.weights)):
        grads.append(_central(lambda h, l=l: run(problem, start_layer=l + 1, start_h=h).loss,
                              trace.h[l], eps))
    return tuple(grads)

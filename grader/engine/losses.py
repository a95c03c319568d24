"""The losses, their values and their gradients at the output: one home for forward, backprop
and finite differences.

Each loss by its name in grader.notation.LOSSES, with y the output, t = y_target and n outputs:

    half_squared_error     L = ½ Σ (y − t)²                            y = σ(z)   (the lesson's)
    mean_squared_error     L = (1/n) Σ (y − t)², the mean over the n outputs       y = σ(z)
    binary_cross_entropy   L = −Σ [t log y + (1 − t) log(1 − y)]                   y = σ(z)
    softmax_cross_entropy  L = −Σ t log y,  t a probability vector (Σ t = 1)       y = softmax(z)

The cross-entropies are computed from z where it is known: log σ(z) = −softplus(−z) and
log softmax(z) = z − logsumexp(z), never the log of a rounded y. Their gradient at z is y − t
(σ′ and the softmax's Jacobian cancel against dL/dy), computed as such, without dividing by
y(1 − y) or y.
"""

from __future__ import annotations

import numpy as np

# dL/dz = y - t at the output: the loss and its output activation cancel.
CROSS_ENTROPIES = ("binary_cross_entropy", "softmax_cross_entropy")


def _log_sigmoid(z):
    return -np.logaddexp(0.0, -z)       # log σ(z) = −log(1 + e^(−z))


def _log_softmax(z):
    return z - np.logaddexp.reduce(z, axis=-1, keepdims=True)   # z − log Σ e^z


def _number(total):
    """A loss: a float for one network, an array (one per draw) for a stack of them, whose
    outputs lie along the last axis (the generator screens many draws at once)."""
    return float(total) if total.ndim == 0 else total


def value(name: str, y, t, z=None):
    """L of the output ``y`` against ``t``; a cross-entropy reads its pre-activation ``z``
    where given (stable), and ``y`` itself only where there is no z (a nudged y)."""
    if name == "half_squared_error":
        return _number(0.5 * np.sum((y - t) ** 2, axis=-1))
    if name == "mean_squared_error":
        return _number(np.sum((y - t) ** 2, axis=-1) / np.size(y, -1))
    if name == "binary_cross_entropy":
        if z is None:
            return _number(-np.sum(t * np.log(y) + (1.0 - t) * np.log1p(-y), axis=-1))
        # log(1 − σ(z)) = log σ(−z)
        return _number(-np.sum(t * _log_sigmoid(z) + (1.0 - t) * _log_sigmoid(-z), axis=-1))
    if name == "softmax_cross_entropy":
        return _number(-np.sum(t * (np.log(y) if z is None else _log_softmax(z)), axis=-1))
    raise KeyError(name)                # not a name of grader.notation.LOSSES


def gradient(name: str, y, t):
    """dL/dy, the output's δ (each y_i on its own, as ``value`` reads y without z); of a
    stack, each draw's."""
    if name == "half_squared_error":
        return y - t
    if name == "mean_squared_error":
        return (2.0 / np.size(y, -1)) * (y - t)
    if name == "binary_cross_entropy":
        return (y - t) / (y * (1.0 - y))
    if name == "softmax_cross_entropy":
        return -t / y
    raise KeyError(name)                # not a name of grader.notation.LOSSES


def output_gradient(name: str, y, t):
    """dL/dz at the output where the loss and its output activation cancel: y − t for the
    cross-entropies. None for the squared errors, whose dL/dz is dL/dy · σ′(z), the lesson's
    chain rule, left to the backward pass."""
    if name in CROSS_ENTROPIES:
        return y - t
    return None

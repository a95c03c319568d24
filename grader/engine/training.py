"""Gradient descent on a small batch: the forward and backward pass of every example at once.

The network is 2-H-1 with sigmoid layers, trained full-batch on the four XOR examples (rows of
``X``) with the binary cross-entropy averaged over the batch,

    L = −(1/n) Σₙ [tₙ log yₙ + (1 − tₙ) log(1 − yₙ)],

so that dL/dz⁽²⁾ = (y − t)/n per example. Parameters are ``(W1, b1, W2, b2)`` with rows for
neurons, as everywhere in the engine. It also takes a stack of networks, every array with a
leading axis of draws (the step's generator screens several draws at once).
"""

from __future__ import annotations

import numpy as np

from . import losses
from .forward import sigmoid

LOSS = "binary_cross_entropy"


def _rows(A, B):
    """A @ Bᵀ over the last two axes, for one network or a stack."""
    return A @ B.swapaxes(-1, -2)


def loss(params, X, T):
    """The mean loss over the batch (an array of one per draw for a stack)."""
    W1, b1, W2, b2 = params
    H = sigmoid(_rows(X, W1) + b1[..., None, :])
    Z2 = _rows(H, W2) + b2[..., None, :]
    each = losses.value(LOSS, sigmoid(Z2), T, Z2)          # one per example (and draw)
    return np.mean(each, axis=-1) if np.ndim(each) > 1 else float(np.mean(each))


def batch_pass(params, X, T) -> dict:
    """The batch's forward and backward pass, every array a hand calculation writes down:
    H, Y, Δ⁽²⁾ (``D2``), Δ⁽¹⁾ (``D1``) and the gradients ``dW1``, ``db1``, ``dW2``, ``db2``."""
    W1, b1, W2, b2 = params
    n = X.shape[-2]
    H = sigmoid(_rows(X, W1) + b1[..., None, :])
    Y = sigmoid(_rows(H, W2) + b2[..., None, :])
    D2 = (Y - T) / n                              # dL/dz⁽²⁾: y − t, the batch's 1/n
    D1 = (D2 @ W2) * H * (1.0 - H)                # dL/dz⁽¹⁾ = (W⁽²⁾ᵀ δ⁽²⁾) ⊙ σ′, per example
    return {"H": H, "Y": Y, "D2": D2, "D1": D1,
            "dW1": D1.swapaxes(-1, -2) @ X, "db1": D1.sum(axis=-2),
            "dW2": D2.swapaxes(-1, -2) @ H, "db2": D2.sum(axis=-2)}


def gradients(params, X, T) -> tuple:
    """(dW1, db1, dW2, db2), the gradient of the mean loss: each example's backprop, averaged."""
    passed = batch_pass(params, X, T)
    return passed["dW1"], passed["db1"], passed["dW2"], passed["db2"]


def step(params, grads, eta) -> tuple:
    """One update: w ← w − η ∂L/∂w for every parameter (``eta`` one per draw for a stack)."""
    return _update(params, grads, _rates(params, eta))


def _rates(params, eta) -> tuple:
    """η shaped to broadcast against each parameter (one per draw for a stack)."""
    return tuple(np.reshape(eta, np.shape(eta) + (1,) * (p.ndim - np.ndim(eta))) for p in params)


def _update(params, grads, rates) -> tuple:
    return tuple(p - rate * g for p, rate, g in zip(params, rates, grads))


def train(params, X, T, eta, epochs: int, record=()) -> tuple:
    """(final parameters, {epoch: (parameters at its start, their gradients)}) after
    ``epochs`` epochs, keeping the epochs in ``record``."""
    kept, rates = {}, _rates(params, eta)        # shaped once: a third of an epoch's time
    for epoch in range(epochs):
        grads = gradients(params, X, T)
        if epoch in record:
            kept[epoch] = (params, grads)
        params = _update(params, grads, rates)
    return params, kept

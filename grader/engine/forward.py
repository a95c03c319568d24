"""The forward pass: z = W h_prev + b, h = act(z), and the loss L of y (grader.engine.losses;
the lesson's is L = 1/2 sum (y - y_target)^2).

It also takes a stack of networks, every array with a leading axis of draws (the generator
screens many draws at once): numpy computes each draw of a stack exactly as it computes that
draw alone, bit for bit (tests/test_forward.py).
"""

from __future__ import annotations

from ..records import Record

import numpy as np

from . import losses


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def tanh(z):
    return np.tanh(z)


def relu(z):
    return np.maximum(z, 0.0)


def softmax(z):
    """Along the last axis: one network's outputs, or each draw's of a stack."""
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))   # shifted: exp never overflows
    return e / np.sum(e, axis=-1, keepdims=True)


ACTIVATIONS = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu}     # a hidden layer's choices
# ... and an output's: softmax for softmax_cross_entropy (grader.notation.LOSSES)
_FUNCTIONS = dict(ACTIVATIONS, softmax=softmax)


def derivative(name: str, z, h):
    """act'(z), written through h where the seed does: sigmoid' = h(1 - h). Elementwise
    activations only: softmax's derivative is folded into its loss's (losses.output_gradient)."""
    if name == "sigmoid":
        return h * (1.0 - h)
    if name == "tanh":
        return 1.0 - h * h
    return (z > 0).astype(float)


class Trace(Record, frozen=True):
    """Every value of one forward pass; ``z[l-1]`` and ``h[l-1]`` belong to layer l."""

    z: tuple
    h: tuple
    loss: float

    @property
    def y(self) -> np.ndarray:
        return self.h[-1]


def layer_activations(problem) -> tuple:
    """The activation of each layer: hidden layers share one, the output has its own."""
    depth = len(problem.weights)
    return (problem.activation,) * (depth - 1) + (problem.output_activation,)


def matvec(W, h):
    """W @ h, for one network or a stack of them."""
    return (W @ h[..., None])[..., 0]


def run(problem, weights=None, biases=None, start_layer: int = 0, start_h=None) -> Trace:
    """Forward from layer ``start_layer`` (0 = the inputs) with optional replaced values.

    ``start_h`` replaces the activations feeding layer ``start_layer + 1``; finite
    differences use it to nudge a hidden value and see what L does.
    """
    weights = problem.weights if weights is None else weights
    biases = problem.biases if biases is None else biases
    h_prev = problem.x if start_h is None else start_h
    zs, hs = [], []
    for W, b, act in zip(weights[start_layer:], biases[start_layer:],
                         layer_activations(problem)[start_layer:]):
        z = matvec(W, h_prev) + b
        h_prev = _FUNCTIONS[act](z)
        zs.append(z)
        hs.append(h_prev)
    # from the output's z where this pass computed it; from a replaced y alone otherwise
    loss = losses.value(problem.loss, h_prev, problem.y_target, zs[-1] if zs else None)
    return Trace(z=tuple(zs), h=tuple(hs), loss=loss)


def forward(problem) -> Trace:
    """The forward pass of ``problem`` as generated."""
    return run(problem)

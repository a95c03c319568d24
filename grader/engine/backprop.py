"""The backward pass, layer by layer, each intermediate computed once and reused."""

from __future__ import annotations

from ..records import Record

import numpy as np

from . import losses
from .forward import Trace, derivative, layer_activations, matvec


class Gradients(Record, frozen=True):
    """dL/d(everything). Index ``l-1`` belongs to layer l; ``dL_dh[-1]`` is dL/dy = delta."""

    dL_dh: tuple
    dL_dz: tuple
    dW: tuple
    db: tuple

    @property
    def delta(self) -> np.ndarray:
        return self.dL_dh[-1]


def backprop(problem, trace: Trace) -> Gradients:
    depth = len(problem.weights)
    inputs = (problem.x,) + trace.h[:-1]
    dh = losses.gradient(problem.loss, trace.y, problem.y_target)        # delta = dL/dy
    # a cross-entropy's dL/dz at the output: y - t, not delta * act'(z) (their factors cancel)
    output_dz = losses.output_gradient(problem.loss, trace.y, problem.y_target)
    dL_dh, dL_dz, dW, db = [None] * depth, [None] * depth, [None] * depth, [None] * depth
    for l, act in reversed(list(enumerate(layer_activations(problem)))):
        dL_dh[l] = dh
        if l == depth - 1 and output_dz is not None:
            dz = output_dz
        else:
            dz = dh * derivative(act, trace.z[l], trace.h[l])            # dL/dz = dL/dh * act'(z)
        dL_dz[l] = dz
        dW[l] = dz[..., :, None] * inputs[l][..., None, :]               # dL/dW = dz (x) h_prev
        db[l] = dz
        dh = matvec(problem.weights[l].swapaxes(-1, -2), dz)             # dL/dh_prev = W.T @ dz
    return Gradients(tuple(dL_dh), tuple(dL_dz), tuple(dW), tuple(db))

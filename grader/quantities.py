"""The seed network's values by the names the learner's ``net`` uses.

Everything is one flat ``{name: float}``: inputs and parameters (``x1``, ``w2_13``,
``v1``, ``b3``), forward values (``z1_2``, ``h2_1``, ``y``, ``L``), upstream gradients
(``delta3``, ``dL_dh2_1``, ``dL_dh1_3``), parameter gradients (``dL_dw2_11``, ``dL_dv1``,
``dL_db3``) and the values after one update (``new_w2_11``, ``new_b3``).
"""

from __future__ import annotations

from .backprop import backprop
from .forward import forward
from .generators import SEED_LAYERS
from .errors import UsageError


def parameter_names(weights, biases, prefix: str = "") -> dict:
    """``{name: value}`` for W1 b1 W2 b2 W3 b3 of the seed network, as the seed writes them."""
    values = {}
    for l, (W, b) in enumerate(zip(weights, biases), start=1):
        if l == len(weights):                       # the output neuron: v1 v2 and b^(3)
            for j, w in enumerate(W[0], start=1):
                values[f"{prefix}v{j}"] = float(w)
            values[f"{prefix}b{l}"] = float(b[0])
            continue
        for i, row in enumerate(W, start=1):
            for j, w in enumerate(row, start=1):
                values[f"{prefix}w{l}_{i}{j}"] = float(w)
        for i, value in enumerate(b, start=1):
            values[f"{prefix}b{l}_{i}"] = float(value)
    return values


def layer_names(per_layer, stem: str, prefix: str = "", ends_at_output: bool = False) -> dict:
    """``{prefix+stem+l_i: value}`` per layer; with ``ends_at_output`` the last is ``stem+l``."""
    values = {}
    for l, layer in enumerate(per_layer, start=1):
        if ends_at_output and l == len(per_layer):
            values[f"{prefix}{stem}{l}"] = float(layer[0])
        else:
            for i, value in enumerate(layer, start=1):
                values[f"{prefix}{stem}{l}_{i}"] = float(value)
    return values


def require_seed_network(problem) -> None:
    if tuple(problem.layers) != SEED_LAYERS or problem.activation != "sigmoid":
        raise UsageError("the numbered steps are defined for the seed's 2-3-2-1 sigmoid network")


def inputs(problem) -> dict:
    values = {f"x{j}": float(v) for j, v in enumerate(problem.x, start=1)}
    values["y_target"] = float(problem.y_target[0])
    values["eta"] = problem.eta
    values.update(parameter_names(problem.weights, problem.biases))
    return values


def reference(problem) -> dict:
    """Every named quantity of the seed network, from the forward and backward pass."""
    require_seed_network(problem)
    trace = forward(problem)
    grads = backprop(problem, trace)
    values = inputs(problem)
    values.update(layer_names(trace.z, "z", ends_at_output=True))
    values.update(layer_names(trace.h[:-1], "h"))
    values["y"] = float(trace.y[0])
    values["L"] = trace.loss
    values["delta3"] = float(grads.delta[0])
    values.update(layer_names(grads.dL_dh[:-1], "h", prefix="dL_d"))
    values.update(parameter_names(grads.dW, grads.db, prefix="dL_d"))
    values.update({f"new_{name}": values[name] - problem.eta * values[f"dL_d{name}"]
                   for name in parameter_names(problem.weights, problem.biases)})
    return values


def finite_difference(problem) -> dict:
    """The gradient quantities again, from central differences of L alone."""
    from . import finite_difference as fd

    trace = forward(problem)
    dW, db = fd.parameter_gradients(problem)
    dh = fd.activation_gradients(problem, trace)
    values = parameter_names(dW, db, prefix="dL_d")
    values.update(layer_names(dh[:-1], "h", prefix="dL_d"))
    values["delta3"] = float(dh[-1][0])
    params = parameter_names(problem.weights, problem.biases)
    values.update({f"new_{name}": value - problem.eta * values[f"dL_d{name}"]
                   for name, value in params.items()})
    return values

"""The seed network's values by the names the learner's ``net`` uses.

Everything is one flat ``{name: float}``: inputs and parameters (``x1``, ``w2_13``,
``v1``, ``b3``), forward values (``z1_2``, ``h2_1``, ``y``, ``L``), upstream gradients
(``delta3``, ``dL_dh2_1``, ``dL_dh1_3``), parameter gradients (``dL_dw2_11``, ``dL_dv1``,
``dL_db3``) and the values after one update (``new_w2_11``, ``new_b3``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from .. import notation
from ..engine.backprop import backprop
from ..engine.forward import forward
from ..errors import UsageError
from ..notation import GRADIENT, LOSSES, SEED_LAYERS, SEED_LOSS, UPDATED


def _layers(weights) -> tuple:
    return (weights[0].shape[1],) + tuple(W.shape[0] for W in weights)

MESSAGES = {
    "not_seed_network": {
        "en": "the numbered steps are defined for the lesson's 2-3-2-1 sigmoid network with "
              "its one sigmoid output (the lesson's L = ½(y − y_target)², half_squared_error, "
              "or {losses}), not a {layers} {activation} one with {loss}",
        "zh": "编号的步骤只针对课文的 2-3-2-1 sigmoid 网络及其唯一的 sigmoid 输出（课文的损失 "
              "L = ½(y − y_target)²，即 half_squared_error，或 {losses}），而不是使用 {loss} 的 "
              "{layers} {activation} 网络"},
}

def parameter_slots(weights, biases):
    """``(name, kind, layer, index)`` for W1 b1 W2 b2 W3 b3: kind "W" or "b", layer 0-based.

    Names are the seed's (:func:`grader.notation.parameter_slots`): ``w2_13`` is ``W2[0, 2]``,
    the output neuron's are v1 v2 and b3.
    """
    return notation.parameter_slots(_layers(weights))


def parameter_names(weights, biases, prefix: str = "") -> dict:
    """``{name: value}`` for W1 b1 W2 b2 W3 b3 of the seed network, as the seed writes them."""
    arrays = {"W": weights, "b": biases}
    return {prefix + name: float(arrays[kind][layer][index])
            for name, kind, layer, index in parameter_slots(weights, biases)}


def layer_names(per_layer, stem: str, prefix: str = "", ends_at_output: bool = False) -> dict:
    """``{name: value}`` of one value per neuron and layer (``stem`` "z" or "h"): ``z1_2``;
    with ``ends_at_output`` the last of ``per_layer`` is the output neuron's (``z3``)."""
    # The network's layer sizes as far as naming needs them: the input's does not matter, and
    # hidden layers alone are followed by an output.
    layers = (0,) + tuple(len(layer) for layer in per_layer) + (() if ends_at_output else (1,))
    name = notation.preactivation if stem == "z" else notation.activation
    return {prefix + name(l, i, layers): float(value)
            for l, layer in enumerate(per_layer, start=1)
            for i, value in enumerate(layer, start=1)}


def step_losses() -> tuple:
    """The losses the numbered steps hold for: those of one sigmoid output (grader.notation.
    LOSSES), whose δ⁽³⁾ = ∂L/∂y the steps carry back through y(1−y); the lesson's first."""
    return tuple(loss for loss, output in LOSSES.items() if output == "sigmoid")


def is_seed_network(problem) -> bool:
    """Is ``problem`` the lesson's network, with a loss its numbered steps are for?"""
    return (tuple(problem.layers) == SEED_LAYERS and problem.activation == "sigmoid"
            and problem.loss in step_losses())


def require_seed_network(problem, lang: str | None = None) -> None:
    """UsageError (in ``lang``, else the locale's language) unless ``problem`` is the
    seed's network."""
    if not is_seed_network(problem):
        from ..i18n import LIST_SEPARATOR, pick, resolve, text

        lang = resolve(lang)
        others = pick(LIST_SEPARATOR, lang).join(l for l in step_losses() if l != SEED_LOSS)
        raise UsageError(text(MESSAGES, "not_seed_network", lang,
                              layers="-".join(map(str, problem.layers)),
                              activation=problem.activation, loss=problem.loss, losses=others))


def inputs(problem) -> dict:
    values = {notation.activation(0, j): float(v) for j, v in enumerate(problem.x, start=1)}
    values["y_target"] = float(problem.y_target[0])
    values["eta"] = problem.eta
    values.update(parameter_names(problem.weights, problem.biases))
    return values


def reference(problem, lang: str | None = None) -> dict:
    """Every named quantity of the seed network, from the forward and backward pass (a problem
    of another network is refused in ``lang``)."""
    require_seed_network(problem, lang)
    trace = forward(problem)
    grads = backprop(problem, trace)
    values = inputs(problem)
    values.update(layer_names(trace.z, "z", ends_at_output=True))
    values.update(layer_names(trace.h[:-1], "h"))
    values["y"] = float(trace.y[0])
    values["L"] = trace.loss
    values[notation.output_delta(problem.layers)] = float(grads.delta[0])
    values.update(layer_names(grads.dL_dh[:-1], "h", prefix=GRADIENT))
    values.update(parameter_names(grads.dW, grads.db, prefix=GRADIENT))
    values.update({UPDATED + name: values[name] - problem.eta * values[GRADIENT + name]
                   for name in parameter_names(problem.weights, problem.biases)})
    return values


class FiniteDifferences(Mapping):
    """The gradient quantities again, from central differences of L alone.

    A read-only mapping like :func:`reference`'s gradients; each value costs two forward
    passes and is computed when first read, so showing one step's values stays cheap.
    """

    def __init__(self, problem):
        require_seed_network(problem)
        self._problem = problem
        self._trace = forward(problem)
        self._values = {}
        self._how = {}                              # name -> function computing it
        from ..engine import finite_difference as fd

        for name, kind, layer, index in parameter_slots(problem.weights, problem.biases):
            self._how[GRADIENT + name] = partial(fd.parameter_gradient, problem, kind, layer, index)
        for layer, h in enumerate(self._trace.h[:-1]):
            for i in range(len(h)):
                self._how[GRADIENT + notation.activation(layer + 1, i + 1, problem.layers)] = \
                    partial(fd.activation_gradient, problem, self._trace, layer, i)
        self._how[notation.output_delta(problem.layers)] = partial(
            fd.activation_gradient, problem, self._trace, len(self._trace.h) - 1, 0)
        for name, value in parameter_names(problem.weights, problem.biases).items():
            self._how[UPDATED + name] = partial(self._updated, name, value)

    def _updated(self, name: str, value: float) -> float:
        return value - self._problem.eta * self[GRADIENT + name]

    def __getitem__(self, name: str) -> float:
        if name not in self._values:
            self._values[name] = float(self._how[name]())
        return self._values[name]

    def __iter__(self):
        return iter(self._how)

    def __len__(self) -> int:
        return len(self._how)


def finite_difference(problem) -> FiniteDifferences:
    """The gradient quantities from central differences of L, by name (computed on demand)."""
    return FiniteDifferences(problem)

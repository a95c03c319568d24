"""Pure, seeded problem generators.

``generate(seed)`` draws the seed lesson's 2-3-2-1 sigmoid network with concrete numbers.
Every number a person reads (inputs, target, weights, biases, learning rate) has at most
two decimals and is rounded *before* anything is computed from it, so what is printed is
exactly what is graded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .backprop import backprop
from .errors import GenerationError
from .forward import ACTIVATIONS, forward

SEED_LAYERS = (2, 3, 2, 1)
LEARNING_RATES = (0.05, 0.1, 0.2, 0.25, 0.5, 1.0)
MAX_ATTEMPTS = 20_000

# Well-conditioned: no activation saturated, no pre-activation at a ReLU kink, and every
# gradient far enough from zero that a relative comparison means something.
SATURATION = 0.05           # sigmoid outputs kept inside [0.05, 0.95], tanh inside +-0.95
KINK = 0.05                 # |z| >= 0.05 for ReLU
MIN_GRADIENT = 1e-4         # |every dL/dparam| and |every dL/dh| >= this (smooth activations)
MIN_GRADIENT_LARGE = 1e-9   # the same for networks other than the seed's


@dataclass(frozen=True, eq=False)
class Problem:
    """One concrete network, its input and target. Arrays are read-only.

    ``weights[l-1]`` is W_l with ``W_l[i-1, j-1] = w_ij^(l)``: row = neuron of layer l,
    column = its input. The seed's v1, v2 are ``weights[2][0]`` and b^(3) is ``biases[2][0]``.
    """

    seed: int
    layers: tuple
    activation: str
    output_activation: str
    x: np.ndarray
    y_target: np.ndarray
    eta: float
    weights: tuple
    biases: tuple


def _frozen(array) -> np.ndarray:
    array = np.asarray(array, dtype=float)
    array.setflags(write=False)
    return array


def _two_decimals(rng, shape, low: int, high: int, min_abs: int = 0) -> np.ndarray:
    """Values k/100 with low <= k <= high and |k| >= min_abs."""
    k = rng.integers(low, high + 1, size=shape)
    while min_abs and np.any(np.abs(k) < min_abs):
        small = np.abs(k) < min_abs
        k[small] = rng.integers(low, high + 1, size=int(small.sum()))
    return k / 100.0


def _draw(rng, seed: int, layers: tuple, activation: str) -> Problem:
    weights, biases = [], []
    for n_in, n_out in zip(layers[:-1], layers[1:]):
        # +-1.5 for the seed's small layers, shrinking with fan-in so wide layers don't saturate
        high = max(20, round(150 * min(1.0, (3 / n_in) ** 0.5)))
        weights.append(_frozen(_two_decimals(rng, (n_out, n_in), -high, high,
                                             min_abs=min(10, high // 3))))
        biases.append(_frozen(_two_decimals(rng, (n_out,), -100, 100)))
    return Problem(
        seed=seed,
        layers=layers,
        activation=activation,
        output_activation="sigmoid",
        x=_frozen(_two_decimals(rng, (layers[0],), -100, 100, min_abs=10)),
        y_target=_frozen(_two_decimals(rng, (layers[-1],), 5, 95)),
        eta=float(LEARNING_RATES[rng.integers(len(LEARNING_RATES))]),
        weights=tuple(weights),
        biases=tuple(biases),
    )


def well_conditioned(problem: Problem) -> bool:
    trace = forward(problem)
    for act, z, h in zip((problem.activation,) * (len(problem.layers) - 2)
                         + (problem.output_activation,), trace.z, trace.h):
        if act == "sigmoid" and np.any((h < SATURATION) | (h > 1 - SATURATION)):
            return False
        if act == "tanh" and np.any(np.abs(h) > 1 - SATURATION):
            return False
        if act == "relu" and (np.any(np.abs(z) < KINK) or not np.any(z > 0)):
            return False
    if problem.activation == "relu":
        return True        # a ReLU network may have dead units; their zero gradients are exact
    grads = backprop(problem, trace)
    floor = MIN_GRADIENT if problem.layers == SEED_LAYERS else MIN_GRADIENT_LARGE
    return all(np.all(np.abs(g) >= floor)
               for g in grads.dW + grads.db + grads.dL_dh)


def parse_layers(layers) -> tuple:
    layers = tuple(int(n) for n in layers)
    if len(layers) < 2 or any(n < 1 for n in layers):
        raise ValueError("layers need at least an input and an output size, each >= 1")
    return layers


def generate(seed: int, layers=SEED_LAYERS, activation: str = "sigmoid") -> Problem:
    """The problem for ``seed``: the same seed always gives the same numbers."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise GenerationError(f"a seed is a whole number >= 0, not {seed!r}")
    if activation not in ACTIVATIONS:
        raise GenerationError(f"unknown activation {activation!r}; choose from "
                              + ", ".join(ACTIVATIONS))
    layers = parse_layers(layers)
    rng = np.random.default_rng(int(seed))
    for _ in range(MAX_ATTEMPTS):
        problem = _draw(rng, int(seed), layers, activation)
        if well_conditioned(problem):
            return problem
    raise GenerationError(
        f"no well-conditioned {'-'.join(map(str, layers))} {activation} network found for "
        f"seed {seed} after {MAX_ATTEMPTS} draws; try a smaller network or another seed")


def trial_seeds(seed: int, count: int) -> list[int]:
    """Further problems derived from ``seed``: reproducible, yet not the visible one."""
    states = np.random.SeedSequence([int(seed), 0xB9]).generate_state(count, dtype=np.uint32)
    return [int(s) for s in states]

"""Pure, seeded problem generators.

``generate(seed)`` draws the seed lesson's 2-3-2-1 sigmoid network with concrete numbers.
Every number a person reads (inputs, target, weights, biases, learning rate) has at most
two decimals and is rounded *before* anything is computed from it, so what is printed is
exactly what is graded. A draw is kept when it is well-conditioned and not degenerate
(grader.engine.degenerate: no slip a learner makes gives the right answer on it, or another
slip's answer); the seed's network takes about 70 draws for one (about 10 ms, against 0.4 ms
for a merely well-conditioned one).
"""

from __future__ import annotations

import math
from functools import lru_cache

from ..records import Record

import numpy as np

from .backprop import backprop
from .degenerate import hand_sized, is_degenerate, meets_a_cheap_condition
from ..errors import GenerationError, UsageError
from .forward import ACTIVATIONS, forward
from .losses import CROSS_ENTROPIES
from ..i18n import resolve, text
from ..notation import LOSSES, SEED_LAYERS, SEED_LOSS

MESSAGES = {
    "bad_seed": {"en": "a seed is a whole number >= 0, not {seed}",
                 "zh": "种子必须是 >= 0 的整数，而不是 {seed}"},
    "bad_activation": {"en": "unknown activation {name}; choose from {choices}",
                       "zh": "未知的激活函数 {name}；可选：{choices}"},
    "bad_loss": {"en": "unknown loss {name}; choose from {choices}",
                 "zh": "未知的损失函数 {name}；可选：{choices}"},
    "softmax_one_output": {"en": "softmax_cross_entropy needs at least 2 outputs (a softmax of one "
                                 "output is always 1), not the {layers} network's 1",
                           "zh": "softmax_cross_entropy 至少需要 2 个输出（只有一个输出时 softmax "
                                 "恒为 1），而 {layers} 网络只有 1 个"},
    "bad_layers": {"en": "layers takes sizes like 2,3,2,1 (at least two, each 1..{max}), "
                         "not {layers}",
                   "zh": "layers 的格式如 2,3,2,1（至少两个数，每个 1..{max}），而不是 {layers}"},
    "no_problem": {"en": "no well-conditioned {layers} {activation} network found for seed "
                         "{seed} after {attempts} draws; try a smaller network or another seed",
                   "zh": "种子 {seed} 抽取 {attempts} 次后仍未得到条件良好的 {layers} {activation} "
                         "网络；请换一个更小的网络或另一个种子"},
}

MAX_LAYER_SIZE = 4096             # a wider layer is more numbers than anyone reads or times
# Not 1 (η·g is g: a missing η or an η inside a gradient is invisible) nor ½ (η·g is g/2: such a
# slip looks like a factor of two); see grader.engine.degenerate.
LEARNING_RATES = (0.05, 0.1, 0.2, 0.25)
MAX_ATTEMPTS = 20_000
# Work of all attempts together (weights drawn + a per-layer cost): a network that cannot be
# well-conditioned fails within about a second.
DRAW_BUDGET = 500_000
LAYER_COST = 100
MIN_ATTEMPTS = 100

# Well-conditioned: no activation saturated, no pre-activation at a ReLU kink, and every
# gradient far enough from zero that a relative comparison means something.
SATURATION = 0.05           # sigmoid outputs kept inside [0.05, 0.95], tanh inside +-0.95
KINK = 0.05                 # |z| >= 0.05 for ReLU
KINK_LARGE = 1e-3           # ... in other networks (a finite-difference step moves z ~1e-5)
MIN_GRADIENT = 1e-4         # |every dL/dparam| and |every dL/dh| >= this (smooth activations)
MIN_GRADIENT_LARGE = 1e-9   # the same for networks other than the seed's


class Problem(Record, frozen=True):
    """One concrete network, its input, target and loss. Arrays are read-only.

    ``weights[l-1]`` is W_l with ``W_l[i-1, j-1] = w_ij^(l)``: row = neuron of layer l,
    column = its input. The seed's v1, v2 are ``weights[2][0]`` and b^(3) is ``biases[2][0]``.
    ``loss`` is one of grader.notation.LOSSES (grader.engine.losses), the lesson's by default;
    for softmax_cross_entropy ``y_target`` is a probability vector (:func:`_probabilities`).
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
    loss: str = SEED_LOSS


def frozen_array(array) -> np.ndarray:
    """A read-only float array: Problems are values."""
    array = np.asarray(array, dtype=float)
    array.setflags(write=False)
    return array


@lru_cache(maxsize=64)
def _hundredths(low: int, high: int, min_abs: int) -> np.ndarray:
    """The whole numbers k with low <= k <= high and |k| >= min_abs."""
    return np.array([k for k in range(low, high + 1) if abs(k) >= min_abs])


def _bounds(n_in: int, n_out: int, activation: str, seed_layers: bool) -> tuple[int, int]:
    """(weight bound, bias bound) of one layer, in hundredths."""
    # +-1.5 for the seed's small layers, shrinking with fan-in so wide layers don't saturate
    high = round(150 * min(1.0, (3 / n_in) ** 0.5))
    if seed_layers:
        return max(20, high), 100
    spread = 1.0
    if activation != "relu" and n_out > 3:
        # every one of n_out units must stay unsaturated, and the largest |z| among them grows
        # like sqrt(ln n_out): narrow the spread of z by as much
        spread = math.sqrt(math.log(3) / math.log(n_out))
    return max(2, round(high * spread)), max(2, round(100 * spread))


@lru_cache(maxsize=64)
def _parts(layers: tuple, activation: str) -> tuple:
    """``(shape, allowed hundredths)`` of each drawn array, in drawing order: each layer's
    weights and biases, then x and y_target."""
    acts = (activation,) * (len(layers) - 2) + ("sigmoid",)
    parts = []
    for n_in, n_out, act in zip(layers[:-1], layers[1:], acts):
        high, bias = _bounds(n_in, n_out, act, layers == SEED_LAYERS)
        parts += [((n_out, n_in), _hundredths(-high, high, min(10, high // 3))),
                  ((n_out,), _hundredths(-bias, bias, 0))]
    parts += [((layers[0],), _hundredths(-100, 100, 10)), ((layers[-1],), _hundredths(5, 95, 0))]
    return tuple((shape, tuple(allowed.tolist())) for shape, allowed in parts)


def _draw_numbers(rng, layers: tuple, activation: str) -> tuple:
    """One draw's numbers, every one k/100 within its bounds (:func:`_hundredths`), equally
    likely, from one call of the generator: (a flat list of the k per array, η). Plain Python: most
    draws of a hand-sized network are refused on these numbers alone, before any array is
    built (6.7 ms a seed problem, against 10 ms building every draw)."""
    parts = _parts(layers, activation)
    picks = rng.random(sum(math.prod(shape) for shape, _ in parts) + 1).tolist()
    values, start = [], 0
    for shape, allowed in parts:
        size, n = math.prod(shape), len(allowed)
        values.append([allowed[int(p * n)] for p in picks[start:start + size]])
        start += size
    return values, LEARNING_RATES[int(picks[-1] * len(LEARNING_RATES))]


def _probabilities(hundredths: list) -> list:
    """Whole hundredths in proportion to ``hundredths`` that sum to exactly 100: a softmax
    target t with two decimals and Σ t = 1 exactly as read. Largest remainders: each share is
    rounded down, and the hundredths left over go one each to the largest remainders (the
    earlier output on a tie). With more than 100 outputs some shares are 0."""
    total = sum(hundredths)
    shares = [100 * k // total for k in hundredths]
    by_remainder = sorted(range(len(hundredths)), key=lambda i: -(100 * hundredths[i] % total))
    for i in by_remainder[:100 - sum(shares)]:
        shares[i] += 1
    return shares


def _problem(seed: int, layers: tuple, activation: str, values: list, eta: float,
             loss: str = SEED_LOSS) -> Problem:
    if LOSSES[loss] == "softmax":       # the drawn target, as proportions of a probability vector
        values = values[:-1] + [_probabilities(values[-1])]
    arrays = [frozen_array((np.array(flat) / 100.0).reshape(shape))
              for flat, (shape, _) in zip(values, _parts(layers, activation))]
    return Problem(
        seed=seed,
        layers=layers,
        activation=activation,
        output_activation=LOSSES[loss],
        x=arrays[-2],
        y_target=arrays[-1],
        eta=eta,
        weights=tuple(arrays[0:-2:2]),
        biases=tuple(arrays[1:-2:2]),
        loss=loss,
    )


def well_conditioned(problem: Problem) -> bool:
    trace = forward(problem)
    kink = KINK if problem.layers == SEED_LAYERS else KINK_LARGE
    for act, z, h in zip((problem.activation,) * (len(problem.layers) - 2)
                         + (problem.output_activation,), trace.z, trace.h):
        if act == "sigmoid" and ((h < SATURATION) | (h > 1 - SATURATION)).any():
            return False
        if act == "tanh" and (np.abs(h) > 1 - SATURATION).any():
            return False
        if act == "relu" and ((np.abs(z) < kink).any() or not (z > 0).any()):
            return False
        if act == "softmax" and (h < SATURATION / len(h)).any():
            return False   # no output near 0: at least a twentieth of an even share
    if problem.activation == "relu":
        return True        # a ReLU network may have dead units; their zero gradients are exact
    grads = backprop(problem, trace)
    floor = MIN_GRADIENT if problem.layers == SEED_LAYERS else MIN_GRADIENT_LARGE
    upstream = grads.dL_dh
    if problem.loss in CROSS_ENTROPIES:
        upstream = upstream[:-1]   # dL/dy feeds nothing: dL/dz = y - t (0 where a target is)
    return all((np.abs(g) >= floor).all() for g in grads.dW + grads.db + upstream)


def parse_layers(layers, lang: str | None = None) -> tuple:
    """Layer sizes, input first, from ``"2,3,2,1"`` or a sequence of whole numbers.

    The one check of layer sizes (``--layers``, :func:`generate`, the cost lab); a bad one is a
    :class:`UsageError` whose message ``lang`` chooses.
    """
    written = layers.replace(" ", "").split(",") if isinstance(layers, str) else layers
    try:
        sizes = tuple(_size(n) for n in written)
    except (TypeError, ValueError):
        sizes = ()
    if len(sizes) < 2 or not all(1 <= n <= MAX_LAYER_SIZE for n in sizes):
        raise UsageError(text(MESSAGES, "bad_layers", resolve(lang), max=MAX_LAYER_SIZE,
                              layers=repr(layers)))
    return sizes


def _size(n) -> int:
    """One layer size: a whole number (``"3"``, 3, numpy's 3), never a bool or 2.5."""
    if isinstance(n, str) and n.isdigit():
        return int(n)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise ValueError(n)
    return int(n)


def parse_activation(activation, lang: str | None = None) -> str:
    """A hidden layer's activation (grader.engine.forward.ACTIVATIONS), checked: the one check
    of ``--activation`` and :func:`generate`; a bad one is a :class:`UsageError` whose message
    ``lang`` chooses."""
    if activation not in ACTIVATIONS:
        raise UsageError(text(MESSAGES, "bad_activation", resolve(lang), name=repr(activation),
                              choices=", ".join(ACTIVATIONS)))
    return activation


def parse_loss(loss, lang: str | None = None) -> str:
    """A loss's name (grader.notation.LOSSES), checked: the one check of ``--loss`` and
    :func:`generate`; a bad one is a :class:`UsageError` whose message ``lang`` chooses."""
    if loss not in LOSSES:
        raise UsageError(text(MESSAGES, "bad_loss", resolve(lang), name=repr(loss),
                              choices=", ".join(LOSSES)))
    return loss


def generate(seed: int, layers=SEED_LAYERS, activation: str = "sigmoid",
             lang: str | None = None, loss: str = SEED_LOSS) -> Problem:
    """The problem for ``seed``: the same seed always gives the same numbers.

    ``lang`` only chooses the language of an error's message. Every loss draws its numbers
    alike (a softmax target is then made a probability vector); the degenerate conditions,
    written for the lesson's ½(y − y_target)², apply to that loss only.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise GenerationError(text(MESSAGES, "bad_seed", resolve(lang), seed=repr(seed)))
    activation = parse_activation(activation, lang)
    layers, loss = parse_layers(layers, lang), parse_loss(loss, lang)
    if LOSSES[loss] == "softmax" and layers[-1] < 2:
        raise GenerationError(text(MESSAGES, "softmax_one_output", resolve(lang),
                                   layers="-".join(map(str, layers))))
    return _generate(int(seed), layers, activation, resolve(lang), loss)


# Problems are values, so a process keeps the ones it drew: the seed's takes ~70 draws (~10 ms)
# and one check, sheet or test run asks for the same few seeds many times.
@lru_cache(maxsize=1024)
def _generate(seed: int, layers: tuple, activation: str, lang: str,
              loss: str = SEED_LOSS) -> Problem:
    rng = np.random.default_rng(seed)
    cost = sum(n_in * n_out + LAYER_COST for n_in, n_out in zip(layers[:-1], layers[1:]))
    attempts = min(MAX_ATTEMPTS, max(MIN_ATTEMPTS, DRAW_BUDGET // cost))
    # the degenerate conditions are the lesson's: its loss only
    checked, first = hand_sized(layers) and loss == SEED_LOSS, None
    for _ in range(attempts):
        values, eta = _draw_numbers(rng, layers, activation)
        cheap = checked and meets_a_cheap_condition(values[-2], values[0:-2:2], values[1:-2:2],
                                                    eta)
        if cheap and first is not None:
            continue                   # degenerate, and a fallback is kept already
        problem = _problem(seed, layers, activation, values, eta, loss)
        clean = not cheap and not (checked and is_degenerate(problem))
        if (clean or first is None) and well_conditioned(problem):
            if clean:
                return problem
            first = problem
    if first is not None:              # too crowded for a draw that meets no condition
        return first
    raise GenerationError(text(MESSAGES, "no_problem", lang, seed=seed,
                               layers="-".join(map(str, layers)), activation=activation,
                               attempts=attempts))


def trial_seeds(seed: int, count: int) -> list[int]:
    """Further problems derived from ``seed``: reproducible, yet not the visible one."""
    states = np.random.SeedSequence([int(seed), 0xB9]).generate_state(count, dtype=np.uint32)
    return [int(s) for s in states]

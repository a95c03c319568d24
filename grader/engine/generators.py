"""Pure, seeded problem generators.

``generate(seed)`` draws the seed lesson's 2-3-2-1 sigmoid network with concrete numbers.
Every number a person reads (inputs, target, weights, biases, learning rate) has at most
two decimals and is rounded *before* anything is computed from it, so what is printed is
exactly what is graded. A draw is kept when it is well-conditioned and not degenerate
(grader.engine.degenerate: no slip a learner makes gives the right answer on it, or another
slip's answer); the seed's network takes about 83 draws for one. They are made and screened a
batch at a time (:data:`BATCH`), which keeps a problem to about 1 ms of CPU (3.5 ms when each
draw was checked on its own; 0.4 ms for a merely well-conditioned one), and a little less
when several seeds are drawn together (:func:`generate_many`).
"""

from __future__ import annotations

import itertools
import math
from functools import lru_cache

from ..records import Record

import numpy as np

from .degenerate import (ON_STACKS, Draw, degenerate_in_stack, hand_sized, is_degenerate,
                         meets_a_cheap_condition)
from ..errors import GenerationError, UsageError
from .forward import ACTIVATIONS
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
_RATE_HUNDREDTHS = np.array([round(rate * 100) for rate in LEARNING_RATES], dtype=np.int16)
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


# Draws of a hand-sized network made at once: one call of the generator and one table lookup
# for all of them, the cheap conditions asked of the whole batch, and one forward and backward
# pass for the draws that remain (a problem takes about 83 draws, 13 of which get that far).
# Wider networks, and every loss but the lesson's (no degenerate condition screens their
# draws), draw one at a time: their first well-conditioned draw is kept.
BATCH = 128


@lru_cache(maxsize=64)
def _lookup(layers: tuple, activation: str) -> tuple:
    """``(choices, offsets, table)``, one entry per drawn number in drawing order: a pick p in
    [0, 1) for number c stands for ``table[offsets[c] + int(p * choices[c])]`` hundredths."""
    choices, offsets, table = [], [], []
    for shape, allowed in _parts(layers, activation):
        choices += [float(len(allowed))] * math.prod(shape)
        offsets += [len(table)] * math.prod(shape)
        table += allowed
    return np.array(choices), np.array(offsets), np.array(table, dtype=np.int64)


def _batches(rng, layers: tuple, activation: str, attempts: int, size: int):
    """The draws, in the order drawn, ``size`` at a time: ``(numbers, rates)`` with a row of
    ``numbers`` per draw, its whole hundredths (each array of :func:`_parts` flat, in drawing
    order), every one within its bounds and equally likely, and its η's index in
    :data:`LEARNING_RATES`. Each draw takes one pick per number and one for η from the
    generator, in turn; a batch takes them in one call, which gives the same doubles
    (tests/test_generators.py shows it)."""
    choices, offsets, table = _lookup(layers, activation)
    width = len(choices) + 1
    for start in range(0, attempts, size):
        picks = rng.random(min(size, attempts - start) * width).reshape(-1, width)
        yield (table[(picks[:, :-1] * choices).astype(np.intp) + offsets],
               (picks[:, -1] * len(LEARNING_RATES)).astype(np.intp))


def _meets_a_cheap_condition(numbers, rates, layers: tuple, activation: str):
    """grader.engine.degenerate's cheap conditions, for each of a batch's draws (on 16-bit
    integers: every magnitude drawn is at most 150, and narrower numbers compare faster)."""
    ends = list(itertools.accumulate(math.prod(shape) for shape, _ in _parts(layers, activation)))
    numbers = numbers.astype(np.int16)
    arrays = [numbers[:, begin:end] for begin, end in zip([0] + ends, ends)]
    return meets_a_cheap_condition(arrays[-2], arrays[0:-2:2], arrays[1:-2:2],
                                   _RATE_HUNDREDTHS[rates])


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


def draw_example(rng, layers: tuple, activation: str, loss: str = SEED_LOSS) -> tuple:
    """``(x, y_target)`` drawn from ``rng`` as a problem's are (two decimals, a softmax's
    target a probability vector): a further example for a network already drawn."""
    (x_shape, x_allowed), (t_shape, t_allowed) = _parts(layers, activation)[-2:]
    x = rng.choice(np.array(x_allowed), x_shape)
    t = rng.choice(np.array(t_allowed), t_shape).tolist()
    if LOSSES[loss] == "softmax":
        t = _probabilities(t)
    return frozen_array(x / 100.0), frozen_array(np.array(t) / 100.0)


def _problem(seed, layers: tuple, activation: str, numbers, eta,
             loss: str = SEED_LOSS) -> Problem:
    """The problem of one draw's ``numbers`` (a row of :func:`_batches`), or of many draws'
    (``numbers`` 2-d, ``seed`` and ``eta`` tuples): a stack of problems, every array with a
    leading axis."""
    if LOSSES[loss] == "softmax":       # the drawn target, as proportions of a probability vector
        outputs = layers[-1]            # the target's numbers are each row's last
        targets = [_probabilities(row) for row in numbers[..., -outputs:].reshape(-1, outputs)
                   .tolist()]
        numbers = numbers.copy()
        numbers[..., -outputs:] = np.array(targets).reshape(numbers.shape[:-1] + (outputs,))
    arrays, start = [], 0
    for shape, _ in _parts(layers, activation):
        end = start + math.prod(shape)
        arrays.append(frozen_array((numbers[..., start:end] / 100.0)
                                   .reshape(numbers.shape[:-1] + shape)))
        start = end
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
    """No activation saturated, no pre-activation at a ReLU kink, no gradient too small."""
    return bool(_conditioned(Draw(problem)))


def _conditioned(draw: Draw):
    """:func:`well_conditioned` for a draw, or (a stack of draws) for each of them: an
    array of booleans."""
    problem, trace = draw.problem, draw.trace
    per_draw = trace.y.shape[:-1]                   # () for one draw, (count,) for a stack

    def anywhere(met):                              # in any element of a draw's array
        return met.reshape(per_draw + (-1,)).any(axis=-1)

    def everywhere(met):                            # in every element of a draw's array
        return met.reshape(per_draw + (-1,)).all(axis=-1)

    kink = KINK if problem.layers == SEED_LAYERS else KINK_LARGE
    good = np.ones(per_draw, dtype=bool)
    for act, z, h in zip(draw.activations, trace.z, trace.h):
        if act == "sigmoid":
            good &= ~anywhere((h < SATURATION) | (h > 1 - SATURATION))
        if act == "tanh":
            good &= ~anywhere(np.abs(h) > 1 - SATURATION)
        if act == "relu":
            good &= ~anywhere(np.abs(z) < kink) & anywhere(z > 0)
        if act == "softmax":   # no output near 0: at least a twentieth of an even share
            good &= ~anywhere(h < SATURATION / h.shape[-1])
    if problem.activation == "relu":
        return good        # a ReLU network may have dead units; their zero gradients are exact
    grads = draw.gradients
    floor = MIN_GRADIENT if problem.layers == SEED_LAYERS else MIN_GRADIENT_LARGE
    upstream = grads.dL_dh
    if problem.loss in CROSS_ENTROPIES:
        upstream = upstream[:-1]   # dL/dy feeds nothing: dL/dz = y - t (0 where a target is)
    for g in grads.dW + grads.db + upstream:
        good &= everywhere(np.abs(g) >= floor)
    return good


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
    return generate_many([seed], layers, activation, lang, loss)[0]


def generate_many(seeds, layers=SEED_LAYERS, activation: str = "sigmoid",
                  lang: str | None = None, loss: str = SEED_LOSS) -> list:
    """The problems for ``seeds``, each the one :func:`generate` gives for it. A hand-sized
    network's seeds are drawn together: each seed's draws are its own, in its own order, but
    they share each batch's numpy work (a student's five problems take about a quarter less
    time than drawn one by one)."""
    for seed in seeds:
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise GenerationError(text(MESSAGES, "bad_seed", resolve(lang), seed=repr(seed)))
    activation = parse_activation(activation, lang)
    layers, loss = parse_layers(layers, lang), parse_loss(loss, lang)
    if LOSSES[loss] == "softmax" and layers[-1] < 2:
        raise GenerationError(text(MESSAGES, "softmax_one_output", resolve(lang),
                                   layers="-".join(map(str, layers))))
    return list(_generate(tuple(int(seed) for seed in seeds), layers, activation,
                          resolve(lang), loss))


# Problems are values, so a process keeps the ones it drew: one check, sheet or test run asks
# for the same few seeds many times.
@lru_cache(maxsize=1024)
def _generate(seeds: tuple, layers: tuple, activation: str, lang: str,
              loss: str = SEED_LOSS) -> tuple:
    """For each seed, its first well-conditioned draw that meets no degenerate condition;
    else (a network too crowded for one, or a loss other than the lesson's, whose draws the
    conditions are not written for) its first well-conditioned draw."""
    cost = sum(n_in * n_out + LAYER_COST for n_in, n_out in zip(layers[:-1], layers[1:]))
    attempts = min(MAX_ATTEMPTS, max(MIN_ATTEMPTS, DRAW_BUDGET // cost))
    hand, problems = hand_sized(layers), {}
    # A hand-sized network looks for a draw that meets no condition first (the lesson's loss
    # only: the conditions are written for ½(y − y_target)²); when it is too crowded for one,
    # the same draws again give the first well-conditioned one. Its seeds are screened
    # together; a wider network's one at a time, as its draws always were.
    for checked in (True, False) if hand and loss == SEED_LOSS else (False,):
        pending = [seed for seed in dict.fromkeys(seeds) if seed not in problems]
        for group in [pending] if hand else [[seed] for seed in pending]:
            problems.update(_first_kept(group, layers, activation, attempts, checked, loss))
    for seed in seeds:
        if seed not in problems:
            raise GenerationError(text(MESSAGES, "no_problem", lang, seed=seed,
                                       layers="-".join(map(str, layers)),
                                       activation=activation, attempts=attempts))
    return tuple(problems[seed] for seed in seeds)


def _first_kept(seeds: list, layers: tuple, activation: str, attempts: int,
                checked: bool, loss: str) -> dict:
    """Each seed's first draw that is well-conditioned and (``checked``) meets no degenerate
    condition, by seed; a seed none of whose ``attempts`` draws is, is left out. A round
    screens one batch of every seed still looking together (a seed's rows in the order
    drawn): the cheap conditions on the raw numbers, then one forward and backward pass."""
    streams = {seed: _batches(np.random.default_rng(seed), layers, activation, attempts,
                              BATCH if checked else 1) for seed in seeds}
    kept = {}
    while streams:
        owners, numbers, rates = [], [], []
        for seed, stream in list(streams.items()):
            batch = next(stream, None)
            if batch is None:
                del streams[seed]                       # every draw of it asked
                continue
            owners += [seed] * len(batch[0])
            numbers.append(batch[0])
            rates.append(batch[1])
        if not owners:
            break
        numbers, rates = np.concatenate(numbers), np.concatenate(rates)
        if checked:
            left = ~_meets_a_cheap_condition(numbers, rates, layers, activation)
            numbers, rates = numbers[left], rates[left]
            owners = list(itertools.compress(owners, left.tolist()))
        if not owners:
            continue
        etas = tuple(LEARNING_RATES[rate] for rate in rates.tolist())
        stack = Draw(_problem(tuple(owners), layers, activation, numbers, etas, loss))
        good = _conditioned(stack)
        if checked:
            good &= ~degenerate_in_stack(stack)
        for i in np.flatnonzero(good).tolist():
            seed = owners[i]
            if seed in kept or (checked and is_degenerate(stack.row(i), skip=ON_STACKS)):
                continue
            kept[seed] = _problem(seed, layers, activation, numbers[i], etas[i], loss)
            del streams[seed]
    return kept


def trial_seeds(seed: int, count: int) -> list[int]:
    """Further problems derived from ``seed``: reproducible, yet not the visible one."""
    states = np.random.SeedSequence([int(seed), 0xB9]).generate_state(count, dtype=np.uint32)
    return [int(s) for s in states]

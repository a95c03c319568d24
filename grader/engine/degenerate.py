"""Degenerate draws: numbers on which a learner's slip would not show.

A draw is degenerate when a slip a learner makes (grader.checking.diagnosis names them) gives
the right answer on it, or the same answer as another slip, so that a check cannot see the slip
or tell which one it was: w₁₂⁽²⁾ = w₂₁⁽²⁾ hides a transposed index, η = 1 a missing η, h = ½ the
difference between h and 1 − h. Each condition in :data:`DEGENERATE` is one such coincidence,
written for any number of layers, and its docstring says which slips it would hide;
grader.engine.generators draws again when a draw meets one, for the visible problem and the
further ones alike. It asks the cheapest of them of a whole batch of draws at once: on their raw
numbers (:func:`meets_a_cheap_condition`), then on a stack of their forward and backward passes
(:data:`ON_STACKS`). The problems drawn must never change (sheets were printed from them), so
the conditions' arithmetic, and the order of it, is kept as it was first written.

They apply to networks a person works by hand, no larger than the seed's (:data:`HAND_SIZED`
parameters): in wider layers some two-decimal numbers must coincide. A network too crowded for a
draw that meets none keeps its first well-conditioned draw. tests/test_generators.py holds them
to the diagnosis: on many seeds' problems no operator's wrong formula gives the right answer or
another one's.
"""

from __future__ import annotations

import math
from functools import cached_property, lru_cache

import numpy as np

from .. import records, tolerances
from .backprop import Gradients, backprop
from .forward import Trace, derivative, forward

HAND_SIZED = 23
SPECIAL_MAGNITUDES = (0.0, 0.5, 1.0, 2.0)
# Two numbers are "the same" within this, relative to the larger: two-decimal numbers only when
# equal (the nearest differ by >= 0.6 %), computed ones (activations) when within 0.1 %.
MARGIN = 1e-3
# A slip shows when it moves the answer by at least this, relative: twice what the check and
# the diagnosis tell apart (a slip inside a pre-activation z moves h = σ(z) by σ′ times as much).
VISIBLE = 2 * tolerances.DIAGNOSIS_RELATIVE


def _same(a, b):
    """Are ``a`` and ``b`` the same number (numbers, or arrays of them element by element)?"""
    return np.abs(a - b) <= MARGIN * np.maximum(np.maximum(np.abs(a), np.abs(b)), 0.01)


def _alike(values, twice: bool = True):
    """Do two of ``values`` have the same magnitude, or (``twice``) one twice the other? For
    a stack of draws (``values`` with a leading axis, the numbers along the last), one answer
    per draw."""
    ordered = np.sort(np.abs(values), axis=-1)
    low, high = ordered[..., :-1], ordered[..., 1:]
    alike = (high - low <= MARGIN * np.maximum(high, 0.01)).any(axis=-1)
    if twice:                         # the first value from 2a(1 − MARGIN) up, for each a
        doubled = 2 * ordered
        above = ordered[..., None, :] >= (doubled * (1 - MARGIN))[..., :, None]
        first = np.take_along_axis(ordered, above.argmax(axis=-1), axis=-1)
        alike |= (above.any(axis=-1) & _same(doubled, first)).any(axis=-1)
    return alike


def _crowded(moves, gap):
    """Are two of ``moves`` (what slips add to an answer, 0 for none) closer than ``gap``?
    For arrays of them (the moves along the last axis), one answer each."""
    ordered = np.sort(moves, axis=-1)
    return (ordered[..., 1:] - ordered[..., :-1]).min(axis=-1, initial=math.inf) < gap


def _term_moves(term: float, factors: list, others: list) -> list:
    """What slips add to ``term``, a product of ``factors``: one factor read as another value
    (``others[k]``: what may stand for factor k), the term's sign flipped, doubled, halved or
    dropped."""
    moves = [-2 * term, term, -term / 2, -term]
    for k, factor in enumerate(factors):
        rest = math.prod(factors[:k] + factors[k + 1:])
        moves += [(other - factor) * rest for other in others[k] if other != factor]
    return moves


class Draw:
    """One draw as the conditions read it, each part computed on first use (most draws fail a
    cheap condition first). Layer l is at index l − 1 of every tuple.

    The generator makes one of a stack of problems (every array with a leading axis of draws)
    for its forward and backward pass, then reads each draw with :meth:`row`."""

    def __init__(self, problem, trace: Trace | None = None, gradients: Gradients | None = None):
        self.problem = problem
        if trace is not None:              # computed already: cached_property reads these
            self.__dict__.update(trace=trace, gradients=gradients)

    def row(self, i: int) -> Draw:
        """Draw ``i`` of a stack, with its part of the stack's forward and backward pass."""
        problem, trace, grads = self.problem, self.trace, self.gradients
        return Draw(
            records.replace(problem, seed=problem.seed[i], x=problem.x[i],
                            y_target=problem.y_target[i], eta=problem.eta[i],
                            weights=tuple(W[i] for W in problem.weights),
                            biases=tuple(b[i] for b in problem.biases)),
            Trace(z=tuple(z[i] for z in trace.z), h=tuple(h[i] for h in trace.h),
                  loss=float(trace.loss[i])),
            Gradients(*(tuple(a[i] for a in part)
                        for part in (grads.dL_dh, grads.dL_dz, grads.dW, grads.db))))

    @cached_property
    def activations(self) -> tuple:
        problem = self.problem
        return (problem.activation,) * (len(problem.layers) - 2) + (problem.output_activation,)

    @cached_property
    def lesson_shaped(self) -> bool:
        """One sigmoid output, as in the lesson: the slips its steps' diagnosis names beyond
        the first operators (another layer's σ′, δ or L upstream, extra factors, η left out)
        are guarded against only here; a network with more outputs has no such steps."""
        return self.problem.layers[-1] == 1

    @cached_property
    def trace(self):
        return forward(self.problem)

    @cached_property
    def gradients(self):
        return backprop(self.problem, self.trace)

    @cached_property
    def hundredths(self) -> set:
        """The magnitudes of the inputs and parameters in hundredths (they have two decimals)."""
        problem = self.problem
        drawn = [problem.x] + [a.ravel() for a in problem.weights + problem.biases]
        return {round(abs(v) * 100) for v in np.concatenate(drawn).tolist()}

    @cached_property
    def inputs(self) -> tuple:
        """Each layer's inputs: x, then the activations before it."""
        return (self.problem.x,) + self.trace.h[:-1]

    @cached_property
    def slopes(self) -> tuple:
        """Per layer, (σ′ of each neuron, what a slip writes for one): another neuron's σ′, a
        sigmoid's h(1 − h) taken at z, half of it (h or 1 − h), h(1 − h)·h, or another layer's σ′."""
        out = []
        for act, z, h in zip(self.activations, self.trace.z, self.trace.h):
            slope = derivative(act, z, h).tolist()
            wrong = list(slope)
            if act == "sigmoid" and self.lesson_shaped:   # at z, half of it, times h once more
                hs = h.tolist()
                wrong += ((z * (1 - z)).tolist() + hs + [1 - v for v in hs]
                          + [d * v for d, v in zip(slope, hs)])
            out.append((slope, wrong))
        if not self.lesson_shaped:
            return tuple(out)
        # any other layer's σ′ too (y(1 − y) written for h₂⁽²⁾(1 − h₂⁽²⁾))
        every = [v for slope, _ in out for v in slope]
        return tuple((slope, wrong + [v for v in every if v not in slope]) for slope, wrong in out)

    @cached_property
    def groups(self) -> tuple:
        """Per layer, the numbers a slip puts in one another's place there: its inputs and the
        layer before's (h⁽¹⁾ read as x), its weights and biases, its activations (a sigmoid
        layer's only: a ReLU's dead units are all 0). An array each, a row per draw of a stack."""
        problem = self.problem
        per_draw = problem.x.shape[:-1]
        inputs, before, groups = [problem.x], [], []
        for act, W, b, h in zip(self.activations, problem.weights, problem.biases, self.trace.h):
            outputs = [h] if act == "sigmoid" else []
            groups.append(np.concatenate([a.reshape(per_draw + (-1,))
                                          for a in before + inputs + [W, b] + outputs], axis=-1))
            before, inputs = inputs, outputs
        return tuple(groups)


def _special_number(draw: Draw) -> bool:
    """An input, weight, bias or η at 0, ±½, ±1 or ±2: a dropped term or factor vanishes (b = 0
    hides a missing bias, x = 1 a missing input), an extra factor is 1 (η = 1 inside a gradient
    or missing from the update), or a slip equals a flipped sign (a factor −1) or a factor of
    two (η = ½)."""
    special = {round(m * 100) for m in SPECIAL_MAGNITUDES}
    return not special.isdisjoint(draw.hundredths) or round(draw.problem.eta * 100) in special


def _learning_rate_like_parameter(draw: Draw) -> bool:
    """η equal in magnitude to a weight or bias: η inside a gradient reads as an extra factor."""
    return round(draw.problem.eta * 100) in draw.hundredths


def _alike_in_layer(draw: Draw):
    """Two numbers of one layer's group with the same magnitude, or one twice the other:
    w₁₂⁽²⁾ = w₂₁⁽²⁾ hides a transposed weight, x₁ = w₁₁⁽¹⁾ a weight read for its input,
    w₁₂⁽²⁾ = −w₁₁⁽²⁾ makes a wrong index a flipped sign, and w₁₂⁽²⁾ = 2w₁₁⁽²⁾ a factor of two.
    (Of a stack: one answer per draw.)"""
    alike = False
    for group in draw.groups:
        alike = alike | _alike(group)
    return alike


def _half_activation(draw: Draw) -> bool:
    """A sigmoid activation at ½: h = 1 − h, so σ′ = h(1 − h) written h·h or (1 − h)² is right."""
    return any(_same(h, 0.5).any() for act, h in zip(draw.activations, draw.trace.h)
               if act == "sigmoid")


def _same_slope(draw: Draw) -> bool:
    """Two σ′ of one layer equal, or a sigmoid's σ′ equal to h(1 − h) taken at z (h₁ = 1 − h₂,
    z = h): the wrong neuron's σ′, or σ′ at the pre-activation, is invisible."""
    return any(_alike(wrong, twice=False) for _, wrong in draw.slopes)


def _forward_alike(draw: Draw) -> bool:
    """Two slips in one pre-activation z = Σ w·u + b give the same z, or one gives z itself: a
    weight or input read as another number of the layer's group, a term's sign flipped,
    doubled, halved or dropped, the bias likewise, the whole sum's sign flipped, another
    neuron's weights. Sums of two-decimal products meet by chance (w₁₁⁽¹⁾x₂ + b₁⁽¹⁾ =
    w₁₁⁽¹⁾x₁ + b₃⁽¹⁾), which no condition on single numbers excludes."""
    problem = draw.problem
    for W, b, u, group, h, (slope, _) in zip(problem.weights, problem.biases, draw.inputs,
                                             draw.groups, draw.trace.h, draw.slopes):
        others, inputs, rows = group.tolist(), u.tolist(), W.tolist()
        sums = [sum(w * x for w, x in zip(row, inputs)) for row in rows]
        for i, (row, bias) in enumerate(zip(rows, b.tolist())):
            if not slope[i]:
                continue                    # a dead ReLU: nothing in its z shows
            moves = [0.0, -2 * (sums[i] + bias)] + _term_moves(bias, [bias], [others])
            if len(row) > 1:                # else another neuron's weights is one weight's move
                moves += [other - sums[i] for k, other in enumerate(sums) if k != i]
            for w, x in zip(row, inputs):
                moves += _term_moves(w * x, [w, x], [others, others])
            if _crowded(moves, VISIBLE * abs(float(h[i])) / slope[i]):
                return True
    return False


def _backward_alike(draw: Draw) -> bool:
    """Two slips in one backward value give the same number, or one gives the value itself:
    in ∂L/∂w_ij = ∂L/∂h_i·σ′_i·u_j, ∂L/∂b_i = ∂L/∂h_i·σ′_i and ∂L/∂u_j = Σ_i ∂L/∂h_i·σ′_i·w_ij
    (the layer before's activation), another neuron's ∂L/∂h or σ′, another number of the layer's
    group for u or w, the step done for w_ji, a term's sign flipped, doubled, halved or dropped,
    the whole sum doubled or halved, another input's sum; δ of the output or L read for an
    upstream gradient, ∂L/∂w_ij times w_ij once more, η inside a gradient. Products of two-decimal weights meet
    by chance (v₁w₂₂⁽²⁾ = v₂w₂₁⁽²⁾)."""
    grads = draw.gradients
    # what a slip reads for a layer's upstream gradient: another neuron's, δ of the output, L
    read_for_upstream = [float(grads.dL_dh[-1][0]), draw.trace.loss] if draw.lesson_shaped else []
    eta = draw.problem.eta
    for l, (W, u, group) in enumerate(zip(draw.problem.weights, draw.inputs, draw.groups)):
        up, (slope, wrong) = grads.dL_dh[l].tolist(), draw.slopes[l]
        upstream = up + read_for_upstream
        others, inputs, dW = group.tolist(), u.tolist(), grads.dW[l].tolist()
        rows = W.tolist()
        for i, (g, s) in enumerate(zip(up, slope)):
            moves = [0.0] + _term_moves(g * s, [g, s], [upstream, wrong])              # ∂L/∂b_i
            if draw.lesson_shaped:
                moves.append(g * s * (eta - 1))                       # η inside the gradient
            if _crowded(moves, VISIBLE * abs(g * s)):
                return True
            for j, x in enumerate(inputs):                                            # ∂L/∂w_ij
                moves = [0.0] + _term_moves(g * s * x, [g, s, x], [upstream, wrong, others])
                if draw.lesson_shaped:
                    moves += [g * s * x * (rows[i][j] - 1),       # times w_ij once more,
                              g * s * x * (eta - 1)]              # or η inside it
                if j != i and j < len(dW) and i < len(dW[j]):
                    moves.append(dW[j][i] - dW[i][j])
                if _crowded(moves, VISIBLE * abs(g * s * x)):
                    return True
        if l == 0:
            continue
        columns = W.T.tolist()
        totals = [sum(g * s * w for g, s, w in zip(up, slope, column)) for column in columns]
        for j, (column, total) in enumerate(zip(columns, totals)):     # ∂L/∂u_j, a term a neuron
            moves = [0.0]
            if len(column) > 1:             # else these are a single term's moves
                moves += [total, -total / 2, -2 * total]
                moves += [other - total for k, other in enumerate(totals) if k != j]
            for g, s, w in zip(up, slope, column):
                moves += _term_moves(g * s * w, [g, s, w], [upstream, wrong, others])
            if draw.lesson_shaped:
                moves.append(total * (eta - 1))                       # η inside the gradient
            if _crowded(moves, VISIBLE * abs(total)):
                return True
    return False


def _update_alike(draw: Draw):
    """In one layer's update p − η·∂L/∂p, two slips move a new value by less than it shows:
    another parameter's gradient (a wrong index), the gradient's sign flipped, doubled or
    halved, η left out — each against the others and against the right value. With η·∂L/∂p a
    thousandth of p, gradients a few percent apart already look alike. (Of a stack: one answer
    per draw.)"""
    problem, grads = draw.problem, draw.gradients
    per_draw = problem.x.shape[:-1]
    eta = np.asarray(problem.eta, dtype=float)[..., None]

    def flat(*arrays):
        return np.concatenate([a.reshape(per_draw + (-1,)) for a in arrays], axis=-1)

    alike = False
    for W, b, dW, db in zip(problem.weights, problem.biases, grads.dW, grads.db):
        params, steps = flat(W, b), eta * flat(dW, db)
        moves = [steps[..., None] * np.array([1.0, -1.0, 2.0, 0.5])]
        if draw.lesson_shaped:
            moves.append(steps[..., None] / eta[..., None])          # η left out
        moves.append(steps[..., _others(steps.shape[-1])])            # another's gradient
        gap = VISIBLE * np.maximum(np.abs(params - steps), 0.01)
        alike = alike | _crowded(np.concatenate(moves, axis=-1), gap).any(axis=-1)
    return alike


@lru_cache(maxsize=64)
def _others(count: int) -> np.ndarray:
    """Row k: every index below ``count`` but k."""
    return np.array([[m for m in range(count) if m != k] for k in range(count)],
                    dtype=np.intp).reshape(count, count - 1)


# The conditions, in the order that refuses the seed network's draws soonest; the last two only
# ever refuse a problem the generator has not drawn (it asks them of a whole batch first, on
# its raw numbers).
DEGENERATE = {
    "alike_in_layer": _alike_in_layer,
    "update_alike": _update_alike,
    "same_slope": _same_slope,
    "half_activation": _half_activation,
    "forward_alike": _forward_alike,
    "backward_alike": _backward_alike,
    "special_number": _special_number,
    "learning_rate_like_parameter": _learning_rate_like_parameter,
}
# The conditions that also read a stack of draws, one answer per draw: the generator asks them
# of a whole batch at once (of the seed network's well-conditioned draws they refuse about
# three in four, 5.6 of the 7.7 a problem takes), then the others of each draw left.
ON_STACKS = ("alike_in_layer", "update_alike")


def degenerate_in_stack(stack: Draw) -> np.ndarray:
    """Which draws of a stack meet a condition of :data:`ON_STACKS`."""
    met = np.zeros(stack.problem.x.shape[:-1], dtype=bool)
    for name in ON_STACKS:
        met |= DEGENERATE[name](stack)
    return met


def meets_a_cheap_condition(x, weights, biases, eta):
    """Which of a batch of draws already meet :func:`_special_number`,
    :func:`_learning_rate_like_parameter` or the drawn part of :func:`_alike_in_layer`, on
    their raw numbers in hundredths (whole numbers: 0.37 is 37)? Each argument holds one row
    per draw: ``x`` and each of ``weights`` (flat, row by row, as drawn) and ``biases`` a
    2-d integer array, ``eta`` a 1-d one. A boolean array, one per draw.

    Each is a part of a condition of :data:`DEGENERATE`, so a draw it finds is degenerate; the
    generator asks it before building a problem, which most draws of the seed's network fail
    (about 83 draws a problem, 70 of them refused here). On whole numbers "alike" is exact:
    equal magnitudes, or one twice the other."""
    special = np.array(sorted({round(m * 100) for m in SPECIAL_MAGNITUDES}))
    groups = [np.hstack([x, weights[0], biases[0]])]
    groups += [np.hstack([W, b]) for W, b in zip(weights[1:], biases[1:])]
    met = (eta[:, None] == special).any(axis=1)
    for group in groups:
        k = np.abs(group)
        ordered = np.sort(k, axis=1)
        met |= (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)        # the same magnitude
        met |= (2 * k[:, :, None] == k[:, None, :]).any(axis=(1, 2))  # one twice another
        met |= (k[:, :, None] == special).any(axis=(1, 2)) | (k == eta[:, None]).any(axis=1)
    return met


def hand_sized(layers) -> bool:
    """Do the conditions apply to a network of these layer sizes (no more parameters than the
    seed's)?"""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(layers[:-1], layers[1:])) <= HAND_SIZED


def degenerate(problem) -> list:
    """The names of the :data:`DEGENERATE` conditions ``problem`` meets; none for a network
    that is not :func:`hand_sized`."""
    if not hand_sized(problem.layers):
        return []
    draw = Draw(problem)
    return [name for name, condition in DEGENERATE.items() if condition(draw)]


def is_degenerate(draw: Draw, skip=()) -> bool:
    """Does a hand-sized draw meet a condition (the first one met ends the search)? The
    generator's :class:`Draw`, whose forward and backward pass it has computed already;
    ``skip``: conditions it has asked already (:func:`degenerate_in_stack`)."""
    return any(condition(draw) for name, condition in DEGENERATE.items() if name not in skip)

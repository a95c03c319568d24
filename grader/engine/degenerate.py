"""Degenerate draws: numbers on which a learner's slip would not show.

A draw is degenerate when a slip a learner makes (grader.checking.diagnosis names them) gives
the right answer on it, or the same answer as another slip, so that a check cannot see the slip
or tell which one it was: w₁₂⁽²⁾ = w₂₁⁽²⁾ hides a transposed index, η = 1 a missing η, h = ½ the
difference between h and 1 − h. Each condition in :data:`DEGENERATE` is one such coincidence,
written for any number of layers with the names of grader.notation, and its docstring says
which slips it would hide; grader.engine.generators draws again when a draw meets one, for the
visible problem and the further ones alike.

They apply to networks a person works by hand, no larger than the seed's (:data:`HAND_SIZED`
parameters): in wider layers some two-decimal numbers must coincide. A network too crowded for a
draw that meets none keeps its first well-conditioned draw. tests/test_generators.py holds them
to the diagnosis: on many seeds' problems no operator's wrong formula gives the right answer or
another one's.
"""

from __future__ import annotations

import bisect
import math
from functools import cached_property, lru_cache

from .. import notation, tolerances
from ..records import Record
from .backprop import backprop
from .forward import derivative, forward

HAND_SIZED = 23
SPECIAL_MAGNITUDES = (0.0, 0.5, 1.0, 2.0)
# Two numbers are "the same" within this, relative to the larger: two-decimal numbers only when
# equal (the nearest differ by >= 0.6 %), computed ones (activations) when within 0.1 %.
MARGIN = 1e-3
# A slip shows when it moves the answer by at least this, relative: twice what the check and
# the diagnosis tell apart (a slip inside a pre-activation z moves h = σ(z) by σ′ times as much).
VISIBLE = 2 * tolerances.DIAGNOSIS_RELATIVE


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= MARGIN * max(abs(a), abs(b), 0.01)


def _alike(values, twice: bool = True) -> bool:
    """Do two of ``values`` have the same magnitude, or (``twice``) one twice the other?"""
    ordered = sorted(abs(v) for v in values)
    if any(b - a <= MARGIN * max(b, 0.01) for a, b in zip(ordered, ordered[1:])):
        return True
    if twice:
        for a in ordered:
            k = bisect.bisect_left(ordered, 2 * a * (1 - MARGIN))
            if k < len(ordered) and _same(2 * a, ordered[k]):
                return True
    return False


def _crowded(moves, gap: float) -> bool:
    """Are two of ``moves`` (what slips add to an answer, 0 for none) closer than ``gap``?"""
    ordered = sorted(moves)
    return any(b - a < gap for a, b in zip(ordered, ordered[1:]))


def _term_moves(term: float, factors: list, others: list) -> list:
    """What slips add to ``term``, a product of ``factors``: one factor read as another value
    (``others[k]``: what may stand for factor k), the term's sign flipped, doubled, halved or
    dropped."""
    moves = [-2 * term, term, -term / 2, -term]
    for k, factor in enumerate(factors):
        rest = math.prod(factors[:k] + factors[k + 1:])
        moves += [(other - factor) * rest for other in others[k] if other != factor]
    return moves


class _Names(Record, frozen=True):
    drawn: tuple            # inputs, then each layer's weights and biases
    inputs: tuple           # x1 x2 ...
    layers: tuple           # per layer, its weights and biases
    activations: tuple      # per layer, its activations (h2_1, ..., y)


@lru_cache(maxsize=16)
def _names(layers: tuple) -> _Names:
    """The names of grader.notation for a network's numbers, once per shape."""
    per_layer = [[] for _ in layers[1:]]
    for name, _, layer, _ in notation.parameter_slots(layers):
        per_layer[layer].append(name)
    activations = tuple(tuple(notation.activation(l, i, layers) for i in range(1, n + 1))
                        for l, n in enumerate(layers[1:], 1))
    return _Names(drawn=notation.inputs(layers) + notation.parameters(layers),
                  inputs=notation.inputs(layers), layers=tuple(map(tuple, per_layer)),
                  activations=activations)


class Draw:
    """One draw as the conditions read it, each part computed on first use (most draws fail a
    cheap condition first). Layer l is at index l − 1 of every tuple."""

    def __init__(self, problem):
        self.problem = problem

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
    def drawn(self) -> dict:
        """Every input and parameter by name: {"x1": ..., "w2_12": ..., "b3": ...}."""
        problem = self.problem
        values = problem.x.tolist()
        for W, b in zip(problem.weights, problem.biases):     # notation.parameter_slots' order
            values += W.ravel().tolist() + b.tolist()
        return dict(zip(_names(problem.layers).drawn, values))

    @cached_property
    def hundredths(self) -> set:
        """The magnitudes of the inputs and parameters in hundredths (they have two decimals)."""
        return {round(abs(v) * 100) for v in self.drawn.values()}

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
        return tuple(out)

    @cached_property
    def groups(self) -> tuple:
        """Per layer, the numbers a slip puts in one another's place there: its inputs and the
        layer before's (h⁽¹⁾ read as x), its weights and biases, its activations (a sigmoid
        layer's only: a ReLU's dead units are all 0)."""
        names, drawn = _names(self.problem.layers), self.drawn
        inputs, before, groups = {n: drawn[n] for n in names.inputs}, {}, []
        for act, own, activations, h in zip(self.activations, names.layers, names.activations,
                                            self.trace.h):
            outputs = dict(zip(activations, h.tolist())) if act == "sigmoid" else {}
            groups.append({**before, **inputs, **{n: drawn[n] for n in own}, **outputs})
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


def _alike_in_layer(draw: Draw) -> bool:
    """Two numbers of one layer's group with the same magnitude, or one twice the other:
    w₁₂⁽²⁾ = w₂₁⁽²⁾ hides a transposed weight, x₁ = w₁₁⁽¹⁾ a weight read for its input,
    w₁₂⁽²⁾ = −w₁₁⁽²⁾ makes a wrong index a flipped sign, and w₁₂⁽²⁾ = 2w₁₁⁽²⁾ a factor of two."""
    return any(_alike(group.values()) for group in draw.groups)


def _half_activation(draw: Draw) -> bool:
    """A sigmoid activation at ½: h = 1 − h, so σ′ = h(1 − h) written h·h or (1 − h)² is right."""
    return any(_same(v, 0.5) for act, h in zip(draw.activations, draw.trace.h)
               if act == "sigmoid" for v in h.tolist())


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
        others, inputs, rows = list(group.values()), u.tolist(), W.tolist()
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
        others, inputs, dW = list(group.values()), u.tolist(), grads.dW[l].tolist()
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


def _update_alike(draw: Draw) -> bool:
    """In one layer's update p − η·∂L/∂p, two slips move a new value by less than it shows:
    another parameter's gradient (a wrong index), the gradient's sign flipped, doubled or
    halved, η left out — each against the others and against the right value. With η·∂L/∂p a thousandth
    of p, gradients a few percent apart already look alike."""
    problem, grads = draw.problem, draw.gradients
    for W, b, dW, db in zip(problem.weights, problem.biases, grads.dW, grads.db):
        steps = [problem.eta * g for g in dW.ravel().tolist() + db.tolist()]
        for k, (p, step) in enumerate(zip(W.ravel().tolist() + b.tolist(), steps)):
            moves = [step * r for r in (1.0, -1.0, 2.0, 0.5)]
            if draw.lesson_shaped:
                moves.append(step / problem.eta)                      # η left out
            moves += [other for m, other in enumerate(steps) if m != k]
            if _crowded(moves, VISIBLE * max(abs(p - step), 0.01)):
                return True
    return False


# The conditions, cheapest first.
DEGENERATE = {
    "special_number": _special_number,
    "learning_rate_like_parameter": _learning_rate_like_parameter,
    "alike_in_layer": _alike_in_layer,
    "half_activation": _half_activation,
    "same_slope": _same_slope,
    "forward_alike": _forward_alike,
    "backward_alike": _backward_alike,
    "update_alike": _update_alike,
}


def meets_a_cheap_condition(x: list, weights: list, biases: list, eta: float) -> bool:
    """Do a draw's raw numbers, in hundredths (whole numbers: 0.37 is 37), already meet
    :func:`_special_number`, :func:`_learning_rate_like_parameter` or the drawn part of
    :func:`_alike_in_layer`? ``weights`` are flat lists, row by row, as they are drawn.

    Each is a part of a condition of :data:`DEGENERATE`, so a draw it finds is degenerate; the
    generator asks it before building the problem, which most draws of the seed's network
    fail (about 90 draws a problem). On whole numbers "alike" is exact: equal magnitudes, or
    one twice the other."""
    special = {round(m * 100) for m in SPECIAL_MAGNITUDES}
    groups = [list(x) + list(weights[0]) + list(biases[0])]
    groups += [list(W) + list(b) for W, b in zip(weights[1:], biases[1:])]
    seen_anywhere = set()
    for group in groups:
        seen = set()
        for k in group:
            k = abs(k)
            if k in seen or k in special:
                return True
            seen.add(k)
        if any(2 * k in seen for k in seen):
            return True
        seen_anywhere |= seen
    return round(eta * 100) in special | seen_anywhere


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


def is_degenerate(problem) -> bool:
    """Does ``problem`` meet a condition (the first one met ends the search)?"""
    draw = Draw(problem)
    return any(condition(draw) for condition in DEGENERATE.values())

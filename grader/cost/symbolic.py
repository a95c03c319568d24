"""The naive route: the expanded loss differentiated separately for every parameter.

Nothing is shared between the derivatives, and ``sympy.count_ops`` counts each one. Across
them ``sympy.cse`` then finds the subexpressions backprop computes once, named as the seed's
reused values (δ⁽³⁾·y(1−y), ∂L/∂h₁⁽²⁾·h₁⁽²⁾(1−h₁⁽²⁾), ...). sympy is imported only inside
the functions that differentiate.
"""

from __future__ import annotations

import math
import time

import numpy as np

from ..engine.backprop import backprop
from ..engine.forward import forward, layer_activations
from ..engine.generators import Problem
from ..notation import LOSSES, SEED_LOSS
from ..records import Record, factory
from .counting import parameter_count
from .names import activation, display_names, output_delta, preactivation

# The naive route runs until its time budget is spent (or, sooner, until the derivatives done
# so far show that the rest cannot fit in it). The size cap only keeps truly huge networks from
# being started at all: P × (size of the expanded loss) of 3-5-5-1 is about 19,000 (3 s here),
# 2-8-8-1 about 73,000 (7 s); at the cap, 1,000,000, one network would take minutes.
SYMBOLIC_SECONDS = 10.0           # time budget of the naive route for one network
SYMBOLIC_SIZE_CAP = 1_000_000     # safety cap on P × expanded_size, far beyond any budget
# Stop before the budget is spent only when even a low estimate of the whole is this far over
# it: the estimate from a few derivatives varies by ±40% on a busy machine (2-3-3-3-2-1, which
# takes 6-8 s, was once projected at 10.1 s).
EARLY_STOP_MARGIN = 1.5


# What one neuron's activation adds to the expanded loss written as one tree (sympy.count_ops):
# σ = 1/(1 + e^(−z)) 4 (a negation, exp, + and ÷), tanh 1, ReLU's Max(z, 0) 1 (its derivative,
# Heaviside(z), 1 too); and what each output adds to the loss: (copies of its y, operations of
# its own).
ACTIVATION_SIZE = {"sigmoid": 4, "tanh": 1, "relu": 1}
LOSS_SIZE = {"half_squared_error": (1, 3),            # ½ (y − t)²
             "mean_squared_error": (1, 3),            # (1/n) (y − t)²
             "binary_cross_entropy": (2, 8)}          # −[t log y + (1 − t) log(1 − y)]


def expanded_size(layers, activation: str = "sigmoid", loss: str = SEED_LOSS) -> int:
    """About how many operations the fully expanded loss has, written as one tree.

    A neuron with n inputs costs n products, n sums and its activation (4 for σ), plus a
    copy of every input's own tree: this is why the naive route grows with depth. The
    softmax cross-entropy −Σ tᵢ (zᵢ − log Σⱼ e^(zⱼ)) holds each output's z once for its own
    term and once in every term's log Σ.
    """
    layers = tuple(layers)
    size = 0
    for n_in, _ in zip(layers[:-2], layers[1:-1]):
        size = 2 * n_in + ACTIVATION_SIZE[activation] + n_in * size
    z_size, n = 2 * layers[-2] + layers[-2] * size, layers[-1]
    if LOSSES[loss] == "softmax":
        return n * ((1 + n) * (z_size + 1) + 4)
    copies, own = LOSS_SIZE[loss]
    return n * (copies * (z_size + ACTIVATION_SIZE[LOSSES[loss]]) + own)


# --- one derivative per parameter, nothing shared ---------------------------------------

class Naive(Record, eq=True):
    """The naive symbolic route on one network; ``skipped`` says why it was not finished."""

    ops: int | None = None
    per_parameter: list = factory(list)
    seconds: float | None = None
    skipped: tuple | None = None             # (message key, values)
    derivatives: list = factory(list)
    symbols: list = factory(list)            # the parameters'
    inputs: list = factory(list)             # x, then y_target

    def __repr__(self) -> str:               # without the sympy expressions: pages of them
        return (f"Naive(ops={self.ops!r}, per_parameter={self.per_parameter!r}, "
                f"seconds={self.seconds!r}, skipped={self.skipped!r})")


def naive_symbolic(problem: Problem, cap: int = SYMBOLIC_SIZE_CAP,
                   budget: float = SYMBOLIC_SECONDS) -> Naive:
    """Write L out in full, differentiate it for every parameter separately, count.

    The derivatives are taken from the output layer back, cheapest first, and each is counted
    as soon as it is taken, so ``budget`` (seconds, for the whole route) stops the work either
    when it is spent or when the time so far plus, for each of the rest, the quickest of the
    last three derivatives (a low estimate: the rest lie deeper) already exceeds it by
    :data:`EARLY_STOP_MARGIN`. The first derivative is not used to extrapolate: it also fills
    sympy's cache.
    """
    params = parameter_count(problem.layers)
    size = expanded_size(problem.layers, problem.activation, problem.loss)
    if params * size > cap:
        return Naive(skipped=("too_big", dict(params=params, size=size, estimate=params * size,
                                              cap=cap)))
    import sympy

    from ..engine.witness import expanded_loss

    start = time.perf_counter()
    expanded = expanded_loss(tuple(problem.layers), layer_activations(problem),
                             loss=problem.loss)
    loss = expanded.loss
    symbols = [s for matrix in expanded.weights + expanded.biases for s in matrix]
    layer_of = [l for matrices in (expanded.weights, expanded.biases)
                for l, matrix in enumerate(matrices) for _ in matrix]
    order = sorted(range(len(symbols)), key=lambda k: -layer_of[k])     # output layer first
    derivatives, per_parameter = [None] * len(symbols), [0] * len(symbols)
    seconds = time.perf_counter() - start      # writing L out, then every diff: the route's time
    took = []                                  # each diff and count_ops: what extrapolates
    for done, k in enumerate(order):
        elapsed = time.perf_counter() - start
        projected = elapsed + (min(took[-3:]) * (params - done) if len(took) >= 4 else 0.0)
        if elapsed > budget or projected > EARLY_STOP_MARGIN * budget:
            return Naive(skipped=("over_budget", dict(done=done, params=params, budget=budget,
                                                      elapsed=elapsed, projected=projected)))
        began = time.perf_counter()
        derivatives[k] = sympy.diff(loss, symbols[k])
        seconds += time.perf_counter() - began
        per_parameter[k] = int(sympy.count_ops(derivatives[k]))
        took.append(time.perf_counter() - began)
    return Naive(ops=sum(per_parameter), per_parameter=per_parameter, seconds=seconds,
                 derivatives=derivatives, symbols=symbols,
                 inputs=list(expanded.start) + list(expanded.target))


# --- what the naive derivatives share: the seed's reused values -------------------------

def named_values(problem: Problem) -> list:
    """(label, value) of every intermediate the seed names, on ``problem``'s numbers."""
    trace = forward(problem)
    grads = backprop(problem, trace)
    depth = len(problem.weights)
    named = []
    for l in range(depth, 0, -1):
        for i in range(1, problem.layers[l] + 1):
            h, z = float(trace.h[l - 1][i - 1]), float(trace.z[l - 1][i - 1])
            dh, dz = float(grads.dL_dh[l - 1][i - 1]), float(grads.dL_dz[l - 1][i - 1])
            layers = tuple(problem.layers)
            name, z_name = activation(l, i, layers), preactivation(l, i, layers)
            upstream = output_delta(layers) if l == depth else f"∂L/∂{name}"
            named += [(f"{upstream}·{name}(1−{name})", dz), (upstream, dh),
                      (f"{name}(1−{name})", h * (1 - h)), (name, h),
                      (f"e^(−{z_name})", math.exp(-z)), (f"1 + e^(−{z_name})", 1 + math.exp(-z))]
    return named


class Shared(Record, eq=True):
    symbol: str
    expression: str
    name: str | None         # the seed's name for it, when its value is one
    used_by: int             # how many of the derivatives need it


def shared_subexpressions(problem: Problem, naive: Naive) -> list:
    """The subexpressions ``sympy.cse`` finds across the naive derivatives, with seed names.

    Each is evaluated on the problem's numbers and named when it equals one of the
    values backprop computes once (up to sign).
    """
    import sympy

    from ..engine.witness import rational

    # Named s0, s1 ...: sympy's default x0, x1 ... would read as the inputs x1, x2.
    replacements, reduced = sympy.cse(naive.derivatives, symbols=sympy.numbered_symbols("s"))
    flat = [v for array in problem.weights + problem.biases for v in np.ravel(array)]
    values = {symbol: rational(v) for symbol, v in zip(naive.symbols, flat)}
    inputs = list(problem.x) + list(problem.y_target)
    values.update({symbol: rational(v) for symbol, v in zip(naive.inputs, inputs)})
    named = named_values(problem)
    depends = {}
    shared = []
    rename = {sympy.Symbol(k): sympy.Symbol(v) for k, v in display_names(problem).items()}
    for symbol, expression in replacements:
        values[symbol] = expression.xreplace(values).evalf(30)
        value = float(values[symbol])
        depends[symbol] = {symbol} | set().union(
            *(depends[s] for s in expression.free_symbols if s in depends))
        name = next((label for label, v in named if _same(value, v)), None)
        if name is None:
            name = next((f"−({label})" for label, v in named if _same(value, -v)), None)
        shared.append(Shared(symbol=str(symbol), expression=str(expression.xreplace(rename)),
                             name=name, used_by=0))
    needs = []
    for expression in reduced:
        direct = [s for s in expression.free_symbols if s in depends]
        needs.append(set().union(*(depends[s] for s in direct)) if direct else set())
    for item, (symbol, _) in zip(shared, replacements):
        item.used_by = sum(symbol in need for need in needs)
    return shared


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(b), 1e-12)

"""An independent witness: the fully expanded loss, written out and differentiated exactly.

This is the seed's "naive" route: L as one nested expression in every parameter, one
``diff`` per parameter. It shares nothing with the backward pass, so agreement with it
is evidence. sympy is heavy; import this module only where it is needed.

The expanded loss and its exact derivatives depend only on the network's shape, so they
are built once per shape (every number - weights, inputs, target - is a symbol) and then
evaluated for each problem in arbitrary precision (mpmath, ``digits`` significant digits)
at the exact two-decimal values a person reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import mpmath
import sympy

from .forward import layer_activations
from ..notation import GRADIENT, SEED_LOSS, output_delta
from ..steps.quantities import layer_names, parameter_names

DIGITS = 30


def _activation(name: str, z):
    if name == "sigmoid":
        return 1 / (1 + sympy.exp(-z))
    if name == "tanh":
        return sympy.tanh(z)
    # ReLU as Max, not Piecewise((z, z > 0), (0, True)): a Piecewise writes z again in its
    # condition, so the expanded loss of 2-6-4-1 has 8,731 operations instead of 187, and
    # deeper ones exceed Python's recursion limit. d/dz Max(z, 0) is Heaviside(z); no drawn
    # problem has a z at the kink (grader.engine.generators.KINK).
    return sympy.Max(z, 0)


def _layer_output(name: str, z: sympy.Matrix) -> sympy.Matrix:
    """A layer's activations from its column of pre-activations."""
    if name == "softmax":
        exps = z.applyfunc(sympy.exp)
        return exps / sum(exps)
    return z.applyfunc(lambda zi: _activation(name, zi))


def _loss(name: str, y: sympy.Matrix, t: sympy.Matrix, z: sympy.Matrix | None):
    """L of the outputs ``y`` against the targets ``t``, as grader.engine.losses defines it;
    ``z``, the output's pre-activations where the expression computes them, else None."""
    n = len(y)
    if name == "half_squared_error":
        return sympy.Rational(1, 2) * sum((y[i] - t[i]) ** 2 for i in range(n))
    if name == "mean_squared_error":
        return sympy.Rational(1, n) * sum((y[i] - t[i]) ** 2 for i in range(n))
    if name == "binary_cross_entropy":
        return -sum(t[i] * sympy.log(y[i]) + (1 - t[i]) * sympy.log(1 - y[i]) for i in range(n))
    if z is None:                                           # softmax_cross_entropy
        return -sum(t[i] * sympy.log(y[i]) for i in range(n))
    # log softmax(z)_i = z_i - log sum_j e^(z_j), exactly: half the work of diff on log(y_i)
    log_sum = sympy.log(sum(sympy.exp(zj) for zj in z))
    return -sum(t[i] * (z[i] - log_sum) for i in range(n))


def rational(value: float) -> sympy.Rational:
    """The exact two-decimal number a person reads (0.37 -> 37/100)."""
    fraction = Fraction(value).limit_denominator(100)
    return sympy.Rational(fraction.numerator, fraction.denominator)


def symbols_like(shape: tuple, stem: str) -> sympy.Matrix:
    """A matrix (or column) of symbols ``stem_ij`` (``stem_i``) laid out like an array."""
    if len(shape) == 2:
        return sympy.Matrix(shape[0], shape[1],
                            lambda i, j: sympy.Symbol(f"{stem}_{i + 1}{j + 1}"))
    return sympy.Matrix(shape[0], 1, lambda i, j: sympy.Symbol(f"{stem}_{i + 1}"))


@dataclass(frozen=True, eq=False)
class ExpandedLoss:
    """L written out in full, and the symbols it is written in."""

    loss: sympy.Expr
    weights: tuple          # one symbol Matrix per layer, W_l[i-1, j-1] = w_ij^(l)
    biases: tuple
    start: sympy.Matrix     # x, or the activations feeding layer start_layer + 1
    target: sympy.Matrix


@lru_cache(maxsize=None)
def expanded_loss(layers: tuple, activations: tuple, start_layer: int = 0,
                  loss: str = SEED_LOSS) -> ExpandedLoss:
    """L (the lesson's 1/2 sum (y - y_target)^2, or another ``loss``) with y nested through
    every layer, as one expression.

    With ``start_layer`` > 0 the expression starts from free symbols for the activations
    of layer ``start_layer``, so dL/dh of a hidden layer (or dL/dy) can be differentiated.
    """
    layers = tuple(layers)
    W = tuple(symbols_like((n_out, n_in), f"W{l + 1}")
              for l, (n_in, n_out) in enumerate(zip(layers[:-1], layers[1:])))
    b = tuple(symbols_like((n_out,), f"b{l + 1}") for l, n_out in enumerate(layers[1:]))
    start = symbols_like((layers[start_layer],), "x" if start_layer == 0 else f"h{start_layer}")
    target = symbols_like((layers[-1],), "t")
    h, z = start, None
    for l in range(start_layer, len(W)):
        z = W[l] * h + b[l]
        h = _layer_output(activations[l], z)
    return ExpandedLoss(_loss(loss, h, target, z), W, b, start, target)


def _symbols(expanded: ExpandedLoss) -> list:
    return [s for M in expanded.weights + expanded.biases + (expanded.start, expanded.target)
            for s in M]


@lru_cache(maxsize=None)
def _derivatives(layers: tuple, activations: tuple, start_layer: int, loss: str):
    """A function of every symbol giving the exact derivatives, one ``diff`` each.

    ``start_layer`` 0: dL/d(every weight, then every bias); otherwise dL/d(start symbols).
    """
    expanded = expanded_loss(layers, activations, start_layer, loss)
    if start_layer == 0:
        wrt = [s for M in expanded.weights + expanded.biases for s in M]
    else:
        wrt = list(expanded.start)
    exact = [sympy.diff(expanded.loss, s) for s in wrt]
    return sympy.lambdify(_symbols(expanded), exact, modules="mpmath", cse=True)


def _read(value: float):
    """A two-decimal number exactly as a person reads it, in working precision."""
    fraction = rational(value)
    return mpmath.mpf(int(fraction.p)) / int(fraction.q)


def _evaluate(problem, start_layer: int, start_values, digits: int) -> list:
    layers = tuple(problem.layers)
    derivatives = _derivatives(layers, layer_activations(problem), start_layer, problem.loss)
    with mpmath.workdps(digits):
        args = [_read(v) for array in problem.weights + problem.biases for v in array.ravel()]
        if start_layer == 0:
            args += [_read(v) for v in problem.x]
        else:                       # a computed activation: its binary value, exactly
            args += [mpmath.mpf(float(v)) for v in start_values]
        args += [_read(v) for v in problem.y_target]
        return [float(v) for v in derivatives(*args)]


def exact_parameter_gradients(problem, digits: int = DIGITS) -> tuple[tuple, tuple]:
    """(dW, db) for every layer, as arrays, by exact differentiation of the expanded loss."""
    import numpy as np

    values = iter(_evaluate(problem, 0, None, digits))
    dW = tuple(np.array([next(values) for _ in range(w.size)]).reshape(w.shape)
               for w in problem.weights)
    db = tuple(np.array([next(values) for _ in range(v.size)]) for v in problem.biases)
    return dW, db


def exact_activation_gradients_by_layer(problem, trace, digits: int = DIGITS) -> tuple:
    """dL/dh for every layer's output (the last is dL/dy), from L written from there on."""
    import numpy as np

    return tuple(np.array(_evaluate(problem, l, trace.h[l - 1], digits))
                 for l in range(1, len(problem.weights) + 1))


def exact_gradients(problem, digits: int = DIGITS) -> dict:
    """Every dL/d(parameter) of the seed network by exact differentiation, seed names."""
    dW, db = exact_parameter_gradients(problem, digits)
    return parameter_names(dW, db, prefix=GRADIENT)


def exact_activation_gradients(problem, trace, digits: int = DIGITS) -> dict:
    """dL/dh for each hidden layer and delta3 = dL/dy of the seed network, seed names."""
    grads = exact_activation_gradients_by_layer(problem, trace, digits)
    values = layer_names(grads[:-1], "h", prefix=GRADIENT)
    values[output_delta(problem.layers)] = float(grads[-1][0])
    return values

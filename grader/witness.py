"""An independent witness: the fully expanded loss, written out and differentiated exactly.

This is the seed's "naive" route: L as one nested expression in every parameter, one
``diff`` per parameter. It shares nothing with the backward pass, so agreement with it
is evidence. sympy is heavy; import this module only where it is needed.
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from .quantities import layer_names, parameter_names


def _activation(name: str, z):
    if name == "sigmoid":
        return 1 / (1 + sympy.exp(-z))
    if name == "tanh":
        return sympy.tanh(z)
    return sympy.Max(z, 0)


def rational(value: float) -> sympy.Rational:
    """The exact two-decimal number a person reads (0.37 -> 37/100)."""
    fraction = Fraction(value).limit_denominator(100)
    return sympy.Rational(fraction.numerator, fraction.denominator)


def symbols_like(array, stem: str):
    return sympy.Matrix(array.shape[0], array.shape[1] if array.ndim == 2 else 1,
                        lambda i, j: sympy.Symbol(f"{stem}_{i + 1}{j + 1}" if array.ndim == 2
                                                  else f"{stem}_{i + 1}"))


def expanded_loss(problem, start_layer: int = 0):
    """(L, weight symbols, bias symbols, start symbols) with L written out in full.

    With ``start_layer`` > 0 the expression starts from free symbols for the activations
    feeding that layer, so dL/dh of a hidden layer can be differentiated too.
    """
    depth = len(problem.weights)
    acts = (problem.activation,) * (depth - 1) + (problem.output_activation,)
    W = [symbols_like(w, f"W{l + 1}") for l, w in enumerate(problem.weights)]
    b = [symbols_like(v, f"b{l + 1}") for l, v in enumerate(problem.biases)]
    start = symbols_like(problem.x if start_layer == 0 else problem.biases[start_layer - 1],
                         "x" if start_layer == 0 else f"h{start_layer}")
    h = start
    for l in range(start_layer, depth):
        h = (W[l] * h + b[l]).applyfunc(lambda z, a=acts[l]: _activation(a, z))
    target = [rational(t) for t in problem.y_target]
    loss = sympy.Rational(1, 2) * sum((h[i] - target[i]) ** 2 for i in range(len(target)))
    return loss, W, b, start


def _numbers(problem, W, b, start, start_values):
    values = {}
    for symbols, array in list(zip(W, problem.weights)) + list(zip(b, problem.biases)):
        for symbol, value in zip(symbols, array.ravel()):
            values[symbol] = rational(value)
    for symbol, value in zip(start, start_values):
        values[symbol] = rational(value) if start_values is problem.x else sympy.Float(value, 40)
    return values


def exact_gradients(problem, digits: int = 30) -> dict:
    """Every dL/d(parameter) by exact differentiation of the expanded loss, seed names."""
    loss, W, b, start = expanded_loss(problem)
    values = _numbers(problem, W, b, start, problem.x)

    def grad(symbols, shape):
        return [float(sympy.diff(loss, s).evalf(digits, subs=values)) for s in symbols]

    import numpy as np
    dW = tuple(np.array(grad(Ws, w.shape)).reshape(w.shape) for Ws, w in zip(W, problem.weights))
    db = tuple(np.array(grad(bs, v.shape)) for bs, v in zip(b, problem.biases))
    return parameter_names(dW, db, prefix="dL_d")


def exact_activation_gradients(problem, trace, digits: int = 30) -> dict:
    """dL/dh for each hidden layer and dL/dy, differentiating L written from that layer on."""
    import numpy as np

    grads = []
    for l in range(1, len(problem.weights) + 1):
        loss, W, b, start = expanded_loss(problem, start_layer=l)
        values = _numbers(problem, W, b, start, trace.h[l - 1])
        grads.append(np.array([float(sympy.diff(loss, s).evalf(digits, subs=values))
                               for s in start]))
    values = layer_names(grads[:-1], "h", prefix="dL_d")
    values["delta3"] = float(grads[-1][0])
    return values

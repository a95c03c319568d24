"""The arithmetic the reference engine performs, counted by running it on counting arrays.

One operation is one elementary function of one number, as ``sympy.count_ops`` counts the
naive route's: ``+ − × ÷``, a power, ``exp``, ``log``, ``tanh``, a ``max`` (ReLU's max(z, 0),
and each step of softmax's max over z) and a comparison (ReLU's derivative, z > 0) each cost
1. A matrix product of inner size k costs k multiplications and k − 1 additions per output;
a sum of n numbers n − 1 additions. numpy's composite functions count as the formula they
compute (:data:`COMPOSITE`): the cross-entropies' stable log σ(z) = −log(e⁰ + e^(−z)) is a
negation, two exp, one + and one log, not one operation.
"""

from __future__ import annotations

import numpy as np

from .. import records
from ..engine.backprop import backprop
from ..engine.forward import forward
from ..engine.generators import Problem


# numpy ufunc -> what it counts as: itself, once, or the elementary operations it is made of
ELEMENTARY = ("add", "subtract", "multiply", "divide", "negative", "power",
              "square",                                          # x ** 2, a power
              "exp", "log", "tanh", "maximum", "greater")
COMPOSITE = {"logaddexp": {"exp": 2, "add": 1, "log": 1},       # log(eᵃ + eᵇ)
             "log1p": {"add": 1, "log": 1}}                      # log(1 + x)


class Tally(dict):
    """Operations by numpy ufunc name: {"multiply": 12, "add": 9, ...}."""

    def add(self, name: str, count: int) -> None:
        if count:
            self[name] = self.get(name, 0) + int(count)

    def add_ufunc(self, name: str, count: int) -> None:
        """``count`` calls of numpy's ufunc ``name`` on one number each, as operations."""
        if name in COMPOSITE:
            for part, times in COMPOSITE[name].items():
                self.add(part, times * count)
        elif name in ELEMENTARY:
            self.add(name, count)
        else:
            raise TypeError(f"the operation counter does not handle {name}")

    @property
    def total(self) -> int:
        return sum(self.values())


class CountingArray(np.ndarray):
    """An ndarray that adds every elementwise operation done on it to its :class:`Tally`.

    Anything the counter does not know (a ufunc outside :data:`ELEMENTARY` and
    :data:`COMPOSITE`, an array function other than sum, max, outer and size, a ufunc method
    other than a call or a reduction) raises instead of going uncounted.
    """

    tally: Tally

    def __array_finalize__(self, obj):
        self.tally = getattr(obj, "tally", None)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if kwargs.get("out") is not None or method not in ("__call__", "reduce"):
            raise TypeError(f"the operation counter does not handle {ufunc.__name__}.{method}")
        plain = [np.asarray(x).view(np.ndarray) if isinstance(x, CountingArray) else x
                 for x in inputs]
        result = np.asarray(getattr(ufunc, method)(*plain, **kwargs))
        if method == "reduce":
            self.tally.add_ufunc(ufunc.__name__, np.size(plain[0]) - result.size)
        elif ufunc is np.matmul:
            inner = np.shape(plain[0])[-1]
            self.tally.add("multiply", result.size * inner)
            self.tally.add("add", result.size * (inner - 1))
        else:
            self.tally.add_ufunc(ufunc.__name__, result.size)
        return _counting(result, self.tally)

    def __array_function__(self, func, types, args, kwargs):
        axes = {"axis": kwargs.get("axis"), "keepdims": kwargs.get("keepdims", False)}
        if func is np.sum:
            return np.add.reduce(args[0], **axes)
        if func in (np.max, np.amax):                   # softmax's shift
            return np.maximum.reduce(args[0], **axes)
        if func is np.size:                             # a count of numbers, no arithmetic
            return np.size(np.asarray(args[0]).view(np.ndarray), *args[1:], **kwargs)
        if func is np.outer:
            a, b = args
            return np.multiply(a.ravel()[:, np.newaxis], b.ravel()[np.newaxis, :])
        raise TypeError(f"the operation counter does not handle numpy.{func.__name__}")


def _counting(array, tally: Tally) -> CountingArray:
    counted = np.array(array, dtype=float).view(CountingArray)
    counted.tally = tally
    return counted


def _counted_problem(problem: Problem, tally: Tally) -> Problem:
    return records.replace(
        problem, x=_counting(problem.x, tally), y_target=_counting(problem.y_target, tally),
        weights=tuple(_counting(w, tally) for w in problem.weights),
        biases=tuple(_counting(b, tally) for b in problem.biases))


def operation_counts(problem: Problem) -> dict:
    """{"forward": Tally, "backward": Tally}: what one forward and one backward pass do."""
    tally = Tally()
    counted = _counted_problem(problem, tally)
    trace = forward(counted)
    after_forward = Tally(tally)
    backprop(counted, trace)
    backward = Tally()
    for name, count in tally.items():
        backward.add(name, count - after_forward.get(name, 0))
    return {"forward": after_forward, "backward": backward}


def forward_ops(problem: Problem) -> int:
    return operation_counts(problem)["forward"].total


def backprop_ops(problem: Problem) -> int:
    """One forward pass plus one backward pass: what backprop needs for every gradient."""
    counts = operation_counts(problem)
    return counts["forward"].total + counts["backward"].total


def parameter_count(layers) -> int:
    return sum(n_in * n_out + n_out for n_in, n_out in zip(layers[:-1], layers[1:]))


def finite_difference_ops(problem: Problem) -> int:
    """Central differences: L at p + ε and at p − ε for each of the P parameters."""
    return 2 * parameter_count(problem.layers) * forward_ops(problem)

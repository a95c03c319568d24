"""The arithmetic the reference engine performs, counted by running it on counting arrays.

One ``+ − × ÷``, ``exp`` or comparison per element; a matrix product of inner size k costs
k multiplications and k − 1 additions per output.
"""

from __future__ import annotations

import numpy as np

from .. import records
from ..engine.backprop import backprop
from ..engine.forward import forward
from ..engine.generators import Problem


class Tally(dict):
    """Operations by numpy ufunc name: {"multiply": 12, "add": 9, ...}."""

    def add(self, name: str, count: int) -> None:
        if count:
            self[name] = self.get(name, 0) + int(count)

    @property
    def total(self) -> int:
        return sum(self.values())


class CountingArray(np.ndarray):
    """An ndarray that adds every elementwise operation done on it to its :class:`Tally`.

    Anything the counter does not know (an array function other than sum and outer, a
    ufunc method other than a call or a reduction) raises instead of going uncounted.
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
            self.tally.add(ufunc.__name__, np.size(plain[0]) - result.size)
        elif ufunc is np.matmul:
            inner = np.shape(plain[0])[-1]
            self.tally.add("multiply", result.size * inner)
            self.tally.add("add", result.size * (inner - 1))
        else:
            self.tally.add(ufunc.__name__, result.size)
        return _counting(result, self.tally)

    def __array_function__(self, func, types, args, kwargs):
        if func is np.sum:
            return np.add.reduce(args[0], axis=kwargs.get("axis"))
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

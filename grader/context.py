"""``net``: the read-only view of one problem that a learner's ``stepN(net)`` receives.

It holds exactly the names the registry lists for the step (inputs, parameters, forward
values, upstream gradients), as floats, plus numpy arrays assembled from them
(``net.x``, ``net.W1``, ``net.h1``, ...). It never holds the step's own answer.
"""

from __future__ import annotations

import difflib

import numpy as np

# Arrays offered beside the scalars: name -> the scalar names laid out in its shape.
ARRAYS = {
    "x": ("x1", "x2"),
    "W1": (("w1_11", "w1_12"), ("w1_21", "w1_22"), ("w1_31", "w1_32")),
    "b1": ("b1_1", "b1_2", "b1_3"),
    "W2": (("w2_11", "w2_12", "w2_13"), ("w2_21", "w2_22", "w2_23")),
    "b2": ("b2_1", "b2_2"),
    "W3": (("v1", "v2"),),
    "v": ("v1", "v2"),
    "z1": ("z1_1", "z1_2", "z1_3"),
    "h1": ("h1_1", "h1_2", "h1_3"),
    "z2": ("z2_1", "z2_2"),
    "h2": ("h2_1", "h2_2"),
    "dL_dh2": ("dL_dh2_1", "dL_dh2_2"),
    "dL_dh1": ("dL_dh1_1", "dL_dh1_2", "dL_dh1_3"),
}


def _names_in(layout) -> list:
    if isinstance(layout, str):
        return [layout]
    return [name for part in layout for name in _names_in(part)]


def _array(layout, values) -> np.ndarray:
    def build(part):
        return values[part] if isinstance(part, str) else [build(p) for p in part]

    array = np.array(build(layout), dtype=float)
    array.setflags(write=False)
    return array


class Context:
    """Attribute access to the step's values; assignment is refused."""

    __slots__ = ("_values", "_step_id", "_hidden")

    def __init__(self, values: dict, step_id: str = "", hidden: dict | None = None):
        scalars = {name: float(value) for name, value in values.items()}
        arrays = {name: _array(layout, scalars) for name, layout in ARRAYS.items()
                  if all(n in scalars for n in _names_in(layout))}
        object.__setattr__(self, "_values", {**scalars, **arrays})
        object.__setattr__(self, "_step_id", step_id)
        object.__setattr__(self, "_hidden", hidden or {})

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(self._missing(name)) from None

    def __getitem__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise KeyError(self._missing(name)) from None

    def _missing(self, name: str) -> str:
        where = f" in {self._step_id}" if self._step_id else ""
        if name in self._hidden:
            return f"net.{name} is not available{where}: {self._hidden[name]}"
        close = difflib.get_close_matches(name, list(self._values), n=3)
        suggestion = f"; did you mean {', '.join('net.' + c for c in close)}?" if close else ""
        return f"net has no value named {name!r}{where}{suggestion}"

    def __setattr__(self, name, value):
        raise AttributeError(f"net is read-only: compute with net.{name}, do not assign to it")

    def __delattr__(self, name):
        raise AttributeError("net is read-only")

    def __contains__(self, name) -> bool:
        return name in self._values

    def __dir__(self):
        return sorted(self._values)

    def keys(self) -> list:
        return sorted(self._values)

    def __repr__(self) -> str:
        scalars = ", ".join(f"{k}={v:.6g}" for k, v in self._values.items() if isinstance(v, float))
        return f"net({self._step_id}: {scalars})"

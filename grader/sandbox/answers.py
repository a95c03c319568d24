"""Is an answer a real number (or the dict of them a step asks for)? Validation, not grading.

:func:`bpgrade_harness.answers.encode` runs where the learner's code ran and turns the
returned object into plain JSON data: ``{"values": {key: float}}`` or
``{"invalid": code, "detail": text}``. :func:`decode` runs in the trusted grader and accepts
nothing but that shape, with finite floats and the step's exact keys. An array answer
(``keys`` a dict ``{key: shape}``) must be nested lists of exactly that shape; its entries come
out one by one under their names (``dW[1,2]``, :func:`bpgrade_harness.answers.entries`), so
everything after this compares numbers. A key whose shape is a list of shapes is a list of
arrays, one per layer, its entries named layer first (``dW[2][1,0]``,
:func:`bpgrade_harness.answers.all_entries`).
"""

from __future__ import annotations

import math

from bpgrade_harness.answers import (PER_TRIAL, SINGLE, all_entries, encode, entries,  # noqa: F401
                                      for_trial, is_layers)

INVALID_CODES = ("none", "bool", "shape", "dtype", "complex", "str", "type", "not_finite",
                 "keys", "in_key")


def _number(number, key: str) -> float:
    if type(number) is int and abs(number) > 1 << 1000:   # a float could not hold it
        raise ValueError(f"{key} is not a finite number")
    if type(number) not in (float, int) or not math.isfinite(number):
        raise ValueError(f"{key} is not a finite number")
    return float(number)


def _flat(value, shape: tuple, key: str) -> list:
    """The entries of nested lists of exactly ``shape``, row by row."""
    if not shape:
        return [_number(value, key)]
    if type(value) is not list or len(value) != shape[0]:
        raise ValueError(key)                # not the shape asked for
    return [number for item in value for number in _flat(item, shape[1:], key)]


def _layers(value, shapes: list, key: str) -> list:
    """The entries of a list of arrays of exactly ``shapes``, layer by layer."""
    if type(value) is not list or len(value) != len(shapes):
        raise ValueError(key)                # not the number of layers asked for
    return [number for item, shape in zip(value, shapes)
            for number in _flat(item, tuple(shape), key)]


def _invalid_marker(data: dict, keys) -> dict:
    extra = set(data) - {"invalid", "detail"}
    if not {"invalid", "detail"} <= set(data) or data["invalid"] not in INVALID_CODES \
            or not isinstance(data["detail"], str) or not extra <= {"key", "shape", "layer"} \
            or (extra and not isinstance(keys, dict)):
        raise ValueError("malformed invalid marker")
    out = {"invalid": data["invalid"], "detail": data["detail"][:300]}
    if "key" in data:
        if type(data["key"]) is not str or data["key"] not in keys:
            raise ValueError("malformed invalid marker")
        out["key"] = data["key"]
    if "shape" in data:
        shape = data["shape"]
        if type(shape) is not list or len(shape) > 8 or "key" not in data \
                or any(type(n) is not int or not 0 <= n < 1 << 31 for n in shape):
            raise ValueError("malformed invalid marker")
        out["shape"] = list(shape)
    if "layer" in data:
        layer = data["layer"]
        if type(layer) is not int or "key" not in data or not is_layers(keys[data["key"]]) \
                or not 0 <= layer < len(keys[data["key"]]):
            raise ValueError("malformed invalid marker")
        out["layer"] = layer
    return out


def decode(data, keys) -> dict:
    """The trusted reading of :func:`encode`'s output; raises ValueError on anything else."""
    expected = [SINGLE] if keys is None else list(keys)
    if not isinstance(data, dict):
        raise ValueError("not an object")
    if "invalid" in data:
        return _invalid_marker(data, keys)
    values = data.get("values")
    if set(data) != {"values"} or not isinstance(values, dict) or sorted(values) != sorted(expected):
        raise ValueError("wrong keys")
    clean = {}
    for key in expected:
        if isinstance(keys, dict) and is_layers(keys[key]):      # a list of arrays
            clean.update(zip(all_entries(key, keys[key]), _layers(values[key], keys[key], key)))
        elif isinstance(keys, dict):                 # an array: its entries by name
            shape = tuple(keys[key])
            clean.update(zip(entries(key, shape), _flat(values[key], shape, key)))
        else:
            clean[key] = _number(values[key], key)
    return {"values": clean}

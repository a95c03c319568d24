"""Is an answer a real number (or the dict of them a step asks for)? Validation, not grading.

:func:`bpgrade_harness.answers.encode` runs where the learner's code ran and turns the
returned object into plain JSON data: ``{"values": {key: float}}`` or
``{"invalid": code, "detail": text}``. :func:`decode` runs in the trusted grader and accepts
nothing but that shape, with finite floats and the step's exact keys.
"""

from __future__ import annotations

import math

from bpgrade_harness.answers import SINGLE, encode  # noqa: F401

INVALID_CODES = ("none", "bool", "shape", "dtype", "complex", "str", "type", "not_finite",
                 "keys", "in_key")


def decode(data, keys) -> dict:
    """The trusted reading of :func:`encode`'s output; raises ValueError on anything else."""
    expected = [SINGLE] if keys is None else list(keys)
    if not isinstance(data, dict):
        raise ValueError("not an object")
    if "invalid" in data:
        if set(data) != {"invalid", "detail"} or data["invalid"] not in INVALID_CODES \
                or not isinstance(data["detail"], str):
            raise ValueError("malformed invalid marker")
        return {"invalid": data["invalid"], "detail": data["detail"][:300]}
    values = data.get("values")
    if set(data) != {"values"} or not isinstance(values, dict) or sorted(values) != sorted(expected):
        raise ValueError("wrong keys")
    clean = {}
    for key in expected:
        number = values[key]
        if type(number) is int and abs(number) > 1 << 1000:   # a float could not hold it
            raise ValueError(f"{key} is not a finite number")
        if type(number) not in (float, int) or not math.isfinite(number):
            raise ValueError(f"{key} is not a finite number")
        clean[key] = float(number)
    return {"values": clean}

"""Is an answer a real number (or the dict of them a step asks for)? Validation, not grading.

:func:`encode` runs where the learner's code ran and turns the returned object into plain
JSON data: ``{"values": {key: float}}`` or ``{"invalid": code, "detail": text}``. It never
calls a method the answer's own class could override. The grader reads the result with
``grader.sandbox.answers.decode``, trusting nothing.
"""

from __future__ import annotations

import math
import numbers
import sys

from .messages import text

# numpy as the classroom runner preloaded it, before this module. In a learner's check it is
# not loaded unless the learner's code (or net's arrays) import it: about 80 ms that a check
# of plain arithmetic need not pay.
_PRELOADED_NUMPY = sys.modules.get("numpy")


def loaded_numpy():
    """numpy, or None while nothing has imported it: then no value can be a numpy object."""
    return _PRELOADED_NUMPY if _PRELOADED_NUMPY is not None else sys.modules.get("numpy")

SINGLE = "value"      # the key of a single-number answer

MESSAGES = {
    "none": {"en": "returned None — did the function reach its return statement?",
             "zh": "返回了 None —— 函数执行到 return 语句了吗？"},
    "bool": {"en": "returned {value}, a truth value, not a number",
             "zh": "返回了布尔值 {value}，不是数"},
    "shape_array": {"en": "returned an array of shape {shape}; a single number is expected",
                    "zh": "返回了形状为 {shape} 的数组；这里要的是一个数"},
    "dtype": {"en": "returned a 0-d array of dtype {dtype}", "zh": "返回了 dtype 为 {dtype} 的 0 维数组"},
    "complex": {"en": "returned the complex number {value}; gradients here are real",
                "zh": "返回了复数 {value}；这里的梯度是实数"},
    "str": {"en": "returned the text {value}; return a number, not a string",
            "zh": "返回了字符串 {value}；请返回数，而不是字符串"},
    "sequence": {"en": "returned a {kind} of {n} items; a single number is expected",
                 "zh": "返回了含 {n} 项的 {kind}；这里要的是一个数"},
    "type": {"en": "returned an object of type {kind}, which is not a number",
             "zh": "返回了 {kind} 类型的对象，不是数"},
    "not_finite": {"en": "returned {value}, which is not a finite number",
                   "zh": "返回了 {value}，不是有限的数"},
    "not_dict": {"en": "returned {what}; a dict with the keys {keys} is expected",
                 "zh": "返回了 {what}；这里要的是一个含键 {keys} 的 dict"},
    "keys": {"en": "the dict's keys are off: {problems}", "zh": "dict 的键不对：{problems}"},
    "missing": {"en": "missing {names}", "zh": "缺少 {names}"},
    "unexpected": {"en": "unexpected {names}", "zh": "多出 {names}"},
    "in_key": {"en": "[{name}] {detail}", "zh": "[{name}] {detail}"},
}


def _real(value):
    """(float, None) for an honest real number, else (None, (code, detail))."""
    kind = type(value)
    np = loaded_numpy()
    if value is None:
        return None, ("none", {})
    if kind is bool or (np is not None and kind is np.bool_):
        return None, ("bool", {"value": repr(value)})
    if isinstance(value, float):                       # float, np.float64 and subclasses
        number = float.__float__(value)
    elif isinstance(value, int):
        try:
            number = float(int.__index__(value))
        except OverflowError:                          # beyond the float range
            return None, ("not_finite", {"value": "a whole number of "
                                                  f"{int.bit_length(value)} bits"})
    elif np is not None and isinstance(value, (np.floating, np.integer)):
        number = float(np.asarray(value, dtype=np.float64))
    elif np is not None and kind is np.ndarray:
        if value.shape != ():
            return None, ("shape_array", {"shape": str(value.shape)})
        if value.dtype.kind not in "fiu":
            return None, ("dtype", {"dtype": str(value.dtype)})
        number = float(np.asarray(value, dtype=np.float64))
    elif isinstance(value, complex) or (np is not None and isinstance(value, np.complexfloating)):
        return None, ("complex", {"value": repr(value)[:40]})
    elif isinstance(value, str):
        return None, ("str", {"value": repr(str.__str__(value)[:40])})
    elif isinstance(value, (list, tuple)):
        return None, ("sequence", {"kind": kind.__name__, "n": len(value)})
    elif isinstance(value, numbers.Number):
        return None, ("type", {"kind": kind.__name__})
    else:
        return None, ("type", {"kind": kind.__name__})
    if not math.isfinite(number):
        return None, ("not_finite", {"value": str(number)})
    return number, None


def _invalid(code: str, args: dict, lang: str) -> dict:
    category = "shape" if code in ("shape_array", "sequence", "not_dict") else code
    return {"invalid": category, "detail": text(MESSAGES, code, lang, **args)}


def encode(value, keys, lang: str = "en") -> dict:
    """Plain data for ``value``; ``keys`` is None for a single number, else the dict's keys."""
    if keys is None:
        number, problem = _real(value)
        return {"values": {SINGLE: number}} if problem is None else _invalid(*problem, lang)
    if not isinstance(value, dict):
        number, _ = _real(value)
        what = repr(number) if number is not None else type(value).__name__
        return _invalid("not_dict", {"what": what, "keys": ", ".join(keys)}, lang)
    items = list(dict.items(value))
    # keys are compared as plain strings: a key object's own __eq__/__hash__ is not trusted
    got = {str.__str__(k) for k, _ in items if type(k) is str}
    problems = []
    missing = [k for k in keys if k not in got]
    extra = sorted([repr(k) for k in got if k not in keys]
                   + [f"<{type(k).__name__}>" for k, _ in items if type(k) is not str])
    if missing:
        problems.append(text(MESSAGES, "missing", lang, names=", ".join(missing)))
    if extra:
        problems.append(text(MESSAGES, "unexpected", lang, names=", ".join(extra[:5])))
    if problems:
        return _invalid("keys", {"problems": "; ".join(problems)}, lang)
    values = {}
    for key, item in items:
        number, problem = _real(item)
        if problem is not None:
            inner = text(MESSAGES, problem[0], lang, **problem[1])
            category = "shape" if problem[0] in ("shape_array", "sequence") else problem[0]
            return _invalid("in_key", {"name": repr(key), "detail": inner}, lang) | {"invalid": category}
        values[key] = number
    return {"values": values}

"""Is an answer a real number (or the dict of them a step asks for)? Validation, not grading.

:func:`encode` runs where the learner's code ran and turns the returned object into plain
JSON data: ``{"values": {key: float}}`` or ``{"invalid": code, "detail": text}``. It never
calls a method the answer's own class could override. The grader reads the result with
``grader.sandbox.answers.decode``, trusting nothing.

A step whose answers are arrays gives ``keys`` as ``{key: shape}``: each value is then an
ndarray (exactly, no subclass) of a real dtype or nested lists/tuples of real numbers, of
exactly that shape and finite, sent back as nested lists; a wrong shape is ``invalid`` with
``"key"`` and ``"shape"`` beside the detail, so the grader can say what each axis means.
A key whose shape is a list of shapes (``{"dW": [[3, 2], [1, 3]]}``) asks for a list (or
tuple) of that many arrays, one per layer, each validated as above; an invalid one also names
its ``"layer"`` (0-based). Where each problem of a check has its own shapes, ``keys`` is
``{PER_TRIAL: [keys of trial 0, keys of trial 1, ...]}`` (:func:`for_trial`).
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
PER_TRIAL = "per_trial"      # keys that differ from one problem of a check to the next


def for_trial(keys, index: int):
    """The keys of trial ``index``: ``keys`` itself, unless they differ per trial."""
    if isinstance(keys, dict) and len(keys) == 1 and PER_TRIAL in keys:
        trials = keys[PER_TRIAL]
        if type(trials) is not list or not 0 <= index < len(trials):
            raise ValueError(PER_TRIAL)          # not a trial of this check
        return trials[index]
    return keys


def is_layers(shape) -> bool:
    """Is ``shape`` a list of shapes (a list of arrays, one per layer), not one shape?"""
    return bool(shape) and all(isinstance(part, (list, tuple)) for part in shape)

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
    "array_shape": {"en": "an array of shape {shape}", "zh": "形状为 {shape} 的数组"},
    "array_length": {"en": "{n} items along axis {axis}", "zh": "第 {axis} 轴上有 {n} 项"},
    "array_ragged": {"en": "not a rectangular array of numbers (a number or an object where "
                           "a row belongs)",
                     "zh": "不是规整的数组（该是一行的地方是一个数或别的对象）"},
    "array_dtype": {"en": "an array of dtype {dtype}; real numbers are expected",
                    "zh": "dtype 为 {dtype} 的数组；这里要的是实数"},
    "array_not_finite": {"en": "an array holding NaN or infinity; every entry must be finite",
                         "zh": "数组中有 NaN 或无穷大；每一项都必须是有限的数"},
    "array_type": {"en": "an object of type {kind}, not an array",
                   "zh": "{kind} 类型的对象，不是数组"},
    "array_entry": {"en": "at {index}: {detail}", "zh": "在 {index}：{detail}"},
    "expected_shape": {"en": "{detail}; {shape} is expected", "zh": "{detail}；应为 {shape}"},
    "layers_type": {"en": "{what}, not a list of arrays (one per layer of weights)",
                    "zh": "{what}，而不是数组的列表（每层权重一个数组）"},
    "layers_length": {"en": "a list of {got} arrays; the network has {n} layers of weights, so "
                            "{n} arrays are expected, one per layer",
                      "zh": "含 {got} 个数组的列表；网络有 {n} 层权重，所以应有 {n} 个数组，每层一个"},
    "in_layer": {"en": "[{name}][{layer}] {detail}", "zh": "[{name}][{layer}] {detail}"},
}


def entries(key: str, shape) -> list:
    """The names of an array answer's entries, row by row, as numpy indexes them:
    ``dW[0,0]``, ``dW[0,1]`` …, ``delta[2]``."""
    names = [""]
    for size in shape:
        names = [f"{n},{i}" if n else str(i) for n in names for i in range(size)]
    return [f"{key}[{n}]" for n in names]


def all_entries(key: str, shape) -> list:
    """:func:`entries` of one array, or of each array of a list of them (``shape`` a list of
    shapes), named by layer first: ``dW[0][0,0]`` … ``dW[2][1,0]``, ``db[1][0]``."""
    if is_layers(shape):
        return [name for layer, part in enumerate(shape)
                for name in entries(f"{key}[{layer}]", part)]
    return entries(key, shape)


def shape_text(shape) -> str:
    """A shape as Python writes it: ``(3,)``, ``(3, 4)``."""
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


class _Bad(Exception):
    """An array answer is not valid: message code, its fields, the category, the shape seen."""

    def __init__(self, code: str, args: dict, category: str, shape=None):
        super().__init__(code)
        self.code, self.args_, self.category, self.shape = code, args, category, shape


def _nested(value, shape: tuple, index: tuple = ()) -> list:
    """Nested lists of floats for lists/tuples (exactly those types) of ``shape``."""
    if not shape:
        number, problem = _real(value)
        if problem is not None:
            raise _Bad("array_entry", {"index": "[" + ",".join(map(str, index)) + "]",
                                       "inner": problem},
                       "shape" if problem[0] in ("shape_array", "sequence") else problem[0])
        return number
    if type(value) not in (list, tuple):
        raise _Bad("array_ragged", {}, "shape")
    if len(value) != shape[0]:
        raise _Bad("array_length", {"n": len(value), "axis": len(index)}, "shape")
    return [_nested(item, shape[1:], index + (k,)) for k, item in enumerate(value)]


def _array(value, shape: tuple) -> list:
    """Nested lists of floats for an honest real array of exactly ``shape``; else _Bad."""
    np = loaded_numpy()
    if np is not None and type(value) is np.ndarray:
        if value.dtype.kind not in "fiu":
            raise _Bad("array_dtype", {"dtype": str(value.dtype)}, "dtype")
        if value.shape != shape:
            raise _Bad("array_shape", {"shape": shape_text(value.shape)}, "shape",
                       list(value.shape))
        data = np.asarray(value, dtype=np.float64)
        if not np.isfinite(data).all():
            raise _Bad("array_not_finite", {}, "not_finite")
        return data.tolist()
    if type(value) in (list, tuple):
        return _nested(value, shape)
    if value is None:
        raise _Bad("none", {}, "none")
    raise _Bad("array_type", {"kind": type(value).__name__}, "type")


def _array_invalid(key: str, bad: _Bad, lang: str, layer: int | None = None,
                   shape: tuple | None = None) -> dict:
    """The invalid marker of array ``key`` (of its array ``layer`` of ``shape``, in a list)."""
    args = dict(bad.args_)
    if "inner" in args:
        code, fields = args.pop("inner")
        args["detail"] = text(MESSAGES, code, lang, **fields)
    detail = text(MESSAGES, bad.code, lang, **args)
    if layer is None:
        detail = text(MESSAGES, "in_key", lang, name=repr(key), detail=detail)
    else:
        if bad.category == "shape":
            detail = text(MESSAGES, "expected_shape", lang, detail=detail,
                          shape=shape_text(shape))
        detail = text(MESSAGES, "in_layer", lang, name=key, layer=layer, detail=detail)
    out = {"invalid": bad.category, "detail": detail, "key": key}
    if bad.shape is not None and len(bad.shape) <= 8 and all(0 <= n < 1 << 31 for n in bad.shape):
        out["shape"] = bad.shape
    if layer is not None:
        out["layer"] = layer
    return out


def _layers(key: str, value, shapes, lang: str) -> dict:
    """``{"values": [nested lists per layer]}`` for a list or tuple (exactly) of honest arrays
    of exactly ``shapes``; else an invalid marker naming the key (and the layer)."""
    if type(value) not in (list, tuple):
        number, _ = _real(value)
        what = text(MESSAGES, "array_type", lang, kind=type(value).__name__) \
            if number is None else repr(number)
        detail = text(MESSAGES, "layers_type", lang, what=what)
        return {"invalid": "type" if value is not None else "none", "key": key,
                "detail": text(MESSAGES, "in_key", lang, name=repr(key), detail=detail)}
    if len(value) != len(shapes):
        detail = text(MESSAGES, "layers_length", lang, got=len(value), n=len(shapes))
        return {"invalid": "shape", "key": key,
                "detail": text(MESSAGES, "in_key", lang, name=repr(key), detail=detail)}
    arrays = []
    for layer, (item, shape) in enumerate(zip(value, shapes)):
        try:
            arrays.append(_array(item, tuple(shape)))
        except _Bad as bad:
            return _array_invalid(key, bad, lang, layer, tuple(shape))
    return {"values": arrays}


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
    """Plain data for ``value``; ``keys`` is None for a single number, else the dict's keys
    (``{key: shape}`` where each value is an array)."""
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
    missing = [k for k in keys if k not in got]      # (a dict {key: shape} lists its keys)
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
        if isinstance(keys, dict) and is_layers(keys[key]):     # a list of arrays per key
            found = _layers(key, item, keys[key], lang)
            if "invalid" in found:
                return found
            values[key] = found["values"]
            continue
        if isinstance(keys, dict):                    # {key: shape}: an array per key
            try:
                values[key] = _array(item, tuple(keys[key]))
            except _Bad as bad:
                return _array_invalid(key, bad, lang)
            continue
        number, problem = _real(item)
        if problem is not None:
            inner = text(MESSAGES, problem[0], lang, **problem[1])
            category = "shape" if problem[0] in ("shape_array", "sequence") else problem[0]
            return _invalid("in_key", {"name": repr(key), "detail": inner}, lang) | {"invalid": category}
        values[key] = number
    return {"values": values}

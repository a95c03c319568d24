"""``net``: the read-only view of one problem that a learner's ``stepN(net)`` receives.

It holds exactly the names the grader lists for the step (inputs, parameters, forward
values, upstream gradients), as floats, plus numpy arrays assembled from them
(``net.x``, ``net.W1``, ``net.h1``, ...); a matrix step's values (sent as nested lists) are
read-only arrays themselves (``net.W_next``), a list of them per layer (sent as
``{"layers": [nested lists, ...]}``) a tuple of read-only arrays (``net.W[2]``), and a name
(``net.activation``) a string. It never holds the step's own answer. numpy is
imported when the learner's code first asks for an array, not before: a step computed
from the scalars runs without it (about 80 ms less per check).
"""

from __future__ import annotations

import math

from .answers import loaded_numpy
from .messages import text

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


MESSAGES = {
    "no_name": {"en": "net has no value named {name!r}{where}",
                "zh": "net 中没有名为 {name!r} 的值{where}"},
    "in_step": {"en": " in {step}", "zh": "（{step}）"},
    "did_you_mean": {"en": "; did you mean {names}?", "zh": "；是否想写 {names}？"},
    "read_only": {"en": "net is read-only: compute with net.{name}, do not assign to it",
                  "zh": "net 是只读的：请用 net.{name} 计算，不要给它赋值"},
    "hidden": {"en": "net.{name} is not available in {step}: {reason}",
               "zh": "{step} 中没有 net.{name}：{reason}"},
    "hidden_answer": {"en": "it is what this step asks you to compute",
                      "zh": "这正是本步要你计算的量"},
    "hidden_gradient": {"en": "parameter gradients are what the steps compute; "
                              "only step17 is given them",
                        "zh": "参数梯度是各步要计算的量；只有第 17 步会直接给出"},
    "hidden_forward": {"en": "step0 computes the forward pass itself",
                       "zh": "第 0 步要自己完成前向传播"},
    "hidden_later": {"en": "it is computed in a later step", "zh": "它在后面的步骤中才计算"},
    "loss_name": {"en": "net.loss takes parameter names ({first} … {last}), not {name!r}",
                  "zh": "net.loss 接受参数名（{first} … {last}），而不是 {name!r}"},
    "loss_value": {"en": "net.loss({name}=...) needs a real number, not a {kind}",
                   "zh": "net.loss({name}=...) 需要一个实数，而不是 {kind}"},
    "loss_repr": {"en": "net.loss(name=value, ...): L with those parameters replaced",
                  "zh": "net.loss(name=value, ...)：把这些参数换成给定值后的 L"},
}


class CountedLoss:
    """L of the seed's network as a function of its parameters; every call is counted.

    ``loss()`` is L as given; ``loss(w1_11=0.51)`` or ``loss({"w1_11": 0.51})`` is L with
    those parameters replaced: one forward pass each.
    """

    __slots__ = ("_values", "_names", "calls", "lang")

    def __init__(self, values: dict, names: tuple, lang: str = "en"):
        names = tuple(names)
        self._values = {name: float(values[name]) for name in names + ("x1", "x2", "y_target")}
        self._names = names
        self.calls = 0
        self.lang = lang

    def __call__(self, changes=None, /, **more) -> float:
        lang = self.lang
        values = dict(self._values)
        for name, value in {**(changes or {}), **more}.items():
            if name not in self._names:
                raise KeyError(text(MESSAGES, "loss_name", lang, first=self._names[0],
                                    last=self._names[-1], name=name))
            if not _is_real(value):
                raise TypeError(text(MESSAGES, "loss_value", lang, name=name,
                                     kind=type(value).__name__))
            values[name] = float(value)
        self.calls += 1
        return seed_loss(values)

    def __repr__(self) -> str:
        return text(MESSAGES, "loss_repr", self.lang)


def _is_real(value) -> bool:
    """int, float or a numpy number; not a truth value."""
    np = loaded_numpy()
    if isinstance(value, bool) or (np is not None and isinstance(value, np.bool_)):
        return False
    return isinstance(value, (int, float)) or (np is not None and isinstance(value, np.number))


# The seed's forward pass on plain floats, written as the lesson writes it. A learner's
# finite differences call it a few hundred times per check, where numpy's per-call overhead
# on 2- and 3-element arrays would dominate. Tests hold it equal to grader.engine.forward.run.


_LAYER1 = tuple(row + (bias,) for row, bias in zip(ARRAYS["W1"], ARRAYS["b1"]))
_LAYER2 = tuple(zip(ARRAYS["W2"], ARRAYS["b2"]))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -700.0 else 0.0


def seed_loss(p: dict) -> float:
    """L = 1/2 (y - y_target)^2 of the 2-3-2-1 sigmoid network with the values in ``p``."""
    x1, x2 = p["x1"], p["x2"]
    h1 = [_sigmoid(p[w1] * x1 + p[w2] * x2 + p[b]) for w1, w2, b in _LAYER1]
    h2 = [_sigmoid(p[w1] * h1[0] + p[w2] * h1[1] + p[w3] * h1[2] + p[b])
          for (w1, w2, w3), b in _LAYER2]
    y = _sigmoid(p["v1"] * h2[0] + p["v2"] * h2[1] + p["b3"])
    return 0.5 * (y - p["y_target"]) ** 2


def _names_in(layout) -> list:
    if isinstance(layout, str):
        return [layout]
    return [name for part in layout for name in _names_in(part)]


_ARRAY_NAMES = {name: tuple(_names_in(layout)) for name, layout in ARRAYS.items()}


def _array(layout, values):
    """A read-only numpy array of the scalars named in ``layout`` (or of the nested lists
    ``layout`` itself when ``values`` is None); numpy loads here first."""
    np = loaded_numpy()
    if np is None:
        import numpy as np

    def build(part):
        if values is None:
            return part
        return values[part] if isinstance(part, str) else [build(p) for p in part]

    array = np.array(build(layout), dtype=float)
    array.setflags(write=False)
    return array


# Counts, not measurements: whole numbers that a loop's range() takes (step22's epochs).
COUNTS = ("epochs", "sample_epochs")


def _held(name: str, value):
    """A value as ``net`` holds it (see the module): a count (:data:`COUNTS`) as an int or a
    tuple of ints, nested lists (a matrix step's) as a read-only array, ``{"layers": [...]}``
    as a tuple of them (one per layer), a name as a string, any other number as a float."""
    if name in COUNTS:
        return tuple(map(int, value)) if isinstance(value, list) else int(value)
    if isinstance(value, list):
        return _array(value, None)
    if isinstance(value, dict):
        return tuple(_array(part, None) for part in value["layers"])
    if isinstance(value, str):
        return value
    return float(value)


class Context:
    """Attribute access to the step's values; assignment is refused.

    The arrays (``net.W1``, ``net.h1`` ...) are assembled from the scalars on first use.
    """

    __slots__ = ("_values", "_step_id", "_hidden", "_arrays", "_lang")

    def __init__(self, values: dict, step_id: str = "", hidden: dict | None = None,
                 loss: tuple | None = None, lang: str = "en"):
        """``loss``: the parameter names ``net.loss(name=value, ...)`` takes, when offered."""
        scalars = {name: _held(name, value) for name, value in values.items()}
        if loss:                                          # net.loss(**changes), calls counted
            scalars["loss"] = CountedLoss(scalars, loss, lang)
        object.__setattr__(self, "_values", scalars)
        object.__setattr__(self, "_step_id", step_id)
        object.__setattr__(self, "_hidden", hidden or {})      # name -> why it is missing
        object.__setattr__(self, "_lang", lang)
        object.__setattr__(self, "_arrays", {})

    def _lookup(self, name):
        values = self._values
        if name in values:
            return values[name]
        arrays = self._arrays
        if name not in arrays and name in ARRAYS and all(n in values for n in _ARRAY_NAMES[name]):
            arrays[name] = _array(ARRAYS[name], values)
        return arrays[name]

    def __getattr__(self, name):
        if name in Context.__slots__:          # not yet set (e.g. during unpickling)
            raise AttributeError(name)
        try:
            return self._lookup(name)
        except KeyError:
            raise AttributeError(self._missing(name)) from None

    def __getitem__(self, name):
        try:
            return self._lookup(name)
        except KeyError:
            raise KeyError(self._missing(name)) from None

    def _names(self) -> list:
        values = self._values
        return list(values) + [name for name, parts in _ARRAY_NAMES.items()
                               if all(n in values for n in parts)]

    def _missing(self, name: str) -> str:
        if name in self._hidden:                # why, in the learner's language
            reason = text(MESSAGES, "hidden_" + self._hidden[name], self._lang)
            return text(MESSAGES, "hidden", self._lang, name=name, step=self._step_id,
                        reason=reason)
        import difflib                         # only when a name is missing

        lang = self._lang
        where = text(MESSAGES, "in_step", lang, step=self._step_id) if self._step_id else ""
        close = difflib.get_close_matches(name, self._names(), n=3)
        suggestion = text(MESSAGES, "did_you_mean", lang,
                          names=", ".join("net." + c for c in close)) if close else ""
        return text(MESSAGES, "no_name", lang, name=name, where=where) + suggestion

    def __setattr__(self, name, value):
        raise AttributeError(text(MESSAGES, "read_only", self._lang, name=name))

    def __delattr__(self, name):
        raise AttributeError(text(MESSAGES, "read_only", self._lang, name=name))

    def __copy__(self):
        return self                            # immutable: a copy is the same view

    def __deepcopy__(self, memo):
        return self

    def __contains__(self, name) -> bool:
        return name in self._names()

    def __dir__(self):
        return sorted(self._names())

    def keys(self) -> list:
        return sorted(self._names())

    def __repr__(self) -> str:
        scalars = ", ".join(f"{k}={v:.6g}" for k, v in self._values.items() if isinstance(v, float))
        return f"net({self._step_id}: {scalars})"


def usage(net: Context) -> dict:
    """What the learner's code asked of ``net`` beyond its values: ``{"loss_calls": n}``."""
    loss = object.__getattribute__(net, "_values").get("loss")
    return {"loss_calls": loss.calls} if isinstance(loss, CountedLoss) else {}

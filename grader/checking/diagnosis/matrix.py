"""The likely slip in a matrix step (answers that are arrays), from its numbers, its shape or
the error numpy raised.

Three ways a slip shows, each named only when it is certain:

- by value: a slip's formula (a row of the step rewritten, :data:`SLIPS`) gives the learner's
  arrays on every problem and the right formula does not; ∂L/∂W⁽ˡ⁾ and ∂L/∂b⁽ˡ⁾ right for the
  learner's own δ⁽ˡ⁾ follow from it; the same array on every problem is ``hard_coded``, one
  right to a few digits a near miss (``rounded``, as for numbers);
- by shape: ∂L/∂W⁽ˡ⁾ returned with the transposed shape is the outer product in the wrong
  order (``outer_product_order``);
- by error: with the step's shapes (nothing square), a missing transpose or σ′ of the next
  layer makes numpy refuse the product; the learner's failing line and numpy's message name it
  (``missing_transpose``, ``wrong_layer_derivative``).
"""

from __future__ import annotations

from ... import notation, tolerances
from ...i18n import LIST_SEPARATOR, pick, text
from ...steps.matrix import evaluate, render
from . import near_miss

# Slips of a row: (code, answer key, the formula the slip computes), in the order preferred.
SLIPS = (
    ("sign_flipped", "delta", "-((W_next.T @ delta_next) * h * (1 - h))"),
    ("wrong_layer_derivative", "delta", "W_next.T @ (delta_next * h_next * (1 - h_next))"),
    ("missing_activation_derivative", "delta", "W_next.T @ delta_next"),
    ("derivative_at_preactivation", "delta", "(W_next.T @ delta_next) * z * (1 - z)"),
    ("wrong_activation_derivative", "delta", "(W_next.T @ delta_next) * h"),
    ("sign_flipped", "dW", "-(delta @ h_prev.T)"),
    ("sign_flipped", "db", "-delta"),
)

MESSAGES = {
    "by_value": {"en": "{what}: your numbers are exactly {formula}",
                 "zh": "{what}：你的结果恰好等于 {formula}"},
    "sign_flipped": {"en": "the sign is flipped", "zh": "符号反了"},
    "wrong_layer_derivative": {
        "en": "σ′ is taken at the wrong layer: δ⁽ˡ⁺¹⁾ already holds the next layer's σ′; "
              "this layer's is h⁽ˡ⁾ ⊙ (1−h⁽ˡ⁾), after the product with W⁽ˡ⁺¹⁾ᵀ",
        "zh": "σ′ 用错了层：δ⁽ˡ⁺¹⁾ 已经包含下一层的 σ′；本层的是 h⁽ˡ⁾ ⊙ (1−h⁽ˡ⁾)，"
              "要在乘以 W⁽ˡ⁺¹⁾ᵀ 之后再乘"},
    "missing_activation_derivative": {
        "en": "the σ′ factor h⁽ˡ⁾ ⊙ (1−h⁽ˡ⁾) is missing",
        "zh": "漏掉了 σ′ 因子 h⁽ˡ⁾ ⊙ (1−h⁽ˡ⁾)"},
    "derivative_at_preactivation": {
        "en": "σ′ is taken from the pre-activation, z⁽ˡ⁾ ⊙ (1−z⁽ˡ⁾) instead of h⁽ˡ⁾ ⊙ (1−h⁽ˡ⁾)",
        "zh": "σ′ 用了激活前的值，把 h⁽ˡ⁾ ⊙ (1−h⁽ˡ⁾) 写成了 z⁽ˡ⁾ ⊙ (1−z⁽ˡ⁾)"},
    "wrong_activation_derivative": {
        "en": "σ′ is written wrongly, h⁽ˡ⁾ where h⁽ˡ⁾ ⊙ (1−h⁽ˡ⁾) belongs",
        "zh": "σ′ 写错了，该写 h⁽ˡ⁾ ⊙ (1−h⁽ˡ⁾) 的地方写成了 h⁽ˡ⁾"},
    "hard_coded": {
        "en": "the same array on every problem although the right answers differ: compute it "
              "from net instead of writing it in",
        "zh": "每个问题都得到同一个数组，而正确答案各不相同：请用 net 计算，不要把数写死"},
    "outer_product_order": {
        "en": "{name} came back with shape {got}, the transpose of {shape}: the outer product's "
              "factors are in the wrong order, {wrong} instead of {right} (rows are the "
              "neurons of layer l, columns the values of h⁽ˡ⁻¹⁾ feeding them)",
        "zh": "{name} 的形状是 {got}，正好是 {shape} 的转置：外积的两个因子顺序反了，"
              "写成了 {wrong}，应为 {right}（行对应第 l 层的神经元，列对应输入它们的 h⁽ˡ⁻¹⁾）"},
    "missing_transpose": {
        "en": "numpy refused the product of W⁽ˡ⁺¹⁾ ({rows}×{columns}) with δ⁽ˡ⁺¹⁾ ({rows} "
              "entries): going back a layer takes the transpose, {right}, which has one entry "
              "per neuron of layer l ({columns})",
        "zh": "numpy 拒绝计算 W⁽ˡ⁺¹⁾（{rows}×{columns}）与 δ⁽ˡ⁺¹⁾（{rows} 项）的乘积：往回传一层"
              "要用转置 {right}，它对第 l 层的每个神经元给出一项（{columns} 项）"},
    "wrong_layer_error": {
        "en": "numpy refused to multiply entry by entry: σ′ of the next layer (h⁽ˡ⁺¹⁾ or z⁽ˡ⁺¹⁾, "
              "{next} entries) does not fit this layer's {size}; δ⁽ˡ⁺¹⁾ already holds the next "
              "layer's σ′, and δ⁽ˡ⁾ takes this layer's, h⁽ˡ⁾ ⊙ (1−h⁽ˡ⁾)",
        "zh": "numpy 无法逐项相乘：下一层的 σ′（h⁽ˡ⁺¹⁾ 或 z⁽ˡ⁺¹⁾，{next} 项）与本层的 {size} 项"
              "对不上；δ⁽ˡ⁺¹⁾ 已经包含下一层的 σ′，δ⁽ˡ⁾ 要用本层的 h⁽ˡ⁾ ⊙ (1−h⁽ˡ⁾)"},
    "follows": {"en": "{message}; {later} follow from it: they are right for your δ⁽ˡ⁾",
                "zh": "{message}；{later} 的错误都由它而来：按你的 δ⁽ˡ⁾ 计算，它们是对的"},
    "in_key": {"en": "[{answer}] {message}", "zh": "[{answer}] {message}"},
}

# numpy's words for a product whose shapes do not fit
SHAPE_ERRORS = ("mismatch in its core dimension", "not aligned", "could not be broadcast")


def _arrays(step, flat: dict) -> dict:
    """{answer key: nested numbers} from the entries ``dW[1,2]`` … of one problem."""
    import numpy as np

    out = {}
    for key, shape in step.arrays.items():
        values = [flat[name] for name in flat if name.partition("[")[0] == key]
        out[key] = np.array(values, dtype=float).reshape(shape)
    return out


def _close(got: list, want: list) -> bool:
    import numpy as np

    return all(a.shape == b.shape and np.all(np.isfinite(b)) and all(
        tolerances.close(float(x), float(y), tolerances.DIAGNOSIS_RELATIVE)
        for x, y in zip(a.ravel(), b.ravel())) for a, b in zip(got, want))


def _values(source: str, envs: list, shape: tuple):
    try:
        return [evaluate(source, env).reshape(shape) for env in envs]
    except (ValueError, KeyError, ArithmeticError):
        return None


def _entry(code: str, source: str | None, message: str) -> dict:
    if source is None:
        return {"code": code, "formula_latex": None, "formula_text": None, "message": message}
    return {"code": code, "formula_latex": render(source, True),
            "formula_text": render(source, False), "message": message}


def diagnose(step, contexts: list, received: list, expected: list, lang: str = "en"):
    """The diagnosis of a failed matrix step from its numbers, or None (see the module)."""
    import numpy as np

    envs = [{name: np.asarray(value, dtype=float) for name, value in context.items()}
            for context in contexts]
    got_all = [_arrays(step, answer) for answer in received]
    want_all = [_arrays(step, values) for values in expected]
    got = {key: [arrays[key] for arrays in got_all] for key in step.arrays}
    want = {key: [arrays[key] for arrays in want_all] for key in step.arrays}
    rows = dict(step.rows)
    per_key, follows = {}, []
    for key, shape in step.arrays.items():
        if _close(got[key], want[key]):
            continue
        per_key[key] = None
        if key != "delta":            # right for the learner's own δ⁽ˡ⁾: where it starts
            own = [{**env, "delta": delta} for env, delta in zip(envs, got["delta"])]
            values = _values(rows[key], own, shape)
            if values is not None and _close(got[key], values) and "delta" in per_key:
                follows.append(key)
                continue
        # ∂L/∂W⁽ˡ⁾ and ∂L/∂b⁽ˡ⁾ slip on the learner's own δ⁽ˡ⁾ (right, when it gets here)
        own = [{**env, "delta": delta} for env, delta in zip(envs, got["delta"])]
        for code, slipped, source in SLIPS:
            if slipped != key:
                continue
            values = _values(source, own, shape)
            if values is not None and _close(got[key], values):
                what = text(MESSAGES, code, lang)
                formula = f"{notation.LAYER_SYMBOLS[key][1]} = {render(source, False)}"
                per_key[key] = _entry(code, source, text(MESSAGES, "by_value", lang, what=what,
                                                         formula=formula))
                break
        if per_key[key] is None and len(got[key]) > 1 \
                and _close(got[key], [got[key][0]] * len(got[key])) \
                and not _close(want[key], [want[key][0]] * len(want[key])):
            per_key[key] = _entry("hard_coded", None, text(MESSAGES, "hard_coded", lang))
        if per_key[key] is None:      # right to a few digits: rounded, float32, or no cause
            flat_got = [float(v) for array in got[key] for v in array.ravel()]
            flat_want = [float(v) for array in want[key] for v in array.ravel()]
            near = near_miss.rounded(flat_got, flat_want) or near_miss.near_miss(flat_got,
                                                                                 flat_want)
            if near is not None:
                per_key[key] = near_miss.describe(near, lang,
                                                  written=notation.LAYER_SYMBOLS[key])
    lead = next((key for key, found in per_key.items() if found and found["code"]), None) \
        or next((key for key, found in per_key.items() if found), None)
    if lead is None:
        return None
    result = dict(per_key[lead])
    message = text(MESSAGES, "in_key", lang, answer=lead, message=result["message"])
    if lead == "delta" and follows:
        later = pick(LIST_SEPARATOR, lang).join(notation.LAYER_SYMBOLS[k][1] for k in follows)
        message = text(MESSAGES, "follows", lang, message=message, later=later)
        result["follows"] = {key: ["delta"] for key in follows}
    result.update(message=message, key=lead,
                  per_key={key: found for key, found in per_key.items() if key not in follows}
                  | {key: None for key in follows})
    return result


def from_shape(step, answer: dict, lang: str = "en"):
    """The diagnosis of an invalid answer from the shape it came back with, or None."""
    key, got = answer.get("key"), answer.get("shape")
    if key != "dW" or got is None or tuple(got) != tuple(reversed(step.shape(key))):
        return None
    from bpgrade_harness.answers import shape_text

    wrong, right = "h_prev @ delta.T", dict(step.rows)[key]
    message = text(MESSAGES, "outer_product_order", lang, name=notation.LAYER_SYMBOLS[key][1],
                   got=shape_text(got), shape=shape_text(step.shape(key)),
                   wrong=render(wrong, False), right=render(right, False))
    return {**_entry("outer_product_order", wrong, message), "key": key}


def from_error(step, error: str, lang: str = "en"):
    """The diagnosis of a numpy shape error in the learner's code, or None: the failing line
    and numpy's message must both point at the slip."""
    lines = [line.strip() for line in (error or "").splitlines() if line.strip()]
    if len(lines) < 2 or not lines[-1].startswith("ValueError") \
            or not any(words in lines[-1] for words in SHAPE_ERRORS):
        return None
    code_line, rows = lines[-2], step.shape("W_next")
    transposed = "W_next.T" in code_line or "transpose" in code_line
    # W⁽ˡ⁺¹⁾ (2×3) against a vector of 2, in the words of @ and of np.dot
    against_delta = (f"size {rows[0]} is different from {rows[1]}",
                     f"({rows[0]},{rows[1]}) and ({rows[0]},)")
    if "W_next" in code_line and not transposed \
            and any(words in lines[-1] for words in against_delta):
        message = text(MESSAGES, "missing_transpose", lang, rows=rows[0], columns=rows[1],
                       right=render("W_next.T @ delta_next", False))
        return _entry("missing_transpose", "W_next @ delta_next", message)
    if ("h_next" in code_line or "z_next" in code_line) and "broadcast" in lines[-1]:
        message = text(MESSAGES, "wrong_layer_error", lang, next=step.shape("h_next")[0],
                       size=step.shape("h")[0])
        return _entry("wrong_layer_derivative", None, message)
    return None


"""The likely slip in the whole backward pass (steps 20 and 21), from its numbers, its shape
or the error numpy raised.

Each problem of a check is another network, so a slip is a way of writing the whole pass:
:func:`backward` computes it on what ``net`` held, right or with one slip (:data:`SLIPS`),
and a code is named only when that slip gives the learner's gradients on every problem of the
check (on a problem where the slip changes nothing, such as a softmax left out of a network
with no softmax, the slip's numbers are the right ones). As for step 19: ∂L/∂W⁽ˡ⁾ with the
transposed shape is the outer product in the wrong order; numpy refusing W⁽ˡ⁺¹⁾ δ⁽ˡ⁺¹⁾ on the
learner's failing line is a missing transpose; numbers right to a few digits are a near miss.
"""

from __future__ import annotations

from ... import notation, tolerances
from ...i18n import text
from ...steps.matrix import render
from . import matrix, near_miss

# (code, {row: the row as the slip writes it}, empty where no one row shows it), in the order
# preferred.
SLIPS = (
    ("sign_flipped", {}),
    ("softmax_missing", {"delta_out": "z_out - y_target"}),
    ("sum_not_mean", {"dW": "delta @ h_prev.T", "db": "delta @ ones"}),
    ("missing_activation_derivative", {"delta": "W_next.T @ delta_next"}),
    ("derivative_at_preactivation", {}),
    ("wrong_layer_derivative", {"delta": "W_next.T @ (delta_next * act_prime_next)"}),
    ("missing_transpose", {"delta": "(W_next @ delta_next) * act_prime"}),
)

MESSAGES = {
    "softmax_missing": {
        "en": "δ⁽ᴸ⁾ at the softmax output is written without the softmax: with the softmax "
              "cross-entropy it is softmax(z⁽ᴸ⁾) − y_target, which is y − y_target",
        "zh": "softmax 输出处的 δ⁽ᴸ⁾ 漏掉了 softmax：用 softmax 交叉熵时它是 "
              "softmax(z⁽ᴸ⁾) − y_target，也就是 y − y_target"},
    "sum_not_mean": {
        "en": "the gradients are summed over the batch, exactly B times the mean: the loss is "
              "the mean over the examples, so divide by B",
        "zh": "梯度在批量上求了和，恰好是平均值的 B 倍：损失是各样本的平均，所以要除以 B"},
    "missing_activation_derivative": {
        "en": "the slope f′(z⁽ˡ⁾) of the hidden layers is missing",
        "zh": "漏掉了隐藏层的斜率 f′(z⁽ˡ⁾)"},
    "derivative_at_preactivation": {
        "en": "f′ is written through h but given z: z(1−z) for sigmoid or 1−z² for tanh, "
              "where h(1−h) or 1−h² belongs",
        "zh": "f′ 是用 h 写的，却代入了 z：sigmoid 写成 z(1−z)、tanh 写成 1−z²，"
              "应为 h(1−h) 或 1−h²"},
    "wrong_layer_derivative": {
        "en": "f′ is taken at the layer above: δ⁽ˡ⁺¹⁾ already holds that layer's slope; δ⁽ˡ⁾ "
              "takes this layer's, after the product with W⁽ˡ⁺¹⁾ᵀ",
        "zh": "f′ 用成了上一层的：δ⁽ˡ⁺¹⁾ 已经包含那一层的斜率；δ⁽ˡ⁾ 要在乘以 W⁽ˡ⁺¹⁾ᵀ 之后"
              "乘本层的斜率"},
    "missing_transpose": {
        "en": "going back a layer takes the transpose, W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾, not W⁽ˡ⁺¹⁾ δ⁽ˡ⁺¹⁾",
        "zh": "往回传一层要用转置 W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾，而不是 W⁽ˡ⁺¹⁾ δ⁽ˡ⁺¹⁾"},
    "missing_transpose_error": {
        "en": "numpy refused a product with a weight matrix: going back a layer takes the "
              "transpose, W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾, which has one entry per neuron of layer l",
        "zh": "numpy 拒绝计算与权重矩阵的乘积：往回传一层要用转置 W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾，"
              "它对第 l 层的每个神经元给出一项"},
    "outer_product_order": {
        "en": "{name}[{layer}] came back with shape {got}, the transpose of {shape}: the outer "
              "product's factors are in the wrong order, {wrong} instead of {right} (rows are "
              "the neurons of the layer, columns the values feeding them)",
        "zh": "{name}[{layer}] 的形状是 {got}，正好是 {shape} 的转置：外积的两个因子顺序反了，"
              "写成了 {wrong}，应为 {right}（行对应该层的神经元，列对应输入它们的值）"},
    "by_value": {"en": "{what}: your numbers are exactly {formula}",
                 "zh": "{what}：你的结果恰好等于 {formula}"},
    "no_formula": {"en": "{what}", "zh": "{what}"},
}

def _written(key: str, source: str, latex: bool) -> str:
    """A slip's row in the lesson's notation."""
    return f"{notation.LAYER_SYMBOLS[key][0 if latex else 1]} = {render(source, latex)}"


# Where a slip in f′ is made: every layer, the hidden layers' loop alone, or the output alone.
WHERE = ("all", "hidden", "output")


def backward(values: dict, slip: str | None = None, where: str = "all"):
    """(dW, db), lists per layer, of the pass written right or with ``slip``, on the values
    ``net`` held (examples as columns for a batch); None where numpy refuses the slip.
    ``where`` (:data:`WHERE`) a slip in f′ is made."""
    import numpy as np

    from ...engine import losses
    from ...engine.forward import derivative

    def column(value):
        array = np.asarray(value, dtype=float)
        return array.reshape(-1, 1) if array.ndim == 1 else array

    weights = [np.asarray(w, dtype=float) for w in values["W"]["layers"]]
    zs = [column(z) for z in values["z"]["layers"]]
    hs = [column(h) for h in values["h"]["layers"]]
    inputs = [column(values["x"])] + hs[:-1]
    target = column(values["y_target"])
    act, out, loss = values["activation"], values["output_activation"], values["loss_name"]
    size = inputs[0].shape[1]

    def slope(name, k):
        at_output = k == len(weights) - 1
        at_z = slip == "derivative_at_preactivation" and (
            where == "all" or (where == "output") == at_output)
        through = zs[k] if at_z else hs[k]
        return derivative(name, zs[k], through)

    y = hs[-1]
    if loss in ("binary_cross_entropy", "softmax_cross_entropy"):
        delta = (zs[-1] if slip == "softmax_missing" and out == "softmax" else y) - target
    else:
        dL_dy = losses.gradient(loss, y.T, target.T).T       # outputs along the last axis
        delta = dL_dy * slope(out, len(weights) - 1)
    depth = len(weights)
    dW, db = [None] * depth, [None] * depth
    scale = 1.0 if slip == "sum_not_mean" else 1.0 / size
    try:
        for k in range(depth - 1, -1, -1):
            dW[k] = delta @ inputs[k].T * scale
            db[k] = delta.sum(axis=1) * scale
            if k == 0:
                break
            if slip == "missing_transpose":
                back = weights[k] @ delta
            elif slip == "wrong_layer_derivative":     # layer k's slope, already in its δ
                back = weights[k].T @ (delta * slope(out if k == depth - 1 else act, k))
            else:
                back = weights[k].T @ delta
            if slip in ("missing_activation_derivative", "wrong_layer_derivative"):
                delta = back
            else:
                delta = back * slope(act, k - 1)
    except ValueError:
        return None
    if slip == "sign_flipped":
        dW, db = [-g for g in dW], [-g for g in db]
    return dW, db


def _gathered(step, reference: dict, flat: dict) -> dict:
    """{answer key: [array per layer]} from the entries ``dW[2][1,0]`` … of one problem."""
    import numpy as np

    numbers = iter([flat[name] for _, name in step.items_for(reference)])
    spec = step.keys_for(reference)
    return {key: [np.array([next(numbers) for _ in range(int(np.prod(shape)))],
                           dtype=float).reshape(shape) for shape in spec[key]]
            for key in step.list_keys}


def _close(got: list, want: list) -> bool:
    import numpy as np

    return len(got) == len(want) and all(
        a.shape == b.shape and np.all(np.isfinite(b))
        and np.allclose(a, b, rtol=tolerances.DIAGNOSIS_RELATIVE, atol=0.0) for a, b in zip(got, want))


def _entry(code: str, key: str | None, source: str | None, message: str) -> dict:
    if source is None:
        return {"code": code, "formula_latex": None, "formula_text": None, "message": message}
    return {"code": code, "formula_latex": _written(key, source, True),
            "formula_text": _written(key, source, False), "message": message}


def diagnose(step, contexts: list, received: list, expected: list, references: list,
             lang: str = "en"):
    """The diagnosis of a failed full backward pass from its numbers, or None."""
    got = [_gathered(step, ref, answer) for ref, answer in zip(references, received)]
    want = [_gathered(step, ref, values) for ref, values in zip(references, expected)]
    wrong = [key for key in step.list_keys
             if not all(_close(g[key], w[key]) for g, w in zip(got, want))]
    if not wrong:
        return None
    per_key = dict.fromkeys(wrong)
    for code, rows in SLIPS:
        if code == "sum_not_mean" and not step.batch:
            continue
        for where in WHERE if code == "derivative_at_preactivation" else WHERE[:1]:
            slipped = [backward(context, code, where) for context in contexts]
            if all(s is not None for s in slipped):
                _name(per_key, wrong, step, code, rows, got, slipped, lang)
    for key in wrong:                 # right to a few digits: rounded, float32, or no cause
        if per_key[key] is None:
            flat_got = [float(v) for g in got for a in g[key] for v in a.ravel()]
            flat_want = [float(v) for w in want for a in w[key] for v in a.ravel()]
            near = near_miss.rounded(flat_got, flat_want) or near_miss.near_miss(flat_got,
                                                                                 flat_want)
            if near is not None:
                per_key[key] = near_miss.describe(near, lang,
                                                  written=notation.LAYER_SYMBOLS[key])
    lead = next((key for key in wrong if per_key[key]), None)
    if lead is None:
        return None
    result = dict(per_key[lead])
    result.update(message=text(matrix.MESSAGES, "in_key", lang, answer=lead,
                               message=result["message"]),
                  key=lead, per_key=per_key)
    return result


def _name(per_key: dict, wrong: list, step, code: str, rows: dict, got: list, slipped: list,
          lang: str):
    """Name ``code`` for each wrong key not yet named whose numbers are the slip's on every
    problem."""
    for key in wrong:
        index = step.list_keys.index(key)
        row = key if key in rows else next(iter(rows), None)
        source = rows.get(row)
        if per_key[key] is None and all(_close(g[key], s[index])
                                        for g, s in zip(got, slipped)):
            what = text(MESSAGES, code, lang) if code in MESSAGES \
                else text(matrix.MESSAGES, code, lang)
            if source is None:
                message = text(MESSAGES, "no_formula", lang, what=what)
            else:
                message = text(MESSAGES, "by_value", lang, what=what,
                               formula=_written(row, source, False))
            per_key[key] = _entry(code, row, source, message)


def from_shape(step, answer: dict, reference: dict | None, lang: str = "en"):
    """∂L/∂W⁽ˡ⁾ of one layer returned with the transposed shape, or None."""
    key, got, layer = answer.get("key"), answer.get("shape"), answer.get("layer")
    if key != "dW" or got is None or layer is None or reference is None:
        return None
    shape = step.keys_for(reference)["dW"][layer]
    if list(got) != list(reversed(shape)):
        return None
    from bpgrade_harness.answers import shape_text

    wrong, right = "h_prev @ delta.T", "delta @ h_prev.T"
    message = text(MESSAGES, "outer_product_order", lang, name=key, layer=layer,
                   got=shape_text(got), shape=shape_text(shape),
                   wrong=render(wrong, False), right=render(right, False))
    return {**_entry("outer_product_order", "dW", wrong, message), "key": key}


def from_error(step, error: str, lang: str = "en"):
    """A missing transpose, read from numpy refusing a product with a weight matrix on the
    learner's failing line; else None."""
    lines = [line.strip() for line in (error or "").splitlines() if line.strip()]
    if len(lines) < 2 or not lines[-1].startswith("ValueError") \
            or not any(words in lines[-1] for words in matrix.SHAPE_ERRORS):
        return None
    code_line = lines[-2]
    weights = "W[" in code_line or "W_" in code_line or "weights" in code_line
    if weights and ("@" in code_line or "dot" in code_line) and ".T" not in code_line \
            and "transpose" not in code_line:
        return _entry("missing_transpose", None, None,
                      text(MESSAGES, "missing_transpose_error", lang))
    return None

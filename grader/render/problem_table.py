"""``bpgrade problem`` as a person reads it: the problem's numbers layer by layer, each labelled
in the lesson's notation (:mod:`grader.notation`). It renders the dict of
:func:`grader.steps.problem_data.as_dict` (the JSON of ``--json``) and computes nothing."""

from __future__ import annotations

from .. import notation
from ..i18n import pick, text
from .terminal import display_width, pad

MESSAGES = {
    "problem_title": {"en": "Problem · seed {seed} · network {layers} · {activation} hidden, "
                            "{output} output · loss {loss}",
                      "zh": "题目 · 种子 {seed} · 网络 {layers} · 隐藏层 {activation}，"
                            "输出层 {output} · 损失 {loss}"},
    "problem_inputs": {"en": "Inputs", "zh": "输入"},
    "problem_parameters": {"en": "Weights and biases, a row per neuron i: w_ij^(l) = W_l[i][j] "
                                 "(j = its input), then b_i^(l)",
                           "zh": "权重与偏置，每个神经元 i 一行：w_ij^(l) = W_l[i][j]"
                                 "（j 为其输入），最后是 b_i^(l)"},
    "problem_forward": {"en": "Forward pass (z before the activation, h after it)",
                        "zh": "前向传播（z 为激活前的值，h 为激活后的值）"},
    "problem_gradients": {"en": "Gradients of L, a row per neuron", "zh": "L 的梯度，每个神经元一行"},
    "problem_steps": {"en": "The lesson's steps", "zh": "课文的各步"},
    "problem_layer": {"en": "layer {layer}", "zh": "第 {layer} 层"},
}

LABELLED = 8                # a row of more entries is shown as numbers, without a label each
WIDTH = 132                 # nor a block of rows wider than this
PER_LINE = 6                # numbers on one line of such a row
GIVEN = "{:.2f}"            # inputs and parameters have at most two decimals
COMPUTED = "{:.8g}"


def _symbol(name: str) -> str:
    return notation.symbol(name, latex=False)


def _number(form: str, value) -> str:
    return form.format(value + 0.0)           # + 0.0: a zero is shown as 0, never -0


def _cells(names, values, form: str) -> list:
    return [f"{_symbol(name)} = {_number(form, value)}" for name, value in zip(names, values)]


def _rows(rows, form: str) -> list:
    """Lines for ``rows`` of (names, values): aligned ``name = value`` cells where they fit,
    else for each row the names of its first and last entries and its numbers beneath."""
    cells = [_cells(names, values, form) for names, values in rows]
    widths = [max(display_width(row[k]) for row in cells if k < len(row))
              for k in range(max(map(len, cells)))]
    if max(map(len, cells)) <= LABELLED and sum(widths) + 3 * len(widths) + 4 <= WIDTH:
        return ["    " + "   ".join(pad(c, w) for c, w in zip(row, widths)).rstrip()
                for row in cells]
    lines = []
    for names, values in rows:
        lines.append(f"    {_symbol(names[0])} … {_symbol(names[-1])}:")
        numbers = [_number(form, value) for value in values]
        for start in range(0, len(numbers), PER_LINE):
            lines.append("     " + " ".join(f"{n:>14}" for n in numbers[start:start + PER_LINE]))
    return lines


def _neurons(names: dict, arrays: dict, layer: int, prefix: str = "") -> list:
    """(names, values) per neuron of ``layer``: its weights, then its bias."""
    weights, biases = arrays[f"W{layer}"], arrays[f"b{layer}"]
    return [(tuple(prefix + n for n in weight_names) + (prefix + bias_name,), [*row, bias])
            for weight_names, bias_name, row, bias
            in zip(names[f"W{layer}"], names[f"b{layer}"], weights, biases)]


def problem_text(data: dict, lang: str = "en") -> str:
    """The readable ``bpgrade problem``: inputs, parameters, forward values, gradients and, for
    the lesson's network, its steps' values."""
    layers = tuple(data["layers"])
    depth = len(layers) - 1
    names = notation.arrays(layers)
    out = [text(MESSAGES, "problem_title", lang, seed=data["seed"],
                layers="-".join(map(str, layers)), activation=data["activation"],
                output=data["output_activation"], loss=data["loss"]),
           "", text(MESSAGES, "problem_inputs", lang)]
    out += _rows([(names["x"], data["x"])], GIVEN)
    targets = ", ".join(_number(GIVEN, value) for value in data["y_target"])
    out.append(f"    {_symbol('y_target')} = "
               + (targets if len(data["y_target"]) == 1 else f"({targets})"))
    out += _rows([(("eta",), [data["eta"]])], GIVEN)
    out += ["", text(MESSAGES, "problem_parameters", lang)]
    for layer in range(1, depth + 1):
        out.append("  " + text(MESSAGES, "problem_layer", lang, layer=layer))
        out += _rows(_neurons(names, data["params"], layer), GIVEN)
    out += ["", text(MESSAGES, "problem_forward", lang)]
    forward = data["forward"]
    for layer in range(1, depth + 1):
        out.append("  " + text(MESSAGES, "problem_layer", lang, layer=layer))
        outputs = forward["y"] if layer == depth else forward[f"h{layer}"]
        shown = names.get(f"h{layer}", ("y",))
        out += _rows([(names[f"z{layer}"], forward[f"z{layer}"]), (shown, outputs)], COMPUTED)
    out += _rows([(("L",), [forward["L"]])], COMPUTED)
    out += ["", text(MESSAGES, "problem_gradients", lang)]
    for layer in range(1, depth + 1):
        out.append("  " + text(MESSAGES, "problem_layer", lang, layer=layer))
        out += _rows(_neurons(names, data["gradients"], layer, notation.GRADIENT), COMPUTED)
    if "steps" in data:
        from ..steps import registry

        out += ["", text(MESSAGES, "problem_steps", lang)]
        out += [f"    {step.id:<7} {_number(COMPUTED, data['steps'][step.id]):>14}   "
                f"{pick(step.title, lang)}"
                for step in registry.SEED_STEPS if step.id in data["steps"]]
    return "\n".join(out)

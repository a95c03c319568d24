"""Hints for a sheet filled in with a pencil: the steps' hints (in the lesson's notation, at the
sheet's scaffold), and the sheet's own for the forward pass and the update, whose coding hints
speak of net and dicts."""

from __future__ import annotations

from ... import i18n
from ...steps import hints as step_hints
from .typeset import tex_text

MESSAGES = {
    "forward_hint_1": {"en": "Start from the inputs x₁, x₂ and the parameters above. Each "
                             "layer's outputs are the next layer's inputs: keep h⁽¹⁾ for h⁽²⁾ "
                             "and h⁽²⁾ for y.",
                       "zh": "从上面给出的输入 x₁、x₂ 和参数出发。每一层的输出就是下一层的输入："
                             "算 h⁽²⁾ 时用 h⁽¹⁾，算 y 时用 h⁽²⁾。"},
    "forward_hint_2": {"en": "z is the weighted sum of the layer's inputs plus its bias; then "
                             "h = σ(z) = 1/(1 + e⁻ᶻ), the same for y.",
                       "zh": "z 是本层输入的加权和再加偏置；然后 h = σ(z) = 1/(1 + e⁻ᶻ)，"
                             "y 也一样。"},
    "forward_hint_3": {"en": "Substitute the numbers into the formula in this row, then "
                             "apply σ.",
                       "zh": "把数字代入这一行的公式，再计算 σ。"},
    "update_hint_1": {"en": "Use the parameter's value from the table at the top and its "
                            "gradient from the step that found it, with the learning rate η.",
                      "zh": "用开头表格中该参数的值、求出它梯度的那一步的结果，以及学习率 η。"},
    "update_hint_2": {"en": "No chain rule here: the parameter moves against its gradient, by "
                            "η times it; moving with the gradient would make L larger.",
                      "zh": "这里不需要链式法则：参数沿梯度的反方向移动学习率 η 乘以梯度那么多；"
                            "沿梯度方向移动会让 L 变大。"},
    "update_hint_3": {"en": "new value = old value − η · ∂L/∂(parameter); write enough decimals "
                            "that the change shows.",
                      "zh": "新值 = 旧值 − η · ∂L/∂（参数）；小数位要写够，让变化显示出来。"},
}

PENCIL_HINTS = {"step0": "forward", "step17": "update"}   # steps whose hints are the sheet's own


def hints(step, lang: str, fmt: str, scaffold: str) -> list:
    """The hints of ``step``'s rows, level 1 first, as the format writes prose: what the sheet
    at ``scaffold`` does not already show (grader.steps.hints, as ``bpgrade hint`` gives them,
    with blanks filled from the sheet rather than from ``net``)."""
    if step.id in PENCIL_HINTS:
        texts = [i18n.text(MESSAGES, f"{PENCIL_HINTS[step.id]}_hint_{level}", lang)
                 for level in (1, 2, 3)]
    else:
        texts = [" ".join(step_hints.parts(step, level, lang, scaffold, paper=True))
                 for level in sorted(step.hints)]
    return [tex_text(t) if fmt == "tex" else t for t in texts]

"""The rows a learner fills in: the forward pass in the order a hand calculation goes, the
lesson's steps, the update of each parameter they differentiate; a row's blank and, for the key,
its formula worked out with the problem's numbers."""

from __future__ import annotations

import re

from ... import i18n, notation
from ...steps import expression, registry
from .numbers import given_number, minus, sci_tex, significant, update_number
from .typeset import math

MESSAGES = {
    "about_delta": {"en": ", the output error", "zh": "，输出误差"},
    "about_v": {"en": ", an output weight", "zh": "，输出层权重"},
    "about_b": {"en": ", the output bias", "zh": "，输出层偏置"},
    "about_w": {"en": ", a layer-{layer} weight", "zh": "，第 {layer} 层的权重"},
    "about_h": {"en": ", back into hidden layer {layer}", "zh": "，传回隐藏层 {layer}"},
}


def forward_rows(step0=None) -> list:
    """(quantity, expression tree) in the order a hand calculation goes: step 0's formulas
    (``step0``: the lesson's, or as another loss makes it), each activation σ(z) after its
    pre-activation z."""
    rows = []
    for quantity, source in (step0 or registry.get("step0")).expression.items():
        tree = expression.parse(source)
        if tree[0] == "call":                       # h = σ(z): first z, then σ(z)
            z = notation.preactivation_of(quantity)
            rows.append((z, tree[2][0]))
            tree = ("call", tree[1], (expression.name(z),))
        rows.append((quantity, tree))
    order = {name: k for k, name in enumerate(registry.FORWARD)}
    return sorted(rows, key=lambda row: order[row[0]])


def worked(tree, values: dict) -> str:
    """The formula's LaTeX with the numbers put in, for the key: given numbers as given,
    earlier results to four significant digits, negative ones in brackets."""
    text = expression.render(tree)
    given = set(registry.INPUTS) | set(registry.PARAMETERS)
    names = sorted(expression.names_in(tree), key=lambda n: -len(notation.symbol(n)))
    numbers = {}
    for k, name in enumerate(names):      # longest symbol first: h_1^{(2)} inside ∂L/∂h_1^{(2)}
        mark = f"@{k}@"
        text = text.replace(notation.symbol(name), mark)
        number = given_number(values[name]) if name in given else significant(values[name])
        numbers[mark] = f"({sci_tex(number)})" if number.startswith("-") else sci_tex(number)
    # Two numbers side by side need a visible product: 1.11 \cdot 0.81, not 1.110.81.
    text = re.sub(r"(@\d+@|\))\s*(?=@\d+@)|(\))\s*(?=\()",
                  lambda m: (m.group(1) or m.group(2)) + r" \cdot ", text)
    for mark, number in numbers.items():
        text = text.replace(mark, number)
    return text


def update_parameters() -> list:
    """The parameters whose gradient is one of the seed's 14 steps, in step order."""
    names = []
    for step in registry.SEED_STEPS:
        for _, quantity in step.answer_items:
            if quantity.startswith(notation.GRADIENT) and notation.base(quantity) in \
                    registry.PARAMETERS:
                names.append(notation.base(quantity))
    return names


def blank(blank_id: str, quantity: str, values: dict, fmt: str, kind: str, hints: list) -> dict:
    """One value to fill in: its symbol and, on the key, the value as printed."""
    value = values[quantity]
    if quantity.startswith(notation.UPDATED):
        key = update_number(value, values[notation.base(quantity)])
    else:
        key = significant(value)
    shown = sci_tex(key) if fmt in ("tex", "md") else minus(key, fmt)
    return {"id": blank_id, "quantity": quantity,
            "symbol": math(notation.symbol(quantity), fmt),
            "key": shown if kind == "key" else "",
            "hints": hints}


def description(quantity: str, lang: str) -> str:
    """What a step's quantity is (", a layer-2 weight" / "，第 2 层的权重"), the same words for
    every step of a kind, so each heading has one."""
    match = re.fullmatch(r"(delta|[vbwh])(\d?)(?:_\d+)?", notation.base(quantity))
    if not match:
        return ""
    kind, layer = match.groups()
    return i18n.text(MESSAGES, f"about_{kind}", lang, **({"layer": layer} if kind in "wh" else {}))

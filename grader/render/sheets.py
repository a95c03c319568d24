"""Practice sheets: one problem (one seed) as HTML, Markdown or LaTeX, with or without the key.

:func:`view` builds a plain view-model (dicts of ready-to-print strings) from a Problem, the
step registry and the reference quantities; the jinja2 templates in ``grader/templates`` only
place those strings. Every number, SVG coordinate and MathML fragment is computed here.

Sheets come in three kinds: ``interactive`` (HTML with answer boxes checked offline in the
browser; the expected values are embedded for that, out of sight), ``blank`` (printable, no
values beyond the problem's own numbers) and ``key`` (every answer shown).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import math
import re
import unicodedata
from pathlib import Path

from .. import i18n, notation
from . import mathml, templates
from ..steps import expression, registry
from ..atomic_write import write_atomically
from ..errors import UsageError
from ..records import Record
from ..tolerances import FLOOR, HAND_RELATIVE

FORMATS = ("html", "md", "tex")
KINDS = ("interactive", "blank", "key")
EXTENSIONS = {"html": "html", "md": "md", "tex": "tex"}
PAPERS = {"a4": "a4paper", "letter": "letterpaper"}   # LaTeX; HTML fits either when printed
TEX_UNIT = "0.50pt"             # one SVG unit in LaTeX's picture environment
KEY_DIGITS = 4                  # significant digits shown in the key
PARAMETERS_PER_ROW = 2          # (symbol, value) pairs per line of the parameter table
HAND_DIGITS = 3                 # what HAND_RELATIVE means, in words on the sheet
SIGMOID = r"\sigma(z) = \frac{1}{1 + e^{-z}}"
WEIGHT_CONVENTION = r"w_{ij}^{(l)}"

MESSAGES = {
    "title": {"en": "Backpropagation practice sheet", "zh": "反向传播练习卷"},
    "key_title": {"en": "Backpropagation practice sheet: answer key", "zh": "反向传播练习卷：答案"},
    "seed_line": {"en": "Seed {seed}: the same numbers as bpgrade problem --seed {seed}.",
                  "zh": "种子 {seed}：与 bpgrade problem --seed {seed} 的数字相同。"},
    "student_line": {"en": "Student: {student}", "zh": "学生：{student}"},
    "name_line": {"en": "Name", "zh": "姓名"},
    "page": {"en": "Page {page} of {pages}", "zh": "第 {page} 页，共 {pages} 页"},
    "intro": {"en": "The problem: a 2-3-2-1 sigmoid network with loss L = ½(y − y_target)². "
                    "Compute every blank by hand, in order, from the numbers given; later steps "
                    "reuse earlier results.",
              "zh": "题目：一个 2-3-2-1 的 sigmoid 网络，损失 L = ½(y − y_target)²。"
                    "按顺序用给出的数字手算每个空格；后面的步骤会复用前面的结果。"},
    "tolerance": {"en": "Write 4 significant digits. An answer counts as right when it agrees "
                        "with the key to {digits} significant digits (relative error at most "
                        "{percent}).",
                  "zh": "写出 4 位有效数字。与答案的相对误差不超过 {percent}"
                        "（即 {digits} 位有效数字）即算正确。"},
    "interactive_help": {"en": "Type your values and press “Check”: everything is checked in this "
                               "page, offline.",
                         "zh": "填入数值后点“检查”：所有检查都在本页离线完成。"},
    "network": {"en": "The network", "zh": "网络"},
    "network_drawing": {"en": "the 2-3-2-1 network with its weights and biases",
                        "zh": "2-3-2-1 网络及其权重和偏置"},
    "network_caption": {"en": "Inputs on the left, each weight on its edge, biases under the "
                              "neurons. The weight {weight} goes to neuron i of layer l from "
                              "neuron j of the layer before; every neuron applies",
                        "zh": "左边是输入，每个权重标在它的边上，神经元下方是偏置。权重 {weight} "
                              "从前一层的第 j 个神经元连到第 l 层的第 i 个神经元；每个神经元都计算"},
    "given": {"en": "Given", "zh": "已知"},
    "inputs": {"en": "Inputs, target, learning rate", "zh": "输入、目标值、学习率"},
    "parameters": {"en": "Parameters", "zh": "参数"},
    "forward": {"en": "Forward pass", "zh": "前向传播"},
    "backward": {"en": "Backward pass: the lesson's 14 steps", "zh": "反向传播：课文的 14 步"},
    "update": {"en": "Update step (η = {eta})", "zh": "更新步骤（η = {eta}）"},
    "update_intro": {"en": "Move each parameter whose gradient you found above one step "
                           "against it.",
                     "zh": "把上面求出梯度的每个参数沿梯度反方向移动一步。"},
    "update_tolerance": {"en": "An update is judged by the change it makes: write each new value "
                               "with enough decimals that new − old shows {digits} significant "
                               "digits; it is right when that change agrees with −η ∂L/∂w to "
                               "{percent}.",
                         "zh": "更新按它带来的变化来判定：新值要写出足够多的小数位，使“新值 − 旧值”"
                               "有 {digits} 位有效数字；这个变化与 −η ∂L/∂w 的相对误差不超过 "
                               "{percent} 即算正确。"},
    "quantity": {"en": "Quantity", "zh": "量"},
    "formula": {"en": "Formula", "zh": "公式"},
    "value": {"en": "Value", "zh": "值"},
    "your_value": {"en": "Your value", "zh": "你的答案"},
    "step": {"en": "Step {number}: ", "zh": "第 {number} 步："},
    "about_delta": {"en": ", the output error", "zh": "，输出误差"},
    "about_v": {"en": ", an output weight", "zh": "，输出层权重"},
    "about_b": {"en": ", the output bias", "zh": "，输出层偏置"},
    "about_w": {"en": ", a layer-{layer} weight", "zh": "，第 {layer} 层的权重"},
    "about_h": {"en": ", back into hidden layer {layer}", "zh": "，传回隐藏层 {layer}"},
    "check": {"en": "Check", "zh": "检查"},
    "right": {"en": "right", "zh": "正确"},
    "wrong": {"en": "wrong", "zh": "错误"},
    "not_a_number": {"en": "not a number", "zh": "不是数字"},
    "score": {"en": "{right} of {total} right", "zh": "{total} 个中对了 {right} 个"},
    "hint": {"en": "Hint", "zh": "提示"},
    "fallback_hint": {"en": "Recompute it with the formula shown, using the values from the "
                            "rows above.",
                      "zh": "用上面给出的公式，代入前面各行的数值重新计算。"},
    "key": {"en": "Key", "zh": "答案"},
    # Pencil hints for the forward pass and the update: the coding hints speak of net and dicts.
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
    "bad_format": {"en": "unknown sheet format {value!r}; choose html, md or tex",
                   "zh": "未知的格式 {value!r}；可选 html、md 或 tex"},
    "cannot_write": {"en": "cannot write {path}: {reason}", "zh": "无法写入 {path}：{reason}"},
    "bad_kind": {"en": "unknown sheet kind {value!r}", "zh": "未知的练习卷类型 {value!r}"},
    "no_roster": {"en": "cannot read roster {path}: {reason}", "zh": "无法读取名单 {path}：{reason}"},
    "roster_column": {"en": "roster {path} needs a header row with a column named student or id "
                            "(found: {found})",
                      "zh": "名单 {path} 需要表头，其中一列名为 student 或 id（现有：{found}）"},
    "roster_empty": {"en": "roster {path} lists no student", "zh": "名单 {path} 中没有学生"},
    "roster_blank": {"en": "roster {path}, line {line}: the student id is empty",
                     "zh": "名单 {path} 第 {line} 行：学生编号为空"},
    "roster_duplicate": {"en": "roster {path}, line {line}: student {student!r} is listed twice",
                         "zh": "名单 {path} 第 {line} 行：学生 {student!r} 重复出现"},
}

# Greek letters a title or hint may use, and the TeX command for each.
GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ",
    "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ",
    "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Pi": "Π", "Sigma": "Σ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
GREEK_TEX = {**{char: "\\" + name for name, char in GREEK.items()},
             "∂": r"\partial", "−": "-", "·": r"\cdot", "½": r"\tfrac{1}{2}", "²": "^{2}",
             "←": r"\leftarrow", "→": r"\rightarrow", "…": r"\ldots", "×": r"\times",
             "≈": r"\approx", "≠": r"\neq", "≤": r"\leq", "≥": r"\geq", "∑": r"\sum",
             "±": r"\pm", "∞": r"\infty", "⊙": r"\odot", "′": "'", "″": "''"}
TYPOGRAPHY_TEX = {"“": "``", "”": "''", "‘": "`", "’": "'", "–": "--", "—": "---"}
SUPERSCRIPTS = dict(zip("⁽⁾⁰¹²³⁴⁵⁶⁷⁸⁹ˡ", "()0123456789l"))
SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉ᵢⱼ", "0123456789ij"))
TEX_SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}"}


# --- names and numbers ---------------------------------------------------------------------

def significant(value: float, digits: int = KEY_DIGITS) -> str:
    """``value`` to ``digits`` significant digits, trailing zeros kept (0.5000)."""
    text = format(value, f"#.{digits}g")
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa.rstrip('.')}e{int(exponent)}"
    return text.rstrip(".")


def update_number(new: float, old: float, digits: int = KEY_DIGITS) -> str:
    """A new parameter value with enough decimals that new − old shows ``digits`` significant
    digits (the change is what an update is judged by, and it can be far smaller than the value).
    """
    change = abs(new - old)
    exponent = math.floor(math.log10(change)) if change > 0 else 0
    decimals = max(digits - 1 - exponent, digits - 1 - math.floor(math.log10(max(abs(new),
                                                                                   FLOOR))), 0)
    text = f"{new:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def given_number(value: float) -> str:
    """Inputs and parameters: exactly as drawn (two decimals at most)."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def _minus(text: str, fmt: str) -> str:
    """A typographic minus for HTML; TeX and Markdown math keep ASCII."""
    return text.replace("-", "−") if fmt == "html" else text


def _sci_tex(text: str) -> str:
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{exponent}}}"
    return text


def tex_text(text: str) -> str:
    """Unicode prose (titles, hints) as LaTeX text: specials escaped, math symbols in $...$."""
    out, math = [], []

    def flush():
        if math:
            out.append("$" + "".join(math) + "$")
            math.clear()

    chars = list(text)
    i = 0
    while i < len(chars):
        char = chars[i]
        if char in SUPERSCRIPTS or char in SUBSCRIPTS:
            table, mark = (SUPERSCRIPTS, "^") if char in SUPERSCRIPTS else (SUBSCRIPTS, "_")
            run = []
            while i < len(chars) and chars[i] in table:
                run.append(table[chars[i]])
                i += 1
            math.append(f"{mark}{{{''.join(run)}}}")
            continue
        if char in GREEK_TEX:
            math.append(GREEK_TEX[char] + (" " if GREEK_TEX[char][-1].isalpha() else ""))
        else:
            flush()
            # "--" would print as a dash: keep command-line options as two hyphens
            out.append("-{}" if char == "-" and text[i + 1:i + 2] == "-" else
                       TEX_SPECIALS.get(char) or TYPOGRAPHY_TEX.get(char, char))
        i += 1
    flush()
    return "".join(out)


# --- the network drawing -----------------------------------------------------------------

WIDTH, HEIGHT = 940, 340
LAYER_X = (110, 340, 570, 780)
NODE_GAP = 110
RADIUS = 22
CHAR_W, LABEL_H = 7.2, 16       # a 12px sans-serif character, generously; a label's height
LABEL_PAD = 8
LABEL_POSITIONS = tuple(k / 100 for k in range(30, 72, 2))


def _node_y(count: int, index: int) -> float:
    return HEIGHT / 2 - 10 + (index - (count - 1) / 2) * NODE_GAP


def label_width(text: str) -> float:
    return len(text) * CHAR_W + LABEL_PAD


def _boxes_overlap(a, b) -> bool:
    """Boxes as (centre x, centre y, width, height)."""
    return abs(a[0] - b[0]) * 2 < a[2] + b[2] and abs(a[1] - b[1]) * 2 < a[3] + b[3]


def _edge_labels(edges, widths, obstacles) -> list:
    """A point along each edge, the same fraction for one layer, chosen so that no label
    overlaps another label or a neuron (``obstacles``: boxes as in :func:`_boxes_overlap`)."""
    for t in sorted(LABEL_POSITIONS, key=lambda t: abs(t - 0.5)):
        boxes = [(x1 + (x2 - x1) * t, y1 + (y2 - y1) * t, w, LABEL_H)
                 for (x1, y1, x2, y2), w in zip(edges, widths)]
        if all(not _boxes_overlap(p, q) for i, p in enumerate(boxes) for q in boxes[i + 1:]) \
                and all(not _boxes_overlap(p, o) for p in boxes for o in obstacles):
            return boxes
    raise AssertionError("no overlap-free label position for the network drawing")


def _f(value: float) -> str:
    return f"{value:.1f}"


def _symbol_label(unicode_text: str, latex: str, fmt: str) -> str:
    return f"${latex}$" if fmt == "tex" else unicode_text


def _equation_label(unicode_text: str, latex: str, value: float, fmt: str) -> str:
    """``x₁ = 0.30`` (SVG text) or ``$x_1 = 0.30$`` (LaTeX)."""
    if fmt == "tex":
        return f"${latex} = {given_number(value)}$"
    return f"{unicode_text} = {_minus(given_number(value), fmt)}"


def _point(x: float, y: float) -> dict:
    """SVG coordinates and, for LaTeX's picture environment (y upwards), the same point."""
    return {"x": _f(x), "y": _f(y), "ty": _f(HEIGHT - y)}


def network(problem, values: dict, fmt: str) -> dict:
    """Coordinates and labels of the 2-3-2-1 drawing, all as strings."""
    layers = tuple(problem.layers)
    centers = [[(LAYER_X[l], _node_y(n, i)) for i in range(n)] for l, n in enumerate(layers)]
    nodes, edges, labels = [], [], []
    for l, layer in enumerate(centers):
        for i, (cx, cy) in enumerate(layer):
            name = notation.activation(l, i + 1, layers)
            shown, latex = notation.symbol(name, latex=False), notation.symbol(name)
            node = {"center": _point(cx, cy), "r": str(RADIUS), "diameter": str(2 * RADIUS),
                    "label": _symbol_label(shown, latex, fmt), "label_at": _point(cx, cy + 5),
                    "name": name}
            if l == 0:
                node["note"] = _equation_label(shown, latex, values[name], fmt)
                node["note_at"] = _point(cx - RADIUS - 6, cy + 5)
                node["note_anchor"] = "end"
                node["tex_anchor"] = "r"
            else:
                node["note"] = _equation_label("b", "b", values[notation.bias(l, i + 1, layers)],
                                               fmt)
                node["note_at"] = _point(cx, cy + RADIUS + 16)
                node["note_anchor"] = "middle"
                node["tex_anchor"] = ""
            nodes.append(node)
    obstacles = [(cx, cy, 2 * RADIUS + 4, 2 * RADIUS + 4) for layer in centers
                 for cx, cy in layer]
    for l in range(1, len(layers)):
        segment, weights = [], []
        for i, (x2, y2) in enumerate(centers[l]):
            for j, (x1, y1) in enumerate(centers[l - 1]):
                segment.append((x1 + RADIUS, y1, x2 - RADIUS, y2))
                weights.append(notation.weight(l, i + 1, j + 1, layers))
        # The weight's name beside its value: w₁₁⁽¹⁾ = 0.16 (the width from the SVG text).
        widths = [label_width(_equation_label(notation.symbol(name, latex=False), "",
                                              values[name], "html")) for name in weights]
        for (x1, y1, x2, y2), (lx, ly, w, h), name in zip(
                segment, _edge_labels(segment, widths, obstacles), weights):
            edges.append({"start": _point(x1, y1), "end": _point(x2, y2),
                          "middle": _point((x1 + x2) / 2, (y1 + y2) / 2)})
            labels.append({"at": _point(lx, ly + 4), "center": _point(lx, ly),
                           "box": _point(lx - w / 2, ly - h / 2),
                           "box_w": _f(w), "box_h": _f(h),
                           "text": _equation_label(notation.symbol(name, latex=False),
                                                   notation.symbol(name), values[name], fmt),
                           "name": name})
    out_x, out_y = centers[3][0]
    target = {"at": _point(out_x + RADIUS + 6, out_y + 5), "anchor": "start",
              "text": _equation_label(notation.symbol("y_target", latex=False),
                                      notation.symbol("y_target"), values["y_target"], fmt)}
    return {"width": str(WIDTH), "height": str(HEIGHT), "nodes": nodes, "edges": edges,
            "labels": labels, "target": target}


# --- rows of the sheet ----------------------------------------------------------------------

def _forward_rows() -> list:
    """(quantity, expression tree) in the order a hand calculation goes: step 0's formulas, each
    activation σ(z) after its pre-activation z."""
    rows = []
    for quantity, source in registry.get("step0").expression.items():
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
        numbers[mark] = f"({_sci_tex(number)})" if number.startswith("-") else _sci_tex(number)
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


def _math(latex: str, fmt: str, display: bool = False, displaystyle: bool = False) -> str:
    return mathml.to_mathml(latex, display, displaystyle) if fmt == "html" else latex


NET_NAME = re.compile(r"net\.([A-Za-z_][A-Za-z0-9_]*)")
# A bracket that only lists net values, "(net.delta3)" or "（net.dL_dh2_1、net.dL_dh2_2）": on
# paper the sentence already names those quantities.
NET_BRACKET = re.compile(r"\s?[(（](?:\s*net\.[A-Za-z0-9_]+\s*[,、，]?\s*)+[)）]")


def pencil(text: str) -> str:
    """A coding hint in the lesson's notation: no ``net.`` (net.h2_1 → h₁⁽²⁾)."""
    text = NET_BRACKET.sub("", text)

    def symbol(match):
        try:
            return notation.symbol(match.group(1), latex=False)
        except (KeyError, ValueError):
            return match.group(1)

    return NET_NAME.sub(symbol, text)


def _own_hints(prefix: str, lang: str) -> list:
    return [i18n.text(MESSAGES, f"{prefix}_hint_{level}", lang) for level in (1, 2, 3)]


def _hints(step, lang: str, fmt: str) -> list:
    if step.id in PENCIL_HINTS:
        texts = _own_hints(PENCIL_HINTS[step.id], lang)
    else:
        hints = getattr(step, "hints", None) or {}
        texts = [pencil(i18n.pick(hints[level], lang)) for level in sorted(hints)]
    if not texts:
        texts = [i18n.text(MESSAGES, "fallback_hint", lang)]
    return [tex_text(t) if fmt == "tex" else t for t in texts]


PENCIL_HINTS = {"step0": "forward", "step17": "update"}   # steps whose hints are the sheet's own


def _description(quantity: str, lang: str) -> str:
    """What a step's quantity is (", a layer-2 weight" / "，第 2 层的权重"), the same words for
    every step of a kind, so each heading has one."""
    match = re.fullmatch(r"(delta|[vbwh])(\d?)(?:_\d+)?", notation.base(quantity))
    if not match:
        return ""
    kind, layer = match.groups()
    return i18n.text(MESSAGES, f"about_{kind}", lang, **({"layer": layer} if kind in "wh" else {}))


def _text(pair_or_text, lang: str, fmt: str) -> str:
    text = i18n.pick(pair_or_text, lang) if isinstance(pair_or_text, dict) else pair_or_text
    return tex_text(text) if fmt == "tex" else text


def _blank(blank_id: str, quantity: str, values: dict, fmt: str, kind: str, hints: list) -> dict:
    value = values[quantity]
    if quantity.startswith(notation.UPDATED):
        key = update_number(value, values[notation.base(quantity)])
    else:
        key = significant(value)
    shown = _sci_tex(key) if fmt in ("tex", "md") else _minus(key, fmt)
    return {"id": blank_id, "quantity": quantity,
            "symbol": _math(notation.symbol(quantity), fmt),
            "key": shown if kind == "key" else "",
            "hints": hints}


def view(problem, values: dict, fmt: str = "html", lang: str = "en", kind: str = "blank",
         student: str | None = None, paper: str = "a4") -> dict:
    """Everything a template shows, as strings; ``values`` are the reference quantities."""
    if fmt not in FORMATS:
        raise UsageError(i18n.text(MESSAGES, "bad_format", lang, value=fmt))
    if kind not in KINDS or (kind == "interactive" and fmt != "html"):
        raise UsageError(i18n.text(MESSAGES, "bad_kind", lang, value=kind))
    label = {key: _text(i18n.text(MESSAGES, key, lang), lang, fmt)
             for key in ("network", "network_drawing", "given", "inputs",
                         "parameters", "forward", "backward", "update_intro", "quantity",
                         "formula", "value", "your_value", "check", "hint", "key", "name_line",
                         "intro", "interactive_help")}
    # The caption around the convention's symbol, which is set as math like the rest.
    before, after = i18n.text(MESSAGES, "network_caption", lang, weight="\0").split("\0")
    label["network_caption"] = _text(before, lang, fmt)
    label["network_caption_after"] = _text(after, lang, fmt)
    label["title"] = _text(i18n.text(MESSAGES, "key_title" if kind == "key" else "title", lang),
                           lang, fmt)
    label["seed_line"] = _text(i18n.text(MESSAGES, "seed_line", lang, seed=problem.seed), lang, fmt)
    label["student_line"] = (_text(i18n.text(MESSAGES, "student_line", lang, student=student),
                                   lang, fmt) if student is not None else "")
    label["update_heading"] = _text(
        i18n.text(MESSAGES, "update", lang, eta=given_number(problem.eta)), lang, fmt)
    percent = f"{HAND_RELATIVE * 100:g}%"
    label["tolerance"] = _text(i18n.text(MESSAGES, "tolerance", lang, digits=HAND_DIGITS,
                                         percent=percent), lang, fmt)
    label["update_tolerance"] = _text(i18n.text(MESSAGES, "update_tolerance", lang,
                                                digits=HAND_DIGITS, percent=percent), lang, fmt)

    def given_row(name):
        return {"symbol": _math(notation.symbol(name), fmt),
                "value": _minus(given_number(values[name]), fmt)}

    inputs = [given_row(n) for n in registry.INPUTS]
    parameters = [given_row(n) for n in registry.PARAMETERS]
    parameter_rows = [parameters[i:i + PARAMETERS_PER_ROW]
                      for i in range(0, len(parameters), PARAMETERS_PER_ROW)]

    step0 = registry.get("step0")
    forward_hints = _hints(step0, lang, fmt)
    forward = []
    show_worked = kind == "key"
    for quantity, tree in _forward_rows():
        row = _blank(quantity, quantity, values, fmt, kind, forward_hints)
        row["formula"] = _math(expression.render(tree), fmt)
        row["worked"] = _math(worked(tree, values), fmt) if show_worked else ""
        forward.append(row)

    steps = []
    for step in registry.SEED_STEPS:
        (_, quantity), = step.answer_items
        row = _blank(step.id, quantity, values, fmt, kind, _hints(step, lang, fmt))
        row["symbol"] = _math(notation.symbol(quantity), fmt, displaystyle=True)
        row.update(number=str(step.number),
                   heading=_text(i18n.text(MESSAGES, "step", lang, number=step.number), lang, fmt),
                   heading_symbol=_math(notation.symbol(quantity), fmt),
                   description=_text(_description(quantity, lang), lang, fmt),
                   title=_text(step.title, lang, fmt), meaning=_text(step.meaning, lang, fmt),
                   formula=_math(step.formula, fmt, display=True),
                   worked=_math(worked(expression.parse(step.expression), values), fmt)
                   if show_worked else "")
        steps.append(row)

    update_step = registry.get("step17")
    update_hints = _hints(update_step, lang, fmt)
    update = []
    for name in update_parameters():
        quantity = notation.UPDATED + name
        row = _blank(quantity, quantity, values, fmt, kind, update_hints)
        tree = expression.parse(update_step.expression[name])
        row["formula"] = _math(expression.render(tree), fmt)
        row["worked"] = _math(worked(tree, values), fmt) if show_worked else ""
        update.append(row)

    expected, changes = {}, {}
    if kind == "interactive":
        for row in forward + steps + update:
            expected[row["id"]] = values[row["quantity"]]
        # An update is judged by its change new − old against −η ∂L/∂w, with the relative
        # tolerance on the change: a tolerance on the new value would be wider than the change
        # itself for a small gradient, and accept an unchanged parameter or a wrong sign.
        for row in update:
            old = values[notation.base(row["quantity"])]
            changes[row["id"]] = {"old": old, "change": values[row["quantity"]] - old}
    messages = {key: i18n.text(MESSAGES, key, lang)
                for key in ("right", "wrong", "not_a_number", "score")}
    return {
        "lang": lang, "fmt": fmt, "kind": kind, "seed": str(problem.seed),
        "label": label, "inputs": inputs, "parameters": parameters,
        "parameter_rows": parameter_rows,
        "network": network(problem, values, fmt),
        "forward": forward, "steps": steps, "updates": update,
        "update_formula": _math(update_step.formula, fmt, display=True),
        "sigmoid": _math(SIGMOID, fmt),
        "weight_convention": _math(WEIGHT_CONVENTION, fmt),
        "interactive": kind == "interactive", "show_key": kind == "key",
        # Printed on every page: who (a name line, or the student's id) and the page number.
        "print_header": css_string(
            i18n.text(MESSAGES, "student_line", lang, student=student) if student is not None
            else i18n.text(MESSAGES, "name_line", lang) + ("：" if lang == "zh" else ": ")
            + "_" * 24),
        "print_title": css_string(f"{i18n.text(MESSAGES, 'title', lang)} · {problem.seed}"),
        "print_page": page_counter(lang),
        "tex_header": _text(
            i18n.text(MESSAGES, "student_line", lang, student=student) if student is not None
            else i18n.text(MESSAGES, "name_line", lang) + ("：" if lang == "zh" else ": "),
            lang, "tex") if fmt == "tex" else "",
        "tex": {"paper": PAPERS.get(paper, PAPERS["a4"]), "unit": TEX_UNIT,
                "parameter_columns": "l" * (2 * PARAMETERS_PER_ROW),
                "parameter_span": str(2 * PARAMETERS_PER_ROW)},
        # For the browser check: data, not visible text (a <script type="application/json">).
        "check_data": _script_json({"expected": expected, "changes": changes,
                                    "relative": HAND_RELATIVE,
                                    "floor": FLOOR, "messages": messages})
        if kind == "interactive" else "",
    }


def css_string(text: str) -> str:
    """A CSS string literal, safe inside a <style> element (no way out through </style>)."""
    return '"' + "".join(c if c.isalnum() or c in " .,:;()·-_—：，（）" else f"\\{ord(c):x} "
                         for c in text) + '"'


def page_counter(lang: str) -> str:
    """``"Page " counter(page) " of " counter(pages)`` in the sheet's language, for @page."""
    text = i18n.text(MESSAGES, "page", lang, page="\0page\0", pages="\0pages\0")
    parts = text.split("\0")
    return " ".join(f"counter({part})" if k % 2 else css_string(part)
                    for k, part in enumerate(parts) if part or k % 2)


def _script_json(data) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# --- rendering ------------------------------------------------------------------------------

def network_svg(model: dict) -> str:
    """The network drawing as a standalone SVG document (its style inside)."""
    return templates.render("network.svg.j2", net=model["network"],
                            description=model["label"]["network_drawing"])


def render(model: dict) -> str:
    """The sheet text for a view-model from :func:`view`."""
    fmt = model["fmt"]
    if fmt == "html":
        import markupsafe

        model = dict(model, network_svg=markupsafe.Markup(network_svg(model)))
        return templates.render("sheet.html.j2", m=model, safe=markupsafe.Markup)
    if fmt == "md":
        # The same drawing as the HTML sheet, as an image inside the file (no second file).
        data = base64.b64encode(network_svg(model).encode("utf-8")).decode("ascii")
        model = dict(model, network_image=f"data:image/svg+xml;base64,{data}")
    return templates.render(f"sheet.{fmt}.j2", m=model)


def sheet(seed: int, fmt: str = "html", lang: str = "en", kind: str = "blank",
          student: str | None = None, paper: str = "a4") -> str:
    """The sheet for ``bpgrade problem --seed N``'s problem."""
    from ..engine.generators import generate
    from ..steps.quantities import reference

    problem = generate(seed)
    return render(view(problem, reference(problem), fmt, lang, kind, student, paper))


# --- a class set ----------------------------------------------------------------------------

ID_COLUMNS = ("student", "id")


class RosterSheet(Record, frozen=True, eq=True):
    student: str
    seed: int
    sheet: str           # file name inside the output folder
    key: str             # "" when no key was asked for


def read_roster(path: Path, lang: str = "en") -> list:
    """Student ids from a CSV with a header row naming a ``student`` (or ``id``) column."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(i18n.text(MESSAGES, "no_roster", lang, path=path, reason=exc)) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = {(name or "").strip().lower(): name for name in (reader.fieldnames or [])}
    column = next((fields[c] for c in ID_COLUMNS if c in fields), None)
    if column is None:
        raise UsageError(i18n.text(MESSAGES, "roster_column", lang, path=path,
                                   found=", ".join(reader.fieldnames or []) or "-"))
    students, seen = [], set()
    for line, row in enumerate(reader, start=2):
        student = unicodedata.normalize("NFC", (row.get(column) or "").strip())
        if not student:
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue                                      # a blank line
            raise UsageError(i18n.text(MESSAGES, "roster_blank", lang, path=path, line=line))
        if student in seen:
            raise UsageError(i18n.text(MESSAGES, "roster_duplicate", lang, path=path, line=line,
                                       student=student))
        seen.add(student)
        students.append(student)
    if not students:
        raise UsageError(i18n.text(MESSAGES, "roster_empty", lang, path=path))
    return students


def file_stem(student: str) -> str:
    """A portable file name for any id: safe ASCII letters plus a hash of the exact id.

    The hash keeps ids apart that differ only in case or in characters the slug drops.
    """
    student = unicodedata.normalize("NFC", student)
    ascii_form = unicodedata.normalize("NFKD", student).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", ascii_form).strip("_-")[:40] or "student"
    digest = hashlib.sha256(student.encode("utf-8")).hexdigest()[:10]
    return f"{slug}-{digest}"


def roster(path: Path, out: Path, secret: str, fmt: str = "html", lang: str = "en",
           answers: bool = False, static: bool = False, paper: str = "a4") -> list:
    """One sheet (and key) per student into ``out``, plus ``index.csv``; byte-stable output."""
    from ..engine.generators import generate
    from ..steps.quantities import reference
    from ..engine.seeds import student_seed

    students = read_roster(path, lang)
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(i18n.text(MESSAGES, "cannot_write", lang, path=out,
                                   reason=exc.strerror or exc)) from exc
    kind = kind_for(fmt, False, static)
    written = []
    for student in students:
        seed = student_seed(secret, student)
        problem = generate(seed)
        values = reference(problem)
        stem = file_stem(student)
        name = f"{stem}.{EXTENSIONS[fmt]}"
        write(out / name, render(view(problem, values, fmt, lang, kind, student, paper)), lang)
        key_name = ""
        if answers:
            key_name = f"{stem}.key.{EXTENSIONS[fmt]}"
            write(out / key_name, render(view(problem, values, fmt, lang, "key", student, paper)),
                  lang)
        written.append(RosterSheet(student, seed, name, key_name))
    lines = [["student", "seed", "sheet", "key"]] + [
        [s.student, str(s.seed), s.sheet, s.key] for s in written]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(lines)
    write(out / "index.csv", buffer.getvalue(), lang)
    return written


def write(path: Path, text: str, lang: str = "en") -> None:
    """Write a sheet as UTF-8 with LF line ends, the same bytes on every platform, whole."""
    try:
        write_atomically(path, text)
    except OSError as exc:
        raise UsageError(i18n.text(MESSAGES, "cannot_write", lang, path=path,
                                   reason=exc.strerror or exc)) from exc


def kind_for(fmt: str, answers: bool, static: bool) -> str:
    """The key with ``answers``; else interactive HTML unless ``static``; else blank."""
    if answers:
        return "key"
    return "interactive" if fmt == "html" and not static else "blank"

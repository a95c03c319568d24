"""The sheet's view-model: everything a template shows, as ready-to-print strings.

:func:`view` builds plain dicts from a Problem, the step registry and the reference quantities;
the jinja2 templates in ``grader/templates`` only place those strings. Every number, coordinate
and MathML fragment is computed here or in the modules this one calls.
"""

from __future__ import annotations

from ... import i18n, notation
from ...errors import UsageError
from ...steps import expression, registry, stubs
from ...tolerances import FLOOR, HAND_RELATIVE
from . import drawing, pencil, rows
from .html_page import css_string, page_counter, script_json
from .numbers import HAND_DIGITS, given_number, minus
from .typeset import math, prose

FORMATS = ("html", "md", "tex")
KINDS = ("interactive", "blank", "key")
PAPERS = {"a4": "a4paper", "letter": "letterpaper"}   # LaTeX; HTML fits either when printed
TEX_UNIT = "0.50pt"             # one SVG unit in LaTeX's picture environment
PARAMETERS_PER_ROW = 2          # (symbol, value) pairs per line of the parameter table
SIGMOID = r"\sigma(z) = \frac{1}{1 + e^{-z}}"
WEIGHT_CONVENTION = r"w_{ij}^{(l)}"
PERCENT = f"{HAND_RELATIVE * 100:g}%"        # the tolerance, as the sheet states it

MESSAGES = {
    "title": {"en": "Backpropagation practice sheet", "zh": "反向传播练习卷"},
    "key_title": {"en": "Backpropagation practice sheet: answer key", "zh": "反向传播练习卷：答案"},
    "seed_line": {"en": "Seed {seed}: the same numbers as {command}.",
                  "zh": "种子 {seed}：与 {command} 的数字相同。"},
    "student_line": {"en": "Student: {student}", "zh": "学生：{student}"},
    "name_line": {"en": "Name:", "zh": "姓名："},
    "intro": {"en": "The problem: a 2-3-2-1 sigmoid network with loss {loss}. "
                    "Compute every blank by hand, in order, from the numbers given; later steps "
                    "reuse earlier results.",
              "zh": "题目：一个 2-3-2-1 的 sigmoid 网络，损失 {loss}。"
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
    "sentence_end": {"en": ".", "zh": "。"},
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
    "check": {"en": "Check", "zh": "检查"},
    "right": {"en": "right", "zh": "正确"},
    "wrong": {"en": "wrong", "zh": "错误"},
    "not_a_number": {"en": "not a number", "zh": "不是数字"},
    "score": {"en": "{right} of {total} right", "zh": "{total} 个中对了 {right} 个"},
    "hint": {"en": "Hint:", "zh": "提示："},
    "key": {"en": "Key", "zh": "答案"},
    "bad_format": {"en": "unknown sheet format {value!r}; choose html, md or tex",
                   "zh": "未知的格式 {value!r}；可选 html、md 或 tex"},
    "bad_kind": {"en": "unknown sheet kind {value!r}", "zh": "未知的练习卷类型 {value!r}"},
}

LABELS = ("network", "network_drawing", "given", "inputs", "parameters", "forward", "backward",
          "update_intro", "quantity", "formula", "value", "your_value", "check", "hint", "key",
          "name_line", "sentence_end", "interactive_help")


def problem_command(seed: int, loss: str = notation.SEED_LOSS) -> str:
    """The command that shows the sheet's numbers: ``bpgrade problem --seed N`` (and its
    ``--loss`` where it is not the lesson's)."""
    words = ["bpgrade", "problem", "--seed", str(seed)]
    return " ".join(words + (["--loss", loss] if loss != notation.SEED_LOSS else []))


def common_labels(fmt: str, lang: str, student: str | None) -> dict:
    """The words every sheet has: headings, the name and student lines, the tolerance."""
    label = {key: prose(i18n.text(MESSAGES, key, lang), lang, fmt) for key in LABELS}
    label["student_line"] = (prose(i18n.text(MESSAGES, "student_line", lang, student=student),
                                   lang, fmt) if student is not None else "")
    label["tolerance"] = prose(i18n.text(MESSAGES, "tolerance", lang, digits=HAND_DIGITS,
                                         percent=PERCENT), lang, fmt)
    return label


def _labels(problem, fmt: str, lang: str, kind: str, student: str | None,
            loss_equation: str) -> dict:
    label = common_labels(fmt, lang, student)
    label["intro"] = prose(i18n.text(MESSAGES, "intro", lang, loss=loss_equation), lang, fmt)
    # The caption around the convention's symbol, which is set as math like the rest.
    before, after = i18n.text(MESSAGES, "network_caption", lang, weight="\0").split("\0")
    label["network_caption"] = prose(before, lang, fmt)
    label["network_caption_after"] = prose(after, lang, fmt)
    label["title"] = prose(i18n.text(MESSAGES, "key_title" if kind == "key" else "title", lang),
                           lang, fmt)
    label["seed_line"] = prose(i18n.text(MESSAGES, "seed_line", lang, seed=problem.seed,
                                         command=problem_command(problem.seed, problem.loss)),
                               lang, fmt)
    label["update_heading"] = prose(
        i18n.text(MESSAGES, "update", lang, eta=given_number(problem.eta)), lang, fmt)
    label["update_tolerance"] = prose(i18n.text(MESSAGES, "update_tolerance", lang,
                                                digits=HAND_DIGITS, percent=PERCENT), lang, fmt)
    return label


def _who(lang: str, student: str | None) -> str:
    """The running header's who: the student's id, or a name line to write on."""
    if student is not None:
        return i18n.text(MESSAGES, "student_line", lang, student=student)
    return i18n.text(MESSAGES, "name_line", lang) + ("" if lang == "zh" else " ")


def lesson(step, scaffold: str, kind: str) -> dict:
    """How much of the lesson the sheet shows for ``step``: what its stub shows at ``scaffold``
    (grader.steps.stubs: "formula", "factors" or "goal"), and always the formula on the key,
    which works each answer out. The words: the meaning beside the formula, else the goal."""
    shows = "formula" if kind == "key" else stubs.support(step, scaffold)
    return {"shows": shows, "words": step.meaning if shows == "formula" else step.goal,
            "factors": step.factors if shows == "factors" else None}


def check_kind(fmt: str, lang: str, kind: str) -> None:
    """A format and kind of sheet that exist, or a UsageError."""
    if fmt not in FORMATS:
        raise UsageError(i18n.text(MESSAGES, "bad_format", lang, value=fmt))
    if kind not in KINDS or (kind == "interactive" and fmt != "html"):
        raise UsageError(i18n.text(MESSAGES, "bad_kind", lang, value=kind))


def page(seed, title: str, fmt: str, lang: str, kind: str, student: str | None,
         paper: str, expected: dict, changes: dict | None = None,
         scales: dict | None = None) -> dict:
    """What every sheet's page has besides its sections: its kind, the running header of a
    printed page (who, ``title`` and seed, page number), the LaTeX set-up and, on an
    interactive sheet, the values its boxes are checked against (``expected``, and an
    update's ``changes``)."""
    messages = {key: i18n.text(MESSAGES, key, lang)
                for key in ("right", "wrong", "not_a_number", "score")}
    return {
        "lang": lang, "fmt": fmt, "kind": kind, "seed": str(seed),
        "interactive": kind == "interactive", "show_key": kind == "key",
        # Printed on every page: who (a name line, or the student's id) and the page number.
        "print_header": css_string(_who(lang, student) + ("" if student is not None
                                                          else "_" * 24)),
        "print_title": css_string(f"{title} · {seed}"),
        "print_page": page_counter(lang),
        "tex_header": prose(_who(lang, student), lang, "tex") if fmt == "tex" else "",
        "tex": {"paper": PAPERS.get(paper, PAPERS["a4"]), "unit": TEX_UNIT,
                "parameter_columns": "l" * (2 * PARAMETERS_PER_ROW),
                "parameter_span": str(2 * PARAMETERS_PER_ROW)},
        # For the browser check: data, not visible text (a <script type="application/json">).
        # ``scales``: an entry judged against its array's largest entry (or change) where
        # that is larger than its own (a batch's sums that cancel; grader.render.sheets.arrays)
        "check_data": script_json({"expected": expected, "changes": changes or {},
                                   "scales": scales or {},
                                   "relative": HAND_RELATIVE,
                                   "floor": FLOOR, "messages": messages})
        if kind == "interactive" else "",
    }


def view(problem, values: dict, fmt: str = "html", lang: str = "en", kind: str = "blank",
         student: str | None = None, paper: str = "a4",
         scaffold: str = stubs.DEFAULT_SCAFFOLD) -> dict:
    """Everything a template shows, as strings; ``values`` are the reference quantities.
    ``scaffold``: how much of the lesson the blank and interactive sheets show, as the stubs."""
    check_kind(fmt, lang, kind)
    # the lesson's steps, with the rows of the problem's loss (L, δ⁽³⁾): grader.steps.registry
    step0 = registry.for_loss(registry.get("step0"), problem.loss)
    loss_equation = expression.equation(("L",), step0.expression["L"], latex=False)
    label = _labels(problem, fmt, lang, kind, student, loss_equation)

    def given_row(name):
        return {"symbol": math(notation.symbol(name), fmt),
                "value": minus(given_number(values[name]), fmt)}

    inputs = [given_row(n) for n in registry.INPUTS]
    parameters = [given_row(n) for n in registry.PARAMETERS]
    parameter_rows = [parameters[i:i + PARAMETERS_PER_ROW]
                      for i in range(0, len(parameters), PARAMETERS_PER_ROW)]

    forward_hints = pencil.hints(step0, lang, fmt, scaffold)
    forward_lesson = lesson(step0, scaffold, kind)
    forward = []
    show_worked = kind == "key"
    for quantity, tree in rows.forward_rows(step0):
        row = rows.blank(quantity, quantity, values, fmt, kind, forward_hints)
        row["formula"] = math(expression.render(tree), fmt) \
            if forward_lesson["shows"] == "formula" else ""
        row["worked"] = math(rows.worked(tree, values), fmt) if show_worked else ""
        forward.append(row)

    steps = []
    for step in registry.SEED_STEPS:
        step = registry.for_loss(step, problem.loss)
        (_, quantity), = step.answer_items
        shown = lesson(step, scaffold, kind)
        row = rows.blank(step.id, quantity, values, fmt, kind,
                         pencil.hints(step, lang, fmt, scaffold))
        row["symbol"] = math(notation.symbol(quantity), fmt, displaystyle=True)
        row.update(number=str(step.number),
                   heading=prose(i18n.text(MESSAGES, "step", lang, number=step.number), lang,
                                 fmt),
                   heading_symbol=math(notation.symbol(quantity), fmt),
                   description=prose(rows.description(quantity, lang), lang, fmt),
                   shows=shown["shows"], meaning=prose(shown["words"], lang, fmt),
                   factors=prose(shown["factors"], lang, fmt) if shown["factors"] else "",
                   formula=math(step.formula, fmt, display=True)
                   if shown["shows"] == "formula" else "",
                   worked=math(rows.worked(expression.parse(step.expression), values), fmt)
                   if show_worked else "")
        steps.append(row)

    update_step = registry.get("step17")
    update_hints = pencil.hints(update_step, lang, fmt, scaffold)
    update_formulas = lesson(update_step, scaffold, kind)["shows"] == "formula"
    update = []
    for name in rows.update_parameters():
        quantity = notation.UPDATED + name
        row = rows.blank(quantity, quantity, values, fmt, kind, update_hints)
        tree = expression.parse(update_step.expression[name])
        row["formula"] = math(expression.render(tree), fmt) if update_formulas else ""
        row["worked"] = math(rows.worked(tree, values), fmt) if show_worked else ""
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
    return {
        **page(problem.seed, i18n.text(MESSAGES, "title", lang), fmt, lang, kind, student,
               paper, expected, changes),
        "arrays": False,
        "label": label, "inputs": inputs, "parameters": parameters,
        "parameter_rows": parameter_rows,
        "network": drawing.network(problem, values, fmt),
        "forward": forward, "steps": steps, "updates": update,
        "scaffold": scaffold,
        # The forward table's and the update table's formula column, where the lesson shows it.
        "forward_formulas": forward_lesson["shows"] == "formula",
        "forward_text": prose(forward_lesson["words"], lang, fmt),
        "update_formulas": update_formulas,
        "update_formula": math(update_step.formula, fmt, display=True) if update_formulas else "",
        "sigmoid": math(SIGMOID, fmt),
        "weight_convention": math(WEIGHT_CONVENTION, fmt),
    }

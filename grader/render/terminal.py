"""Render check results for a terminal or as JSON. Nothing here computes a grade."""

from __future__ import annotations

import json
import math
import os
import textwrap

from ..steps import registry
from ..i18n import pick, text

MESSAGES = {
    "header": {"en": "bpgrade · seed {seed} · {problems} problems per step (yours + {others} more)",
               "zh": "bpgrade · 种子 {seed} · 每步 {problems} 个问题（你的 + 另外 {others} 个）"},
    "your_problem": {"en": "on your problem (seed {seed}):", "zh": "在你的问题上（种子 {seed}）："},
    "other_problem": {"en": "on a further problem (seed {seed}):",
                      "zh": "在另一个问题上（种子 {seed}）："},
    "expected": {"en": "expected", "zh": "应为"},
    "received": {"en": "received", "zh": "你的"},
    "rel_error": {"en": "relative error", "zh": "相对误差"},
    "finite": {"en": "finite difference", "zh": "有限差分"},
    "value": {"en": "value", "zh": "数值"},
    "output": {"en": "your code printed:", "zh": "你的代码输出了："},
    "output_yours": {"en": "on your problem:", "zh": "在你的问题上："},
    "output_further": {"en": "on further problem {k} of {n}:",
                       "zh": "在另外第 {k} 个问题上（共 {n} 个）："},
    "output_loading": {"en": "while the file was loaded:", "zh": "加载文件时："},
    "output_more": {"en": "… {n} more lines", "zh": "……还有 {n} 行"},
    "score": {"en": "Score {score}/{max_score} · {passed} of {steps} steps passed",
              "zh": "得分 {score}/{max_score} · {steps} 步中通过 {passed} 步"},
    "next": {"en": "Next: {step} — {title}   (bpgrade hint {step})",
             "zh": "下一步：{step} — {title}   （bpgrade hint {step}）"},
    "all_done": {"en": "All checked steps pass.", "zh": "所检查的步骤全部通过。"},
    "status_line": {"en": "{status}: {message}", "zh": "{status}：{message}"},
    "diagnosis": {"en": "likely mistake: {message}", "zh": "可能的错误：{message}"},
    "chain": {"en": "net held your own answers from {steps}",
              "zh": "net 中用的是你自己在 {steps} 的答案"},
    "chain_also_wrong": {
        "en": "this step is not right on its own either (bpgrade check {step} checks it alone); "
              "besides, its inputs were off because of wrong answers from {wrong}",
        "zh": "本步单独检查也不对（bpgrade check {step} 会单独检查它）；"
              "此外，由于 {wrong} 的答案不对，它的输入也已经有偏差"},
    "show_title": {"en": "{step} — {title}   (your problem: seed {seed})",
                   "zh": "{step} — {title}   （你的问题：种子 {seed}）"},
    "network": {"en": "The network, with your numbers (? = you compute it in step0):",
                "zh": "网络及你的数值（? 表示在第 0 步由你计算）："},
    "layer_input": {"en": "input", "zh": "输入层"},
    "layer_hidden1": {"en": "hidden layer 1", "zh": "隐藏层 1"},
    "layer_hidden2": {"en": "hidden layer 2", "zh": "隐藏层 2"},
    "layer_output": {"en": "output", "zh": "输出层"},
    "parameters": {"en": "Weights and biases (W_l[i][j] = w_ij^(l), row i = neuron, column j = input):",
                   "zh": "权重与偏置（w_ij^(l)：第 l 层第 i 个神经元来自第 j 个输入的权重）："},
    "upstream": {"en": "Values from earlier steps that net holds for this step:",
                 "zh": "本步 net 中可用的、来自前面步骤的值："},
    "uses": {"en": "The lesson's formula uses:", "zh": "课文公式用到："},
    "offers": {"en": "net offers:", "zh": "net 提供："},
    "returns_dict": {"en": "Return a dict with the keys:", "zh": "返回一个 dict，键为："},
    "returns_arrays": {"en": "Return a dict of numpy arrays with the keys and shapes:",
                       "zh": "返回一个由 numpy 数组组成的 dict，键和形状为："},
    "whole_network": {"en": "A {layers} sigmoid network drawn for this step, trained as a whole. "
                            "net holds (read-only numpy arrays; a matrix's rows are the neurons "
                            "of its layer; then the numbers and the epochs):",
                      "zh": "为本步抽取的 {layers} sigmoid 网络，整体训练。net 提供（只读的 numpy "
                            "数组，矩阵的每一行是该层的一个神经元；然后是各个数和轮次）："},
    "matrix_network": {"en": "A {layers} sigmoid network drawn for this step; layer l = {layer}. "
                             "net holds (read-only numpy arrays; a matrix's rows are the neurons "
                             "of its layer):",
                       "zh": "为本步抽取的 {layers} sigmoid 网络；第 l = {layer} 层。net 提供"
                             "（只读的 numpy 数组；矩阵的每一行对应所在层的一个神经元）："},
    "full_network": {"en": "Your problem's network, drawn for this step: {layers}, hidden "
                           "activation {activation}, loss {loss}; each further problem of a "
                           "check draws another. net holds (read-only numpy arrays; a list of "
                           "them, one per layer, as a tuple):",
                     "zh": "为本步抽取的你的问题的网络：{layers}，隐藏层激活函数 {activation}，"
                           "损失函数 {loss}；检查中的其他问题各抽取另一个网络。net 提供（只读的 "
                           "numpy 数组；每层一个的数组列表以 tuple 给出）："},
    "returns_layers": {"en": "Return a dict with the keys, each a list of arrays, one per layer, "
                             "of the shapes:",
                       "zh": "返回一个 dict，键如下，每个值是每层一个数组的列表，形状为："},
    "chain_right_alone": {
        "en": "your formula here is right (checked alone, on the reference inputs, it passes); "
              "its inputs were off because of wrong answers from {wrong}",
        "zh": "本步公式是对的（单独用参考输入检查时通过）；"
              "它的输入有偏差，是因为 {wrong} 的答案不对"},
    "progress": {"en": "{passed} of {total} steps passed", "zh": "{total} 步中已通过 {passed} 步"},
    "col_step": {"en": "step", "zh": "步骤"},
    "col_title": {"en": "what you compute", "zh": "要计算的量"},
    "col_status": {"en": "status", "zh": "状态"},
}

STATUS = {
    "passed": {"en": "passed", "zh": "通过"},
    "failed": {"en": "failed", "zh": "未通过"},
    "invalid": {"en": "invalid", "zh": "无效"},
    "error": {"en": "error", "zh": "出错"},
    "timeout": {"en": "timeout", "zh": "超时"},
    "not_started": {"en": "not started", "zh": "未开始"},
}

MARKS = {"passed": "✓", "failed": "✗", "invalid": "✗", "error": "!", "timeout": "⏱",
         "not_started": "·"}
COLORS = {"passed": "green", "failed": "red", "invalid": "red", "error": "red",
          "timeout": "yellow", "not_started": "bright_black"}


def use_color(stream=None) -> bool:
    """Colour only on a terminal and never under NO_COLOR."""
    if "NO_COLOR" in os.environ:
        return False
    return bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())


def _style(value: str, color: bool, **style) -> str:
    if not color:
        return value
    import click

    return click.style(value, **style)


def points(score: float, max_score: float | None = None) -> str:
    """A score as a person reads it: at most two decimals (``1.71``, ``0.1``, ``2``), and
    never shown as full marks when it is not (1.999 of 2 is ``1.99``). JSON keeps the
    number itself."""
    shown = f"{score:.2f}"
    if max_score is not None and score < max_score <= float(shown):
        shown = f"{math.floor(score * 100) / 100:.2f}"
    return shown.rstrip("0").rstrip(".") if "." in shown else shown


def _number(value) -> str:
    return "—" if value is None else f"{value:.10g}"


def _held(value) -> str:
    """A value net held: a number, or a matrix step's nested lists."""
    if isinstance(value, list):
        return "[" + ", ".join(_held(v) for v in value) + "]"
    return f"{value:.8g}"


def _chain_line(result, lang: str) -> str:
    """What net held; for a failed step fed a wrong answer, the root causes and nothing else."""
    if result.status == "failed" and result.chained_wrong:
        wrong = ", ".join(result.chained_wrong)
        if result.chain_right_alone:
            return text(MESSAGES, "chain_right_alone", lang, wrong=wrong)
        return text(MESSAGES, "chain_also_wrong", lang, step=result.step, wrong=wrong)
    return text(MESSAGES, "chain", lang, steps=", ".join(result.chained_from))


def _names_shown(step_id: str, scaffold: str | None) -> bool:
    """May a failure list the values the formula reads? Not where the learner's stub keeps the
    formula back (the scaffold): those names are half the answer."""
    if scaffold is None:
        return True
    from ..steps import stubs

    return step_id not in registry.BY_ID or \
        stubs.support(registry.BY_ID[step_id], scaffold) == "formula"


def _detail_lines(result, lang: str, verbose: bool, scaffold: str | None = None) -> list:
    lines = []
    if result.status in ("failed",) and result.rows:
        where = "your_problem" if result.shown_visible else "other_problem"
        lines.append(text(MESSAGES, where, lang, seed=result.shown_seed))
        if _names_shown(result.step, scaffold):
            lines.append("  " + "   ".join(f"net.{k} = {_held(v)}"
                                           for k, v in list(result.inputs.items())[:8]))
        wide = max(len(r.key) for r in result.rows)
        shown = [r for r in result.rows if not r.passed]
        step = registry.BY_ID.get(result.step)
        if step is not None and step.arrays:     # the first wrong entry of each array
            shown = list({r.key.partition("[")[0]: r for r in reversed(shown)}.values())[::-1]
        shown = shown[:8]
        for row in shown:
            label = "" if row.key == "value" else f"{row.key:<{wide}}  "
            lines.append(f"  {label}{text(MESSAGES, 'expected', lang)} {_number(row.expected):>16}"
                         f"   ({text(MESSAGES, 'finite', lang)} {_number(row.finite_difference)})")
            lines.append(f"  {' ' * len(label)}{text(MESSAGES, 'received', lang)} "
                         f"{_number(row.received):>16}   {text(MESSAGES, 'rel_error', lang)} "
                         f"{row.relative_error:.2e}")
    elif result.status == "passed" and verbose and result.rows:
        for row in result.rows[:8]:
            label = "" if row.key == "value" else f"{row.key}: "
            lines.append(f"  {label}{_number(row.received)}   "
                         f"({text(MESSAGES, 'finite', lang)} {_number(row.finite_difference)})")
    if result.error and result.status in ("error",):
        lines.extend("  " + line for line in result.error.splitlines()[:20])
    if result.chained_from and result.status != "not_started":
        lines.append(_chain_line(result, lang))
    if result.diagnosis:
        lines.append("  " + text(MESSAGES, "diagnosis", lang,
                                 message=result.diagnosis.get("message", "")))
    if result.output.strip() and result.status != "passed":
        lines.append("  " + text(MESSAGES, "output", lang))
        lines.extend("    " + line for line in output_lines(result.output_parts, result.output,
                                                            result.problems, lang))
    return lines


OUTPUT_LINES = 15       # lines of a step's printed output shown, over all its problems
GUTTER = "│ "           # before every printed line: no printed text can pass for a label


def output_label(problem, problems: int, lang: str) -> str:
    """Which run printed a part of the output: ``problem`` 0 is the learner's own, 1… the
    further ones, None loading the file; ``problems`` counts them all."""
    if problem is None:
        return text(MESSAGES, "output_loading", lang)
    if problem == 0:
        return text(MESSAGES, "output_yours", lang)
    return text(MESSAGES, "output_further", lang, k=problem, n=max(problems - 1, problem))


def output_lines(parts: list, output: str, problems: int, lang: str,
                 limit: int = OUTPUT_LINES) -> list:
    """What the code printed, about ``limit`` of its lines shared by the problems (at least 3
    each), under a label per problem where the step's process said where each began
    (``parts``, else ``output`` unlabelled); every printed line behind the gutter, so
    nothing printed can pass for a label."""
    cut = [(part["problem"], part["text"].rstrip().splitlines())
           for part in parts if part["text"].strip()]
    if not cut:
        cut = [(False, output.rstrip().splitlines())]
    each = max(3, limit // len(cut))
    lines = []
    for problem, printed in cut:
        indent = ""
        if problem is not False:
            lines.append(output_label(problem, problems, lang))
            indent = "  "
        shown = printed[:each + 1 if len(printed) == each + 1 else each]   # never "1 more line"
        lines.extend(indent + GUTTER + line for line in shown)
        if len(printed) > len(shown):
            lines.append(indent + GUTTER + text(MESSAGES, "output_more", lang,
                                                n=len(printed) - len(shown)))
    return lines


def _next_line(results, lang: str, color: bool) -> str:
    """The first step still to do, or that everything checked passes."""
    pending = [r for r in results if not r.passed]
    if pending:
        step = registry.get(pending[0].step)
        return text(MESSAGES, "next", lang, step=step.id, title=pick(step.title, lang))
    return _style(text(MESSAGES, "all_done", lang), color, fg="green")


def terminal(report, lang: str = "en", color: bool = False, scaffold: str | None = None) -> str:
    """The check report for a terminal; with the learner's ``scaffold``, a failure lists the
    values its formula reads only where their stub shows the formula."""
    results = report.results
    verbose = len(results) <= 3
    first = results[0] if results else None
    out = []
    if first is not None:
        out.append(_style(text(MESSAGES, "header", lang, seed=report.seed,
                               problems=first.problems or 5,
                               others=(first.problems or 5) - 1), color, bold=True))
    width = max((len(r.step) for r in results), default=6)
    for result in results:
        mark = _style(MARKS[result.status], color, fg=COLORS[result.status], bold=True)
        status = _style(text(STATUS, result.status, lang), color, fg=COLORS[result.status])
        out.append(f"{mark} {result.step:<{width}}  {result.title}")
        out.append(f"  {' ' * width} "
                   + text(MESSAGES, "status_line", lang, status=status, message=result.message))
        out.extend(f"  {' ' * width} {line}"
                   for line in _detail_lines(result, lang, verbose, scaffold))
    passed = sum(r.passed for r in results)
    out.append("")
    out.append(text(MESSAGES, "score", lang, score=points(report.score, report.max_score),
                    max_score=report.max_score, passed=passed, steps=len(results)))
    out.append(_next_line(results, lang, color))
    return "\n".join(out)


def as_json(report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def _html_escape(value) -> str:
    import html

    return html.escape(str(value))


def result_text(result, lang: str | None = None) -> str:
    """A result on its own (a notebook's repr): status line and the details."""
    lang = lang or result.lang
    lines = [f"{MARKS[result.status]} {result.step} "
             + text(MESSAGES, "status_line", lang, status=text(STATUS, result.status, lang),
                    message=result.message)]
    lines.extend(_detail_lines(result, lang, verbose=True))
    return "\n".join(lines)


def result_html(result, lang: str | None = None) -> str:
    """A result as a small HTML block for Jupyter."""
    lang = lang or result.lang
    color = {"green": "#1a7f37", "red": "#cf222e", "yellow": "#9a6700",
             "bright_black": "#57606a"}[COLORS[result.status]]
    body = "\n".join(_html_escape(line) for line in result_text(result, lang).splitlines()[1:])
    status = text(STATUS, result.status, lang)
    return (f'<div class="bpgrade-result"><strong style="color:{color}">'
            f"{MARKS[result.status]} {_html_escape(result.step)} · {_html_escape(status)}"
            f"</strong> — {_html_escape(result.title)}<br>{_html_escape(result.message)}"
            + (f"<pre>{body}</pre>" if body else "") + "</div>")


def progress(report, lang: str = "en", color: bool = False, width: int = 24) -> str:
    """``bpgrade list``: one row per step, a bar, and the next step to do."""
    results = report.results
    passed = sum(r.passed for r in results)
    total = len(results)
    filled = round(width * passed / total) if total else 0
    step_head, status_head = text(MESSAGES, "col_step", lang), text(MESSAGES, "col_status", lang)
    step_w = max(display_width(step_head), *(len(r.step) for r in results))
    status_w = max(display_width(status_head),
                   *(display_width(text(STATUS, r.status, lang)) for r in results))
    out = [f"  {pad(step_head, step_w)}  {pad(status_head, status_w)}  "
           f"{text(MESSAGES, 'col_title', lang)}"]
    for r in results:
        mark = _style(MARKS[r.status], color, fg=COLORS[r.status], bold=True)
        status = _style(pad(text(STATUS, r.status, lang), status_w), color, fg=COLORS[r.status])
        out.append(f"{mark} {r.step:<{step_w}}  {status}  {r.title}")
    bar = "█" * filled + "░" * (width - filled)
    out.append("")
    out.append(f"[{_style(bar, color, fg='green')}] "
               + text(MESSAGES, "progress", lang, passed=passed, total=total))
    out.append(_next_line(results, lang, color))
    return "\n".join(out)


def progress_json(report) -> str:
    rows = [{"step": r.step, "title": r.title, "status": r.status, "score": r.score,
             "max_score": r.max_score} for r in report.results]
    pending = [r.step for r in report.results if not r.passed]
    return json.dumps({"seed": report.seed, "steps": rows,
                       "passed": sum(r.passed for r in report.results),
                       "total": len(report.results), "next": pending[0] if pending else None,
                       "score": report.score, "max_score": report.max_score},
                      ensure_ascii=False, indent=2)


def display_width(value: str) -> int:
    """Columns ``value`` takes on a terminal: a Chinese character takes two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value)


def pad(value: str, width: int) -> str:
    """``value`` filled with spaces to ``width`` columns (as :func:`display_width` counts)."""
    return value + " " * max(0, width - display_width(value))


def show_text(view: dict, lang: str = "en") -> str:
    """``bpgrade show``: the step's formula and the learner's concrete numbers."""
    from .. import notation                 # here, not at the top: the check path imports us

    if "arrays" in view:
        return _matrix_show_text(view, lang)
    known = {**view["inputs"], **view["parameters"], **view["forward"], **view["upstream"]}
    exact = set(view["inputs"]) | set(view["parameters"])      # the two-decimal numbers

    def cell(name: str) -> str:
        value = known.get(name)
        if value is None:
            return f"{name} = ?"
        return f"{name} = {value:.2f}" if name in exact else f"{name} = {value:.8g}"

    out = [text(MESSAGES, "show_title", lang, step=view["step"], title=pick(view["title"], lang),
                seed=view["seed"]), ""]
    if view["formula_text"]:
        out.extend("    " + part for part in view["formula_text"].split(";  "))
        out.append("")
    elif view["factors"]:           # the scaffold names the chain rule's factors, not the formula
        out += ["    " + pick(view["factors"], lang), ""]
    out += ["  " + pick(view["meaning"], lang), "", text(MESSAGES, "network", lang)]
    arrays = notation.arrays()
    depth = len(notation.SEED_LAYERS) - 1
    columns = [list(arrays["x"])] + [list(arrays[f"h{l}"]) for l in range(1, depth)] \
        + [[notation.activation(depth, 1), "L"]]
    cells = [[cell(n) for n in column] for column in columns]
    heads = [text(MESSAGES, "layer_" + layer, lang)
             for layer in ("input", "hidden1", "hidden2", "output")]
    widths = [max(display_width(c) for c in column + [head]) for column, head in zip(cells, heads)]
    out.append(("  " + "  →  ".join(pad(h, w) for h, w in zip(heads, widths))).rstrip())
    for row in range(3):
        parts = [pad(column[row] if row < len(column) else "", w)
                 for column, w in zip(cells, widths)]
        out.append("  " + "     ".join(parts).rstrip())
    out.append(f"  {cell('y_target')}   {cell('eta')}")
    out += ["", text(MESSAGES, "parameters", lang)]
    rows = [list(weights) + [bias] for l in range(1, depth + 1)     # a neuron's weights, its bias
            for weights, bias in zip(arrays[f"W{l}"], arrays[f"b{l}"])]
    out.extend("  " + "   ".join(f"{cell(n):<13}" for n in row).rstrip() for row in rows)
    if view["upstream"]:
        out += ["", text(MESSAGES, "upstream", lang)]
        out.extend(f"  net.{name} = {value:.10g}" for name, value in view["upstream"].items())
    if view["uses"] is not None:
        out += ["", text(MESSAGES, "uses", lang) + " "
                + ", ".join("net." + n for n in view["uses"][:12])
                + (" …" if len(view["uses"]) > 12 else "")]
    else:                           # the formula is not shown: everything net offers
        offers = text(MESSAGES, "offers", lang) + " " + pick(view["offers"], lang)
        out += ["", textwrap.fill(offers, 96, subsequent_indent="    ") if lang == "en" else offers]
    if view["answer"]:
        out.append(text(MESSAGES, "returns_dict", lang) + " " + ", ".join(view["answer"]))
    return "\n".join(out)


def _matrix_show_text(view: dict, lang: str) -> str:
    """``bpgrade show`` for a matrix step: its network, the arrays net holds, the shapes."""
    out = [text(MESSAGES, "show_title", lang, step=view["step"], title=pick(view["title"], lang),
                seed=view["seed"]), ""]
    if view["formula_text"]:
        out += ["    " + part for part in view["formula_text"].split(";  ")] + [""]
    layers = "-".join(map(str, view["layers"]))
    if view.get("per_problem"):
        network = text(MESSAGES, "full_network", lang, layers=layers,
                       activation=view["activation"], loss=view["loss"])
    else:
        network = text(MESSAGES, "matrix_network" if view["layer"] else "whole_network", lang,
                       layers=layers, layer=view["layer"])
    out += ["  " + pick(view["meaning"], lang), "", network]

    def array(value, label: str):
        rows = value if value and isinstance(value[0], list) else [value]
        out.append(f"  {label} =")
        out.extend("    [" + "  ".join(f"{v:>12.8g}" for v in row) + "]" for row in rows)

    for name, value in view["arrays"].items():
        if isinstance(value, str):
            out.append(f"  net.{name} = {value!r}")
        elif isinstance(value, dict):                 # one array per layer
            for k, part in enumerate(value["layers"]):
                array(part, f"net.{name}[{k}]")
        elif not isinstance(value, list) or not all(isinstance(v, (list, float)) for v in value):
            out.append(f"  net.{name} = {value}")     # a number, or step22's counts
        else:
            array(value, f"net.{name}")
    answer = ", ".join(f"{key} {[tuple(s) for s in shape] if view.get('per_problem') else tuple(shape)}"
                       for key, shape in view["answer"].items())
    returns = "returns_layers" if view.get("per_problem") else "returns_arrays"
    out += ["", text(MESSAGES, returns, lang) + " " + answer]
    return "\n".join(out)

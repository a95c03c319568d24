"""Render check results for a terminal or as JSON. Nothing here computes a grade."""

from __future__ import annotations

import json
import os

from . import registry
from .i18n import text

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
    "score": {"en": "Score {score:g}/{max_score} · {passed} of {steps} steps passed",
              "zh": "得分 {score:g}/{max_score} · {steps} 步中通过 {passed} 步"},
    "next": {"en": "Next: {step} — {title}   (bpgrade hint {step})",
             "zh": "下一步：{step} — {title}   （bpgrade hint {step}）"},
    "all_done": {"en": "All checked steps pass.", "zh": "所检查的步骤全部通过。"},
    "diagnosis": {"en": "likely mistake:", "zh": "可能的错误："},
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


def _number(value) -> str:
    return "—" if value is None else f"{value:.10g}"


def _detail_lines(result, lang: str, verbose: bool) -> list:
    lines = []
    if result.status in ("failed",) and result.rows:
        where = "your_problem" if result.shown_visible else "other_problem"
        lines.append(text(MESSAGES, where, lang, seed=result.shown_seed))
        lines.append("  " + "   ".join(f"net.{k} = {v:.6g}" for k, v in list(result.inputs.items())[:8]))
        wide = max(len(r.key) for r in result.rows)
        shown = [r for r in result.rows if not r.passed][:8]
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
    if result.diagnosis:
        lines.append(f"  {text(MESSAGES, 'diagnosis', lang)} {result.diagnosis.get('message', '')}")
    if result.output.strip() and result.status != "passed":
        lines.append("  " + text(MESSAGES, "output", lang))
        lines.extend("    " + line for line in result.output.rstrip().splitlines()[:15])
    return lines


def terminal(report, lang: str = "en", color: bool = False) -> str:
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
        status = _style(result.status, color, fg=COLORS[result.status])
        out.append(f"{mark} {result.step:<{width}}  {result.title}")
        out.append(f"  {' ' * width} {status}: {result.message}")
        out.extend(f"  {' ' * width} {line}" for line in _detail_lines(result, lang, verbose))
    passed = sum(r.passed for r in results)
    out.append("")
    out.append(text(MESSAGES, "score", lang, score=report.score, max_score=report.max_score,
                    passed=passed, steps=len(results)))
    pending = [r for r in results if not r.passed]
    if pending:
        step = registry.get(pending[0].step)
        out.append(text(MESSAGES, "next", lang, step=step.id, title=step.title[lang]))
    else:
        out.append(_style(text(MESSAGES, "all_done", lang), color, fg="green"))
    return "\n".join(out)


def as_json(report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)

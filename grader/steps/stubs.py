"""The learner's exercise files, rendered from the registry.

``exercises/stepNN.py`` in the repository and the files ``bpgrade init`` writes are both
this rendering, so the stubs can never drift from the table of steps.
"""

from __future__ import annotations

import textwrap

from . import registry
from ..i18n import LANGUAGES, text

_RETURNS = {
    "number": {"en": "Return: one number (a float).", "zh": "返回：一个数（float）。"},
    "dict": {"en": "Return: a dict with exactly these keys:", "zh": "返回：一个 dict，键恰好是："},
}


def _wrapped(label: str, names, width: int = 88) -> str:
    body = ", ".join(f"net.{name}" for name in names)
    return textwrap.fill(body, width=width, initial_indent=label, subsequent_indent="    ")


def docstring(step: registry.Step) -> str:
    if step.returns_dict:
        keys = textwrap.fill(", ".join(f'"{k}"' for k, _ in step.answer_items), width=84,
                             initial_indent="    ", subsequent_indent="    ")
        returns = {lang: f"{text(_RETURNS, 'dict', lang)}\n{keys}" for lang in LANGUAGES}
    else:
        returns = {lang: text(_RETURNS, "number", lang) for lang in LANGUAGES}
    if step.uses_text:
        use = {"en": textwrap.fill("Use: " + step.uses_text["en"], 88, subsequent_indent="    "),
               "zh": "用到：" + step.uses_text["zh"]}
    else:
        use = {"en": _wrapped("Use: ", step.uses), "zh": _wrapped("用到：", step.uses)}
    formula = "\n".join("    " + part for part in step.formula_text.split(";  "))
    return (
        f"Step {step.number} — {step.title['en']}\n\n"
        f"{formula}\n\n"
        f"{textwrap.fill(step.meaning['en'], 88)}\n"
        f"{use['en']}\n"
        f"{returns['en']}\n"
        f"Check it: bpgrade check {step.id}    Hint: bpgrade hint {step.id}\n\n"
        f"第 {step.number} 步 — {step.title['zh']}\n\n"
        f"{formula}\n\n"
        f"{step.meaning['zh']}\n"
        f"{use['zh']}\n"
        f"{returns['zh']}\n"
        f"检查：bpgrade check {step.id}    提示：bpgrade hint {step.id}\n"
    )


def render(step: registry.Step) -> str:
    """The untouched stub for ``step``."""
    return (
        f'"""{docstring(step)}"""\n\n\n'
        f"def {step.function_name}(net):\n"
        f"    raise NotImplementedError(\"{step.id}: write your answer here, "
        f"then run: bpgrade check {step.id}\")\n"
    )

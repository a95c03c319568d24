"""The learner's exercise files, rendered from the registry.

``exercises/stepNN.py`` in the repository and the files ``bpgrade init`` writes are both
this rendering, so the stubs can never drift from the table of steps.

How much of the lesson a stub shows is the workspace's scaffold (DESIGN.md, "Scaffolding"):
``full`` shows every step's formula (a worked example to transcribe); ``faded`` shows it for
the first steps, then names the chain rule's factors in words, then states only the goal;
``none`` states only the goal. Whatever is not shown, ``net`` offers are listed in full (the
step's whole context), so the stub never points at the few values the formula reads.
"""

from __future__ import annotations

import textwrap

from . import registry
from ..i18n import LANGUAGES, pick, text

SCAFFOLDS = ("full", "faded", "none")
DEFAULT_SCAFFOLD = "faded"
# What a stub shows of the lesson: "formula", "factors" (the chain rule's factors in words) or
# "goal" (what to compute and what net offers). Faded: from which step on each holds.
_FADED = ((0, "formula"), (5, "factors"), (10, "goal"))

MESSAGES = {
    "offers": {"en": "net offers: ", "zh": "net 提供："},
}

_RETURNS = {
    "number": {"en": "Return: one number (a float).", "zh": "返回：一个数（float）。"},
    "dict": {"en": "Return: a dict with exactly these keys:", "zh": "返回：一个 dict，键恰好是："},
    "arrays": {"en": "Return: a dict of numpy arrays with exactly these keys and shapes:",
               "zh": "返回：一个由 numpy 数组组成的 dict，键和形状恰好是："},
}


def _wrapped(label: str, names, width: int = 88) -> str:
    body = ", ".join(f"net.{name}" for name in names)
    return textwrap.fill(body, width=width, initial_indent=label, subsequent_indent="    ")


def support(step: registry.Step, scaffold: str = DEFAULT_SCAFFOLD) -> str:
    """What the stub of ``step`` shows at ``scaffold``: "formula", "factors" or "goal"."""
    if scaffold == "full":
        return "formula"
    if scaffold == "none":
        return "goal"
    shown = "formula"
    for first, level in _FADED:
        if step.number >= first:
            shown = level
    if shown == "factors" and not step.factors:
        return "goal"
    return shown


def _lesson_part(step: registry.Step, shown: str, lang: str) -> str:
    """Under the title: the formula, or the chain rule's factors in words, then what the step
    computes (the goal alone, without the idea, when the formula is not shown)."""
    if shown == "formula":
        block = "\n".join("    " + part for part in step.formula_text.split(";  "))
        return f"{block}\n\n{_filled(pick(step.meaning, lang), lang)}"
    goal = _filled(pick(step.goal, lang), lang)
    if shown == "factors":
        return f"{_filled(pick(step.factors, lang), lang, indent='    ')}\n\n{goal}"
    return goal


def _filled(words: str, lang: str, indent: str = "") -> str:
    if lang == "zh":                  # no spaces to break at; one line, as before
        return indent + words
    return textwrap.fill(words, 88, initial_indent=indent, subsequent_indent=indent)


def _offers(step: registry.Step, lang: str) -> str:
    label = text(MESSAGES, "offers", lang)
    offered = pick(step.offers, lang)
    if lang == "zh":
        return label + offered
    return textwrap.fill(label + offered, 88, subsequent_indent="    ")


def docstring(step: registry.Step, scaffold: str = DEFAULT_SCAFFOLD) -> str:
    if step.arrays:
        from bpgrade_harness.answers import shape_text

        # lines break between keys, never inside one (a no-break space holds each together)
        keys = textwrap.fill(", ".join(f'"{k}" {shape_text(shape)}'.replace(" ", "\xa0")
                                       for k, shape in step.arrays.items()),
                             width=84, initial_indent="    ",
                             subsequent_indent="    ").replace("\xa0", " ")
        returns = {lang: f"{text(_RETURNS, 'arrays', lang)}\n{keys}" for lang in LANGUAGES}
    elif step.returns_dict:
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
    shown = support(step, scaffold)
    if scaffold != "full":          # the step's whole context, not the names the formula reads
        use = {lang: _offers(step, lang) for lang in LANGUAGES}
    return (
        f"Step {step.number} — {step.title['en']}\n\n"
        f"{_lesson_part(step, shown, 'en')}\n"
        f"{use['en']}\n"
        f"{returns['en']}\n"
        f"Check it: bpgrade check {step.id}    Hint: bpgrade hint {step.id}\n\n"
        f"第 {step.number} 步 — {step.title['zh']}\n\n"
        f"{_lesson_part(step, shown, 'zh')}\n"
        f"{use['zh']}\n"
        f"{returns['zh']}\n"
        f"检查：bpgrade check {step.id}    提示：bpgrade hint {step.id}\n"
    )


def render(step: registry.Step, scaffold: str = DEFAULT_SCAFFOLD) -> str:
    """The untouched stub for ``step`` at ``scaffold``."""
    return (
        f'"""{docstring(step, scaffold)}"""\n\n\n'
        f"def {step.function_name}(net):\n"
        f"    raise NotImplementedError(\"{step.id}: write your answer here, "
        f"then run: bpgrade check {step.id}\")\n"
    )

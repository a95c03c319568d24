"""Tiered hints for one step, read from the registry.

Each level adds what the stub (at the workspace's scaffold, grader.steps.stubs) does not
already say. Level 1 the idea: which paths lead to L, which earlier result the lesson reuses
here, by its symbol and its step, never a ``net.`` name (and the step's meaning, when the stub
gave only the goal to keep that idea back); level 2 the chain-rule structure (the paths, each
path's factors, how paths combine), ending with the formula's shape in blanks where the stub
does not show the formula (and the factors in words, when the stub did not name them); level 3
always the formula.
Each level says how to ask for the next.
"""

from __future__ import annotations

from . import registry
from ..errors import UsageError
from ..i18n import pick, text
from ..records import Record

MESSAGES = {
    "heading": {"en": "{step} — {title} · hint {level} of {levels}",
                "zh": "{step} — {title} · 提示 {level}/{levels}"},
    "next": {"en": "More: bpgrade hint {step} --level {next}",
             "zh": "更多提示：bpgrade hint {step} --level {next}"},
    "last": {"en": "That was the last hint. Check your answer: bpgrade check {step}",
             "zh": "这是最后一级提示。检查答案：bpgrade check {step}"},
    "bad_level": {"en": "--level takes {levels}; {step} has hints at those levels",
                  "zh": "--level 只能是 {levels}；{step} 的提示分这几级"},
    "no_hints": {"en": "{step} has no hints yet", "zh": "{step} 还没有提示"},
    "blanks": {"en": "Fill in each blank with a value net offers: {shape}",
               "zh": "每个空填一个 net 提供的值：{shape}"},
    "blanks_paper": {"en": "Fill in each blank with a quantity given on this sheet or found "
                           "above it: {shape}",
                     "zh": "每个空填一个本页已给出或前面已求出的量：{shape}"},
}


class Hint(Record, frozen=True, eq=True):
    step: str
    title: str
    level: int
    levels: int
    body: str
    next_level: int | None

    def render(self, lang: str) -> str:
        heading = text(MESSAGES, "heading", lang, step=self.step, title=self.title,
                       level=self.level, levels=self.levels)
        if self.next_level is not None:
            footer = text(MESSAGES, "next", lang, step=self.step, next=self.next_level)
        else:
            footer = text(MESSAGES, "last", lang, step=self.step)
        return f"{heading}\n\n  {self.body}\n\n{footer}"


def parts(step: registry.Step, level: int, lang: str, scaffold: str | None = None,
          paper: bool = False) -> list:
    """The hint at ``level``, paragraph by paragraph, for a learner whose stub (or sheet,
    ``paper``) is at ``scaffold``; on paper the blanks are filled from the sheet, not ``net``."""
    from . import stubs

    shown = stubs.support(step, scaffold or stubs.DEFAULT_SCAFFOLD)
    out = []
    if level == 1 and step.prose.goal and shown != "formula":
        out.append(pick(step.meaning, lang))          # the idea the goal kept back
    if level == 2 and shown == "goal" and step.factors:
        out.append(pick(step.factors, lang))
    out.append(pick(step.hints[level], lang))
    if level == 2 and shown != "formula":       # the formula's shape, where it is not shown
        out.append(text(MESSAGES, "blanks_paper" if paper else "blanks", lang,
                        shape=step.blanks(lang)))
    return out


def body(step: registry.Step, level: int, lang: str, scaffold: str | None = None) -> str:
    """The hint's text at ``level`` for a learner whose stub is at ``scaffold``."""
    return "\n  ".join(parts(step, level, lang, scaffold))


def hint(step_name, level: int = 1, lang: str = "en", scaffold: str | None = None) -> Hint:
    """The hint at ``level`` for ``step_name`` (``step7`` or ``7``) in ``lang``, adding to
    what the stub at ``scaffold`` (default: the default scaffold) already says."""
    step = registry.get(step_name, lang)
    hints = step.hints or {}
    if not hints:
        raise UsageError(text(MESSAGES, "no_hints", lang, step=step.id))
    levels = sorted(hints)
    if level not in hints:
        raise UsageError(text(MESSAGES, "bad_level", lang, step=step.id,
                              levels="|".join(str(n) for n in levels)))
    later = [n for n in levels if n > level]
    return Hint(step=step.id, title=pick(step.title, lang), level=level, levels=len(levels),
                body=body(step, level, lang, scaffold), next_level=later[0] if later else None)

"""GitHub Classroom: a workflow for its autograding actions, one test per registry step.

The workflow (template ``classroom.yml.j2``) installs bpgrade, runs ``bpgrade gradescope`` on
the student's repository into :data:`RESULTS_FILE`, and has one command-grader test per step
read its status from there.
"""

from __future__ import annotations

import unicodedata

from .. import classroom
from ..errors import UsageError
from ..i18n import text
from ..render import templates
from ..steps import registry

RESULTS_FILE = "bpgrade-results.json"
ACTIONS_EXPRESSION = "${{"          # GitHub Actions would evaluate what follows
LINE_CATEGORIES = ("Cc", "Zl", "Zp")  # control characters and line or paragraph separators

MESSAGES = {
    "bad_value": {
        "en": "{option} must be one line of plain text, without control characters or "
              "'${{{{': got {value!r}",
        "zh": "{option} 必须是一行普通文本，不能含控制字符或 '${{{{'：收到 {value!r}"},
}


def _one_line(option: str, value: str, lang: str) -> str:
    """``value`` unchanged, or a UsageError: a line break would end the YAML block holding
    it, and ``${{`` would be evaluated by GitHub Actions before the shell sees it."""
    if ACTIONS_EXPRESSION in value or any(unicodedata.category(c) in LINE_CATEGORIES
                                          for c in value):
        raise UsageError(text(MESSAGES, "bad_value", lang, option=option, value=value))
    return value


def github_classroom_workflow(package: str = "bpgrade", folder: str = "exercises",
                              lang: str = "en") -> str:
    """The workflow file, one command-grader test per step of the registry."""
    return templates.render(
        "classroom.yml.j2", package=_one_line("--package", package, lang),
        folder=_one_line("--folder", folder, lang), lang=lang, results=RESULTS_FILE,
        variable=classroom.SECRET_VARIABLE, steps=registry.STEPS)

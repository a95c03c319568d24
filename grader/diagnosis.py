"""Name the learner's likely misconception from their numbers."""

from __future__ import annotations


def diagnose(step, contexts: list, received: list, expected: list, lang: str = "en"):
    """A diagnosis dict ``{"code", "formula_latex", "message"}`` or None.

    ``contexts``: the values ``net`` held on each problem; ``received`` and ``expected``:
    ``{key: float}`` per problem, for a valid answer that failed.
    """
    return None

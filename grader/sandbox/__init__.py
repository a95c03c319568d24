"""Run a learner's ``stepN(net)`` away from the grader.

    outcome    what came back, read strictly (the only way in), and the limits a child gets
    local      a learner's own check: a forked child per step, or in-process for notebooks
    runner     classroom grading: the job's side of the runner (exec, not fork)
    isolation  what the machine gives (namespaces, a uid per student) and the choice made

The code that runs beside the learner's lives in :mod:`bpgrade_harness`, which never
imports this package. ``runner`` and ``isolation`` load on first use: ``bpgrade check``
needs neither, and its start-up time is part of the product.
"""

from bpgrade_harness.child import OUTPUT_LIMIT  # noqa: F401

from .local import run_file, run_function  # noqa: F401
from .outcome import DEFAULT_TIMEOUT, Limits, Outcome, trusted  # noqa: F401

_LAZY = {"RunnerClient": "runner", "RunnerError": "runner", "Isolation": "isolation",
         "choose": "isolation"}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

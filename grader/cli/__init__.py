"""The ``bpgrade`` command line: ``main`` is the click group, each module adds commands."""

from .common import main
from . import learner, feedback, classroom, sheets, cost  # noqa: F401  (they register commands)

__all__ = ["main"]

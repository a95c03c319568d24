"""One base class for every error the library reports to a person.

The CLI maps ``BpgradeError`` once (:class:`grader.cli.common.Command`) to ``Error: message``
and the error's ``exit_code``, as click does with its ``ClickException``; anything else is a
bug. This module does not import click: a notebook's ``grader.check`` would pay its import.
"""


class BpgradeError(Exception):
    """An error with a message meant for a learner or teacher (already translated)."""

    exit_code = 2           # the command line's exit code: 2, a usage error (DESIGN.md)


class UsageError(BpgradeError):
    """The request itself is wrong: an unknown step, a missing folder, a bad option value."""


class GenerationError(BpgradeError):
    """No well-conditioned problem could be drawn for the requested shape."""

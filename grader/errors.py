"""One base class for every error the library reports to a person.

The CLI maps ``BpgradeError`` to a message and exit code 2; anything else is a bug.
"""


class BpgradeError(Exception):
    """An error with a message meant for a learner or teacher (already translated)."""

    exit_code = 2


class UsageError(BpgradeError):
    """The request itself is wrong: an unknown step, a missing folder, a bad option value."""


class GenerationError(BpgradeError):
    """No well-conditioned problem could be drawn for the requested shape."""

"""A learner's problems, kept on disk between checks.

A check draws the visible problem and four more from the seed and runs the reference
engine on them. The first ``bpgrade check`` of a seed stores the problems' numbers, their
reference values and their finite differences as JSON in the user's cache folder; later
checks read them back as plain floats, so a repeated check imports no numpy at all (about
80 ms, most of a check's own start-up cost). Each loss has files of its own and a stored
problem names its loss, so two losses never share an entry. The file is tied to the engine's
source files (their sizes and modification times) and to the package version, so a changed
engine recomputes. Only the learner's own commands use it; classroom grading never does.
Anything unreadable is ignored and recomputed.

``BPGRADE_CACHE`` names another folder; set it to an empty string to turn the cache off.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .. import __version__
from ..atomic_write import write_atomically
from ..notation import SEED_LOSS
from ..records import Record

# The sources whose change makes a stored problem stale, from the package's root.
_ENGINE = ("engine/generators.py", "engine/forward.py", "engine/backprop.py",
           "engine/finite_difference.py", "engine/losses.py", "engine/cache.py",
           "steps/quantities.py", "tolerances.py", "engine/degenerate.py", "notation.py",
           "steps/matrix.py", "steps/training.py", "engine/training.py")


class Stored(Record, frozen=True):
    """A seed's problems as read back: plain numbers only (no numpy)."""

    problems: list             # per problem: its numbers as plain lists (see :func:`problem`)
    references: list           # per problem: {quantity name: float, or a matrix step's lists}
    finite_differences: list   # per problem: {gradient quantity name: float}


def folder() -> Path | None:
    chosen = os.environ.get("BPGRADE_CACHE")
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "bpgrade"


def fingerprint() -> str:
    here = Path(__file__).resolve().parent.parent
    parts = [__version__]
    for name in _ENGINE:
        info = (here / name).stat()
        parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
    return "|".join(parts)


def _path(seed: int, count: int, loss: str) -> Path | None:
    where = folder()
    return None if where is None else where / f"problems-{seed}-{count}-{loss}.json"


def problem(data: dict):
    """The :class:`~grader.engine.generators.Problem` (numpy arrays) from its plain form."""
    from .generators import Problem, frozen_array

    return Problem(seed=data["seed"], layers=tuple(data["layers"]),
                   activation=data["activation"], output_activation=data["output_activation"],
                   x=frozen_array(data["x"]), y_target=frozen_array(data["y_target"]), eta=data["eta"],
                   weights=tuple(frozen_array(w) for w in data["weights"]),
                   biases=tuple(frozen_array(b) for b in data["biases"]), loss=data["loss"])


def plain(problem) -> dict:
    """A Problem's numbers as JSON-ready lists."""
    return {"seed": problem.seed, "layers": list(problem.layers),
            "activation": problem.activation, "output_activation": problem.output_activation,
            "x": problem.x.tolist(), "y_target": problem.y_target.tolist(), "eta": problem.eta,
            "weights": [w.tolist() for w in problem.weights],
            "biases": [b.tolist() for b in problem.biases], "loss": problem.loss}


_PLAIN_KEYS = {"seed", "layers", "activation", "output_activation", "x", "y_target", "eta",
               "weights", "biases", "loss"}


def _number(value):
    """A float, or nested lists of floats (a matrix step's values); a whole number stays one
    (step22's counts of epochs)."""
    if type(value) is list:
        return [_number(v) for v in value]
    return value if type(value) is int else float(value)


def _numbers(table) -> dict:
    return {str(k): _number(v) for k, v in table.items()}


def load(seed: int, count: int, loss: str = SEED_LOSS) -> Stored | None:
    """What was stored for ``seed`` and ``loss``, or None."""
    path = _path(seed, count, loss)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["fingerprint"] != fingerprint() or data["seed"] != seed:
            return None
        problems = data["problems"]
        if not all(set(p) == _PLAIN_KEYS and type(p["seed"]) is int and p["loss"] == loss
                   for p in problems):
            return None
        stored = Stored(problems=problems,
                        references=[_numbers(r) for r in data["references"]],
                        finite_differences=[_numbers(f) for f in data["finite_differences"]])
        if not len(stored.problems) == len(stored.references) == len(stored.finite_differences) \
                == count:
            return None
        return stored
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def store(seed: int, problems: list, references: list, finite_differences: list) -> None:
    """Keep them for the next check; a failure to write only costs that next check time.
    The problems share one loss (a problem set's), whose file they are kept in."""
    path = _path(seed, len(problems), problems[0].loss)
    if path is None:
        return
    data = {"fingerprint": fingerprint(), "seed": seed,
            "problems": [plain(p) for p in problems], "references": references,
            "finite_differences": [dict(f) for f in finite_differences]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, json.dumps(data))
    except OSError:
        pass

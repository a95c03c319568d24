"""A learner's problems, kept on disk between checks.

A check draws the visible problem and four more from the seed and runs the reference
engine on them. The first ``bpgrade check`` of a seed stores the problems' numbers and
reference values as JSON in the user's cache folder; later checks read them back instead of
importing ``numpy.random`` and drawing again, which is most of a check's own start-up
cost. The file is tied to the engine's source files (their sizes and modification times)
and to the package version, so a changed engine recomputes. Only the learner's own commands
use it; classroom grading never does. Anything unreadable is ignored and recomputed.

``BPGRADE_CACHE`` names another folder; set it to an empty string to turn the cache off.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .. import __version__
from ..atomic_write import write_atomically
from .generators import Problem, frozen_array

# The sources whose change makes a stored problem stale, from the package's root.
_ENGINE = ("engine/generators.py", "engine/forward.py", "engine/backprop.py", "engine/cache.py",
           "steps/quantities.py")


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


def _path(seed: int, count: int) -> Path | None:
    where = folder()
    return None if where is None else where / f"problems-{seed}-{count}.json"


def _problem(data: dict) -> Problem:
    return Problem(seed=data["seed"], layers=tuple(data["layers"]),
                   activation=data["activation"], output_activation=data["output_activation"],
                   x=frozen_array(data["x"]), y_target=frozen_array(data["y_target"]), eta=data["eta"],
                   weights=tuple(frozen_array(w) for w in data["weights"]),
                   biases=tuple(frozen_array(b) for b in data["biases"]))


def _plain(problem: Problem) -> dict:
    return {"seed": problem.seed, "layers": list(problem.layers),
            "activation": problem.activation, "output_activation": problem.output_activation,
            "x": problem.x.tolist(), "y_target": problem.y_target.tolist(), "eta": problem.eta,
            "weights": [w.tolist() for w in problem.weights],
            "biases": [b.tolist() for b in problem.biases]}


def load(seed: int, count: int):
    """(problems, references) stored for ``seed``, or None."""
    path = _path(seed, count)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["fingerprint"] != fingerprint() or data["seed"] != seed:
            return None
        problems = [_problem(p) for p in data["problems"]]
        references = [{str(k): float(v) for k, v in r.items()} for r in data["references"]]
        if len(problems) != count or len(references) != count:
            return None
        return problems, references
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(seed: int, problems: list, references: list) -> None:
    """Keep them for the next check; a failure to write only costs that next check time."""
    path = _path(seed, len(problems))
    if path is None:
        return
    data = {"fingerprint": fingerprint(), "seed": seed,
            "problems": [_plain(p) for p in problems], "references": references}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, json.dumps(data))
    except OSError:
        pass

"""What a learner's code produced, read strictly: the only way anything from it gets in."""

from __future__ import annotations

import json
import os
import signal

from . import answers
from ..i18n import text
from ..records import Record, factory

DEFAULT_TIMEOUT = 5.0         # seconds for all trials of one step

MESSAGES = {
    "died": {"en": "the step's process ended without an answer ({how})",
             "zh": "运行该步的进程没有给出答案就结束了（{how}）"},
    "unreadable": {"en": "the step's process sent back something that is not an answer",
                   "zh": "运行该步的进程返回了无法识别的结果"},
    "timeout": {"en": "no answer within {seconds:g} s — is there an endless loop?",
                "zh": "{seconds:g} 秒内没有答案——是否有死循环？"},
    # how a process ended, for "died"
    "how_exit": {"en": "exit code {code}", "zh": "退出码 {code}"},
    "how_signal": {"en": "signal {number}, {name}", "zh": "信号 {number}，{name}"},
    "how_signal_number": {"en": "signal {number}", "zh": "信号 {number}"},
    "how_status": {"en": "wait status {status}", "zh": "等待状态 {status}"},
    "how_not_started": {"en": "no process could be started for it", "zh": "无法为它启动进程"},
}


class Outcome(Record, eq=True):
    """What running the learner's function produced, as trusted plain data."""

    kind: str                     # answers | not_started | error | timeout
    answers: list = factory(list)   # per trial: {"values": ...} or {"invalid": ...}
    error: str = ""
    output: str = ""
    extras: dict = factory(dict)    # {"loss_calls": [n per trial]} (step18)
    # Where each trial's output begins, in bytes of the step's output (see bpgrade_harness
    # child.run_trials), and the output cut there: {"problem": trial index, or None for
    # what loading the file printed, "text": ...}
    output_marks: list = factory(list)
    output_parts: list = factory(list)


class Limits(Record, frozen=True, eq=True):
    """What a child may use. ``memory`` is address space added to what the child starts with."""

    memory: int = 2 << 30          # bytes
    file_size: int = 16 << 20      # bytes, any file the child writes
    open_files: int = 64
    processes: int = 64            # applied where the child has a uid (or namespace) of its own
    cpu: float | None = None       # seconds of CPU for the child's whole life; None: from timeout

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self._fields}


def trusted(data, n_trials: int, keys, lang: str) -> Outcome:
    """Read the child's report strictly; anything malformed is the step's error."""
    try:
        kind = data["kind"]
        if kind == "answers":
            if len(data["answers"]) != n_trials:
                raise ValueError("trial count")
            return Outcome("answers", [answers.decode(a, answers.for_trial(keys, i))
                                         for i, a in enumerate(data["answers"])],
                           extras=_extras(data.get("extras"), n_trials),
                           output_marks=_marks(data.get("output_marks"), n_trials))
        if kind == "not_started":
            return Outcome("not_started")
        if kind == "error" and isinstance(data.get("error"), str):
            return Outcome("error", error=data["error"][:4000],
                           output_marks=_marks(data.get("output_marks"), n_trials))
    except (KeyError, TypeError, ValueError, OverflowError, RecursionError):
        pass
    return Outcome("error", error=text(MESSAGES, "unreadable", lang))


def _extras(data, n_trials: int) -> dict:
    """The optional counts beside the answers: ``{"loss_calls": [int per trial]}`` and, where
    asked for, ``{"seconds": [float per trial]}``."""
    if data is None:
        return {}
    if not isinstance(data, dict) or not data or not set(data) <= {"loss_calls", "seconds"}:
        raise ValueError("extras")
    out = {}
    if "loss_calls" in data:
        calls = data["loss_calls"]
        if not isinstance(calls, list) or len(calls) != n_trials \
                or any(type(n) is not int or not 0 <= n < 10 ** 9 for n in calls):
            raise ValueError("loss_calls")
        out["loss_calls"] = list(calls)
    if "seconds" in data:
        seconds = data["seconds"]
        if not isinstance(seconds, list) or len(seconds) != n_trials \
                or any(type(s) is not float or not 0.0 <= s < 1e6 for s in seconds):
            raise ValueError("seconds")
        out["seconds"] = list(seconds)
    return out


def _marks(data, n_trials: int) -> list:
    """Offsets where trials began printing: at most one per trial, whole, in order."""
    if data is None:
        return []
    if not isinstance(data, list) or not 0 < len(data) <= n_trials \
            or any(type(m) is not int or not 0 <= m < 1 << 62 for m in data) \
            or data != sorted(data):
        raise ValueError("output_marks")
    return list(data)


def with_output(outcome: Outcome, data: bytes, start: int = 0) -> Outcome:
    """``outcome`` with what the step printed (``data``, from offset ``start`` of the capture
    file), as one text and cut at its marks by trial. Marks that do not fall inside ``data``
    (not what this step printed) leave the output whole and unlabelled; output past the
    cap cuts the later trials' parts short."""
    outcome.output = data.decode("utf-8", "replace")
    marks = [min(m - start, len(data)) for m in outcome.output_marks]
    if not marks or marks[0] < 0:
        outcome.output_parts = []
        return outcome
    bounds = [0] + marks + [len(data)]
    problems = [None] + list(range(len(marks)))
    outcome.output_parts = [
        {"problem": problem, "text": data[begin:end].decode("utf-8", "replace")}
        for problem, begin, end in zip(problems, bounds, bounds[1:]) if end > begin]
    return outcome


def parse(payload):
    """JSON from a child, or None for anything that is not (too deep, too long a number...)."""
    try:
        return json.loads(payload) if payload is not None else None
    except (ValueError, RecursionError, MemoryError):
        return None


def how(status: int, lang: str) -> str:
    """How a process with wait status ``status`` ended, in words."""
    if os.WIFEXITED(status):
        return text(MESSAGES, "how_exit", lang, code=os.WEXITSTATUS(status))
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            return text(MESSAGES, "how_signal", lang, number=number,
                        name=signal.Signals(number).name)
        except ValueError:
            return text(MESSAGES, "how_signal_number", lang, number=number)
    return text(MESSAGES, "how_status", lang, status=status)


def capture_file():
    """A file for a child's printed output: in memory where the system offers it."""
    if hasattr(os, "memfd_create"):
        return os.fdopen(os.memfd_create("bpgrade-output"), "w+b")
    import tempfile

    return tempfile.TemporaryFile()

"""Run a learner's ``stepN(net)`` on a list of contexts, away from the grader.

The learner's file is loaded by path and run in a forked child process (where the
platform has ``fork``): an infinite loop is killed at the deadline, ``sys.exit`` or
``os._exit`` ends only the child, and whatever it prints is captured, never parsed. Only
plain JSON comes back; :func:`grader.answers.decode` reads it in the parent. Without
``fork`` the function runs in-process with a watchdog, which stops pure-Python loops.
"""

from __future__ import annotations

import importlib.util
import json
import os
import select
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from . import answers
from .context import Context
from .i18n import text

DEFAULT_TIMEOUT = 5.0         # seconds for all trials of one step
OUTPUT_LIMIT = 16 * 1024      # bytes of captured output kept

MESSAGES = {
    "missing_function": {
        "en": "{file} has no function {name}(net); keep the name and the single parameter",
        "zh": "{file} 中没有函数 {name}(net)；请保留函数名和唯一的参数"},
    "syntax": {"en": "{file} does not parse (line {line}): {msg}\n    {code}",
               "zh": "{file} 有语法错误（第 {line} 行）：{msg}\n    {code}"},
    "exit": {"en": "the code called sys.exit({code}); return the answer instead",
             "zh": "代码调用了 sys.exit({code})；请用 return 返回答案"},
    "interrupted": {"en": "the code raised {name}", "zh": "代码抛出了 {name}"},
    "died": {"en": "the step's process ended without an answer ({how})",
             "zh": "运行该步的进程没有给出答案就结束了（{how}）"},
    "unreadable": {"en": "the step's process sent back something that is not an answer",
                   "zh": "运行该步的进程返回了无法识别的结果"},
    "timeout": {"en": "no answer within {seconds:g} s — is there an endless loop?",
                "zh": "{seconds:g} 秒内没有答案——是否有死循环？"},
}


@dataclass
class Outcome:
    """What running the learner's function produced, as trusted plain data."""

    kind: str                     # answers | not_started | error | timeout
    answers: list = field(default_factory=list)   # per trial: {"values": ...} or {"invalid": ...}
    error: str = ""
    output: str = ""


def _learner_traceback(exc: BaseException, path: str) -> str:
    """The exception with only the frames from the learner's own file."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if os.path.abspath(f.filename) == os.path.abspath(path)]
    lines = [f'  File "{os.path.basename(path)}", line {f.lineno}, in {f.name}\n'
             f"    {(f.line or '').strip()}" for f in frames]
    summary = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return "\n".join(lines + [summary])


def load_function(path, function_name: str, lang: str = "en"):
    """The learner's function from ``path``, or raise ``_Failure`` with a readable message."""
    path = str(path)
    name = f"bpgrade_learner_{Path(path).stem}_{os.getpid()}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise _Failure("error", text(MESSAGES, "syntax", lang, file=Path(path).name,
                                     line=exc.lineno, msg=exc.msg,
                                     code=(exc.text or "").strip())) from None
    except BaseException as exc:      # the file itself ran code that failed or exited
        raise _Failure("error", _describe(exc, path, lang)) from None
    function = getattr(module, function_name, None)
    if not callable(function):
        raise _Failure("error", text(MESSAGES, "missing_function", lang,
                                     file=Path(path).name, name=function_name))
    return function


class _Failure(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


def _describe(exc: BaseException, path: str, lang: str) -> str:
    if isinstance(exc, SystemExit):
        return text(MESSAGES, "exit", lang, code=repr(exc.code))
    if isinstance(exc, (KeyboardInterrupt, GeneratorExit)) or not isinstance(exc, Exception):
        return text(MESSAGES, "interrupted", lang, name=type(exc).__name__)
    return _learner_traceback(exc, path)


def run_trials(function, contexts: list, keys, lang: str = "en", path: str = "") -> dict:
    """Call ``function`` on each context; plain data describing what happened.

    ``contexts`` holds ``(values, step_id, hidden)`` triples. Stops at the first trial
    that raises: NotImplementedError means the stub is untouched.
    """
    results = []
    for values, step_id, hidden in contexts:
        net = Context(values, step_id, hidden)
        try:
            answer = function(net)
        except NotImplementedError:
            return {"kind": "not_started"}
        except BaseException as exc:
            return {"kind": "error", "error": _describe(exc, path, lang)}
        results.append(answers.encode(answer, keys, lang))
    return {"kind": "answers", "answers": results}


def _child_main(path, function_name, contexts, keys, lang) -> dict:
    try:
        function = load_function(path, function_name, lang)
    except _Failure as failure:
        return {"kind": failure.kind, "error": failure.message}
    return run_trials(function, contexts, keys, lang, path=str(path))


def _trusted(data, n_trials: int, keys, lang: str) -> Outcome:
    """Read the child's report strictly; anything malformed is the step's error."""
    try:
        kind = data["kind"]
        if kind == "answers":
            if len(data["answers"]) != n_trials:
                raise ValueError("trial count")
            return Outcome("answers", [answers.decode(a, keys) for a in data["answers"]])
        if kind == "not_started":
            return Outcome("not_started")
        if kind == "error" and isinstance(data.get("error"), str):
            return Outcome("error", error=data["error"][:4000])
    except (KeyError, TypeError, ValueError):
        pass
    return Outcome("error", error=text(MESSAGES, "unreadable", lang))


def run_file(path, function_name: str, contexts: list, keys, lang: str = "en",
             timeout: float = DEFAULT_TIMEOUT) -> Outcome:
    """Load ``path`` and run ``function_name`` on every context, isolated where possible."""
    if not hasattr(os, "fork"):
        return _run_in_process(path, function_name, contexts, keys, lang, timeout)
    capture = tempfile.TemporaryFile()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:                                          # the child: never returns
        status = 0
        try:
            os.close(read_fd)
            os.setpgid(0, 0)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            os.dup2(capture.fileno(), 1)
            os.dup2(capture.fileno(), 2)
            sys.stdin = open(0, closefd=False)
            sys.stdout = sys.stderr = open(1, "w", closefd=False, buffering=1)
            report = json.dumps(_child_main(path, function_name, contexts, keys, lang))
            sys.stdout.flush()
            data = report.encode()
            while data:
                data = data[os.write(write_fd, data):]
        except BaseException:
            status = 70
        finally:
            os._exit(status)
    os.close(write_fd)
    chunks, timed_out = [], False
    deadline = time.monotonic() + timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_fd], [], [], remaining)
            if ready:
                chunk = os.read(read_fd, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_fd)
        _kill_group(pid)
        _, status = os.waitpid(pid, 0)
    capture.seek(0)
    output = capture.read(OUTPUT_LIMIT).decode("utf-8", "replace")
    capture.close()
    if timed_out:
        return Outcome("timeout", error=text(MESSAGES, "timeout", lang, seconds=timeout),
                       output=output)
    if not chunks:
        how = (f"exit code {os.WEXITSTATUS(status)}" if os.WIFEXITED(status)
               else f"signal {os.WTERMSIG(status)}")
        return Outcome("error", error=text(MESSAGES, "died", lang, how=how), output=output)
    try:
        data = json.loads(b"".join(chunks))
    except ValueError:
        data = None
    outcome = _trusted(data, len(contexts), keys, lang)
    outcome.output = output
    return outcome


def _kill_group(pid: int) -> None:
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except (ProcessLookupError, PermissionError, OSError):
            pass


def _run_in_process(path, function_name, contexts, keys, lang, timeout) -> Outcome:
    """No fork (Windows): same protocol in-process; a watchdog interrupts endless loops."""
    import _thread
    import threading

    finished, fired = threading.Event(), threading.Event()

    def watchdog():
        if not finished.wait(timeout):
            fired.set()
            _thread.interrupt_main()

    threading.Thread(target=watchdog, daemon=True).start()
    try:
        data = _child_main(path, function_name, contexts, keys, lang)
    except KeyboardInterrupt:
        data = None
    finally:
        finished.set()
    if fired.is_set():
        return Outcome("timeout", error=text(MESSAGES, "timeout", lang, seconds=timeout))
    return _trusted(json.loads(json.dumps(data)), len(contexts), keys, lang)

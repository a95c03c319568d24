"""Run a learner's ``stepN(net)`` on a list of contexts, away from the grader.

Two ways in, one child protocol:

* :func:`run_file` (``bpgrade check``): one forked child per step.
* :class:`Runner` (classroom grading): a clean, pre-loaded process that forks one child
  per student; that child runs the student's steps one request at a time and is replaced
  by a fresh one whenever a step kills it, times out, leaves processes behind or changes
  shared state, so one step's fault costs only that step.

A child gets resource limits, its own session (killed as a group afterwards), stdin from
/dev/null and capped stdout/stderr that are kept for the learner but never parsed. When the
grader runs as root the child drops to an unprivileged user. Importing ``grader`` or
``solutions`` from learner code is refused. Only plain JSON comes back; :func:`_trusted`
reads it strictly in the parent, and all comparing happens there.
"""

from __future__ import annotations

import builtins
import gc
import importlib.util
import json
import linecache
import operator
import os
import select
import signal
import struct
import sys
import time
import types
from .records import Record, factory
from pathlib import Path

from . import answers
from .context import Context, usage
from .i18n import text

DEFAULT_TIMEOUT = 5.0         # seconds for all trials of one step
OUTPUT_LIMIT = 16 * 1024      # bytes of captured output kept per step
REPLY_LIMIT = 4 << 20         # bytes a child may send back for one step
REFUSED_IMPORTS = ("grader", "solutions")
SANDBOX_USER = "nobody"
HIDDEN_ENVIRONMENT = ("BPGRADE_SECRET",)

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
    "refused_import": {
        "en": "import {name} is not allowed in an exercise: compute the answer from net "
              "(plus math or numpy)",
        "zh": "练习中不允许 import {name}：请用 net（以及 math 或 numpy）计算答案"},
    "encoding": {"en": "{file} is not valid UTF-8 (save it as UTF-8): {detail}",
                 "zh": "{file} 不是有效的 UTF-8 编码（请另存为 UTF-8）：{detail}"},
    "repeated": {"en": "  [the line above repeated {n} more times]",
                 "zh": "  [上面一行又重复了 {n} 次]"},
}


class Outcome(Record, eq=True):
    """What running the learner's function produced, as trusted plain data."""

    kind: str                     # answers | not_started | error | timeout
    answers: list = factory(list)   # per trial: {"values": ...} or {"invalid": ...}
    error: str = ""
    output: str = ""
    extras: dict = factory(dict)    # {"loss_calls": [n per trial]} (step18)


class Limits(Record, frozen=True, eq=True):
    """What a child may use. ``memory`` is address space added to what the child starts with."""

    memory: int = 2 << 30          # bytes
    file_size: int = 16 << 20      # bytes, any file the child writes
    open_files: int = 64
    processes: int = 64            # only applied when the child runs as its own user
    cpu: float | None = None       # seconds of CPU for the child's whole life; None: from timeout


# --- loading and running learner code (inside the child) ------------------------------------

class _Failure(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


def _learner_traceback(exc: BaseException, path: str, lang: str = "en") -> str:
    """The exception with only the frames from the learner's own file; repeats folded."""
    import traceback

    frames = [f for f in traceback.extract_tb(exc.__traceback__, limit=-200)
              if os.path.abspath(f.filename) == os.path.abspath(path)]
    lines, previous, repeats = [], None, 0
    for f in frames:
        line = (f'  File "{os.path.basename(path)}", line {f.lineno}, in {f.name}\n'
                f"    {(f.line or '').strip()}")
        if line == previous:
            repeats += 1
            continue
        if repeats:
            lines.append(text(MESSAGES, "repeated", lang, n=repeats))
        lines.append(line)
        previous, repeats = line, 0
    if repeats:
        lines.append(text(MESSAGES, "repeated", lang, n=repeats))
    summary = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return "\n".join(lines + [summary])


def _describe(exc: BaseException, path: str, lang: str) -> str:
    if isinstance(exc, SystemExit):
        return text(MESSAGES, "exit", lang, code=repr(exc.code))
    if isinstance(exc, (KeyboardInterrupt, GeneratorExit)) or not isinstance(exc, Exception):
        return text(MESSAGES, "interrupted", lang, name=type(exc).__name__)
    return _learner_traceback(exc, path, lang)


def load_source(source: bytes, path, function_name: str, lang: str = "en"):
    """The learner's function from the file's bytes; ``path`` names it in tracebacks."""
    path = str(path)
    name = f"bpgrade_learner_{Path(path).stem}"
    try:
        decoded = importlib.util.decode_source(source)     # UTF-8 or the declared coding
    except (UnicodeDecodeError, SyntaxError, LookupError) as exc:
        raise _Failure("error", text(MESSAGES, "encoding", lang, file=Path(path).name,
                                     detail=str(exc)[:200])) from None
    try:
        code = compile(decoded, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        raise _Failure("error", text(MESSAGES, "syntax", lang, file=Path(path).name,
                                     line=getattr(exc, "lineno", None),
                                     msg=getattr(exc, "msg", str(exc)),
                                     code=(getattr(exc, "text", "") or "").strip())) from None
    linecache.cache[path] = (len(source), None, decoded.splitlines(True), path)
    module = types.ModuleType(name)
    module.__file__ = path
    try:
        exec(code, module.__dict__)
    except BaseException as exc:      # the file itself ran code that failed or exited
        raise _Failure("error", _describe(exc, path, lang)) from None
    function = module.__dict__.get(function_name)
    if not callable(function):
        raise _Failure("error", text(MESSAGES, "missing_function", lang,
                                     file=Path(path).name, name=function_name))
    return function


def run_trials(function, contexts: list, keys, lang: str = "en", path: str = "") -> dict:
    """Call ``function`` on each context; plain data describing what happened.

    ``contexts`` holds ``(values, step_id, hidden)`` triples. Stops at the first trial
    that raises: NotImplementedError means the stub is untouched.
    """
    results, used = [], []
    for values, step_id, hidden in contexts:
        net = Context(values, step_id, hidden)
        try:
            answer = function(net)
        except NotImplementedError:
            return {"kind": "not_started"}
        except BaseException as exc:
            return {"kind": "error", "error": _describe(exc, path, lang)}
        results.append(answers.encode(answer, keys, lang))
        used.append(usage(net))
    report = {"kind": "answers", "answers": results}
    if any(used):
        report["extras"] = {"loss_calls": [u.get("loss_calls", 0) for u in used]}
    return report


def _child_main(path, function_name, contexts, keys, lang, source: bytes | None = None) -> dict:
    try:
        if source is None:
            source = Path(path).read_bytes()
        function = load_source(source, path, function_name, lang)
    except _Failure as failure:
        return {"kind": failure.kind, "error": failure.message}
    except OSError as exc:
        return {"kind": "error", "error": str(exc)}
    return run_trials(function, contexts, keys, lang, path=str(path))


def _trusted(data, n_trials: int, keys, lang: str) -> Outcome:
    """Read the child's report strictly; anything malformed is the step's error."""
    try:
        kind = data["kind"]
        if kind == "answers":
            if len(data["answers"]) != n_trials:
                raise ValueError("trial count")
            return Outcome("answers", [answers.decode(a, keys) for a in data["answers"]],
                           extras=_extras(data.get("extras"), n_trials))
        if kind == "not_started":
            return Outcome("not_started")
        if kind == "error" and isinstance(data.get("error"), str):
            return Outcome("error", error=data["error"][:4000])
    except (KeyError, TypeError, ValueError):
        pass
    return Outcome("error", error=text(MESSAGES, "unreadable", lang))


def _extras(data, n_trials: int) -> dict:
    """The optional counts beside the answers: only ``{"loss_calls": [int per trial]}``."""
    if data is None:
        return {}
    if not isinstance(data, dict) or set(data) != {"loss_calls"}:
        raise ValueError("extras")
    calls = data["loss_calls"]
    if not isinstance(calls, list) or len(calls) != n_trials \
            or any(type(n) is not int or not 0 <= n < 10 ** 9 for n in calls):
        raise ValueError("loss_calls")
    return {"loss_calls": list(calls)}


# --- hardening the child ---------------------------------------------------------------------

class _ImportGuard:
    """Refuses ``import grader`` / ``import solutions`` from learner code, with a message."""

    def __init__(self, lang: str):
        self.lang = lang
        self.active = True
        self._import = builtins.__import__

    def _refuse(self, name: str):
        if self.active and name.partition(".")[0] in REFUSED_IMPORTS:
            raise ImportError(text(MESSAGES, "refused_import", self.lang,
                                   name=name.partition(".")[0]), name=name)

    def __call__(self, name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0:
            self._refuse(name)
        return self._import(name, globals, locals, fromlist, level)

    def find_spec(self, name, path=None, target=None):      # the meta-path hook
        self._refuse(name)
        return None

    def install(self):
        builtins.__import__ = self
        sys.meta_path.insert(0, self)
        return self


class _CappedText:
    """A text stream writing at most ``limit`` bytes per step to ``fd``, dropping the rest."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, fd: int, limit: int = OUTPUT_LIMIT):
        self._fd, self._limit, self.left = fd, limit, limit

    def reset(self):
        self.left = self._limit

    def write(self, s) -> int:
        s = str(s)
        if self.left > 0:
            data = s.encode("utf-8", "replace")[:self.left]
            self.left -= len(data)
            try:
                while data:
                    data = data[os.write(self._fd, data):]
            except OSError:
                self.left = 0
        return len(s)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._fd

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False


def _set_limit(resource, which, value: int) -> None:
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    try:
        resource.setrlimit(which, (value, value))
    except (ValueError, OSError):
        pass


def _address_space() -> int:
    """Bytes of address space this process maps now (0 when unknown)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def apply_limits(limits: Limits, cpu_seconds: float, own_user: bool) -> None:
    try:
        import resource
    except ImportError:                                     # not POSIX
        return
    _set_limit(resource, resource.RLIMIT_CPU, max(1, int(cpu_seconds + 0.999)))
    _set_limit(resource, resource.RLIMIT_AS, _address_space() + limits.memory)
    _set_limit(resource, resource.RLIMIT_FSIZE, limits.file_size)
    _set_limit(resource, resource.RLIMIT_NOFILE, limits.open_files)
    _set_limit(resource, resource.RLIMIT_CORE, 0)
    if own_user:
        _set_limit(resource, resource.RLIMIT_NPROC, limits.processes)


def sandbox_user(name: str | None = SANDBOX_USER):
    """(uid, gid) a child drops to when the grader runs as root; None otherwise."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or name is None:
        return None
    try:
        import pwd

        entry = pwd.getpwnam(name)
        return entry.pw_uid, entry.pw_gid
    except (ImportError, KeyError):
        return 65534, 65534


def _drop_privileges(user) -> None:
    if user is None:
        return
    uid, gid = user
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if os.getuid() != uid or os.geteuid() != uid:          # never run learner code as root
        os._exit(71)


def _become_child(capture_fd: int, limits: Limits, cpu_seconds: float, user, lang: str,
                  keep_fds=()) -> _CappedText:
    """Everything a fresh child does before it touches learner code."""
    os.setsid()                                   # own session and process group
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # an oversized write fails, not kills
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(capture_fd, 1)
    os.dup2(capture_fd, 2)
    close_other_fds(keep_fds)
    for name in HIDDEN_ENVIRONMENT:
        os.environ.pop(name, None)
    apply_limits(limits, cpu_seconds, own_user=user is not None)
    if user is not None:
        _drop_privileges(user)
        try:
            os.chdir("/")               # not the grader's folder: it may hold the gradebook
        except OSError:
            pass
    stream = _CappedText(1)
    sys.stdin = open(0, closefd=False)
    sys.stdout = sys.stderr = stream
    sys.__stdout__ = sys.__stderr__ = stream
    _ImportGuard(lang).install()
    return stream


def _open_fds() -> list:
    try:
        return [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:
        try:
            return [int(fd) for fd in os.listdir("/dev/fd")]
        except OSError:
            return list(range(3, 256))


# --- framing: 4-byte length, then the payload ---------------------------------------------------

def _send(fd: int, payload: bytes) -> None:
    data = struct.pack(">I", len(payload)) + payload
    while data:
        data = data[os.write(fd, data):]


def _receive(fd: int, deadline: float | None = None, limit: int = REPLY_LIMIT):
    """(payload, None) or (None, why): why is "timeout", "eof" or "garbage"."""
    buffer, need, header = bytearray(), 4, True
    while True:
        while len(buffer) < need:
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None, "timeout"
                ready, _, _ = select.select([fd], [], [], remaining)
                if not ready:
                    continue
            try:
                chunk = os.read(fd, min(1 << 16, need - len(buffer)))
            except InterruptedError:
                continue
            if not chunk:
                return None, "eof"
            buffer += chunk
        if not header:
            return bytes(buffer), None
        (size,) = struct.unpack(">I", bytes(buffer))
        if size > limit:
            return None, "garbage"
        buffer, need, header = bytearray(), size, False
        if size == 0:
            return b"", None


# --- the single-learner path: one fork per step ------------------------------------------------

def run_file(path, function_name: str, contexts: list, keys, lang: str = "en",
             timeout: float = DEFAULT_TIMEOUT, limits: Limits | None = None) -> Outcome:
    """Load ``path`` and run ``function_name`` on every context, isolated where possible."""
    if not hasattr(os, "fork"):
        return _run_in_process(path, function_name, contexts, keys, lang, timeout)
    limits = limits or Limits()
    try:
        source = Path(path).read_bytes()
    except OSError as exc:
        return Outcome("error", error=str(exc))
    _reap_finished()
    capture = _capture_file()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:                                          # the child: never returns
        status = 0
        try:
            os.close(read_fd)
            _become_child(capture.fileno(), limits, timeout + 1, None, lang,
                          keep_fds=(write_fd,))
            report = json.dumps(_child_main(path, function_name, contexts, keys, lang, source))
            _send(write_fd, report.encode())
        except BaseException:
            status = 70
        finally:
            os._exit(status)
    os.close(write_fd)
    status, why = None, "interrupted"
    try:
        payload, why = _receive(read_fd, time.monotonic() + timeout)
    finally:
        os.close(read_fd)
        _kill_group(pid)
        if why is None:
            _UNREAPED.append(pid)     # its answer is in; reap it later instead of waiting now
        else:
            _, status = os.waitpid(pid, 0)
    capture.seek(0)
    output = capture.read(OUTPUT_LIMIT).decode("utf-8", "replace")
    capture.close()
    if why == "timeout":
        return Outcome("timeout", error=text(MESSAGES, "timeout", lang, seconds=timeout),
                       output=output)
    if why == "eof":
        return Outcome("error", error=text(MESSAGES, "died", lang, how=_how(status)),
                       output=output)
    outcome = _trusted(_json(payload), len(contexts), keys, lang)
    outcome.output = output
    return outcome


_UNREAPED = []    # children killed after their answer arrived, not yet waited for


def _reap_finished() -> None:
    for pid in list(_UNREAPED):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _UNREAPED.remove(pid)


def _capture_file():
    """A file for a child's printed output: in memory where the system offers it."""
    if hasattr(os, "memfd_create"):
        return os.fdopen(os.memfd_create("bpgrade-output"), "w+b")
    import tempfile

    return tempfile.TemporaryFile()


def _json(payload):
    try:
        return json.loads(payload) if payload is not None else None
    except (ValueError, RecursionError):
        return None


def _how(status: int) -> str:
    if os.WIFEXITED(status):
        return f"exit code {os.WEXITSTATUS(status)}"
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            return f"signal {number}, {signal.Signals(number).name}"
        except ValueError:
            return f"signal {number}"
    return f"status {status}"


def _kill_group(pid: int) -> None:
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except (ProcessLookupError, PermissionError, OSError):
            pass


def _run_in_process(path, function_name, contexts, keys, lang, timeout) -> Outcome:
    """No fork (Windows): same protocol in-process."""
    return run_here(lambda: _child_main(path, function_name, contexts, keys, lang),
                    len(contexts), keys, lang, timeout)


def run_function(function, contexts: list, keys, lang: str = "en",
                 timeout: float = DEFAULT_TIMEOUT) -> Outcome:
    """Run a function object (a notebook's) on every context, in this process."""
    path = getattr(getattr(function, "__code__", None), "co_filename", "")
    return run_here(lambda: run_trials(function, contexts, keys, lang, path=path),
                    len(contexts), keys, lang, timeout)


def run_here(work, n_trials: int, keys, lang: str, timeout: float) -> Outcome:
    """``work()`` in this process; a watchdog thread interrupts an endless Python loop."""
    import _thread
    import threading

    finished, fired = threading.Event(), threading.Event()

    def watchdog():
        if not finished.wait(timeout):
            fired.set()
            _thread.interrupt_main()

    threading.Thread(target=watchdog, daemon=True).start()
    try:
        data = work()
    except KeyboardInterrupt:
        if not fired.is_set():
            raise                    # a real Ctrl-C
        data = None
    finally:
        finished.set()
    if fired.is_set():
        return Outcome("timeout", error=text(MESSAGES, "timeout", lang, seconds=timeout))
    return _trusted(json.loads(json.dumps(data)), n_trials, keys, lang)


# --- the classroom path: a clean runner process, one child per student ---------------------

GUARDED_MODULES = ("builtins", "math", "cmath", "random", "operator", "functools", "json", "os",
                   "sys", "pickle", "numpy", "grader.sandbox", "grader.answers",
                   "grader.context", "grader.i18n")


PRELOAD = ("math", "cmath", "random", "statistics", "fractions", "decimal", "functools",
           "itertools", "operator", "collections", "copy", "json", "time", "threading",
           "numpy", "numpy.random", "numpy.linalg",
           # the grader's own, imported lazily elsewhere, needed inside unprivileged children
           "traceback", "glob", "pickle", "tempfile")


class _ChildState:
    """What learner code could leave changed for the next step; a change retires the child."""

    def __init__(self):
        self.modules = [(module.__dict__, list(module.__dict__.values())) for module in
                        (sys.modules.get(name) for name in GUARDED_MODULES) if module is not None]
        self.modules.append((Context.__dict__, list(Context.__dict__.values())))
        self.recursion = sys.getrecursionlimit()
        self.path, self.meta_path = list(sys.path), list(sys.meta_path)
        self.environ = dict(os.environ)
        self.fds = len(_open_fds())
        self.cwd = os.getcwd()
        self.errstate = self._errstate()

    @staticmethod
    def _errstate():
        numpy = sys.modules.get("numpy")
        return dict.copy(numpy.geterr()) if numpy is not None else None

    @staticmethod
    def _same_dict(now, before: list) -> bool:
        """Nothing rebound, added or removed (dicts keep order, so values line up)."""
        return len(now) == len(before) and all(map(operator.is_, now.values(), before))

    def unchanged(self) -> bool:
        try:
            threading = sys.modules.get("threading")       # preloaded; not imported here
            if (threading is not None and threading.active_count() != 1) \
                    or set(_children(os.getpid())) - set(_UNREAPED):
                return False
            if signal.alarm(0) or sys.gettrace() is not None or sys.getprofile() is not None:
                return False
            if sys.getrecursionlimit() != self.recursion or os.getcwd() != self.cwd:
                return False
            if list(sys.path) != self.path or list(sys.meta_path) != self.meta_path:
                return False
            if dict(os.environ) != self.environ or len(_open_fds()) != self.fds:
                return False
            if not all(self._same_dict(now, before) for now, before in self.modules):
                return False
            return self._errstate() == self.errstate
        except BaseException:
            return False


def _children(pid: int) -> set:
    """Process ids whose parent is ``pid``."""
    found = set()
    main_thread = f"/proc/{pid}/task/{pid}/children"
    import glob

    paths = [main_thread] if os.path.exists(main_thread) else glob.glob(f"/proc/{pid}/task/*/children")
    if paths:
        for path in paths:
            try:
                with open(path) as listing:
                    found.update(int(p) for p in listing.read().split())
            except (OSError, ValueError):
                pass
        return found
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for entry in entries:
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.add(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return found


def _become_subreaper() -> None:
    """Orphans of learner code are re-parented to this process, so it can find and kill them."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)             # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError, ImportError):
        pass


def _student_child(request_fd, reply_fd, capture_fd, limits, cpu_seconds, user, lang, folder):
    """A student's child: answers step requests one at a time until told to stop."""
    import pickle

    status = 0
    try:
        stream = _become_child(capture_fd, limits, cpu_seconds, user, lang,
                               keep_fds=(request_fd, reply_fd))
        guard, send, receive, loads, dumps = builtins.__import__, _send, _receive, \
            pickle.loads, json.dumps
        if folder:
            sys.path.append(folder)                # last: a learner's numpy.py shadows nothing
        state = _ChildState()
        while True:
            payload, why = receive(request_fd, None, 1 << 30)
            if why is not None:
                break
            guard.active = False                   # our own data may name our own modules
            requests = loads(payload)
            guard.active = True
            if not requests:
                break
            for request in requests:
                stream.reset()
                report = _child_main(request["path"], request["function"], request["contexts"],
                                     request["keys"], lang, request["source"])
                report["retire"] = not state.unchanged()
                try:
                    report["output_end"] = os.lseek(1, 0, os.SEEK_CUR)
                except OSError:
                    pass
                send(reply_fd, dumps(report).encode())
                if report["retire"]:
                    os._exit(0)
    except BaseException:
        status = 70
    os._exit(status)


def _reap(pid: int) -> int:
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return 0


def sweep(rounds: int = 200) -> None:
    """Kill every child of this process (left-overs of learner code) and their descendants."""
    me = os.getpid()
    for _ in range(rounds):
        kids = _children(me)
        if not kids:
            return
        for pid in kids:
            _kill_group(pid)
        for pid in kids:
            _reap(pid)


def preload() -> None:
    """Import what learner code may use, before any child drops to a user who cannot read
    the Python installation."""
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def close_other_fds(keep) -> None:
    """Close every descriptor but 0-2 and ``keep``: a forked helper must not hold another
    process's pipe ends open (that process would never see end-of-file)."""
    keep = {0, 1, 2, *keep}
    for fd in _open_fds():
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def serve(sock) -> None:
    """The runner process's loop: spawn a student's child on request, retire it on request.

    It holds no answers (it was forked before its job computed any), so a child forked from
    it holds nothing but what the job then sends it: one batch of contexts at a time.
    """
    import socket

    close_other_fds({sock.fileno()})
    _become_subreaper()
    preload()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.collect()
    gc.freeze()           # children's collections skip these objects: no copy-on-write storms
    while True:
        try:
            payload, fds, _, _ = socket.recv_fds(sock, 1 << 16, 4)
        except OSError:
            break
        if not payload:
            break
        message = json.loads(payload)
        if message["op"] == "spawn":
            request_r, reply_w, capture = fds
            pid = os.fork()
            if pid == 0:
                sock.close()
                _student_child(request_r, reply_w, capture, Limits(**message["limits"]),
                               message["cpu"], message["user"], message["lang"],
                               message["folder"])
            for fd in fds:
                os.close(fd)
            reply = {"pid": pid}
        elif message["op"] == "retire":
            pid = message["pid"]
            _kill_group(pid)
            status = _reap(pid)
            sweep()
            reply = {"status": status}
        else:
            break
        sock.sendall(json.dumps(reply).encode())
    sweep()


class RunnerClient:
    """A grading job's handle on its runner, and on the student child the runner forks.

    The runner is forked first, while the job holds no answers. Requests go straight from
    the job to the child and answers straight back (two hops per step); the runner is asked
    only to fork a child and to kill one, with every process it left behind.
    """

    def __init__(self, timeout: float, lang: str, limits: Limits | None = None, user=None):
        import socket

        self.timeout, self.lang = timeout, lang
        self.limits = limits or Limits()
        self.user = list(user) if user else None
        self._sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                self._sock.close()
                serve(theirs)
            except BaseException:
                status = 70
            os._exit(status)
        theirs.close()
        self.pid = pid
        self.child = None
        self.folder, self.cpu_seconds = None, timeout

    def _ask(self, message: dict, fds=()) -> dict:
        import socket

        socket.send_fds(self._sock, [json.dumps(message).encode()], list(fds))
        reply = self._sock.recv(1 << 16)
        if not reply:
            raise RuntimeError("the sandbox runner stopped")
        return json.loads(reply)

    def start_student(self, folder, n_steps: int) -> None:
        """Retire the last student's child and start this student's, which then sets itself
        up while the caller draws the student's problems."""
        self.end_student()
        self.folder = str(folder) if folder else None
        self.cpu_seconds = self.limits.cpu or self.timeout * max(1, n_steps) + 1
        self._spawn()

    def _spawn(self) -> None:
        request_r, self._to_child = os.pipe()
        self._from_child, reply_w = os.pipe()
        self._capture = _capture_file()
        try:
            limits = {name: getattr(self.limits, name) for name in Limits._fields}
            reply = self._ask({"op": "spawn", "folder": self.folder, "cpu": self.cpu_seconds,
                               "user": self.user, "lang": self.lang, "limits": limits},
                              (request_r, reply_w, self._capture.fileno()))
        finally:
            os.close(request_r)
            os.close(reply_w)
        self.child = reply["pid"]

    def _retire(self) -> int:
        """Kill the child (and whatever it left running); its wait status."""
        if self.child is None:
            return 0
        _kill_group(self.child)                    # at once; the runner reaps and sweeps
        status = self._ask({"op": "retire", "pid": self.child})["status"]
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self._capture.close()
        self.child = None
        return status

    def _output_from(self, start: int, end: int) -> str:
        """What the child printed between two offsets; pread leaves the shared offset alone."""
        try:
            data = os.pread(self._capture.fileno(), min(end - start, OUTPUT_LIMIT), start)
            return data.decode("utf-8", "replace")
        except OSError:
            return ""

    def _strays(self) -> bool:
        return bool(_children(self.pid) - {self.child}) or bool(_children(self.child))

    def run(self, path, function_name: str, contexts: list, keys, source: bytes) -> Outcome:
        """Run one step in the student's child (a fresh one if the last step spoiled it)."""
        return self.run_many([{"path": str(path), "function": function_name,
                               "contexts": contexts, "keys": keys, "source": source}])[0]

    def run_many(self, items: list) -> list:
        """Run several steps (dicts: path, function, contexts, keys, source) in one request.

        The caller sends together only steps none of whose answers is in any of their
        contexts. Each step has its own deadline and its own outcome; after a step that
        kills, hangs or spoils the child, the rest go to a fresh one.
        """
        import pickle

        outcomes, i = [], 0
        while i < len(items):
            payload = pickle.dumps(items[i:])
            for attempt in range(2):
                if self.child is None:
                    self._spawn()
                start = os.fstat(self._capture.fileno()).st_size
                try:
                    _send(self._to_child, payload)
                    break
                except OSError:                    # the child is gone: a fresh one, once
                    self._retire()
            else:
                return outcomes + [Outcome("error", error=text(MESSAGES, "died", self.lang,
                                                               how="no child"))
                                   for _ in items[i:]]
            while i < len(items):
                outcome, retire, start = self._answer(items[i], start)
                outcomes.append(outcome)
                i += 1
                if retire:
                    if self.child is not None:
                        self._retire()
                    break
        return outcomes

    def _answer(self, item: dict, start: int):
        """(Outcome, retire the child?, capture offset after it) for the next reply."""
        lang, n, keys = self.lang, len(item["contexts"]), item["keys"]
        payload, why = _receive(self._from_child, time.monotonic() + self.timeout)
        if why is not None:
            _kill_group(self.child)                # before reading what it printed
        size = os.fstat(self._capture.fileno()).st_size
        data = _json(payload) if why is None else None
        end = data.get("output_end") if isinstance(data, dict) else None
        if type(end) is not int or not start <= end <= size:
            end = size
        output = self._output_from(start, end)
        retire = True
        if why == "timeout":
            outcome = Outcome("timeout", error=text(MESSAGES, "timeout", lang,
                                                    seconds=self.timeout))
        elif why == "eof":
            status = self._retire()
            outcome = Outcome("error", error=text(MESSAGES, "died", lang, how=_how(status)))
        else:
            outcome = _trusted(data, n, keys, lang)
            retire = not (isinstance(data, dict) and data.get("retire") is False) \
                or self._strays()
        outcome.output = output
        return outcome, retire, end

    def end_student(self) -> None:
        self._retire()

    def close(self) -> None:
        try:
            self._retire()
        except (OSError, RuntimeError):
            pass
        self._sock.close()
        _reap(self.pid)

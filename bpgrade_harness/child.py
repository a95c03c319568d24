"""Inside the process that runs a learner's code: load ``stepN``, run it, contain it.

:func:`run_request` loads the file's bytes and calls the function on each context, turning
what it returns into plain numbers (:mod:`.answers`). :func:`harden` is what a fresh child
does before it touches learner code: its own session, capped output, no stdin, resource
limits and a refusal to import the grader.
"""

from __future__ import annotations

import builtins
import importlib.util
import linecache
import operator
import os
import signal
import sys
import time
import types
from pathlib import Path

from .messages import text

try:    # here, once, rather than in each forked child (about 0.5 ms a step)
    import resource
except ImportError:                                         # not POSIX
    resource = None

OUTPUT_LIMIT = 16 * 1024      # bytes of captured output kept per step
# A step's process computes with a few small arrays: one BLAS thread. numpy, loaded there
# under the memory limit, then reserves one thread's buffers, not one per processor.
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
REFUSED_IMPORTS = ("grader", "solutions")

MESSAGES = {
    "missing_function": {
        "en": "{file} has no function {name}(net); keep the name and the single parameter",
        "zh": "{file} 中没有函数 {name}(net)；请保留函数名和唯一的参数"},
    "syntax": {"en": "{file} does not parse (line {line}): {msg}\n    {code}",
               "zh": "{file} 有语法错误（第 {line} 行）：{msg}\n    {code}"},
    "exit": {"en": "the code called sys.exit({code}); return the answer instead",
             "zh": "代码调用了 sys.exit({code})；请用 return 返回答案"},
    "interrupted": {"en": "the code raised {name}", "zh": "代码抛出了 {name}"},
    "refused_import": {
        "en": "import {name} is not allowed in an exercise: compute the answer from net "
              "(plus math or numpy)",
        "zh": "练习中不允许 import {name}：请用 net（以及 math 或 numpy）计算答案"},
    "encoding": {"en": "{file} is not valid UTF-8 (save it as UTF-8): {detail}",
                 "zh": "{file} 不是有效的 UTF-8 编码（请另存为 UTF-8）：{detail}"},
    "repeated": {"en": "  [the line above repeated {n} more times]",
                 "zh": "  [上面一行又重复了 {n} 次]"},
    "unreadable": {"en": "cannot read {file}: {reason}", "zh": "无法读取 {file}：{reason}"},
}


class Failure(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


def unreadable(path, error: OSError, lang: str) -> str:
    """Why the learner's file could not be read (the system's own reason after the colon)."""
    return text(MESSAGES, "unreadable", lang, file=Path(path).name,
                reason=error.strerror or error)


def learner_traceback(exc: BaseException, path: str, lang: str = "en") -> str:
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


def describe(exc: BaseException, path: str, lang: str) -> str:
    if isinstance(exc, SystemExit):
        return text(MESSAGES, "exit", lang, code=repr(exc.code))
    if isinstance(exc, (KeyboardInterrupt, GeneratorExit)) or not isinstance(exc, Exception):
        return text(MESSAGES, "interrupted", lang, name=type(exc).__name__)
    return learner_traceback(exc, path, lang)


def load_source(source: bytes, path, function_name: str, lang: str = "en"):
    """The learner's function from the file's bytes; ``path`` names it in tracebacks."""
    path = str(path)
    name = f"bpgrade_learner_{Path(path).stem}"
    try:
        decoded = importlib.util.decode_source(source)     # UTF-8 or the declared coding
    except (UnicodeDecodeError, SyntaxError, LookupError) as exc:
        raise Failure("error", text(MESSAGES, "encoding", lang, file=Path(path).name,
                                    detail=str(exc)[:200])) from None
    try:
        code = compile(decoded, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        from . import typeset                     # the lesson's −, ×, ÷ pasted into code

        typeset_error = isinstance(exc, SyntaxError) and \
            typeset.in_syntax_error(exc, path, decoded, lang)
        raise Failure("error", typeset_error or text(
            MESSAGES, "syntax", lang, file=Path(path).name, line=getattr(exc, "lineno", None),
            msg=getattr(exc, "msg", str(exc)),
            code=(getattr(exc, "text", "") or "").strip())) from None
    if "\u00b7" in decoded:                          # every docstring's formula has a "·"
        from . import typeset

        typeset_error = typeset.in_names(code, path, decoded, lang)
        if typeset_error:
            raise Failure("error", typeset_error)
    linecache.cache[path] = (len(source), None, decoded.splitlines(True), path)
    module = types.ModuleType(name)
    module.__file__ = path
    try:
        exec(code, module.__dict__)
    except BaseException as exc:      # the file itself ran code that failed or exited
        raise Failure("error", describe(exc, path, lang)) from None
    function = module.__dict__.get(function_name)
    if not callable(function):
        raise Failure("error", text(MESSAGES, "missing_function", lang,
                                    file=Path(path).name, name=function_name))
    return function


def output_position():
    """Where the next byte printed lands in the captured output (fd 1 is the capture file
    in a step's process), or None."""
    try:
        return os.lseek(1, 0, os.SEEK_CUR)
    except OSError:
        return None


def run_trials(function, contexts: list, keys, lang: str = "en", path: str = "",
               loss=None, mark=None, timed: bool = False) -> dict:
    """Call ``function`` on each context; plain data describing what happened.

    ``contexts`` holds ``(values, step_id, hidden)`` triples; ``loss`` the parameter names
    ``net.loss`` takes where it is offered. Stops at the first trial that raises:
    NotImplementedError means the stub is untouched. ``mark()``, called before each trial,
    says where the output stands (:func:`output_position`): the report's ``output_marks``
    let the grader label what each trial printed, outside the printed text itself. ``timed``:
    the extras also hold each call's seconds (``bpgrade cost`` timing a learner's pass).
    """
    from . import answers                  # numpy: loaded by the runner before it forks
    from .net import Context, usage

    results, used, marks, seconds = [], [], [], []
    for trial, (values, step_id, hidden) in enumerate(contexts):
        net = Context(values, step_id, hidden, loss, lang)
        if mark is not None:
            marks.append(mark())
        try:
            began = time.perf_counter()
            answer = function(net)
            seconds.append(time.perf_counter() - began)
        except NotImplementedError:
            return {"kind": "not_started"}
        except BaseException as exc:
            return _marked({"kind": "error", "error": describe(exc, path, lang)}, marks)
        results.append(answers.encode(answer, answers.for_trial(keys, trial), lang))
        used.append(usage(net))
    report = _marked({"kind": "answers", "answers": results}, marks)
    if any(used):
        report["extras"] = {"loss_calls": [u.get("loss_calls", 0) for u in used]}
    if timed:
        report.setdefault("extras", {})["seconds"] = seconds
    return report


def _marked(report: dict, marks: list) -> dict:
    if marks and None not in marks:
        report["output_marks"] = marks
    return report


def step_request(function_name: str, contexts: list, keys, loss=None, timed: bool = False,
                 **where) -> dict:
    """What a child is sent for one step: ``contexts`` are ``(values, step_id, hidden)``
    triples sharing one step and one ``hidden``, so those go once; ``where`` is ``path=`` or
    ``file=`` (a name in the child's own folder)."""
    step_id, hidden = (contexts[0][1], contexts[0][2]) if contexts else ("", {})
    names = list(contexts[0][0]) if contexts else []
    return {**where, "function": function_name, "step": step_id, "hidden": hidden,
            "names": names, "rows": [[values[name] for name in names] for values, _, _ in contexts],
            "keys": keys, "loss": loss, "timed": timed}


def run_request(request: dict, lang: str, source: bytes | None = None, mark=None) -> dict:
    """One step (see :func:`step_request`); the file's bytes are ``source`` (read from
    ``request["path"]`` when None); ``mark`` as for :func:`run_trials`."""
    path = request["path"]
    try:
        if source is None:
            source = Path(path).read_bytes()
        function = load_source(source, path, request["function"], lang)
    except Failure as failure:
        return {"kind": failure.kind, "error": failure.message}
    except OSError as exc:
        return {"kind": "error", "error": unreadable(path, exc, lang)}
    names = request["names"]
    contexts = [(dict(zip(names, row)), request["step"], request["hidden"])
                for row in request["rows"]]
    return run_trials(function, contexts, request["keys"], lang, str(path), request["loss"],
                      mark, request.get("timed", False))


# --- hardening -------------------------------------------------------------------------------

class ImportGuard:
    """Refuses ``import grader`` / ``import solutions`` by name, with a message for the
    learner. Not the wall itself: in classroom grading neither exists in the sandbox."""

    def __init__(self, lang: str):
        self.lang = lang
        self._import = builtins.__import__

    def _refuse(self, name: str):
        if name.partition(".")[0] in REFUSED_IMPORTS:
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


class CappedText:
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


def apply_limits(limits: dict, cpu_seconds: float, own_user: bool) -> None:
    """``limits``: memory (bytes added to what the process maps now), file_size,
    open_files, processes (applied only under a user of its own)."""
    if resource is None:                                    # not POSIX
        return
    _set_limit(resource, resource.RLIMIT_CPU, max(1, int(cpu_seconds + 0.999)))
    _set_limit(resource, resource.RLIMIT_AS, _address_space() + limits["memory"])
    _set_limit(resource, resource.RLIMIT_FSIZE, limits["file_size"])
    _set_limit(resource, resource.RLIMIT_NOFILE, limits["open_files"])
    _set_limit(resource, resource.RLIMIT_CORE, 0)
    if own_user:
        _set_limit(resource, resource.RLIMIT_NPROC, limits["processes"])


def kill_group(pid: int) -> None:
    """SIGKILL to the process group ``pid`` leads (a child's own session), else to ``pid``."""
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except OSError:
            pass


def open_fds() -> list:
    try:
        return [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:
        try:
            return [int(fd) for fd in os.listdir("/dev/fd")]
        except OSError:
            return list(range(3, 256))


def close_other_fds(keep) -> None:
    """Close every descriptor but 0-2 and ``keep``: a forked helper must not hold another
    process's pipe ends open (that process would never see end-of-file)."""
    keep = {0, 1, 2, *keep}
    for fd in open_fds():
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def harden(capture_fd: int, keep_fds=()) -> CappedText:
    """Own session, stdin from /dev/null, output to ``capture_fd`` (capped), nothing else
    open. Limits and the user come after (see :mod:`.jail`)."""
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
    return CappedText(1)


def capture_streams(stream: CappedText, lang: str) -> None:
    """Python's own streams write to ``stream``; imports of the grader are refused."""
    sys.stdin = open(0, closefd=False)
    sys.stdout = sys.stderr = stream
    sys.__stdout__ = sys.__stderr__ = stream
    ImportGuard(lang).install()


# --- a child serving several steps ------------------------------------------------------------

# What the runner imports once for every child (the rest of the standard library loads on
# demand, read-only, in the sandbox): each module more makes every fork slower (numpy alone:
# 1.4 ms a fork and exit; with a dozen more of the standard library, 2.5 ms).
PRELOAD = ("math", "json", "numpy", "bpgrade_harness.net", "bpgrade_harness.answers")

GUARDED_MODULES = ("builtins", "math", "cmath", "random", "operator", "functools", "json", "os",
                   "sys", "numpy", "bpgrade_harness.child", "bpgrade_harness.answers",
                   "bpgrade_harness.net", "bpgrade_harness.messages", "bpgrade_harness.wire")


def preload() -> None:
    """Import what every step uses, once, before the runner forks students."""
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def children(pid: int) -> set:
    """Process ids whose parent is ``pid`` (Linux: /proc)."""
    found = set()
    try:
        paths = [f"/proc/{pid}/task/{task}/children" for task in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        return found
    for path in paths:
        try:
            with open(path) as listing:
                found.update(int(p) for p in listing.read().split())
        except (OSError, ValueError):
            pass
    return found


class ChildState:
    """What learner code could leave changed for the next step; a change retires the child."""

    def __init__(self):
        from .net import Context

        self.modules = [(module.__dict__, list(module.__dict__.values())) for module in
                        (sys.modules.get(name) for name in GUARDED_MODULES) if module is not None]
        self.modules.append((Context.__dict__, list(Context.__dict__.values())))
        self.recursion = sys.getrecursionlimit()
        self.path, self.meta_path = list(sys.path), list(sys.meta_path)
        self.environ = dict(os.environ)
        self.fds = len(open_fds())
        self.cwd = os.getcwd()
        self.errstate = self._errstate()
        self.children = children(os.getpid())
        self.tracing = self._tracing()

    @staticmethod
    def _errstate():
        numpy = sys.modules.get("numpy")
        return dict.copy(numpy.geterr()) if numpy is not None else None

    @staticmethod
    def _tracing() -> list:
        """The trace and profile functions, and the sys.monitoring tools (3.12+) in use.

        Compared with what the process had at the start rather than with none: a tracer it
        already had (coverage.py measuring the test suite) is not the learner's doing, while
        one the learner set, replaced or removed still retires the child."""
        monitoring = getattr(sys, "monitoring", None)
        tools = [monitoring.get_tool(i) for i in range(6)] if monitoring is not None else []
        return [sys.gettrace(), sys.getprofile(), *tools]

    @staticmethod
    def _same_dict(now, before: list) -> bool:
        """Nothing rebound, added or removed (dicts keep order, so values line up)."""
        return len(now) == len(before) and all(map(operator.is_, now.values(), before))

    def unchanged(self) -> bool:
        try:
            threading = sys.modules.get("threading")       # preloaded; not imported here
            if (threading is not None and threading.active_count() != 1) \
                    or children(os.getpid()) - self.children:
                return False
            tracing = self._tracing()          # compared by identity, like the modules
            if signal.alarm(0) or len(tracing) != len(self.tracing) \
                    or not all(map(operator.is_, tracing, self.tracing)):
                return False
            if sys.getrecursionlimit() != self.recursion or os.getcwd() != self.cwd:
                return False
            if list(sys.path) != self.path or list(sys.meta_path) != self.meta_path:
                return False
            if dict(os.environ) != self.environ or len(open_fds()) != self.fds:
                return False
            if not all(self._same_dict(now, before) for now, before in self.modules):
                return False
            return self._errstate() == self.errstate
        except BaseException:
            return False

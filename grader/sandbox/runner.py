"""The grading job's side of classroom isolation: start the harness runner, feed it students.

The runner (:mod:`bpgrade_harness.runner`) is a new interpreter started with exec and a
minimal environment, so it never held the job's memory: no secret, no reference value, no
other student. It forks one child per student; the job sends that child the student's files
and then one batch of contexts at a time, straight down a pipe, each write and read with a
deadline. Requests go down as pickles (the child trusts the job; pickle is the fastest way to
move thousands of floats), replies come back as JSON only, read strictly. A step that kills,
hangs or spoils its child costs only that step: the rest go to a fresh child in a fresh
sandbox.
"""

from __future__ import annotations

import collections
import json
import os
import pickle
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import bpgrade_harness
from bpgrade_harness import child as harness_child, wire

from ..i18n import text
from .memory import StudentMemory, remove_run
from .outcome import (MESSAGES, Limits, Outcome, capture_file, how, parse, trusted,
                      with_output)

START_DEADLINE = 60.0          # seconds for a runner to import numpy and build its root
CONTROL_DEADLINE = 30.0        # seconds for the runner to fork or retire a child
FILES_LIMIT = 4 << 20          # bytes of a student's folder copied into the sandbox
FILES_COUNT = 200
FILES_DEPTH = 4
# The environment a runner starts with; OpenBLAS' own settings pass through (some
# processors need OPENBLAS_CORETYPE), one BLAS thread keeps a child single-threaded.
RUNNER_ENVIRONMENT = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **harness_child.ONE_THREAD}
PASSED_THROUGH = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
BOOT = "import sys; sys.path[:0] = sys.argv[4:]; from bpgrade_harness import runner; runner.main()"


class RunnerError(RuntimeError):
    """The runner could not start or set up its sandbox (the message says why)."""


def student_files(folder: Path) -> dict:
    """The student's regular files (relative path -> bytes), links never followed, within
    the size, count and depth limits; what is past them is not copied."""
    found, total = {}, 0
    folder = Path(folder)
    stack = [(folder, 0)]
    while stack:
        current, depth = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            if entry.is_dir(follow_symlinks=False):
                if depth + 1 < FILES_DEPTH:
                    stack.append((Path(entry.path), depth + 1))
                continue
            if not entry.is_file(follow_symlinks=False) or len(found) >= FILES_COUNT:
                continue
            data = _read_regular(Path(entry.path), FILES_LIMIT - total)
            if data is not None:
                found[Path(entry.path).relative_to(folder).as_posix()] = data
                total += len(data)
    return found


def _read_regular(path: Path, room: int):
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > room:
            return None
        data = handle.read(info.st_size + 1)          # one more: a file still growing
    return data if len(data) <= min(room, info.st_size) else None


class RunnerClient:
    """A grading job's handle on its runner, and on the student child the runner forks.

    ``mode``: "namespaces" (each student in namespaces of their own) or "process" (a fresh
    process under its own uid; for disposable containers). ``user``: (uid, gid) the
    student's code runs as, or None to keep the runner's (see :mod:`.isolation`).
    """

    def __init__(self, timeout: float, lang: str, limits: Limits | None = None, user=None,
                 mode: str = "namespaces", quota: bool = False, run_pid: int | None = None):
        """``quota``: each student's processes share one memory cgroup, in the folder of
        the grading run ``run_pid`` (default: this process; see :mod:`.memory`)."""
        self.timeout, self.lang, self.mode = timeout, lang, mode
        self.limits = limits or Limits()
        self._run_pid = run_pid or os.getpid()
        self.quota = StudentMemory(self.limits.memory, self._run_pid) if quota else None
        self.user = list(user) if user else None
        self.child, self.files, self._capture = None, {}, None
        self._pending, self.last_status = collections.deque(), 0
        self.spawned = 0                          # children started so far
        self.cpu_seconds = timeout
        # The one channel not framed by bpgrade_harness.wire, on purpose: its messages carry
        # descriptors (a child's pipes), which need a socket, and SOCK_SEQPACKET delivers each
        # message whole with its descriptors; the socket's timeout is its deadline. Every step's
        # request and reply (here, and in bpgrade check) goes through wire's frames.
        self._sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        environment = dict(RUNNER_ENVIRONMENT)
        environment.update({k: os.environ[k] for k in PASSED_THROUGH if k in os.environ})
        paths = [str(Path(bpgrade_harness.__file__).resolve().parents[1]),
                 str(Path(_numpy_file()).resolve().parents[1])]
        cgroup = self._cgroup()
        passed = (theirs.fileno(),) if cgroup is None else (theirs.fileno(), cgroup)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-I", "-S", "-B", "-c", BOOT, mode, str(theirs.fileno()),
                 "-" if cgroup is None else str(cgroup), *dict.fromkeys(paths)],
                pass_fds=passed, env=environment, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, cwd="/")
        finally:
            theirs.close()
            if cgroup is not None:
                os.close(cgroup)
        self.pid = self.process.pid
        self._sock.settimeout(START_DEADLINE)
        try:
            hello = json.loads(self._sock.recv(1 << 16) or b"null")
        except (OSError, ValueError):
            hello = None
        self._sock.settimeout(CONTROL_DEADLINE)
        if not isinstance(hello, dict) or "error" in hello:
            reason = hello.get("error") if isinstance(hello, dict) else "no answer"
            self.close()
            raise RunnerError(str(reason))

    def _cgroup(self):
        """An open ``cgroup.procs`` the runner joins as it starts (see :mod:`.memory`), or
        None: no quota asked, or none to be had (each process keeps its own limit)."""
        if self.quota is None:
            return None
        try:
            return self.quota.enter()
        except OSError:
            return None

    # --- the runner ------------------------------------------------------------------------

    def _post(self, message: dict, fds=()) -> None:
        """Ask the runner; its reply is read later, in order (:meth:`_settle`), so the job
        draws the next student's problems while the runner forks and sweeps."""
        try:
            socket.send_fds(self._sock, [json.dumps(message).encode()], list(fds))
        except OSError as exc:
            raise RunnerError(f"the sandbox runner stopped answering: {exc}") from None
        self._pending.append(message["op"])

    def _settle(self) -> None:
        """Read every reply still owed: a spawn's gives the child, a retire's its status."""
        while self._pending:
            op = self._pending.popleft()
            try:
                reply = json.loads(self._sock.recv(1 << 16) or b"null")
            except (OSError, ValueError) as exc:
                raise RunnerError(f"the sandbox runner stopped answering: {exc}") from None
            if not isinstance(reply, dict):
                raise RunnerError("the sandbox runner stopped")
            if op == "spawn":
                self.child = reply["pid"]
            else:
                self.last_status = reply["status"]

    def start_student(self, folder, n_steps: int) -> None:
        """Retire the last student's child and start this student's with their files."""
        self.end_student()
        self.files = student_files(folder) if folder else {}
        self.cpu_seconds = self.limits.cpu or self.timeout * max(1, n_steps) + 1
        self._spawn()

    def _spawn(self) -> None:
        request_r, self._to_child = os.pipe()
        self._from_child, reply_w = os.pipe()
        self._close_capture()
        self._capture = capture_file()
        uid, gid = self.user or (None, None)
        fds = [request_r, reply_w, self._capture.fileno()]
        try:
            self._post({"op": "spawn", "mode": self.mode, "cpu": self.cpu_seconds,
                        "uid": uid, "gid": gid, "lang": self.lang,
                        "limits": self.limits.as_dict()}, fds)
        finally:
            for fd in fds[:2]:
                os.close(fd)
        self.child = "spawning"                   # its pid is in the reply, read when needed
        self.spawned += 1
        try:                            # a child that died setting up shows at the first step
            wire.send(self._to_child, pickle.dumps({"files": self.files}),
                      time.monotonic() + self.timeout + 5)
        except OSError:
            pass

    def fresh_child(self) -> None:
        """Replace the student's child with a new one, in a new sandbox."""
        self._retire(wait=False)
        self._spawn()

    def _retire(self, wait: bool = True) -> int:
        """Kill the child (and whatever it left running); its wait status (0 unless ``wait``:
        the runner's reply is then read with the next one)."""
        if self.child is None:
            return 0
        try:
            self._settle()
            uid = self.user[0] if self.user and self.mode != "namespaces" else None
            self._post({"op": "retire", "pid": self.child, "uid": uid, "wait": wait})
            if wait:
                self._settle()
        finally:
            for fd in (self._to_child, self._from_child):
                try:
                    os.close(fd)
                except OSError:
                    pass
            self.child = None             # its output stays readable until the next child
        return self.last_status if wait else 0

    def _output_from(self, start: int, end: int) -> bytes:
        """What the child printed between two offsets; pread leaves the shared offset alone."""
        try:
            return os.pread(self._capture.fileno(), min(end - start, harness_child.OUTPUT_LIMIT),
                            start)
        except OSError:
            return b""

    def _strays(self) -> bool:
        """Processes the step left behind that the child itself could not see. Under
        namespaces there are none to look for: they end with the student's namespace (and
        the child's pid is the runner's, in a PID namespace of its own)."""
        if self.mode == "namespaces":
            return False
        self._settle()
        return bool(harness_child.children(self.pid) - {self.child}
                    | harness_child.children(self.child))

    # --- steps -------------------------------------------------------------------------------

    def run_many(self, items: list) -> list:
        """Run several steps (``bpgrade_harness.child.step_request`` dicts) in one request.

        The caller sends together only steps none of whose answers is in any of their
        contexts. Each step has its own deadline and its own outcome; after a step that
        kills, hangs or spoils the child, the rest go to a fresh one.
        """
        outcomes, i = [], 0
        while i < len(items):
            payload = pickle.dumps(items[i:], protocol=pickle.HIGHEST_PROTOCOL)
            for attempt in range(2):
                if self.child is None:
                    self._spawn()
                start = os.fstat(self._capture.fileno()).st_size
                if wire.send(self._to_child, payload, time.monotonic() + self.timeout):
                    break
                self._retire()                     # it stopped reading: a fresh one, once
            else:
                never = text(MESSAGES, "how_not_started", self.lang)
                return outcomes + [Outcome("error", error=text(MESSAGES, "died", self.lang,
                                                               how=never))
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
        lang, n, keys = self.lang, len(item["rows"]), item["keys"]
        payload, why = wire.receive(self._from_child, time.monotonic() + self.timeout)
        status = self._retire() if why is not None else 0   # before reading what it printed
        size = os.fstat(self._capture.fileno()).st_size
        data = parse(payload) if why is None else None
        end = data.get("output_end") if isinstance(data, dict) else None
        if type(end) is not int or not start <= end <= size:
            end = size
        output = self._output_from(start, end)
        retire = True
        if why == "timeout":
            outcome = Outcome("timeout", error=text(MESSAGES, "timeout", lang,
                                                    seconds=self.timeout))
        elif why in ("eof", "garbage"):
            outcome = Outcome("error", error=text(MESSAGES, "died", lang, how=how(status, lang)))
        else:
            outcome = trusted(data, n, keys, lang)
            retire = not (isinstance(data, dict) and data.get("retire") is False) \
                or self._strays()
        return with_output(outcome, output, start), retire, end

    def _close_capture(self) -> None:
        if self._capture is not None:
            self._capture.close()
            self._capture = None

    def end_student(self) -> None:
        self._retire(wait=False)
        self.files = {}

    def close(self) -> None:
        try:
            self._retire()
            self._settle()
        except (OSError, RunnerError):
            pass
        self._close_capture()
        self._sock.close()
        if self.quota is not None:
            self.quota.close()
            if self._run_pid == os.getpid():           # the run is this process's own
                remove_run(self._run_pid)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        except AttributeError:
            pass


def _numpy_file() -> str:
    """numpy's ``__init__.py`` without importing numpy here."""
    import importlib.util

    return importlib.util.find_spec("numpy").origin

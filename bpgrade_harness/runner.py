"""The runner: a fresh interpreter (started with exec, minimal environment) that forks one
sandboxed child per student and never holds a secret, a reference value or a path of the class.

    python -I -S -B -c "...; bpgrade_harness.runner.main()" MODE CONTROL_FD CGROUP_FD PATH...

MODE is ``namespaces`` (the kernel isolates each student: :mod:`.jail`) or ``process`` (a
fresh process under a uid of its own, for disposable containers). On its control socket
(the descriptor CONTROL_FD) the grading job asks it to ``spawn`` a student's child (handing
it the child's pipes and output file) and to ``retire`` one (the child and
everything it left running are killed). The job then talks to the child directly: first the
student's files, then step requests (pickles from the job, which the child trusts); only
JSON numbers come back.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import signal
import socket
import sys
import tempfile

from . import child, jail, wire

FILES_DEADLINE = 30.0           # seconds for the job to send a student's files


def _reap(pid: int) -> int:
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return 0


def sweep(rounds: int = 50) -> None:
    """Kill every child of this process (left-overs of learner code) and their descendants.
    Under namespaces there are none: a student's namespace dies with its first process."""
    me = os.getpid()
    for _ in range(rounds):
        kids = child.children(me)
        if not kids:
            break
        for pid in kids:
            child.kill_group(pid)
        for pid in kids:
            _reap(pid)
    while True:                                   # reap what died on its own
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                break
        except ChildProcessError:
            break


def _files(request_fd: int) -> dict:
    import time

    payload, why = wire.receive(request_fd, time.monotonic() + FILES_DEADLINE, 64 << 20)
    if why is not None:
        os._exit(0)
    return pickle.loads(payload)["files"]


def student(spec: dict, request_fd: int, reply_fd: int, capture_fd: int, folder: str) -> None:
    """A student's child: set up, then answer step requests until told to stop."""
    status = 0
    try:
        jail.die_with_parent()
        jail.oom_first()
        stream = child.harden(capture_fd, keep_fds=(request_fd, reply_fd))
        files = _files(request_fd)
        uid, gid = spec.get("uid"), spec.get("gid")
        if spec["mode"] == "namespaces":
            jail.enter(files, uid, gid)
            folder = jail.SUBMISSION
        else:
            jail.write_submission(files, folder)
            if uid is not None:
                jail.become_user(uid, gid)
        del files
        own_user = uid is not None or spec["mode"] == "namespaces"   # counted per namespace
        child.apply_limits(spec["limits"], spec["cpu"], own_user=own_user)
        os.chdir(folder)
        harness_home = os.path.dirname(os.path.dirname(os.path.abspath(child.__file__)))
        sys.path[:] = [p for p in sys.path if p != harness_home]   # where grader may sit too
        sys.path.append(folder)                 # last: a learner's numpy.py shadows nothing
        child.capture_streams(stream, spec["lang"])
        _serve_steps(request_fd, reply_fd, stream, spec["lang"], folder)
    except BaseException:
        status = 70
    os._exit(status)


def _serve_steps(request_fd, reply_fd, stream, lang, folder) -> None:
    receive, send, loads, dumps, join = wire.receive, wire.send, pickle.loads, json.dumps, \
        os.path.join
    state = child.ChildState()
    while True:
        payload, why = receive(request_fd, None, 1 << 26)
        if why is not None:
            return
        requests = loads(payload)
        if not requests:
            return
        for request in requests:
            stream.reset()
            request["path"] = join(folder, request["file"])
            report = child.run_request(request, lang, mark=child.output_position)
            report["retire"] = not state.unchanged()
            try:
                report["output_end"] = os.lseek(1, 0, os.SEEK_CUR)
            except OSError:
                pass
            send(reply_fd, dumps(report).encode())
            if report["retire"]:
                return


def spawn(spec: dict, fds: list, folders: dict) -> int:
    """Fork a student's child; under namespaces, its first process is the namespace's init."""
    request_r, reply_w, capture = fds
    folder = ""
    if spec["mode"] != "namespaces":
        folder = tempfile.mkdtemp(prefix="bpgrade-student-")
        os.chmod(folder, 0o755)
    namespaces, pid = spec["mode"] == "namespaces", -1
    if namespaces:
        jail.new_pid_namespace()               # for the next fork only
    try:
        pid = os.fork()                        # under namespaces: pid 1 of the student's own
    finally:
        if namespaces and pid != 0:
            jail.own_pid_namespace()
    if pid == 0:
        try:
            os.close(int(sys.argv[2]))
            jail.die_with_parent()
            if namespaces:
                jail.unshare_student()
            student(spec, request_r, reply_w, capture, folder)
        except BaseException:
            pass
        os._exit(70)
    for fd in fds:
        os.close(fd)
    if folder:
        folders[pid] = folder
    return pid


def kill_user(uid: int) -> None:
    """Kill every process running as ``uid`` (a student's, outside namespaces): a helper
    takes the uid and signals all it may signal, which is exactly those."""
    for _ in range(3):
        pid = os.fork()
        if pid == 0:
            try:
                os.setresgid(uid, uid, uid)
                os.setresuid(uid, uid, uid)
                os.kill(-1, signal.SIGKILL)
            except BaseException:
                pass
            os._exit(0)
        _reap(pid)


_DYING = set()          # namespaces' first processes killed, not yet reaped


def _reap_dying() -> None:
    for pid in list(_DYING):
        try:
            done = os.waitpid(pid, os.WNOHANG)[0]
        except ChildProcessError:
            done = pid
        if done:
            _DYING.discard(pid)


def retire(pid: int, folders: dict, uid=None, wait: bool = True) -> int:
    """Kill a student's child and what it left running; its wait status. A namespace's
    first process takes the rest with it as the kernel tears the namespace down, which
    need not hold up the next student: without ``wait`` it is reaped later."""
    child.kill_group(pid)
    if not wait and pid not in folders and uid is None:
        _DYING.add(pid)
        return 0
    status = _reap(pid)
    if uid is not None:
        kill_user(uid)
    sweep()
    folder = folders.pop(pid, None)
    if folder:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return status


def main() -> None:
    mode, control_fd, cgroup = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    control = socket.socket(fileno=control_fd)
    jail.die_with_parent()
    if cgroup != "-":                  # the students' memory quota: they are forked inside it
        os.write(int(cgroup), b"0")
        os.close(int(cgroup))
        jail.oom_last()
    jail.become_subreaper()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    child.preload()
    hello = {"mode": mode, "pid": os.getpid()}
    if mode == "namespaces":
        try:
            hello.update(jail.build_root())
        except OSError as exc:
            hello["error"] = str(exc)
    control.sendall(json.dumps(hello).encode())
    if "error" in hello:
        return
    gc.collect()
    gc.freeze()           # children's collections skip these objects: no copy-on-write storms
    folders = {}
    while True:
        try:
            payload, fds, _, _ = socket.recv_fds(control, 1 << 16, 4)
        except OSError:
            break
        if not payload:
            break
        message = json.loads(payload)
        if message["op"] == "spawn" and len(fds) == 3:
            reply = {"pid": spawn(message, fds, folders)}
        elif message["op"] == "retire":
            reply = {"status": retire(message["pid"], folders, message.get("uid"),
                                      message.get("wait", True))}
        else:
            break
        control.sendall(json.dumps(reply).encode())
        _reap_dying()
    for pid in list(folders):
        retire(pid, folders)
    for pid in list(_DYING):
        _reap(pid)
    sweep()


if __name__ == "__main__":
    main()

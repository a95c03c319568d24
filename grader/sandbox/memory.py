"""A memory quota for a student as a whole: a cgroup per student (Linux, as root).

``RLIMIT_AS`` bounds each process; a student who forks gets it once per process. A cgroup
holds the student's sandbox and every process it starts to ``--memory`` together (swap
included where the kernel accounts it). A grading run owns one folder,
``bpgrade-<pid of the grading process>``, next to the hierarchy's root (cgroup v2, or v1's
memory hierarchy); each job makes a cgroup in it for its runner, which joins it as it
starts, so every student sandbox it forks is inside. The grading process removes the run's
folder at the end, and any folder a killed run left behind when it next grades.
"""

from __future__ import annotations

import itertools
import os
import time

CGROUP_ROOT = "/sys/fs/cgroup"
V1_MEMORY = CGROUP_ROOT + "/memory"
SLACK = 64 << 20        # bytes over --memory: the runner's own pages (numpy, the harness)
PREFIX = "bpgrade-"


def hierarchy():
    """(root folder, limit file names) of the memory controller we may use, or None."""
    if os.geteuid() != 0:
        return None
    if os.path.isfile(V1_MEMORY + "/memory.limit_in_bytes"):
        return V1_MEMORY, ("memory.limit_in_bytes", "memory.memsw.limit_in_bytes")
    try:
        with open(CGROUP_ROOT + "/cgroup.controllers") as controllers:
            if "memory" not in controllers.read().split():
                return None
        _enable(CGROUP_ROOT)
    except OSError:
        return None
    return CGROUP_ROOT, ("memory.max", "memory.swap.max")


def _enable(folder: str) -> None:
    """cgroup v2: let ``folder``'s children limit memory."""
    with open(folder + "/cgroup.subtree_control") as control:
        if "memory" in control.read().split():
            return
    with open(folder + "/cgroup.subtree_control", "w") as control:
        control.write("+memory")


def run_folder(run_pid: int) -> str | None:
    found = hierarchy()
    return f"{found[0]}/{PREFIX}{run_pid}" if found else None


def available() -> bool:
    """Can this process make a student's cgroup (tried, then removed)?"""
    quota = StudentMemory(1 << 20, os.getpid())
    try:
        os.close(quota.enter())
    except OSError:
        return False
    finally:
        quota.close()
        remove_run(os.getpid())
    return True


def remove_run(run_pid: int, wait: float = 2.0) -> None:
    """Remove a run's folder and its students' cgroups, once their processes are gone."""
    folder = run_folder(run_pid)
    if folder and os.path.isdir(folder):
        _remove([os.path.join(folder, name) for name in _children(folder)] + [folder], wait)


def remove_stale() -> None:
    """Remove what grading runs that were killed left behind (their process is gone)."""
    found = hierarchy()
    if not found:
        return
    for name in _children(found[0]):
        pid = name[len(PREFIX):]
        if name.startswith(PREFIX) and pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
            remove_run(int(pid), wait=0.0)


def _children(folder: str) -> list:
    try:
        return [entry.name for entry in os.scandir(folder) if entry.is_dir()]
    except OSError:
        return []


def _remove(paths: list, wait: float) -> list:
    """rmdir each (children first), retrying for ``wait`` seconds; those left."""
    deadline = time.monotonic() + wait
    while True:
        for path in list(paths):
            try:
                os.rmdir(path)
                paths.remove(path)
            except FileNotFoundError:
                paths.remove(path)
            except OSError:
                pass
        if not paths or time.monotonic() >= deadline:
            return paths
        time.sleep(0.01)


class StudentMemory:
    """The memory cgroup of one grading job's runner, which gives each student's sandbox
    its memory: the runner joins it once, as it starts (moving a process between cgroups
    costs the kernel some 10 ms; a process forked inside one costs nothing), and grades
    one student at a time, so the student's processes together have ``limit`` (plus what
    the runner itself holds, about 30 MB, within :data:`SLACK`)."""

    _serial = itertools.count()

    def __init__(self, limit: int, run_pid: int):
        self.limit = limit + SLACK
        self.found = hierarchy()
        self.folder = run_folder(run_pid)
        self.path = None

    def enter(self) -> int:
        """Make the cgroup; an open ``cgroup.procs`` that the runner writes 0 to (itself)
        to join. OSError where no cgroup can be made."""
        if self.found is None:
            raise OSError("no memory cgroup hierarchy to use")
        os.makedirs(self.folder, mode=0o700, exist_ok=True)
        if self.found[1][0] == "memory.max":
            _enable(self.folder)
        files = self.found[1]
        self.path = f"{self.folder}/{os.getpid()}-{next(self._serial)}"
        os.mkdir(self.path, 0o700)
        with open(f"{self.path}/{files[0]}", "w") as limit:
            limit.write(str(self.limit))
        try:
            with open(f"{self.path}/{files[1]}", "w") as swap:  # memory and swap together
                swap.write(str(self.limit) if files[1].startswith("memory.memsw") else "0")
        except OSError:
            pass                                    # the kernel does not account swap
        return os.open(f"{self.path}/cgroup.procs", os.O_WRONLY)

    def close(self) -> None:
        if self.path is not None:
            _remove([self.path], 2.0)

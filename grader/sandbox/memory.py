"""A memory quota for a student as a whole: a cgroup per student (Linux, as root).

``RLIMIT_AS`` bounds each process; a student who forks gets it once per process. A cgroup
holds the student's sandbox and every process it starts to ``--memory`` together (swap
included where the kernel accounts it). The grading job makes one per student, next to the
hierarchy's root (cgroup v2, or v1's memory hierarchy), hands the sandbox an open
``cgroup.procs`` to join before it drops privileges, and removes it when the student is done.
"""

from __future__ import annotations

import itertools
import os
import time

CGROUP_ROOT = "/sys/fs/cgroup"
V1_MEMORY = CGROUP_ROOT + "/memory"
SLACK = 64 << 20        # bytes over --memory: the interpreter's own pages, first touched there


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
        with open(CGROUP_ROOT + "/cgroup.subtree_control") as control:
            enabled = "memory" in control.read().split()
        if not enabled:
            with open(CGROUP_ROOT + "/cgroup.subtree_control", "w") as control:
                control.write("+memory")
    except OSError:
        return None
    return CGROUP_ROOT, ("memory.max", "memory.swap.max")


def available() -> bool:
    quota = StudentMemory(1 << 20)
    try:
        fd = quota.enter()
    except OSError:
        return False
    os.close(fd)
    quota.close()
    return True


class StudentMemory:
    """The cgroups of one grading job's students, one at a time."""

    _serial = itertools.count()

    def __init__(self, limit: int):
        self.limit = limit + SLACK
        self.found = hierarchy()
        self._stale = []

    def enter(self) -> int:
        """A new student's cgroup; an open ``cgroup.procs`` that the student's first process
        writes 0 to (itself) to join. OSError where no cgroup can be made."""
        if self.found is None:
            raise OSError("no memory cgroup hierarchy to use")
        self.sweep()
        root, files = self.found
        path = f"{root}/bpgrade-{os.getpid()}-{next(self._serial)}"
        os.mkdir(path, 0o700)
        try:
            with open(f"{path}/{files[0]}", "w") as limit:
                limit.write(str(self.limit))
            try:
                with open(f"{path}/{files[1]}", "w") as swap:   # memory and swap together
                    swap.write(str(self.limit) if files[1].startswith("memory.memsw") else "0")
            except OSError:
                pass                                # the kernel does not account swap
            fd = os.open(f"{path}/cgroup.procs", os.O_WRONLY)
        except OSError:
            self._stale.append(path)
            self.sweep()
            raise
        self._stale.append(path)
        return fd

    def sweep(self, wait: float = 0.0) -> None:
        """Remove the cgroups whose processes are gone (within ``wait`` seconds)."""
        deadline = time.monotonic() + wait
        while True:
            for path in list(self._stale):
                try:
                    os.rmdir(path)
                    self._stale.remove(path)
                except FileNotFoundError:
                    self._stale.remove(path)
                except OSError:
                    pass
            if not self._stale or time.monotonic() >= deadline:
                return
            time.sleep(0.01)

    def close(self) -> None:
        self.sweep(wait=2.0)

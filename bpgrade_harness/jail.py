"""A sandbox per student, enforced by the Linux kernel (through libc, no helper binaries).

The runner calls :func:`build_root` once: in mount and PID namespaces of its own (and,
without root, a user namespace) it makes a read-only root holding only what learner code may
use — system libraries, Python's standard library, numpy and this harness — and moves into
it. The grader, the solutions, the course secret, the class's folders and site-packages are
not in it. For each student it forks the first process of a new PID namespace
(:func:`new_pid_namespace`), which takes new mount, network, IPC and host-name namespaces
(:func:`unshare_student`) and calls :func:`enter`: its own ``/proc``, private size-limited
``/tmp`` and ``/dev/shm``, the submission copied into a read-only ``/submission``, then a uid
of its own inside a user namespace of its own, with no capabilities. When that process ends,
the kernel ends every process left in its namespace; its mounts go with it.
"""

from __future__ import annotations

import ctypes
import os
import platform

from .messages import text

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 1, 4, 36, 38
PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "i686": 217, "armv7l": 218,
              "ppc64le": 203, "s390x": 217}
STUDENT_NAMESPACES = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS   # and PID
SUBMISSION = "/submission"
SCRATCH = {"/tmp": "size=32m,mode=1777", "/dev/shm": "size=16m,mode=1777"}
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
SYSTEM_LIBRARIES = ("/lib", "/lib64", "/lib32", "/usr/lib", "/usr/lib64", "/usr/lib32")
INNER_UID = 1000            # the student's uid inside a user namespace of its own

MESSAGES = {      # why a sandbox cannot be built here (grading says so and refuses)
    "no_mountpoint": {"en": "no folder to assemble a sandbox's root in",
                      "zh": "没有可用来搭建沙箱根目录的文件夹"},
    "no_student_namespaces": {"en": "a student's namespaces cannot be created",
                              "zh": "无法为学生创建命名空间"},
    "no_answer": {"en": "the probe ended without an answer",
                  "zh": "检测进程没有给出结果就结束了"},
}


class JailError(OSError):
    pass


_libc = None


def libc():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise JailError(errno, f"{what}: {os.strerror(errno)}")


def prctl(option: int, value: int = 0) -> None:
    _check(libc().prctl(option, ctypes.c_ulong(value), 0, 0, 0), f"prctl {option}")


def unshare(flags: int) -> None:
    _check(libc().unshare(ctypes.c_int(flags)), "unshare")


def mount(source, target: str, fstype, flags: int, data=None) -> None:
    encode = lambda s: None if s is None else os.fsencode(s)      # noqa: E731
    _check(libc().mount(encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags),
                        encode(data)), f"mount {target}")


def _pivot_root(new_root: str) -> None:
    number = PIVOT_ROOT.get(platform.machine())
    os.chdir(new_root)
    if number is None:                        # an architecture not in the table
        os.chroot(".")
        return
    _check(libc().syscall(ctypes.c_long(number), b".", b"."), "pivot_root")
    _check(libc().umount2(b".", ctypes.c_int(MNT_DETACH)), "umount old root")
    os.chdir("/")


def die_with_parent() -> None:
    """The kernel kills this process when the one that forked it ends."""
    try:
        prctl(PR_SET_PDEATHSIG, 9)
    except (JailError, AttributeError):
        pass


def undumpable(on: bool = True) -> None:
    """No core dumps, and no ptrace, /proc/PID/mem or environ from processes of the same
    uid: for the grader's own processes while they hold the secret (``on=False`` undoes it)."""
    try:
        prctl(PR_SET_DUMPABLE, 0 if on else 1)
    except (JailError, AttributeError):
        pass


def _oom_score(value: int) -> None:
    try:
        with open("/proc/self/oom_score_adj", "w") as score:
            score.write(str(value))
    except OSError:
        pass


def oom_last() -> None:
    """Out of memory, the kernel kills anything but this process (the runner: root may)."""
    _oom_score(-1000)


def oom_first() -> None:
    """Out of memory, the kernel kills this process and its children first (a student)."""
    _oom_score(1000)


def become_subreaper() -> None:
    """Orphans of learner code are re-parented to this process, so it can find and kill them."""
    try:
        prctl(PR_SET_CHILD_SUBREAPER, 1)
    except (JailError, AttributeError):
        pass


# --- the runner's root, built once ----------------------------------------------------------

def _wanted() -> list:
    """System libraries, the standard library (with its extension modules), numpy, the harness."""
    import importlib.util
    import sysconfig

    numpy = importlib.util.find_spec("numpy")
    found = [path for path in SYSTEM_LIBRARIES if os.path.lexists(path)]
    found += [sysconfig.get_path("stdlib"), sysconfig.get_path("platstdlib"),
              sysconfig.get_config_var("DESTSHARED"), os.path.dirname(os.__file__)]
    if numpy is not None and numpy.origin:
        package = os.path.dirname(numpy.origin)
        found += [package, package + ".libs", os.path.join(os.path.dirname(package), "numpy.libs")]
    found.append(os.path.dirname(os.path.abspath(__file__)))
    return [os.path.abspath(p) for p in found if p and os.path.lexists(p)]


def allowed_paths() -> list:
    """What learner code may see, where it really is (a link stays a link: see build_root)."""
    return sorted({p if os.path.islink(p) else os.path.realpath(p) for p in _wanted()},
                  key=_depth)


def hidden_paths(allowed: list) -> list:
    """Folders inside the allowed ones that hold other installed packages: masked, with only
    numpy and the harness put back."""
    masks = set()
    for path in allowed:
        if os.path.islink(path) or not os.path.isdir(path):
            continue
        for entry in _python_folders(path):
            for name in ("site-packages", "dist-packages"):
                candidate = os.path.join(entry, name)
                if os.path.isdir(candidate) and not os.path.islink(candidate):
                    masks.add(os.path.realpath(candidate))
    return sorted(masks, key=_depth)


def _python_folders(path: str) -> list:
    """``path`` and its python3* sub-folders (where site- and dist-packages live)."""
    folders = [path]
    try:
        folders += [os.path.join(path, name) for name in os.listdir(path)
                    if name.startswith("python")]
    except OSError:
        pass
    return folders


def _depth(path: str) -> tuple:
    return path.rstrip("/").count("/"), path


def _flags_of(path: str) -> int:
    """The mount flags ``path`` has now (kept on remount: a user namespace may not drop them)."""
    try:
        return os.statvfs(path).f_flag & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | 0x1c00)
    except OSError:
        return 0


def _bind(source: str, target: str) -> None:
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.exists(target):
            open(target, "w").close()
    mount(source, target, None, MS_BIND | MS_REC)
    mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID
          | _flags_of(source) | (0 if source.startswith("/dev/") else MS_NODEV))


def _mask(target: str) -> None:
    mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=64k,mode=755")


def _map_self(inner_uid: int, inner_gid: int, outer_uid: int, outer_gid: int) -> None:
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"{inner_uid} {outer_uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"{inner_gid} {outer_gid} 1")


def mountpoint(allowed=(), lang: str = "en") -> str:
    """Where a private root is assembled before moving into it: a folder that exists and
    holds nothing learner code may see (so covering it hides none of it); it is covered only
    in the builder's own mount namespace, and nothing is left on the host."""
    for folder in ("/dev/shm", "/tmp", "/mnt", "/media", "/srv", "/opt", "/home"):
        if os.path.isdir(folder) and not os.path.islink(folder) \
                and not any(_inside(path, folder) for path in allowed):
            return folder
    raise JailError(0, text(MESSAGES, "no_mountpoint", lang))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


# Allowed folders that a student's private scratch would cover (a virtual environment or a
# checkout under /tmp): (where the runner's root keeps them too, where they belong).
_UNDER_SCRATCH = []


def build_root(new_root: str | None = None, lang: str = "en") -> dict:
    """Move into private mount and PID namespaces whose root holds only :func:`allowed_paths`.

    Without root, a user namespace comes first (root inside it, the caller outside). The
    caller's process stays outside as a shim that ends as the runner ends; this function
    returns in the runner, the first process of the new PID namespace (so it may mount a
    /proc of its own, which students' namespaces need). Returns {"user_namespace": bool}.
    ``lang``: the language of the error when no folder can hold the root."""
    allowed = allowed_paths()
    new_root = new_root or mountpoint(allowed + _wanted(), lang)
    user_namespace = not host_root()
    uid, gid = os.geteuid(), os.getegid()
    unshare(CLONE_NEWNS | CLONE_NEWPID | (CLONE_NEWUSER if user_namespace else 0))
    if user_namespace:
        _map_self(0, 0, uid, gid)
    pid = os.fork()
    if pid != 0:                                  # the shim: end as the runner ends
        status = os.waitpid(pid, 0)[1]
        os._exit(os.waitstatus_to_exitcode(status) & 0x7F)
    die_with_parent()
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("tmpfs", new_root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
    masks = [m for m in hidden_paths(allowed) if m not in allowed]
    for path in sorted([(p, "bind") for p in allowed] + [(m, "mask") for m in masks],
                       key=lambda item: _depth(item[0])):
        source, kind = path
        target = new_root + source
        if kind == "mask":
            if os.path.isdir(target):
                _mask(target)
        elif os.path.islink(source):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if not os.path.lexists(target):
                os.symlink(os.readlink(source), target)
        else:
            _bind(source, target)
    for path in _wanted():                        # reached through a linked folder: link it too
        real = os.path.realpath(path)
        if real != path and not os.path.islink(path) and not os.path.lexists(new_root + path):
            try:
                os.makedirs(os.path.dirname(new_root + path), exist_ok=True)
                os.symlink(real, new_root + path)
            except OSError:
                pass
    for path in allowed:                          # kept aside, put back over the scratch
        if not os.path.islink(path) and any(_inside(path, folder) for folder in SCRATCH):
            aside = f"/.bpgrade-aside/{len(_UNDER_SCRATCH)}"
            _bind(path, new_root + aside)
            _UNDER_SCRATCH.append((aside, path))
    for device in DEVICES:
        if os.path.exists(device):
            _bind(device, new_root + device)
    for folder in (SUBMISSION, "/proc", *SCRATCH):
        os.makedirs(new_root + folder, exist_ok=True)
    mount("proc", new_root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for mask in masks:
        if os.path.isdir(new_root + mask):
            mount(None, new_root + mask, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV
                  | MS_NOEXEC)
    mount(None, new_root, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    _pivot_root(new_root)
    return {"user_namespace": user_namespace}


def probe(lang: str = "en") -> str:
    """Can this machine build a runner's root and a student's namespaces? "" when it can,
    else why not (in ``lang``; the system's own errors as it gives them). Forks (no
    interpreter is started): the grader asks before it grades."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        why = ""
        try:
            build_root(lang=lang)             # returns in a new PID namespace's first process
            new_pid_namespace()
            student = os.fork()
            if student == 0:
                try:
                    unshare_student()
                    os._exit(0)
                except BaseException:
                    os._exit(1)
            if os.waitpid(student, 0)[1] != 0:
                why = text(MESSAGES, "no_student_namespaces", lang)
        except BaseException as exc:           # noqa: BLE001 - the reason is the answer
            why = str(exc) or type(exc).__name__
        os.write(write_end, why.encode()[:1000] or b"-")
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as answer:
        why = answer.read().decode()
    os.waitpid(pid, 0)
    return "" if why == "-" else why or text(MESSAGES, "no_answer", lang)


# --- one student ------------------------------------------------------------------------------

_own_pid_namespace = None


def new_pid_namespace() -> None:
    """The next process this one forks is the first of a new PID namespace."""
    global _own_pid_namespace
    if _own_pid_namespace is None:
        _own_pid_namespace = os.open("/proc/self/ns/pid", os.O_RDONLY)
    unshare(CLONE_NEWPID)


def own_pid_namespace() -> None:
    """Later forks stay in this process's own PID namespace again (so the next student's
    :func:`new_pid_namespace` may make another)."""
    _check(libc().setns(ctypes.c_int(_own_pid_namespace), ctypes.c_int(CLONE_NEWPID)), "setns")


def unshare_student() -> None:
    """In a student's first process: new mount, network, IPC and host-name namespaces."""
    unshare(STUDENT_NAMESPACES)


def write_submission(files: dict, folder: str = SUBMISSION) -> None:
    """The student's files (relative path -> bytes), read-only; nothing outside ``folder``."""
    for name, data in files.items():
        parts = [p for p in name.split("/") if p]
        if not parts or any(p in (".", "..") for p in parts):
            continue
        path = os.path.join(folder, *parts)
        os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o444)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)


def enter(files: dict, uid: int, gid: int) -> None:
    """In the student's PID namespace (as its first process): fresh /proc, private scratch,
    the submission read-only, then the student's own uid with no capabilities."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for folder, options in SCRATCH.items():
        mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, options)
    for aside, path in _UNDER_SCRATCH:          # what the scratch covered, read-only again
        os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
        _bind(aside, path)
    mount("tmpfs", SUBMISSION, "tmpfs", MS_NOSUID | MS_NODEV, "size=8m,mode=755")
    write_submission(files)
    mount(None, SUBMISSION, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    become_user(uid, gid, own_namespace=not host_root())


def host_root() -> bool:
    """Root of the machine itself, able to take any uid: not root in a user namespace (a
    rootless container, or the runner's own namespace when started without root)."""
    if os.geteuid() != 0:
        return False
    try:
        with open("/proc/self/uid_map") as f:
            return f.read().split() == ["0", "0", "4294967295"]
    except OSError:
        return True


def become_user(uid, gid, own_namespace: bool = False) -> None:
    """Drop to ``uid``/``gid`` for good, then into a user namespace of the student's own
    where the machine allows it: kernel keyrings, which belong to a uid in a user namespace,
    then die with the student instead of passing to the next one. Without real root to give
    up (``own_namespace``), that namespace maps one unprivileged id to ours."""
    if not own_namespace:
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
        prctl(PR_SET_DUMPABLE, 1)               # the change of uid cleared it; /proc/self needs it
    outer_uid, outer_gid = os.getuid(), os.getgid()
    try:
        unshare(CLONE_NEWUSER)
        _map_self(INNER_UID, INNER_UID, outer_uid, outer_gid)
        uid = gid = INNER_UID
        nested = True
    except (JailError, OSError):
        if own_namespace:
            raise
        nested = False                          # keyrings stay the uid's (seccomp may forbid)
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    if nested:
        drop_capabilities()          # the namespace's creator keeps them whatever its uid
    try:
        prctl(PR_SET_NO_NEW_PRIVS, 1)
    except JailError:
        pass
    die_with_parent()                              # a change of uid cleared it
    if os.getuid() != uid or os.geteuid() != uid or _has_capabilities():
        os._exit(71)                               # never run learner code privileged


def drop_capabilities() -> None:
    """Empty the effective, permitted and inheritable capability sets (capset(2))."""
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)          # _LINUX_CAPABILITY_VERSION_3
    data = (ctypes.c_uint32 * 6)()
    _check(libc().capset(header, data), "capset")


def _has_capabilities() -> bool:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("CapEff:"):
                    return int(line.split()[1], 16) != 0
    except (OSError, ValueError):
        pass
    return False

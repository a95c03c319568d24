"""What the machine can give classroom grading, and the choice made from it.

With namespaces (Linux: as root, or as any user where user namespaces are allowed) each
student gets PID, mount, network and IPC namespaces, private scratch space, a read-only copy
of their files and a uid of their own. Without them grading refuses, unless the course says
``--trust-submissions`` (a disposable container per submission, as Gradescope and GitHub
Classroom give): then each student still runs in a fresh process that never held the
grader's state, under a uid of its own where the grader is root.
"""

from __future__ import annotations

import os

from bpgrade_harness import jail

from ..errors import UsageError
from ..i18n import LIST_SEPARATOR, pick, text
from ..records import Record, factory

FIRST_STUDENT_UID = 0x5BB00000          # a range no distribution hands out; one uid per job
PROTECTIONS = ("fresh_process", "own_uid", "pid_namespace", "mount_namespace",
               "network_namespace", "ipc_namespace", "private_scratch", "read_only_submission",
               "grader_files_hidden", "memory_per_student")
# Without them grading refuses (unless --trust-submissions); a memory cgroup per student is
# used where the machine gives one (as root), else each process keeps its own limit.
REQUIRED = PROTECTIONS[:-1]

MESSAGES = {
    "refused": {
        "en": "student code cannot be isolated here: {missing} missing ({reason}). Grade as "
              "root on Linux, or where user namespaces are allowed; in a disposable container "
              "per submission, pass --trust-submissions.",
        "zh": "此处无法隔离学生代码：缺少 {missing}（{reason}）。请在 Linux 上以 root 身份评分，"
              "或在允许用户命名空间的系统上评分；若每份提交都在一次性容器中运行，请加 "
              "--trust-submissions。"},
    "active": {"en": "isolation: {mode}; protections: {active}",
               "zh": "隔离方式：{mode}；已启用：{active}"},
    "missing": {"en": "not active: {missing}", "zh": "未启用：{missing}"},
    "mode_namespaces": {"en": "a sandbox of namespaces per student",
                        "zh": "每名学生一个命名空间沙箱"},
    "mode_process": {"en": "trusting the container (--trust-submissions): a fresh process per "
                           "student, no namespaces",
                     "zh": "信任容器（--trust-submissions）：每名学生一个新进程，不使用命名空间"},
    "no_reason": {"en": "not Linux", "zh": "不是 Linux"},
    "protection_fresh_process": {"en": "a fresh process", "zh": "全新进程"},
    "protection_own_uid": {"en": "a uid of its own", "zh": "独立的 uid"},
    "protection_pid_namespace": {"en": "PID namespace", "zh": "PID 命名空间"},
    "protection_mount_namespace": {"en": "mount namespace", "zh": "挂载命名空间"},
    "protection_network_namespace": {"en": "network namespace", "zh": "网络命名空间"},
    "protection_ipc_namespace": {"en": "IPC namespace", "zh": "IPC 命名空间"},
    "protection_private_scratch": {"en": "private /tmp", "zh": "私有 /tmp"},
    "protection_read_only_submission": {"en": "read-only submission", "zh": "只读的提交"},
    "protection_grader_files_hidden": {"en": "grader files hidden", "zh": "评分文件不可见"},
    "protection_memory_per_student": {"en": "a memory limit per student",
                                      "zh": "每名学生一个内存上限"},
}


class Isolation(Record, frozen=True):
    mode: str                                # namespaces | process
    protections: dict = factory(dict)        # name -> bool
    first_uid: int = FIRST_STUDENT_UID       # this grading run's block of student uids

    @property
    def missing(self) -> list:
        return [name for name in PROTECTIONS if not self.protections.get(name)]

    @property
    def quota(self) -> bool:
        """Do a student's processes share one memory cgroup?"""
        return bool(self.protections.get("memory_per_student"))

    def user(self, job: int):
        """(uid, gid) for job ``job``'s students, or None to keep the runner's."""
        if not jail.host_root():
            return None         # namespaces: the runner maps an unprivileged id of its own
        uid = self.first_uid + job % 64
        return uid, uid

    def to_dict(self) -> dict:
        return {"mode": self.mode, "protections": dict(self.protections),
                "missing": self.missing}

    def describe(self, lang: str) -> str:
        active = [name for name in PROTECTIONS if self.protections.get(name)]
        lines = [text(MESSAGES, "active", lang, mode=text(MESSAGES, "mode_" + self.mode, lang),
                      active=protections_text(active, lang))]
        if self.missing:
            lines.append(text(MESSAGES, "missing", lang,
                              missing=protections_text(self.missing, lang)))
        return "\n".join(lines)


def protections_text(names, lang: str) -> str:
    """Protections (names from PROTECTIONS) in words, for a person."""
    return pick(LIST_SEPARATOR, lang).join(
        text(MESSAGES, "protection_" + name, lang) for name in names)


def _uid_block() -> int:
    """The first of 64 uids for one grading run's students: runs at once get different ones."""
    return FIRST_STUDENT_UID + (os.getpid() % 4096) * 64


def _namespaces() -> dict:
    from .memory import available

    return {**{name: True for name in REQUIRED}, "memory_per_student": available()}


def _process() -> dict:
    from .memory import available

    root = jail.host_root()
    return {"fresh_process": True, "own_uid": root, "read_only_submission": root,
            "memory_per_student": available()}


def choose(trust_submissions: bool, lang: str) -> Isolation:
    """Namespaces where the machine allows them (proved by building a sandbox's root and a
    student's namespaces); otherwise refuse, or with ``trust_submissions`` a fresh process
    per student."""
    reason = text(MESSAGES, "no_reason", lang)
    if hasattr(os, "fork") and os.path.isdir("/proc/self/ns"):
        reason = jail.probe(lang)
        if not reason:
            return Isolation("namespaces", _namespaces(), _uid_block())
    if trust_submissions:
        return Isolation("process", _process(), _uid_block())
    missing = [name for name in REQUIRED if not _process().get(name)]
    raise UsageError(text(MESSAGES, "refused", lang, missing=protections_text(missing, lang),
                          reason=reason))

"""Grade a whole class: one folder per student, each graded on its own problems.

``SUBMISSIONS/<student id>/stepNN.py``. Each student's problems come from
``student_seed(secret, id)`` (the further ones from :func:`grader.seeds.graded_seeds`), so
neighbours' numbers differ. Student code runs through :class:`grader.sandbox.RunnerClient`:
every grading job starts a runner, a fresh interpreter that never held the job's state, which
gives each student a sandbox of their own; all comparing happens in the job
(:func:`grader.checking.judge`).

Progress is kept per student as JSON lines in ``<out>.progress``; with ``resume`` the
students already there are not graded again. The CSV gradebook (and the JSON, Canvas CSV)
are written from that file at the end, atomically.
"""

from __future__ import annotations

import collections
import csv
import hashlib
import io
import json
import os
import re
import select
import shlex
import signal
import stat
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from bpgrade_harness import child as harness_child, jail, runner as harness_runner, wire

from . import registry, sandbox
from .sandbox import memory
from .atomic_write import write_atomically
from .checking import FURTHER_PROBLEMS, ProblemSet, Result, answer_keys, contexts_for, judge
from .context import loss_names
from .errors import UsageError
from .i18n import text
from .seeds import graded_seeds, student_seed

CONFIG_NAMES = ("bpgrade.toml",)
SECRET_VARIABLE = "BPGRADE_SECRET"
SOURCE_LIMIT = 1 << 20            # bytes: a bigger stepNN.py is not run
RECORD_TEXT_LIMIT = 2000          # characters of error/output kept per step in the records
PROGRESS_VERSION = 1

MESSAGES = {
    "no_submissions": {"en": "no submissions folder at {path}",
                       "zh": "找不到提交目录 {path}"},
    "no_students": {"en": "{path} holds no student folders (one sub-folder per student, "
                          "named by the student's id)",
                    "zh": "{path} 中没有学生目录（每个学生一个子目录，以学号命名）"},
    "no_secret": {
        "en": "no course secret: pass --secret-file FILE (a file only you can read), set "
              "{variable}, or write secret = \"...\" under [grade] in bpgrade.toml next to "
              "{path} or in the current folder. The secret makes each student's problems; "
              "keep it private.",
        "zh": "没有课程密钥：请用 --secret-file FILE（只有你能读的文件），或设置 {variable}，"
              "或在 {path} 旁边或当前目录的 bpgrade.toml 中 [grade] 下写 secret = \"...\"。"
              "密钥决定每个学生的题目，请保密。"},
    "bad_config": {"en": "cannot read {path}: {error}", "zh": "无法读取 {path}：{error}"},
    "secret_mode": {
        "en": "{path} holds the course secret but its mode is {mode}: other users can read or "
              "change it. Run: chmod 600 {quoted}",
        "zh": "{path} 保存着课程密钥，但其权限为 {mode}：其他用户可以读取或修改它。请运行：chmod 600 {quoted}"},
    "secret_owner": {
        "en": "{path} holds the course secret but belongs to user {owner}, not to you ({user}); "
              "use a secret file you own (chmod 600)",
        "zh": "{path} 保存着课程密钥，但属于用户 {owner} 而不是你（{user}）；请使用你自己的密钥文件（chmod 600）"},
    "empty_secret": {"en": "{path} holds an empty course secret; write a long random string",
                     "zh": "{path} 中的课程密钥为空；请写入一个较长的随机字符串"},
    "unsafe_folder": {
        "en": "{path} is writable by other users (mode {mode}): someone else could replace the "
              "gradebook or feedback there. Use a folder of your own, or run: chmod go-w {quoted}",
        "zh": "{path} 可被其他用户写入（权限 {mode}）：别人可以替换其中的成绩表或反馈。"
              "请使用你自己的目录，或运行：chmod go-w {quoted}"},
    "foreign_folder": {
        "en": "{path} belongs to user {owner}, not to you ({user}): they could replace the "
              "gradebook or feedback there. Write into a folder of your own",
        "zh": "{path} 属于用户 {owner} 而不是你（{user}）：对方可以替换其中的成绩表或反馈。"
              "请写入你自己的目录"},
    "progress_link": {
        "en": "{path} is a link or not a regular file; the progress file is never followed. "
              "Remove it and run again",
        "zh": "{path} 是链接或不是普通文件；进度文件不会跟随链接。请删除它后重新运行"},
    "progress_mismatch": {
        "en": "{path} was written with another secret or step list; run without --resume "
              "to grade everyone again",
        "zh": "{path} 是用别的密钥或步骤表写的；请去掉 --resume 重新评分"},
    "missing": {"en": "{file} was not submitted", "zh": "没有提交 {file}"},
    "not_regular": {"en": "{file} is not a regular file (a link or a folder); it was not run",
                    "zh": "{file} 不是普通文件（是链接或目录），没有运行"},
    "too_big": {"en": "{file} is larger than {limit} bytes; it was not run",
                "zh": "{file} 超过 {limit} 字节，没有运行"},
    "crashed": {"en": "grading this student failed twice; the steps not yet graded score 0",
                "zh": "该学生评分两次失败；尚未评分的步骤记 0 分"},
    "summary_title": {"en": "{students} students graded · mean {mean:.2f} / {max}",
                      "zh": "共评 {students} 名学生 · 平均 {mean:.2f} / {max}"},
    "summary_head": {"en": "step      passed   most common problem        most common diagnosis",
                     "zh": "步骤      通过率   最常见问题                 最常见诊断"},
    "progress_label": {"en": "grading", "zh": "评分中"},
    "feedback_title": {"en": "bpgrade feedback for {student}", "zh": "{student} 的 bpgrade 反馈"},
    "feedback_score": {"en": "Score: **{score:g} / {max}**", "zh": "得分：**{score:g} / {max}**"},
    "feedback_table": {"en": "| step | status | points | what happened |",
                       "zh": "| 步骤 | 状态 | 分数 | 情况 |"},
    "feedback_details": {"en": "Details", "zh": "详情"},
    "feedback_error": {"en": "Error", "zh": "错误"},
    "feedback_output": {"en": "Printed output", "zh": "打印输出"},
    "feedback_diagnosis": {"en": "Likely cause", "zh": "可能原因"},
    "feedback_all_passed": {"en": "Every step passed.", "zh": "全部步骤通过。"},
    "status_passed": {"en": "passed", "zh": "通过"},
    "status_failed": {"en": "wrong", "zh": "答错"},
    "status_invalid": {"en": "invalid", "zh": "无效"},
    "status_error": {"en": "error", "zh": "出错"},
    "status_timeout": {"en": "timeout", "zh": "超时"},
    "status_not_started": {"en": "not started", "zh": "未开始"},
}


# --- configuration -----------------------------------------------------------------------------

def _user_name(uid: int) -> str:
    try:
        import pwd
        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)


def check_private(info: os.stat_result, path: Path, lang: str = "en") -> None:
    """Refuse a file holding the secret that others may read or change, as ssh refuses a key:
    any group or other permission bit, or an owner other than the current user (root: root)."""
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        raise UsageError(text(MESSAGES, "secret_mode", lang, path=path, mode=f"{mode:04o}",
                              quoted=shlex.quote(str(path))))
    if info.st_uid != os.geteuid():
        raise UsageError(text(MESSAGES, "secret_owner", lang, path=path,
                              owner=_user_name(info.st_uid), user=_user_name(os.geteuid())))


def _read_checked(path: Path, lang: str):
    """(bytes, stat) through one descriptor, so the file checked is the file read."""
    try:
        with open(path, "rb") as handle:
            return handle.read(), os.fstat(handle.fileno())
    except OSError as exc:
        raise UsageError(text(MESSAGES, "bad_config", lang, path=path, error=exc)) from None


def _nonempty(secret: str, path: Path, lang: str) -> str:
    if not secret.strip():
        raise UsageError(text(MESSAGES, "empty_secret", lang, path=path))
    return secret


def secret_from_file(path, lang: str = "en") -> str:
    """``--secret-file``: the file's text without its trailing newline; private to you."""
    path = Path(path)
    raw, info = _read_checked(path, lang)
    check_private(info, path, lang)
    try:
        secret = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(text(MESSAGES, "bad_config", lang, path=path, error=exc)) from None
    return _nonempty(secret.rstrip("\r\n"), path, lang)


def _parse_config(raw: bytes, path: Path, lang: str):
    """The [grade] secret written in a bpgrade.toml, or None when it holds none."""
    from .toml import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(text(MESSAGES, "bad_config", lang, path=path, error=exc)) from None
    section = data.get("grade", data)
    secret = section.get("secret") if isinstance(section, dict) else None
    return secret if isinstance(secret, str) else None


def _config_secret(path: Path, lang: str):
    """The secret in a bpgrade.toml (which must then be private, like a secret file), or None."""
    raw, info = _read_checked(path, lang)
    secret = _parse_config(raw, path, lang)
    if secret is None:
        return None
    check_private(info, path, lang)
    return _nonempty(secret, path, lang)


def course_secret(secret_file, submissions, lang: str = "en", environ=None, cwd=None) -> str:
    """The secret: the content of ``secret_file`` (``--secret-file``), else $BPGRADE_SECRET,
    else [grade] secret in a bpgrade.toml beside SUBMISSIONS or in ``cwd``. A file holding it
    must be yours and mode 600; it is never taken from the command line (other users see
    /proc/*/cmdline). Without any, refuse (a guessable default would let anyone reproduce
    every student's problems)."""
    if secret_file is not None:
        return secret_from_file(secret_file, lang)
    environ = os.environ if environ is None else environ
    if environ.get(SECRET_VARIABLE):
        return environ[SECRET_VARIABLE]
    submissions = Path(submissions)
    places = [submissions.resolve().parent, Path(cwd or os.getcwd())]
    for folder in dict.fromkeys(places):
        for name in CONFIG_NAMES:
            path = folder / name
            if path.is_file():
                secret = _config_secret(path, lang)
                if secret:
                    return secret
    raise UsageError(text(MESSAGES, "no_secret", lang, path=submissions,
                          variable=SECRET_VARIABLE))


def check_output_folder(path, lang: str = "en") -> Path:
    """Create the folder ``path`` if missing (mode 700), then refuse it unless it is yours and
    no one else may write in it: whoever can would replace gradebooks or feedback."""
    path = Path(path)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.stat(path)
    if info.st_uid != os.geteuid():
        raise UsageError(text(MESSAGES, "foreign_folder", lang, path=path,
                              owner=_user_name(info.st_uid), user=_user_name(os.geteuid())))
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o022:
        raise UsageError(text(MESSAGES, "unsafe_folder", lang, path=path, mode=f"{mode:04o}",
                              quoted=shlex.quote(str(path))))
    return path


def students_in(submissions, lang: str = "en") -> list:
    """(id, folder) per student: every sub-folder not starting with a dot, sorted by id."""
    submissions = Path(submissions)
    if not submissions.is_dir():
        raise UsageError(text(MESSAGES, "no_submissions", lang, path=submissions))
    found = sorted((_readable(entry.name), Path(entry.path)) for entry in os.scandir(submissions)
                   if not entry.name.startswith(".") and entry.is_dir(follow_symlinks=False))
    if not found:
        raise UsageError(text(MESSAGES, "no_students", lang, path=submissions))
    return found


def _readable(name: str) -> str:
    """A folder name as text; bytes that are not UTF-8 become U+FFFD."""
    return os.fsencode(name).decode("utf-8", "replace")


def feedback_name(student: str) -> str:
    """A file name for any Unicode id: letters, digits, ``-_.`` kept, a hash keeps it unique."""
    nfc = unicodedata.normalize("NFC", student)
    safe = re.sub(r"[^\w.-]", "_", nfc).lstrip(".")[:60]
    if safe != student or not safe:
        digest = hashlib.sha256(student.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        safe = f"{safe}-{digest}" if safe else digest
    return safe + ".md"


# --- grading one student (inside a job) ------------------------------------------------------

def _source_problem(path: Path, lang: str):
    """Why a step file is not run, as a Result-worthy (status, message); None when it is
    (links are never followed: the sandbox gets a copy of the regular files only)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return "not_started", text(MESSAGES, "missing", lang, file=path.name)
    except OSError as exc:
        return "error", str(exc)
    if not stat.S_ISREG(info.st_mode):
        return "error", text(MESSAGES, "not_regular", lang, file=path.name)
    if info.st_size > SOURCE_LIMIT:
        return "error", text(MESSAGES, "too_big", lang, file=path.name, limit=SOURCE_LIMIT)
    return None


class _GradingProblems(ProblemSet):
    """The student's problems; gradebooks show no finite-difference witness, so none is
    computed (the reference engine is tested against it on its own)."""

    def finite_difference(self, index: int) -> dict:
        return {}


def graded_problems(secret: str, student: str, run: str = "") -> ProblemSet:
    """The student's visible problem (the one on their sheet) and further ones drawn from
    the secret and the grading run, which the student cannot compute."""
    return _GradingProblems(student_seed(secret, student),
                            further_seeds=graded_seeds(secret, student, FURTHER_PROBLEMS, run))


def new_run() -> str:
    """A grading run's nonce: the further problems are drawn anew for each run."""
    import secrets

    return secrets.token_hex(8)


def grade_student(client, student: str, folder: Path, secret: str, lang: str,
                  steps=None, run: str = "") -> list:
    """Result per step for one student (``run``: the grading run's nonce)."""
    steps = list(steps or registry.STEPS)
    client.start_student(folder, len(steps))          # the child starts while we draw
    problem_set = graded_problems(secret, student, run)
    results, held, child = {}, set(), None
    try:
        for batch in batches(grading_order(steps)):
            if child != client.spawned:                # a fresh child holds nothing yet
                held, child = set(), client.spawned
            if held & {quantity for step in batch for _, quantity in step.answer_items}:
                client.fresh_child()                   # never ask for what it once held
                held, child = set(), client.spawned
            held |= {name for step in batch for name in step.context}
            runnable = []
            for step in batch:
                problem = _source_problem(folder / step.file_name, lang)
                if problem is None:
                    runnable.append((step, contexts_for(step, problem_set, lang)))
                    continue
                status, message = problem
                results[step.id] = Result(step=step.id, status=status, score=0.0,
                                          max_score=step.points, title=step.title[lang],
                                          problems=len(problem_set.problems), message=message)
            outcomes = client.run_many([
                harness_child.step_request(step.function_name, contexts, answer_keys(step),
                                           loss_names(step.id), file=step.file_name)
                for step, contexts in runnable]) if runnable else []
            for (step, contexts), outcome in zip(runnable, outcomes):
                results[step.id] = judge(step, problem_set, outcome, lang, contexts)
    finally:
        client.end_student()
    return [results[step.id] for step in steps]


def grading_order(steps) -> list:
    """The steps so that none is asked for an answer an earlier step's ``net`` held (step17
    holds every gradient step18 computes): registry order, each step moved only as far
    forward as that needs. Where no order can (a cycle), :func:`grade_student` starts a
    fresh child instead."""
    steps = list(steps)
    answers = {step.id: {quantity for _, quantity in step.answer_items} for step in steps}
    before = {step.id: {other.id for other in steps if other is not step
                        and answers[other.id] & set(step.context)
                        and not answers[step.id] & set(other.context)} for step in steps}
    ordered, placed = [], set()
    while len(ordered) < len(steps):
        ready = [step for step in steps if step.id not in placed and before[step.id] <= placed]
        if not ready:
            return steps
        ordered.append(ready[0])
        placed.add(ready[0].id)
    return ordered


def batches(steps) -> list:
    """Consecutive steps that may be sent to a child together: no step's answer is in any
    of their contexts, so the child never holds an answer it is asked for."""
    groups, group, answered, seen = [], [], set(), set()
    for step in steps:
        answers = {quantity for _, quantity in step.answer_items}
        if group and (answered & set(step.context) or answers & seen):
            groups.append(group)
            group, answered, seen = [], set(), set()
        group.append(step)
        answered |= answers
        seen |= set(step.context)
    if group:
        groups.append(group)
    return groups


def _clip(value: str) -> str:
    value = value or ""
    if len(value) <= RECORD_TEXT_LIMIT:
        return value
    half = RECORD_TEXT_LIMIT // 2                   # the head, and the tail with the exception
    return value[:half] + "\n…\n" + value[-half:]


def record_for(student: str, seed: int, results: list) -> dict:
    """The plain record kept per student (progress file, JSON gradebook)."""
    return {
        "student": student, "seed": seed,
        "score": round(sum(r.score for r in results), 6),
        "max_score": sum(r.max_score for r in results),
        "results": [{"step": r.step, "status": r.status, "score": r.score,
                     "max_score": r.max_score,
                     "fraction": round(r.score / r.max_score, 6) if r.max_score else 0.0,
                     "message": r.message, "diagnosis": r.diagnosis,
                     "error": _clip(r.error), "output": _clip(r.output)} for r in results],
    }


# Student text is never Markdown: these characters are backslash-escaped wherever they are,
# and block markers (#, -, +, =, "1.") at the start of a line. HTML needs < > &.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>&|~$])")
MARKDOWN_LINE_START = re.compile(r"^([ \t]*)([#+=-]|\d+\.)", re.MULTILINE)


def markdown_text(value) -> str:
    """Text a student controls (a message, an id) as inert Markdown: it renders as written,
    never as a link, emphasis, heading, table column or HTML."""
    value = ("" if value is None else str(value)).replace("\r\n", "\n").replace("\r", "\n")
    value = MARKDOWN_SPECIAL.sub(r"\\\1", value)
    return MARKDOWN_LINE_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), value)


def _escape_marker(marker: str) -> str:
    return marker[:-1] + "\\." if marker.endswith(".") else "\\" + marker


def _fence(body: str) -> str:
    """Printed output or an error, verbatim: a code fence longer than any backtick run in it."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}text\n{body.rstrip()}\n{ticks}"


def _cell(value) -> str:
    """Inline text on one line (a table cell, a heading): escaped, newlines collapsed."""
    return " ".join(markdown_text(value).split())


def feedback_markdown(record: dict, lang: str) -> str:
    """What failed and why, for one student, as Markdown (renders the record, computes nothing).
    Everything the student controls is escaped (:func:`markdown_text`) or fenced."""
    lines = [f"# {text(MESSAGES, 'feedback_title', lang, student=_cell(record['student']))}", "",
             text(MESSAGES, "feedback_score", lang, score=record["score"],
                  max=record["max_score"]), "",
             text(MESSAGES, "feedback_table", lang), "|---|---|---|---|"]
    for item in record["results"]:
        status = text(MESSAGES, "status_" + item["status"], lang)
        lines.append(f"| {item['step']} | {status} | {item['score']:g} / {item['max_score']} "
                     f"| {_cell(item['message'])} |")
    details = [item for item in record["results"] if item["status"] != "passed"]
    lines.append("")
    if not details:
        lines.append(text(MESSAGES, "feedback_all_passed", lang))
    for item in details:
        if item["status"] == "not_started" and not item["error"]:
            continue
        lines += ["", f"## {item['step']}", "", markdown_text(item["message"])]
        diagnosis = item.get("diagnosis") or {}
        if diagnosis.get("message"):
            lines += ["", f"**{text(MESSAGES, 'feedback_diagnosis', lang)}:** "
                          f"{markdown_text(diagnosis['message'])}"]
        if item["error"] and item["error"] not in item["message"]:
            lines += ["", f"**{text(MESSAGES, 'feedback_error', lang)}:**", "",
                      _fence(item["error"])]
        if item["output"]:
            lines += ["", f"**{text(MESSAGES, 'feedback_output', lang)}:**", "",
                      _fence(item["output"])]
    return "\n".join(lines) + "\n"


# --- jobs: each a process with its own runner ------------------------------------------------------

@dataclass
class Settings:
    secret: str
    isolation: sandbox.Isolation
    lang: str = "en"
    timeout: float = sandbox.DEFAULT_TIMEOUT
    limits: sandbox.Limits = field(default_factory=sandbox.Limits)
    feedback: Path | None = None
    run: str = ""
    run_pid: int = 0                  # the grading process: its memory cgroups' folder


def _job_main(task_fd: int, result_fd: int, settings: Settings, index: int) -> None:
    """A grading job: starts its runner (a fresh interpreter), then grades students."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    isolation = settings.isolation
    client = sandbox.RunnerClient(settings.timeout, settings.lang, settings.limits,
                                  isolation.user(index), isolation.mode, isolation.quota,
                                  settings.run_pid)
    try:
        while True:
            payload, why = wire.receive(task_fd, None, 1 << 24)
            if why is not None:
                break
            task = json.loads(payload)
            if task is None:
                break
            student, folder = task["student"], Path(task["folder"])
            seed = student_seed(settings.secret, student)
            results = grade_student(client, student, folder, settings.secret, settings.lang,
                                    run=settings.run)
            record = record_for(student, seed, results)
            if settings.feedback is not None:
                write_atomically(Path(settings.feedback) / feedback_name(student),
                                 feedback_markdown(record, settings.lang).encode("utf-8",
                                                                                 "replace"))
            wire.send(result_fd, json.dumps(record).encode("ascii"))
    finally:
        client.close()


class _Job:
    """A process of the grading side (forked: it may hold the secret) with its own runner.
    The kernel ends it when the main process ends, however that ends."""

    def __init__(self, settings: Settings, index: int):
        task_r, self.task_w = os.pipe()
        self.result_r, result_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                jail.die_with_parent()
                jail.undumpable()
                harness_child.close_other_fds({task_r, result_w})
                _job_main(task_r, result_w, settings, index)
            except BaseException:              # the main process retries this student
                status = 70
            os._exit(status)
        os.close(task_r)
        os.close(result_w)
        self.pid, self.index, self.student = pid, index, None

    def give(self, student: tuple) -> None:
        self.student = student
        wire.send(self.task_w, json.dumps({"student": student[0],
                                           "folder": str(student[1])}).encode("utf-8"))

    def stop(self, kill: bool = False) -> None:
        """Finish (or, with ``kill``, end at once: its runner and children follow)."""
        if kill:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
        else:
            try:
                wire.send(self.task_w, b"null", time.monotonic() + 5)
            except OSError:
                pass
        for fd in (self.task_w, self.result_r):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


# --- progress, resume, gradebooks ---------------------------------------------------------------

def progress_path(out: Path) -> Path:
    out = Path(out)
    return out.with_name(out.name + ".progress")


PROGRESS_FLAGS = {"rb": os.O_RDONLY, "r+b": os.O_RDWR,
                  "wb": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                  "ab": os.O_WRONLY | os.O_CREAT | os.O_APPEND}


def _open_progress(path: Path, mode: str, lang: str):
    """The progress file, never through a link (O_NOFOLLOW); what we write is mode 600."""
    try:
        fd = os.open(path, PROGRESS_FLAGS[mode] | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError:
        if os.path.islink(path):
            raise UsageError(text(MESSAGES, "progress_link", lang, path=path)) from None
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise UsageError(text(MESSAGES, "progress_link", lang, path=path))
    if mode != "rb":
        os.fchmod(fd, 0o600)
    return os.fdopen(fd, mode)


def _header(secret: str, steps, run: str = "") -> dict:
    """The progress file's first line; ``run`` is the nonce a resumed run keeps."""
    fingerprint = hashlib.sha256(("bpgrade-progress\0" + secret).encode("utf-8")).hexdigest()[:16]
    return {"bpgrade_progress": PROGRESS_VERSION, "secret": fingerprint,
            "steps": [step.id for step in steps], "run": run}


def _read_progress(path: Path, header: dict, lang: str):
    """{student: byte offset of their record}, the length of the good prefix, and the run's
    nonce (``header`` is compared but for its run)."""
    offsets, good = {}, 0
    with _open_progress(path, "rb", lang) as handle:
        first = handle.readline()
        try:
            found = json.loads(first)
            run = found.pop("run")
            if found != {k: v for k, v in header.items() if k != "run"} or type(run) is not str:
                raise ValueError
        except (ValueError, KeyError, AttributeError):
            raise UsageError(text(MESSAGES, "progress_mismatch", lang, path=path)) from None
        good = handle.tell()
        while True:
            offset = handle.tell()
            line = handle.readline()
            if not line.endswith(b"\n"):          # empty, or cut off by a kill: drop it
                break
            try:
                record = json.loads(line)
                offsets[record["student"]] = offset
            except (ValueError, KeyError, TypeError):
                break
            good = handle.tell()
    return offsets, good, run


def _records(path: Path, offsets: dict, lang: str):
    """Records in student-id order, read one at a time (memory stays flat)."""
    with _open_progress(path, "rb", lang) as handle:
        for student in sorted(offsets):
            handle.seek(offsets[student])
            yield json.loads(handle.readline())


def _number(value: float) -> str:
    value = round(float(value), 6)
    return str(int(value)) if value == int(value) else repr(value)


def gradebook_csv(records, steps) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *[step.id for step in steps], "total", "max"])
    for record in records:
        by_step = {item["step"]: item for item in record["results"]}
        writer.writerow([record["student"],
                         *[_number(by_step[step.id]["fraction"]) if step.id in by_step else "0"
                           for step in steps],
                         _number(record["score"]), record["max_score"]])
    return buffer.getvalue().encode("utf-8")


def canvas_csv(records, column: str, max_score: int) -> bytes:
    """Canvas gradebook import: students matched on SIS User ID (the folder name)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column])
    writer.writerow(["    Points Possible", "", "", "", "", max_score])
    for record in records:
        writer.writerow([record["student"], "", record["student"], "", "",
                         _number(record["score"])])
    return buffer.getvalue().encode("utf-8")


def _text_json(value) -> str:
    """JSON with readable non-ASCII text, escaped where the text cannot be UTF-8."""
    text_form = json.dumps(value, ensure_ascii=False)
    try:
        text_form.encode("utf-8")
        return text_form
    except UnicodeEncodeError:
        return json.dumps(value)


def gradebook_json(records, steps, isolation: dict | None = None) -> bytes:
    parts = [_text_json(record) for record in records]
    head = {"steps": [step.id for step in steps], "max_score": sum(step.points for step in steps)}
    if isolation is not None:
        head["isolation"] = isolation
    head = json.dumps(head)[:-1]
    return (head + ', "students": [\n' + ",\n".join(parts) + "\n]}\n").encode("utf-8")


# --- the class summary ------------------------------------------------------------------------

@dataclass
class Summary:
    steps: list
    students: int = 0
    total: float = 0.0
    passed: collections.Counter = field(default_factory=collections.Counter)
    problems: dict = field(default_factory=lambda: collections.defaultdict(collections.Counter))
    diagnoses: dict = field(default_factory=lambda: collections.defaultdict(collections.Counter))
    isolation: object = None          # the sandbox.Isolation the students ran under

    def add(self, record: dict) -> None:
        self.students += 1
        self.total += record["score"]
        for item in record["results"]:
            if item["status"] == "passed":
                self.passed[item["step"]] += 1
            else:
                self.problems[item["step"]][item["status"]] += 1
            code = (item.get("diagnosis") or {}).get("code")
            if code:
                self.diagnoses[item["step"]][code] += 1

    @property
    def max_score(self) -> int:
        return sum(step.points for step in self.steps)

    def pass_rate(self, step_id: str) -> float:
        return self.passed[step_id] / self.students if self.students else 0.0

    def render(self, lang: str) -> str:
        mean = self.total / self.students if self.students else 0.0
        lines = [text(MESSAGES, "summary_title", lang, students=self.students, mean=mean,
                      max=self.max_score), text(MESSAGES, "summary_head", lang)]
        for step in self.steps:
            problem = self.problems[step.id].most_common(1)
            diagnosis = self.diagnoses[step.id].most_common(1)
            problem_text = (f"{text(MESSAGES, 'status_' + problem[0][0], lang)} ({problem[0][1]})"
                            if problem else "—")
            diagnosis_text = f"{diagnosis[0][0]} ({diagnosis[0][1]})" if diagnosis else "—"
            lines.append(f"{step.id:<9} {self.pass_rate(step.id):>6.0%}   "
                         f"{problem_text:<26} {diagnosis_text}")
        return "\n".join(lines)


# --- the whole class ------------------------------------------------------------------------------

def _output_folders(out: Path, json_path, canvas, feedback) -> list:
    """The folders grading writes into: beside each gradebook, and the feedback folder."""
    folders = [Path(path).parent for path in (out, json_path, canvas) if path is not None]
    if feedback is not None:
        folders.append(Path(feedback))
    return list(dict.fromkeys(folders))


def _crash_record(student: str, seed: int, lang: str, steps) -> dict:
    message = text(MESSAGES, "crashed", lang)
    return record_for(student, seed, [
        Result(step=step.id, status="error", score=0.0, max_score=step.points,
               title=step.title[lang], message=message) for step in steps])


def grade(submissions, out, *, secret: str, json_path=None, feedback=None, canvas=None,
          canvas_column: str = "bpgrade", jobs: int | None = None,
          timeout: float = sandbox.DEFAULT_TIMEOUT, resume: bool = False, lang: str = "en",
          limits: sandbox.Limits | None = None, trust_submissions: bool = False,
          isolation: sandbox.Isolation | None = None, on_student=None) -> Summary:
    """Grade every student folder in ``submissions``; write the gradebooks; the class summary.

    ``on_student(record)`` is called as each student finishes (a progress bar). Student code
    is isolated as :func:`grader.sandbox.choose` decides (``isolation`` when given); where
    the machine cannot isolate it, grading refuses unless ``trust_submissions``. The
    summary's ``isolation`` says which protections were active.
    """
    steps = list(registry.STEPS)
    students = students_in(submissions, lang)
    out = Path(out)
    for folder in _output_folders(out, json_path, canvas, feedback):
        check_output_folder(folder, lang)
    progress = progress_path(out)
    run = new_run()
    header = _header(secret, steps, run)
    offsets, good = {}, 0
    if resume and os.path.lexists(progress):
        offsets, good, run = _read_progress(progress, header, lang)
        with _open_progress(progress, "r+b", lang) as handle:   # drop a record cut off by a kill
            handle.truncate(good)
    else:
        with _open_progress(progress, "wb", lang) as handle:
            handle.write((json.dumps(header) + "\n").encode("utf-8"))
    summary = Summary(steps)
    for record in _records(progress, offsets, lang):
        summary.add(record)
    todo = [student for student in students if student[0] not in offsets]
    summary.isolation = isolation = isolation or sandbox.choose(trust_submissions, lang)
    settings = Settings(secret=secret, isolation=isolation, lang=lang, timeout=timeout,
                        limits=limits or sandbox.Limits(), feedback=feedback, run=run,
                        run_pid=os.getpid())
    if isolation.quota:
        memory.remove_stale()
    handle = _open_progress(progress, "ab", lang)
    previous = signal.signal(signal.SIGTERM, _interrupt) \
        if threading.current_thread() is threading.main_thread() else None
    jail.undumpable()                   # the secret is in this process: no ptrace, no environ
    try:
        _run_jobs(todo, settings, jobs, handle, offsets, summary, on_student, steps)
    finally:
        if isolation.quota:
            memory.remove_run(os.getpid())
        jail.undumpable(False)
        handle.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    write_atomically(out, gradebook_csv(_records(progress, offsets, lang), steps))
    if json_path is not None:
        write_atomically(Path(json_path), gradebook_json(_records(progress, offsets, lang), steps,
                                                        isolation.to_dict()))
    if canvas is not None:
        write_atomically(Path(canvas), canvas_csv(_records(progress, offsets, lang),
                                                  canvas_column, summary.max_score))
    os.unlink(progress)
    return summary


def _interrupt(signum, frame):
    raise KeyboardInterrupt          # SIGTERM stops grading as Ctrl-C does: every job ends


def _run_jobs(todo, settings, jobs, handle, offsets, summary, on_student, steps) -> None:
    if not todo:
        return
    count = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    queue = collections.deque(todo)
    attempts = collections.Counter()
    workers, finished = [], False
    try:
        workers = [_Job(settings, index) for index in range(count)]
        busy = {}
        for job in workers:
            if queue:
                job.give(queue.popleft())
                busy[job.result_r] = job
        while busy:
            ready, _, _ = select.select(list(busy), [], [])
            for fd in ready:
                job = busy.pop(fd)
                payload, why = wire.receive(fd, None, 1 << 28)
                student = job.student
                if why is None:
                    record = json.loads(payload)
                else:                              # the job died: one more try, then zeros
                    attempts[student[0]] += 1
                    job.stop(kill=True)
                    workers.remove(job)
                    job = _Job(settings, job.index)
                    workers.append(job)
                    if attempts[student[0]] < 2:
                        job.give(student)
                        busy[job.result_r] = job
                        continue
                    record = _crash_record(student[0], student_seed(settings.secret, student[0]),
                                           settings.lang, steps)
                line = (json.dumps(record) + "\n").encode("ascii")
                offsets[record["student"]] = handle.tell()
                handle.write(line)
                handle.flush()
                summary.add(record)
                if on_student is not None:
                    on_student(record)
                if queue:
                    job.give(queue.popleft())
                    busy[job.result_r] = job
        finished = True
    finally:
        for job in workers:
            job.stop(kill=not finished)
        if not finished:
            _end_students(settings.isolation, count)


def _end_students(isolation, jobs: int) -> None:
    """After an interruption: without namespaces, what student code left running was handed
    to init when its runner died; as root, each job's uid still names it."""
    if isolation.mode == "namespaces":
        return                           # the kernel ended each student's namespace
    for index in range(jobs):
        user = isolation.user(index)
        if user is not None:
            harness_runner.kill_user(user[0])

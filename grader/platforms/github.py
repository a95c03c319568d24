"""GitHub Classroom: an assignment's template repository, and its students' clones collected.

The template (:func:`write_template`) is a bpgrade workspace (``bpgrade.toml`` with the seed of
the problem the workflow checks, ``README.md``, ``exercises/``), the workflow
``.github/workflows/classroom.yml`` (template ``classroom.yml.j2``) and, in :data:`BUNDLE`, the
grader and its pinned libraries as the Gradescope zip carries them (:mod:`.bundle`). The
workflow holds no course secret: whatever it sees, the student who can edit it sees too. It
runs ``bpgrade check`` on the workspace's problem, one autograding test per step, as
feedback; course grades come from ``bpgrade grade`` on the collected repositories
(:func:`collect`), with the secret, on the teacher's machine.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import unicodedata
from pathlib import Path

from ..errors import UsageError
from ..i18n import LIST_SEPARATOR, pick, text
from ..render import templates
from ..steps import registry
from .bundle import package_files, requirements

ACTIONS_EXPRESSION = "${{"          # GitHub Actions would evaluate what follows
LINE_CATEGORIES = ("Cc", "Zl", "Zp")  # control characters and line or paragraph separators
WORKFLOW = Path(".github/workflows/classroom.yml")
BUNDLE = ".bpgrade"                  # the template's copy of the grader and requirements.txt
REQUIREMENTS = "requirements.txt"
TEST_TIMEOUT = 2                     # minutes one step's test may take on the runner
CLONES_SUFFIX = "-submissions"       # gh classroom clone student-repos: <assignment>-submissions
MAX_FILE = 1 << 20                   # bytes of one collected stepNN.py

MESSAGES = {
    "bad_value": {
        "en": "{option} must be one line of plain text, without control characters or "
              "'${{{{': got {value!r}",
        "zh": "{option} 必须是一行普通文本，不能含控制字符或 '${{{{'：收到 {value!r}"},
    "folder_outside": {
        "en": "--folder must be a path inside the repository (relative, without '..'), "
              "apart from {taken}: got {value!r}",
        "zh": "--folder 必须是仓库内的路径（相对路径，不含 '..'），且不能是 {taken}：收到 {value!r}"},
    "not_empty": {"en": "{path} exists and is not an empty folder; choose a new one",
                  "zh": "{path} 已存在且不是空文件夹；请另选一个"},
    "no_clones": {"en": "{path} is not a folder of cloned repositories",
                  "zh": "{path} 不是存放克隆仓库的文件夹"},
    "no_assignment": {
        "en": "cannot tell the assignment from {path}: gh classroom clone names the folder "
              "<assignment>-submissions; name it with --assignment SLUG",
        "zh": "无法从 {path} 判断作业名：gh classroom clone 会把文件夹命名为 "
              "<assignment>-submissions；请用 --assignment SLUG 指定"},
    "not_a_clone": {
        "en": "skipped {name}: not named {assignment}-<github username>",
        "zh": "已跳过 {name}：名称不是 {assignment}-<github username>"},
    "skipped_file": {
        "en": "skipped {path}: not a regular file (a link?) or larger than {limit} bytes",
        "zh": "已跳过 {path}：不是普通文件（链接？）或超过 {limit} 字节"},
    "collected": {"en": "{n} students' files in {path}", "zh": "{path} 中有 {n} 名学生的文件"},
}


def _one_line(option: str, value: str, lang: str) -> str:
    """``value`` unchanged, or a UsageError: a line break would end the YAML block holding
    it, and ``${{`` would be evaluated by GitHub Actions before the shell sees it."""
    if ACTIONS_EXPRESSION in value or any(unicodedata.category(c) in LINE_CATEGORIES
                                          for c in value):
        raise UsageError(text(MESSAGES, "bad_value", lang, option=option, value=value))
    return value


def github_classroom_workflow(package: str | None = None, folder: str = "exercises",
                              lang: str = "en") -> str:
    """The workflow file: install the pinned libraries (and ``package``, when bpgrade comes
    from there instead of the template's :data:`BUNDLE`), then one command-grader test per
    step of the registry, each a ``bpgrade check`` of that step."""
    if package is not None:
        package = _one_line("--package", package, lang)
    return templates.render(
        "classroom.yml.j2", package=package, folder=_one_line("--folder", folder, lang),
        lang=lang, bundle=BUNDLE, requirements=f"{BUNDLE}/{REQUIREMENTS}",
        timeout=TEST_TIMEOUT, steps=registry.STEPS)


def _empty_or_missing(path: Path, lang: str) -> None:
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise UsageError(text(MESSAGES, "not_empty", lang, path=path))


def _replace_empty(built: Path, target: Path) -> None:
    """Move the finished ``built`` folder to ``target`` (missing, or an empty folder)."""
    if target.is_dir():
        target.rmdir()
    os.replace(built, target)


def write_template(target: Path, package: str | None = None, folder: str = "exercises",
                   seed: int | None = None, scaffold: str | None = None,
                   lang: str = "en") -> Path:
    """Write the assignment's template repository into ``target`` (missing or empty), all of
    it or nothing: it is built beside ``target`` and moved there when complete."""
    from ..atomic_write import write_atomically
    from ..learner import workspace

    target = Path(target)
    workflow = github_classroom_workflow(package, folder, lang)   # refused before any write
    inside = Path(folder)
    taken = (".github", BUNDLE, workspace.CONFIG_NAME, "README.md")    # the template's own
    if inside.is_absolute() or ".." in inside.parts or not inside.parts \
            or inside.parts[0] in taken:
        raise UsageError(text(MESSAGES, "folder_outside", lang, value=folder,
                              taken=pick(LIST_SEPARATOR, lang).join(taken)))
    _empty_or_missing(target, lang)
    pinned = requirements(lang)
    target.parent.mkdir(parents=True, exist_ok=True)
    built = Path(tempfile.mkdtemp(prefix=".bpgrade-template-", dir=target.parent))
    try:
        os.chmod(built, 0o755)
        workspace.init(built, seed=seed, force=True, lang=lang, scaffold=scaffold)
        if inside != Path(workspace.EXERCISES):          # the stubs where the workflow looks
            staged = built / ".stubs"                      # (inside may be exercises/sub)
            os.replace(built / workspace.EXERCISES, staged)
            (built / inside).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, built / inside)
        (built / WORKFLOW).parent.mkdir(parents=True)
        write_atomically(built / WORKFLOW, workflow)
        bundle = built / BUNDLE
        bundle.mkdir()
        write_atomically(bundle / REQUIREMENTS, "".join(f"{line}\n" for line in pinned))
        if package is None:
            for path, name in package_files():
                (bundle / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, bundle / name)
        _replace_empty(built, target)
    except BaseException:
        shutil.rmtree(built, ignore_errors=True)
        raise
    return target


# --- collecting the students' repositories ---------------------------------------------------

def _assignment(clones: Path, assignment: str | None, lang: str) -> str:
    if assignment:
        return assignment
    name = clones.resolve().name
    if name.endswith(CLONES_SUFFIX) and len(name) > len(CLONES_SUFFIX):
        return name[:-len(CLONES_SUFFIX)]
    raise UsageError(text(MESSAGES, "no_assignment", lang, path=clones))


def _regular_file(path: Path) -> bytes | None:
    """The content of ``path`` if it is a regular file of at most :data:`MAX_FILE` bytes,
    opened without following a link: a student's repository may hold a link to any file
    of the teacher's, which must not become that student's code."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE:
            return None
        data = handle.read(MAX_FILE + 1)
    return data if len(data) <= MAX_FILE else None


def _step_folder(repository: Path, folder: str) -> Path:
    """Where a repository keeps its stepNN.py files: ``folder``, never reached through a link."""
    current = repository
    for part in Path(folder).parts:
        current = current / part
        if current.is_symlink() or not current.is_dir():
            return repository / "\0missing"
    return current


def collect(clones: Path, out: Path, assignment: str | None = None,
            folder: str = "exercises", lang: str = "en", warn=None) -> int:
    """Arrange the repositories ``gh classroom clone student-repos`` cloned into ``clones``
    (``<assignment>-submissions/<assignment>-<github username>/``) as ``bpgrade grade``
    reads them: ``out/<github username>/stepNN.py``. Only the regular files named like a
    step are copied, from ``folder`` of each repository; links and anything else are left
    (``warn`` is told). ``out`` must be missing or empty and is written whole or not at
    all. The number of students."""
    clones, out = Path(clones), Path(out)
    if not clones.is_dir():
        raise UsageError(text(MESSAGES, "no_clones", lang, path=clones))
    slug = _assignment(clones, assignment, lang)
    _empty_or_missing(out, lang)
    warn = warn or (lambda message: None)
    names = {step.file_name for step in registry.STEPS}
    out.parent.mkdir(parents=True, exist_ok=True)
    built = Path(tempfile.mkdtemp(prefix=".bpgrade-collect-", dir=out.parent))
    students = 0
    try:
        for repository in sorted(clones.iterdir()):
            prefix = slug + "-"
            if (repository.is_symlink() or not repository.is_dir()
                    or not repository.name.startswith(prefix)
                    or len(repository.name) == len(prefix)):
                warn(text(MESSAGES, "not_a_clone", lang, name=repository.name, assignment=slug))
                continue
            student = unicodedata.normalize("NFC", repository.name[len(prefix):])
            mine = built / student
            mine.mkdir(mode=0o700)
            students += 1
            source = _step_folder(repository, folder)
            for name in sorted(names):
                path = source / name
                if not os.path.lexists(path):
                    continue
                data = _regular_file(path)
                if data is None:
                    warn(text(MESSAGES, "skipped_file", lang, path=path, limit=MAX_FILE))
                    continue
                (mine / name).write_bytes(data)
        _replace_empty(built, out)
    except BaseException:
        shutil.rmtree(built, ignore_errors=True)
        raise
    return students

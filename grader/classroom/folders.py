"""The class's folders: one per student to read, and those grading writes into."""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import stat
import unicodedata
from pathlib import Path

from ..errors import UsageError
from ..i18n import text
from .secret import _user_name

MESSAGES = {
    "no_submissions": {"en": "no submissions folder at {path}",
                       "zh": "找不到提交目录 {path}"},
    "no_students": {"en": "{path} holds no student folders (one sub-folder per student, "
                          "named by the student's id)",
                    "zh": "{path} 中没有学生目录（每个学生一个子目录，以学号命名）"},
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
}


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


def output_folders(out: Path, json_path, canvas, feedback) -> list:
    """The folders grading writes into: beside each gradebook, and the feedback folder."""
    folders = [Path(path).parent for path in (out, json_path, canvas) if path is not None]
    if feedback is not None:
        folders.append(Path(feedback))
    return list(dict.fromkeys(folders))

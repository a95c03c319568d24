"""A class set: one sheet (and key) per student of a roster, each on the student's own problem
(HMAC(secret, id), as classroom grading draws it), with an index of who got which file."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from pathlib import Path

from ... import i18n
from ...errors import UsageError
from ...records import Record
from .output import (DRAWING_SUFFIX, EXTENSIONS, MESSAGES as OUTPUT_MESSAGES, files, kind_for,
                     save)
from ...steps.stubs import DEFAULT_SCAFFOLD
from .model import view

MESSAGES = {
    "no_roster": {"en": "cannot read roster {path}: {reason}", "zh": "无法读取名单 {path}：{reason}"},
    "roster_column": {"en": "roster {path} needs a header row with a column named student or id "
                            "(found: {found})",
                      "zh": "名单 {path} 需要表头，其中一列名为 student 或 id（现有：{found}）"},
    "roster_empty": {"en": "roster {path} lists no student", "zh": "名单 {path} 中没有学生"},
    "roster_blank": {"en": "roster {path}, line {line}: the student id is empty",
                     "zh": "名单 {path} 第 {line} 行：学生编号为空"},
    "roster_duplicate": {"en": "roster {path}, line {line}: student {student!r} is listed twice",
                         "zh": "名单 {path} 第 {line} 行：学生 {student!r} 重复出现"},
}

ID_COLUMNS = ("student", "id")


class RosterSheet(Record, frozen=True, eq=True):
    student: str
    seed: int
    sheet: str           # file name inside the output folder
    key: str             # "" when no key was asked for


def read_roster(path: Path, lang: str = "en") -> list:
    """Student ids from a CSV with a header row naming a ``student`` (or ``id``) column."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(i18n.text(MESSAGES, "no_roster", lang, path=path, reason=exc)) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = {(name or "").strip().lower(): name for name in (reader.fieldnames or [])}
    column = next((fields[c] for c in ID_COLUMNS if c in fields), None)
    if column is None:
        raise UsageError(i18n.text(MESSAGES, "roster_column", lang, path=path,
                                   found=", ".join(reader.fieldnames or []) or "-"))
    students, seen = [], set()
    for line, row in enumerate(reader, start=2):
        student = unicodedata.normalize("NFC", (row.get(column) or "").strip())
        if not student:
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue                                      # a blank line
            raise UsageError(i18n.text(MESSAGES, "roster_blank", lang, path=path, line=line))
        if student in seen:
            raise UsageError(i18n.text(MESSAGES, "roster_duplicate", lang, path=path, line=line,
                                       student=student))
        seen.add(student)
        students.append(student)
    if not students:
        raise UsageError(i18n.text(MESSAGES, "roster_empty", lang, path=path))
    return students


def file_stem(student: str) -> str:
    """A portable file name for any id: safe ASCII letters plus a hash of the exact id.

    The hash keeps ids apart that differ only in case or in characters the slug drops.
    """
    student = unicodedata.normalize("NFC", student)
    ascii_form = unicodedata.normalize("NFKD", student).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", ascii_form).strip("_-")[:40] or "student"
    digest = hashlib.sha256(student.encode("utf-8")).hexdigest()[:10]
    return f"{slug}-{digest}"


def roster(path: Path, out: Path, secret: str, fmt: str = "html", lang: str = "en",
           answers: bool = False, static: bool = False, paper: str = "a4",
           scaffold: str = DEFAULT_SCAFFOLD) -> list:
    """One sheet (and key) per student into ``out``, plus ``index.csv``; byte-stable output.
    A Markdown sheet and its key share one drawing, ``<stem>.svg``. Every file is made before
    any is written, and they are written all or none (a folder made for them is removed)."""
    from ...engine.generators import generate
    from ...steps.quantities import reference
    from ...engine.seeds import student_seed

    students = read_roster(path, lang)
    out = Path(out)
    kind = kind_for(fmt, False, static)
    texts, written = {}, []
    for student in students:
        seed = student_seed(secret, student)
        problem = generate(seed)
        values = reference(problem)
        stem = file_stem(student)
        drawing_at = out / f"{stem}{DRAWING_SUFFIX}"
        name = f"{stem}.{EXTENSIONS[fmt]}"
        texts.update(files(view(problem, values, fmt, lang, kind, student, paper, scaffold),
                           out / name, drawing_at))
        key_name = ""
        if answers:
            key_name = f"{stem}.key.{EXTENSIONS[fmt]}"
            texts.update(files(view(problem, values, fmt, lang, "key", student, paper, scaffold),
                               out / key_name, drawing_at))
        written.append(RosterSheet(student, seed, name, key_name))
    lines = [["student", "seed", "sheet", "key"]] + [
        [s.student, str(s.seed), s.sheet, s.key] for s in written]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(lines)
    texts[out / "index.csv"] = buffer.getvalue()
    made = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(i18n.text(OUTPUT_MESSAGES, "cannot_write", lang, path=out,
                                   reason=exc.strerror or exc)) from exc
    try:
        save(texts, lang)
    except BaseException:
        if made:
            try:
                out.rmdir()             # only if empty: nothing of ours is left in it
            except OSError:
                pass
        raise
    return written

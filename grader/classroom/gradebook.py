"""Progress kept per student (resumable), and the gradebooks written from it at the end.

Progress is JSON lines in ``<out>.progress`` (mode 600, never opened through a link); with
``resume`` the students already there are not graded again. The CSV gradebook (and the JSON
and Canvas CSV) are written from that file at the end, atomically.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import stat
import unicodedata
from pathlib import Path

from ..errors import UsageError
from ..i18n import LIST_SEPARATOR, pick, text
from ..roster import CANVAS_ID, cell, header_key

PROGRESS_VERSION = 1

MESSAGES = {
    "progress_link": {
        "en": "{path} is a link or not a regular file; the progress file is never followed. "
              "Remove it and run again",
        "zh": "{path} 是链接或不是普通文件；进度文件不会跟随链接。请删除它后重新运行"},
    "progress_mismatch": {
        "en": "{path} was written with another secret or step list; run without --resume "
              "to grade everyone again",
        "zh": "{path} 是用别的密钥或步骤表写的；请去掉 --resume 重新评分"},
    "not_on_roster": {
        "en": "warning: {n} submissions are not on the roster and have no row in {canvas}: "
              "{students}",
        "zh": "警告：{n} 份提交不在名单上，{canvas} 中没有它们的行：{students}"},
}

# Canvas's gradebook import: the leading columns it requires, then one per assignment.
CANVAS_COLUMNS = ("Student", "ID", CANVAS_ID, "SIS Login ID", "Section")
NAME_COLUMNS = ("Student", "name", "full name", "姓名")    # a roster's column of names


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
    """The progress file's first line; ``run``: the nonce of the run that began it (a resumed
    run draws further problems of its own)."""
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


def _nfc(student: str) -> str:
    return unicodedata.normalize("NFC", student)


def canvas_csv(records, column: str, max_score: int, roster=None) -> bytes:
    """Canvas gradebook import: :data:`CANVAS_COLUMNS`, then the score in ``column``.

    Without a roster, one row per graded student, matched on SIS User ID (the folder name, the
    column a Canvas export read as a roster takes its ids from, :mod:`grader.roster`). With
    ``roster`` (:func:`grader.roster.read_table`'s rows), one row per student on it, in its
    order, with its name and, from a Canvas export (it has a SIS User ID column), its Canvas
    ID, SIS ids and section, so the file uploads unchanged; a student without a submission
    gets an empty score, and a submission not on the roster no row (:func:`not_on_roster`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*CANVAS_COLUMNS, column])
    writer.writerow(["    Points Possible", "", "", "", "", max_score])
    if roster is None:
        for record in records:
            writer.writerow([record["student"], "", record["student"], "", "",
                             _number(record["score"])])
        return buffer.getvalue().encode("utf-8")
    scores = {_nfc(record["student"]): _number(record["score"]) for record in records}
    for student, row in roster:
        canvas = header_key(CANVAS_ID) in {header_key(field) for field in row}
        name = cell(row, *NAME_COLUMNS) or ", ".join(
            part for part in (cell(row, "last name"), cell(row, "first name")) if part)
        writer.writerow([name or student,
                         cell(row, "ID") if canvas else "",
                         cell(row, CANVAS_ID) if canvas else student,
                         cell(row, "SIS Login ID") if canvas else "",
                         cell(row, "Section"),
                         scores.get(student, "")])
    return buffer.getvalue().encode("utf-8")


def not_on_roster(students, roster) -> list:
    """The ids among ``students`` that ``roster`` (rows of :func:`grader.roster.read_table`)
    does not list, as written."""
    listed = {student for student, _ in roster}
    return [student for student in students if _nfc(student) not in listed]


def roster_warning(missing: list, canvas, lang: str) -> str:
    return text(MESSAGES, "not_on_roster", lang, n=len(missing), canvas=canvas,
                students=pick(LIST_SEPARATOR, lang).join(missing))


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

"""A class list from any course tool's CSV: which column holds the student's id.

A roster is a CSV with a header row. Its id column is the one ``--id-column`` names, else the
first of :data:`ID_COLUMNS` it has, headers compared without case, spaces, ``_``, ``-`` or
``.`` (``Student ID`` = ``student_id``, ``SIS User ID`` = ``sis_user_id``). The order puts the
id a platform grades by before the columns that hold something else there:

    SIS User ID        Canvas: its export's "Student" holds names ("Doe, Jane"), and the Canvas
                       CSV of ``bpgrade grade --canvas`` matches students on SIS User ID
    github_username    GitHub Classroom: collected repositories are named by the GitHub user
    student_id, student_number, sid, 学号
                       a column that says it is the student's id (Gradescope's SID)
    student, id        bpgrade's own files (index.csv, the gradebooks)
    identifier         GitHub Classroom's roster identifier
    login, SIS Login ID, email, email address
                       last: a login or an address, where nothing above is given

Other columns (names, sections) are ignored. A UTF-8 byte-order mark (Excel) is dropped; the
separator is the one the header row uses, a comma, a semicolon (Excel where the decimal mark is
a comma) or a tab. Text that is not UTF-8 is refused with a hint to save it as CSV UTF-8.
Canvas's gradebook export carries rows that are not students: "Points Possible" (the second
or third row), a posting-policy row ("Manual Posting", "Muted") and its test student
("Student, Test"); a row is skipped as one of these only when its id cell is empty.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

from . import i18n
from .errors import UsageError

CANVAS_ID = "SIS User ID"       # the column the Canvas CSV writes a student's id into

ID_COLUMNS = (CANVAS_ID, "github_username", "student_id", "student_number", "sid", "学号",
              "student", "id", "identifier", "login", "SIS Login ID", "email", "email address")

CANVAS_ROWS = ("points possible", "student, test")            # the first cell, casefolded
CANVAS_POSTING = ("manual posting", "muted")                  # every non-empty cell

MESSAGES = {
    "no_roster": {"en": "cannot read roster {path}: {reason}", "zh": "无法读取名单 {path}：{reason}"},
    "roster_encoding": {
        "en": "roster {path} is not UTF-8 text; save it as CSV UTF-8 (in Excel: Save As, "
              "CSV UTF-8) and try again",
        "zh": "名单 {path} 不是 UTF-8 文本；请另存为 CSV UTF-8（Excel 中：另存为，"
              "CSV UTF-8（逗号分隔））后重试"},
    "roster_column": {
        "en": "roster {path} has no column of student ids; its columns: {found}. Name one with "
              "--id-column NAME; recognised: {known}",
        "zh": "名单 {path} 中没有学号列；现有的列：{found}。请用 --id-column NAME 指定；"
              "可自动识别的列名：{known}"},
    "roster_no_such_column": {
        "en": "roster {path} has no column {column!r}; its columns: {found}",
        "zh": "名单 {path} 中没有 {column!r} 列；现有的列：{found}"},
    "roster_empty": {"en": "roster {path} lists no student", "zh": "名单 {path} 中没有学生"},
    "roster_blank": {"en": "roster {path}, line {line}: the student id ({column}) is empty",
                     "zh": "名单 {path} 第 {line} 行：学号（{column}）为空"},
    "roster_duplicate": {"en": "roster {path}, line {line}: student {student!r} is listed twice",
                         "zh": "名单 {path} 第 {line} 行：学生 {student!r} 重复出现"},
}


def header_key(name: str) -> str:
    """A header as compared: ``SIS User ID``, ``sis_user_id`` and ``Sis-User-Id`` are one."""
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "_-.")


def id_column(fields, chosen: str | None = None, path: Path | str = "", lang: str = "en") -> str:
    """The header among ``fields`` holding the student's id: ``chosen`` if given, else the
    first of :data:`ID_COLUMNS` present. A :class:`UsageError` listing ``fields`` if none."""
    by_key = {}
    for name in fields or ():
        by_key.setdefault(header_key(name), name)
    separator = i18n.pick(i18n.LIST_SEPARATOR, lang)
    found = separator.join(f for f in fields or () if f) or "-"
    if chosen is not None:
        if header_key(chosen) not in by_key:
            raise UsageError(i18n.text(MESSAGES, "roster_no_such_column", lang, path=path,
                                       column=chosen, found=found))
        return by_key[header_key(chosen)]
    for name in ID_COLUMNS:
        if header_key(name) in by_key:
            return by_key[header_key(name)]
    raise UsageError(i18n.text(MESSAGES, "roster_column", lang, path=path, found=found,
                               known=separator.join(ID_COLUMNS)))


def _not_a_student(row: list, first: str) -> bool:
    """A Canvas row that is not a student (its id cell is already known to be empty)."""
    cells = [cell.strip().casefold() for cell in row if cell and cell.strip()]
    return first.strip().casefold() in CANVAS_ROWS or (
        bool(cells) and all(cell in CANVAS_POSTING for cell in cells))


def _separator(content: str) -> str:
    """The header row's separator: a comma, unless it uses semicolons or tabs instead."""
    try:
        return csv.Sniffer().sniff(content.partition("\n")[0], delimiters=",;\t").delimiter
    except csv.Error:                     # one column: nothing to tell
        return ","


def read_table(path: Path, lang: str = "en", column: str | None = None) -> tuple:
    """(id column, [(student id (NFC), {header: cell})] in the roster's order): every row
    of a student, kept whole for what else it says (a Canvas roster's name, ids and section);
    ``column`` names the id column."""
    path = Path(path)
    try:
        content = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(i18n.text(MESSAGES, "roster_encoding", lang, path=path)) from exc
    except OSError as exc:
        raise UsageError(i18n.text(MESSAGES, "no_roster", lang, path=path,
                                   reason=exc.strerror or exc)) from exc
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=_separator(content))
    fields = next(reader, [])
    name = id_column(fields, column, path, lang)
    where = fields.index(name)
    rows, seen = [], set()
    for line, row in enumerate(reader, start=2):
        cell = row[where] if where < len(row) else ""
        student = unicodedata.normalize("NFC", cell.strip())
        if not student:
            if not any(value.strip() for value in row) or _not_a_student(row, row[0]):
                continue                           # a blank line, or Canvas's extra rows
            raise UsageError(i18n.text(MESSAGES, "roster_blank", lang, path=path, line=line,
                                       column=name))
        if student in seen:
            raise UsageError(i18n.text(MESSAGES, "roster_duplicate", lang, path=path, line=line,
                                       student=student))
        seen.add(student)
        rows.append((student, {field: value for field, value in zip(fields, row)}))
    if not rows:
        raise UsageError(i18n.text(MESSAGES, "roster_empty", lang, path=path))
    return name, rows


def read_roster(path: Path, lang: str = "en", column: str | None = None) -> list:
    """Student ids in the roster's order (NFC); ``column`` names the id column."""
    return [student for student, _ in read_table(path, lang, column)[1]]


def cell(row: dict, *names: str) -> str:
    """The row's value under the first of ``names`` it has (headers compared as
    :func:`header_key` does), stripped; empty if none."""
    by_key = {header_key(field): value for field, value in reversed(list(row.items()))}
    for name in names:
        if header_key(name) in by_key:
            return by_key[header_key(name)].strip()
    return ""

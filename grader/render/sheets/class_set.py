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
from ...notation import SEED_LOSS
from ...records import Record
from ...roster import read_roster
from .output import (DRAWING_SUFFIX, EXTENSIONS, MESSAGES as OUTPUT_MESSAGES, files, kind_for,
                     save)
from ...steps.stubs import DEFAULT_SCAFFOLD
from . import arrays
from .model import view


class RosterSheet(Record, frozen=True, eq=True):
    student: str
    seed: int
    sheet: str           # file name inside the output folder
    key: str             # "" when no key was asked for


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
           scaffold: str = DEFAULT_SCAFFOLD, id_column: str | None = None,
           loss: str = SEED_LOSS, step=None) -> list:
    """One sheet (and key) per student into ``out``, plus ``index.csv``; byte-stable output.
    A Markdown sheet and its key share one drawing, ``<stem>.svg``. Every file is made before
    any is written, and they are written all or none (a folder made for them is removed).
    ``id_column`` names the roster's id column (default: found as :mod:`grader.roster` says);
    ``loss``: the lesson's network drawn with that loss, as ``bpgrade problem --loss``;
    ``step``: a step whose answers are arrays, each student's sheet of it (:mod:`.arrays`)."""
    from ...engine.generators import generate
    from ...steps.quantities import reference
    from ...engine.seeds import student_seed

    students = read_roster(path, lang, id_column)
    out = Path(out)
    kind = kind_for(fmt, False, static)
    texts, written = {}, []
    for student in students:
        seed = student_seed(secret, student)
        if step is not None:
            shown = step.shown(seed)

            def model(which):
                return arrays.view(step, shown, seed, fmt, lang, which, student, paper,
                                   scaffold)
        else:
            problem = generate(seed, lang=lang, loss=loss)
            values = reference(problem, lang)

            def model(which):
                return view(problem, values, fmt, lang, which, student, paper, scaffold)
        stem = file_stem(student)
        drawing_at = out / f"{stem}{DRAWING_SUFFIX}"
        name = f"{stem}.{EXTENSIONS[fmt]}"
        texts.update(files(model(kind), out / name, drawing_at))
        key_name = ""
        if answers:
            key_name = f"{stem}.key.{EXTENSIONS[fmt]}"
            texts.update(files(model("key"), out / key_name, drawing_at))
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

"""Gradescope: grade one submission in the container it gives each, and the autograder zip.

:func:`grade_submission` grades one submission folder the way ``bpgrade grade`` grades one
student, and :func:`results_json` renders the record in Gradescope's results format
(https://gradescope-autograders.readthedocs.io/en/latest/specs/): top-level ``score``,
``output``, ``visibility``, ``stdout_visibility`` and ``tests``, each test with ``name``,
``number``, ``score``, ``max_score``, ``status`` (passed/failed), ``output`` and
``visibility``. Every text is declared plain (``output_format``, ``name_format`` and the
defaults ``test_output_format``, ``test_name_format`` set to ``"text"``; the spec's other
formats are html, simple_format, md and ansi), so what a student's code prints or raises is
shown as written and can never become HTML or Markdown on Gradescope's page.
:func:`autograder_zip` builds the zip Gradescope asks for (``setup.sh`` and ``run_autograder``
at its root, from the templates ``setup.sh.j2`` and ``run_autograder.sh.j2``).
"""

from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import Path

from bpgrade_harness import jail

from .. import classroom, sandbox
from ..steps import registry
from ..atomic_write import write_atomically
from ..errors import UsageError
from ..i18n import pick, text
from ..engine.seeds import student_seed
from ..render import templates
from ..checking.check import FURTHER_PROBLEMS
from ..render.terminal import output_lines, points
from .bundle import package_files, requirements

SUBMISSION = Path("/autograder/submission")
RESULTS = Path("/autograder/results/results.json")
METADATA = Path("/autograder/submission_metadata.json")
TEXT_FORMAT = "text"        # Gradescope shows the string as written: no HTML, no Markdown

MESSAGES = {
    "no_student": {
        "en": "no student id: pass --student ID, or provide {path} (Gradescope writes it)",
        "zh": "没有学生 id：请用 --student ID，或提供 {path}（Gradescope 会生成它）"},
    "no_submission": {"en": "no submission folder at {path}", "zh": "找不到提交目录 {path}"},
    "total": {"en": "{score} / {max} points; the details of each step are below.",
              "zh": "{score} / {max} 分；各步详情见下。"},
    "diagnosis": {"en": "Likely cause: {message}", "zh": "可能原因：{message}"},
    "output": {"en": "Printed output:\n{output}", "zh": "打印输出：\n{output}"},
}


def student_from_metadata(path: Path = METADATA, lang: str = "en") -> str:
    """The submitter's id from Gradescope's metadata: student id (sid), else e-mail, else id."""
    try:
        users = json.loads(Path(path).read_text(encoding="utf-8"))["users"]
        user = users[0]
        for key in ("sid", "email", "id"):
            if user.get(key) not in (None, ""):
                return str(user[key])
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        pass
    raise UsageError(text(MESSAGES, "no_student", lang, path=path))


def submission_folder(path: Path, lang: str = "en") -> Path:
    """Where the stepNN.py files are: the folder itself or the one sub-folder holding them."""
    path = Path(path)
    if not path.is_dir():
        raise UsageError(text(MESSAGES, "no_submission", lang, path=path))
    names = {step.file_name for step in registry.STEPS}
    if any((path / name).exists() for name in names):
        return path
    for candidate in sorted(p for p in path.rglob("step*.py") if p.name in names):
        return candidate.parent
    return path


def grade_submission(folder: Path, student: str, secret: str, lang: str = "en",
                     timeout: float = sandbox.DEFAULT_TIMEOUT,
                     limits: sandbox.Limits | None = None,
                     isolation: sandbox.Isolation | None = None, steps=None,
                     problem_set=None) -> dict:
    """The record (as in the classroom gradebook) for one submission; student code runs as
    ``isolation`` says (default: namespaces, refused where the machine has none). ``steps``:
    the steps graded (default all); ``problem_set``: the problems (default the student's,
    from the secret)."""
    isolation = isolation or sandbox.choose(False, lang)
    client = sandbox.RunnerClient(timeout, lang, limits, isolation.user(0), isolation.mode,
                                  isolation.quota)
    jail.undumpable()                   # the secret is in this process: no ptrace, no environ
    try:
        results = classroom.grade_student(client, student, Path(folder), secret, lang,
                                          steps=steps, run=classroom.new_run(),
                                          problem_set=problem_set)
    finally:
        jail.undumpable(False)
        client.close()
    seed = problem_set.seed if problem_set is not None else student_seed(secret, student)
    return classroom.record_for(student, seed, results)


def results_json(record: dict, lang: str = "en", visibility: str = "visible") -> dict:
    """Gradescope's results.json for one student's record (the record is only rendered).
    Student text stays plain: every output and name is declared ``"text"``."""
    tests = []
    for item in record["results"]:
        step = registry.BY_ID[item["step"]]
        parts = [item["message"]]
        diagnosis = item.get("diagnosis") or {}
        if diagnosis.get("message"):
            parts.append(text(MESSAGES, "diagnosis", lang, message=diagnosis["message"]))
        if item["error"] and item["error"] not in item["message"]:
            parts.append(item["error"])
        if item["output"]:
            printed = output_lines(item.get("output_parts") or [], item["output"],
                                   FURTHER_PROBLEMS + 1, lang, limit=200)
            parts.append(text(MESSAGES, "output", lang, output="\n".join(printed)))
        tests.append({
            "name": f"{step.id}: {pick(step.title, lang)}",
            "number": str(step.number),
            "score": item["score"],
            "max_score": item["max_score"],
            "status": "passed" if item["status"] == "passed" else "failed",
            "output": "\n\n".join(parts),
            "output_format": TEXT_FORMAT,
            "name_format": TEXT_FORMAT,
            "visibility": visibility,
        })
    return {
        "score": record["score"],
        "output": text(MESSAGES, "total", lang,
                       score=points(record["score"], record["max_score"]), max=record["max_score"]),
        "output_format": TEXT_FORMAT,
        "test_output_format": TEXT_FORMAT,
        "test_name_format": TEXT_FORMAT,
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def run(submission: Path = SUBMISSION, results: Path = RESULTS, metadata: Path = METADATA,
        student: str | None = None, secret_file=None, lang: str = "en",
        timeout: float = sandbox.DEFAULT_TIMEOUT, visibility: str = "visible",
        trust_submissions: bool = False, isolation: sandbox.Isolation | None = None) -> dict:
    """``bpgrade gradescope``: grade the submission and write results.json atomically.

    A Gradescope container rarely allows namespaces: the exported script passes
    ``trust_submissions`` (a fresh process per submission, under its own uid as root)."""
    folder = submission_folder(submission, lang)
    student = student or student_from_metadata(metadata, lang)
    secret = classroom.course_secret(secret_file, folder, lang)
    isolation = isolation or sandbox.choose(trust_submissions, lang)
    record = grade_submission(folder, student, secret, lang, timeout, isolation=isolation)
    data = results_json(record, lang, visibility)
    Path(results).parent.mkdir(parents=True, exist_ok=True)
    write_atomically(Path(results), classroom._text_json(data).encode("utf-8"))
    return data


# --- the autograder zip ----------------------------------------------------------------------

def _add(archive: zipfile.ZipFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = (mode | stat.S_IFREG) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def setup_script(needed: list) -> str:
    """``setup.sh``: install ``needed`` (each one shell word; :func:`requirements`), then lock
    the source away."""
    import platform

    return templates.render("setup.sh.j2", requirements=needed,
                            python=platform.python_version())


def run_script(timeout: float, lang: str) -> str:
    """``run_autograder``: grade the submission Gradescope mounted."""
    return templates.render("run_autograder.sh.j2", timeout=f"{timeout:g}", lang=lang)


def config_toml(secret: str) -> str:
    """A bpgrade.toml holding the course secret, whatever characters it has."""
    import tomli_w

    return tomli_w.dumps({"grade": {"secret": secret}})


def autograder_zip(secret: str, lang: str = "en",
                   timeout: float = sandbox.DEFAULT_TIMEOUT) -> bytes:
    """The zip to upload as a Gradescope autograder: setup.sh, run_autograder, the grader."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _add(archive, "setup.sh", setup_script(requirements(lang)).encode(), mode=0o755)
        _add(archive, "run_autograder", run_script(timeout, lang).encode(), mode=0o755)
        _add(archive, "bpgrade.toml", config_toml(secret).encode(), mode=0o600)
        for path, name in package_files():
            _add(archive, name.as_posix(), path.read_bytes())
    return buffer.getvalue()

"""``bpgrade export prairielearn DIR``: a complete, minimal PrairieLearn course.

    infoCourse.json                      the course, its topic and the questions' tags
    questions/bpgrade/stepNN/            a step answered with numbers (pl-number-input)
    questions/bpgrade/stepNN-code/       the step's exercise file, graded externally
    serverFilesCourse/                   grader/ and bpgrade_harness/ (this bpgrade),
                                         jinja2/ and markupsafe/ (the drawing's template
                                         engine), bpgrade_grade.sh (the external grader)
    courseInstances/Example/             an example homework holding every question
    .bpgrade-export.json                 what this export wrote (a later export may replace it)

Every question's ``info.json`` follows PrairieLearn's infoQuestion schema; every uuid is
``uuid5`` of :data:`NAMESPACE` and a fixed name, so exporting again gives the same uuids and
PrairieLearn keeps its students' work on them. The whole folder is made before any of it is
written, then put in place with a rename: all files or none.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import uuid
from pathlib import Path

from ...errors import UsageError
from ...i18n import pick, text
from ...sandbox.outcome import DEFAULT_TIMEOUT
from ...steps.stubs import DEFAULT_SCAFFOLD
from . import question

NAMESPACE = uuid.UUID("9daf84d0-c672-4a4e-b803-029eb7ba5532")   # never change: uuids follow it
MANIFEST = ".bpgrade-export.json"
GENERATOR = "bpgrade export prairielearn"
QUESTION_FOLDER = "bpgrade"            # questions/bpgrade/: the QIDs are bpgrade/stepNN
SERVER_FILES = "serverFilesCourse"
ENTRYPOINT = "bpgrade_grade.sh"
IMAGE = "prairielearn/grader-python"
# server.py renders the network drawing with grader's jinja2 template; PrairieLearn's question
# runtime does not promise jinja2, so its pure-Python source goes with the course.
VENDORED = ("jinja2", "markupsafe")
INSTANCE = "courseInstances/Example"
ASSESSMENT = f"{INSTANCE}/assessments/bpgrade"
JOB_SECONDS = 60                   # the grading job beyond the steps: start-up, numpy, drawing
MAX_JOB_SECONDS = 600              # PrairieLearn's limit for a grading job
TAG_COLORS = {"bpgrade": "blue1", "seed-network": "green1", "code": "orange1"}
STEP_TAG_COLOR = "gray1"
ACCESS = {"startDate": "2026-01-01T00:00:00", "endDate": "2030-12-31T23:59:59"}

MESSAGES = {
    "course_title": {"en": "Backpropagation, step by step (bpgrade)",
                     "zh": "逐步计算反向传播（bpgrade）"},
    "topic": {"en": "Backpropagation", "zh": "反向传播"},
    "topic_description": {
        "en": "The forward pass and the backward pass of the lesson's 2-3-2-1 network, one "
              "step at a time",
        "zh": "课文中 2-3-2-1 网络的前向传播与反向传播，一次一步"},
    "tag_bpgrade": {"en": "Written by bpgrade export prairielearn",
                    "zh": "由 bpgrade export prairielearn 生成"},
    "tag_seed-network": {"en": "On the lesson's 2-3-2-1 sigmoid network",
                         "zh": "基于课文中的 2-3-2-1 sigmoid 网络"},
    "tag_code": {"en": "Graded by running the student's code in bpgrade's sandbox",
                 "zh": "在 bpgrade 的沙箱中运行学生代码来评分"},
    "set_name": {"en": "Backpropagation", "zh": "反向传播"},
    "set_heading": {"en": "Backpropagation", "zh": "反向传播"},
    "instance": {"en": "bpgrade example", "zh": "bpgrade 示例"},
    "assessment": {"en": "Backpropagation, step by step", "zh": "逐步计算反向传播"},
    "zone_numbers": {"en": "Each step by hand", "zh": "每一步手算"},
    "zone_code": {"en": "Each step as code", "zh": "每一步写成代码"},
    "code_title": {"en": "{title} (code)", "zh": "{title}（代码）"},
    "seed_line": {"en": "Your problem is bpgrade's seed {seed}: bpgrade problem --seed {seed} "
                        "shows every number of it.",
                  "zh": "你的题目是 bpgrade 的种子 {seed}：bpgrade problem --seed {seed} "
                        "会列出它的全部数值。"},
    "values_intro": {"en": "Besides the numbers in the drawing, you may use:",
                     "zh": "除了图中的数值，你还可以使用："},
    "task_numbers": {"en": "Enter each answer to a relative error of at most {tolerance}.",
                     "zh": "每个答案的相对误差不得超过 {tolerance}。"},
    "task_code": {"en": "Write {file}: {function}(net) as its docstring asks. It runs on your "
                        "problem and on {further} more drawn at random, as bpgrade check "
                        "{step} --seed {seed} runs it on yours.",
                  "zh": "编写 {file}：按文档字符串的要求实现 {function}(net)。它会在你的题目和另外 "
                        "{further} 个随机抽取的题目上运行，就像 bpgrade check {step} --seed {seed} "
                        "在你的题目上运行它一样。"},
    "wrote": {"en": "wrote a PrairieLearn course of {n} questions in {path}",
              "zh": "已在 {path} 中写出含 {n} 道题的 PrairieLearn 课程"},
    "not_a_folder": {"en": "{path} is not a folder", "zh": "{path} 不是文件夹"},
    "not_an_export": {
        "en": "{path} is not empty and is not an earlier bpgrade export (it has no {manifest}): "
              "nothing was written; choose a new or empty folder",
        "zh": "{path} 不是空文件夹，也不是之前的 bpgrade 导出（其中没有 {manifest}）：未写入任何"
              "文件；请选择一个新的或空的文件夹"},
    "foreign_file": {
        "en": "{path} holds {file}, which the earlier bpgrade export did not write: nothing was "
              "written; move it away or choose another folder",
        "zh": "{path} 中有 {file}，它不是之前的 bpgrade 导出写入的：未写入任何文件；请把它移走，"
              "或选择另一个文件夹"},
}


def stable_uuid(name: str) -> str:
    """The uuid of ``name`` (a question id, "course", ...): the same in every export."""
    return str(uuid.uuid5(NAMESPACE, name))


def question_id(step, code: bool) -> str:
    """PrairieLearn's QID, the question's folder under questions/: bpgrade/step07(-code)."""
    return f"{QUESTION_FOLDER}/{step.file_name[:-3]}" + ("-code" if code else "")


def questions() -> list:
    """(step, code) for every question: each step answered with numbers where it can be
    (:func:`question.numeric`), then every step's exercise file as code."""
    from ...steps import registry

    return ([(step, False) for step in registry.STEPS if question.numeric(step)]
            + [(step, True) for step in registry.STEPS])


def job_timeout(timeout: float) -> int:
    """Seconds for a whole grading job: start-up, then each of a step's problems in turn."""
    from ...checking.check import FURTHER_PROBLEMS

    return min(MAX_JOB_SECONDS, JOB_SECONDS + math.ceil(timeout * (FURTHER_PROBLEMS + 1)))


def tags(step, code: bool) -> list:
    return (["bpgrade", step.id] + (["seed-network"] if question.drawn(step) else [])
            + (["code"] if code else []))


def info_question(step, code: bool, lang: str, timeout: float) -> dict:
    """The question's info.json (PrairieLearn's infoQuestion: uuid, type, title, topic,
    tags; a code question adds its external grading)."""
    from ..bundle import PACKAGES           # the grader and what runs beside student code

    title = question.title(step, lang)
    info = {"uuid": stable_uuid(question_id(step, code)), "type": "v3",
            "title": text(MESSAGES, "code_title", lang, title=title) if code else title,
            "topic": text(MESSAGES, "topic", lang), "tags": tags(step, code)}
    if code:
        info["gradingMethod"] = "External"
        info["externalGradingOptions"] = {
            "enabled": True, "image": IMAGE,
            "serverFilesCourse": [f"{name}/" for name in PACKAGES] + [ENTRYPOINT],
            "entrypoint": f"/grade/{SERVER_FILES}/{ENTRYPOINT} {step.id}",
            "timeout": job_timeout(timeout)}
    return info


def _no_mustache(value: str) -> str:
    """Text placed in question.html as it is: two opening braces would start a mustache tag."""
    while "{{" in value:
        value = value.replace("{{", "{ {")
    return value


def _field(path: str) -> str:
    """A mustache field PrairieLearn fills (HTML-escaped): ``{{params.x}}``."""
    return "{{" + path + "}}"


def question_view(step, code: bool, lang: str, scaffold: str) -> dict:
    """What question.html places, all strings: the step's words at ``scaffold`` (as its stub
    shows them), mustache fields for the variant's numbers, and the answers."""
    from ... import tolerances
    from ...checking.check import FURTHER_PROBLEMS
    from ...steps import stubs

    shown = stubs.support(step, scaffold)
    seed = _field("params.seed")
    lesson = step.meaning if shown == "formula" else step.goal
    view = {
        "heading": question.title(step, lang),
        # A variant's seed gives its answers away (bpgrade problem prints them): only a code
        # question, graded on further problems drawn at random, names it.
        "seed_line": text(MESSAGES, "seed_line", lang, seed=seed) if code else "",
        "drawing": _field("params.network_svg_base64") if question.drawn(step) else "",
        "drawing_alt": question.drawing_description(lang),
        "factors": _no_mustache(pick(step.factors, lang)) if shown == "factors" else "",
        "lesson": _no_mustache(pick(lesson, lang)),
        "formula": _no_mustache(step.formula) if shown == "formula" else "",
        "values_intro": text(MESSAGES, "values_intro", lang),
        "rows": [{"symbol": _no_mustache(question.symbol(name)),
                  "field": _field(f"params.values.{name}")}
                 for name in question.table_names(step)],
        "code": code, "file": step.file_name,
        "rtol": f"{tolerances.RELATIVE:g}",
        # PrairieLearn's relabs test is |a − e| ≤ atol + rtol·|e|; bpgrade's floor as atol.
        "atol": f"{tolerances.RELATIVE * tolerances.FLOOR:g}",
        "answers": [{"name": name, "symbol": _no_mustache(question.symbol(quantity))}
                    for name, quantity in question.answers(step)],
    }
    if code:
        view["task"] = text(MESSAGES, "task_code", lang, file=step.file_name,
                            function=step.function_name, further=FURTHER_PROBLEMS,
                            step=step.id, seed=seed)
    else:
        view["task"] = text(MESSAGES, "task_numbers", lang, tolerance=view["rtol"])
    return view


def question_html(step, code: bool, lang: str, scaffold: str) -> str:
    from ...render import templates

    return templates.render("prairielearn_question.html.j2",
                            q=question_view(step, code, lang, scaffold))


def server_py(step, code: bool, lang: str) -> str:
    from ...render import templates

    return templates.render("prairielearn_server.py.j2", step=step.id, lang=lang, code=code)


def grade_script(timeout: float, lang: str) -> str:
    from ...render import templates

    return templates.render("prairielearn_grade.sh.j2", image=IMAGE, timeout=f"{timeout:g}",
                            lang=lang)


def _json(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def info_course(lang: str) -> dict:
    from ...steps import registry

    topic = text(MESSAGES, "topic", lang)
    return {
        "comment": GENERATOR,
        "uuid": stable_uuid("course"), "name": "bpgrade",
        "title": text(MESSAGES, "course_title", lang),
        "topics": [{"name": topic, "color": "blue1",
                    "description": text(MESSAGES, "topic_description", lang)}],
        "tags": ([{"name": name, "color": color, "description": text(MESSAGES, "tag_" + name,
                                                                      lang)}
                  for name, color in TAG_COLORS.items()]
                 + [{"name": step.id, "color": STEP_TAG_COLOR,
                     "description": question.title(step, lang)} for step in registry.STEPS]),
        "assessmentSets": [{"abbreviation": "BP", "name": text(MESSAGES, "set_name", lang),
                            "heading": text(MESSAGES, "set_heading", lang), "color": "blue1"}],
    }


def info_instance(lang: str) -> dict:
    return {"uuid": stable_uuid("instance/Example"),
            "longName": text(MESSAGES, "instance", lang), "allowAccess": [dict(ACCESS)]}


def info_assessment(lang: str) -> dict:
    zones = []
    for code, zone in ((False, "zone_numbers"), (True, "zone_code")):
        zones.append({"title": text(MESSAGES, zone, lang),
                      "questions": [{"id": question_id(step, code), "points": step.points}
                                    for step, is_code in questions() if is_code == code]})
    return {"uuid": stable_uuid("assessment/bpgrade"), "type": "Homework",
            "title": text(MESSAGES, "assessment", lang),
            "set": text(MESSAGES, "set_name", lang), "number": "1",
            "allowAccess": [dict(ACCESS, credit=100)], "zones": zones}


def _licences(packages):
    """(path, name in the course) of the licence files of the vendored libraries."""
    from importlib import metadata

    for package in packages:
        # each vendored library is named as its package (jinja2, markupsafe); Python 3.10's
        # packages_distributions() knows only libraries that ship a top_level.txt
        for file in metadata.distribution(package).files or ():
            if "LICENSE" in file.name.upper():
                yield Path(file.locate()), Path(package) / file.name


def course_files(lang: str = "en", timeout: float = DEFAULT_TIMEOUT,
                 scaffold: str = DEFAULT_SCAFFOLD) -> dict:
    """Every file of the course: {relative path: (bytes, mode)}."""
    files = {
        "infoCourse.json": (_json(info_course(lang)), 0o644),
        f"{INSTANCE}/infoCourseInstance.json": (_json(info_instance(lang)), 0o644),
        f"{ASSESSMENT}/infoAssessment.json": (_json(info_assessment(lang)), 0o644),
        f"{SERVER_FILES}/{ENTRYPOINT}": (grade_script(timeout, lang).encode(), 0o755),
    }
    for step, code in questions():
        folder = f"questions/{question_id(step, code)}"
        files[f"{folder}/info.json"] = (_json(info_question(step, code, lang, timeout)), 0o644)
        files[f"{folder}/question.html"] = (question_html(step, code, lang, scaffold).encode(),
                                            0o644)
        files[f"{folder}/server.py"] = (server_py(step, code, lang).encode(), 0o644)
        if code:
            from ...steps import stubs

            files[f"{folder}/{step.file_name}"] = (stubs.render(step, scaffold).encode(), 0o644)
    from ..bundle import PACKAGES, package_files

    for path, name in [*package_files(PACKAGES), *package_files(VENDORED, python_only=True),
                       *_licences(VENDORED)]:
        files[f"{SERVER_FILES}/{name.as_posix()}"] = (path.read_bytes(), 0o644)
    manifest = {"generator": GENERATOR, "files": sorted(files)}
    files[MANIFEST] = (_json(manifest), 0o644)
    return files


# --- writing: all files or none ----------------------------------------------------------------

def _ignored(relative: Path) -> bool:
    """Files Python leaves behind when the course's code runs: never a user's work."""
    return "__pycache__" in relative.parts or relative.suffix == ".pyc"


def check_target(folder: Path, lang: str = "en") -> None:
    """``folder`` may be written: it does not exist, is empty, or holds an earlier export and
    nothing else. Otherwise a UsageError says why (nothing is written)."""
    folder = Path(folder)
    if not folder.exists() and not folder.is_symlink():
        return
    if not folder.is_dir() or folder.is_symlink():
        raise UsageError(text(MESSAGES, "not_a_folder", lang, path=folder))
    present = [p.relative_to(folder) for p in folder.rglob("*")
               if not p.is_dir() or p.is_symlink()]
    present = [p for p in present if not _ignored(p)]
    if not present:
        return
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        written = set(manifest["files"]) | {MANIFEST}
        if manifest.get("generator") != GENERATOR:
            raise ValueError(manifest.get("generator"))
    except (OSError, ValueError, KeyError, TypeError):
        raise UsageError(text(MESSAGES, "not_an_export", lang, path=folder,
                              manifest=MANIFEST)) from None
    for relative in sorted(present):
        if relative.as_posix() not in written:
            raise UsageError(text(MESSAGES, "foreign_file", lang, path=folder,
                                  file=relative.as_posix()))


def write(folder: Path, files: dict, lang: str = "en") -> None:
    """Write ``files`` as ``folder``: first into a new folder beside it, then renamed into
    place (an earlier export is swapped out and removed), so ``folder`` holds all of them or
    is left as it was."""
    import secrets

    folder = Path(folder)
    check_target(folder, lang)
    folder.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(4)
    staging = folder.parent / f".{folder.name}.bpgrade-{token}"
    try:
        staging.mkdir(mode=0o755)
        for relative, (data, mode) in sorted(files.items()):
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(data)
            os.chmod(path, mode)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = None
    if folder.exists():
        old = folder.parent / f".{folder.name}.old-{token}"
        os.rename(folder, old)
    try:
        os.rename(staging, folder)
    except BaseException:
        if old is not None:
            os.rename(old, folder)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def export(folder: Path, lang: str = "en", timeout: float = DEFAULT_TIMEOUT,
           scaffold: str = DEFAULT_SCAFFOLD, messages: str | None = None) -> int:
    """``bpgrade export prairielearn``: the course in ``folder`` (its text in ``lang``; an
    error in ``messages``, default ``lang``); returns the question count. The target is
    checked before anything is made."""
    messages = messages or lang
    check_target(folder, messages)
    write(folder, course_files(lang, timeout, scaffold), messages)
    return len(questions())

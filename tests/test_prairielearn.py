"""bpgrade export prairielearn: the course's files, its server.py in PrairieLearn's place, the
question pages as PrairieLearn fills them, the external grader, and the all-or-nothing export."""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import notation, tolerances
from grader.cli import main
from grader.platforms.prairielearn import course, grading, question
from grader.steps import registry

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
FIXTURES = ROOT / "tests" / "fixtures"

# PrairieLearn's infoQuestion schema (apps/prairielearn/src/schemas/schemas/infoQuestion.json):
# additionalProperties false; required uuid, type, title, topic; each allowed field's type.
UUID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                          r"[0-9a-fA-F]{12}$")
QUESTION_REQUIRED = {"uuid": str, "type": str, "title": str, "topic": str}
QUESTION_ALLOWED = {**QUESTION_REQUIRED, "comment": (str, list, dict), "tags": list,
                    "clientFiles": list, "clientTemplates": list, "template": str,
                    "gradingMethod": str, "singleVariant": bool, "showCorrectAnswer": bool,
                    "partialCredit": bool, "options": dict, "externalGradingOptions": dict,
                    "dependencies": dict, "workspaceOptions": dict, "sharingSets": list,
                    "sharePublicly": bool, "shareSourcePublicly": bool}
QUESTION_TYPES = {"Calculation", "MultipleChoice", "Checkbox", "File", "MultipleTrueFalse", "v3"}
GRADING_METHODS = {"Internal", "External", "Manual"}
EXTERNAL_REQUIRED = {"image": str, "entrypoint": (str, list)}
EXTERNAL_ALLOWED = {**EXTERNAL_REQUIRED, "comment": (str, list, dict), "enabled": bool,
                    "serverFilesCourse": list, "timeout": int, "enableNetworking": bool,
                    "environment": dict}
# infoCourse, infoCourseInstance and infoAssessment: their required fields.
COURSE_REQUIRED = {"uuid": str, "name": str, "title": str, "topics": list}
INSTANCE_REQUIRED = {"uuid": str, "longName": str}
ASSESSMENT_REQUIRED = {"uuid": str, "type": str, "title": str, "set": str, "number": str}
COLORS = {f"{hue}{n}" for hue in ("red", "pink", "purple", "blue", "turquoise", "green",
                                  "yellow", "orange", "brown", "gray") for n in (1, 2, 3)}


def _fields(data: dict, required: dict, allowed: dict) -> None:
    assert isinstance(data, dict)
    assert set(required) <= set(data), set(required) - set(data)
    assert set(data) <= set(allowed), set(data) - set(allowed)
    for key, value in data.items():
        assert isinstance(value, allowed[key]) and not (
            allowed[key] is int and isinstance(value, bool)), (key, value)


def validate_info_question(info: dict) -> None:
    """Raise AssertionError unless ``info`` follows PrairieLearn's infoQuestion schema."""
    _fields(info, QUESTION_REQUIRED, QUESTION_ALLOWED)
    assert UUID_PATTERN.match(info["uuid"])
    assert info["type"] in QUESTION_TYPES
    assert all(isinstance(tag, str) for tag in info.get("tags", []))
    assert info.get("gradingMethod", "Internal") in GRADING_METHODS
    if "externalGradingOptions" in info:
        options = info["externalGradingOptions"]
        _fields(options, EXTERNAL_REQUIRED, EXTERNAL_ALLOWED)
        assert all(isinstance(name, str) for name in options.get("serverFilesCourse", []))
        assert 0 < options.get("timeout", 30) <= 600


def _export(folder: Path, *options) -> None:
    result = CliRunner().invoke(main, ["export", "prairielearn", str(folder), *options])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("prairielearn") / "course"
    _export(folder, "--lang", "en")
    return folder


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _question_folders(folder: Path) -> list:
    return sorted(path.parent for path in (folder / "questions").rglob("info.json"))


# --- the files: PrairieLearn's schemas, stable and unique uuids ---------------------------------

def test_every_step_is_a_question_with_numbers_where_it_can_be_and_with_code(exported):
    names = {path.relative_to(exported / "questions").as_posix()
             for path in _question_folders(exported)}
    numeric = {f"bpgrade/{s.file_name[:-3]}" for s in registry.STEPS
               if not s.arrays and not s.offers_loss}
    code = {f"bpgrade/{s.file_name[:-3]}-code" for s in registry.STEPS}
    assert names == numeric | code
    assert "bpgrade/step07" in names and "bpgrade/step19" not in names
    assert "bpgrade/step18" not in names and "bpgrade/step18-code" in names


def test_every_info_json_follows_prairielearn_schema(exported):
    infos = {folder.name: _json(folder / "info.json") for folder in _question_folders(exported)}
    for name, info in infos.items():
        validate_info_question(info)
        step = registry.get(name.split("-")[0])
        assert info["type"] == "v3"
        assert info["title"].startswith(f"{step.id}: {step.title['en']}")
        assert info["topic"] == "Backpropagation"
        assert {"bpgrade", step.id} <= set(info["tags"])
        code = name.endswith("-code")
        assert (info.get("gradingMethod") == "External") == code
        assert ("seed-network" in info["tags"]) == (not step.arrays)
    # the course declares the topic and every tag its questions use, in PrairieLearn's colours
    course_info = _json(exported / "infoCourse.json")
    _fields(course_info, COURSE_REQUIRED, {**COURSE_REQUIRED, "comment": str, "tags": list,
                                           "assessmentSets": list, "timezone": str,
                                           "options": dict, "assessmentModules": list,
                                           "sharingSets": list})
    assert {t["name"] for t in course_info["topics"]} == {"Backpropagation"}
    declared = {t["name"] for t in course_info["tags"]}
    assert set().union(*(set(info["tags"]) for info in infos.values())) <= declared
    assert all(t["color"] in COLORS for t in course_info["topics"] + course_info["tags"]
               + course_info["assessmentSets"])


def test_the_example_instance_holds_every_question_with_its_points(exported):
    instance = exported / "courseInstances" / "Example"
    _fields(_json(instance / "infoCourseInstance.json"), INSTANCE_REQUIRED,
            {**INSTANCE_REQUIRED, "allowAccess": list})
    assessment = _json(instance / "assessments" / "bpgrade" / "infoAssessment.json")
    assert set(ASSESSMENT_REQUIRED) <= set(assessment)
    assert assessment["type"] in ("Homework", "Exam")
    assert assessment["set"] in {s["name"] for s in _json(exported / "infoCourse.json")
                                 ["assessmentSets"]}
    listed = [q for zone in assessment["zones"] for q in zone["questions"]]
    assert {q["id"] for q in listed} == {
        folder.relative_to(exported / "questions").as_posix()
        for folder in _question_folders(exported)}
    for entry in listed:
        step = registry.get(entry["id"].split("/")[1].split("-")[0])
        assert entry["points"] == step.points


def _uuids(folder: Path) -> dict:
    found = {path.relative_to(folder).as_posix(): _json(path)["uuid"]
             for path in folder.rglob("info*.json")}
    assert len(found) == len(_question_folders(folder)) + 3     # course, instance, assessment
    return found


def test_uuids_are_valid_unique_and_stable_across_exports(exported, tmp_path):
    first = _uuids(exported)
    assert all(UUID_PATTERN.match(value) for value in first.values())
    assert len(set(first.values())) == len(first)
    again = tmp_path / "again"
    _export(again, "--lang", "zh", "--scaffold", "full")
    assert _uuids(again) == first                    # neither language nor scaffold moves one
    assert first["questions/bpgrade/step07/info.json"] == str(
        uuid.uuid5(course.NAMESPACE, "bpgrade/step07"))


def test_the_external_grader_gets_what_it_names(exported):
    info = _json(exported / "questions" / "bpgrade" / "step07-code" / "info.json")
    options = info["externalGradingOptions"]
    assert options["enabled"] is True and options["image"] == "prairielearn/grader-python"
    server_files = exported / "serverFilesCourse"
    for name in options["serverFilesCourse"]:
        assert (server_files / name).exists(), name
    program, *arguments = options["entrypoint"].split()
    assert program == "/grade/serverFilesCourse/bpgrade_grade.sh" and arguments == ["step7"]
    assert os.stat(server_files / "bpgrade_grade.sh").st_mode & stat.S_IXUSR
    # the grader and the harness are exactly this bpgrade's
    for package in ("grader", "bpgrade_harness"):
        for path in (ROOT / package).rglob("*.py"):
            copy = server_files / package / path.relative_to(ROOT / package)
            assert copy.read_bytes() == path.read_bytes(), copy
    assert (server_files / "grader" / "templates" / "network.svg.j2").is_file()
    assert not list(server_files.rglob("*.so")) and not list(server_files.rglob("__pycache__"))
    assert list((server_files / "jinja2").glob("LICENSE*"))


def test_chinese_question_text_with_lang_zh(tmp_path):
    folder = tmp_path / "zh"
    _export(folder, "--lang", "zh")
    info = _json(folder / "questions" / "bpgrade" / "step07" / "info.json")
    assert info["title"] == f"step7: {registry.get('step7').title['zh']}"
    assert info["topic"] == "反向传播"
    page = (folder / "questions" / "bpgrade" / "step07" / "question.html").read_text("utf-8")
    assert "每个答案的相对误差不得超过 1e-06。" in page and "Enter each" not in page
    code = (folder / "questions" / "bpgrade" / "step07-code" / "question.html").read_text("utf-8")
    assert "你的题目是 bpgrade 的种子" in code and "Your problem" not in code
    assert 'lang="zh"' in (folder / "questions" / "bpgrade" / "step07" / "server.py").read_text()


# --- server.py as PrairieLearn runs it ------------------------------------------------------------

GENERATE = """
import json, runpy, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
out = []
for path, seed in json.loads(sys.argv[3]):
    data = {"params": {}, "correct_answers": {}, "variant_seed": seed, "options": {},
            "submitted_answers": {}, "format_errors": {}, "partial_scores": {}, "score": 0,
            "feedback": {}}
    runpy.run_path(path)["generate"](data)
    out.append(data)
import grader, jinja2
print(json.dumps({"data": out, "grader": grader.__file__, "jinja2": jinja2.__file__,
                  "path": sys.path}))
"""


def _numpy_only(tmp_path: Path) -> Path:
    """A folder holding numpy alone (links to this Python's), as PrairieLearn's Python has it."""
    import numpy

    site = tmp_path / "site"
    site.mkdir()
    installed = Path(numpy.__file__).resolve().parent
    for name in ("numpy", "numpy.libs"):
        if (installed.parent / name).exists():
            (site / name).symlink_to(installed.parent / name)
    return site


def _generated(folder: Path, tmp_path: Path, requests: list) -> dict:
    """Each (question, variant seed)'s data after its server.py's generate, run in a fresh
    Python with only serverFilesCourse and numpy on its path (no site-packages, no
    PYTHONPATH, not this repository)."""
    server_files = folder / "serverFilesCourse"
    paths = [[str(folder / "questions" / "bpgrade" / name / "server.py"), seed]
             for name, seed in requests]
    # OpenBLAS' own settings pass through, as to the grading runner: its kernel choice moves
    # the last bit of a product, and this process draws the numbers it compares with.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           **{k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")}}
    done = subprocess.run([sys.executable, "-I", "-S", "-B", "-c", GENERATE, str(server_files),
                           str(_numpy_only(tmp_path)), json.dumps(paths)],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["grader"].startswith(str(server_files))
    assert result["jinja2"].startswith(str(server_files))
    assert not any(str(ROOT) == p or "site-packages" in p for p in result["path"])
    return result["data"]


def _problem_json(seed: int) -> dict:
    result = CliRunner().invoke(main, ["problem", "--seed", str(seed), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _from_problem(problem: dict, quantity: str) -> float:
    """The value of ``quantity`` read off ``bpgrade problem --json``."""
    numbered = {step.answer: step.id for step in registry.SEED_STEPS}
    if quantity in numbered:
        return problem["steps"][numbered[quantity]]
    if quantity == "eta":
        return problem["eta"]
    array, index = notation.slot(quantity) or (quantity, ())
    if array.startswith(notation.UPDATED):
        name = array[len(notation.UPDATED):]
        old, grad = problem["params"][name], problem["gradients"][name]
        for i in index:
            old, grad = old[i], grad[i]
        return old - problem["eta"] * grad
    if array.startswith(notation.GRADIENT):
        value = problem["gradients"][array[len(notation.GRADIENT):]]
    else:
        value = problem["forward"][array]
    for i in index:
        value = value[i]
    return value[0] if isinstance(value, list) else value


REQUESTS = [("step00", 3), ("step07", 3), ("step07", 4294967303), ("step15", 11),
            ("step17", 11), ("step18-code", 3), ("step19-code", 5)]


@pytest.fixture(scope="module")
def generated(exported, tmp_path_factory) -> list:
    return _generated(exported, tmp_path_factory.mktemp("generate"), REQUESTS)


def test_server_py_draws_the_numbers_of_bpgrade_problem(generated):
    for (name, seed), data in zip(REQUESTS, generated):
        step = registry.get(name.split("-")[0])
        problem = _problem_json(seed)
        params = data["params"]
        assert params["seed"] == seed and params["step"] == step.id
        assert params["problem"] == problem
        if name.endswith("-code"):
            assert data["correct_answers"] == {}
            continue
        answers = dict(question.answers(step))
        assert set(data["correct_answers"]) == set(answers)
        for key, quantity in answers.items():
            expected = _from_problem(problem, quantity)
            assert data["correct_answers"][key] == pytest.approx(expected, rel=1e-12), key
        assert "eta" in params["values"] and len(params["values"]) == len(
            question.table_names(step))
        for shown_name, shown in params["values"].items():    # 12 significant digits
            assert float(shown) == pytest.approx(_from_problem(problem, shown_name),
                                                 rel=1e-11), shown_name


def test_a_variant_seed_maps_into_bpgrade_seeds():
    assert question.variant_seed({"variant_seed": 7}) == 7
    assert question.variant_seed({"variant_seed": "12"}) == 12
    assert question.variant_seed({"variant_seed": (1 << 63) + 5}) == 5
    for bad in (None, True, 1.5, "x"):
        with pytest.raises(Exception, match="variant seed"):
            question.variant_seed({"variant_seed": bad})


# --- question.html as PrairieLearn fills it -------------------------------------------------------

MUSTACHE = re.compile(r"\{\{\{\s*([^{}]*?)\s*\}\}\}|\{\{\s*([^{}]*?)\s*\}\}")


def render_mustache(template: str, context: dict) -> tuple:
    """(page, unfilled fields): ``{{a.b}}`` escaped, ``{{{a.b}}}`` as it is; sections and
    partials are not used by the exported pages, so they count as unfilled."""
    unfilled = []

    def lookup(path: str):
        value = context
        for part in path.split("."):
            if not isinstance(value, dict) or part not in value:
                return None
            value = value[part]
        return value

    def place(match):
        raw, escaped = match.group(1), match.group(2)
        path = raw if raw is not None else escaped
        value = None if path[:1] in "#^/!>&=" else lookup(path)
        if value is None or isinstance(value, (dict, list)):
            unfilled.append(match.group(0))
            return ""
        return str(value) if raw is not None else html.escape(str(value))

    return MUSTACHE.sub(place, template), unfilled


ANSWER_INPUT = re.compile(r"<pl-number-input ([^>]*)>")


def _attributes(tag: str) -> dict:
    return {k: html.unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', tag)}


def test_question_html_is_filled_by_the_variant_and_asks_every_correct_answer(exported,
                                                                               generated):
    for (name, seed), data in zip(REQUESTS, generated):
        page = (exported / "questions" / "bpgrade" / name / "question.html").read_text("utf-8")
        filled, unfilled = render_mustache(page, data)
        assert unfilled == [], (name, unfilled)
        assert "{{" not in filled, name
        # only a code question names the seed: bpgrade problem --seed N prints the answers
        assert (f"seed {seed}" in filled) == name.endswith("-code"), name
        assert ("params.seed" in page) == name.endswith("-code"), name
        inputs = [_attributes(tag) for tag in ANSWER_INPUT.findall(filled)]
        assert {a["answers-name"] for a in inputs} == set(data["correct_answers"]), name
        for attributes in inputs:
            assert float(attributes["rtol"]) == tolerances.RELATIVE
            assert attributes["comparison"] == "relabs"
        step = registry.get(name.split("-")[0])
        if not step.arrays:                  # the sheets' drawing, an image of its own
            image = re.search(r'<img [^>]*src="data:image/svg\+xml;base64,([^"]+)"', filled)
            drawing = base64.b64decode(image.group(1)).decode("utf-8")
            assert drawing.startswith("<svg") and drawing.rstrip().endswith("</svg>")
            assert f'data-name="{notation.weight(2, 1, 1)}"' in drawing
            problem = data["params"]["problem"]
            assert f"= {problem['params']['W2'][0][0]:.2f}".replace("-", "−") in drawing
        else:
            assert "<img" not in filled and data["params"]["network_svg_base64"] == ""
        for shown_name, shown in data["params"]["values"].items():
            assert f"<code>{shown}</code>" in filled, shown_name


def test_every_exported_page_leaves_no_field_unfilled(exported, tmp_path):
    names = [folder.name for folder in _question_folders(exported)]
    data = _generated(exported, tmp_path, [(name, 2) for name in names])
    for name, variant in zip(names, data):
        page = (exported / "questions" / "bpgrade" / name / "question.html").read_text("utf-8")
        filled, unfilled = render_mustache(page, variant)
        assert unfilled == [], (name, unfilled)
        inputs = {_attributes(t)["answers-name"] for t in ANSWER_INPUT.findall(filled)}
        assert inputs == set(variant["correct_answers"]), name
        if name.endswith("-code"):
            step = registry.get(name[:-5])
            editor = _attributes(re.search(r"<pl-file-editor [^>]*>", filled).group(0))
            assert editor["file-name"] == editor["source-file-name"] == step.file_name
            stub = exported / "questions" / "bpgrade" / name / step.file_name
            assert stub.read_text("utf-8") == (ROOT / "exercises" / step.file_name).read_text(
                "utf-8")
            assert "<pl-external-grader-results>" in filled


# --- the external grader ------------------------------------------------------------------------

def _grade(exported: Path, tmp_path: Path, files: dict, steps, data=None, extra=()) -> tuple:
    """Run the exported entrypoint on a /grade-like folder: (exit code, results.json)."""
    root = tmp_path / "grade"
    (root / "data").mkdir(parents=True)
    (root / "student").mkdir()
    data = {"params": {"seed": 5}, "variant_seed": 5} if data is None else data
    (root / "data" / "data.json").write_text(json.dumps(data), encoding="utf-8")
    for name, source in files.items():
        shutil.copy(source, root / "student" / name)
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    # the image's python3, with numpy: this interpreter, called by its own path (a link to
    # a virtual environment's python, called by the link's path, would not find the venv)
    launcher = bin_folder / "python3"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    launcher.chmod(0o755)
    env = {"PATH": f"{bin_folder}:/usr/bin:/bin", "LANG": "C.UTF-8"}
    done = subprocess.run(["bash", str(exported / "serverFilesCourse" / "bpgrade_grade.sh"),
                           *extra, "--root", str(root), *steps], capture_output=True,
                          text=True, env=env, timeout=300)
    return done.returncode, _json(root / "results" / "results.json")


def _validate_results(data: dict) -> None:
    """PrairieLearn's results.json: gradable, score in [0, 1], tests with names and points."""
    assert data["gradable"] is True
    assert 0.0 <= data["score"] <= 1.0
    for test in data["tests"]:
        assert set(test) <= {"name", "description", "points", "max_points", "message", "output",
                             "images"}
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert 0 <= test["points"] <= test["max_points"]
    most = sum(t["max_points"] for t in data["tests"])
    assert data["score"] == pytest.approx(sum(t["points"] for t in data["tests"]) / most)


def test_the_external_grader_passes_a_solution(exported, tmp_path):
    code, data = _grade(exported, tmp_path, {"step07.py": SOLUTIONS / "step07.py"}, ["step7"])
    assert code == 0
    _validate_results(data)
    assert data["score"] == 1.0
    assert [t["name"] for t in data["tests"]] == ["step7: " + registry.get("step7").title["en"]]
    assert data["tests"][0]["points"] == data["tests"][0]["max_points"] == 1


def test_the_external_grader_fails_a_wrong_file_and_names_the_slip(exported, tmp_path):
    wrong = FIXTURES / "diagnoses" / "wrong_upstream" / "step07.py"
    code, data = _grade(exported, tmp_path, {"step07.py": wrong}, ["step7"])
    assert code == 0
    _validate_results(data)
    assert data["score"] == 0.0 and data["tests"][0]["points"] == 0
    assert "upstream" in data["tests"][0]["output"]


def test_the_external_grader_scores_each_step_it_is_given(exported, tmp_path):
    wrong = FIXTURES / "diagnoses" / "wrong_upstream" / "step07.py"
    code, data = _grade(exported, tmp_path, {"step01.py": SOLUTIONS / "step01.py",
                                             "step07.py": wrong}, ["step1", "step7"],
                        extra=("--lang", "zh"))
    assert code == 0
    _validate_results(data)
    assert data["score"] == 0.5
    assert data["message"].startswith("1 / 2 分")


def test_the_external_grader_refuses_data_it_did_not_write(exported, tmp_path):
    code, data = _grade(exported, tmp_path, {"step07.py": SOLUTIONS / "step07.py"}, ["step7"],
                        data={"params": {}, "variant_seed": 5})
    assert code == 2
    assert data["gradable"] is False and "params.seed" in data["message"]


def test_results_carry_gradescope_texts():
    record = {"student": "seed 5", "seed": 5, "score": 1.0, "max_score": 2, "results": [
        {"step": "step1", "status": "passed", "score": 1.0, "max_score": 1, "message": "ok",
         "diagnosis": None, "error": "", "output": "", "output_parts": []},
        {"step": "step2", "status": "failed", "score": 0.0, "max_score": 1, "message": "no",
         "diagnosis": {"code": "sign_flipped", "message": "a flipped sign"}, "error": "",
         "output": "<b>hi</b>", "output_parts": [{"problem": 0, "text": "<b>hi</b>"}]}]}
    data = grading.results(record, "en", "isolation")
    assert data["score"] == 0.5 and data["output"] == "isolation"
    assert data["tests"][1]["output"].startswith("no\n\nLikely cause: a flipped sign")
    assert "<b>hi</b>" in data["tests"][1]["output"]       # plain text: PrairieLearn escapes it


# --- writing the folder -------------------------------------------------------------------------

def _snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("lang, words", [("en", "is not an earlier bpgrade export"),
                                         ("zh", "不是之前的 bpgrade 导出")])
def test_a_folder_that_is_not_an_export_is_refused_and_left_alone(tmp_path, lang, words):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    result = CliRunner().invoke(main, ["export", "prairielearn", str(folder), "--lang", lang])
    assert result.exit_code == 2
    assert words in result.output and "Traceback" not in result.output
    assert _snapshot(folder) == {"notes.txt": b"keep me"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_an_earlier_export_is_replaced_but_not_one_holding_other_files(exported, tmp_path):
    folder = tmp_path / "course"
    shutil.copytree(exported, folder, symlinks=True)
    (folder / "questions" / "bpgrade" / "step07" / "question.html").write_text("old")
    (folder / "serverFilesCourse" / "grader" / "__pycache__").mkdir()   # Python's, not a user's
    _export(folder)
    assert _snapshot(folder) == {k: v for k, v in _snapshot(exported).items()}
    (folder / "questions" / "mine").mkdir()
    (folder / "questions" / "mine" / "info.json").write_text("{}")
    before = _snapshot(folder)
    result = CliRunner().invoke(main, ["export", "prairielearn", str(folder), "--lang", "en"])
    assert result.exit_code == 2 and "questions/mine/info.json" in result.output
    assert _snapshot(folder) == before


def test_an_empty_folder_is_used_and_a_file_is_refused(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    _export(empty)
    assert (empty / "infoCourse.json").is_file()
    a_file = tmp_path / "file"
    a_file.write_text("x")
    result = CliRunner().invoke(main, ["export", "prairielearn", str(a_file), "--lang", "en"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert a_file.read_text() == "x"


def test_a_failed_write_leaves_the_earlier_export_whole(exported, tmp_path):
    folder = tmp_path / "course"
    shutil.copytree(exported, folder, symlinks=True)
    before = _snapshot(folder)
    broken = {"infoCourse.json": (b"{}", 0o644), "infoCourse.json/inside": (b"x", 0o644)}
    with pytest.raises(OSError):
        course.write(folder, broken)
    assert _snapshot(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course"]    # no half-made folder


BLOCKED = """
import importlib.abc, sys
class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in {"click", "jinja2", "markupsafe", "sympy", "latex2mathml",
                                  "tomli_w"}:
            raise ImportError("not in the grader image: " + name)
sys.meta_path.insert(0, Blocker())
sys.path.insert(0, sys.argv[1])
from grader.platforms.prairielearn import grading
sys.exit(grading.main(sys.argv[2:]))
"""


def test_grading_needs_no_library_beyond_numpy(exported, tmp_path):
    root = tmp_path / "grade"
    (root / "data").mkdir(parents=True)
    (root / "student").mkdir()
    (root / "data" / "data.json").write_text(json.dumps({"params": {"seed": 8}}))
    shutil.copy(SOLUTIONS / "step02.py", root / "student" / "step02.py")
    done = subprocess.run([sys.executable, "-c", BLOCKED, str(exported / "serverFilesCourse"),
                           "--root", str(root), "step2"], capture_output=True, text=True,
                          env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")}, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _json(root / "results" / "results.json")["score"] == 1.0


def test_student_code_cannot_write_its_own_results(exported, tmp_path):
    results = tmp_path / "grade" / "results" / "results.json"
    forged = tmp_path / "step07.py"
    forged.write_text(
        "import json, os\n"
        "def step7(net):\n"
        "    for path in (%r, '/grade/results/results.json'):\n"
        "        try:\n"
        "            os.makedirs(os.path.dirname(path), exist_ok=True)\n"
        "            with open(path, 'w') as f:\n"
        "                json.dump({'gradable': True, 'score': 1.0}, f)\n"
        "        except OSError:\n"
        "            pass\n"
        "    return 0.5\n" % str(results))
    code, data = _grade(exported, tmp_path, {"step07.py": forged}, ["step7"])
    assert code == 0
    _validate_results(data)
    assert data["score"] == 0.0 and data["tests"][0]["points"] == 0


def test_the_external_grader_grades_dicts_the_naive_route_and_arrays(exported, tmp_path):
    files = {name: SOLUTIONS / name for name in ("step00.py", "step18.py", "step19.py")}
    code, data = _grade(exported, tmp_path, files, ["step0", "step18", "step19"])
    assert code == 0
    _validate_results(data)
    assert data["score"] == 1.0
    assert [t["max_points"] for t in data["tests"]] == [
        registry.get(s).points for s in ("step0", "step18", "step19")]

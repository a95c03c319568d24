"""Classroom grading: the adversarial corpus, gradebooks, resume, summary, feedback."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import alive, descendants
from grader import classroom, sandbox
from grader.steps import registry
from grader.cli import main
from grader.errors import UsageError
from grader.sandbox.isolation import FIRST_STUDENT_UID
from grader.engine.seeds import student_seed

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
CORPUS = ROOT / "tests" / "adversarial"
SECRET = "test-course-secret"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
STEP_IDS = [step.id for step in registry.STEPS]
POINTS = {step.id: step.points for step in registry.STEPS}


def secret_file(folder: Path, secret: str = SECRET, mode: int = 0o600) -> Path:
    """A --secret-file: the secret and a newline, private to us unless ``mode`` says otherwise."""
    path = folder / "secret.txt"
    path.write_text(secret + "\n", encoding="utf-8")
    os.chmod(path, mode)
    return path


def _cases() -> list:
    cases = []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        meta = json.loads((folder / "expected.json").read_text())
        if meta.get("root_only") and not IS_ROOT:
            continue
        cases.append((folder.name, meta))
    return cases


CASES = _cases()


def _student(folder: Path, case: Path, meta: dict, places: dict) -> None:
    """A correct solution with the case's files over it; ``{{NAME}}`` in a case file becomes
    ``places[NAME]`` (the sandbox passes no environment, so paths are written in)."""
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in meta.get("delete", []):
        (folder / name).unlink()
    for name, target in meta.get("symlink", {}).items():
        (folder / name).unlink()
        os.symlink(target, folder / name)
    for path in case.iterdir():
        if path.name != "expected.json" and path.is_file():
            data = path.read_bytes()
            for name, value in places.items():
                data = data.replace(b"{{%s}}" % name.encode(), os.fsencode(value))
            (folder / path.name).write_bytes(data)


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    """Grade the whole corpus once (plus one honest student), as one class."""
    base = tmp_path_factory.mktemp("corpus")
    os.chmod(base, 0o755)
    submissions = base / "submissions"
    submissions.mkdir()
    shared = base / "shared"                      # writable by anyone: only the sandbox stops it
    shared.mkdir()
    os.chmod(shared, 0o777)
    marker = shared / "daemon-was-here"
    out = base / "out" / "grades.csv"
    out.parent.mkdir()
    places = {"MARKER": str(marker), "PROGRESS": str(classroom.progress_path(out))}
    for name, meta in CASES:
        _student(submissions / name, CORPUS / name, meta, places)
    shutil.copytree(SOLUTIONS, submissions / "honest")
    started = time.monotonic()
    summary = classroom.grade(submissions, out, secret=SECRET, json_path=base / "out" / "g.json",
                              feedback=base / "out" / "feedback", jobs=2, timeout=1.5,
                              limits=sandbox.Limits(memory=256 << 20))
    elapsed = time.monotonic() - started
    time.sleep(2.0)                               # longer than the daemon waits before writing
    rows = {row["student"]: row for row in csv.DictReader(open(out, encoding="utf-8"))}
    records = {r["student"]: r for r in json.loads((base / "out" / "g.json").read_text())["students"]}
    return dict(rows=rows, records=records, summary=summary, marker=marker, out=out, base=base,
                elapsed=elapsed)


def test_corpus_is_large_enough():
    assert len(list(p for p in CORPUS.iterdir() if p.is_dir())) >= 30


@pytest.mark.slow
@pytest.mark.parametrize("name,meta", CASES, ids=[name for name, _ in CASES])
def test_corpus_case_costs_only_its_own_step(corpus_run, name, meta):
    row, record = corpus_run["rows"][name], corpus_run["records"][name]
    by_step = {item["step"]: item for item in record["results"]}
    for step_id in STEP_IDS:
        if step_id in meta["expect"]:
            status = meta["expect"][step_id]
            fraction = meta.get("fraction", {}).get(step_id, 1.0 if status == "passed" else 0.0)
        else:
            status, fraction = "passed", 1.0
        assert by_step[step_id]["status"] == status, (step_id, by_step[step_id])
        assert float(row[step_id]) == pytest.approx(fraction), step_id
    if "message" in meta:
        bad = by_step[next(iter(meta["expect"]))]
        assert meta["message"] in bad["error"] + bad["message"]


@pytest.mark.slow
def test_honest_student_gets_everything(corpus_run):
    row = corpus_run["rows"]["honest"]
    assert float(row["total"]) == sum(POINTS.values()) == int(row["max"])


@pytest.mark.slow
def test_daemon_was_killed_and_gradebook_is_intact(corpus_run):
    assert not corpus_run["marker"].exists()
    rows = list(csv.reader(open(corpus_run["out"], encoding="utf-8")))
    assert rows[0] == ["student", *STEP_IDS, "total", "max"]
    assert len(rows) == len(CASES) + 2
    assert "forged" not in {row[0] for row in rows}
    assert not classroom.progress_path(corpus_run["out"]).exists()


def student_processes(uids) -> set:
    """Pids of the live processes (zombies aside) whose real uid is one of ``uids``."""
    found = set()
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
        except OSError:
            continue
        if fields.get("State", "").split()[:1] != ["Z"] \
                and int(fields.get("Uid", "-1").split()[0]) in uids:
            found.add(int(name))
    return found


@pytest.mark.slow
def test_process_chain_leaves_no_process_behind(corpus_run):
    """process_chain forked a chain of new sessions and a minute-long daemon: none outlives
    the grade and the marker is never written; as root, nothing runs under the uid it
    printed (without root that uid is the grading user's own, so only the marker tells)."""
    results = {item["step"]: item for item in corpus_run["records"]["process_chain"]["results"]}
    uid = int(re.search(r"uid=(\d+)", results["step3"]["output"]).group(1))
    if IS_ROOT:
        assert uid >= FIRST_STUDENT_UID
        assert not student_processes({uid})
    assert not corpus_run["marker"].exists()


@pytest.mark.slow
def test_corpus_grades_quickly(corpus_run):
    assert corpus_run["elapsed"] < 40


@pytest.mark.slow
def test_summary_counts_pass_rates(corpus_run):
    summary = corpus_run["summary"]
    assert summary.students == len(CASES) + 1
    failing_step1 = sum(1 for _, meta in CASES if meta["expect"].get("step1", "passed") != "passed")
    assert summary.pass_rate("step1") == pytest.approx(1 - failing_step1 / summary.students)
    text = summary.render("en")
    assert "step13" in text and "timeout" in text
    assert "超时" in summary.render("zh")


@pytest.mark.slow
def test_feedback_files_explain_failures(corpus_run):
    folder = corpus_run["base"] / "out" / "feedback"
    text = (folder / classroom.feedback_name("infinite_loop")).read_text(encoding="utf-8")
    assert "step13" in text and "timeout" in text
    assert "Every step passed" in (folder / classroom.feedback_name("honest")).read_text()


@pytest.mark.parametrize("student", ["ali", "Zoë", "学生 张三", "a/b\\c:d", ".hidden-ish"])
def test_feedback_names_are_safe_and_distinct(student):
    name = classroom.feedback_name(student)
    assert name.endswith(".md") and "/" not in name and "\\" not in name
    assert not name.startswith(".")
    assert classroom.feedback_name(student) != classroom.feedback_name(student + "_")


def test_neighbours_get_different_problems():
    assert student_seed(SECRET, "ali") != student_seed(SECRET, "bo")
    assert student_seed(SECRET, "ali") != student_seed("other", "ali")


def test_hard_coded_answer_for_one_student_fails_for_another(tmp_path):
    from grader.checking.check import ProblemSet

    value = ProblemSet(student_seed(SECRET, "ali")).references[0]["delta3"]
    submissions = tmp_path / "subs"
    for student in ("ali", "bo"):
        (submissions / student).mkdir(parents=True)
        (submissions / student / "step01.py").write_text(f"def step1(net):\n    return {value!r}\n")
    out = tmp_path / "grades.csv"
    classroom.grade(submissions, out, secret=SECRET, jobs=1)
    rows = {row["student"]: row for row in csv.DictReader(open(out))}
    assert rows["ali"]["step1"] == rows["bo"]["step1"] == "0"      # hidden trials catch both


def _make_class(folder: Path, count: int) -> Path:
    for i in range(count):
        shutil.copytree(SOLUTIONS, folder / f"s{i:03d}")
    return folder


@pytest.mark.slow
def test_kill_and_resume_lose_and_duplicate_nothing(tmp_path):
    submissions = _make_class(tmp_path / "subs", 24)
    for i in range(24):                           # slow enough to be killed mid-way
        (submissions / f"s{i:03d}" / "step01.py").write_text(
            "import time\n\ndef step1(net):\n    time.sleep(0.03)\n"
            "    return net.y - net.y_target\n")
    out = tmp_path / "grades.csv"
    progress = classroom.progress_path(out)
    command = [sys.executable, "-m", "grader", "grade", str(submissions), "--out", str(out),
               "--jobs", "2", "--quiet"]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL,
                               env={**os.environ, classroom.SECRET_VARIABLE: SECRET})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if progress.exists() and len(progress.read_bytes().splitlines()) >= 6:
            break
        time.sleep(0.02)
    helpers = descendants(process.pid)
    assert len(helpers) >= 4                       # two jobs, each with its runner
    os.kill(process.pid, signal.SIGKILL)           # only the main process: its helpers follow
    process.wait()
    deadline = time.monotonic() + 15
    while helpers and time.monotonic() < deadline:
        helpers = {pid for pid in helpers if alive(pid)}
        time.sleep(0.05)
    assert not helpers
    assert not out.exists()
    done_before = len(progress.read_bytes().splitlines()) - 1
    assert 5 <= done_before < 24
    with open(progress, "ab") as handle:          # as if killed in the middle of a write
        handle.write(b'{"student": "s023", "sco')
    graded = []
    classroom.grade(submissions, out, secret=SECRET, jobs=2, resume=True,
                    on_student=lambda record: graded.append(record["student"]))
    rows = list(csv.DictReader(open(out)))
    assert sorted(row["student"] for row in rows) == [f"s{i:03d}" for i in range(24)]
    assert all(float(row["total"]) == float(row["max"]) for row in rows)
    assert len(graded) == len(set(graded)) and done_before - 1 <= 24 - len(graded) <= done_before


def test_resume_refuses_progress_from_another_secret(tmp_path):
    submissions = _make_class(tmp_path / "subs", 1)
    out = tmp_path / "grades.csv"
    progress = classroom.progress_path(out)
    progress.write_text(json.dumps(classroom._header("another", registry.STEPS)) + "\n")
    result = CliRunner().invoke(main, ["grade", str(submissions), "--out", str(out),
                                       "--secret-file", str(secret_file(tmp_path)), "--resume",
                                       "--quiet"])
    assert result.exit_code == 2 and "--resume" in result.output


def test_cli_writes_every_gradebook(tmp_path):
    submissions = _make_class(tmp_path / "subs", 1)
    shutil.copytree(EXERCISES, submissions / "stubs")
    shutil.copytree(SOLUTIONS, submissions / "Zoë 张三")
    _wrong_student(submissions / "slips")
    out = tmp_path / "new" / "grades.csv"
    result = CliRunner().invoke(main, [
        "grade", str(submissions), "--out", str(out), "--json", str(tmp_path / "g.json"),
        "--feedback", str(tmp_path / "fb"), "--canvas", str(tmp_path / "canvas.csv"),
        "--secret-file", str(secret_file(tmp_path)), "--jobs", "2", "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert "通过率" in result.output
    last = result.stdout.strip().splitlines()[-1]
    assert last == (f"已写入 {out}、{tmp_path / 'g.json'}、{tmp_path / 'canvas.csv'}、"
                    f"{tmp_path / 'fb'} 中的 4 份反馈")
    _check_wrong_students_feedback(tmp_path / "fb", tmp_path / "g.json", "zh")
    rows = {row["student"]: row for row in csv.DictReader(open(out))}
    assert rows["stubs"]["total"] == "0" and rows["s000"]["total"] == rows["s000"]["max"]
    assert rows["Zoë 张三"]["total"] == rows["Zoë 张三"]["max"]
    data = json.loads((tmp_path / "g.json").read_text())
    statuses = {item["status"] for s in data["students"] if s["student"] == "stubs"
                for item in s["results"]}
    assert statuses == {"not_started"}
    canvas = list(csv.reader(open(tmp_path / "canvas.csv")))
    assert canvas[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert canvas[1][0].strip() == "Points Possible" and canvas[1][-1] == str(sum(POINTS.values()))
    assert len(list((tmp_path / "fb").glob("*.md"))) == 4


def test_cli_canvas_csv_from_a_canvas_roster(tmp_path):
    submissions = tmp_path / "subs"
    shutil.copytree(SOLUTIONS, submissions / "s001")
    shutil.copytree(EXERCISES, submissions / "s003")
    shutil.copytree(SOLUTIONS, submissions / "dropped")
    roster = tmp_path / "canvas-export.csv"
    roster.write_text("\ufeffStudent;ID;SIS User ID;SIS Login ID;Section;Homework (5)\n"
                      "    Points Possible;;;;;10\n"
                      '"Doe, Jane";101;s001;jdoe;A;\n"Roe, Rick";102;s002;rroe;B;\n'
                      '"Poe, Ed";103;s003;epoe;A;\n', encoding="utf-8")
    canvas = tmp_path / "canvas.csv"
    result = CliRunner().invoke(main, [
        "grade", str(submissions), "--out", str(tmp_path / "grades.csv"), "--canvas", str(canvas),
        "--roster", str(roster), "--canvas-column", "Homework (5)",
        "--secret-file", str(secret_file(tmp_path)), "--jobs", "2", "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert f"警告：1 份提交不在名单上，{canvas} 中没有它们的行：dropped" in result.stderr
    most = str(sum(POINTS.values()))
    assert list(csv.reader(open(canvas, encoding="utf-8"))) == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Homework (5)"],
        ["    Points Possible", "", "", "", "", most],
        ["Doe, Jane", "101", "s001", "jdoe", "A", most],
        ["Roe, Rick", "102", "s002", "rroe", "B", ""],
        ["Poe, Ed", "103", "s003", "epoe", "A", "0"]]
    rows = {row["student"] for row in csv.DictReader(open(tmp_path / "grades.csv"))}
    assert rows == {"s001", "s003", "dropped"}          # the gradebook keeps every submission


@pytest.mark.parametrize("options, words", [
    (["--roster", "ROSTER"], "--roster and --id-column shape the Canvas CSV: add --canvas FILE"),
    (["--canvas", "CANVAS", "--roster", "ROSTER"],
     "has no column of student ids; its columns: name, section"),
    (["--canvas", "CANVAS", "--roster", "ROSTER", "--id-column", "login"],
     "has no column 'login'; its columns: name, section"),
])
def test_cli_a_roster_that_cannot_be_used_stops_before_grading(tmp_path, options, words):
    submissions = _make_class(tmp_path / "subs", 1)
    roster = tmp_path / "roster.csv"
    roster.write_text("name,section\nJane,A\n")
    places = {"ROSTER": str(roster), "CANVAS": str(tmp_path / "canvas.csv")}
    out = tmp_path / "grades.csv"
    result = CliRunner().invoke(main, ["grade", str(submissions), "--out", str(out),
                                       "--secret-file", str(secret_file(tmp_path)), "--quiet",
                                       "--lang", "en", *[places.get(o, o) for o in options]])
    assert result.exit_code == 2 and words in result.output, result.output
    assert "Traceback" not in result.output
    assert not out.exists() and not classroom.progress_path(out).exists()
    assert not (tmp_path / "canvas.csv").exists()


def _wrong_student(folder: Path) -> None:
    """Solutions, but step7 doubled (wrong on every problem) and step1 the visible problem's
    number written in (right there, wrong on the further problems)."""
    from grader.checking.check import ProblemSet

    shutil.copytree(SOLUTIONS, folder)
    step7 = folder / "step07.py"
    step7.write_text(step7.read_text().replace("return net.", "return 2 * net."))
    visible = ProblemSet(student_seed(SECRET, folder.name)).references[0]["delta3"]
    (folder / "step01.py").write_text(f"def step1(net):\n    return {visible!r}\n")


def _check_wrong_students_feedback(folder: Path, gradebook: Path, lang: str) -> None:
    """The feedback gives the seed, check's status words, the visible problem's values and
    the command that shows them; for step1, wrong only on further problems, no values."""
    from grader.checking.check import ProblemSet
    from grader.render.terminal import MESSAGES as CHECK_WORDS, STATUS
    from grader.i18n import text

    seed = student_seed(SECRET, "slips")
    page = (folder / classroom.feedback_name("slips")).read_text(encoding="utf-8")
    quantity = registry.get("step7").answer_items[0][1]
    expected = ProblemSet(seed).references[0][quantity]
    assert f"**{seed}**" in page
    assert f"| step7 | {text(STATUS, 'failed', lang)} | 0 / 1 |" in page
    assert f"| step1 | {text(STATUS, 'failed', lang)} | 0 / 1 |" in page
    assert "答错" not in page and "wrong" not in page               # feedback's old word
    assert text(CHECK_WORDS, "expected", lang) in page
    values = f"| {quantity.replace('_', chr(92) + '_')} | {expected:.10g} | {2 * expected:.10g} |"
    assert values in page
    assert f"`bpgrade check step7 --seed {seed}`" in page
    assert f"`bpgrade check step1 --seed {seed}`" in page
    step1 = page[page.index("## step1"):page.index("## step7")]
    assert text(CHECK_WORDS, "expected", lang) not in step1 and "|" not in step1
    record = next(r for r in json.loads(gradebook.read_text())["students"]
                  if r["student"] == "slips")
    visible = {item["step"]: item["visible"] for item in record["results"]}
    assert visible["step1"] == [] and visible["step7"] == [
        {"key": "value", "expected": expected, "received": pytest.approx(2 * expected)}]


@pytest.mark.parametrize("args,needle", [
    (["grade", "NOPE", "--out", "g.csv", "--secret-file", "secret.txt"], "NOPE"),
    (["grade", "subs", "--out", "g.csv"], "secret"),
    (["grade", "empty", "--out", "g.csv", "--secret-file", "secret.txt"], "student"),
    (["grade", "subs", "--out", "g.csv", "--secret-file", "none.txt"], "none.txt"),
])
def test_cli_usage_errors(tmp_path, monkeypatch, args, needle):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(classroom.SECRET_VARIABLE, raising=False)
    secret_file(tmp_path, "s")
    (tmp_path / "subs" / "a").mkdir(parents=True)
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and needle in result.output
    assert "Traceback" not in result.output


def test_secret_from_config_environment_and_file(tmp_path):
    submissions = tmp_path / "course" / "subs"
    submissions.mkdir(parents=True)
    config = tmp_path / "course" / "bpgrade.toml"
    config.write_text('[grade]\nsecret = "from-config"\n')
    os.chmod(config, 0o600)
    assert classroom.course_secret(None, submissions, environ={}, cwd=tmp_path) == "from-config"
    assert classroom.course_secret(None, submissions,
                                   environ={"BPGRADE_SECRET": "env"}, cwd=tmp_path) == "env"
    assert classroom.course_secret(secret_file(tmp_path, "file"), submissions,
                                   environ={"BPGRADE_SECRET": "env"}) == "file"


# --- secret hygiene: never on the command line, only in files private to the grader -----------

UNKNOWN_SECRET_OPTION = re.compile(r"No such option:? '?--secret(?!-)")   # click 8.0 … 8.2


@pytest.mark.parametrize("command", [["grade", "subs", "--out", "g.csv"],
                                     ["gradescope", "--student", "ali"],
                                     ["export", "gradescope"],
                                     ["sheet", "--roster", "class.csv", "--out", "sheets"]])
def test_secret_on_the_command_line_is_an_unknown_option(command):
    result = CliRunner().invoke(main, [*command, "--secret", SECRET])
    assert result.exit_code == 2 and UNKNOWN_SECRET_OPTION.search(result.output), result.output


@pytest.mark.parametrize("lang,needle", [("en", "other users can read or change it"),
                                         ("zh", "其他用户可以读取或修改它")])
def test_secret_file_readable_by_others_is_refused(tmp_path, lang, needle):
    submissions = _make_class(tmp_path / "subs", 1)
    path = secret_file(tmp_path, mode=0o644)
    result = CliRunner().invoke(main, ["grade", str(submissions), "--out",
                                       str(tmp_path / "g.csv"), "--secret-file", str(path),
                                       "--lang", lang])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert needle in result.output and "0644" in result.output
    assert f"chmod 600 {path}" in result.output
    assert not (tmp_path / "g.csv.progress").exists()


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o620, 0o602])
def test_secret_file_with_any_group_or_other_bit_is_refused(tmp_path, mode):
    with pytest.raises(UsageError, match=f"0{mode:o}"):
        classroom.course_secret(secret_file(tmp_path, mode=mode), tmp_path / "subs")


def test_private_secret_file_is_read_without_its_newline(tmp_path):
    assert classroom.course_secret(secret_file(tmp_path, "s3cret ok"), tmp_path / "subs",
                                   environ={}) == "s3cret ok"
    for mode in (0o600, 0o400):
        assert classroom.course_secret(secret_file(tmp_path, mode=mode), tmp_path) == SECRET


@pytest.mark.parametrize("content", ["", "\n", "  \n"])
def test_empty_secret_file_is_refused(tmp_path, content):
    path = tmp_path / "secret.txt"
    path.write_text(content)
    os.chmod(path, 0o600)
    with pytest.raises(UsageError, match="empty"):
        classroom.course_secret(path, tmp_path / "subs", environ={})


def test_secret_file_of_another_user_is_refused(tmp_path):
    path = secret_file(tmp_path)
    if IS_ROOT:                                   # give it away for real
        os.chown(path, 65534, -1)                 # nobody
        with pytest.raises(UsageError, match="belongs to user"):
            classroom.course_secret(path, tmp_path / "subs", environ={})
    info = os.stat(path)                          # as if another user owned it
    fields = list(info[:10])
    fields[4] = info.st_uid + 1
    with pytest.raises(UsageError, match="belongs to user"):
        classroom.check_private(os.stat_result(fields), path)


def test_secret_from_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    submissions = _make_class(tmp_path / "subs", 1)
    monkeypatch.setenv(classroom.SECRET_VARIABLE, SECRET)
    assert classroom.course_secret(None, submissions) == SECRET
    result = CliRunner().invoke(main, ["grade", str(submissions), "--out", "g.csv", "--quiet",
                                       "--json", "g.json", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    record = json.loads((tmp_path / "g.json").read_text())["students"][0]
    assert record["seed"] == student_seed(SECRET, "s000")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_config_holding_the_secret_must_be_private(tmp_path, monkeypatch, lang):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(classroom.SECRET_VARIABLE, raising=False)
    submissions = _make_class(tmp_path / "subs", 1)
    config = tmp_path / "bpgrade.toml"
    config.write_text('[grade]\nsecret = "from-config"\n')
    os.chmod(config, 0o644)
    result = CliRunner().invoke(main, ["grade", str(submissions), "--out", "g.csv",
                                       "--lang", lang])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert str(config) in result.output and "0644" in result.output
    assert f"chmod 600 {config}" in result.output
    config.write_text('[grade]\nsecret = ""\n')
    os.chmod(config, 0o600)
    with pytest.raises(UsageError, match="empty"):
        classroom.course_secret(None, submissions, environ={})


def test_config_without_a_secret_may_be_public(tmp_path):
    (tmp_path / "bpgrade.toml").write_text("[workspace]\nlang = \"en\"\n")
    os.chmod(tmp_path / "bpgrade.toml", 0o644)
    with pytest.raises(UsageError, match="no course secret"):
        classroom.course_secret(None, tmp_path / "subs", environ={}, cwd=tmp_path)


# --- output hygiene: folders only we can write, a progress file never followed -----------------

def test_output_folder_writable_by_others_is_refused(tmp_path):
    submissions = _make_class(tmp_path / "subs", 1)
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    for options in ({"out": shared / "g.csv"},
                    {"out": tmp_path / "g.csv", "json_path": shared / "g.json"},
                    {"out": tmp_path / "g.csv", "canvas": shared / "c.csv"},
                    {"out": tmp_path / "g.csv", "feedback": shared}):
        with pytest.raises(UsageError, match="0777"):
            classroom.grade(submissions, secret=SECRET, jobs=1, **options)
    assert list(shared.iterdir()) == []


def test_output_folder_refusal_is_a_cli_error_in_both_languages(tmp_path):
    submissions = _make_class(tmp_path / "subs", 1)
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    for lang, needle in (("en", "writable by other users"), ("zh", "可被其他用户写入")):
        result = CliRunner().invoke(main, ["grade", str(submissions), "--out",
                                           str(shared / "g.csv"), "--secret-file",
                                           str(secret_file(tmp_path)), "--lang", lang])
        assert result.exit_code == 2 and needle in result.output, result.output
        assert "chmod go-w" in result.output and "Traceback" not in result.output


def test_new_output_folders_are_private(tmp_path):
    submissions = _make_class(tmp_path / "subs", 1)
    out = tmp_path / "new" / "g.csv"
    classroom.grade(submissions, out, secret=SECRET, feedback=tmp_path / "fb", jobs=1)
    for folder in (out.parent, tmp_path / "fb"):
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700


@pytest.mark.parametrize("resume", [False, True])
def test_symlinked_progress_file_is_refused_and_its_target_untouched(tmp_path, resume):
    submissions = _make_class(tmp_path / "subs", 1)
    out = tmp_path / "out" / "g.csv"
    out.parent.mkdir()
    target = tmp_path / "precious.txt"
    target.write_text("do not touch\n")
    os.symlink(target, classroom.progress_path(out))
    with pytest.raises(UsageError, match="link"):
        classroom.grade(submissions, out, secret=SECRET, jobs=1, resume=resume)
    assert target.read_text() == "do not touch\n"
    assert os.path.islink(classroom.progress_path(out)) and not out.exists()


def test_progress_file_is_private_while_grading(tmp_path):
    submissions = _make_class(tmp_path / "subs", 1)
    out = tmp_path / "g.csv"
    modes = []
    classroom.grade(submissions, out, secret=SECRET, jobs=1, on_student=lambda record:
                    modes.append(stat.S_IMODE(os.stat(classroom.progress_path(out)).st_mode)))
    assert modes == [0o600]


# --- feedback a student cannot forge -------------------------------------------------------------

HOSTILE_MESSAGE = "<script>alert(1)</script> **bold** [x](http://evil) | col"
HOSTILE_OUTPUT = "```\n# heading\n<img src=x onerror=alert(1)>\n````"


def _hostile_record() -> dict:
    results = [{"step": step.id, "status": "passed", "score": float(step.points),
                "max_score": step.points, "fraction": 1.0, "message": "", "diagnosis": None,
                "error": "", "output": ""} for step in registry.STEPS]
    results[1].update(status="invalid", score=0.0, fraction=0.0,
                      message=HOSTILE_MESSAGE + "\n# forged heading\n1. item\n- item",
                      error="Traceback\n```\n<b>boom</b>", output=HOSTILE_OUTPUT)
    return {"student": "eve\n# I got full marks <b>", "seed": 1, "results": results,
            "score": sum(r["score"] for r in results),
            "max_score": sum(r["max_score"] for r in results)}


def _render(markdown: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_feedback_renders_student_text_inert(lang):
    page = classroom.feedback_markdown(_hostile_record(), lang)
    html = _render(page)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "<strong>bold" not in html and "<a " not in html
    assert html.count("<h1>") == 1 and html.count("<h2>") == 1      # title and step1 only
    assert "<ol" not in html and "<ul" not in html
    rows = [line for line in html.splitlines() if line.startswith("<tr>")]
    assert len(rows) == len(registry.STEPS) + 1
    assert html.count("<td>") == 4 * len(registry.STEPS)            # "| col" made no column
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **bold** [x](http://evil) | col" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html              # the output, verbatim
    assert "# heading" in html and "eve # I got full marks &lt;b&gt;" in html


def test_feedback_labels_output_by_problem_outside_its_fences():
    record = _hostile_record()
    forged = "*on further problem 1 of 4:*\n```\n## step5\n"
    record["results"][0].update(                                  # step0, worth 2 points
        status="failed", score=1.0 + 5 / 7, message="m", output=forged + "theirs\n",
        output_parts=[{"problem": 0, "text": forged}, {"problem": 1, "text": "theirs\n"}])
    record["score"] = sum(r["score"] for r in record["results"])
    page = classroom.feedback_markdown(record, "en")
    html = _render(page)
    assert html.count("<em>on your problem:</em>") == 1
    assert "<em>on further problem" not in html                        # the forged one is
    assert "*on further problem 1 of 4:*" in html and "## step5" in html   # inside a fence
    assert "theirs" not in html                    # printed on a further problem: not shown
    assert "What it printed on the further problems is not shown." in html
    assert html.count("<h2>") == 2 and html.count("<pre>") == 3       # step1's 2, step0's 1
    assert "| 1.71 / 2 |" in page                                    # 12/14 of 2 points
    assert f"Score: **{record['score']:.2f} / " in page
    zh = classroom.feedback_markdown(record, "zh")
    assert "*在你的问题上：*" in zh and "它在另外几个问题上打印的内容不显示。" in zh
    assert "theirs" not in zh and "在另外第 1 个问题上" not in zh.replace(forged, "")


def test_feedback_shows_values_of_the_visible_problem_only():
    from grader.checking.check import Result, Row

    def failed(step, visible, expected, received):
        return Result(step=step, status="failed", score=0.0, max_score=1, message="m",
                      shown_seed=77 if visible else 31337, shown_visible=visible,
                      rows=[Row(key="value", expected=expected, received=received,
                                relative_error=1.0, finite_difference=expected, passed=False)])

    results = [Result(step=step.id, status="passed", score=float(step.points),
                      max_score=step.points, message="m") for step in registry.STEPS]
    results[7] = failed("step7", True, 0.123456789, -0.5)
    results[8] = failed("step8", False, 0.918273645, 0.111222333)       # a further problem
    record = json.loads(json.dumps(classroom.record_for("ali", 77, results)))
    assert "0.918273645" not in json.dumps(record) and "31337" not in json.dumps(record)
    page = classroom.feedback_markdown(record, "en")
    assert "0.918273645" not in page and "0.111222333" not in page and "31337" not in page
    assert "| dL\\_dw2\\_11 | 0.123456789 | -0.5 |" in page
    assert "**on your problem \\(seed 77\\):**" in page
    assert "| step7 | failed | 0 / 1 |" in page and "wrong" not in page
    assert "**Check it yourself:** `bpgrade check step8 --seed 77`" in page
    html = _render(page)
    assert html.count("<table>") == 2 and "<td>-0.5</td>" in html


def test_feedback_from_an_older_record_shows_the_output_whole():
    record = _hostile_record()
    assert "output_parts" not in record["results"][1]
    html = _render(classroom.feedback_markdown(record, "en"))
    assert "on your problem" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_record_keeps_the_output_by_problem_clipped():
    from grader.checking.check import Result

    parts = [{"problem": i, "text": "x" * 5000} for i in range(5)]
    result = Result(step="step1", status="failed", score=0.0, max_score=1, message="m",
                    output="x" * 25000, output_parts=parts)
    kept = classroom.record_for("ali", 1, [result])["results"][0]["output_parts"]
    assert [part["problem"] for part in kept] == [0, 1, 2, 3, 4]
    assert all(len(part["text"]) <= 400 + 3 for part in kept)


def test_markdown_text_round_trips_through_a_renderer():
    for value in [HOSTILE_MESSAGE, "a_b*c*", "`x`", "~~s~~", "$x$", "&amp;", "\\*", "1) x",
                  "+ y", "===", "> q", "![i](u)", "<http://x>", "a\\|b"]:
        html = _render(classroom.markdown_text(value))
        text = html.removeprefix("<p>").removesuffix("</p>\n")
        assert text == value.strip().replace("&", "&amp;").replace("<", "&lt;") \
            .replace(">", "&gt;").replace('"', "&quot;"), (value, html)


def test_fence_outlasts_any_backtick_run():
    body = "x ````` y\n```"
    fenced = classroom._fence(body)
    assert fenced.startswith("``````text\n") and fenced.endswith("\n``````")
    assert "x ````` y\n```" in _render(fenced)


def test_grade_runs_as_a_command_of_its_own(tmp_path):
    submissions = _make_class(tmp_path / "subs", 1)
    out = tmp_path / "grades.csv"
    done = subprocess.run([sys.executable, "-m", "grader", "grade", str(submissions), "--out",
                           str(out), "--secret-file", str(secret_file(tmp_path)), "--jobs", "1"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "step0" in done.stdout and out.exists()


def test_batched_steps_never_carry_their_own_answers():
    for batch in classroom.batches(registry.STEPS):
        answers = {quantity for step in batch for _, quantity in step.answer_items}
        contexts = {name for step in batch for name in step.context}
        assert not answers & contexts, [step.id for step in batch]
    assert [s for b in classroom.batches(registry.STEPS) for s in b] == list(registry.STEPS)


def test_a_relative_submissions_path_finds_a_students_own_modules(tmp_path, monkeypatch):
    """The sandbox gets a copy of the student's folder, so their helper module imports
    whatever path SUBMISSIONS was given as (it did not when relative)."""
    monkeypatch.chdir(tmp_path)
    student = _make_class(tmp_path / "subs", 1) / "s000"
    (student / "helpers").mkdir()
    (student / "helpers" / "__init__.py").write_text("")
    (student / "helpers" / "output.py").write_text(
        "def delta(y, target):\n    return y - target\n")
    (student / "step01.py").write_text(
        "from helpers.output import delta\n\ndef step1(net):\n"
        "    return delta(net.y, net.y_target)\n")
    classroom.grade("subs", "out/grades.csv", secret=SECRET, jobs=1)
    row = next(csv.DictReader(open("out/grades.csv")))
    assert row["step1"] == "1" and row["total"] == row["max"]


# --- the further problems: one draw a run, shared by its students ---------------------------

def test_further_problems_are_the_runs_not_the_students():
    from grader.checking.check import ProblemSet, answer_keys, contexts_for
    from grader.engine.seeds import graded_seeds

    further = classroom.further_problems(SECRET, "run-1", ["ali", "cy"])  # as before the jobs
    assert set(further.runs) == {student_seed(SECRET, "ali"), student_seed(SECRET, "cy")}
    ali = classroom.graded_problems(SECRET, "ali", further=further)
    bo = classroom.graded_problems(SECRET, "bo", "run-1")           # drawn on its own
    assert ali.seeds[0] == student_seed(SECRET, "ali") and bo.seeds[0] == student_seed(SECRET, "bo")
    assert ali.seeds[1:] == bo.seeds[1:] == graded_seeds(SECRET, 4, "run-1")
    assert not set(graded_seeds(SECRET, 4, "run-2")) & set(ali.seeds[1:])
    assert not set(graded_seeds("another", 4, "run-1")) & set(ali.seeds[1:])
    # what each student's sandbox receives is what a problem set drawing all five would give
    for student in (ali, bo):
        alone = ProblemSet(student.seed, further_seeds=student.seeds[1:])
        for step in registry.STEPS:
            assert json.dumps(contexts_for(step, student, "en")) \
                == json.dumps(contexts_for(step, alone, "en")), step.id       # bit for bit
            assert answer_keys(step, student) == answer_keys(step, alone), step.id
            assert student.references_for(step) == alone.references_for(step), step.id


def test_further_problems_are_read_only():
    further = classroom.further_problems(SECRET, "run-1")
    ali = classroom.graded_problems(SECRET, "ali", further=further)
    with pytest.raises(TypeError):
        further.references[0]["x1"] = 0.5
    with pytest.raises(TypeError):
        ali.references[1]["x1"] = 0.5                       # the same mapping, in ali's list
    ali.references.append({})                               # ali's list is ali's own
    assert len(classroom.graded_problems(SECRET, "bo", further=further).references) == 5


def _wrong_everywhere(folder: Path) -> Path:
    """Every step's solution with each number of its answer scaled: every step fails (and is
    diagnosed) on every problem."""
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for step in registry.STEPS:
        path = folder / step.file_name
        source = path.read_text(encoding="utf-8")
        header = f"def {step.function_name}(net):"
        path.write_text(source.replace(header, "def _honest(net):") + f'''

def _scaled(answer):
    import numpy as np

    if isinstance(answer, dict):
        return {{key: _scaled(value) for key, value in answer.items()}}
    if isinstance(answer, (list, tuple)):
        return [_scaled(value) for value in answer]
    return (np.asarray(answer) * 1.5 + 0.25).tolist()


{header}
    return _scaled(_honest(net))
''', encoding="utf-8")
    return folder


@pytest.mark.slow
def test_grading_a_student_leaves_the_shared_further_problems_as_they_were(tmp_path):
    """What one student's grading reads of the run's further problems, the next one reads
    unchanged: graded as a job grades them, every step wrong and diagnosed."""
    import copy

    further = classroom.further_problems(SECRET, "run-1")
    per_problem = [step for step in registry.STEPS if step.per_problem]

    def snapshot():
        return copy.deepcopy(([dict(r) for r in further.references],
                              {step.id: [dict(r) for r in further.references_for(step)]
                               for step in per_problem}))

    before = snapshot()
    isolation = sandbox.choose(trust_submissions=True, lang="en")
    client = sandbox.RunnerClient(5.0, "en", sandbox.Limits(memory=256 << 20),
                                  isolation.user(0), isolation.mode, isolation.quota)
    try:
        wrong = classroom.grade_student(client, "eve", _wrong_everywhere(tmp_path / "eve"),
                                        SECRET, "en", further=further)
        honest = classroom.grade_student(client, "ali", SOLUTIONS, SECRET, "en",
                                         further=further)
    finally:
        client.close()
    assert all(result.status != "passed" for result in wrong)
    assert all(result.score == 0 for result in wrong
               if not registry.BY_ID[result.step].returns_dict)
    assert any(result.diagnosis for result in wrong)
    assert all(result.passed for result in honest)
    assert snapshot() == before


@pytest.mark.slow
def test_a_class_grades_the_same_with_one_job_or_two(tmp_path):
    submissions = _make_class(tmp_path / "subs", 3)
    shutil.copytree(EXERCISES, submissions / "stubs")
    _wrong_everywhere(submissions / "wrong")
    rows = {}
    for jobs in (1, 2):
        out = tmp_path / f"jobs{jobs}" / "grades.csv"
        classroom.grade(submissions, out, secret=SECRET, jobs=jobs, timeout=5)
        rows[jobs] = list(csv.DictReader(open(out, encoding="utf-8")))
    assert rows[1] == rows[2]
    by_student = {row["student"]: row for row in rows[1]}
    for student in ("s000", "s001", "s002"):
        assert float(by_student[student]["total"]) == float(by_student[student]["max"])
    assert float(by_student["stubs"]["total"]) == 0
    assert float(by_student["wrong"]["total"]) < float(by_student["wrong"]["max"]) / 2

"""Classroom grading: the adversarial corpus, gradebooks, resume, summary, feedback."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import classroom, registry, sandbox
from grader.cli import main
from grader.seeds import student_seed

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
CORPUS = ROOT / "tests" / "adversarial"
SECRET = "test-course-secret"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
STEP_IDS = [step.id for step in registry.STEPS]
POINTS = {step.id: step.points for step in registry.STEPS}


def _cases() -> list:
    cases = []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        meta = json.loads((folder / "expected.json").read_text())
        if meta.get("root_only") and not IS_ROOT:
            continue
        cases.append((folder.name, meta))
    return cases


CASES = _cases()


def _student(folder: Path, case: Path, meta: dict) -> None:
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in meta.get("delete", []):
        (folder / name).unlink()
    for name, target in meta.get("symlink", {}).items():
        (folder / name).unlink()
        os.symlink(target, folder / name)
    for path in case.iterdir():
        if path.name != "expected.json":
            shutil.copyfile(path, folder / path.name)


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    """Grade the whole corpus once (plus one honest student), as one class."""
    base = tmp_path_factory.mktemp("corpus")
    os.chmod(base, 0o755)
    submissions = base / "submissions"
    submissions.mkdir()
    for name, meta in CASES:
        _student(submissions / name, CORPUS / name, meta)
    shutil.copytree(SOLUTIONS, submissions / "honest")
    shared = base / "shared"                      # writable by anyone: only the kill stops it
    shared.mkdir()
    os.chmod(shared, 0o777)
    marker = shared / "daemon-was-here"
    out = base / "out" / "grades.csv"
    out.parent.mkdir()
    environ = {"BPGRADE_ADVERSARIAL_MARKER": str(marker),
               "BPGRADE_ADVERSARIAL_PROGRESS": str(classroom.progress_path(out))}
    old = {key: os.environ.get(key) for key in environ}
    os.environ.update(environ)
    try:
        started = time.monotonic()
        summary = classroom.grade(submissions, out, secret=SECRET, json_path=base / "out" / "g.json",
                                  feedback=base / "out" / "feedback", jobs=2, timeout=1.5,
                                  limits=sandbox.Limits(memory=256 << 20))
        elapsed = time.monotonic() - started
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    time.sleep(2.0)                               # longer than the daemon waits before writing
    rows = {row["student"]: row for row in csv.DictReader(open(out, encoding="utf-8"))}
    records = {r["student"]: r for r in json.loads((base / "out" / "g.json").read_text())["students"]}
    return dict(rows=rows, records=records, summary=summary, marker=marker, out=out, base=base,
                elapsed=elapsed)


def test_corpus_is_large_enough():
    assert len(list(p for p in CORPUS.iterdir() if p.is_dir())) >= 30


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


def test_honest_student_gets_everything(corpus_run):
    row = corpus_run["rows"]["honest"]
    assert float(row["total"]) == sum(POINTS.values()) == int(row["max"])


def test_daemon_was_killed_and_gradebook_is_intact(corpus_run):
    assert not corpus_run["marker"].exists()
    rows = list(csv.reader(open(corpus_run["out"], encoding="utf-8")))
    assert rows[0] == ["student", *STEP_IDS, "total", "max"]
    assert len(rows) == len(CASES) + 2
    assert "forged" not in {row[0] for row in rows}
    assert not classroom.progress_path(corpus_run["out"]).exists()


def test_corpus_grades_quickly(corpus_run):
    assert corpus_run["elapsed"] < 40


def test_summary_counts_pass_rates(corpus_run):
    summary = corpus_run["summary"]
    assert summary.students == len(CASES) + 1
    failing_step1 = sum(1 for _, meta in CASES if meta["expect"].get("step1", "passed") != "passed")
    assert summary.pass_rate("step1") == pytest.approx(1 - failing_step1 / summary.students)
    text = summary.render("en")
    assert "step13" in text and "timeout" in text
    assert "超时" in summary.render("zh")


def test_feedback_files_explain_failures(corpus_run):
    folder = corpus_run["base"] / "out" / "feedback"
    text = (folder / classroom.feedback_name("infinite_loop")).read_text(encoding="utf-8")
    assert "step13" in text and "timeout" in text
    assert "Every step passed" in (folder / classroom.feedback_name("honest")).read_text()


def test_children_ran_unprivileged_when_root(tmp_path):
    submissions = tmp_path / "subs"
    student = submissions / "who"
    shutil.copytree(SOLUTIONS, student)
    (student / "step01.py").write_text(
        "import os\n\ndef step1(net):\n    print('uid', os.getuid(), os.geteuid())\n"
        "    return net.y - net.y_target\n")
    out = tmp_path / "grades.csv"
    classroom.grade(submissions, out, secret=SECRET, json_path=tmp_path / "g.json", jobs=1)
    record = json.loads((tmp_path / "g.json").read_text())["students"][0]
    printed = record["results"][1]["output"].split()
    expected = sandbox.sandbox_user()[0] if IS_ROOT else os.getuid()
    assert printed[:3] == ["uid", str(expected), str(expected)]
    assert record["results"][1]["status"] == "passed"


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
    from grader.checking import ProblemSet

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


def _descendants(pid: int) -> set:
    found, frontier = set(), [pid]
    while frontier:
        current = frontier.pop()
        for task in os.listdir(f"/proc/{current}/task"):
            try:
                with open(f"/proc/{current}/task/{task}/children") as children:
                    kids = [int(c) for c in children.read().split()]
            except OSError:
                kids = []
            found.update(kids)
            frontier += kids
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_kill_and_resume_lose_and_duplicate_nothing(tmp_path):
    submissions = _make_class(tmp_path / "subs", 24)
    for i in range(24):                           # slow enough to be killed mid-way
        (submissions / f"s{i:03d}" / "step01.py").write_text(
            "import time\n\ndef step1(net):\n    time.sleep(0.03)\n"
            "    return net.y - net.y_target\n")
    out = tmp_path / "grades.csv"
    progress = classroom.progress_path(out)
    command = [sys.executable, "-m", "grader", "grade", str(submissions), "--out", str(out),
               "--secret", SECRET, "--jobs", "2", "--quiet"]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if progress.exists() and len(progress.read_bytes().splitlines()) >= 6:
            break
        time.sleep(0.02)
    helpers = _descendants(process.pid)
    assert len(helpers) >= 4                       # two jobs, each with its runner
    os.kill(process.pid, signal.SIGKILL)           # only the main process: its helpers follow
    process.wait()
    deadline = time.monotonic() + 15
    while helpers and time.monotonic() < deadline:
        helpers = {pid for pid in helpers if _alive(pid)}
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
                                       "--secret", SECRET, "--resume", "--quiet"])
    assert result.exit_code == 2 and "--resume" in result.output


def test_cli_writes_every_gradebook(tmp_path):
    submissions = _make_class(tmp_path / "subs", 2)
    shutil.copytree(EXERCISES, submissions / "stubs")
    shutil.copytree(SOLUTIONS, submissions / "Zoë 张三")
    out = tmp_path / "new" / "grades.csv"
    result = CliRunner().invoke(main, [
        "grade", str(submissions), "--out", str(out), "--json", str(tmp_path / "g.json"),
        "--feedback", str(tmp_path / "fb"), "--canvas", str(tmp_path / "canvas.csv"),
        "--secret", SECRET, "--jobs", "2", "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert "通过率" in result.output
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


@pytest.mark.parametrize("args,needle", [
    (["grade", "NOPE", "--out", "g.csv", "--secret", "s"], "NOPE"),
    (["grade", "subs", "--out", "g.csv"], "secret"),
    (["grade", "empty", "--out", "g.csv", "--secret", "s"], "student"),
])
def test_cli_usage_errors(tmp_path, monkeypatch, args, needle):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(classroom.SECRET_VARIABLE, raising=False)
    (tmp_path / "subs" / "a").mkdir(parents=True)
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and needle in result.output
    assert "Traceback" not in result.output


def test_secret_from_config_environment_and_option(tmp_path):
    submissions = tmp_path / "course" / "subs"
    submissions.mkdir(parents=True)
    (tmp_path / "course" / "bpgrade.toml").write_text('[grade]\nsecret = "from-file"\n')
    assert classroom.course_secret(None, submissions, environ={}, cwd=tmp_path) == "from-file"
    assert classroom.course_secret(None, submissions,
                                   environ={"BPGRADE_SECRET": "env"}, cwd=tmp_path) == "env"
    assert classroom.course_secret("opt", submissions, environ={"BPGRADE_SECRET": "env"}) == "opt"


def test_installed_command_runs(tmp_path):
    submissions = _make_class(tmp_path / "subs", 1)
    out = tmp_path / "grades.csv"
    done = subprocess.run(["bpgrade", "grade", str(submissions), "--out", str(out), "--secret",
                           SECRET, "--jobs", "1"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "step0" in done.stdout and out.exists()


def test_batched_steps_never_carry_their_own_answers():
    for batch in classroom.batches(registry.STEPS):
        answers = {quantity for step in batch for _, quantity in step.answer_items}
        contexts = {name for step in batch for name in step.context}
        assert not answers & contexts, [step.id for step in batch]
    assert [s for b in classroom.batches(registry.STEPS) for s in b] == list(registry.STEPS)

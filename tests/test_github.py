"""GitHub Classroom: the template repository (its workflow runs from its own files, with no
secret, and no value can change its structure) and the students' clones collected."""

from __future__ import annotations

import csv
import os
import shlex
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from grader.classroom import students_in
from grader.cli import main
from grader.errors import UsageError
from grader.platforms import bundle, github
from grader.steps import registry

ROOT = Path(__file__).resolve().parents[1]
INSTALL = "          python -m pip install "
CHECK = "            PYTHONPATH=.bpgrade python -m grader check "


def _export(tmp_path, *options) -> Path:
    target = tmp_path / "template"
    result = CliRunner().invoke(main, ["export", "github-classroom", "-o", str(target),
                                       "--seed", "7", *options])
    assert result.exit_code == 0, result.output
    return target


def _steps(workflow_text: str) -> list:
    return yaml.safe_load(workflow_text)["jobs"]["run-autograding-tests"]["steps"]


def test_template_holds_the_workspace_the_workflow_and_the_grader(tmp_path):
    target = _export(tmp_path)
    assert "seed = 7" in (target / "bpgrade.toml").read_text()
    for step in registry.STEPS:
        assert (target / "exercises" / step.file_name).is_file()
    for _, name in bundle.package_files():
        assert (target / ".bpgrade" / name).is_file(), name
    assert (target / ".bpgrade" / "requirements.txt").read_text().splitlines() == \
        bundle.requirements()
    text = (target / ".github" / "workflows" / "classroom.yml").read_text()
    assert text == github.github_classroom_workflow() and "\t" not in text
    assert not list(tmp_path.glob(".bpgrade-template-*"))          # nothing left beside it


def test_workflow_has_one_command_test_per_step_and_no_secret():
    text = github.github_classroom_workflow()
    assert "secrets." not in text and "BPGRADE_SECRET" not in text and "gradescope" not in text
    assert "${{ secrets" not in text and "github.actor }}" not in text
    steps = _steps(text)
    graders = [s for s in steps if s.get("uses", "").startswith(
        "classroom-resources/autograding-command-grader")]
    assert [s["id"] for s in graders] == [step.id for step in registry.STEPS]
    for test, step in zip(graders, registry.STEPS):
        assert test["with"]["test-name"] == step.id
        assert test["with"]["max-score"] == step.points
        assert test["with"]["command"] == (f"PYTHONPATH=.bpgrade python -m grader check {step.id} "
                                           "--exercises exercises --lang en")
    reporter = steps[-1]
    assert reporter["with"]["runners"] == ",".join(step.id for step in registry.STEPS)
    for step in registry.STEPS:
        assert reporter["env"][f"{step.id.upper()}_RESULTS"] == \
            "${{steps.%s.outputs.result}}" % step.id
    (install,) = [s["run"] for s in steps if "run" in s]
    assert install == "python -m pip install -r .bpgrade/requirements.txt"


def test_package_option_installs_from_the_given_source_and_carries_no_copy(tmp_path):
    source = "git+https://example.org/course/bpgrade@0123abc"
    target = _export(tmp_path, "--package", source)
    assert not (target / ".bpgrade" / "grader").exists()
    steps = _steps((target / ".github" / "workflows" / "classroom.yml").read_text())
    (install,) = [s["run"] for s in steps if "run" in s]
    assert shlex.split(install) == ["python", "-m", "pip", "install", "-r",
                                    ".bpgrade/requirements.txt", source]
    assert steps[3]["with"]["command"] == "bpgrade check step0 --exercises exercises --lang en"


def test_the_stubs_sit_in_the_folder_the_workflow_checks(tmp_path):
    nested = _export(tmp_path / "nested", "--folder", "exercises/mine")
    assert len(list((nested / "exercises" / "mine").glob("step*.py"))) == len(registry.STEPS)
    target = _export(tmp_path, "--folder", "work/backprop")
    assert not (target / "exercises").exists()
    assert sorted(p.name for p in (target / "work" / "backprop").iterdir()) == \
        sorted(step.file_name for step in registry.STEPS)
    steps = _steps((target / ".github" / "workflows" / "classroom.yml").read_text())
    assert steps[3]["with"]["command"].endswith("check step0 --exercises work/backprop --lang en")


@pytest.mark.parametrize("folder", ["/abs/path", "../outside", "a/../../b", ".", ".github",
                                    ".bpgrade/x", "bpgrade.toml", "README.md"])
def test_a_folder_outside_the_repository_is_refused(tmp_path, folder):
    result = CliRunner().invoke(main, ["export", "github-classroom", "-o",
                                       str(tmp_path / "template"), "--folder", folder])
    assert result.exit_code == 2 and "--folder must be a path inside the repository" in \
        result.output
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_with_files_is_refused_and_kept(tmp_path):
    target = tmp_path / "template"
    target.mkdir()
    (target / "mine.txt").write_text("keep")
    result = CliRunner().invoke(main, ["export", "github-classroom", "-o", str(target),
                                       "--lang", "zh"])
    assert result.exit_code == 2 and "已存在且不是空文件夹" in result.output
    assert [p.name for p in target.iterdir()] == ["mine.txt"]
    assert not list(tmp_path.glob(".bpgrade-template-*"))


def _sh(command: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    """A workflow command as the runner runs it: one /bin/sh command line."""
    return subprocess.run(["/bin/sh", "-c", command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.slow      # a virtual environment, then every step checked twice
def test_workflow_commands_run_from_the_template_alone(tmp_path):
    """The workflow's own commands, in a fresh virtual environment, in a copy of the template
    with no source tree on any path: the stubs fail, the solutions pass. Its third-party
    libraries come from this interpreter's site-packages (the pins are the installed versions,
    so pip finds every one satisfied without an index); bpgrade itself from the template's
    copy."""
    repository = tmp_path / "student-repo"
    shutil.copytree(_export(tmp_path), repository, symlinks=True)
    venv.EnvBuilder(with_pip=True).create(tmp_path / "venv")
    python = tmp_path / "venv" / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path("
                              "'purelib'))"], capture_output=True, text=True).stdout.strip()
    # This interpreter's site-packages, listed in a .pth (so this works from a virtual
    # environment too): only the folders are added, and no .pth file in them (no editable
    # bpgrade) takes effect
    (Path(purelib) / "dependencies.pth").write_text(
        "\n".join(p for p in sys.path if p.endswith(("site-packages", "dist-packages"))) + "\n")
    env = {"PATH": f"{tmp_path / 'venv' / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path / "home"),
           "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "LANG": "C.UTF-8",
           "BPGRADE_CACHE": str(tmp_path / "cache")}
    steps = _steps((repository / ".github" / "workflows" / "classroom.yml").read_text())
    for step in steps:
        if "run" in step:
            done = _sh(step["run"], repository, env)
            assert done.returncode == 0, done.stdout + done.stderr
    where = _sh("PYTHONPATH=.bpgrade python -c 'import grader, bpgrade_harness; "
                "print(grader.__file__); print(bpgrade_harness.__file__)'", repository, env)
    assert [Path(line).parent.parent for line in where.stdout.splitlines()] == \
        [repository / ".bpgrade"] * 2, where.stdout + where.stderr
    tests = {s["id"]: s["with"]["command"] for s in steps
             if s.get("uses", "").startswith("classroom-resources/autograding-command-grader")}
    assert list(tests) == [step.id for step in registry.STEPS]
    for step in registry.STEPS:
        stub = _sh(tests[step.id], repository, env)
        assert stub.returncode == 1 and "not started" in stub.stdout, stub.stdout + stub.stderr
    for step in registry.STEPS:
        shutil.copy(ROOT / "solutions" / step.file_name, repository / "exercises" / step.file_name)
    for step in registry.STEPS:
        solved = _sh(tests[step.id], repository, env)
        assert solved.returncode == 0, solved.stdout + solved.stderr
        assert "seed 7" in solved.stdout


# --- values given on the command line stay in their place -------------------------------------

def _changed_lines(package: str, folder: str) -> list:
    """The lines where a workflow for ``package`` and ``folder`` differs from one for plain
    values."""
    plain = github.github_classroom_workflow("pkg", "exercises").splitlines()
    other = github.github_classroom_workflow(package, folder).splitlines()
    assert len(other) == len(plain)
    return [b for a, b in zip(plain, other) if a != b]


@pytest.mark.parametrize("value", [
    "a: b", "ends with colon:", "x #not a comment", "it's", "$(echo pwned)", "`id`",
    "- item", "[list]", "{flow: map}", "& anchor", "* alias", "| literal", "> folded",
    '"quoted"', "git+https://github.com/o/r@v1#egg=bpgrade", "日本語",
])
def test_a_value_stays_one_shell_word_on_its_own_line(value):
    changed = _changed_lines(value, value)
    install, *checks = changed
    assert install.startswith(INSTALL) and shlex.split(install)[6:] == [value]
    assert len(checks) == len(registry.STEPS)
    for line, step in zip(checks, registry.STEPS):
        words = shlex.split(line)
        assert words[:3] == ["bpgrade", "check", step.id] and words[4] == value
    parsed = _steps(github.github_classroom_workflow(value, value))
    assert shlex.split(parsed[2]["run"])[-1] == value
    vendored = github.github_classroom_workflow(None, value).splitlines()
    vendored_checks = [shlex.split(line) for line in vendored if line.startswith(CHECK)]
    assert len(vendored_checks) == len(registry.STEPS)
    assert all(words[6:8] == ["--exercises", value] for words in vendored_checks)


@pytest.mark.parametrize("value", ["two\nlines", "cr\rhere", "tab\there", "nul\0",
                                   "line\u2028separator", "next\x85line",
                                   "${{ secrets.BPGRADE_SECRET }}"])
@pytest.mark.parametrize("option", ["--package", "--folder"])
def test_a_value_that_could_leave_its_line_is_refused(tmp_path, option, value):
    output = tmp_path / "template"
    result = CliRunner().invoke(main, ["export", "github-classroom", "-o", str(output),
                                       option, value, "--lang", "en"])
    assert result.exit_code == 2
    assert f"{option} must be one line of plain text" in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []               # nothing written


def test_refusal_in_chinese():
    with pytest.raises(UsageError, match="必须是一行普通文本"):
        github.github_classroom_workflow("a\nb", lang="zh")


# --- collecting the cloned repositories --------------------------------------------------------

def _clones(tmp_path) -> Path:
    """A folder as ``gh classroom clone student-repos`` writes one for assignment ``backprop``."""
    clones = tmp_path / "backprop-submissions"
    for user in ("alice", "bob-2", "Zoë"):
        exercises = clones / f"backprop-{user}" / "exercises"
        exercises.mkdir(parents=True)
        (clones / f"backprop-{user}" / ".git").mkdir()
        for step in registry.STEPS[:3]:
            shutil.copy(ROOT / "solutions" / step.file_name, exercises / step.file_name)
        (exercises / "notes.txt").write_text("not a step")
    secret = tmp_path / "secret.txt"
    secret.write_text("the course secret")
    bob = clones / "backprop-bob-2" / "exercises"
    (bob / "step01.py").unlink()
    (bob / "step01.py").symlink_to(secret)                   # a link to the teacher's file
    (clones / "README.md").write_text("not a repository")
    return clones


def test_collect_arranges_clones_as_grade_reads_them(tmp_path):
    clones = _clones(tmp_path)
    out = tmp_path / "submissions"
    result = CliRunner().invoke(main, ["collect", "github-classroom", str(clones),
                                       "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "3 students' files in" in result.output
    assert "skipped README.md" in result.output and "skipped " in result.output
    assert [student for student, _ in students_in(out)] == ["Zoë", "alice", "bob-2"]
    three = [step.file_name for step in registry.STEPS[:3]]
    assert sorted(p.name for p in (out / "alice").iterdir()) == three
    assert sorted(p.name for p in (out / "bob-2").iterdir()) == [three[0], three[2]]
    for path in out.rglob("*"):
        assert not path.is_symlink() and "the course secret" not in (
            path.read_text() if path.is_file() else "")
    assert (out / "alice" / three[1]).read_bytes() == \
        (ROOT / "solutions" / three[1]).read_bytes()
    secret = tmp_path / "course-secret.txt"
    secret.write_text("a course secret\n")
    secret.chmod(0o600)
    grades = tmp_path / "grades" / "grades.csv"
    graded = CliRunner().invoke(main, ["grade", str(out), "--out", str(grades), "--quiet",
                                       "--secret-file", str(secret), "--jobs", "1"])
    assert graded.exit_code == 0, graded.output
    rows = {row["student"]: row for row in csv.DictReader(open(grades, encoding="utf-8"))}
    assert sorted(rows) == ["Zoë", "alice", "bob-2"]
    assert [rows["alice"][step.id] for step in registry.STEPS[:4]] == ["1", "1", "1", "0"]
    assert [rows["bob-2"][step.id] for step in registry.STEPS[:3]] == ["1", "0", "1"]


def test_collect_needs_the_assignment_when_the_folder_does_not_name_it(tmp_path):
    clones = _clones(tmp_path)
    renamed = tmp_path / "clones"
    clones.rename(renamed)
    out = tmp_path / "submissions"
    refused = CliRunner().invoke(main, ["collect", "github-classroom", str(renamed),
                                        "--out", str(out), "--lang", "zh"])
    assert refused.exit_code == 2 and "--assignment SLUG" in refused.output
    assert "Traceback" not in refused.output and not out.exists()
    done = CliRunner().invoke(main, ["collect", "github-classroom", str(renamed), "--out",
                                     str(out), "--assignment", "backprop", "--lang", "en"])
    assert done.exit_code == 0, done.output
    assert len(students_in(out)) == 3


def test_collect_refuses_a_folder_with_files_and_writes_nothing(tmp_path):
    clones = _clones(tmp_path)
    out = tmp_path / "submissions"
    out.mkdir()
    (out / "old").mkdir()
    result = CliRunner().invoke(main, ["collect", "github-classroom", str(clones),
                                       "--out", str(out), "--lang", "en"])
    assert result.exit_code == 2 and "is not an empty folder" in result.output
    assert [p.name for p in out.iterdir()] == ["old"]
    missing = CliRunner().invoke(main, ["collect", "github-classroom", str(tmp_path / "none"),
                                        "--out", str(tmp_path / "s2"), "--lang", "en"])
    assert missing.exit_code == 2 and "not a folder of cloned repositories" in missing.output

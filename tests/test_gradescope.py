"""Gradescope results and the autograder zip."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.platforms import gradescope

from grader.steps import registry
from grader.cli import main

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
SECRET = "gradescope-test-secret"

# The documented fields (gradescope-autograders.readthedocs.io, "Autograder Specifications").
TOP_FIELDS = {"score", "execution_time", "output", "output_format", "test_output_format",
              "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests",
              "leaderboard"}
TEST_FIELDS = {"score", "max_score", "status", "name", "name_format", "number", "output",
               "output_format", "tags", "visibility", "extra_data"}
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


def validate_results(data: dict) -> None:
    """Raise AssertionError unless ``data`` follows Gradescope's results.json spec."""
    assert isinstance(data, dict) and set(data) <= TOP_FIELDS
    assert "score" in data or all("score" in t for t in data["tests"])
    assert isinstance(data["score"], (int, float)) and not isinstance(data["score"], bool)
    assert data.get("visibility", "visible") in VISIBILITY
    assert data.get("stdout_visibility", "visible") in VISIBILITY
    assert isinstance(data["tests"], list) and data["tests"]
    for test in data["tests"]:
        assert set(test) <= TEST_FIELDS
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["score"], (int, float)) and isinstance(test["max_score"], (int, float))
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] in ("passed", "failed")
        assert isinstance(test["output"], str)
        assert test["visibility"] in VISIBILITY
        assert isinstance(test.get("number", ""), str)
    assert abs(sum(t["score"] for t in data["tests"]) - data["score"]) < 1e-9


def _submission(tmp_path: Path, broken: str | None = None) -> Path:
    folder = tmp_path / "submission"
    shutil.copytree(SOLUTIONS, folder)
    if broken:
        (folder / "step03.py").write_text(broken)
    os.chmod(tmp_path, 0o755)
    return folder


def _secret_file(tmp_path: Path) -> str:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET + "\n")
    os.chmod(path, 0o600)
    return str(path)


def _metadata(tmp_path: Path, **user) -> Path:
    path = tmp_path / "submission_metadata.json"
    path.write_text(json.dumps({"id": 1, "users": [user or {"email": "ali@example.edu",
                                                           "id": 7, "name": "Ali"}]}))
    return path


def test_results_validate_and_score_what_passed(tmp_path):
    folder = _submission(tmp_path, "def step3(net):\n    return None\n")
    results = tmp_path / "results" / "results.json"
    data = gradescope.run(folder, results, _metadata(tmp_path),
                          secret_file=_secret_file(tmp_path), timeout=2)
    on_disk = json.loads(results.read_text())
    assert on_disk == data
    validate_results(data)
    by_number = {t["number"]: t for t in data["tests"]}
    assert by_number["3"]["status"] == "failed" and by_number["3"]["score"] == 0
    assert "None" in by_number["3"]["output"]
    total = sum(step.points for step in registry.STEPS)
    assert data["score"] == total - registry.get("step3").points
    assert len(data["tests"]) == len(registry.STEPS)


@pytest.mark.parametrize("user,expected", [
    ({"sid": "20231234", "email": "a@b.c", "id": 1}, "20231234"),
    ({"email": "a@b.c", "id": 1}, "a@b.c"),
    ({"id": 99}, "99"),
])
def test_student_id_from_metadata(tmp_path, user, expected):
    assert gradescope.student_from_metadata(_metadata(tmp_path, **user)) == expected


def test_missing_metadata_is_a_clear_error(tmp_path):
    folder = _submission(tmp_path)
    result = CliRunner().invoke(main, ["gradescope", "--submission", str(folder), "--results",
                                       str(tmp_path / "r.json"), "--metadata",
                                       str(tmp_path / "none.json"), "--secret-file",
                                       _secret_file(tmp_path)])
    assert result.exit_code == 2 and "--student" in result.output


def test_submission_in_a_sub_folder_is_found(tmp_path):
    nested = tmp_path / "upload" / "bpgrade-work" / "exercises"
    shutil.copytree(SOLUTIONS, nested)
    assert gradescope.submission_folder(tmp_path / "upload") == nested


@pytest.mark.parametrize("trust", [False, True], ids=["namespaces", "trusted-container"])
def test_student_code_cannot_rewrite_results(tmp_path, trust):
    results = tmp_path / "results" / "results.json"
    results.parent.mkdir()
    forged = json.dumps({"score": 1000, "tests": []})
    folder = _submission(tmp_path, (
        "def step3(net):\n"
        f"    open({str(results)!r}, 'w').write({forged!r})\n"
        "    return net.delta3 * net.y * (1 - net.y) * net.h2_2\n"))
    data = gradescope.run(folder, results, _metadata(tmp_path),
                          secret_file=_secret_file(tmp_path), timeout=2, trust_submissions=trust)
    on_disk = json.loads(results.read_text())
    assert on_disk == data and on_disk["score"] <= sum(s.points for s in registry.STEPS)
    validate_results(on_disk)
    step3 = next(t for t in on_disk["tests"] if t["number"] == "3")
    if os.geteuid() == 0 or not trust:          # another uid, or a filesystem without it
        assert step3["status"] == "failed"
        assert "PermissionError" in step3["output"] or "FileNotFoundError" in step3["output"]


def test_cli_gradescope_writes_results(tmp_path):
    folder = _submission(tmp_path)
    results = tmp_path / "out" / "results.json"
    result = CliRunner().invoke(main, ["gradescope", "--submission", str(folder), "--results",
                                       str(results), "--student", "zoë", "--secret-file",
                                       _secret_file(tmp_path), "--visibility", "after_published"])
    assert result.exit_code == 0, result.output
    data = json.loads(results.read_text())
    validate_results(data)
    assert {t["visibility"] for t in data["tests"]} == {"after_published"}
    assert all(t["status"] == "passed" for t in data["tests"])


def test_export_gradescope_zip_runs_as_an_autograder(tmp_path):
    archive = tmp_path / "autograder.zip"
    result = CliRunner().invoke(main, ["export", "gradescope", "-o", str(archive),
                                       "--secret-file", _secret_file(tmp_path)])
    assert result.exit_code == 0, result.output
    source = tmp_path / "source"
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
        assert {"setup.sh", "run_autograder", "bpgrade.toml", "grader/__init__.py",
                "bpgrade_harness/__init__.py"} <= set(names)
        for name in ("setup.sh", "run_autograder"):
            assert opened.getinfo(name).external_attr >> 16 & stat.S_IXUSR
        assert stat.S_IMODE(opened.getinfo("bpgrade.toml").external_attr >> 16) == 0o600
        opened.extractall(source)
    os.chmod(source / "bpgrade.toml", 0o600)       # as setup.sh does (extractall drops modes)
    assert SECRET in (source / "bpgrade.toml").read_text()
    run_autograder = (source / "run_autograder").read_text()
    assert "gradescope --trust-submissions" in run_autograder
    setup = (source / "setup.sh").read_text()
    assert "chmod -R go-rwx /autograder/source" in setup
    assert "chmod 600 /autograder/source/bpgrade.toml" in setup
    assert f"numpy=={metadata.version('numpy')}" in setup                # pinned, as here
    assert "pytest" not in setup
    folder = _submission(tmp_path)
    results = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "grader", "gradescope", "--trust-submissions", "--submission",
         str(folder), "--results", str(results), "--metadata", str(_metadata(tmp_path))],
        cwd=source, env={**os.environ, "PYTHONPATH": str(source)}, capture_output=True,
        text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    data = json.loads(results.read_text())
    validate_results(data)
    assert data["score"] == sum(step.points for step in registry.STEPS)


def test_results_declare_every_text_plain(tmp_path):
    from grader import classroom

    hostile = "<script>alert(1)</script> **bold** [x](http://evil) | col"
    results = [{"step": step.id, "status": "passed", "score": float(step.points),
                "max_score": step.points, "fraction": 1.0, "message": "", "diagnosis": None,
                "error": "", "output": ""} for step in registry.STEPS]
    results[1].update(status="invalid", score=0.0, fraction=0.0, message=hostile,
                      error="Traceback\n<b>boom</b>", output="```\n# heading\n")
    record = {"student": "<i>eve</i>", "seed": 1, "results": results,
              "score": sum(r["score"] for r in results),
              "max_score": sum(r["max_score"] for r in results)}
    data = gradescope.results_json(record, "en")
    validate_results(data)
    assert data["output_format"] == data["test_output_format"] == "text"
    assert data["test_name_format"] == "text"
    assert {t["output_format"] for t in data["tests"]} == {"text"}
    assert {t["name_format"] for t in data["tests"]} == {"text"}
    step1 = data["tests"][1]
    assert hostile in step1["output"] and "# heading" in step1["output"]   # shown as written
    assert json.loads(classroom._text_json(data)) == data


@pytest.mark.parametrize("secret", ["s3cret😀", 'quote " and \\ backslash', "tab\tnewline\n",
                                    "日本語の秘密"])
def test_the_exported_secret_reads_back_exactly(secret):
    from grader.toml import tomllib

    data = io.BytesIO(gradescope.autograder_zip(secret))
    with zipfile.ZipFile(data) as opened:
        text = opened.read("bpgrade.toml").decode("utf-8")
    assert tomllib.loads(text) == {"grade": {"secret": secret}}


# --- the scripts in the zip: every value is one shell word ----------------------------------

HOSTILE = ["$(echo pwned > pwned)", "`echo pwned > pwned`", "x; echo pwned > pwned",
           "y' || echo pwned > pwned; '", "two words", "line\nbreak", "*"]


def _run_with_stub_commands(script: str, tmp_path: Path) -> list:
    """Run ``script`` in bash with apt-get, python3 and chmod replaced by recorders; the
    argument lists they were called with."""
    stubs = tmp_path / "bin"
    stubs.mkdir()
    log = tmp_path / "calls.jsonl"
    for command in ("apt-get", "python3", "chmod"):
        path = stubs / command
        path.write_text(f"#!{sys.executable}\nimport json, os, sys\n"
                        "with open(os.environ['CALLS'], 'a') as log:\n"
                        "    log.write(json.dumps(sys.argv[1:]) + '\\n')\n")
        path.chmod(0o755)
    (tmp_path / "script").write_text(script)
    work = tmp_path / "work"
    work.mkdir()
    done = subprocess.run(["/bin/bash", str(tmp_path / "script")], cwd=work,
                          env={"PATH": str(stubs), "CALLS": str(log)}, capture_output=True,
                          text=True, timeout=30)
    assert list(work.iterdir()) == [], done.stderr      # no payload ran
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_setup_sh_installs_each_requirement_as_one_word(tmp_path):
    calls = _run_with_stub_commands(gradescope.setup_script(HOSTILE), tmp_path)
    assert ["-m", "pip", "install", "--break-system-packages", *HOSTILE] in calls
    assert ["-R", "go-rwx", "/autograder/source"] in calls


def test_setup_sh_installs_exactly_the_installed_versions_of_the_requirements(tmp_path):
    """Parsed from the script as bash runs it, against pyproject.toml's own list: each
    requirement pinned to the installed version, split by python_version where that version
    needs a newer Python than 3.10 (then older Pythons get bundle.OLDER_PYTHON's)."""
    from grader.platforms import bundle
    from grader.toml import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    calls = _run_with_stub_commands(gradescope.setup_script(gradescope.requirements()), tmp_path)
    (install,) = [call for call in calls if call[:3] == ["-m", "pip", "install"]]
    assert install[3] == "--break-system-packages"
    words = iter(install[4:])
    for requirement in declared:
        name = re.match(r"[A-Za-z0-9._-]+", requirement).group()
        marker = requirement.partition(";")[2].strip().replace("'", '"')
        word = next(words)
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:     # its marker is false here (tomli on 3.11+)
            assert marker and word.replace("'", '"') == requirement.replace("'", '"')
            continue
        needs = re.search(r">=\s*3\.(\d+)", metadata.metadata(name)["Requires-Python"] or "")
        if needs is None or int(needs.group(1)) <= 10:
            assert word == f"{name}=={installed}" + (f"; {marker}" if marker else "")
            continue
        assert not marker
        assert word == f'{name}=={installed}; python_version >= "3.{needs.group(1)}"'
        older = f"=={bundle.OLDER_PYTHON[name]}" if name in bundle.OLDER_PYTHON \
            else requirement[len(name):]          # as declared: pip picks one for that Python
        assert next(words) == f'{name}{older}; python_version < "3.{needs.group(1)}"'
    assert next(words, None) is None


PYTHONS = ("3.10.13", "3.11.7", "3.12.1", "3.13.0")


@pytest.mark.parametrize("python", PYTHONS)
def test_the_pins_give_every_supported_python_one_version_it_can_install(python):
    """Each library gets exactly one pin on each Python 3.10-3.13 (markers evaluated as pip
    does), and a pin to the version installed here only where that version's own
    Requires-Python admits that Python: numpy 2.4 needs 3.11, so 3.10 gets numpy 2.2.6."""
    from packaging.markers import Marker
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet

    from grader.platforms import bundle

    environment = {"python_version": python.rpartition(".")[0], "python_full_version": python}
    chosen = {}
    for line in bundle.requirements():
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            assert requirement.name not in chosen, line
            chosen[requirement.name] = requirement
    for name in ("numpy", "sympy", "click", "jinja2", "latex2mathml", "tomli-w"):
        assert name in chosen
        (pin,) = chosen[name].specifier
        installed = metadata.version(name)
        if pin.operator == "==" and pin.version == installed:
            assert SpecifierSet(metadata.metadata(name)["Requires-Python"] or "").contains(
                python), f"{name} {installed} does not install on Python {python}"
        elif name in bundle.OLDER_PYTHON:
            assert str(pin) == f"=={bundle.OLDER_PYTHON[name]}"
        else:                          # as declared: pip picks a version for that Python
            assert pin.operator == ">="
    assert ("tomli" in chosen) == (python < "3.11")
    assert Marker('python_version < "3.11"').evaluate(environment) == python.startswith("3.10")


def test_export_without_bpgrades_metadata_is_a_clear_error(tmp_path, monkeypatch):
    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "requires", missing)
    archive = tmp_path / "autograder.zip"
    for lang, words in (("en", "bpgrade is not installed here"), ("zh", "此处没有安装 bpgrade")):
        result = CliRunner().invoke(main, ["export", "gradescope", "-o", str(archive),
                                           "--secret-file", _secret_file(tmp_path),
                                           "--lang", lang])
        assert result.exit_code == 2 and words in result.output
        assert "Traceback" not in result.output and not archive.exists()


@pytest.mark.parametrize("lang", HOSTILE)
def test_run_autograder_passes_each_value_as_one_word(tmp_path, lang):
    calls = _run_with_stub_commands(gradescope.run_script(2.5, lang), tmp_path)
    (call,) = calls
    assert call[call.index("--timeout") + 1] == "2.5"
    assert call[call.index("--lang") + 1] == lang


def _record_with_output(parts, score=1.0 + 5 / 7):
    results = [{"step": step.id, "status": "passed", "score": float(step.points),
                "max_score": step.points, "fraction": 1.0, "message": "", "diagnosis": None,
                "error": "", "output": ""} for step in registry.STEPS]
    results[0].update(status="failed", score=score, fraction=score / 2, message="m",
                      output="".join(p["text"] for p in parts), output_parts=parts)
    return {"student": "eve", "seed": 1, "results": results,
            "score": sum(r["score"] for r in results),
            "max_score": sum(r["max_score"] for r in results)}


def test_printed_output_is_labelled_by_problem_and_scores_have_two_decimals():
    parts = [{"problem": 0, "text": "mine\non further problem 1 of 4:\n"},
             {"problem": 2, "text": "theirs\n"}]
    data = gradescope.results_json(_record_with_output(parts), "en")
    output = data["tests"][0]["output"]
    assert output.endswith("Printed output:\non your problem:\n  │ mine\n"
                           "  │ on further problem 1 of 4:\non further problem 2 of 4:\n"
                           "  │ theirs")
    total = sum(step.points for step in registry.STEPS) - 2 + 1 + 5 / 7
    assert data["output"].startswith(f"{total:.2f} / ")
    assert data["score"] == pytest.approx(total)                      # the number itself
    zh = gradescope.results_json(_record_with_output(parts), "zh")["tests"][0]["output"]
    assert "在你的问题上：" in zh and "在另外第 2 个问题上（共 4 个）：" in zh


def test_cli_gradescope_prints_a_partial_score_with_two_decimals(tmp_path):
    folder = _submission(tmp_path)
    source = (SOLUTIONS / "step00.py").read_text(encoding="utf-8")
    (folder / "step00.py").write_text(source.replace('"y": y,', '"y": 1.1 * y,'))
    results = tmp_path / "out" / "results.json"
    result = CliRunner().invoke(main, ["gradescope", "--submission", str(folder), "--results",
                                       str(results), "--student", "zoë", "--secret-file",
                                       _secret_file(tmp_path), "--trust-submissions"])
    assert result.exit_code == 0, result.output
    total = sum(step.points for step in registry.STEPS)
    assert json.loads(results.read_text())["score"] == pytest.approx(total - 2 / 7, abs=1e-6)
    assert f"{total - 2 / 7:.2f} / {total} points" in result.output


def test_a_version_needing_a_newer_python_is_split_by_markers(monkeypatch):
    """Where the installed version needs a newer Python than bpgrade and bundle.OLDER_PYTHON
    has no version for the older ones, they get the requirement as declared (pip then picks
    the newest version that installs there); a declared marker stays on both halves."""
    from grader.platforms import bundle

    needs = {"bpgrade": ">=3.10", "foo": ">=3.12", "bar": ">=3.11", "baz": ">=3.8",
             "numpy": ">=3.11"}
    monkeypatch.setattr(metadata, "requires", lambda name: [
        "foo>=1", "bar>=2; platform_system == 'Linux'", "baz", "numpy>=1.24",
        "pytest>=7; extra == 'test'"])
    monkeypatch.setattr(metadata, "version", lambda name: {"foo": "3.0", "bar": "2.5",
                                                           "baz": "1.0", "numpy": "2.4.0"}[name])
    monkeypatch.setattr(metadata, "metadata", lambda name: {"Requires-Python": needs[name]})
    assert bundle.requirements() == [
        'foo==3.0; python_version >= "3.12"', 'foo>=1; python_version < "3.12"',
        """bar==2.5; (platform_system == 'Linux') and python_version >= "3.11\"""",
        """bar>=2; (platform_system == 'Linux') and python_version < "3.11\"""",
        "baz==1.0",
        'numpy==2.4.0; python_version >= "3.11"', 'numpy==2.2.6; python_version < "3.11"']

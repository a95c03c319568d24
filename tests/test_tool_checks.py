"""The shared check for outside tools (Chromium, TeX): skip off CI, fail under CI; and the
branch coverage figure, measured under CI only."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import require_program, require_tex_file

NOWHERE = "bpgrade-no-such-tool-4f1c"
ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("ci", [None, ""])
def test_missing_program_skips_off_ci(monkeypatch, ci):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception) as raised:
        require_program(NOWHERE, install="apt-get install nothing")
    reason = str(raised.value)
    assert f"{NOWHERE} is missing" in reason
    assert "apt-get install nothing" in reason and ".ci/run" in reason


@pytest.mark.parametrize("ci", ["true", "1"])
def test_missing_program_fails_under_ci(monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception) as raised:
        require_program(NOWHERE, what="The tool", install="apt-get install nothing")
    assert "The tool is missing: apt-get install nothing" in str(raised.value)


def fake_program(folder, name, script):
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_first_program_found_is_returned(monkeypatch, tmp_path):
    found = fake_program(tmp_path, "second", "exit 0")
    monkeypatch.setenv("PATH", str(tmp_path) + os.pathsep + os.environ.get("PATH", ""))
    assert require_program(NOWHERE, "second", install="-") == str(found)


def test_missing_tex_file_skips_off_ci_and_fails_under_ci(monkeypatch, tmp_path):
    fake_program(tmp_path, "kpsewhich", "exit 1")          # kpsewhich there, the file not
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"TeX file nothing\.sty is missing"):
        require_tex_file("nothing.sty")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"TeX file nothing\.sty is missing"):
        require_tex_file("nothing.sty")


# --- branch coverage: the README's own test command measures it when CI is set ----------------

FIGURE = re.compile(r"branch coverage of grader and bpgrade_harness: ([\d.]+)% "
                    r"\(([\d,]+) of ([\d,]+) branches taken\)")


def run_suite(ci, pythonpath: str = "") -> subprocess.CompletedProcess:
    """``python -m pytest`` collecting one small test module, in a fresh process."""
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    if ci is not None:
        env["CI"] = ci
    if pythonpath:
        env["PYTHONPATH"] = pythonpath + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "--collect-only", "tests/test_records.py"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.slow                       # two more test sessions: about 4 s
@pytest.mark.parametrize("ci", [None, "true"])
def test_branch_coverage_is_printed_under_ci_only(ci):
    done = run_suite(ci)
    assert done.returncode == 0, done.stdout + done.stderr
    found = FIGURE.search(done.stdout)
    assert (found is not None) == bool(ci), done.stdout
    if found:
        percent, taken, branches = (float(found[1]), int(found[2].replace(",", "")),
                                    int(found[3].replace(",", "")))
        assert 0 < taken < branches and percent == pytest.approx(100 * taken / branches, abs=0.05)


def test_under_ci_a_missing_coverage_fails_loudly(tmp_path):
    (tmp_path / "coverage.py").write_text("raise ImportError('not installed here')\n")
    done = run_suite("true", pythonpath=str(tmp_path))
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert "coverage is not installed" in done.stdout + done.stderr
    assert not FIGURE.search(done.stdout)

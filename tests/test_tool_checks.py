"""The shared check for outside tools (Chromium, TeX): skip off CI, fail under CI."""

from __future__ import annotations

import os
import stat

import pytest

from conftest import require_program, require_tex_file

NOWHERE = "bpgrade-no-such-tool-4f1c"


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

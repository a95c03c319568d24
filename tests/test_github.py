"""The GitHub Classroom workflow: one test per step, and no value can change its structure."""

from __future__ import annotations

import shlex

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.errors import UsageError
from grader.platforms import github
from grader.steps import registry

INSTALL = "          python -m pip install "
GRADE = "          bpgrade gradescope --trust-submissions --submission "


def test_github_classroom_workflow_has_one_test_per_step(tmp_path):
    output = tmp_path / ".github" / "workflows" / "classroom.yml"
    result = CliRunner().invoke(main, ["export", "github-classroom", "-o", str(output)])
    assert result.exit_code == 0, result.output
    text = output.read_text()
    assert text.count("uses: classroom-resources/autograding-command-grader@v1") == \
        len(registry.STEPS)
    assert "runners: " + ",".join(step.id for step in registry.STEPS) in text
    for index, step in enumerate(registry.STEPS):
        assert f"{step.id.upper()}_RESULTS: \"${{{{steps.{step.id}.outputs.result}}}}\"" in text
        assert f"      - name: {step.id}\n        id: {step.id}\n" in text
        assert f"tests[{index}]['status']" in text
    assert "BPGRADE_SECRET: ${{ secrets.BPGRADE_SECRET }}" in text and "\t" not in text
    assert "bpgrade gradescope --trust-submissions" in text
    assert '--student "${{ github.actor }}" --lang en' in text


def _changed_lines(package: str, folder: str) -> list:
    """The lines where a workflow for ``package`` and ``folder`` differs from the default."""
    plain = github.github_classroom_workflow().splitlines()
    other = github.github_classroom_workflow(package, folder).splitlines()
    assert len(other) == len(plain)
    return [(a, b) for a, b in zip(plain, other) if a != b]


@pytest.mark.parametrize("value", [
    "a: b", "ends with colon:", "x #not a comment", "it's", "$(echo pwned)", "`id`",
    "- item", "[list]", "{flow: map}", "& anchor", "* alias", "| literal", "> folded",
    '"quoted"', "git+https://github.com/o/r@v1#egg=bpgrade", "日本語",
])
def test_a_value_stays_one_shell_word_on_its_own_line(value):
    changed = _changed_lines(value, value)
    assert [line.startswith(INSTALL) for _, line in changed] == [True, False]
    assert [line.startswith(GRADE) for _, line in changed] == [False, True]
    install, grade = (line for _, line in changed)
    assert shlex.split(install)[4:] == [value]
    assert shlex.split(grade)[4] == value and shlex.split(grade)[5] == "--results"


@pytest.mark.parametrize("value", ["two\nlines", "cr\rhere", "tab\there", "nul\0",
                                   "line\u2028separator", "next\x85line",
                                   "${{ secrets.BPGRADE_SECRET }}"])
@pytest.mark.parametrize("option", ["--package", "--folder"])
def test_a_value_that_could_leave_its_line_is_refused(tmp_path, option, value):
    output = tmp_path / "wf" / "classroom.yml"
    result = CliRunner().invoke(main, ["export", "github-classroom", "-o", str(output),
                                       option, value, "--lang", "en"])
    assert result.exit_code == 2
    assert f"{option} must be one line of plain text" in result.output
    assert "Traceback" not in result.output
    assert not output.parent.exists()                   # nothing written


def test_refusal_in_chinese():
    with pytest.raises(UsageError, match="必须是一行普通文本"):
        github.github_classroom_workflow("a\nb", lang="zh")

"""The GitHub Classroom workflow: one test per step."""

from __future__ import annotations

from click.testing import CliRunner

from grader.cli import main
from grader.steps import registry


def test_github_classroom_workflow_has_one_test_per_step(tmp_path):
    output = tmp_path / ".github" / "workflows" / "classroom.yml"
    result = CliRunner().invoke(main, ["export", "github-classroom", "-o", str(output)])
    assert result.exit_code == 0, result.output
    text = output.read_text()
    assert text.count("uses: classroom-resources/autograding-command-grader@v1") == \
        len(registry.STEPS)
    assert "runners: " + ",".join(step.id for step in registry.STEPS) in text
    for step in registry.STEPS:
        assert f"{step.id.upper()}_RESULTS" in text
    assert "secrets.BPGRADE_SECRET" in text and "\t" not in text
    assert "bpgrade gradescope --trust-submissions" in text

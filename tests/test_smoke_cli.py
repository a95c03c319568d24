from click.testing import CliRunner

from grader.cli import main


def test_solutions_pass_and_stubs_do_not():
    runner = CliRunner()
    solved = runner.invoke(main, ["check", "--all", "--exercises", "solutions"])
    assert solved.exit_code == 0, solved.output
    stubs = runner.invoke(main, ["check", "--all", "--exercises", "exercises", "--json"])
    assert stubs.exit_code == 1
    assert '"not_started"' in stubs.output

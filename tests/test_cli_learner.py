"""The learner's loop through the CLI: init, show, check, list, reset, check --chain."""

import json
import re
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from grader.steps import registry, stubs
from grader.cli import main

SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def workspace_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    result = CliRunner().invoke(main, ["init", "ws", "--seed", "21"])
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(tmp_path / "ws")
    return tmp_path / "ws"


def solve(root, *numbers):
    for n in numbers:
        name = registry.get(n).file_name
        shutil.copy(SOLUTIONS / name, root / "exercises" / name)


def test_init_then_check_uses_the_workspace_and_its_seed(workspace_dir):
    runner = CliRunner()
    first = runner.invoke(main, ["check", "step1", "--json"])
    assert first.exit_code == 1
    data = json.loads(first.output)
    assert data["seed"] == 21 and data["results"][0]["status"] == "not_started"
    solve(workspace_dir, 1)
    second = runner.invoke(main, ["check", "1"])
    assert second.exit_code == 0, second.output
    assert "seed 21" in second.output


def test_init_keeps_files_and_says_so(workspace_dir):
    mine = workspace_dir / "exercises" / "step02.py"
    mine.write_text("def step2(net):\n    return 0.5\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", "."])
    assert result.exit_code == 0
    assert "--force" in result.output
    assert mine.read_text(encoding="utf-8").endswith("0.5\n")


def test_list_shows_progress_and_the_next_step(workspace_dir):
    solve(workspace_dir, 0, 1)
    result = CliRunner().invoke(main, ["list"])
    assert result.exit_code == 0, result.output
    assert f"2 of {len(registry.STEPS)} steps passed" in result.output
    assert "Next: step2" in result.output
    data = json.loads(CliRunner().invoke(main, ["list", "--json"]).output)
    assert data["passed"] == 2 and data["next"] == "step2"
    assert [row["step"] for row in data["steps"]] == [s.id for s in registry.STEPS]
    assert {row["status"] for row in data["steps"]} == {"passed", "not_started"}


def test_list_in_chinese(workspace_dir):
    result = CliRunner().invoke(main, ["list", "--lang", "zh"])
    assert "未开始" in result.output and "下一步" in result.output


@pytest.mark.parametrize("step", ["step0", "7", "step17"])
def test_show_gives_the_numbers_net_holds(workspace_dir, step):
    chosen = registry.get(step)
    result = CliRunner().invoke(main, ["show", step, "--json"])
    assert result.exit_code == 0, result.output
    view = json.loads(result.output)
    assert view["seed"] == 21 and view["step"] == chosen.id
    shown = set(view["inputs"]) | set(view["parameters"]) | set(view["forward"]) | set(view["upstream"])
    assert shown == set(chosen.context)
    problem = json.loads(CliRunner().invoke(main, ["problem", "--seed", "21", "--json"]).output)
    assert view["inputs"]["x1"] == problem["x"][0]
    assert view["parameters"]["w2_13"] == problem["params"]["W2"][0][2]
    if chosen.number > 0:
        assert view["forward"]["y"] == problem["forward"]["y"][0]
    text = CliRunner().invoke(main, ["show", step]).output
    shows_formula = stubs.support(chosen, view["scaffold"]) == "formula"
    assert (chosen.formula_text.split(";  ")[0] in text) == shows_formula
    assert (view["formula"] is not None) == shows_formula
    assert "x1 = " in text


def test_show_step0_hides_the_forward_values(workspace_dir):
    text = CliRunner().invoke(main, ["show", "step0"]).output
    assert "h1_1 = ?" in text and "y = ?" in text


def test_unknown_step_is_a_usage_error_listing_valid_ids(workspace_dir):
    for command in (["show", "step99"], ["check", "step99"], ["reset", "nope"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2
        assert "step0" in result.output and registry.STEPS[-1].id in result.output
        assert "Traceback" not in result.output


def test_reset_asks_first_and_keeps_the_file_on_no(workspace_dir):
    path = workspace_dir / "exercises" / "step04.py"
    backup = workspace_dir / "exercises" / "step04.py.bak"
    path.write_text("def step4(net):\n    return 1\n", encoding="utf-8")
    refused = CliRunner().invoke(main, ["reset", "step4"], input="n\n")
    assert refused.exit_code == 1
    assert f"kept as {backup.resolve()}." in refused.output   # said when asked
    assert path.read_text(encoding="utf-8").endswith("return 1\n") and not backup.exists()
    no_answer = CliRunner().invoke(main, ["reset", "step4"], input="")   # not interactive
    assert no_answer.exit_code == 1 and "Traceback" not in no_answer.output
    assert path.read_text(encoding="utf-8").endswith("return 1\n") and not backup.exists()
    agreed = CliRunner().invoke(main, ["reset", "step4"], input="y\n")
    assert agreed.exit_code == 0
    assert path.read_text(encoding="utf-8") == stubs.render(registry.get("step4"))
    assert backup.read_text(encoding="utf-8").endswith("return 1\n")
    assert f"Your old file is in {backup.resolve()}." in agreed.output
    again = CliRunner().invoke(main, ["reset", "step4"])
    assert again.exit_code == 0 and "already" in again.output
    assert not (workspace_dir / "exercises" / "step04.py.bak2").exists()    # nothing to keep


def test_reset_yes_keeps_every_earlier_version(workspace_dir):
    path = workspace_dir / "exercises" / "step04.py"
    for n, name in ((1, "step04.py.bak"), (2, "step04.py.bak2")):
        path.write_text(f"def step4(net):\n    return {n}\n", encoding="utf-8")
        done = CliRunner().invoke(main, ["reset", "4", "--yes", "--lang", "zh"])
        assert done.exit_code == 0, done.output
        assert f"你原来的文件保存在 {(path.parent / name).resolve()}。" in done.output
    assert (path.parent / "step04.py.bak").read_text(encoding="utf-8").endswith("return 1\n")
    assert (path.parent / "step04.py.bak2").read_text(encoding="utf-8").endswith("return 2\n")


@pytest.mark.parametrize("lang, words", [("en", "is inside the workspace"),
                                         ("zh", "位于工作区")])
def test_init_inside_a_workspace_refuses_and_writes_nothing(workspace_dir, lang, words):
    before = sorted(workspace_dir.rglob("*"))
    result = CliRunner().invoke(main, ["init", "--lang", lang])
    assert result.exit_code == 2 and words in result.output
    assert str(workspace_dir.resolve()) in result.output and "Traceback" not in result.output
    assert sorted(workspace_dir.rglob("*")) == before
    forced = CliRunner().invoke(main, ["init", "--seed", "3", "--force"])
    assert forced.exit_code == 0 and (workspace_dir / "bpgrade-exercises" / "bpgrade.toml").is_file()


def test_chain_shows_an_early_mistake_spreading(workspace_dir):
    solve(workspace_dir, 0, 1, 2, 3, 4, 6, 7)
    # step5 with its sign flipped: its own check fails, and step7, fed with it, fails too
    (workspace_dir / "exercises" / "step05.py").write_text(
        "def step5(net):\n    return -net.delta3 * net.y * (1 - net.y) * net.v1\n", encoding="utf-8")
    plain = json.loads(CliRunner().invoke(main, ["check", "7", "--json"]).output)
    assert plain["results"][0]["status"] == "passed"
    result = CliRunner().invoke(main, ["check", "--chain", "7", "--json"])
    assert result.exit_code == 1
    by_step = {r["step"]: r for r in json.loads(result.output)["results"]}
    assert list(by_step) == [f"step{n}" for n in range(8)]
    assert by_step["step5"]["status"] == "failed"
    assert by_step["step6"]["status"] == "passed"          # does not use step5's value
    assert by_step["step6"]["chained_wrong"] == []         # ... so it blames nothing
    assert by_step["step7"]["status"] == "failed"
    assert by_step["step7"]["chained_wrong"] == ["step5"]
    assert by_step["step7"]["chain_consistent"] is True      # its formula was right
    assert by_step["step7"]["chain_right_alone"] is True
    assert by_step["step5"]["chain_consistent"] is False
    # what the report shows as net.dL_dh2_1 for step7 is the value net held: step5's answer
    assert by_step["step7"]["inputs"]["dL_dh2_1"] == pytest.approx(
        -plain_step5_reference(workspace_dir))
    assert by_step["step1"]["chained_from"] == ["step0"]
    text = CliRunner().invoke(main, ["check", "--chain", "7"]).output
    assert "your formula here is right" in text
    assert "inputs were off because of wrong answers from step5" in text


def plain_step5_reference(root):
    shown = CliRunner().invoke(main, ["show", "step7", "--json"]).output
    return json.loads(shown)["upstream"]["dL_dh2_1"]


def test_chain_with_every_step_right_passes(workspace_dir):
    solve(workspace_dir, *(step.number for step in registry.STEPS))
    result = CliRunner().invoke(main, ["check", "--all", "--chain"])
    assert result.exit_code == 0, result.output


def test_watch_without_exercises_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["watch"])
    assert result.exit_code == 2
    assert "bpgrade init" in result.output


def test_every_command_has_help():
    import click

    from grader.cli.common import COMMAND_MODULES

    names = main.list_commands(click.Context(main))
    assert sorted(names) == sorted(COMMAND_MODULES)       # every command is mapped, and only those
    for name in names:
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert main.get_command(click.Context(main), name).get_short_help_str()


def _commands(group, ctx):
    """Every command under ``group`` (subgroups included), with a context of its own."""
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        sub = click.Context(command, info_name=name, parent=ctx)
        yield sub, command
        if isinstance(command, click.Group):
            yield from _commands(command, sub)


def _both_languages(help_text) -> bool:
    return bool(help_text and re.search(r"[A-Za-z]{3}", help_text) and CJK.search(help_text))


def test_every_command_and_option_says_what_it_does_in_english_and_chinese():
    root = click.Context(main, info_name="bpgrade")
    seen = 0
    for ctx, command in [(root, main), *_commands(main, root)]:
        assert _both_languages(command.help), ctx.command_path
        for param in command.get_params(ctx):
            if isinstance(param, click.Option):
                assert _both_languages(param.help), (ctx.command_path, param.opts)
                seen += 1
    assert seen > 60                       # every command's options, --help and --version


def test_a_library_error_exits_with_its_own_code(monkeypatch):
    from grader.errors import BpgradeError
    from grader.steps import hints

    class Refused(BpgradeError):
        exit_code = 3

    def refuse(*args):
        raise Refused("no hint today")

    monkeypatch.setattr(hints, "hint", refuse)
    result = CliRunner().invoke(main, ["hint", "step1"])
    assert result.exit_code == 3 and result.output == "Error: no hint today\n"


def test_check_does_not_load_other_commands():
    import subprocess
    import sys

    code = ("import sys; from grader.cli import main\n"
            "try:\n    main(['check', 'step1', '--exercises', 'exercises'])\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('grader.cli.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], timeout=60)
    loaded = done.stdout.strip().splitlines()[-1]
    assert "grader.cli.learner" in loaded
    for other in ("classroom", "sheets", "cost", "feedback"):
        assert f"grader.cli.{other}" not in loaded


def test_a_folder_the_system_refuses_is_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(blocker / "below")])
    assert result.exit_code == 2
    assert "cannot use" in result.output and "Traceback" not in result.output
    zh = CliRunner().invoke(main, ["init", str(blocker / "below"), "--lang", "zh"])
    assert zh.exit_code == 2 and "无法使用" in zh.output


@pytest.mark.parametrize("command", [["problem"], ["cost"]])
def test_bad_layers_are_reported_in_the_chosen_language(command):
    for lang, words in (("en", "takes sizes like"), ("zh", "的格式如")):
        result = CliRunner().invoke(main, command + ["--layers", "2,x", "--lang", lang])
        assert result.exit_code == 2 and words in result.output


# --- the scaffold through the CLI ---------------------------------------------------------------

@pytest.fixture
def bare_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    return tmp_path


def test_init_scaffold_none_is_followed_by_show_hint_and_reset(bare_dir, monkeypatch):
    result = CliRunner().invoke(main, ["init", "ws", "--seed", "5", "--scaffold", "none"])
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(bare_dir / "ws")
    step = registry.get("step2")
    shown = CliRunner().invoke(main, ["show", "step2"]).output
    assert step.formula_text not in shown and "net offers:" in shown
    assert "The lesson's formula uses:" not in shown
    view = json.loads(CliRunner().invoke(main, ["show", "step2", "--json"]).output)
    assert view["scaffold"] == "none" and view["formula"] is None and view["uses"] is None
    step7 = registry.get("step7")
    level2 = CliRunner().invoke(main, ["hint", "step7", "--level", "2"]).output
    assert step7.factors["en"] in " ".join(level2.split())       # the stub did not name them
    path = bare_dir / "ws" / "exercises" / step.file_name
    path.write_text("def step2(net):\n    return 0\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["reset", "step2", "--yes"]).exit_code == 0
    assert path.read_text(encoding="utf-8") == stubs.render(step, "none")


def test_the_default_workspace_fades(bare_dir, monkeypatch):
    assert CliRunner().invoke(main, ["init", "ws", "--seed", "5"]).exit_code == 0
    monkeypatch.chdir(bare_dir / "ws")
    assert 'scaffold = "faded"' in (bare_dir / "ws" / "bpgrade.toml").read_text(encoding="utf-8")
    early, late = registry.get("step2"), registry.get("step10")
    assert early.formula_text in CliRunner().invoke(main, ["show", "step2"]).output
    assert late.formula_text not in CliRunner().invoke(main, ["show", "step10"]).output
    level2 = CliRunner().invoke(main, ["hint", "step7", "--level", "2"]).output
    assert registry.get("step7").factors["en"] not in " ".join(level2.split())
    assert "▢" in level2
    level3 = CliRunner().invoke(main, ["hint", "step10", "--level", "3"]).output
    assert late.formula_text in level3


@pytest.mark.parametrize("lang, words", [("en", "scaffold must be one of full, faded, none"),
                                         ("zh", "scaffold 只能是 full、faded、none 之一")])
def test_init_with_a_bad_scaffold_is_a_usage_error(bare_dir, lang, words):
    result = CliRunner().invoke(main, ["init", "ws", "--scaffold", "medium", "--lang", lang])
    assert result.exit_code == 2 and words in result.output
    assert "Traceback" not in result.output and not (bare_dir / "ws").exists()


def test_a_bad_scaffold_in_the_workspace_file_is_a_usage_error(bare_dir, monkeypatch):
    assert CliRunner().invoke(main, ["init", "ws", "--seed", "5"]).exit_code == 0
    config = bare_dir / "ws" / "bpgrade.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('"faded"', '"lots"'),
                      encoding="utf-8")
    monkeypatch.chdir(bare_dir / "ws")
    for command in (["show", "step3"], ["hint", "step3"], ["reset", "step3", "--yes"]):
        result = CliRunner().invoke(main, command + ["--lang", "zh"])
        assert result.exit_code == 2, command
        assert "scaffold 只能是 full、faded、none 之一，不能是 'lots'" in result.output


def test_init_says_when_it_keeps_the_workspaces_scaffold(bare_dir):
    assert CliRunner().invoke(main, ["init", "ws", "--scaffold", "none"]).exit_code == 0
    again = CliRunner().invoke(main, ["init", "ws", "--scaffold", "full"])
    assert again.exit_code == 0
    assert "kept the workspace's scaffold, none" in again.output
    assert "bpgrade init --scaffold full --force" in again.output
    assert 'scaffold = "none"' in (bare_dir / "ws" / "bpgrade.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("scaffold, listed", [("faded", False), ("full", True)])
def test_a_failure_lists_the_formulas_values_only_where_the_stub_shows_it(bare_dir, monkeypatch,
                                                                           scaffold, listed):
    assert CliRunner().invoke(main, ["init", "ws", "--seed", "4", "--scaffold",
                                     scaffold]).exit_code == 0
    monkeypatch.chdir(bare_dir / "ws")
    (bare_dir / "ws" / "exercises" / "step10.py").write_text(
        "def step10(net):\n    return net.dL_dh2_1 * 0.3\n", encoding="utf-8")
    (bare_dir / "ws" / "exercises" / "step02.py").write_text(
        "def step2(net):\n    return net.delta3\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "step10", "step2"])
    assert result.exit_code == 1
    step10 = result.output.split("step10", 1)[1]
    assert ("net.w2_21 = " in step10) == listed          # step 10's formula reads w₂₁⁽²⁾
    assert "expected" in step10 and "received" in step10
    assert "net.delta3 = " in result.output.split("step10", 1)[0]    # step 2 shows its formula

"""grader.cli.click_text: click's own usage errors in the chosen language, and unchanged in
English; every template it says again is one click really writes."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from conftest import SOLUTIONS
from grader.cli import main
from grader.cli import click_text

# One of each kind of usage error click raises for bpgrade's commands.
USAGE_ERRORS = [
    ["check", "--bogus"],                         # no such option
    ["check", "--jsn", "step1"],                  # no such option, with a guess
    ["nosuch"],                                   # no such command
    ["problem", "--seed", "x"],                   # not an integer
    ["problem", "--seed", "-3"],                  # out of range
    ["sheet", "--format", "pdf"],                 # not a choice
    ["show"],                                     # missing argument
    ["sheet", "--roster", "/nowhere/at/all/x.csv"],            # a file that is not there
    ["problem", "--layers"],                      # an option without its value
    ["hint", "step1", "2", "extra"],              # an extra argument
]

# English words of click's frame and templates; none is left in a Chinese usage error.
ENGLISH = re.compile(r"\b(Usage|Error|Try|Invalid|value|Missing|No such|Did you mean|not|"
                     r"exist|requires|unexpected|range|one of)\b")


def invoke(*args, **env):
    return CliRunner(env=env).invoke(main, [str(a) for a in args], prog_name="bpgrade")


def in_language(args, lang):
    """``args`` with ``--lang`` right after the command, where no option can take it as its
    value."""
    return invoke(args[0], "--lang", lang, *args[1:])


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=" ".join)
def test_a_usage_error_in_chinese_has_no_english_words(args):
    outcome = in_language(args, "zh")
    assert outcome.exit_code == 2, outcome.output
    assert "错误：" in outcome.output and "Traceback" not in outcome.output
    # option names, metavars and the command line itself stay as typed
    said = re.sub(r"'[^']*'|\[[A-Z]+\]|[A-Z]{3,}|bpgrade[\w -]*|x>=0", "", outcome.output)
    assert not ENGLISH.search(said), outcome.output


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=" ".join)
def test_a_usage_error_in_english_is_clicks_own(args):
    """The same text click itself writes: the command run as a plain click.Group would."""
    outcome = in_language(args, "en")
    assert outcome.exit_code == 2
    assert outcome.output.startswith(("Usage: bpgrade", "Error: ")), outcome.output
    assert not re.search(r"[\u4e00-\u9fff]", outcome.output), outcome.output


def test_the_locale_decides_without_lang():
    outcome = invoke("check", "--bogus", LANG="zh_CN.UTF-8", LC_ALL="", LC_MESSAGES="")
    assert outcome.output.startswith("用法：bpgrade check") and "没有选项 '--bogus'。" in outcome.output
    english = invoke("check", "--bogus", LANG="en_US.UTF-8", LC_ALL="", LC_MESSAGES="")
    assert english.output.startswith("Usage: bpgrade check")


def test_a_message_inside_a_message_is_said_again():
    assert click_text.translate("Invalid value for '--seed': 'x' is not a valid integer range.",
                                "zh") == "'--seed' 的值无效：'x' 不是整数。"
    unknown = "Something click may say one day."
    assert click_text.translate(unknown, "zh") == unknown        # framed, never lost


def test_a_library_error_is_framed_in_the_chosen_language(tmp_path):
    outcome = invoke("check", "step99", "--exercises", SOLUTIONS, "--lang", "zh")
    assert outcome.exit_code == 2 and outcome.output.startswith("错误：step99")


def _clicks_own_messages() -> list:
    """What click itself writes for each kind of usage error, made by click's own code."""
    from click import exceptions as e, types

    def refused(kind, value, **options):
        try:
            kind(**options).convert(value, None, None) if options else kind.convert(value, None,
                                                                                     None)
        except click.BadParameter as exc:
            return exc.format_message()
        raise AssertionError(f"{kind} accepted {value!r}")

    command = click.Command("sheet")
    ctx = click.Context(command)
    messages = [
        refused(types.INT, "x"), refused(types.FLOAT, "x"),
        refused(types.IntRange, "x", min=0), refused(types.FloatRange, "x", min=0),
        refused(types.IntRange, -3, min=0),
        refused(types.Choice, "pdf", choices=["html", "md", "tex"]),
        refused(types.Choice, "pdf", choices=["html"]),
        refused(types.Path, "/nowhere/x", exists=True),
        refused(types.Path, "/nowhere/x", exists=True, dir_okay=False),
        refused(types.Path, "/nowhere/x", exists=True, file_okay=False),
        refused(types.Path, "/", exists=True, dir_okay=False),
        refused(types.Path, __file__, exists=True, file_okay=False),
        e.BadParameter("bad", param_hint="'--seed'").format_message(),
        e.BadParameter("bad").format_message(),
        e.MissingParameter(param_type="argument", param_hint="'STEP'").format_message(),
        e.MissingParameter(param_type="option", param_hint="'--out'").format_message(),
        e.MissingParameter(param_type="parameter", param_hint="'X'").format_message(),
        e.NoSuchOption("--bogus").format_message(),
        e.NoSuchOption("--jsn", possibilities=["--json"]).format_message(),
        e.NoSuchOption("--jso", possibilities=["--json", "--jobs"]).format_message(),
        e.FileError("x.csv", "denied").format_message(),
    ]
    for args in (["--layers"], ["a"], ["a", "b"], ["--json=1"]):
        cmd = click.Command("c", params=[click.Option(["--layers"]),
                                         click.Option(["--json"], is_flag=True)])
        try:
            cmd.make_context("c", args)
        except click.UsageError as exc:
            messages.append(exc.format_message())
    group = click.Group("g")
    try:
        group.resolve_command(click.Context(group), ["nosuch"])
    except click.UsageError as exc:
        messages.append(exc.format_message())
    try:
        ctx.fail("x")
    except click.UsageError:
        pass
    return messages


@pytest.mark.parametrize("message", _clicks_own_messages())
def test_what_click_writes_is_said_again_in_chinese(message):
    said = click_text.translate(message, "zh")
    assert said != message and re.search("[。：（？]", said), (message, said)
    assert not ENGLISH.search(re.sub(r"'[^']*'|\"[^\"]*\"", "", said)), said


def _keys(message: str) -> set:
    """The templates ``message`` is made of, the one inside ``{message}`` too."""
    found = set()
    for key, pair in click_text.MESSAGES.items():
        match = click_text._pattern(pair["en"]).match(message)
        if match is not None:
            found |= {key} | (_keys(match["message"]) if "message" in match.groupdict() else set())
            break
    return found


def test_every_template_meets_what_click_writes():
    """No template is dead: each matches something click really writes. Left out: the frame,
    made by click_text itself; two texts bpgrade's options never reach (a command group with
    no command, an option taking several values); and the unreadable and unwritable paths,
    which a test running as root cannot make."""
    unmade = {"usage", "try_help", "error", "missing_command", "needs_values",
              "not_readable", "folder_not_readable", "not_writable", "folder_not_writable"}
    met = set().union(*map(_keys, _clicks_own_messages()))
    assert set(click_text.MESSAGES) - unmade <= met

"""Tiered hints: every step has three, in both languages; ``bpgrade hint`` shows one at a time."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from grader.steps import hints, registry
from grader.cli import main
from grader.errors import UsageError

CJK = re.compile(r"[\u4e00-\u9fff]")
IDS = [step.id for step in registry.STEPS]


@pytest.mark.parametrize("step", registry.STEPS, ids=IDS)
def test_three_levels_in_both_languages_non_empty_and_distinct(step):
    assert sorted(step.hints) == [1, 2, 3]
    for lang in ("en", "zh"):
        texts = [step.hints[level][lang].strip() for level in (1, 2, 3)]
        assert all(texts), (step.id, lang)
        assert len(set(texts)) == 3, (step.id, lang)
    for level in (1, 2, 3):
        assert not CJK.search(step.hints[level]["en"]), (step.id, level)
    assert all(CJK.search(step.hints[level]["zh"]) for level in (1, 2)), step.id


@pytest.mark.parametrize("step", [s for s in registry.STEPS if s.seed_step], ids=lambda s: s.id)
def test_level_one_names_the_reused_values_and_level_three_the_formula(step):
    level1 = step.hints[1]["en"]
    assert any(f"net.{name}" in level1 for name in step.uses), step.id
    # Level 3 is the seed's formula: its right-hand side, in the seed's symbols.
    right_hand = step.formula_text.split(" = ")[-1]
    assert right_hand in step.hints[3]["en"] and right_hand in step.hints[3]["zh"], step.id


@pytest.mark.parametrize("step", [s for s in registry.STEPS if 5 <= s.number <= 16],
                         ids=lambda s: s.id)
def test_later_steps_point_back_to_an_earlier_step(step):
    numbers = [int(n) for n in re.findall(r"steps? (\d+)", step.hints[1]["en"])]
    numbers += [int(n) for n in re.findall(r"第 (\d+)", step.hints[1]["zh"])]
    assert numbers and all(n < step.number for n in numbers), step.id


@pytest.mark.parametrize("level", [1, 2, 3])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_hint_function(level, lang):
    step = registry.get("step7")
    found = hints.hint("7", level, lang)
    assert found.step == "step7" and found.level == level and found.levels == 3
    assert step.hints[level][lang] in found.body
    assert found.next_level == (level + 1 if level < 3 else None)
    shown = found.render(lang)
    assert step.hints[level][lang] in shown and step.title[lang] in shown
    if level < 3:
        assert f"--level {level + 1}" in shown
    else:
        assert "bpgrade check step7" in shown


def test_hint_function_refuses_unknown_step_and_level():
    with pytest.raises(UsageError, match="step0"):
        hints.hint("step99", 1, "en")
    with pytest.raises(UsageError, match="1\\|2\\|3"):
        hints.hint("step3", 4, "en")


@pytest.mark.parametrize("args, level", [
    (["hint", "step7"], 1),
    (["hint", "7", "--level", "2"], 2),
    (["hint", "step07", "--level", "3"], 3),
])
def test_cli_hint_levels(args, level):
    result = CliRunner().invoke(main, args + ["--lang", "en"])
    assert result.exit_code == 0, result.output
    assert registry.get("step7").hints[level]["en"] in result.output
    assert f"hint {level} of 3" in result.output
    if level < 3:
        assert f"bpgrade hint step7 --level {level + 1}" in result.output


def test_cli_hint_in_chinese():
    result = CliRunner().invoke(main, ["hint", "step10", "--level", "2", "--lang", "zh"])
    assert result.exit_code == 0
    assert registry.get("step10").hints[2]["zh"] in result.output
    assert "提示 2/3" in result.output


@pytest.mark.parametrize("args", [["hint", "step99"], ["hint", "banana"],
                                  ["hint", "step3", "--level", "4"], ["hint"]])
def test_cli_hint_usage_errors_exit_2(args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    if args[1:2] in (["step99"], ["banana"]):
        assert "valid: step0" in result.output


def test_installed_command_prints_a_hint():
    result = subprocess.run([sys.executable, "-m", "grader", "hint", "step1", "--lang", "en"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert registry.get("step1").hints[1]["en"] in result.stdout

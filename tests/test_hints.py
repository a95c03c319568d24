"""Tiered hints: every step has three, in both languages; ``bpgrade hint`` shows one at a time."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from grader import notation
from grader.steps import hints, registry, stubs
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
def test_level_one_names_the_reused_result_by_symbol_and_level_three_the_formula(step):
    # The earlier results the formula reads (δ⁽³⁾, ∂L/∂h...), not the forward pass or parameters.
    reused = [n for n in step.uses if n not in registry.BASE + registry.FORWARD]
    for lang in ("en", "zh"):
        level1 = step.hints[1][lang]
        if reused:
            assert any(notation.symbol(n, latex=False) in level1 for n in reused), (step.id, lang)
        # Level 3 is the seed's formula: its right-hand side, in the seed's symbols.
        assert step.formula_text.split(" = ")[-1] in step.hints[3][lang], step.id


@pytest.mark.parametrize("step", [s for s in registry.STEPS if 5 <= s.number <= 16],
                         ids=lambda s: s.id)
def test_later_steps_point_back_to_an_earlier_step(step):
    numbers = [int(n) for n in re.findall(r"steps? (\d+)", step.hints[1]["en"])]
    numbers += [int(n) for n in re.findall(r"第 (\d+)", step.hints[1]["zh"])]
    assert numbers and all(n < step.number for n in numbers), step.id


@pytest.mark.parametrize("scaffold", stubs.SCAFFOLDS)
@pytest.mark.parametrize("step", registry.STEPS, ids=IDS)
def test_every_level_in_both_languages_at_every_scaffold(step, scaffold):
    for lang in ("en", "zh"):
        bodies = {level: hints.hint(step.id, level, lang, scaffold).body for level in (1, 2, 3)}
        assert all(body.strip() for body in bodies.values()), (step.id, scaffold, lang)
        # level 1 is the idea: no net. name, for the stub lists everything net offers and the
        # few the formula reads would give it away
        assert "net." not in bodies[1], (step.id, scaffold, lang)
        assert bodies[3] == step.hints[3][lang]


@pytest.mark.parametrize("step", registry.STEPS, ids=IDS)
def test_hints_one_and_two_speak_the_lessons_notation(step):
    """No code in the idea nor in the structure (sheets show them on paper as they are)."""
    for level in (1, 2):
        for lang in ("en", "zh"):
            assert "net." not in step.hints[level][lang] and "net[" not in step.hints[level][lang]


# An ASCII colon, comma or semicolon, or an ASCII bracket around Chinese words.
HALF_WIDTH = re.compile(r"[:,;]|\((?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])\)")


@pytest.mark.parametrize("scaffold", stubs.SCAFFOLDS)
@pytest.mark.parametrize("step", registry.STEPS, ids=IDS)
def test_chinese_hints_use_full_width_punctuation_and_one_word_for_eta(step, scaffold):
    for level in (1, 2):
        body = hints.hint(step.id, level, "zh", scaffold).body
        assert not HALF_WIDTH.search(body), (step.id, level, HALF_WIDTH.findall(body))
        assert "步长" not in body
    assert all("步长" not in step.hints[level]["zh"] for level in (1, 2, 3))


def test_eta_is_the_learning_rate_wherever_a_learner_reads_it():
    step17 = registry.get("step17")
    assert "学习率" in step17.meaning["zh"] and "learning rate" in step17.meaning["en"]
    assert "学习率" in step17.hints[1]["zh"] and "learning rate" in step17.hints[1]["en"]


@pytest.mark.parametrize("scaffold", ["faded", "none"])
def test_step10_level_one_shows_two_paths_without_writing_the_sum(scaffold):
    step = registry.get("step10")
    for lang, two_paths in (("en", "two paths"), ("zh", "两条路径")):
        body = hints.hint("step10", 1, lang, scaffold).body
        assert two_paths in body
        assert "+" not in body and "Σ" not in body and "·" not in body
        # the far ends of both paths, each by its symbol and the step that produced it
        assert "∂L/∂h₁⁽²⁾" in body and "∂L/∂h₂⁽²⁾" in body
        steps = ("step 5", "step 6") if lang == "en" else ("第 5 步", "第 6 步")
        assert all(s in body for s in steps)
        assert step.formula_text.split(" = ")[-1] not in body


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

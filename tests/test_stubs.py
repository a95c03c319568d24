"""Scaffolding: how much of the lesson each stub shows, and hints that add what it does not."""

from __future__ import annotations

import re

import pytest

from grader import notation
from grader.steps import derived, hints, registry, stubs

STEPS = registry.STEPS
# The faded scaffold of DESIGN.md, written out here independently of grader.steps.stubs.
FADED = {**{n: "formula" for n in range(0, 5)}, **{n: "factors" for n in range(5, 10)},
         **{step.number: "goal" for step in STEPS if step.number >= 10}}


def _gives_away(rhs: str) -> bool:
    """A right-hand side that is one of a matrix step's symbols (∂L/∂b⁽ˡ⁾ = δ⁽ˡ⁾) restates
    what the prose says; only a formula gives the step away."""
    return rhs not in {written for _, written in notation.LAYER_SYMBOLS.values()}


def _right_hand_sides(step) -> list:
    """What follows the last "=" (or "≈") of each row of the formula: what a learner would copy."""
    return [rhs for rhs in (re.split(r" [=≈] ", row)[-1] for row in step.formula_text.split(";  "))
            if _gives_away(rhs)]


def _shows_formula(text: str, step) -> bool:
    flat = " ".join(text.split())
    found = [rhs in flat for rhs in _right_hand_sides(step)]
    assert all(found) or not any(found), (step.id, found)      # all rows or none
    return all(found)


def _expanded(offers: str, context: tuple) -> set:
    """Every name an offers text covers: the names it lists and every name of a range."""
    covered = set(re.findall(r"net\.(\w+)", offers))
    for first, last in re.findall(r"net\.(\w+) … net\.(\w+)", offers):
        start, end = context.index(first), context.index(last)
        covered |= set(context[start:end + 1])
    return covered


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.id)
def test_full_shows_every_formula(step):
    assert _shows_formula(stubs.render(step, "full"), step)


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.id)
def test_none_never_shows_the_formula_nor_the_factors(step):
    text = stubs.render(step, "none")
    assert not _shows_formula(text, step)
    assert stubs.support(step, "none") == "goal"
    if step.factors:
        assert step.factors["en"] not in " ".join(text.split())


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.id)
def test_faded_fades_by_step(step):
    text = stubs.render(step, "faded")
    flat = " ".join(text.split())
    expected = FADED[step.number]
    assert stubs.support(step, "faded") == expected
    assert _shows_formula(text, step) == (expected == "formula")
    if expected == "factors":
        assert step.factors["en"] in flat and step.factors["zh"] in text
    if expected == "goal":
        assert "▢" not in text and not (step.factors and step.factors["en"] in flat)


@pytest.mark.parametrize("scaffold", ["faded", "none"])
@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.id)
def test_without_the_full_scaffold_a_stub_lists_all_net_offers(step, scaffold):
    text = stubs.render(step, scaffold)
    flat = " ".join(text.split())
    assert "Use: " not in text and "用到：" not in text
    assert step.offers["en"] in flat and step.offers["zh"] in text
    offered = set(step.context) | ({"loss"} if step.offers_loss else set())    # net.loss(...)
    assert _expanded(step.offers["en"], step.context) == offered
    assert _expanded(step.offers["zh"], step.context) == offered


def test_faded_step10_neither_gives_the_formula_nor_points_at_its_names():
    step = registry.get("step10")
    text = stubs.render(step, "faded")
    flat = " ".join(text.split())
    assert not _shows_formula(text, step)
    for piece in ("w₁₁⁽²⁾ +", "h₁⁽²⁾(1−h₁⁽²⁾)", "two paths", "两条路径", "Σ"):
        assert piece not in flat, piece
    offered = _expanded(step.offers["en"], step.context)
    assert set(step.uses) < offered                     # the chosen names, among all the others
    assert {"x1", "z1_1", "delta3", "L", "v1", "b2_2"} <= offered
    # the one line that lists net.'s values is not the formula's names in the formula's order
    assert ", ".join(f"net.{n}" for n in step.uses) not in flat


def test_the_repository_exercises_are_the_default_scaffold():
    assert stubs.DEFAULT_SCAFFOLD == "faded"
    from conftest import EXERCISES

    for step in STEPS:
        assert (EXERCISES / step.file_name).read_text(encoding="utf-8") \
            == stubs.render(step, "faded")


def test_full_is_the_rendering_from_before_scaffolding():
    """A full stub keeps the earlier layout: formula, meaning, the names it uses."""
    step = registry.get("step7")
    text = stubs.render(step, "full")
    assert "    ∂L/∂w₁₁⁽²⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · h₁⁽¹⁾\n" in text
    assert "Use: net.dL_dh2_1, net.h2_1, net.h1_1\n" in text
    assert step.meaning["en"] in " ".join(text.split())


# --- hints add what the stub does not say ------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("scaffold", stubs.SCAFFOLDS)
@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.id)
def test_level_three_always_gives_the_formula(step, scaffold, lang):
    body = hints.hint(step.id, 3, lang, scaffold).body
    assert body == step.hints[3][lang]
    if not step.offers_loss:        # step 18's is the formula written with net.loss, in code
        assert all(rhs in body for rhs in _right_hand_sides(step)), step.id


def _answer_right_hand_sides(step) -> list:
    """The right-hand side of each row that is an answer (not step 18's ε = 1e-5), without
    spaces: what a learner would copy, however the prose spaces it (δ⁽³⁾·y(1−y))."""
    rows = [row for row, parsed in zip(step.formula_text.split(";  "), derived.rows(step))
            if parsed.answers]
    return ["".join(re.split(r" [=≈] ", row)[-1].split()) for row in rows
            if _gives_away(re.split(r" [=≈] ", row)[-1])]


def _sentences(text: str) -> list:
    """Each sentence (or clause between semicolons) of a hint, spaces collapsed."""
    parts = re.split(r"(?<=[.;])\s+|(?<=[。；])", text)
    return [" ".join(part.split()) for part in parts if part.strip()]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("scaffold", stubs.SCAFFOLDS)
@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.id)
def test_levels_one_and_two_add_to_the_stub_without_the_formula(step, scaffold, lang):
    stub = " ".join(stubs.render(step, scaffold).split())
    for level in (1, 2):
        body = hints.hint(step.id, level, lang, scaffold).body
        flat = "".join(body.split())
        assert not any(rhs in flat for rhs in _answer_right_hand_sides(step)), (step.id, level)
        for sentence in _sentences(body):
            assert sentence not in stub, (step.id, scaffold, level, sentence)
    formula_lines = [" ".join(row.split()) for row in step.formula_text.split(";  ")]
    if stubs.support(step, scaffold) == "formula":          # the stub's formula lines, not hints'
        assert all(line in stub for line in formula_lines)


def test_level_one_gives_step10_the_idea_its_goal_kept_back():
    step = registry.get("step10")
    for lang, words in (("en", "two paths"), ("zh", "两条路径")):
        faded = hints.hint("step10", 1, lang, "faded").body
        assert words in faded and step.hints[1][lang] in faded
        assert step.meaning[lang] in faded
        full = hints.hint("step10", 1, lang, "full").body       # the full stub says it already
        assert words not in full and full == step.hints[1][lang]
        assert step.meaning[lang] in " ".join(stubs.render(step, "full").split())


def test_level_two_is_the_structure_with_blanks():
    for lang in ("en", "zh"):
        body = hints.hint("step10", 2, lang, "faded").body
        assert "∂L/∂h₁⁽¹⁾ = ▢ · ▢(1−▢) · ▢ + ▢ · ▢(1−▢) · ▢" in body
        assert registry.get("step10").hints[2][lang] in body
    assert derived.blanks(registry.get("step7")) == "∂L/∂w₁₁⁽²⁾ = ▢ · ▢(1−▢) · ▢"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_level_two_names_the_factors_only_where_the_stub_did_not(lang):
    step = registry.get("step7")
    assert step.factors[lang] in hints.hint("7", 2, lang, "none").body
    assert step.factors[lang] not in hints.hint("7", 2, lang, "faded").body
    assert step.factors[lang] not in hints.hint("7", 2, lang, "full").body


def test_a_stub_showing_the_formula_gets_no_blanks():
    assert "▢" not in hints.hint("step7", 2, "en", "full").body
    assert "▢" not in hints.hint("step2", 2, "en", "faded").body
    assert "▢" in hints.hint("step2", 2, "en", "none").body

"""The step table enforced: every test here is driven by grader.steps.registry.STEPS."""

from __future__ import annotations

import ast
import json
import re

import pytest

from conftest import EXERCISES, FIXTURES, SOLUTIONS
from grader.checking import check as checking
from grader.steps import registry, stubs
from grader.errors import UsageError
from test_quantities import SEED_FORMULAS

STEPS = registry.STEPS
IDS = [step.id for step in STEPS]
PROBLEMS = checking.ProblemSet(0, further=0)
REFERENCE = PROBLEMS.references[0]     # matrix steps' values too
CJK = re.compile(r"[\u4e00-\u9fff]")

# DESIGN.md's table: the quantity each of the seed's numbered steps 1-14 computes, in order.
DESIGN_SEED_ANSWERS = (
    "delta3", "dL_dv1", "dL_dv2", "dL_db3", "dL_dh2_1", "dL_dh2_2", "dL_dw2_11", "dL_dw2_12",
    "dL_dw2_13", "dL_dh1_1", "dL_dh1_2", "dL_dh1_3", "dL_dw1_11", "dL_dw1_12",
)


@pytest.fixture(scope="module")
def stub_report():
    return {r.step: r for r in checking.check([], EXERCISES).results}


@pytest.fixture(scope="module")
def solution_report():
    return {r.step: r for r in checking.check([], SOLUTIONS).results}


def test_ids_unique_and_numbered_without_gaps():
    assert len(set(IDS)) == len(IDS)
    assert [step.number for step in STEPS] == list(range(len(STEPS)))
    assert all(step.id == f"step{step.number}" for step in STEPS)
    assert registry.BY_ID == {step.id: step for step in STEPS}


@pytest.mark.parametrize("folder", [EXERCISES, SOLUTIONS], ids=["exercises", "solutions"])
def test_no_stray_or_missing_files(folder):
    present = {path.name for path in folder.glob("*.py")}
    assert present == {step.file_name for step in STEPS}


def test_seed_steps_are_the_lessons_fourteen():
    assert [step.number for step in registry.SEED_STEPS] == list(range(1, 15))
    assert tuple(step.answer for step in registry.SEED_STEPS) == DESIGN_SEED_ANSWERS


@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_stub_is_the_rendering(step):
    assert (EXERCISES / step.file_name).read_text(encoding="utf-8") == stubs.render(step)


@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_stub_is_not_started(step, stub_report):
    assert stub_report[step.id].status == "not_started"
    assert stub_report[step.id].score == 0


@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_solution_passes(step, solution_report):
    result = solution_report[step.id]
    assert result.status == "passed", result.message + result.error
    assert result.score == result.max_score == step.points


@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_files_define_the_one_function(step):
    for folder in (EXERCISES, SOLUTIONS):
        tree = ast.parse((folder / step.file_name).read_text(encoding="utf-8"))
        functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
        learner = [f for f in functions if f.name == step.function_name]
        assert len(learner) == 1, folder
        assert [a.arg for a in learner[0].args.args] == ["net"]


@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_every_name_exists(step):
    reference = PROBLEMS.references_for(step)[0]      # a network of each problem's own
    names = list(step.context) + list(step.uses) \
        + [q for _, q in checking.answer_items(step, reference)]
    if step.judges_runs:         # its values under its own keys; its answers have no reference
        names = [name for name in names if name not in step.held(reference)
                 and name not in step.answer]
    assert [name for name in names if name not in reference] == []
    assert len(set(step.context)) == len(step.context)


@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_uses_are_in_the_context(step):
    assert set(step.uses) <= set(step.context)


@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_own_answer_never_in_context(step):
    answers = {quantity for _, quantity in step.answer_items}
    assert not answers & set(step.context)


@pytest.mark.parametrize("step", [s for s in STEPS if s.number <= 16], ids=lambda s: s.id)
def test_no_parameter_gradient_before_the_update(step):
    assert not set(registry.PARAMETER_GRADIENTS) & set(step.context)


def test_the_forward_pass_sees_no_forward_values():
    step0 = registry.get("step0")
    assert not set(registry.FORWARD) & set(step0.context)
    assert not {"delta3"} & set(step0.context)


@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_upstream_values_come_from_earlier_steps(step):
    """Every gradient ``net`` holds is the answer of a step before this one."""
    if step.arrays:         # a network of its own: its arrays, no value of the lesson's
        assert set(step.context) == set(step.offered)
        # (a network drawn per problem keeps its values apart: the lesson's names may recur)
        assert step.per_problem or not set(step.context) & set(registry.BASE + registry.FORWARD)
        return
    answered_before = {quantity for earlier in STEPS if earlier.number < step.number
                       for _, quantity in earlier.answer_items}
    upstream = set(step.context) - set(registry.BASE) - set(registry.FORWARD)
    assert upstream <= answered_before
    if step.number >= 1:
        assert set(registry.FORWARD) <= set(step.context)


@pytest.mark.parametrize("step", registry.SEED_STEPS, ids=lambda s: s.id)
def test_uses_suffice_for_the_seed_formula(step):
    only_uses = {name: REFERENCE[name] for name in step.uses}
    assert SEED_FORMULAS[step.answer](only_uses) == pytest.approx(REFERENCE[step.answer],
                                                                  rel=1e-12)


@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_texts_in_both_languages(step):
    for field in (step.title, step.meaning):
        assert set(field) >= {"en", "zh"} and field["en"].strip() and field["zh"].strip()
    assert CJK.search(step.meaning["zh"]) and not CJK.search(step.meaning["en"])
    assert step.formula.strip() and step.formula_text.strip()
    assert isinstance(step.points, int) and step.points > 0


@pytest.mark.parametrize("scaffold", stubs.SCAFFOLDS)
@pytest.mark.parametrize("step", STEPS, ids=IDS)
def test_stub_docstring_names_what_to_use(step, scaffold):
    text = stubs.render(step, scaffold)
    assert step.title["en"] in text and step.title["zh"] in text
    assert f"bpgrade check {step.id}" in text
    if scaffold == "full":
        if not step.uses_text:
            assert all(f"net.{name}" in text for name in step.uses)
    else:               # the whole context: each family by its first name (or a range from it)
        assert step.offers["en"] in " ".join(text.split())
        firsts = {}
        for name in step.context:
            firsts.setdefault(re.sub(r"\d+$", "", name), name)
        assert all(f"net.{name}" in step.offers["en"] for name in firsts.values())
    for key in step.arrays or [key for key, _ in step.answer_items]:
        assert key is None or f'"{key}"' in text


@pytest.mark.parametrize("name", ["step7", "7", "07", "Step7", "STEP07", " step7 "])
def test_get_accepts_the_usual_spellings(name):
    assert registry.get(name).id == "step7"


@pytest.mark.parametrize("name", ["step99", "seven", "", "step", "-1", "7.0", "step 7x"])
def test_get_rejects_others_listing_the_valid_ids(name):
    with pytest.raises(UsageError) as caught:
        registry.get(name)
    assert STEPS[0].id in str(caught.value) and STEPS[-1].id in str(caught.value)


def test_total_points():
    assert registry.total_points() == sum(step.points for step in STEPS)


# --- what is derived equals the table as it was written by hand ------------------------------
# steps_before_derivation.json holds every step's texts, formulas, context and uses as they were
# written out by hand before the table derived them from each step's formula. Where a derived text
# deliberately differs, CHANGED says which field and why; everything else is equal.

BY_HAND = json.loads((FIXTURES / "steps_before_derivation.json").read_text(encoding="utf-8"))
_GENERIC_SUBSCRIPTS = "a generic index is a subscript like any other: hᵢ⁽¹⁾, wᵢ₁⁽²⁾ (was h_i⁽¹⁾)"
_LESSON = "the lesson (课文) is the text taught; seed means only the random seed"
_IDEA = "where a stub hides the formula, the meaning is hint 1's idea and must not give it away"
CHANGED = {
    ("step0", "formula"): "the seed's σ(...) and its layer 2 written out, as the level-3 hint was",
    ("step1", "formula"): "target is an upright label, y_{\\text{target}}, not italic letters",
    ("step0", "formula_text"): "the level-3 hint's form; " + _GENERIC_SUBSCRIPTS,
    ("step0", "hint3"): _GENERIC_SUBSCRIPTS,
    ("step0", "uses"): "the names the formula reads (not eta), each family together",
    ("step17", "formula"): "new is an upright label, w_{\\text{new}}, not the italic letters n e w",
    ("step17", "uses"): "the formula's names grouped by family, w1_11 … w1_32 before eta",
    ("step18", "formula"): "no English inside the formula; ε = 1e-5 is a row of it",
    ("step18", "formula_text"): "no English inside the formula; ε = 1e-5 is a row of it",
    ("step18", "uses"): "the parameters the formula moves; net.loss, not net.L, gives L(p ± ε)",
    ("step15", "meaning"): _LESSON,
    ("step18", "meaning"): _LESSON,
    ("step4", "meaning"): _IDEA + "; δ⁽³⁾·y(1−y) was the formula itself",
    ("step5", "meaning"): _IDEA + "; it named v₁, the formula's last factor",
    ("step6", "meaning"): _IDEA + "; it named v₂, the formula's last factor",
    ("step10", "meaning"): _IDEA + ": the two paths, not the sum",
    ("step11", "meaning"): _IDEA + "; it named the two weights the formula reads",
    ("step12", "meaning"): _IDEA + "; it named the two weights the formula reads",
    ("step17", "meaning"): "η is the learning rate (学习率), as the lesson calls it, not 步长",
}
# Hints 1 and 2 are prose, rewritten so that each level adds what the stub at the learner's
# scaffold does not say (DESIGN.md, "Scaffolding"): the idea without net. names, the structure
# without the formula. Only their placeholders are derived (tests/test_derived.py).
REWRITTEN = {"hint1", "hint2"}


@pytest.mark.parametrize("step", [s for s in STEPS if s.id in BY_HAND], ids=lambda s: s.id)
def test_derived_values_equal_the_hand_written_table(step):
    before = BY_HAND[step.id]
    now = {"formula": step.formula, "formula_text": step.formula_text,
           "context": list(step.context), "uses": list(step.uses),
           "answer": step.answer, "expression": step.expression,
           "title": step.title, "meaning": step.meaning,
           **{f"hint{level}": step.hints[level] for level in (1, 2, 3)}}
    then = {"formula": before["formula"], "formula_text": before["formula_text"],
            "context": before["context"], "uses": before["uses"],
            "answer": before["answer"], "expression": before["expression"],
            "title": before["title"], "meaning": before["meaning"],
            **{f"hint{level}": before["hints"][str(level)] for level in (1, 2, 3)}}
    for field in set(now) - REWRITTEN:
        if (step.id, field) in CHANGED:
            assert now[field] != then[field], f"{step.id} {field} is no longer changed"
        else:
            assert now[field] == then[field], (step.id, field)


def _generic_subscripts(text: str) -> str:
    """The hand-written h_i⁽¹⁾, w_i1⁽²⁾, Σ_i as hᵢ⁽¹⁾, wᵢ₁⁽²⁾, Σᵢ."""
    digits = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    return re.sub(r"_i(\d?)", lambda m: "ᵢ" + m.group(1).translate(digits), text)


def test_a_deliberate_change_says_the_same():
    """Where a derived value differs from the hand-written one, it says the same thing."""
    step0 = registry.get("step0")
    for lang in ("en", "zh"):
        assert step0.hints[3][lang] == _generic_subscripts(BY_HAND["step0"]["hints"]["3"][lang])
    assert step0.formula_text == step0.hints[3]["en"]
    assert set(registry.get("step17").uses) == set(BY_HAND["step17"]["uses"])
    assert set(step0.uses) == set(BY_HAND["step0"]["uses"]) - {"eta"}
    assert list(registry.get("step18").uses) == BY_HAND["step18"]["uses"][1:] \
        == list(registry.PARAMETERS)
    for sid in ("step15", "step18"):
        before = BY_HAND[sid]["meaning"]
        assert registry.get(sid).meaning == {
            "en": before["en"].replace("The seed", "The lesson"),
            "zh": before["zh"].replace("原文", "课文")}
    step18 = registry.get("step18")
    assert step18.formula_text.replace(";  ", " for every parameter p, ") \
        == BY_HAND["step18"]["formula_text"]


def test_the_loss_rows_cover_every_loss_the_steps_hold_for():
    """One row of L and one of δ⁽³⁾ per loss of one sigmoid output; the lesson's are step 0's
    and step 1's own, and another loss changes those two steps only."""
    from grader.steps import quantities

    assert tuple(registry.LOSS_ROWS) == quantities.step_losses()
    lesson = registry.LOSS_ROWS["half_squared_error"]
    assert registry.get("step0").expression["L"] == lesson["L"]
    assert registry.get("step1").expression == lesson["delta3"]
    for loss, own in registry.LOSS_ROWS.items():
        changed = [step.id for step in registry.STEPS if registry.for_loss(step, loss) is not step]
        assert changed == ([] if loss == "half_squared_error" else ["step0", "step1"])
        assert registry.for_loss(registry.get("step0"), loss).expression["L"] == own["L"]
        step1 = registry.for_loss(registry.get("step1"), loss)
        assert step1.expression == own["delta3"] and step1.hints[2] == own["chain"]
        assert registry.for_loss(registry.get("step1"), loss) is step1         # kept

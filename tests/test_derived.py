"""The step table's rules: a step written as its formula and prose derives everything else.

The steps here are written for the test, not taken from the table, so the rules are seen at
work on their own; tests/test_registry.py holds the table itself to what was written by hand.
"""

from __future__ import annotations

import pytest

from grader.steps import derived, registry
from grader.steps.registry import Prose, Row, Step


def _t(text: str) -> dict:
    return {"en": text, "zh": text + "。"}


PROSE = Prose(title=_t("{quantity}, a weight"), meaning=_t("How L changes with {w}."),
              reuse=_t("Reuse {h}."), chain=_t("Since {= z1_1}, differentiate."),
              names={"w": "w1_1j", "h": "dL_dh1_1"})


def test_one_row_is_one_number():
    step = Step(number=14, rows=("dL_dw1_1j = dL_dh1_1*h1_1*(1 - h1_1)*xj",), prose=PROSE,
                at={"j": 2})
    assert step.answer == "dL_dw1_12" and not step.returns_dict
    assert step.expression == "dL_dh1_1*h1_1*(1 - h1_1)*x2"
    assert step.formula_text == "∂L/∂w₁₂⁽¹⁾ = ∂L/∂h₁⁽¹⁾ · h₁⁽¹⁾(1−h₁⁽¹⁾) · x₂"
    assert step.formula == (r"\frac{\partial L}{\partial w_{12}^{(1)}} = "
                            r"\frac{\partial L}{\partial h_1^{(1)}} \cdot h_1^{(1)}(1-h_1^{(1)})"
                            r" \cdot x_2")
    assert step.uses == ("dL_dh1_1", "h1_1", "x2")
    assert step.context == registry.get("step14").context
    assert step.title == {"en": "∂L/∂w₁₂⁽¹⁾, a weight", "zh": "∂L/∂w₁₂⁽¹⁾, a weight。"}
    assert step.meaning["en"] == "How L changes with w₁₂⁽¹⁾."
    assert step.hints[1]["en"] == "Reuse ∂L/∂h₁⁽¹⁾."
    assert step.hints[2]["en"] == "Since z₁⁽¹⁾ = w₁₁⁽¹⁾x₁ + w₁₂⁽¹⁾x₂ + b₁⁽¹⁾, differentiate."
    assert step.hints[3] == {"en": step.formula_text, "zh": step.formula_text}


def test_generic_rows_are_one_answer_per_value_in_the_network_order():
    step = Step(number=16, prose=PROSE,
                rows=("dL_db1_i = dL_dh1_i*h1_i*(1 - h1_i)",
                      Row("dL_dw1_ij", "dL_dh1_i*h1_i*(1 - h1_i)*xj", each={"j": (2,)})))
    assert step.answer == {k: k for k in ("dL_dw1_12", "dL_dw1_22", "dL_dw1_32",
                                          "dL_db1_1", "dL_db1_2", "dL_db1_3")}
    assert step.expression["dL_dw1_32"] == "dL_dh1_3*h1_3*(1 - h1_3)*x2"
    assert step.uses == ("dL_dh1_1", "dL_dh1_2", "dL_dh1_3", "h1_1", "h1_2", "h1_3", "x2")
    assert step.formula_text == ("∂L/∂bᵢ⁽¹⁾ = ∂L/∂hᵢ⁽¹⁾ · hᵢ⁽¹⁾(1−hᵢ⁽¹⁾);  "
                                 "∂L/∂wᵢⱼ⁽¹⁾ = ∂L/∂hᵢ⁽¹⁾ · hᵢ⁽¹⁾(1−hᵢ⁽¹⁾) · xⱼ")
    assert step.hints[3]["zh"] == step.formula_text.replace(";  ", "；")


def test_a_new_value_is_keyed_by_its_parameter():
    step = Step(number=17, prose=PROSE, rows=("new_b = b - eta*dL_db",))
    assert step.answer == {"b1_1": "new_b1_1", "b1_2": "new_b1_2", "b1_3": "new_b1_3",
                           "b2_1": "new_b2_1", "b2_2": "new_b2_2", "b3": "new_b3"}
    assert step.expression["b3"] == "b3 - eta*dL_db3"
    assert step.formula == r"b_{\text{new}} = b - \eta \frac{\partial L}{\partial b}"


@pytest.mark.parametrize("number", range(1, 18))
def test_context_holds_everything_computed_before(number):
    """Inputs, parameters and the forward pass; every earlier answer but the parameter
    gradients, which only the step reading them (the update) gets."""
    step = registry.STEPS[number]
    earlier = {q for s in registry.STEPS[:number] for _, q in s.answer_items}
    gradients = set(registry.PARAMETER_GRADIENTS)
    read = set(step.uses) & gradients
    assert set(step.context) == set(registry.BASE + registry.FORWARD) | (earlier - gradients) \
        | read
    assert bool(read) == (number == 17)


def test_the_naive_route_sees_no_backward_value():
    step = registry.get("step18")
    assert step.offers_loss and step.expression is None
    assert step.context == registry.BASE + registry.FORWARD
    assert step.uses == registry.PARAMETERS
    assert step.answer == {f"dL_d{p}": f"dL_d{p}" for p in registry.PARAMETERS}


def test_a_placeholder_left_unknown_stays_as_written():
    assert derived.fill("net.loss(**{name: net[name] + ε})", {"w": "w₁"}) \
        == "net.loss(**{name: net[name] + ε})"


@pytest.mark.parametrize("first, last", [(2, 3), (5, 6), (7, 9), (10, 12), (13, 14)])
def test_a_family_differs_only_by_its_index(first, last):
    members = registry.STEPS[first:last + 1]
    letter = next(iter(members[0].at))
    assert [s.at for s in members] == [{letter: k} for k in range(1, len(members) + 1)]
    for step in members:
        assert step.rows == members[0].rows
        assert step.prose.names == members[0].prose.names
        assert step.prose.reuse is members[0].prose.reuse
        assert step.prose.chain is members[0].prose.chain
    assert len({s.answer for s in members}) == len(members)


def test_reads_are_each_answers_own_edges():
    """Each answer reads what its own row names: the dependency graph check --chain follows."""
    step = Step(number=16, prose=PROSE,
                rows=("dL_db1_i = dL_dh1_i*h1_i*(1 - h1_i)",
                      Row("dL_dw1_ij", "dL_dh1_i*h1_i*(1 - h1_i)*xj", each={"j": (2,)})))
    assert step.reads["dL_db1_2"] == ("dL_dh1_2", "h1_2")
    assert step.reads["dL_dw1_32"] == ("dL_dh1_3", "h1_3", "x2")
    forward = registry.get("step0").reads
    assert forward["h2_1"] == ("w2_11", "h1_1", "w2_12", "h1_2", "w2_13", "h1_3", "b2_1")
    assert forward["L"] == ("y", "y_target")


@pytest.mark.parametrize("step", registry.STEPS, ids=lambda s: s.id)
def test_reads_cover_what_the_formula_uses(step):
    assert set(step.reads) == {q for _, q in step.answer_items}
    held = set(step.context)
    assert {n for names in step.reads.values() for n in names if n in held} == set(step.uses)

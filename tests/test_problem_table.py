"""The readable bpgrade problem: every number labelled in the lesson's notation, by layer."""

from __future__ import annotations

import pytest

from grader import notation
from grader.engine.generators import generate
from grader.i18n import pick
from grader.render.problem_table import MESSAGES, problem_text
from grader.steps import registry
from grader.steps.problem_data import as_dict


def test_the_seed_network_in_the_lessons_notation():
    data = as_dict(generate(0))
    table = problem_text(data, "en")
    params, grads, forward = data["params"], data["gradients"], data["forward"]
    assert f"w₁₃⁽²⁾ = {params['W2'][0][2]:.2f}" in table
    assert f"v₂ = {params['W3'][0][1]:.2f}" in table and f"b⁽³⁾ = {params['b3'][0]:.2f}" in table
    assert f"x₁ = {data['x'][0]:.2f}" in table and f"η = {data['eta']:.2f}" in table
    assert f"h₂⁽¹⁾ = {forward['h1'][1]:.8g}" in table and f"y = {forward['y'][0]:.8g}" in table
    assert f"∂L/∂w₁₂⁽¹⁾ = {grads['W1'][0][1]:.8g}" in table
    assert f"∂L/∂v₁ = {grads['W3'][0][0]:.8g}" in table
    for step in registry.SEED_STEPS:
        line = next(line for line in table.splitlines() if line.split()[:1] == [step.id])
        assert f"{data['steps'][step.id]:.8g}" in line and pick(step.title, "en") in line


def test_every_parameter_has_its_label_on_a_small_network():
    layers = (3, 4, 2)
    data = as_dict(generate(5, layers, "tanh", loss="softmax_cross_entropy"))
    table = problem_text(data, "zh")
    for name, kind, layer, index in notation.parameter_slots(layers):
        value = data["params"][f"{kind}{layer + 1}"]
        for i in index:
            value = value[i]
        assert f"{notation.symbol(name, latex=False)} = {value + 0.0:.2f}" in table
    assert "steps" not in data and "课文的各步" not in table


def test_a_large_layer_is_shown_as_numbers_by_row():
    layers = (30, 12, 1)
    data = as_dict(generate(1, layers))
    table = problem_text(data, "en")
    names = notation.arrays(layers)

    def head(first, last):
        return f"{notation.symbol(first, latex=False)} … {notation.symbol(last, latex=False)}:"

    for i in range(12):
        assert head(names["W1"][i][0], names["b1"][i]) in table
    assert head(names["z1"][0], names["z1"][-1]) in table
    assert max(len(line) for line in table.splitlines()) <= 132
    first = head(names["W1"][0][0], names["b1"][0])
    row = table.split(first)[1].split(head(names["W1"][1][0], names["b1"][1]))[0].split()
    assert row == [f"{v:.2f}" for v in data["params"]["W1"][0] + data["params"]["b1"][:1]]


def test_no_negative_zero():
    data = as_dict(generate(3, (3, 12, 2), "relu", loss="softmax_cross_entropy"))
    assert any(v == 0 for row in data["gradients"]["W1"] for v in row)
    assert "-0" not in problem_text(data, "en").split()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_headings_are_the_languages(lang):
    table = problem_text(as_dict(generate(0)), lang)
    for key in ("problem_inputs", "problem_parameters", "problem_forward", "problem_gradients",
                "problem_steps"):
        assert MESSAGES[key][lang] in table

"""The seed's naming, in one place: names, array slots, LaTeX and Unicode symbols, any network."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from bpgrade_harness.net import ARRAYS
from conftest import ROOT
from grader import notation
from grader.engine.generators import generate
from grader.steps import quantities

SEED_NAMES = sorted(quantities.reference(generate(0)))


@pytest.mark.parametrize("name, parsed", [
    ("w2_13", ("", "w", 2, (1, 3))),
    ("v1", ("", "v", None, (1,))),
    ("b3", ("", "b", 3, ())),
    ("b1_2", ("", "b", 1, (2,))),
    ("h2_1", ("", "h", 2, (1,))),
    ("z1_3", ("", "z", 1, (3,))),
    ("z3", ("", "z", 3, ())),
    ("y", ("", "y", None, ())),
    ("L", ("", "L", None, ())),
    ("x1", ("", "x", None, (1,))),
    ("y_target", ("", "y_target", None, ())),
    ("eta", ("", "eta", None, ())),
    ("delta3", ("", "delta", 3, ())),
    ("dL_dh2_1", ("dL_d", "h", 2, (1,))),
    ("dL_dw1_12", ("dL_d", "w", 1, (1, 2))),
    ("new_w2_11", ("new_", "w", 2, (1, 1))),
    ("w2_2j", ("", "w", 2, (2, "j"))),
    ("h1_i", ("", "h", 1, ("i",))),
    ("new_w", ("new_", "w", None, ())),
    ("w1_12_3", ("", "w", 1, (12, 3))),
])
def test_parse(name, parsed):
    found = notation.parse(name)
    assert found == parsed
    assert (found.prefix, found.kind, found.layer, found.indices) == parsed
    assert notation.join(found) == name


@pytest.mark.parametrize("name", ["sigmoid", "w1_1_2", "h3", "x²", "", "dL_d", "new_",
                                  "w2_1", "w2_123", "h1_01", "delta", "z3_", "W2"])
def test_what_is_not_a_name(name):
    assert notation.parse(name) is None


@pytest.mark.parametrize("name", SEED_NAMES)
def test_every_quantity_of_the_seed_network_is_a_name(name):
    assert notation.join(notation.parse(name)) == name


@pytest.mark.parametrize("name, latex, text", [
    ("h2_1", "h_1^{(2)}", "h₁⁽²⁾"),
    ("dL_dh2_1", r"\frac{\partial L}{\partial h_1^{(2)}}", "∂L/∂h₁⁽²⁾"),
    ("delta3", r"\delta^{(3)}", "δ⁽³⁾"),
    ("w2_13", "w_{13}^{(2)}", "w₁₃⁽²⁾"),
    ("v1", "v_1", "v₁"),
    ("b3", "b^{(3)}", "b⁽³⁾"),
    ("b1_2", "b_2^{(1)}", "b₂⁽¹⁾"),
    ("x1", "x_1", "x₁"),
    ("y_target", r"y_{\text{target}}", "y_target"),
    ("z1_3", "z_3^{(1)}", "z₃⁽¹⁾"),
    ("z3", "z^{(3)}", "z⁽³⁾"),
    ("eta", r"\eta", "η"),
    ("dL_dw1_12", r"\frac{\partial L}{\partial w_{12}^{(1)}}", "∂L/∂w₁₂⁽¹⁾"),
    # New values: the seed's w_new, a subscript after the whole symbol.
    (r"new_w", r"w_{\text{new}}", "w_new"),
    ("new_w2_11", r"{w_{11}^{(2)}}_{\text{new}}", "w₁₁⁽²⁾_new"),
    ("new_b3", r"{b^{(3)}}_{\text{new}}", "b⁽³⁾_new"),
    # Generic indices are subscripts like any other.
    ("w2_2j", "w_{2j}^{(2)}", "w₂ⱼ⁽²⁾"),
    ("h1_i", "h_i^{(1)}", "hᵢ⁽¹⁾"),
    ("xj", "x_j", "xⱼ"),
    ("w1_12_3", "w_{12,3}^{(1)}", "w₁₂,₃⁽¹⁾"),
    ("eps", r"\varepsilon", "ε"),
])
def test_symbols_in_the_seed_notation(name, latex, text):
    assert notation.symbol(name, latex=True) == latex
    assert notation.symbol(name, latex=False) == text


def test_a_name_outside_the_notation_is_shown_as_it_is():
    assert notation.symbol("my_value", latex=False) == "my_value"
    assert notation.symbol("my_value", latex=True) == r"\mathit{my\_value}"


@pytest.mark.parametrize("name, slot", [
    ("w2_13", ("W2", (0, 2))),
    ("w1_32", ("W1", (2, 1))),
    ("v1", ("W3", (0, 0))),
    ("v2", ("W3", (0, 1))),
    ("b3", ("b3", (0,))),
    ("b1_2", ("b1", (1,))),
    ("x2", ("x", (1,))),
    ("h1_3", ("h1", (2,))),
    ("z2_1", ("z2", (0,))),
    ("dL_dh2_1", ("dL_dh2", (0,))),
    ("dL_dw2_13", ("dL_dW2", (0, 2))),
    ("new_b1_1", ("new_b1", (0,))),
    ("y", None), ("eta", None), ("delta3", None), ("h1_i", None),
])
def test_slots(name, slot):
    assert notation.slot(name) == slot


def test_every_array_entry_is_at_its_slot():
    for array, layout in notation.arrays().items():
        if array == "v":                        # the output's weights again, as a vector
            continue
        rows = layout if isinstance(layout[0], tuple) else (layout,)
        for i, row in enumerate(rows):
            for j, name in enumerate(row):
                assert notation.slot(name) == (array, (i, j) if rows is layout else (j,))


def test_the_harness_arrays_agree_with_the_notation():
    """bpgrade_harness never imports grader, so its net.ARRAYS is written out: it must be the
    notation's layout, entry for entry."""
    arrays = notation.arrays()
    assert {name: arrays[name] for name in ARRAYS} == ARRAYS


def test_parameter_slots_read_the_problem_arrays():
    problem = generate(0)
    values = quantities.reference(problem)
    arrays = {"W": problem.weights, "b": problem.biases}
    for name, kind, layer, index in notation.parameter_slots():
        assert values[name] == float(arrays[kind][layer][index])
    assert notation.parameters() == tuple(name for name, *_ in notation.parameter_slots())


def test_any_layer_count_is_named():
    layers = (2, 4, 3, 3, 1)
    problem = generate(0, layers)
    names = notation.parameters(layers)
    assert len(names) == len(set(names)) == sum(w.size for w in problem.weights) \
        + sum(b.size for b in problem.biases)
    assert {"w1_42", "b1_4", "w2_34", "w3_21", "b3_3", "v1", "v3", "b4"} <= set(names)
    assert notation.slot("w3_21", layers) == ("W3", (1, 0))
    assert notation.slot("v3", layers) == ("W4", (0, 2))
    assert notation.slot("b4", layers) == ("b4", (0,))
    assert notation.forward(layers)[-3:] == ("z4", "y", "L")
    assert notation.output_delta(layers) == "delta4"
    assert notation.activation_gradients(3, layers) == ("dL_dh3_1", "dL_dh3_2", "dL_dh3_3")
    assert notation.symbol("w3_21", latex=False) == "w₂₁⁽³⁾"
    arrays = {"W": problem.weights, "b": problem.biases}
    assert [arrays[kind][layer][index].shape for _, kind, layer, index
            in notation.parameter_slots(layers)] == [()] * len(names)
    assert notation.parameters(layers) == tuple(quantities.parameter_names(problem.weights,
                                                                          problem.biases))


def test_wide_layers_separate_their_indices():
    layers = (12, 3, 1)
    assert notation.weight(1, 3, 12, layers) == "w1_3_12"
    assert notation.parse("w1_3_12").indices == (3, 12)
    assert notation.slot("w1_3_12", layers) == ("W1", (2, 11))
    assert notation.symbol("w1_3_12") == "w_{3,12}^{(1)}"


@pytest.mark.parametrize("name, values", [
    ("w2_2j", {"j": (1, 2, 3)}),
    ("h1_i", {"i": (1, 2, 3)}),
    ("dL_dw1_ij", {"i": (1, 2, 3), "j": (1, 2)}),
    ("vj", {"j": (1, 2)}),
    ("dL_db2_i", {"i": (1, 2)}),
    ("new_b", {"b": ("b1_1", "b1_2", "b1_3", "b2_1", "b2_2", "b3")}),
    ("w2_13", {}),
])
def test_generic_values(name, values):
    assert notation.generic_values(name) == values


def test_substitute():
    assert notation.substitute("h1_i", {"i": 2}) == "h1_2"
    assert notation.substitute("dL_dw2_ij", {"i": 1, "j": 3}) == "dL_dw2_13"
    assert notation.substitute("dL_dw", {"w": "w1_12"}) == "dL_dw1_12"
    assert notation.substitute("new_b", {"b": "b3"}) == "new_b3"
    assert notation.substitute("sigmoid", {"i": 2}) == "sigmoid"
    assert notation.substitute("eta", {"w": "w1_11"}) == "eta"


def test_definition_and_preactivation():
    assert notation.definition("delta3") == "dL_dy"
    assert notation.definition("h2_1") is None
    assert notation.preactivation_of("h1_2") == "z1_2"
    assert notation.preactivation_of("y") == "z3"


def test_notation_imports_nothing_from_the_grader():
    source = (ROOT / "grader" / "notation.py").read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0 and not (node.module or "").startswith("grader"), node.module
        if isinstance(node, ast.Import):
            assert not any(alias.name.startswith("grader") for alias in node.names)
    loaded = subprocess.run(
        [sys.executable, "-c", "import grader.notation, sys; "
                               "print(sorted(m for m in sys.modules if m.startswith('grader')))"],
        capture_output=True, text=True, check=True, cwd=Path(ROOT)).stdout
    assert loaded.strip() == "['grader', 'grader.notation']"

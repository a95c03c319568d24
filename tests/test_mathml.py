"""The LaTeX subset → MathML converter: every registry formula converts, fully."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from grader import notation
from grader.render import mathml, sheets

from grader.steps import quantities, registry
from grader.engine.generators import generate

NS = "{http://www.w3.org/1998/Math/MathML}"
# MathML Core elements the converter may produce.
CORE = {"math", "mrow", "mi", "mn", "mo", "mtext", "mspace", "mfrac", "msub", "msup",
        "msubsup", "munder", "mover", "munderover"}
LATEX_LEFTOVERS = ("\\", "{", "}", "^", "_", "$")


def parse(latex: str, display: bool = False) -> ET.Element:
    return ET.fromstring(mathml.to_mathml(latex, display=display))


def tag(element: ET.Element) -> str:
    return element.tag.removeprefix(NS)


def leaves(element: ET.Element) -> list:
    return [e for e in element.iter() if tag(e) in ("mi", "mn", "mo", "mtext")]


def assert_fully_converted(latex: str) -> None:
    root = parse(latex)
    assert tag(root) == "math"
    for element in root.iter():
        assert tag(element) in CORE, f"{tag(element)} from {latex!r}"
        if tag(element) in ("mi", "mn", "mo"):
            assert element.text, f"empty {tag(element)} from {latex!r}"
        if tag(element) != "mtext":
            for leftover in LATEX_LEFTOVERS:
                assert leftover not in (element.text or ""), f"{leftover!r} left in {latex!r}"


def all_registry_formulas():
    return [pytest.param(step.formula, id=step.id) for step in registry.STEPS]


@pytest.mark.parametrize("latex", all_registry_formulas())
def test_every_registry_formula_converts_without_leftovers(latex):
    assert_fully_converted(latex)


def every_quantity_name():
    return sorted(quantities.reference(generate(0)))


@pytest.mark.parametrize("name", every_quantity_name())
def test_every_quantity_symbol_converts(name):
    assert_fully_converted(notation.symbol(name))


def test_every_sheet_formula_converts():
    model = sheets.view(generate(0), quantities.reference(generate(0)), "md", "en", "blank")
    formulas = [row["formula"] for row in model["forward"] + model["updates"]]
    assert len(formulas) == len(model["forward"]) + len(model["updates"])
    for latex in formulas:
        assert_fully_converted(latex)


def test_fraction_has_numerator_then_denominator():
    root = parse(r"\frac{\partial L}{\partial y}")
    fraction = root.find(f".//{NS}mfrac")
    numerator, denominator = list(fraction)
    assert [e.text for e in leaves(numerator)] == ["∂", "L"]
    assert [e.text for e in leaves(denominator)] == ["∂", "y"]


@pytest.mark.parametrize("latex, outer, base, scripts", [
    ("x_1", "msub", "x", [["1"]]),
    ("b^{(3)}", "msup", "b", [["(", "3", ")"]]),
    ("w_{12}^{(2)}", "msubsup", "w", [["12"], ["(", "2", ")"]]),
    ("h_1^{(1)}", "msubsup", "h", [["1"], ["(", "1", ")"]]),
    ("w^{(2)}_{21}", "msubsup", "w", [["21"], ["(", "2", ")"]]),
    (r"\sum_j", "munder", "∑", [["j"]]),
])
def test_scripts(latex, outer, base, scripts):
    root = parse(latex)
    (element,) = list(root.find(f"{NS}mrow"))
    assert tag(element) == outer
    children = list(element)
    assert leaves(children[0])[0].text == base
    assert [[e.text for e in leaves(child)] for child in children[1:]] == scripts


def test_tex_scripts_take_one_digit_without_braces():
    root = parse("x_12")
    sub = root.find(f".//{NS}msub")
    assert [e.text for e in leaves(sub)] == ["x", "1"]
    assert [e.text for e in leaves(root)][-1] == "2"


@pytest.mark.parametrize("latex, expected", [
    (r"\sigma", "σ"), (r"\delta", "δ"), (r"\eta", "η"), (r"\partial", "∂"), (r"\cdot", "·"),
    ("-", "−"), (r"\times", "×"), (r"\leftarrow", "←"),
])
def test_symbols(latex, expected):
    assert [e.text for e in leaves(parse(latex))] == [expected]


def test_left_right_fences_stretch_and_plain_brackets_do_not():
    root = parse(r"\sigma\left(x\right) (1-y)")
    fences = [e for e in root.iter(f"{NS}mo") if e.get("fence") == "true"]
    assert [e.text for e in fences] == ["(", ")"]
    assert all(e.get("stretchy") == "true" for e in fences)
    plain = [e for e in root.iter(f"{NS}mo") if e.text in "()" and e.get("fence") is None]
    assert len(plain) == 2 and all(e.get("stretchy") == "false" for e in plain)


def test_text_keeps_its_spaces_and_quad_is_a_space():
    root = parse(r"a\quad\text{new value}")
    assert root.find(f".//{NS}mtext").text == "new value"
    assert root.find(f".//{NS}mspace").get("width") == "1em"


def test_display_mode_and_escaping():
    assert 'display="block"' in mathml.to_mathml("x", display=True)
    assert 'display="block"' not in mathml.to_mathml("x")
    assert 'displaystyle="true"' in mathml.to_mathml("x", displaystyle=True)
    root = parse(r"a < b")
    assert [e.text for e in leaves(root)] == ["a", "<", "b"]


@pytest.mark.parametrize("latex", [
    r"\foo", r"\frac{a}", "{x", "x}", "x^", "^2", "x^1^2", "x_1_2", r"\left( x",
    r"x \right)", r"\left< x \right>", "a & b", r"\text x",
])
def test_outside_the_subset_is_an_error_not_a_leftover(latex):
    with pytest.raises(mathml.MathSyntaxError, match="cannot convert"):
        mathml.to_mathml(latex)

"""Formulas → MathML through latex2mathml: every registry formula converts, fully."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from grader import notation
from grader.render import mathml, sheets

from grader.steps import quantities, registry
from grader.engine.generators import generate

NS = "{http://www.w3.org/1998/Math/MathML}"
# MathML Core elements the sheets' formulas may become.
CORE = {"math", "mrow", "mi", "mn", "mo", "mtext", "mspace", "mstyle", "mfrac", "msub", "msup",
        "msubsup", "munder", "mover", "munderover"}
LATEX_LEFTOVERS = ("\\", "{", "}", "^", "_", "$")


def parse(latex: str, display: bool = False, displaystyle: bool = False) -> ET.Element:
    return ET.fromstring(mathml.to_mathml(latex, display=display, displaystyle=displaystyle))


def tag(element: ET.Element) -> str:
    return element.tag.removeprefix(NS)


def leaves(element: ET.Element) -> list:
    return [e for e in element.iter() if tag(e) in ("mi", "mn", "mo", "mtext")]


def assert_fully_converted(latex: str, display: bool = False,
                           displaystyle: bool = False) -> None:
    root = parse(latex, display, displaystyle)
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
    assert_fully_converted(latex, display=True)


def every_quantity_name():
    return sorted(quantities.reference(generate(0)))


@pytest.mark.parametrize("name", every_quantity_name())
def test_every_quantity_symbol_converts(name):
    assert_fully_converted(notation.symbol(name))
    assert_fully_converted(notation.symbol(name), displaystyle=True)


def test_every_sheet_formula_converts():
    model = sheets.view(generate(0), quantities.reference(generate(0)), "md", "en", "blank",
                        scaffold="full")
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
    (r"\sum_j", "munder", "∑", [["j"]]),             # displayed: the limit goes under
])
def test_scripts(latex, outer, base, scripts):
    root = parse(latex, display=True)
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
    assert root.find(f".//{NS}mtext").text == "new\N{NO-BREAK SPACE}value"
    assert root.find(f".//{NS}mspace").get("width") == "1em"


def test_display_mode_and_escaping():
    assert parse("x", display=True).get("display") == "block"
    assert parse("x").get("display") != "block"
    assert parse("x", displaystyle=True).find(f".//{NS}mstyle").get("displaystyle") == "true"
    assert parse("x", display=True).find(f".//{NS}mstyle") is None
    root = parse(r"a < b")
    assert [e.text for e in leaves(root)] == ["a", "<", "b"]


def test_a_new_value_is_the_symbol_with_new_as_an_upright_subscript():
    root = parse(notation.symbol("new_w1_12"))
    assert root.find(f".//{NS}mtext").text.strip() == "new"
    assert [e.text for e in leaves(root)] == ["w", "12", "(", "1", ")", "new"]


@pytest.mark.parametrize("latex", [
    r"\foo", r"\frac{a}", "x}", "x^", "^2", "x^1^2", "x_1_2", r"\left( x",
    r"x \right)", "a & b", r"\text{a<b}",
])
def test_what_cannot_convert_fully_is_an_error_not_a_leftover(latex):
    with pytest.raises(mathml.MathSyntaxError, match="cannot convert"):
        mathml.to_mathml(latex)


def test_latex2mathml_is_loaded_only_for_html():
    probe = ("import sys\n"
             "from grader.render import sheets\n"
             "sheets.sheet(1, 'md'); sheets.sheet(1, 'tex')\n"
             "print('before', 'latex2mathml' in sys.modules)\n"
             "sheets.sheet(1, 'html')\n"
             "print('after', 'latex2mathml' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.split() == ["before", "False", "after", "True"], done.stderr


def test_conversions_are_cached():
    latex = r"\frac{\partial L}{\partial q_{42}}"
    first = mathml.to_mathml(latex, display=True)
    hits = mathml.to_mathml.cache_info().hits
    assert mathml.to_mathml(latex, display=True) is first
    assert mathml.to_mathml.cache_info().hits == hits + 1

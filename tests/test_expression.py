"""Formula trees: parsed from Python, evaluated on floats, written in the seed's notation."""

from __future__ import annotations

import math

import pytest

from grader.steps import expression


def test_parse_and_evaluate():
    tree = expression.parse("delta3*y*(1 - y)*h2_1")
    env = {"delta3": 0.3, "y": 0.6, "h2_1": 0.5}
    assert expression.evaluate(tree, env) == pytest.approx(0.3 * 0.6 * 0.4 * 0.5)
    assert expression.names_in(tree) == {"delta3", "y", "h2_1"}
    assert expression.ordered_names(tree) == ["delta3", "y", "h2_1"]
    sigmoid = expression.parse("sigmoid(-x1)")
    assert expression.evaluate(sigmoid, {"x1": 2.0}) == pytest.approx(1 / (1 + math.exp(2.0)))


@pytest.mark.parametrize("source", ["net.y", "y if x1 else y_target", "abs(y)", "y ** x1",
                                    "y % 2", "print(y)"])
def test_what_a_formula_cannot_hold(source):
    with pytest.raises(ValueError, match="unsupported in a step formula"):
        expression.parse(source)


def test_the_loss_is_shown_but_never_evaluated():
    tree = expression.parse("L(p + eps)")
    with pytest.raises(KeyError):
        expression.evaluate(tree, {"p": 1.0, "eps": 1e-5})


@pytest.mark.parametrize("source, text, latex", [
    ("delta3*y*(1 - y)*h2_1", "δ⁽³⁾ · y(1−y) · h₁⁽²⁾", r"\delta^{(3)} \cdot y(1-y) \cdot h_1^{(2)}"),
    ("y - y_target", "y − y_target", r"y - y_{\text{target}}"),
    ("dL_dh2_1*h2_1*(1 - h2_1)*w2_11 + dL_dh2_2*h2_2*(1 - h2_2)*w2_21",
     "∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · w₁₁⁽²⁾ + ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · w₂₁⁽²⁾",
     r"\frac{\partial L}{\partial h_1^{(2)}} \cdot h_1^{(2)}(1-h_1^{(2)}) \cdot w_{11}^{(2)} + "
     r"\frac{\partial L}{\partial h_2^{(2)}} \cdot h_2^{(2)}(1-h_2^{(2)}) \cdot w_{21}^{(2)}"),
    # a weight times its input, as the seed writes the forward pass
    ("sigmoid(v1*h2_1 + v2*h2_2 + b3)", "σ(v₁h₁⁽²⁾ + v₂h₂⁽²⁾ + b⁽³⁾)",
     r"\sigma(v_1h_1^{(2)} + v_2h_2^{(2)} + b^{(3)})"),
    ("0.5*(y - y_target)**2", "½(y − y_target)²", r"\frac{1}{2}(y - y_{\text{target}})^2"),
    # η: set apart by the fraction in LaTeX, by a dot in text
    ("w - eta*dL_dw", "w − η · ∂L/∂w", r"w - \eta \frac{\partial L}{\partial w}"),
    # a coefficient stands before its symbol
    ("(L(p + eps) - L(p - eps))/(2*eps)", "(L(p + ε) − L(p − ε)) / (2ε)",
     r"\frac{L(p + \varepsilon) - L(p - \varepsilon)}{2\varepsilon}"),
    ("1e-5", "1e-5", "10^{-5}"),
    ("-(y - y_target)", "−(y − y_target)", r"-(y - y_{\text{target}})"),
])
def test_render_in_the_seed_notation(source, text, latex):
    tree = expression.parse(source)
    assert expression.render(tree, latex=False) == text
    assert expression.render(tree, latex=True) == latex


def test_equation():
    assert expression.equation(("delta3", "dL_dy"), "y - y_target", latex=False) \
        == "δ⁽³⁾ = ∂L/∂y = y − y_target"
    assert expression.equation(("dL_dp",), "(L(p + eps) - L(p - eps))/(2*eps)", latex=True,
                               relation="≈").startswith(r"\frac{\partial L}{\partial p} \approx ")


def test_substitute_replaces_generic_parts_of_names_only():
    assert expression.substitute("dL_dh1_i*h1_i*(1 - h1_i)*xj", {"i": 2, "j": 1}) \
        == "dL_dh1_2*h1_2*(1 - h1_2)*x1"
    assert expression.substitute("sigmoid(w1_i1*x1 + b1_i)", {"i": 3}) \
        == "sigmoid(w1_31*x1 + b1_3)"
    assert expression.substitute("w - eta*dL_dw", {"w": "v2"}) == "v2 - eta*dL_dv2"


def test_rename_and_replace_keep_trees_flat():
    tree = expression.parse("delta3*y*(1 - y)*h2_1")
    assert expression.rename(tree, {"h2_1": "h2_2"}) == expression.parse("delta3*y*(1 - y)*h2_2")
    path = next(p for p, node in expression.walk(tree) if node == expression.name("h2_1"))
    doubled = expression.replace_at(tree, path, expression.mul(expression.num(2),
                                                               expression.name("h2_1")))
    assert doubled == expression.parse("2*delta3*y*(1 - y)*h2_1")
    assert expression.subtree(tree, path) == expression.name("h2_1")


def test_a_product_of_products_keeps_each_in_brackets():
    """mul() flattens; a product built unflattened (two paths multiplied) shows its parts."""
    first, second = (expression.parse(s) for s in ("dL_dh2_1*w2_11", "dL_dh2_2*w2_21"))
    kept = ("mul", None, (first, second))
    assert expression.render(kept, latex=False) == "(∂L/∂h₁⁽²⁾ · w₁₁⁽²⁾) · (∂L/∂h₂⁽²⁾ · w₂₁⁽²⁾)"
    assert expression.evaluate(kept, dict.fromkeys(expression.names_in(kept), 2.0)) == 16.0

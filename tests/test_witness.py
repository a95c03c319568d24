"""grader.engine.witness: the fully expanded loss differentiated exactly agrees with the reference
(the backward pass) and with central finite differences: three routes, one answer."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings

from conftest import PROPERTY, WITNESS_SEEDS, networks
from grader.steps import quantities
from grader import tolerances
from grader import notation
from grader.engine import finite_difference as fd
from grader.engine import witness
from grader.engine.backprop import backprop
from grader.engine.forward import forward
from grader.engine.generators import generate


@pytest.mark.parametrize("seed", WITNESS_SEEDS)
def test_exact_equals_reference_equals_finite_difference(seed):
    problem = generate(seed)
    trace = forward(problem)
    exact = witness.exact_gradients(problem)
    exact.update(witness.exact_activation_gradients(problem, trace))
    reference = quantities.reference(problem)
    numeric = quantities.finite_difference(problem)
    assert len(exact) == 20 + 1 + 2 + 3
    for name, value in exact.items():
        assert tolerances.relative_error(reference[name], value) <= tolerances.EXACT_RELATIVE, name
        assert tolerances.relative_error(numeric[name], value) \
            <= tolerances.FINITE_DIFFERENCE_RELATIVE, name


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_other_shapes_agree_with_the_backward_pass(activation):
    for seed in range(3):
        problem = generate(seed, layers=(2, 2, 2), activation=activation)
        trace = forward(problem)
        grads = backprop(problem, trace)
        dW, db = witness.exact_parameter_gradients(problem)
        for reference, exact in zip(grads.dW + grads.db, dW + db):
            assert np.allclose(reference, exact, rtol=tolerances.EXACT_RELATIVE, atol=1e-15)
        for reference, exact in zip(grads.dL_dh,
                                    witness.exact_activation_gradients_by_layer(problem, trace)):
            assert np.allclose(reference, exact, rtol=tolerances.EXACT_RELATIVE, atol=1e-15)


@pytest.mark.parametrize("value,expected", [(0.37, Fraction(37, 100)), (-1.5, Fraction(-3, 2)),
                                            (0.05, Fraction(1, 20)), (0.0, Fraction(0))])
def test_rational_reads_the_printed_number(value, expected):
    r = witness.rational(value)
    assert Fraction(int(r.p), int(r.q)) == expected


def test_the_loss_is_one_expression_in_every_number():
    expanded = witness.expanded_loss((2, 3, 2, 1), ("sigmoid",) * 3)
    names = {str(s) for s in expanded.loss.free_symbols}
    weights = {f"W1_{i}{j}" for i in (1, 2, 3) for j in (1, 2)} \
        | {f"W2_{i}{j}" for i in (1, 2) for j in (1, 2, 3)} | {"W3_11", "W3_12"}
    biases = {"b1_1", "b1_2", "b1_3", "b2_1", "b2_2", "b3_1"}
    assert names == weights | biases | {"x_1", "x_2", "t_1"}


def test_digits_do_not_change_the_double():
    problem = generate(0)
    assert witness.exact_gradients(problem, digits=30) == witness.exact_gradients(problem,
                                                                                digits=50)


# --- every shape, hidden activation and loss: three routes, one answer -------------------------

def assert_three_routes_agree(problem):
    """The backward pass, the exact derivative of the expanded loss and central differences,
    for every parameter and every dL/dh (dL/dy too)."""
    trace = forward(problem)
    grads = backprop(problem, trace)
    dW, db = witness.exact_parameter_gradients(problem)
    exact = dW + db + witness.exact_activation_gradients_by_layer(problem, trace)
    fW, fb = fd.parameter_gradients(problem)
    numeric = fW + fb + fd.activation_gradients(problem, trace)
    for reference, sure, difference in zip(grads.dW + grads.db + grads.dL_dh, exact, numeric):
        assert np.allclose(reference, sure, rtol=tolerances.EXACT_RELATIVE, atol=1e-15)
        assert np.allclose(difference, sure, rtol=tolerances.FINITE_DIFFERENCE_RELATIVE,
                           atol=tolerances.FINITE_DIFFERENCE_ABSOLUTE)


@settings(PROPERTY, max_examples=15)
@given(networks(max_layers=3, max_size=2, max_outputs=2))
def test_small_networks_agree_with_every_loss(problem):
    assert_three_routes_agree(problem)


@pytest.mark.slow
@settings(PROPERTY, max_examples=8)
@given(networks())
def test_any_network_agrees_with_every_loss(problem):
    """Up to four layers of four units and three outputs: sympy takes up to ~6 s a shape."""
    assert_three_routes_agree(problem)


@pytest.mark.parametrize("loss", ["half_squared_error", "mean_squared_error",
                                  "binary_cross_entropy", "softmax_cross_entropy"])
def test_the_expanded_loss_is_the_chosen_one(loss):
    """A 1-2 network's L written out by hand, against the expanded one, at some numbers."""
    output = notation.LOSSES[loss]
    expanded = witness.expanded_loss((1, 2), (output,), 0, loss)
    (w1, w2), (b1, b2) = expanded.weights[0], expanded.biases[0]
    x, (t1, t2) = expanded.start[0], expanded.target
    z = [w1 * x + b1, w2 * x + b2]
    if output == "softmax":
        y = [sympy.exp(zi) / (sympy.exp(z[0]) + sympy.exp(z[1])) for zi in z]
    else:
        y = [1 / (1 + sympy.exp(-zi)) for zi in z]
    squares = (y[0] - t1) ** 2 + (y[1] - t2) ** 2
    expected = {"half_squared_error": squares / 2, "mean_squared_error": squares / 2,
                "binary_cross_entropy": -sum(t * sympy.log(a) + (1 - t) * sympy.log(1 - a)
                                             for a, t in zip(y, (t1, t2))),
                "softmax_cross_entropy": -(t1 * sympy.log(y[0]) + t2 * sympy.log(y[1]))}[loss]
    numbers = {w1: sympy.Rational(3, 10), w2: sympy.Rational(-7, 10), b1: sympy.Rational(1, 5),
               b2: sympy.Rational(1, 20), x: sympy.Rational(9, 10), t1: sympy.Rational(3, 10),
               t2: sympy.Rational(7, 10)}
    assert abs(sympy.N((expanded.loss - expected).subs(numbers), 50)) < 1e-40

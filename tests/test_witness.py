"""grader.engine.witness: the fully expanded loss differentiated exactly agrees with the reference
(the backward pass) and with central finite differences: three routes, one answer."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from conftest import WITNESS_SEEDS
from grader.steps import quantities
from grader import tolerances
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

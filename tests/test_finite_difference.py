"""grader.engine.finite_difference: central differences of L, independent of the backward pass."""

from __future__ import annotations

import numpy as np
import pytest

from grader.engine import finite_difference as fd
from grader import tolerances
from grader.engine.forward import forward
from grader.engine.generators import generate


def test_central_difference_of_a_cubic_has_the_known_error():
    # (f(v+e) - f(v-e)) / 2e for f = c v^3 is exactly 3 c v^2 + c e^2
    c = np.array([[1.5, -2.0], [0.5, 3.0]])
    value = np.array([[0.3, -0.7], [1.1, 0.2]])
    eps = 1e-3
    grad = fd._central(lambda v: float(np.sum(c * v ** 3)), value, eps)
    assert np.allclose(grad, 3 * c * value ** 2 + c * eps ** 2, rtol=0, atol=1e-9)


def test_default_step_is_the_named_tolerance():
    assert fd.EPSILON == tolerances.FINITE_DIFFERENCE_STEP


def test_shapes_follow_the_problem():
    problem = generate(1, layers=(3, 4, 2), activation="tanh")
    dW, db = fd.parameter_gradients(problem)
    assert [g.shape for g in dW] == [w.shape for w in problem.weights]
    assert [g.shape for g in db] == [b.shape for b in problem.biases]
    dh = fd.activation_gradients(problem, forward(problem))
    assert [g.shape for g in dh] == [(4,), (2,)]


def test_the_problem_is_left_unchanged():
    problem = generate(2)
    before = [a.copy() for a in problem.weights + problem.biases]
    fd.parameter_gradients(problem)
    assert all(np.array_equal(a, b) for a, b in zip(before, problem.weights + problem.biases))


def test_output_gradient_is_y_minus_target():
    problem = generate(3)
    trace = forward(problem)
    dL_dy = fd.activation_gradients(problem, trace)[-1]
    # L is quadratic in y, so the central difference is exact up to round-off
    assert dL_dy == pytest.approx(trace.y - problem.y_target, rel=1e-9)


def test_a_smaller_step_is_more_accurate_until_round_off():
    problem = generate(4)
    coarse = fd.parameter_gradients(problem, eps=1e-2)[0][0]
    fine = fd.parameter_gradients(problem, eps=1e-4)[0][0]
    finest = fd.parameter_gradients(problem, eps=1e-6)[0][0]
    assert np.max(np.abs(coarse - finest)) > 10 * np.max(np.abs(fine - finest))

"""grader.engine.backprop: the backward pass against central finite differences of L."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from conftest import MANY_SEEDS, PROPERTY, STACKED_SHAPES, networks, stacked
from grader.engine import finite_difference as fd
from grader.engine import losses
from grader import notation, records, tolerances
from grader.engine.backprop import backprop
from grader.engine.forward import forward
from grader.engine.generators import generate


def assert_close_seed(reference: np.ndarray, numeric: np.ndarray):
    """The seed network: gradients are drawn far from zero, so relative error alone."""
    for r, n in zip(reference.ravel(), numeric.ravel()):
        assert tolerances.relative_error(n, r) <= tolerances.FINITE_DIFFERENCE_RELATIVE, (r, n)


def assert_close_any(reference: np.ndarray, numeric: np.ndarray):
    """Other shapes may have tiny or (ReLU) exactly zero gradients: relative plus absolute."""
    assert np.allclose(numeric, reference, rtol=tolerances.FINITE_DIFFERENCE_RELATIVE,
                       atol=tolerances.FINITE_DIFFERENCE_ABSOLUTE)


@pytest.mark.parametrize("seeds", [MANY_SEEDS[:30], MANY_SEEDS[30:]], ids=["a", "b"])
def test_seed_network_parameter_gradients_match_finite_differences(seeds):
    for seed in seeds:
        problem = generate(seed)
        grads = backprop(problem, forward(problem))
        dW, db = fd.parameter_gradients(problem)
        for reference, numeric in zip(grads.dW + grads.db, dW + db):
            assert reference.shape == numeric.shape
            assert_close_seed(reference, numeric)


def test_seed_network_activation_gradients_match_finite_differences():
    for seed in MANY_SEEDS:
        problem = generate(seed)
        trace = forward(problem)
        grads = backprop(problem, trace)
        for reference, numeric in zip(grads.dL_dh, fd.activation_gradients(problem, trace)):
            assert_close_seed(reference, numeric)


@pytest.mark.parametrize("layers,activation", [
    ((3, 4, 2), "tanh"), ((3, 4, 2), "relu"), ((3, 4, 2), "sigmoid"),
    ((2, 5, 3, 1), "relu"), ((4, 6, 6, 2), "tanh"), ((1, 1), "sigmoid"),
])
def test_other_shapes_match_finite_differences(layers, activation):
    for seed in range(8):
        problem = generate(seed, layers=layers, activation=activation)
        trace = forward(problem)
        grads = backprop(problem, trace)
        dW, db = fd.parameter_gradients(problem)
        for reference, numeric in zip(grads.dW + grads.db, dW + db):
            assert_close_any(reference, numeric)
        for reference, numeric in zip(grads.dL_dh, fd.activation_gradients(problem, trace)):
            assert_close_any(reference, numeric)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_wide_layers_match_finite_differences(activation):
    problem = generate(2, layers=(3, 40, 30, 2), activation=activation)
    trace = forward(problem)
    grads = backprop(problem, trace)
    dW, db = fd.parameter_gradients(problem)
    for reference, numeric in zip(grads.dW + grads.db, dW + db):
        assert_close_any(reference, numeric)


def test_shapes_follow_the_parameters():
    problem = generate(3, layers=(3, 4, 2), activation="tanh")
    grads = backprop(problem, forward(problem))
    assert [g.shape for g in grads.dW] == [w.shape for w in problem.weights]
    assert [g.shape for g in grads.db] == [b.shape for b in problem.biases]
    assert [g.shape for g in grads.dL_dh] == [(4,), (2,)]


def test_delta_is_y_minus_target():
    problem = generate(0)
    trace = forward(problem)
    assert np.array_equal(backprop(problem, trace).delta, trace.y - problem.y_target)


def test_each_layer_reuses_dz():
    """dW = dz (x) input and db = dz: the once-computed dL/dz is reused, as the seed teaches."""
    problem = generate(6)
    trace = forward(problem)
    grads = backprop(problem, trace)
    inputs = (problem.x,) + trace.h[:-1]
    for l in range(3):
        assert np.array_equal(grads.db[l], grads.dL_dz[l])
        assert np.allclose(grads.dW[l], grads.dL_dz[l][:, None] * inputs[l][None, :],
                           rtol=1e-15, atol=0)
        assert np.allclose(grads.dL_dz[l], grads.dL_dh[l] * trace.h[l] * (1 - trace.h[l]),
                           rtol=1e-15, atol=0)


def test_relu_dead_units_have_exactly_zero_gradient():
    found = False
    for seed in range(20):
        problem = generate(seed, layers=(3, 4, 2), activation="relu")
        trace = forward(problem)
        grads = backprop(problem, trace)
        dead = trace.z[0] < 0
        if dead.any():
            found = True
            assert np.all(grads.dW[0][dead] == 0) and np.all(grads.db[0][dead] == 0)
    assert found


# --- every shape, hidden activation and loss ---------------------------------------------------

@settings(PROPERTY, max_examples=100)
@given(networks())
def test_any_network_and_loss_matches_finite_differences(problem):
    """Every parameter gradient and every dL/dh (dL/dy too) against central differences of L."""
    trace = forward(problem)
    grads = backprop(problem, trace)
    dW, db = fd.parameter_gradients(problem)
    for reference, numeric in zip(grads.dW + grads.db + grads.dL_dh,
                                  dW + db + fd.activation_gradients(problem, trace)):
        assert reference.shape == numeric.shape
        assert_close_any(reference, numeric)


@pytest.mark.parametrize("loss", list(losses.CROSS_ENTROPIES))
def test_a_cross_entropy_output_gradient_is_y_minus_target(loss):
    problem = generate(5, layers=(3, 4, 3), activation="tanh", loss=loss)
    trace = forward(problem)
    grads = backprop(problem, trace)
    assert np.array_equal(grads.dL_dz[-1], trace.y - problem.y_target)
    assert np.array_equal(grads.db[-1], trace.y - problem.y_target)


def test_mean_squared_error_scales_the_lessons_gradients_by_two_over_n():
    """The same numbers, L = (1/n) Σ (y − t)² against ½ Σ (y − t)²: every gradient × 2/n."""
    problem = generate(3, layers=(2, 3, 3), activation="sigmoid", loss="mean_squared_error")
    lesson = records.replace(problem, loss="half_squared_error")
    mean, half = backprop(problem, forward(problem)), backprop(lesson, forward(lesson))
    for m, h in zip(mean.dW + mean.db + mean.dL_dh, half.dW + half.db + half.dL_dh):
        assert np.allclose(m, 2 / 3 * h, rtol=1e-14, atol=0)


@pytest.mark.parametrize("layers, activation", STACKED_SHAPES)
def test_a_stack_of_networks_is_each_network_bit_for_bit(layers, activation):
    """Each draw of a stack (as the generator screens them) gets exactly its own gradients."""
    problems = [generate(seed, layers=layers, activation=activation)
                for seed in range(40 if sum(layers) < 30 else 2)]
    stack = stacked(problems)
    grads = backprop(stack, forward(stack))
    for i, problem in enumerate(problems):
        alone = backprop(problem, forward(problem))
        for part, part_alone in zip((grads.dL_dh, grads.dL_dz, grads.dW, grads.db),
                                    (alone.dL_dh, alone.dL_dz, alone.dW, alone.db)):
            for g, g_alone in zip(part, part_alone):
                assert g[i].tolist() == g_alone.tolist()



@pytest.mark.parametrize("loss", list(notation.LOSSES))
def test_a_stack_is_each_network_bit_for_bit_with_every_loss(loss):
    """Each loss's value and gradients, of a stack (a draw per row), are each draw's own."""
    problems = [generate(seed, layers=(3, 4, 3), activation="tanh", loss=loss)
                for seed in range(20)]
    stack = stacked(problems)
    trace = forward(stack)
    grads = backprop(stack, trace)
    assert trace.loss.shape == (20,)
    for i, problem in enumerate(problems):
        trace_alone = forward(problem)
        alone = backprop(problem, trace_alone)
        assert float(trace.loss[i]) == trace_alone.loss
        for part, part_alone in zip((trace.h, grads.dL_dh, grads.dL_dz, grads.dW, grads.db),
                                    (trace_alone.h, alone.dL_dh, alone.dL_dz, alone.dW,
                                     alone.db)):
            for g, g_alone in zip(part, part_alone):
                assert g[i].tolist() == g_alone.tolist()

"""grader.engine.forward: the forward pass, checked against the seed's formulas written out."""

from __future__ import annotations

import math

import numpy as np
import pytest

from conftest import MANY_SEEDS, STACKED_SHAPES, stacked
from grader.engine import forward as fw
from grader.engine import losses
from grader.engine.generators import generate


def sigma(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def seed_forward(problem) -> dict:
    """The seed's forward formulas, one neuron at a time, in plain Python."""
    (W1, W2, W3), (b1, b2, b3) = problem.weights, problem.biases
    x1, x2 = problem.x
    h1 = [sigma(W1[i, 0] * x1 + W1[i, 1] * x2 + b1[i]) for i in range(3)]
    h2 = [sigma(sum(W2[i, j] * h1[j] for j in range(3)) + b2[i]) for i in range(2)]
    y = sigma(W3[0, 0] * h2[0] + W3[0, 1] * h2[1] + b3[0])
    return {"h1": h1, "h2": h2, "y": y, "L": 0.5 * (y - problem.y_target[0]) ** 2}


@pytest.mark.parametrize("seed", MANY_SEEDS[:20])
def test_matches_the_seed_formulas(seed):
    problem = generate(seed)
    trace = fw.forward(problem)
    expected = seed_forward(problem)
    assert trace.h[0] == pytest.approx(expected["h1"], rel=1e-13)
    assert trace.h[1] == pytest.approx(expected["h2"], rel=1e-13)
    assert trace.y[0] == pytest.approx(expected["y"], rel=1e-13)
    assert trace.loss == pytest.approx(expected["L"], rel=1e-12)


def test_z_is_the_pre_activation():
    problem = generate(4, layers=(3, 4, 2), activation="tanh")
    trace = fw.forward(problem)
    inputs = (problem.x,) + trace.h[:-1]
    for l, (W, b) in enumerate(zip(problem.weights, problem.biases)):
        assert np.allclose(trace.z[l], W @ inputs[l] + b, rtol=0, atol=1e-15)
    assert np.allclose(trace.h[0], np.tanh(trace.z[0]))
    assert np.allclose(trace.y, 1 / (1 + np.exp(-trace.z[-1])))    # the output stays sigmoid


@pytest.mark.parametrize("name,z,expected", [
    ("sigmoid", 0.0, 0.5), ("sigmoid", 2.0, 1 / (1 + math.exp(-2.0))),
    ("tanh", 0.5, math.tanh(0.5)), ("relu", -0.3, 0.0), ("relu", 0.7, 0.7),
])
def test_activations(name, z, expected):
    assert fw.ACTIVATIONS[name](np.array([z]))[0] == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_derivative_matches_a_difference_quotient(name):
    z = np.array([-1.3, -0.2, 0.4, 1.1])
    h = fw.ACTIVATIONS[name](z)
    eps = 1e-6
    numeric = (fw.ACTIVATIONS[name](z + eps) - fw.ACTIVATIONS[name](z - eps)) / (2 * eps)
    assert np.allclose(fw.derivative(name, z, h), numeric, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("loss,output", [("half_squared_error", fw.sigmoid),
                                         ("binary_cross_entropy", fw.sigmoid),
                                         ("softmax_cross_entropy", fw.softmax)])
def test_the_output_and_L_follow_the_loss(loss, output):
    problem = generate(4, layers=(3, 4, 2), activation="tanh", loss=loss)
    trace = fw.forward(problem)
    assert problem.output_activation == output.__name__
    assert np.allclose(trace.y, output(trace.z[-1]), rtol=1e-15, atol=0)
    assert trace.loss == losses.value(loss, trace.y, problem.y_target, trace.z[-1])
    # a replaced y (no z): L from y alone, the same number up to rounding
    restarted = fw.run(problem, start_layer=2, start_h=trace.y)
    assert restarted.z == () and restarted.loss == pytest.approx(trace.loss, rel=1e-13)


def test_a_softmax_output_is_a_probability_vector():
    problem = generate(1, layers=(2, 3, 3), activation="relu", loss="softmax_cross_entropy")
    y = fw.forward(problem).y
    assert (y > 0).all() and y.sum() == pytest.approx(1.0, rel=1e-15)


def test_run_from_a_hidden_layer_continues_the_same_pass():
    problem = generate(2)
    trace = fw.forward(problem)
    resumed = fw.run(problem, start_layer=1, start_h=trace.h[0])
    assert resumed.loss == trace.loss
    assert np.array_equal(resumed.y, trace.y)


def test_layer_activations():
    assert fw.layer_activations(generate(0)) == ("sigmoid",) * 3
    problem = generate(0, layers=(2, 3, 3, 1), activation="relu")
    assert fw.layer_activations(problem) == ("relu", "relu", "sigmoid")


@pytest.mark.parametrize("layers, activation", STACKED_SHAPES)
def test_a_stack_of_networks_is_each_network_bit_for_bit(layers, activation):
    """The generator screens a batch of draws in one pass: each must get exactly the numbers
    it gets alone, or a draw could be kept or refused differently (by a rounding)."""
    problems = [generate(seed, layers=layers, activation=activation)
                for seed in range(40 if sum(layers) < 30 else 2)]
    stack = fw.forward(stacked(problems))
    for i, problem in enumerate(problems):
        alone = fw.forward(problem)
        for z, h, z_alone, h_alone in zip(stack.z, stack.h, alone.z, alone.h):
            assert z[i].tolist() == z_alone.tolist() and h[i].tolist() == h_alone.tolist()
        assert float(stack.loss[i]) == alone.loss and type(alone.loss) is float

"""grader.steps.quantities: the seed network's values under the learner's names."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import MANY_SEEDS
from grader.steps import quantities, registry
from grader import tolerances
from grader.errors import UsageError
from grader.engine.generators import generate

# The seed's chain-rule lines, written over the reference's own values (DESIGN.md's table),
# keyed by the quantity they give. Each is one line of the lesson, with nothing shared with
# the vectorised backward pass.
SEED_FORMULAS = {
    "delta3": lambda q: q["y"] - q["y_target"],
    "dL_dv1": lambda q: q["delta3"] * q["y"] * (1 - q["y"]) * q["h2_1"],
    "dL_dv2": lambda q: q["delta3"] * q["y"] * (1 - q["y"]) * q["h2_2"],
    "dL_db3": lambda q: q["delta3"] * q["y"] * (1 - q["y"]),
    "dL_dh2_1": lambda q: q["delta3"] * q["y"] * (1 - q["y"]) * q["v1"],
    "dL_dh2_2": lambda q: q["delta3"] * q["y"] * (1 - q["y"]) * q["v2"],
    **{f"dL_dw2_{i}{j}": (lambda q, i=i, j=j:
                          q[f"dL_dh2_{i}"] * q[f"h2_{i}"] * (1 - q[f"h2_{i}"]) * q[f"h1_{j}"])
       for i in (1, 2) for j in (1, 2, 3)},
    **{f"dL_db2_{i}": (lambda q, i=i: q[f"dL_dh2_{i}"] * q[f"h2_{i}"] * (1 - q[f"h2_{i}"]))
       for i in (1, 2)},
    **{f"dL_dh1_{j}": (lambda q, j=j: sum(q[f"dL_dh2_{i}"] * q[f"h2_{i}"] * (1 - q[f"h2_{i}"])
                                          * q[f"w2_{i}{j}"] for i in (1, 2)))
       for j in (1, 2, 3)},
    **{f"dL_dw1_{i}{j}": (lambda q, i=i, j=j:
                          q[f"dL_dh1_{i}"] * q[f"h1_{i}"] * (1 - q[f"h1_{i}"]) * q[f"x{j}"])
       for i in (1, 2, 3) for j in (1, 2)},
    **{f"dL_db1_{i}": (lambda q, i=i: q[f"dL_dh1_{i}"] * q[f"h1_{i}"] * (1 - q[f"h1_{i}"]))
       for i in (1, 2, 3)},
}


def test_every_name_the_registry_uses_is_there():
    values = quantities.reference(generate(0))
    names = (registry.BASE + registry.FORWARD + registry.DELTA3 + registry.DL_DH2
             + registry.DL_DH1 + registry.PARAMETER_GRADIENTS)
    assert set(names) | {f"new_{p}" for p in registry.PARAMETERS} == set(values)
    assert all(isinstance(v, float) for v in values.values())


def test_the_formulas_cover_every_gradient():
    assert set(SEED_FORMULAS) == set(registry.DELTA3 + registry.DL_DH2 + registry.DL_DH1
                                     + registry.PARAMETER_GRADIENTS)


@pytest.mark.parametrize("seed", MANY_SEEDS[:25])
def test_reference_follows_the_seed_chain_rule(seed):
    values = quantities.reference(generate(seed))
    for name, formula in SEED_FORMULAS.items():
        assert tolerances.relative_error(formula(values), values[name]) <= 1e-12, name


def test_names_read_the_arrays_row_neuron_column_input():
    problem = generate(5)
    values = quantities.reference(problem)
    (W1, W2, W3), (b1, b2, b3) = problem.weights, problem.biases
    assert values["w1_32"] == W1[2, 1] and values["w2_13"] == W2[0, 2]
    assert values["v1"] == W3[0, 0] and values["v2"] == W3[0, 1] and values["b3"] == b3[0]
    assert values["b1_3"] == b1[2] and values["b2_2"] == b2[1]
    assert (values["x1"], values["x2"]) == tuple(problem.x)
    assert values["y_target"] == problem.y_target[0] and values["eta"] == problem.eta


def test_forward_values_are_sigmoids_of_their_pre_activations():
    import math

    values = quantities.reference(generate(8))
    for z, h in [("z1_1", "h1_1"), ("z1_3", "h1_3"), ("z2_2", "h2_2"), ("z3", "y")]:
        assert values[h] == pytest.approx(1 / (1 + math.exp(-values[z])), rel=1e-14)
    assert values["z1_2"] == pytest.approx(values["w1_21"] * values["x1"]
                                           + values["w1_22"] * values["x2"] + values["b1_2"])
    assert values["L"] == pytest.approx(0.5 * (values["y"] - values["y_target"]) ** 2)


def test_one_update_moves_against_the_gradient():
    values = quantities.reference(generate(9))
    for name in registry.PARAMETERS:
        assert values[f"new_{name}"] == values[name] - values["eta"] * values[f"dL_d{name}"]


@pytest.mark.parametrize("seed", MANY_SEEDS[:10])
def test_finite_difference_names_and_values(seed):
    problem = generate(seed)
    reference = quantities.reference(problem)
    numeric = quantities.finite_difference(problem)
    assert set(numeric) == set(registry.DELTA3 + registry.DL_DH2 + registry.DL_DH1
                               + registry.PARAMETER_GRADIENTS) | {f"new_{p}" for p in
                                                                  registry.PARAMETERS}
    for name, value in numeric.items():
        assert tolerances.relative_error(value, reference[name]) \
            <= tolerances.FINITE_DIFFERENCE_RELATIVE, name


@pytest.mark.parametrize("layers,activation,loss", [
    ((3, 4, 2), "sigmoid", "half_squared_error"), ((2, 3, 2, 1), "tanh", "half_squared_error"),
    ((2, 3, 2, 2), "sigmoid", "softmax_cross_entropy"),
    ((2, 3, 2, 1), "relu", "binary_cross_entropy")])
def test_named_values_are_only_for_the_seed_network(layers, activation, loss):
    problem = generate(0, layers=layers, activation=activation, loss=loss)
    assert not quantities.is_seed_network(problem)
    with pytest.raises(UsageError, match="2-3-2-1.*half_squared_error.*" + loss):
        quantities.reference(problem)
    with pytest.raises(UsageError, match="half_squared_error"):
        quantities.finite_difference(problem)
    assert quantities.is_seed_network(generate(0))


def test_the_steps_hold_for_every_loss_of_one_sigmoid_output():
    assert quantities.step_losses() == ("half_squared_error", "mean_squared_error",
                                        "binary_cross_entropy")
    for loss in quantities.step_losses():
        assert quantities.is_seed_network(generate(0, loss=loss))


@pytest.mark.parametrize("loss", ["mean_squared_error", "binary_cross_entropy"])
def test_the_named_values_of_another_loss_are_the_engines(loss):
    """δ⁽³⁾ is the loss's own ∂L/∂y (grader.engine.losses), L its value, and every later
    gradient agrees with central differences of that loss."""
    from grader.engine import losses

    problem = generate(6, loss=loss)
    values = quantities.reference(problem)
    assert values["delta3"] == losses.gradient(loss, problem.y_target * 0 + values["y"],
                                               problem.y_target)[0]
    assert values["L"] == losses.value(loss, np.array([values["y"]]), problem.y_target,
                                       np.array([values["z3"]]))
    numeric = quantities.finite_difference(problem)
    for name in ("delta3", "dL_dv1", "dL_dh1_2", "dL_dw1_12", "dL_db1_3"):
        assert tolerances.relative_error(numeric[name], values[name]) \
            <= tolerances.FINITE_DIFFERENCE_RELATIVE, name


def test_finite_differences_are_computed_only_when_read(monkeypatch):
    from grader.engine import finite_difference as fd

    problem = generate(2)
    numeric = quantities.finite_difference(problem)
    calls = []
    real_run = fd.run
    monkeypatch.setattr(fd, "run", lambda *a, **k: calls.append(1) or real_run(*a, **k))
    first = numeric["dL_dw2_11"]
    assert len(calls) == 2                       # one central difference: two forward passes
    assert numeric["dL_dw2_11"] == first and len(calls) == 2    # then remembered
    numeric["new_w2_11"]
    assert len(calls) == 2                       # the update reuses the gradient
    assert numeric.get("not_a_name") is None and "dL_dv1" in numeric


def test_parameter_slots_follow_parameter_names():
    problem = generate(3)
    slots = list(quantities.parameter_slots(problem.weights, problem.biases))
    assert [name for name, *_ in slots] == list(quantities.parameter_names(problem.weights,
                                                                           problem.biases))
    arrays = {"W": problem.weights, "b": problem.biases}
    values = quantities.inputs(problem)
    assert all(arrays[kind][layer][index] == values[name] for name, kind, layer, index in slots)

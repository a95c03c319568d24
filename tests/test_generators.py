"""grader.engine.generators: pure, seeded, readable, well-conditioned problems."""

from __future__ import annotations

import time

import numpy as np
import pytest

from conftest import MANY_SEEDS
from grader.engine import generators
from grader.steps import quantities, registry
from grader.errors import GenerationError
from grader.engine.forward import forward
from grader.engine.generators import SEED_LAYERS, generate, trial_seeds


def readable_numbers(problem) -> list:
    """Every number a person reads: inputs, target, learning rate, weights, biases."""
    arrays = (problem.x, problem.y_target) + problem.weights + problem.biases
    return [float(v) for a in arrays for v in a.ravel()] + [problem.eta]


def arrays_of(problem) -> list:
    return [problem.x, problem.y_target, *problem.weights, *problem.biases]


def test_the_seed_network_by_default():
    problem = generate(0)
    assert problem.layers == SEED_LAYERS == (2, 3, 2, 1)
    assert (problem.activation, problem.output_activation) == ("sigmoid", "sigmoid")
    assert [w.shape for w in problem.weights] == [(3, 2), (2, 3), (1, 2)]
    assert [b.shape for b in problem.biases] == [(3,), (2,), (1,)]
    assert problem.x.shape == (2,) and problem.y_target.shape == (1,)


@pytest.mark.parametrize("seed", [0, 1, 12345, 2**40 + 3])
def test_same_seed_same_numbers(seed):
    first, second = generate(seed), generate(seed)
    assert first.eta == second.eta
    for a, b in zip(arrays_of(first), arrays_of(second)):
        assert np.array_equal(a, b)


def test_different_seeds_differ():
    fingerprints = {tuple(readable_numbers(generate(seed))) for seed in range(40)}
    assert len(fingerprints) == 40


def test_own_rng_leaves_the_global_state_alone():
    np.random.seed(99)
    before = np.random.get_state()
    generate(3)
    after = np.random.get_state()
    assert before[0] == after[0] and np.array_equal(before[1], after[1]) and before[2:] == after[2:]


def test_global_rng_is_not_used():
    reference = readable_numbers(generate(5))
    for global_seed in (0, 1, 2):
        np.random.seed(global_seed)
        np.random.random(global_seed + 1)          # move the global stream around
        assert readable_numbers(generate(5)) == reference


@pytest.mark.parametrize("seed", MANY_SEEDS[:30])
def test_at_most_two_decimals(seed):
    for value in readable_numbers(generate(seed)):
        assert value == round(value, 2), value
        assert round(value * 100) == pytest.approx(value * 100, abs=1e-9)
        assert len(repr(value).split(".")[-1]) <= 2 or "e" in repr(value), repr(value)


@pytest.mark.parametrize("layers,activation", [((3, 4, 2), "tanh"), ((2, 5, 3, 1), "relu"),
                                               ((4, 1), "sigmoid")])
def test_two_decimals_for_other_shapes(layers, activation):
    for value in readable_numbers(generate(11, layers=layers, activation=activation)):
        assert value == round(value, 2)


def test_problem_is_frozen():
    problem = generate(0)
    with pytest.raises(AttributeError):
        problem.eta = 1.0          # frozen dataclass
    for array in arrays_of(problem):
        assert not array.flags.writeable
        with pytest.raises(ValueError):
            array[0] = 0.0


def test_non_degenerate_on_many_seeds():
    """Every step 1-14 answer is far from zero and no sigmoid is saturated."""
    for seed in MANY_SEEDS:
        problem = generate(seed)
        trace = forward(problem)
        for h in trace.h:
            assert np.all((h >= generators.SATURATION) & (h <= 1 - generators.SATURATION))
        values = quantities.reference(problem)
        for step in registry.SEED_STEPS:
            assert abs(values[step.answer]) >= generators.MIN_GRADIENT, (seed, step.id)
        for name in registry.PARAMETER_GRADIENTS + registry.DL_DH1 + registry.DL_DH2:
            assert abs(values[name]) >= generators.MIN_GRADIENT, (seed, name)


def test_trial_seeds_reproducible_and_distinct():
    seeds = trial_seeds(7, 4)
    assert seeds == trial_seeds(7, 4)
    assert len(set(seeds)) == 4 and 7 not in seeds
    assert seeds != trial_seeds(8, 4)
    assert all(isinstance(s, int) and s >= 0 for s in seeds)
    assert trial_seeds(7, 6)[:4] == seeds


@pytest.mark.parametrize("seed", [-1, 1.5, 2.0, "3", None, True, np.float64(4.0)])
def test_bad_seeds_are_rejected(seed):
    with pytest.raises(GenerationError, match="seed"):
        generate(seed)


def test_numpy_integer_seed_is_the_same_seed():
    assert readable_numbers(generate(np.int64(9))) == readable_numbers(generate(9))


def test_unknown_activation_is_rejected():
    with pytest.raises(GenerationError, match="sigmoid"):
        generate(0, activation="softplus")


@pytest.mark.parametrize("layers", [(2,), (), (2, 0, 1), (3, -1)])
def test_bad_layers_are_rejected(layers):
    with pytest.raises(ValueError, match="layers need at least an input and an output size"):
        generate(0, layers=layers, lang="en")
    with pytest.raises(ValueError, match="layers 至少要有输入层和输出层"):
        generate(0, layers=layers, lang="zh")


def test_an_impossible_shape_says_so(monkeypatch):
    monkeypatch.setattr(generators, "MAX_ATTEMPTS", 3)
    monkeypatch.setattr(generators, "well_conditioned", lambda problem: False)
    with pytest.raises(GenerationError, match="no well-conditioned"):
        generate(0)


@pytest.mark.parametrize("layers,activation", [((3, 4, 2), "tanh"), ((3, 4, 2), "relu"),
                                               ((2, 8, 8, 1), "sigmoid")])
def test_other_shapes_are_well_conditioned(layers, activation):
    for seed in range(5):
        problem = generate(seed, layers=layers, activation=activation)
        assert problem.layers == layers and problem.activation == activation
        assert generators.well_conditioned(problem)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("layers", [(2, 200, 200, 1), (784, 30, 10), (2, 20, 20, 20, 20, 1)])
def test_wide_and_deep_networks_are_drawn_quickly(layers, activation):
    start = time.perf_counter()
    problem = generate(1, layers=layers, activation=activation)
    assert time.perf_counter() - start < 5.0
    assert generators.well_conditioned(problem)
    for value in readable_numbers(problem)[:50]:
        assert value == round(value, 2)


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_an_impossible_network_fails_fast(activation):
    """A chain of 20 single units cannot be well-conditioned: a clear error, quickly."""
    start = time.perf_counter()
    with pytest.raises(GenerationError, match="try a smaller network"):
        generate(0, layers=(1,) * 21, activation=activation)
    assert time.perf_counter() - start < 10.0


@pytest.mark.parametrize("kwargs,english,chinese", [
    ({"seed": -1}, "a seed is a whole number", "种子必须是"),
    ({"seed": 0, "activation": "softplus"}, "unknown activation", "未知的激活函数"),
    ({"seed": 0, "layers": (1,) * 21}, "try a smaller network", "请换一个更小的网络"),
])
def test_errors_in_both_languages(kwargs, english, chinese):
    with pytest.raises(GenerationError, match=english):
        generate(**kwargs, lang="en")
    with pytest.raises(GenerationError, match=chinese):
        generate(**kwargs, lang="zh")

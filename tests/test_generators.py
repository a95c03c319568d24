"""grader.engine.generators: pure, seeded, readable, well-conditioned problems."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
from hypothesis import given, settings

from conftest import FIXTURES, MANY_SEEDS, PROPERTY, ROOT, networks
from grader import notation, tolerances
from grader.checking import check as checking
from grader.checking import diagnosis
from grader.engine import degenerate, generators
from grader.steps import quantities, registry
from grader.steps.expression import evaluate
from grader.errors import GenerationError, UsageError
from grader.engine.forward import forward
from grader.engine.generators import SEED_LAYERS, generate, parse_layers, trial_seeds


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


@pytest.mark.parametrize("seed", [0, 1, 12345, 2**40 + 3, 2**70 + 1])
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
    with pytest.raises(UsageError, match="sigmoid"):
        generate(0, activation="softplus")


@pytest.mark.parametrize("layers", [(2,), (), (2, 0, 1), (3, -1), (2, 4097, 1), (2, 2.5, 1),
                                    (2, True, 1), 5, None])
def test_bad_layers_are_rejected(layers):
    with pytest.raises(UsageError, match="takes sizes like 2,3,2,1"):
        generate(0, layers=layers)


@pytest.mark.parametrize("written, expected", [("2,3,2,1", (2, 3, 2, 1)), (" 4, 16,1", (4, 16, 1)),
                                               ((2, np.int64(3), 1), (2, 3, 1)),
                                               ([1, 4096], (1, 4096))])
def test_layers_are_read_from_text_or_numbers(written, expected):
    sizes = parse_layers(written)
    assert sizes == expected and all(type(n) is int for n in sizes)


@pytest.mark.parametrize("written", ["2,x", "3", "2,0,1", "2,-1,1", "2,,1", "2.5,1", "",
                                     "2,99999,1"])
def test_one_message_for_every_bad_layers_text_in_both_languages(written):
    for lang, words in (("en", "takes sizes like 2,3,2,1"), ("zh", "的格式如 2,3,2,1")):
        with pytest.raises(UsageError, match=words) as raised:
            parse_layers(written, lang)
        assert repr(written) in str(raised.value) and "4096" in str(raised.value)


def test_an_impossible_shape_says_so(monkeypatch):
    monkeypatch.setattr(generators, "MAX_ATTEMPTS", 3)
    monkeypatch.setattr(generators, "_conditioned", lambda draw: False)  # none well-conditioned
    generators._generate.cache_clear()          # a problem drawn before is kept, not drawn again
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


@pytest.mark.parametrize("kwargs,error,english,chinese", [
    ({"seed": -1}, GenerationError, "a seed is a whole number", "种子必须是"),
    ({"seed": 0, "activation": "softplus"}, UsageError, "unknown activation", "未知的激活函数"),
    ({"seed": 0, "layers": (1,) * 21}, GenerationError, "try a smaller network",
     "请换一个更小的网络"),
])
def test_errors_in_both_languages(kwargs, error, english, chinese):
    with pytest.raises(error, match=english):
        generate(**kwargs, lang="en")
    with pytest.raises(error, match=chinese):
        generate(**kwargs, lang="zh")


# --- degenerate draws: every slip stays visible ----------------------------------------------

def _changed(problem, eta=None, **values):
    """``problem`` with some numbers replaced, by their notation names (w2_12=..., x1=...)."""
    arrays = {"x": problem.x.copy()}
    arrays.update({f"W{l}": W.copy() for l, W in enumerate(problem.weights, 1)})
    arrays.update({f"b{l}": b.copy() for l, b in enumerate(problem.biases, 1)})
    for name, value in values.items():
        array, index = notation.slot(name, problem.layers)
        arrays[array][index] = value
    depth = len(problem.weights)
    return generators.Problem(
        seed=problem.seed, layers=problem.layers, activation=problem.activation,
        output_activation=problem.output_activation, x=arrays["x"], y_target=problem.y_target,
        eta=problem.eta if eta is None else eta,
        weights=tuple(arrays[f"W{l}"] for l in range(1, depth + 1)),
        biases=tuple(arrays[f"b{l}"] for l in range(1, depth + 1)))


def _preactivation(problem, neuron: int) -> float:
    """z of hidden-layer-1 neuron ``neuron`` without its bias."""
    return float(problem.weights[0][neuron - 1] @ problem.x)


def _cases():
    """(what is changed, the condition it must meet) on seed 0's problem, which meets none."""
    p = generate(0)
    w = {name: float(p.weights[1][i, j]) for name, (i, j) in
         (("w2_11", (0, 0)), ("w2_12", (0, 1)), ("w2_21", (1, 0)), ("w2_22", (1, 1)))}
    v1, v2 = (float(v) for v in p.weights[2][0])
    z1 = _preactivation(p, 1) + float(p.biases[0][0])
    return [
        ("eta = 1", _changed(p, eta=1.0), "special_number"),
        ("eta = 1/2", _changed(p, eta=0.5), "special_number"),
        ("b1_2 = 0", _changed(p, b1_2=0.0), "special_number"),
        ("x1 = -1", _changed(p, x1=-1.0), "special_number"),
        ("w2_12 = eta", _changed(p, w2_12=p.eta), "learning_rate_like_parameter"),
        ("w2_12 = w2_21", _changed(p, w2_12=w["w2_21"]), "alike_in_layer"),
        ("w2_12 = -w2_21", _changed(p, w2_12=-w["w2_21"]), "alike_in_layer"),
        ("w2_12 = 2 w2_11", _changed(p, w2_12=2 * w["w2_11"]), "alike_in_layer"),
        ("w1_11 = x1", _changed(p, w1_11=float(p.x[0])), "alike_in_layer"),
        ("h1_1 = 1/2", _changed(p, b1_1=-_preactivation(p, 1)), "half_activation"),
        ("h1_2 = 1 - h1_1", _changed(p, b1_2=-z1 - _preactivation(p, 2)), "same_slope"),
        # x1 read as x2 in z1_1 gives what b1_1 read as b1_3 gives
        ("w1_11 (x2 - x1) = b1_3 - b1_1",
         _changed(p, b1_3=float(p.biases[0][0] + p.weights[0][0, 0] * (p.x[1] - p.x[0]))),
         "forward_alike"),
        # in dL/dh1_1, dL/dh2_2 read for dL/dh2_1 gives what w2_12 read for w2_11 gives
        ("v1 w2_12 = v2 w2_11", _changed(p, w2_12=v2 * w["w2_11"] / v1), "backward_alike"),
        ("eta = 0.0001", _changed(p, eta=1e-4), "update_alike"),
    ]


def test_seed_zero_is_not_degenerate():
    assert degenerate.degenerate(generate(0)) == []


@pytest.mark.parametrize("what, problem, condition", _cases(), ids=[c[0] for c in _cases()])
def test_each_condition_sees_its_coincidence(what, problem, condition):
    assert condition in degenerate.degenerate(problem), what


def test_every_condition_is_named_documented_and_tested():
    tested = {condition for _, _, condition in _cases()}
    assert tested == set(degenerate.DEGENERATE)
    for name, condition in degenerate.DEGENERATE.items():
        assert condition.__doc__ and len(condition.__doc__.split()) >= 12, name


def test_no_learning_rate_hides_a_slip():
    """η = 1 hides a missing η and η inside a gradient; η = ½ makes them factors of two."""
    assert not set(generators.LEARNING_RATES) & set(degenerate.SPECIAL_MAGNITUDES)
    assert {generate(seed).eta for seed in MANY_SEEDS} <= set(generators.LEARNING_RATES)


def test_the_issues_seed_keeps_every_slip_visible():
    """Seed 27's further problems once had η = 1 (three of them) and w₁₂⁽²⁾ = w₂₁⁽²⁾ = −0.4."""
    for problem in checking.ProblemSet(27).problems:
        assert problem.eta not in (0.5, 1.0)
        assert abs(problem.weights[1][0, 1]) != abs(problem.weights[1][1, 0])
        assert degenerate.degenerate(problem) == []


def _problems(seeds):
    for seed in seeds:
        yield from checking.ProblemSet(seed).problems


@pytest.mark.parametrize("seeds", [MANY_SEEDS[:20],
                                   pytest.param(range(301), marks=pytest.mark.slow)],
                         ids=["20 seeds", "301 seeds"])
def test_no_drawn_problem_is_degenerate(seeds):
    """The visible problem and the further ones alike."""
    for problem in _problems(seeds):
        assert degenerate.degenerate(problem) == [], problem.seed


@pytest.mark.parametrize("layers", [(2, 2, 1), (3, 3, 1), (3, 3, 2), (2, 2, 2, 2, 1), (4, 1)])
def test_other_hand_sized_networks_are_not_degenerate_either(layers):
    assert degenerate.hand_sized(layers)
    for seed in range(5):
        problem = generate(seed, layers=layers)
        assert degenerate.degenerate(problem) == [], (layers, seed)
        assert generators.well_conditioned(problem)


def test_wider_networks_are_drawn_as_before():
    """A network wider than the seed's is not checked: its first well-conditioned draw."""
    assert not degenerate.hand_sized((2, 8, 8, 1))
    problem = generate(3, layers=(2, 8, 8, 1))
    assert degenerate.degenerate(problem) == []


def _mutant_plans():
    """(step, quantity, the operators' wrong formulas) for every answer of every step."""
    plans = []
    for step in registry.STEPS:
        formulas = diagnosis.expressions(step)
        keys = list(formulas)
        for index, (key, (source, quantity)) in enumerate(formulas.items()):
            # what net holds, and for a dict step its earlier answers (as diagnose reads them)
            available = frozenset(step.context) | frozenset(keys[:index] if step.returns_dict
                                                            else ())
            plans.append((step, quantity, diagnosis.candidates(source, available, quantity)))
    return plans


def _apart(a: float, b: float) -> bool:
    return abs(a - b) > tolerances.DIAGNOSIS_RELATIVE * max(abs(a), abs(b))


@pytest.mark.parametrize("seeds", [MANY_SEEDS[:20],
                                   pytest.param(range(301), marks=pytest.mark.slow)],
                         ids=["20 seeds", "301 seeds"])
def test_every_slip_differs_from_the_answer_and_from_every_other_slip(seeds):
    """Each operator's mutant (grader.checking.diagnosis, whichever operators there are),
    evaluated on each drawn problem, is farther than the diagnosis tolerance from the right
    answer and from every other mutant of the same answer."""
    plans = _mutant_plans()
    assert sum(len(mutants) for *_, mutants in plans) > 500
    for problem in _problems(seeds):
        reference = quantities.reference(problem)
        for step, quantity, mutants in plans:
            right = reference[quantity]
            values = sorted((evaluate(m.tree, reference), m.code) for m in mutants)
            for value, code in values:
                assert _apart(value, right), (problem.seed, step.id, quantity, code)
            for (a, first), (b, second) in zip(values, values[1:]):
                assert _apart(a, b), (problem.seed, step.id, quantity, first, second)


def test_a_fresh_process_draws_the_same_numbers():
    """A process keeps the problems it drew; another draws them anew, to the same numbers."""
    seeds = (0, 27, 300)
    code = ("import json, sys; from grader.engine.generators import generate; "
            "print(json.dumps([[float(v) for a in (p.x, p.y_target) + p.weights + p.biases "
            "for v in a.ravel()] + [p.eta] for p in map(generate, %r)]))" % (seeds,))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    fresh = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=env, timeout=60, check=True)
    assert json.loads(fresh.stdout) == [readable_numbers(generate(seed)) for seed in seeds]


@pytest.mark.parametrize("layers, activation", [((2, 3, 2, 1), "sigmoid"),
                                                ((2, 3, 2, 1), "relu"), ((2, 2, 1), "tanh")])
def test_a_batch_of_draws_is_screened_as_each_draw_alone(layers, activation):
    """The generator screens a batch at once: the cheap conditions on the raw numbers, then
    well_conditioned and the conditions that read a stack. A draw the cheap conditions find
    meets a condition they are part of, a draw they pass meets neither raw-number condition;
    on a stack each answer is the one its draw gets alone."""
    batches = generators._batches(np.random.default_rng(8), layers, activation, 256, 128)
    numbers, rates = (np.concatenate(parts) for parts in zip(*batches))
    cheap = generators._meets_a_cheap_condition(numbers, rates, layers, activation)
    etas = tuple(generators.LEARNING_RATES[rate] for rate in rates.tolist())
    assert len(numbers) == 256 and 0 < (~cheap).sum() < 128
    alone = [degenerate.Draw(generators._problem(0, layers, activation, row, eta))
             for row, eta in zip(numbers, etas)]
    for draw, met in zip(alone, cheap.tolist()):
        found = set(degenerate.degenerate(draw.problem))
        if met:
            assert found & {"special_number", "learning_rate_like_parameter", "alike_in_layer"}
        else:
            assert not found & {"special_number", "learning_rate_like_parameter"}
    stack = degenerate.Draw(generators._problem((0,) * len(numbers), layers, activation,
                                                numbers, etas))
    conditioned = [generators.well_conditioned(draw.problem) for draw in alone]
    assert generators._conditioned(stack).tolist() == conditioned and any(conditioned)
    for name in degenerate.ON_STACKS:
        met = [bool(degenerate.DEGENERATE[name](draw)) for draw in alone]
        assert degenerate.DEGENERATE[name](stack).tolist() == met and any(met), name
    assert degenerate.degenerate_in_stack(stack).tolist() == [
        any(degenerate.DEGENERATE[name](draw) for name in degenerate.ON_STACKS) for draw in alone]

# --- the problems drawn never change -----------------------------------------------------------
# Sheets were printed from them and a student's graded problem must be the one on their sheet,
# so a faster generator must draw exactly what the one before it drew. The fixture holds the
# digests of problems drawn by the generator as it was before draws were made in batches.

PINNED = json.loads((FIXTURES / "generated_problems.json").read_text())["problems"]


def _pinned_seeds(layers: tuple) -> list:
    """Small seeds, 63-bit ones (as a student's) and 32-bit ones (as further problems')."""
    count = 300 if layers == SEED_LAYERS else 100
    large = [int.from_bytes(hashlib.sha256(b"%d" % k).digest()[:8], "big") >> 1
             for k in range(count // 4)]
    middle = [int.from_bytes(hashlib.sha256(b"m%d" % k).digest()[:4], "big")
              for k in range(count - count // 2 - count // 4)]
    return list(range(count // 2)) + large + middle


def _digest(problem) -> str:
    numbers = [problem.layers, problem.activation, problem.output_activation, problem.eta]
    numbers += [a.ravel().tolist() for a in (problem.x, problem.y_target) + problem.weights
                + problem.biases]
    return hashlib.sha256(json.dumps(numbers).encode()).hexdigest()[:16]


def _pinned_cases(every: bool):
    for key, digests in PINNED.items():
        shape, activation = key.split()
        layers = tuple(int(n) for n in shape.split("-"))
        pairs = list(zip(_pinned_seeds(layers), digests))
        yield pytest.param(layers, activation, pairs if every else pairs[::10],
                           id=key.replace(" ", "-"),
                           marks=[pytest.mark.slow] if every else [])


@pytest.mark.parametrize("together", [1, 5], ids=["alone", "five at a time"])
@pytest.mark.parametrize("layers, activation, pairs",
                         [*_pinned_cases(every=False), *_pinned_cases(every=True)])
def test_the_problems_drawn_are_the_ones_drawn_before(layers, activation, pairs, together):
    """Hand-sized networks (the conditions apply) and wider ones, every activation; drawn
    alone (generate) and five at a time (generate_many, as a student's problems are)."""
    assert {"2-3-2-1 sigmoid", "2-2-1 relu", "3-4-2 tanh", "2-3-3-2-1 sigmoid"} <= set(PINNED)
    generators._generate.cache_clear()          # each route draws its problems itself
    seeds = [seed for seed, _ in pairs]
    problems = [problem for k in range(0, len(seeds), together)
                for problem in generators.generate_many(seeds[k:k + together], layers,
                                                        activation)]
    changed = [seed for (seed, digest), problem in zip(pairs, problems)
               if _digest(problem) != digest]
    assert changed == [], f"{len(changed)} of {len(pairs)} problems changed: seeds {changed[:5]}"


def test_draws_made_at_once_are_the_draws_made_one_by_one():
    """numpy's PCG64 gives the same doubles for one call of k·n as for k calls of n, so a
    batch of draws does not change the stream (nor what follows it)."""
    for seed in (0, 27, 2**40 + 3, 2**63 - 25):
        for size in (1, 5, 24):
            for count in (2, 7, 128):
                one, many = np.random.default_rng(seed), np.random.default_rng(seed)
                at_once = one.random(count * size)
                one_by_one = np.concatenate([many.random(size) for _ in range(count)])
                assert np.array_equal(at_once, one_by_one), (seed, size, count)
                assert one.random() == many.random()


# --- losses --------------------------------------------------------------------------------

def hundredths(array) -> list:
    return [round(100 * float(v)) for v in array]


def test_the_lessons_loss_by_default():
    problem = generate(0)
    assert problem.loss == notation.SEED_LOSS == "half_squared_error"
    assert generate(0, loss="half_squared_error") is problem       # the same draw, kept


@pytest.mark.parametrize("loss", list(notation.LOSSES))
def test_each_loss_names_its_output_activation(loss):
    problem = generate(2, layers=(3, 4, 3), activation="tanh", loss=loss)
    assert problem.loss == loss
    assert problem.output_activation == ("softmax" if loss == "softmax_cross_entropy"
                                         else "sigmoid")


@settings(PROPERTY, max_examples=60)
@given(networks())
def test_any_network_and_loss_is_readable_and_well_conditioned(problem):
    """Two decimals everywhere; a softmax target is a probability vector of whole hundredths
    summing to exactly 100; every ReLU pre-activation away from the kink, whatever the loss."""
    assert generators.well_conditioned(problem)
    for value in readable_numbers(problem):
        assert value == round(value, 2)
    if problem.loss == "softmax_cross_entropy":
        assert sum(hundredths(problem.y_target)) == 100 and (problem.y_target >= 0).all()
    else:
        assert ((problem.y_target > 0) & (problem.y_target < 1)).all()
    if problem.activation == "relu":
        kink = generators.KINK if problem.layers == SEED_LAYERS else generators.KINK_LARGE
        for z in forward(problem).z[:-1]:
            assert (np.abs(z) >= kink).all()


def test_relu_keeps_the_seed_networks_kink_with_every_loss():
    for loss in ("half_squared_error", "mean_squared_error", "binary_cross_entropy"):
        for seed in range(10):
            problem = generate(seed, activation="relu", loss=loss)
            for z in forward(problem).z[:-1]:
                assert (np.abs(z) >= generators.KINK).all(), (loss, seed)


@pytest.mark.parametrize("layers", [(2, 3, 2), (3, 10), (2, 4, 150)])
def test_a_softmax_target_sums_to_one_in_hundredths(layers):
    for seed in range(5):
        problem = generate(seed, layers=layers, loss="softmax_cross_entropy")
        shares = hundredths(problem.y_target)
        assert sum(shares) == 100 and min(shares) >= 0
        assert np.array_equal(problem.y_target, np.array(shares) / 100)
        assert generators.well_conditioned(problem)


@pytest.mark.parametrize("drawn,shares", [
    ([5, 5, 5], [34, 33, 33]),              # a tie: the earlier output gets the hundredth
    ([10, 30], [25, 75]),
    ([95, 5], [95, 5]),
    ([20, 20, 40, 20], [20, 20, 40, 20]),
    ([7, 50, 93], [5, 33, 62]),             # 4.67, 33.33, 62.0: the largest remainder wins
])
def test_probabilities_are_proportional_hundredths_summing_to_100(drawn, shares):
    assert generators._probabilities(drawn) == shares


def test_more_outputs_than_hundredths_leave_some_at_zero():
    shares = generators._probabilities([50] * 150)
    assert sum(shares) == 100 and sorted(set(shares)) == [0, 1] and shares[:100] == [1] * 100


@pytest.mark.parametrize("lang,message", [("en", "at least 2 outputs"),
                                          ("zh", "至少需要 2 个输出")])
def test_softmax_refuses_a_single_output(lang, message):
    """A softmax of one output is 1 whatever z is: L = 0 and every gradient 0, nothing to grade."""
    for layers in ((2, 3, 2, 1), (1, 1)):
        with pytest.raises(GenerationError, match=message):
            generate(0, layers=layers, loss="softmax_cross_entropy", lang=lang)


@pytest.mark.parametrize("lang,message", [("en", "unknown loss 'hinge'; choose from "
                                                 "half_squared_error, mean_squared_error"),
                                          ("zh", "未知的损失函数 'hinge'；可选：")])
def test_an_unknown_loss_is_a_usage_error(lang, message):
    with pytest.raises(UsageError, match=message):
        generate(0, loss="hinge", lang=lang)
    with pytest.raises(UsageError, match=message):
        generators.parse_loss("hinge", lang)
    assert generators.parse_loss("binary_cross_entropy") == "binary_cross_entropy"


def test_the_degenerate_conditions_are_the_lessons_loss_only(monkeypatch):
    """They are written for ½(y − y_target)²; another loss on the seed's network skips them."""
    def refuse(*draw):
        raise AssertionError("a degenerate condition was asked")

    monkeypatch.setattr(generators, "is_degenerate", refuse)
    monkeypatch.setattr(generators, "meets_a_cheap_condition", refuse)
    monkeypatch.setattr(generators, "degenerate_in_stack", refuse)
    generators._generate.cache_clear()
    for loss in ("mean_squared_error", "binary_cross_entropy"):
        assert generate(11, loss=loss).layers == SEED_LAYERS
    with pytest.raises(AssertionError, match="degenerate condition"):
        generate(11)

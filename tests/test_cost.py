"""grader.cost: the work of one gradient by three routes, counted from what actually runs."""

from __future__ import annotations

import inspect
import json
import math
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import sympy
from click.testing import CliRunner

from grader.checking import check as checking

from grader.cost import counting, lab, plot, report, symbolic

from grader.steps import registry, stubs

from grader import sandbox
from grader.cli import main
from grader.steps.context import Context, CountedLoss, usage
from grader.engine.backprop import backprop
from grader.engine.forward import forward, run
from grader.engine.generators import generate
from grader.engine.witness import rational
from grader.notation import LOSSES, SEED_LOSS
from grader.steps.quantities import reference

ROOT = Path(__file__).resolve().parents[1]
TINY = ((1, 1, 1), (1, 2, 1), (2, 2, 1))
SVG = "{http://www.w3.org/2000/svg}"


def params_of(layers) -> int:
    return sum(n_in * n_out + n_out for n_in, n_out in zip(layers[:-1], layers[1:]))


ACTIVATIONS = ("sigmoid", "tanh", "relu")

# What each formula costs on a layer of n, one operation per + − × ÷, power, exp, log, tanh,
# max or comparison on one number, written from the formulas (not from the engine's code).
ACTIVATION_OPS = {
    "sigmoid": lambda n: 4 * n,                 # 1/(1 + e^(−z)): −, exp, +, ÷
    "tanh": lambda n: n,
    "relu": lambda n: n,                        # max(z, 0)
    "softmax": lambda n: 5 * n - 2,             # m = max z (n − 1), e^(z − m) (2n), Σ (n − 1), ÷
}
LOSS_OPS = {
    "half_squared_error": lambda n: 3 * n,      # y − t, ², Σ (n − 1), ½ ×
    "mean_squared_error": lambda n: 3 * n,      # y − t, ², Σ (n − 1), ÷ n
    # log σ(z) = −log(e⁰ + e^(−z)): two negations, two exp, +, log: 6; log(1 − σ(z)) = log σ(−z):
    # one negation more, 7; t·a + (1 − t)·b: 4; then Σ (n − 1) and −
    "binary_cross_entropy": lambda n: 17 * n + (n - 1) + 1,
    # log softmax(z) = z − log Σ e^z: n − 1 pairwise log(eᵃ + eᵇ) of 4 each, n subtractions;
    # t ·: n; Σ: n − 1; −
    "softmax_cross_entropy": lambda n: 4 * (n - 1) + n + n + (n - 1) + 1,
}
# Backward: dL/dy at the output, and the cross-entropies' y − t at z
DELTA_OPS = {"half_squared_error": lambda n: n,                 # y − t
             "mean_squared_error": lambda n: 2 * n,             # (2/n)·(y − t)
             "binary_cross_entropy": lambda n: 4 * n + n,       # (y − t)/(y(1 − y)); y − t
             "softmax_cross_entropy": lambda n: 2 * n + n}      # −t/y; y − t
DERIVATIVE_OPS = {"sigmoid": 2, "tanh": 2, "relu": 1}           # h(1 − h), 1 − h², z > 0


def forward_ops_by_theory(layers, activation="sigmoid", loss=SEED_LOSS) -> int:
    """A layer of n_out neurons with n_in inputs: n_out(2 n_in − 1) for W h, n_out for + b,
    and its activation; then the loss."""
    acts = (activation,) * (len(layers) - 2) + (LOSSES[loss],)
    ops = 0
    for n_in, n_out, act in zip(layers[:-1], layers[1:], acts):
        ops += n_out * (2 * n_in - 1) + n_out + ACTIVATION_OPS[act](n_out)
    return ops + LOSS_OPS[loss](layers[-1])


def backward_ops_by_theory(layers, activation="sigmoid", loss=SEED_LOSS) -> int:
    """δ, then per layer: dz = dh·act′(z) (at a cross-entropy's output y − t, counted in δ),
    dW = dz ⊗ h_prev and dh_prev = Wᵀ dz, n_in(2 n_out − 1), down to the inputs."""
    ops = DELTA_OPS[loss](layers[-1])
    depth = len(layers) - 1
    for l, (n_in, n_out) in enumerate(zip(layers[:-1], layers[1:])):
        output = l == depth - 1
        act = LOSSES[loss] if output else activation
        if not (output and loss in ("binary_cross_entropy", "softmax_cross_entropy")):
            ops += (DERIVATIVE_OPS[act] + 1) * n_out
        ops += n_out * n_in + n_in * (2 * n_out - 1)
    return ops


# --- counts are derived from the engine -------------------------------------------------------

NETWORKS = TINY + ((2, 3, 2, 1), (2, 3, 3, 2, 1), (4, 16, 16, 1), (3, 5, 2))


@pytest.mark.parametrize("layers", NETWORKS, ids=str)
def test_forward_ops_follow_the_layer_sizes(layers):
    assert counting.forward_ops(generate(0, layers)) == forward_ops_by_theory(layers)


@pytest.mark.parametrize("layers", NETWORKS, ids=str)
def test_backprop_costs_at_most_three_forward_passes(layers):
    problem = generate(0, layers)
    forward_count, backprop_count = counting.forward_ops(problem), counting.backprop_ops(problem)
    assert forward_count < backprop_count <= 3 * forward_count


@pytest.mark.parametrize("layers", NETWORKS, ids=str)
def test_finite_differences_cost_two_forward_passes_per_parameter(layers):
    problem = generate(0, layers)
    assert counting.parameter_count(layers) == params_of(layers)
    assert counting.finite_difference_ops(problem) \
        == 2 * params_of(layers) * counting.forward_ops(problem)


def test_a_wider_layer_costs_what_theory_says():
    narrow, wide = generate(0, (2, 3, 2, 1)), generate(0, (2, 5, 2, 1))
    extra = forward_ops_by_theory((2, 5, 2, 1)) - forward_ops_by_theory((2, 3, 2, 1))
    assert counting.forward_ops(wide) - counting.forward_ops(narrow) == extra > 0
    assert counting.backprop_ops(wide) > counting.backprop_ops(narrow)


COMBINATIONS = [(a, loss) for a in ACTIVATIONS for loss in LOSSES]
SMALL = ((2, 3, 2), (1, 2, 2, 3), (3, 4, 2))


@pytest.mark.parametrize("activation, loss", COMBINATIONS)
@pytest.mark.parametrize("layers", SMALL, ids=str)
def test_every_activation_and_loss_is_counted_as_its_formulas_say(layers, activation, loss):
    problem = generate(0, layers, activation, loss=loss)
    counts = counting.operation_counts(problem)
    assert counts["forward"].total == forward_ops_by_theory(layers, activation, loss)
    assert counts["backward"].total == backward_ops_by_theory(layers, activation, loss)
    forward_count, backprop_count = counting.forward_ops(problem), counting.backprop_ops(problem)
    assert forward_count < backprop_count <= 3 * forward_count
    assert counting.finite_difference_ops(problem) == 2 * params_of(layers) * forward_count


@pytest.mark.parametrize("activation, loss", COMBINATIONS)
def test_counts_grow_linearly_with_a_layers_width(activation, loss):
    """Widening one hidden layer by k neurons adds the same work each time: forward and
    backprop are linear in the parameters, finite differences quadratic."""
    counts = [counting.operation_counts(generate(0, (3, 4 + 3 * k, 2), activation, loss=loss))
              for k in range(4)]
    for kind in ("forward", "backward"):
        steps = {b[kind].total - a[kind].total for a, b in zip(counts, counts[1:])}
        assert len(steps) == 1 and steps.pop() > 0


def test_the_counter_says_what_one_operation_is():
    """exp, log, tanh, max and a comparison are one operation each; log(eᵃ + eᵇ) is four."""
    tally = counting.Tally()
    z = counting._counting(np.array([0.5, -1.0, 2.0]), tally)
    np.tanh(z), np.maximum(z, 0.0), z > 0, np.exp(z), np.log(np.exp(z))
    assert dict(tally) == {"tanh": 3, "maximum": 3, "greater": 3, "exp": 6, "log": 3}
    tally.clear()
    np.logaddexp(0.0, z)
    assert dict(tally) == {"exp": 6, "add": 3, "log": 3}
    tally.clear()
    np.max(z), np.size(z)
    assert dict(tally) == {"maximum": 2}
    with pytest.raises(TypeError, match="does not handle arctan"):
        np.arctan(z)


def test_counting_changes_no_result():
    problem = generate(0)
    tally = counting.Tally()
    counted = forward(counting._counted_problem(problem, tally))
    plain = forward(problem)
    assert counted.loss == plain.loss
    assert all(np.array_equal(np.asarray(a), b) for a, b in zip(counted.h, plain.h))
    assert tally.total == counting.forward_ops(problem)


def test_the_counter_refuses_what_it_cannot_count():
    array = counting._counting(np.ones(3), counting.Tally())
    with pytest.raises(TypeError, match="does not handle"):
        np.linalg.norm(array)


# --- the naive route ----------------------------------------------------------------------------

def test_naive_count_is_count_ops_of_each_separate_derivative():
    """For 1-1-1 the expanded loss is short enough to write here by hand."""
    w1, b1, w2, b2, x, t = sympy.symbols("w1 b1 w2 b2 x t")
    sigma = lambda z: 1 / (1 + sympy.exp(-z))        # noqa: E731
    loss = sympy.Rational(1, 2) * (sigma(w2 * sigma(w1 * x + b1) + b2) - t) ** 2
    by_hand = sorted(sympy.count_ops(sympy.diff(loss, p)) for p in (w1, b1, w2, b2))
    naive = symbolic.naive_symbolic(generate(0, (1, 1, 1)))
    assert sorted(naive.per_parameter) == by_hand
    assert naive.ops == sum(by_hand)


def naive_gradient(problem, naive) -> np.ndarray:
    """The naive derivatives at the problem's numbers, read exactly as a person reads them."""
    flat = [v for array in problem.weights + problem.biases for v in np.ravel(array)]
    values = {s: rational(v) for s, v in zip(naive.symbols, flat)}
    values.update({s: rational(v) for s, v in zip(naive.inputs,
                                                  list(problem.x) + list(problem.y_target))})
    return np.array([float(d.xreplace(values).evalf(30)) for d in naive.derivatives])


@pytest.mark.parametrize("activation, loss", COMBINATIONS)
def test_the_naive_route_differentiates_the_chosen_loss_and_activation(activation, loss):
    problem = generate(0, (2, 2, 2), activation, loss=loss)
    naive = symbolic.naive_symbolic(problem)
    assert naive.skipped is None and len(naive.derivatives) == params_of((2, 2, 2))
    grads = backprop(problem, forward(problem))
    engine = np.concatenate([np.ravel(g) for g in grads.dW + grads.db])
    np.testing.assert_allclose(naive_gradient(problem, naive), engine, rtol=1e-9, atol=1e-15)
    written = {type(node).__name__ for d in naive.derivatives
               for node in sympy.preorder_traversal(d)}
    assert {"sigmoid": "exp", "tanh": "tanh", "relu": "Heaviside"}[activation] in written


def test_the_naive_size_estimate_is_what_sympy_counts_for_elementwise_activations():
    from grader.engine.witness import expanded_loss

    for loss in LOSSES:
        for activation in ("tanh", "relu"):
            layers = (2, 3, 3, 2)
            acts = (activation,) * 2 + (LOSSES[loss],)
            written = sympy.count_ops(expanded_loss(layers, acts, loss=loss).loss)
            assert written == pytest.approx(symbolic.expanded_size(layers, activation, loss),
                                            rel=0.01)


def test_naive_grows_faster_than_backprop_with_depth():
    ratios = []
    for layers in ((1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1, 1)):
        problem = generate(0, layers)
        ratios.append(symbolic.naive_symbolic(problem).ops / counting.backprop_ops(problem))
    assert ratios[0] > 1 and ratios == sorted(ratios) and len(set(ratios)) == 3


@pytest.mark.parametrize("cap, budget, key", [(10, 60.0, "too_big"), (10**6, 0.0, "over_budget")])
def test_the_naive_route_is_capped_and_says_why(cap, budget, key):
    naive = symbolic.naive_symbolic(generate(0, (2, 2, 1)), cap=cap, budget=budget)
    assert naive.ops is None and naive.skipped[0] == key
    row = lab.measure_row(generate(0, (2, 2, 1)), naive=naive)
    for lang in ("en", "zh"):
        message = report.skip_message(row, "naive_symbolic", lang)
        assert "2-2-1" in message and ("--symbolic-cap" in message or "--time-budget" in message)


def test_the_time_budget_not_a_size_estimate_decides_mid_sized_networks():
    """3-5-5-1 and 2-4-4-1 take seconds, not minutes: the size cap lets them through."""
    assert symbolic.SYMBOLIC_SECONDS == 10.0
    for layers in ((3, 5, 5, 1), (2, 4, 4, 1), (2, 8, 8, 1), (2, 3, 3, 3, 3, 2, 1)):
        assert params_of(layers) * symbolic.expanded_size(layers) < symbolic.SYMBOLIC_SIZE_CAP


@pytest.mark.slow
@pytest.mark.parametrize("layers", [(3, 5, 5, 1), (2, 4, 4, 1)], ids=str)
def test_mid_sized_networks_are_counted_by_default(layers):
    naive = symbolic.naive_symbolic(generate(0, layers))
    assert naive.skipped is None and len(naive.per_parameter) == params_of(layers)
    assert naive.ops == sum(naive.per_parameter) > 0 and naive.seconds > 0
    for derivative, symbol, ops in zip(naive.derivatives, naive.symbols, naive.per_parameter):
        assert ops == sympy.count_ops(derivative)          # each in its own parameter's place
    assert str(naive.symbols[0]) == "W1_11" and str(naive.symbols[-1]).startswith("b3")


def test_the_budget_stops_a_network_too_big_for_it_and_says_so():
    """2-16-16-1 needs minutes; with an 8 s budget the first derivatives show it and it stops
    before the budget is even spent."""
    budget = 8.0
    naive = symbolic.naive_symbolic(generate(0, (2, 16, 16, 1)), budget=budget)
    key, values = naive.skipped
    assert key == "over_budget" and naive.ops is None and naive.derivatives == []
    assert 4 <= values["done"] < values["params"] == params_of((2, 16, 16, 1))
    assert values["elapsed"] <= budget
    assert values["projected"] > symbolic.EARLY_STOP_MARGIN * budget
    row = lab.measure_row(generate(0, (2, 16, 16, 1)), naive=naive)
    assert row.naive_symbolic_ops is None and row.seconds["naive_symbolic"] is None
    english = report.skip_message(row, "naive_symbolic", "en")
    assert "stopped by its 8 s time budget" in english and f"{values['done']} of 337" in english
    assert "时间预算" in report.skip_message(row, "naive_symbolic", "zh")


@pytest.mark.parametrize("activation, loss", [("relu", SEED_LOSS), ("tanh", "binary_cross_entropy"),
                                              ("relu", "softmax_cross_entropy")])
def test_the_budget_caps_every_activation_and_loss(activation, loss):
    """ReLU is written as Max(z, 0), which keeps the expanded loss as small as tanh's: the
    budget stops a deep network after a few derivatives, as it does the lesson's sigmoid."""
    budget, layers = 2.0, (2, 3, 3, 3, 3, 2, 2)
    problem = generate(0, layers, activation, loss=loss)
    start = time.perf_counter()
    naive = symbolic.naive_symbolic(problem, budget=budget)
    took = time.perf_counter() - start
    key, values = naive.skipped
    assert key == "over_budget" and naive.ops is None
    assert values["done"] < values["params"] == params_of(layers)
    assert took < 3 * budget


def test_a_spent_budget_stops_the_route_between_two_derivatives(monkeypatch):
    """Even where every derivative looks cheap, the route stops once the budget is spent."""
    clock = iter(range(1000))
    monkeypatch.setattr(symbolic.time, "perf_counter", lambda: float(next(clock)))
    naive = symbolic.naive_symbolic(generate(0, (1, 1, 1)), budget=2.5)
    assert naive.skipped[0] == "over_budget" and naive.skipped[1]["elapsed"] > 2.5
    assert 0 < naive.skipped[1]["done"] < 4


def test_a_truly_huge_network_is_not_started():
    naive = symbolic.naive_symbolic(generate(0, (16, 64, 64, 1)))
    key, values = naive.skipped
    assert key == "too_big" and values["estimate"] > values["cap"] == symbolic.SYMBOLIC_SIZE_CAP
    assert naive.derivatives == [] and naive.seconds is None


@pytest.fixture(scope="module")
def seed_report():
    return lab.measure([(2, 3, 2, 1), (1, 2, 1), (4, 16, 16, 1)])


def test_the_lessons_network_counts_as_before(seed_report):
    """The default run, the lesson's sigmoid network and ½Σ(y − t)², counts what it counted
    before other activations and losses joined (the README's benchmark figures)."""
    row = seed_report.rows[0]
    assert (row.forward_ops, row.backprop_ops, row.finite_difference_ops,
            row.naive_symbolic_ops) == (55, 109, 2200, 6184)
    assert dict(row.ops_by_kind["forward"]) == {"multiply": 15, "add": 20, "negative": 6,
                                                "exp": 6, "divide": 6, "subtract": 1,
                                                "square": 1}
    assert (seed_report.activation, seed_report.output_activation, seed_report.loss,
            seed_report.widened_outputs) == ("sigmoid", "sigmoid", SEED_LOSS, False)
    defaults = inspect.signature(lab.measure).parameters
    assert (defaults["activation"].default, defaults["loss"].default) == ("sigmoid", SEED_LOSS)


def test_cse_finds_the_seeds_reused_values(seed_report):
    names = {s.name: s for s in seed_report.shared}
    assert seed_report.shared_layers == (2, 3, 2, 1)
    assert {"δ⁽³⁾·y(1−y)", "∂L/∂h₁⁽²⁾·h₁⁽²⁾(1−h₁⁽²⁾)", "∂L/∂h₂⁽²⁾·h₂⁽²⁾(1−h₂⁽²⁾)"} <= set(names)
    # every parameter's derivative passes through the output: all 20 need δ⁽³⁾·y(1−y)
    assert names["δ⁽³⁾·y(1−y)"].used_by == params_of((2, 3, 2, 1))
    assert all(0 < s.used_by <= 20 for s in seed_report.shared)


def test_named_values_match_the_reference():
    problem = generate(0)
    named = dict(symbolic.named_values(problem))
    ref = reference(problem)
    assert named["δ⁽³⁾·y(1−y)"] == pytest.approx(ref["dL_db3"], rel=1e-12)
    assert named["∂L/∂h₁⁽²⁾·h₁⁽²⁾(1−h₁⁽²⁾)"] == pytest.approx(ref["dL_db2_1"], rel=1e-12)
    assert named["h₃⁽¹⁾"] == pytest.approx(ref["h1_3"], rel=1e-12)


def test_rows_hold_every_method(seed_report):
    seed_row, small, big = seed_report.rows
    assert seed_row.naive_symbolic_ops > seed_row.finite_difference_ops > seed_row.backprop_ops
    assert big.naive_symbolic_ops is None and "naive_symbolic" in big.skipped
    for row in seed_report.rows:
        assert row.seconds["backprop"] > 0 and row.seconds["finite_difference"] > 0
        assert (row.seconds["naive_symbolic"] is None) == (row.naive_symbolic_ops is None)


def test_table_and_svg_in_both_languages(seed_report):
    english, chinese = report.table(seed_report, "en"), report.table(seed_report, "zh")
    assert "naive symbolic" in english and "朴素符号求导" in chinese
    assert "δ⁽³⁾·y(1−y)" in english and "4-16-16-1" in english
    # no ladder is measured: one line per depth, 1-2-1 alone, 2-3-2-1 with 4-16-16-1
    assert [f.networks for f in seed_report.families] == [((1, 2, 1),),
                                                          ((2, 3, 2, 1), (4, 16, 16, 1))]
    for lang in ("en", "zh"):
        root = ET.fromstring(plot.svg(seed_report, lang))
        series = root.findall(f"{SVG}g[@class='series']")
        points = {(g.get("data-method"), g.get("data-family")): len(g.findall(f"{SVG}path"))
                  for g in series}
        assert len(series) == len(points) == 8
        assert [n for (method, _), n in sorted(points.items()) if method == "naive_symbolic"] \
            == [1, 1]                         # naive symbolic: not for 4-16-16-1
        assert sum(points.values()) == 4 * 3 - 1


# --- the plot: one line per method and family, guides, markers, labels -----------------------

def counted_rows(networks, naive_up_to: int = 60) -> list:
    """Rows with the engine's real counts and no timing; a naive count (P × expanded size, a
    stand-in the plot only places) for the networks of at most ``naive_up_to`` parameters."""
    rows = []
    for layers in networks:
        counts = counting.operation_counts(generate(0, layers))
        params, forward_count = params_of(layers), counts["forward"].total
        naive = params * symbolic.expanded_size(layers) if params <= naive_up_to else None
        rows.append(report.Row(
            layers=tuple(layers), params=params, forward_ops=forward_count,
            backprop_ops=forward_count + counts["backward"].total, naive_symbolic_ops=naive,
            finite_difference_ops=2 * params * forward_count,
            seconds=dict.fromkeys(("forward", "backprop", "finite_difference",
                                   "naive_symbolic"), 1e-3),
            ops_by_kind=counts,
            skipped={} if naive else {"naive_symbolic": ("over_budget", dict(
                done=1, params=params, budget=10.0, elapsed=0.5, projected=99.0))}))
    return rows


@pytest.fixture(scope="module")
def ladder_report():
    return report.CostReport(seed=0, rows=counted_rows(lab.LADDER),
                             families=lab.families(lab.LADDER))


def test_softmax_ladders_end_in_two_outputs():
    ladders = lab.ladders("softmax_cross_entropy")
    assert ladders.keys() == lab.LADDERS.keys()
    for name, ladder in ladders.items():
        assert [n[:-1] for n in ladder] == [n[:-1] for n in lab.LADDERS[name]]
        assert all(n[-1] == 2 for n in ladder)
    networks = lab.default_networks("softmax_cross_entropy")
    assert [(f.name, f.networks) for f in lab.families(networks, ladders)] \
        == [("width", ladders["width"]), ("depth", ladders["depth"])]
    assert all(lab.ladders(loss) is lab.LADDERS for loss in LOSSES
               if loss != "softmax_cross_entropy")
    assert lab.default_networks() == lab.LADDER


SMALL_LADDERS = {"width": ((1, 2, 1), (1, 4, 1)), "depth": ((1, 2, 1), (1, 2, 2, 1))}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_softmax_run_says_its_ladders_end_in_two_outputs(monkeypatch, lang):
    monkeypatch.setattr(lab, "LADDERS", SMALL_LADDERS)
    result = CliRunner().invoke(main, ["cost", "--loss", "softmax_cross_entropy", "--json",
                                       "--no-cse", "--symbolic-cap", "0", "--lang", lang])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [row["layers"] for row in data["rows"]] == [[1, 2, 2], [1, 4, 2], [1, 2, 2, 2]]
    assert (data["loss"], data["output_activation"], data["widened_outputs"]) \
        == ("softmax_cross_entropy", "softmax", True)
    assert [f["name"] for f in data["families"]] == ["width", "depth"]
    report_ = lab.measure(None, loss="softmax_cross_entropy", cap=0, shared=False)
    said = {"en": "The ladders end in 2 outputs, not 1: softmax_cross_entropy needs 2",
            "zh": "阶梯中的网络以 2 个输出结尾（而非 1 个）：softmax_cross_entropy 至少需要 2 个输出"}[lang]
    assert said in report.table(report_, lang)
    notes = ET.fromstring(plot.svg(report_, lang)).findall(f"{SVG}g[@class='notes']/{SVG}text")
    assert any(said in "".join(n.itertext()) for n in notes)


def test_the_default_networks_are_a_width_and_a_depth_ladder_from_the_seed():
    width, depth = lab.LADDERS["width"], lab.LADDERS["depth"]
    assert width[0] == depth[0] == (2, 3, 2, 1)
    assert all(len(n) == 4 and n[1:3] == (3 * 2 ** k, 2 * 2 ** k) for k, n in enumerate(width))
    assert all(n == (2,) + (3,) * (k + 1) + (2, 1) for k, n in enumerate(depth))
    assert set(lab.LADDER) == set(width) | set(depth) and len(set(lab.LADDER)) == len(lab.LADDER)
    assert [(f.name, f.networks) for f in lab.families(lab.LADDER)] \
        == [("width", width), ("depth", depth)]


@pytest.mark.parametrize("networks, expected", [
    ([(2, 3, 2, 1), (2, 6, 4, 1), (3, 5, 5, 1), (2, 3, 3, 2, 1)],
     [("width", [(2, 3, 2, 1), (2, 6, 4, 1)]), ("depth", [(2, 3, 2, 1), (2, 3, 3, 2, 1)]),
      ("layers", [(3, 5, 5, 1)])]),
    ([(2, 8, 8, 1), (2, 3, 2, 1), (2, 4, 3, 1), (2, 4, 4, 4, 1)],     # no ladder: by depth
     [("layers", [(2, 3, 2, 1), (2, 4, 3, 1), (2, 8, 8, 1)]), ("layers", [(2, 4, 4, 4, 1)])]),
])
def test_families_never_join_networks_of_two_shapes(networks, expected):
    assert [(f.name, list(f.networks)) for f in lab.families(networks)] == expected


def test_each_line_holds_one_family_only(ladder_report):
    model = plot.plot_model(ladder_report)
    members = {f.name: {"-".join(map(str, n)) for n in f.networks}
               for f in ladder_report.families}
    lines = {(s["method"], s["family"]): s for s in model["series"]}
    assert set(lines) == {(m, f) for m, *_ in plot.SERIES for f in ("width", "depth")}
    for (method, family), line in lines.items():
        named = [p["label"].split(":")[0] for p in line["points"]]
        assert set(named) <= members[family]
        xs = [p["x"] for p in line["points"]]
        assert xs == sorted(xs)                        # drawn left to right, in P
    # the jump the old plot drew, from 2-4-3-1 straight up to 2-3-3-2-1, cannot happen: no
    # line holds networks of two depths except the seed network they both start from
    for (method, family), line in lines.items():
        depths = {len(p["label"].split(":")[0].split("-")) for p in line["points"][1:]}
        assert len(depths) <= 1 if family == "width" else depths <= set(range(5, 9))


def _decades(model):
    xs, ys = model["x_ticks"], model["y_ticks"]
    return xs[1]["at"] - xs[0]["at"], ys[0]["at"] - ys[1]["at"]     # pixels per decade


def test_the_guides_rise_as_p_and_as_p_squared(ladder_report):
    model = plot.plot_model(ladder_report, "zh")
    per_x, per_y = _decades(model)
    slopes = [((g["y1"] - g["y2"]) / per_y) / ((g["x2"] - g["x1"]) / per_x)
              for g in model["guides"]]
    assert slopes == [pytest.approx(1, abs=0.01), pytest.approx(2, abs=0.01)]
    assert [g["label"] for g in model["guides"]] == ["∝ P", "∝ P²"]
    frame = model["frame"]
    for g in model["guides"]:                          # inside the axes
        for x, y in ((g["x1"], g["y1"]), (g["x2"], g["y2"])):
            assert frame["x"] - 0.5 <= x <= frame["x"] + frame["w"] + 0.5
            assert frame["y"] - 0.5 <= y <= frame["y"] + frame["h"] + 0.5


def test_each_method_has_its_own_marker_and_colour(ladder_report):
    root = ET.fromstring(plot.svg(ladder_report, "en"))
    shapes, colours = {}, {}
    for g in root.findall(f"{SVG}g[@class='series']"):
        marks = {m.get("data-shape") for m in g.findall(f"{SVG}path[@class='marker']")}
        assert len(marks) == 1
        shapes.setdefault(g.get("data-method"), set()).update(marks)
        colours.setdefault(g.get("data-method"), set()).add(g.get("stroke"))
    assert all(len(v) == 1 for v in shapes.values()) and all(len(v) == 1 for v in colours.values())
    assert len({v.pop() for v in shapes.values()}) == len(shapes) == 4
    assert len({v.pop() for v in colours.values()}) == 4
    # the two families differ in dash, drawn the same for every method
    dashes = {g.get("data-family"): g.find(f"{SVG}polyline").get("stroke-dasharray")
              for g in root.findall(f"{SVG}g[@class='series']")}
    assert dashes["width"] is None and dashes["depth"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_line_is_labelled_at_its_end_and_no_text_overlaps(ladder_report, lang):
    model = plot.plot_model(ladder_report, lang)
    labels = {label["text"]: label for label in model["end_labels"]}
    assert set(labels) == {line["name"] for line in model["series"]}
    for line in model["series"]:
        label, end = labels[line["name"]], line["points"][-1]
        near = abs(label["y"] - 4 - end["y"]) < 1 and abs(abs(label["x"] - end["x"]) - 9) < 1
        assert near or label["leader"] == {"x1": end["x"], "y1": end["y"], "x2": label["x"],
                                           "y2": label["y"] - 4}
        assert report.text(report.MESSAGES, line["method"], lang) in label["text"]
    boxes = [plot._text_box(l["x"], l["y"], l["text"], 11, l["anchor"])
             for l in model["end_labels"]]
    boxes += [plot._text_box(n["x"], n["y"], n["text"], 9, "middle") for n in model["names"]]
    for i, box in enumerate(boxes):
        assert not plot._overlaps(box, boxes[:i] + boxes[i + 1:])
        assert 0 <= box[0] and box[2] <= model["width"]


def test_networks_are_named_beside_their_points(ladder_report):
    model = plot.plot_model(ladder_report)
    named = {n["text"] for n in model["names"]}
    assert named <= {"-".join(map(str, n)) for n in lab.LADDER}
    assert {"2-3-2-1", "2-24-16-1", "2-48-32-1", "2-96-64-1"} <= named
    shown = {p["label"].split(":")[0] for s in model["series"] for p in s["points"]}
    assert shown == {"-".join(map(str, n)) for n in lab.LADDER}     # and all in tooltips


def test_the_y_label_reads_across_and_the_footnote_has_its_own_line(ladder_report):
    for lang in ("en", "zh"):
        root = ET.fromstring(plot.svg(ladder_report, lang))
        y_label = root.find(f"{SVG}text[@class='y-label']")
        x_label = root.find(f"{SVG}text[@class='x-label']")
        assert y_label.get("transform") is None
        assert y_label.text == report.text(report.MESSAGES, "svg_y", lang)
        assert float(y_label.get("y")) < float(root.find(f"{SVG}rect[@fill='none']").get("y"))
        notes = root.findall(f"{SVG}g[@class='notes']/{SVG}text")
        assert len(notes) == 3         # the networks; how to read the points; what naive lacks
        assert all(float(n.get("y")) >= float(x_label.get("y")) + 14 for n in notes)
        assert all(float(n.get("y")) <= float(root.get("height")) for n in notes)
        assert "half_squared_error" in "".join(notes[0].itertext())
        unfinished = sum("naive_symbolic" in row.skipped for row in ladder_report.rows)
        assert unfinished == 5 and f"{unfinished} " in "".join(notes[2].itertext())


# --- the command -----------------------------------------------------------------------------

def test_cli_json_shape(tmp_path):
    target = tmp_path / "report.svg"
    result = CliRunner().invoke(main, ["cost", "--layers", "1,1,1", "--layers", "1,2,1",
                                       "--json", "--svg", str(target), "--no-cse"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [row["layers"] for row in data["rows"]] == [[1, 1, 1], [1, 2, 1]]
    for row in data["rows"]:
        assert {"layers", "params", "forward_ops", "backprop_ops", "naive_symbolic_ops",
                "finite_difference_ops", "seconds"} <= set(row)
        assert set(row["seconds"]) >= {"backprop", "finite_difference", "naive_symbolic"}
        assert row["finite_difference_ops"] == 2 * row["params"] * row["forward_ops"]
    ET.parse(target)


def test_cli_table_in_chinese_and_a_skip_note():
    result = CliRunner().invoke(main, ["cost", "--layers", "2,2,1", "--symbolic-cap", "5",
                                       "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert "未尝试朴素符号求导" in result.output and "反向传播" in result.output


@pytest.mark.slow
def test_cli_counts_3_5_5_1_naively_by_default():
    result = CliRunner().invoke(main, ["cost", "--layers", "3,5,5,1", "--json", "--no-cse"])
    assert result.exit_code == 0, result.output
    row = json.loads(result.output)["rows"][0]
    assert row["skipped"] == {} and row["naive_symbolic_ops"] > row["finite_difference_ops"]
    assert 0 < row["seconds"]["naive_symbolic"] <= symbolic.SYMBOLIC_SECONDS


def test_cli_says_when_the_budget_stopped_the_naive_route():
    result = CliRunner().invoke(main, ["cost", "--layers", "2,16,16,1", "--time-budget", "0.5",
                                       "--no-cse"])
    assert result.exit_code == 0, result.output
    assert "2-16-16-1: naive symbolic stopped by its 0.5 s time budget" in result.output
    assert "--time-budget" in result.output


def test_cli_json_keeps_its_fields_and_names_the_families():
    result = CliRunner().invoke(main, ["cost", "--layers", "1,1,1", "--layers", "2,3,2,1",
                                       "--layers", "2,6,4,1", "--json", "--no-cse",
                                       "--symbolic-cap", "0"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"seed", "activation", "output_activation", "loss", "widened_outputs",
                         "rows", "shared", "families"}
    assert all(set(row) == {"layers", "params", "forward_ops", "backprop_ops",
                            "naive_symbolic_ops", "finite_difference_ops", "seconds",
                            "ops_by_kind", "skipped"} for row in data["rows"])
    assert data["families"] == [
        {"name": "width", "label": "width ladder", "networks": [[2, 3, 2, 1], [2, 6, 4, 1]]},
        {"name": "layers", "label": "3 layers", "networks": [[1, 1, 1]]}]
    assert all("safety cap" in row["skipped"]["naive_symbolic"] for row in data["rows"])


@pytest.mark.parametrize("activation, loss", [("tanh", "mean_squared_error"),
                                              ("relu", "binary_cross_entropy"),
                                              ("sigmoid", "softmax_cross_entropy")])
def test_cli_names_and_uses_the_activation_and_loss(tmp_path, seed_report, activation, loss):
    target = tmp_path / "cost.svg"
    result = CliRunner().invoke(main, ["cost", "--layers", "2,3,2", "--activation", activation,
                                       "--loss", loss, "--json", "--svg", str(target)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    output = LOSSES[loss]
    assert (data["activation"], data["output_activation"], data["loss"]) \
        == (activation, output, loss)
    row = data["rows"][0]
    problem = generate(0, (2, 3, 2), activation, loss=loss)
    assert row["forward_ops"] == forward_ops_by_theory((2, 3, 2), activation, loss)
    assert row["backprop_ops"] == row["forward_ops"] + backward_ops_by_theory((2, 3, 2),
                                                                               activation, loss)
    assert row["finite_difference_ops"] == 2 * params_of((2, 3, 2)) * row["forward_ops"]
    assert row["naive_symbolic_ops"] == symbolic.naive_symbolic(problem).ops
    # finite differences run on the chosen loss: the lab's pass (each layer's W, then its b)
    # is backprop's gradient
    grads = backprop(problem, forward(problem))
    by_layer = [np.ravel(g) for dW, db in zip(grads.dW, grads.db) for g in (dW, db)]
    np.testing.assert_allclose(lab._finite_difference_pass(problem), np.concatenate(by_layer),
                               rtol=1e-5, atol=1e-8)
    assert data["shared"]["subexpressions"] == []   # named only in an all-sigmoid network
    notes = ET.parse(target).getroot().findall(f"{SVG}g[@class='notes']/{SVG}text")
    assert f"{activation} hidden layers, {output} output, loss {loss}" in "".join(
        notes[0].itertext())
    for lang, said in (("en", f"Networks: {activation} hidden layers, {output} output, "
                              f"loss {loss}"),
                       ("zh", f"网络：隐藏层激活函数 {activation}，输出层 {output}，损失函数 {loss}")):
        table = CliRunner().invoke(main, ["cost", "--layers", "2,3,2", "--activation",
                                          activation, "--loss", loss, "--lang", lang,
                                          "--symbolic-cap", "0"])
        assert table.exit_code == 0 and said in table.output.splitlines()[1]
        # the reused values are named for the lesson's all-sigmoid network only, and it says so
        only = report.text(report.MESSAGES, "shared_sigmoid_only", lang)
        assert only in table.output and only not in report.table(seed_report, lang)


@pytest.mark.parametrize("args, lang, said", [
    (["--activation", "softplus"], "en", "unknown activation 'softplus'; choose from sigmoid, "
                                         "tanh, relu"),
    (["--activation", "softplus"], "zh", "未知的激活函数 'softplus'；可选：sigmoid, tanh, relu"),
    (["--loss", "hinge"], "en", "unknown loss 'hinge'; choose from half_squared_error"),
    (["--loss", "hinge"], "zh", "未知的损失函数 'hinge'；可选：half_squared_error"),
    (["--loss", "softmax_cross_entropy", "--layers", "2,3,2", "--layers", "2,3,2,1"], "en",
     "softmax_cross_entropy needs at least 2 outputs"),
    (["--loss", "softmax_cross_entropy", "--layers", "2,3,2,1"], "zh",
     "softmax_cross_entropy 至少需要 2 个输出"),
])
def test_cli_refuses_bad_names_in_either_language(args, lang, said):
    result = CliRunner().invoke(main, ["cost", "--lang", lang, *args])
    assert result.exit_code == 2, result.output
    assert said in " ".join(result.output.split()) and "Traceback" not in result.output
    assert "µs" not in result.output                  # refused before anything was timed


@pytest.mark.parametrize("layers", ["2,x,1", "3", "2,0,1", "2,99999,1"])
def test_cli_rejects_bad_layers(layers):
    result = CliRunner().invoke(main, ["cost", "--layers", layers])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_cli_unwritable_svg_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["cost", "--layers", "1,1,1", "--no-cse",
                                       "--svg", str(tmp_path / "missing" / "x.svg")])
    assert result.exit_code == 2 and "cannot write" in result.output


def test_cost_runs_as_a_command_of_its_own():
    done = subprocess.run([sys.executable, "-m", "grader", "cost", "--layers", "1,1,1",
                           "--no-cse", "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rows"][0]["params"] == params_of((1, 1, 1))


# --- step18: the learner's own naive gradient ---------------------------------------------------

def step18_values(seed=0):
    step = registry.get("step18")
    ref = reference(generate(seed))
    return {name: ref[name] for name in step.context}, ref


def test_net_loss_is_L_with_parameters_replaced():
    values, ref = step18_values()
    net = Context(values, "step18")
    assert net.loss() == pytest.approx(ref["L"], rel=1e-15)
    problem = generate(0)
    W1 = np.array(problem.weights[0])
    W1[2, 1] += 0.25
    changed = run(problem, weights=(W1,) + problem.weights[1:]).loss
    assert net.loss(w1_32=ref["w1_32"] + 0.25) == pytest.approx(changed, rel=1e-15)
    assert net.loss({"w1_32": ref["w1_32"] + 0.25}) == pytest.approx(changed, rel=1e-15)
    assert usage(net) == {"loss_calls": 3}


@pytest.mark.parametrize("call, error", [
    (lambda loss: loss(x1=0.5), KeyError),
    (lambda loss: loss(w9=0.5), KeyError),
    (lambda loss: loss(v1="0.5"), TypeError),
    (lambda loss: loss(v1=True), TypeError),
])
def test_net_loss_refuses_what_is_not_a_parameter(call, error):
    values, _ = step18_values()
    with pytest.raises(error):
        call(CountedLoss(values, registry.PARAMETERS))


def test_other_steps_have_no_loss_function():
    values, _ = step18_values()
    net = Context(values, "step17")
    assert "loss" not in net and usage(net) == {}


def test_stub_is_the_rendering_and_not_started():
    step = registry.get("step18")
    assert (ROOT / "exercises" / step.file_name).read_text(encoding="utf-8") == stubs.render(step)
    result = checking.check(["step18"], ROOT / "exercises").results[0]
    assert result.status == "not_started" and result.cost is None


def test_solution_passes_and_reports_its_cost():
    result = checking.check(["step18"], ROOT / "solutions").results[0]
    assert result.status == "passed", result.message
    P = params_of((2, 3, 2, 1))
    assert result.cost["loss_calls"] == 2 * P
    assert result.cost["learner_ops"] == 2 * P * result.cost["forward_ops"]
    assert result.cost["backprop_ops"] == counting.backprop_ops(generate(0))
    assert f"{2 * P} forward passes" in result.message


def test_code_that_never_calls_loss_is_told_the_naive_cost(tmp_path):
    (tmp_path / "step18.py").write_text(
        "def step18(net):\n    return {'dL_d' + k: 0.0 for k in " + repr(registry.PARAMETERS)
        + "}\n", encoding="utf-8")
    result = checking.check(["step18"], tmp_path, lang="zh").results[0]
    assert result.status == "failed" and result.cost["loss_calls"] == 0
    assert "没有调用 net.loss" in result.message


@pytest.mark.parametrize("extras", [
    {"loss_calls": [1, 2]}, {"loss_calls": "40"}, {"loss_calls": [True] * 5},
    {"loss_calls": [-1] * 5}, {"other": [1] * 5}, [40] * 5,
])
def test_malformed_counts_from_the_child_are_refused(extras):
    answer = {"values": {"dL_d" + name: 0.1 for name in registry.PARAMETERS}}
    keys = ["dL_d" + name for name in registry.PARAMETERS]
    data = {"kind": "answers", "answers": [answer] * 5, "extras": extras}
    outcome = sandbox.trusted(json.loads(json.dumps(data)), 5, keys, "en")
    assert outcome.kind == "error" and outcome.extras == {}


def test_wellformed_counts_reach_the_outcome():
    answer = {"values": {"dL_d" + name: 0.1 for name in registry.PARAMETERS}}
    keys = ["dL_d" + name for name in registry.PARAMETERS]
    data = {"kind": "answers", "answers": [answer] * 5, "extras": {"loss_calls": [40] * 5}}
    assert sandbox.trusted(data, 5, keys, "en").extras == {"loss_calls": [40] * 5}


def test_learner_cost_message_in_both_languages():
    info = lab.learner_cost(40, generate(0))
    assert math.isclose(info["learner_ops"] / info["backprop_ops"],
                        40 * info["forward_ops"] / info["backprop_ops"])
    assert "40" in lab.learner_cost_message(info, "en")
    assert "40" in lab.learner_cost_message(info, "zh") and "反向传播" in \
        lab.learner_cost_message(info, "zh")


def test_shared_subexpressions_are_not_named_like_the_inputs():
    from grader.cost.lab import measure

    report = measure([(2, 3, 2, 1)], seed=0, shared=True)
    symbols = [s.symbol for s in report.shared]
    assert symbols and all(s.startswith("s") for s in symbols)
    assert "x1" in report.shared[0].expression          # the input keeps its own name


# --- a learner's own step20, timed beside the engine's backward pass ------------------------

def test_your_full_backward_pass_is_timed_on_every_network_beside_the_engines():
    from conftest import SOLUTIONS

    networks = [(2, 3, 2, 1), (2, 6, 4, 1), (2, 3, 3, 2, 1)]
    problems = [generate(0, layers) for layers in networks]
    found = lab.learner_full_pass(SOLUTIONS, problems)
    assert found["status"] == "passed"
    assert [row["layers"] for row in found["rows"]] == [list(n) for n in networks]
    assert all(0 < row["seconds"] < 1 and 0 < row["reference_seconds"] < 1
               for row in found["rows"])
    result = CliRunner().invoke(main, ["cost", "--layers", "2,3,2,1", "--time-budget", "0",
                                       "--no-cse", "--yours", "--exercises", str(SOLUTIONS),
                                       "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["yours"]["rows"][0]["layers"] == [2, 3, 2, 1]


@pytest.mark.parametrize("lang, words", [("en", "is not_started"), ("zh", "状态是 not_started")])
def test_your_backward_pass_is_timed_only_once_it_is_right(tmp_path, lang, words):
    from conftest import EXERCISES

    found = lab.learner_full_pass(EXERCISES, [generate(0, (2, 3, 2, 1))])
    assert found == {"file": str(EXERCISES / "step20.py"), "status": "not_started", "rows": []}
    assert lab.learner_full_pass(tmp_path, [generate(0, (2, 3, 2, 1))])["status"] == "missing"
    result = CliRunner().invoke(main, ["cost", "--layers", "2,3,2,1", "--time-budget", "0",
                                       "--no-cse", "--yours", "--exercises", str(EXERCISES),
                                       "--lang", lang])
    assert result.exit_code == 0 and words in result.output


def test_call_times_come_back_as_strictly_read_floats():
    from grader.sandbox.outcome import trusted

    report = {"kind": "answers", "answers": [{"values": {"value": 1.0}}],
              "extras": {"seconds": [0.5]}}
    assert trusted(report, 1, None, "en").extras == {"seconds": [0.5]}
    for bad in ([-1.0], [1], ["0.1"], [0.1, 0.2], [float("nan")]):
        assert trusted({**report, "extras": {"seconds": bad}}, 1, None, "en").kind == "error"

"""grader.cost: the work of one gradient by three routes, counted from what actually runs."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import sympy
from click.testing import CliRunner

from grader.checking import check as checking

from grader.cost import counting, lab, report, symbolic

from grader.steps import registry, stubs

from grader import sandbox
from grader.cli import main
from grader.steps.context import Context, CountedLoss, usage
from grader.engine.forward import forward, run
from grader.engine.generators import generate
from grader.steps.quantities import reference

ROOT = Path(__file__).resolve().parents[1]
TINY = ((1, 1, 1), (1, 2, 1), (2, 2, 1))
SVG = "{http://www.w3.org/2000/svg}"


def params_of(layers) -> int:
    return sum(n_in * n_out + n_out for n_in, n_out in zip(layers[:-1], layers[1:]))


def forward_ops_by_theory(layers) -> int:
    """A layer of n_out neurons with n_in inputs: n_out(2 n_in − 1) for W h, n_out for + b,
    4 n_out for σ = 1/(1 + e^(−z)); then L = ½ Σ (y − t)²: n − 1 sums and 3 per output."""
    ops = 0
    for n_in, n_out in zip(layers[:-1], layers[1:]):
        ops += n_out * (2 * n_in - 1) + n_out + 4 * n_out
    n = layers[-1]
    return ops + 2 * n + (n - 1) + 1


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


@pytest.fixture(scope="module")
def seed_report():
    return lab.measure([(2, 3, 2, 1), (1, 2, 1), (4, 16, 16, 1)])


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
    for lang in ("en", "zh"):
        root = ET.fromstring(report.svg(seed_report, lang))
        series = root.findall(f"{SVG}g[@class='series']")
        assert len(series) == 3
        counts = [len(g.findall(f"{SVG}circle")) for g in series]
        assert counts == [3, 3, 2]            # naive symbolic: not for 4-16-16-1


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
    assert "跳过朴素符号求导" in result.output and "反向传播" in result.output


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

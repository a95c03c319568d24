"""steps 20 and 21, the whole backward pass of any network and over a mini-batch: the step,
its networks drawn per problem, lists of arrays in and out, its diagnosis
(grader.steps.full_pass, grader.checking.diagnosis.full_pass, bpgrade_harness.answers)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import SOLUTIONS
from grader.checking import check as checking
from grader.checking.diagnosis import full_pass as diagnosis
from grader.checking.problems import ProblemSet
from grader.cli import main
from grader.sandbox.answers import PER_TRIAL, decode, encode
from grader.sandbox.outcome import trusted
from grader.steps import full_pass, registry
from bpgrade_harness.net import Context

STEP20, STEP21 = registry.get("step20"), registry.get("step21")
SEEDS = (0, 11, 2024)


def _references(step, seed: int = 0) -> list:
    return ProblemSet(seed).references_for(step)


def _check(step, folder, lang: str = "en", seed: int = 0):
    return checking.check([step.id], folder, seed=seed, lang=lang).results[0]


def _slipped(tmp_path, step, old: str, new: str):
    """The step's solution with one slip written in."""
    source = (SOLUTIONS / step.file_name).read_text(encoding="utf-8")
    assert old in source
    (tmp_path / step.file_name).write_text(source.replace(old, new), encoding="utf-8")
    return tmp_path


# --- the networks: one per problem, each another depth, activation and loss -----------------

@pytest.mark.parametrize("step", [STEP20, STEP21], ids=lambda s: s.id)
def test_every_problem_of_a_check_is_another_network(step):
    references = _references(step)
    flavours = [(r["activation"], r["loss_name"], len(r["W"]["layers"])) for r in references]
    assert flavours[0] == ("sigmoid", "half_squared_error", 3)       # the visible one
    assert len(set(flavours)) == len(flavours) == 5
    assert {a for a, _, _ in flavours} == {"sigmoid", "tanh", "relu"}
    assert {loss for _, loss, _ in flavours} == {"half_squared_error", "mean_squared_error",
                                                 "binary_cross_entropy", "softmax_cross_entropy"}
    assert {depth for _, _, depth in flavours} == {2, 3, 4}
    for reference in references:
        outputs = len(reference["W"]["layers"][-1])
        softmax = reference["loss_name"] == "softmax_cross_entropy"
        assert reference["output_activation"] == ("softmax" if softmax else "sigmoid")
        assert outputs >= 2 or not softmax


def test_problems_are_drawn_from_the_seeds_alone():
    assert _references(STEP20, 5) == _references(STEP20, 5)
    assert _references(STEP20, 5)[0] != _references(STEP20, 6)[0]
    # classroom grading: further problems from seeds the student cannot compute
    graded = ProblemSet(5, further_seeds=[91, 92, 93, 94]).references_for(STEP20)
    assert graded[0] == _references(STEP20, 5)[0] and graded[1] != _references(STEP20, 5)[1]


def test_a_batch_holds_three_to_five_examples_as_columns():
    for seed in SEEDS:
        for reference in _references(STEP21, seed):
            size = len(reference["x"][0])
            assert full_pass.BATCH_SIZES[0] <= size <= full_pass.BATCH_SIZES[1]
            assert all(len(row) == size for row in reference["y_target"])
            for z, h, w in zip(reference["z"]["layers"], reference["h"]["layers"],
                               reference["W"]["layers"]):
                assert np.shape(z) == np.shape(h) == (len(w), size)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("step", [STEP20, STEP21], ids=lambda s: s.id)
def test_reference_agrees_with_finite_differences_and_the_written_pass(step, seed):
    problems = ProblemSet(seed)
    for index, reference in enumerate(problems.references_for(step)):
        witness = problems.finite_difference_for(step, index)
        names = [name for _, name in step.items_for(reference)]
        assert set(witness) == set(names)
        assert all(witness[n] == pytest.approx(reference[n], rel=1e-5, abs=1e-9) for n in names)
        # the diagnosis's own pass, without a slip, is the engine's
        dW, db = diagnosis.backward(reference)
        flat = np.concatenate([g.ravel() for g in dW + db]).tolist()
        assert flat == pytest.approx([reference[n] for n in names], rel=1e-10, abs=1e-15)


def test_relu_pre_activations_keep_away_from_the_kink():
    for seed in SEEDS:
        for reference in _references(STEP21, seed):
            if reference["activation"] == "relu":
                hidden = reference["z"]["layers"][:-1]
                assert min(abs(v) for z in hidden for v in np.ravel(z)) >= 1e-3


# --- net, and the answer as lists of arrays --------------------------------------------------

def test_net_holds_tuples_of_read_only_arrays_and_names():
    values = {name: _references(STEP20)[2][name] for name in STEP20.context}
    net = Context(values, "step20")
    assert isinstance(net.W, tuple) and len(net.W) == 4 and net.W[0].ndim == 2
    assert net.activation == "relu" and net.loss_name == "binary_cross_entropy"
    with pytest.raises(ValueError):
        net.W[0][0, 0] = 1.0
    with pytest.raises(AttributeError):
        net.W = []


SPEC = {"dW": [[3, 2], [1, 3]], "db": [[3], [1]]}
GOOD = {"dW": [np.ones((3, 2)), [[1.0, 2.0, 3.0]]], "db": (np.zeros(3), np.ones(1))}


def test_a_list_of_arrays_is_sent_as_nested_lists_and_read_entry_by_entry():
    sent = encode(GOOD, SPEC)
    assert sent == {"values": {"dW": [np.ones((3, 2)).tolist(), [[1.0, 2.0, 3.0]]],
                               "db": [[0.0, 0.0, 0.0], [1.0]]}}
    read = decode(json.loads(json.dumps(sent)), SPEC)["values"]
    assert read["dW[0][2,1]"] == 1.0 and read["dW[1][0,2]"] == 3.0 and read["db[1][0]"] == 1.0
    assert len(read) == 6 + 3 + 3 + 1


@pytest.mark.parametrize("dW, category, words", [
    ([np.ones((3, 2))], "shape", "a list of 1 arrays; the network has 2 layers of weights"),
    (np.ones((3, 2)), "type", "not a list of arrays"),
    (None, "none", "not a list of arrays"),
    ([np.ones((3, 2)), np.ones((3, 1))], "shape", "[dW][1] an array of shape (3, 1); (1, 3)"),
    ([np.ones((3, 2)), np.array([[1.0, np.nan, 0.0]])], "not_finite", "[dW][1]"),
    ([np.ones((3, 2)), np.ones((1, 3), dtype=complex)], "dtype", "[dW][1]"),
    ([np.ones((3, 2)), [[1.0, "2", 3.0]]], "str", "[dW][1]"),
])
def test_an_invalid_list_of_arrays_says_what_and_where(dW, category, words):
    sent = encode({"dW": dW, "db": GOOD["db"]}, SPEC)
    assert sent["invalid"] == category and sent["key"] == "dW" and words in sent["detail"]
    assert decode(json.loads(json.dumps(sent)), SPEC)["invalid"] == category


def test_an_invalid_list_in_chinese():
    sent = encode({"dW": [np.ones((3, 2))], "db": GOOD["db"]}, SPEC, "zh")
    assert "网络有 2 层权重" in sent["detail"]


@pytest.mark.parametrize("data", [
    {"values": {"dW": [[[1.0] * 2] * 3], "db": [[0.0] * 3, [1.0]]}},          # a layer short
    {"values": {"dW": [[[1.0] * 2] * 3, [[1.0] * 3], []], "db": [[0.0] * 3, [1.0]]}},
    {"values": {"dW": [[[1.0] * 2] * 3, [[1.0, 2.0]]], "db": [[0.0] * 3, [1.0]]}},
    {"values": {"dW": [[[1.0] * 2] * 3, [[1.0, 2.0, True]]], "db": [[0.0] * 3, [1.0]]}},
    {"invalid": "shape", "detail": "x", "key": "dW", "layer": 2},
    {"invalid": "shape", "detail": "x", "key": "dW", "layer": "0"},
    {"invalid": "shape", "detail": "x", "layer": 0},
])
def test_the_grader_trusts_nothing_it_is_sent(data):
    with pytest.raises(ValueError):
        decode(data, SPEC)


def test_each_trial_has_its_own_keys():
    keys = {PER_TRIAL: [SPEC, {"dW": [[1, 1]], "db": [[1]]}]}
    report = {"kind": "answers", "answers": [encode(GOOD, SPEC),
                                             {"values": {"dW": [[[2.0]]], "db": [[0.5]]}}]}
    outcome = trusted(report, 2, keys, "en")
    assert outcome.kind == "answers" and outcome.answers[1]["values"] == {"dW[0][0,0]": 2.0,
                                                                         "db[0][0]": 0.5}
    assert trusted(report, 3, keys, "en").kind == "error"          # no keys for a third trial
    swapped = {PER_TRIAL: [keys[PER_TRIAL][1], SPEC]}
    assert trusted(report, 2, swapped, "en").kind == "error"


# --- the check ---------------------------------------------------------------------------------

@pytest.mark.parametrize("step", [STEP20, STEP21], ids=lambda s: s.id)
def test_the_solution_passes_and_shows_the_finite_differences(step):
    result = _check(step, SOLUTIONS)
    assert result.status == "passed" and result.score == step.points
    assert result.rows[0].key == "dW[0][0,0]"
    assert result.rows[0].finite_difference == pytest.approx(result.rows[0].expected, rel=1e-5)


def test_code_for_one_network_only_fails_on_the_others(tmp_path):
    _slipped(tmp_path, STEP20, "    if net.loss_name in", "    if False and net.loss_name in")
    result = _check(STEP20, tmp_path)
    assert result.status == "failed" and not result.shown_visible
    missed = _references(STEP20)[2]             # the first other network: relu, cross-entropy
    layers = [len(missed["x"])] + [len(w) for w in missed["W"]["layers"]]
    assert f"{'-'.join(map(str, layers))} with relu and binary_cross_entropy" in result.message
    assert "relu" in _check(STEP20, tmp_path, "zh").message


def test_a_list_one_layer_short_is_invalid_with_the_number_of_layers(tmp_path):
    _slipped(tmp_path, STEP20, 'return {"dW": dW, "db": db}', 'return {"dW": dW[1:], "db": db}')
    result = _check(STEP20, tmp_path)
    assert result.status == "invalid" and result.score == 0
    assert "3 layers of weights, so 3 arrays are expected" in result.message
    zh = _check(STEP20, tmp_path, "zh")
    assert "3 层权重" in zh.message


# Each code with a slipped solution file: (step, code, what the solution says, the slip).
_DELTA = "delta = (net.W[k].T @ delta) * slope(net.activation, net.z[k - 1], net.h[k - 1])"
SLIPPED = [
    (STEP20, "sign_flipped", 'return {"dW": dW, "db": db}',
     'return {"dW": [-g for g in dW], "db": [-g for g in db]}'),
    (STEP20, "softmax_missing", "        return y - t\n",
     "        return (z if net.output_activation == 'softmax' else y) - t\n"),
    (STEP21, "softmax_missing", "        delta = y - t\n",
     "        delta = (z if net.output_activation == 'softmax' else y) - t\n"),
    (STEP21, "sum_not_mean", "dW[k] = delta @ inputs[k].T / B", "dW[k] = delta @ inputs[k].T"),
    (STEP20, "missing_activation_derivative", _DELTA, "delta = net.W[k].T @ delta"),
    (STEP20, "derivative_at_preactivation", _DELTA,
     "delta = (net.W[k].T @ delta) * slope(net.activation, net.z[k - 1], net.z[k - 1])"),
    (STEP21, "derivative_at_preactivation", "slope(net.output_activation, z, y)",
     "slope(net.output_activation, z, z)"),
    (STEP20, "wrong_layer_derivative", _DELTA,
     "delta = net.W[k].T @ (delta * slope(net.activation if k < len(net.W) - 1 "
     "else net.output_activation, net.z[k], net.h[k]))"),
]


@pytest.mark.parametrize("step, code, old, new", SLIPPED, ids=[f"{s.id}-{c}" for s, c, _, _ in SLIPPED])
def test_each_slip_is_named(tmp_path, step, code, old, new):
    result = _check(step, _slipped(tmp_path, step, old, new))
    assert result.status == "failed" and result.diagnosis["code"] == code
    assert result.diagnosis["message"].startswith("[dW]")
    assert all(found is None or found["code"] == code
               for found in result.diagnosis["per_key"].values())
    zh = _check(step, tmp_path, "zh")
    assert zh.diagnosis["code"] == code and zh.diagnosis["message"] != result.diagnosis["message"]


def test_sum_not_mean_in_the_biases_alone_scores_the_weights(tmp_path):
    _slipped(tmp_path, STEP21, "db[k] = delta.sum(axis=1) / B", "db[k] = delta.sum(axis=1)")
    result = _check(STEP21, tmp_path)
    assert result.diagnosis["code"] == "sum_not_mean" and result.diagnosis["key"] == "db"
    assert result.score == STEP21.points / 2
    assert result.diagnosis["formula_text"] == "∂L/∂b⁽ˡ⁾ = δ⁽ˡ⁾ 𝟏"


def test_a_missing_transpose_is_read_from_numpys_error(tmp_path):
    _slipped(tmp_path, STEP20, "delta = (net.W[k].T @ delta)", "delta = (net.W[k] @ delta)")
    result = _check(STEP20, tmp_path)
    assert result.status == "error" and result.diagnosis["code"] == "missing_transpose"


def test_the_outer_product_in_the_wrong_order_is_read_from_the_shape(tmp_path):
    _slipped(tmp_path, STEP20, "np.outer(delta, inputs[k])", "np.outer(inputs[k], delta)")
    result = _check(STEP20, tmp_path)
    assert result.status == "invalid" and result.diagnosis["code"] == "outer_product_order"
    assert "dW[0]" in result.diagnosis["message"]


def test_a_list_right_to_a_few_digits_is_told_so(tmp_path):
    _slipped(tmp_path, STEP20, 'return {"dW": dW, "db": db}',
             'return {"dW": [np.round(g, 6) for g in dW], "db": db}')
    result = _check(STEP20, tmp_path)
    assert result.status == "failed" and result.diagnosis["key"] == "dW"
    assert "significant digits" in result.diagnosis["message"]


def test_a_wrong_answer_without_a_known_slip_is_not_named(tmp_path):
    _slipped(tmp_path, STEP20, "        db[k] = delta\n", "        db[k] = delta * 1.5\n")
    result = _check(STEP20, tmp_path)
    assert result.status == "failed" and result.diagnosis is None
    assert result.score == STEP20.points / 2


def test_a_right_pass_written_otherwise_is_never_flagged(tmp_path):
    _slipped(tmp_path, STEP20, "dW[k] = np.outer(delta, inputs[k])",
             "dW[k] = (delta[:, None] * inputs[k][None, :]).astype(np.float32)")
    assert _check(STEP20, tmp_path).status == "passed"


# --- the command line ------------------------------------------------------------------------

def test_check_json_keeps_a_row_per_entry_and_show_prints_the_network(tmp_path):
    runner = CliRunner()
    out = runner.invoke(main, ["check", "step20", "step21", "--exercises", str(SOLUTIONS),
                               "--json"])
    assert out.exit_code == 0, out.output
    results = json.loads(out.output)["results"]
    assert [r["status"] for r in results] == ["passed", "passed"]
    assert isinstance(results[0]["inputs"], dict)
    shown = runner.invoke(main, ["show", "step20", "--seed", "0"])
    assert shown.exit_code == 0, shown.output
    assert "net.W" in shown.output

"""step22, training XOR: the drawn problems, the reference run, the three graded parts and
their diagnoses, and hostile runs (grader.steps.training, grader.engine.training,
grader.checking.training)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from grader import classroom
from grader.checking import check as checking
from grader.cli import main
from grader.engine import training
from grader.engine.backprop import backprop
from grader.engine.forward import run as forward_run
from grader.engine.generators import Problem
from grader.steps import stubs
from grader.steps.training import _DRAWN, PARAMETERS, STEP

SEEDS = (0, 7, 2024)
SECRET = "test-course-secret"
CJK = re.compile(r"[\u4e00-\u9fff]")
SOLUTION = Path(__file__).resolve().parents[1] / "solutions" / STEP.file_name

# The solution's loop with one line changed: (old, new) replacements of its text.
FORWARD_AND_BACKWARD = SOLUTION.read_text(encoding="utf-8")


def _learner(tmp_path, *changes, source: str | None = None):
    """The solution with each (old, new) change made (each must be there), or ``source``."""
    text = FORWARD_AND_BACKWARD if source is None else source
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    (tmp_path / STEP.file_name).write_text(text, encoding="utf-8")
    return tmp_path


def _check(folder, lang: str = "en", timeout: float = 5.0):
    return checking.check([STEP.id], folder, seed=0, lang=lang, timeout=timeout).results[0]


# --- the problem and the reference run ---------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_a_draw_is_pure_readable_and_trains_below_the_threshold(seed):
    first = STEP.reference(seed)
    _DRAWN.clear()                                # drawn again, alone: the same numbers
    again = STEP.draw(seed)
    held = STEP.held(first)
    assert held["W1"] == again["params"][0].tolist()
    for name in PARAMETERS:                       # two decimals, as a person reads them
        values = np.array(held[name])
        assert np.array_equal(values, np.round(values, 2)) and np.abs(values).max() <= 1
    assert held["learning_rate"] in STEP.rates and held["epochs"] == STEP.epochs == 200
    epochs = held["sample_epochs"]
    assert epochs[:2] == [0, 1] and epochs == sorted(set(epochs)) and epochs[-1] < STEP.epochs
    assert all(type(e) is int for e in epochs)
    assert STEP.reference_run(first)["loss"] < STEP.threshold


def test_draws_differ_between_seeds_and_from_the_seed_network():
    assert STEP.held(STEP.reference(0))["W1"] != STEP.held(STEP.reference(1))["W1"]


@pytest.mark.parametrize("seed", SEEDS)
def test_batch_gradients_are_the_engines_backprop_averaged_and_agree_with_differences(seed):
    drawn = STEP.draw(seed)
    X, T = drawn["X"], drawn["T"]
    params = drawn["kept"][drawn["sample_epochs"][-1]][0]       # somewhere in the run
    problem = Problem(seed=seed, layers=STEP.layers, activation="sigmoid",
                      output_activation="sigmoid", x=X, y_target=T, eta=drawn["eta"],
                      weights=(params[0], params[2]), biases=(params[1], params[3]),
                      loss=training.LOSS)
    trace = forward_run(problem)                  # every example at once, as a leading axis
    each = backprop(problem, trace)
    expected = (each.dW[0].mean(0), each.db[0].mean(0), each.dW[1].mean(0), each.db[1].mean(0))
    got = training.gradients(params, X, T)
    assert training.loss(params, X, T) == pytest.approx(float(np.mean(trace.loss)), rel=1e-12)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-15)
    for k, p in enumerate(params):                # central differences of the mean loss
        for index in np.ndindex(p.shape):
            moved = [list(map(np.copy, params)) for _ in range(2)]
            moved[0][k][index] += 1e-6
            moved[1][k][index] -= 1e-6
            difference = (training.loss(moved[0], X, T) - training.loss(moved[1], X, T)) / 2e-6
            assert got[k][index] == pytest.approx(difference, rel=1e-5, abs=1e-8)


def test_a_stack_of_networks_trains_each_as_alone():
    drawn = [STEP.draw(seed) for seed in SEEDS]
    stacked = tuple(np.stack([d["params"][k] for d in drawn]) for k in range(4))
    final, _ = training.train(stacked, drawn[0]["X"], drawn[0]["T"], 4.0, 20)
    for i, d in enumerate(drawn):
        alone, _ = training.train(d["params"], d["X"], d["T"], 4.0, 20)
        for a, b in zip(alone, final):
            np.testing.assert_allclose(a, b[i], rtol=1e-12, atol=1e-15)


def test_it_runs_on_the_visible_problem_and_two_further_ones():
    problem_set = checking.ProblemSet(0)
    contexts = checking.contexts_for(STEP, problem_set, "en")
    assert len(contexts) == STEP.trials == 3 < len(problem_set.seeds)
    assert [STEP.held(reference) for reference in problem_set.references[:3]] \
        == [values for values, _, _ in contexts]
    assert all("step22.W1" not in reference for reference in problem_set.references[3:])
    assert _check(SOLUTION.parent).problems == 3


def test_net_holds_counts_as_ints_and_no_reference():
    values, _, _ = checking.contexts_for(STEP, checking.ProblemSet(0), "en")[0]
    assert set(values) == set(STEP.offered)
    from bpgrade_harness.net import Context

    net = Context(json.loads(json.dumps(values)), STEP.id)
    assert type(net.epochs) is int and all(type(e) is int for e in net.sample_epochs)
    assert net.W1.shape == (4, 2) and not net.W1.flags.writeable
    with pytest.raises(AttributeError):
        net.reference


# --- the step in the table: stub, hints, titles --------------------------------------------

def test_title_stub_and_hints():
    assert STEP.title == {"en": "Training XOR", "zh": "训练 XOR"}
    stub = stubs.render(STEP)
    assert "def step22(net)" in stub and "200 epochs" in stub and "net.sample_epochs" in stub
    docstring = stubs.docstring(STEP)
    assert all(len(line) <= 88 for line in docstring.splitlines() if not CJK.search(line))
    assert "Δ⁽¹⁾ = (Δ⁽²⁾ W⁽²⁾)" in stubs.render(STEP, "full")
    assert "Δ⁽¹⁾" not in stubs.render(STEP, "faded")
    for lang in ("en", "zh"):
        assert "net." not in STEP.hints[1][lang] and "Δ⁽¹⁾ =" not in STEP.hints[1][lang]
        assert "Δ⁽¹⁾ = (Δ⁽²⁾ W⁽²⁾) ⊙ H ⊙ (1−H)" in STEP.hints[3][lang]


# --- grading -----------------------------------------------------------------------------

def test_the_solution_passes_every_part_in_json():
    result = CliRunner().invoke(main, ["check", "step22", "--exercises",
                                       str(SOLUTION.parent), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)["results"][0]
    assert data["status"] == "passed" and data["score"] == data["max_score"] == 3
    assert {"step", "status", "score", "max_score", "message", "diagnosis"} <= set(data)
    assert data["message"] == "gradients passed; training passed; final loss passed"
    assert data["rows"][-1]["key"] == "L" and data["rows"][-1]["received"] < 0.1
    gradients = [row for row in data["rows"] if row["key"].startswith("sample_d")]
    assert len(gradients) == 4 * (8 + 4 + 4 + 1)        # every entry of every sampled epoch
    for row in gradients:                               # the witness: differences of L alone
        assert row["finite_difference"] == pytest.approx(row["expected"], rel=1e-5, abs=1e-9)


def test_a_gradient_with_its_sign_flipped_fails_and_is_named(tmp_path):
    folder = _learner(tmp_path, ("D2 = (Y - T) / len(X)", "D2 = (T - Y) / len(X)"))
    result = _check(folder)
    assert result.status == "failed" and result.score == 0
    assert result.diagnosis["code"] == "sign_flipped" and result.diagnosis["part"] == "gradients"
    assert result.message.startswith("gradients failed on 3 of 3 problems")
    zh = _check(folder, "zh")
    assert "符号反了" in zh.diagnosis["message"] and "梯度在 3 个问题中" in zh.message


@pytest.mark.parametrize("change,code", [
    (("D2 = (Y - T) / len(X)", "D2 = (Y - T)"), "sum_not_mean"),
    (("D2 = (Y - T) / len(X)", "D2 = 2 * (Y - T) / len(X)"), "factor_of_two"),
    (("D1 = (D2 @ W2) * H * (1 - H)", "D1 = D2 @ W2"), "missing_activation_derivative"),
    (("D2 = (Y - T) / len(X)", "D2 = (Y - T) * Y * (1 - Y) / len(X)"), "extra_factor"),
])
def test_gradient_slips_are_named(tmp_path, change, code):
    result = _check(_learner(tmp_path, change))
    assert result.status == "failed" and result.diagnosis["code"] == code


def test_right_gradients_with_a_wrong_update_keep_the_gradient_part(tmp_path):
    source = FORWARD_AND_BACKWARD.replace(" - eta * d", " + eta * d")
    result = _check(_learner(tmp_path, source=source))
    assert result.status == "failed" and result.score == 1
    assert result.diagnosis == {"code": "sign_flipped", "part": "training",
                                "message": result.diagnosis["message"]}
    assert "up the gradient" in result.diagnosis["message"]


def test_an_update_without_eta_is_named(tmp_path):
    source = FORWARD_AND_BACKWARD.replace(" - eta * d", " - d")
    result = _check(_learner(tmp_path, source=source))
    assert result.diagnosis["code"] == "missing_learning_rate" and result.score == 1


def test_samples_that_alias_the_updated_arrays_are_named(tmp_path):
    source = FORWARD_AND_BACKWARD.replace("kept[name].append(value.copy())",
                                          "kept[name].append(value)")
    source = source.replace(                     # updated in place: kept arrays change too
        "W1, b1, W2, b2 = W1 - eta * dW1, b1 - eta * db1, W2 - eta * dW2, b2 - eta * db2",
        "W1 -= eta * dW1; b1 -= eta * db1; W2 -= eta * dW2; b2 -= eta * db2")
    result = _check(_learner(tmp_path, source=source))
    # the gradients were right on weights the samples no longer hold: no part is earned
    assert result.diagnosis["code"] == "aliased_samples" and result.score == 0


def test_stopping_short_of_the_epochs_is_not_converged(tmp_path):
    stops = []                    # the loss where the loop below stops, on seed 0's problems
    for seed in checking.ProblemSet(0).seeds[:STEP.trials]:
        drawn = STEP.draw(seed)
        params, _ = training.train(drawn["params"], drawn["X"], drawn["T"], drawn["eta"],
                                   max(drawn["sample_epochs"]) + 1)
        stops.append(training.loss(params, drawn["X"], drawn["T"]))
    assert max(stops) > STEP.threshold > min(stops)
    result = _check(_learner(tmp_path, ("for epoch in range(net.epochs):",
                                        "for epoch in range(max(net.sample_epochs) + 1):")))
    assert result.status == "failed" and result.diagnosis["code"] == "not_converged"
    assert "final loss not counted" in result.message and result.score == 1


# Honest gradients and epoch 0 from the solution (renamed), then a known solution of XOR.
HAND_MADE = FORWARD_AND_BACKWARD.replace("def step22(net)", "def trained(net)") + '''

def step22(net):
    answer = trained(net)
    answer["W1"] = np.array([[6.0, 6.0], [-6.0, -6.0]] + [[0.0, 0.0]] * 2)
    answer["b1"] = np.array([-3.0, 9.0, 0.0, 0.0])
    answer["W2"] = np.array([[12.0, 12.0, 0.0, 0.0]])
    answer["b2"] = np.array([-18.0])
    return answer
'''


def test_hand_made_xor_weights_without_training_earn_nothing_for_the_loss(tmp_path):
    result = _check(_learner(tmp_path, source=HAND_MADE))
    assert result.rows[-1].key == "L" and result.rows[-1].received < 0.01   # they do solve XOR
    assert result.status == "failed" and result.score == 1     # only the honest gradients
    assert result.diagnosis["code"] == "not_trained" and result.diagnosis["part"] == "training"
    assert "final loss not counted" in result.message


def test_a_made_up_run_from_the_given_weights_fails_the_training(tmp_path):
    # epoch 0 is the given weights and every gradient is right on the weights reported, but
    # the later epochs are a made-up path: only the gradients earn their part
    result = _check(_learner(tmp_path, ("W1, b1, W2, b2 = W1 - eta * dW1",
                                        "W1, b1, W2, b2 = W1 * 0.5 - eta * dW1")))
    assert result.status == "failed" and result.score == 1
    assert result.diagnosis["code"] == "not_trained"


def test_an_endless_loop_is_a_timeout(tmp_path):
    result = _check(_learner(tmp_path, ("for epoch in range(net.epochs):",
                                        "for epoch in iter(int, 1):")), timeout=2.0)
    assert result.status == "timeout" and result.score == 0


@pytest.mark.parametrize("change,needle", [
    (('return {"W1": W1,', 'return {"W1": W1.T,'),
     "W1 is expected with shape (4, 2) (rows: the 4 hidden neurons, columns: the 2 inputs)"),
    (('np.array(values) for name', 'np.array(values[:-1]) for name'),
     "first axis: the 4 sampled epochs"),
])
def test_wrong_shapes_are_invalid_and_say_what_each_axis_means(tmp_path, change, needle):
    result = _check(_learner(tmp_path, change))
    assert result.status == "invalid" and needle in result.message, result.message
    zh = _check(tmp_path, "zh")
    assert zh.status == "invalid" and CJK.search(zh.message)


def test_not_finite_answers_are_invalid(tmp_path):
    result = _check(_learner(tmp_path, ('return {"W1": W1,', 'return {"W1": W1 * np.nan,')))
    assert result.status == "invalid" and "NaN" in result.message


def test_a_class_is_graded_on_step22(tmp_path):
    submissions = tmp_path / "subs"
    honest, flipped = submissions / "ali", submissions / "bo"
    for folder in (honest, flipped):
        folder.mkdir(parents=True)
    (honest / STEP.file_name).write_text(FORWARD_AND_BACKWARD, encoding="utf-8")
    (flipped / STEP.file_name).write_text(
        FORWARD_AND_BACKWARD.replace("D2 = (Y - T) / len(X)", "D2 = (T - Y) / len(X)"),
        encoding="utf-8")
    out = tmp_path / "grades.csv"
    classroom.grade(submissions, out, secret=SECRET, jobs=1, json_path=tmp_path / "g.json")
    rows = {row["student"]: row for row in csv.DictReader(open(out))}
    assert rows["ali"]["step22"] == "1" and rows["bo"]["step22"] == "0"
    records = {r["student"]: r for r in json.loads((tmp_path / "g.json").read_text())["students"]}
    bo = next(r for r in records["bo"]["results"] if r["step"] == "step22")
    assert bo["diagnosis"]["code"] == "sign_flipped"


LOOKUP = '''
import numpy as np

RUN = {run!r}


def step22(net):
    return {{key: np.array(value) for key, value in RUN.items()}}
'''


def _reference_answer(seed: int) -> dict:
    """The reference run of ``seed``'s visible problem, as an answer: what anyone can compute
    from the public package for a seed they know."""
    drawn = STEP.draw(seed)
    answer = dict(zip(PARAMETERS, (p.tolist() for p in drawn["final"])))
    kept = [drawn["kept"][e] for e in drawn["sample_epochs"]]
    for k, name in enumerate(PARAMETERS):
        answer["sample_" + name] = [params[k].tolist() for params, _ in kept]
        answer["sample_d" + name] = [grads[k].tolist() for _, grads in kept]
    return answer


def test_a_public_lookup_table_earns_nothing_in_class(tmp_path):
    from grader.engine.seeds import student_seed

    folder = tmp_path / "subs" / "ali"
    folder.mkdir(parents=True)
    run = _reference_answer(student_seed(SECRET, "ali"))
    (folder / STEP.file_name).write_text(LOOKUP.format(run=run), encoding="utf-8")
    out = tmp_path / "grades.csv"
    classroom.grade(tmp_path / "subs", out, secret=SECRET, jobs=1, json_path=tmp_path / "g.json")
    assert next(csv.DictReader(open(out)))["step22"] == "0"
    record = json.loads((tmp_path / "g.json").read_text())["students"][0]
    result = next(r for r in record["results"] if r["step"] == "step22")
    assert result["status"] == "failed" and result["diagnosis"]["code"] == "not_trained"
    # ... while on the visible problem alone the same table is the right run
    alone = _check(_learner(tmp_path, source=LOOKUP.format(run=_reference_answer(0))))
    assert alone.status == "failed" and "2 of 3" in alone.message


def test_chained_checks_feed_a_training_run_nothing():
    result = checking.check(["step22"], SOLUTION.parent, chain=True).results[-1]
    assert result.step == "step22" and result.passed and result.chained_from == []


def test_seeds_drawn_together_are_drawn_as_alone_bit_for_bit():
    seeds = list(range(40))           # about one in six is drawn again: screened out
    _DRAWN.clear()
    STEP.draw_many(seeds)
    together = {seed: _DRAWN[seed] for seed in seeds}
    for seed in seeds:
        _DRAWN.clear()
        alone, both = STEP.draw(seed), together[seed]
        assert (alone["eta"], alone["sample_epochs"], alone["loss"]) \
            == (both["eta"], both["sample_epochs"], both["loss"])
        for a, b in zip(alone["params"] + alone["final"], both["params"] + both["final"]):
            assert np.array_equal(a, b)
        for epoch, (params, grads) in alone["kept"].items():
            other = both["kept"][epoch][0] + both["kept"][epoch][1]
            assert all(np.array_equal(a, b) for a, b in zip(params + grads, other))


def test_feedback_shows_the_first_wrong_entry_of_each_array():
    from grader.classroom.student import visible_rows

    folder = SOLUTION.parent.parent / "tests" / "adversarial" / "trains_nothing"
    result = _check(folder)
    rows = visible_rows(result)
    assert [row["key"].partition("[")[0] for row in rows] == ["W1", "b1", "W2", "b2"]
    assert len([row for row in result.rows if not row.passed]) > len(rows)


def test_samples_taken_after_the_update_are_named(tmp_path):
    sampling = ("        if epoch in net.sample_epochs:                   # before the update, as copies\n"
                "            for name, value in zip(kept, (W1, b1, W2, b2, dW1, db1, dW2, db2)):\n"
                "                kept[name].append(value.copy())\n")
    update = ("        W1, b1, W2, b2 = W1 - eta * dW1, b1 - eta * db1, W2 - eta * dW2, "
              "b2 - eta * db2\n")
    result = _check(_learner(tmp_path, (sampling + update, update + sampling)))
    assert result.status == "failed" and result.diagnosis["code"] == "sampled_after_update"


PER_EXAMPLE = """
import math


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


def step22(net):
    W1, b1 = [list(row) for row in net.W1], list(net.b1)
    w2, b2 = list(net.W2[0]), float(net.b2[0])
    n, h = len(net.X), len(b1)
    kept = {name: [] for name in ("W1", "b1", "W2", "b2", "dW1", "db1", "dW2", "db2")}
    for epoch in range(net.epochs):
        dW1, db1 = [[0.0, 0.0] for _ in range(h)], [0.0] * h
        dw2, db2 = [0.0] * h, 0.0
        for x, (t,) in zip(net.X, net.T):               # one example at a time, then summed
            hidden = [sigmoid(W1[i][0] * x[0] + W1[i][1] * x[1] + b1[i]) for i in range(h)]
            y = sigmoid(sum(w2[i] * hidden[i] for i in range(h)) + b2)
            d2 = y - t
            for i in range(h):
                d1 = d2 * w2[i] * hidden[i] * (1 - hidden[i])
                dW1[i][0] += d1 * x[0]
                dW1[i][1] += d1 * x[1]
                db1[i] += d1
                dw2[i] += d2 * hidden[i]
            db2 += d2
        dW1 = [[g / n for g in row] for row in dW1]
        db1, dw2, db2 = [g / n for g in db1], [g / n for g in dw2], db2 / n
        if epoch in net.sample_epochs:
            for name, value in (("W1", [r[:] for r in W1]), ("b1", b1[:]), ("W2", [w2[:]]),
                                ("b2", [b2]), ("dW1", dW1), ("db1", db1), ("dW2", [dw2]),
                                ("db2", [db2])):
                kept[name].append(value)
        eta = net.learning_rate
        W1 = [[w - eta * g for w, g in zip(row, grow)] for row, grow in zip(W1, dW1)]
        b1 = [b - eta * g for b, g in zip(b1, db1)]
        w2 = [w - eta * g for w, g in zip(w2, dw2)]
        b2 = b2 - eta * db2
    return {"W1": W1, "b1": b1, "W2": [w2], "b2": [b2],
            **{"sample_" + name: values for name, values in kept.items()}}
"""


def test_an_honest_loop_written_otherwise_passes(tmp_path):
    # plain Python, example by example, nested lists: within the tolerance of the reference
    result = _check(_learner(tmp_path, source=PER_EXAMPLE))
    assert result.status == "passed", (result.message, result.error)

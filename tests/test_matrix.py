"""step19, one layer's backward pass in matrix form: the step, its arrays in and out, its
diagnosis (grader.steps.matrix, grader.checking.diagnosis.matrix, array answers)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from click.testing import CliRunner

from grader import sandbox
from grader.checking import check as checking
from grader.cli import main
from grader.engine.generators import generate, trial_seeds
from grader.sandbox.answers import decode, encode, entries
from grader.sandbox.outcome import parse
from grader.steps import registry, stubs
from grader.steps.matrix import evaluate, render

STEP = registry.get("step19")
KEYS = checking.answer_keys(STEP)
SEEDS = (0, 7, 2024)
CJK = re.compile(r"[\u4e00-\u9fff]")
RIGHT = "(net.W_next.T @ net.delta_next) * net.h * (1 - net.h)"


def _learner(tmp_path, delta: str = RIGHT, dW: str = "np.outer(delta, net.h_prev)",
             db: str = "delta", body: str = ""):
    (tmp_path / STEP.file_name).write_text(
        "import numpy as np\n\n\ndef step19(net):\n" + body
        + f"    delta = {delta}\n    return {{'delta': delta, 'dW': {dW}, 'db': {db}}}\n",
        encoding="utf-8")
    return tmp_path


def _check(folder, lang: str = "en"):
    return checking.check([STEP.id], folder, seed=0, lang=lang).results[0]


# --- the step and its formula ----------------------------------------------------------------

def test_nothing_is_square_so_a_slip_shows_as_a_shape():
    assert STEP.shape("W_next") == (2, 3) and STEP.shape("dW") == (3, 4)
    assert STEP.arrays == {"delta": (3,), "dW": (3, 4), "db": (3,)}
    assert STEP.title["en"].endswith("(matrix form)") and "矩阵形式" in STEP.title["zh"]


def test_the_prose_takes_the_sizes_from_the_network():
    texts = [STEP.title, STEP.meaning, STEP.goal, STEP.hints[1], STEP.hints[2]]
    assert not [t for pair in texts for t in pair.values() if "{" in t or "}" in t]
    assert "3-4-3-2" in STEP.meaning["en"] and "3×4" in STEP.hints[2]["zh"]


def test_formula_is_written_with_transpose_and_hadamard():
    assert STEP.formula_text == ("δ⁽ˡ⁾ = (W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾) ⊙ h⁽ˡ⁾ ⊙ (1−h⁽ˡ⁾);  "
                                 "∂L/∂W⁽ˡ⁾ = δ⁽ˡ⁾ h⁽ˡ⁻¹⁾ᵀ;  ∂L/∂b⁽ˡ⁾ = δ⁽ˡ⁾")
    assert r"{W^{(l+1)}}^{\top} \delta^{(l+1)}" in STEP.formula and r"\odot" in STEP.formula
    assert render("-(delta @ h_prev.T)", False) == "−(δ⁽ˡ⁾ h⁽ˡ⁻¹⁾ᵀ)"
    assert STEP.hints[3]["en"].startswith("δ⁽ˡ⁾ = (W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾)")
    assert STEP.blanks("en") == "δ⁽ˡ⁾ = (▢ᵀ ▢) ⊙ ▢ ⊙ (1−▢);  ∂L/∂W⁽ˡ⁾ = ▢ ▢ᵀ;  ∂L/∂b⁽ˡ⁾ = ▢"


@pytest.mark.parametrize("seed", SEEDS)
def test_the_formula_gives_the_engines_backprop_and_finite_differences_agree(seed):
    values = STEP.reference(seed)
    env = {name: np.array(values[name]) for name in STEP.context}
    answers = {}
    for key, source in STEP.rows:
        answers[key] = evaluate(source, {**env, **answers}).reshape(STEP.shape(key))
        expected = [values[name] for name in entries(key, STEP.shape(key))]
        assert answers[key].ravel().tolist() == pytest.approx(expected, rel=1e-12)
    witness = STEP.finite_differences(seed)
    assert all(witness[name] == pytest.approx(values[name], rel=1e-5, abs=1e-9)
               for name in STEP.answer)


def test_a_shape_that_does_not_fit_raises_as_numpy_does():
    env = {name: np.array(value) for name, value in STEP.reference(0).items()
           if name in STEP.context}
    with pytest.raises(ValueError):
        evaluate("W_next @ delta_next", env)
    with pytest.raises(ValueError):
        evaluate("(W_next.T @ delta_next) * h_next", env)


def test_each_problem_draws_the_steps_own_network():
    problem_set = checking.ProblemSet(3)
    for seed, reference in zip(problem_set.seeds, problem_set.references):
        drawn = generate(seed, STEP.layers)
        assert reference["W_next"] == drawn.weights[STEP.layer].tolist()
        assert reference["h_prev"] != [] and "x1" in reference       # the seed's values too
    assert problem_set.seeds[1:] == trial_seeds(3, checking.FURTHER_PROBLEMS)


def test_net_holds_read_only_arrays_and_no_answer():
    problem_set = checking.ProblemSet(0, further=0)
    values, step_id, hidden = checking.contexts_for(STEP, problem_set, "en")[0]
    from grader.steps.context import Context

    net = Context(values, step_id, hidden)
    assert net.W_next.shape == (2, 3) and net.delta_next.shape == (2,)
    with pytest.raises(ValueError):
        net.h[0] = 1.0
    with pytest.raises(AttributeError):
        net.delta                                                   # noqa: B018


# --- answers that are arrays ------------------------------------------------------------------

GOOD = {"delta": np.ones(3), "dW": np.arange(12).reshape(3, 4), "db": [1, 2.5, 3]}


def test_valid_arrays_come_back_as_named_entries():
    data = encode(GOOD, KEYS)
    assert data["values"]["dW"] == [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0],
                                    [8.0, 9.0, 10.0, 11.0]]
    clean = decode(json.loads(json.dumps(data)), KEYS)["values"]
    assert list(clean) == [name for key, shape in STEP.arrays.items()
                           for name in entries(key, shape)]
    assert clean["dW[2,3]"] == 11.0 and clean["db[1]"] == 2.5
    assert all(type(v) is float for v in clean.values())


class Matrix(np.ndarray):
    """An ndarray subclass whose shape lies."""

    @property
    def shape(self):
        return (3, 4)


class LongList(list):
    def __len__(self):
        return 3


@pytest.mark.parametrize("key, value, category, words", [
    ("dW", np.ones((4, 3)), "shape", "(4, 3)"),
    ("dW", np.ones(12), "shape", "(12,)"),
    ("delta", [1.0, 2.0], "shape", "2 items"),
    ("delta", [[1.0], 2.0, 3.0], "shape", "[0]"),
    ("delta", [1.0, "2", 3.0], "str", "'2'"),
    ("delta", [1.0, float("nan"), 3.0], "not_finite", "nan"),
    ("delta", np.array([1.0, np.inf, 3.0]), "not_finite", "NaN or infinity"),
    ("delta", np.array([1, 2, 3], dtype=object), "dtype", "object"),
    ("delta", np.array([True, False, True]), "dtype", "bool"),
    ("delta", np.array([1j, 2, 3]), "dtype", "complex"),
    ("delta", [True, 1.0, 2.0], "bool", "truth value"),
    ("delta", np.ones(3).view(Matrix), "type", "Matrix"),
    ("delta", np.ma.ones(3), "type", "MaskedArray"),
    ("delta", LongList([1.0] * 10**6), "type", "LongList"),
    ("delta", [1.0] * 10**6, "shape", "1000000 items"),
    ("delta", None, "none", "None"),
    ("delta", 0.5, "type", "float"),
    ("delta", "1, 2, 3", "type", "str"),
])
def test_invalid_arrays_say_what_is_wrong(key, value, category, words):
    answer = {**GOOD, key: value}
    data = encode(answer, KEYS)
    assert data["invalid"] == category and words in data["detail"], data
    assert data["key"] == key
    assert decode(json.loads(json.dumps(data)), KEYS)["invalid"] == category


def test_deep_nesting_is_refused_without_recursing_into_it():
    deep = [1.0]
    for _ in range(100_000):
        deep = [deep]
    data = encode({**GOOD, "delta": [deep, 1.0, 2.0]}, KEYS)
    assert data["invalid"] == "shape"


@pytest.mark.parametrize("values", [
    {"delta": [1.0, 2.0], "dW": [[0.0] * 4] * 3, "db": [0.0] * 3},             # short
    {"delta": [1.0, 2.0, 3.0], "dW": [[0.0] * 3] * 4, "db": [0.0] * 3},        # transposed
    {"delta": [1.0, 2.0, float("nan")], "dW": [[0.0] * 4] * 3, "db": [0.0] * 3},
    {"delta": [1.0, 2.0, "3"], "dW": [[0.0] * 4] * 3, "db": [0.0] * 3},
    {"delta": [1.0, 2.0, True], "dW": [[0.0] * 4] * 3, "db": [0.0] * 3},
    {"delta": [1.0, 2.0, 1 << 1100], "dW": [[0.0] * 4] * 3, "db": [0.0] * 3},
    {"delta": [1.0, 2.0, [3.0]], "dW": [[0.0] * 4] * 3, "db": [0.0] * 3},
    {"delta": {"0": 1.0}, "dW": [[0.0] * 4] * 3, "db": [0.0] * 3},
    {"delta": [1.0, 2.0, 3.0], "dW": [[0.0] * 4] * 3},                          # a key short
    {"delta": 1.0, "dW": [[0.0] * 4] * 3, "db": [0.0] * 3},
])
def test_decode_refuses_forged_arrays(values):
    with pytest.raises(ValueError):
        decode({"values": values}, KEYS)
    outcome = sandbox.trusted({"kind": "answers", "answers": [{"values": values}]}, 1, KEYS, "en")
    assert outcome.kind == "error"


@pytest.mark.parametrize("marker", [
    {"invalid": "shape", "detail": "x", "key": "W"},                      # not a key of the step
    {"invalid": "shape", "detail": "x", "key": "dW", "shape": [4, "3"]},
    {"invalid": "shape", "detail": "x", "key": "dW", "shape": [1] * 9},
    {"invalid": "shape", "detail": "x", "key": "dW", "shape": [-1, 3]},
    {"invalid": "shape", "detail": "x", "shape": [4, 3]},                  # a shape without a key
    {"invalid": "shape", "detail": "x", "key": "dW", "extra": 1},
])
def test_decode_refuses_forged_invalid_markers(marker):
    with pytest.raises(ValueError):
        decode(marker, KEYS)


def test_a_number_steps_marker_carries_no_key():
    with pytest.raises(ValueError):
        decode({"invalid": "shape", "detail": "x", "key": "value"}, None)


def test_a_deeply_nested_reply_is_unreadable():
    payload = "[" * 100_000 + "]" * 100_000
    assert parse(payload) is None
    assert sandbox.trusted(parse(payload), 5, KEYS, "en").kind == "error"


# --- checking, scoring, reporting ----------------------------------------------------------------

def test_the_solution_passes_and_the_rows_are_one_per_entry(tmp_path):
    result = _check(_learner(tmp_path))
    assert result.status == "passed" and result.score == STEP.points
    assert [row.key for row in result.rows] == list(STEP.answer)
    assert all(row.finite_difference is not None for row in result.rows)


def test_the_visible_answer_written_in_fails_on_the_further_problems(tmp_path):
    values = checking.ProblemSet(0, further=0).references[0]
    arrays = {key: np.array([values[n] for n in entries(key, shape)]).reshape(shape).tolist()
              for key, shape in STEP.arrays.items()}
    (tmp_path / STEP.file_name).write_text(f"def step19(net):\n    return {arrays!r}\n",
                                           encoding="utf-8")
    result = _check(tmp_path)
    assert result.status == "failed" and result.score == 0
    assert "right on your problem" in result.message


def test_an_array_counts_as_one_answer(tmp_path):
    result = _check(_learner(tmp_path, dW="-np.outer(delta, net.h_prev)"))
    assert result.status == "failed"
    assert result.score == pytest.approx(STEP.points * 2 / 3)
    assert result.diagnosis["code"] == "sign_flipped" and result.diagnosis["key"] == "dW"


def test_the_terminal_names_the_first_wrong_entry_of_each_array(tmp_path):
    result = _check(_learner(tmp_path, delta=RIGHT.replace("net.h * (1 - net.h)", "net.h")))
    shown = re.findall(r"^\s+(\w+\[[\d,]+\])\s+expected", repr(result), re.M)
    assert shown == ["delta[0]", "dW[0,0]", "db[0]"]


@pytest.mark.parametrize("delta, code", [
    ("net.W_next.T @ (net.delta_next * net.h_next * (1 - net.h_next))", "wrong_layer_derivative"),
    ("net.W_next.T @ net.delta_next", "missing_activation_derivative"),
    ("(net.W_next.T @ net.delta_next) * net.z * (1 - net.z)", "derivative_at_preactivation"),
    ("(net.W_next.T @ net.delta_next) * net.h", "wrong_activation_derivative"),
    ("-" + RIGHT, "sign_flipped"),
    (f"np.round({RIGHT}, 4)", "rounded"),
    ("np.array([0.1, 0.2, 0.3])", "hard_coded"),
])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_slip_in_delta_is_named_and_the_rest_follows(tmp_path, delta, code, lang):
    result = _check(_learner(tmp_path, delta=delta), lang)
    found = result.diagnosis
    assert result.status == "failed" and found["code"] == code and found["key"] == "delta"
    assert bool(CJK.search(found["message"])) == (lang == "zh")
    assert found["follows"] == {"dW": ["delta"], "db": ["delta"]}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_missing_transpose_is_read_from_numpys_error(tmp_path, lang):
    result = _check(_learner(tmp_path, delta="(net.W_next @ net.delta_next) * net.h * (1 - net.h)"),
                    lang)
    assert result.status == "error" and result.diagnosis["code"] == "missing_transpose"
    assert "W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾" in result.diagnosis["message"]
    assert result.diagnosis["formula_text"] == "W⁽ˡ⁺¹⁾ δ⁽ˡ⁺¹⁾"


def test_the_next_layers_sigma_prime_is_read_from_numpys_error(tmp_path):
    result = _check(_learner(tmp_path, delta="(net.W_next.T @ net.delta_next) * net.h_next"
                                             " * (1 - net.h_next)"))
    assert result.status == "error" and result.diagnosis["code"] == "wrong_layer_derivative"


@pytest.mark.parametrize("delta", [
    "np.dot(net.W_next.T, net.delta_next) * net.h * (1 - net.h)",           # right, in np.dot
    "np.dot(net.W_next, net.delta_next) * net.h * (1 - net.h)",             # np.dot's own words
])
def test_a_missing_transpose_in_np_dot_is_read_too(tmp_path, delta):
    result = _check(_learner(tmp_path, delta=delta))
    if "W_next.T" in delta:
        assert result.status == "passed"
    else:
        assert result.status == "error" and result.diagnosis["code"] == "missing_transpose"


@pytest.mark.parametrize("delta", [
    "net.W @ net.h",                                 # (3,4) @ (3,): refused, no slip of ours
    "np.dot(net.W_next, net.h_prev)",                # W⁽ˡ⁺¹⁾ against h⁽ˡ⁻¹⁾, not δ⁽ˡ⁺¹⁾
    "net.W_next @ net.h_prev",
])
def test_another_error_is_not_guessed_at(tmp_path, delta):
    result = _check(_learner(tmp_path, delta=delta))
    assert result.status == "error" and result.diagnosis is None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_outer_product_in_the_wrong_order_shows_as_its_shape(tmp_path, lang):
    result = _check(_learner(tmp_path, dW="np.outer(net.h_prev, delta)"), lang)
    assert result.status == "invalid" and result.score == 0
    assert "(3, 4)" in result.message and "(4, 3)" in result.message
    assert ("rows" in result.message) == (lang == "en")
    assert ("行" in result.message) == (lang == "zh")
    assert result.diagnosis["code"] == "outer_product_order"
    assert result.diagnosis["formula_text"] == "h⁽ˡ⁻¹⁾ δ⁽ˡ⁾ᵀ"


def test_a_wrong_shape_of_another_kind_names_no_slip(tmp_path):
    result = _check(_learner(tmp_path, db="np.append(delta, 0.0)"))
    assert result.status == "invalid" and result.diagnosis is None
    assert "one entry per neuron of layer l" in result.message


def test_json_keeps_the_fields_and_reports_entries(tmp_path):
    _learner(tmp_path, dW="-np.outer(delta, net.h_prev)")
    out = CliRunner().invoke(main, ["check", "step19", "--exercises", str(tmp_path), "--json"])
    assert out.exit_code == 1
    (result,) = json.loads(out.output)["results"]
    assert {"step", "status", "score", "max_score", "message", "diagnosis"} <= set(result)
    assert result["diagnosis"]["per_key"] == {"dW": result["diagnosis"]["per_key"]["dW"]}
    assert result["rows"][3]["key"] == "dW[0,0]"


def test_chain_mode_runs_step19_on_its_own_values():
    report = checking.check(["step19"], checking.Path(__file__).parents[1] / "solutions",
                            chain=True)
    result = report.results[-1]
    assert result.step == "step19" and result.passed and result.chained_from == []


# --- what the learner reads ----------------------------------------------------------------

@pytest.mark.parametrize("scaffold", stubs.SCAFFOLDS)
def test_the_stub_gives_the_shapes_and_the_formula_only_when_full(scaffold):
    text = stubs.render(STEP, scaffold)
    assert '"delta" (3,), "dW" (3, 4), "db" (3,)' in text
    assert "net.W_next (2, 3)" in " ".join(text.split()) or scaffold == "full"
    assert ("W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾" in text) == (scaffold == "full")
    assert "∂L/∂z⁽ˡ⁾" in text                   # the matrix convention, stated plainly


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_show_and_hint_work(lang):
    runner = CliRunner()
    shown = runner.invoke(main, ["show", "step19", "--lang", lang])
    assert shown.exit_code == 0 and "net.W_next =" in shown.output
    data = json.loads(runner.invoke(main, ["show", "step19", "--json"]).output)
    assert data["answer"] == {"delta": [3], "dW": [3, 4], "db": [3]}
    assert np.array(data["arrays"]["W_next"]).shape == (2, 3)
    for level in (1, 2, 3):
        hint = runner.invoke(main, ["hint", "step19", "--level", str(level), "--lang", lang])
        assert hint.exit_code == 0 and bool(CJK.search(hint.output)) == (lang == "zh")

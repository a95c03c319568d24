"""The ``check`` and ``problem`` commands through CliRunner, plus the real installed command."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import EXERCISES, ROOT, SOLUTIONS, STATUS_FIXTURES
from grader.checking import check as checking
from grader.steps import quantities, registry
from grader.engine.backprop import backprop
from grader.cli import main
from grader.engine.forward import forward
from grader.engine.generators import generate

CJK = re.compile(r"[\u4e00-\u9fff]")
RESULT_KEYS = {"step", "status", "score", "max_score", "message", "diagnosis"}


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def check_json(*args):
    outcome = invoke("check", *args, "--json")
    return outcome.exit_code, json.loads(outcome.output)


# --- check ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["step7", "7"])
def test_check_one_step_by_either_name(name):
    outcome = invoke("check", name, "--exercises", SOLUTIONS, "--lang", "en")
    assert outcome.exit_code == 0, outcome.output
    assert "step7" in outcome.output and "passed" in outcome.output
    assert registry.get("step7").title["en"] in outcome.output


def test_check_prints_the_report_and_json_only_when_asked():
    report = invoke("check", "step7", "--exercises", SOLUTIONS, "--lang", "en").output
    assert "Score 1/1" in report and not report.lstrip().startswith("{")
    assert json.loads(invoke("check", "step7", "--exercises", SOLUTIONS, "--json").output)


def test_check_json_shape():
    code, data = check_json("step7", "step15", "--exercises", SOLUTIONS)
    assert code == 0
    assert {"results", "score", "max_score"} <= set(data)
    assert [r["step"] for r in data["results"]] == ["step7", "step15"]
    for result in data["results"]:
        assert RESULT_KEYS <= set(result)
        assert result["status"] == "passed" and result["diagnosis"] is None
        assert result["score"] == result["max_score"] == registry.get(result["step"]).points
    assert data["score"] == data["max_score"] == sum(r["max_score"] for r in data["results"])


def test_check_all_solutions_exit_0_and_stubs_exit_1():
    code, data = check_json("--all", "--exercises", SOLUTIONS)
    assert code == 0 and data["score"] == data["max_score"] == registry.total_points()
    code, data = check_json("--all", "--exercises", EXERCISES)
    assert code == 1 and data["score"] == 0
    assert [r["step"] for r in data["results"]] == [s.id for s in registry.STEPS]
    assert {r["status"] for r in data["results"]} == {"not_started"}


@pytest.mark.parametrize("case,status,options", [
    ("failed", "failed", []), ("invalid_posing", "invalid", []), ("error_syntax", "error", []),
    ("timeout", "timeout", ["--timeout", "0.5"]),
])
def test_check_statuses_exit_1(case, status, options):
    (step_file,) = (STATUS_FIXTURES / case).glob("step*.py")
    code, data = check_json(step_file.stem, "--exercises", STATUS_FIXTURES / case, *options)
    assert code == 1
    (result,) = data["results"]
    assert result["status"] == status and result["score"] == 0
    if case == "timeout":
        assert "0.5 s" in result["message"]


def test_check_failure_prints_the_numbers():
    outcome = invoke("check", "2", "--exercises", STATUS_FIXTURES / "failed", "--lang", "en")
    assert outcome.exit_code == 1
    reference = quantities.reference(generate(0))
    for word in ("expected", "received", "relative error", "finite difference", "net.delta3"):
        assert word in outcome.output
    assert f"{reference['dL_dv1']:.10g}" in outcome.output


def test_check_error_shows_the_learners_line():
    outcome = invoke("check", "11", "--exercises", STATUS_FIXTURES / "error_exception")
    assert outcome.exit_code == 1
    assert "scale = net.w2_12 / (net.h2_1 - net.h2_1)" in outcome.output
    assert "ZeroDivisionError" in outcome.output and "sandbox" not in outcome.output


def test_check_in_chinese():
    outcome = invoke("check", "2", "--exercises", STATUS_FIXTURES / "failed", "--lang", "zh")
    assert outcome.exit_code == 1
    assert "应为" in outcome.output and registry.get("step2").title["zh"] in outcome.output
    code, data = check_json("--all", "--exercises", EXERCISES, "--lang", "zh")
    assert all(CJK.search(r["message"]) for r in data["results"])


def test_check_seed_is_the_problem_seed():
    code, data = check_json("step7", "--exercises", SOLUTIONS, "--seed", "42")
    assert code == 0 and data["results"][0]["shown_seed"] == 42


def test_check_default_folder_is_exercises_in_the_current_directory(tmp_path):
    runner = CliRunner()
    with runner.isolated_filesystem(temp_dir=tmp_path):
        shutil.copytree(SOLUTIONS, "exercises")
        outcome = runner.invoke(main, ["check", "step7", "--json"])
    assert outcome.exit_code == 0, outcome.output
    assert json.loads(outcome.output)["results"][0]["status"] == "passed"


@pytest.mark.parametrize("args,words", [
    (["check", "step99", "--exercises", SOLUTIONS], ["step99", "step0", registry.STEPS[-1].id]),
    (["check", "seven", "--exercises", SOLUTIONS], ["seven", "step0"]),
    (["check", "--exercises", SOLUTIONS], ["--all"]),
    (["check", "step7", "--all", "--exercises", SOLUTIONS], ["--all"]),
    (["check", "step7", "--timeout", "0"], ["timeout"]),
    (["check", "step7", "--seed", "-3"], ["seed"]),
])
def test_check_usage_errors_exit_2(args, words):
    outcome = invoke(*args, "--lang", "en")
    assert outcome.exit_code == 2, outcome.output
    assert all(word in outcome.output for word in words), outcome.output
    assert "Traceback" not in outcome.output


def test_check_missing_folder_is_a_clear_error(tmp_path):
    missing = tmp_path / "nowhere"
    outcome = invoke("check", "step7", "--exercises", missing, "--lang", "en")
    assert outcome.exit_code == 2
    assert "no exercises folder" in outcome.output and "nowhere" in outcome.output
    zh = invoke("check", "step7", "--exercises", missing, "--lang", "zh")
    assert zh.exit_code == 2 and "找不到练习目录" in zh.output


# --- problem ----------------------------------------------------------------------------

DESIGN_KEYS = {"seed", "layers", "activation", "output_activation", "loss", "x", "y_target",
               "eta", "params", "forward", "gradients", "steps"}


def problem_json(*args) -> dict:
    outcome = invoke("problem", *args, "--json")
    assert outcome.exit_code == 0, outcome.output
    return json.loads(outcome.output)


@pytest.mark.parametrize("seed", [0, 17])
def test_problem_json_is_the_design(seed):
    data = problem_json("--seed", seed)
    assert set(data) == DESIGN_KEYS
    assert data["seed"] == seed and data["layers"] == [2, 3, 2, 1]
    assert (data["activation"], data["output_activation"]) == ("sigmoid", "sigmoid")
    assert data["loss"] == "half_squared_error"
    shapes = {"W1": (3, 2), "b1": (3,), "W2": (2, 3), "b2": (2,), "W3": (1, 2), "b3": (1,)}
    assert {k: np.shape(v) for k, v in data["params"].items()} == shapes
    assert {k: np.shape(v) for k, v in data["gradients"].items()} == shapes
    assert set(data["forward"]) == {"z1", "h1", "z2", "h2", "z3", "y", "L"}
    assert np.shape(data["x"]) == (2,) and np.shape(data["y_target"]) == (1,)

    reference = quantities.reference(generate(seed))
    W, dW = data["params"], data["gradients"]
    for l, rows, cols in ((1, 3, 2), (2, 2, 3)):
        for i in range(1, rows + 1):
            for j in range(1, cols + 1):
                assert W[f"W{l}"][i - 1][j - 1] == reference[f"w{l}_{i}{j}"]
                assert dW[f"W{l}"][i - 1][j - 1] == reference[f"dL_dw{l}_{i}{j}"]
    assert W["W3"] == [[reference["v1"], reference["v2"]]] and W["b3"] == [reference["b3"]]
    assert data["x"] == [reference["x1"], reference["x2"]] and data["eta"] == reference["eta"]
    assert data["forward"]["h1"] == [reference[f"h1_{i}"] for i in (1, 2, 3)]
    assert data["forward"]["y"] == [reference["y"]] and data["forward"]["L"] == reference["L"]
    assert data["steps"] == {step.id: reference[step.answer] for step in registry.SEED_STEPS}
    assert list(data["steps"]) == [f"step{n}" for n in range(1, 15)]


def test_problem_is_the_checked_problem():
    data = problem_json("--seed", "5")
    assert data["steps"]["step7"] == checking.ProblemSet(5).references[0]["dL_dw2_11"]


@pytest.mark.parametrize("layers,activation", [("3,4,2", "tanh"), ("2,5,3,1", "relu"),
                                               ("2,3,2,1", "tanh")])
def test_problem_other_networks(layers, activation):
    data = problem_json("--seed", "3", "--layers", layers, "--activation", activation)
    sizes = [int(n) for n in layers.split(",")]
    assert data["layers"] == sizes and data["activation"] == activation
    assert "steps" not in data
    problem = generate(3, layers=tuple(sizes), activation=activation)
    grads = backprop(problem, forward(problem))
    for l in range(len(sizes) - 1):
        assert np.array_equal(data["params"][f"W{l + 1}"], problem.weights[l])
        assert np.shape(data["params"][f"W{l + 1}"]) == (sizes[l + 1], sizes[l])
        assert np.array_equal(data["gradients"][f"W{l + 1}"], grads.dW[l])
        assert np.array_equal(data["gradients"][f"b{l + 1}"], grads.db[l])
    depth = len(sizes) - 1
    expected = {f"z{l}" for l in range(1, depth + 1)} | {f"h{l}" for l in range(1, depth)}
    assert set(data["forward"]) == expected | {"y", "L"}


@pytest.mark.parametrize("args", [["--layers", "2,x"], ["--layers", "2"], ["--layers", "2,0,1"],
                                  ["--activation", "softplus"], ["--seed", "-1"]])
def test_problem_bad_options_exit_2(args):
    outcome = invoke("problem", *args, "--json")
    assert outcome.exit_code == 2 and "Traceback" not in outcome.output


@pytest.mark.parametrize("loss,output", [("half_squared_error", "sigmoid"),
                                         ("mean_squared_error", "sigmoid"),
                                         ("binary_cross_entropy", "sigmoid"),
                                         ("softmax_cross_entropy", "softmax")])
def test_problem_with_a_loss(loss, output):
    data = problem_json("--seed", "4", "--layers", "3,4,2", "--activation", "relu",
                        "--loss", loss)
    assert (data["loss"], data["output_activation"]) == (loss, output)
    assert "steps" not in data and set(data) == DESIGN_KEYS - {"steps"}
    problem = generate(4, layers=(3, 4, 2), activation="relu", loss=loss)
    trace = forward(problem)
    grads = backprop(problem, trace)
    assert data["y_target"] == problem.y_target.tolist()
    assert data["forward"]["L"] == trace.loss and data["forward"]["y"] == trace.y.tolist()
    for l in range(2):
        assert data["gradients"][f"W{l + 1}"] == grads.dW[l].tolist()
        assert data["gradients"][f"b{l + 1}"] == grads.db[l].tolist()
    if output == "softmax":
        assert sum(round(100 * t) for t in data["y_target"]) == 100


# δ⁽³⁾ = ∂L/∂y of each loss of one sigmoid output, as the step table writes it for step 1
STEP1 = {"half_squared_error": lambda y, t: y - t,
         "mean_squared_error": lambda y, t: 2 * (y - t),
         "binary_cross_entropy": lambda y, t: (y - t) / (y * (1 - y))}


@pytest.mark.parametrize("loss", ["mean_squared_error", "binary_cross_entropy"])
def test_the_seed_network_gives_steps_for_every_loss_of_one_sigmoid_output(loss):
    """The lesson's steps hold for any loss of its one sigmoid output: step 1 is that loss's
    ∂L/∂y, every later step carries it back through y(1 − y) as the lesson does."""
    assert problem_json("--seed", "2", "--loss", "half_squared_error") == \
        problem_json("--seed", "2")
    other = problem_json("--seed", "2", "--loss", loss)
    assert other["layers"] == [2, 3, 2, 1] and other["loss"] == loss
    y, t = other["forward"]["y"][0], other["y_target"][0]
    assert other["steps"]["step1"] == pytest.approx(STEP1[loss](y, t), rel=1e-12)
    assert other["steps"]["step2"] == pytest.approx(other["gradients"]["W3"][0][0], rel=1e-9)
    assert other["steps"]["step13"] == pytest.approx(other["gradients"]["W1"][0][0], rel=1e-9)
    assert other["steps"] != problem_json("--seed", "2")["steps"]


@pytest.mark.parametrize("loss", list(STEP1))
def test_show_follows_the_loss_and_agrees_with_problem(loss):
    """show --loss: step 1's formula is the loss's, its numbers those of problem --loss."""
    data = problem_json("--seed", "4", "--loss", loss)
    shown = json.loads(invoke("show", "step1", "--seed", 4, "--loss", loss, "--json").output)
    one = registry.for_loss(registry.get("step1"), loss)
    assert shown["formula_text"] == one.formula_text
    assert shown["forward"]["y"] == data["forward"]["y"][0]
    assert shown["forward"]["L"] == data["forward"]["L"]
    later = json.loads(invoke("show", "step5", "--seed", 4, "--loss", loss, "--json").output)
    assert later["upstream"]["delta3"] == data["steps"]["step1"]
    text = invoke("show", "step0", "--seed", 4, "--loss", loss, "--lang", "en").output
    loss_row = registry.for_loss(registry.get("step0"), loss).formula_text.split(";  ")[-1]
    assert loss_row in text
    assert (loss == "half_squared_error") == ("½(y − y_target)²" in text)


@pytest.mark.parametrize("command", [["show", "step1"], ["sheet"], ["problem"]])
@pytest.mark.parametrize("lang, words", [("en", "needs at least 2 outputs"),
                                         ("zh", "至少需要 2 个输出")])
def test_softmax_is_refused_for_the_lessons_network(command, lang, words):
    outcome = invoke(*command, "--loss", "softmax_cross_entropy", "--lang", lang)
    assert outcome.exit_code == 2 and words in outcome.output
    assert "Traceback" not in outcome.output


@pytest.mark.parametrize("lang, words", [("en", "--loss is for the lesson's network"),
                                         ("zh", "--loss 只用于课文的网络")])
def test_show_refuses_another_loss_for_an_array_step(lang, words):
    outcome = invoke("show", "step19", "--loss", "mean_squared_error", "--lang", lang)
    assert outcome.exit_code == 2 and words in outcome.output
    assert invoke("show", "step19", "--loss", "half_squared_error").exit_code == 0


@pytest.mark.parametrize("lang,message", [("en", "unknown loss 'hinge'; choose from "
                                                 "half_squared_error, mean_squared_error, "
                                                 "binary_cross_entropy, softmax_cross_entropy"),
                                          ("zh", "未知的损失函数 'hinge'；可选：half_squared_error")])
def test_problem_bad_loss_is_a_usage_error_in_either_language(lang, message):
    outcome = invoke("problem", "--loss", "hinge", "--lang", lang, "--json")
    assert outcome.exit_code == 2 and message in outcome.output
    assert "Traceback" not in outcome.output


@pytest.mark.parametrize("lang,message", [("en", "unknown activation 'swish'; choose from "
                                                 "sigmoid, tanh, relu"),
                                          ("zh", "未知的激活函数 'swish'；可选：sigmoid, tanh, relu")])
def test_problem_bad_activation_is_a_usage_error_in_either_language(lang, message):
    outcome = invoke("problem", "--activation", "swish", "--lang", lang)
    assert outcome.exit_code == 2 and message in outcome.output
    assert "Traceback" not in outcome.output


@pytest.mark.parametrize("lang,message", [("en", "needs at least 2 outputs"),
                                          ("zh", "至少需要 2 个输出")])
def test_problem_softmax_with_one_output_exits_2(lang, message):
    outcome = invoke("problem", "--loss", "softmax_cross_entropy", "--lang", lang, "--json")
    assert outcome.exit_code == 2 and message in outcome.output
    assert "Traceback" not in outcome.output


def test_problem_same_seed_same_output():
    assert invoke("problem", "--seed", "8", "--json").output == \
        invoke("problem", "--seed", "8", "--json").output


@pytest.mark.parametrize("lang, heading", [("en", "Forward pass"), ("zh", "前向传播")])
def test_problem_prints_a_table_by_default_in_the_chosen_language(lang, heading):
    from grader.render.problem_table import problem_text
    from grader.steps.problem_data import as_dict

    outcome = invoke("problem", "--seed", "6", "--lang", lang)
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output == problem_text(as_dict(generate(6)), lang) + "\n"
    assert heading in outcome.output and not outcome.output.lstrip().startswith("{")
    with pytest.raises(ValueError):
        json.loads(outcome.output)


@pytest.mark.parametrize("options", [
    ["--loss", "mean_squared_error"], ["--loss", "binary_cross_entropy"],
    ["--layers", "3,4,2", "--loss", "softmax_cross_entropy"], ["--activation", "tanh"],
    ["--activation", "relu", "--layers", "2,12,1"], ["--layers", "20,9,3,1"],
])
def test_problem_table_for_any_network(options):
    outcome = invoke("problem", "--seed", "2", *options, "--lang", "en")
    assert outcome.exit_code == 0, outcome.output
    data = problem_json("--seed", "2", *options)
    assert f"loss {data['loss']}" in outcome.output
    assert f"L = {data['forward']['L']:.8g}" in outcome.output
    assert ("The lesson's steps" in outcome.output) == ("steps" in data)


def test_problem_uses_the_workspace_seed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke("init", "ws", "--seed", "21", "--lang", "en").exit_code == 0
    monkeypatch.chdir(tmp_path / "ws")
    assert problem_json()["seed"] == 21
    assert problem_json("--seed", "4")["seed"] == 4
    assert "seed 21" in invoke("problem", "--lang", "en").output
    monkeypatch.chdir(tmp_path)
    assert problem_json()["seed"] == 0


# --- the real installed command ---------------------------------------------------------
# Every other test runs the command as ``sys.executable -m grader``; this one alone runs the
# installed ``bpgrade`` console script, the entry point pyproject.toml declares.

def installed_bpgrade() -> str:
    script = Path(sysconfig.get_path("scripts")) / "bpgrade"
    return str(script) if script.exists() else shutil.which("bpgrade")


def test_installed_console_script(tmp_path):
    """THE test of the installed ``bpgrade`` script itself (not ``python -m grader``)."""
    command = installed_bpgrade()
    assert command, "the bpgrade console script is not installed"
    solved = subprocess.run([command, "check", "step7", "--exercises", str(SOLUTIONS), "--json"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert solved.returncode == 0, solved.stderr
    assert json.loads(solved.stdout)["results"][0]["status"] == "passed"
    stubs = subprocess.run([command, "check", "--all", "--exercises", str(EXERCISES)],
                           capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert stubs.returncode == 1 and "not started" in stubs.stdout


def test_python_dash_m_grader(tmp_path):
    outcome = subprocess.run([sys.executable, "-m", "grader", "check", "step99",
                              "--exercises", str(SOLUTIONS), "--lang", "en"],
                             capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert outcome.returncode == 2 and "step99" in outcome.stderr + outcome.stdout
    version = subprocess.run([sys.executable, "-m", "grader", "--version"], capture_output=True,
                             text=True, cwd=tmp_path, timeout=60)
    assert version.returncode == 0 and "0." in version.stdout


def test_check_path_imports_no_sympy_or_jinja2(tmp_path):
    probe = (
        "import sys\n"
        "from grader.cli import main\n"
        "try:\n"
        f"    main(['check', 'step7', '--exercises', {str(SOLUTIONS)!r}, '--json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('HEAVY', sorted(m for m in ('sympy', 'jinja2', 'mpmath') if m in sys.modules))\n"
    )
    outcome = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                             cwd=tmp_path, timeout=60)
    assert "HEAVY []" in outcome.stdout, outcome.stdout + outcome.stderr


def test_repository_layout():
    assert (ROOT / "pyproject.toml").is_file() and (ROOT / "grader" / "__main__.py").is_file()


@pytest.mark.parametrize("command, options", [("show", ["--loss"]), ("sheet", ["--loss", "--step"])])
def test_the_new_options_are_in_the_help_in_both_languages(command, options):
    text = invoke(command, "--help").output
    for option in options:
        (line,) = [l for l in re.split(r"\n  (?=-)", text) if l.lstrip().startswith(option + " ")]
        assert " / " in line and CJK.search(line), line
    assert "binary_cross_entropy" in text

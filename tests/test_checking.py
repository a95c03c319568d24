"""grader.checking.check: every status reached by a fixture submission, each step on its own."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import EXERCISES, SOLUTIONS, STATUS_FIXTURES, fixture_file
from grader.checking import check as checking
from grader.steps import quantities, registry, stubs
from grader import tolerances
from grader.errors import UsageError
from grader.engine.generators import generate

TIMEOUT = 1.0          # seconds per step: the endless loop's cost, ample for every other case
CJK = re.compile(r"[\u4e00-\u9fff]")

# fixture case -> (status, words the learner reads: message, error text and output)
CASES = {
    "passed": ("passed", ["right on all 5 problems"]),
    "failed": ("failed", ["not right on 5 of 5 problems", "without the sigmoid's slope"]),
    "failed_hardcoded": ("failed", ["right on your problem", "written in"]),
    "invalid_none": ("invalid", ["None"]),
    "invalid_str": ("invalid", ["text", "not a string"]),
    "invalid_nan": ("invalid", ["nan", "not a finite number"]),
    "invalid_inf": ("invalid", ["inf", "not a finite number"]),
    "invalid_complex": ("invalid", ["complex"]),
    "invalid_shape": ("invalid", ["shape (1,)"]),
    "invalid_posing": ("invalid", ["Anything", "not a number"]),
    "invalid_keys": ("invalid", ["missing", "dL_dw2_23", "unexpected", "dL_dw2_24"]),
    "error_exception": ("error", ['step11.py", line 3', "scale = net.w2_12 / (net.h2_1 - net.h2_1)",
                                 "ZeroDivisionError"]),
    "error_exit": ("error", ["sys.exit(3)"]),
    "error_syntax": ("error", ["step13.py", "line 2", "* net.x1)"]),
    "error_own_answer": ("error", ['step01.py", line 2', "net.delta3",
                                  "is what this step asks you to compute"]),
    "error_forward": ("error", ['step00.py", line 2', "net.z1_1", "forward pass itself"]),
    "error_died": ("error", ["ended without an answer"]),
    "timeout": ("timeout", [f"no answer within {TIMEOUT:g} s"]),
}


def step_of(case: str) -> registry.Step:
    return registry.get(fixture_file(case).stem)


def learner_text(result) -> str:
    return "\n".join((result.message, result.error, result.output))


def test_every_fixture_case_is_in_the_table_and_every_status_is_reached():
    cases = {path.name for path in STATUS_FIXTURES.iterdir() if path.is_dir()}
    assert cases == set(CASES)
    reached = {status for status, _ in CASES.values()} | {"not_started"}
    assert reached == set(checking.STATUSES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_fixture_reaches_its_status(case):
    status, words = CASES[case]
    step = step_of(case)
    report = checking.check([step.id], STATUS_FIXTURES / case, timeout=TIMEOUT)
    (result,) = report.results
    assert result.step == step.id
    assert result.status == status, learner_text(result)
    text = learner_text(result)
    assert all(word in text for word in words), text
    assert result.score == (step.points if status == "passed" else 0)
    assert report.passed is (status == "passed")


@pytest.mark.parametrize("case", sorted(c for c, (s, _) in CASES.items() if s == "error"))
def test_errors_show_the_learners_code_not_ours(case):
    (result,) = checking.check([step_of(case).id], STATUS_FIXTURES / case, timeout=TIMEOUT).results
    assert "Traceback" not in result.error
    assert "grader" not in result.error and "sandbox" not in result.error
    assert str(STATUS_FIXTURES) not in result.error        # file names, not our paths


@pytest.mark.parametrize("case", sorted(c for c in CASES if c != "passed"))
def test_messages_in_chinese(case):
    (result,) = checking.check([step_of(case).id], STATUS_FIXTURES / case, lang="zh",
                               timeout=TIMEOUT).results
    assert result.status == CASES[case][0]
    assert CJK.search(result.message), result.message
    assert result.title == step_of(case).title["zh"]


@pytest.mark.slow
def test_one_fault_never_affects_another_step(tmp_path):
    """Every fixture in one folder: each step gets exactly its own status."""
    folder = tmp_path / "mixed"
    shutil.copytree(SOLUTIONS, folder)
    for case in CASES:
        shutil.copy(fixture_file(case), folder)
    expected = {step_of(case).id: status for case, (status, _) in CASES.items()}
    report = checking.check([], folder, timeout=TIMEOUT)
    got = {r.step: r.status for r in report.results}
    assert got == {step.id: expected.get(step.id, "passed") for step in registry.STEPS}


@pytest.mark.slow
def test_neighbours_of_an_endless_loop_and_an_exit_still_pass(solved):
    for case in ("timeout", "error_exit", "error_died"):
        shutil.copy(fixture_file(case), solved)
    faulty = {step_of(case).id for case in ("timeout", "error_exit", "error_died")}
    report = checking.check([], solved, timeout=TIMEOUT)
    for result in report.results:
        assert (result.status != "passed") is (result.step in faulty), result.step
    assert report.score == registry.total_points() - sum(registry.get(s).points for s in faulty)
    assert not report.passed


def test_stubs_and_missing_files_are_not_started(tmp_path):
    step = registry.get("step7")
    edited = stubs.render(step).replace("Step 7", "Step 7 (my notes: start from dL_dh2_1)")
    (tmp_path / step.file_name).write_text(edited, encoding="utf-8")
    (result,) = checking.check(["step7"], tmp_path).results
    assert result.status == "not_started" and "step07.py" in result.message
    (missing,) = checking.check(["step8"], tmp_path).results
    assert missing.status == "not_started" and "step08.py" in missing.message
    assert checking.check(["7"], EXERCISES).results[0].status == "not_started"


def test_a_failure_shows_the_numbers():
    case = "failed"
    step = step_of(case)
    (result,) = checking.check([step.id], STATUS_FIXTURES / case).results
    reference = quantities.reference(generate(0))
    assert result.shown_seed == 0 and result.shown_visible
    assert result.inputs == {name: reference[name] for name in step.uses}
    (row,) = result.rows
    assert row.expected == reference[step.answer]
    assert row.received == pytest.approx(reference["delta3"] * reference["h2_1"], rel=1e-12)
    assert row.relative_error == tolerances.relative_error(row.received, row.expected)
    assert tolerances.relative_error(row.finite_difference, row.expected) \
        <= tolerances.FINITE_DIFFERENCE_RELATIVE
    assert not row.passed


def test_a_hard_coded_answer_is_shown_on_another_problem():
    (result,) = checking.check(["step16"], STATUS_FIXTURES / "failed_hardcoded").results
    assert not result.shown_visible and result.shown_seed != 0
    assert result.shown_seed in checking.ProblemSet(0).seeds[1:]


def test_partly_right_dict_scores_a_fraction(tmp_path):
    step = registry.get("step15")
    text = (SOLUTIONS / step.file_name).read_text(encoding="utf-8")
    (tmp_path / step.file_name).write_text(
        text.replace('"dL_db2_2": dz2,', '"dL_db2_2": 2 * dz2,'), encoding="utf-8")
    (result,) = checking.check([step.id], tmp_path).results
    keys = len(step.answer_items)
    assert result.status == "failed"
    assert result.score == pytest.approx(step.points * (keys - 1) / keys)
    assert [r.key for r in result.rows if not r.passed] == ["dL_db2_2"]


@pytest.mark.parametrize("seed", [0, 3, 2**62 + 11])
def test_the_seed_is_the_visible_problem(seed):
    report = checking.check(["step7", "step15"], SOLUTIONS, seed=seed)
    assert report.seed == seed and report.passed
    assert all(r.shown_seed == seed and r.problems >= 5 for r in report.results)
    seven = report.results[0]
    assert seven.rows[0].expected == quantities.reference(generate(seed))["dL_dw2_11"]


def test_problem_set_is_the_seed_plus_further_problems():
    problem_set = checking.ProblemSet(4)
    assert problem_set.seeds[0] == 4 and len(set(problem_set.seeds)) == len(problem_set.seeds)
    assert len(problem_set.seeds) >= 1 + 4
    seed_values = quantities.reference(generate(4))
    assert {k: v for k, v in problem_set.references[0].items() if k in seed_values} == seed_values
    matrix_values = {}                # a matrix step's values, on the network drawn for it
    for step in registry.ARRAY_STEPS:
        matrix_values.update(step.reference(4))
    assert {k: v for k, v in problem_set.references[0].items() if k not in seed_values} \
        == matrix_values


def test_duplicate_names_are_checked_once():
    report = checking.check(["7", "step7", "07"], SOLUTIONS)
    assert [r.step for r in report.results] == ["step7"]


def test_json_shape_of_a_report():
    report = checking.check(["step7", "step15"], SOLUTIONS)
    data = report.to_dict()
    assert {"results", "score", "max_score"} <= set(data)
    for entry in data["results"]:
        assert {"step", "status", "score", "max_score", "message", "diagnosis"} <= set(entry)
        assert entry["status"] in checking.STATUSES
    assert data["score"] == data["max_score"] == sum(r["max_score"] for r in data["results"])


def test_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="step0 … step"):
        checking.check(["step99"], SOLUTIONS)
    with pytest.raises(UsageError, match="no exercises folder"):
        checking.check(["step7"], tmp_path / "nowhere")


# --- check --chain: blame only the root causes -------------------------------------------------

def _wrong(folder, number: int, factor: float = 1.5) -> None:
    """Make step ``number`` in ``folder`` wrong on its own: the solution, every answer scaled."""
    step = registry.get(number)
    source = (SOLUTIONS / step.file_name).read_text(encoding="utf-8")
    (folder / step.file_name).write_text(
        source.replace(f"def {step.function_name}(", "def _solution(", 1)
        + f"\n\ndef {step.function_name}(net):\n    answer = _solution(net)\n"
        f"    if isinstance(answer, dict):\n"
        f"        return {{key: {factor} * value for key, value in answer.items()}}\n"
        f"    return {factor} * answer\n", encoding="utf-8")


def _chained(folder, last: str, lang: str = "en") -> dict:
    report = checking.check([last], folder, chain=True, timeout=TIMEOUT, lang=lang)
    return {result.step: result for result in report.results}


def test_chain_blames_only_the_step_it_depends_on(solved):
    """Only step5 wrong (its sign): step6 does not read it; step13 reads it through step10,
    which is right on its inputs and is not blamed."""
    (solved / "step05.py").write_text(
        "def step5(net):\n    return -net.delta3 * net.y * (1 - net.y) * net.v1\n",
        encoding="utf-8")
    results = _chained(solved, "step13")
    assert results["step5"].status == "failed" and results["step5"].chained_wrong == []
    assert results["step6"].status == "passed" and results["step6"].chained_wrong == []
    for number in range(7, 14):
        result = results[f"step{number}"]
        assert result.status == "failed" and result.chained_wrong == ["step5"], number
        assert result.chain_right_alone and result.chain_consistent
    assert results["step13"].chained_from[-3:] == ["step10", "step11", "step12"]
    line = repr(results["step13"]).splitlines()
    blame = [text for text in line if "inputs were off" in text]
    assert len(blame) == 1 and "your formula here is right" in blame[0]
    assert re.findall(r"step\d+", blame[0]) == ["step5"]


def test_chain_does_not_blame_a_step_right_on_the_reference_inputs(solved):
    """step0 without ``+ b3``: step1 is right checked alone (on the reference y) and is not a
    root cause for step2, though its answer on the learner's y is off."""
    source = (SOLUTIONS / "step00.py").read_text(encoding="utf-8")
    assert " + net.b3)" in source
    (solved / "step00.py").write_text(source.replace(" + net.b3)", ")"), encoding="utf-8")
    results = _chained(solved, "step4")
    assert results["step0"].status == "failed"
    assert results["step1"].status == "failed" and results["step1"].chain_right_alone
    assert results["step1"].chained_wrong == ["step0"]
    for number in (2, 3, 4):
        assert results[f"step{number}"].chained_wrong == ["step0"], number
    zh = _chained(solved, "step2", lang="zh")["step2"]
    blame = [text for text in repr(zh).splitlines() if "公式是对的" in text]
    assert len(blame) == 1 and re.findall(r"step\d+", blame[0]) == ["step0"]


def test_chain_blames_every_root_cause_and_only_those(solved):
    """step5 and step10 both wrong: step11 depends on step5 alone, step13 on both; step7 is
    wrong on its own too and says so."""
    for number in (5, 7, 10):
        _wrong(solved, number)
    results = _chained(solved, "step13")
    assert results["step10"].chained_wrong == ["step5"]
    assert not results["step10"].chain_right_alone
    assert results["step11"].chained_wrong == ["step5"] and results["step11"].chain_right_alone
    assert results["step13"].chained_wrong == ["step5", "step10"]
    seven = results["step7"]
    assert seven.chained_wrong == ["step5"] and not seven.chain_right_alone
    blame = [t for t in repr(seven).splitlines() if "inputs were off" in t]
    assert len(blame) == 1 and "not right on its own either" in blame[0]
    assert "bpgrade check step7" in blame[0]
    assert re.findall(r"step\d+", blame[0]) == ["step7", "step5"]


def test_chain_follows_the_wrong_quantity_not_the_whole_step(solved):
    """step0 wrong only in L (no ½): no backward step reads L, so none blames step0."""
    source = (SOLUTIONS / "step00.py").read_text(encoding="utf-8")
    (solved / "step00.py").write_text(source.replace("L = 0.5 * ", "L = "), encoding="utf-8")
    results = _chained(solved, "step17")
    assert results["step0"].status == "failed"
    assert all(r.passed and r.chained_wrong == [] for s, r in results.items() if s != "step0")
    assert all(r.chained_from[0] == "step0" for s, r in results.items() if s != "step0")


def test_a_step_not_done_cuts_the_chain(solved):
    """step5 wrong but step10 a stub: net holds the reference ∂L/∂h₁⁽¹⁾ for step13, which
    passes and blames nothing."""
    _wrong(solved, 5)
    (solved / "step10.py").write_text(stubs.render(registry.get("step10")), encoding="utf-8")
    results = _chained(solved, "step13")
    assert results["step10"].status == "not_started"
    assert results["step13"].passed and results["step13"].chained_wrong == []
    assert results["step11"].chained_wrong == ["step5"]


@pytest.mark.parametrize("number", [0, 1, 5, pytest.param(6, marks=pytest.mark.slow),
                                    pytest.param(10, marks=pytest.mark.slow),
                                    pytest.param(13, marks=pytest.mark.slow)])
def test_chain_blame_agrees_with_the_numbers(solved, number):
    """One step wrong, every other right: a later step blames it exactly when the wrong answer
    reaches its own (failed) answer, and then says its formula is right."""
    _wrong(solved, number)
    results = _chained(solved, registry.STEPS[-1].id)
    wrong = f"step{number}"
    assert results[wrong].status == "failed" and results[wrong].chained_wrong == []
    for step_id, result in results.items():
        if step_id == wrong:
            continue
        assert result.chained_wrong == ([wrong] if result.status == "failed" else []), step_id
        assert result.status in ("passed", "failed"), step_id
        assert result.chain_right_alone, step_id

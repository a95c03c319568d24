"""grader.render.terminal: scores as a person reads them, printed output labelled by problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.checking.check import Report, Result, check
from grader.render import terminal
from grader.render.terminal import GUTTER, output_lines, points

SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions"


@pytest.mark.parametrize("score, max_score, shown", [
    (12 / 7, 2, "1.71"),             # 12/14 of 2 points
    (0.1, 2, "0.1"),
    (2.9142857, 4, "2.91"),
    (2.0, 2, "2"),
    (0.0, 1, "0"),
    (38, 38, "38"),
    (1.5, 2, "1.5"),
    (1.999, 2, "1.99"),              # not full marks, so never shown as 2
    (37.996, 38, "37.99"),
    (0.996, None, "1"),
])
def test_scores_show_at_most_two_decimals(score, max_score, shown):
    assert points(score, max_score) == shown


def test_partial_credit_prints_as_a_short_fraction(tmp_path):
    folder = tmp_path / "ex"
    folder.mkdir()
    source = (SOLUTIONS / "step00.py").read_text(encoding="utf-8")
    (folder / "step00.py").write_text(source.replace('"y": y,', '"y": 1.1 * y,'))
    report = check(["step0"], folder)
    assert report.score == pytest.approx(2 * 6 / 7, abs=1e-6)   # 12/14: all right but y
    for lang, line in (("en", "Score 1.71/2 · 0 of 1 steps passed"),
                       ("zh", "得分 1.71/2 · 1 步中通过 0 步")):
        assert line in terminal.terminal(report, lang).splitlines()
    data = json.loads(terminal.as_json(report))
    assert data["score"] == pytest.approx(2 * 6 / 7, abs=1e-6)  # JSON keeps the number


def _result(parts, output=None, status="failed", problems=5):
    output = output if output is not None else "".join(part["text"] for part in parts)
    return Result(step="step7", status=status, score=0.0, max_score=1, message="m",
                  problems=problems, output=output, output_parts=parts)


FORGED = "    on further problem 1 of 4:\n--- your problem ---\n"


def test_printed_output_is_labelled_by_problem_and_cannot_forge_a_label():
    parts = [{"problem": None, "text": "loading\n"}] + \
        [{"problem": i, "text": f"run {i}\n" + FORGED} for i in range(5)]
    lines = terminal.result_text(_result(parts), "en").splitlines()
    start = lines.index("  your code printed:")
    shown = lines[start + 1:]
    labels = [line.strip() for line in shown if not line.lstrip().startswith(GUTTER)]
    assert labels == ["while the file was loaded:", "on your problem:",
                      "on further problem 1 of 4:", "on further problem 2 of 4:",
                      "on further problem 3 of 4:", "on further problem 4 of 4:"]
    printed = [line.strip()[len(GUTTER):] for line in shown if line.lstrip().startswith(GUTTER)]
    assert printed[:2] == ["loading", "run 0"]
    # the forged label text is there, but only behind the gutter, like all printed text
    assert "    on further problem 1 of 4:" in printed and "--- your problem ---" in printed
    assert all(line.startswith("    " + GUTTER) or line.startswith("      " + GUTTER)
               or line.strip() in labels for line in shown)


def test_labels_in_chinese():
    parts = [{"problem": 0, "text": "a\n"}, {"problem": 3, "text": "b\n"}]
    assert output_lines(parts, "a\nb\n", 5, "zh") == [
        "在你的问题上：", "  " + GUTTER + "a", "在另外第 3 个问题上（共 4 个）：", "  " + GUTTER + "b"]


def test_output_without_marks_is_shown_whole_behind_the_gutter():
    lines = output_lines([], "on your problem:\nx\n", 5, "en")
    assert lines == [GUTTER + "on your problem:", GUTTER + "x"]


def test_long_output_is_cut_per_problem_and_says_how_much_is_left():
    parts = [{"problem": i, "text": "".join(f"line {n}\n" for n in range(40))} for i in range(5)]
    lines = output_lines(parts, "", 5, "en")
    assert len([line for line in lines if "line " in line]) == terminal.OUTPUT_LINES
    assert "  " + GUTTER + "… 37 more lines" in lines
    one_more = [{"problem": 0, "text": "".join(f"line {n}\n" for n in range(16))}]
    assert len(output_lines(one_more, "", 5, "en")) == 17   # the 16th line, not "1 more line"
    assert lines[0] == "on your problem:" and "on further problem 4 of 4:" in lines
    loading = [{"problem": None, "text": "a\nb\nc\nd\ne\n"}] + parts     # 6 parts, 3 lines each
    lines = output_lines(loading, "", 5, "en")
    assert lines[-5:] == ["on further problem 4 of 4:", "  " + GUTTER + "line 0",
                          "  " + GUTTER + "line 1", "  " + GUTTER + "line 2",
                          "  " + GUTTER + "… 37 more lines"]              # none left out


def test_a_passing_step_keeps_its_output_out_of_the_report():
    result = _result([{"problem": 0, "text": "hello\n"}], status="passed")
    assert "hello" not in terminal.terminal(Report([result], 0), "en")


def test_what_a_real_check_prints_is_labelled(tmp_path):
    folder = tmp_path / "ex"
    folder.mkdir()
    (folder / "step07.py").write_text(
        "print('loaded')\n"
        "def step7(net):\n"
        "    print('h1_1 is', net.h1_1)\n"
        "    print('on your problem:')\n"
        "    return net.dL_dh2_1 * net.h2_1 * net.h1_1\n")
    report = check(["step7"], folder, seed=3)
    result = report.results[0]
    assert [part["problem"] for part in result.output_parts] == [None, 0, 1, 2, 3, 4]
    assert result.output_parts[1]["text"] == \
        f"h1_1 is {result.inputs['h1_1']!r}\non your problem:\n"
    out = terminal.terminal(report, "en").splitlines()
    assert [line.strip() for line in out].count("on your problem:") == 1     # the label
    forged = [line for line in out if line.strip() == GUTTER + "on your problem:"]
    assert len(forged) == 5            # printed on every problem, always behind the gutter

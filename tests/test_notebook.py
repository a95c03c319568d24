"""``from grader import check; check("step7", fn)`` for notebooks."""

import math
import os
import subprocess
import sys

import numpy as np

import grader


def step7_right(net):
    return net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_1


def step7_numpy(net):
    h2 = 1 / (1 + np.exp(-net.z2))               # sigma recomputed from z, as an array
    return np.float64(net.dL_dh2[0] * h2[0] * (1 - h2[0]) * net.h1[0])


def step7_wrong(net):
    return net.dL_dh2_1 * net.h1_1


def test_a_right_function_passes_with_readable_reprs():
    result = grader.check("step7", step7_right)
    assert result.status == "passed" and result.passed
    assert result.message == "right on all 5 problems"
    assert repr(result).startswith("✓ step7 passed")
    html = result._repr_html_()
    assert html.startswith("<div") and "step7" in html and "passed" in html


def test_other_correct_styles_pass():
    assert grader.check("7", step7_numpy).status == "passed"
    assert grader.check("step1", lambda net: np.array(net.y - net.y_target)).status == "passed"
    sigma = lambda z: 1 / (1 + math.exp(-z))
    assert grader.check("step4", lambda net: net.delta3 * sigma(net.z3) * (1 - sigma(net.z3))
                        ).status == "passed"


def test_a_wrong_function_fails_and_shows_numbers():
    result = grader.check("step7", step7_wrong, lang="zh")
    assert result.status == "failed" and result.score == 0
    text = repr(result)
    assert "未通过" in text and "应为" in text
    assert "<pre>" in result._repr_html_()


def test_an_endless_loop_times_out_without_hanging_the_kernel():
    def forever(net):
        while True:
            pass

    result = grader.check("step2", forever, timeout=0.3)
    assert result.status == "timeout"


def test_errors_and_stubs():
    def broken(net):
        return net.no_such_value

    result = grader.check("step3", broken)
    assert result.status == "error" and "no_such_value" in result.error

    def stub(net):
        raise NotImplementedError

    assert grader.check("step3", stub).status == "not_started"
    assert grader.check("step3", lambda net: None).status == "invalid"


def test_the_seed_chooses_the_problem():
    first = grader.check("step1", lambda net: 0.123, seed=1)
    assert first.shown_seed == 1 and first.status == "failed"


def test_the_watchdog_works_when_the_process_ignores_ctrl_c(tmp_path):
    # A kernel or script started in the background inherits SIGINT ignored; the watchdog's
    # interrupt must still stop the loop, and the ignored disposition must come back after.
    script = tmp_path / "loop.py"
    script.write_text(
        "import signal, grader\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "def forever(net):\n"
        "    while True:\n"
        "        pass\n"
        "result = grader.check('step2', forever, timeout=0.3)\n"
        "print(result.status, signal.getsignal(signal.SIGINT) is signal.SIG_IGN)\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=30, env={**os.environ, "BPGRADE_CACHE": ""})
    assert done.stdout.split() == ["timeout", "True"], done.stderr


# --- blocking calls, the kernel's own timer, other threads ---------------------------------

import shutil
import signal
import threading
import time
from pathlib import Path

import pytest

from grader.learner import workspace

SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions"


@pytest.mark.parametrize("seconds", [20, 1000])
def test_a_blocking_call_is_stopped_too(seconds):
    def sleeper(net):
        time.sleep(seconds)
        return 0.0

    started = time.monotonic()
    result = grader.check("step7", sleeper, timeout=1)
    assert result.status == "timeout" and "1 s" in result.message
    assert time.monotonic() - started < 4


def test_catching_exceptions_does_not_outlive_the_timeout():
    def stubborn(net):
        for _ in range(50):
            try:
                time.sleep(5)
            except Exception:            # what a learner may write; the stop is not one
                pass
        return 0.0

    started = time.monotonic()
    assert grader.check("step7", stubborn, timeout=0.5).status == "timeout"
    assert time.monotonic() - started < 3


def test_swallowing_even_the_stop_still_counts_as_a_timeout():
    def swallow(net):
        for _ in range(3):
            try:
                time.sleep(5)
            except BaseException:
                pass
        return net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_1

    started = time.monotonic()
    assert grader.check("step7", swallow, timeout=0.5).status == "timeout"
    assert time.monotonic() - started < 3         # the stop came again until the code gave up


def test_the_kernels_own_alarm_handler_and_timer_come_back():
    fired = []

    def mine(signum, frame):
        fired.append(signum)

    previous = signal.signal(signal.SIGALRM, mine)
    try:
        signal.setitimer(signal.ITIMER_REAL, 30)
        assert grader.check("step7", step7_right, timeout=2).status == "passed"
        assert signal.getsignal(signal.SIGALRM) is mine
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 20 < left < 30                         # still counting down, not reset, not lost
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        time.sleep(0.5)
        assert fired == [signal.SIGALRM]              # and it is ours that runs
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_nothing_is_left_armed_after_a_timeout():
    def forever(net):
        while True:
            pass

    assert grader.check("step2", forever, timeout=0.2).status == "timeout"
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
    time.sleep(0.3)                                    # no late alarm arrives here


def test_from_another_thread_a_watchdog_stops_an_endless_loop():
    def forever(net):
        while True:
            pass

    results = []
    thread = threading.Thread(target=lambda: results.append(
        grader.check("step2", forever, timeout=0.3)))
    started = time.monotonic()
    thread.start()
    thread.join(10)
    assert not thread.is_alive() and results[0].status == "timeout"
    assert time.monotonic() - started < 5
    assert grader.check("step7", step7_right).status == "passed"     # this thread untouched


# --- what a function prints ------------------------------------------------------------------

def test_what_a_function_prints_is_kept_and_labelled_by_problem(capsys):
    import sys

    stdout = sys.stdout

    def chatty(net):
        print("h1_1 =", net.h1_1)
        return net.dL_dh2_1 * net.h1_1

    result = grader.check("step7", chatty, lang="en")
    assert sys.stdout is stdout and capsys.readouterr().out == ""
    assert [part["problem"] for part in result.output_parts] == [0, 1, 2, 3, 4]
    assert result.shown_visible                 # wrong on the learner's own problem first
    assert result.output_parts[0]["text"] == f"h1_1 = {result.inputs['h1_1']!r}\n"
    text = repr(result)
    assert "on your problem:" in text and "on further problem 4 of 4:" in text


# --- inside a workspace ----------------------------------------------------------------------

def test_inside_a_workspace_check_uses_its_seed_and_language(tmp_path, monkeypatch):
    workspace.init(tmp_path, seed=697401, learner_lang="zh")
    monkeypatch.chdir(tmp_path / "exercises")
    result = grader.check("step7", step7_wrong)
    assert result.shown_seed == 697401 and result.lang == "zh"
    assert result.message == "5 个问题中有 5 个不对"
    chosen = grader.check("step7", step7_wrong, seed=3, lang="en")
    assert chosen.shown_seed == 3 and chosen.message == "not right on 5 of 5 problems"


def test_outside_a_workspace_the_seed_is_0(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert grader.check("step1", lambda net: 0.123, lang="en").shown_seed == 0


def test_without_a_function_the_workspaces_file_is_checked_in_a_process_of_its_own(
        tmp_path, monkeypatch):
    workspace.init(tmp_path, seed=5)
    folder = tmp_path / "exercises"
    monkeypatch.chdir(tmp_path)
    assert grader.check("step7", lang="en").status == "not_started"
    shutil.copy(SOLUTIONS / "step07.py", folder / "step07.py")
    passed = grader.check("7", lang="en")
    assert passed.status == "passed" and passed.shown_seed == 5
    (folder / "step07.py").write_text(
        "import os\nprint('pid', os.getpid())\n"
        "def step7(net):\n    os._exit(3)\n")
    died = grader.check("step7", lang="en")                  # this process lives on
    assert died.status == "error" and "exit code 3" in died.error
    assert died.output.split() != ["pid", str(os.getpid())]
    (folder / "step07.py").write_text("import grader\ndef step7(net):\n    return 0.0\n")
    assert "not allowed" in grader.check("step7", lang="en").error

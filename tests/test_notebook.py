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

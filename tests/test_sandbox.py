"""The sandbox: one learner's step in a child, and a student's steps in a runner's child."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from grader import registry, sandbox
from grader.checking import ProblemSet, answer_keys, contexts_for

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
STEP1 = registry.get("step1")
PROBLEMS = ProblemSet(11)


def _contexts(step=STEP1):
    return contexts_for(step, PROBLEMS, "en")


def _write(tmp_path, body: str | bytes, name: str = "step01.py") -> Path:
    path = tmp_path / name
    path.write_bytes(body if isinstance(body, bytes) else body.encode())
    return path


def _run_file(path, timeout=2.0, **kw):
    return sandbox.run_file(path, "step1", _contexts(), None, "en", timeout, **kw)


RIGHT = "def step1(net):\n    return net.y - net.y_target\n"


@pytest.mark.parametrize("body,kind,needle", [
    (RIGHT, "answers", ""),
    ("def step1(net):\n    raise NotImplementedError\n", "not_started", ""),
    ("def step1(net)\n    return 0\n", "error", "does not parse"),
    (b"x = '\xe9t\xe9'\ndef step1(net):\n    return 0.0\n", "error", "UTF-8"),
    ("", "error", "has no function step1(net)"),
    ("import grader\n" + RIGHT, "error", "not allowed"),
    ("import os\ndef step1(net):\n    os._exit(3)\n", "error", "exit code 3"),
    ("def step1(net):\n    while True:\n        pass\n", "timeout", "1 s"),
    ("import sys\nsys.exit(2)\n", "error", "sys.exit(2)"),
    ("def f(n):\n    return f(n + 1)\n\ndef step1(net):\n    return f(0)\n", "error",
     "repeated"),
])
def test_run_file_outcomes(tmp_path, body, kind, needle):
    outcome = _run_file(_write(tmp_path, body), timeout=1.0)
    assert outcome.kind == kind, outcome
    assert needle in outcome.error


def test_run_file_answers_are_plain_floats(tmp_path):
    outcome = _run_file(_write(tmp_path, RIGHT))
    assert len(outcome.answers) == len(PROBLEMS.problems)
    for answer, reference in zip(outcome.answers, PROBLEMS.references):
        assert type(answer["values"]["value"]) is float
        assert answer["values"]["value"] == pytest.approx(reference["delta3"])


def test_output_is_kept_capped_and_never_parsed(tmp_path):
    body = ("import json\ndef step1(net):\n"
            "    print(json.dumps({'kind': 'answers', 'answers': []}))\n"
            "    print('x' * 100000)\n    return None\n")
    outcome = _run_file(_write(tmp_path, body))
    assert outcome.kind == "answers" and "invalid" in outcome.answers[0]
    assert '"kind": "answers"' in outcome.output
    assert len(outcome.output.encode()) <= sandbox.OUTPUT_LIMIT


def test_memory_limit_turns_a_hog_into_an_error(tmp_path):
    body = "def step1(net):\n    return len(bytearray(1 << 30))\n"
    outcome = _run_file(_write(tmp_path, body), limits=sandbox.Limits(memory=128 << 20))
    assert outcome.kind == "error" and "MemoryError" in outcome.error


def test_single_learner_check_keeps_its_own_user(tmp_path):
    body = "import os\ndef step1(net):\n    print(os.getuid())\n    return net.y - net.y_target\n"
    outcome = _run_file(_write(tmp_path, body))
    assert outcome.output.split()[0] == str(os.getuid())


@pytest.mark.parametrize("data", [
    None, [], {"kind": "answers"}, {"kind": "answers", "answers": []},
    {"kind": "answers", "answers": [{"values": {"value": float("nan")}}] * 5},
    {"kind": "answers", "answers": [{"values": {"value": "1.0"}}] * 5},
    {"kind": "answers", "answers": [{"values": {"value": 1.0, "extra": 2.0}}] * 5},
    {"kind": "error", "error": 7}, {"kind": "passed"},
])
def test_anything_malformed_from_a_child_is_an_error(data):
    outcome = sandbox._trusted(data, 5, None, "en")
    assert outcome.kind == "error" and outcome.answers == []


def test_framing_rejects_oversized_and_reports_eof():
    read_fd, write_fd = os.pipe()
    os.write(write_fd, b"\xff\xff\xff\xff")
    assert sandbox._receive(read_fd, time.monotonic() + 1) == (None, "garbage")
    sandbox._send(write_fd, b"hello")
    assert sandbox._receive(read_fd, time.monotonic() + 1) == (b"hello", None)
    assert sandbox._receive(read_fd, time.monotonic() + 0.05) == (None, "timeout")
    os.close(write_fd)
    assert sandbox._receive(read_fd, time.monotonic() + 1) == (None, "eof")
    os.close(read_fd)


def test_capped_text_drops_what_is_past_the_limit():
    read_fd, write_fd = os.pipe()
    stream = sandbox._CappedText(write_fd, limit=10)
    assert stream.write("0123456789abcdef") == 16
    stream.reset()
    stream.write("XY")
    os.close(write_fd)
    assert os.read(read_fd, 100) == b"0123456789XY"
    os.close(read_fd)


def test_child_state_notices_a_patch():
    import math

    state = sandbox._ChildState()
    assert state.unchanged()
    original = math.exp
    math.exp = lambda x: 0.0
    try:
        assert not state.unchanged()
    finally:
        math.exp = original
    assert state.unchanged()


def test_sandbox_user_is_unprivileged_only_for_root():
    user = sandbox.sandbox_user()
    if IS_ROOT:
        assert user is not None and user[0] != 0 and user[1] != 0
    else:
        assert user is None


@pytest.fixture
def client():
    runner = sandbox.RunnerClient(1.0, "en", sandbox.Limits(memory=256 << 20),
                                  sandbox.sandbox_user())
    yield runner
    runner.close()


def _item(step, body: str, tmp_path=None):
    return {"path": f"/nowhere/{step.file_name}", "function": step.function_name,
            "contexts": _contexts(step), "keys": answer_keys(step), "source": body.encode()}


def _solution(step):
    return _item(step, (SOLUTIONS / step.file_name).read_text())


def test_runner_child_is_unprivileged_when_root(client):
    client.start_student(None, 1)
    body = "import os\ndef step1(net):\n    print(os.getuid(), os.getgid())\n" \
           "    return net.y - net.y_target\n"
    outcome = client.run_many([_item(STEP1, body)])[0]
    expected = sandbox.sandbox_user() if IS_ROOT else (os.getuid(), os.getgid())
    assert outcome.output.split()[:2] == [str(expected[0]), str(expected[1])]
    assert outcome.kind == "answers"


def test_a_bad_step_in_a_batch_costs_only_itself(client):
    steps = [registry.get(n) for n in ("step2", "step3", "step4")]
    items = [_solution(steps[0]),
             _item(steps[1], "def step3(net):\n    while True:\n        pass\n"),
             _solution(steps[2])]
    client.start_student(None, 3)
    started = time.monotonic()
    outcomes = client.run_many(items)
    assert [o.kind for o in outcomes] == ["answers", "timeout", "answers"]
    assert time.monotonic() - started < 5


def test_output_goes_to_the_step_that_printed_it(client):
    steps = [registry.get(n) for n in ("step2", "step3")]
    items = [_item(steps[0], "def step2(net):\n    print('two')\n    return 0.0\n"),
             _item(steps[1], "def step3(net):\n    print('three')\n    return 0.0\n")]
    client.start_student(None, 2)
    outcomes = client.run_many(items)
    assert [set(o.output.split()) for o in outcomes] == [{"two"}, {"three"}]


def test_a_process_left_behind_is_killed(client, tmp_path):
    os.chmod(tmp_path, 0o777)
    marker = tmp_path / "late"
    body = ("import os, time\ndef step1(net):\n    if os.fork() == 0:\n        os.setsid()\n"
            f"        time.sleep(0.5)\n        open({str(marker)!r}, 'w').close()\n"
            "        os._exit(0)\n    return net.y - net.y_target\n")
    client.start_student(None, 1)
    outcome = client.run_many([_item(STEP1, body)])[0]
    assert outcome.kind == "answers"
    assert client.child is None                         # the spoiled child was retired
    time.sleep(1.0)
    assert not marker.exists()
    assert sandbox._children(client.pid) == set()

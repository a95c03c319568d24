"""The sandbox: one learner's step in a child, and a student's steps in a runner's child."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bpgrade_harness import child, wire
from conftest import descendants
from grader.steps import registry
from grader import sandbox
from grader.checking.check import ProblemSet, answer_keys, contexts_for
from grader.steps.context import loss_names

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


@pytest.mark.parametrize("body, english, chinese", [
    ("import os\ndef step1(net):\n    os._exit(3)\n", "(exit code 3)", "（退出码 3）"),
    ("import os\ndef step1(net):\n    os.kill(os.getpid(), 9)\n", "(signal 9, SIGKILL)",
     "（信号 9，SIGKILL）"),
])
def test_how_a_step_died_is_said_in_the_learners_language(tmp_path, body, english, chinese):
    path = _write(tmp_path, body)
    said = {lang: sandbox.run_file(path, "step1", _contexts(), None, lang, 2.0).error
            for lang in ("en", "zh")}
    assert said["en"].endswith(english) and said["zh"].endswith(chinese)


def test_an_unreadable_file_is_said_in_the_learners_language(tmp_path):
    missing = tmp_path / "step01.py"
    assert sandbox.run_file(missing, "step1", _contexts(), None, "en", 2.0).error.startswith(
        "cannot read step01.py: ")
    assert sandbox.run_file(missing, "step1", _contexts(), None, "zh", 2.0).error.startswith(
        "无法读取 step01.py：")


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


PRINTING = ("print('loading')\n"
            "def step1(net):\n"
            "    print('y is', net.y)\n"
            "    print('on your problem:')\n"
            "    return net.y - net.y_target\n")


def test_output_is_cut_where_each_trial_began(tmp_path):
    outcome = _run_file(_write(tmp_path, PRINTING))
    assert outcome.kind == "answers"
    ys = [values["y"] for values, _, _ in _contexts()]
    assert outcome.output_parts == [{"problem": None, "text": "loading\n"}] + [
        {"problem": i, "text": f"y is {y!r}\non your problem:\n"} for i, y in enumerate(ys)]
    assert "".join(part["text"] for part in outcome.output_parts) == outcome.output


def test_an_error_keeps_the_output_of_the_trials_that_ran(tmp_path):
    body = ("count = []\n"
            "def step1(net):\n"
            "    count.append(1)\n"
            "    print('trial', len(count))\n"
            "    if len(count) == 3:\n"
            "        raise ValueError('third')\n"
            "    return net.y - net.y_target\n")
    outcome = _run_file(_write(tmp_path, body))
    assert outcome.kind == "error" and "third" in outcome.error
    assert outcome.output_parts == [{"problem": i, "text": f"trial {i + 1}\n"} for i in range(3)]


def test_a_step_that_prints_nothing_has_no_parts(tmp_path):
    outcome = _run_file(_write(tmp_path, RIGHT))
    assert outcome.output == "" and outcome.output_parts == []


def test_parts_stay_within_the_output_cap(tmp_path):
    body = "def step1(net):\n    print('x' * 6000)\n    return net.y - net.y_target\n"
    outcome = _run_file(_write(tmp_path, body))
    sizes = [len(part["text"].encode()) for part in outcome.output_parts]
    assert sum(sizes) == len(outcome.output.encode()) <= sandbox.OUTPUT_LIMIT
    assert [part["problem"] for part in outcome.output_parts] == [0, 1, 2]   # the rest was cut


def test_marks_outside_a_steps_output_leave_it_unlabelled():
    from grader.sandbox.outcome import with_output

    data = b"first\nsecond\n"
    labelled = with_output(sandbox.Outcome("answers", output_marks=[100, 106]), data, start=100)
    assert [p["text"] for p in labelled.output_parts] == ["first\n", "second\n"]
    alien = with_output(sandbox.Outcome("answers", output_marks=[50, 106]), data, start=100)
    assert alien.output == "first\nsecond\n" and alien.output_parts == []


TYPESET = [
    ("\u2212", "return net.y \u2212 net.y_target", "- (hyphen-minus)", "−"),
    ("\u2013", "return net.y \u2013 net.y_target", "- (hyphen-minus)", "–"),
    ("\u00d7", "return 2 \u00d7 net.y", "* (asterisk)", "×"),
    ("\u22c5", "return 2 \u22c5 net.y", "* (asterisk)", "⋅"),
    ("\u00f7", "return net.y \u00f7 2", "/ (slash)", "÷"),
    ("\u00b7", "return net.delta3\u00b7net.y", "* (asterisk)", "·"),   # compiles: a·b is a name
    ("\u00b7", "return 2\u00b7net.y", "* (asterisk)", "·"),
]


@pytest.mark.parametrize("char, line, use, shown", TYPESET)
def test_typeset_maths_pasted_from_a_docstring_is_pointed_out(tmp_path, char, line, use, shown):
    body = f'"""δ⁽³⁾ = y − y_target · 1"""\n\n\ndef step1(net):\n    x = 1\n    {line}\n'
    outcome = _run_file(_write(tmp_path, body))
    assert outcome.kind == "error"
    assert outcome.error.startswith(f"step01.py, line 6: {shown} (U+{ord(char):04X}) is typeset")
    assert f"use {use}" in outcome.error and line in outcome.error
    assert "SyntaxError" not in outcome.error and "Traceback" not in outcome.error
    zh = sandbox.run_file(_write(tmp_path, body), "step1", _contexts(), None, "zh", 2.0)
    assert zh.error.startswith(f"step01.py 第 6 行：{shown}（U+{ord(char):04X}）")
    assert "请改用" in zh.error


def test_typeset_maths_in_strings_and_comments_is_fine(tmp_path):
    body = ('"""∂L/∂v₁ = δ⁽³⁾·y(1−y)·h₁⁽²⁾ × 1 ÷ 1"""\n'
            "def step1(net):\n    # y − y_target\n    label = 'a·b'\n"
            "    return net.y - net.y_target\n")
    assert _run_file(_write(tmp_path, body)).kind == "answers"


def test_another_syntax_error_keeps_pythons_words(tmp_path):
    body = "def step1(net):\n    return (net.y − 1\n"      # the − comes first
    assert "hyphen-minus" in _run_file(_write(tmp_path, body)).error
    body = "def step1(net):\n    return h₁\n"
    error = _run_file(_write(tmp_path, body)).error
    assert "does not parse (line 2)" in error and "U+2081" in error


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
    *({"kind": "answers", "answers": [{"values": {"value": 1.0}}] * 5, "output_marks": marks}
      for marks in ([], [3, 1], [0.5], [-1], [0, 1, 2, 3, 4, 5], "0", [True], [1 << 70])),
    {"kind": "error", "error": "boom", "output_marks": [2, 1]},
])
def test_anything_malformed_from_a_child_is_an_error(data):
    outcome = sandbox.trusted(data, 5, None, "en")
    assert outcome.kind == "error" and outcome.answers == []


def test_framing_rejects_oversized_and_reports_eof():
    read_fd, write_fd = os.pipe()
    os.write(write_fd, b"\xff\xff\xff\xff")
    assert wire.receive(read_fd, time.monotonic() + 1) == (None, "garbage")
    wire.send(write_fd, b"hello")
    assert wire.receive(read_fd, time.monotonic() + 1) == (b"hello", None)
    assert wire.receive(read_fd, time.monotonic() + 0.05) == (None, "timeout")
    os.close(write_fd)
    assert wire.receive(read_fd, time.monotonic() + 1) == (None, "eof")
    os.close(read_fd)


def test_a_write_to_a_peer_that_never_reads_has_a_deadline():
    read_fd, write_fd = os.pipe()
    started = time.monotonic()
    assert wire.send(write_fd, b"x" * (4 << 20), time.monotonic() + 0.3) is False
    assert time.monotonic() - started < 2
    os.close(write_fd)
    os.close(read_fd)


def test_capped_text_drops_what_is_past_the_limit():
    read_fd, write_fd = os.pipe()
    stream = child.CappedText(write_fd, limit=10)
    assert stream.write("0123456789abcdef") == 16
    stream.reset()
    stream.write("XY")
    os.close(write_fd)
    assert os.read(read_fd, 100) == b"0123456789XY"
    os.close(read_fd)


def test_child_state_notices_a_patch():
    import math

    state = child.ChildState()
    assert state.unchanged()
    original = math.exp
    math.exp = lambda x: 0.0
    try:
        assert not state.unchanged()
    finally:
        math.exp = original
    assert state.unchanged()


# A fresh interpreter with a tracer of its own from the start, as coverage.py gives the suite
# under CI: the tracer it began with is tolerated, one the learner sets, swaps or drops is not.
TRACED_CHILD = """
import sys
from bpgrade_harness import child

def tracer(frame, event, arg):
    return None

sys.settrace(tracer)
state = child.ChildState()
assert state.unchanged(), "the tracer the process began with"
{change}
assert not state.unchanged(), "not noticed"
{undo}
assert state.unchanged(), "undone"
"""


TRACER_CHANGES = {
    "another tracer": ("sys.settrace(lambda *args: None)", "sys.settrace(tracer)"),
    "tracer removed": ("sys.settrace(None)", "sys.settrace(tracer)"),
    "a profiler": ("sys.setprofile(lambda *args: None)", "sys.setprofile(None)"),
}
if hasattr(sys, "monitoring"):              # Python 3.12+; CI runs the suite on 3.12 and 3.13
    TRACER_CHANGES["a monitoring tool"] = ("sys.monitoring.use_tool_id(3, 'learner')",
                                           "sys.monitoring.free_tool_id(3)")


@pytest.mark.parametrize("change, undo", TRACER_CHANGES.values(), ids=TRACER_CHANGES.keys())
def test_child_state_keeps_the_tracer_it_began_with(change, undo):
    done = subprocess.run([sys.executable, "-c", TRACED_CHILD.format(change=change, undo=undo)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


ISOLATION = sandbox.choose(trust_submissions=True, lang="en")


@pytest.fixture
def client():
    runner = sandbox.RunnerClient(1.0, "en", sandbox.Limits(memory=256 << 20),
                                  ISOLATION.user(0), ISOLATION.mode, ISOLATION.quota)
    yield runner
    runner.close()


def _item(step):
    return child.step_request(step.function_name, _contexts(step), answer_keys(step),
                              loss_names(step.id), file=step.file_name)


def _start(client, tmp_path, bodies: dict) -> None:
    """A student folder with these step files (step id -> source), started in the runner."""
    folder = tmp_path / "student"
    folder.mkdir()
    for step_id, body in bodies.items():
        step = registry.get(step_id)
        text = body if body is not None else (SOLUTIONS / step.file_name).read_text()
        (folder / step.file_name).write_text(text)
    client.start_student(folder, len(bodies))


def test_runner_child_is_unprivileged_when_root(client, tmp_path):
    body = ("import os\ndef step1(net):\n    print(os.getuid(), os.getgid(), "
            "open('/proc/self/uid_map').read().split()[1])\n"
            "    return net.y - net.y_target\n")
    _start(client, tmp_path, {"step1": body})
    outcome = client.run_many([_item(STEP1)])[0]
    assert outcome.kind == "answers"
    uid, gid, outer = (int(n) for n in outcome.output.split()[:3])
    assert uid != 0 and gid != 0                        # an id of its own user namespace
    if IS_ROOT:
        assert outer == ISOLATION.user(0)[0]            # ... which is the job's uid outside


@pytest.mark.slow
def test_a_bad_step_in_a_batch_costs_only_itself(client, tmp_path):
    steps = [registry.get(n) for n in ("step2", "step3", "step4")]
    _start(client, tmp_path, {"step2": None, "step3": "def step3(net):\n    while True:\n"
                                                        "        pass\n", "step4": None})
    started = time.monotonic()
    outcomes = client.run_many([_item(step) for step in steps])
    assert [o.kind for o in outcomes] == ["answers", "timeout", "answers"]
    assert time.monotonic() - started < 5


def test_output_goes_to_the_step_that_printed_it(client, tmp_path):
    steps = [registry.get(n) for n in ("step2", "step3")]
    _start(client, tmp_path, {"step2": "def step2(net):\n    print('two')\n    return 0.0\n",
                              "step3": "def step3(net):\n    print('three')\n    return 0.0\n"})
    outcomes = client.run_many([_item(step) for step in steps])
    assert [set(o.output.split()) for o in outcomes] == [{"two"}, {"three"}]
    for outcome, word in zip(outcomes, ("two", "three")):
        assert outcome.output_parts == [{"problem": i, "text": f"{word}\n"} for i in range(5)]


def test_a_runner_child_labels_output_and_names_typeset_maths(client, tmp_path):
    steps = [registry.get(n) for n in ("step1", "step2")]
    _start(client, tmp_path, {"step1": PRINTING,
                              "step2": "def step2(net):\n    return net.delta3 \u00d7 2\n"})
    first, second = client.run_many([_item(step) for step in steps])
    assert [part["problem"] for part in first.output_parts] == [None, 0, 1, 2, 3, 4]
    assert second.kind == "error" and "line 2: × (U+00D7)" in second.error


@pytest.mark.slow
def test_a_process_left_behind_is_killed(client, tmp_path):
    os.chmod(tmp_path, 0o777)
    marker = tmp_path / "late"
    body = ("import os, time\ndef step1(net):\n    if os.fork() == 0:\n        os.setsid()\n"
            f"        time.sleep(0.5)\n        open({str(marker)!r}, 'w').close()\n"
            "        os._exit(0)\n    return net.y - net.y_target\n")
    _start(client, tmp_path, {"step1": body})
    outcome = client.run_many([_item(STEP1)])[0]
    assert outcome.kind == "answers"
    assert client.child is None                         # the spoiled child was retired
    time.sleep(1.0)
    assert not marker.exists()
    below = descendants(client.pid)        # under namespaces: the runner, alone
    assert len(below) == (1 if client.mode == "namespaces" else 0), below

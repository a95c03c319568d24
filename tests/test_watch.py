"""The watch loop, bounded: it runs in a thread, the test edits files and reads what it said."""

import os
import re
import shutil
import sys
import threading
import time
from pathlib import Path

from grader.steps import registry

from grader.learner import workspace
from grader.learner.watch import FileEvents, Watcher

SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions"


def wait_for(predicate, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def save(path: Path, content: str) -> None:
    path.write_text(content, encoding="utf-8")
    stamp = time.time() + 1          # make sure the change is seen even on coarse clocks
    os.utime(path, (stamp, stamp))


def test_watch_rechecks_on_save_and_moves_on(tmp_path):
    workspace.init(tmp_path, seed=4)
    folder = tmp_path / "exercises"
    shutil.copy(SOLUTIONS / "step00.py", folder / "step00.py")
    lines, stop = [], threading.Event()
    watcher = Watcher(folder, 4, "en", 2.0, lines.append)
    thread = threading.Thread(target=watcher.run, kwargs={"should_stop": stop.is_set,
                                                          "interval": 0.05})
    thread.start()
    try:
        said = lambda needle: any(needle in line for line in lines)
        assert wait_for(lambda: said("Now: step1"))          # step0 passes already
        save(folder / "step01.py", "def step1(net):\n    return net.y_target - net.y\n")
        assert wait_for(lambda: said("Hint 1 of 3 for step1:"))
        shutil.copy(SOLUTIONS / "step01.py", folder / "step01.py")
        save(folder / "step01.py", (SOLUTIONS / "step01.py").read_text(encoding="utf-8"))
        assert wait_for(lambda: said("step1 passes"))
        assert wait_for(lambda: said("Now: step2"))
        assert watcher.current is registry.get("step2")
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def test_watch_ends_when_everything_passes(tmp_path):
    folder = tmp_path / "exercises"
    shutil.copytree(SOLUTIONS, folder)
    lines = []
    assert Watcher(folder, 0, "zh", 2.0, lines.append).run(interval=0.01) == 0
    assert any("所有步骤都已通过" in line for line in lines)


def test_ctrl_c_stops_cleanly(tmp_path, monkeypatch):
    workspace.init(tmp_path, seed=1)
    lines = []

    def interrupt(_):
        raise KeyboardInterrupt

    monkeypatch.setattr(time, "sleep", interrupt)
    code = Watcher(tmp_path / "exercises", 1, "en", 2.0, lines.append).run(events=False)
    assert code == 0
    assert lines[-1] == "Stopped watching."


def test_ctrl_c_stops_cleanly_while_waiting_for_file_events(tmp_path, monkeypatch):
    workspace.init(tmp_path, seed=1)
    lines = []

    def interrupt(self, seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr(FileEvents, "wait", interrupt)
    assert Watcher(tmp_path / "exercises", 1, "en", 2.0, lines.append).run() == 0
    assert lines[-1] == "Stopped watching."


def run_in_thread(watcher, **options):
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, kwargs={"should_stop": stop.is_set, **options})
    thread.start()
    return stop, thread


def test_file_events_see_a_save_at_once(tmp_path):
    workspace.init(tmp_path, seed=6)
    folder = tmp_path / "exercises"
    events = FileEvents.open(folder)
    assert (events is not None) == sys.platform.startswith("linux")     # inotify is Linux's
    if events is None:
        return                        # elsewhere the polling test below covers watching
    events.close()
    lines = []
    # a polling interval far longer than the test waits: only an event can wake the loop
    stop, thread = run_in_thread(Watcher(folder, 6, "en", 2.0, lines.append), interval=60)
    try:
        assert wait_for(lambda: any("Now: step1" in line for line in lines))
        shutil.copy(SOLUTIONS / "step01.py", folder / "step01.py")
        assert wait_for(lambda: any("step1 passes" in line for line in lines), seconds=10)
    finally:
        stop.set()
        save(folder / "step05.py", "# wake the loop so it sees the stop\n")
        thread.join(10)
    assert not thread.is_alive()


def test_polling_alone_finds_changes_where_events_never_arrive(tmp_path):
    workspace.init(tmp_path, seed=6)
    folder = tmp_path / "exercises"
    lines = []
    stop, thread = run_in_thread(Watcher(folder, 6, "en", 2.0, lines.append),
                                 interval=0.05, events=False)
    try:
        assert wait_for(lambda: any("Now: step1" in line for line in lines))
        save(folder / "step01.py", (SOLUTIONS / "step01.py").read_text(encoding="utf-8"))
        assert wait_for(lambda: any("step1 passes" in line for line in lines))
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


# --- where watch starts, its hints and its separators, driven step by step -----------------

WRONG_STEP1 = "def step1(net):\n    return net.y_target - net.y\n"
OTHER_WRONG_STEP1 = "def step1(net):\n    return 2 * (net.y - net.y_target)\n"


def scripted(edits):
    """A ``wait`` for Watcher.run that makes the next edit each time the loop waits, then
    interrupts it (Ctrl-C) when none is left."""
    edits = list(edits)

    def wait(seconds):
        if not edits:
            raise KeyboardInterrupt
        edits.pop(0)()

    return wait


def run_scripted(folder, edits, seed=4, lang="en"):
    lines = []
    watcher = Watcher(folder, seed, lang, 2.0, lines.append)
    assert watcher.run(wait=scripted(edits)) == 0
    return watcher, lines


def solve(folder, *steps):
    for step in steps:
        name = registry.get(step).file_name
        save(folder / name, (SOLUTIONS / name).read_text(encoding="utf-8"))


def test_watch_starts_at_step1_while_step0_is_untouched(tmp_path):
    workspace.init(tmp_path, seed=4)
    folder = tmp_path / "exercises"
    watcher, lines = run_scripted(folder, [])
    assert lines[1] == f"Now: step1 — open {folder / 'step01.py'}"
    assert watcher.current is registry.get("step1")


def test_watch_starts_at_the_first_step_not_yet_passed(tmp_path):
    workspace.init(tmp_path, seed=4)
    folder = tmp_path / "exercises"
    solve(folder, "step1", "step2", "step4")
    watcher, lines = run_scripted(folder, [])
    assert watcher.current is registry.get("step3")
    assert lines[1].startswith("Now: step3")


def test_step0_once_touched_is_where_watch_starts(tmp_path):
    workspace.init(tmp_path, seed=4)
    folder = tmp_path / "exercises"
    save(folder / "step00.py", "def step0(net):\n    return {}\n")
    watcher, lines = run_scripted(folder, [])
    assert watcher.current is registry.get("step0")


def test_an_untouched_step0_comes_last(tmp_path):
    workspace.init(tmp_path, seed=4)
    folder = tmp_path / "exercises"
    solve(folder, *[step.id for step in registry.STEPS if step.number > 0])
    watcher, lines = run_scripted(folder, [])
    assert watcher.current is registry.get("step0")
    assert not any("Every step passes" in line for line in lines)


def hint_lines(lines, step="step1"):
    return [line for line in lines if line.startswith("Hint ") and f" for {step}:" in line]


def test_the_same_failure_again_raises_the_hint_level(tmp_path):
    workspace.init(tmp_path, seed=4)
    folder = tmp_path / "exercises"
    edit = lambda: save(folder / "step01.py", WRONG_STEP1)
    watcher, lines = run_scripted(folder, [edit, edit, edit, edit])
    hints = hint_lines(lines)
    assert [line.split(" for ")[0] for line in hints] == \
        ["Hint 1 of 3", "Hint 2 of 3", "Hint 3 of 3", "Hint 3 of 3"]
    from grader.steps.hints import hint

    for level, line in zip((1, 2, 3), hints):
        assert line.endswith(hint("step1", level, "en").body)
    assert sum("brings hint" in line for line in lines) == 2
    assert sum("that is the last hint for step1" in line for line in lines) == 2


def test_a_different_failure_keeps_the_level_and_a_pass_forgets_it(tmp_path):
    workspace.init(tmp_path, seed=4)
    folder = tmp_path / "exercises"
    wrong = lambda: save(folder / "step01.py", WRONG_STEP1)
    other = lambda: save(folder / "step01.py", OTHER_WRONG_STEP1)
    watcher, lines = run_scripted(folder, [wrong, wrong, other, lambda: solve(folder, "step1")])
    assert [line.split(" for ")[0] for line in hint_lines(lines)] == \
        ["Hint 1 of 3", "Hint 2 of 3", "Hint 2 of 3"]
    assert any("step1 passes" in line for line in lines)
    assert "step1" not in watcher.failures and watcher.current is registry.get("step2")


def test_a_step_other_than_the_current_one_gets_its_own_hint(tmp_path):
    workspace.init(tmp_path, seed=4)
    folder = tmp_path / "exercises"
    wrong5 = lambda: save(folder / "step05.py", "def step5(net):\n    return net.delta3 * net.v1\n")
    watcher, lines = run_scripted(folder, [wrong5, wrong5])
    assert watcher.current is registry.get("step1")
    assert [line.split(" for ")[0] for line in hint_lines(lines, "step5")] == \
        ["Hint 1 of 3", "Hint 2 of 3"]
    assert not hint_lines(lines, "step1")          # step1 is untouched: nothing to hint at


def test_each_recheck_is_announced_with_the_time(tmp_path):
    workspace.init(tmp_path, seed=4)
    folder = tmp_path / "exercises"
    edit = lambda: save(folder / "step01.py", WRONG_STEP1)
    nothing = lambda: None
    watcher, lines = run_scripted(folder, [edit, nothing, edit])
    separators = [line for line in lines if line.startswith("────")]
    assert len(separators) == 2          # one per re-check, none while nothing changed
    for line in separators:
        assert re.fullmatch(r"──── \d\d:\d\d:\d\d · step1 saved · checked again \d+ s after "
                            r"the last check ────", line), line
    # identical failures: the second report is the first one again, after its own separator
    first, second = (lines.index(line) for line in separators)
    assert lines[first + 1] == lines[second + 1] and "failed" in lines[first + 1]


def test_watch_speaks_chinese_too(tmp_path):
    workspace.init(tmp_path, seed=4)
    folder = tmp_path / "exercises"
    edit = lambda: save(folder / "step01.py", WRONG_STEP1)
    watcher, lines = run_scripted(folder, [edit, edit], lang="zh")
    assert any(line.startswith("step1 的提示（2/3）：") for line in lines)
    assert any(line.startswith("────") and "已保存 step1" in line for line in lines)
    assert lines[-1] == "已停止监视。"


def test_watch_follows_the_scaffold(tmp_path):
    """A faded step10 that fails: no list of the formula's values, and hint 1 gives the idea
    (two paths) that the stub keeps back; a full stub says it already, so its hint does not."""
    said = {}
    for scaffold in ("faded", "full"):
        root = tmp_path / scaffold
        workspace.init(root, seed=4, scaffold=scaffold)
        folder = root / "exercises"
        for step in registry.STEPS[:10]:
            shutil.copy(SOLUTIONS / step.file_name, folder / step.file_name)
        (folder / "step10.py").write_text("def step10(net):\n    return net.dL_dh2_1 * 0.3\n",
                                          encoding="utf-8")
        lines, stop = [], threading.Event()
        watcher = Watcher(folder, 4, "en", 2.0, lines.append, scaffold=scaffold)
        thread = threading.Thread(target=watcher.run, kwargs={"should_stop": stop.is_set,
                                                              "interval": 0.05})
        thread.start()
        try:
            assert wait_for(lambda: any("Hint 1 of 3 for step10:" in line for line in lines))
        finally:
            stop.set()
            thread.join(10)
        said[scaffold] = "\n".join(lines)
    assert "net.w2_21 = " not in said["faded"] and "net.w2_21 = " in said["full"]
    assert "two paths" in said["faded"] and "two paths" not in said["full"]

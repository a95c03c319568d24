"""The watch loop, bounded: it runs in a thread, the test edits files and reads what it said."""

import os
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
        assert wait_for(lambda: said("failed"))
        assert said("Stuck? bpgrade hint step1") or said("Hint:")
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
        assert wait_for(lambda: any("Now: step0" in line for line in lines))
        shutil.copy(SOLUTIONS / "step00.py", folder / "step00.py")
        assert wait_for(lambda: any("step0 passes" in line for line in lines), seconds=10)
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
        assert wait_for(lambda: any("Now: step0" in line for line in lines))
        shutil.copy(SOLUTIONS / "step00.py", folder / "step00.py")
        save(folder / "step00.py", (SOLUTIONS / "step00.py").read_text(encoding="utf-8"))
        assert wait_for(lambda: any("step0 passes" in line for line in lines))
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()

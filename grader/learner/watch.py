"""``bpgrade watch``: re-check whenever an exercise file is saved, and move on when it passes.

On Linux the folder is watched with inotify, so a save is seen at once. Every wait also
ends after ``INTERVAL`` seconds and compares each file's modification time and size: that
polling is what finds changes where events never arrive (network shares, WSL drives) and
on systems without inotify.
"""

from __future__ import annotations

import os
import select
import time
from pathlib import Path

from ..checking import check as checking
from ..steps import registry
from ..render import terminal as reporters
from ..errors import UsageError
from ..i18n import text

INTERVAL = 0.5       # seconds between looks at the files

MESSAGES = {
    "start": {"en": "Watching {folder} — save a file to re-check it; Ctrl-C to stop.",
              "zh": "正在监视 {folder} —— 保存文件即自动检查；按 Ctrl-C 退出。"},
    "now": {"en": "Now: {step} — open {file}", "zh": "当前：{step} —— 打开 {file}"},
    "hint": {"en": "Hint {level} of {levels} for {step}: {hint}",
             "zh": "{step} 的提示（{level}/{levels}）：{hint}"},
    "hint_next": {"en": "(the same result again brings hint {next}; or: bpgrade hint {step} "
                        "--level {next})",
                  "zh": "（再得到同样的结果会给出提示 {next}；也可运行 bpgrade hint {step} "
                        "--level {next}）"},
    "hint_last": {"en": "(that is the last hint for {step})", "zh": "（这是 {step} 的最后一级提示）"},
    "hint_command": {"en": "Stuck? bpgrade hint {step}", "zh": "卡住了？bpgrade hint {step}"},
    "separator": {"en": "──── {time} · {steps} saved · checked again {seconds:.0f} s after the "
                        "last check ────",
                  "zh": "──── {time} · 已保存 {steps} · 距上次检查 {seconds:.0f} 秒，重新检查 ────"},
    "passed_next": {"en": "{step} passes. On to the next step.",
                    "zh": "{step} 已通过，进入下一步。"},
    "done": {"en": "Every step passes. Well done!", "zh": "所有步骤都已通过，做得好！"},
    "stopped": {"en": "Stopped watching.", "zh": "已停止监视。"},
}


class FileEvents:
    """inotify on one folder (Linux, through ctypes); ``open`` gives None where unavailable."""

    _MASK = 0x00000002 | 0x00000008 | 0x00000080 | 0x00000100   # modify, close-write, moved-to, create

    def __init__(self, fd: int):
        self.fd = fd

    @classmethod
    def open(cls, folder: Path):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
            if fd < 0:
                return None
            if libc.inotify_add_watch(fd, os.fsencode(str(folder)), cls._MASK) < 0:
                os.close(fd)
                return None
            return cls(fd)
        except (OSError, AttributeError, ValueError):
            return None

    def wait(self, seconds: float) -> None:
        """Until something happens in the folder, or ``seconds`` pass."""
        ready, _, _ = select.select([self.fd], [], [], seconds)
        if ready:
            time.sleep(0.05)                 # an editor's save is often several writes
            try:
                while os.read(self.fd, 1 << 16):
                    pass
            except BlockingIOError:
                pass

    def close(self) -> None:
        os.close(self.fd)


def _stamp(path: Path):
    try:
        info = path.stat()
        return info.st_mtime_ns, info.st_size
    except OSError:
        return None


def _snapshot(folder: Path) -> dict:
    return {step.id: _stamp(folder / step.file_name) for step in registry.STEPS}


def _same_failure(result) -> tuple:
    """What makes two failed checks of a step the same failure: same status, message, error,
    diagnosis and numbers."""
    diagnosis = (result.diagnosis or {}).get("code")
    return (result.status, result.message, result.error, diagnosis,
            tuple((row.key, row.received) for row in result.rows))


class Watcher:
    """The watch loop, with its output and stopping injectable so it can be tested.

    It starts at the first step not yet passed, leaving out an untouched step0 (``init``
    sends a learner to step1; the forward pass is theirs to do when they like), and after
    a pass moves to the next step not yet passed. Every step that fails gets its hint,
    one level higher each time it fails in exactly the same way.
    """

    def __init__(self, folder, seed: int, lang: str, timeout: float, echo, color=False,
                 scaffold: str | None = None):
        self.folder = Path(folder)
        self.scaffold = scaffold        # the stubs' scaffold: a hint adds what they do not say
        if not self.folder.is_dir():
            raise UsageError(text(checking.MESSAGES, "no_folder", lang, path=self.folder))
        self.seed = seed
        self.lang = lang
        self.timeout = timeout
        self.echo = echo
        self.color = color
        self.problem_set = checking.ProblemSet(seed, cached=True)
        self.current = None
        self.failures = {}          # step id -> (the failure, the hint level last shown)
        self.last_check = time.monotonic()

    def _check(self, step):
        result = checking.check_step(step, self.folder, self.problem_set, self.lang, self.timeout)
        self.last_check = time.monotonic()
        return result

    def _show(self, step, result) -> None:
        self.echo(reporters.terminal(checking.Report([result], self.seed), self.lang, self.color,
                                     self.scaffold))
        self._offer_hint(step, result)

    def _advance(self, start_number: int, untouched_step0_last: bool = False):
        """Check steps from ``start_number`` on, then the ones before it; stop at the first
        that does not pass (an untouched step0 only after all others, if asked)."""
        order = [step for step in registry.STEPS if step.number >= start_number] \
            + [step for step in registry.STEPS if step.number < start_number]
        deferred = None
        for step in order:
            result = self._check(step)
            if result.passed:
                self.failures.pop(step.id, None)
                continue
            if untouched_step0_last and step.number == 0 and result.status == "not_started":
                deferred = step, result
                continue
            self._now(step, result)
            return
        if deferred is not None:
            self._now(*deferred)
            return
        self.current = None
        self.echo(text(MESSAGES, "done", self.lang))

    def _now(self, step, result) -> None:
        self.current = step
        self.echo(text(MESSAGES, "now", self.lang, step=step.id,
                       file=self.folder / step.file_name))
        self._show(step, result)

    def _hint_level(self, step, result, levels: list) -> int:
        """Level 1 at a step's first failure; one more each time it fails in exactly the
        same way (up to the last); a different failure keeps the level."""
        failure = _same_failure(result)
        before = self.failures.get(step.id)
        if before is None:
            level = levels[0]
        elif before[0] == failure:
            level = next((n for n in levels if n > before[1]), before[1])
        else:
            level = before[1]
        self.failures[step.id] = (failure, level)
        return level

    def _offer_hint(self, step, result) -> None:
        if result.passed:
            self.failures.pop(step.id, None)
            return
        if result.status == "not_started":
            return
        levels = sorted(step.hints or {})
        if not levels:
            self.echo(text(MESSAGES, "hint_command", self.lang, step=step.id))
            return
        from ..steps.hints import hint

        shown = hint(step.id, self._hint_level(step, result, levels), self.lang, self.scaffold)
        self.echo(text(MESSAGES, "hint", self.lang, step=step.id, level=shown.level,
                       levels=shown.levels, hint=shown.body))
        if shown.next_level is not None:
            self.echo(text(MESSAGES, "hint_next", self.lang, step=step.id, next=shown.next_level))
        else:
            self.echo(text(MESSAGES, "hint_last", self.lang, step=step.id))

    def run(self, should_stop=lambda: False, interval: float = INTERVAL,
            events: bool = True, wait=None) -> int:
        """Watch until every step passes, ``should_stop()`` or Ctrl-C; ``events``: use
        inotify; ``wait(seconds)``: how to wait instead (tests)."""
        self.echo(text(MESSAGES, "start", self.lang, folder=self.folder))
        seen = _snapshot(self.folder)
        self._advance(0, untouched_step0_last=True)
        watcher = FileEvents.open(self.folder) if events and wait is None else None
        wait = wait or (watcher.wait if watcher is not None else time.sleep)
        try:
            while self.current is not None and not should_stop():
                wait(interval)
                now = _snapshot(self.folder)
                changed = [registry.get(sid) for sid in now if now[sid] != seen[sid]]
                seen = now
                if not changed:
                    continue
                self.echo(text(MESSAGES, "separator", self.lang, time=time.strftime("%H:%M:%S"),
                               steps=", ".join(step.id for step in changed),
                               seconds=time.monotonic() - self.last_check))
                for step in changed:
                    if step is not self.current:
                        self._show(step, self._check(step))
                if self.current in changed:
                    result = self._check(self.current)
                    self._show(self.current, result)
                    if result.passed:
                        self.echo(text(MESSAGES, "passed_next", self.lang, step=self.current.id))
                        self._advance(self.current.number + 1)
        except KeyboardInterrupt:
            self.echo(text(MESSAGES, "stopped", self.lang))
        finally:
            if watcher is not None:
                watcher.close()
        return 0

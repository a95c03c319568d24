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
from ..i18n import pick, text

INTERVAL = 0.5       # seconds between looks at the files

MESSAGES = {
    "start": {"en": "Watching {folder} — save a file to re-check it; Ctrl-C to stop.",
              "zh": "正在监视 {folder} —— 保存文件即自动检查；按 Ctrl-C 退出。"},
    "now": {"en": "Now: {step} — open {file}", "zh": "当前：{step} —— 打开 {file}"},
    "hint": {"en": "Hint: {hint}\n(more: bpgrade hint {step} --level 2)",
             "zh": "提示：{hint}\n（更多：bpgrade hint {step} --level 2）"},
    "hint_command": {"en": "Stuck? bpgrade hint {step}", "zh": "卡住了？bpgrade hint {step}"},
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


class Watcher:
    """The watch loop, with its output and stopping injectable so it can be tested."""

    def __init__(self, folder, seed: int, lang: str, timeout: float, echo, color=False):
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise UsageError(text(checking.MESSAGES, "no_folder", lang, path=self.folder))
        self.seed = seed
        self.lang = lang
        self.timeout = timeout
        self.echo = echo
        self.color = color
        self.problem_set = checking.ProblemSet(seed, cached=True)
        self.current = None

    def _check(self, step):
        result = checking.check_step(step, self.folder, self.problem_set, self.lang, self.timeout)
        report = checking.Report([result], self.seed)
        self.echo(reporters.terminal(report, self.lang, self.color))
        return result

    def _advance(self, start_number: int):
        """Check steps from ``start_number`` on; stop at the first that does not pass."""
        for step in registry.STEPS:
            if step.number < start_number:
                continue
            result = checking.check_step(step, self.folder, self.problem_set, self.lang,
                                         self.timeout)
            if not result.passed:
                self.current = step
                self.echo(text(MESSAGES, "now", self.lang, step=step.id,
                               file=self.folder / step.file_name))
                self.echo(reporters.terminal(checking.Report([result], self.seed), self.lang,
                                             self.color))
                self._offer_hint(step, result)
                return
        self.current = None
        self.echo(text(MESSAGES, "done", self.lang))

    def _offer_hint(self, step, result) -> None:
        if result.status in ("passed", "not_started"):
            return
        hint = step.hints.get(1) if step.hints else None
        if hint:
            self.echo(text(MESSAGES, "hint", self.lang, hint=pick(hint, self.lang), step=step.id))
        else:
            self.echo(text(MESSAGES, "hint_command", self.lang, step=step.id))

    def run(self, should_stop=lambda: False, interval: float = INTERVAL,
            events: bool = True) -> int:
        """Watch until every step passes, ``should_stop()`` or Ctrl-C; ``events``: use inotify."""
        self.echo(text(MESSAGES, "start", self.lang, folder=self.folder))
        seen = _snapshot(self.folder)
        self._advance(0)
        watcher = FileEvents.open(self.folder) if events else None
        wait = watcher.wait if watcher is not None else time.sleep
        try:
            while self.current is not None and not should_stop():
                wait(interval)
                now = _snapshot(self.folder)
                changed = [registry.get(sid) for sid in now if now[sid] != seen[sid]]
                seen = now
                if not changed:
                    continue
                for step in changed:
                    if step is not self.current:
                        self._check(step)
                if self.current in changed:
                    result = self._check(self.current)
                    if result.passed:
                        self.echo(text(MESSAGES, "passed_next", self.lang, step=self.current.id))
                        self._advance(self.current.number + 1)
                    else:
                        self._offer_hint(self.current, result)
        except KeyboardInterrupt:
            self.echo(text(MESSAGES, "stopped", self.lang))
        finally:
            if watcher is not None:
                watcher.close()
        return 0

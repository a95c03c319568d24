"""A learner's own ``bpgrade check``: one forked child per step, or in-process for notebooks.

The learner owns the machine, so the child keeps the learner's user; it gets its own
session, resource limits, capped output and a deadline, so ``sys.exit``, ``os._exit`` or
an endless loop costs only that step.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from bpgrade_harness import child, wire

from ..steps.context import loss_names
from ..i18n import text
from .outcome import (DEFAULT_TIMEOUT, MESSAGES, Limits, Outcome, capture_file, how, parse,
                      trusted, with_output)

_UNREAPED = []    # children killed after their answer arrived, not yet waited for


def run_file(path, function_name: str, contexts: list, keys, lang: str = "en",
             timeout: float = DEFAULT_TIMEOUT, limits: Limits | None = None) -> Outcome:
    """Load ``path`` and run ``function_name`` on every context, isolated where possible."""
    request = child.step_request(function_name, contexts, keys,
                                 loss_names(contexts[0][1] if contexts else ""), path=str(path))
    if not hasattr(os, "fork"):
        return run_here(lambda: child.run_request(request, lang), len(contexts), keys, lang,
                        timeout)
    limits = limits or Limits()
    try:
        source = Path(path).read_bytes()
    except OSError as exc:
        return Outcome("error", error=child.unreadable(path, exc, lang))
    _reap_finished()
    capture = capture_file()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:                                          # the child: never returns
        status = 0
        try:
            os.close(read_fd)
            os.environ.update(child.ONE_THREAD)   # numpy may first load here (net.W1, an import)
            stream = child.harden(capture.fileno(), keep_fds=(write_fd,))
            child.apply_limits(limits.as_dict(), timeout + 1, own_user=False)
            child.capture_streams(stream, lang)
            report = json.dumps(child.run_request(request, lang, source,
                                                  mark=child.output_position))
            wire.send(write_fd, report.encode())
        except BaseException:
            status = 70
        finally:
            os._exit(status)
    os.close(write_fd)
    status, why = None, "interrupted"
    try:
        payload, why = wire.receive(read_fd, time.monotonic() + timeout)
    finally:
        os.close(read_fd)
        child.kill_group(pid)
        if why is None:
            _UNREAPED.append(pid)     # its answer is in; reap it later instead of waiting now
        else:
            _, status = os.waitpid(pid, 0)
    capture.seek(0)
    printed = capture.read(child.OUTPUT_LIMIT)
    capture.close()
    if why == "timeout":
        return with_output(Outcome("timeout", error=text(MESSAGES, "timeout", lang,
                                                         seconds=timeout)), printed)
    if why == "eof":
        return with_output(Outcome("error", error=text(MESSAGES, "died", lang,
                                                       how=how(status, lang))), printed)
    return with_output(trusted(parse(payload), len(contexts), keys, lang), printed)


def _reap_finished() -> None:
    for pid in list(_UNREAPED):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _UNREAPED.remove(pid)


def run_function(function, contexts: list, keys, lang: str = "en",
                 timeout: float = DEFAULT_TIMEOUT) -> Outcome:
    """Run a function object (a notebook's) on every context, in this process."""
    path = getattr(getattr(function, "__code__", None), "co_filename", "")
    loss = loss_names(contexts[0][1] if contexts else "")
    return run_here(lambda: child.run_trials(function, contexts, keys, lang, path, loss),
                    len(contexts), keys, lang, timeout)


def run_here(work, n_trials: int, keys, lang: str, timeout: float) -> Outcome:
    """``work()`` in this process; a watchdog thread interrupts an endless Python loop."""
    import _thread
    import signal
    import threading

    finished, fired = threading.Event(), threading.Event()
    # interrupt_main() does nothing while SIGINT is ignored (a process started in the
    # background inherits that), so the watchdog would never stop the loop.
    ignored = (threading.current_thread() is threading.main_thread()
               and signal.getsignal(signal.SIGINT) is signal.SIG_IGN)
    if ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)

    def watchdog():
        if not finished.wait(timeout):
            fired.set()
            _thread.interrupt_main()

    threading.Thread(target=watchdog, daemon=True).start()
    try:
        data = work()
    except KeyboardInterrupt:
        if not fired.is_set():
            raise                    # a real Ctrl-C
        data = None
    finally:
        finished.set()
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    if fired.is_set():
        return Outcome("timeout", error=text(MESSAGES, "timeout", lang, seconds=timeout))
    return trusted(json.loads(json.dumps(data)), n_trials, keys, lang)

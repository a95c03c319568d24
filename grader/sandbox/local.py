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
             timeout: float = DEFAULT_TIMEOUT, limits: Limits | None = None,
             timed: bool = False) -> Outcome:
    """Load ``path`` and run ``function_name`` on every context, isolated where possible
    (``timed``: the outcome's extras hold each call's seconds)."""
    request = child.step_request(function_name, contexts, keys,
                                 loss_names(contexts[0][1] if contexts else ""), timed,
                                 path=str(path))
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
    """Run a function object (a notebook's) on every context, in this process. What it
    prints is captured and capped as a step's process does, to be shown by problem."""
    import sys

    path = getattr(getattr(function, "__code__", None), "co_filename", "")
    loss = loss_names(contexts[0][1] if contexts else "")
    capture = capture_file()
    marks = []

    def mark() -> int:
        marks.append(os.lseek(capture.fileno(), 0, os.SEEK_CUR))
        return marks[-1]

    streams = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = child.CappedText(capture.fileno())
    try:        # run_here returns with its timer stopped: nothing interrupts the restoring
        outcome = run_here(lambda: child.run_trials(function, contexts, keys, lang, path, loss,
                                                    mark),
                           len(contexts), keys, lang, timeout)
    finally:
        sys.stdout, sys.stderr = streams
    capture.seek(0)
    printed = capture.read(child.OUTPUT_LIMIT)
    capture.close()
    outcome.output_marks = marks[:len(contexts)]
    return with_output(outcome, printed)


class StepTimeout(BaseException):
    """Raised in the learner's code when its time is up (a BaseException, so that an
    ``except Exception`` around the work does not swallow it)."""


ALARM_REPEAT = 0.1     # seconds: the alarm fires again while the code swallows StepTimeout


def run_here(work, n_trials: int, keys, lang: str, timeout: float) -> Outcome:
    """``work()`` in this process, stopped after ``timeout`` seconds.

    In the main thread a timer signal (SIGALRM) raises :class:`StepTimeout` in the code,
    which also ends a blocking call such as ``time.sleep``; the previous handler and timer
    come back afterwards. Elsewhere (another thread, no setitimer) a watchdog thread
    interrupts the code between Python instructions, which ends loops but not a blocking call.
    """
    import signal
    import threading

    # getsignal is None when a handler was set outside Python: that one is left alone.
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer") \
            and signal.getsignal(signal.SIGALRM) is not None:
        fired, data = _with_alarm(work, timeout)
    else:
        fired, data = _with_watchdog(work, timeout)
    if fired:
        return Outcome("timeout", error=text(MESSAGES, "timeout", lang, seconds=timeout))
    return trusted(json.loads(json.dumps(data)), n_trials, keys, lang)


def _with_alarm(work, timeout: float):
    """(timed out?, what ``work()`` returned) with a SIGALRM timer in the main thread."""
    import signal

    here = _with_alarm.__code__
    state = {"live": True, "fired": False}

    def on_alarm(signum, frame):
        # Never raise in this function's own frame: its clean-up must run to the end.
        if state["live"] and (frame is None or frame.f_code is not here):
            state["fired"] = True
            raise StepTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    started = time.monotonic()
    before = signal.setitimer(signal.ITIMER_REAL, max(timeout, 1e-3), ALARM_REPEAT)
    data = None
    try:
        data = work()
    except StepTimeout:
        pass
    finally:
        state["live"] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        delay, interval = before
        if delay:                   # someone else's timer was running: it runs on
            left = delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6), interval)
    return state["fired"], data


def _with_watchdog(work, timeout: float):
    """(timed out?, what ``work()`` returned) with a watchdog thread: the main thread is
    interrupted through KeyboardInterrupt, another by a trace function of its own that raises
    :class:`StepTimeout` once the watchdog has fired (an asynchronous exception set from the
    watchdog can be lost inside a tracer such as coverage's, leaving the thread spinning)."""
    import _thread
    import signal
    import sys
    import threading

    finished, fired = threading.Event(), threading.Event()
    main = threading.current_thread() is threading.main_thread()
    # interrupt_main() does nothing while SIGINT is ignored (a process started in the
    # background inherits that), so the watchdog would never stop the loop.
    ignored = main and signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    if ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    lock = threading.Lock()        # the work finishes or the watchdog fires, not both

    def watchdog():
        if not finished.wait(timeout):
            with lock:
                if finished.is_set():
                    return
                fired.set()
                if main:
                    _thread.interrupt_main()

    def stop_when_fired(frame, event, arg):
        if fired.is_set():
            raise StepTimeout
        return stop_when_fired

    previous = None if main else sys.gettrace()
    threading.Thread(target=watchdog, daemon=True).start()
    data = None
    try:
        if not main:
            sys.settrace(stop_when_fired)
        data = work()
    except (KeyboardInterrupt, StepTimeout):
        if not fired.is_set():
            raise                    # a real Ctrl-C
    finally:
        if not main:
            sys.settrace(previous)
        with lock:
            finished.set()
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    return fired.is_set(), data

"""Outlive the step: a chain of processes, each in a new session, hopping to a new pid (the
parent exits as soon as its child exists) for a couple of seconds, then a daemon that lives
on for a minute, writing a marker every half second once 1.5 s have passed. The step itself
answers at once and rightly. A survivor would still run, under the uid printed, when the
test looks.
"""
import os
import time

MARKER = "{{MARKER}}"


def _daemon():
    time.sleep(1.5)
    for _ in range(120):
        for path in (MARKER, "/tmp/daemon-was-here"):
            try:
                with open(path, "w") as handle:
                    handle.write("the daemon outlived its step")
            except OSError:
                pass
        time.sleep(0.5)


def _chain(until):
    while time.monotonic() < until:
        os.setsid()
        if os.fork() != 0:
            os._exit(0)                    # the parent goes; its child carries on
        time.sleep(0.01)
    _daemon()
    os._exit(0)


STARTED = []


def step3(net):
    if not STARTED:
        STARTED.append(os.getpid())
        with open("/proc/self/uid_map") as uid_map:     # the uid seen from outside
            print(f"uid={uid_map.read().split()[1]}")
        _start()
    return net.delta3 * net.y * (1 - net.y) * net.h2_2


def _start():
    if os.fork() == 0:
        try:
            os.setsid()
            if os.fork() == 0:
                _chain(time.monotonic() + 2.0)
        finally:
            os._exit(0)

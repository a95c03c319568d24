"""Ignore the polite signals, then block reading: stdin first, then a pipe no one writes."""
import os
import signal


def step6(net):
    for name in ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGALRM", "SIGXCPU"):
        signal.signal(getattr(signal, name), signal.SIG_IGN)
    os.read(0, 1)                          # stdin: /dev/null in the sandbox, so it returns
    read_end, write_end = os.pipe()        # the write end stays open: this never returns
    os.read(read_end, 1)
    return net.delta3 * net.y * (1 - net.y) * net.v2

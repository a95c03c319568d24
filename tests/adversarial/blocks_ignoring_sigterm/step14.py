"""Ignore the polite signals, then write into a pipe no one reads until it blocks."""
import os
import signal


def step14(net):
    for name in ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGALRM", "SIGXCPU",
                 "SIGPIPE"):
        signal.signal(getattr(signal, name), signal.SIG_IGN)
    read_end, write_end = os.pipe()
    chunk = b"x" * 65536
    while True:
        os.write(write_end, chunk)         # the second write blocks for good

"""Ignore the polite signals, then wait for a signal that never comes."""
import signal


def step11(net):
    for name in ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGALRM", "SIGXCPU"):
        signal.signal(getattr(signal, name), signal.SIG_IGN)
    while True:
        signal.pause()

"""Ignore the polite signals, then sleep far past any deadline."""
import signal
import time


def step8(net):
    for name in ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGALRM", "SIGXCPU"):
        signal.signal(getattr(signal, name), signal.SIG_IGN)
    time.sleep(1000)
    return net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_2

import signal


def boom(*_):
    raise RuntimeError("alarm from an earlier step")


def step13(net):
    signal.signal(signal.SIGALRM, boom)
    signal.setitimer(signal.ITIMER_REAL, 0.05)
    return net.dL_dh1_1 * net.h1_1 * (1 - net.h1_1) * net.x1

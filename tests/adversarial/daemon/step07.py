import os
import time


def step7(net):
    marker = os.environ.get("BPGRADE_ADVERSARIAL_MARKER")
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            time.sleep(1.5)
            if marker:
                with open(marker, "w") as handle:
                    handle.write("the daemon outlived its step")
        os._exit(0)
    return net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_1

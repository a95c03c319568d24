import os
import time

MARKER = "{{MARKER}}"          # the corpus fixture writes the real path in


def step7(net):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            time.sleep(1.5)
            with open(MARKER, "w") as handle:
                handle.write("the daemon outlived its step")
        os._exit(0)
    return net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_1

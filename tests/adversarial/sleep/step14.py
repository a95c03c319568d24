import time


def step14(net):
    time.sleep(600)
    return 0.0

import sys
sys.exit(3)


def step11(net):
    return 0.0

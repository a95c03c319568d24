import sys

def step9(net):
    sys.exit(0)

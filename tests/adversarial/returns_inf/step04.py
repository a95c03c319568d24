import math

def step4(net):
    return math.inf

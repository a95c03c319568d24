def step14(net):
    return float(input())

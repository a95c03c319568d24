def step6(net):
    return True

def step_3(net):
    return 0.0

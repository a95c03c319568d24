def step2(net):
    return str(net.delta3)

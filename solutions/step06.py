def step6(net):
    return net.delta3 * net.y * (1 - net.y) * net.v2

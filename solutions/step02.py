def step2(net):
    return net.delta3 * net.y * (1 - net.y) * net.h2_1

def step13(net):
    return net.dL_dh1_1 * net.h1_1 * (1 - net.h1_1) * net.x1

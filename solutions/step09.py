def step9(net):
    return net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_3

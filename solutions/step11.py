def step11(net):
    return (net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.w2_12
            + net.dL_dh2_2 * net.h2_2 * (1 - net.h2_2) * net.w2_22)

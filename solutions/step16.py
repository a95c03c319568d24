def step16(net):
    # dL/dz for each layer-1 neuron, computed once and reused
    dz1 = net.dL_dh1_1 * net.h1_1 * (1 - net.h1_1)
    dz2 = net.dL_dh1_2 * net.h1_2 * (1 - net.h1_2)
    dz3 = net.dL_dh1_3 * net.h1_3 * (1 - net.h1_3)
    return {
        "dL_dw1_21": dz2 * net.x1,
        "dL_dw1_22": dz2 * net.x2,
        "dL_dw1_31": dz3 * net.x1,
        "dL_dw1_32": dz3 * net.x2,
        "dL_db1_1": dz1,
        "dL_db1_2": dz2,
        "dL_db1_3": dz3,
    }

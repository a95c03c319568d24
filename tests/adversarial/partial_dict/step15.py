def step15(net):
    dz1 = net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1)
    dz2 = net.dL_dh2_2 * net.h2_2 * (1 - net.h2_2)
    return {
        "dL_dw2_21": dz2 * net.h1_1, "dL_dw2_22": dz2 * net.h1_2, "dL_dw2_23": dz2 * net.h1_3,
        "dL_db2_1": dz1, "dL_db2_2": 0.0,
    }

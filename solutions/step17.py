PARAMETERS = (
    "w1_11", "w1_12", "w1_21", "w1_22", "w1_31", "w1_32", "b1_1", "b1_2", "b1_3",
    "w2_11", "w2_12", "w2_13", "w2_21", "w2_22", "w2_23", "b2_1", "b2_2",
    "v1", "v2", "b3",
)


def step17(net):
    # w_new = w - eta * dL/dw, for every parameter
    return {name: net[name] - net.eta * net["dL_d" + name] for name in PARAMETERS}

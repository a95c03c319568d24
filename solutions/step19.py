import numpy as np


def step19(net):
    # delta = dL/dz of layer l: back through W_next (transposed), then this layer's sigma'
    delta = (net.W_next.T @ net.delta_next) * net.h * (1 - net.h)
    return {"delta": delta, "dW": np.outer(delta, net.h_prev), "db": delta}

import numpy as np


def slope(name, z, h):
    # f'(z), through h where that is simpler
    if name == "sigmoid":
        return h * (1 - h)
    if name == "tanh":
        return 1 - h * h
    return (z > 0).astype(float)                                   # relu


def output_delta(net, y, t, z):
    # dL/dz at the output: a cross-entropy and its own output activation cancel to y - t
    if net.loss_name in ("binary_cross_entropy", "softmax_cross_entropy"):
        return y - t
    n = y.shape[0]
    dL_dy = (y - t) if net.loss_name == "half_squared_error" else 2 * (y - t) / n
    return dL_dy * slope(net.output_activation, z, y)


def step20(net):
    inputs = [net.x] + list(net.h[:-1])                            # h(0) = x
    delta = output_delta(net, net.h[-1], net.y_target, net.z[-1])
    dW, db = [None] * len(net.W), [None] * len(net.W)
    for k in reversed(range(len(net.W))):
        dW[k] = np.outer(delta, inputs[k])                         # delta h_prev^T
        db[k] = delta
        if k > 0:                                                  # back one layer
            delta = (net.W[k].T @ delta) * slope(net.activation, net.z[k - 1], net.h[k - 1])
    return {"dW": dW, "db": db}

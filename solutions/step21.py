import numpy as np


def slope(name, z, h):
    # f'(z), through h where that is simpler
    if name == "sigmoid":
        return h * (1 - h)
    if name == "tanh":
        return 1 - h * h
    return (z > 0).astype(float)                                   # relu


def step21(net):
    # examples are columns: every delta is (neurons, B)
    B = net.x.shape[1]
    inputs = [net.x] + list(net.h[:-1])
    y, t, z = net.h[-1], net.y_target, net.z[-1]
    if net.loss_name in ("binary_cross_entropy", "softmax_cross_entropy"):
        delta = y - t
    else:
        n = y.shape[0]
        dL_dy = (y - t) if net.loss_name == "half_squared_error" else 2 * (y - t) / n
        delta = dL_dy * slope(net.output_activation, z, y)
    dW, db = [None] * len(net.W), [None] * len(net.W)
    for k in reversed(range(len(net.W))):
        dW[k] = delta @ inputs[k].T / B                            # the mean over the batch
        db[k] = delta.sum(axis=1) / B
        if k > 0:
            delta = (net.W[k].T @ delta) * slope(net.activation, net.z[k - 1], net.h[k - 1])
    return {"dW": dW, "db": db}

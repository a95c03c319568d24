from math import exp


def sigmoid(z):
    return 1.0 / (1.0 + exp(-z))


def step0(net):
    h1_1 = sigmoid(net.w1_11 * net.x1 + net.w1_12 * net.x2 + net.b1_1)
    h1_2 = sigmoid(net.w1_21 * net.x1 + net.w1_22 * net.x2 + net.b1_2)
    h1_3 = sigmoid(net.w1_31 * net.x1 + net.w1_32 * net.x2 + net.b1_3)
    h2_1 = sigmoid(net.w2_11 * h1_1 + net.w2_12 * h1_2 + net.w2_13 * h1_3 + net.b2_1)
    h2_2 = sigmoid(net.w2_21 * h1_1 + net.w2_22 * h1_2 + net.w2_23 * h1_3 + net.b2_2)
    y = sigmoid(net.v1 * h2_1 + net.v2 * h2_2 + net.b3)
    L = 0.5 * (y - net.y_target) ** 2
    return {"h1_1": h1_1, "h1_2": h1_2, "h1_3": h1_3, "h2_1": h2_1, "h2_2": h2_2, "y": y, "L": L}

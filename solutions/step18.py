PARAMETERS = (
    "w1_11", "w1_12", "w1_21", "w1_22", "w1_31", "w1_32", "b1_1", "b1_2", "b1_3",
    "w2_11", "w2_12", "w2_13", "w2_21", "w2_22", "w2_23", "b2_1", "b2_2",
    "v1", "v2", "b3",
)
EPSILON = 1e-5


def step18(net):
    # dL/dp ~ (L(p + eps) - L(p - eps)) / (2 eps): two whole forward passes per parameter
    gradients = {}
    for name in PARAMETERS:
        up = net.loss(**{name: net[name] + EPSILON})
        down = net.loss(**{name: net[name] - EPSILON})
        gradients["dL_d" + name] = (up - down) / (2 * EPSILON)
    return gradients

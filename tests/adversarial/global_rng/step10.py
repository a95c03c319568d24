import random

import numpy


def step10(net):
    random.seed(0)
    numpy.random.seed(0)
    numpy.random.set_state(numpy.random.RandomState(1).get_state())
    return (net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.w2_11
            + net.dL_dh2_2 * net.h2_2 * (1 - net.h2_2) * net.w2_21)

import fractions
import json
import math

import numpy


def step9(net):
    return float(numpy.float64(net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_3))

"""Arrays that pose: an ndarray subclass whose shape and conversions lie, beside an object
array of numbers-in-disguise. Neither may be read as the right answer."""
import numpy as np


class Posing(np.ndarray):
    @property
    def shape(self):
        return (3,)

    def tolist(self):
        return [0.0, 0.0, 0.0]

    def __array__(self, *args, **kwargs):
        return np.zeros(3)


def step19(net):
    delta = (net.W_next.T @ net.delta_next) * net.h * (1 - net.h)
    return {"delta": np.zeros(7).view(Posing), "dW": np.outer(delta, net.h_prev).astype(object),
            "db": delta}

"""A reply whose numbers are integers far beyond any float (10**400), then the real answer."""
import forge


def step1(net):
    forge.send(forge.answers(10 ** 400))
    forge.send(forge.answers(-10 ** 400))
    return net.y - net.y_target

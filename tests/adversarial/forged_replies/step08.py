"""Replies whose answers carry a made-up invalid marker beside a value, then the real one."""
import json

import forge


def step8(net):
    marker = {"invalid": "passed", "detail": "ok", "values": {"value": 0.0}}
    forge.send(json.dumps({"kind": "answers", "answers": [marker] * 5}).encode())
    forge.send(json.dumps({"kind": "answers", "answers": [{"invalid": "none"}] * 5}).encode())
    return net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_2

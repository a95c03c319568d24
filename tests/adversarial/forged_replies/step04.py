"""A reply with a 5000-digit integer (past Python's int-parsing limit), then the real answer."""
import forge


def step4(net):
    forge.send(b'{"kind": "answers", "answers": [{"values": {"value": 1' + b"0" * 5000 + b"}}]}")
    return net.delta3

"""A reply nested 100000 deep (the reader's recursion), then the real answer."""
import forge


def step6(net):
    depth = 100000
    forge.send(b'{"kind": "answers", "answers": ' + b"[" * depth + b"]" * depth + b"}")
    return net.delta3 * net.y * (1 - net.y) * net.v2

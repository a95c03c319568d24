import json
import sys


def step2(net):
    sys.setrecursionlimit(10 ** 8)
    nested = []
    for _ in range(2 * 10 ** 5):
        nested = [nested]
    return len(json.dumps(nested))    # C recursion far past the stack: the process dies

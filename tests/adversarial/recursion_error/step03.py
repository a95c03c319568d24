def down(n):
    return down(n + 1) + 1


def step3(net):
    return down(0)

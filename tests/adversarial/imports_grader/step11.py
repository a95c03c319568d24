from grader.steps import quantities


def step11(net):
    return 0.0

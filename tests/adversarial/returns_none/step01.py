def step1(net):
    net.y - net.y_target

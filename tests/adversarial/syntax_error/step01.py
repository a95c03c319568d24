def step1(net)
    return net.y - net.y_target

def step4(net):
    line = "x" * 1023
    for _ in range(50 * 1024):
        print(line)
    return net.delta3 * net.y * (1 - net.y)

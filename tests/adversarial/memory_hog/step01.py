def step1(net):
    hog = []
    while True:
        hog.append(bytearray(64 << 20))

def step8(net):
    raise ValueError("text that is not Unicode: \udc80\ud800")

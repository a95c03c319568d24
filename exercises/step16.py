"""Step 16 — The rest of layer 1: w₂ⱼ⁽¹⁾, w₃ⱼ⁽¹⁾ and b⁽¹⁾

The same pattern as steps 13 and 14 for the other neurons and the biases.
net offers: inputs net.x1, net.x2, net.y_target, net.eta; parameters net.w1_11 …
    net.w1_32, net.b1_1, net.b1_2, net.b1_3, net.w2_11 … net.w2_23, net.b2_1, net.b2_2,
    net.v1, net.v2, net.b3; the forward pass net.z1_1, net.z1_2, net.z1_3, net.h1_1,
    net.h1_2, net.h1_3, net.z2_1, net.z2_2, net.h2_1, net.h2_2, net.z3, net.y, net.L;
    from earlier steps net.delta3, net.dL_dh2_1, net.dL_dh2_2, net.dL_dh1_1,
    net.dL_dh1_2, net.dL_dh1_3; net[name] reads any of them by name
Return: a dict with exactly these keys:
    "dL_dw1_21", "dL_dw1_22", "dL_dw1_31", "dL_dw1_32", "dL_db1_1", "dL_db1_2",
    "dL_db1_3"
Check it: bpgrade check step16    Hint: bpgrade hint step16

第 16 步 — 隐藏层 1 的其余参数：w₂ⱼ⁽¹⁾、w₃ⱼ⁽¹⁾ 与 b⁽¹⁾

与第 13、14 步相同的模式，用于其余神经元和偏置。
net 提供：输入 net.x1、net.x2、net.y_target、net.eta；参数 net.w1_11 … net.w1_32、net.b1_1、net.b1_2、net.b1_3、net.w2_11 … net.w2_23、net.b2_1、net.b2_2、net.v1、net.v2、net.b3；前向传播 net.z1_1、net.z1_2、net.z1_3、net.h1_1、net.h1_2、net.h1_3、net.z2_1、net.z2_2、net.h2_1、net.h2_2、net.z3、net.y、net.L；前面各步算出的 net.delta3、net.dL_dh2_1、net.dL_dh2_2、net.dL_dh1_1、net.dL_dh1_2、net.dL_dh1_3；也可用 net[name] 按名字读取
返回：一个 dict，键恰好是：
    "dL_dw1_21", "dL_dw1_22", "dL_dw1_31", "dL_dw1_32", "dL_db1_1", "dL_db1_2",
    "dL_db1_3"
检查：bpgrade check step16    提示：bpgrade hint step16
"""


def step16(net):
    raise NotImplementedError("step16: write your answer here, then run: bpgrade check step16")

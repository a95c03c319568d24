"""Step 15 — The rest of layer 2: w₂ⱼ⁽²⁾ and b⁽²⁾

The lesson says "similar"; do it: the same pattern for the second neuron and for both
biases.
net offers: inputs net.x1, net.x2, net.y_target, net.eta; parameters net.w1_11 …
    net.w1_32, net.b1_1, net.b1_2, net.b1_3, net.w2_11 … net.w2_23, net.b2_1, net.b2_2,
    net.v1, net.v2, net.b3; the forward pass net.z1_1, net.z1_2, net.z1_3, net.h1_1,
    net.h1_2, net.h1_3, net.z2_1, net.z2_2, net.h2_1, net.h2_2, net.z3, net.y, net.L;
    from earlier steps net.delta3, net.dL_dh2_1, net.dL_dh2_2, net.dL_dh1_1,
    net.dL_dh1_2, net.dL_dh1_3; net[name] reads any of them by name
Return: a dict with exactly these keys:
    "dL_dw2_21", "dL_dw2_22", "dL_dw2_23", "dL_db2_1", "dL_db2_2"
Check it: bpgrade check step15    Hint: bpgrade hint step15

第 15 步 — 隐藏层 2 的其余参数：w₂ⱼ⁽²⁾ 与 b⁽²⁾

课文只说“类似”；这里把它做完：第二个神经元的权重和两个偏置。
net 提供：输入 net.x1、net.x2、net.y_target、net.eta；参数 net.w1_11 … net.w1_32、net.b1_1、net.b1_2、net.b1_3、net.w2_11 … net.w2_23、net.b2_1、net.b2_2、net.v1、net.v2、net.b3；前向传播 net.z1_1、net.z1_2、net.z1_3、net.h1_1、net.h1_2、net.h1_3、net.z2_1、net.z2_2、net.h2_1、net.h2_2、net.z3、net.y、net.L；前面各步算出的 net.delta3、net.dL_dh2_1、net.dL_dh2_2、net.dL_dh1_1、net.dL_dh1_2、net.dL_dh1_3；也可用 net[name] 按名字读取
返回：一个 dict，键恰好是：
    "dL_dw2_21", "dL_dw2_22", "dL_dw2_23", "dL_db2_1", "dL_db2_2"
检查：bpgrade check step15    提示：bpgrade hint step15
"""


def step15(net):
    raise NotImplementedError("step15: write your answer here, then run: bpgrade check step15")

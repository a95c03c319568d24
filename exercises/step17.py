"""Step 17 — One gradient-descent update

Move every parameter against its gradient, by an amount the learning rate η sets.
net offers: inputs net.x1, net.x2, net.y_target, net.eta; parameters net.w1_11 …
    net.w1_32, net.b1_1, net.b1_2, net.b1_3, net.w2_11 … net.w2_23, net.b2_1, net.b2_2,
    net.v1, net.v2, net.b3; the forward pass net.z1_1, net.z1_2, net.z1_3, net.h1_1,
    net.h1_2, net.h1_3, net.z2_1, net.z2_2, net.h2_1, net.h2_2, net.z3, net.y, net.L;
    from earlier steps net.delta3, net.dL_dh2_1, net.dL_dh2_2, net.dL_dh1_1,
    net.dL_dh1_2, net.dL_dh1_3; parameter gradients net.dL_dw1_11 … net.dL_dw1_32,
    net.dL_db1_1, net.dL_db1_2, net.dL_db1_3, net.dL_dw2_11 … net.dL_dw2_23,
    net.dL_db2_1, net.dL_db2_2, net.dL_dv1, net.dL_dv2, net.dL_db3; net[name] reads any
    of them by name
Return: a dict with exactly these keys:
    "w1_11", "w1_12", "w1_21", "w1_22", "w1_31", "w1_32", "b1_1", "b1_2", "b1_3",
    "w2_11", "w2_12", "w2_13", "w2_21", "w2_22", "w2_23", "b2_1", "b2_2", "v1",
    "v2", "b3"
Check it: bpgrade check step17    Hint: bpgrade hint step17

第 17 步 — 一次梯度下降更新

把每个参数沿梯度的反方向移动，移动多少由学习率 η 决定。
net 提供：输入 net.x1、net.x2、net.y_target、net.eta；参数 net.w1_11 … net.w1_32、net.b1_1、net.b1_2、net.b1_3、net.w2_11 … net.w2_23、net.b2_1、net.b2_2、net.v1、net.v2、net.b3；前向传播 net.z1_1、net.z1_2、net.z1_3、net.h1_1、net.h1_2、net.h1_3、net.z2_1、net.z2_2、net.h2_1、net.h2_2、net.z3、net.y、net.L；前面各步算出的 net.delta3、net.dL_dh2_1、net.dL_dh2_2、net.dL_dh1_1、net.dL_dh1_2、net.dL_dh1_3；参数的梯度 net.dL_dw1_11 … net.dL_dw1_32、net.dL_db1_1、net.dL_db1_2、net.dL_db1_3、net.dL_dw2_11 … net.dL_dw2_23、net.dL_db2_1、net.dL_db2_2、net.dL_dv1、net.dL_dv2、net.dL_db3；也可用 net[name] 按名字读取
返回：一个 dict，键恰好是：
    "w1_11", "w1_12", "w1_21", "w1_22", "w1_31", "w1_32", "b1_1", "b1_2", "b1_3",
    "w2_11", "w2_12", "w2_13", "w2_21", "w2_22", "w2_23", "b2_1", "b2_2", "v1",
    "v2", "b3"
检查：bpgrade check step17    提示：bpgrade hint step17
"""


def step17(net):
    raise NotImplementedError("step17: write your answer here, then run: bpgrade check step17")

"""Step 11 — ∂L/∂h₂⁽¹⁾

How L changes with the activation h₂⁽¹⁾.
net offers: inputs net.x1, net.x2, net.y_target, net.eta; parameters net.w1_11 …
    net.w1_32, net.b1_1, net.b1_2, net.b1_3, net.w2_11 … net.w2_23, net.b2_1, net.b2_2,
    net.v1, net.v2, net.b3; the forward pass net.z1_1, net.z1_2, net.z1_3, net.h1_1,
    net.h1_2, net.h1_3, net.z2_1, net.z2_2, net.h2_1, net.h2_2, net.z3, net.y, net.L;
    from earlier steps net.delta3, net.dL_dh2_1, net.dL_dh2_2, net.dL_dh1_1; net[name]
    reads any of them by name
Return: one number (a float).
Check it: bpgrade check step11    Hint: bpgrade hint step11

第 11 步 — ∂L/∂h₂⁽¹⁾

L 随激活值 h₂⁽¹⁾ 的变化率。
net 提供：输入 net.x1、net.x2、net.y_target、net.eta；参数 net.w1_11 … net.w1_32、net.b1_1、net.b1_2、net.b1_3、net.w2_11 … net.w2_23、net.b2_1、net.b2_2、net.v1、net.v2、net.b3；前向传播 net.z1_1、net.z1_2、net.z1_3、net.h1_1、net.h1_2、net.h1_3、net.z2_1、net.z2_2、net.h2_1、net.h2_2、net.z3、net.y、net.L；前面各步算出的 net.delta3、net.dL_dh2_1、net.dL_dh2_2、net.dL_dh1_1；也可用 net[name] 按名字读取
返回：一个数（float）。
检查：bpgrade check step11    提示：bpgrade hint step11
"""


def step11(net):
    raise NotImplementedError("step11: write your answer here, then run: bpgrade check step11")

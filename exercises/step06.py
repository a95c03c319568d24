"""Step 6 — ∂L/∂h₂⁽²⁾

    The chain rule along the one path from h₂⁽²⁾ to L has three factors: how L changes
    with the output y (the output error of step 1), the slope of the output's sigmoid,
    written with its output y, and how the output's pre-activation z⁽³⁾ changes with
    h₂⁽²⁾.

How L changes with the activation h₂⁽²⁾.
net offers: inputs net.x1, net.x2, net.y_target, net.eta; parameters net.w1_11 …
    net.w1_32, net.b1_1, net.b1_2, net.b1_3, net.w2_11 … net.w2_23, net.b2_1, net.b2_2,
    net.v1, net.v2, net.b3; the forward pass net.z1_1, net.z1_2, net.z1_3, net.h1_1,
    net.h1_2, net.h1_3, net.z2_1, net.z2_2, net.h2_1, net.h2_2, net.z3, net.y, net.L;
    from earlier steps net.delta3, net.dL_dh2_1; net[name] reads any of them by name
Return: one number (a float).
Check it: bpgrade check step6    Hint: bpgrade hint step6

第 6 步 — ∂L/∂h₂⁽²⁾

    沿 h₂⁽²⁾ 通向 L 的唯一一条路径用链式法则，共三个因子：L 随输出 y 的变化率（第 1 步的输出误差）、输出层 sigmoid 的斜率（用它的输出 y 表示），以及输出层激活前的值 z⁽³⁾ 随 h₂⁽²⁾ 的变化率。

L 随激活值 h₂⁽²⁾ 的变化率。
net 提供：输入 net.x1、net.x2、net.y_target、net.eta；参数 net.w1_11 … net.w1_32、net.b1_1、net.b1_2、net.b1_3、net.w2_11 … net.w2_23、net.b2_1、net.b2_2、net.v1、net.v2、net.b3；前向传播 net.z1_1、net.z1_2、net.z1_3、net.h1_1、net.h1_2、net.h1_3、net.z2_1、net.z2_2、net.h2_1、net.h2_2、net.z3、net.y、net.L；前面各步算出的 net.delta3、net.dL_dh2_1；也可用 net[name] 按名字读取
返回：一个数（float）。
检查：bpgrade check step6    提示：bpgrade hint step6
"""


def step6(net):
    raise NotImplementedError("step6: write your answer here, then run: bpgrade check step6")

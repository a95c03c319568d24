"""Step 9 — ∂L/∂w₁₃⁽²⁾

    The chain rule from L back to w₁₃⁽²⁾ has three factors: how L changes with h₁⁽²⁾ (an
    earlier step found it), the slope of h₁⁽²⁾'s sigmoid, written with its output, and
    how z₁⁽²⁾ changes with w₁₃⁽²⁾.

How L changes with w₁₃⁽²⁾, the weight from h₃⁽¹⁾ into h₁⁽²⁾.
net offers: inputs net.x1, net.x2, net.y_target, net.eta; parameters net.w1_11 …
    net.w1_32, net.b1_1, net.b1_2, net.b1_3, net.w2_11 … net.w2_23, net.b2_1, net.b2_2,
    net.v1, net.v2, net.b3; the forward pass net.z1_1, net.z1_2, net.z1_3, net.h1_1,
    net.h1_2, net.h1_3, net.z2_1, net.z2_2, net.h2_1, net.h2_2, net.z3, net.y, net.L;
    from earlier steps net.delta3, net.dL_dh2_1, net.dL_dh2_2; net[name] reads any of
    them by name
Return: one number (a float).
Check it: bpgrade check step9    Hint: bpgrade hint step9

第 9 步 — ∂L/∂w₁₃⁽²⁾

    从 L 回到 w₁₃⁽²⁾ 的链式法则共三个因子：L 随 h₁⁽²⁾ 的变化率（前面某一步已经算出）、h₁⁽²⁾ 的 sigmoid 的斜率（用它的输出表示），以及 z₁⁽²⁾ 随 w₁₃⁽²⁾ 的变化率。

L 随 w₁₃⁽²⁾（从 h₃⁽¹⁾ 到 h₁⁽²⁾ 的权重）的变化率。
net 提供：输入 net.x1、net.x2、net.y_target、net.eta；参数 net.w1_11 … net.w1_32、net.b1_1、net.b1_2、net.b1_3、net.w2_11 … net.w2_23、net.b2_1、net.b2_2、net.v1、net.v2、net.b3；前向传播 net.z1_1、net.z1_2、net.z1_3、net.h1_1、net.h1_2、net.h1_3、net.z2_1、net.z2_2、net.h2_1、net.h2_2、net.z3、net.y、net.L；前面各步算出的 net.delta3、net.dL_dh2_1、net.dL_dh2_2；也可用 net[name] 按名字读取
返回：一个数（float）。
检查：bpgrade check step9    提示：bpgrade hint step9
"""


def step9(net):
    raise NotImplementedError("step9: write your answer here, then run: bpgrade check step9")

"""Step 4 — ∂L/∂b⁽³⁾, the output bias

    ∂L/∂b⁽³⁾ = δ⁽³⁾ · y(1−y)

b⁽³⁾ takes the same path to L as v₁ and v₂, through z⁽³⁾ and y. The product found here
is shared by every chain below: the lesson computes it once and reuses it from here on.
net offers: inputs net.x1, net.x2, net.y_target, net.eta; parameters net.w1_11 …
    net.w1_32, net.b1_1, net.b1_2, net.b1_3, net.w2_11 … net.w2_23, net.b2_1, net.b2_2,
    net.v1, net.v2, net.b3; the forward pass net.z1_1, net.z1_2, net.z1_3, net.h1_1,
    net.h1_2, net.h1_3, net.z2_1, net.z2_2, net.h2_1, net.h2_2, net.z3, net.y, net.L;
    from earlier steps net.delta3; net[name] reads any of them by name
Return: one number (a float).
Check it: bpgrade check step4    Hint: bpgrade hint step4

第 4 步 — ∂L/∂b⁽³⁾，输出层偏置

    ∂L/∂b⁽³⁾ = δ⁽³⁾ · y(1−y)

b⁽³⁾ 通向 L 的路径与 v₁、v₂ 相同：经过 z⁽³⁾ 和 y。这里求出的乘积是后面每一条链共有的部分：课文只算一次，之后一再复用。
net 提供：输入 net.x1、net.x2、net.y_target、net.eta；参数 net.w1_11 … net.w1_32、net.b1_1、net.b1_2、net.b1_3、net.w2_11 … net.w2_23、net.b2_1、net.b2_2、net.v1、net.v2、net.b3；前向传播 net.z1_1、net.z1_2、net.z1_3、net.h1_1、net.h1_2、net.h1_3、net.z2_1、net.z2_2、net.h2_1、net.h2_2、net.z3、net.y、net.L；前面各步算出的 net.delta3；也可用 net[name] 按名字读取
返回：一个数（float）。
检查：bpgrade check step4    提示：bpgrade hint step4
"""


def step4(net):
    raise NotImplementedError("step4: write your answer here, then run: bpgrade check step4")

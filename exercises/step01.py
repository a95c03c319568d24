"""Step 1 — δ⁽³⁾ = ∂L/∂y, the output error

    δ⁽³⁾ = ∂L/∂y = y − y_target

How fast L changes as the output y moves.
net offers: inputs net.x1, net.x2, net.y_target, net.eta; parameters net.w1_11 …
    net.w1_32, net.b1_1, net.b1_2, net.b1_3, net.w2_11 … net.w2_23, net.b2_1, net.b2_2,
    net.v1, net.v2, net.b3; the forward pass net.z1_1, net.z1_2, net.z1_3, net.h1_1,
    net.h1_2, net.h1_3, net.z2_1, net.z2_2, net.h2_1, net.h2_2, net.z3, net.y, net.L;
    net[name] reads any of them by name
Return: one number (a float).
Check it: bpgrade check step1    Hint: bpgrade hint step1

第 1 步 — δ⁽³⁾ = ∂L/∂y，输出误差

    δ⁽³⁾ = ∂L/∂y = y − y_target

输出 y 变化时损失 L 变化的快慢。
net 提供：输入 net.x1、net.x2、net.y_target、net.eta；参数 net.w1_11 … net.w1_32、net.b1_1、net.b1_2、net.b1_3、net.w2_11 … net.w2_23、net.b2_1、net.b2_2、net.v1、net.v2、net.b3；前向传播 net.z1_1、net.z1_2、net.z1_3、net.h1_1、net.h1_2、net.h1_3、net.z2_1、net.z2_2、net.h2_1、net.h2_2、net.z3、net.y、net.L；也可用 net[name] 按名字读取
返回：一个数（float）。
检查：bpgrade check step1    提示：bpgrade hint step1
"""


def step1(net):
    raise NotImplementedError("step1: write your answer here, then run: bpgrade check step1")

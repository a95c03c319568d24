"""Step 17 — One gradient-descent update

    w_new = w − η · ∂L/∂w
    b_new = b − η · ∂L/∂b

Move every parameter a step of size η against its gradient.
Use: net.eta, every parameter net.w1_11 … net.b3 and its gradient net.dL_dw1_11 …
    net.dL_db3 (net[name] and net["dL_d" + name] work too)
Return: a dict with exactly these keys:
    "w1_11", "w1_12", "w1_21", "w1_22", "w1_31", "w1_32", "b1_1", "b1_2", "b1_3",
    "w2_11", "w2_12", "w2_13", "w2_21", "w2_22", "w2_23", "b2_1", "b2_2", "v1",
    "v2", "b3"
Check it: bpgrade check step17    Hint: bpgrade hint step17

第 17 步 — 一次梯度下降更新

    w_new = w − η · ∂L/∂w
    b_new = b − η · ∂L/∂b

把每个参数沿梯度反方向移动，步长为 η。
用到：net.eta、每个参数 net.w1_11 … net.b3 及其梯度 net.dL_dw1_11 … net.dL_db3（也可写 net[name] 和 net["dL_d" + name]）
返回：一个 dict，键恰好是：
    "w1_11", "w1_12", "w1_21", "w1_22", "w1_31", "w1_32", "b1_1", "b1_2", "b1_3",
    "w2_11", "w2_12", "w2_13", "w2_21", "w2_22", "w2_23", "b2_1", "b2_2", "v1",
    "v2", "b3"
检查：bpgrade check step17    提示：bpgrade hint step17
"""


def step17(net):
    raise NotImplementedError("step17: write your answer here, then run: bpgrade check step17")

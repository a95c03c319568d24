"""Step 0 — The forward pass

    hᵢ⁽¹⁾ = σ(wᵢ₁⁽¹⁾x₁ + wᵢ₂⁽¹⁾x₂ + bᵢ⁽¹⁾)
    hᵢ⁽²⁾ = σ(wᵢ₁⁽²⁾h₁⁽¹⁾ + wᵢ₂⁽²⁾h₂⁽¹⁾ + wᵢ₃⁽²⁾h₃⁽¹⁾ + bᵢ⁽²⁾)
    y = σ(v₁h₁⁽²⁾ + v₂h₂⁽²⁾ + b⁽³⁾)
    L = ½(y − y_target)²

Run the network once: every hidden activation, the output y and the loss L.
net offers: inputs net.x1, net.x2, net.y_target, net.eta; parameters net.w1_11 …
    net.w1_32, net.b1_1, net.b1_2, net.b1_3, net.w2_11 … net.w2_23, net.b2_1, net.b2_2,
    net.v1, net.v2, net.b3; net[name] reads any of them by name
Return: a dict with exactly these keys:
    "h1_1", "h1_2", "h1_3", "h2_1", "h2_2", "y", "L"
Check it: bpgrade check step0    Hint: bpgrade hint step0

第 0 步 — 前向传播

    hᵢ⁽¹⁾ = σ(wᵢ₁⁽¹⁾x₁ + wᵢ₂⁽¹⁾x₂ + bᵢ⁽¹⁾)
    hᵢ⁽²⁾ = σ(wᵢ₁⁽²⁾h₁⁽¹⁾ + wᵢ₂⁽²⁾h₂⁽¹⁾ + wᵢ₃⁽²⁾h₃⁽¹⁾ + bᵢ⁽²⁾)
    y = σ(v₁h₁⁽²⁾ + v₂h₂⁽²⁾ + b⁽³⁾)
    L = ½(y − y_target)²

把网络完整算一遍：每个隐藏层激活值、输出 y 和损失 L。
net 提供：输入 net.x1、net.x2、net.y_target、net.eta；参数 net.w1_11 … net.w1_32、net.b1_1、net.b1_2、net.b1_3、net.w2_11 … net.w2_23、net.b2_1、net.b2_2、net.v1、net.v2、net.b3；也可用 net[name] 按名字读取
返回：一个 dict，键恰好是：
    "h1_1", "h1_2", "h1_3", "h2_1", "h2_2", "y", "L"
检查：bpgrade check step0    提示：bpgrade hint step0
"""


def step0(net):
    raise NotImplementedError("step0: write your answer here, then run: bpgrade check step0")

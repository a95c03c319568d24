"""Step 14 — ∂L/∂w₁₂⁽¹⁾

    ∂L/∂w₁₂⁽¹⁾ = ∂L/∂h₁⁽¹⁾ · h₁⁽¹⁾(1−h₁⁽¹⁾) · x₂

How L changes with w₁₂⁽¹⁾, the weight from x₂ into h₁⁽¹⁾.
Use: net.dL_dh1_1, net.h1_1, net.x2
Return: one number (a float).
Check it: bpgrade check step14    Hint: bpgrade hint step14

第 14 步 — ∂L/∂w₁₂⁽¹⁾

    ∂L/∂w₁₂⁽¹⁾ = ∂L/∂h₁⁽¹⁾ · h₁⁽¹⁾(1−h₁⁽¹⁾) · x₂

L 随 w₁₂⁽¹⁾（从 x₂ 到 h₁⁽¹⁾ 的权重）的变化率。
用到：net.dL_dh1_1, net.h1_1, net.x2
返回：一个数（float）。
检查：bpgrade check step14    提示：bpgrade hint step14
"""


def step14(net):
    raise NotImplementedError("step14: write your answer here, then run: bpgrade check step14")

"""Step 13 — ∂L/∂w₁₁⁽¹⁾, a layer-1 weight

    ∂L/∂w₁₁⁽¹⁾ = ∂L/∂h₁⁽¹⁾ · h₁⁽¹⁾(1−h₁⁽¹⁾) · x₁

How L changes with w₁₁⁽¹⁾, the weight from x₁ into h₁⁽¹⁾.
Use: net.dL_dh1_1, net.h1_1, net.x1
Return: one number (a float).
Check it: bpgrade check step13    Hint: bpgrade hint step13

第 13 步 — ∂L/∂w₁₁⁽¹⁾，隐藏层 1 的权重

    ∂L/∂w₁₁⁽¹⁾ = ∂L/∂h₁⁽¹⁾ · h₁⁽¹⁾(1−h₁⁽¹⁾) · x₁

L 随 w₁₁⁽¹⁾（从 x₁ 到 h₁⁽¹⁾ 的权重）的变化率。
用到：net.dL_dh1_1, net.h1_1, net.x1
返回：一个数（float）。
检查：bpgrade check step13    提示：bpgrade hint step13
"""


def step13(net):
    raise NotImplementedError("step13: write your answer here, then run: bpgrade check step13")

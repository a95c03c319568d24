"""Step 10 — ∂L/∂h₁⁽¹⁾, back into hidden layer 1

    ∂L/∂h₁⁽¹⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · w₁₁⁽²⁾ + ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · w₂₁⁽²⁾

h₁⁽¹⁾ feeds both neurons of layer 2, so its gradient is a sum of two paths.
Use: net.dL_dh2_1, net.h2_1, net.w2_11, net.dL_dh2_2, net.h2_2, net.w2_21
Return: one number (a float).
Check it: bpgrade check step10    Hint: bpgrade hint step10

第 10 步 — ∂L/∂h₁⁽¹⁾，传回隐藏层 1

    ∂L/∂h₁⁽¹⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · w₁₁⁽²⁾ + ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · w₂₁⁽²⁾

h₁⁽¹⁾ 同时连到隐藏层 2 的两个神经元，所以它的梯度是两条路径之和。
用到：net.dL_dh2_1, net.h2_1, net.w2_11, net.dL_dh2_2, net.h2_2, net.w2_21
返回：一个数（float）。
检查：bpgrade check step10    提示：bpgrade hint step10
"""


def step10(net):
    raise NotImplementedError("step10: write your answer here, then run: bpgrade check step10")

"""Step 7 — ∂L/∂w₁₁⁽²⁾, a layer-2 weight

    ∂L/∂w₁₁⁽²⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · h₁⁽¹⁾

How L changes with w₁₁⁽²⁾, the weight from h₁⁽¹⁾ into h₁⁽²⁾.
Use: net.dL_dh2_1, net.h2_1, net.h1_1
Return: one number (a float).
Check it: bpgrade check step7    Hint: bpgrade hint step7

第 7 步 — ∂L/∂w₁₁⁽²⁾，隐藏层 2 的权重

    ∂L/∂w₁₁⁽²⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · h₁⁽¹⁾

L 随 w₁₁⁽²⁾（从 h₁⁽¹⁾ 到 h₁⁽²⁾ 的权重）的变化率。
用到：net.dL_dh2_1, net.h2_1, net.h1_1
返回：一个数（float）。
检查：bpgrade check step7    提示：bpgrade hint step7
"""


def step7(net):
    raise NotImplementedError("step7: write your answer here, then run: bpgrade check step7")

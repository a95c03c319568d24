"""Step 8 — ∂L/∂w₁₂⁽²⁾

    ∂L/∂w₁₂⁽²⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · h₂⁽¹⁾

How L changes with w₁₂⁽²⁾, the weight from h₂⁽¹⁾ into h₁⁽²⁾.
Use: net.dL_dh2_1, net.h2_1, net.h1_2
Return: one number (a float).
Check it: bpgrade check step8    Hint: bpgrade hint step8

第 8 步 — ∂L/∂w₁₂⁽²⁾

    ∂L/∂w₁₂⁽²⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · h₂⁽¹⁾

L 随 w₁₂⁽²⁾（从 h₂⁽¹⁾ 到 h₁⁽²⁾ 的权重）的变化率。
用到：net.dL_dh2_1, net.h2_1, net.h1_2
返回：一个数（float）。
检查：bpgrade check step8    提示：bpgrade hint step8
"""


def step8(net):
    raise NotImplementedError("step8: write your answer here, then run: bpgrade check step8")

"""Step 9 — ∂L/∂w₁₃⁽²⁾

    ∂L/∂w₁₃⁽²⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · h₃⁽¹⁾

How L changes with w₁₃⁽²⁾, the weight from h₃⁽¹⁾ into h₁⁽²⁾.
Use: net.dL_dh2_1, net.h2_1, net.h1_3
Return: one number (a float).
Check it: bpgrade check step9    Hint: bpgrade hint step9

第 9 步 — ∂L/∂w₁₃⁽²⁾

    ∂L/∂w₁₃⁽²⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · h₃⁽¹⁾

L 随 w₁₃⁽²⁾（从 h₃⁽¹⁾ 到 h₁⁽²⁾ 的权重）的变化率。
用到：net.dL_dh2_1, net.h2_1, net.h1_3
返回：一个数（float）。
检查：bpgrade check step9    提示：bpgrade hint step9
"""


def step9(net):
    raise NotImplementedError("step9: write your answer here, then run: bpgrade check step9")

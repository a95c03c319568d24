"""Step 11 — ∂L/∂h₂⁽¹⁾

    ∂L/∂h₂⁽¹⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · w₁₂⁽²⁾ + ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · w₂₂⁽²⁾

The same two paths for h₂⁽¹⁾, through w₁₂⁽²⁾ and w₂₂⁽²⁾.
Use: net.dL_dh2_1, net.h2_1, net.w2_12, net.dL_dh2_2, net.h2_2, net.w2_22
Return: one number (a float).
Check it: bpgrade check step11    Hint: bpgrade hint step11

第 11 步 — ∂L/∂h₂⁽¹⁾

    ∂L/∂h₂⁽¹⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · w₁₂⁽²⁾ + ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · w₂₂⁽²⁾

h₂⁽¹⁾ 的两条路径，经由 w₁₂⁽²⁾ 和 w₂₂⁽²⁾。
用到：net.dL_dh2_1, net.h2_1, net.w2_12, net.dL_dh2_2, net.h2_2, net.w2_22
返回：一个数（float）。
检查：bpgrade check step11    提示：bpgrade hint step11
"""


def step11(net):
    raise NotImplementedError("step11: write your answer here, then run: bpgrade check step11")

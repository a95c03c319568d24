"""Step 12 — ∂L/∂h₃⁽¹⁾

    ∂L/∂h₃⁽¹⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · w₁₃⁽²⁾ + ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · w₂₃⁽²⁾

The same two paths for h₃⁽¹⁾, through w₁₃⁽²⁾ and w₂₃⁽²⁾.
Use: net.dL_dh2_1, net.h2_1, net.w2_13, net.dL_dh2_2, net.h2_2, net.w2_23
Return: one number (a float).
Check it: bpgrade check step12    Hint: bpgrade hint step12

第 12 步 — ∂L/∂h₃⁽¹⁾

    ∂L/∂h₃⁽¹⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · w₁₃⁽²⁾ + ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · w₂₃⁽²⁾

h₃⁽¹⁾ 的两条路径，经由 w₁₃⁽²⁾ 和 w₂₃⁽²⁾。
用到：net.dL_dh2_1, net.h2_1, net.w2_13, net.dL_dh2_2, net.h2_2, net.w2_23
返回：一个数（float）。
检查：bpgrade check step12    提示：bpgrade hint step12
"""


def step12(net):
    raise NotImplementedError("step12: write your answer here, then run: bpgrade check step12")

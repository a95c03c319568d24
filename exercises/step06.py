"""Step 6 — ∂L/∂h₂⁽²⁾

    ∂L/∂h₂⁽²⁾ = δ⁽³⁾ · y(1−y) · v₂

How L changes with the activation h₂⁽²⁾, through v₂.
Use: net.delta3, net.y, net.v2
Return: one number (a float).
Check it: bpgrade check step6    Hint: bpgrade hint step6

第 6 步 — ∂L/∂h₂⁽²⁾

    ∂L/∂h₂⁽²⁾ = δ⁽³⁾ · y(1−y) · v₂

L 随激活值 h₂⁽²⁾ 的变化率，经由 v₂。
用到：net.delta3, net.y, net.v2
返回：一个数（float）。
检查：bpgrade check step6    提示：bpgrade hint step6
"""


def step6(net):
    raise NotImplementedError("step6: write your answer here, then run: bpgrade check step6")

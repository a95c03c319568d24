"""Step 3 — ∂L/∂v₂, the other output weight

    ∂L/∂v₂ = δ⁽³⁾ · y(1−y) · h₂⁽²⁾

How L changes with v₂, the weight from h₂⁽²⁾ into the output.
Use: net.delta3, net.y, net.h2_2
Return: one number (a float).
Check it: bpgrade check step3    Hint: bpgrade hint step3

第 3 步 — ∂L/∂v₂，另一个输出层权重

    ∂L/∂v₂ = δ⁽³⁾ · y(1−y) · h₂⁽²⁾

L 随 v₂（从 h₂⁽²⁾ 到输出的权重）的变化率。
用到：net.delta3, net.y, net.h2_2
返回：一个数（float）。
检查：bpgrade check step3    提示：bpgrade hint step3
"""


def step3(net):
    raise NotImplementedError("step3: write your answer here, then run: bpgrade check step3")

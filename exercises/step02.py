"""Step 2 — ∂L/∂v₁, an output weight

    ∂L/∂v₁ = δ⁽³⁾ · y(1−y) · h₁⁽²⁾

How L changes with v₁, the weight from h₁⁽²⁾ into the output.
Use: net.delta3, net.y, net.h2_1
Return: one number (a float).
Check it: bpgrade check step2    Hint: bpgrade hint step2

第 2 步 — ∂L/∂v₁，输出层权重

    ∂L/∂v₁ = δ⁽³⁾ · y(1−y) · h₁⁽²⁾

L 随 v₁（从 h₁⁽²⁾ 到输出的权重）的变化率。
用到：net.delta3, net.y, net.h2_1
返回：一个数（float）。
检查：bpgrade check step2    提示：bpgrade hint step2
"""


def step2(net):
    raise NotImplementedError("step2: write your answer here, then run: bpgrade check step2")

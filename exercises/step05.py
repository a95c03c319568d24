"""Step 5 — ∂L/∂h₁⁽²⁾, back into hidden layer 2

    ∂L/∂h₁⁽²⁾ = δ⁽³⁾ · y(1−y) · v₁

How L changes with the activation h₁⁽²⁾; it reaches L only through v₁.
Use: net.delta3, net.y, net.v1
Return: one number (a float).
Check it: bpgrade check step5    Hint: bpgrade hint step5

第 5 步 — ∂L/∂h₁⁽²⁾，传回隐藏层 2

    ∂L/∂h₁⁽²⁾ = δ⁽³⁾ · y(1−y) · v₁

L 随激活值 h₁⁽²⁾ 的变化率；h₁⁽²⁾ 只经由 v₁ 影响 L。
用到：net.delta3, net.y, net.v1
返回：一个数（float）。
检查：bpgrade check step5    提示：bpgrade hint step5
"""


def step5(net):
    raise NotImplementedError("step5: write your answer here, then run: bpgrade check step5")

"""Step 4 — ∂L/∂b⁽³⁾, the output bias

    ∂L/∂b⁽³⁾ = δ⁽³⁾ · y(1−y)

How L changes with the output bias; this product δ⁽³⁾·y(1−y) is reused below.
Use: net.delta3, net.y
Return: one number (a float).
Check it: bpgrade check step4    Hint: bpgrade hint step4

第 4 步 — ∂L/∂b⁽³⁾，输出层偏置

    ∂L/∂b⁽³⁾ = δ⁽³⁾ · y(1−y)

L 随输出层偏置的变化率；乘积 δ⁽³⁾·y(1−y) 后面会一再复用。
用到：net.delta3, net.y
返回：一个数（float）。
检查：bpgrade check step4    提示：bpgrade hint step4
"""


def step4(net):
    raise NotImplementedError("step4: write your answer here, then run: bpgrade check step4")

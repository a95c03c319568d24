"""Step 1 — δ⁽³⁾ = ∂L/∂y, the output error

    δ⁽³⁾ = ∂L/∂y = y − y_target

How fast L changes as the output y moves.
Use: net.y, net.y_target
Return: one number (a float).
Check it: bpgrade check step1    Hint: bpgrade hint step1

第 1 步 — δ⁽³⁾ = ∂L/∂y，输出误差

    δ⁽³⁾ = ∂L/∂y = y − y_target

输出 y 变化时损失 L 变化的快慢。
用到：net.y, net.y_target
返回：一个数（float）。
检查：bpgrade check step1    提示：bpgrade hint step1
"""


def step1(net):
    raise NotImplementedError("step1: write your answer here, then run: bpgrade check step1")

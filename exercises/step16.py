"""Step 16 — The rest of layer 1: w₂ⱼ⁽¹⁾, w₃ⱼ⁽¹⁾ and b⁽¹⁾

    ∂L/∂wᵢⱼ⁽¹⁾ = ∂L/∂hᵢ⁽¹⁾ · hᵢ⁽¹⁾(1−hᵢ⁽¹⁾) · xⱼ
    ∂L/∂bᵢ⁽¹⁾ = ∂L/∂hᵢ⁽¹⁾ · hᵢ⁽¹⁾(1−hᵢ⁽¹⁾)

The same pattern as steps 13 and 14 for the other neurons and the biases.
Use: net.dL_dh1_1, net.dL_dh1_2, net.dL_dh1_3, net.h1_1, net.h1_2, net.h1_3, net.x1,
    net.x2
Return: a dict with exactly these keys:
    "dL_dw1_21", "dL_dw1_22", "dL_dw1_31", "dL_dw1_32", "dL_db1_1", "dL_db1_2",
    "dL_db1_3"
Check it: bpgrade check step16    Hint: bpgrade hint step16

第 16 步 — 隐藏层 1 的其余参数：w₂ⱼ⁽¹⁾、w₃ⱼ⁽¹⁾ 与 b⁽¹⁾

    ∂L/∂wᵢⱼ⁽¹⁾ = ∂L/∂hᵢ⁽¹⁾ · hᵢ⁽¹⁾(1−hᵢ⁽¹⁾) · xⱼ
    ∂L/∂bᵢ⁽¹⁾ = ∂L/∂hᵢ⁽¹⁾ · hᵢ⁽¹⁾(1−hᵢ⁽¹⁾)

与第 13、14 步相同的模式，用于其余神经元和偏置。
用到：net.dL_dh1_1, net.dL_dh1_2, net.dL_dh1_3, net.h1_1, net.h1_2, net.h1_3, net.x1,
    net.x2
返回：一个 dict，键恰好是：
    "dL_dw1_21", "dL_dw1_22", "dL_dw1_31", "dL_dw1_32", "dL_db1_1", "dL_db1_2",
    "dL_db1_3"
检查：bpgrade check step16    提示：bpgrade hint step16
"""


def step16(net):
    raise NotImplementedError("step16: write your answer here, then run: bpgrade check step16")

"""Step 15 — The rest of layer 2: w₂ⱼ⁽²⁾ and b⁽²⁾

    ∂L/∂w₂ⱼ⁽²⁾ = ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · hⱼ⁽¹⁾
    ∂L/∂bᵢ⁽²⁾ = ∂L/∂hᵢ⁽²⁾ · hᵢ⁽²⁾(1−hᵢ⁽²⁾)

The lesson says "similar"; do it: the same pattern for the second neuron and for both
biases.
Use: net.dL_dh2_1, net.dL_dh2_2, net.h2_1, net.h2_2, net.h1_1, net.h1_2, net.h1_3
Return: a dict with exactly these keys:
    "dL_dw2_21", "dL_dw2_22", "dL_dw2_23", "dL_db2_1", "dL_db2_2"
Check it: bpgrade check step15    Hint: bpgrade hint step15

第 15 步 — 隐藏层 2 的其余参数：w₂ⱼ⁽²⁾ 与 b⁽²⁾

    ∂L/∂w₂ⱼ⁽²⁾ = ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · hⱼ⁽¹⁾
    ∂L/∂bᵢ⁽²⁾ = ∂L/∂hᵢ⁽²⁾ · hᵢ⁽²⁾(1−hᵢ⁽²⁾)

课文只说“类似”；这里把它做完：第二个神经元的权重和两个偏置。
用到：net.dL_dh2_1, net.dL_dh2_2, net.h2_1, net.h2_2, net.h1_1, net.h1_2, net.h1_3
返回：一个 dict，键恰好是：
    "dL_dw2_21", "dL_dw2_22", "dL_dw2_23", "dL_db2_1", "dL_db2_2"
检查：bpgrade check step15    提示：bpgrade hint step15
"""


def step15(net):
    raise NotImplementedError("step15: write your answer here, then run: bpgrade check step15")

"""Step 19 — One layer's backward pass (matrix form)

Steps 5–16 did layer 2 of the lesson's network one number at a time. Here a whole layer
goes at once, with arrays: a network 3-4-3-2 with sigmoid layers, and its layer l = 2 (3
neurons, fed by 4 values). In matrix form δ⁽ˡ⁾ means ∂L/∂z⁽ˡ⁾, the gradient at the pre-
activation (the lesson's δ⁽³⁾ is ∂L/∂y). Return δ⁽ˡ⁾, ∂L/∂W⁽ˡ⁾ and ∂L/∂b⁽ˡ⁾ as numpy
arrays.
net offers: net.W (3, 4) W⁽ˡ⁾, this layer's weights; net.b (3,) b⁽ˡ⁾, its biases;
    net.h_prev (4,) h⁽ˡ⁻¹⁾, the activations feeding layer l; net.z (3,) z⁽ˡ⁾ =
    W⁽ˡ⁾h⁽ˡ⁻¹⁾ + b⁽ˡ⁾; net.h (3,) h⁽ˡ⁾ = σ(z⁽ˡ⁾); net.W_next (2, 3) W⁽ˡ⁺¹⁾, the next
    layer's weights; net.z_next (2,) z⁽ˡ⁺¹⁾; net.h_next (2,) h⁽ˡ⁺¹⁾ = σ(z⁽ˡ⁺¹⁾);
    net.delta_next (2,) δ⁽ˡ⁺¹⁾ = ∂L/∂z⁽ˡ⁺¹⁾, from the layer above
Return: a dict of numpy arrays with exactly these keys and shapes:
    "delta" (3,), "dW" (3, 4), "db" (3,)
Check it: bpgrade check step19    Hint: bpgrade hint step19

第 19 步 — 一层的反向传播（矩阵形式）

第 5–16 步对课文网络的第 2 层逐个数地计算。这里用数组一次算完整整一层：一个 3-4-3-2 的 sigmoid 网络，取其中第 l = 2 层（3 个神经元，输入 4 个值）。在矩阵形式中，δ⁽ˡ⁾ 表示 ∂L/∂z⁽ˡ⁾，即激活前的值的梯度（课文的 δ⁽³⁾ 是 ∂L/∂y）。以 numpy 数组返回 δ⁽ˡ⁾、∂L/∂W⁽ˡ⁾ 和 ∂L/∂b⁽ˡ⁾。
net 提供：net.W (3, 4) W⁽ˡ⁾，本层的权重；net.b (3,) b⁽ˡ⁾，本层的偏置；net.h_prev (4,) h⁽ˡ⁻¹⁾，输入第 l 层的激活值；net.z (3,) z⁽ˡ⁾ = W⁽ˡ⁾h⁽ˡ⁻¹⁾ + b⁽ˡ⁾；net.h (3,) h⁽ˡ⁾ = σ(z⁽ˡ⁾)；net.W_next (2, 3) W⁽ˡ⁺¹⁾，下一层的权重；net.z_next (2,) z⁽ˡ⁺¹⁾；net.h_next (2,) h⁽ˡ⁺¹⁾ = σ(z⁽ˡ⁺¹⁾)；net.delta_next (2,) δ⁽ˡ⁺¹⁾ = ∂L/∂z⁽ˡ⁺¹⁾，由上一层传回
返回：一个由 numpy 数组组成的 dict，键和形状恰好是：
    "delta" (3,), "dW" (3, 4), "db" (3,)
检查：bpgrade check step19    提示：bpgrade hint step19
"""


def step19(net):
    raise NotImplementedError("step19: write your answer here, then run: bpgrade check step19")

"""Step 20 — Full backward pass (any depth)

Write the whole backward pass of a network of any depth, with a hidden activation of
sigmoid, tanh or ReLU and any of four losses, whose forward pass is given: return
∂L/∂W⁽ˡ⁾ and ∂L/∂b⁽ˡ⁾ for every layer l = 1 … L, as lists of numpy arrays, layer 1
first. Each problem of a check is another network, of another depth, activation and
loss.
net offers: net.W W⁽¹⁾ … W⁽ᴸ⁾, the weights, one array per layer (net.W[0] is W⁽¹⁾);
    net.b b⁽¹⁾ … b⁽ᴸ⁾, the biases, one array per layer; net.x x = h⁽⁰⁾, the input;
    net.y_target the target; net.activation the hidden layers' activation f: "sigmoid",
    "tanh" or "relu"; net.output_activation the output's: "sigmoid", or "softmax" with
    the softmax cross-entropy; net.loss_name the loss: "half_squared_error" ½Σ(y −
    y_target)², "mean_squared_error" (1/n)Σ(y − y_target)² over the n outputs,
    "binary_cross_entropy" or "softmax_cross_entropy"; net.z z⁽¹⁾ … z⁽ᴸ⁾, each layer's
    pre-activation, one array per layer; net.h h⁽¹⁾ … h⁽ᴸ⁾, each layer's activation
    (h⁽ᴸ⁾ is the output y), one array per layer
Return: a dict with exactly these keys, each a list of numpy arrays, one per
layer of weights (layer 1 first), each shaped like that layer's W or b:
    "dW": [array per layer], "db": [array per layer]
Check it: bpgrade check step20    Hint: bpgrade hint step20

第 20 步 — 完整的反向传播（任意深度）

为任意深度的网络写出完整的反向传播：隐藏层激活函数为 sigmoid、tanh 或 ReLU，损失函数为四种之一，前向传播已经给出。以 numpy 数组的列表返回每一层 l = 1 … L 的 ∂L/∂W⁽ˡ⁾ 和 ∂L/∂b⁽ˡ⁾，第 1 层在前。一次检查中的每个问题都是另一个网络，深度、激活函数和损失函数各不相同。
net 提供：net.W W⁽¹⁾ … W⁽ᴸ⁾，权重，每层一个数组（net.W[0] 是 W⁽¹⁾）；net.b b⁽¹⁾ … b⁽ᴸ⁾，偏置，每层一个数组；net.x x = h⁽⁰⁾，输入；net.y_target 目标值；net.activation 隐藏层的激活函数 f："sigmoid"、"tanh" 或 "relu"；net.output_activation 输出层的激活函数："sigmoid"，或与 softmax 交叉熵搭配的 "softmax"；net.loss_name 损失函数："half_squared_error" ½Σ(y − y_target)²、"mean_squared_error"（对 n 个输出取平均的 (1/n)Σ(y − y_target)²）、"binary_cross_entropy" 或 "softmax_cross_entropy"；net.z z⁽¹⁾ … z⁽ᴸ⁾，各层激活前的值，每层一个数组；net.h h⁽¹⁾ … h⁽ᴸ⁾，各层的激活值（h⁽ᴸ⁾ 就是输出 y），每层一个数组
返回：一个 dict，键恰好是下面两个，每个值是 numpy 数组的列表，
每层权重一个（第 1 层在前），形状与该层的 W 或 b 相同：
    "dW": [每层一个数组], "db": [每层一个数组]
检查：bpgrade check step20    提示：bpgrade hint step20
"""


def step20(net):
    raise NotImplementedError("step20: write your answer here, then run: bpgrade check step20")

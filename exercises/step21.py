"""Step 21 — Mini-batch

The backward pass of step 20 for a mini-batch of 3–5 examples, given as columns: the
input, the target and every z⁽ˡ⁾ and h⁽ˡ⁾ hold one column per example. The loss is the
mean of the examples' losses: return ∂L/∂W⁽ˡ⁾ and ∂L/∂b⁽ˡ⁾ for every layer, averaged
over the batch, in the shapes of step 20.
net offers: net.W W⁽¹⁾ … W⁽ᴸ⁾, the weights, one array per layer (net.W[0] is W⁽¹⁾);
    net.b b⁽¹⁾ … b⁽ᴸ⁾, the biases, one array per layer; net.x x = h⁽⁰⁾, the input, one
    column per example; net.y_target the target, one column per example; net.activation
    the hidden layers' activation f: "sigmoid", "tanh" or "relu"; net.output_activation
    the output's: "sigmoid", or "softmax" with the softmax cross-entropy; net.loss_name
    the loss: "half_squared_error" ½Σ(y − y_target)², "mean_squared_error" (1/n)Σ(y −
    y_target)² over the n outputs, "binary_cross_entropy" or "softmax_cross_entropy";
    net.z z⁽¹⁾ … z⁽ᴸ⁾, each layer's pre-activation, one array per layer, one column per
    example; net.h h⁽¹⁾ … h⁽ᴸ⁾, each layer's activation (h⁽ᴸ⁾ is the output y), one
    array per layer, one column per example
Return: a dict with exactly these keys, each a list of numpy arrays, one per
layer of weights (layer 1 first), each shaped like that layer's W or b:
    "dW": [array per layer], "db": [array per layer]
Check it: bpgrade check step21    Hint: bpgrade hint step21

第 21 步 — 小批量

对含 3–5 个样本的小批量做第 20 步的反向传播，样本按列给出：输入、目标值以及每个 z⁽ˡ⁾ 和 h⁽ˡ⁾ 都是每个样本一列。损失是各样本损失的平均：返回每一层的 ∂L/∂W⁽ˡ⁾ 和 ∂L/∂b⁽ˡ⁾，对整个批量取平均，形状与第 20 步相同。
net 提供：net.W W⁽¹⁾ … W⁽ᴸ⁾，权重，每层一个数组（net.W[0] 是 W⁽¹⁾）；net.b b⁽¹⁾ … b⁽ᴸ⁾，偏置，每层一个数组；net.x x = h⁽⁰⁾，输入，每个样本一列；net.y_target 目标值，每个样本一列；net.activation 隐藏层的激活函数 f："sigmoid"、"tanh" 或 "relu"；net.output_activation 输出层的激活函数："sigmoid"，或与 softmax 交叉熵搭配的 "softmax"；net.loss_name 损失函数："half_squared_error" ½Σ(y − y_target)²、"mean_squared_error"（对 n 个输出取平均的 (1/n)Σ(y − y_target)²）、"binary_cross_entropy" 或 "softmax_cross_entropy"；net.z z⁽¹⁾ … z⁽ᴸ⁾，各层激活前的值，每层一个数组，每个样本一列；net.h h⁽¹⁾ … h⁽ᴸ⁾，各层的激活值（h⁽ᴸ⁾ 就是输出 y），每层一个数组，每个样本一列
返回：一个 dict，键恰好是下面两个，每个值是 numpy 数组的列表，
每层权重一个（第 1 层在前），形状与该层的 W 或 b 相同：
    "dW": [每层一个数组], "db": [每层一个数组]
检查：bpgrade check step21    提示：bpgrade hint step21
"""


def step21(net):
    raise NotImplementedError("step21: write your answer here, then run: bpgrade check step21")

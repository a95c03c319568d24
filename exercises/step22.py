"""Step 22 — Training XOR

Train a 2-4-1 sigmoid network on XOR by gradient descent: all four examples at once (a
row each), starting from the given weights, for 200 epochs, each a forward pass, your
own backward pass and an update of every parameter with η. The loss is the binary cross-
entropy averaged over the four examples, L = −(1/n) Σₙ [tₙ log yₙ + (1−tₙ) log(1−yₙ)];
it must end below 0.1. Return the final W⁽¹⁾, b⁽¹⁾, W⁽²⁾, b⁽²⁾ and, for each sampled
epoch, the parameters at its start and the gradients your backward pass computed on
them, stacked in the order of the sampled epochs.
net offers: net.X (4, 2) the 4 XOR inputs, a row each; net.T (4, 1) their targets, 0 or
    1; net.W1 (4, 2) W⁽¹⁾, the initial hidden weights; net.b1 (4,) b⁽¹⁾, the initial
    hidden biases; net.W2 (1, 4) W⁽²⁾, the initial output weights; net.b2 (1,) b⁽²⁾, the
    initial output bias; net.learning_rate η, the learning rate; net.epochs the number
    of epochs to train (200); net.threshold the loss must end below it (0.1);
    net.sample_epochs (4,) the epochs to report, in order (0 and 1 among them)
Return: a dict of numpy arrays with exactly these keys and shapes:
    "W1" (4, 2), "b1" (4,), "W2" (1, 4), "b2" (1,), "sample_W1" (4, 4, 2),
    "sample_b1" (4, 4), "sample_W2" (4, 1, 4), "sample_b2" (4, 1),
    "sample_dW1" (4, 4, 2), "sample_db1" (4, 4), "sample_dW2" (4, 1, 4),
    "sample_db2" (4, 1)
Check it: bpgrade check step22    Hint: bpgrade hint step22

第 22 步 — 训练 XOR

用梯度下降在 XOR 上训练一个 2-4-1 的 sigmoid 网络：四个样本一起算（每个一行），从给定的权重出发，训练 200 轮，每轮做一次前向传播、一次你自己的反向传播，再用 η 更新每个参数。损失是四个样本的二元交叉熵的平均值，L = −(1/n) Σₙ [tₙ log yₙ + (1−tₙ) log(1−yₙ)]；训练结束时它必须低于 0.1。返回最终的 W⁽¹⁾、b⁽¹⁾、W⁽²⁾、b⁽²⁾，以及每个抽样轮次开始时的参数和你的反向传播在这些参数上算出的梯度，按抽样轮次的顺序堆叠。
net 提供：net.X (4, 2) XOR 的 4 个输入，每行一个；net.T (4, 1) 对应的目标值，0 或 1；net.W1 (4, 2) W⁽¹⁾，隐藏层的初始权重；net.b1 (4,) b⁽¹⁾，隐藏层的初始偏置；net.W2 (1, 4) W⁽²⁾，输出层的初始权重；net.b2 (1,) b⁽²⁾，输出层的初始偏置；net.learning_rate η，学习率；net.epochs 要训练的轮数（200）；net.threshold 训练结束时损失必须低于它（0.1）；net.sample_epochs (4,) 要报告的轮次，按顺序（包括 0 和 1）
返回：一个由 numpy 数组组成的 dict，键和形状恰好是：
    "W1" (4, 2), "b1" (4,), "W2" (1, 4), "b2" (1,), "sample_W1" (4, 4, 2),
    "sample_b1" (4, 4), "sample_W2" (4, 1, 4), "sample_b2" (4, 1),
    "sample_dW1" (4, 4, 2), "sample_db1" (4, 4), "sample_dW2" (4, 1, 4),
    "sample_db2" (4, 1)
检查：bpgrade check step22    提示：bpgrade hint step22
"""


def step22(net):
    raise NotImplementedError("step22: write your answer here, then run: bpgrade check step22")

"""The steps beyond the lesson, after step 18: one layer in matrix form (step 19), the whole
backward pass of any network (step 20) and over a mini-batch (step 21).

Rows of the table like those of :mod:`grader.steps.registry`, which appends them to its own;
their formulas are written in numpy's notation (:mod:`grader.steps.matrix`).
"""

from __future__ import annotations

from .full_pass import FullPassStep
from .matrix import MatrixStep
from .step import Prose
from .step import words as _t       # short: the table below is mostly words


def _offered(batch: bool) -> dict:
    """What ``net`` holds for the whole backward pass: one example, or a batch as columns."""
    from ..i18n import pick

    columns = _t(", one column per example", "，每个样本一列") if batch else _t("", "")

    def each(en: str, zh: str) -> dict:
        return {lang: words + pick(columns, lang) for lang, words in _t(en, zh).items()}

    return {
        "W": _t("W⁽¹⁾ … W⁽ᴸ⁾, the weights, one array per layer (net.W[0] is W⁽¹⁾)",
                "W⁽¹⁾ … W⁽ᴸ⁾，权重，每层一个数组（net.W[0] 是 W⁽¹⁾）"),
        "b": _t("b⁽¹⁾ … b⁽ᴸ⁾, the biases, one array per layer",
                "b⁽¹⁾ … b⁽ᴸ⁾，偏置，每层一个数组"),
        "x": each("x = h⁽⁰⁾, the input", "x = h⁽⁰⁾，输入"),
        "y_target": each("the target", "目标值"),
        "activation": _t("the hidden layers' activation f: \"sigmoid\", \"tanh\" or \"relu\"",
                         "隐藏层的激活函数 f：\"sigmoid\"、\"tanh\" 或 \"relu\""),
        "output_activation": _t("the output's: \"sigmoid\", or \"softmax\" with the softmax "
                                "cross-entropy",
                                "输出层的激活函数：\"sigmoid\"，或与 softmax 交叉熵搭配的 "
                                "\"softmax\""),
        "loss_name": _t("the loss: \"half_squared_error\" ½Σ(y − y_target)², "
                        "\"mean_squared_error\" (1/n)Σ(y − y_target)² over the n outputs, "
                        "\"binary_cross_entropy\" or \"softmax_cross_entropy\"",
                        "损失函数：\"half_squared_error\" ½Σ(y − y_target)²、"
                        "\"mean_squared_error\"（对 n 个输出取平均的 (1/n)Σ(y − y_target)²）、"
                        "\"binary_cross_entropy\" 或 \"softmax_cross_entropy\""),
        "z": each("z⁽¹⁾ … z⁽ᴸ⁾, each layer's pre-activation, one array per layer",
                  "z⁽¹⁾ … z⁽ᴸ⁾，各层激活前的值，每层一个数组"),
        "h": each("h⁽¹⁾ … h⁽ᴸ⁾, each layer's activation (h⁽ᴸ⁾ is the output y), one array "
                  "per layer",
                  "h⁽¹⁾ … h⁽ᴸ⁾，各层的激活值（h⁽ᴸ⁾ 就是输出 y），每层一个数组"),
    }


_USES = _t("the forward pass net.z, net.h, the input net.x and net.y_target, the parameters "
           "net.W and net.b, and the names net.activation, net.output_activation and "
           "net.loss_name, which choose f and ∂L/∂y",
           "前向传播的 net.z、net.h，输入 net.x 与 net.y_target，参数 net.W 与 net.b，以及选择 f "
           "和 ∂L/∂y 的名称 net.activation、net.output_activation 和 net.loss_name")
_BACK = (("delta_out", "dL_dy * act_prime_out"),
         ("delta", "(W_next.T @ delta_next) * act_prime"))
_CROSS_ENTROPY = _t("{formula};  for a cross-entropy with its own output (binary with sigmoid, "
                    "softmax with softmax) the output's slope cancels: δ⁽ᴸ⁾ = y − y_target;  "
                    "h⁽⁰⁾ = x",
                    "{formula}；交叉熵配上它自己的输出（二元配 sigmoid，softmax 配 softmax）时，"
                    "输出的斜率抵消：δ⁽ᴸ⁾ = y − y_target；h⁽⁰⁾ = x")
_SLOPES = _t("The slopes, through h where it is simpler: sigmoid h(1 − h), tanh 1 − h², ReLU "
             "1 where z > 0 and 0 elsewhere.",
             "各激活函数的斜率（能用 h 写时用 h）：sigmoid 为 h(1 − h)，tanh 为 1 − h²，ReLU 在 "
             "z > 0 处为 1，其余为 0。")


ONE_LAYER = MatrixStep(
    number=19, points=3, seed_step=False, layers=(3, 4, 3, 2), layer=2,
    rows=(("delta", "(W_next.T @ delta_next) * h * (1 - h)"),
          ("dW", "delta @ h_prev.T"),
          ("db", "delta")),
    offered={"W": _t("W⁽ˡ⁾, this layer's weights", "W⁽ˡ⁾，本层的权重"),
             "b": _t("b⁽ˡ⁾, its biases", "b⁽ˡ⁾，本层的偏置"),
             "h_prev": _t("h⁽ˡ⁻¹⁾, the activations feeding layer l",
                          "h⁽ˡ⁻¹⁾，输入第 l 层的激活值"),
             "z": _t("z⁽ˡ⁾ = W⁽ˡ⁾h⁽ˡ⁻¹⁾ + b⁽ˡ⁾", "z⁽ˡ⁾ = W⁽ˡ⁾h⁽ˡ⁻¹⁾ + b⁽ˡ⁾"),
             "h": _t("h⁽ˡ⁾ = σ(z⁽ˡ⁾)", "h⁽ˡ⁾ = σ(z⁽ˡ⁾)"),
             "W_next": _t("W⁽ˡ⁺¹⁾, the next layer's weights", "W⁽ˡ⁺¹⁾，下一层的权重"),
             "z_next": _t("z⁽ˡ⁺¹⁾", "z⁽ˡ⁺¹⁾"),
             "h_next": _t("h⁽ˡ⁺¹⁾ = σ(z⁽ˡ⁺¹⁾)", "h⁽ˡ⁺¹⁾ = σ(z⁽ˡ⁺¹⁾)"),
             "delta_next": _t("δ⁽ˡ⁺¹⁾ = ∂L/∂z⁽ˡ⁺¹⁾, from the layer above",
                              "δ⁽ˡ⁺¹⁾ = ∂L/∂z⁽ˡ⁺¹⁾，由上一层传回")},
    prose=Prose(
        title=_t("One layer's backward pass (matrix form)", "一层的反向传播（矩阵形式）"),
        meaning=_t("Steps 5–16 did layer 2 of the lesson's network one number at a time. "
                   "Here a whole layer goes at once, with arrays: a network {layers} with "
                   "sigmoid layers, and its layer l = {l} ({n} neurons, fed by {n_prev} "
                   "values). In matrix form δ⁽ˡ⁾ means ∂L/∂z⁽ˡ⁾, the gradient at the "
                   "pre-activation (the lesson's δ⁽³⁾ is ∂L/∂y). Return δ⁽ˡ⁾, ∂L/∂W⁽ˡ⁾ and "
                   "∂L/∂b⁽ˡ⁾ as numpy arrays.",
                   "第 5–16 步对课文网络的第 2 层逐个数地计算。这里用数组一次算完整整一层："
                   "一个 {layers} 的 sigmoid 网络，取其中第 l = {l} 层（{n} 个神经元，"
                   "输入 {n_prev} 个值）。在矩阵形式中，δ⁽ˡ⁾ 表示 ∂L/∂z⁽ˡ⁾，即激活前的值的"
                   "梯度（课文的 δ⁽³⁾ 是 ∂L/∂y）。以 numpy 数组返回 δ⁽ˡ⁾、∂L/∂W⁽ˡ⁾ 和 "
                   "∂L/∂b⁽ˡ⁾。"),
        reuse=_t("Everything above layer l is one vector already: δ⁽ˡ⁺¹⁾ = ∂L/∂z⁽ˡ⁺¹⁾ "
                 "sums every path from the next layer on to L. Reuse it as steps 10–12 "
                 "reused ∂L/∂h⁽²⁾; first δ⁽ˡ⁾ of this layer, then both gradients from it.",
                 "第 l 层以上的一切已经合成了一个向量：δ⁽ˡ⁺¹⁾ = ∂L/∂z⁽ˡ⁺¹⁾ 包含了从下一层"
                 "到 L 的所有路径。像第 10–12 步复用 ∂L/∂h⁽²⁾ 那样复用它：先求本层的 δ⁽ˡ⁾，"
                 "再由它求出两个梯度。"),
        chain=_t("Step 10's sum over the next layer's neurons, for every neuron at once, is "
                 "a matrix product: neuron i of layer l feeds column i of W⁽ˡ⁺¹⁾, so it "
                 "takes the transpose, which turns {n_next} values into {n}. Then each "
                 "neuron's own sigmoid slope, entry by entry (⊙), at this layer, not the "
                 "next. A weight w_ij's gradient is neuron i's δ times input j: all of them "
                 "together are an outer product, a {n}×{n_prev} matrix, rows for neurons. "
                 "A bias's is δ itself.",
                 "第 10 步对下一层神经元的求和，对所有神经元一起做，就是一个矩阵乘积：第 l 层"
                 "的神经元 i 进入 W⁽ˡ⁺¹⁾ 的第 i 列，所以要用转置，把 {n_next} 个值变成 {n} "
                 "个。然后逐项（⊙）乘以每个神经元自己的 sigmoid 斜率，用本层的，不是下一层的。"
                 "权重 w_ij 的梯度是神经元 i 的 δ 乘以输入 j：合在一起是一个外积，一个 "
                 "{n}×{n_prev} 矩阵，每行一个神经元。偏置的梯度就是 δ 本身。")),
)


FULL_PASS = FullPassStep(
    number=20, points=4, seed_step=False, offered=_offered(False), uses_text=_USES,
    rows=_BACK + (("dW", "delta @ h_prev.T"), ("db", "delta")),
    prose=Prose(
        title=_t("Full backward pass (any depth)", "完整的反向传播（任意深度）"),
        goal=_t("Write the whole backward pass of a network of any depth, with a hidden "
                "activation of sigmoid, tanh or ReLU and any of four losses, whose forward pass "
                "is given: return ∂L/∂W⁽ˡ⁾ and ∂L/∂b⁽ˡ⁾ for every layer l = 1 … L, as lists of "
                "numpy arrays, layer 1 first. Each problem of a check is another network, of "
                "another depth, activation and loss.",
                "为任意深度的网络写出完整的反向传播：隐藏层激活函数为 sigmoid、tanh 或 ReLU，"
                "损失函数为四种之一，前向传播已经给出。以 numpy 数组的列表返回每一层 "
                "l = 1 … L 的 ∂L/∂W⁽ˡ⁾ 和 ∂L/∂b⁽ˡ⁾，第 1 层在前。一次检查中的每个问题都是另一个"
                "网络，深度、激活函数和损失函数各不相同。"),
        meaning=_t("Step 19 took one layer back, given the δ of the layer above; here you make "
                   "every δ yourself, from the output down to layer 1, for any network. In "
                   "matrix form δ⁽ˡ⁾ = ∂L/∂z⁽ˡ⁾: the output's comes from the loss, every other "
                   "one from the layer above it.",
                   "第 19 步在给出上一层 δ 的前提下往回算了一层；这里每个 δ 都由你自己算出，"
                   "从输出一直到第 1 层，适用于任意网络。矩阵形式中 δ⁽ˡ⁾ = ∂L/∂z⁽ˡ⁾：输出层的"
                   "由损失函数得到，其余每层的由它上面一层得到。"),
        reuse=_t("Each layer's δ is computed once and used twice: for that layer's two "
                 "gradients, and to go back one more layer. At the output, δ⁽ᴸ⁾ is where the "
                 "loss meets the last activation; for a cross-entropy with its own output "
                 "activation the two cancel into a plain difference. Below the output every "
                 "layer is step 19 again, with the hidden activation's slope in place of the "
                 "sigmoid's.",
                 "每层的 δ 只算一次，用两次：求本层的两个梯度，以及再往回传一层。在输出层，"
                 "δ⁽ᴸ⁾ 是损失函数与最后一个激活函数相接之处；交叉熵配上它自己的输出激活函数时，"
                 "两者相消，只剩一个简单的差。输出层以下的每一层都是第 19 步的重复，只是把 "
                 "sigmoid 的斜率换成隐藏层激活函数的斜率。"),
        chain=_t("A loop from the last layer to the first. At the output, δ⁽ᴸ⁾ is ∂L/∂y times "
                 "the output's slope, entry by entry, except for the two cross-entropies, where "
                 "it is the output less the target. Then for each layer, top down: its weight "
                 "gradient is the outer product of its δ with the activations feeding it (for "
                 "layer 1 the input), its bias gradient is its δ, and the δ of the layer below "
                 "is the transposed weights times this δ, entry by entry times the slope of "
                 "the layer below. " + _SLOPES["en"],
                 "从最后一层到第一层循环。在输出层，δ⁽ᴸ⁾ 是 ∂L/∂y 逐项乘以输出的斜率；两种交叉熵"
                 "例外，此时它是输出减去目标值。然后自上而下对每一层：权重的梯度是本层 δ 与输入"
                 "本层的激活值（第 1 层为输入）的外积，偏置的梯度就是本层的 δ，下一层的 δ 是转置"
                 "的权重乘以本层 δ，再逐项乘以下一层的斜率。" + _SLOPES["zh"]),
        formula_hint=_CROSS_ENTROPY),
)

MINI_BATCH = FullPassStep(
    number=21, points=2, seed_step=False, batch=True, offered=_offered(True), uses_text=_USES,
    rows=_BACK + (("dW", "delta @ h_prev.T / B"), ("db", "delta @ ones / B")),
    prose=Prose(
        title=_t("Mini-batch", "小批量"),
        goal=_t("The backward pass of step 20 for a mini-batch of {batch} examples, given as "
                "columns: the input, the target and every z⁽ˡ⁾ and h⁽ˡ⁾ hold one column per "
                "example. The loss is the mean of the examples' losses: return ∂L/∂W⁽ˡ⁾ and "
                "∂L/∂b⁽ˡ⁾ for every layer, averaged over the batch, in the shapes of step 20.",
                "对含 {batch} 个样本的小批量做第 20 步的反向传播，样本按列给出：输入、目标值以及"
                "每个 z⁽ˡ⁾ 和 h⁽ˡ⁾ 都是每个样本一列。损失是各样本损失的平均：返回每一层的 "
                "∂L/∂W⁽ˡ⁾ 和 ∂L/∂b⁽ˡ⁾，对整个批量取平均，形状与第 20 步相同。"),
        meaning=_t("Training follows the gradient of the mean loss over a batch of examples: "
                   "each example's gradient is the one step 20 computes, and the batch's is "
                   "their mean. With examples as columns every δ⁽ˡ⁾ becomes a matrix, one "
                   "column per example.",
                   "训练时沿着一个批量上平均损失的梯度走：每个样本的梯度就是第 20 步算出的那个，"
                   "整个批量的梯度是它们的平均。样本按列排列时，每个 δ⁽ˡ⁾ 都成了矩阵，每个样本"
                   "一列。"),
        reuse=_t("Nothing new is computed per example: step 20's δ's, one column each, go "
                 "back together through the same weights. A matrix product over the examples "
                 "adds up their outer products at once; dividing by the batch size B makes "
                 "that sum a mean, as the loss is a mean.",
                 "不需要为每个样本另算什么：第 20 步的各个 δ，每个样本一列，一起穿过同样的权重"
                 "往回传。对样本做一次矩阵乘积，就一次加起了所有样本的外积；再除以批量大小 B，"
                 "和就变成了平均，正如损失是平均值。"),
        chain=_t("With δ⁽ˡ⁾ a matrix, neurons by examples, the δ's go back exactly as in step "
                 "20, all columns in one product; ∂L/∂y is taken per example, before any "
                 "mean. A weight gradient is δ⁽ˡ⁾ times the transposed activations feeding the "
                 "layer, which sums the examples' outer products; a bias gradient sums δ⁽ˡ⁾ "
                 "along each row. Both are then divided by B.",
                 "δ⁽ˡ⁾ 是一个矩阵，行是神经元，列是样本；各个 δ 完全像第 20 步那样往回传，所有"
                 "列在一次乘积中完成；∂L/∂y 按样本计算，在取平均之前。权重梯度是 δ⁽ˡ⁾ 乘以输入"
                 "本层的激活值的转置，这就把各样本的外积加在一起；偏置梯度是把 δ⁽ˡ⁾ 每行加起来。"
                 "两者最后都除以 B。"),
        formula_hint=_CROSS_ENTROPY),
)

STEPS = (ONE_LAYER, FULL_PASS, MINI_BATCH)

"""The one table of steps. Nothing else lists them.

Each step is written once: its number, its formula as :class:`Row` s (Python expressions over
the names ``net`` holds, in :mod:`grader.notation`), its prose (:class:`Prose`: title, meaning,
hints 1 and 2) and its points. Everything else is derived from the formula when first read
(the rules are in :mod:`grader.steps.derived`):

    answer, expression      each row's left-hand name and right-hand side. A row with generic
                            indices or names (``h1_i``, ``w2_2j``, ``new_w``) stands for one
                            answer per value in the network (``each`` narrows them); several
                            answers make a dict keyed by the quantity (a new value by its
                            parameter), in the network's order
    formula, formula_text   the rows in the seed's notation, LaTeX and Unicode
    hints                   levels 1 and 2 from the prose, level 3 the formula text
    context                 what ``net`` holds: everything computed before the step - inputs and
                            parameters; from step 1 on the forward pass; every earlier answer
                            except parameter gradients, which only a step whose formula reads
                            them gets; the naive route (``offers_loss``) no backward value
    uses                    the names ``net`` holds that the formula reads
    reads                   per answer, the names its row reads: which earlier answers it
                            depends on (the dependency graph of ``check --chain``)
    title, meaning          the prose with ``{name}`` placeholders in the seed's symbols

Sibling steps (2-3, 5-6, 7-9, 10-12, 13-14) are one generic row and one prose, each member at its
own index. Adding a step: append it to STEPS (or a member to a family), write
solutions/stepNN.py, render its stub with ``bpgrade reset stepN --exercises exercises --yes``.
"""

from __future__ import annotations

import re

from ..errors import UsageError
from ..notation import SEED_LOSS
from . import beyond, training
from .step import Prose, Row, Step, family
from .step import words as _t       # short: the table below is mostly words

# The names a context can hold (INPUTS, PARAMETERS, FORWARD, ...) come from grader.notation on
# first use, not at import: compiling notation's source costs ~1.9 ms, which would double this
# module's import (~2.0 ms) for commands that never read them.
_NAME_LISTS = ("INPUTS", "PARAMETERS", "FORWARD", "DELTA3", "DL_DH2", "DL_DH1",
               "PARAMETER_GRADIENTS", "BASE")


def _name_lists() -> dict:
    from .. import notation

    layers = notation.SEED_LAYERS
    inputs = notation.inputs(layers) + ("y_target", "eta")
    parameters = notation.parameters(layers)
    return {"INPUTS": inputs, "PARAMETERS": parameters,
            "FORWARD": notation.forward(layers), "DELTA3": (notation.output_delta(layers),),
            "DL_DH2": notation.activation_gradients(2, layers),
            "DL_DH1": notation.activation_gradients(1, layers),
            "PARAMETER_GRADIENTS": tuple(notation.GRADIENT + p for p in parameters),
            "BASE": inputs + parameters}


def __getattr__(name: str):
    if name not in _NAME_LISTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    lists = _name_lists()
    globals().update(lists)
    return lists[name]


_EPSILON = "1e-5"
_TITLE_ONLY = _t("{quantity}", "{quantity}")

# The lesson's loss and the others its one sigmoid output may have (grader.notation.LOSSES;
# grader.engine.losses computes each): L, the last row of step 0; δ⁽³⁾ = ∂L/∂y, step 1's row;
# and step 1's hint on the chain rule. Every later step reads δ⁽³⁾ and y(1−y), the same for
# each loss. :func:`for_loss` gives the steps with another loss's rows.
LOSS_ROWS = {
    "half_squared_error": {
        "L": "0.5*(y - y_target)**2", "delta3": "y - y_target",
        "chain": _t("L is half the square of the gap between y and y_target. Differentiate "
                    "the square with respect to y: the 2 that the exponent brings down cancels "
                    "the ½, and the gap's own derivative with respect to y is 1.",
                    "L 是 y 与 y_target 之差的平方的一半。把平方对 y 求导：指数落下来的 2 "
                    "正好与 ½ 抵消，而这个差本身对 y 的导数是 1。")},
    "mean_squared_error": {
        "L": "(y - y_target)**2", "delta3": "2*(y - y_target)",
        "chain": _t("With one output the mean is over one term: L is the square of the gap "
                    "between y and y_target. Differentiate the square with respect to y: the "
                    "exponent comes down as a factor 2, with nothing to cancel it, and the "
                    "gap's own derivative with respect to y is 1.",
                    "只有一个输出时，平均只对一项求：L 就是 y 与 y_target 之差的平方。把平方"
                    "对 y 求导：指数落下来成为因子 2，没有别的数与它抵消，而这个差本身对 y "
                    "的导数是 1。")},
    "binary_cross_entropy": {
        "L": "-(y_target*log(y) + (1 - y_target)*log(1 - y))",
        "delta3": "(y - y_target)/(y*(1 - y))",
        "chain": _t("L is minus the sum of two logarithms, y_target·log(y) and "
                    "(1 − y_target)·log(1 − y). The derivative of log(u) is 1/u times u's own "
                    "derivative, and the derivative of 1 − y with respect to y is −1. Put the "
                    "two fractions over their common denominator y(1 − y).",
                    "L 是两个对数项 y_target·log(y) 与 (1 − y_target)·log(1 − y) 之和的相反数。"
                    "log(u) 的导数是 1/u 乘以 u 自身的导数，而 1 − y 对 y 的导数是 −1。"
                    "把两个分式通分，公分母是 y(1 − y)。")},
}

STEPS = (
    Step(
        number=0, points=2, seed_step=False,
        rows=("h1_i = sigmoid(w1_i1*x1 + w1_i2*x2 + b1_i)",
              "h2_i = sigmoid(w2_i1*h1_1 + w2_i2*h1_2 + w2_i3*h1_3 + b2_i)",
              "y = sigmoid(v1*h2_1 + v2*h2_2 + b3)",
              f"L = {LOSS_ROWS[SEED_LOSS]['L']}"),
        prose=Prose(
            title=_t("The forward pass", "前向传播"),
            meaning=_t("Run the network once: every hidden activation, the output y and the loss L.",
                       "把网络完整算一遍：每个隐藏层激活值、输出 y 和损失 L。"),
            reuse=_t("Nothing is reused yet: every value the later steps reuse starts here. "
                     "Begin with the inputs x₁, x₂ and the parameters and go forward one layer "
                     "at a time: each layer's activations are the next layer's inputs, so h⁽¹⁾ "
                     "comes first, then h⁽²⁾ from it, then y from h⁽²⁾, and last L from y.",
                     "这里还没有可复用的值：后面各步复用的值都从这里开始。从输入 x₁、x₂ 和参数"
                     "出发，一层一层往前算：每一层的激活值就是下一层的输入，所以先算 h⁽¹⁾，"
                     "再由它算 h⁽²⁾，再由 h⁽²⁾ 算 y，最后由 y 算 L。"),
            chain=_t("Layer by layer: the pre-activation z is the weighted sum of the layer's "
                     "inputs plus its bias, the activation is h = σ(z) with σ(z) = 1/(1 + e^(−z)); "
                     "y is σ of the output's z, and L is half the square of the gap between y "
                     "and y_target.",
                     "逐层计算：激活前的值 z 是本层输入的加权和再加偏置，激活值 h = σ(z)，"
                     "其中 σ(z) = 1/(1 + e^(−z))；y 是输出层 z 的 σ，L 是 y 与 y_target "
                     "之差的平方的一半。")),
        uses_text=_t("net.x1, net.x2, net.y_target and every parameter net.w1_11 … net.v2, net.b3 "
                     "(also as arrays: net.x, net.W1, net.b1, net.W2, net.b2, net.W3)",
                     "net.x1、net.x2、net.y_target 以及所有参数 net.w1_11 … net.v2、net.b3"
                     "（也有数组形式：net.x、net.W1、net.b1、net.W2、net.b2、net.W3）"),
    ),
    Step(
        number=1,
        rows=(f"delta3 = {LOSS_ROWS[SEED_LOSS]['delta3']}",),
        prose=Prose(
            title=_t("{quantity}, the output error", "{quantity}，输出误差"),
            meaning=_t("How fast L changes as the output y moves.", "输出 y 变化时损失 L 变化的快慢。"),
            reuse=_t("Nothing stands between y and L: the loss is computed from the output "
                     "directly, so no chain rule is needed yet and there is no earlier step to "
                     "reuse. What you find here, δ⁽³⁾, is the first value the lesson reuses: "
                     "every later step starts from it.",
                     "y 和 L 之间没有别的量：损失直接由输出算出，所以还用不到链式法则，也没有"
                     "前面的步骤可以复用。这里求出的 δ⁽³⁾ 是课文复用的第一个值，后面每一步都从"
                     "它出发。"),
            chain=LOSS_ROWS[SEED_LOSS]["chain"]),
    ),
    *family(
        2, "j", "dL_dvj = delta3*y*(1 - y)*h2_j",
        names={"v": "vj", "h": "h2_j"},
        meaning=_t("How L changes with {v}, the weight from {h} into the output.",
                   "L 随 {v}（从 {h} 到输出的权重）的变化率。"),
        reuse=_t("{v} reaches L along one path: into z⁽³⁾, then through y. The stretch from "
                 "y to L is done already: reuse δ⁽³⁾ from step 1 instead of differentiating L "
                 "again.",
                 "{v} 只沿一条路径影响 L：先进入 z⁽³⁾，再经过 y。从 y 到 L 这一段已经算过："
                 "直接复用第 1 步的 δ⁽³⁾，不必再对 L 求一次导。"),
        chain=_t("One path, L ← y ← z⁽³⁾ ← {v}, so one product: "
                 "∂L/∂y · ∂y/∂z⁽³⁾ · ∂z⁽³⁾/∂{v}. The sigmoid's slope is written with its own "
                 "output, σ′(z) = σ(z)(1 − σ(z)); and since {= z3}, ∂z⁽³⁾/∂{v} is the value "
                 "{v} multiplies.",
                 "只有一条路径 L ← y ← z⁽³⁾ ← {v}，所以只有一个乘积："
                 "∂L/∂y · ∂y/∂z⁽³⁾ · ∂z⁽³⁾/∂{v}。sigmoid 的斜率用它自己的输出表示："
                 "σ′(z) = σ(z)(1 − σ(z))；又因为 {= z3}，∂z⁽³⁾/∂{v} 就是与 {v} 相乘的那个值。"),
        titles=(_t("{quantity}, an output weight", "{quantity}，输出层权重"),
                _t("{quantity}, the other output weight", "{quantity}，另一个输出层权重"))),
    Step(
        number=4,
        rows=("dL_db3 = delta3*y*(1 - y)",),
        prose=Prose(
            title=_t("{quantity}, the output bias", "{quantity}，输出层偏置"),
            meaning=_t("b⁽³⁾ takes the same path to L as v₁ and v₂, through z⁽³⁾ and y. The "
                       "product found here is shared by every chain below: the lesson computes "
                       "it once and reuses it from here on.",
                       "b⁽³⁾ 通向 L 的路径与 v₁、v₂ 相同：经过 z⁽³⁾ 和 y。这里求出的乘积是后面"
                       "每一条链共有的部分：课文只算一次，之后一再复用。"),
            goal=_t("How L changes with the output bias b⁽³⁾.", "L 随输出层偏置 b⁽³⁾ 的变化率。"),
            reuse=_t("Reuse δ⁽³⁾ from step 1 and the slope of the output's sigmoid that steps 2 "
                     "and 3 used; only the last link, from b⁽³⁾ into z⁽³⁾, is new.",
                     "复用第 1 步的 δ⁽³⁾，以及第 2、3 步用过的输出层 sigmoid 的斜率；"
                     "只有最后一环（从 b⁽³⁾ 到 z⁽³⁾）是新的。"),
            chain=_t("The chain of steps 2 and 3, L ← y ← z⁽³⁾ ← b⁽³⁾: "
                     "∂L/∂y · ∂y/∂z⁽³⁾ · ∂z⁽³⁾/∂b⁽³⁾. Only the last factor changes: the bias "
                     "enters {= z3} with factor one, so ∂z⁽³⁾/∂b⁽³⁾ = 1 and two factors are left.",
                     "与第 2、3 步相同的链 L ← y ← z⁽³⁾ ← b⁽³⁾：∂L/∂y · ∂y/∂z⁽³⁾ · "
                     "∂z⁽³⁾/∂b⁽³⁾。只有最后一个因子不同：偏置在 {= z3} 中的系数是 1，"
                     "所以 ∂z⁽³⁾/∂b⁽³⁾ = 1，只剩两个因子。")),
    ),
    *family(
        5, "i", "dL_dh2_i = delta3*y*(1 - y)*vi",
        names={"h": "h2_i"},
        goal=_t("How L changes with the activation {h}.", "L 随激活值 {h} 的变化率。"),
        factors=_t("The chain rule along the one path from {h} to L has three factors: how L "
                   "changes with the output y (the output error of step 1), the slope of the "
                   "output's sigmoid, written with its output y, and how the output's "
                   "pre-activation z⁽³⁾ changes with {h}.",
                   "沿 {h} 通向 L 的唯一一条路径用链式法则，共三个因子：L 随输出 y 的变化率"
                   "（第 1 步的输出误差）、输出层 sigmoid 的斜率（用它的输出 y 表示），"
                   "以及输出层激活前的值 z⁽³⁾ 随 {h} 的变化率。"),
        meaning=_t("{h} reaches L along one path only: into z⁽³⁾, then through y, the path "
                   "that v₁, v₂ and b⁽³⁾ took in steps 2–4.",
                   "{h} 只沿一条路径影响 L：先进入 z⁽³⁾，再经过 y，也就是第 2–4 步中 v₁、v₂ "
                   "和 b⁽³⁾ 走过的路径。"),
        reuse=_t("From z⁽³⁾ on, nothing is new: the lesson computes the product of δ⁽³⁾ and the "
                 "output sigmoid's slope once, in step 4, and reuses it here rather than "
                 "differentiating from L again. Only the last link, from {h} into z⁽³⁾, is new.",
                 "从 z⁽³⁾ 往后没有新东西：δ⁽³⁾ 与输出层 sigmoid 斜率的乘积，课文在第 4 步"
                 "只算一次，这里直接复用，不必从 L 重新求导。只有最后一环（从 {h} 到 z⁽³⁾）"
                 "是新的。"),
        chain=_t("One path, L ← y ← z⁽³⁾ ← {h}, so one product: "
                 "∂L/∂y · ∂y/∂z⁽³⁾ · ∂z⁽³⁾/∂{h}. The first two are those of steps 2–4; for the "
                 "last, differentiate {= z3} with respect to the activation {h} this time, not "
                 "a weight.",
                 "只有一条路径 L ← y ← z⁽³⁾ ← {h}，所以只有一个乘积："
                 "∂L/∂y · ∂y/∂z⁽³⁾ · ∂z⁽³⁾/∂{h}。前两个因子与第 2–4 步相同；最后一个因子，"
                 "这次是把 {= z3} 对激活值 {h} 求导，而不是对权重求导。"),
        titles=(_t("{quantity}, back into hidden layer 2", "{quantity}，传回隐藏层 2"),
                _TITLE_ONLY)),
    *family(
        7, "j", "dL_dw2_1j = dL_dh2_1*h2_1*(1 - h2_1)*h1_j",
        names={"w": "w2_1j", "h": "h1_j"},
        factors=_t("The chain rule from L back to {w} has three factors: how L changes with "
                   "h₁⁽²⁾ (an earlier step found it), the slope of h₁⁽²⁾'s sigmoid, written with "
                   "its output, and how z₁⁽²⁾ changes with {w}.",
                   "从 L 回到 {w} 的链式法则共三个因子：L 随 h₁⁽²⁾ 的变化率（前面某一步已经算出）、"
                   "h₁⁽²⁾ 的 sigmoid 的斜率（用它的输出表示），以及 z₁⁽²⁾ 随 {w} 的变化率。"),
        meaning=_t("How L changes with {w}, the weight from {h} into h₁⁽²⁾.",
                   "L 随 {w}（从 {h} 到 h₁⁽²⁾ 的权重）的变化率。"),
        reuse=_t("{w} reaches L along one path: into z₁⁽²⁾, through h₁⁽²⁾, and from h₁⁽²⁾ on "
                 "to L. That last stretch is done already: reuse ∂L/∂h₁⁽²⁾ from step 5 instead "
                 "of differentiating from L again. What is left is the short way from {w} up "
                 "to h₁⁽²⁾.",
                 "{w} 只沿一条路径影响 L：进入 z₁⁽²⁾，经过 h₁⁽²⁾，再从 h₁⁽²⁾ 一直到 L。"
                 "最后这一段已经算过：直接复用第 5 步的 ∂L/∂h₁⁽²⁾，不必从 L 重新求导。"
                 "剩下的只是从 {w} 到 h₁⁽²⁾ 这一小段。"),
        chain=_t("One path, L ← h₁⁽²⁾ ← z₁⁽²⁾ ← {w}, so one product: "
                 "∂L/∂h₁⁽²⁾ · ∂h₁⁽²⁾/∂z₁⁽²⁾ · ∂z₁⁽²⁾/∂{w}. The middle one is the sigmoid's "
                 "slope, written with its output as in steps 2–6; the last is the value {w} "
                 "multiplies in {= z2_1}.",
                 "只有一条路径 L ← h₁⁽²⁾ ← z₁⁽²⁾ ← {w}，所以只有一个乘积："
                 "∂L/∂h₁⁽²⁾ · ∂h₁⁽²⁾/∂z₁⁽²⁾ · ∂z₁⁽²⁾/∂{w}。中间的因子是 sigmoid 的斜率，"
                 "和第 2–6 步一样用它的输出表示；最后一个因子是 {= z2_1} 中与 {w} 相乘的"
                 "那个值。"),
        titles=(_t("{quantity}, a layer-2 weight", "{quantity}，隐藏层 2 的权重"), _TITLE_ONLY,
                _TITLE_ONLY)),
    *family(
        10, "j", "dL_dh1_j = dL_dh2_1*h2_1*(1 - h2_1)*w2_1j + dL_dh2_2*h2_2*(1 - h2_2)*w2_2j",
        names={"h": "h1_j"},
        goal=_t("How L changes with the activation {h}.", "L 随激活值 {h} 的变化率。"),
        reuse=_t("Each path's far end is worked out already: ∂L/∂h₁⁽²⁾ from step 5 covers "
                 "everything from h₁⁽²⁾ to L, and ∂L/∂h₂⁽²⁾ from step 6 everything from h₂⁽²⁾ "
                 "to L. Reuse both; what is left is the short way from {h} into each neuron of "
                 "layer 2. This is where reuse pays: the same two values serve all three "
                 "activations of layer 1.",
                 "每条路径远端的那一段都已经算好：第 5 步的 ∂L/∂h₁⁽²⁾ 涵盖从 h₁⁽²⁾ 到 L "
                 "的全部，第 6 步的 ∂L/∂h₂⁽²⁾ 涵盖从 h₂⁽²⁾ 到 L 的全部。两个都复用；剩下的"
                 "只是从 {h} 进入隐藏层 2 每个神经元的那一小段。复用的好处正在这里："
                 "隐藏层 1 的三个激活值都用同样这两个值。"),
        chain=_t("Two paths, L ← h₁⁽²⁾ ← z₁⁽²⁾ ← {h} and L ← h₂⁽²⁾ ← z₂⁽²⁾ ← {h}. Each gives a "
                 "product of three factors, ∂L/∂hᵢ⁽²⁾ · ∂hᵢ⁽²⁾/∂zᵢ⁽²⁾ · ∂zᵢ⁽²⁾/∂{h}, as in "
                 "step 7 with the roles of weight and activation swapped: ∂zᵢ⁽²⁾/∂{h} is the "
                 "weight that multiplies {h} in zᵢ⁽²⁾. A change in {h} travels along both paths "
                 "at once and L moves by the sum of the two, so add the products.",
                 "两条路径：L ← h₁⁽²⁾ ← z₁⁽²⁾ ← {h} 和 L ← h₂⁽²⁾ ← z₂⁽²⁾ ← {h}。每条路径给出"
                 "三个因子的一个乘积，∂L/∂hᵢ⁽²⁾ · ∂hᵢ⁽²⁾/∂zᵢ⁽²⁾ · ∂zᵢ⁽²⁾/∂{h}，和第 7 步"
                 "一样，只是权重和激活值的角色互换：∂zᵢ⁽²⁾/∂{h} 是 zᵢ⁽²⁾ 中与 {h} 相乘的那个"
                 "权重。{h} 的变化同时沿两条路径传到 L，L 的变化是两者之和，所以把两个乘积相加。"),
        titles=(_t("{quantity}, back into hidden layer 1", "{quantity}，传回隐藏层 1"),
                _TITLE_ONLY, _TITLE_ONLY),
        meanings=(_t("Follow {h} forward: it feeds both neurons of layer 2, z₁⁽²⁾ and z₂⁽²⁾, so "
                     "a change in it reaches L along two paths at once, one through h₁⁽²⁾ and "
                     "one through h₂⁽²⁾. Both paths count.",
                     "顺着 {h} 往前看：它同时进入隐藏层 2 的两个神经元 z₁⁽²⁾ 和 z₂⁽²⁾，所以它"
                     "一变，就同时沿两条路径影响 L：一条经过 h₁⁽²⁾，一条经过 h₂⁽²⁾。两条路径"
                     "都要算上。"),
                  *[_t("Like h₁⁽¹⁾ in step 10, {h} feeds both neurons of layer 2, so it reaches "
                       "L along two paths, through h₁⁽²⁾ and through h₂⁽²⁾; both count.",
                       "和第 10 步的 h₁⁽¹⁾ 一样，{h} 同时进入隐藏层 2 的两个神经元，所以它沿"
                       "两条路径影响 L，一条经过 h₁⁽²⁾，一条经过 h₂⁽²⁾，两条都要算上。")] * 2)),
    *family(
        13, "j", "dL_dw1_1j = dL_dh1_1*h1_1*(1 - h1_1)*xj",
        names={"w": "w1_1j", "x": "xj"},
        meaning=_t("How L changes with {w}, the weight from {x} into h₁⁽¹⁾.",
                   "L 随 {w}（从 {x} 到 h₁⁽¹⁾ 的权重）的变化率。"),
        reuse=_t("{w} reaches L through z₁⁽¹⁾ and h₁⁽¹⁾, and from h₁⁽¹⁾ on along both paths "
                 "of step 10. All of that is one number already: reuse ∂L/∂h₁⁽¹⁾ from step 10, "
                 "which added the two paths up, so only one chain is left here, from {w} up "
                 "to h₁⁽¹⁾.",
                 "{w} 经过 z₁⁽¹⁾ 和 h₁⁽¹⁾ 影响 L，从 h₁⁽¹⁾ 往后又分成第 10 步的两条路径。"
                 "这些已经合成了一个数：直接复用第 10 步的 ∂L/∂h₁⁽¹⁾（它已经把两条路径加在"
                 "一起），所以这里只剩一条链：从 {w} 到 h₁⁽¹⁾。"),
        chain=_t("One chain, L ← h₁⁽¹⁾ ← z₁⁽¹⁾ ← {w}: ∂L/∂h₁⁽¹⁾ · ∂h₁⁽¹⁾/∂z₁⁽¹⁾ · "
                 "∂z₁⁽¹⁾/∂{w}, the pattern of step 7 one layer down: the sigmoid's slope "
                 "written with its output, and the value {w} multiplies in {= z1_1}.",
                 "一条链 L ← h₁⁽¹⁾ ← z₁⁽¹⁾ ← {w}：∂L/∂h₁⁽¹⁾ · ∂h₁⁽¹⁾/∂z₁⁽¹⁾ · ∂z₁⁽¹⁾/∂{w}，"
                 "就是第 7 步的模式往下移了一层：sigmoid 的斜率用它的输出表示，最后一个因子"
                 "是 {= z1_1} 中与 {w} 相乘的那个值。"),
        titles=(_t("{quantity}, a layer-1 weight", "{quantity}，隐藏层 1 的权重"), _TITLE_ONLY)),
    Step(
        number=15, points=2, seed_step=False,
        rows=("dL_dw2_2j = dL_dh2_2*h2_2*(1 - h2_2)*h1_j",
              "dL_db2_i = dL_dh2_i*h2_i*(1 - h2_i)"),
        prose=Prose(
            title=_t("The rest of layer 2: w₂ⱼ⁽²⁾ and b⁽²⁾", "隐藏层 2 的其余参数：w₂ⱼ⁽²⁾ 与 b⁽²⁾"),
            meaning=_t("The lesson says \"similar\"; do it: the same pattern for the second neuron "
                       "and for both biases.",
                       "课文只说“类似”；这里把它做完：第二个神经元的权重和两个偏置。"),
            reuse=_t("Each of these parameters reaches L along one path, through its own neuron "
                     "of layer 2: w₂ⱼ⁽²⁾ and b₂⁽²⁾ through h₂⁽²⁾, b₁⁽²⁾ through h₁⁽²⁾. From that "
                     "neuron on, the path is done: reuse ∂L/∂h₁⁽²⁾ and ∂L/∂h₂⁽²⁾ from steps 5 "
                     "and 6.",
                     "这些参数各自只沿一条路径影响 L，经过各自所在的隐藏层 2 神经元：w₂ⱼ⁽²⁾ 和 "
                     "b₂⁽²⁾ 经过 h₂⁽²⁾，b₁⁽²⁾ 经过 h₁⁽²⁾。从那个神经元往后的路径已经算过："
                     "复用第 5、6 步的 ∂L/∂h₁⁽²⁾ 和 ∂L/∂h₂⁽²⁾。"),
            chain=_t("The pattern of steps 7–9 for each parameter p of neuron i: "
                     "∂L/∂hᵢ⁽²⁾ · ∂hᵢ⁽²⁾/∂zᵢ⁽²⁾ · ∂zᵢ⁽²⁾/∂p. A weight's last factor is the input "
                     "it multiplies; a bias is added to z with factor one, so its last factor "
                     "is 1.",
                     "对神经元 i 的每个参数 p 都用第 7–9 步的模式："
                     "∂L/∂hᵢ⁽²⁾ · ∂hᵢ⁽²⁾/∂zᵢ⁽²⁾ · ∂zᵢ⁽²⁾/∂p。权重的最后一个因子是它所乘的输入；"
                     "偏置以系数 1 加进 z，所以它的最后一个因子是 1。")),
    ),
    Step(
        number=16, points=2, seed_step=False,
        # neurons 2 and 3: steps 13 and 14 did neuron 1's weights
        rows=(Row("dL_dw1_ij", "dL_dh1_i*h1_i*(1 - h1_i)*xj", each={"i": (2, 3)}),
              "dL_db1_i = dL_dh1_i*h1_i*(1 - h1_i)"),
        prose=Prose(
            title=_t("The rest of layer 1: w₂ⱼ⁽¹⁾, w₃ⱼ⁽¹⁾ and b⁽¹⁾",
                     "隐藏层 1 的其余参数：w₂ⱼ⁽¹⁾、w₃ⱼ⁽¹⁾ 与 b⁽¹⁾"),
            meaning=_t("The same pattern as steps 13 and 14 for the other neurons and the biases.",
                       "与第 13、14 步相同的模式，用于其余神经元和偏置。"),
            reuse=_t("Each of these parameters reaches L through its own neuron of layer 1, and "
                     "from there along both paths through layer 2. Steps 10–12 have added those "
                     "paths up already: reuse ∂L/∂h₁⁽¹⁾, ∂L/∂h₂⁽¹⁾ and ∂L/∂h₃⁽¹⁾ from them.",
                     "这些参数都先经过各自所在的隐藏层 1 神经元，再沿穿过隐藏层 2 的两条路径影响 L。"
                     "第 10–12 步已经把这些路径加好了：复用那几步的 ∂L/∂h₁⁽¹⁾、∂L/∂h₂⁽¹⁾ 和 "
                     "∂L/∂h₃⁽¹⁾。"),
            chain=_t("The pattern of steps 13 and 14 for each parameter p of neuron i: "
                     "∂L/∂hᵢ⁽¹⁾ · ∂hᵢ⁽¹⁾/∂zᵢ⁽¹⁾ · ∂zᵢ⁽¹⁾/∂p. A weight's last factor is the input "
                     "it multiplies; a bias's is 1.",
                     "对神经元 i 的每个参数 p 都用第 13、14 步的模式："
                     "∂L/∂hᵢ⁽¹⁾ · ∂hᵢ⁽¹⁾/∂zᵢ⁽¹⁾ · ∂zᵢ⁽¹⁾/∂p。权重的最后一个因子是它所乘的输入；"
                     "偏置的是 1。")),
    ),
    Step(
        number=17, points=2, seed_step=False,
        rows=("new_w = w - eta*dL_dw", "new_b = b - eta*dL_db"),
        prose=Prose(
            title=_t("One gradient-descent update", "一次梯度下降更新"),
            meaning=_t("Move every parameter against its gradient, by an amount the learning "
                       "rate η sets.",
                       "把每个参数沿梯度的反方向移动，移动多少由学习率 η 决定。"),
            reuse=_t("Nothing new to differentiate: steps 2–16 found every gradient ∂L/∂w and "
                     "∂L/∂b, and the update reuses them all, together with the learning rate η.",
                     "这里不用再求导：第 2–16 步已经求出所有梯度 ∂L/∂w 和 ∂L/∂b，更新时全部"
                     "复用，再加上学习率 η。"),
            chain=_t("No chain rule here, one step of gradient descent: the gradient points "
                     "where L grows fastest, so each parameter moves the other way, a distance "
                     "that grows with its gradient and with η. Moving with the gradient would "
                     "increase L.",
                     "这里不需要链式法则，只是梯度下降的一步：梯度指向 L 增长最快的方向，"
                     "所以每个参数朝相反方向移动，移动的距离随梯度和学习率 η 增大。"
                     "顺着梯度移动会让 L 变大。"),
            formula_hint=_t("{1} and {2}, for every parameter, returned as a dict keyed by the "
                            "parameter's name",
                            "对每个参数：{1}，{2}，以参数名为键返回一个 dict")),
        uses_text=_t("net.eta, every parameter net.w1_11 … net.b3 and its gradient "
                     "net.dL_dw1_11 … net.dL_db3 (net[name] and net[\"dL_d\" + name] work too)",
                     "net.eta、每个参数 net.w1_11 … net.b3 及其梯度 net.dL_dw1_11 … net.dL_db3"
                     "（也可写 net[name] 和 net[\"dL_d\" + name]）"),
    ),
    Step(
        number=18, points=2, seed_step=False, offers_loss=True,
        rows=("dL_dp ≈ (L(p + eps) - L(p - eps))/(2*eps)", Row("eps", _EPSILON, answers=False)),
        prose=Prose(
            title=_t("The naive gradient: finite differences for every parameter",
                     "朴素的梯度：对每个参数做有限差分"),
            meaning=_t("The lesson's \"ordinary\" way: find each ∂L/∂p separately, here by "
                       "nudging p and running the whole forward pass again, two passes per "
                       "parameter. The check counts your passes beside backprop's cost; bpgrade "
                       "cost compares the routes on larger networks.",
                       "课文所说的“普通”做法：把每个 ∂L/∂p 分别求出来，这里的做法是挪动 p 后把整个"
                       "前向传播重算一遍，每个参数两次。检查时会统计你的前向传播次数，并与反向传播的"
                       "代价对比；bpgrade cost 在更大的网络上比较这几种做法。"),
            reuse=_t("Reuse nothing from backprop: that is the point of this step. No δ⁽³⁾, no "
                     "∂L/∂h: each parameter's gradient comes from L alone, with forward passes "
                     "of its own, so the work done for one parameter helps no other. Count the "
                     "passes: that is the cost the lesson's backprop avoids.",
                     "这一步故意不复用反向传播的任何中间值：没有 δ⁽³⁾，也没有 ∂L/∂h，每个参数的"
                     "梯度都只由 L 求出，用它自己的前向传播，为一个参数做的计算对别的参数毫无"
                     "帮助。数一数前向传播的次数：这正是课文里的反向传播省掉的代价。"),
            chain=_t(f"Treat each parameter p on its own: nudge it up by a small ε ({_EPSILON}) "
                     f"and down by ε, and divide the change in L by the distance between the two "
                     f"nudges, 2ε. A one-sided difference, from p to p + ε only, is off by about "
                     f"ε·L″/2, too far for a check at 1e-6.",
                     f"每个参数 p 单独处理：把它往上挪一个很小的 ε（{_EPSILON}），再往下挪 ε，"
                     f"用 L 的变化量除以两次挪动之间的距离 2ε。只往一侧挪（从 p 到 p + ε）的"
                     f"单侧差分误差约为 ε·L″/2，达不到 1e-6 的精度要求。"),
            formula_hint=_t("for each name in w1_11 … b3: dL_d<name> = (net.loss(**{name: "
                            "net[name] + ε}) − net.loss(**{name: net[name] − ε})) / (2ε), "
                            "returned in a dict under \"dL_d\" + name",
                            "对 w1_11 … b3 中的每个 name：dL_d<name> = (net.loss(**{name: "
                            "net[name] + ε}) − net.loss(**{name: net[name] − ε})) / (2ε)，"
                            "以 \"dL_d\" + name 为键放进 dict 返回")),
        uses_text=_t("net.loss(name=value, ...), L with those parameters replaced (net.loss() is "
                     "L itself), and every parameter net.w1_11 … net.b3 (net[name] works too)",
                     "net.loss(name=value, ...)，即把这些参数换掉后的 L（net.loss() 就是 L 本身），"
                     "以及每个参数 net.w1_11 … net.b3（也可写 net[name]）"),
    ),
) + beyond.STEPS + (training.STEP,)          # step22, training XOR

BY_ID = {step.id: step for step in STEPS}
SEED_STEPS = tuple(step for step in STEPS if step.seed_step)
# array steps whose network is drawn once per seed, their values kept with the lesson's
ARRAY_STEPS = tuple(step for step in STEPS if step.arrays and not step.per_problem)

_STEP_PATTERN = re.compile(r"^(?:step)?0*(\d+)$", re.IGNORECASE)


def valid_ids_text() -> str:
    return f"{STEPS[0].id} … {STEPS[-1].id}"


_NOT_A_STEP = {"en": "{name} is not a step; valid: {valid} (or just the number)",
               "zh": "{name} 不是有效的步骤；可用：{valid}（也可以只写数字）"}


def get(name, lang: str = "en") -> Step:
    """``step7``, ``7``, ``Step07`` all name step 7."""
    match = _STEP_PATTERN.match(str(name).strip())
    step_id = f"step{int(match.group(1))}" if match else None
    if step_id not in BY_ID:
        from ..i18n import pick

        raise UsageError(pick(_NOT_A_STEP, lang).format(name=name, valid=valid_ids_text()))
    return BY_ID[step_id]


_FOR_LOSS = {}


def for_loss(step: Step, loss: str) -> Step:
    """``step`` on the lesson's network drawn with ``loss`` (a key of :data:`LOSS_ROWS`): a
    row of L or of δ⁽³⁾ is that loss's, and so is δ⁽³⁾'s hint on the chain rule; every other
    step is the lesson's as it is."""
    from ..records import replace

    own = LOSS_ROWS[loss]
    if loss == SEED_LOSS:
        return step
    if (step.id, loss) not in _FOR_LOSS:
        lefts = [row.split(" = ", 1)[0] if isinstance(row, str) else None for row in step.rows]
        changed = step
        if any(left in own for left in lefts):
            rows = tuple(f"{left} = {own[left]}" if left in own else row
                         for left, row in zip(lefts, step.rows))
            prose = replace(step.prose, chain=own["chain"]) if "delta3" in lefts else step.prose
            changed = replace(step, rows=rows, prose=prose)
        _FOR_LOSS[step.id, loss] = changed
    return _FOR_LOSS[step.id, loss]


def total_points() -> int:
    return sum(step.points for step in STEPS)

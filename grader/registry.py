"""The one table of steps. Nothing else lists them.

Each :class:`Step` says what the learner computes (``answer``: one quantity name, or a
mapping from the keys of the returned dict to quantity names), what ``net`` holds for it
(``context``), the seed's formula (LaTeX and plain text), titles, meaning and hints in
English and Chinese, and its points. Quantity names are those of :mod:`grader.quantities`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import UsageError

# --- what a context can hold -------------------------------------------------------------

INPUTS = ("x1", "x2", "y_target", "eta")
PARAMETERS = (
    "w1_11", "w1_12", "w1_21", "w1_22", "w1_31", "w1_32", "b1_1", "b1_2", "b1_3",
    "w2_11", "w2_12", "w2_13", "w2_21", "w2_22", "w2_23", "b2_1", "b2_2",
    "v1", "v2", "b3",
)
FORWARD = ("z1_1", "z1_2", "z1_3", "h1_1", "h1_2", "h1_3",
           "z2_1", "z2_2", "h2_1", "h2_2", "z3", "y", "L")
DELTA3 = ("delta3",)
DL_DH2 = ("dL_dh2_1", "dL_dh2_2")
DL_DH1 = ("dL_dh1_1", "dL_dh1_2", "dL_dh1_3")
PARAMETER_GRADIENTS = tuple(f"dL_d{name}" for name in PARAMETERS)

BASE = INPUTS + PARAMETERS
SEEN_BY_OUTPUT_LAYER = BASE + FORWARD + DELTA3
SEEN_BY_LAYER_2 = SEEN_BY_OUTPUT_LAYER + DL_DH2


@dataclass(frozen=True, eq=False)
class Step:
    id: str
    number: int
    title: dict                 # {"en": ..., "zh": ...}
    meaning: dict               # what the quantity is, in words
    formula: str                # the seed's formula, LaTeX
    formula_text: str           # the same in plain Unicode, for terminals and docstrings
    answer: object              # a quantity name (a number is returned) or {key: quantity}
    context: tuple              # every name ``net`` holds for this step
    uses: tuple                 # the ``net`` names the seed's formula uses
    points: int = 1
    seed_step: bool = True      # one of the lesson's own numbered steps (1-14)
    hints: dict = field(default_factory=dict)   # {1: {"en", "zh"}, 2: ..., 3: ...}
    uses_text: dict | None = None  # words for ``uses`` where listing every name is too long

    @property
    def returns_dict(self) -> bool:
        return isinstance(self.answer, dict)

    @property
    def answer_items(self) -> tuple:
        """((key, quantity), ...): key is None for a single-number answer."""
        if self.returns_dict:
            return tuple(self.answer.items())
        return ((None, self.answer),)

    @property
    def file_name(self) -> str:
        return f"step{self.number:02d}.py"

    @property
    def function_name(self) -> str:
        return f"step{self.number}"


def _t(en: str, zh: str) -> dict:
    return {"en": en, "zh": zh}


def _layer2_rest() -> dict:
    keys = ("dL_dw2_21", "dL_dw2_22", "dL_dw2_23", "dL_db2_1", "dL_db2_2")
    return {k: k for k in keys}


def _layer1_rest() -> dict:
    keys = ("dL_dw1_21", "dL_dw1_22", "dL_dw1_31", "dL_dw1_32", "dL_db1_1", "dL_db1_2", "dL_db1_3")
    return {k: k for k in keys}


STEPS = (
    Step(
        id="step0", number=0, points=2, seed_step=False,
        title=_t("The forward pass", "前向传播"),
        meaning=_t("Run the network once: every hidden activation, the output y and the loss L.",
                   "把网络完整算一遍：每个隐藏层激活值、输出 y 和损失 L。"),
        formula=r"h_i^{(1)} = \sigma\left(w_{i1}^{(1)}x_1 + w_{i2}^{(1)}x_2 + b_i^{(1)}\right),\quad "
                r"h_i^{(2)} = \sigma\left(\sum_j w_{ij}^{(2)} h_j^{(1)} + b_i^{(2)}\right),\quad "
                r"y = \sigma\left(v_1h_1^{(2)} + v_2h_2^{(2)} + b^{(3)}\right),\quad "
                r"L = \frac{1}{2}(y - y_{target})^2",
        formula_text="h_i⁽¹⁾ = σ(w_i1⁽¹⁾x₁ + w_i2⁽¹⁾x₂ + b_i⁽¹⁾);  "
                     "h_i⁽²⁾ = σ(Σ_j w_ij⁽²⁾h_j⁽¹⁾ + b_i⁽²⁾);  "
                     "y = σ(v₁h₁⁽²⁾ + v₂h₂⁽²⁾ + b⁽³⁾);  L = ½(y − y_target)²",
        answer={k: k for k in ("h1_1", "h1_2", "h1_3", "h2_1", "h2_2", "y", "L")},
        context=BASE,
        uses=BASE,
        uses_text=_t("net.x1, net.x2, net.y_target and every parameter net.w1_11 … net.v2, net.b3 "
                     "(also as arrays: net.x, net.W1, net.b1, net.W2, net.b2, net.W3)",
                     "net.x1、net.x2、net.y_target 以及所有参数 net.w1_11 … net.v2、net.b3"
                     "（也有数组形式：net.x、net.W1、net.b1、net.W2、net.b2、net.W3）"),
    ),
    Step(
        id="step1", number=1,
        title=_t("δ⁽³⁾ = ∂L/∂y, the output error", "δ⁽³⁾ = ∂L/∂y，输出误差"),
        meaning=_t("How fast L changes as the output y moves.", "输出 y 变化时损失 L 变化的快慢。"),
        formula=r"\delta^{(3)} = \frac{\partial L}{\partial y} = y - y_{target}",
        formula_text="δ⁽³⁾ = ∂L/∂y = y − y_target",
        answer="delta3", context=BASE + FORWARD, uses=("y", "y_target"),
    ),
    Step(
        id="step2", number=2,
        title=_t("∂L/∂v₁, an output weight", "∂L/∂v₁，输出层权重"),
        meaning=_t("How L changes with v₁, the weight from h₁⁽²⁾ into the output.",
                   "L 随 v₁（从 h₁⁽²⁾ 到输出的权重）的变化率。"),
        formula=r"\frac{\partial L}{\partial v_1} = \delta^{(3)} \cdot y(1-y) \cdot h_1^{(2)}",
        formula_text="∂L/∂v₁ = δ⁽³⁾ · y(1−y) · h₁⁽²⁾",
        answer="dL_dv1", context=SEEN_BY_OUTPUT_LAYER, uses=("delta3", "y", "h2_1"),
    ),
    Step(
        id="step3", number=3,
        title=_t("∂L/∂v₂, the other output weight", "∂L/∂v₂，另一个输出层权重"),
        meaning=_t("How L changes with v₂, the weight from h₂⁽²⁾ into the output.",
                   "L 随 v₂（从 h₂⁽²⁾ 到输出的权重）的变化率。"),
        formula=r"\frac{\partial L}{\partial v_2} = \delta^{(3)} \cdot y(1-y) \cdot h_2^{(2)}",
        formula_text="∂L/∂v₂ = δ⁽³⁾ · y(1−y) · h₂⁽²⁾",
        answer="dL_dv2", context=SEEN_BY_OUTPUT_LAYER, uses=("delta3", "y", "h2_2"),
    ),
    Step(
        id="step4", number=4,
        title=_t("∂L/∂b⁽³⁾, the output bias", "∂L/∂b⁽³⁾，输出层偏置"),
        meaning=_t("How L changes with the output bias; this product δ⁽³⁾·y(1−y) is reused below.",
                   "L 随输出层偏置的变化率；乘积 δ⁽³⁾·y(1−y) 后面会一再复用。"),
        formula=r"\frac{\partial L}{\partial b^{(3)}} = \delta^{(3)} \cdot y(1-y)",
        formula_text="∂L/∂b⁽³⁾ = δ⁽³⁾ · y(1−y)",
        answer="dL_db3", context=SEEN_BY_OUTPUT_LAYER, uses=("delta3", "y"),
    ),
    Step(
        id="step5", number=5,
        title=_t("∂L/∂h₁⁽²⁾, back into hidden layer 2", "∂L/∂h₁⁽²⁾，传回隐藏层 2"),
        meaning=_t("How L changes with the activation h₁⁽²⁾; it reaches L only through v₁.",
                   "L 随激活值 h₁⁽²⁾ 的变化率；h₁⁽²⁾ 只经由 v₁ 影响 L。"),
        formula=r"\frac{\partial L}{\partial h_1^{(2)}} = \delta^{(3)} \cdot y(1-y) \cdot v_1",
        formula_text="∂L/∂h₁⁽²⁾ = δ⁽³⁾ · y(1−y) · v₁",
        answer="dL_dh2_1", context=SEEN_BY_OUTPUT_LAYER, uses=("delta3", "y", "v1"),
    ),
    Step(
        id="step6", number=6,
        title=_t("∂L/∂h₂⁽²⁾", "∂L/∂h₂⁽²⁾"),
        meaning=_t("How L changes with the activation h₂⁽²⁾, through v₂.",
                   "L 随激活值 h₂⁽²⁾ 的变化率，经由 v₂。"),
        formula=r"\frac{\partial L}{\partial h_2^{(2)}} = \delta^{(3)} \cdot y(1-y) \cdot v_2",
        formula_text="∂L/∂h₂⁽²⁾ = δ⁽³⁾ · y(1−y) · v₂",
        answer="dL_dh2_2", context=SEEN_BY_OUTPUT_LAYER + ("dL_dh2_1",), uses=("delta3", "y", "v2"),
    ),
    Step(
        id="step7", number=7,
        title=_t("∂L/∂w₁₁⁽²⁾, a layer-2 weight", "∂L/∂w₁₁⁽²⁾，隐藏层 2 的权重"),
        meaning=_t("How L changes with w₁₁⁽²⁾, the weight from h₁⁽¹⁾ into h₁⁽²⁾.",
                   "L 随 w₁₁⁽²⁾（从 h₁⁽¹⁾ 到 h₁⁽²⁾ 的权重）的变化率。"),
        formula=r"\frac{\partial L}{\partial w_{11}^{(2)}} = \frac{\partial L}{\partial h_1^{(2)}}"
                r" \cdot h_1^{(2)}(1-h_1^{(2)}) \cdot h_1^{(1)}",
        formula_text="∂L/∂w₁₁⁽²⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · h₁⁽¹⁾",
        answer="dL_dw2_11", context=SEEN_BY_LAYER_2, uses=("dL_dh2_1", "h2_1", "h1_1"),
    ),
    Step(
        id="step8", number=8,
        title=_t("∂L/∂w₁₂⁽²⁾", "∂L/∂w₁₂⁽²⁾"),
        meaning=_t("How L changes with w₁₂⁽²⁾, the weight from h₂⁽¹⁾ into h₁⁽²⁾.",
                   "L 随 w₁₂⁽²⁾（从 h₂⁽¹⁾ 到 h₁⁽²⁾ 的权重）的变化率。"),
        formula=r"\frac{\partial L}{\partial w_{12}^{(2)}} = \frac{\partial L}{\partial h_1^{(2)}}"
                r" \cdot h_1^{(2)}(1-h_1^{(2)}) \cdot h_2^{(1)}",
        formula_text="∂L/∂w₁₂⁽²⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · h₂⁽¹⁾",
        answer="dL_dw2_12", context=SEEN_BY_LAYER_2, uses=("dL_dh2_1", "h2_1", "h1_2"),
    ),
    Step(
        id="step9", number=9,
        title=_t("∂L/∂w₁₃⁽²⁾", "∂L/∂w₁₃⁽²⁾"),
        meaning=_t("How L changes with w₁₃⁽²⁾, the weight from h₃⁽¹⁾ into h₁⁽²⁾.",
                   "L 随 w₁₃⁽²⁾（从 h₃⁽¹⁾ 到 h₁⁽²⁾ 的权重）的变化率。"),
        formula=r"\frac{\partial L}{\partial w_{13}^{(2)}} = \frac{\partial L}{\partial h_1^{(2)}}"
                r" \cdot h_1^{(2)}(1-h_1^{(2)}) \cdot h_3^{(1)}",
        formula_text="∂L/∂w₁₃⁽²⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · h₃⁽¹⁾",
        answer="dL_dw2_13", context=SEEN_BY_LAYER_2, uses=("dL_dh2_1", "h2_1", "h1_3"),
    ),
    Step(
        id="step10", number=10,
        title=_t("∂L/∂h₁⁽¹⁾, back into hidden layer 1", "∂L/∂h₁⁽¹⁾，传回隐藏层 1"),
        meaning=_t("h₁⁽¹⁾ feeds both neurons of layer 2, so its gradient is a sum of two paths.",
                   "h₁⁽¹⁾ 同时连到隐藏层 2 的两个神经元，所以它的梯度是两条路径之和。"),
        formula=r"\frac{\partial L}{\partial h_1^{(1)}} = \frac{\partial L}{\partial h_1^{(2)}}"
                r" \cdot h_1^{(2)}(1-h_1^{(2)}) \cdot w_{11}^{(2)} + \frac{\partial L}{\partial h_2^{(2)}}"
                r" \cdot h_2^{(2)}(1-h_2^{(2)}) \cdot w_{21}^{(2)}",
        formula_text="∂L/∂h₁⁽¹⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · w₁₁⁽²⁾ + ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · w₂₁⁽²⁾",
        answer="dL_dh1_1", context=SEEN_BY_LAYER_2,
        uses=("dL_dh2_1", "h2_1", "w2_11", "dL_dh2_2", "h2_2", "w2_21"),
    ),
    Step(
        id="step11", number=11,
        title=_t("∂L/∂h₂⁽¹⁾", "∂L/∂h₂⁽¹⁾"),
        meaning=_t("The same two paths for h₂⁽¹⁾, through w₁₂⁽²⁾ and w₂₂⁽²⁾.",
                   "h₂⁽¹⁾ 的两条路径，经由 w₁₂⁽²⁾ 和 w₂₂⁽²⁾。"),
        formula=r"\frac{\partial L}{\partial h_2^{(1)}} = \frac{\partial L}{\partial h_1^{(2)}}"
                r" \cdot h_1^{(2)}(1-h_1^{(2)}) \cdot w_{12}^{(2)} + \frac{\partial L}{\partial h_2^{(2)}}"
                r" \cdot h_2^{(2)}(1-h_2^{(2)}) \cdot w_{22}^{(2)}",
        formula_text="∂L/∂h₂⁽¹⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · w₁₂⁽²⁾ + ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · w₂₂⁽²⁾",
        answer="dL_dh1_2", context=SEEN_BY_LAYER_2 + ("dL_dh1_1",),
        uses=("dL_dh2_1", "h2_1", "w2_12", "dL_dh2_2", "h2_2", "w2_22"),
    ),
    Step(
        id="step12", number=12,
        title=_t("∂L/∂h₃⁽¹⁾", "∂L/∂h₃⁽¹⁾"),
        meaning=_t("The same two paths for h₃⁽¹⁾, through w₁₃⁽²⁾ and w₂₃⁽²⁾.",
                   "h₃⁽¹⁾ 的两条路径，经由 w₁₃⁽²⁾ 和 w₂₃⁽²⁾。"),
        formula=r"\frac{\partial L}{\partial h_3^{(1)}} = \frac{\partial L}{\partial h_1^{(2)}}"
                r" \cdot h_1^{(2)}(1-h_1^{(2)}) \cdot w_{13}^{(2)} + \frac{\partial L}{\partial h_2^{(2)}}"
                r" \cdot h_2^{(2)}(1-h_2^{(2)}) \cdot w_{23}^{(2)}",
        formula_text="∂L/∂h₃⁽¹⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · w₁₃⁽²⁾ + ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · w₂₃⁽²⁾",
        answer="dL_dh1_3", context=SEEN_BY_LAYER_2 + ("dL_dh1_1", "dL_dh1_2"),
        uses=("dL_dh2_1", "h2_1", "w2_13", "dL_dh2_2", "h2_2", "w2_23"),
    ),
    Step(
        id="step13", number=13,
        title=_t("∂L/∂w₁₁⁽¹⁾, a layer-1 weight", "∂L/∂w₁₁⁽¹⁾，隐藏层 1 的权重"),
        meaning=_t("How L changes with w₁₁⁽¹⁾, the weight from x₁ into h₁⁽¹⁾.",
                   "L 随 w₁₁⁽¹⁾（从 x₁ 到 h₁⁽¹⁾ 的权重）的变化率。"),
        formula=r"\frac{\partial L}{\partial w_{11}^{(1)}} = \frac{\partial L}{\partial h_1^{(1)}}"
                r" \cdot h_1^{(1)}(1-h_1^{(1)}) \cdot x_1",
        formula_text="∂L/∂w₁₁⁽¹⁾ = ∂L/∂h₁⁽¹⁾ · h₁⁽¹⁾(1−h₁⁽¹⁾) · x₁",
        answer="dL_dw1_11", context=SEEN_BY_LAYER_2 + DL_DH1, uses=("dL_dh1_1", "h1_1", "x1"),
    ),
    Step(
        id="step14", number=14,
        title=_t("∂L/∂w₁₂⁽¹⁾", "∂L/∂w₁₂⁽¹⁾"),
        meaning=_t("How L changes with w₁₂⁽¹⁾, the weight from x₂ into h₁⁽¹⁾.",
                   "L 随 w₁₂⁽¹⁾（从 x₂ 到 h₁⁽¹⁾ 的权重）的变化率。"),
        formula=r"\frac{\partial L}{\partial w_{12}^{(1)}} = \frac{\partial L}{\partial h_1^{(1)}}"
                r" \cdot h_1^{(1)}(1-h_1^{(1)}) \cdot x_2",
        formula_text="∂L/∂w₁₂⁽¹⁾ = ∂L/∂h₁⁽¹⁾ · h₁⁽¹⁾(1−h₁⁽¹⁾) · x₂",
        answer="dL_dw1_12", context=SEEN_BY_LAYER_2 + DL_DH1, uses=("dL_dh1_1", "h1_1", "x2"),
    ),
    Step(
        id="step15", number=15, points=2, seed_step=False,
        title=_t("The rest of layer 2: w₂ⱼ⁽²⁾ and b⁽²⁾", "隐藏层 2 的其余参数：w₂ⱼ⁽²⁾ 与 b⁽²⁾"),
        meaning=_t("The seed says \"similar\"; do it: the same pattern for the second neuron "
                   "and for both biases.",
                   "原文只说“类似”；这里把它做完：第二个神经元的权重和两个偏置。"),
        formula=r"\frac{\partial L}{\partial w_{2j}^{(2)}} = \frac{\partial L}{\partial h_2^{(2)}}"
                r" \cdot h_2^{(2)}(1-h_2^{(2)}) \cdot h_j^{(1)},\quad "
                r"\frac{\partial L}{\partial b_i^{(2)}} = \frac{\partial L}{\partial h_i^{(2)}}"
                r" \cdot h_i^{(2)}(1-h_i^{(2)})",
        formula_text="∂L/∂w₂ⱼ⁽²⁾ = ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · hⱼ⁽¹⁾;  "
                     "∂L/∂bᵢ⁽²⁾ = ∂L/∂hᵢ⁽²⁾ · hᵢ⁽²⁾(1−hᵢ⁽²⁾)",
        answer=_layer2_rest(), context=SEEN_BY_LAYER_2 + DL_DH1,
        uses=("dL_dh2_1", "dL_dh2_2", "h2_1", "h2_2", "h1_1", "h1_2", "h1_3"),
    ),
    Step(
        id="step16", number=16, points=2, seed_step=False,
        title=_t("The rest of layer 1: w₂ⱼ⁽¹⁾, w₃ⱼ⁽¹⁾ and b⁽¹⁾", "隐藏层 1 的其余参数：w₂ⱼ⁽¹⁾、w₃ⱼ⁽¹⁾ 与 b⁽¹⁾"),
        meaning=_t("The same pattern as steps 13 and 14 for the other neurons and the biases.",
                   "与第 13、14 步相同的模式，用于其余神经元和偏置。"),
        formula=r"\frac{\partial L}{\partial w_{ij}^{(1)}} = \frac{\partial L}{\partial h_i^{(1)}}"
                r" \cdot h_i^{(1)}(1-h_i^{(1)}) \cdot x_j,\quad "
                r"\frac{\partial L}{\partial b_i^{(1)}} = \frac{\partial L}{\partial h_i^{(1)}}"
                r" \cdot h_i^{(1)}(1-h_i^{(1)})",
        formula_text="∂L/∂wᵢⱼ⁽¹⁾ = ∂L/∂hᵢ⁽¹⁾ · hᵢ⁽¹⁾(1−hᵢ⁽¹⁾) · xⱼ;  "
                     "∂L/∂bᵢ⁽¹⁾ = ∂L/∂hᵢ⁽¹⁾ · hᵢ⁽¹⁾(1−hᵢ⁽¹⁾)",
        answer=_layer1_rest(), context=SEEN_BY_LAYER_2 + DL_DH1,
        uses=DL_DH1 + ("h1_1", "h1_2", "h1_3", "x1", "x2"),
    ),
    Step(
        id="step17", number=17, points=2, seed_step=False,
        title=_t("One gradient-descent update", "一次梯度下降更新"),
        meaning=_t("Move every parameter a step of size η against its gradient.",
                   "把每个参数沿梯度反方向移动，步长为 η。"),
        formula=r"w_{new} = w - \eta \frac{\partial L}{\partial w},\quad "
                r"b_{new} = b - \eta \frac{\partial L}{\partial b}",
        formula_text="w_new = w − η · ∂L/∂w;  b_new = b − η · ∂L/∂b",
        answer={name: f"new_{name}" for name in PARAMETERS},
        context=SEEN_BY_LAYER_2 + DL_DH1 + PARAMETER_GRADIENTS,
        uses=("eta",) + PARAMETERS + PARAMETER_GRADIENTS,
        uses_text=_t("net.eta, every parameter net.w1_11 … net.b3 and its gradient "
                     "net.dL_dw1_11 … net.dL_db3 (net[name] and net[\"dL_d\" + name] work too)",
                     "net.eta、每个参数 net.w1_11 … net.b3 及其梯度 net.dL_dw1_11 … net.dL_db3"
                     "（也可写 net[name] 和 net[\"dL_d\" + name]）"),
    ),
)

BY_ID = {step.id: step for step in STEPS}
SEED_STEPS = tuple(step for step in STEPS if step.seed_step)

_STEP_PATTERN = re.compile(r"^(?:step)?0*(\d+)$", re.IGNORECASE)


def valid_ids_text() -> str:
    return f"{STEPS[0].id} … {STEPS[-1].id}"


def get(name) -> Step:
    """``step7``, ``7``, ``Step07`` all name step 7."""
    match = _STEP_PATTERN.match(str(name).strip())
    step_id = f"step{int(match.group(1))}" if match else None
    if step_id not in BY_ID:
        raise UsageError(f"{name} is not a step; valid: {valid_ids_text()} (or just the number)")
    return BY_ID[step_id]


def total_points() -> int:
    return sum(step.points for step in STEPS)

"""The one table of steps. Nothing else lists them.

Each :class:`Step` says what the learner computes (``answer``: one quantity name, or a
mapping from the keys of the returned dict to quantity names), what ``net`` holds for it
(``context``), the seed's formula (LaTeX and plain text), titles, meaning and hints in
English and Chinese, and its points. Quantity names are those of :mod:`grader.steps.quantities`.
"""

from __future__ import annotations

import re
from ..records import Record, factory

from ..errors import UsageError

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


class Step(Record, frozen=True):
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
    hints: dict = factory(dict)   # {1: {"en", "zh"}, 2: ..., 3: ...}
    uses_text: dict | None = None  # words for ``uses`` where listing every name is too long
    # The formula again as a Python expression over the ``net`` names ("delta3*y*(1 - y)*h2_1";
    # for a dict step {key: expression}); grader.checking.diagnosis mutates it to name mistakes.
    expression: object = None
    # ``net.loss(name=value, ...)`` is offered: L with some parameters replaced, its calls counted.
    offers_loss: bool = False

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


def _hints(reuse: dict, chain: dict, formula: dict) -> dict:
    """Level 1: which earlier values are reused; 2: the chain-rule structure; 3: the formula."""
    return {1: reuse, 2: chain, 3: formula}


def _sigma_prime(h: str) -> str:
    return f"{h}*(1 - {h})"


def _layer2_rest() -> dict:
    keys = ("dL_dw2_21", "dL_dw2_22", "dL_dw2_23", "dL_db2_1", "dL_db2_2")
    return {k: k for k in keys}


def _layer1_rest() -> dict:
    keys = ("dL_dw1_21", "dL_dw1_22", "dL_dw1_31", "dL_dw1_32", "dL_db1_1", "dL_db1_2", "dL_db1_3")
    return {k: k for k in keys}


STEPS = (
    Step(
        id="step0", number=0, points=2, seed_step=False,
        expression={
            "h1_1": "sigmoid(w1_11*x1 + w1_12*x2 + b1_1)",
            "h1_2": "sigmoid(w1_21*x1 + w1_22*x2 + b1_2)",
            "h1_3": "sigmoid(w1_31*x1 + w1_32*x2 + b1_3)",
            "h2_1": "sigmoid(w2_11*h1_1 + w2_12*h1_2 + w2_13*h1_3 + b2_1)",
            "h2_2": "sigmoid(w2_21*h1_1 + w2_22*h1_2 + w2_23*h1_3 + b2_2)",
            "y": "sigmoid(v1*h2_1 + v2*h2_2 + b3)",
            "L": "0.5*(y - y_target)**2",
        },
        hints=_hints(
            _t("Nothing is reused yet: start from the inputs net.x1, net.x2 and the parameters. "
               "Each layer's outputs are the next layer's inputs, so keep h⁽¹⁾ for h⁽²⁾ and h⁽²⁾ for y.",
               "这里还没有可复用的值：从输入 net.x1、net.x2 和参数出发。"
               "每一层的输出就是下一层的输入，所以算 h⁽²⁾ 时要用 h⁽¹⁾，算 y 时要用 h⁽²⁾。"),
            _t("Layer by layer: the pre-activation z is the weighted sum of the layer's inputs plus "
               "its bias, the activation is h = σ(z) with σ(z) = 1/(1 + e^(−z)); y is σ of the "
               "output's z, and L compares y with y_target.",
               "逐层计算：激活前的值 z 是本层输入的加权和再加偏置，激活值 h = σ(z)，"
               "其中 σ(z) = 1/(1 + e^(−z))；y 是输出层 z 的 σ，L 比较 y 与 y_target。"),
            _t("h_i⁽¹⁾ = σ(w_i1⁽¹⁾x₁ + w_i2⁽¹⁾x₂ + b_i⁽¹⁾);  "
               "h_i⁽²⁾ = σ(w_i1⁽²⁾h₁⁽¹⁾ + w_i2⁽²⁾h₂⁽¹⁾ + w_i3⁽²⁾h₃⁽¹⁾ + b_i⁽²⁾);  "
               "y = σ(v₁h₁⁽²⁾ + v₂h₂⁽²⁾ + b⁽³⁾);  L = ½(y − y_target)²",
               "h_i⁽¹⁾ = σ(w_i1⁽¹⁾x₁ + w_i2⁽¹⁾x₂ + b_i⁽¹⁾)；"
               "h_i⁽²⁾ = σ(w_i1⁽²⁾h₁⁽¹⁾ + w_i2⁽²⁾h₂⁽¹⁾ + w_i3⁽²⁾h₃⁽¹⁾ + b_i⁽²⁾)；"
               "y = σ(v₁h₁⁽²⁾ + v₂h₂⁽²⁾ + b⁽³⁾)；L = ½(y − y_target)²"),
        ),
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
        expression="y - y_target",
        hints=_hints(
            _t("Only the forward pass is reused: the output net.y and the target net.y_target.",
               "这里只复用前向传播的结果：输出 net.y 和目标 net.y_target。"),
            _t("L = ½(y − y_target)² depends on y directly, with no chain yet: differentiate the "
               "square; the ½ cancels the 2 that the exponent brings down.",
               "L = ½(y − y_target)² 直接依赖 y，还不需要链式法则：对平方求导，"
               "指数落下来的 2 正好与 ½ 抵消。"),
            _t("δ⁽³⁾ = ∂L/∂y = y − y_target", "δ⁽³⁾ = ∂L/∂y = y − y_target"),
        ),
        title=_t("δ⁽³⁾ = ∂L/∂y, the output error", "δ⁽³⁾ = ∂L/∂y，输出误差"),
        meaning=_t("How fast L changes as the output y moves.", "输出 y 变化时损失 L 变化的快慢。"),
        formula=r"\delta^{(3)} = \frac{\partial L}{\partial y} = y - y_{target}",
        formula_text="δ⁽³⁾ = ∂L/∂y = y − y_target",
        answer="delta3", context=BASE + FORWARD, uses=("y", "y_target"),
    ),
    Step(
        id="step2", number=2,
        expression="delta3*" + _sigma_prime("y") + "*h2_1",
        hints=_hints(
            _t("Reuse δ⁽³⁾ from step 1 (net.delta3) with the forward values net.y and net.h2_1.",
               "复用第 1 步的 δ⁽³⁾（net.delta3），以及前向传播的 net.y 和 net.h2_1。"),
            _t("Chain rule along L ← y ← z⁽³⁾ ← v₁: ∂L/∂y · ∂y/∂z⁽³⁾ · ∂z⁽³⁾/∂v₁. The sigmoid's "
               "derivative is written with its output, σ′(z⁽³⁾) = y(1−y), and since "
               "z⁽³⁾ = v₁h₁⁽²⁾ + v₂h₂⁽²⁾ + b⁽³⁾, ∂z⁽³⁾/∂v₁ is the value v₁ multiplies.",
               "沿 L ← y ← z⁽³⁾ ← v₁ 用链式法则：∂L/∂y · ∂y/∂z⁽³⁾ · ∂z⁽³⁾/∂v₁。"
               "sigmoid 的导数用它的输出表示：σ′(z⁽³⁾) = y(1−y)；又因为 "
               "z⁽³⁾ = v₁h₁⁽²⁾ + v₂h₂⁽²⁾ + b⁽³⁾，∂z⁽³⁾/∂v₁ 就是与 v₁ 相乘的那个值。"),
            _t("∂L/∂v₁ = δ⁽³⁾ · y(1−y) · h₁⁽²⁾", "∂L/∂v₁ = δ⁽³⁾ · y(1−y) · h₁⁽²⁾"),
        ),
        title=_t("∂L/∂v₁, an output weight", "∂L/∂v₁，输出层权重"),
        meaning=_t("How L changes with v₁, the weight from h₁⁽²⁾ into the output.",
                   "L 随 v₁（从 h₁⁽²⁾ 到输出的权重）的变化率。"),
        formula=r"\frac{\partial L}{\partial v_1} = \delta^{(3)} \cdot y(1-y) \cdot h_1^{(2)}",
        formula_text="∂L/∂v₁ = δ⁽³⁾ · y(1−y) · h₁⁽²⁾",
        answer="dL_dv1", context=SEEN_BY_OUTPUT_LAYER, uses=("delta3", "y", "h2_1"),
    ),
    Step(
        id="step3", number=3,
        expression="delta3*" + _sigma_prime("y") + "*h2_2",
        hints=_hints(
            _t("Reuse δ⁽³⁾ from step 1 (net.delta3) with the forward values net.y and net.h2_2.",
               "复用第 1 步的 δ⁽³⁾（net.delta3），以及前向传播的 net.y 和 net.h2_2。"),
            _t("Chain rule along L ← y ← z⁽³⁾ ← v₂: ∂L/∂y · ∂y/∂z⁽³⁾ · ∂z⁽³⁾/∂v₂. The sigmoid's "
               "derivative is written with its output, σ′(z⁽³⁾) = y(1−y), and since "
               "z⁽³⁾ = v₁h₁⁽²⁾ + v₂h₂⁽²⁾ + b⁽³⁾, ∂z⁽³⁾/∂v₂ is the value v₂ multiplies.",
               "沿 L ← y ← z⁽³⁾ ← v₂ 用链式法则：∂L/∂y · ∂y/∂z⁽³⁾ · ∂z⁽³⁾/∂v₂。"
               "sigmoid 的导数用它的输出表示：σ′(z⁽³⁾) = y(1−y)；又因为 "
               "z⁽³⁾ = v₁h₁⁽²⁾ + v₂h₂⁽²⁾ + b⁽³⁾，∂z⁽³⁾/∂v₂ 就是与 v₂ 相乘的那个值。"),
            _t("∂L/∂v₂ = δ⁽³⁾ · y(1−y) · h₂⁽²⁾", "∂L/∂v₂ = δ⁽³⁾ · y(1−y) · h₂⁽²⁾"),
        ),
        title=_t("∂L/∂v₂, the other output weight", "∂L/∂v₂，另一个输出层权重"),
        meaning=_t("How L changes with v₂, the weight from h₂⁽²⁾ into the output.",
                   "L 随 v₂（从 h₂⁽²⁾ 到输出的权重）的变化率。"),
        formula=r"\frac{\partial L}{\partial v_2} = \delta^{(3)} \cdot y(1-y) \cdot h_2^{(2)}",
        formula_text="∂L/∂v₂ = δ⁽³⁾ · y(1−y) · h₂⁽²⁾",
        answer="dL_dv2", context=SEEN_BY_OUTPUT_LAYER, uses=("delta3", "y", "h2_2"),
    ),
    Step(
        id="step4", number=4,
        expression="delta3*" + _sigma_prime("y"),
        hints=_hints(
            _t("Reuse δ⁽³⁾ (net.delta3) and net.y: the same δ⁽³⁾·y(1−y) as in steps 2 and 3.",
               "复用 δ⁽³⁾（net.delta3）和 net.y：与第 2、3 步相同的 δ⁽³⁾·y(1−y)。"),
            _t("The chain of steps 2 and 3, L ← y ← z⁽³⁾ ← b⁽³⁾, but the bias enters "
               "z⁽³⁾ = v₁h₁⁽²⁾ + v₂h₂⁽²⁾ + b⁽³⁾ with factor one: ∂z⁽³⁾/∂b⁽³⁾ = 1.",
               "与第 2、3 步相同的链 L ← y ← z⁽³⁾ ← b⁽³⁾，只是偏置在 "
               "z⁽³⁾ = v₁h₁⁽²⁾ + v₂h₂⁽²⁾ + b⁽³⁾ 中的系数是 1：∂z⁽³⁾/∂b⁽³⁾ = 1。"),
            _t("∂L/∂b⁽³⁾ = δ⁽³⁾ · y(1−y)", "∂L/∂b⁽³⁾ = δ⁽³⁾ · y(1−y)"),
        ),
        title=_t("∂L/∂b⁽³⁾, the output bias", "∂L/∂b⁽³⁾，输出层偏置"),
        meaning=_t("How L changes with the output bias; this product δ⁽³⁾·y(1−y) is reused below.",
                   "L 随输出层偏置的变化率；乘积 δ⁽³⁾·y(1−y) 后面会一再复用。"),
        formula=r"\frac{\partial L}{\partial b^{(3)}} = \delta^{(3)} \cdot y(1-y)",
        formula_text="∂L/∂b⁽³⁾ = δ⁽³⁾ · y(1−y)",
        answer="dL_db3", context=SEEN_BY_OUTPUT_LAYER, uses=("delta3", "y"),
    ),
    Step(
        id="step5", number=5,
        expression="delta3*" + _sigma_prime("y") + "*v1",
        hints=_hints(
            _t("Reuse the product of step 4, δ⁽³⁾·y(1−y) (net.delta3, net.y), with the weight net.v1.",
               "复用第 4 步的乘积 δ⁽³⁾·y(1−y)（net.delta3、net.y），再加上权重 net.v1。"),
            _t("L ← y ← z⁽³⁾ ← h₁⁽²⁾: this time differentiate z⁽³⁾ = v₁h₁⁽²⁾ + v₂h₂⁽²⁾ + b⁽³⁾ "
               "with respect to the activation h₁⁽²⁾, which leaves the weight it is multiplied by.",
               "L ← y ← z⁽³⁾ ← h₁⁽²⁾：这次把 z⁽³⁾ = v₁h₁⁽²⁾ + v₂h₂⁽²⁾ + b⁽³⁾ 对激活值 h₁⁽²⁾ "
               "求导，留下的是与它相乘的权重。"),
            _t("∂L/∂h₁⁽²⁾ = δ⁽³⁾ · y(1−y) · v₁", "∂L/∂h₁⁽²⁾ = δ⁽³⁾ · y(1−y) · v₁"),
        ),
        title=_t("∂L/∂h₁⁽²⁾, back into hidden layer 2", "∂L/∂h₁⁽²⁾，传回隐藏层 2"),
        meaning=_t("How L changes with the activation h₁⁽²⁾; it reaches L only through v₁.",
                   "L 随激活值 h₁⁽²⁾ 的变化率；h₁⁽²⁾ 只经由 v₁ 影响 L。"),
        formula=r"\frac{\partial L}{\partial h_1^{(2)}} = \delta^{(3)} \cdot y(1-y) \cdot v_1",
        formula_text="∂L/∂h₁⁽²⁾ = δ⁽³⁾ · y(1−y) · v₁",
        answer="dL_dh2_1", context=SEEN_BY_OUTPUT_LAYER, uses=("delta3", "y", "v1"),
    ),
    Step(
        id="step6", number=6,
        expression="delta3*" + _sigma_prime("y") + "*v2",
        hints=_hints(
            _t("Reuse the product of step 4, δ⁽³⁾·y(1−y) (net.delta3, net.y), with the weight net.v2.",
               "复用第 4 步的乘积 δ⁽³⁾·y(1−y)（net.delta3、net.y），再加上权重 net.v2。"),
            _t("L ← y ← z⁽³⁾ ← h₂⁽²⁾: this time differentiate z⁽³⁾ = v₁h₁⁽²⁾ + v₂h₂⁽²⁾ + b⁽³⁾ "
               "with respect to the activation h₂⁽²⁾, which leaves the weight it is multiplied by.",
               "L ← y ← z⁽³⁾ ← h₂⁽²⁾：这次把 z⁽³⁾ = v₁h₁⁽²⁾ + v₂h₂⁽²⁾ + b⁽³⁾ 对激活值 h₂⁽²⁾ "
               "求导，留下的是与它相乘的权重。"),
            _t("∂L/∂h₂⁽²⁾ = δ⁽³⁾ · y(1−y) · v₂", "∂L/∂h₂⁽²⁾ = δ⁽³⁾ · y(1−y) · v₂"),
        ),
        title=_t("∂L/∂h₂⁽²⁾", "∂L/∂h₂⁽²⁾"),
        meaning=_t("How L changes with the activation h₂⁽²⁾, through v₂.",
                   "L 随激活值 h₂⁽²⁾ 的变化率，经由 v₂。"),
        formula=r"\frac{\partial L}{\partial h_2^{(2)}} = \delta^{(3)} \cdot y(1-y) \cdot v_2",
        formula_text="∂L/∂h₂⁽²⁾ = δ⁽³⁾ · y(1−y) · v₂",
        answer="dL_dh2_2", context=SEEN_BY_OUTPUT_LAYER + ("dL_dh2_1",), uses=("delta3", "y", "v2"),
    ),
    Step(
        id="step7", number=7,
        expression="dL_dh2_1*" + _sigma_prime("h2_1") + "*h1_1",
        hints=_hints(
            _t("Reuse ∂L/∂h₁⁽²⁾ from step 5 (net.dL_dh2_1) with the forward values net.h2_1 "
               "and net.h1_1.",
               "复用第 5 步的 ∂L/∂h₁⁽²⁾（net.dL_dh2_1），以及前向传播的 net.h2_1 和 net.h1_1。"),
            _t("L ← h₁⁽²⁾ ← z₁⁽²⁾ ← w₁₁⁽²⁾: ∂L/∂h₁⁽²⁾ · σ′(z₁⁽²⁾) · ∂z₁⁽²⁾/∂w₁₁⁽²⁾, with "
               "σ′(z₁⁽²⁾) = h₁⁽²⁾(1−h₁⁽²⁾) and ∂z₁⁽²⁾/∂w₁₁⁽²⁾ the input that w₁₁⁽²⁾ multiplies.",
               "L ← h₁⁽²⁾ ← z₁⁽²⁾ ← w₁₁⁽²⁾：∂L/∂h₁⁽²⁾ · σ′(z₁⁽²⁾) · ∂z₁⁽²⁾/∂w₁₁⁽²⁾，其中 "
               "σ′(z₁⁽²⁾) = h₁⁽²⁾(1−h₁⁽²⁾)，∂z₁⁽²⁾/∂w₁₁⁽²⁾ 是 w₁₁⁽²⁾ 所乘的那个输入。"),
            _t("∂L/∂w₁₁⁽²⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · h₁⁽¹⁾",
               "∂L/∂w₁₁⁽²⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · h₁⁽¹⁾"),
        ),
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
        expression="dL_dh2_1*" + _sigma_prime("h2_1") + "*h1_2",
        hints=_hints(
            _t("Reuse ∂L/∂h₁⁽²⁾ from step 5 (net.dL_dh2_1) with the forward values net.h2_1 "
               "and net.h1_2.",
               "复用第 5 步的 ∂L/∂h₁⁽²⁾（net.dL_dh2_1），以及前向传播的 net.h2_1 和 net.h1_2。"),
            _t("L ← h₁⁽²⁾ ← z₁⁽²⁾ ← w₁₂⁽²⁾: ∂L/∂h₁⁽²⁾ · σ′(z₁⁽²⁾) · ∂z₁⁽²⁾/∂w₁₂⁽²⁾, with "
               "σ′(z₁⁽²⁾) = h₁⁽²⁾(1−h₁⁽²⁾) and ∂z₁⁽²⁾/∂w₁₂⁽²⁾ the input that w₁₂⁽²⁾ multiplies.",
               "L ← h₁⁽²⁾ ← z₁⁽²⁾ ← w₁₂⁽²⁾：∂L/∂h₁⁽²⁾ · σ′(z₁⁽²⁾) · ∂z₁⁽²⁾/∂w₁₂⁽²⁾，其中 "
               "σ′(z₁⁽²⁾) = h₁⁽²⁾(1−h₁⁽²⁾)，∂z₁⁽²⁾/∂w₁₂⁽²⁾ 是 w₁₂⁽²⁾ 所乘的那个输入。"),
            _t("∂L/∂w₁₂⁽²⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · h₂⁽¹⁾",
               "∂L/∂w₁₂⁽²⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · h₂⁽¹⁾"),
        ),
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
        expression="dL_dh2_1*" + _sigma_prime("h2_1") + "*h1_3",
        hints=_hints(
            _t("Reuse ∂L/∂h₁⁽²⁾ from step 5 (net.dL_dh2_1) with the forward values net.h2_1 "
               "and net.h1_3.",
               "复用第 5 步的 ∂L/∂h₁⁽²⁾（net.dL_dh2_1），以及前向传播的 net.h2_1 和 net.h1_3。"),
            _t("L ← h₁⁽²⁾ ← z₁⁽²⁾ ← w₁₃⁽²⁾: ∂L/∂h₁⁽²⁾ · σ′(z₁⁽²⁾) · ∂z₁⁽²⁾/∂w₁₃⁽²⁾, with "
               "σ′(z₁⁽²⁾) = h₁⁽²⁾(1−h₁⁽²⁾) and ∂z₁⁽²⁾/∂w₁₃⁽²⁾ the input that w₁₃⁽²⁾ multiplies.",
               "L ← h₁⁽²⁾ ← z₁⁽²⁾ ← w₁₃⁽²⁾：∂L/∂h₁⁽²⁾ · σ′(z₁⁽²⁾) · ∂z₁⁽²⁾/∂w₁₃⁽²⁾，其中 "
               "σ′(z₁⁽²⁾) = h₁⁽²⁾(1−h₁⁽²⁾)，∂z₁⁽²⁾/∂w₁₃⁽²⁾ 是 w₁₃⁽²⁾ 所乘的那个输入。"),
            _t("∂L/∂w₁₃⁽²⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · h₃⁽¹⁾",
               "∂L/∂w₁₃⁽²⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · h₃⁽¹⁾"),
        ),
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
        expression=("dL_dh2_1*" + _sigma_prime("h2_1") + "*w2_11 + "
                    "dL_dh2_2*" + _sigma_prime("h2_2") + "*w2_21"),
        hints=_hints(
            _t("Reuse both ∂L/∂h₁⁽²⁾ and ∂L/∂h₂⁽²⁾ (steps 5 and 6: net.dL_dh2_1, net.dL_dh2_2), "
               "with net.h2_1, net.h2_2 and the weights net.w2_11, net.w2_21.",
               "同时复用 ∂L/∂h₁⁽²⁾ 和 ∂L/∂h₂⁽²⁾（第 5、6 步：net.dL_dh2_1、net.dL_dh2_2），"
               "以及 net.h2_1、net.h2_2 和权重 net.w2_11、net.w2_21。"),
            _t("h₁⁽¹⁾ feeds both z₁⁽²⁾ and z₂⁽²⁾, so add one chain per path: "
               "Σ_i ∂L/∂h_i⁽²⁾ · h_i⁽²⁾(1−h_i⁽²⁾) · ∂z_i⁽²⁾/∂h₁⁽¹⁾, where ∂z_i⁽²⁾/∂h₁⁽¹⁾ = w_i1⁽²⁾, "
               "the weight from h₁⁽¹⁾ into neuron i.",
               "h₁⁽¹⁾ 同时进入 z₁⁽²⁾ 和 z₂⁽²⁾，所以每条路径各算一条链再相加："
               "Σ_i ∂L/∂h_i⁽²⁾ · h_i⁽²⁾(1−h_i⁽²⁾) · ∂z_i⁽²⁾/∂h₁⁽¹⁾，其中 ∂z_i⁽²⁾/∂h₁⁽¹⁾ = w_i1⁽²⁾，"
               "即从 h₁⁽¹⁾ 到神经元 i 的权重。"),
            _t("∂L/∂h₁⁽¹⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · w₁₁⁽²⁾ + ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · w₂₁⁽²⁾",
               "∂L/∂h₁⁽¹⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · w₁₁⁽²⁾ + ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · w₂₁⁽²⁾"),
        ),
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
        expression=("dL_dh2_1*" + _sigma_prime("h2_1") + "*w2_12 + "
                    "dL_dh2_2*" + _sigma_prime("h2_2") + "*w2_22"),
        hints=_hints(
            _t("Reuse both ∂L/∂h₁⁽²⁾ and ∂L/∂h₂⁽²⁾ (steps 5 and 6: net.dL_dh2_1, net.dL_dh2_2), "
               "with net.h2_1, net.h2_2 and the weights net.w2_12, net.w2_22.",
               "同时复用 ∂L/∂h₁⁽²⁾ 和 ∂L/∂h₂⁽²⁾（第 5、6 步：net.dL_dh2_1、net.dL_dh2_2），"
               "以及 net.h2_1、net.h2_2 和权重 net.w2_12、net.w2_22。"),
            _t("h₂⁽¹⁾ feeds both z₁⁽²⁾ and z₂⁽²⁾, so add one chain per path: "
               "Σ_i ∂L/∂h_i⁽²⁾ · h_i⁽²⁾(1−h_i⁽²⁾) · ∂z_i⁽²⁾/∂h₂⁽¹⁾, where ∂z_i⁽²⁾/∂h₂⁽¹⁾ = w_i2⁽²⁾, "
               "the weight from h₂⁽¹⁾ into neuron i.",
               "h₂⁽¹⁾ 同时进入 z₁⁽²⁾ 和 z₂⁽²⁾，所以每条路径各算一条链再相加："
               "Σ_i ∂L/∂h_i⁽²⁾ · h_i⁽²⁾(1−h_i⁽²⁾) · ∂z_i⁽²⁾/∂h₂⁽¹⁾，其中 ∂z_i⁽²⁾/∂h₂⁽¹⁾ = w_i2⁽²⁾，"
               "即从 h₂⁽¹⁾ 到神经元 i 的权重。"),
            _t("∂L/∂h₂⁽¹⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · w₁₂⁽²⁾ + ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · w₂₂⁽²⁾",
               "∂L/∂h₂⁽¹⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · w₁₂⁽²⁾ + ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · w₂₂⁽²⁾"),
        ),
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
        expression=("dL_dh2_1*" + _sigma_prime("h2_1") + "*w2_13 + "
                    "dL_dh2_2*" + _sigma_prime("h2_2") + "*w2_23"),
        hints=_hints(
            _t("Reuse both ∂L/∂h₁⁽²⁾ and ∂L/∂h₂⁽²⁾ (steps 5 and 6: net.dL_dh2_1, net.dL_dh2_2), "
               "with net.h2_1, net.h2_2 and the weights net.w2_13, net.w2_23.",
               "同时复用 ∂L/∂h₁⁽²⁾ 和 ∂L/∂h₂⁽²⁾（第 5、6 步：net.dL_dh2_1、net.dL_dh2_2），"
               "以及 net.h2_1、net.h2_2 和权重 net.w2_13、net.w2_23。"),
            _t("h₃⁽¹⁾ feeds both z₁⁽²⁾ and z₂⁽²⁾, so add one chain per path: "
               "Σ_i ∂L/∂h_i⁽²⁾ · h_i⁽²⁾(1−h_i⁽²⁾) · ∂z_i⁽²⁾/∂h₃⁽¹⁾, where ∂z_i⁽²⁾/∂h₃⁽¹⁾ = w_i3⁽²⁾, "
               "the weight from h₃⁽¹⁾ into neuron i.",
               "h₃⁽¹⁾ 同时进入 z₁⁽²⁾ 和 z₂⁽²⁾，所以每条路径各算一条链再相加："
               "Σ_i ∂L/∂h_i⁽²⁾ · h_i⁽²⁾(1−h_i⁽²⁾) · ∂z_i⁽²⁾/∂h₃⁽¹⁾，其中 ∂z_i⁽²⁾/∂h₃⁽¹⁾ = w_i3⁽²⁾，"
               "即从 h₃⁽¹⁾ 到神经元 i 的权重。"),
            _t("∂L/∂h₃⁽¹⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · w₁₃⁽²⁾ + ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · w₂₃⁽²⁾",
               "∂L/∂h₃⁽¹⁾ = ∂L/∂h₁⁽²⁾ · h₁⁽²⁾(1−h₁⁽²⁾) · w₁₃⁽²⁾ + ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · w₂₃⁽²⁾"),
        ),
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
        expression="dL_dh1_1*" + _sigma_prime("h1_1") + "*x1",
        hints=_hints(
            _t("Reuse ∂L/∂h₁⁽¹⁾ from step 10 (net.dL_dh1_1) with net.h1_1 and the input net.x1.",
               "复用第 10 步的 ∂L/∂h₁⁽¹⁾（net.dL_dh1_1），以及 net.h1_1 和输入 net.x1。"),
            _t("L ← h₁⁽¹⁾ ← z₁⁽¹⁾ ← w₁₁⁽¹⁾: ∂L/∂h₁⁽¹⁾ · h₁⁽¹⁾(1−h₁⁽¹⁾) · ∂z₁⁽¹⁾/∂w₁₁⁽¹⁾, and "
               "z₁⁽¹⁾ = w₁₁⁽¹⁾x₁ + w₁₂⁽¹⁾x₂ + b₁⁽¹⁾ gives the input that w₁₁⁽¹⁾ multiplies.",
               "L ← h₁⁽¹⁾ ← z₁⁽¹⁾ ← w₁₁⁽¹⁾：∂L/∂h₁⁽¹⁾ · h₁⁽¹⁾(1−h₁⁽¹⁾) · ∂z₁⁽¹⁾/∂w₁₁⁽¹⁾，而由 "
               "z₁⁽¹⁾ = w₁₁⁽¹⁾x₁ + w₁₂⁽¹⁾x₂ + b₁⁽¹⁾ 可知，最后一项是 w₁₁⁽¹⁾ 所乘的输入。"),
            _t("∂L/∂w₁₁⁽¹⁾ = ∂L/∂h₁⁽¹⁾ · h₁⁽¹⁾(1−h₁⁽¹⁾) · x₁",
               "∂L/∂w₁₁⁽¹⁾ = ∂L/∂h₁⁽¹⁾ · h₁⁽¹⁾(1−h₁⁽¹⁾) · x₁"),
        ),
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
        expression="dL_dh1_1*" + _sigma_prime("h1_1") + "*x2",
        hints=_hints(
            _t("Reuse ∂L/∂h₁⁽¹⁾ from step 10 (net.dL_dh1_1) with net.h1_1 and the input net.x2.",
               "复用第 10 步的 ∂L/∂h₁⁽¹⁾（net.dL_dh1_1），以及 net.h1_1 和输入 net.x2。"),
            _t("L ← h₁⁽¹⁾ ← z₁⁽¹⁾ ← w₁₂⁽¹⁾: ∂L/∂h₁⁽¹⁾ · h₁⁽¹⁾(1−h₁⁽¹⁾) · ∂z₁⁽¹⁾/∂w₁₂⁽¹⁾, and "
               "z₁⁽¹⁾ = w₁₁⁽¹⁾x₁ + w₁₂⁽¹⁾x₂ + b₁⁽¹⁾ gives the input that w₁₂⁽¹⁾ multiplies.",
               "L ← h₁⁽¹⁾ ← z₁⁽¹⁾ ← w₁₂⁽¹⁾：∂L/∂h₁⁽¹⁾ · h₁⁽¹⁾(1−h₁⁽¹⁾) · ∂z₁⁽¹⁾/∂w₁₂⁽¹⁾，而由 "
               "z₁⁽¹⁾ = w₁₁⁽¹⁾x₁ + w₁₂⁽¹⁾x₂ + b₁⁽¹⁾ 可知，最后一项是 w₁₂⁽¹⁾ 所乘的输入。"),
            _t("∂L/∂w₁₂⁽¹⁾ = ∂L/∂h₁⁽¹⁾ · h₁⁽¹⁾(1−h₁⁽¹⁾) · x₂",
               "∂L/∂w₁₂⁽¹⁾ = ∂L/∂h₁⁽¹⁾ · h₁⁽¹⁾(1−h₁⁽¹⁾) · x₂"),
        ),
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
        expression={
            **{f"dL_dw2_2{j}": "dL_dh2_2*" + _sigma_prime("h2_2") + f"*h1_{j}" for j in (1, 2, 3)},
            **{f"dL_db2_{i}": f"dL_dh2_{i}*" + _sigma_prime(f"h2_{i}") for i in (1, 2)},
        },
        hints=_hints(
            _t("Reuse ∂L/∂h₁⁽²⁾ and ∂L/∂h₂⁽²⁾ from steps 5 and 6 (net.dL_dh2_1, net.dL_dh2_2) with "
               "net.h2_1, net.h2_2 and the layer-1 activations net.h1_1 … net.h1_3.",
               "复用第 5、6 步的 ∂L/∂h₁⁽²⁾ 和 ∂L/∂h₂⁽²⁾（net.dL_dh2_1、net.dL_dh2_2），以及 net.h2_1、net.h2_2 "
               "和隐藏层 1 的激活值 net.h1_1 … net.h1_3。"),
            _t("The pattern of steps 7–9, now for neuron 2: ∂L/∂h₂⁽²⁾ · σ′(z₂⁽²⁾) · (the input the "
               "weight multiplies). A bias is added to z with factor one, so its last factor is 1.",
               "与第 7–9 步同样的模式，换成神经元 2：∂L/∂h₂⁽²⁾ · σ′(z₂⁽²⁾) · （该权重所乘的输入）。"
               "偏置以系数 1 加进 z，所以它的最后一个因子是 1。"),
            _t("∂L/∂w₂ⱼ⁽²⁾ = ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · hⱼ⁽¹⁾;  ∂L/∂bᵢ⁽²⁾ = ∂L/∂hᵢ⁽²⁾ · hᵢ⁽²⁾(1−hᵢ⁽²⁾)",
               "∂L/∂w₂ⱼ⁽²⁾ = ∂L/∂h₂⁽²⁾ · h₂⁽²⁾(1−h₂⁽²⁾) · hⱼ⁽¹⁾；∂L/∂bᵢ⁽²⁾ = ∂L/∂hᵢ⁽²⁾ · hᵢ⁽²⁾(1−hᵢ⁽²⁾)"),
        ),
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
        expression={
            **{f"dL_dw1_{i}{j}": f"dL_dh1_{i}*" + _sigma_prime(f"h1_{i}") + f"*x{j}"
               for i in (2, 3) for j in (1, 2)},
            **{f"dL_db1_{i}": f"dL_dh1_{i}*" + _sigma_prime(f"h1_{i}") for i in (1, 2, 3)},
        },
        hints=_hints(
            _t("Reuse ∂L/∂h₁⁽¹⁾, ∂L/∂h₂⁽¹⁾, ∂L/∂h₃⁽¹⁾ from steps 10–12 (net.dL_dh1_1 … net.dL_dh1_3) "
               "with net.h1_1 … net.h1_3 and the inputs net.x1, net.x2.",
               "复用第 10–12 步的 ∂L/∂h₁⁽¹⁾、∂L/∂h₂⁽¹⁾、∂L/∂h₃⁽¹⁾（net.dL_dh1_1 … net.dL_dh1_3），"
               "以及 net.h1_1 … net.h1_3 和输入 net.x1、net.x2。"),
            _t("The pattern of steps 13 and 14 for neurons 2 and 3: ∂L/∂hᵢ⁽¹⁾ · σ′(zᵢ⁽¹⁾) · (the input "
               "the weight multiplies); for a bias the last factor is 1.",
               "与第 13、14 步同样的模式，用于神经元 2 和 3：∂L/∂hᵢ⁽¹⁾ · σ′(zᵢ⁽¹⁾) · （该权重所乘的输入）；"
               "偏置的最后一个因子是 1。"),
            _t("∂L/∂wᵢⱼ⁽¹⁾ = ∂L/∂hᵢ⁽¹⁾ · hᵢ⁽¹⁾(1−hᵢ⁽¹⁾) · xⱼ;  ∂L/∂bᵢ⁽¹⁾ = ∂L/∂hᵢ⁽¹⁾ · hᵢ⁽¹⁾(1−hᵢ⁽¹⁾)",
               "∂L/∂wᵢⱼ⁽¹⁾ = ∂L/∂hᵢ⁽¹⁾ · hᵢ⁽¹⁾(1−hᵢ⁽¹⁾) · xⱼ；∂L/∂bᵢ⁽¹⁾ = ∂L/∂hᵢ⁽¹⁾ · hᵢ⁽¹⁾(1−hᵢ⁽¹⁾)"),
        ),
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
        expression={name: f"{name} - eta*dL_d{name}" for name in PARAMETERS},
        hints=_hints(
            _t("Reuse every gradient the earlier steps computed (net.dL_dw1_11 … net.dL_db3, or "
               "net[\"dL_d\" + name]) and the step size net.eta.",
               "复用前面各步算出的所有梯度（net.dL_dw1_11 … net.dL_db3，或 net[\"dL_d\" + name]）"
               "以及步长 net.eta。"),
            _t("No chain rule here: each parameter moves against its own gradient, by η times it; "
               "moving with the gradient would increase L.",
               "这里不需要链式法则：每个参数沿自身梯度的反方向移动 η 倍的梯度；"
               "沿梯度方向移动会让 L 变大。"),
            _t("w_new = w − η · ∂L/∂w and b_new = b − η · ∂L/∂b, for every parameter, returned as a "
               "dict keyed by the parameter's name",
               "对每个参数：w_new = w − η · ∂L/∂w，b_new = b − η · ∂L/∂b，"
               "以参数名为键返回一个 dict"),
        ),
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
    Step(
        id="step18", number=18, points=2, seed_step=False, offers_loss=True,
        hints=_hints(
            _t("Reuse nothing from backprop — that is the point of this step. Use only net.loss: "
               "net.loss() is L, net.loss(w1_11=0.5) is L with w1_11 replaced by 0.5, and "
               "net[name] reads a parameter by its name.",
               "这一步故意不复用反向传播的任何中间值。只用 net.loss：net.loss() 就是 L，"
               "net.loss(w1_11=0.5) 是把 w1_11 换成 0.5 后的 L，net[name] 按名字读取参数。"),
            _t("Treat each parameter p on its own: nudge it up and down by a small ε (1e-5) and "
               "watch L, (L(p + ε) − L(p − ε)) / (2ε). The one-sided (L(p + ε) − L(p)) / ε is off "
               "by about ε·L″/2, too far for a check at 1e-6.",
               "每个参数 p 单独处理：把它上下各挪一个很小的 ε（1e-5），看 L 怎么变，"
               "(L(p + ε) − L(p − ε)) / (2ε)。单侧的 (L(p + ε) − L(p)) / ε 误差约为 ε·L″/2，"
               "达不到 1e-6 的精度要求。"),
            _t("for each name in w1_11 … b3: dL_d<name> = (net.loss(**{name: net[name] + ε}) − "
               "net.loss(**{name: net[name] − ε})) / (2ε), returned in a dict under \"dL_d\" + name",
               "对 w1_11 … b3 中的每个 name：dL_d<name> = (net.loss(**{name: net[name] + ε}) − "
               "net.loss(**{name: net[name] − ε})) / (2ε)，以 \"dL_d\" + name 为键放进 dict 返回"),
        ),
        title=_t("The naive gradient: finite differences for every parameter",
                 "朴素的梯度：对每个参数做有限差分"),
        meaning=_t("The seed's \"ordinary\" way: find each ∂L/∂p separately, here by nudging p and "
                   "running the whole forward pass again, two passes per parameter. The check "
                   "counts your passes beside backprop's cost; bpgrade cost compares the routes "
                   "on larger networks.",
                   "原文所说的“普通”做法：把每个 ∂L/∂p 分别求出来，这里的做法是挪动 p 后把整个前向传播"
                   "重算一遍，每个参数两次。检查时会统计你的前向传播次数，并与反向传播的代价对比；"
                   "bpgrade cost 在更大的网络上比较这几种做法。"),
        formula=r"\frac{\partial L}{\partial p} \approx "
                r"\frac{L(p + \varepsilon) - L(p - \varepsilon)}{2\varepsilon}"
                r"\quad\text{for every parameter } p",
        formula_text="∂L/∂p ≈ (L(p + ε) − L(p − ε)) / (2ε) for every parameter p, ε = 1e-5",
        answer={f"dL_d{name}": f"dL_d{name}" for name in PARAMETERS},
        context=BASE + FORWARD,
        uses=("L",) + PARAMETERS,
        uses_text=_t("net.loss(name=value, ...), L with those parameters replaced (net.loss() is L "
                     "itself), and every parameter net.w1_11 … net.b3 (net[name] works too)",
                     "net.loss(name=value, ...)，即把这些参数换掉后的 L（net.loss() 就是 L 本身），"
                     "以及每个参数 net.w1_11 … net.b3（也可写 net[name]）"),
    ),
)

BY_ID = {step.id: step for step in STEPS}
SEED_STEPS = tuple(step for step in STEPS if step.seed_step)

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


def total_points() -> int:
    return sum(step.points for step in STEPS)

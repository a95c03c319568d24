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
from functools import cached_property

from ..errors import UsageError
from ..records import Record, factory

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


class Row(Record, frozen=True):
    """One line of a formula, ``left = source``: ``left`` a quantity, ``source`` a Python
    expression over ``net`` names. A row is written as the string ``"left = source"`` (or
    ``"left ≈ source"``) unless it needs ``each`` or ``answers``."""

    left: str
    source: str
    each: dict = factory(dict)      # generic parts narrowed to some values: {"i": (2, 3)}
    relation: str = "="             # "≈" for an approximation
    answers: bool = True            # False: it only defines a symbol the formula uses


class Prose(Record, frozen=True):
    """A step's words in English and Chinese. ``{quantity}`` is the formula's left-hand side,
    ``{k}`` the symbol of ``names[k]`` and ``{net.k}`` its ``net.`` name, ``{= z3}`` z3's
    equation in the forward pass (step 0's formula)."""

    title: dict
    meaning: dict
    reuse: dict                     # hint 1: which earlier values are reused
    chain: dict                     # hint 2: the chain rule's structure
    names: dict = factory(dict)
    formula_hint: dict | None = None   # hint 3 when not the formula alone: {formula}, {1}, {2}
    # What a stub without the formula says (grader.steps.stubs): the goal, where the meaning
    # also gives the step's idea away (then the idea waits for hint 1); and the chain rule's
    # factors named in words, without the formula, for the steps a faded stub describes so.
    goal: dict | None = None
    factors: dict | None = None


class Step(Record, frozen=True):
    number: int
    rows: tuple                     # the formula, written once: "left = source" or Row
    prose: Prose
    at: dict = factory(dict)        # a family member's own index: {"j": 2}
    points: int = 1
    seed_step: bool = True          # one of the lesson's own numbered steps (1-14)
    # ``net.loss(name=value, ...)`` is offered, L with some parameters replaced, its calls
    # counted: the naive route, which reuses nothing from the backward pass.
    offers_loss: bool = False
    uses_text: dict | None = None   # words for ``uses`` where listing every name is too long

    @property
    def id(self) -> str:
        return f"step{self.number}"

    @property
    def file_name(self) -> str:
        return f"step{self.number:02d}.py"

    @property
    def function_name(self) -> str:
        return f"step{self.number}"

    @cached_property
    def answer(self):
        """A quantity name (a number is returned) or ``{key: quantity}``."""
        from . import derived
        return derived.answer(self)

    @cached_property
    def expression(self):
        """The formula as a Python expression over ``net`` names (``{key: expression}`` for a
        dict); grader.checking.diagnosis mutates it to name mistakes. None for step 18."""
        from . import derived
        return derived.expression(self)

    @property
    def returns_dict(self) -> bool:
        return isinstance(self.answer, dict)

    @property
    def answer_items(self) -> tuple:
        """((key, quantity), ...): key is None for a single-number answer."""
        if self.returns_dict:
            return tuple(self.answer.items())
        return ((None, self.answer),)

    @cached_property
    def context(self) -> tuple:
        """Every name ``net`` holds for this step."""
        from . import derived
        return derived.context(self)

    @cached_property
    def uses(self) -> tuple:
        """The ``net`` names the formula reads."""
        from . import derived
        return derived.uses(self)

    @cached_property
    def reads(self) -> dict:
        """{quantity: the names its formula reads}, per answer: the edges of the steps'
        dependency graph, which ``check --chain`` follows back to the steps an answer depends on."""
        from . import derived
        return derived.reads(self)

    @cached_property
    def formula(self) -> str:
        """The seed's formula, LaTeX."""
        from . import derived
        return derived.formula(self, latex=True)

    @cached_property
    def formula_text(self) -> str:
        """The same in plain Unicode, for terminals and docstrings."""
        from . import derived
        return derived.formula(self, latex=False)

    @cached_property
    def hints(self) -> dict:
        """{1: which earlier values are reused, 2: the chain rule, 3: the formula}."""
        from . import derived
        return derived.hints(self)

    @cached_property
    def title(self) -> dict:
        from . import derived
        return derived.words(self, self.prose.title)

    @cached_property
    def meaning(self) -> dict:
        """What the quantity is, in words."""
        from . import derived
        return derived.words(self, self.prose.meaning)

    @cached_property
    def goal(self) -> dict:
        """What to compute, without the idea (the meaning, unless it gives the idea away)."""
        from . import derived
        return derived.words(self, self.prose.goal or self.prose.meaning)

    @cached_property
    def factors(self) -> dict | None:
        """The chain rule's factors in words, without the formula (None if not written)."""
        from . import derived
        return derived.words(self, self.prose.factors) if self.prose.factors else None

    @cached_property
    def offers(self) -> dict:
        """Every value ``net`` holds for this step, in words: families as ranges."""
        from . import derived
        return derived.offers(self)


def _t(en: str, zh: str) -> dict:
    return {"en": en, "zh": zh}


def _family(first: int, letter: str, row: str, titles: tuple, reuse: dict, chain: dict,
            names: dict, meaning: dict | None = None, meanings: tuple = (),
            goal: dict | None = None, factors: dict | None = None) -> tuple:
    """Steps ``first``, ``first + 1``, ...: one row and one prose with ``letter`` = 1, 2, ...
    Each member has its own title, and its own meaning where they differ in more than names."""
    return tuple(
        Step(number=first + k, rows=(row,), at={letter: k + 1},
             prose=Prose(title, meanings[k] if meanings else meaning, reuse, chain, names,
                         goal=goal, factors=factors))
        for k, title in enumerate(titles))


_EPSILON = "1e-5"
_TITLE_ONLY = _t("{quantity}", "{quantity}")

STEPS = (
    Step(
        number=0, points=2, seed_step=False,
        rows=("h1_i = sigmoid(w1_i1*x1 + w1_i2*x2 + b1_i)",
              "h2_i = sigmoid(w2_i1*h1_1 + w2_i2*h1_2 + w2_i3*h1_3 + b2_i)",
              "y = sigmoid(v1*h2_1 + v2*h2_2 + b3)",
              "L = 0.5*(y - y_target)**2"),
        prose=Prose(
            title=_t("The forward pass", "前向传播"),
            meaning=_t("Run the network once: every hidden activation, the output y and the loss L.",
                       "把网络完整算一遍：每个隐藏层激活值、输出 y 和损失 L。"),
            reuse=_t("Nothing is reused yet: start from the inputs net.x1, net.x2 and the "
                     "parameters. Each layer's outputs are the next layer's inputs, so keep h⁽¹⁾ "
                     "for h⁽²⁾ and h⁽²⁾ for y.",
                     "这里还没有可复用的值：从输入 net.x1、net.x2 和参数出发。"
                     "每一层的输出就是下一层的输入，所以算 h⁽²⁾ 时要用 h⁽¹⁾，算 y 时要用 h⁽²⁾。"),
            chain=_t("Layer by layer: the pre-activation z is the weighted sum of the layer's "
                     "inputs plus its bias, the activation is h = σ(z) with σ(z) = 1/(1 + e^(−z)); "
                     "y is σ of the output's z, and L compares y with y_target.",
                     "逐层计算：激活前的值 z 是本层输入的加权和再加偏置，激活值 h = σ(z)，"
                     "其中 σ(z) = 1/(1 + e^(−z))；y 是输出层 z 的 σ，L 比较 y 与 y_target。")),
        uses_text=_t("net.x1, net.x2, net.y_target and every parameter net.w1_11 … net.v2, net.b3 "
                     "(also as arrays: net.x, net.W1, net.b1, net.W2, net.b2, net.W3)",
                     "net.x1、net.x2、net.y_target 以及所有参数 net.w1_11 … net.v2、net.b3"
                     "（也有数组形式：net.x、net.W1、net.b1、net.W2、net.b2、net.W3）"),
    ),
    Step(
        number=1,
        rows=("delta3 = y - y_target",),
        prose=Prose(
            title=_t("{quantity}, the output error", "{quantity}，输出误差"),
            meaning=_t("How fast L changes as the output y moves.", "输出 y 变化时损失 L 变化的快慢。"),
            reuse=_t("Only the forward pass is reused: the output net.y and the target "
                     "net.y_target.",
                     "这里只复用前向传播的结果：输出 net.y 和目标 net.y_target。"),
            chain=_t("{= L} depends on y directly, with no chain yet: "
                     "differentiate the square; the ½ cancels the 2 that the exponent brings down.",
                     "{= L} 直接依赖 y，还不需要链式法则：对平方求导，"
                     "指数落下来的 2 正好与 ½ 抵消。")),
    ),
    *_family(
        2, "j", "dL_dvj = delta3*y*(1 - y)*h2_j",
        names={"v": "vj", "h": "h2_j"},
        meaning=_t("How L changes with {v}, the weight from {h} into the output.",
                   "L 随 {v}（从 {h} 到输出的权重）的变化率。"),
        reuse=_t("Reuse δ⁽³⁾ from step 1 (net.delta3) with the forward values net.y and "
                 "{net.h}.",
                 "复用第 1 步的 δ⁽³⁾（net.delta3），以及前向传播的 net.y 和 {net.h}。"),
        chain=_t("Chain rule along L ← y ← z⁽³⁾ ← {v}: ∂L/∂y · ∂y/∂z⁽³⁾ · ∂z⁽³⁾/∂{v}. "
                 "The sigmoid's derivative is written with its output, σ′(z⁽³⁾) = y(1−y), "
                 "and since {= z3}, ∂z⁽³⁾/∂{v} is the value {v} "
                 "multiplies.",
                 "沿 L ← y ← z⁽³⁾ ← {v} 用链式法则：∂L/∂y · ∂y/∂z⁽³⁾ · ∂z⁽³⁾/∂{v}。"
                 "sigmoid 的导数用它的输出表示：σ′(z⁽³⁾) = y(1−y)；又因为 "
                 "{= z3}，∂z⁽³⁾/∂{v} 就是与 {v} 相乘的那个值。"),
        titles=(_t("{quantity}, an output weight", "{quantity}，输出层权重"),
                _t("{quantity}, the other output weight", "{quantity}，另一个输出层权重"))),
    Step(
        number=4,
        rows=("dL_db3 = delta3*y*(1 - y)",),
        prose=Prose(
            title=_t("{quantity}, the output bias", "{quantity}，输出层偏置"),
            meaning=_t("How L changes with the output bias; this product δ⁽³⁾·y(1−y) is reused "
                 "below.",
                 "L 随输出层偏置的变化率；乘积 δ⁽³⁾·y(1−y) 后面会一再复用。"),
            goal=_t("How L changes with the output bias b⁽³⁾.", "L 随输出层偏置 b⁽³⁾ 的变化率。"),
            reuse=_t("Reuse δ⁽³⁾ (net.delta3) and net.y: the same δ⁽³⁾·y(1−y) as in steps 2 "
               "and 3.",
               "复用 δ⁽³⁾（net.delta3）和 net.y：与第 2、3 步相同的 δ⁽³⁾·y(1−y)。"),
            chain=_t("The chain of steps 2 and 3, L ← y ← z⁽³⁾ ← b⁽³⁾, but the bias enters "
               "{= z3} with factor one: ∂z⁽³⁾/∂b⁽³⁾ = 1.",
               "与第 2、3 步相同的链 L ← y ← z⁽³⁾ ← b⁽³⁾，只是偏置在 "
               "{= z3} 中的系数是 1：∂z⁽³⁾/∂b⁽³⁾ = 1。")),
    ),
    *_family(
        5, "i", "dL_dh2_i = delta3*y*(1 - y)*vi",
        names={"v": "vi", "h": "h2_i"},
        goal=_t("How L changes with the activation {h}.", "L 随激活值 {h} 的变化率。"),
        factors=_t("The chain rule along the one path from {h} to L has three factors: how L "
                   "changes with the output y (the output error of step 1), the slope of the "
                   "output's sigmoid, written with its output y, and how the output's "
                   "pre-activation z⁽³⁾ changes with {h}.",
                   "沿 {h} 通向 L 的唯一一条路径用链式法则，共三个因子：L 随输出 y 的变化率"
                   "（第 1 步的输出误差）、输出层 sigmoid 的斜率（用它的输出 y 表示），"
                   "以及输出层激活前的值 z⁽³⁾ 随 {h} 的变化率。"),
        reuse=_t("Reuse the product of step 4, δ⁽³⁾·y(1−y) (net.delta3, net.y), with the "
                 "weight {net.v}.",
                 "复用第 4 步的乘积 δ⁽³⁾·y(1−y)（net.delta3、net.y），再加上权重 {net.v}。"),
        chain=_t("L ← y ← z⁽³⁾ ← {h}: this time differentiate {= z3} with respect to the "
                 "activation {h}, which leaves the weight it is multiplied by.",
                 "L ← y ← z⁽³⁾ ← {h}：这次把 {= z3} 对激活值 {h} 求导，留下的是与它相乘的权重。"),
        titles=(_t("{quantity}, back into hidden layer 2", "{quantity}，传回隐藏层 2"), _TITLE_ONLY),
        meanings=(_t("How L changes with the activation {h}; it reaches L only through {v}.",
                     "L 随激活值 {h} 的变化率；{h} 只经由 {v} 影响 L。"),
                  _t("How L changes with the activation {h}, through {v}.",
                     "L 随激活值 {h} 的变化率，经由 {v}。"))),
    *_family(
        7, "j", "dL_dw2_1j = dL_dh2_1*h2_1*(1 - h2_1)*h1_j",
        names={"w": "w2_1j", "h": "h1_j"},
        factors=_t("The chain rule from L back to {w} has three factors: how L changes with "
                   "h₁⁽²⁾ (an earlier step found it), the slope of h₁⁽²⁾'s sigmoid, written with "
                   "its output, and how z₁⁽²⁾ changes with {w}.",
                   "从 L 回到 {w} 的链式法则共三个因子：L 随 h₁⁽²⁾ 的变化率（前面某一步已经算出）、"
                   "h₁⁽²⁾ 的 sigmoid 的斜率（用它的输出表示），以及 z₁⁽²⁾ 随 {w} 的变化率。"),
        meaning=_t("How L changes with {w}, the weight from {h} into h₁⁽²⁾.",
                   "L 随 {w}（从 {h} 到 h₁⁽²⁾ 的权重）的变化率。"),
        reuse=_t("Reuse ∂L/∂h₁⁽²⁾ from step 5 (net.dL_dh2_1) with the forward values "
                 "net.h2_1 and {net.h}.",
                 "复用第 5 步的 ∂L/∂h₁⁽²⁾（net.dL_dh2_1），以及前向传播的 net.h2_1 和 "
                 "{net.h}。"),
        chain=_t("L ← h₁⁽²⁾ ← z₁⁽²⁾ ← {w}: ∂L/∂h₁⁽²⁾ · σ′(z₁⁽²⁾) · ∂z₁⁽²⁾/∂{w}, with "
                 "σ′(z₁⁽²⁾) = h₁⁽²⁾(1−h₁⁽²⁾) and ∂z₁⁽²⁾/∂{w} the input that {w} multiplies.",
                 "L ← h₁⁽²⁾ ← z₁⁽²⁾ ← {w}：∂L/∂h₁⁽²⁾ · σ′(z₁⁽²⁾) · ∂z₁⁽²⁾/∂{w}，其中 "
                 "σ′(z₁⁽²⁾) = h₁⁽²⁾(1−h₁⁽²⁾)，∂z₁⁽²⁾/∂{w} 是 {w} 所乘的那个输入。"),
        titles=(_t("{quantity}, a layer-2 weight", "{quantity}，隐藏层 2 的权重"), _TITLE_ONLY,
                _TITLE_ONLY)),
    *_family(
        10, "j", "dL_dh1_j = dL_dh2_1*h2_1*(1 - h2_1)*w2_1j + dL_dh2_2*h2_2*(1 - h2_2)*w2_2j",
        names={"h": "h1_j", "w1": "w2_1j", "w2": "w2_2j", "wi": "w2_ij"},
        goal=_t("How L changes with the activation {h}.", "L 随激活值 {h} 的变化率。"),
        reuse=_t("Reuse both ∂L/∂h₁⁽²⁾ and ∂L/∂h₂⁽²⁾ (steps 5 and 6: net.dL_dh2_1, "
                 "net.dL_dh2_2), with net.h2_1, net.h2_2 and the weights {net.w1}, "
                 "{net.w2}.",
                 "同时复用 ∂L/∂h₁⁽²⁾ 和 ∂L/∂h₂⁽²⁾（第 5、6 步：net.dL_dh2_1、net.dL_dh2_2），"
                 "以及 net.h2_1、net.h2_2 和权重 {net.w1}、{net.w2}。"),
        chain=_t("{h} feeds both z₁⁽²⁾ and z₂⁽²⁾, so add one chain per path: "
                 "Σᵢ ∂L/∂hᵢ⁽²⁾ · hᵢ⁽²⁾(1−hᵢ⁽²⁾) · ∂zᵢ⁽²⁾/∂{h}, where ∂zᵢ⁽²⁾/∂{h} = {wi}, "
                 "the weight from {h} into neuron i.",
                 "{h} 同时进入 z₁⁽²⁾ 和 z₂⁽²⁾，所以每条路径各算一条链再相加："
                 "Σᵢ ∂L/∂hᵢ⁽²⁾ · hᵢ⁽²⁾(1−hᵢ⁽²⁾) · ∂zᵢ⁽²⁾/∂{h}，其中 ∂zᵢ⁽²⁾/∂{h} = {wi}，"
                 "即从 {h} 到神经元 i 的权重。"),
        titles=(_t("{quantity}, back into hidden layer 1", "{quantity}，传回隐藏层 1"),
                _TITLE_ONLY, _TITLE_ONLY),
        meanings=(_t("{h} feeds both neurons of layer 2, so its gradient is a sum of two paths.",
                     "{h} 同时连到隐藏层 2 的两个神经元，所以它的梯度是两条路径之和。"),
                  *[_t("The same two paths for {h}, through {w1} and {w2}.",
                       "{h} 的两条路径，经由 {w1} 和 {w2}。")] * 2)),
    *_family(
        13, "j", "dL_dw1_1j = dL_dh1_1*h1_1*(1 - h1_1)*xj",
        names={"w": "w1_1j", "x": "xj"},
        meaning=_t("How L changes with {w}, the weight from {x} into h₁⁽¹⁾.",
                   "L 随 {w}（从 {x} 到 h₁⁽¹⁾ 的权重）的变化率。"),
        reuse=_t("Reuse ∂L/∂h₁⁽¹⁾ from step 10 (net.dL_dh1_1) with net.h1_1 and the input "
                 "{net.x}.",
                 "复用第 10 步的 ∂L/∂h₁⁽¹⁾（net.dL_dh1_1），以及 net.h1_1 和输入 {net.x}。"),
        chain=_t("L ← h₁⁽¹⁾ ← z₁⁽¹⁾ ← {w}: ∂L/∂h₁⁽¹⁾ · h₁⁽¹⁾(1−h₁⁽¹⁾) · ∂z₁⁽¹⁾/∂{w}, and "
                 "{= z1_1} gives the input that {w} multiplies.",
                 "L ← h₁⁽¹⁾ ← z₁⁽¹⁾ ← {w}：∂L/∂h₁⁽¹⁾ · h₁⁽¹⁾(1−h₁⁽¹⁾) · ∂z₁⁽¹⁾/∂{w}，而由 "
                 "{= z1_1} 可知，最后一项是 {w} 所乘的输入。"),
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
            reuse=_t("Reuse ∂L/∂h₁⁽²⁾ and ∂L/∂h₂⁽²⁾ from steps 5 and 6 (net.dL_dh2_1, "
                     "net.dL_dh2_2) with net.h2_1, net.h2_2 and the layer-1 activations "
                     "net.h1_1 … net.h1_3.",
                     "复用第 5、6 步的 ∂L/∂h₁⁽²⁾ 和 ∂L/∂h₂⁽²⁾（net.dL_dh2_1、net.dL_dh2_2），以及 "
                     "net.h2_1、net.h2_2 和隐藏层 1 的激活值 net.h1_1 … net.h1_3。"),
            chain=_t("The pattern of steps 7–9, now for neuron 2: ∂L/∂h₂⁽²⁾ · σ′(z₂⁽²⁾) · (the "
                     "input the weight multiplies). A bias is added to z with factor one, so its "
                     "last factor is 1.",
                     "与第 7–9 步同样的模式，换成神经元 2：∂L/∂h₂⁽²⁾ · σ′(z₂⁽²⁾) · （该权重所乘的"
                     "输入）。偏置以系数 1 加进 z，所以它的最后一个因子是 1。")),
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
            reuse=_t("Reuse ∂L/∂h₁⁽¹⁾, ∂L/∂h₂⁽¹⁾, ∂L/∂h₃⁽¹⁾ from steps 10–12 (net.dL_dh1_1 … "
                     "net.dL_dh1_3) with net.h1_1 … net.h1_3 and the inputs net.x1, net.x2.",
                     "复用第 10–12 步的 ∂L/∂h₁⁽¹⁾、∂L/∂h₂⁽¹⁾、∂L/∂h₃⁽¹⁾（net.dL_dh1_1 … "
                     "net.dL_dh1_3），以及 net.h1_1 … net.h1_3 和输入 net.x1、net.x2。"),
            chain=_t("The pattern of steps 13 and 14 for neurons 2 and 3: ∂L/∂hᵢ⁽¹⁾ · σ′(zᵢ⁽¹⁾) · "
                     "(the input the weight multiplies); for a bias the last factor is 1.",
                     "与第 13、14 步同样的模式，用于神经元 2 和 3：∂L/∂hᵢ⁽¹⁾ · σ′(zᵢ⁽¹⁾) · "
                     "（该权重所乘的输入）；偏置的最后一个因子是 1。")),
    ),
    Step(
        number=17, points=2, seed_step=False,
        rows=("new_w = w - eta*dL_dw", "new_b = b - eta*dL_db"),
        prose=Prose(
            title=_t("One gradient-descent update", "一次梯度下降更新"),
            meaning=_t("Move every parameter a step of size η against its gradient.",
                       "把每个参数沿梯度反方向移动，步长为 η。"),
            reuse=_t("Reuse every gradient the earlier steps computed (net.dL_dw1_11 … "
                     "net.dL_db3, or net[\"dL_d\" + name]) and the step size net.eta.",
                     "复用前面各步算出的所有梯度（net.dL_dw1_11 … net.dL_db3，或 "
                     "net[\"dL_d\" + name]）以及步长 net.eta。"),
            chain=_t("No chain rule here: each parameter moves against its own gradient, by η "
                     "times it; moving with the gradient would increase L.",
                     "这里不需要链式法则：每个参数沿自身梯度的反方向移动 η 倍的梯度；"
                     "沿梯度方向移动会让 L 变大。"),
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
            reuse=_t("Reuse nothing from backprop — that is the point of this step. Use only "
                     "net.loss: net.loss() is L, net.loss(w1_11=0.5) is L with w1_11 replaced by "
                     "0.5, and net[name] reads a parameter by its name.",
                     "这一步故意不复用反向传播的任何中间值。只用 net.loss：net.loss() 就是 L，"
                     "net.loss(w1_11=0.5) 是把 w1_11 换成 0.5 后的 L，net[name] 按名字读取参数。"),
            chain=_t(f"Treat each parameter p on its own: nudge it up and down by a small ε "
                     f"({_EPSILON}) and watch L, (L(p + ε) − L(p − ε)) / (2ε). The one-sided "
                     f"(L(p + ε) − L(p)) / ε is off by about ε·L″/2, too far for a check at 1e-6.",
                     f"每个参数 p 单独处理：把它上下各挪一个很小的 ε（{_EPSILON}），看 L 怎么变，"
                     f"(L(p + ε) − L(p − ε)) / (2ε)。单侧的 (L(p + ε) − L(p)) / ε 误差约为 "
                     f"ε·L″/2，达不到 1e-6 的精度要求。"),
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

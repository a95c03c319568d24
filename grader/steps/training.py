"""Step 22: training XOR. The learner's own forward and backward pass, vectorised over the
four examples, in a gradient-descent loop; its table entry is :data:`STEP`.

A :class:`TrainingStep` is a row of the step table like any other, but its answer is not one
value per problem that a reference gives in advance: it is a whole training run. ``net``
holds the four XOR inputs and targets, the initial weights and biases of a 2-H-1 sigmoid
network drawn from the seed (:meth:`TrainingStep.draw`), η, the number of epochs, the loss
threshold and a few sampled epochs; the learner returns the weights after the last epoch and,
for each sampled epoch, the weights at its start with the gradients their own backward pass
computed on them. grader.checking.training grades the run in three parts (gradients, training,
final loss), recomputing everything from the returned weights.

A draw is kept only when the reference training (grader.engine.training) brings the loss below
the threshold within three quarters of the epochs, so every honest run ends well below it.
"""

from __future__ import annotations

from functools import cached_property

from ..notation import UPDATED      # new_W1: W⁽¹⁾ after one update (the sheet asks for it)
from .step import Step

EXAMPLES = 4                       # the XOR table: (0,0) (0,1) (1,0) (1,1)
PARAMETERS = ("W1", "b1", "W2", "b2")
GRADIENTS = ("dW1", "db1", "dW2", "db2")
SAMPLED = "sample_"                # sample_W1, sample_dW1 …: one entry per sampled epoch
SHEET_GIVEN = ("X", "T", "W1", "b1", "W2", "b2", "learning_rate")
# The reference must be below the threshold by this fraction of the epochs (the screen).
SCREEN_AT = 0.75
MAX_ATTEMPTS = 200

MESSAGES = {
    "no_problem": {"en": "no XOR network drawn for seed {seed} trained below the threshold "
                         "within the epochs after {attempts} draws; try another seed",
                   "zh": "种子 {seed} 抽取 {attempts} 次后，仍没有能在规定轮数内训练到阈值以下的 "
                         "XOR 网络；请换一个种子"},
    "shape": {"en": "{name} is expected with shape {shape} ({axes})",
              "zh": "{name} 的形状应为 {shape}（{axes}）"},
    "W1": {"en": "rows: the {n} hidden neurons, columns: the 2 inputs",
           "zh": "行：{n} 个隐藏神经元，列：2 个输入"},
    "b1": {"en": "one entry per hidden neuron ({n})", "zh": "每个隐藏神经元一项（{n} 个）"},
    "W2": {"en": "one row for the output neuron, columns: the {n} hidden neurons",
           "zh": "输出神经元一行，列：{n} 个隐藏神经元"},
    "b2": {"en": "one entry for the output neuron", "zh": "输出神经元一项"},
    "sampled": {"en": "first axis: the {k} sampled epochs; then {axes}",
                "zh": "第一个轴：{k} 个抽样轮次；然后{axes}"},
}


SHEET_TASK = {
    "en": "One epoch by hand: the forward pass of the four examples at once (a row each), the "
          "gradients of the mean binary cross-entropy at the given weights (what your code "
          "reports for epoch 0) and every parameter after one update with η.",
    "zh": "手算一轮：四个样本一起做前向传播（每个一行），在给定权重上求二元交叉熵平均值的梯度"
          "（即你的代码在第 0 轮报告的梯度），再用 η 把每个参数更新一次。"}

_DRAWN = {}                        # seed -> TrainingStep.draw's problem, a few hundred at most


def _hundredths(rng, shape, bound: float):
    """Numbers with two decimals, uniform in [−bound, bound]: what a person reads is graded."""
    import numpy as np

    return np.round(rng.uniform(-bound, bound, shape), 2)


class TrainingStep(Step, frozen=True):
    """Train a 2-``hidden``-1 sigmoid network on XOR for ``epochs`` epochs.

    ``lines``: the loop's formula, one (LaTeX, Unicode) pair per line, as
    :data:`grader.notation.LAYER_SYMBOLS` pairs its symbols; ``blank_lines`` the same with
    every value a blank (hint 2). ``offered``: what ``net`` holds, with its meaning.
    """

    hidden: int = 4
    epochs: int = 200
    threshold: float = 0.1
    rates: tuple = (3.5, 4.0, 4.5)
    sampled: int = 4                   # epochs 0 and 1, and two more drawn from the seed
    bound: float = 1.0                 # initial weights and biases in [−bound, bound]
    lines: tuple = ()
    blank_lines: tuple = ()
    offered: dict | None = None
    layer = None                       # not one layer: the whole network (bpgrade show)
    # Hand-computed sums over the batch cancel (∂L/∂b⁽²⁾ = Σₙ Δ⁽²⁾ₙ): carrying 4 significant
    # digits through the epoch missed 0.5% of an entry's own size for 46 of seeds 0–149, 6
    # digits for 2 of seeds 0–299; against its array's largest entry, 5 or 6 digits never
    # did on those 300 seeds (at most 0.2%; 4 digits: 10 seeds).
    sheet_array_scale = True
    judges_runs = True
    # Yours and two further problems, not four: a run costs a student's sandbox about 4 ms a
    # problem; two problems the learner cannot compute catch a copied or looked-up run as well.
    trials = 3

    @property
    def layers(self) -> tuple:
        return (2, self.hidden, 1)

    # --- shapes ---------------------------------------------------------------------------
    def shape(self, name: str) -> tuple:
        if name.startswith(SAMPLED):
            return (self.sampled,) + self.shape(name[len(SAMPLED):])
        name = name[1:] if name in GRADIENTS else name
        h = self.hidden
        return {"X": (EXAMPLES, 2), "T": (EXAMPLES, 1), "W1": (h, 2), "b1": (h,),
                "W2": (1, h), "b2": (1,), "sample_epochs": (self.sampled,)}.get(name, ())

    @property
    def arrays(self) -> dict:
        """{answer key: its shape}: the final parameters, then per sampled epoch the
        parameters at its start and their gradients."""
        keys = PARAMETERS + tuple(SAMPLED + n for n in PARAMETERS + GRADIENTS)
        return {key: self.shape(key) for key in keys}

    def axes(self, key: str, lang: str) -> str:
        from ..i18n import text
        from bpgrade_harness.answers import shape_text

        base = key[len(SAMPLED):] if key.startswith(SAMPLED) else key
        base = base[1:] if base in GRADIENTS else base
        axes = text(MESSAGES, base, lang, n=self.hidden)
        if key.startswith(SAMPLED):
            axes = text(MESSAGES, "sampled", lang, k=self.sampled, axes=axes)
        return text(MESSAGES, "shape", lang, name=key, shape=shape_text(self.shape(key)),
                    axes=axes)

    # --- the problem ----------------------------------------------------------------------
    def draw(self, seed: int) -> dict:
        """The step's problem for ``seed``: inputs, targets, initial parameters, η and the
        sampled epochs, with the reference run from them ({"final": parameters, "kept":
        {epoch: (parameters, gradients)}, "loss": the final loss}). Draws whose reference is
        not below the threshold by :data:`SCREEN_AT` of the epochs are drawn again."""
        return self.draw_many([seed])[seed]

    def draw_many(self, seeds) -> dict:
        """Draw several seeds' problems at once (kept for :meth:`draw`): each seed's draws
        come from its own generator, as alone, and their runs are one stack of networks,
        which numpy computes bit for bit as each alone (a student's three problems: 5 ms of
        CPU; five drawn one by one took 19)."""
        import numpy as np

        from ..engine import training
        from ..errors import GenerationError
        from ..i18n import resolve, text

        X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])      # the XOR table
        T = np.array([[0.0], [1.0], [1.0], [0.0]])
        seeds = list(dict.fromkeys(seeds))
        found = {seed: _DRAWN[seed] for seed in seeds if seed in _DRAWN}
        pending = [seed for seed in seeds if seed not in found]
        if len(_DRAWN) + len(pending) > 256:
            _DRAWN.clear()
        rngs = {seed: np.random.default_rng([seed, self.number]) for seed in pending}
        screen = round(self.epochs * SCREEN_AT)
        for _ in range(MAX_ATTEMPTS):
            if not pending:
                return found
            drawn = [self._candidate(rngs[seed]) for seed in pending]
            stack = tuple(np.stack([d["params"][k] for d in drawn]) for k in range(4))
            etas = np.array([d["eta"] for d in drawn])
            epochs = sorted({e for d in drawn for e in d["sample_epochs"]})
            middle, kept = training.train(stack, X, T, etas, screen, record=epochs)
            good = np.flatnonzero(training.loss(middle, X, T) < self.threshold)
            if len(good):
                final, rest = training.train(tuple(p[good] for p in middle), X, T, etas[good],
                                             self.epochs - screen,
                                             record=[e - screen for e in epochs if e >= screen])
                losses = training.loss(final, X, T)
                for row, i in enumerate(good):
                    def at(e):          # (parameters, gradients) of draw i at epoch e
                        stacked, k = (kept[e], i) if e < screen else (rest[e - screen], row)
                        return tuple(tuple(a[k] for a in part) for part in stacked)

                    found[pending[i]] = _DRAWN[pending[i]] = dict(
                        drawn[i], X=X, T=T, final=tuple(p[row] for p in final),
                        loss=float(losses[row]), kept={e: at(e) for e in drawn[i]["sample_epochs"]})
            kept_rows = set(good.tolist())
            pending = [seed for k, seed in enumerate(pending) if k not in kept_rows]
        if not pending:
            return found
        raise GenerationError(text(MESSAGES, "no_problem", resolve(None),
                                   seed=pending[0], attempts=MAX_ATTEMPTS))

    def _candidate(self, rng) -> dict:
        import numpy as np

        params = tuple(_hundredths(rng, self.shape(n), self.bound) for n in PARAMETERS)
        eta = float(rng.choice(self.rates))
        later = rng.choice(np.arange(2, self.epochs), self.sampled - 2, replace=False)
        return {"params": params, "eta": eta,
                "sample_epochs": (0, 1) + tuple(sorted(int(e) for e in later))}

    def reference(self, seed: int) -> dict:
        """What ``net`` holds and the reference run, as plain numbers under keys of this step's
        own (``step22.W1``): other steps' values share the problem's dict."""
        drawn = self.draw(seed)
        values = {"X": drawn["X"].tolist(), "T": drawn["T"].tolist(),
                  "learning_rate": drawn["eta"],
                  "epochs": self.epochs, "threshold": self.threshold,
                  "sample_epochs": list(drawn["sample_epochs"])}
        values.update(zip(PARAMETERS, (p.tolist() for p in drawn["params"])))
        values.update({"reference_final": [p.tolist() for p in drawn["final"]],
                       "reference_loss": drawn["loss"],
                       "reference_sampled": [[p.tolist() for p in drawn["kept"][e][0]]
                                             for e in drawn["sample_epochs"]]})
        return {f"{self.id}.{name}": value for name, value in values.items()}

    def held(self, reference: dict) -> dict:
        return {name: reference[f"{self.id}.{name}"] for name in self.context}

    def reference_run(self, reference: dict) -> dict:
        """The reference run kept in a problem's values (see :meth:`reference`): {"final",
        "loss", "sampled"}."""
        return {name: reference[f"{self.id}.reference_{name}"]
                for name in ("final", "loss", "sampled")}

    def finite_differences(self, seed: int) -> dict:
        return {}      # gradients are checked on the learner's own weights, when graded

    # --- its sheet: one epoch by hand (grader.render.sheets.arrays) -------------------------
    @property
    def sheet_given(self) -> dict:
        """What the sheet gives: the batch, the initial parameters and η."""
        return {name: self._words(self.offered[name]) for name in SHEET_GIVEN}

    @property
    def sheet_rows(self) -> tuple:
        """(key, formula) in numpy's notation, examples as rows, in the order a hand
        calculation goes: the forward pass, the backward pass, the update. ``ones`` is 𝟏, a
        column of ones: 𝟏 b⁽¹⁾ᵀ puts the bias in every example's row, Δᵀ 𝟏 sums the rows."""
        return (("H", "sigmoid(X @ W1.T + ones @ b1.T)"),
                ("Y", "sigmoid(H @ W2.T + ones @ b2.T)"),
                ("D2", f"(Y - T) / {EXAMPLES}"),
                ("dW2", "D2.T @ H"), ("db2", "D2.T @ ones"),
                ("D1", "(D2 @ W2) * H * (1 - H)"),
                ("dW1", "D1.T @ X"), ("db1", "D1.T @ ones"),
                *((UPDATED + name, f"{name} - learning_rate * d{name}") for name in PARAMETERS))

    @property
    def sheet_answers(self) -> dict:
        shapes = {"H": (EXAMPLES, self.hidden), "Y": (EXAMPLES, 1), "D2": (EXAMPLES, 1),
                  "D1": (EXAMPLES, self.hidden)}
        return {key: shapes.get(key) or self.shape(key.removeprefix(UPDATED))
                for key, _ in self.sheet_rows}

    @cached_property
    def sheet_task(self) -> dict:
        return self._words(SHEET_TASK)

    def shown(self, seed: int) -> tuple:
        """The sheet of ``seed``'s problem (``bpgrade show step22 --seed N``): (values,
        shapes), every given array as nested lists and every entry the sheet asks for, from
        the engine: the batch's pass on the initial parameters (its gradients are what the
        learner reports for epoch 0) and one update with η."""
        from bpgrade_harness.answers import entries

        from ..engine import training

        drawn = self.draw(seed)
        params = drawn["params"]
        passed = training.batch_pass(params, drawn["X"], drawn["T"])
        grads = tuple(passed["d" + name] for name in PARAMETERS)
        passed.update(zip((UPDATED + name for name in PARAMETERS),
                          training.step(params, grads, drawn["eta"])))
        values = {"X": drawn["X"].tolist(), "T": drawn["T"].tolist(),
                  "learning_rate": drawn["eta"], "ones": [1.0] * EXAMPLES}
        values.update(zip(PARAMETERS, (p.tolist() for p in params)))
        shapes = {name: self.shape(name) for name in (*SHEET_GIVEN, "ones")}
        shapes["ones"] = (EXAMPLES,)
        for key, shape in self.sheet_answers.items():
            shapes[key] = shape
            values.update(zip(entries(key, shape), passed[key].ravel().tolist()))
        return values, shapes

    # --- what the step table derives ------------------------------------------------------
    @cached_property
    def answer(self):
        from bpgrade_harness.answers import entries

        return {name: name for key, shape in self.arrays.items() for name in entries(key, shape)}

    @cached_property
    def expression(self):
        return None

    @cached_property
    def context(self) -> tuple:
        return tuple(self.offered)

    @cached_property
    def uses(self) -> tuple:
        return self.context

    @cached_property
    def reads(self) -> dict:
        return {name: self.uses for name in self.answer}   # all of net; no step answers them

    @cached_property
    def formula_lines(self) -> tuple:
        return tuple(latex for latex, _ in self.lines)

    @cached_property
    def formula(self) -> str:
        return r",\quad ".join(self.formula_lines)

    @cached_property
    def formula_text(self) -> str:
        return ";  ".join(line for _, line in self.lines)

    def blanks(self, lang: str = "en") -> str:
        from .derived import ROWS_JOINED
        from ..i18n import pick

        return pick(ROWS_JOINED, lang).join(self.blank_lines)

    def _words(self, pair: dict) -> dict:
        from .derived import fill

        values = {"n": str(self.hidden), "epochs": str(self.epochs),
                  "threshold": f"{self.threshold:g}", "sampled": str(self.sampled)}
        return {lang: fill(words, values) for lang, words in pair.items()}

    @cached_property
    def hints(self) -> dict:
        third = {lang: joined.join(line for _, line in self.lines)
                 for lang, joined in (("en", ";  "), ("zh", "；"))}
        return {1: self._words(self.prose.reuse), 2: self._words(self.prose.chain), 3: third}

    @cached_property
    def offers(self) -> dict:
        from bpgrade_harness.answers import shape_text

        from ..i18n import pick

        def written(lang: str) -> str:
            joined = "; " if lang == "en" else "；"
            parts = []
            for name, words in self.offered.items():
                shape = self.shape(name)
                sized = f" {shape_text(shape)}" if shape else ""
                parts.append(f"net.{name}{sized} {pick(self._words(words), lang)}")
            return joined.join(parts)

        return {"en": written("en"), "zh": written("zh")}


def _t(en: str, zh: str) -> dict:
    from .step import words

    return words(en, zh)


def _step() -> TrainingStep:
    from .step import Prose

    return TrainingStep(
        number=22, points=3, seed_step=False, rows=(),
        lines=((r"H = \sigma\left(X {W^{(1)}}^{\top} + b^{(1)}\right),\ "
                r"Y = \sigma\left(H {W^{(2)}}^{\top} + b^{(2)}\right)",
                "H = σ(X W⁽¹⁾ᵀ + b⁽¹⁾), Y = σ(H W⁽²⁾ᵀ + b⁽²⁾)"),
               (r"\Delta^{(2)} = (Y - T)/n", "Δ⁽²⁾ = (Y − T)/n"),
               (r"\frac{\partial L}{\partial W^{(2)}} = {\Delta^{(2)}}^{\top} H,\ "
                r"\frac{\partial L}{\partial b^{(2)}} = \sum_n \Delta^{(2)}_n",
                "∂L/∂W⁽²⁾ = Δ⁽²⁾ᵀ H, ∂L/∂b⁽²⁾ = Σₙ Δ⁽²⁾ₙ"),
               (r"\Delta^{(1)} = \left(\Delta^{(2)} W^{(2)}\right) \odot H \odot (1 - H)",
                "Δ⁽¹⁾ = (Δ⁽²⁾ W⁽²⁾) ⊙ H ⊙ (1−H)"),
               (r"\frac{\partial L}{\partial W^{(1)}} = {\Delta^{(1)}}^{\top} X,\ "
                r"\frac{\partial L}{\partial b^{(1)}} = \sum_n \Delta^{(1)}_n",
                "∂L/∂W⁽¹⁾ = Δ⁽¹⁾ᵀ X, ∂L/∂b⁽¹⁾ = Σₙ Δ⁽¹⁾ₙ"),
               (r"W \leftarrow W - \eta \frac{\partial L}{\partial W},\ "
                r"b \leftarrow b - \eta \frac{\partial L}{\partial b}",
                "W ← W − η ∂L/∂W, b ← b − η ∂L/∂b")),
        blank_lines=("Δ⁽²⁾ = (▢ − ▢)/n", "Δ⁽¹⁾ = (▢ ▢) ⊙ ▢ ⊙ (1−▢)", "∂L/∂W⁽ˡ⁾ = ▢ᵀ ▢",
                     "W ← ▢ − ▢ ▢"),
        offered={"X": _t("the 4 XOR inputs, a row each", "XOR 的 4 个输入，每行一个"),
                 "T": _t("their targets, 0 or 1", "对应的目标值，0 或 1"),
                 "W1": _t("W⁽¹⁾, the initial hidden weights", "W⁽¹⁾，隐藏层的初始权重"),
                 "b1": _t("b⁽¹⁾, the initial hidden biases", "b⁽¹⁾，隐藏层的初始偏置"),
                 "W2": _t("W⁽²⁾, the initial output weights", "W⁽²⁾，输出层的初始权重"),
                 "b2": _t("b⁽²⁾, the initial output bias", "b⁽²⁾，输出层的初始偏置"),
                 "learning_rate": _t("η, the learning rate", "η，学习率"),
                 "epochs": _t("the number of epochs to train ({epochs})",
                              "要训练的轮数（{epochs}）"),
                 "threshold": _t("the loss must end below it ({threshold})",
                                 "训练结束时损失必须低于它（{threshold}）"),
                 "sample_epochs": _t("the epochs to report, in order (0 and 1 among them)",
                                     "要报告的轮次，按顺序（包括 0 和 1）")},
        prose=Prose(
            title=_t("Training XOR", "训练 XOR"),
            meaning=_t(
                "Train a 2-{n}-1 sigmoid network on XOR by gradient descent: all four examples "
                "at once (a row each), starting from the given weights, for {epochs} epochs, "
                "each a forward pass, your own backward pass and an update of every parameter "
                "with η. The loss is the binary cross-entropy averaged over the four examples, "
                "L = −(1/n) Σₙ [tₙ log yₙ + (1−tₙ) log(1−yₙ)]; it must end below {threshold}. "
                "Return the final W⁽¹⁾, b⁽¹⁾, W⁽²⁾, b⁽²⁾ and, for each sampled epoch, the "
                "parameters at its start and the gradients your backward pass computed on "
                "them, stacked in the order of the sampled epochs.",
                "用梯度下降在 XOR 上训练一个 2-{n}-1 的 sigmoid 网络：四个样本一起算（每个一行），"
                "从给定的权重出发，训练 {epochs} 轮，每轮做一次前向传播、一次你自己的反向传播，"
                "再用 η 更新每个参数。损失是四个样本的二元交叉熵的平均值，"
                "L = −(1/n) Σₙ [tₙ log yₙ + (1−tₙ) log(1−yₙ)]；训练结束时它必须低于 {threshold}。"
                "返回最终的 W⁽¹⁾、b⁽¹⁾、W⁽²⁾、b⁽²⁾，以及每个抽样轮次开始时的参数和你的反向传播"
                "在这些参数上算出的梯度，按抽样轮次的顺序堆叠。"),
            reuse=_t(
                "Training is steps 0, 19 and 17 again and again: a forward pass of all four "
                "examples, a backward pass that starts from the output's error and reuses it "
                "on the way down, one update of every parameter; then the same from the new "
                "weights. The weights change every epoch, so the gradients are computed anew "
                "each time. What you report at a sampled epoch is a copy: an update that "
                "changes an array in place would change what you kept as well.",
                "训练就是把第 0、19、17 步一遍又一遍地做：四个样本一起做前向传播，反向传播从"
                "输出误差开始，一路往下复用它，然后更新每个参数；再从新的权重重复。权重每轮都"
                "在变，所以梯度每轮都要重新计算。在抽样轮次报告的值要复制一份：原地修改数组的"
                "更新也会改掉你保存的值。"),
            chain=_t(
                "Each epoch, with the examples as rows: the hidden layer H = σ of the inputs "
                "times W⁽¹⁾ transposed plus b⁽¹⁾, the output Y likewise from H. With the "
                "cross-entropy the output's σ′ cancels: the output's error is Y − T, divided "
                "by the number of examples since the loss is their mean. One layer down it "
                "goes through W⁽²⁾ (examples as rows need no transpose there), then the "
                "hidden σ′, H ⊙ (1−H), entry by entry. A weight matrix's gradient sums the "
                "examples' outer products: the layer's Δ transposed times its input; a bias's "
                "sums Δ over the examples. Record at a sampled epoch before the update.",
                "每一轮，样本按行排列：隐藏层 H 是 σ 作用于输入乘以 W⁽¹⁾ 的转置再加 b⁽¹⁾，输出 Y "
                "同样由 H 算出。用交叉熵时输出层的 σ′ 被抵消：输出误差是 Y − T，再除以样本数，因为"
                "损失是它们的平均值。往下一层要经过 W⁽²⁾（样本按行排列时这里不用转置），再逐项"
                "乘以隐藏层的 σ′，即 H ⊙ (1−H)。权重矩阵的梯度是各样本外积之和：本层的 Δ 转置"
                "乘以本层的输入；偏置的梯度是 Δ 对样本求和。在抽样轮次，先记录，再更新。")),
    )


STEP = _step()

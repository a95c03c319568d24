"""Steps that write the whole backward pass: any depth, hidden activation and loss (step 20),
and the same over a mini-batch, gradients averaged (step 21).

A :class:`FullPassStep` is a :class:`~grader.steps.matrix.MatrixStep` whose network changes
from one problem of a check to the next: each problem draws its own network for the step
(:data:`FLAVOURS`: depth, hidden activation and loss by the problem's place in the check; the
layer sizes from its seed), so only general code passes. ``net`` holds lists of arrays, one
per layer, and the answer is ``{"dW": [array per layer], "db": [array per layer]}``; its
shapes differ per problem (:meth:`FullPassStep.keys_for`). Entries are named layer first, as
Python indexes them: ``dW[2][1,0]`` is row 1, column 0 of ∂L/∂W⁽³⁾.

The references come from the engine's backprop and its central finite differences, example by
example (a batch's are their mean), computed only when the step is checked or graded.
"""

from __future__ import annotations

from functools import cached_property

from .matrix import MatrixStep

# (hidden activation, loss, layers of weights) of each problem of a check: the visible one
# first, then the further ones in turn. Together they cover every activation and every loss.
FLAVOURS = (
    ("sigmoid", "half_squared_error", 3),
    ("tanh", "mean_squared_error", 2),
    ("relu", "binary_cross_entropy", 4),
    ("sigmoid", "softmax_cross_entropy", 3),
    ("tanh", "softmax_cross_entropy", 4),
)
BATCH_SIZES = (3, 5)           # a mini-batch holds 3 to 5 examples
_EXAMPLE_TRIES = 64            # further examples tried for a batch's well-conditioned ones

_AXES = {
    "layers": {"en": "{name}[k] belongs to layer k + 1: one row per neuron of that layer, one "
                     "column per value feeding it (a bias: one entry per neuron)",
               "zh": "{name}[k] 属于第 k + 1 层：该层每个神经元一行，输入它的每个值一列"
                     "（偏置：每个神经元一项）"},
}


def flavour(index: int) -> tuple:
    """The (activation, loss, depth) of problem ``index`` of a check (0: the visible one)."""
    return FLAVOURS[index] if index < len(FLAVOURS) else FLAVOURS[1 + (index - 1) % 4]


def layer_sizes(seed: int, index: int) -> tuple:
    """The layer sizes of problem ``index``, drawn from its seed: 2-3 inputs, hidden layers
    of 2-4, and 1-2 outputs (2-3 for a softmax)."""
    import numpy as np

    activation, loss, depth = flavour(index)
    rng = np.random.default_rng([seed, 0xF011])
    outputs = rng.integers(2, 4) if loss == "softmax_cross_entropy" else rng.integers(1, 3)
    sizes = [rng.integers(2, 4)] + [rng.integers(2, 5) for _ in range(depth - 1)] + [outputs]
    return tuple(int(n) for n in sizes)


def examples(seed: int, index: int, batch: bool) -> list:
    """The :class:`~grader.engine.generators.Problem` per example of problem ``index``: one,
    or a batch of 3-5 sharing the first one's network, each well-conditioned (no saturated
    sigmoid, no ReLU at its kink)."""
    import numpy as np

    from ..engine.generators import Problem, draw_example, generate, well_conditioned

    activation, loss, _ = flavour(index)
    sizes = layer_sizes(seed, index)
    first = generate(seed, sizes, activation, loss=loss)
    if not batch:
        return [first]
    low, high = BATCH_SIZES
    rng = np.random.default_rng([seed, 0xBA7C])
    size = int(rng.integers(low, high + 1))
    fields = {name: getattr(first, name) for name in Problem._fields}
    found = [first]
    for _ in range(_EXAMPLE_TRIES):
        if len(found) == size:
            break
        x, target = draw_example(rng, sizes, activation, loss)
        example = Problem(**(fields | {"x": x, "y_target": target}))
        if well_conditioned(example):
            found.append(example)
    return found


def _stacked(arrays: list, batch: bool):
    """One example's array as nested lists, or a batch's as columns, one per example."""
    import numpy as np

    return (np.stack(arrays, axis=-1) if batch else arrays[0]).tolist()


class FullPassStep(MatrixStep, frozen=True):
    """The whole backward pass, on a network drawn per problem (see the module); ``batch``:
    over a mini-batch, examples as columns, gradients averaged."""

    batch: bool = False
    list_keys: tuple = ("dW", "db")      # the answer's keys, each a list of arrays per layer
    per_problem = True

    # --- per problem: its network, its shapes, its references ------------------------------
    @property
    def arrays(self) -> dict:
        """{answer key: None}: the shapes differ per problem (:meth:`keys_for`)."""
        return dict.fromkeys(self.list_keys)

    def keys_for(self, reference: dict) -> dict:
        """{answer key: [shape per layer]} on one problem, read off its weights."""
        weights = reference["W"]["layers"]
        return {"dW": [[len(w), len(w[0])] for w in weights], "db": [[len(w)] for w in weights]}

    def items_for(self, reference: dict) -> tuple:
        """((entry, entry), ...): every answer entry of one problem, ``dW[0][0,0]`` …"""
        from bpgrade_harness.answers import all_entries

        spec = self.keys_for(reference)
        return tuple((name, name) for key in self.list_keys
                     for name in all_entries(key, spec[key]))

    def references(self, seeds: list) -> list:
        """Per problem (``seeds[0]`` the visible one): every value ``net`` holds and every
        answer entry, on the network drawn for it."""
        return [self.reference_at(seed, index) for index, seed in enumerate(seeds)]

    def reference_at(self, seed: int, index: int) -> dict:
        return self.values_of(examples(seed, index, self.batch))

    def values_of(self, drawn: list) -> dict:
        """What ``net`` holds and every answer entry, for the examples ``drawn`` (one
        :class:`~grader.engine.generators.Problem` each, sharing one network)."""
        import numpy as np
        from bpgrade_harness.answers import all_entries

        from ..engine.backprop import backprop
        from ..engine.forward import forward

        traces = [forward(p) for p in drawn]
        grads = [backprop(p, t) for p, t in zip(drawn, traces)]
        first, depth = drawn[0], len(drawn[0].weights)

        def layers(arrays) -> dict:
            return {"layers": [np.asarray(a).tolist() for a in arrays]}

        values = {"W": layers(first.weights), "b": layers(first.biases),
                  "x": _stacked([p.x for p in drawn], self.batch),
                  "y_target": _stacked([p.y_target for p in drawn], self.batch),
                  "activation": first.activation, "output_activation": first.output_activation,
                  "loss_name": first.loss,
                  "z": {"layers": [_stacked([t.z[k] for t in traces], self.batch)
                                   for k in range(depth)]},
                  "h": {"layers": [_stacked([t.h[k] for t in traces], self.batch)
                                   for k in range(depth)]}}
        spec = self.keys_for(values)
        for key in self.list_keys:
            mean = [np.mean([getattr(g, key)[k] for g in grads], axis=0) for k in range(depth)]
            values.update(zip(all_entries(key, spec[key]),
                              np.concatenate([m.ravel() for m in mean]).tolist()))
        return values

    def shown(self, seed: int) -> tuple:
        """The visible problem as a sheet shows it (see MatrixStep.shown): a list of arrays,
        one per layer, as a plain list."""
        import numpy as np

        reference = self.reference_at(seed, 0)
        values, shapes = {}, dict(self.keys_for(reference))
        for name, value in reference.items():
            if isinstance(value, dict):                     # {"layers": [array per layer]}
                value = value["layers"]
                shapes[name] = [list(np.shape(layer)) for layer in value]
            elif name in self.offered:
                shapes[name] = () if isinstance(value, str) else list(np.shape(value))
            values[name] = value
        return values, shapes

    def finite_differences_at(self, seed: int, index: int) -> dict:
        """Every answer entry of problem ``index`` again, from central differences of L
        (a batch's: the mean of its examples' L, so the mean of their differences)."""
        import numpy as np
        from bpgrade_harness.answers import all_entries

        from ..engine.finite_difference import parameter_gradients

        drawn = examples(seed, index, self.batch)
        each = [parameter_gradients(p) for p in drawn]
        depth = len(drawn[0].weights)
        spec = {"dW": [list(w.shape) for w in drawn[0].weights],
                "db": [list(b.shape) for b in drawn[0].biases]}
        out = {}
        for position, key in enumerate(self.list_keys):
            mean = [np.mean([grads[position][k] for grads in each], axis=0)
                    for k in range(depth)]
            out.update(zip(all_entries(key, spec[key]),
                           np.concatenate([m.ravel() for m in mean]).tolist()))
        return out

    def view(self, seed: int) -> dict:
        """What ``bpgrade show`` prints: the visible problem's network and values."""
        values = self.reference_at(seed, 0)
        return {"arrays": {name: values[name] for name in self.context},
                "answer": self.keys_for(values),
                "layers": [len(values["W"]["layers"][0][0])]
                + [len(w) for w in values["W"]["layers"]],
                "activation": values["activation"], "loss": values["loss_name"]}

    # --- what the step table derives -------------------------------------------------------
    def axes(self, key: str, lang: str) -> str:
        from ..i18n import text

        return text(_AXES, "layers", lang, name=key)

    @cached_property
    def answer(self):
        return {key: key for key in self.list_keys}

    @cached_property
    def reads(self) -> dict:
        return {key: () for key in self.list_keys}     # --chain feeds it nothing

    def _words(self, pair: dict) -> dict:
        low, high = BATCH_SIZES
        values = {"batch": f"{low}–{high}"}
        from .derived import fill

        return {lang: fill(words, values) for lang, words in pair.items()}

    @cached_property
    def hints(self) -> dict:
        from ..i18n import pick

        hints = dict(super().hints)
        if self.prose.formula_hint:
            hints[3] = {lang: pick(self.prose.formula_hint, lang).format(formula=formula)
                        for lang, formula in hints[3].items()}
        return hints

    @cached_property
    def offers(self) -> dict:
        from ..i18n import pick

        def written(lang: str) -> str:
            joined = "; " if lang == "en" else "；"
            return joined.join(f"net.{name} {pick(words, lang)}"
                               for name, words in self.offered.items())

        return {"en": written("en"), "zh": written("zh")}

    def keys_text(self) -> dict:
        """The answer's keys as a stub lists them."""
        return {"en": '    "dW": [array per layer], "db": [array per layer]',
                "zh": '    "dW": [每层一个数组], "db": [每层一个数组]'}

"""Steps whose answers are arrays: one layer's backward pass in matrix form.

A :class:`MatrixStep` is a row of the step table like any other; what differs is that ``net``
holds one layer's vectors and matrices (:data:`grader.notation.LAYER_SYMBOLS`) of a network
drawn for the step, and the answers are arrays of given shapes. Its formula is written once,
as rows in numpy's notation with vectors as columns (``delta @ h_prev.T`` is the outer product
δ⁽ˡ⁾h⁽ˡ⁻¹⁾ᵀ); :func:`render` writes them with ᵀ and ⊙, :func:`evaluate` computes them (the
diagnosis evaluates slips of them), and the reference comes from the engine's backprop.
"""

from __future__ import annotations

import ast
from functools import cached_property

from .. import notation
from .step import Step

# Precedence of the operators a matrix formula may use (``*`` is elementwise: ⊙).
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.MatMult: 3}
_OPERATORS = {ast.Add: ("+", "+"), ast.Sub: ("-", "−"), ast.Mult: (r"\odot", "⊙"),
              ast.Div: ("/", "/")}

_AXES = {
    "rows": {"en": "rows: the {n} neurons of layer l", "zh": "行：第 l 层的 {n} 个神经元"},
    "columns": {"en": "columns: the {n} values of h⁽ˡ⁻¹⁾ feeding them",
                "zh": "列：输入它们的 h⁽ˡ⁻¹⁾ 的 {n} 个值"},
    "vector": {"en": "one entry per neuron of layer l ({n})", "zh": "第 l 层每个神经元一项（{n} 个）"},
    "shape": {"en": "{name} is expected with shape {shape} ({axes})",
              "zh": "{name} 的形状应为 {shape}（{axes}）"},
    "joined": {"en": ", ", "zh": "，"},
}


def parse(source: str):
    return ast.parse(source, mode="eval").body


def render(node, latex: bool, blank: str | None = None, put_in: dict | None = None) -> str:
    """A matrix formula in the lesson's notation: W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾, ⊙ for ``*`` (a product
    by a number or a scalar name, η ∂L/∂W, is written side by side), σ(…) for ``sigmoid(…)``;
    with ``blank``, every value is that blank (the formula's shape); with ``put_in`` (name →
    text), each name is written as that text (its numbers)."""
    if isinstance(node, str):
        node = parse(node)

    def wrap(child, above: int) -> str:
        inner = go(child)
        # a matrix product inside ⊙ keeps its brackets: (W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾) ⊙ …
        tight = above == 1 and isinstance(child, ast.BinOp) and isinstance(child.op, ast.MatMult)
        if isinstance(child, ast.BinOp) and (_PRECEDENCE[type(child.op)] <= above or tight):
            return rf"\left({inner}\right)" if latex else f"({inner})"
        return inner

    def go(n) -> str:
        if isinstance(n, ast.Name):
            if put_in is not None:
                return put_in[n.id]
            return blank or notation.LAYER_SYMBOLS[n.id][0 if latex else 1]
        if isinstance(n, ast.Constant):
            return f"{n.value:g}"
        if isinstance(n, ast.Call):                 # sigmoid(...): σ(…)
            inner = go(n.args[0])
            return rf"\sigma\left({inner}\right)" if latex else f"σ({inner})"
        if isinstance(n, ast.Attribute) and n.attr == "T":
            if put_in is not None and isinstance(n.value, ast.Name) \
                    and r"\begin" not in put_in[n.value.id]:
                return go(n.value)          # a single number put in is its own transpose
            return "{" + go(n.value) + r"}^{\top}" if latex else go(n.value) + "ᵀ"
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
            return "-" + wrap(n.operand, 1) if latex else "−" + wrap(n.operand, 1)
        level = _PRECEDENCE[type(n.op)]
        left = wrap(n.left, level - 1)
        right = wrap(n.right, level - (0 if isinstance(n.op, (ast.Sub, ast.Div)) else 1))
        if isinstance(n.op, ast.MatMult) or (isinstance(n.op, ast.Mult) and _scalar(n.left)):
            return f"{left} {right}"
        symbol = _OPERATORS[type(n.op)][0 if latex else 1]
        spaced = not (isinstance(n.left, ast.Constant) and not latex)
        return f"{left} {symbol} {right}" if spaced else f"{left}{symbol}{right}"

    return go(node)


def _scalar(node) -> bool:
    """Is ``node`` a number or a name of one (η), whose product is written side by side?"""
    return isinstance(node, ast.Constant) or (isinstance(node, ast.Name)
                                              and node.id in notation.SCALARS)


def evaluate(source: str, values: dict):
    """The formula on ``values`` (numpy arrays; vectors are taken as columns), as a column
    or matrix. A shape that does not fit raises ValueError, as numpy does."""
    import numpy as np

    def go(n):
        if isinstance(n, ast.Name):
            value = np.asarray(values[n.id], dtype=float)
            return value.reshape(-1, 1) if value.ndim == 1 else value
        if isinstance(n, ast.Constant):
            return float(n.value)
        if isinstance(n, ast.Call):
            from ..engine.forward import sigmoid

            return sigmoid(go(n.args[0]))
        if isinstance(n, ast.Attribute) and n.attr == "T":
            return go(n.value).T
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
            return -go(n.operand)
        left, right = go(n.left), go(n.right)
        if isinstance(n.op, ast.MatMult):
            return left @ right
        if isinstance(n.op, ast.Div):
            return left / right
        if np.shape(left) != np.shape(right) and np.ndim(left) and np.ndim(right):
            raise ValueError("⊙")          # numpy would broadcast; the math does not
        if isinstance(n.op, ast.Mult):
            return left * right
        return left + right if isinstance(n.op, ast.Add) else left - right

    return go(parse(source))


def names_in(source: str) -> list:
    """The names a formula reads, in reading order, each once."""
    tree = parse(source)
    functions = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    found = []
    for n in sorted((n for n in ast.walk(tree) if isinstance(n, ast.Name)
                     and id(n) not in functions),
                    key=lambda n: n.col_offset):
        if n.id not in found:
            found.append(n.id)
    return found


class MatrixStep(Step, frozen=True):
    """A step on one layer ``layer`` of a network with ``layers``, answering arrays.

    ``rows``: ``(key, formula)`` pairs in numpy notation, the answers in order; ``offered``:
    what ``net`` holds (names of :data:`grader.notation.LAYER_SYMBOLS`) with their meaning.
    """

    layers: tuple = ()
    layer: int = 0
    offered: dict | None = None      # name -> {"en": ..., "zh": ...}

    # --- the network and the shapes -------------------------------------------------------
    def shape(self, name: str) -> tuple:
        l, sizes = self.layer, self.layers
        vectors = {"h_prev": sizes[l - 1], "b": sizes[l], "z": sizes[l], "h": sizes[l],
                   "delta": sizes[l], "db": sizes[l], "z_next": sizes[l + 1],
                   "h_next": sizes[l + 1], "delta_next": sizes[l + 1]}
        matrices = {"W": (sizes[l], sizes[l - 1]), "dW": (sizes[l], sizes[l - 1]),
                    "W_next": (sizes[l + 1], sizes[l])}
        return (vectors[name],) if name in vectors else matrices[name]

    @property
    def arrays(self) -> dict:
        """{answer key: its shape}, in the step's order."""
        return {key: self.shape(key) for key, _ in self.rows}

    def axes(self, key: str, lang: str) -> str:
        """Why ``key`` has its shape, in words: what each axis counts."""
        from ..i18n import text
        from bpgrade_harness.answers import shape_text

        shape = self.shape(key)
        if len(shape) == 1:
            axes = text(_AXES, "vector", lang, n=shape[0])
        else:
            axes = text(_AXES, "joined", lang).join(
                [text(_AXES, "rows", lang, n=shape[0]), text(_AXES, "columns", lang, n=shape[1])])
        return text(_AXES, "shape", lang, name=key, shape=shape_text(shape), axes=axes)

    # --- its sheet (grader.render.sheets.arrays): what net offers, the answers, their rows ---
    @property
    def sheet_given(self) -> dict:
        return self.offered

    @property
    def sheet_answers(self) -> dict:
        return self.arrays

    @property
    def sheet_rows(self) -> tuple:
        return self.rows

    def reference(self, seed: int) -> dict:
        """Every value ``net`` holds (nested lists) and every answer entry (floats), on the
        network drawn for the step from ``seed``."""
        from bpgrade_harness.answers import entries
        from ..engine.backprop import backprop
        from ..engine.forward import forward
        from ..engine.generators import generate

        problem = generate(seed, self.layers)
        trace = forward(problem)
        grads = backprop(problem, trace)
        k = self.layer - 1                     # 0-based index of layer l in the engine
        inputs = (problem.x,) + trace.h[:-1]
        arrays = {"h_prev": inputs[k], "W": problem.weights[k], "b": problem.biases[k],
                  "z": trace.z[k], "h": trace.h[k], "W_next": problem.weights[k + 1],
                  "z_next": trace.z[k + 1], "h_next": trace.h[k + 1],
                  "delta_next": grads.dL_dz[k + 1],
                  "delta": grads.dL_dz[k], "dW": grads.dW[k], "db": grads.db[k]}
        values = {name: arrays[name].tolist() for name in self.offered}
        for key in self.arrays:
            values.update(zip(entries(key, self.shape(key)), arrays[key].ravel().tolist()))
        return values

    def shown(self, seed: int) -> tuple:
        """What a sheet of the visible problem shows: (values, shapes) — every value ``net``
        holds and every answer entry, as :meth:`reference` gives them, and the shape of each
        value and answer (a list of arrays: the list of their shapes)."""
        return self.reference(seed), {name: self.shape(name)
                                      for name in (*self.offered, *self.arrays)}

    def finite_differences(self, seed: int) -> dict:
        """Every answer entry again, from central differences of L alone: ∂L/∂W⁽ˡ⁾ and
        ∂L/∂b⁽ˡ⁾ by moving each parameter; δ⁽ˡ⁾ = ∂L/∂z⁽ˡ⁾ is ∂L/∂b⁽ˡ⁾, since b enters z
        with factor one."""
        from bpgrade_harness.answers import entries
        from ..engine.finite_difference import parameter_gradient
        from ..engine.generators import generate

        problem, k = generate(seed, self.layers), self.layer - 1
        dW = [parameter_gradient(problem, "W", k, (i, j)) for i in range(self.shape("dW")[0])
              for j in range(self.shape("dW")[1])]
        db = [parameter_gradient(problem, "b", k, (i,)) for i in range(self.shape("db")[0])]
        return dict(zip(entries("delta", self.shape("delta")), db)) \
            | dict(zip(entries("dW", self.shape("dW")), dW)) \
            | dict(zip(entries("db", self.shape("db")), db))

    # --- what the step table derives, for arrays ------------------------------------------
    @cached_property
    def answer(self):
        from bpgrade_harness.answers import entries

        return {name: name for key, shape in self.arrays.items() for name in entries(key, shape)}

    @cached_property
    def expression(self):
        return None                    # the formula is numpy's, evaluated by :func:`evaluate`

    @cached_property
    def context(self) -> tuple:
        return tuple(self.offered)

    @cached_property
    def uses(self) -> tuple:
        read = [n for _, source in self.rows for n in names_in(source)]
        return tuple(n for n in self.offered if n in read)

    @cached_property
    def reads(self) -> dict:
        """Per entry, the names its key's row reads (no earlier step answers them: --chain
        feeds a matrix step nothing)."""
        rows = dict(self.rows)
        return {name: tuple(names_in(rows[name.partition("[")[0]])) for name in self.answer}

    def _written(self, latex: bool) -> list:
        return [f"{notation.LAYER_SYMBOLS[key][0 if latex else 1]} = {render(source, latex)}"
                for key, source in self.rows]

    @cached_property
    def formula_lines(self) -> tuple:
        """The formula's LaTeX, a line per row."""
        return tuple(self._written(True))

    @cached_property
    def formula(self) -> str:
        return r",\quad ".join(self.formula_lines)

    @cached_property
    def formula_text(self) -> str:
        return ";  ".join(self._written(False))

    def _words(self, pair: dict) -> dict:
        """Prose with the network's sizes filled in: ``{layers}`` 3-4-3-2, ``{l}`` the layer,
        ``{n}``, ``{n_prev}``, ``{n_next}`` the sizes of layers l, l − 1 and l + 1."""
        from .derived import fill

        sizes = self.layers
        values = {"layers": "-".join(map(str, sizes)), "l": str(self.layer),
                  "n": str(sizes[self.layer]), "n_prev": str(sizes[self.layer - 1]),
                  "n_next": str(sizes[self.layer + 1])}
        return {lang: fill(words, values) for lang, words in pair.items()}

    @cached_property
    def hints(self) -> dict:
        third = {lang: joined.join(self._written(False))
                 for lang, joined in (("en", ";  "), ("zh", "；"))}
        return {1: self._words(self.prose.reuse), 2: self._words(self.prose.chain), 3: third}

    def blanks(self, lang: str = "en") -> str:
        """The formula's shape with every value a blank: ▢ = (▢ᵀ ▢) ⊙ ▢ ⊙ (1 − ▢) …"""
        from .derived import BLANK, ROWS_JOINED
        from ..i18n import pick

        return pick(ROWS_JOINED, lang).join(
            f"{notation.LAYER_SYMBOLS[key][1]} = {render(source, False, BLANK)}"
            for key, source in self.rows)

    @cached_property
    def offers(self) -> dict:
        from bpgrade_harness.answers import shape_text

        from ..i18n import pick

        def written(lang: str) -> str:
            joined = "; " if lang == "en" else "；"
            parts = [f"net.{name} {shape_text(self.shape(name))} {pick(words, lang)}"
                     for name, words in self.offered.items()]
            return joined.join(parts)

        return {"en": written("en"), "zh": written("zh")}

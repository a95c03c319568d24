"""What reuse saves: the cost of one gradient by three routes, measured.

The seed's claim is that differentiating the fully expanded loss separately for every
parameter repeats work, while backprop computes each intermediate once and reuses it.
This module turns that into numbers, for the seed's network and for larger ones:

* ``forward_ops`` and ``backprop_ops``: the arithmetic the reference engine
  (:mod:`grader.engine.forward`, :mod:`grader.engine.backprop`) performs, counted by running it on
  arrays that tally every elementwise operation (one ``+ − × ÷``, ``exp`` or comparison
  per element; a matrix product of inner size k costs k multiplications and k − 1
  additions per output);
* ``finite_difference_ops``: two forward passes per parameter, 2·P·forward_ops;
* ``naive_symbolic_ops``: the expanded loss written out with sympy, differentiated
  separately for each parameter with nothing shared, ``sympy.count_ops`` summed;
* the shared subexpressions ``sympy.cse`` finds across those derivatives, named as the
  seed's reused values (δ⁽³⁾·y(1−y), ∂L/∂h₁⁽²⁾·h₁⁽²⁾(1−h₁⁽²⁾), ...);
* the wall time of each route on this machine.

sympy is imported only inside the functions that differentiate. :func:`learner_cost` puts
the forward passes a learner's step18 ran (its ``net.loss`` calls) beside backprop's cost.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field

import numpy as np

from .. import records
from ..engine.backprop import backprop
from ..engine.forward import forward, layer_activations, run
from ..engine.generators import SEED_LAYERS, Problem, generate
from ..i18n import text

# The seed's network, then wider and deeper ones.
LADDER = ((2, 3, 2, 1), (2, 4, 3, 1), (2, 3, 3, 2, 1), (2, 6, 4, 1),
          (4, 16, 16, 1), (8, 32, 32, 1), (16, 64, 64, 1))
# The naive route is attempted while P × (estimated size of the expanded loss) stays under
# this; 2-6-4-1 (about 14,000) takes a couple of seconds, 2-8-8-1 (about 73,000) ten.
SYMBOLIC_SIZE_CAP = 16_000
SYMBOLIC_SECONDS = 20.0           # time budget of the naive route for one network
FINITE_DIFFERENCE_TIMED_PARAMS = 20_000   # finite differences are timed up to this many P

MESSAGES = {
    "title": {"en": "Cost of one gradient of L, in arithmetic operations (seed {seed})",
              "zh": "计算一次 L 的梯度的代价，以算术运算次数计（种子 {seed}）"},
    "unit": {"en": "one operation = one + − × ÷, exp or power on one number "
                   "(what sympy.count_ops counts)",
             "zh": "一次运算 = 对一个数做一次 + − × ÷、exp 或乘方（即 sympy.count_ops 的计数）"},
    "layers": {"en": "layers", "zh": "层"},
    "params": {"en": "params P", "zh": "参数 P"},
    "forward": {"en": "forward", "zh": "前向"},
    "backprop": {"en": "backprop", "zh": "反向传播"},
    "finite_difference": {"en": "finite diff.", "zh": "有限差分"},
    "naive_symbolic": {"en": "naive symbolic", "zh": "朴素符号求导"},
    "ops_header": {"en": "operations", "zh": "运算次数"},
    "time_header": {"en": "wall time on this machine", "zh": "本机实测耗时"},
    "times_backprop": {"en": "× backprop", "zh": "× 反向传播"},
    "too_big": {
        "en": "{layers}: naive symbolic skipped: its {params} derivatives of an expanded loss of "
              "about {size:,} operations each would be about {estimate:,} (cap {cap:,}; raise "
              "it with --symbolic-cap, expect minutes)",
        "zh": "{layers}：跳过朴素符号求导：展开后的损失约 {size:,} 次运算，对 {params} 个参数各求一次导，"
              "规模约 {estimate:,}（上限 {cap:,}；可用 --symbolic-cap 提高，需数分钟）"},
    "over_budget": {
        "en": "{layers}: naive symbolic stopped after {done} of {params} derivatives: "
              "over its {budget:g} s budget (raise it with --time-budget)",
        "zh": "{layers}：朴素符号求导在 {params} 个导数中算完 {done} 个后停止：超出 {budget:g} 秒的时间预算"
              "（可用 --time-budget 提高）"},
    "fd_untimed": {
        "en": "{layers}: finite differences not timed: {params:,} parameters is over "
              "{cap:,} (its operation count is exact all the same)",
        "zh": "{layers}：未计时有限差分：参数有 {params:,} 个，超过 {cap:,}（运算次数仍是精确的）"},
    "shared_title": {
        "en": "What backprop reuses: sympy.cse across the {params} naive derivatives of {layers}",
        "zh": "反向传播复用了什么：sympy.cse 在 {layers} 的 {params} 个朴素导数中找到的公共子式"},
    "shared_used": {"en": "in {used} of {params} derivatives", "zh": "出现在 {params} 个导数中的 {used} 个"},
    "unnamed": {"en": "(a partial product)", "zh": "（部分乘积）"},
    "shared_note": {
        "en": "Backprop computes each of these once and reuses it; differentiating every "
              "parameter separately writes it out again in every derivative that needs it.",
        "zh": "反向传播把这些值各算一次并复用；对每个参数分别求导，则在每个用到它的导数里都重新写一遍。"},
    "summary": {
        "en": "On {layers}: backprop {backprop:,} operations (= {ratio_fb:.1f} forward passes); "
              "finite differences {fd:,} ({ratio_fd:.0f}× backprop); naive symbolic {naive} "
              "({ratio_naive}× backprop).",
        "zh": "在 {layers} 上：反向传播 {backprop:,} 次运算（= {ratio_fb:.1f} 次前向传播）；"
              "有限差分 {fd:,}（反向传播的 {ratio_fd:.0f} 倍）；朴素符号求导 {naive}"
              "（反向传播的 {ratio_naive} 倍）。"},
    "svg_title": {"en": "Cost of one gradient against the number of parameters (log–log)",
                  "zh": "计算一次梯度的代价与参数个数（双对数坐标）"},
    "svg_note": {"en": "naive symbolic: measured up to P = {params}; larger networks are over "
                       "its size cap (see bpgrade cost)",
                 "zh": "朴素符号求导：只测到 P = {params}；更大的网络超出规模上限（见 bpgrade cost）"},
    "svg_x": {"en": "parameters P", "zh": "参数个数 P"},
    "svg_y": {"en": "arithmetic operations", "zh": "算术运算次数"},
    "learner": {
        "en": "your code ran {calls} forward passes on your problem (2P = {two_p} for P = {params} "
              "parameters) ≈ {ops:,} operations; backprop: 1 forward + 1 backward = "
              "{backprop:,} operations ({ratio:.0f}× fewer)",
        "zh": "你的代码在你的问题上做了 {calls} 次前向传播（P = {params} 个参数，2P = {two_p}）"
              "≈ {ops:,} 次运算；反向传播：1 次前向 + 1 次反向 = {backprop:,} 次运算"
              "（约为你的 1/{ratio:.0f}）"},
    "learner_none": {
        "en": "your code did not call net.loss; the naive route is 2P = {two_p} forward passes "
              "≈ {ops:,} operations, backprop 1 forward + 1 backward = {backprop:,}",
        "zh": "你的代码没有调用 net.loss；朴素做法是 2P = {two_p} 次前向传播 ≈ {ops:,} 次运算，"
              "反向传播是 1 次前向 + 1 次反向 = {backprop:,} 次运算"},
}


# --- counting the reference engine's arithmetic --------------------------------------------

class Tally(dict):
    """Operations by numpy ufunc name: {"multiply": 12, "add": 9, ...}."""

    def add(self, name: str, count: int) -> None:
        if count:
            self[name] = self.get(name, 0) + int(count)

    @property
    def total(self) -> int:
        return sum(self.values())


class CountingArray(np.ndarray):
    """An ndarray that adds every elementwise operation done on it to its :class:`Tally`.

    Anything the counter does not know (an array function other than sum and outer, a
    ufunc method other than a call or a reduction) raises instead of going uncounted.
    """

    tally: Tally

    def __array_finalize__(self, obj):
        self.tally = getattr(obj, "tally", None)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if kwargs.get("out") is not None or method not in ("__call__", "reduce"):
            raise TypeError(f"the operation counter does not handle {ufunc.__name__}.{method}")
        plain = [np.asarray(x).view(np.ndarray) if isinstance(x, CountingArray) else x
                 for x in inputs]
        result = np.asarray(getattr(ufunc, method)(*plain, **kwargs))
        if method == "reduce":
            self.tally.add(ufunc.__name__, np.size(plain[0]) - result.size)
        elif ufunc is np.matmul:
            inner = np.shape(plain[0])[-1]
            self.tally.add("multiply", result.size * inner)
            self.tally.add("add", result.size * (inner - 1))
        else:
            self.tally.add(ufunc.__name__, result.size)
        return _counting(result, self.tally)

    def __array_function__(self, func, types, args, kwargs):
        if func is np.sum:
            return np.add.reduce(args[0], axis=kwargs.get("axis"))
        if func is np.outer:
            a, b = args
            return np.multiply(a.ravel()[:, np.newaxis], b.ravel()[np.newaxis, :])
        raise TypeError(f"the operation counter does not handle numpy.{func.__name__}")


def _counting(array, tally: Tally) -> CountingArray:
    counted = np.array(array, dtype=float).view(CountingArray)
    counted.tally = tally
    return counted


def _counted_problem(problem: Problem, tally: Tally) -> Problem:
    return records.replace(
        problem, x=_counting(problem.x, tally), y_target=_counting(problem.y_target, tally),
        weights=tuple(_counting(w, tally) for w in problem.weights),
        biases=tuple(_counting(b, tally) for b in problem.biases))


def operation_counts(problem: Problem) -> dict:
    """{"forward": Tally, "backward": Tally}: what one forward and one backward pass do."""
    tally = Tally()
    counted = _counted_problem(problem, tally)
    trace = forward(counted)
    after_forward = Tally(tally)
    backprop(counted, trace)
    backward = Tally()
    for name, count in tally.items():
        backward.add(name, count - after_forward.get(name, 0))
    return {"forward": after_forward, "backward": backward}


def forward_ops(problem: Problem) -> int:
    return operation_counts(problem)["forward"].total


def backprop_ops(problem: Problem) -> int:
    """One forward pass plus one backward pass: what backprop needs for every gradient."""
    counts = operation_counts(problem)
    return counts["forward"].total + counts["backward"].total


def parameter_count(layers) -> int:
    return sum(n_in * n_out + n_out for n_in, n_out in zip(layers[:-1], layers[1:]))


def finite_difference_ops(problem: Problem) -> int:
    """Central differences: L at p + ε and at p − ε for each of the P parameters."""
    return 2 * parameter_count(problem.layers) * forward_ops(problem)


def expanded_size(layers) -> int:
    """About how many operations the fully expanded loss has, written as one tree.

    A neuron with n inputs costs n products, n sums and 4 for σ = 1/(1 + e^(−z)), plus a
    copy of every input's own tree: this is why the naive route grows with depth.
    """
    size = 0
    for n_in, _ in zip(layers[:-1], layers[1:]):
        size = 2 * n_in + 4 + n_in * size
    return size + 3


# --- the naive route: one derivative per parameter, nothing shared ----------------------

@dataclass
class Naive:
    """The naive symbolic route on one network; ``skipped`` says why it was not finished."""

    ops: int | None = None
    per_parameter: list = field(default_factory=list)
    seconds: float | None = None
    skipped: tuple | None = None             # (message key, values)
    derivatives: list = field(default_factory=list, repr=False)
    symbols: list = field(default_factory=list, repr=False)      # the parameters'
    inputs: list = field(default_factory=list, repr=False)       # x, then y_target


def _layers_text(layers) -> str:
    return "-".join(str(n) for n in layers)


def naive_symbolic(problem: Problem, cap: int = SYMBOLIC_SIZE_CAP,
                   budget: float = SYMBOLIC_SECONDS) -> Naive:
    """Write L out in full, differentiate it for every parameter separately, count."""
    params = parameter_count(problem.layers)
    size = expanded_size(problem.layers)
    if params * size > cap:
        return Naive(skipped=("too_big", dict(params=params, size=size, estimate=params * size,
                                              cap=cap)))
    import sympy

    from ..engine.witness import expanded_loss

    start = time.perf_counter()
    expanded = expanded_loss(tuple(problem.layers), layer_activations(problem))
    loss = expanded.loss
    symbols = [s for matrix in expanded.weights + expanded.biases for s in matrix]
    derivatives = []
    for symbol in symbols:
        if time.perf_counter() - start > budget:
            return Naive(skipped=("over_budget", dict(done=len(derivatives), params=params,
                                                      budget=budget)))
        derivatives.append(sympy.diff(loss, symbol))
    seconds = time.perf_counter() - start
    per_parameter = [int(sympy.count_ops(d)) for d in derivatives]
    return Naive(ops=sum(per_parameter), per_parameter=per_parameter, seconds=seconds,
                 derivatives=derivatives, symbols=symbols,
                 inputs=list(expanded.start) + list(expanded.target))


# --- what the naive derivatives share: the seed's reused values -------------------------

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")


def _h(layer: int, i: int, depth: int) -> str:
    if layer == depth:
        return "y" if i == 1 else f"y{str(i).translate(_SUB)}"
    return f"h{str(i).translate(_SUB)}{f'({layer})'.translate(_SUP)}"


def _z(layer: int, i: int, depth: int, width: int) -> str:
    index = "" if layer == depth and width == 1 else str(i).translate(_SUB)
    return f"z{index}{f'({layer})'.translate(_SUP)}"


def named_values(problem: Problem) -> list:
    """(label, value) of every intermediate the seed names, on ``problem``'s numbers."""
    trace = forward(problem)
    grads = backprop(problem, trace)
    depth = len(problem.weights)
    named = []
    for l in range(depth, 0, -1):
        for i in range(1, problem.layers[l] + 1):
            h, z = float(trace.h[l - 1][i - 1]), float(trace.z[l - 1][i - 1])
            dh, dz = float(grads.dL_dh[l - 1][i - 1]), float(grads.dL_dz[l - 1][i - 1])
            name = _h(l, i, depth)
            upstream = ("δ" + f"({depth})".translate(_SUP) if l == depth
                        else f"∂L/∂{name}")
            named += [(f"{upstream}·{name}(1−{name})", dz), (upstream, dh),
                      (f"{name}(1−{name})", h * (1 - h)), (name, h),
                      (f"e^(−{_z(l, i, depth, problem.layers[l])})", math.exp(-z)),
                      (f"1 + e^(−{_z(l, i, depth, problem.layers[l])})", 1 + math.exp(-z))]
    return named


@dataclass
class Shared:
    symbol: str
    expression: str
    name: str | None         # the seed's name for it, when its value is one
    used_by: int             # how many of the derivatives need it


def _display_names(problem: Problem) -> dict:
    """sympy symbol name -> the learner's name (w1_11, v1, b3) for the seed network."""
    if tuple(problem.layers) != SEED_LAYERS:
        return {}
    names = {}
    for l, W in enumerate(problem.weights, start=1):
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                names[f"W{l}_{i + 1}{j + 1}"] = f"v{j + 1}" if l == 3 else f"w{l}_{i + 1}{j + 1}"
            names[f"b{l}_{i + 1}"] = "b3" if l == 3 else f"b{l}_{i + 1}"
    names.update({"x_1": "x1", "x_2": "x2", "t_1": "y_target"})
    return names


def shared_subexpressions(problem: Problem, naive: Naive) -> list:
    """The subexpressions ``sympy.cse`` finds across the naive derivatives, with seed names.

    Each is evaluated on the problem's numbers and named when it equals one of the
    values backprop computes once (up to sign).
    """
    import sympy

    from ..engine.witness import rational

    replacements, reduced = sympy.cse(naive.derivatives)
    flat = [v for array in problem.weights + problem.biases for v in np.ravel(array)]
    values = {symbol: rational(v) for symbol, v in zip(naive.symbols, flat)}
    inputs = list(problem.x) + list(problem.y_target)
    values.update({symbol: rational(v) for symbol, v in zip(naive.inputs, inputs)})
    named = named_values(problem)
    depends = {}
    shared = []
    rename = {sympy.Symbol(k): sympy.Symbol(v) for k, v in _display_names(problem).items()}
    for symbol, expression in replacements:
        values[symbol] = expression.xreplace(values).evalf(30)
        value = float(values[symbol])
        depends[symbol] = {symbol} | set().union(
            *(depends[s] for s in expression.free_symbols if s in depends))
        name = next((label for label, v in named if _same(value, v)), None)
        if name is None:
            name = next((f"−({label})" for label, v in named if _same(value, -v)), None)
        shared.append(Shared(symbol=str(symbol), expression=str(expression.xreplace(rename)),
                             name=name, used_by=0))
    needs = []
    for expression in reduced:
        direct = [s for s in expression.free_symbols if s in depends]
        needs.append(set().union(*(depends[s] for s in direct)) if direct else set())
    for item, (symbol, _) in zip(shared, replacements):
        item.used_by = sum(symbol in need for need in needs)
    return shared


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(b), 1e-12)


# --- wall time -------------------------------------------------------------------------------

def _median_seconds(function, budget: float = 0.2, repeats: int = 5) -> float:
    """The median time of one call, over ``repeats`` batches sized to fill ``budget``."""
    import statistics

    start = time.perf_counter()
    function()
    once = max(time.perf_counter() - start, 1e-7)
    loops = max(1, int(budget / repeats / once))
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(loops):
            function()
        samples.append((time.perf_counter() - start) / loops)
    return statistics.median(samples)


def _finite_difference_pass(problem: Problem, eps: float = 1e-5) -> list:
    """Every dL/dparameter from two forward passes each, as a learner's step18 does."""
    grads = []
    for l in range(len(problem.weights)):
        for which in ("weights", "biases"):
            arrays = getattr(problem, which)
            for index in np.ndindex(arrays[l].shape):
                losses = []
                for sign in (1, -1):
                    changed = np.array(arrays[l], dtype=float)
                    changed[index] += sign * eps
                    replaced = arrays[:l] + (changed,) + arrays[l + 1:]
                    losses.append(run(problem, **{which: replaced}).loss)
                grads.append((losses[0] - losses[1]) / (2 * eps))
    return grads


# --- one row per network ---------------------------------------------------------------------

@dataclass
class Row:
    layers: tuple
    params: int
    forward_ops: int
    backprop_ops: int
    naive_symbolic_ops: int | None
    finite_difference_ops: int
    seconds: dict
    ops_by_kind: dict
    skipped: dict = field(default_factory=dict)      # method -> (message key, values)

    def to_dict(self, lang: str = "en") -> dict:
        return {
            "layers": list(self.layers), "params": self.params,
            "forward_ops": self.forward_ops, "backprop_ops": self.backprop_ops,
            "naive_symbolic_ops": self.naive_symbolic_ops,
            "finite_difference_ops": self.finite_difference_ops,
            "seconds": dict(self.seconds),
            "ops_by_kind": {k: dict(v) for k, v in self.ops_by_kind.items()},
            "skipped": {method: skip_message(self, method, lang) for method in self.skipped},
        }


@dataclass
class CostReport:
    seed: int
    rows: list
    shared: list = field(default_factory=list)     # Shared, for the first network
    shared_layers: tuple | None = None

    def to_dict(self, lang: str = "en") -> dict:
        return {"seed": self.seed, "rows": [row.to_dict(lang) for row in self.rows],
                "shared": {"layers": list(self.shared_layers) if self.shared_layers else None,
                           "subexpressions": [dataclasses.asdict(s) for s in self.shared]}}


def skip_message(row: Row, method: str, lang: str) -> str:
    key, values = row.skipped[method]
    return text(MESSAGES, key, lang, layers=_layers_text(row.layers), **values)


def measure_row(problem: Problem, cap: int = SYMBOLIC_SIZE_CAP,
                budget: float = SYMBOLIC_SECONDS, naive: Naive | None = None) -> Row:
    counts = operation_counts(problem)
    forward_count = counts["forward"].total
    params = parameter_count(problem.layers)
    naive = naive if naive is not None else naive_symbolic(problem, cap, budget)
    seconds = {
        "forward": _median_seconds(lambda: forward(problem)),
        "backprop": _median_seconds(lambda: backprop(problem, forward(problem))),
        "finite_difference": None,
        "naive_symbolic": naive.seconds,
    }
    skipped = {}
    if params <= FINITE_DIFFERENCE_TIMED_PARAMS:
        seconds["finite_difference"] = _median_seconds(
            lambda: _finite_difference_pass(problem), budget=0.0, repeats=3)
    else:
        skipped["finite_difference"] = ("fd_untimed", dict(params=params,
                                                           cap=FINITE_DIFFERENCE_TIMED_PARAMS))
    if naive.skipped:
        skipped["naive_symbolic"] = naive.skipped
    return Row(layers=tuple(problem.layers), params=params, forward_ops=forward_count,
               backprop_ops=forward_count + counts["backward"].total,
               naive_symbolic_ops=naive.ops, finite_difference_ops=2 * params * forward_count,
               seconds=seconds, ops_by_kind=counts, skipped=skipped)


def measure(networks=LADDER, seed: int = 0, cap: int = SYMBOLIC_SIZE_CAP,
            budget: float = SYMBOLIC_SECONDS, shared: bool = True, lang: str = "en") -> CostReport:
    """One :class:`Row` per network (layer sizes, input first), on ``seed``'s problems.

    With ``shared``, the first network's naive derivatives also go through ``sympy.cse``.
    """
    rows, found, found_layers = [], [], None
    for layers in networks:
        problem = generate(seed, layers, lang=lang)
        naive = naive_symbolic(problem, cap, budget)
        rows.append(measure_row(problem, cap, budget, naive))
        if shared and found_layers is None and naive.derivatives \
                and problem.activation == "sigmoid":
            found, found_layers = shared_subexpressions(problem, naive), tuple(problem.layers)
        naive.derivatives = []
    return CostReport(seed=seed, rows=rows, shared=found, shared_layers=found_layers)


# --- the learner's own cost in the naive-gradient exercise (step18) -----------------------

def learner_cost(loss_calls: int, problem: Problem) -> dict:
    """The learner's forward passes beside backprop's cost, on the same network."""
    counts = operation_counts(problem)
    forward_count = counts["forward"].total
    backprop_count = forward_count + counts["backward"].total
    params = parameter_count(problem.layers)
    return {"loss_calls": int(loss_calls), "params": params, "forward_ops": forward_count,
            "learner_ops": int(loss_calls) * forward_count, "backprop_ops": backprop_count}


def learner_cost_message(cost: dict, lang: str) -> str:
    if not cost["loss_calls"]:
        return text(MESSAGES, "learner_none", lang, two_p=2 * cost["params"],
                    ops=2 * cost["params"] * cost["forward_ops"], backprop=cost["backprop_ops"])
    return text(MESSAGES, "learner", lang, calls=cost["loss_calls"], two_p=2 * cost["params"],
                params=cost["params"], ops=cost["learner_ops"], backprop=cost["backprop_ops"],
                ratio=cost["learner_ops"] / cost["backprop_ops"])


# --- presentation: a terminal table and an SVG plot; nothing below measures ----------------

SERIES = (("backprop", "backprop_ops", "#1b7837"),
          ("finite_difference", "finite_difference_ops", "#2166ac"),
          ("naive_symbolic", "naive_symbolic_ops", "#b2182b"))


def _width(value: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in value)


def _pad(value: str, width: int, left: bool = False) -> str:
    fill = " " * max(0, width - _width(value))
    return value + fill if left else fill + value


def _seconds(value) -> str:
    if value is None:
        return "—"
    if value < 1e-3:
        return f"{value * 1e6:.0f} µs"
    if value < 1:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"


def _ratio(value, base) -> str:
    return "—" if value is None else f"{value / base:,.0f}"


def table(report: CostReport, lang: str = "en") -> str:
    """The rows as a terminal table, then skipped methods, shared values and a summary."""
    t = lambda key, **kw: text(MESSAGES, key, lang, **kw)       # noqa: E731
    heads = [t("layers"), t("params"), t("forward"), t("backprop"), t("finite_difference"),
             t("naive_symbolic"), t("backprop"), t("finite_difference"), t("naive_symbolic")]
    body = []
    for row in report.rows:
        naive = "—" if row.naive_symbolic_ops is None else f"{row.naive_symbolic_ops:,}"
        body.append([_layers_text(row.layers), f"{row.params:,}", f"{row.forward_ops:,}",
                     f"{row.backprop_ops:,}",
                     f"{row.finite_difference_ops:,} ({_ratio(row.finite_difference_ops, row.backprop_ops)}×)",
                     naive + ("" if row.naive_symbolic_ops is None
                              else f" ({_ratio(row.naive_symbolic_ops, row.backprop_ops)}×)"),
                     _seconds(row.seconds["backprop"]), _seconds(row.seconds["finite_difference"]),
                     _seconds(row.seconds["naive_symbolic"])])
    widths = [max(_width(line[i]) for line in [heads] + body) for i in range(len(heads))]
    gap = "  "
    ops_width = sum(widths[:6]) + len(gap) * 5
    lines = [t("title", seed=report.seed), t("unit"), "",
             _pad(t("ops_header") + f" ({t('times_backprop')})", ops_width, left=True)
             + "   " + t("time_header")]
    for line in [heads] + body:
        cells = [_pad(cell, widths[i], left=(i == 0)) for i, cell in enumerate(line)]
        lines.append(gap.join(cells[:6]) + "   " + gap.join(cells[6:]))
    notes = [skip_message(row, method, lang) for row in report.rows for method in row.skipped]
    if notes:
        lines.append("")
        lines.extend(f"* {note}" for note in notes)
    if report.shared:
        params = parameter_count(report.shared_layers)
        lines += ["", t("shared_title", params=params, layers=_layers_text(report.shared_layers))]
        wide = max(len(f"{s.symbol} = {s.expression}") for s in report.shared)
        name_wide = max(_width(s.name or t("unnamed")) for s in report.shared)
        for s in report.shared:
            lines.append(f"  {s.symbol + ' = ' + s.expression:<{wide}}   "
                         f"{_pad(s.name or t('unnamed'), name_wide, left=True)}   "
                         f"{t('shared_used', used=s.used_by, params=params)}")
        lines.append(t("shared_note"))
    first = report.rows[0] if report.rows else None
    if first is not None:
        naive = ("—" if first.naive_symbolic_ops is None else f"{first.naive_symbolic_ops:,}")
        lines += ["", t("summary", layers=_layers_text(first.layers), backprop=first.backprop_ops,
                        ratio_fb=first.backprop_ops / first.forward_ops,
                        fd=first.finite_difference_ops,
                        ratio_fd=first.finite_difference_ops / first.backprop_ops, naive=naive,
                        ratio_naive=_ratio(first.naive_symbolic_ops, first.backprop_ops))]
    return "\n".join(lines)


def plot_model(report: CostReport, lang: str = "en") -> dict:
    """Everything the SVG template draws, already placed: log10 of P across, of ops up."""
    width, height = 760, 460
    left, right, top, bottom = 80, 190, 50, 60
    series = []
    for method, key, color in SERIES:
        points = sorted((row.params, getattr(row, key), _layers_text(row.layers))
                        for row in report.rows if getattr(row, key) is not None)
        series.append((method, color, points))
    xs = [p for _, _, points in series for p, _, _ in points] or [1]
    ys = [v for _, _, points in series for _, v, _ in points] or [1]
    x_low, x_high = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
    y_low, y_high = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    x_high, y_high = max(x_high, x_low + 1), max(y_high, y_low + 1)

    def at(p, v):
        x = left + (math.log10(p) - x_low) / (x_high - x_low) * (width - left - right)
        y = height - bottom - (math.log10(v) - y_low) / (y_high - y_low) * (height - top - bottom)
        return round(x, 1), round(y, 1)

    def power(k):
        return "10" + str(k).translate(_SUP) if k >= 0 else f"1e{k}"

    drawn = []
    for i, (method, color, points) in enumerate(series):
        placed = [dict(zip(("x", "y"), at(p, v)), label=f"{name}: P = {p:,}, {v:,}")
                  for p, v, name in points]
        drawn.append({"name": text(MESSAGES, method, lang), "color": color, "points": placed,
                      "path": " ".join(f"{q['x']},{q['y']}" for q in placed),
                      "legend": {"x": width - right + 20, "y": top + 20 + 24 * i}})
    plot_bottom, plot_right = height - bottom, width - right
    middle_y = top + (plot_bottom - top) / 2
    for entry in drawn:
        legend = entry["legend"]
        entry["legend_line"] = {"x1": legend["x"], "x2": legend["x"] + 24, "y": legend["y"]}
        entry["legend_text"] = {"x": legend["x"] + 30, "y": legend["y"] + 4}
    return {
        "width": width, "height": height, "title": text(MESSAGES, "svg_title", lang),
        "title_at": {"x": width / 2, "y": 24},
        "x_label": text(MESSAGES, "svg_x", lang), "y_label": text(MESSAGES, "svg_y", lang),
        "x_label_at": {"x": left + (plot_right - left) / 2, "y": height - 18},
        "y_label_at": {"x": 20, "y": middle_y},
        "frame": {"x": left, "y": top, "w": plot_right - left, "h": plot_bottom - top},
        "x_ticks": [{"at": x, "label": power(k), "label_y": plot_bottom + 18}
                    for k in range(x_low, x_high + 1) for x in [at(10 ** k, 10 ** y_low)[0]]],
        "y_ticks": [{"at": y, "label": power(k), "label_x": left - 8, "label_y": y + 4}
                    for k in range(y_low, y_high + 1) for y in [at(10 ** x_low, 10 ** k)[1]]],
        "plot_left": left, "plot_right": plot_right, "plot_bottom": plot_bottom,
        "plot_top": top, "series": drawn,
        "notes": [{"x": left, "y": height - 6, "text": text(MESSAGES, "svg_note", lang, params=max(
            (row.params for row in report.rows if row.naive_symbolic_ops is not None), default=0))}
            for _ in [0] if any("naive_symbolic" in row.skipped for row in report.rows)],
    }


def svg(report: CostReport, lang: str = "en") -> str:
    from ..render import templates

    return templates.render("cost.svg.j2", plot=plot_model(report, lang))

"""What reuse saves: the cost of one gradient by three routes, measured.

The seed's claim is that differentiating the fully expanded loss separately for every
parameter repeats work, while backprop computes each intermediate once and reuses it.
The lab turns that into numbers, for the seed's network and for larger ones, one
:class:`~.report.Row` per network:

* ``forward_ops`` and ``backprop_ops``: the arithmetic the reference engine performs,
  counted by running it on arrays that tally every operation (:mod:`.counting`);
* ``finite_difference_ops``: two forward passes per parameter, 2·P·forward_ops;
* ``naive_symbolic_ops``: the expanded loss differentiated with sympy separately for each
  parameter, nothing shared, and what ``sympy.cse`` finds shared across those derivatives,
  named as the seed's reused values (:mod:`.symbolic`);
* the wall time of each route on this machine (below).

:mod:`.report` shows the rows. :func:`learner_cost` puts the forward passes a learner's
step18 ran (its ``net.loss`` calls) beside backprop's cost; :func:`learner_full_pass` times a
learner's own step20, the whole backward pass, on every network beside the engine's.
"""

from __future__ import annotations

import time

import numpy as np

from ..engine.backprop import backprop
from ..engine.forward import forward, run
from ..engine.generators import Problem, generate
from ..i18n import text
from ..notation import LOSSES, SEED_LOSS
from .counting import operation_counts, parameter_count
from .report import CostReport, Family, Row
from .symbolic import (SYMBOLIC_SECONDS, SYMBOLIC_SIZE_CAP, Naive, naive_symbolic,
                       shared_subexpressions)

# Two families grown from the seed's network: its hidden layers twice as wide each time, and
# one more hidden layer of 3 each time. The plot draws each as its own line. A softmax needs
# two outputs (a softmax of one is always 1): with softmax_cross_entropy each ends in 2
# (:func:`ladders`), and the report says so.
LADDERS = {
    "width": ((2, 3, 2, 1), (2, 6, 4, 1), (2, 12, 8, 1), (2, 24, 16, 1), (2, 48, 32, 1),
              (2, 96, 64, 1)),
    "depth": ((2, 3, 2, 1), (2, 3, 3, 2, 1), (2, 3, 3, 3, 2, 1), (2, 3, 3, 3, 3, 2, 1),
              (2, 3, 3, 3, 3, 3, 2, 1)),
}
FINITE_DIFFERENCE_TIMED_PARAMS = 20_000   # finite differences are timed up to this many P

MESSAGES = {
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


def ladders(loss: str = SEED_LOSS) -> dict:
    """:data:`LADDERS` for ``loss``: as they are, or ending in 2 outputs for a softmax."""
    if LOSSES[loss] != "softmax":
        return LADDERS
    return {name: tuple(n[:-1] + (max(2, n[-1]),) for n in ladder)
            for name, ladder in LADDERS.items()}


def default_networks(loss: str = SEED_LOSS) -> tuple:
    """Every network of :func:`ladders`, each once: what ``bpgrade cost`` measures by default."""
    return tuple(dict.fromkeys(n for ladder in ladders(loss).values() for n in ladder))


LADDER = default_networks()             # the lesson's loss's


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


def measure(networks=None, seed: int = 0, cap: int = SYMBOLIC_SIZE_CAP,
            budget: float = SYMBOLIC_SECONDS, shared: bool = True, lang: str = "en",
            activation: str = "sigmoid", loss: str = SEED_LOSS, yours=None) -> CostReport:
    """One :class:`Row` per network (layer sizes, input first), on ``seed``'s problems drawn
    with ``activation`` in the hidden layers and ``loss``; by default the ladders for that loss
    (:func:`ladders`).

    Every problem is drawn before anything is timed, so a bad name or a network the loss cannot
    have (softmax_cross_entropy on one output) is refused at once. With ``shared``, the first
    network's naive derivatives also go through ``sympy.cse`` when its activations are all
    sigmoid, the lesson's, whose reused values the seed names. ``yours``: an exercises
    folder whose step20 is timed on the same networks (:func:`learner_full_pass`).
    """
    widened = networks is None and ladders(loss) != LADDERS
    networks = default_networks(loss) if networks is None else networks
    problems = [generate(seed, layers, activation, lang=lang, loss=loss) for layers in networks]
    rows, found, found_layers = [], [], None
    for problem in problems:
        naive = naive_symbolic(problem, cap, budget)
        rows.append(measure_row(problem, cap, budget, naive))
        if shared and found_layers is None and naive.derivatives \
                and problem.activation == problem.output_activation == "sigmoid":
            found, found_layers = shared_subexpressions(problem, naive), tuple(problem.layers)
        naive.derivatives = []
    output = problems[0].output_activation if problems else LOSSES[loss]
    timed = learner_full_pass(yours, problems, lang) if yours is not None else None
    return CostReport(seed=seed, rows=rows, shared=found, shared_layers=found_layers,
                      families=families(networks, ladders(loss)), activation=activation,
                      output_activation=output, loss=loss, widened_outputs=widened, yours=timed)


def families(networks, known: dict = LADDERS) -> list:
    """Which of ``networks`` the plot joins into one line: each ladder of ``known`` (one of
    :func:`ladders`) of which at least two are measured, then the rest by depth. No network
    is in two lines unless it starts both ladders."""
    networks = [tuple(n) for n in networks]
    found, placed = [], set()
    for name, ladder in known.items():
        members = tuple(n for n in ladder if n in networks)
        if len(members) >= 2:
            found.append(Family(name=name, networks=members))
            placed.update(members)
    by_depth = {}
    for n in dict.fromkeys(networks):
        if n not in placed:
            by_depth.setdefault(len(n), []).append(n)
    for depth in sorted(by_depth):
        found.append(Family(name="layers", networks=tuple(sorted(by_depth[depth],
                                                                 key=parameter_count))))
    return found


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



# --- the learner's own backward pass (step20), timed beside the engine's -------------------

LEARNER_REPEATS = 5          # calls of the learner's step20 per network; the median is kept


def learner_full_pass(folder, problems: list, lang: str = "en") -> dict:
    """The learner's ``step20`` in ``folder`` run on each of ``problems`` (``net`` as the
    step gives it: the forward pass done) in its own process, each call timed there, beside
    the engine's backward pass on the same network. ``{"file", "status", "rows"}``: status
    ``passed`` (right on every network), ``failed``, ``invalid``, ``error``, ``timeout``,
    ``not_started`` or ``missing``; rows ``{"layers", "seconds", "reference_seconds"}`` where
    the answers were right."""
    import statistics
    from pathlib import Path

    from .. import sandbox, tolerances
    from ..sandbox.answers import PER_TRIAL
    from ..steps import registry

    step = registry.get("step20")
    path = Path(folder) / step.file_name
    found = {"file": str(path), "status": "missing", "rows": []}
    if not path.is_file():
        return found
    values = [step.values_of([problem]) for problem in problems]
    each = [value for value in values for _ in range(LEARNER_REPEATS)]
    contexts = [({name: value[name] for name in step.context}, step.id, {}) for value in each]
    keys = {PER_TRIAL: [step.keys_for(value) for value in each]}
    outcome = sandbox.run_file(path, step.function_name, contexts, keys, lang,
                               timeout=sandbox.DEFAULT_TIMEOUT + len(contexts) * 0.1, timed=True)
    if outcome.kind != "answers":
        return found | {"status": outcome.kind}
    if any("invalid" in answer for answer in outcome.answers):
        return found | {"status": "invalid"}
    right = all(tolerances.close(answer["values"][name], value[name])
                for answer, value in zip(outcome.answers, each)
                for _, name in step.items_for(value))
    if not right:
        return found | {"status": "failed"}
    seconds = outcome.extras["seconds"]
    rows = []
    for i, problem in enumerate(problems):
        trace = forward(problem)
        rows.append({"layers": list(problem.layers),
                     "seconds": statistics.median(seconds[i * LEARNER_REPEATS:
                                                          (i + 1) * LEARNER_REPEATS]),
                     "reference_seconds": _median_seconds(lambda: backprop(problem, trace))})
    return found | {"status": "passed", "rows": rows}

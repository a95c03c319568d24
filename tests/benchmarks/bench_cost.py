"""Benchmarks for grader.cost and the step18 check: medians, and ratios against a baseline
measured in the same run.

    python tests/benchmarks/bench_cost.py

1. ``net`` for steps 0-17 (which now looks up whether the step offers ``net.loss``) against
   a ``net`` with no step id: the check path of the earlier steps must not slow down.
2. ``bpgrade check step18`` (40 counted forward passes per problem) against step17.
3. Counting the engine's operations against running it plainly.
4. The seed network's row of ``bpgrade cost``.
5. The naive route under its default time budget: 3-5-5-1 and 2-4-4-1 (counted), then each
   network of the default ladders, with where the budget stopped it; and the default
   ``bpgrade cost`` as a whole.
6. The lesson's network for every hidden activation and loss (2-3-2-2 for softmax, which
   needs two outputs): each route's operations, and the naive route's seconds.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from grader.checking import check as checking

from grader.cost import counting, lab, symbolic  # noqa: E402

from grader.steps import registry  # noqa: E402
from grader.engine.backprop import backprop  # noqa: E402
from grader.steps.context import Context  # noqa: E402
from grader.engine.forward import forward  # noqa: E402
from grader.engine.generators import generate  # noqa: E402
from grader.engine.forward import ACTIVATIONS  # noqa: E402
from grader.notation import LOSSES  # noqa: E402
from grader.steps.quantities import reference  # noqa: E402


def paired_medians(function, baseline, repeats: int = 9, loops: int = 1) -> tuple:
    """Median seconds per call of ``function`` and of ``baseline``, sampled alternately so
    that load from other processes falls on both alike."""
    samples, base_samples = [], []
    for _ in range(repeats):
        for target, store in ((function, samples), (baseline, base_samples)):
            start = time.perf_counter()
            for _ in range(loops):
                target()
            store.append((time.perf_counter() - start) / loops)
    return statistics.median(samples), statistics.median(base_samples)


def show(label: str, value: float, baseline: float, base_label: str) -> None:
    print(f"{label:<44} {value * 1e6:12.1f} µs   {base_label:<28} {baseline * 1e6:12.1f} µs"
          f"   ratio {value / baseline:.3f}")


def main() -> None:
    problem = generate(0)
    ref = reference(problem)
    step7 = registry.get("step7")
    values = {name: ref[name] for name in step7.context}
    show("Context for step7", *paired_medians(lambda: Context(values, "step7"),
                                              lambda: Context(values, ""), loops=2000),
         "Context with no step id")

    solutions = ROOT / "solutions"
    checking.check(["step17"], solutions)                       # warm up
    show("check step18 (solutions)", *paired_medians(lambda: checking.check(["step18"], solutions),
                                                     lambda: checking.check(["step17"], solutions)),
         "check step17 (solutions)")

    show("count forward + backward ops",
         *paired_medians(lambda: counting.operation_counts(problem),
                         lambda: backprop(problem, forward(problem)), loops=200),
         "forward + backprop, plain")

    report = lab.measure([(2, 3, 2, 1)])
    row = report.rows[0]
    print("\nseed network 2-3-2-1:")
    print(f"  params {row.params}, forward_ops {row.forward_ops}, backprop_ops {row.backprop_ops}, "
          f"finite_difference_ops {row.finite_difference_ops}, "
          f"naive_symbolic_ops {row.naive_symbolic_ops}")
    print("  seconds: " + ", ".join(f"{k} {v:.6f}" for k, v in row.seconds.items()
                                    if v is not None))
    print(f"  ratios to backprop: finite differences {row.finite_difference_ops / row.backprop_ops:.1f}×,"
          f" naive symbolic {row.naive_symbolic_ops / row.backprop_ops:.1f}×")

    print(f"\nnaive symbolic, default budget {symbolic.SYMBOLIC_SECONDS:g} s:")
    for layers in ((3, 5, 5, 1), (2, 4, 4, 1)) + lab.LADDER:
        start = time.perf_counter()
        naive = symbolic.naive_symbolic(generate(0, layers))
        took = time.perf_counter() - start
        outcome = f"{naive.ops:,} ops" if naive.ops is not None else \
            f"{naive.skipped[0]} {', '.join(f'{k} {v:.4g}' for k, v in naive.skipped[1].items())}"
        print(f"  {'-'.join(map(str, layers)):<18} {took:6.2f} s   {outcome}")
    start = time.perf_counter()
    lab.measure()
    print(f"default bpgrade cost (every network, cse of the seed's): "
          f"{time.perf_counter() - start:.1f} s")

    print("\nthe lesson's network by activation and loss (forward, backprop, finite "
          "differences, naive symbolic ops; naive seconds):")
    from sympy.core.cache import clear_cache

    for activation in ACTIVATIONS:
        for loss in LOSSES:
            clear_cache()                     # each timed cold: the losses share subexpressions
            layers = lab.default_networks(loss)[0]
            row = lab.measure([layers], activation=activation, loss=loss, shared=False).rows[0]
            print(f"  {activation:<8} {loss:<22} {'-'.join(map(str, layers)):<8} "
                  f"{row.forward_ops:>4} {row.backprop_ops:>4} {row.finite_difference_ops:>6,} "
                  f"{row.naive_symbolic_ops:>7,} ({row.naive_symbolic_ops / row.backprop_ops:.0f}×"
                  f" backprop)  {row.seconds['naive_symbolic']:.2f} s")


if __name__ == "__main__":
    main()

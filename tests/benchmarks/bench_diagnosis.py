"""How much a diagnosis adds to ``bpgrade check``.

Runs the command (python -m grader) on step 7 answered right (no diagnosis: the baseline) and
answered with a dropped σ′ factor (diagnosed), and times ``diagnose`` itself in-process for
every step. Prints medians and the ratio wrong/right. Run: python tests/benchmarks/bench_diagnosis.py
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader.checking import check as checking

from grader.steps import registry
from grader.checking.diagnosis import diagnose

RUNS = 16
RIGHT = "def step7(net):\n    return net.dL_dh2_1 * net.h2_1 * (1 - net.h2_1) * net.h1_1\n"
WRONG = "def step7(net):\n    return net.dL_dh2_1 * net.h1_1\n"


def _once(folder: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "grader", "check", "step7", "--exercises", str(folder)],
                   capture_output=True, check=False)
    return time.perf_counter() - start


def command_medians(right: Path, wrong: Path) -> tuple:
    """Interleaved runs in alternating order, so load on the machine hits both alike."""
    times = {right: [], wrong: []}
    for run in range(RUNS):
        for folder in ((right, wrong) if run % 2 else (wrong, right)):
            times[folder].append(_once(folder))
    return statistics.median(times[right]), statistics.median(times[wrong])


def diagnose_times() -> dict:
    """{step id: (cold, warm median)} seconds for an answer no candidate explains."""
    from grader.checking import diagnosis
    from grader.steps import expression

    problem_set = checking.ProblemSet(0)
    out = {}
    for step in registry.STEPS:
        contexts = [v for v, _, _ in checking.contexts_for(step, problem_set, "en")]
        expected = [checking.expected_values(step, ref) for ref in problem_set.references]
        received = [{k: 1.37 * v + 0.01 for k, v in e.items()} for e in expected]
        diagnosis.candidates.cache_clear()
        expression.parse.cache_clear()
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            diagnose(step, contexts, received, expected, "en", problem_set.references)
            times.append(time.perf_counter() - start)
        out[step.id] = (times[0], statistics.median(times[1:]))
    return out


def main() -> None:
    work = Path(tempfile.mkdtemp())
    try:
        right, wrong = work / "right", work / "wrong"
        for folder, source in ((right, RIGHT), (wrong, WRONG)):
            folder.mkdir()
            (folder / "step07.py").write_text(source)
        base, diagnosed = command_medians(right, wrong)
        print(f"bpgrade check step7, right answer (baseline): median {base * 1000:.0f} ms")
        print(f"bpgrade check step7, wrong answer, diagnosed: median {diagnosed * 1000:.0f} ms")
        print(f"ratio wrong/right: {diagnosed / base:.2f}")
        per_step = diagnose_times()
        for label, index in (("first call, building the candidates", 0), ("later calls", 1)):
            values = {k: v[index] for k, v in per_step.items()}
            worst = max(values, key=values.get)
            print(f"diagnose() in-process, {label}: median over steps "
                  f"{statistics.median(values.values()) * 1000:.2f} ms, slowest {worst} "
                  f"{values[worst] * 1000:.2f} ms")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()

"""How long does ``bpgrade check step7`` take, against the floor of starting Python with numpy?

Runs the installed ``bpgrade`` console script on the solutions folder and a bare
``python -c "import numpy"``, interleaved, and prints both medians and their ratio
(target: at most 1.3x) — for a repeated check (the learner's loop; problems cached) and
for the first check of a seed. Over the target it also lists the slowest imports that the check
adds on top of numpy (``python -X importtime``) and where the rest of the time goes.

    python tests/benchmarks/bench_check.py [--repeat 20] [--target 1.3] [--ladder]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"


def bpgrade_script() -> str:
    """The console script itself (not a version manager's shim in front of it)."""
    script = Path(sysconfig.get_path("scripts")) / "bpgrade"
    found = str(script) if script.exists() else shutil.which("bpgrade")
    if not found:
        sys.exit("bpgrade is not installed: pip install -e '.[test]'")
    return found


def timed(command: list, env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr.decode()}")
    return elapsed


def import_times(code: str, env: dict) -> dict:
    """{module: self time in ms} from ``python -X importtime -c code``."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    times = {}
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if match:
            times[match.group(4)] = int(match.group(1)) / 1000
    return times


def phases(env: dict) -> str:
    """Where the time of one in-process check goes: interpreter+numpy, the CLI, the work."""
    code = (
        "import time; t0 = time.perf_counter()\n"
        "import numpy; t1 = time.perf_counter()\n"
        "from grader.cli import main; t2 = time.perf_counter()\n"
        "from grader import checking, reporters; t3 = time.perf_counter()\n"
        f"report = checking.check(['step7'], {str(SOLUTIONS)!r}); t4 = time.perf_counter()\n"
        "reporters.terminal(report); t5 = time.perf_counter()\n"
        "print(f'numpy {1e3*(t1-t0):.0f} ms, grader.cli {1e3*(t2-t1):.0f} ms, '\n"
        "      f'checking+reporters {1e3*(t3-t2):.0f} ms, check() {1e3*(t4-t3):.0f} ms, '\n"
        "      f'render {1e3*(t5-t4):.0f} ms')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    return (done.stdout or done.stderr).strip()


def ladder(env: dict, check: list, repeat: int) -> None:
    """Median time of ever larger pieces of the check, each run on its own, interleaved."""
    python = [sys.executable, "-c"]
    base = "import numpy, numpy.random"
    steps = {
        'python -c "import numpy"': python + ["import numpy"],
        "+ numpy.random (default_rng)": python + [base],
        "+ click": python + [base + ", click"],
        "+ grader.cli (every command)": python + [base + "; import grader.cli"],
        "+ checking, reporters": python + [base + "; import grader.cli, grader.checking.check, "
                                           "grader.render.terminal"],
        "+ workspace lookup": python + [base + "; import grader.cli, grader.checking.check, "
                                        "grader.render.terminal, grader.learner.workspace as w; "
                                        "w.settings(None, None, None)"],
        "+ ProblemSet (5 problems)": python + [base + "; import grader.cli, grader.checking.check as c, "
                                               "grader.render.terminal, grader.learner.workspace as w; "
                                               "w.settings(None, None, None); c.ProblemSet(0)"],
        "bpgrade check step7 (+ sandbox run)": check,
    }
    times = {name: [] for name in steps}
    for _ in range(repeat):
        for name, command in steps.items():
            times[name].append(timed(command, env))
    floor = statistics.median(times['python -c "import numpy"'])
    print("\ncumulative pieces (medians, interleaved):")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:38s} {1e3 * median:7.1f} ms  {median / floor:5.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="runs of each command (>= 15)")
    parser.add_argument("--target", type=float, default=1.3, help="acceptable median ratio")
    parser.add_argument("--ladder", action="store_true",
                        help="also time ever larger pieces of the check, to see what costs")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="compile every module from source on each run "
                             "(as under PYTHONDONTWRITEBYTECODE without existing caches)")
    args = parser.parse_args()
    repeat = max(15, args.repeat)

    env = dict(os.environ, NO_COLOR="1", LANG="C.UTF-8")
    cache = None
    if not args.no_bytecode_cache:
        # As on a learner's machine after the first run: compiled bytecode is reused. It is
        # kept in a temporary folder so that the working tree stays clean.
        cache = tempfile.TemporaryDirectory(prefix="bpgrade-bench-pycache-")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache.name
    check = [bpgrade_script(), "check", "step7", "--exercises", str(SOLUTIONS)]
    floor = [sys.executable, "-c", "import numpy"]
    # The learner's problems are kept between checks (grader/engine/cache.py); the first
    # check of a seed draws them. Both are timed, each with a problem cache of its own.
    problems = tempfile.TemporaryDirectory(prefix="bpgrade-bench-problems-")
    env["BPGRADE_CACHE"] = problems.name
    cold_env = dict(env, BPGRADE_CACHE="")
    for _ in range(3):                                   # warm the file and bytecode caches
        timed(check, env), timed(floor, env), timed(check, cold_env)
    check_times, floor_times, cold_times = [], [], []
    for _ in range(repeat):                              # interleaved: same machine load
        check_times.append(timed(check, env))
        floor_times.append(timed(floor, env))
        cold_times.append(timed(check, cold_env))

    check_median = statistics.median(check_times)
    floor_median = statistics.median(floor_times)
    ratio = check_median / floor_median
    paired = statistics.median(c / f for c, f in zip(check_times, floor_times))
    print(f"bpgrade check step7        median {1e3 * check_median:7.1f} ms  "
          f"(min {1e3 * min(check_times):.1f}, n={repeat})")
    print(f'python -c "import numpy"   median {1e3 * floor_median:7.1f} ms  '
          f"(min {1e3 * min(floor_times):.1f}, n={repeat})")
    print(f"ratio of medians {ratio:.2f}x   median of paired ratios {paired:.2f}x   "
          f"target <= {args.target:.2f}x   {'OK' if ratio <= args.target else 'OVER'}")
    print(f"time above the floor: {1e3 * (check_median - floor_median):.1f} ms")
    cold_median = statistics.median(cold_times)
    print(f"first check of a seed (problems drawn, not cached): median {1e3 * cold_median:.1f} ms,"
          f" ratio {cold_median / floor_median:.2f}x")

    if ratio > args.target:
        print("\nwhere one check's time goes:", phases(env))
        base = import_times("import numpy", env)
        ours = import_times("from grader.cli import main\n"
                            "from grader import checking, reporters, sandbox", env)
        extra = sorted(((ms, name) for name, ms in ours.items() if name not in base),
                       reverse=True)
        print(f"\nimports on top of numpy: {sum(ms for ms, _ in extra):.1f} ms in "
              f"{len(extra)} modules; slowest (self time):")
        for ms, name in extra[:15]:
            print(f"  {ms:7.2f} ms  {name}")
    if args.ladder:
        ladder(env, check, max(10, repeat // 2))
    if cache is not None:
        cache.cleanup()
    problems.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())

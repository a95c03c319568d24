"""How long does ``bpgrade check step7`` take, against the floor of starting Python with numpy?

Runs a repeated ``check step7`` on the solutions folder (problems already cached, as in the
learner's loop) through the installed ``bpgrade`` console script and through
``python -m grader``, and a bare ``python -c "import numpy"``, in turn in the same run
(A B C A B C ...), and prints each median, the ratio of the medians and the median of the
pair-by-pair ratios (target: at most 1.0x), then the first check of a seed (problems drawn,
not cached). With ``--detail`` (or over the target) it also shows where one check's time
goes and the imports the check adds to a bare ``python``.

    python tests/benchmarks/bench_check.py [--repeat 30] [--target 1.0] [--detail] [--ladder]

The machine's other work shows in every run: quote the medians and the paired ratio.
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


def import_times(args: list, env: dict, runs: int = 7) -> dict:
    """{module: self time in ms} from ``python -X importtime ARGS`` (the checking process),
    the least of ``runs`` runs: a busy machine only ever adds."""
    times = {}
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-X", "importtime", *args],
                              capture_output=True, text=True, env=env, cwd=ROOT)
        for line in done.stderr.splitlines():
            match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
            if match:
                ms = int(match.group(1)) / 1000
                times[match.group(4)] = min(ms, times.get(match.group(4), ms))
    return times


def phases(env: dict) -> str:
    """Where the time of one in-process check goes, after the interpreter has started."""
    code = (
        "import time; t0 = time.perf_counter()\n"
        "from grader.cli import main; t1 = time.perf_counter()\n"
        "from grader.checking import check as checking\n"
        "from grader.render import terminal\n"
        "from grader.learner.workspace import settings; t2 = time.perf_counter()\n"
        f"setup = settings({str(SOLUTIONS)!r}, None, 'en'); t3 = time.perf_counter()\n"
        "problems = checking.ProblemSet(setup.seed, cached=True); t4 = time.perf_counter()\n"
        "result = checking.check_step(checking.registry.get('step7'), setup.folder, problems,\n"
        "                             'en'); t5 = time.perf_counter()\n"
        "terminal.terminal(checking.Report([result], setup.seed)); t6 = time.perf_counter()\n"
        "import sys\n"
        "print(f'grader.cli (click) {1e3*(t1-t0):.1f} ms, check modules {1e3*(t2-t1):.1f} ms, '\n"
        "      f'workspace {1e3*(t3-t2):.1f} ms, cached problems {1e3*(t4-t3):.1f} ms, '\n"
        "      f'the step in its own process {1e3*(t5-t4):.1f} ms, render {1e3*(t6-t5):.1f} ms; '\n"
        "      f'numpy loaded: {\"numpy\" in sys.modules}')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    return (done.stdout or done.stderr).strip()


def ladder(env: dict, check: list, repeat: int) -> None:
    """Median time of ever larger pieces of the check, each run on its own, in turn."""
    python = [sys.executable, "-c"]
    steps = {
        'python -c "pass"': python + ["pass"],
        'python -c "import numpy"': python + ["import numpy"],
        "+ click": python + ["import click"],
        "+ grader.cli": python + ["import grader.cli"],
        "+ checking, terminal": python + ["import grader.cli, grader.checking.check, "
                                          "grader.render.terminal"],
        "+ workspace lookup": python + ["import grader.cli, grader.checking.check, "
                                        "grader.render.terminal, grader.learner.workspace as w; "
                                        "w.settings(None, None, None)"],
        "+ cached ProblemSet": python + ["import grader.cli, grader.checking.check as c, "
                                         "grader.render.terminal, grader.learner.workspace as w; "
                                         "w.settings(None, None, None); c.ProblemSet(0, cached=True)"],
        "bpgrade check step7 (+ the step's process)": check,
    }
    times = {name: [] for name in steps}
    for _ in range(repeat):
        for name, command in steps.items():
            times[name].append(timed(command, env))
    floor = statistics.median(times['python -c "import numpy"'])
    print("\ncumulative pieces (medians, in turn; ratio to import numpy):")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:44s} {1e3 * median:7.1f} ms  {median / floor:5.2f}x")


def report(name: str, values: list, floor: list) -> float:
    median = statistics.median(values)
    paired = statistics.median(v / f for v, f in zip(values, floor))
    print(f"{name:34s} median {1e3 * median:7.1f} ms  (min {1e3 * min(values):.1f})  "
          f"ratio of medians {median / statistics.median(floor):.2f}x  "
          f"median of paired ratios {paired:.2f}x")
    return paired


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="runs of each command (>= 15)")
    parser.add_argument("--target", type=float, default=1.0,
                        help="acceptable median of paired ratios against import numpy")
    parser.add_argument("--detail", action="store_true",
                        help="also show where one check's time goes and what it imports")
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
    arguments = ["check", "step7", "--exercises", str(SOLUTIONS), "--lang", "en"]
    script = [bpgrade_script(), *arguments]
    module = [sys.executable, "-m", "grader", *arguments]
    floor = [sys.executable, "-c", "import numpy"]
    # The learner's problems are kept between checks (grader/engine/cache.py); the first
    # check of a seed draws them. Both are timed, each with a problem cache of its own.
    problems = tempfile.TemporaryDirectory(prefix="bpgrade-bench-problems-")
    env["BPGRADE_CACHE"] = problems.name
    cold_env = dict(env, BPGRADE_CACHE="")
    for _ in range(3):                                   # warm the file and bytecode caches
        timed(script, env), timed(module, env), timed(floor, env), timed(script, cold_env)
    times = {"script": [], "module": [], "floor": [], "cold": []}
    for _ in range(repeat):                              # in turn: the same machine load
        times["script"].append(timed(script, env))
        times["module"].append(timed(module, env))
        times["floor"].append(timed(floor, env))
        times["cold"].append(timed(script, cold_env))

    print(f"{repeat} runs of each, in turn; wall-clock time of the whole process")
    floor_median = statistics.median(times["floor"])
    floor_name = 'python -c "import numpy"'
    print(f"{floor_name:34s} median {1e3 * floor_median:7.1f} ms  "
          f"(min {1e3 * min(times['floor']):.1f})")
    paired = report("bpgrade check step7 (script)", times["script"], times["floor"])
    paired_module = report("python -m grader check step7", times["module"], times["floor"])
    worst = max(paired, paired_module)
    print(f"target <= {args.target:.2f}x: {'OK' if worst <= args.target else 'OVER'}   "
          f"check minus floor (medians): "
          f"{1e3 * (statistics.median(times['script']) - floor_median):+.1f} ms")
    report("first check of a seed (drawn)", times["cold"], times["floor"])

    if args.detail or worst > args.target:
        print("\nwhere one repeated check's time goes:", phases(env))
        base = import_times(["-c", "pass"], env)
        ours = import_times(["-m", "grader", *arguments], env)
        extra = sorted(((ms, name) for name, ms in ours.items() if name not in base),
                       reverse=True)
        print(f"\nimports on top of a bare python: {sum(ms for ms, _ in extra):.1f} ms in "
              f"{len(extra)} modules; slowest (self time, least of 7 runs):")
        for ms, name in extra[:15]:
            print(f"  {ms:7.2f} ms  {name}")
    if args.ladder:
        ladder(env, script, max(10, repeat // 2))
    if cache is not None:
        cache.cleanup()
    problems.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
